#!/usr/bin/env bash
# Make the XMPP-over-BOSH captures of finesse-xmpp (XEP-0124 / XEP-0206, as
# Cisco Finesse desktops before 12.5 use it at https://<host>:7443/http-bind):
#
#   captures/bosh/make.sh          writes, in about 2 minutes (root):
#     captures/bosh-prosody-strophe.pcapng      strophe.js in a headless
#                                               Chromium, Prosody mod_bosh, http
#     captures/bosh-compare-websocket.pcapng    the same page and server over
#                                               ws:// (the comparison)
#     captures/bosh-prosody-strophe-tls.pcapng  the BOSH session over https,
#                                               TLS keys embedded
#     captures/bosh-ejabberd.pcapng             stanza (Node) against
#                                               ejabberd mod_bosh, http
#   captures/bosh/make.sh facts    only prints the facts (README.md) of the
#                                  committed files
#
# Every session: SASL PLAIN administrator/1234, bind "desktop", session if
# the client does it, presence, subscription to the pubsub node
# /finesse/api/User/administrator on pubsub.uccxpub.prabhat.com, 12 s idle
# (BOSH wait 5 s: empty long-polls held and answered empty), 3 Finesse
# <Update> notifications published by finesse@ over its own, uncaptured
# WebSocket (captures/transport/client.js), disconnect. drive.js runs the
# sessions, desktop.html is the browser's page, facts.py checks each
# capture and prints its facts. dumpcap records one port on lo per file.
# Every process this script starts (Prosody, ejabberd, Chromium and its
# helpers, dumpcap) is stopped on exit. Needs root, prosody, ejabberd,
# chromium, dumpcap, editcap, tshark, openssl, python3, node >= 20, npm.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$(cd "$HERE/.." && pwd)
SCRATCH=$HERE/.scratch
DOMAIN=uccxpub.prabhat.com
WS_PATH=/ws/
BOSH_PATH=/http-bind

# Ports, all on 127.0.0.1, none used by the other capture scripts
# (make-captures.sh 5280 5222; transport 5290-5292 5232 5390 5391 5399 8445;
# one-port 5300-5302 5242 8445 8082; har 8090 8091 5310 5252 9333).
BOSH_PORT=${BOSH_PORT:-7070}         # Prosody http: /http-bind and /ws/ (captured)
TLS_PORT=${TLS_PORT:-7443}           # Prosody https: /http-bind (captured), Finesse's BOSH port
PUB_PORT=${PUB_PORT:-7073}           # Prosody http: the publisher's ws:// (not captured)
PAGE_PORT=${PAGE_PORT:-7075}         # Prosody http: the page, /desktop/ (not captured)
TLS_PAGE_PORT=${TLS_PAGE_PORT:-7476} # Prosody https: the page of the TLS session (not captured)
C2S_PORT=${C2S_PORT:-7074}           # Prosody c2s, unused, loopback
EJ_PORT=${EJ_PORT:-7071}             # ejabberd http: /http-bind (captured)
EJ_PUB_PORT=${EJ_PUB_PORT:-7072}     # ejabberd ws:// /ws for the publisher (not captured)
EJ_DIST_PORT=${EJ_DIST_PORT:-7079}   # ejabberd's Erlang distribution (ejabberdctl)
CDP_PORT=${CDP_PORT:-9334}           # Chromium's DevTools protocol
WAIT=5                               # the BOSH wait attribute the clients ask for
IDLE=12                              # seconds idle after the subscription

PROSODY_PID=""
DUMPCAP_PID=""
EJABBERD_PID=""
CHROME_PID=""
CHROME_PROFILE=""

