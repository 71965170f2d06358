#!/usr/bin/env bash
# Install what is missing, build the plugin, and print the XMPP handshake of
# a capture (default: the bundled Finesse agent login) as dissected by tshark
# with the plugin: frame, time, direction, and the Info summary.
#   bash tools/demo.sh [capture.pcapng]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cap=$(realpath "${1:-$top/captures/finesse-login.pcapng}")
bash "$top/tools/deps.sh"
cmake -S "$top" -B "$top/build" >/dev/null
cmake --build "$top/build" -j"$(nproc)" >/dev/null
bash "$top/tools/tshark.sh" -n -r "$cap" -Y xmppws -T fields -E header=y \
  -e frame.number -e frame.time_relative -e xmppws.direction -e _ws.col.Info
