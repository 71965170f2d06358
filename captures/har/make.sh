#!/usr/bin/env bash
# Make the HAR test material of finesse-xmpp (issue 14, item 5): one real
# browser session recorded twice, as a pcapng and as the HAR Chrome DevTools
# saves ("Save all as HAR with content").
#
#   captures/har/make.sh          writes captures/har-session.pcapng and
#                                 captures/har-session.har (about 20 s per
#                                 session, at most 3 sessions; root)
#   captures/har/make.sh check    only compares the committed pair and prints
#                                 the facts README.md records
#   captures/har/make.sh bosh     the same for a BOSH desktop: writes
#                                 captures/har-bosh-session.pcapng and
#                                 captures/har-bosh-session.har (about 25 s
#                                 per session, at most 5 sessions; root)
#   captures/har/make.sh bosh check
#                                 compares the committed BOSH pair and
#                                 prints its facts (captures/bosh/facts.py)
#
# A real headless Chromium (Debian package chromium), driven over the
# DevTools protocol by drive.js (chrome-remote-interface), loads
# http://uccxpub.prabhat.com:8090/desktop/ (the name mapped to 127.0.0.1 by
# --host-resolver-rules) from server.js, which serves the page and the npm
# strophe.js file and forwards the REST calls and the /ws/ upgrade to
# captures/one-port/front.js (uncaptured port), which pipes /ws/ to a private
# Prosody (captures/prosody.sh). The page logs in with strophe.js; the
# publisher (finesse@ over its own ws:// straight to Prosody, not captured;
# captures/transport/client.js) publishes 3 Finesse notifications; the page
# disconnects. dumpcap records tcp port 8090 on lo; drive.js writes the HAR
# from the Network events (har.js); check.js fails unless every WebSocket text message of the pcap is
# in the HAR in the same order with the same text, and vice versa, except
# Prosody's last messages after the page closed the socket, which Chrome
# never reports (README.md, "The end of the session, and the check").
#
# The BOSH session (README.md, "The BOSH session"): Prosody with mod_bosh
# serves captures/bosh/desktop.html at
# http://uccxpub.prabhat.com:8093/desktop/ (not captured) and /http-bind on
# 8092 (captured, cross-origin like Finesse's 8445 desktop and 7443
# http-bind, so one CORS preflight); the page logs in with strophe.js over
# BOSH (wait 5), stays idle 12.5 s (empty polls held 5 s), gets the same 3
# notifications and terminates. drive.js writes the HAR as above (POST bodies
# from the DevTools events, response bodies from Network.getResponseBody);
# check.js --bosh fails unless every BOSH request body and response body of
# the pcap is in the HAR, same order, same text.
#
# Chromium runs as root with --no-sandbox (a root browser cannot sandbox),
# --headless=new, a throwaway --user-data-dir under .scratch, DevTools on
# 127.0.0.1 only. Every process this script starts is stopped on exit.
# Needs root (dumpcap on lo, prosody run_as_root), chromium, prosody,
# dumpcap, tshark, capinfos, node >= 20, npm.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$(cd "$HERE/.." && pwd)
SCRATCH=$HERE/.scratch
DOMAIN=uccxpub.prabhat.com
WS_PATH=/ws/
NAME=har-session

# Ports, all on 127.0.0.1; distinct from captures/make-captures.sh (5280,
# 5222), captures/transport/make.sh (5290-5292, 5232, 5390, 5391, 5399, 8445)
# and captures/one-port/make.sh (5300-5302, 5242, 8445, 8082).
HTTP_PORT=${HTTP_PORT:-8090}             # server.js: page, REST, /ws/; the only captured port
BACKEND_PORT=${BACKEND_PORT:-8091}       # one-port/front.js behind it, never captured
PROSODY_WS_PORT=${PROSODY_WS_PORT:-5310} # Prosody ws:// behind front.js and for the publisher, never captured
C2S_PORT=${C2S_PORT:-5252}               # Prosody c2s, unused but bound to loopback
CDP_PORT=${CDP_PORT:-9333}               # Chromium's DevTools protocol

