#!/usr/bin/env bash
# Install what building and testing finesse-xmpp needs on Debian 12, if it
# is missing: Wireshark 4.0 headers and tshark, a C toolchain, CMake, Python 3,
# and clang with its libFuzzer runtime (the fuzz target in fuzz/, built in the
# ASan build), and the Qt GUI with Xvfb for test_gui. Idempotent; silent when nothing is missing.
#   bash tools/deps.sh          what tools/check.sh needs
#   bash tools/deps.sh bench    also what bench/ needs: valgrind, GNU time, perf
set -euo pipefail
pkgs=(wireshark-dev tshark cmake gcc make python3 clang libclang-rt-14-dev
      wireshark-qt xvfb xdotool xclip)   # the last four: test_gui runs the real GUI
if [ "${1:-}" = bench ]; then
  pkgs+=(valgrind time linux-perf)
fi
need=()
for pkg in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
command -v setpriv >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tools/chroot.sh may be installing debootstrap at the same time (check.sh
  # runs both): one apt at a time.
  flock /var/lock/finesse-xmpp-apt.lock sh -c \
    'apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null' \
    sh "${need[@]}"

fi
