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
#   health-details.png        the stream's last message on anomaly-dropped-socket,
#                             with its Stream health subtree (how the stream ended)
#   statistics.png            Statistics > XMPP over WebSocket (when -z xmppws,tree is registered)
#   conversations.png         Statistics > Conversations, the XMPP/WS tab
#   endpoints.png             Statistics > Endpoints, the XMPP/WS tab
#   srt.png                   Statistics > Service Response Time > XMPP/WS
#   finesse-srt.png           Statistics > Service Response Time > Finesse on rest-notify
#   expert-info.png           Analyze > Expert Information on anomaly-dropped-socket
#   follow-stream.png         Analyze > Follow > XMPP/WS Stream (Wireshark 4.2 and
#                             later; 4.0's Follow menu is a fixed list without it)
# XMPPWS_SHOTS="name ..." (names without .png) takes only those shots.
#
# Another Wireshark release: XMPPWS_CHROOT=DIR runs Wireshark and tshark of
# the Debian chroot DIR (tools/chroot.sh: trixie = 4.4, sid = 4.6) on the
# host's Xvfb (its abstract socket is reachable from the chroot; no mounts
# are needed). The plugin is then $XMPPWS_PLUGIN_DIR (a host path, built
# for that release) or, by default, built inside DIR from a copy of this
# tree's sources (DIR/tmp/xmppws-gui-src, DIR/tmp/xmppws-gui-build). E.g.
#   XMPPWS_CHROOT=/var/tmp/finesse-xmpp-sid XMPPWS_SHOTS=follow-stream bash tools/gui-screenshots.sh
# Installs wireshark-qt, xvfb, xdotool, xclip and imagemagick with apt when
# run as root and they are missing (in chroot mode: wireshark in DIR). Wireshark
# runs as nobody when the script runs as root (as root Wireshark ignores
# WIRESHARK_PLUGIN_DIR). Every GUI run is bounded by a timeout; everything
# started is stopped on exit.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/docs/images}
plugins=${XMPPWS_PLUGIN_DIR:-$top/build/plugins}
captures=${XMPPWS_CAPTURES:-$top/captures}
root=${XMPPWS_CHROOT:-}
shots=${XMPPWS_SHOTS:-login-packet-list auth-details bind-details finesse-event-details health-details statistics conversations endpoints srt finesse-srt expert-info follow-stream}
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
if [ -n "$root" ]; then
  root=$(cd "$root" && pwd)
  [ "$(id -u)" -eq 0 ] || die "XMPPWS_CHROOT needs root"
  [ -x "$root/usr/bin/apt-get" ] || die "$root is not a Debian chroot (tools/chroot.sh SUITE)"
  in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 "$@"; }
  if [ ! -x "$root/usr/bin/wireshark" ]; then
    log "installing wireshark (Qt) in $root"
    in_root sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wireshark >/dev/null'
  fi
  if [ -z "${XMPPWS_PLUGIN_DIR:-}" ]; then
    # Build the plugin for the chroot's Wireshark from a copy of the sources.
    log "building the plugin in $root"
    rm -rf "$root/tmp/xmppws-gui-src"
    mkdir -p "$root/tmp/xmppws-gui-src"
    tar -C "$top" --exclude=./.git --exclude=./build --exclude='./build-*' --exclude=./.scratch \
        --exclude='*.pcapng' --exclude=node_modules -cf - . | tar -C "$root/tmp/xmppws-gui-src" -xf -
    in_root sh -c 'cmake -S /tmp/xmppws-gui-src -B /tmp/xmppws-gui-build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/tmp/xmppws-gui-build.log 2>&1 &&
                   cmake --build /tmp/xmppws-gui-build -j2 --target finesse-xmpp >>/tmp/xmppws-gui-build.log 2>&1' ||
      die "the build in $root failed: $(tail -n 20 "$root/tmp/xmppws-gui-build.log")"
    plugins=$root/tmp/xmppws-gui-build/plugins
  fi
fi
compgen -G "$plugins/*/epan/finesse-xmpp.so" >/dev/null || die "no plugin in $plugins: cmake -S . -B build && cmake --build build"
[ -f "$captures/finesse-login.pcapng" ] || die "no $captures/finesse-login.pcapng"
want() { [[ " $shots " == *" $1 "* ]]; }

