#!/bin/sh
# Remakes the fixtures of the protect tests: two WinZip AES-256 (AE-2)
# archives written by 7-Zip, the independent implementation the zip writer
# is checked against, and members.ods, written by LibreOffice. Needs 7zz
# (Debian: 7zip), soffice (libreoffice-calc-nogui) and python3-uno. Run
# from this folder. The tests know the passwords and contents below.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'Siân Jones,07700 900123\nLlŷr Evans,01632 960001\n' >"$tmp/short.txt"
i=0
while [ $i -lt 200 ]; do
	printf 'Siân Jones,07700 900123\nLlŷr Evans,01632 960001\n' >>"$tmp/long.txt"
	i=$((i + 1))
done
rm -f ae2-7zip-store.zip ae2-7zip-deflate.zip
7zz a -tzip -mem=AES256 -mm=Copy -p'correct-horse-battery-staple' ae2-7zip-store.zip "$tmp/short.txt" >/dev/null
7zz a -tzip -mem=AES256 -mm=Deflate -p'correct-horse-battery-staple' ae2-7zip-deflate.zip "$tmp/long.txt" >/dev/null
/usr/bin/python3 make-fixtures.py
