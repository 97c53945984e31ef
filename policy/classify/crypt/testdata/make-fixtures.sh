#!/usr/bin/env bash
# Regenerates the fixtures in this folder with real tools. Every file under
# pdf/, 7z/ and cfb/ comes from a command below; the sources are in src/.
# Needs (Debian 12): qpdf 7zip libreoffice-calc-nogui libreoffice-writer-nogui
# python3-uno, and Go with excelize in go.mod. Run from this folder:
#   bash make-fixtures.sh
# Outputs differ byte for byte between runs (timestamps, salts, IDs); the
# tests only depend on what each file is.
#
# Compound files that no tool here writes (agile and IRM packages, XOR and
# RC4 CryptoAPI FILEPASS records, encrypted PowerPoint, hostile FATs) are
# built by the tests themselves, see cfbwriter_test.go.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf pdf 7z cfb
mkdir -p pdf 7z cfb

# PDF: ISO 32000 standard security handler, revisions 2 to 6. qpdf refuses
# RC4 without --allow-weak-crypto. An empty user password ("") with an
# owner password means the file opens for anyone.
weak=--allow-weak-crypto
qpdf src/plain-source.pdf pdf/plain.pdf || [ $? -eq 3 ] # 3: repaired with warnings
qpdf --encrypt user owner 256 -- pdf/plain.pdf pdf/aes256.pdf
qpdf --encrypt "" owner 256 -- pdf/plain.pdf pdf/aes256-owner-only.pdf
qpdf --linearize --encrypt user owner 256 -- pdf/plain.pdf pdf/aes256-linearized.pdf
qpdf $weak --encrypt user owner 256 --force-R5 -- pdf/plain.pdf pdf/r5.pdf
qpdf $weak --encrypt "" owner 256 --force-R5 -- pdf/plain.pdf pdf/r5-owner-only.pdf
qpdf --encrypt user owner 128 --use-aes=y -- pdf/plain.pdf pdf/aes128.pdf
qpdf --object-streams=generate --encrypt "" owner 128 --use-aes=y -- pdf/plain.pdf pdf/aes128-owner-only-objstm.pdf
qpdf $weak --encrypt user owner 128 --use-aes=n -- pdf/plain.pdf pdf/rc4-128.pdf
qpdf $weak --encrypt "" owner 128 --use-aes=n -- pdf/plain.pdf pdf/rc4-128-owner-only.pdf
qpdf $weak --linearize --encrypt "" owner 128 --use-aes=n -- pdf/plain.pdf pdf/rc4-128-owner-only-linearized.pdf
qpdf $weak --encrypt user owner 40 -- pdf/plain.pdf pdf/rc4-40.pdf
qpdf $weak --encrypt "" owner 40 -- pdf/plain.pdf pdf/rc4-40-owner-only.pdf

# 7z: -mhe=on encrypts the header too; -p alone encrypts contents only.
# mixed.7z gets a plain folder, then an encrypted one added by an update.
(
	cd src
	7z a -bd -pX -mhe=on ../7z/aes-headers.7z people.csv notes.txt >/dev/null
	7z a -bd -pX ../7z/aes.7z people.csv notes.txt >/dev/null
	7z a -bd ../7z/plain.7z people.csv notes.txt >/dev/null
	7z a -bd -mhc=off ../7z/plain-header-uncompressed.7z people.csv notes.txt >/dev/null
	7z a -bd -ms=off ../7z/plain-nonsolid.7z people.csv notes.txt >/dev/null
	7z a -bd ../7z/mixed.7z people.csv >/dev/null
	7z a -bd -pX ../7z/mixed.7z notes.txt >/dev/null
)
# A directory and an empty file: entries without data.
tmp=$(mktemp -d)
mkdir "$tmp/folder"
cp src/people.csv "$tmp/folder/"
: >"$tmp/empty.txt"
(cd "$tmp" && 7z a -bd "$OLDPWD/7z/plain-dirs.7z" folder empty.txt >/dev/null)
rm -rf "$tmp"

# OOXML with ECMA-376 standard encryption, from excelize and LibreOffice.
go run excelize-fixture.go cfb/standard-excelize.xlsx

# Legacy .xls and .doc from LibreOffice: plain, RC4 with password "x", and
# an .xls with a protected structure, which LibreOffice (like Excel)
# encrypts with the built-in password VelvetSweatshop.
/usr/bin/python3 lo-fixtures.py "$PWD/cfb"
rm -rf cfb/.lo-profile

# Independent check of the Office files (not run by the tests).
if command -v msoffcrypto-tool >/dev/null; then
	for f in cfb/*; do msoffcrypto-tool -t -v "$f" 2>&1 | tail -1 || true; done
fi
