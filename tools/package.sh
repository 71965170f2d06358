#!/usr/bin/env bash
# Make the binary archive of the plugin for a Wireshark release, and check it:
#   finesse-xmpp-<version>-wireshark-<X.Y>-<os>-<arch>.tar.gz holding
#   plugins/<X.Y>/epan/finesse-xmpp.so, profiles/Finesse/ and INSTALL.txt.
# The archive is CPack's (the "package" target of CMakeLists.txt); this script
# configures, builds, packs, then unpacks the archive into a temporary HOME
# and checks that tshark (as nobody when run as root) loads the plugin from
# there and knows the Finesse profile.
#   bash tools/package.sh              this system's Wireshark -> build-pkg-<X.Y>/
#   bash tools/package.sh 4.0 4.4 4.6  each release (4.4: Debian trixie chroot,
#                                      4.6: Debian sid chroot; needs root)
#   bash tools/package.sh --check ARCHIVE   only check an archive
# Prints each archive's path on a line of its own, prefixed "archive: ".
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

cleanup=()
trap 'rm -rf "${cleanup[@]}"' EXIT

ws_mm() { tshark --version 2>/dev/null | sed -n '1s/.* \([0-9]\+\)\.\([0-9]\+\)\.[0-9]\+.*/\1.\2/p'; }

# Unpack ARCHIVE into a temporary HOME, as the INSTALL note says, and run
# tshark there with nothing else pointing at a plugin.
check() {
  local archive=$1 mm tmp top_dir out
  mm=$(ws_mm)
  tmp=$(mktemp -d /tmp/finesse-xmpp-pkgcheck.XXXXXX)
  cleanup+=("$tmp")
  chmod 755 "$tmp"
  tar -xzf "$archive" -C "$tmp"
  top_dir=$(basename "$archive" .tar.gz)
  [ -f "$tmp/$top_dir/plugins/$mm/epan/finesse-xmpp.so" ] || { echo "no plugins/$mm/epan/finesse-xmpp.so in $archive" >&2; return 1; }
  [ -f "$tmp/$top_dir/INSTALL.txt" ] || { echo "no INSTALL.txt in $archive" >&2; return 1; }
  [ -d "$tmp/$top_dir/profiles/Finesse" ] || { echo "no profiles/Finesse in $archive" >&2; return 1; }
  mkdir -p "$tmp/home/.local/lib/wireshark" "$tmp/home/.config/wireshark"
  cp -r "$tmp/$top_dir/plugins" "$tmp/home/.local/lib/wireshark/"
  cp -r "$tmp/$top_dir/profiles" "$tmp/home/.config/wireshark/"
  chmod -R a+rwX "$tmp/home"
  local run=(env -i PATH=/usr/bin:/bin HOME="$tmp/home" LC_ALL=C.UTF-8)
  [ "$(id -u)" -ne 0 ] || run=(setpriv --reuid=65534 --regid=65534 --clear-groups -- "${run[@]}")
  out=$(cd "$tmp" && "${run[@]}" tshark -G plugins 2>&1)
  if ! grep -q "^finesse-xmpp.so[[:space:]].*$tmp/home/.local/lib/wireshark/plugins/$mm/epan/finesse-xmpp.so\$" <<<"$out"; then
    echo "tshark $mm does not load the plugin from the unpacked $archive:" >&2
    echo "$out" >&2
    return 1
  fi
  echo "checked: tshark $mm (uid $( [ "$(id -u)" -eq 0 ] && echo 65534 || id -u)) loads $(grep '^finesse-xmpp' <<<"$out" | tr '\t' ' ')"
  # The profile, and the plugin dissecting with it: the Finesse login's stages.
  install -m 644 "$top/captures/finesse-login.pcapng" "$tmp/login.pcapng"
  out=$(cd "$tmp" && "${run[@]}" tshark -C Finesse -r "$tmp/login.pcapng" -Y 'xmppws.stage == "established"' \
          -T fields -e frame.number 2>&1) || { echo "tshark -C Finesse failed: $out" >&2; return 1; }
  grep -qx '[0-9]\+' <<<"$out" \
    || { echo "no frame with xmppws.stage \"established\" with -C Finesse:" >&2; echo "$out" >&2; return 1; }
  echo "checked: tshark -C Finesse dissects captures/finesse-login.pcapng ($(grep -c . <<<"$out") frames in stage \"established\")"
}

# This system's Wireshark.
here() {
  local mm build archive
  mm=$(ws_mm)
  [ -n "$mm" ] || { echo "tshark not found or version unknown" >&2; exit 1; }
  build="$top/build-pkg-$mm"
  # A clean build each time (also: inside a chroot the tree is mounted at a
  # path of the run's own, which an old CMake cache would not match).
  rm -rf "$build"
  cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)" --target package >"$build/package.log" 2>&1 \
    || { cat "$build/package.log" >&2; exit 1; }
  archive=$(sed -n 's/^CPack: - package: \(.*\.tar\.gz\) generated\.$/\1/p' "$build/package.log" | tail -n 1)
  [ -f "$archive" ] || { cat "$build/package.log" >&2; exit 1; }
  check "$archive"
  # Inside a chroot, name the archive by its path on the host.
  echo "archive: ${FINESSE_XMPP_HOST_TOP:-$top}${archive#"$top"}"
}

case "${1:-}" in
  --check) check "$2"; exit 0 ;;
  --here|"") here; exit 0 ;;
  -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
esac

suite_of() { case $1 in 4.4) echo trixie ;; 4.6) echo sid ;; *) return 1 ;; esac; }
for v in "$@"; do
  case $v in 4.0|4.4|4.6) ;; *) echo "unsupported Wireshark version: $v (4.0, 4.4, 4.6)" >&2; exit 2 ;; esac
done
for v in "$@"; do
  if [ "$v" = 4.0 ]; then
    [ "$(ws_mm)" = 4.0 ] || { echo "this system's tshark is $(ws_mm), not 4.0" >&2; exit 1; }
    here
    continue
  fi
  [ "$(id -u)" -eq 0 ] || { echo "Wireshark $v is packaged in a Debian chroot, which needs root" >&2; exit 1; }
  s=$(suite_of "$v")
  dir=/var/tmp/finesse-xmpp-$s
  if [ ! -f "$dir/.finesse-xmpp-pkgs" ]; then
    dir=$(bash "$top/tools/chroot.sh" "$s" | tail -n 1)
  fi
  status=0
  bash "$top/tools/chroot.sh" --run "$dir" "$top" tools/package.sh --here || status=$?
  [ "$status" -eq 0 ] || exit "$status"
done
