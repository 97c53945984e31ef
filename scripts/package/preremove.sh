#!/bin/sh
# Removes dataward's service, helper and files (all but the audit log) when
# the package is removed; an upgrade keeps them, and the new package's
# install upgrades them in place.
# deb: prerm remove (not upgrade|deconfigure|failed-upgrade);
# rpm: %preun 0 (erase; 1 is an upgrade).
set -e
case "$1" in
remove | 0)
	/usr/bin/dataward uninstall
	;;
esac
exit 0
