#!/usr/bin/env bash
# Make the "one port" captures of finesse-xmpp (issue 13 items 5 and 6):
# a Finesse-like site where the desktop page, the REST API and XMPP over
# WebSocket share one TLS port (8445), and compressed XMPP WebSockets cut in
# the middle of the stream.
#
#   captures/one-port/make.sh              everything (about 30 s, as root)
#   captures/one-port/make.sh one-port     one-port-keys, one-port-nokeys,
#                                          one-port-mid-session
#   captures/one-port/make.sh deflate      deflate-mid-session,
#                                          deflate-nctx-mid-session
#   captures/one-port/make.sh facts        print the facts of the committed
#                                          files (what README.md records)
#
# OUT_DIR=/some/dir writes (and `facts` reads) the pcapng files there
# instead of captures/ (to check a regeneration without touching the
# committed files).
#
# Runs a private Prosody (captures/prosody.sh: every listener on 127.0.0.1,
# s2s off, data under captures/one-port/.scratch) and front.js (HTTP(S) page,
# REST and the /ws/ relay to Prosody) on 127.0.0.1, drives them with the
# desktops in client.js, records the front's port with
# `dumpcap -i lo -f "tcp port N"`, and stops everything it started on exit.
# client.js and front.js use captures/transport's client.js and
# deflate-proxy.js (and its `ws`, installed there with npm ci).
# Needs root (dumpcap on lo, prosody run_as_root), prosody, dumpcap,
# editcap, capinfos, tshark, openssl, node >= 20, npm.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES=$(cd "$HERE/.." && pwd)
OUT_DIR=${OUT_DIR:-$CAPTURES}
SCRATCH=$HERE/.scratch
DOMAIN=uccxpub.prabhat.com
WS_PATH=/ws/

# Ports, all on 127.0.0.1; distinct from captures/make-captures.sh (5280,
# 5222) and captures/transport/make.sh (5290-5292, 5232, 5390, 5391, 5399,
# and 8445 while it runs).
PROSODY_WS_PORT=${PROSODY_WS_PORT:-5300} # Prosody ws://, behind the fronts, never captured
PUB_PORT=${PUB_PORT:-5301}               # Prosody ws:// for the publisher, never captured
C2S_PORT=${C2S_PORT:-5242}               # Prosody c2s, unused but bound to loopback
TLS_PORT=${TLS_PORT:-8445}               # the HTTPS front (Finesse's port), captured
PLAIN_PORT=${PLAIN_PORT:-8082}           # the same front without TLS (Finesse's http port), captured
DEFLATE_PORT=${DEFLATE_PORT:-5302}       # the permessage-deflate front, captured

PROSODY_PID=""
DUMPCAP_PID=""
FRONT_PID=""

