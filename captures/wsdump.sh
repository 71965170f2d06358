#!/usr/bin/env bash
# Print every WebSocket message of a capture, one per line:
#   FRAME  TCP-STREAM  C|S  OPCODE  TEXT (or close code/reason)
# C = towards the server port (default 5280; set WS_PORT=8445 for the
# synthetic Cisco capture), S = from the server.
# Usage: captures/wsdump.sh FILE.pcapng [extra tshark display filter]
set -euo pipefail
file=$1
filter=${2:-}
port=${WS_PORT:-5280}
tshark -r "$file" -Y "websocket${filter:+ && ($filter)}" -T fields \
  -E aggregator=$'\x1f' -E occurrence=a \
  -e frame.number -e tcp.stream -e tcp.dstport -e websocket.opcode \
  -e websocket.payload.text -e websocket.payload.close.status_code \
  -e websocket.payload.close.reason 2>/dev/null |
  awk -F'\t' -v port="$port" '
    {
      dir = ($3 == port) ? "C" : "S"
      nop = split($4, op, "\x1f"); nt = split($5, tx, "\x1f")
      ti = 1
      for (i = 1; i <= nop; i++) {
        if (op[i] == 1 || op[i] == 0) { t = tx[ti++] }
        else if (op[i] == 8) { t = "close " $6 ($7 != "" ? " \"" $7 "\"" : "") }
        else { t = "" }
        printf "%s\t%s\t%s\t%s\t%s\n", $1, $2, dir, op[i], t
      }
    }'