# ---- scratch: plugin, captures, a HOME with the profile -----------------------------
scratch=$(mktemp -d "$root/tmp/xmppws-gui.XXXXXX")
inside=${scratch#"$root"}   # the scratch folder as Wireshark sees it
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

if [ -n "$root" ]; then
  as_user=(chroot --userspec=65534:65534 "$root")
  chown 65534:65534 "$scratch/run"
elif [ "$(id -u)" -eq 0 ]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
  chown 65534:65534 "$scratch/run"
else
  as_user=()
fi
chmod 700 "$scratch/run"
# (an empty extcap folder: no capture helpers are started, none is left behind)
user_env=(env HOME="$inside/home" WIRESHARK_PLUGIN_DIR="$inside/plugins" XDG_RUNTIME_DIR="$inside/run"
          WIRESHARK_EXTCAP_DIR="$inside/extcap" LC_ALL=C.UTF-8)
[ -z "$root" ] || user_env=(env -i PATH=/usr/bin:/bin "${user_env[@]:1}")

# tshark with the same plugin: the first frame matching a display filter.
first_frame() {
  (cd "$scratch" && "${as_user[@]}" "${user_env[@]}" tshark -n -r "$inside/captures/$1" -Y "$2" \
      -T fields -e frame.number | head -n 1)
}
# tshark's version as MAJOR.MINOR, e.g. 4.0
ws_version=$(cd "$scratch" && "${as_user[@]}" "${user_env[@]}" tshark --version | head -n 1 | grep -o '[0-9]\+\.[0-9]\+' | head -n 1)
log "Wireshark $ws_version${root:+ in $root}"

# ---- Xvfb ---------------------------------------------------------------------------
Xvfb -displayfd 3 -screen 0 "${width}x${height}x24" -nolisten tcp 3>"$scratch/display" >"$scratch/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [ -s "$scratch/display" ] && break; sleep 0.1; done
[ -s "$scratch/display" ] || die "Xvfb did not start: $(cat "$scratch/xvfb.log")"
export DISPLAY=":$(tr -d '\n' <"$scratch/display")"
log "Xvfb on $DISPLAY"
[ -z "$root" ] || user_env+=(DISPLAY="$DISPLAY")

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
  [ -z "${extra_recent:-}" ] || printf '%s\n' "$extra_recent" >>"$scratch/home/.config/wireshark/profiles/Finesse/recent"
  (cd "$scratch" && exec timeout 90 "${as_user[@]}" "${user_env[@]}" wireshark -C Finesse \
      -r "$inside/captures/$cap" "$@" >>"$scratch/wireshark.log" 2>&1) &
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

# The dialog window of the running Wireshark whose title contains $1 (no
# window manager runs: dialogs have no frame; xdotool moves and sizes them).
dialog() {
  local d
  d=$(timeout 20 xdotool search --sync --onlyvisible --name "$1" | head -n 1) || true
  [ -n "$d" ] || die "no window \"$1\" opened: $(tail -n 5 "$scratch/wireshark.log")"
  echo "$d"
}
# Open the main window's menu with Alt+$1, then type the keys ${@:2}.
menu() {
  xdotool windowfocus --sync "$win"
  xdotool key "alt+$1"
  sleep 0.7
  shift
  local k
  for k in "$@"; do xdotool key "$k"; sleep 0.5; done
}

mkdir -p "$out"
login=finesse-login.pcapng
auth=$(first_frame $login xmppws.sasl.auth)
bind=$(first_frame $login xmppws.bind.jid)
event_cap=$login
[ -f "$scratch/captures/finesse-agent-session.pcapng" ] && event_cap=finesse-agent-session.pcapng
event=$(first_frame $event_cap finesse.user.state)
[ -n "$auth" ] && [ -n "$bind" ] && [ -n "$event" ] || die "frames not found (auth=$auth bind=$bind event=$event)"
extra_recent=""

if want login-packet-list; then
  log "packet list of $login"
  start_gui $login 700 -Y xmppws -g "$bind"
  save "$win" "$out/login-packet-list.png"
  stop_gui
fi

if want auth-details; then
  log "auth details (frame $auth)"
  start_gui $login 250 -g "$auth"
  expand_xmpp
  save "$win" "$out/auth-details.png"
  stop_gui
fi

if want bind-details; then
  log "bind details (frame $bind)"
  start_gui $login 250 -g "$bind"
  expand_xmpp
  save "$win" "$out/bind-details.png"
  stop_gui
fi

if want finesse-event-details; then
  log "Finesse event details ($event_cap frame $event)"
  start_gui $event_cap 200 -g "$event"
  expand_xmpp
  save "$win" "$out/finesse-event-details.png"
  stop_gui
fi

# The "Stream health" subtree is on the stream's last message, shown once
# the whole file has been read (tshark: two passes, -2; the GUI: when a
# packet is selected after loading).
if want health-details && [ -f "$scratch/captures/anomaly-dropped-socket.pcapng" ]; then
  dropped=anomaly-dropped-socket.pcapng
  last=$(cd "$scratch" && "${as_user[@]}" "${user_env[@]}" tshark -n -2 -r "$inside/captures/$dropped" \
      -Y xmppws.health -T fields -e frame.number | head -n 1)
  [ -n "$last" ] || die "no xmppws.health in $dropped"
  log "stream health details ($dropped frame $last)"
  # a short packet list: the expanded XMPP item, expert infos and health
  # subtree fill the details pane
  start_gui $dropped 165 -g "$last"
  expand_xmpp
  # the selected row is half under the list's scroll bar: one wheel step
  # down over the packet list (the focus stays in the details) shows it
  # and the frames after it, up to the RST
  xdotool mousemove --window "$win" $((width / 2)) 150 click 5
  sleep 0.5
  save "$win" "$out/health-details.png"
  stop_gui
fi

stats=$(cd "$scratch" && "${as_user[@]}" "${user_env[@]}" tshark -z help 2>&1 || true)
if want statistics; then
  if grep -qx ' *xmppws,tree' <<<"$stats"; then
    log "Statistics > XMPP over WebSocket"
    start_gui $login 400
    # the plugin's stats_tree is the last item of the Statistics menu
    menu s Up Return
    dlg=$(dialog "XMPP over WebSocket")
    xdotool windowmove "$dlg" 0 0 windowsize "$dlg" 1000 820
    sleep 2
    save "$dlg" "$out/statistics.png"
    stop_gui
  else
    log "-z xmppws,tree is not registered (xmppws_handoff_stats() not called): no statistics.png"
  fi
fi

# Statistics > Conversations / Endpoints (mnemonics C / E), the XMPP/WS
# tab. The dialogs show the tabs listed in the profile's recent file
# (gui.conversation_tabs, gui.endpoint_tabs; XMPP/WS is off by default) in
# registration order, the plugin's last: a click on the first tab, then
# Right until the last (4.0, 4.4 and 4.6 alike).
for kind in conversations endpoints; do
  want $kind || continue
  if ! grep -qx " *conv,xmppws" <<<"$stats"; then
    log "no ${kind} table for xmppws: no $kind.png"; continue
  fi
  log "Statistics > ${kind^} > XMPP/WS"
  if [ $kind = conversations ]; then
    extra_recent='gui.conversation_tabs: "XMPP/WS", "Ethernet", "IPv4", "IPv6", "TCP", "UDP"'
    key=c title=Conversations
  else
    extra_recent='gui.endpoint_tabs: "XMPP/WS", "Ethernet", "IPv4", "IPv6", "TCP", "UDP"'
    key=e title=Endpoints
  fi
  start_gui $login 400
  extra_recent=""
  menu s "$key"
  dlg=$(dialog "· $title ·")
  xdotool windowmove "$dlg" 0 0 windowsize "$dlg" 1300 420
  sleep 2
  xdotool mousemove --window "$dlg" 260 25 click 1
  for _ in 1 2 3 4 5 6 7 8; do xdotool key Right; done
  sleep 1.5
  save "$dlg" "$out/$kind.png"
  stop_gui
done

# Statistics > Service Response Time (mnemonic R) > XMPP/WS, the last item.
if want srt; then
  if grep -qx ' *xmppws,srt' <<<"$stats"; then
    log "Statistics > Service Response Time > XMPP/WS"
    start_gui $login 400
    menu s r Up Return
    dlg=$(dialog "XMPP/WS Service Response Time")
    xdotool windowmove "$dlg" 0 0 windowsize "$dlg" 900 380
    sleep 2
    save "$dlg" "$out/srt.png"
    stop_gui
  else
    log "-z xmppws,srt is not registered: no srt.png"
  fi
fi

# Statistics > Service Response Time > Finesse: the submenu is in
# alphabetical order, Finesse the 6th item on 4.0 (after AFP, CAMEL,
# DCE-RPC, Diameter, FC). Other releases may list more tables before it: a
# dialog of another table is closed (Escape) and the neighbouring items tried.
if want finesse-srt && [ -f "$scratch/captures/rest-notify.pcapng" ]; then
  if grep -qx ' *finesse,srt' <<<"$stats"; then
    log "Statistics > Service Response Time > Finesse (rest-notify)"
    start_gui rest-notify.pcapng 400
    dlg=""
    for down in 5 6 4 7 3 8 9; do
      # shellcheck disable=SC2046
      menu s r $(printf 'Down %.0s' $(seq "$down")) Return
      d=$(timeout 20 xdotool search --sync --onlyvisible --name "Service Response Time" | head -n 1) || true
      [ -n "$d" ] || die "no Service Response Time dialog opened: $(tail -n 5 "$scratch/wireshark.log")"
      case $(xdotool getwindowname "$d") in
        *"Finesse Service Response Time"*) dlg=$d; break ;;
      esac
      log "item $((down + 1)) is $(xdotool getwindowname "$d"): closing it"
      xdotool windowfocus --sync "$d" key Escape
      sleep 1
    done
    [ -n "$dlg" ] || die "no Finesse item found in Statistics > Service Response Time"
    xdotool windowmove "$dlg" 0 0 windowsize "$dlg" 900 260
    sleep 2
    save "$dlg" "$out/finesse-srt.png"
    stop_gui
  else
    log "-z finesse,srt is not registered: no finesse-srt.png"
  fi
