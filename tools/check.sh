#!/usr/bin/env bash
# Build the plugin and run the whole test suite on every Wireshark release
# we support: 4.0 (this Debian 12 machine's own), 4.4 (a Debian trixie
# chroot) and 4.6 (a Debian sid chroot), each twice: plain, and with
# ASan+UBSan (which also builds the libFuzzer target and runs its smoke).
#   bash tools/check.sh              all versions (as root: CI does this)
#   bash tools/check.sh 4.0 4.6      only these
#   bash tools/check.sh --here       this system's Wireshark only (used inside the chroots)
# Builds go to build/ and build-asan/ for 4.0, build-4.4[-asan]/ and
# build-4.6[-asan]/ for the others. Chroots live in /var/tmp (tools/chroot.sh)
# and are reused by later runs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

# One Wireshark: the system's (native, or inside a chroot).
# A build folder configured from another path (each chroot run mounts the
# tree at a path of its own) is started afresh: CMake refuses a cache made
# for another source folder.
fresh_build_dir() {
  local dir=$1
  if [ -f "$dir/CMakeCache.txt" ] && ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$top" "$dir/CMakeCache.txt"; then
    rm -rf "$dir"
  fi
}

here() {
  local suffix=${1:-}
  [ -n "${FINESSE_XMPP_IN_CHROOT:-}" ] || bash "$top/tools/deps.sh"
  fresh_build_dir "$top/build$suffix"
  fresh_build_dir "$top/build$suffix-asan"
  echo "== $(tshark --version | head -n 1) ($(gcc --version | head -n 1)): plain build"
  cmake -S "$top" -B "$top/build$suffix" >/dev/null
  cmake --build "$top/build$suffix" -j"$jobs"
  ctest --test-dir "$top/build$suffix" --output-on-failure -j"$jobs"
  echo "== $(tshark --version | head -n 1): ASan+UBSan build"
  cmake -S "$top" -B "$top/build$suffix-asan" -DENABLE_SANITIZERS=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build "$top/build$suffix-asan" -j"$jobs"
  ctest --test-dir "$top/build$suffix-asan" --output-on-failure -j"$jobs"
}

if [ "${1:-}" = "--here" ]; then
  here "${2:-}"
  exit 0
fi

versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(4.0 4.4 4.6)
suite_of() { case $1 in 4.4) echo trixie ;; 4.6) echo sid ;; *) return 1 ;; esac; }
for v in "${versions[@]}"; do
  case $v in 4.0|4.4|4.6) ;; *) echo "unsupported Wireshark version: $v (4.0, 4.4, 4.6)" >&2; exit 2 ;; esac
done

# Make the chroots first, in the background, while 4.0 is tested natively.
declare -A chroot_pid=()
if [ "$(id -u)" -eq 0 ]; then
  for v in "${versions[@]}"; do
    s=$(suite_of "$v") || continue
    bash "$top/tools/chroot.sh" "$s" >"/var/tmp/finesse-xmpp-$s.log" 2>&1 &
    chroot_pid[$v]=$!
  done
fi

for v in "${versions[@]}"; do
  if [ "$v" = 4.0 ]; then
    here
    continue
  fi
  s=$(suite_of "$v")
  if [ -z "${chroot_pid[$v]:-}" ]; then
    echo "Wireshark $v is tested in a Debian $s chroot, which needs root" >&2
    exit 1
  fi
  if ! wait "${chroot_pid[$v]}"; then
    cat "/var/tmp/finesse-xmpp-$s.log" >&2
    exit 1
  fi
  dir=$(tail -n 1 "/var/tmp/finesse-xmpp-$s.log")
  status=0
  bash "$top/tools/chroot.sh" --run "$dir" "$top" tools/check.sh --here "-$v" || status=$?
  [ "$status" -eq 0 ] || exit "$status"
done
echo "== all passed: Wireshark ${versions[*]}"
