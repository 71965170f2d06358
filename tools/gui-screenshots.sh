#!/usr/bin/env bash
# Screenshots of the plugin in the real Wireshark GUI (Qt), for docs/lab.md.
#
#   bash tools/gui-screenshots.sh [OUTPUT_DIR]        (default: docs/images)
#
# Opens the bundled captures with the built plugin (build/plugins, or
# $XMPPWS_PLUGIN_DIR) and the "Finesse" profile (profiles/Finesse) in
# Wireshark on a private Xvfb display, and saves PNGs (128 colours, about
# 100-200 kB each):
#   login-packet-list.png     the XMPP messages of finesse-login, profile columns and colours
#   auth-details.png          the SASL PLAIN <auth/> frame, XMPP subtree expanded
#   bind-details.png          the bind result with the login summary
#   finesse-event-details.png the first Finesse User notification
#   statistics.png            Statistics > XMPP over WebSocket (when -z xmppws,tree is registered)
# Installs wireshark-qt, xvfb, xdotool, xclip and imagemagick with apt when
# run as root and they are missing. Wireshark runs as nobody when the script
# runs as root (as root Wireshark ignores WIRESHARK_PLUGIN_DIR). Every GUI
# run is bounded by a timeout; everything started is stopped on exit.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/docs/images}
plugins=${XMPPWS_PLUGIN_DIR:-$top/build/plugins}
captures=${XMPPWS_CAPTURES:-$top/captures}
width=1400
height=1000

log() { printf '[gui-screenshots] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---- dependencies ----------------------------------------------------------------
need=()
for pkg in wireshark-qt xvfb xdotool xclip imagemagick; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})"
  log "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -f "$plugins/4.0/epan/finesse-xmpp.so" ] || die "no plugin in $plugins: cmake -S . -B build && cmake --build build"
[ -f "$captures/finesse-login.pcapng" ] || die "no $captures/finesse-login.pcapng"