log() { printf '[bosh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# stop_pid, port_in_use, wait_port, wait_port_closed, prosody_config,
# prosody_register, prosody_bosh, prosody_start, prosody_stop, capture_port, npackets
# shellcheck source=captures/prosody.sh
. "$OUT/prosody.sh"

cleanup() {
  local rc=$?
  chromium_stop
  stop_pid "$DUMPCAP_PID" INT
  stop_pid "$PROSODY_PID" TERM
  ejabberd_stop
  rm -f "$SCRATCH/prosody/certs/bosh.key" "$SCRATCH"/*.keylog
  exit "$rc"
}

# ---- Chromium: one fresh browser (and profile) per session -----------------

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
  stop_pid "$CHROME_PID" TERM
  CHROME_PID=""
  local pid
  # Its zygote, renderer, GPU and network processes carry the profile path.
  for pid in $(pgrep -f -- "--user-data-dir=$CHROME_PROFILE" || true); do
    stop_pid "$pid" TERM
  done
  rm -rf "$CHROME_PROFILE"
  CHROME_PROFILE=""
}

# ---- Prosody: captures/prosody.sh's config plus mod_bosh and the page -------

prosody_setup() {
  local dir=$SCRATCH/prosody
  rm -rf "$dir"
  mkdir -p "$dir/certs" "$dir/www"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$DOMAIN" \
    -addext "subjectAltName=DNS:$DOMAIN" \
    -keyout "$dir/certs/bosh.key" -out "$dir/certs/bosh.crt" 2>/dev/null
  prosody_config "$dir" "$C2S_PORT" "$BOSH_PORT, $PUB_PORT, $PAGE_PORT" "$TLS_PORT, $TLS_PAGE_PORT" \
    "$dir/certs/bosh.crt" "$dir/certs/bosh.key"
  # mod_bosh at /http-bind (defaults: hold 1, requests 2, inactivity 60,
  # polling 5, max wait 120) and mod_http_files serving the page at /desktop/.
  prosody_bosh "$dir" "$BOSH_PATH" "$HERE/desktop.html" "$HERE/node_modules/strophe.js/dist/strophe.umd.min.js"
  prosody_register "$dir" administrator finesse
}

# ---- ejabberd: a private instance with mod_bosh --------------------------------

EJ_DIR=$SCRATCH/ejabberd

ejctl() { ejabberdctl --config-dir "$EJ_DIR/etc" --spool "$EJ_DIR/spool" --logs "$EJ_DIR/log" "$@"; }

ejabberd_setup() {
  rm -rf "$EJ_DIR"
  mkdir -p "$EJ_DIR/etc" "$EJ_DIR/spool" "$EJ_DIR/log"
  cp /etc/ejabberd/inetrc "$EJ_DIR/etc/inetrc"
  printf '%s\n' "ERLANG_NODE=xmppboshcap@localhost" "INET_DIST_INTERFACE=127.0.0.1" \
    "ERL_DIST_PORT=$EJ_DIST_PORT" "ERL_EPMD_ADDRESS=127.0.0.1" "EJABBERD_BYPASS_WARNINGS=true" \
    >"$EJ_DIR/etc/ejabberdctl.cfg"
  cat >"$EJ_DIR/etc/ejabberd.yml" <<EOF
# Generated by captures/bosh/make.sh; private instance for captures only.
hosts: [$DOMAIN]
loglevel: info
log_rotate_count: 0
hide_sensitive_log_data: false
certfiles: []
listen:
  - {port: $EJ_PORT, ip: "127.0.0.1", module: ejabberd_http, request_handlers: {"$BOSH_PATH": mod_bosh}}
  - {port: $EJ_PUB_PORT, ip: "127.0.0.1", module: ejabberd_http, request_handlers: {"/ws": ejabberd_http_ws}}
auth_method: internal
auth_password_format: plain
acl:
  admin: {user: ["finesse@$DOMAIN"]}
  local: {user_regexp: ""}
access_rules:
  local: {allow: local}
  c2s: {allow: all}
  configure: {allow: admin}
  pubsub_createnode: {allow: local}
  register: {deny: all}
s2s_access: none
modules:
  mod_bosh: {}
  mod_caps: {}
  mod_disco: {}
  mod_ping: {}
  mod_roster: {}
  mod_pubsub: {access_createnode: pubsub_createnode, host: "pubsub.@HOST@", plugins: [flat]}
EOF
  chown -R ejabberd:ejabberd "$EJ_DIR"
}

ejabberd_start() {
  local p i
  for p in "$EJ_PORT" "$EJ_PUB_PORT" "$EJ_DIST_PORT"; do
    port_in_use "$p" && die "port $p already in use"
  done
  ejctl foreground >>"$EJ_DIR/log/stdout" 2>&1 &
  EJABBERD_PID=$!
  wait_port "$EJ_PORT" "$EJABBERD_PID"
  wait_port "$EJ_PUB_PORT" "$EJABBERD_PID"
  for ((i = 0; i < 100; i++)); do
    ejctl status >/dev/null 2>&1 && break
    sleep 0.2
  done
  for p in administrator finesse; do ejctl register "$p" "$DOMAIN" 1234 >/dev/null; done
  log "ejabberd running (pid $EJABBERD_PID)"
}

ejabberd_stop() {
  [[ -n $EJABBERD_PID ]] || return 0
  ejctl stop >/dev/null 2>&1 || true
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$EJABBERD_PID" 2>/dev/null || break
    sleep 0.1
  done
  stop_pid "$EJABBERD_PID" TERM
  EJABBERD_PID=""
}

# ---- sessions -------------------------------------------------------------------

# check_and_publish NAME PORT [tls]: facts.py fails unless the capture shows
# the whole session; then it replaces captures/NAME.pcapng.
check_and_publish() {
  local name=$1 port=$2 src=$SCRATCH/$1.pcapng size
  python3 "$HERE/facts.py" "$src" --port "$port" ${3:+--tls} >"$SCRATCH/$name.facts.txt" ||
    { cat "$SCRATCH/$name.facts.txt" >&2; die "$name: the capture is not the expected session (captures/$name.pcapng unchanged)"; }
  size=$(stat -c %s "$src")
  ((size < 300000)) || die "$name: $size bytes (limit 300000)"
  cp "$src" "$OUT/$name.pcapng"
  chmod 644 "$OUT/$name.pcapng"
  log "wrote captures/$name.pcapng ($(npackets "$OUT/$name.pcapng") packets, $size bytes)"
}

browser_session() { # browser_session NAME PORT PAGE-URL [CHROMIUM FLAG...]
  local name=$1 port=$2 page=$3
  shift 3
  chromium_start "$name" "$@"
  capture_port "$name" "$port" node drive.js browser --cdp-port "$CDP_PORT" --page "$page" \
    --pub-url "ws://127.0.0.1:$PUB_PORT$WS_PATH" --idle "$IDLE"
  chromium_stop
}

prosody_sessions() {
  local desk="http://$DOMAIN:$PAGE_PORT/desktop/" kl=$SCRATCH/bosh-tls.keylog
  prosody_setup
  prosody_start "$SCRATCH/prosody" "$BOSH_PORT" "$TLS_PORT" "$PUB_PORT" "$PAGE_PORT" "$TLS_PAGE_PORT" "$C2S_PORT"

  browser_session bosh-prosody-strophe "$BOSH_PORT" "$desk?service=http://$DOMAIN:$BOSH_PORT$BOSH_PATH&wait=$WAIT"
  check_and_publish bosh-prosody-strophe "$BOSH_PORT"

  browser_session bosh-compare-websocket "$BOSH_PORT" "$desk?service=ws://$DOMAIN:$BOSH_PORT$WS_PATH"
  check_and_publish bosh-compare-websocket "$BOSH_PORT"

  # https: the page on one https port, BOSH on Finesse's 7443; Chromium
  # accepts the throwaway certificate and writes its TLS secrets (NSS key
  # log), which editcap embeds as a Decryption Secrets Block.
  rm -f "$kl"
  browser_session bosh-tls "$TLS_PORT" \
    "https://$DOMAIN:$TLS_PAGE_PORT/desktop/?service=https://$DOMAIN:$TLS_PORT$BOSH_PATH&wait=$WAIT" \
    --ignore-certificate-errors --ssl-key-log-file="$kl"
  [[ -s $kl ]] || die "Chromium wrote no TLS key log"
  editcap --inject-secrets "tls,$kl" "$SCRATCH/bosh-tls.pcapng" "$SCRATCH/bosh-prosody-strophe-tls.pcapng"
  check_and_publish bosh-prosody-strophe-tls "$TLS_PORT" tls

  prosody_stop "$BOSH_PORT" "$TLS_PORT" "$PUB_PORT" "$PAGE_PORT" "$TLS_PAGE_PORT" "$C2S_PORT"
}

ejabberd_sessions() {
  ejabberd_setup
  ejabberd_start
  capture_port bosh-ejabberd "$EJ_PORT" node drive.js stanza --service "http://$DOMAIN:$EJ_PORT$BOSH_PATH" \
    --pub-url "ws://127.0.0.1:$EJ_PUB_PORT/ws" --wait "$WAIT" --idle "$IDLE" --ejabberd
  check_and_publish bosh-ejabberd "$EJ_PORT"
  ejabberd_stop
}

facts() {
  local f name port tls
  for f in bosh-prosody-strophe:"$BOSH_PORT" bosh-compare-websocket:"$BOSH_PORT" \
    bosh-prosody-strophe-tls:"$TLS_PORT":tls bosh-ejabberd:"$EJ_PORT"; do
    IFS=: read -r name port tls <<<"$f"
    python3 "$HERE/facts.py" "$OUT/$name.pcapng" --port "$port" ${tls:+--tls}
  done
}

main() {
  if [[ ${1:-} == facts ]]; then
    facts
    return
  fi
  [[ $# -eq 0 ]] || die "usage: $0 [facts]"
  [[ $EUID -eq 0 ]] || die "run as root (dumpcap on lo, prosody run_as_root, ejabberdctl)"
  local t
  for t in chromium prosody prosodyctl ejabberdctl dumpcap editcap capinfos tshark openssl python3 node npm pgrep; do
    command -v "$t" >/dev/null || die "$t not installed (apt-get install --no-install-recommends chromium prosody ejabberd tshark)"
  done
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  mkdir -p "$SCRATCH"
  rm -f "$SCRATCH"/*.log "$SCRATCH"/*.pcapng "$SCRATCH"/*.facts.txt
  # node_modules as locked, unless they already are (other scripts may be
  # using captures/transport's at this moment).
  for t in "$HERE" "$OUT/transport"; do
    (cd "$t" && npm ls --all >/dev/null 2>&1) ||
      (cd "$t" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $t"
  done
  log "versions: $(chromium --version 2>/dev/null | head -1);" \
    "strophe.js $(node -p 'require("'"$HERE"'/node_modules/strophe.js/package.json").version');" \
    "stanza $(node -p 'require("'"$HERE"'/node_modules/stanza/package.json").version');" \
    "prosody $(dpkg-query -W -f='${Version}' prosody); ejabberd $(dpkg-query -W -f='${Version}' ejabberd);" \
    "node $(node --version); $(dumpcap --version | head -1)"
  prosody_sessions
  ejabberd_sessions
  log "done"
  facts
}

main "$@"