# The BOSH session (make.sh bosh); also distinct from captures/bosh/make.sh
# (7070-7075, 7079, 7443, 7476, 9334) and the ports above.
BOSH_NAME=har-bosh-session
BOSH_PATH=/http-bind
BOSH_WAIT=5                                          # the wait attribute strophe.js asks for
BOSH_IDLE=12                                         # seconds idle after the subscription
HAR_BOSH_PORT=${HAR_BOSH_PORT:-8092}                 # Prosody http: /http-bind; the only captured port
HAR_BOSH_PAGE_PORT=${HAR_BOSH_PAGE_PORT:-8093}       # Prosody http: the page at /desktop/, never captured
HAR_BOSH_PUB_PORT=${HAR_BOSH_PUB_PORT:-8094}         # Prosody http: the publisher's ws:// /ws/, never captured
HAR_BOSH_C2S_PORT=${HAR_BOSH_C2S_PORT:-5262}         # Prosody c2s, unused but bound to loopback
HAR_BOSH_CDP_PORT=${HAR_BOSH_CDP_PORT:-9335}         # Chromium's DevTools protocol

PROSODY_PID=""
FRONT_PID=""
SERVER_PID=""
DUMPCAP_PID=""
CHROME_PID=""

log() { printf '[har] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# stop_pid, port_in_use, wait_port, wait_port_closed, prosody_config,
# prosody_register, prosody_bosh, prosody_start, prosody_stop
# shellcheck source=captures/prosody.sh
. "$OUT/prosody.sh"

# Chromium's helpers (zygote, renderer, network, crashpad) carry our
# --user-data-dir on their command line: stop those of this run, by pid.
stop_chrome_helpers() {
  local pid
  for pid in $(pgrep -f -- "--user-data-dir=$SCRATCH/chrome-profile" || true); do
    stop_pid "$pid" TERM
  done
}

cleanup() {
  local rc=$?
  stop_pid "$CHROME_PID" TERM
  stop_chrome_helpers
  stop_pid "$DUMPCAP_PID" INT
  stop_pid "$SERVER_PID" TERM
  stop_pid "$FRONT_PID" TERM
  stop_pid "$PROSODY_PID" TERM
  rm -rf "$SCRATCH/chrome-profile"
  exit "$rc"
}

# npm ci in DIR unless its node_modules already match its lock file (the
# other capture scripts may be using captures/client or captures/one-port).
npm_ready() {
  local dir=$1
  (cd "$dir" && npm ls --all >/dev/null 2>&1) && return 0
  log "npm ci in ${dir#"$OUT"/}"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $dir"
}

start_bg() { # start_bg LOG CMD...: run CMD in the background, pid in BG_PID
  local logf=$1
  shift
  "$@" >>"$logf" 2>&1 &
  BG_PID=$!
}

# start_dumpcap FILE PORT: record tcp port PORT on lo into FILE; returns
# once dumpcap says it is capturing.
start_dumpcap() {
  local dlog=$SCRATCH/dumpcap.log tries=100
  dumpcap -i lo -f "tcp port $2" -w "$1" 2>"$dlog" &
  DUMPCAP_PID=$!
  until grep -q "Capturing on" "$dlog"; do
    kill -0 "$DUMPCAP_PID" 2>/dev/null || die "dumpcap failed: $(cat "$dlog")"
    ((--tries > 0)) || die "dumpcap did not start capturing"
    sleep 0.1
  done
  sleep 0.5
}

# start_chromium CDP-PORT: a headless Chromium with a fresh profile,
# DevTools on 127.0.0.1:CDP-PORT (pid in CHROME_PID).
start_chromium() {
  start_bg "$SCRATCH/chromium.log" chromium --headless=new --no-sandbox \
    --remote-debugging-address=127.0.0.1 --remote-debugging-port="$1" \
    --user-data-dir="$SCRATCH/chrome-profile" \
    --host-resolver-rules="MAP $DOMAIN 127.0.0.1" \
    --no-first-run --no-default-browser-check --disable-background-networking \
    --disable-component-update --disable-sync --disable-default-apps --disable-extensions \
    --disable-breakpad --disable-crash-reporter --disable-gpu --no-proxy-server \
    --password-store=basic about:blank
  CHROME_PID=$BG_PID
  wait_port "$1" "$CHROME_PID"
  log "chromium running (pid $CHROME_PID, DevTools on 127.0.0.1:$1)"
}

# drive.js closed the browser (Browser.close); whatever is left is stopped.
stop_chromium() {
  local i
  for ((i = 0; i < 50; i++)); do
    kill -0 "$CHROME_PID" 2>/dev/null || break
    sleep 0.1
  done
  stop_pid "$CHROME_PID" TERM
  CHROME_PID=""
  stop_chrome_helpers
}

check() {
  node "$HERE/check.js" --pcap "$OUT/$NAME.pcapng" --har "$OUT/$NAME.har" --port "$HTTP_PORT"
}

check_bosh() {
  node "$HERE/check.js" --bosh --pcap "$OUT/$BOSH_NAME.pcapng" --har "$OUT/$BOSH_NAME.har" --port "$HAR_BOSH_PORT"
  python3 "$OUT/bosh/facts.py" "$OUT/$BOSH_NAME.pcapng" --port "$HAR_BOSH_PORT" --wait "$BOSH_WAIT"
}

record() {
  local p dir=$SCRATCH/prosody
  for p in "$HTTP_PORT" "$BACKEND_PORT" "$PROSODY_WS_PORT" "$C2S_PORT" "$CDP_PORT"; do
    port_in_use "$p" && die "port $p already in use"
  done
  rm -rf "$dir" "$SCRATCH/chrome-profile"
  rm -f "$SCRATCH"/*.log "$SCRATCH/$NAME".*

  prosody_config "$dir" "$C2S_PORT" "$PROSODY_WS_PORT"
  prosody_register "$dir" administrator finesse
  start_bg "$SCRATCH/prosody.stdout.log" prosody --config "$dir/prosody.cfg.lua" -F
  PROSODY_PID=$BG_PID
  wait_port "$PROSODY_WS_PORT" "$PROSODY_PID"
  wait_port "$C2S_PORT" "$PROSODY_PID"
  log "prosody running (pid $PROSODY_PID)"

  start_bg "$SCRATCH/front.log" node "$OUT/one-port/front.js" --port "$BACKEND_PORT" --upstream-port "$PROSODY_WS_PORT"
  FRONT_PID=$BG_PID
  wait_port "$BACKEND_PORT" "$FRONT_PID"
  start_bg "$SCRATCH/server.log" node "$HERE/server.js" --port "$HTTP_PORT" --backend-port "$BACKEND_PORT"
  SERVER_PID=$BG_PID
  wait_port "$HTTP_PORT" "$SERVER_PID"
  log "server.js on $HTTP_PORT (pid $SERVER_PID), front.js on $BACKEND_PORT (pid $FRONT_PID)"

  local tmp=$SCRATCH/$NAME.pcapng
  start_dumpcap "$tmp" "$HTTP_PORT"
  log "capturing tcp port $HTTP_PORT on lo (dumpcap pid $DUMPCAP_PID)"

  start_chromium "$CDP_PORT"
  (cd "$HERE" && timeout 120 node drive.js --cdp-port "$CDP_PORT" --url "http://$DOMAIN:$HTTP_PORT/desktop/" \
    --pub-url "ws://127.0.0.1:$PROSODY_WS_PORT$WS_PATH" --har "$SCRATCH/$NAME.har" --events "$SCRATCH/$NAME.events.json") \
    >"$SCRATCH/drive.log" 2>&1 || die "the session failed, see $SCRATCH/drive.log"
  stop_chromium
  sleep 1
  stop_pid "$DUMPCAP_PID" INT
  DUMPCAP_PID=""
  stop_pid "$SERVER_PID" TERM
  SERVER_PID=""
  stop_pid "$FRONT_PID" TERM
  FRONT_PID=""
  stop_pid "$PROSODY_PID" TERM
  PROSODY_PID=""
  for p in "$HTTP_PORT" "$BACKEND_PORT" "$PROSODY_WS_PORT" "$C2S_PORT" "$CDP_PORT"; do
    wait_port_closed "$p"
  done

  node "$HERE/check.js" --pcap "$tmp" --har "$SCRATCH/$NAME.har" --port "$HTTP_PORT" >"$SCRATCH/check.log" ||
    { cat "$SCRATCH/check.log" >&2; die "pcap and HAR differ (the committed files are unchanged)"; }
}

# The end of the session races (see README.md): strophe.js closes the socket
# right after its <close/>, so whether Prosody's last two messages reach the
# page, and where they fall on the wire, varies. Keep the usual shape (the
# HAR lacks them, same interleaving otherwise): up to 3 sessions, then take
# whatever passed the check.
publish_pair() {
  local tmp=$SCRATCH/$NAME.pcapng f size attempt shape
  for attempt in 1 2 3; do
    record
    shape=$(sed -n 's/^shape: //p' "$SCRATCH/check.log")
    log "session $attempt: $shape"
    [[ $shape == "tail-missing interleaving-identical" ]] && break
  done
  for f in "$tmp" "$SCRATCH/$NAME.har"; do
    size=$(stat -c %s "$f")
    ((size < 300000)) || die "$f is $size bytes (limit 300000)"
  done
  cp "$tmp" "$OUT/$NAME.pcapng"
  cp "$SCRATCH/$NAME.har" "$OUT/$NAME.har"
  chmod 644 "$OUT/$NAME.pcapng" "$OUT/$NAME.har"
  log "wrote captures/$NAME.pcapng ($(stat -c %s "$OUT/$NAME.pcapng") bytes) and captures/$NAME.har ($(stat -c %s "$OUT/$NAME.har") bytes)"
  cat "$SCRATCH/check.log"
}

# One BOSH session: Prosody (mod_bosh on 8092, the page on 8093, the
# publisher's ws:// on 8094), dumpcap on 8092, Chromium, drive.js; then
# check.js --bosh on the pair (its report in check.log) and
# captures/bosh/facts.py on the pcap (the whole session in it; facts.log).
record_bosh() {
  local p dir=$SCRATCH/prosody tmp=$SCRATCH/$BOSH_NAME.pcapng
  local ports=("$HAR_BOSH_PORT" "$HAR_BOSH_PAGE_PORT" "$HAR_BOSH_PUB_PORT" "$HAR_BOSH_C2S_PORT")
  local page="http://$DOMAIN:$HAR_BOSH_PAGE_PORT/desktop/?service=http://$DOMAIN:$HAR_BOSH_PORT$BOSH_PATH&wait=$BOSH_WAIT"
  port_in_use "$HAR_BOSH_CDP_PORT" && die "port $HAR_BOSH_CDP_PORT already in use"
  rm -rf "$dir" "$SCRATCH/chrome-profile"
  rm -f "$SCRATCH"/*.log "$SCRATCH/$BOSH_NAME".*

  prosody_config "$dir" "$HAR_BOSH_C2S_PORT" "$HAR_BOSH_PORT, $HAR_BOSH_PAGE_PORT, $HAR_BOSH_PUB_PORT"
  prosody_bosh "$dir" "$BOSH_PATH" "$OUT/bosh/desktop.html" "$HERE/node_modules/strophe.js/dist/strophe.umd.min.js"
  prosody_register "$dir" administrator finesse
  prosody_start "$dir" "${ports[@]}"

  start_dumpcap "$tmp" "$HAR_BOSH_PORT"
  log "capturing tcp port $HAR_BOSH_PORT on lo (dumpcap pid $DUMPCAP_PID)"
  start_chromium "$HAR_BOSH_CDP_PORT"
  (cd "$HERE" && timeout 120 node drive.js --cdp-port "$HAR_BOSH_CDP_PORT" --url "$page" \
    --pub-url "ws://127.0.0.1:$HAR_BOSH_PUB_PORT$WS_PATH" --ready-state subscribed --idle "$BOSH_IDLE" \
    --har "$SCRATCH/$BOSH_NAME.har" --events "$SCRATCH/$BOSH_NAME.events.json") \
    >"$SCRATCH/drive.log" 2>&1 || die "the session failed, see $SCRATCH/drive.log"
  stop_chromium
  sleep 1
  stop_pid "$DUMPCAP_PID" INT
  DUMPCAP_PID=""
  prosody_stop "${ports[@]}"
  wait_port_closed "$HAR_BOSH_CDP_PORT"

  node "$HERE/check.js" --bosh --pcap "$tmp" --har "$SCRATCH/$BOSH_NAME.har" --port "$HAR_BOSH_PORT" \
    >"$SCRATCH/check.log" ||
    { cat "$SCRATCH/check.log" >&2; die "pcap and HAR differ (the committed files are unchanged)"; }
  python3 "$OUT/bosh/facts.py" "$tmp" --port "$HAR_BOSH_PORT" --wait "$BOSH_WAIT" >"$SCRATCH/facts.log" ||
    { cat "$SCRATCH/facts.log" >&2; die "the capture is not the whole session (the committed files are unchanged)"; }
}

# Keep the first session whose BOSH bodies, placed where xmppws-har2pcapng
# puts them (request at startedDateTime, whole milliseconds; response at
# startedDateTime + time), fall in the pcap's order (check.js' "shape:
# interleaving-identical"): two responses a fraction of a millisecond apart
# on two connections can swap (README.md, "The BOSH session"), and the tests
# compare the XMPP elements in order. At most 5 sessions, else nothing is
# written.
publish_bosh() {
  local tmp=$SCRATCH/$BOSH_NAME.pcapng f size attempt shape=""
  for attempt in 1 2 3 4 5; do
    record_bosh
    shape=$(sed -n 's/^shape: //p' "$SCRATCH/check.log")
    log "session $attempt: $shape"
    [[ $shape == "interleaving-identical" ]] && break
  done
  [[ $shape == "interleaving-identical" ]] ||
    die "5 sessions, none with the pcap's order of BOSH bodies (the committed files are unchanged)"
  for f in "$tmp" "$SCRATCH/$BOSH_NAME.har"; do
    size=$(stat -c %s "$f")
    ((size < 300000)) || die "$f is $size bytes (limit 300000)"
  done
  cp "$tmp" "$OUT/$BOSH_NAME.pcapng"
  cp "$SCRATCH/$BOSH_NAME.har" "$OUT/$BOSH_NAME.har"
  chmod 644 "$OUT/$BOSH_NAME.pcapng" "$OUT/$BOSH_NAME.har"
  log "wrote captures/$BOSH_NAME.pcapng ($(stat -c %s "$OUT/$BOSH_NAME.pcapng") bytes) and captures/$BOSH_NAME.har ($(stat -c %s "$OUT/$BOSH_NAME.har") bytes)"
  cat "$SCRATCH/check.log" "$SCRATCH/facts.log"
}

main() {
  local mode=ws
  if [[ ${1:-} == bosh ]]; then
    mode=bosh
    shift
    # its own scratch folder (Prosody, profile, logs), so a WebSocket run
    # and a BOSH run never share one
    SCRATCH=$HERE/.scratch/bosh
  fi
  if [[ ${1:-} == check ]]; then
    if [[ $mode == bosh ]]; then check_bosh; else check; fi
    return
  fi
  [[ $# -eq 0 ]] || die "usage: $0 [bosh] [check]"
  [[ $EUID -eq 0 ]] || die "run as root (dumpcap on lo, prosody run_as_root)"
  local t
  for t in chromium prosody prosodyctl dumpcap tshark capinfos node npm pgrep python3; do
    command -v "$t" >/dev/null || die "$t not installed (chromium: apt-get install --no-install-recommends chromium)"
  done
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  mkdir -p "$SCRATCH"

  npm_ready "$HERE"
  npm_ready "$OUT/transport" # ws, for one-port/front.js and transport/client.js (drive.js' publisher)
  log "versions: $(chromium --version 2>/dev/null | head -1);" \
    "strophe.js $(node -p 'require("'"$HERE"'/node_modules/strophe.js/package.json").version');" \
    "chrome-remote-interface $(node -p 'require("'"$HERE"'/node_modules/chrome-remote-interface/package.json").version');" \
    "$(prosodyctl about 2>/dev/null | grep -m1 '^Prosody [0-9]' || true); node $(node --version); $(dumpcap --version | head -1)"
  if [[ $mode == bosh ]]; then publish_bosh; else publish_pair; fi
}

main "$@"
