#!/usr/bin/env bash
# Make the REST ↔ notification captures of finesse-xmpp (issue 16, item 5):
# an agent clicks through agent states in a (headless, real) browser; each
# click is a Finesse REST call with a requestId header, answered 202 (or
# 400), whose outcome a mock Finesse server later publishes as a pubsub
# notification carrying the same requestId.
#
#   captures/rest/make.sh            writes captures/rest-notify.pcapng
#                                    (plain http) and
#                                    captures/rest-notify-tls.pcapng (TLS,
#                                    secrets embedded) and
#                                    captures/rest/facts.json; about 50 s, root
#   captures/rest/make.sh plain|tls  only that capture (facts.json keeps the
#                                    other one's entry)
#   captures/rest/make.sh facts      print the facts (README.md) of the
#                                    committed files, the ground truth read
#                                    from facts.json
#
# OUT_DIR=/some/dir writes the pcapng files and facts.json there instead
# of captures/ and captures/rest/ (to check a regeneration without touching
# the committed files).
#
# Per capture: a fresh private Prosody (captures/prosody.sh: every listener
# on 127.0.0.1, s2s off, data under .scratch), captures/one-port/front.js
# with --app finesse-app.js (the mock Finesse server: page, REST API, the
# /ws/ relay to Prosody, all on one port; it publishes its notifications
# as finesse@ over its own uncaptured ws:// to Prosody), a headless Chromium
# (Debian chromium, --no-sandbox as root, throwaway profile,
# uccxpub.prabhat.com mapped to 127.0.0.1) driven by drive.js over the
# DevTools protocol (chrome-remote-interface), dumpcap on lo recording only
# the front's port. facts.py checks each capture (every REST call, status,
# notification and requestId of scenario.js, the latencies against the mock
# server's log) before it replaces the committed file. Every process this
# script starts is stopped on exit (trap). Needs root, chromium, prosody,
# prosodyctl, dumpcap, editcap, capinfos, tshark, openssl, python3, node >= 20,
# npm.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES=$(cd "$HERE/.." && pwd)
OUT_DIR=${OUT_DIR:-}
SCRATCH=$HERE/.scratch
DOMAIN=uccxpub.prabhat.com
WS_PATH=/ws/

# Ports, all on 127.0.0.1, none used by the other capture scripts
# (make-captures.sh 5280 5222; transport 5290-5292 5232 5390 5391 5399 8445;
# one-port 5300-5302 5242 8445 8082; har 8090-8094 5310 5252 5262 9333 9335;
# bosh 7070-7075 7079 7443 7476 9334). 8083 and 8446 are in no tcp.port
# table of Wireshark 4.0 (HTTP and TLS are found by their heuristics, or
# with -d).
PLAIN_PORT=${PLAIN_PORT:-8083}           # the mock Finesse over http (captured: rest-notify)
TLS_PORT=${TLS_PORT:-8446}               # the mock Finesse over https (captured: rest-notify-tls)
PROSODY_WS_PORT=${PROSODY_WS_PORT:-5320} # Prosody ws:// behind the front's /ws/, never captured
PUB_PORT=${PUB_PORT:-5321}               # Prosody ws:// for the publisher finesse@, never captured
CONTROL_PORT=${CONTROL_PORT:-5322}       # the mock's control (unsolicited notification), never captured
C2S_PORT=${C2S_PORT:-5272}               # Prosody c2s, unused but bound to loopback
CDP_PORT=${CDP_PORT:-9336}               # Chromium's DevTools protocol

PROSODY_PID=""
DUMPCAP_PID=""
FRONT_PID=""
CHROME_PID=""
CHROME_PROFILE=""