fi

# Analyze > Expert Information (the menu's last item).
if want expert-info && [ -f "$scratch/captures/anomaly-dropped-socket.pcapng" ]; then
  log "Analyze > Expert Information (anomaly-dropped-socket)"
  start_gui anomaly-dropped-socket.pcapng 400
  menu a Up Return
  dlg=$(dialog "Expert Information")
  xdotool windowmove "$dlg" 0 0 windowsize "$dlg" 1150 420
  sleep 2
  # expand the second group (the first XMPP/WS one: request without response)
  xdotool mousemove --window "$dlg" 300 58 click 1
  xdotool key Right
  sleep 1
  save "$dlg" "$out/expert-info.png"
  stop_gui
fi

# Analyze > Follow > XMPP/WS Stream on the stream's first frame. Wireshark
# 4.2 and later list every registered follower in the Follow menus (in
# alphabetical order: XMPP/WS is the last); 4.0's Follow menu is a fixed
# list (TCP, UDP, DCCP, TLS, HTTP, HTTP/2, QUIC, SIP) without it.
if want follow-stream; then
  case $ws_version in
    4.0|4.1|3.*) log "Wireshark $ws_version: no XMPP/WS in Analyze > Follow: no follow-stream.png" ;;
    *)
      open=$(first_frame $login xmppws)
      log "Analyze > Follow > XMPP/WS Stream (frame $open)"
      start_gui $login 400 -g "$open"
      # Follow is above Show Packet Bytes (disabled) and Expert Information
      menu a Up Up Right Up Return
      dlg=$(dialog "Follow XMPP/WS Stream")
      xdotool windowmove "$dlg" 0 0 windowsize "$dlg" 1200 $((height - 40))
      sleep 2
      # Scroll the first Finesse <Update> into view with the Find box (53
      # pixels above the dialog's bottom edge); the text area is above it.
      xdotool mousemove --window "$dlg" 400 $((height - 40 - 53)) click 1
      sleep 0.3
      xdotool type '<Update>'
      xdotool key Return
      sleep 1
      xdotool mousemove --window "$dlg" 600 300 click --repeat 6 5
      sleep 1
      save "$dlg" "$out/follow-stream.png"
      stop_gui
      ;;
  esac
fi
log "done: $out"
