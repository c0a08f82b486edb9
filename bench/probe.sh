#!/usr/bin/env bash
# Benchmarks `netready probe` against the same hosts probed with a shell loop
# of `nc -z`, `xargs -P50 nc -z` and a loop of `curl --noproxy '*'`, and
# against the floor (one DNS round trip plus one TCP handshake), in two
# network namespaces joined by a veth pair (nothing leaves them):
#
#   client ns: the probe, nc, curl        server ns: DNS 10.99.0.2:53 (and a 200 ms one),
#   10.99.0.1/24 ======= veth ======= 10.99.0.2/24, every 10.77.0.0/16 address local,
#                                      one listener on 0.0.0.0:443
#
# Cases: the runner profile (6 endpoints) and 500 endpoints (the runner's 6 +
# 494 --endpoint hosts, each its own address), with an immediate DNS server
# and one that answers after 200 ms; and 500 names of which a third never get
# an answer (165 of the 494 --endpoint hosts: a forwarding rule to a dead DNS
# server), the rest immediate: every healthy one must be reachable within the
# default budget. Also the binary's start time and max RSS.
#
# usage: sudo bench/probe.sh            (root: it makes namespaces)
# needs: ip (iproute2), python3; installs hyperfine, netcat-openbsd, curl and GNU time
#        with apt-get when they are missing
# env:   CARGO_TARGET_DIR (default ./target), NO_BUILD=1 to skip the release build,
#        BEFORE=PATH to count the third-silent case with an older netready binary too,
#        RUNS (default 10) for the big cases, QUICK=1 for the probe's own rows
#        only (no nc/curl comparisons, no start-up and memory figures).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
RUNS=${RUNS:-10}
if [ "${NO_BUILD:-0}" != 1 ]; then
  (cd "$ROOT" && cargo build --release -q -p netready -p netready-test-support)
fi
NR=$TARGET/release/netready
TN=$TARGET/release/netready-testnet
# The benchmark's own tools, from the distribution (Debian 12: hyperfine
# 1.15.0); everything else the build needs comes from scripts/setup.sh.
missing=()
for pkg in hyperfine:hyperfine nc:netcat-openbsd curl:curl /usr/bin/time:time; do
  command -v "${pkg%%:*}" >/dev/null || missing+=("${pkg#*:}")
