#!/usr/bin/env bash
# mutate.sh - random-mutation fuzzing of the plugin, in the manner of
# Wireshark's tools/fuzz-test.sh: each run takes the next capture (round
# robin), corrupts it with `editcap -E <prob> -o <offset> --seed <n>`, and
# dissects it with tshark -2 -V (output to /dev/null) with the plugin built
# under ASan+UBSan (the sanitizer runtimes preloaded, as in
# test/xmppws_test.py), WIRESHARK_DEBUG_WMEM_OVERRIDE=simple and
# WIRESHARK_ABORT_ON_DISSECTOR_BUG=1. A run fails when tshark exits non-zero
# or prints a sanitizer report, a dissector bug or a GLib critical; the
# mutated capture and tshark's output are kept in the work folder and the
# script exits 1 at the end. A failing input is run again without the plugin:
# if tshark fails the same way, the bug is Wireshark's own (4.0's TLS
# reassembly asserts on some mutated records); it is kept as WIRESHARK-*,
# reported and counted apart, and does not fail the run.
#
#   bash fuzz/mutate.sh [-n RUNS] [-t SECONDS] [-s SEED] [-e PROB] [-o OFFSET]
#                       [-p PLUGIN_DIR] [-d WORK_DIR] [capture.pcapng ...]
#
#   -n RUNS     stop after RUNS runs (default: one per capture)
#   -t SECONDS  start no run after SECONDS (default: no limit)
#   -s SEED     editcap seed of the first run, then SEED+1, ... (default: random;
#               printed, so a failing run is reproduced with -s SEED -n 1 FILE)
#   -e PROB     per-byte error probability (default 0.02, as fuzz-test.sh)
#   -o OFFSET   bytes of each packet left intact (default 54: Ethernet, IPv4 and
#               TCP headers, so most mutations reach WebSocket and XMPP)
#   -p DIR      plugin folder (default build-asan/plugins; a plain build works
#               too, without the sanitizers' checks)
#   -d DIR      work folder (default: a new folder under /tmp)
#   captures    default: every captures/*.pcapng
#
# As root, tshark runs as nobody (it ignores plugin folders as root).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
runs=0 seconds=0 seed="" prob=0.02 offset=54 plugins="$top/build-asan/plugins" work=""
while getopts "n:t:s:e:o:p:d:h" opt; do
  case $opt in
    n) runs=$OPTARG ;;
    t) seconds=$OPTARG ;;
    s) seed=$OPTARG ;;
    e) prob=$OPTARG ;;
    o) offset=$OPTARG ;;
    p) plugins=$OPTARG ;;
    d) work=$OPTARG ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
