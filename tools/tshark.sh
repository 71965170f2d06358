#!/usr/bin/env bash
# Run tshark with the plugin from build/plugins, without installing it.
# As root, tshark ignores WIRESHARK_PLUGIN_DIR, so it runs as nobody on
# world-readable copies of the plugin and of any capture given with -r.
#   bash tools/tshark.sh [tshark arguments...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
plugins="${XMPPWS_PLUGIN_DIR:-$top/build/plugins}"   # ctest sets it to the build under test
ls "$plugins"/*/epan/finesse-xmpp.so >/dev/null 2>&1 || { echo "build the plugin first: cmake -S . -B build && cmake --build build" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
  exec env WIRESHARK_PLUGIN_DIR="$plugins" tshark "$@"
fi
scratch=$(mktemp -d /tmp/xmppws-tshark.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
cp -r "$plugins" "$scratch/plugins"
mkdir -p "$scratch/home"
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "-r" ] && [ $# -ge 2 ]; then
    cp "$2" "$scratch/$(basename "$2")"
    args+=("-r" "$scratch/$(basename "$2")")
    shift 2
  else
    args+=("$1")
    shift
  fi
done
chmod -R a+rX "$scratch"
chmod 777 "$scratch/home"
cd "$scratch"
setpriv --reuid=65534 --regid=65534 --clear-groups -- \
  env HOME="$scratch/home" WIRESHARK_PLUGIN_DIR="$scratch/plugins" tshark "${args[@]}"