log() { printf '[one-port] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# stop_pid, port_in_use, wait_port, wait_port_closed, prosody_config,
# prosody_register, prosody_start, prosody_stop, capture_port, npackets
# shellcheck source=captures/prosody.sh
. "$CAPTURES/prosody.sh"

cleanup() {
  local rc=$?
  stop_pid "$DUMPCAP_PID" INT
  stop_pid "$FRONT_PID" TERM
  stop_pid "$PROSODY_PID" TERM
  # The throwaway TLS key and the key log (already embedded) are not kept.
  rm -f "$SCRATCH/front.key" "$SCRATCH"/*.keylog
  exit "$rc"
}

# ---- Prosody -----------------------------------------------------------------

make_prosody() {
  local dir=$SCRATCH/prosody
  rm -rf "$dir"
  prosody_config "$dir" "$C2S_PORT" "$PROSODY_WS_PORT, $PUB_PORT"
  prosody_register "$dir" administrator agent001 finesse
}

# A fresh Prosody process per capture, like captures/make-captures.sh.
start_prosody() { prosody_start "$SCRATCH/prosody" "$PROSODY_WS_PORT" "$PUB_PORT" "$C2S_PORT"; }
stop_prosody() { prosody_stop "$PROSODY_WS_PORT" "$PUB_PORT" "$C2S_PORT"; }

# ---- the front -------------------------------------------------------------------

# start_front PORT FRONT-ARGS...
start_front() {
  local port=$1
  shift
  port_in_use "$port" && die "port $port already in use"
  (cd "$HERE" && exec node front.js --port "$port" --upstream-port "$PROSODY_WS_PORT" "$@") \
    >>"$SCRATCH/front.log" 2>&1 &
  FRONT_PID=$!
  wait_port "$port" "$FRONT_PID"
  log "front on $port running (pid $FRONT_PID): $*"
}

stop_front() {
  local port=$1
  stop_pid "$FRONT_PID" TERM
  FRONT_PID=""
  wait_port_closed "$port"
}

# ---- capture (capture_port: captures/prosody.sh) --------------------------

publish() { # publish SRC NAME: copy a finished capture into OUT_DIR
  cp "$1" "$OUT_DIR/$2.pcapng"
  chmod 644 "$OUT_DIR/$2.pcapng"
  log "wrote $OUT_DIR/$2.pcapng ($(npackets "$OUT_DIR/$2.pcapng") packets)"
}

# Stock tshark (no plugin: we run as root). Ports 8082 and 5302 are in no
# dissector's tcp.port table; HTTP's heuristic finds the requests, but the
# decode-as makes it certain.
ts_decode() { tshark -n -o tls.keylog_file: -d "tcp.port==$PLAIN_PORT,http" -d "tcp.port==$DEFLATE_PORT,http" "$@"; }
frames() { ts_decode -r "$1" -Y "$2" -T fields -e frame.number; }

# The frame after the last login message: the last subscription result of
# every WebSocket connection (in the uncut, inflated capture), plus one.
cut_after_login() { # cut_after_login IN OUT
  local last
  last=$(frames "$1" 'websocket.payload.text contains "subscription=" && websocket.payload.text contains "subscribed"' | tail -1)
  [[ $last =~ ^[0-9]+$ ]] || die "no subscription result found in $1"
  editcap -r "$1" "$2" "$((last + 1))-$(npackets "$1")"
  echo "$((last + 1))" >"${1%.pcapng}.cut"
  echo "$((last + 1))"
}

# ---- the captures --------------------------------------------------------------

make_one_port() {
  # Self-signed certificate for the front, made at run time, key never kept.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$DOMAIN" \
    -addext "subjectAltName=DNS:$DOMAIN" -keyout "$SCRATCH/front.key" -out "$SCRATCH/front.crt" 2>/dev/null
  local kl=$SCRATCH/one-port.keylog
  rm -f "$kl"

  # 1. Over TLS on 8445: page, REST and wss on one port.
  start_prosody
  start_front "$TLS_PORT" --tls "$SCRATCH/front.crt,$SCRATCH/front.key" --keylog "$kl"
  capture_port one-port-tls "$TLS_PORT" node client.js desktops --base "https://$DOMAIN:$TLS_PORT" \
    --pub-url "ws://127.0.0.1:$PUB_PORT$WS_PATH" --notify 2
  stop_front "$TLS_PORT"
  stop_prosody
  [[ -s $kl ]] || die "no TLS key log written"
  editcap --inject-secrets "tls,$kl" "$SCRATCH/one-port-tls.pcapng" "$SCRATCH/one-port-tls.dsb.pcapng"
  publish "$SCRATCH/one-port-tls.dsb.pcapng" one-port-keys
  publish "$SCRATCH/one-port-tls.pcapng" one-port-nokeys

  # 2. The same desktops over plain HTTP on 8082, cut after every login.
  start_prosody
  start_front "$PLAIN_PORT"
  capture_port one-port-plain "$PLAIN_PORT" node client.js desktops --base "http://$DOMAIN:$PLAIN_PORT" \
    --pub-url "ws://127.0.0.1:$PUB_PORT$WS_PATH" --notify 2
  stop_front "$PLAIN_PORT"
  stop_prosody
  local first
  first=$(cut_after_login "$SCRATCH/one-port-plain.pcapng" "$SCRATCH/one-port-mid.pcapng")
  log "one-port-mid-session: frames $first- of the plain capture"
  publish "$SCRATCH/one-port-mid.pcapng" one-port-mid-session
}

make_deflate() {
  local mode name first
  for mode in ctx nctx; do
    if [[ $mode == nctx ]]; then name=deflate-nctx; else name=deflate; fi
    start_prosody
    start_front "$DEFLATE_PORT" --deflate "$mode"
    capture_port "$name" "$DEFLATE_PORT" node client.js deflate --base "http://$DOMAIN:$DEFLATE_PORT" \
      --pub-url "ws://127.0.0.1:$PUB_PORT$WS_PATH" --deflate "$mode" --notify 3
    stop_front "$DEFLATE_PORT"
    stop_prosody
    # The 101 must name what was negotiated.
    local ext
    ext=$(ts_decode -r "$SCRATCH/$name.pcapng" -Y 'http.response.code == 101' -T fields -e http.sec_websocket_extensions)
    [[ $ext == *permessage-deflate* ]] || die "$name: no permessage-deflate in the 101 ($ext)"
    if [[ $mode == nctx ]]; then
      [[ $ext == *server_no_context_takeover* && $ext == *client_no_context_takeover* ]] ||
        die "$name: the 101 lacks the no_context_takeover parameters ($ext)"
    fi
    log "$name: 101 Sec-WebSocket-Extensions: $ext"
    first=$(cut_after_login "$SCRATCH/$name.pcapng" "$SCRATCH/$name-mid.pcapng")
    log "$name-mid-session: frames $first- of $SCRATCH/$name.pcapng (kept there, uncut)"
    publish "$SCRATCH/$name-mid.pcapng" "$name-mid-session"
  done
}

# ---- facts (for README.md and the tests) ------------------------------------------

# For every file: packets; per TCP stream: client port, upgrade frames,
# WebSocket text messages per direction (C = to the server port).
facts_one() { # facts_one FILE SERVER-PORT [TSHARK-ARGS...]
  local f=$1 port=$2
  shift 2
  echo "== $(basename "$f"): $(npackets "$f") packets"
  ts_decode -r "$f" "$@" -T fields -E separator='|' -e tcp.stream -e tcp.srcport -e tcp.dstport \
    -e frame.number -e http.request.method -e http.request.uri -e http.response.code -e websocket.opcode \
    -Y 'tcp' 2>/dev/null | awk -F'|' -v port="$port" '
      {
        s = $1; if (!(s in seen)) { seen[s] = 1; order[n++] = s; cport[s] = ($2 == port) ? $3 : $2; first[s] = $4 }
        last[s] = $4
        if ($5 != "") { split($5, m, ","); split($6, u, ","); for (i in m) http[s] = http[s] sprintf(" %s:%s %s", $4, m[i], u[i]) }
        if ($7 != "") { split($7, c, ","); for (i in c) http[s] = http[s] sprintf(" %s:%s", $4, c[i]); if ($7 ~ /101/) up[s] = up[s] " " $4 }
        if ($8 != "") {
          k = split($8, o, ",")
          dir = ($3 == port) ? "C" : "S"
          for (i = 1; i <= k; i++) {
            if (o[i] == 1) { txt[s, dir]++; if (!(s SUBSEP dir in ftxt)) ftxt[s, dir] = $4 }
            else if (o[i] == 8) cls[s, dir]++
            else oth[s, dir]++
          }
        }
      }
      END {
        for (j = 0; j < n; j++) {
          s = order[j]
          printf "stream %s: client port %s, frames %s-%s, text C %d S %d, close C %d S %d%s, 101 at%s\n   http:%s\n",
            s, cport[s], first[s], last[s], txt[s, "C"], txt[s, "S"], cls[s, "C"], cls[s, "S"],
            ((s SUBSEP "C" in oth) || (s SUBSEP "S" in oth)) ? " (other opcodes!)" : "",
            (s in up) ? up[s] : " -", (s in http) ? http[s] : " -"
        }
      }'
}

# One line per WebSocket message: frame (and, with FROM, the frame number
# it has in the file cut from frame FROM on), TCP stream, client port, C/S,
# opcode, the first 70 characters of the (inflated) text.
messages() { # messages FILE SERVER-PORT [FROM]
  local f=$1 port=$2 from=${3:-1}
  echo "-- messages of $(basename "$f")${3:+ (cut file frame = frame - $((from - 1)))}"
  ts_decode -r "$f" -Y "websocket && frame.number >= $from" -T fields -E separator='|' -e frame.number -e tcp.stream \
    -e tcp.srcport -e tcp.dstport -e websocket.opcode -e websocket.payload.text 2>/dev/null |
    awk -F'|' -v port="$port" -v from="$from" '{
      k = split($5, o, ","); n = split($6, t, ",<"); j = 0
      for (i = 1; i <= k; i++) {
        txt = ""
        if (o[i] == 1) { j++; txt = (j > 1 ? "<" : "") t[j] }
        printf "%5d%s s%-2s %-5s %s op%s %.70s\n", $1, (from > 1 ? sprintf(" (cut %3d)", $1 - from + 1) : ""), $2,
          ($3 == port ? $4 : $3), ($4 == port ? "C" : "S"), o[i], txt
      }
    }'
}

facts() {
  facts_one "$OUT_DIR/one-port-keys.pcapng" "$TLS_PORT"
  facts_one "$OUT_DIR/one-port-nokeys.pcapng" "$TLS_PORT"
  facts_one "$OUT_DIR/one-port-mid-session.pcapng" "$PLAIN_PORT"
  [[ -f $SCRATCH/one-port-plain.pcapng ]] && facts_one "$SCRATCH/one-port-plain.pcapng" "$PLAIN_PORT"
  facts_one "$OUT_DIR/deflate-mid-session.pcapng" "$DEFLATE_PORT"
  facts_one "$OUT_DIR/deflate-nctx-mid-session.pcapng" "$DEFLATE_PORT"
  local f
  for f in "$SCRATCH/deflate.pcapng" "$SCRATCH/deflate-nctx.pcapng"; do
    [[ -f $f ]] && facts_one "$f" "$DEFLATE_PORT"
  done
  messages "$OUT_DIR/one-port-keys.pcapng" "$TLS_PORT"
  [[ -f $SCRATCH/one-port-plain.pcapng ]] && messages "$SCRATCH/one-port-plain.pcapng" "$PLAIN_PORT" \
    "$(cat "$SCRATCH/one-port-plain.cut" 2>/dev/null || echo 1)"
  for f in deflate deflate-nctx; do
    [[ -f $SCRATCH/$f.pcapng ]] && messages "$SCRATCH/$f.pcapng" "$DEFLATE_PORT" "$(cat "$SCRATCH/$f.cut" 2>/dev/null || echo 1)"
  done
  return 0
}

main() {
  local want=("$@") n
  ((${#want[@]})) || want=(one-port deflate)
  for n in "${want[@]}"; do
    [[ $n == one-port || $n == deflate || $n == facts ]] || die "unknown step $n (one-port, deflate, facts)"
  done
  if [[ ${want[*]} == facts ]]; then
    facts
    return
  fi
  [[ $EUID -eq 0 ]] || die "run as root (dumpcap on lo, prosody run_as_root)"
  local t
  for t in prosody prosodyctl dumpcap editcap capinfos tshark openssl node npm; do
    command -v "$t" >/dev/null || die "$t not installed"
  done
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  mkdir -p "$SCRATCH" "$OUT_DIR"
  OUT_DIR=$(cd "$OUT_DIR" && pwd)
  rm -f "$SCRATCH/front.log"
  # client.js and front.js import ../transport/*.js, which import its ws.
  (cd "$CAPTURES/transport" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  [[ -f $CAPTURES/client/lib/finesse.js ]] || die "captures/client/lib/finesse.js missing (client.js imports it)"
  log "versions: $(prosodyctl about 2>/dev/null | grep -m1 -i '^prosody' || true); node $(node --version);" \
    "ws $( (cd "$CAPTURES/transport" && node -p 'require("./node_modules/ws/package.json").version') 2>/dev/null || true);" \
    "$(dumpcap --version | head -1); $(openssl version)"

  make_prosody
  for n in "${want[@]}"; do
    case $n in
      one-port) make_one_port ;;
      deflate) make_deflate ;;
      facts) facts ;;
    esac
  done
  log "done: ${want[*]}"
}

main "$@"
