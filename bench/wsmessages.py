#!/usr/bin/env python3
"""wsmessages.py - run tshark with (or without) the built plugin, and list the
WebSocket messages of a capture exactly as the xmppws dissector receives them
(unmasked, inflated, reassembled).

Shared by bench/make-bench.py, bench/run.py, bench/leaks.sh's helpers and
fuzz/seeds.py. Python 3 standard library only.

Library use::

    from wsmessages import Tshark, messages
    ts = Tshark("build/plugins")
    for m in messages(ts, "captures/finesse-login.pcapng"):
        print(m.frame, m.stream, m.direction, m.data[:40])

CLI use (one line per message: frame, time, tcp stream, direction, length)::

    python3 bench/wsmessages.py [--plugins build/plugins] capture.pcapng

tshark ignores WIRESHARK_PLUGIN_DIR when run as root, so as root it runs as
nobody (65534) through setpriv, like tools/tshark.sh; files nobody cannot
read are copied into a world-readable scratch folder first.
"""
import argparse
import atexit
import calendar
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NOBODY = 65534


def _world_readable(path):
    """TRUE when user nobody can read `path` (every parent searchable)."""
    path = os.path.abspath(path)
    try:
        if not os.stat(path).st_mode & stat.S_IROTH:
            return False
        d = os.path.dirname(path)
        while True:
            if not os.stat(d).st_mode & stat.S_IXOTH:
                return False
            if d == "/":
                return True
            d = os.path.dirname(d)
    except OSError:
        return False


class Tshark:
    """tshark with a plugin folder (None or "" for no plugin at all: an empty
    WIRESHARK_PLUGIN_DIR, i.e. bare WebSocket)."""

    def __init__(self, plugin_dir=None, env=None):
        self.root = os.geteuid() == 0
        self.scratch = tempfile.mkdtemp(prefix="xmppws-bench-")
        atexit.register(shutil.rmtree, self.scratch, True)
        os.chmod(self.scratch, 0o755)
        home = os.path.join(self.scratch, "home")
        os.mkdir(home)
        os.chmod(home, 0o777)
        extcap = os.path.join(self.scratch, "extcap")   # none: start-up without extcap helpers
        os.mkdir(extcap)
        os.chmod(extcap, 0o755)
        plugins = os.path.join(self.scratch, "plugins")
        if plugin_dir:
            shutil.copytree(plugin_dir, plugins)
        else:
            os.makedirs(plugins)   # empty, whatever the release: no plugin at all
        for dirpath, dirnames, filenames in os.walk(plugins):
            os.chmod(dirpath, 0o755)
            for f in filenames:
                os.chmod(os.path.join(dirpath, f), 0o755)
        self.env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": home,
            "WIRESHARK_PLUGIN_DIR": plugins,
            "WIRESHARK_EXTCAP_DIR": extcap,
            "LC_ALL": "C.UTF-8",
        }
        self.env.update(env or {})
        self._copies = {}

    def readable(self, path):
        """A path of `path` that tshark's user can read."""
        if not self.root or _world_readable(path):
            return os.path.abspath(path)
        path = os.path.abspath(path)
        if path not in self._copies:
            dst = os.path.join(self.scratch, "%d-%s" % (len(self._copies), os.path.basename(path)))
            shutil.copyfile(path, dst)
            os.chmod(dst, 0o644)
            self._copies[path] = dst
        return self._copies[path]

    def command(self, args, wrapper=()):
        """argv that runs tshark (as nobody when root), optionally under a
        wrapper such as /usr/bin/time or valgrind."""
        cmd = list(wrapper) + ["tshark"] + list(args)
        if self.root:
            cmd = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups", "--"] + cmd
        return cmd

    def run(self, args, wrapper=(), stdout=subprocess.PIPE, check=True, timeout=None):
        proc = subprocess.run(self.command(args, wrapper), stdout=stdout, stderr=subprocess.PIPE,
                              env=self.env, cwd=self.scratch, timeout=timeout)
        if check and proc.returncode != 0:
            raise RuntimeError("tshark %s failed (%d): %s" % (" ".join(args), proc.returncode,
                                                              proc.stderr.decode(errors="replace")[-2000:]))
        return proc


class Message:
    __slots__ = ("frame", "time", "stream", "src", "dst", "srcport", "dstport", "direction", "data")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))

    def __repr__(self):
        return "Message(frame=%d, stream=%s, dir=%s, %d bytes)" % (self.frame, self.stream, self.direction,
                                                                    len(self.data))


def _one(v):
    return v[0] if isinstance(v, list) else v


def _epoch(v):
    """frame.time_epoch as -T json prints it: seconds ("1795255686.297417386",
    Wireshark 4.0) or, from 4.2 on, UTC in ISO 8601
    ("2026-11-21T10:08:06.297417386Z")."""
    v = str(v)
    if "T" not in v:
        return float(v)
    base, _, frac = v.rstrip("Z").partition(".")
    return calendar.timegm(time.strptime(base, "%Y-%m-%dT%H:%M:%S")) + float("0." + (frac or "0"))


def _as_list(v):
    if v is None:
        return []
    if isinstance(v, list) and v and isinstance(v[0], list):
        return v
    if isinstance(v, list) and v and isinstance(v[0], dict):
        return v
    return [v]


def messages(ts, capture, extra_args=()):
    """Every message the xmppws dissector received in `capture`, in order.
    `ts` must have the plugin. direction: 1 client to server, 2 server to
    client, 0 unknown (as xmppws.direction)."""
    args = ["-n", "-r", ts.readable(capture), "-Y", "xmppws", "-T", "json", "-x", "--no-duplicate-keys",
            "-j", "frame ip ipv6 tcp xmppws"] + list(extra_args)
    out = json.loads(ts.run(args).stdout or b"[]")
    result = []
    for pkt in out:
        layers = pkt["_source"]["layers"]
        frame = layers.get("frame", {})
        tcp = layers.get("tcp", {})
        ip = layers.get("ip") or layers.get("ipv6") or {}
        if isinstance(tcp, list):
            tcp = tcp[0]
        if isinstance(ip, list):
            ip = ip[0]
        raws = _as_list(layers.get("xmppws_raw"))
        trees = _as_list(layers.get("xmppws"))
        for i, raw in enumerate(raws):
            tree = trees[i] if i < len(trees) else {}
            direction = tree.get("xmppws.direction", "0") if isinstance(tree, dict) else "0"
            result.append(Message(
                frame=int(_one(frame.get("frame.number", "0"))),
                time=_epoch(_one(frame.get("frame.time_epoch", "0"))),
                stream=int(_one(tcp.get("tcp.stream", "-1"))),
                src=_one(ip.get("ip.src") or ip.get("ipv6.src") or ""),
                dst=_one(ip.get("ip.dst") or ip.get("ipv6.dst") or ""),
                srcport=int(_one(tcp.get("tcp.srcport", "0"))),
                dstport=int(_one(tcp.get("tcp.dstport", "0"))),
                direction=int(_one(direction)),
                data=bytes.fromhex(raw[0]),
            ))
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plugins", default=os.path.join(ROOT, "build", "plugins"))
    ap.add_argument("capture")
    a = ap.parse_args()
    for m in messages(Tshark(a.plugins), a.capture):
        print("%d\t%.6f\t%d\t%d\t%d" % (m.frame, m.time, m.stream, m.direction, len(m.data)))


if __name__ == "__main__":
    sys.exit(main())