done
if ((${#missing[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for tool in ip hyperfine nc curl python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/probe.sh: $tool is missing" >&2; exit 2; }
done
hyperfine --version

C=nrb-c-$$; S=nrb-s-$$; WORK=$(mktemp -d); PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$C" 2>/dev/null || true
  ip netns del "$S" 2>/dev/null || true
  rm -rf "/etc/netns/$C" "$WORK"
}
trap cleanup EXIT

ip netns add "$C"; ip netns add "$S"
ip -n "$C" link set lo up; ip -n "$S" link set lo up
ip -n "$C" link add nrbc$$ type veth peer name nrbs$$ netns "$S"
ip -n "$C" addr add 10.99.0.1/24 dev nrbc$$; ip -n "$C" link set nrbc$$ up
ip -n "$S" addr add 10.99.0.2/24 dev nrbs$$; ip -n "$S" addr add 10.99.0.3/24 dev nrbs$$
ip -n "$S" link set nrbs$$ up
ip -n "$S" route add local 10.77.0.0/16 dev lo
ip -n "$C" route add 10.77.0.0/16 via 10.99.0.2

# The zone: the runner profile's hosts in eu-west-1 and h0..h493.bench.example.
RUNNER_HOSTS="secretsmanager.eu-west-1.amazonaws.com logs.eu-west-1.amazonaws.com api.ecr.eu-west-1.amazonaws.com
123456789012.dkr.ecr.eu-west-1.amazonaws.com s3.eu-west-1.amazonaws.com
prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com"
: > "$WORK/zone"; : > "$WORK/hosts6"; : > "$WORK/hosts500"; : > "$WORK/endpoints494"; : > "$WORK/endpoints494third"
i=0
for h in $RUNNER_HOSTS; do
  echo "$h 10.77.200.$((i + 1))" >> "$WORK/zone"; echo "$h" >> "$WORK/hosts6"; echo "$h" >> "$WORK/hosts500"; i=$((i + 1))
done
for i in $(seq 0 493); do
  h=h$i.bench.example
  echo "$h 10.77.$((i / 250)).$((i % 250 + 1))" >> "$WORK/zone"; echo "$h" >> "$WORK/hosts500"
  printf -- '--endpoint %s ' "$h" >> "$WORK/endpoints494"
  # The same names under t…: every third (i % 3 == 1) silent.
  t=t$i.bench.example
  if [ $((i % 3)) = 1 ]; then echo "$t silence" >> "$WORK/zone"; else echo "$t 10.77.$((i / 250)).$((i % 250 + 1))" >> "$WORK/zone"; fi
  printf -- '--endpoint %s ' "$t" >> "$WORK/endpoints494third"
done
SILENT=$(grep -c ' silence$' "$WORK/zone")

N_STARTED=0
start() { # start NS ARGS...: runs netready-testnet in NS, waits for "ready"
  local ns=$1; shift
  N_STARTED=$((N_STARTED + 1))
  local log=$WORK/server.$N_STARTED.log
  ip netns exec "$ns" "$TN" "$@" > "$log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do grep -q ready "$log" && return 0; sleep 0.05; done
  echo "netready-testnet $* did not start: $(cat "$log")" >&2; exit 1
}
start "$S" dns --listen 10.99.0.2:53 --zone "$WORK/zone"
start "$S" dns --listen 10.99.0.3:53 --zone "$WORK/zone" --delay-ms 200
start "$S" listen 0.0.0.0:443
mkdir -p "/etc/netns/$C"
echo "nameserver 10.99.0.2" > "/etc/netns/$C/resolv.conf"   # for nc and curl (getaddrinfo)

PROBE="$NR probe --region eu-west-1 --ecr-account 123456789012 --public-ip no --format json"
export AWS_EC2_METADATA_DISABLED=true
unset ECS_CONTAINER_METADATA_URI_V4 HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy

# Sanity: every endpoint reachable, through the fast and the slow resolver.
# (1000 queries, 64 in flight, 200 ms each: about 3.1 s of DNS, more than the
# default 5 s budget's DNS half, hence --timeout 10s for the slow resolver.)
for dns in 10.99.0.2 10.99.0.3; do
  out=$(ip netns exec "$C" $PROBE --dns-server $dns --timeout 10s $(cat "$WORK/endpoints494"))
  n=$(grep -c '"reachable": true' <<< "$out" || true)
  [ "$n" = 500 ] || { echo "sanity: $n of 500 reachable via $dns" >&2; exit 1; }
done
echo "sanity: 500 of 500 endpoints reachable via both resolvers"
# A third silent, default budget: every healthy name reachable, the silent
# ones dns_timeout, none "never asked" (queries 0).
out=$(ip netns exec "$C" $PROBE --dns-server 10.99.0.2 $(cat "$WORK/endpoints494third") || true)
n=$(grep -c '"reachable": true' <<< "$out" || true)
t=$(grep -c '"failure": "dns_timeout"' <<< "$out" || true)
z=$(grep -c '"queries": 0' <<< "$out" || true)
[ "$n" = $((500 - SILENT)) ] && [ "$t" = "$SILENT" ] && [ "$z" = 0 ] \
  || { echo "sanity: a third silent: $n of $((500 - SILENT)) healthy reachable, $t of $SILENT silent timed out, $z never asked" >&2; exit 1; }
echo "sanity: a third silent: $n of $((500 - SILENT)) healthy names reachable, $t silent ones dns_timeout, none never asked"
python3 -c 'import json,sys
r = json.load(sys.stdin)["endpoints"]
ok = sorted(e["dns"]["ms"] for e in r if e["reachable"] and e.get("dns"))
print("a third silent: the healthy names resolved in %.0f ms (median), %.0f ms (slowest)" % (ok[len(ok) // 2], ok[-1]))' <<< "$out"
# BEFORE=path/to/an/older/netready: the same case with that binary, counted
# (not checked), e.g. the probe as it was before the fair query slots.
if [ -n "${BEFORE:-}" ]; then
  for timeout in 5s 10s; do
    out=$(ip netns exec "$C" ${PROBE/#$NR/$BEFORE} --timeout $timeout --dns-server 10.99.0.2 $(cat "$WORK/endpoints494third") || true)
    echo "before ($BEFORE, --timeout $timeout): $(grep -c '"reachable": true' <<< "$out" || true) of $((500 - SILENT)) healthy names reachable, $(grep -c '"queries": 0' <<< "$out" || true) names never asked"
  done
fi

echo; echo "## machine"; lscpu | head -15 | sed -n '1p;5p;8p;9p'; uname -r
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo; echo "## floor (one DNS round trip + one TCP handshake, in-process)"
ip netns exec "$C" python3 "$ROOT/bench/probe_floor.py" 10.99.0.2 53 h1.bench.example 443 500
ip netns exec "$C" python3 "$ROOT/bench/probe_floor.py" 10.99.0.3 53 h1.bench.example 443 10

HF="hyperfine --style basic --warmup 2 --export-markdown"
if [ "${QUICK:-0}" = 1 ]; then
  echo; echo "## netready probe only (QUICK=1)"
  ip netns exec "$C" $HF "$WORK/q.md" --export-json "$WORK/q.json" --runs "$RUNS" \
    -n "6 endpoints" "$PROBE --dns-server 10.99.0.2" \
    -n "500 endpoints" "$PROBE --dns-server 10.99.0.2 $(cat "$WORK/endpoints494")" \
    -n "6 endpoints, DNS after 200 ms" "$PROBE --dns-server 10.99.0.3" \
    -n "500 endpoints, DNS after 200 ms" "$PROBE --dns-server 10.99.0.3 --timeout 10s $(cat "$WORK/endpoints494")" \
    >/dev/null
  # Degraded (the silent names), so exit 1: -i.
  ip netns exec "$C" $HF "$WORK/q3.md" --export-json "$WORK/q3.json" --runs "$RUNS" -i \
    -n "500 names, a third silent" "$PROBE --dns-server 10.99.0.2 $(cat "$WORK/endpoints494third")" \
    >/dev/null
  cat "$WORK/q.md"; tail -n 1 "$WORK/q3.md"
  for j in q q3; do python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]: print("median %s: %.1f ms" % (r["command"], r["median"] * 1000))' "$WORK/$j.json"; done
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  for n in 1 2 3; do
    ip netns exec "$C" /usr/bin/time -f "500 endpoints: %e s wall, %U s user, %S s system, %M KiB max RSS" \
      $PROBE --dns-server 10.99.0.2 $(cat "$WORK/endpoints494") >/dev/null
  done
  exit 0
fi
echo; echo "## 6 endpoints (runner profile), immediate DNS"
ip netns exec "$C" $HF "$WORK/r6.md" --runs 30 -i \
  -n "netready probe" "$PROBE --dns-server 10.99.0.2" \
  -n "nc -z loop" "for h in \$(cat $WORK/hosts6); do nc -z -w 2 \$h 443; done" \
  -n "xargs -P50 nc -z" "xargs -P50 -I{} nc -z -w 2 {} 443 < $WORK/hosts6" \
  -n "curl loop" "for h in \$(cat $WORK/hosts6); do curl -s -o /dev/null --noproxy '*' --connect-timeout 2 http://\$h:443/; done" \
  >/dev/null
cat "$WORK/r6.md"

echo; echo "## 500 endpoints, immediate DNS"
ip netns exec "$C" $HF "$WORK/r500.md" --runs "$RUNS" -i \
  -n "netready probe" "$PROBE --dns-server 10.99.0.2 $(cat "$WORK/endpoints494")" \
  -n "nc -z loop" "for h in \$(cat $WORK/hosts500); do nc -z -w 2 \$h 443; done" \
  -n "xargs -P50 nc -z" "xargs -P50 -I{} nc -z -w 2 {} 443 < $WORK/hosts500" \
  -n "curl loop" "for h in \$(cat $WORK/hosts500); do curl -s -o /dev/null --noproxy '*' --connect-timeout 2 http://\$h:443/; done" \
  >/dev/null 2>&1
cat "$WORK/r500.md"

echo; echo "## DNS answering after 200 ms"
echo "nameserver 10.99.0.3" > "/etc/netns/$C/resolv.conf"
ip netns exec "$C" $HF "$WORK/rd.md" --runs "$RUNS" \
  -n "netready probe, 6 endpoints" "$PROBE --dns-server 10.99.0.3" \
  -n "netready probe, 500 endpoints" "$PROBE --dns-server 10.99.0.3 --timeout 10s $(cat "$WORK/endpoints494")" \
  -n "xargs -P50 nc -z, 6 hosts" "xargs -P50 -I{} nc -z -w 2 {} 443 < $WORK/hosts6" \
  -n "xargs -P50 nc -z, 500 hosts" "xargs -P50 -I{} nc -z -w 2 {} 443 < $WORK/hosts500" \
  >/dev/null 2>&1
cat "$WORK/rd.md"
echo "nameserver 10.99.0.2" > "/etc/netns/$C/resolv.conf"

echo; echo "## 500 names, a third silent ($SILENT never answered), default --timeout 5s"
ip netns exec "$C" $HF "$WORK/rs.md" --runs "$RUNS" -i \
  -n "netready probe" "$PROBE --dns-server 10.99.0.2 $(cat "$WORK/endpoints494third")" \
  >/dev/null 2>&1
cat "$WORK/rs.md"

echo; echo "(hyperfine runs each command through sh and subtracts the shell's start-up;"
echo " the curl loop's requests end in an empty reply from the plain listener: -i ignores its exit code.)"
echo; echo "## start time and memory"
hyperfine --style basic -N --warmup 10 --runs 200 --export-markdown "$WORK/start.md" "$NR --version" >/dev/null
cat "$WORK/start.md"
for case in "6:" "500:$(cat "$WORK/endpoints494")"; do
  n=${case%%:*}; extra=${case#*:}
  rss=$(ip netns exec "$C" /usr/bin/time -v $PROBE --dns-server 10.99.0.2 $extra 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}')
  echo "max RSS, $n endpoints: $rss KiB"
done
ls -l "$NR" | awk '{print "binary size:", $5, "bytes"}'
