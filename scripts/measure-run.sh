#!/usr/bin/env bash
# Measures `dataward run` on a temporary Downloads folder:
#   1. time from a complete 10 MB export landing (renamed into place, as a
#      browser does) to the `flagged` audit event;
#   2. 10,000 files dropped at once: time until all are classified;
#   3. idle with those 10,000 files under watch: RSS and CPU over 60 s.
#
# usage: scripts/measure-run.sh [WORKDIR]   (apt: procps python3)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
work=${1:-$(mktemp -d)}
rm -rf "$work/dl" "$work/state" "$work/log"
mkdir -p "$work/dl"
go build -o "$work/dataward" ./cmd/dataward
cat >"$work/dataward.yaml" <<YAML
version: 1
watch: {downloads: false, paths: ["$work/dl"], volumes: false}
retention: {personal: 24h}
state_dir: "$work/state"
audit_log: "$work/log/audit.log"
socket: "$work/dataward.sock"
YAML
"$work/dataward" run --config "$work/dataward.yaml" 2>"$work/agent.err" &
agent=$!
trap 'kill $agent 2>/dev/null || true' EXIT
until grep -q agent_started "$work/log/audit.log" 2>/dev/null; do sleep 0.05; done

python3 - "$work" "$agent" <<'PY'
import json, os, sys, time, random, shutil
work, pid = sys.argv[1], int(sys.argv[2])
dl, audit = os.path.join(work, "dl"), os.path.join(work, "log", "audit.log")

def flagged():
    out = {}
    with open(audit) as f:
        for line in f:
            ev = json.loads(line)
            if ev["event"] == "flagged":
                out[os.path.basename(ev["path"])] = ev["time"]
    return out

def members(n, tag):
    rows = ["Membership Number,First Name,Last Name,Email,Phone,Postcode"]
    for i in range(n):
        rows.append(f"{100000+i},Jane{tag},Smith{i},jane{i}{tag}@example.org,07911 {100000+i % 900000:06d},CF10 {i%10}EP")
    return ("\n".join(rows) + "\n").encode()

# 1. A 10 MB export, written elsewhere and renamed in when complete.
body = members(150000, "big")[: 10 << 20]
body = body[: body.rfind(b"\n") + 1]
tmp = os.path.join(dl, "Members.csv.crdownload")
with open(tmp, "wb") as f:
    f.write(body)
os.utime(tmp, (time.time() - 5, time.time() - 5))  # the browser finished writing a moment ago
landed = time.time()
os.rename(tmp, os.path.join(dl, "Members.csv"))
while "Members.csv" not in flagged():
    time.sleep(0.005)
print(f"10 MB export ({len(body)/2**20:.1f} MiB) landed -> flagged: {time.time() - landed:.3f} s")

# 2. 10,000 files at once.
t0 = time.time()
for i in range(10000):
    d = os.path.join(dl, f"batch{i % 20:02d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"export-{i:05d}.csv"), "wb") as f:
        f.write(members(12, f"-{i}"))
written = time.time() - t0
while len(flagged()) < 10001:
    if time.time() - t0 > 300:
        sys.exit(f"only {len(flagged())} flagged after 300 s")
    time.sleep(0.2)
print(f"10,000 files: written in {written:.1f} s, all flagged {time.time() - t0:.1f} s after the first landed")

# 3. Idle with them all under watch.
time.sleep(10)
def cpu():
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
def rss():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
c0, t0 = cpu(), time.time()
time.sleep(60)
print(f"idle with 10,001 files under watch: RSS {rss():.1f} MB, CPU {100 * (cpu() - c0) / (time.time() - t0):.2f}% of a core over 60 s")
PY