log() { printf '[rest] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# stop_pid, port_in_use, wait_port, wait_port_closed, prosody_config,
# prosody_register, prosody_start, prosody_stop, capture_port, npackets
# shellcheck source=captures/prosody.sh
. "$CAPTURES/prosody.sh"

cleanup() {
  local rc=$?
  chromium_stop
  stop_pid "$DUMPCAP_PID" INT
  stop_pid "$FRONT_PID" TERM
  stop_pid "$PROSODY_PID" TERM
  # The throwaway TLS key and the key log (already embedded) are not kept.
  rm -f "$SCRATCH/front.key" "$SCRATCH"/*.keylog
  exit "$rc"
}

# ---- Chromium: one fresh browser (and profile) per capture -------------------

chromium_start() { # chromium_start NAME [FLAG...]
  CHROME_PROFILE=$SCRATCH/chrome-$1
  shift
  rm -rf "$CHROME_PROFILE"
  port_in_use "$CDP_PORT" && die "port $CDP_PORT already in use"
  # Root cannot sandbox; the Finesse name resolves to 127.0.0.1; no
  # background traffic of the browser's own.
  chromium --headless=new --no-sandbox --disable-gpu --no-proxy-server \
    --remote-debugging-address=127.0.0.1 --remote-debugging-port="$CDP_PORT" \
    --user-data-dir="$CHROME_PROFILE" --host-resolver-rules="MAP $DOMAIN 127.0.0.1" \
    --no-first-run --no-default-browser-check --password-store=basic \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --disable-breakpad "$@" about:blank \
    >>"$SCRATCH/chromium.log" 2>&1 &
  CHROME_PID=$!
  wait_port "$CDP_PORT" "$CHROME_PID"
  log "chromium running (pid $CHROME_PID)"
}

chromium_stop() {
  [[ -n $CHROME_PROFILE ]] || return 0
  local i pid
  # drive.js closed the browser (Browser.close); give it a moment.
  for ((i = 0; i < 50; i++)); do
    kill -0 "$CHROME_PID" 2>/dev/null || break
    sleep 0.1
  done
  stop_pid "$CHROME_PID" TERM
  CHROME_PID=""
  # Its zygote, renderer, GPU and network processes carry the profile path.
  for pid in $(pgrep -f -- "--user-data-dir=$CHROME_PROFILE" || true); do
    stop_pid "$pid" TERM
  done
  rm -rf "$CHROME_PROFILE"
  CHROME_PROFILE=""
}

# ---- Prosody and the mock Finesse server ---------------------------------------

make_prosody() {
  local dir=$SCRATCH/prosody
  rm -rf "$dir"
  prosody_config "$dir" "$C2S_PORT" "$PROSODY_WS_PORT, $PUB_PORT"
  prosody_register "$dir" administrator finesse
}

# A fresh Prosody process per capture.
start_prosody() { prosody_start "$SCRATCH/prosody" "$PROSODY_WS_PORT" "$PUB_PORT" "$C2S_PORT"; }
stop_prosody() { prosody_stop "$PROSODY_WS_PORT" "$PUB_PORT" "$C2S_PORT"; }

# start_front NAME PORT [FRONT-ARGS...]: front.js with the mock Finesse app;
# its ground-truth log is .scratch/NAME.events.jsonl.
start_front() {
  local name=$1 port=$2
  shift 2
  port_in_use "$port" && die "port $port already in use"
  port_in_use "$CONTROL_PORT" && die "port $CONTROL_PORT already in use"
  (cd "$HERE" && exec node ../one-port/front.js --port "$port" --upstream-port "$PROSODY_WS_PORT" "$@" \
    --app finesse-app.js --pub-url "ws://127.0.0.1:$PUB_PORT$WS_PATH" --control-port "$CONTROL_PORT" \
    --events "$SCRATCH/$name.events.jsonl") >>"$SCRATCH/$name.front.log" 2>&1 &
  FRONT_PID=$!
  wait_port "$port" "$FRONT_PID"
  log "mock Finesse on $port running (pid $FRONT_PID)"
}

stop_front() {
  local port=$1
  stop_pid "$FRONT_PID" TERM
  FRONT_PID=""
  wait_port_closed "$port"
  wait_port_closed "$CONTROL_PORT"
}

# ---- the captures ----------------------------------------------------------------

# session NAME PORT SCHEME [FRONT-ARGS...]: one browser session recorded
# into .scratch/NAME.pcapng (capture_port: captures/prosody.sh).
session() {
  local name=$1 port=$2 scheme=$3 chrome_flags=()
  shift 3
  [[ $scheme == https ]] && chrome_flags=(--ignore-certificate-errors)
  rm -f "$SCRATCH/$name".*
  start_prosody
  start_front "$name" "$port" "$@"
  chromium_start "$name" "${chrome_flags[@]}"
  capture_port "$name" "$port" node drive.js --cdp-port "$CDP_PORT" --url "$scheme://$DOMAIN:$port/desktop/" \
    --control-port "$CONTROL_PORT" --out "$SCRATCH/$name.desktop.json"
  chromium_stop
  stop_front "$port"
  stop_prosody
}

# check_and_publish SRC NAME PORT [--tls]: facts.py fails unless the capture
# holds the whole session; then it replaces captures/NAME.pcapng and the
# NAME entry of facts.json.
check_and_publish() {
  local src=$1 name=$2 port=$3 tls=${4:-} size
  python3 "$HERE/facts.py" "$src" --port "$port" ${tls:+"$tls"} --name "$name.pcapng" \
    --events "$SCRATCH/$RUN.events.jsonl" --desktop "$SCRATCH/$RUN.desktop.json" \
    --json "$SCRATCH/$name.facts.json" >"$SCRATCH/$name.facts.md" ||
    { cat "$SCRATCH/$name.facts.md" >&2; die "$name: not the expected session (captures/$name.pcapng unchanged)"; }
  size=$(stat -c %s "$src")
  ((size < 300000)) || die "$name: $size bytes (limit 300000)"
  cp "$src" "$PCAP_DIR/$name.pcapng"
  chmod 644 "$PCAP_DIR/$name.pcapng"
  python3 "$HERE/facts.py" --merge "$SCRATCH/$name.facts.json" --into "$FACTS_JSON"
  log "wrote $PCAP_DIR/$name.pcapng ($(npackets "$PCAP_DIR/$name.pcapng") packets, $size bytes)"
  cat "$SCRATCH/$name.facts.md"
}

make_plain() {
  RUN=rest-plain
  session "$RUN" "$PLAIN_PORT" http
  check_and_publish "$SCRATCH/$RUN.pcapng" rest-notify "$PLAIN_PORT"
}

make_tls() {
  RUN=rest-tls
  local kl=$SCRATCH/$RUN.keylog
  # Self-signed certificate for the front, made at run time, key never kept.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$DOMAIN" \
    -addext "subjectAltName=DNS:$DOMAIN" -keyout "$SCRATCH/front.key" -out "$SCRATCH/front.crt" 2>/dev/null
  rm -f "$kl"
  session "$RUN" "$TLS_PORT" https --tls "$SCRATCH/front.crt,$SCRATCH/front.key" --keylog "$kl"
  rm -f "$SCRATCH/front.key"
  [[ -s $kl ]] || die "no TLS key log written"
  editcap --inject-secrets "tls,$kl" "$SCRATCH/$RUN.pcapng" "$SCRATCH/$RUN.dsb.pcapng"
  check_and_publish "$SCRATCH/$RUN.dsb.pcapng" rest-notify-tls "$TLS_PORT" --tls
}

facts() {
  local f name port tls
  [[ -f $FACTS_JSON ]] || die "$FACTS_JSON missing (the ground truth is only there)"
  for f in rest-notify:"$PLAIN_PORT" rest-notify-tls:"$TLS_PORT":--tls; do
    IFS=: read -r name port tls <<<"$f"
    if [[ ! -f $PCAP_DIR/$name.pcapng ]]; then
      log "$PCAP_DIR/$name.pcapng missing, skipped"
      continue
    fi
    python3 "$HERE/facts.py" "$PCAP_DIR/$name.pcapng" --port "$port" ${tls:+"$tls"} --name "$name.pcapng" \
      --from-json "$FACTS_JSON"
  done
}

main() {
  local want=("$@") n
  ((${#want[@]})) || want=(plain tls)
  for n in "${want[@]}"; do
    [[ $n == plain || $n == tls || $n == facts ]] || die "unknown step $n (plain, tls, facts)"
  done
  if [[ -n $OUT_DIR ]]; then
    mkdir -p "$OUT_DIR"
    PCAP_DIR=$(cd "$OUT_DIR" && pwd)
    FACTS_JSON=$PCAP_DIR/facts.json
  else
    PCAP_DIR=$CAPTURES
    FACTS_JSON=$HERE/facts.json
  fi
  if [[ ${want[*]} == facts ]]; then
    facts
    return
  fi
  [[ $EUID -eq 0 ]] || die "run as root (dumpcap on lo, prosody run_as_root)"
  local t
  for t in chromium prosody prosodyctl dumpcap editcap capinfos tshark openssl python3 node npm pgrep; do
    command -v "$t" >/dev/null || die "$t not installed (apt-get install --no-install-recommends chromium prosody tshark)"
  done
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  mkdir -p "$SCRATCH"
  rm -f "$SCRATCH/chromium.log"
  # node_modules as locked, unless they already are (other scripts may be
  # using captures/transport's at this moment). front.js, finesse-app.js
  # and drive.js import ../transport/*.js, which import its ws.
  for t in "$HERE" "$CAPTURES/transport"; do
    (cd "$t" && npm ls --all >/dev/null 2>&1) ||
      (cd "$t" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $t"
  done
  [[ -f $CAPTURES/client/lib/finesse.js ]] || die "captures/client/lib/finesse.js missing (finesse-app.js imports it)"
  log "versions: $(chromium --version 2>/dev/null | head -1);" \
    "strophe.js $(node -p 'require("'"$HERE"'/node_modules/strophe.js/package.json").version');" \
    "chrome-remote-interface $(node -p 'require("'"$HERE"'/node_modules/chrome-remote-interface/package.json").version');" \
    "ws $(node -p 'require("'"$CAPTURES"'/transport/node_modules/ws/package.json").version');" \
    "$(prosodyctl about 2>/dev/null | grep -m1 '^Prosody [0-9]' || true); node $(node --version);" \
    "$(dumpcap --version | head -1); $(openssl version)"

  make_prosody
  for n in "${want[@]}"; do
    case $n in
      plain) make_plain ;;
      tls) make_tls ;;
      facts) facts ;;
    esac
  done
  log "done: ${want[*]}"
}

main "$@"
