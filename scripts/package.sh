#!/usr/bin/env bash
# Builds dataward for every release target and packages it in dist/:
#   dataward_<version>_amd64.deb, dataward_<version>_arm64.deb,
#   dataward-<version>-1.x86_64.rpm, dataward-<version>-1.aarch64.rpm
#       (installing runs `dataward install`, removing `dataward uninstall`)
#   dataward-<version>-windows-amd64.zip     (dataward.exe, INSTALL.txt)
#   dataward-<version>-darwin-amd64.tar.gz, dataward-<version>-darwin-arm64.tar.gz
#                                            (dataward, INSTALL.txt)
#   SHA256SUMS
#
# usage: scripts/package.sh
# environment:
#   VERSION        the version (default: the latest v* tag, else 0.0.0-dev)
#   TARGETS        os/arch pairs to build (default: all five)
#   DIST           the output folder (default: dist)
#   DATAWARD_MAIN  the main package to build (default: ./cmd/dataward)
# needs: go; zip or python3 (for the Windows zip); nfpm comes through the
# Go module proxy (go run), outside go.mod.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

NFPM_MODULE=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2
TARGETS=${TARGETS:-linux/amd64 linux/arm64 windows/amd64 darwin/amd64 darwin/arm64}
DIST=${DIST:-dist}
MAIN=${DATAWARD_MAIN:-./cmd/dataward}
if [ -z "${VERSION:-}" ]; then
	VERSION=$(git describe --tags --match 'v[0-9]*' 2>/dev/null || true)
	VERSION=${VERSION#v}
	VERSION=${VERSION:-0.0.0-dev}
fi
case $VERSION in
[0-9]*) ;;
*)
	echo "package.sh: VERSION must start with a digit (got $VERSION)" >&2
	exit 2
	;;
esac
# Archives and packages carry the last commit's time, so that a rebuild of
# the same commit gives the same bytes.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}

mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

nfpm() { go run "$NFPM_MODULE" "$@"; }

# archive_tar DIR NAME: DIST/NAME.tar.gz of DIR's contents under NAME/.
archive_tar() {
	tar -C "$1/.." --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
		-czf "$DIST/$2.tar.gz" "$2"
}

# archive_zip DIR NAME: DIST/NAME.zip of DIR's contents under NAME/.
archive_zip() {
	rm -f "$DIST/$2.zip"
	find "$1" -exec touch -d "@$SOURCE_DATE_EPOCH" {} +
	if command -v zip >/dev/null 2>&1; then
		(cd "$1/.." && zip -qrX "$DIST/$2.zip" "$2")
	elif command -v python3 >/dev/null 2>&1; then
		(cd "$1/.." && python3 -m zipfile -c "$DIST/$2.zip" "$2")
	else
		echo "package.sh: no zip or python3 to make the Windows zip (apt-get install zip)" >&2
		exit 1
	fi
}

start=$(date +%s)
for target in $TARGETS; do
	os=${target%/*}
	arch=${target#*/}
	exe=dataward
	[ "$os" = windows ] && exe=dataward.exe
	out="$work/build/$os-$arch"
	mkdir -p "$out"
	echo "== build $os/$arch"
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath \
		-ldflags "-s -w -X main.version=$VERSION" -o "$out/$exe" "$MAIN"

	case $os in
	linux)
		sed -e "s|@ARCH@|$arch|" -e "s|@VERSION@|$VERSION|" -e "s|@BINARY@|$out/$exe|" \
			scripts/package/nfpm.yaml >"$out/nfpm.yaml"
		for packager in deb rpm; do
			echo "== $packager $arch"
			nfpm package --config "$out/nfpm.yaml" --packager "$packager" --target "$DIST/" >/dev/null
		done
		;;
	windows | darwin)
		name="dataward-$VERSION-$os-$arch"
		dir="$work/archive/$name"
		mkdir -p "$dir"
		cp "$out/$exe" "$dir/"
		sed "s/VERSION/$VERSION/" "scripts/package/INSTALL-$os.txt" >"$dir/INSTALL.txt"
		if [ "$os" = windows ]; then
			sed -i 's/$/\r/' "$dir/INSTALL.txt"
			archive_zip "$dir" "$name"
		else
			archive_tar "$dir" "$name"
		fi
		;;
	*)
		echo "package.sh: no package for $os" >&2
		exit 2
		;;
	esac
done

(cd "$DIST" && rm -f SHA256SUMS && sha256sum -- *.deb *.rpm *.zip *.tar.gz 2>/dev/null >SHA256SUMS || true)
echo "== dist ($(($(date +%s) - start)) s)"
ls -l "$DIST"
