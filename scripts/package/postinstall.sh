#!/bin/sh
# Installs, or upgrades in place, dataward's service and per-user helper.
# deb: postinst configure|abort-upgrade|abort-remove|abort-deconfigure;
# rpm: %post 1 (install) or 2 (upgrade).
set -e
case "$1" in
configure | abort-upgrade | abort-remove | abort-deconfigure | 1 | 2 | "")
	/usr/bin/dataward install
	;;
esac
exit 0
