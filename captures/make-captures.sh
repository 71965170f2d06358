#!/usr/bin/env bash
# Regenerate the finesse-xmpp capture corpus.
#
#   captures/make-captures.sh            all captures except the bench
#   captures/make-captures.sh bench      only bench-10k.pcapng (slow)
#   captures/make-captures.sh NAME...    only the named captures, e.g.
#                                        finesse-login anomaly-malformed-xml
#
# OUT_DIR=/some/dir writes the pcapng files there instead of captures/
# (handy to check regeneration without touching the committed files).
#
# Runs a private Prosody (own config and data under captures/.scratch, every
# listener on 127.0.0.1, s2s disabled), drives it with the Node clients in
# captures/client, records the WebSocket port with dumpcap and stops
# everything it started on exit, success or failure.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLIENT=$HERE/client
SCRATCH=$HERE/.scratch
CFG=$SCRATCH/prosody.cfg.lua
DOMAIN=uccxpub.prabhat.com
WS_PORT=5280
C2S_PORT=5222
WS_PATH=/ws/
BENCH_AGENTS=${BENCH_AGENTS:-25}
OUT_DIR=${OUT_DIR:-$HERE}

PROSODY_PID=""
DUMPCAP_PID=""

log() { printf '[make-captures] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# stop_pid, port_in_use, wait_port, prosody_config, prosody_register
# shellcheck source=captures/prosody.sh
. "$HERE/prosody.sh"

# ---- process control ---------------------------------------------------------

cleanup() {
  local rc=$?
  stop_pid "$DUMPCAP_PID" INT
  DUMPCAP_PID=""
  stop_pid "$PROSODY_PID" TERM
  PROSODY_PID=""
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- Prosody -------------------------------------------------------------------

register_users() {
  rm -rf "$SCRATCH/data"
  mkdir -p "$SCRATCH/data"
  prosody_register "$SCRATCH" administrator finesse "$@"
}

start_prosody() {
  port_in_use "$WS_PORT" && die "port $WS_PORT already in use"
  port_in_use "$C2S_PORT" && die "port $C2S_PORT already in use"
  prosody --config "$CFG" -F >>"$SCRATCH/prosody.stdout" 2>&1 &
  PROSODY_PID=$!
  wait_port "$WS_PORT" "$PROSODY_PID"
  wait_port "$C2S_PORT" "$PROSODY_PID"
  log "prosody running (pid $PROSODY_PID)"
}

stop_prosody() {
  stop_pid "$PROSODY_PID" TERM
  PROSODY_PID=""
  local i
  for ((i = 0; i < 50; i++)); do
    port_in_use "$WS_PORT" || port_in_use "$C2S_PORT" || return 0
    sleep 0.1
  done
  die "prosody ports still open after stop"
}

# ---- capture -------------------------------------------------------------------

# capture NAME TIMEOUT CMD...: record the WebSocket port while CMD runs.
capture() {
  local name=$1 limit=$2
  shift 2
  local tmp=$SCRATCH/$name.pcapng out=$OUT_DIR/$name.pcapng i
  rm -f "$tmp"
  dumpcap -i lo -f "tcp port $WS_PORT" -w "$tmp" 2>"$SCRATCH/$name.dumpcap.log" &
  DUMPCAP_PID=$!
  for ((i = 0; i < 100; i++)); do
    grep -q "Capturing on" "$SCRATCH/$name.dumpcap.log" && break
    kill -0 "$DUMPCAP_PID" 2>/dev/null || die "dumpcap failed: $(cat "$SCRATCH/$name.dumpcap.log")"
    sleep 0.1
  done
  ((i < 100)) || die "dumpcap did not start"
  sleep 0.5
  log "capturing $name"
  (cd "$CLIENT" && timeout "$limit" "$@") || die "scenario $name failed (rc $?)"
  sleep 1
  stop_pid "$DUMPCAP_PID" INT
  DUMPCAP_PID=""
  mv "$tmp" "$out"
  chmod 644 "$out"
  log "wrote $out ($(stat -c %s "$out") bytes)"
}

# setup_nodes NODE...: fresh pubsub nodes (over c2s, not captured).
setup_nodes() {
  (cd "$CLIENT" && timeout 30 node setup-nodes.js "$@") || die "setup-nodes failed"
}

# One capture from the real server: restart Prosody (so per-process caches,
# e.g. mod_pep's caps hash cache, start empty), create nodes, capture.
real_capture() {
  local name=$1 limit=$2
  shift 2
  local nodes=()
  while [[ $# -gt 0 && $1 != -- ]]; do nodes+=("$1"); shift; done
  shift
  start_prosody
  ((${#nodes[@]} == 0)) || setup_nodes "${nodes[@]}"
  capture "$name" "$limit" "$@"
  stop_prosody
}

U=/finesse/api/User/administrator
D=/finesse/api/User/administrator/Dialogs
T=/finesse/api/Team/1/Users
S=/finesse/api/SystemInfo

make_one() {
  case $1 in
    finesse-login) real_capture finesse-login 60 "$U" "$T" -- node scenarios/finesse-login.js ;;
    scram-login) real_capture scram-login 60 "$U" -- node scenarios/scram-login.js ;;
    finesse-agent-session) real_capture finesse-agent-session 120 "$U" "$D" "$T" "$S" -- node scenarios/agent-session.js ;;
    anomaly-wrong-password) real_capture anomaly-wrong-password 60 -- node scenarios/anomaly-wrong-password.js ;;
    anomaly-resource-conflict) real_capture anomaly-resource-conflict 60 -- node scenarios/anomaly-resource-conflict.js ;;
    anomaly-missing-node) real_capture anomaly-missing-node 60 "$U" -- node scenarios/anomaly-missing-node.js ;;
    anomaly-malformed-xml) real_capture anomaly-malformed-xml 60 -- node scenarios/anomaly-malformed-xml.js ;;
    keepalive-pings | keepalive) real_capture keepalive-pings 60 "$U" -- node scenarios/keepalive.js ;;
    anomaly-dropped-socket)
      # The point is an unanswered ping: retry (at most 3 times) if Prosody
      # managed to answer before the RST arrived.
      local try
      for try in 1 2 3; do
        real_capture anomaly-dropped-socket 60 -- node scenarios/anomaly-dropped-socket.js
        "$HERE/wsdump.sh" "$OUT_DIR/anomaly-dropped-socket.pcapng" | tail -n 1 | grep -q 'id="ping_1"' && break
        log "the server answered the ping before the RST (try $try)"
        ((try < 3)) || die "could not capture an unanswered ping"
      done
      ;;
    cisco-doc-login) python3 "$HERE/cisco-doc-login.py" "$OUT_DIR/cisco-doc-login.pcapng" >/dev/null ;;
    bench-10k)
      local nodes=("$T") i
      for ((i = 1; i <= BENCH_AGENTS; i++)); do nodes+=("$(printf '/finesse/api/User/agent%03d' "$i")"); done
      real_capture bench-10k 600 "${nodes[@]}" -- env BENCH_AGENTS="$BENCH_AGENTS" node scenarios/bench.js
      ;;
    *) die "unknown capture $1" ;;
  esac
}