captures=("$@")
if [ ${#captures[@]} -eq 0 ]; then
  captures=("$top"/captures/*.pcapng)
fi
command -v editcap >/dev/null || { echo "mutate.sh: editcap not found (apt-get install tshark)" >&2; exit 2; }
# The plugin of the installed Wireshark (4.0, 4.4, 4.6): <plugins>/<major.minor>/epan.
ws_mm=$(tshark --version 2>/dev/null | sed -n '1s/^[^0-9]*\([0-9]*\.[0-9]*\)\..*/\1/p')
plugin_so="$plugins/$ws_mm/epan/finesse-xmpp.so"
[ -f "$plugin_so" ] || { echo "mutate.sh: no plugin for Wireshark $ws_mm in $plugins (build it first)" >&2; exit 2; }
if [ "$runs" -eq 0 ] && [ "$seconds" -eq 0 ]; then
  runs=${#captures[@]}
fi
if [ -z "$seed" ]; then
  seed=$(( (RANDOM << 15 | RANDOM) % 1000000000 ))
fi

own_work=0
if [ -z "$work" ]; then
  work=$(mktemp -d /tmp/xmppws-mutate.XXXXXX)
  own_work=1
fi
mkdir -p "$work/home" "$work/in" "$work/extcap"
cp -r "$plugins" "$work/plugins"
chmod -R a+rX "$work"
chmod 777 "$work/home" "$work"

# No extcap helpers: under the sanitizer preload they can hang.
env_vars=(HOME="$work/home" WIRESHARK_PLUGIN_DIR="$work/plugins" WIRESHARK_EXTCAP_DIR="$work/extcap" LC_ALL=C.UTF-8
          WIRESHARK_DEBUG_WMEM_OVERRIDE=simple WIRESHARK_ABORT_ON_DISSECTOR_BUG=1)
if nm -D "$plugin_so" 2>/dev/null | grep __asan_init >/dev/null; then
  env_vars+=(LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
             ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1
             UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1)
  sanitizers="ASan+UBSan"
else
  sanitizers="no sanitizers"
fi
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi

echo "mutate.sh: plugin $plugins (Wireshark $ws_mm, $sanitizers), editcap -E $prob -o $offset, first seed $seed, work $work"
fail_re="AddressSanitizer|runtime error:|Dissector bug|CRITICAL|failed assertion"
mkdir -p "$work/noplugins/$ws_mm/epan"
chmod -R a+rX "$work/noplugins"
start=$SECONDS done_runs=0 failures=0 wireshark_bugs=0 i=0
while :; do
  if [ "$runs" -gt 0 ] && [ "$done_runs" -ge "$runs" ]; then break; fi
  if [ "$seconds" -gt 0 ] && [ $((SECONDS - start)) -ge "$seconds" ]; then break; fi
  cap=${captures[$((i % ${#captures[@]}))]}
  name=$(basename "$cap" .pcapng)
  s=$((seed + i))
  i=$((i + 1))
  mutated="$work/in/$name-seed$s.pcapng"
  if ! editcap -E "$prob" -o "$offset" --seed "$s" "$cap" "$mutated" >/dev/null 2>"$work/editcap.txt"; then
    # Wireshark 4.0's editcap refuses a pcapng whose decryption secrets block
    # comes before its interface block (the wss captures): tshark rewrites it
    # once, secrets kept, in the order editcap accepts.
    norm="$work/in/$name-rewritten.pcapng"
    if [ ! -f "$norm" ]; then
      tshark -n -r "$cap" -F pcapng -w "$norm" 2>/dev/null || { cat "$work/editcap.txt" >&2; exit 2; }
    fi
    editcap -E "$prob" -o "$offset" --seed "$s" "$norm" "$mutated" >/dev/null
  fi
  chmod 644 "$mutated"
  rc=0
  (cd "$work" && timeout 600 "${as_user[@]}" env "${env_vars[@]}" tshark -n -2 -V -r "$mutated" \
     >/dev/null 2>"$work/stderr.txt") || rc=$?
  done_runs=$((done_runs + 1))
  if [ "$rc" -ne 0 ] || grep -qE "$fail_re" "$work/stderr.txt"; then
    # Does it fail the same way without the plugin? Then it is Wireshark's
    # own bug (4.0's TLS reassembly asserts on some mutated records), kept
    # and reported apart, and not a failure of the plugin.
    rc0=0
    (cd "$work" && timeout 600 "${as_user[@]}" env "${env_vars[@]}" WIRESHARK_PLUGIN_DIR="$work/noplugins" \
       tshark -n -2 -V -r "$mutated" >/dev/null 2>"$work/stderr0.txt") || rc0=$?
    first=$(grep -m 1 -E "$fail_re" "$work/stderr.txt" | sed 's/^.*\(AddressSanitizer\|runtime error:\|Dissector bug\|CRITICAL\|failed assertion\)/\1/' || true)
    if [ "$rc0" -eq "$rc" ] && [ -n "$first" ] && grep -qF -- "$first" "$work/stderr0.txt"; then
      wireshark_bugs=$((wireshark_bugs + 1))
      cp "$work/stderr.txt" "$work/WIRESHARK-$name-seed$s.txt"
      mv "$mutated" "$work/WIRESHARK-$name-seed$s.pcapng"
      echo "Wireshark's own (same without the plugin): $name seed $s: $first"
    else
      failures=$((failures + 1))
      cp "$work/stderr.txt" "$work/FAIL-$name-seed$s.txt"
      mv "$mutated" "$work/FAIL-$name-seed$s.pcapng"
      echo "FAIL (exit $rc): $name seed $s -> $work/FAIL-$name-seed$s.pcapng"
      grep -m 5 -E "ERROR|runtime error|Dissector bug|CRITICAL|#[0-9] " "$work/stderr.txt" | sed 's/^/    /' || true
    fi
  else
    rm -f "$mutated"
  fi
done
echo "mutate.sh: $done_runs runs in $((SECONDS - start)) s, $failures failures of the plugin," \
     "$wireshark_bugs of Wireshark's own (seeds $seed..$((seed + i - 1)))"
if [ "$failures" -ne 0 ]; then
  exit 1
fi
rm -rf "$work/plugins" "$work/noplugins" "$work/home" "$work/in" "$work/extcap" "$work/stderr.txt" "$work/stderr0.txt" \
  "$work/editcap.txt"
if [ "$own_work" -eq 1 ]; then
  rmdir "$work" 2>/dev/null || true
fi