# ---- scratch: plugin, captures, a HOME with the profile -----------------------------
scratch=$(mktemp -d /tmp/xmppws-gui.XXXXXX)
xvfb_pid=""
gui_pid=""
cleanup() {
  if [ -n "$gui_pid" ]; then kill "$gui_pid" 2>/dev/null || true; wait "$gui_pid" 2>/dev/null || true; fi
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp -r "$plugins" "$scratch/plugins"
mkdir -p "$scratch/captures" "$scratch/home/.config/wireshark/profiles" "$scratch/run" "$scratch/extcap"
cp "$captures"/*.pcapng "$scratch/captures/"
cp -r "$top/profiles/Finesse" "$scratch/home/.config/wireshark/profiles/Finesse"
# The main window's size and place (recent_common, ui/recent.c); no
# first-run questions.
cat >"$scratch/home/.config/wireshark/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $width
gui.geometry_main_height: $height
gui.geometry_main_maximized: FALSE
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
EOF
chmod -R a+rwX "$scratch"

if [ "$(id -u)" -eq 0 ]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
  chown 65534:65534 "$scratch/run"
else
  as_user=()
fi
chmod 700 "$scratch/run"
# (an empty extcap folder: no capture helpers are started, none is left behind)
user_env=(env HOME="$scratch/home" WIRESHARK_PLUGIN_DIR="$scratch/plugins" XDG_RUNTIME_DIR="$scratch/run"
          WIRESHARK_EXTCAP_DIR="$scratch/extcap" LC_ALL=C.UTF-8)

# tshark with the same plugin: the first frame matching a display filter.
first_frame() {
  (cd "$scratch" && "${as_user[@]}" "${user_env[@]}" tshark -n -r "$scratch/captures/$1" -Y "$2" \
      -T fields -e frame.number | head -n 1)
}

# ---- Xvfb ---------------------------------------------------------------------------
Xvfb -displayfd 3 -screen 0 "${width}x${height}x24" -nolisten tcp 3>"$scratch/display" >"$scratch/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [ -s "$scratch/display" ] && break; sleep 0.1; done
[ -s "$scratch/display" ] || die "Xvfb did not start: $(cat "$scratch/xvfb.log")"
export DISPLAY=":$(tr -d '\n' <"$scratch/display")"
log "Xvfb on $DISPLAY"

# ---- one Wireshark window -----------------------------------------------------------

# Start Wireshark on capture $1 with the profile, the packet list pane $2
# pixels high and arguments ${@:3}; sets gui_pid and win (its window id).
start_gui() {
  local cap=$1 pane=$2
  shift 2
  # The profile's own recent settings plus this shot's layout: no bytes pane.
  cp "$top/profiles/Finesse/recent" "$scratch/home/.config/wireshark/profiles/Finesse/recent"
  printf 'gui.byte_view_show: FALSE\ngui.geometry_main_upper_pane: %d\n' "$pane" \
    >>"$scratch/home/.config/wireshark/profiles/Finesse/recent"
  (cd "$scratch" && exec timeout 90 "${as_user[@]}" "${user_env[@]}" wireshark -C Finesse \
      -r "$scratch/captures/$cap" "$@" >>"$scratch/wireshark.log" 2>&1) &
  gui_pid=$!
  win=$(timeout 30 xdotool search --sync --name "^${cap//./\\.}\$" | head -n 1) || true
  [ -n "$win" ] || die "no Wireshark window for $cap: $(tail -n 5 "$scratch/wireshark.log")"
  sleep 2   # let it finish reading and drawing
}

stop_gui() {
  kill "$gui_pid" 2>/dev/null || true
  wait "$gui_pid" 2>/dev/null || true
  gui_pid=""
}

# Description of the selected packet-details item (Edit > Copy >
# Description, Ctrl+Alt+Shift+D), read back from the clipboard.
selected_item() {
  xdotool key --clearmodifiers ctrl+alt+shift+d
  sleep 0.3
  timeout 5 xclip -o -selection clipboard 2>/dev/null || true
}

# Select the "XMPP over WebSocket" item of the packet details (the last
# top-level item, or a few above it) and expand all its subtrees.
expand_xmpp() {
  local i desc
  # a click on the empty lower part of the details pane focuses it
  xdotool mousemove --window "$win" $((width / 2)) $((height - 60)) click 1
  sleep 0.3
  xdotool key End
  for i in 1 2 3 4 5; do
    desc=$(selected_item)
    case $desc in "XMPP over WebSocket"*) break ;; esac
    xdotool key Up
  done
  case $desc in "XMPP over WebSocket"*) ;; *) die "could not select the XMPP item (got: $desc)" ;; esac
  xdotool key shift+Right
  sleep 1
}

# Save window $1 as PNG $2 with 128 colours.
save() {
  import -window "$1" "$scratch/shot.png"
  convert "$scratch/shot.png" -strip -colors 128 "PNG8:$2"
  log "$2: $(($(stat -c %s "$2") / 1024)) kB"
}

mkdir -p "$out"
login=finesse-login.pcapng
auth=$(first_frame $login xmppws.sasl.auth)
bind=$(first_frame $login xmppws.bind.jid)
event_cap=$login
[ -f "$scratch/captures/finesse-agent-session.pcapng" ] && event_cap=finesse-agent-session.pcapng
event=$(first_frame $event_cap finesse.user.state)
[ -n "$auth" ] && [ -n "$bind" ] && [ -n "$event" ] || die "frames not found (auth=$auth bind=$bind event=$event)"

log "packet list of $login"
start_gui $login 700 -Y xmppws -g "$bind"
save "$win" "$out/login-packet-list.png"
stop_gui

log "auth details (frame $auth)"
start_gui $login 250 -g "$auth"
expand_xmpp
save "$win" "$out/auth-details.png"
stop_gui

log "bind details (frame $bind)"
start_gui $login 250 -g "$bind"
expand_xmpp
save "$win" "$out/bind-details.png"
stop_gui

log "Finesse event details ($event_cap frame $event)"
start_gui $event_cap 200 -g "$event"
expand_xmpp
save "$win" "$out/finesse-event-details.png"
stop_gui

stats=$(cd "$scratch" && "${as_user[@]}" "${user_env[@]}" tshark -z help 2>&1 || true)
if grep -qx ' *xmppws,tree' <<<"$stats"; then
  log "Statistics > XMPP over WebSocket"
  start_gui $login 400
  # the plugin's stats_tree is the last item of the Statistics menu
  xdotool windowfocus --sync "$win"
  xdotool key alt+s
  sleep 0.7
  xdotool key Up Return
  dlg=$(timeout 20 xdotool search --sync --name "XMPP over WebSocket" | head -n 1) || true
  [ -n "$dlg" ] || die "the statistics dialog did not open"
  xdotool windowmove "$dlg" 0 0 windowsize "$dlg" 1000 820
  sleep 2
  save "$dlg" "$out/statistics.png"
  stop_gui
else
  log "-z xmppws,tree is not registered (xmppws_handoff_stats() not called): no statistics.png"
fi
log "done: $out"