main() {
  local names=()
  if [[ $# -eq 0 ]]; then
    names=(finesse-login scram-login cisco-doc-login finesse-agent-session
      anomaly-wrong-password anomaly-resource-conflict anomaly-missing-node
      anomaly-malformed-xml anomaly-dropped-socket keepalive-pings)
  elif [[ $1 == bench ]]; then
    names=(bench-10k)
  else
    names=("$@")
  fi

  command -v prosody >/dev/null || die "prosody not installed"
  command -v dumpcap >/dev/null || die "dumpcap not installed"
  command -v node >/dev/null || die "node not installed"
  [[ $EUID -eq 0 ]] || die "run as root (dumpcap on lo, prosody with run_as_root)"

  mkdir -p "$SCRATCH" "$OUT_DIR"
  OUT_DIR=$(cd "$OUT_DIR" && pwd)
  rm -f "$SCRATCH/prosody.log" "$SCRATCH/prosody.stdout"
  (cd "$CLIENT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"

  local agents=() i
  if [[ " ${names[*]} " == *" bench-10k "* ]]; then
    for ((i = 1; i <= BENCH_AGENTS; i++)); do agents+=("$(printf 'agent%03d' "$i")"); done
  fi
  prosody_config "$SCRATCH" "$C2S_PORT" "$WS_PORT"
  register_users "${agents[@]}"

  local n
  for n in "${names[@]}"; do make_one "$n"; done
  log "done: ${names[*]}"
}

main "$@"
