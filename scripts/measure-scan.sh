#!/usr/bin/env bash
# Measures `dataward scan` on a typical 1 MB export, a 1 GB CSV and the
# labelled corpus, side by side with ripgrep running an e-mail + postcode
# regex over the same files, and prints times, ratios and peak RSS.
#
# usage: scripts/measure-scan.sh [WORKDIR]   (needs ~1.1 GB free; apt: ripgrep hyperfine bc time)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
work=${1:-$(mktemp -d)}
mkdir -p "$work"
for tool in rg hyperfine bc python3 /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install ripgrep hyperfine bc time)" >&2; exit 2; }
done

go build -o "$work/dataward" ./cmd/dataward
[ -d "$work/corpus" ] || go run ./policy/classify/corpus/cmd/gencorpus -out "$work/corpus" -seed 1 >/dev/null
[ -f "$work/big/members_full_export.csv" ] || go run ./policy/classify/corpus/cmd/gencorpus -out "$work/big" -seed 2 -big 1024 >/dev/null
mkdir -p "$work/1mb"
[ -f "$work/1mb/members.csv" ] || head -c 1048576 "$work/big/members_full_export.csv" | sed '$d' >"$work/1mb/members.csv"

regex='[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}'

# mean wall-clock seconds of a command over several runs (hyperfine)
timeit() {
	hyperfine -N --warmup 2 --runs "${RUNS:-10}" --ignore-failure --export-json "$work/t.json" "$*" >/dev/null 2>&1
	python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$work/t.json"
}
rss() { # peak RSS in MB of a command
	/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1/1024}'
}

printf '%-24s %12s %10s %8s %12s\n' "input" "dataward s" "rg s" "rg/dw" "dw peak MB"
for case in "1 MB export:$work/1mb/members.csv" "1 GB CSV:$work/big/members_full_export.csv" "corpus (172 files):$work/corpus"; do
	name=${case%%:*} path=${case#*:}
	dw=$(timeit "$work/dataward" scan --json "$path")
	rgt=$(timeit rg -c -e "$regex" "$path")
	printf '%-24s %12s %10s %8.1f %12s\n' "$name" "$dw" "$rgt" "$(echo "$rgt / $dw" | bc -l)" "$(rss "$work/dataward" scan --json "$path")"
done
echo "(means of ${RUNS:-10} runs after 2 warm-ups, process start included; rg/dw > 1: dataward is faster)"
