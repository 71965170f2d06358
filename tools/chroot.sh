#!/usr/bin/env bash
# Make (or reuse) a Debian chroot holding another Wireshark release, for
# building and testing the plugin against it (issue 11: 4.4 = trixie,
# 4.6 = sid). Debian 12's own apt mirror serves both suites.
#   bash tools/chroot.sh SUITE [DIR]     make/refresh DIR (default /var/tmp/finesse-xmpp-SUITE)
#   bash tools/chroot.sh --mount DIR     mount proc, dev, dev/pts where not mounted; print those mounted
#   bash tools/chroot.sh --umount DIR [WHAT...]   unmount them (default all three)
#   bash tools/chroot.sh --run DIR TOP SCRIPT [ARGS...]   run TOP/SCRIPT inside DIR (see run())
# Must run as root. Prints the chroot's folder on its last line.
set -euo pipefail

# mounts DIR: mount what is not mounted yet; print what was mounted.
mounts() {
  local dir=$1
  mountpoint -q "$dir/proc"    || { mount -t proc proc "$dir/proc" && echo proc; }
  mountpoint -q "$dir/dev"     || { mount --bind /dev "$dir/dev" && echo dev; }
  mountpoint -q "$dir/dev/pts" || { mount --bind /dev/pts "$dir/dev/pts" && echo dev/pts; }
}
# umounts DIR [WHAT...]: unmount WHAT (default: all three), innermost first.
umounts() {
  local dir=$1 m
  shift
  local what=("$@")
  [ ${#what[@]} -gt 0 ] || what=(dev/pts dev proc)
  for m in dev/pts dev proc; do
    [[ " ${what[*]} " == *" $m "* ]] || continue
    if mountpoint -q "$dir/$m"; then umount "$dir/$m" || umount -l "$dir/$m"; fi
  done
}
# run DIR TOP SCRIPT ARGS...: run TOP's SCRIPT (a path relative to TOP)
# with bash inside the chroot DIR, TOP being seen there at a path of this
# run's own (another checkout may be mounted by an earlier or parallel
# run); mounts what is missing first and undoes only that afterwards,
# unless another run is still inside. Inside, FINESSE_XMPP_IN_CHROOT=1 and FINESSE_XMPP_HOST_TOP=TOP. Returns
# the script's status.
run() {
  local dir=$1 top=$2 script=$3 mounted mnt status=0
  shift 3
  mounted=$(mounts "$dir")
  mnt=/finesse-xmpp-src-$$
  mkdir -p "$dir$mnt"
  mount --bind "$top" "$dir$mnt"
  chroot "$dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
    FINESSE_XMPP_IN_CHROOT=1 FINESSE_XMPP_HOST_TOP="$top" bash "$mnt/$script" "$@" || status=$?
  umount "$dir$mnt" || umount -l "$dir$mnt"
  rmdir "$dir$mnt"
  # Another run still inside (its source is mounted there) uses the mounts
  # this run made: leave them to it rather than pull /proc from under it.
  if compgen -G "$dir/finesse-xmpp-src-*" >/dev/null; then
    echo "tools/chroot.sh: another run is inside $dir: its /proc and /dev stay mounted" >&2
  else
    umounts "$dir" ${mounted:-none}
  fi
  return "$status"
}
case "${1:-}" in
  --run)    shift; run "$@"; exit $? ;;
  --mount)  mounts "$2"; exit 0 ;;
  --umount) umounts "${@:2}"; exit 0 ;;
  ""|-h|--help) sed -n '2,9p' "$0"; exit 2 ;;
esac

suite=$1
dir=${2:-/var/tmp/finesse-xmpp-$suite}
[ "$(id -u)" -eq 0 ] || { echo "tools/chroot.sh must run as root" >&2; exit 1; }

# The mirror the host's apt uses (deb822 sources first, then sources.list).
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1 || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

# What the suite needs inside: the same roles as tools/deps.sh on the host.
pkgs=(wireshark-dev tshark wireshark cmake gcc make pkg-config python3 util-linux
      clang xvfb xdotool xclip ca-certificates)

export DEBIAN_FRONTEND=noninteractive
# The host's apt is shared with tools/deps.sh and the other suite's chroot.sh,
# which tools/check.sh runs at the same time: one at a time (flock).
if ! command -v debootstrap >/dev/null; then
  flock /var/lock/finesse-xmpp-apt.lock sh -c \
    'apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap >/dev/null'
fi
if [ ! -x "$dir/usr/bin/apt-get" ] || [ ! -f "$dir/.finesse-xmpp-base" ]; then
  umounts "$dir" 2>/dev/null || true
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "debootstrap $suite into $dir ($mirror)" >&2
  debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1 \
    || { tail -n 30 "$dir.debootstrap.log" >&2; exit 1; }
  touch "$dir/.finesse-xmpp-base"
fi
# sid's Release file may be past its Valid-Until on the mirror.
echo 'Acquire::Check-Valid-Until "false";' > "$dir/etc/apt/apt.conf.d/99no-check-valid-until"
cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
mounted=$(mounts "$dir")
trap 'umounts "$dir" ${mounted:-none}' EXIT
stamp="$dir/.finesse-xmpp-pkgs"
want="${pkgs[*]}"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  # The libFuzzer runtime of the suite's default clang (19 on trixie, 21 on sid).
  chroot "$dir" apt-get update -qq
  chroot "$dir" apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  clangv=$(chroot "$dir" clang -dumpversion | cut -d. -f1)
  chroot "$dir" apt-get install -y -qq --no-install-recommends "libclang-rt-$clangv-dev" >/dev/null
  echo "$want" > "$stamp"
fi
chroot "$dir" dpkg-query -W -f='${Version}\n' tshark | sed "s/^/$suite: tshark /" >&2
echo "$dir"
