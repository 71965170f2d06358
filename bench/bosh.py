#!/usr/bin/env python3
"""bench/bosh.py - what dissecting XMPP over BOSH costs per HTTP body, against
Wireshark dissecting the same HTTP without the plugin (HTTP + its XML
dissector for the text/xml bodies).

  python3 bench/bosh.py [--sessions 400] [--repeat 5] [--plugins build/plugins]

The capture is written to a scratch folder, never committed: the real
session of captures/bosh-prosody-strophe.pcapng (strophe.js / Prosody, 28
BOSH bodies on 2 TCP connections, the CORS preflight left out) replayed
--sessions times, each copy with its own client ports, sid and rids, one
copy starting every second, with the real body texts. It is written with
captures/bosh/synthetic.py's packet builder (hand-built HTTP/1.1 over TCP).

Two configurations, alternated, both `tshark -n -r` as nobody (bench/run.py's
measure(): CPU time = user + sys of the tshark process, peak RSS):
  plugin  WIRESHARK_PLUGIN_DIR = the built plugin
  bare    an empty plugin folder: HTTP, and the XML dissector for every body
Two modes: `-T fields -e frame.number -e http.file_data` (no tree beyond what
the fields need) and `-V` (the whole tree printed). Each also runs with
`-c 1`; (time - time with -c 1) / bodies is the per-body cost. Medians of
--repeat runs.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "captures", "bosh"))
from run import measure  # noqa: E402
from wsmessages import Tshark  # noqa: E402
import synthetic  # noqa: E402  (packet(), request(), response(), csum())

SOURCE = os.path.join(ROOT, "captures", "bosh-prosody-strophe.pcapng")
SID = "e72d3e18-4fbf-45e6-b205-ab5bb7375972"
FIRST_RID = 3109760134


def real_bodies(ts):
    """[(tcp.stream, is_request, relative time, body text)] of the real session."""
    out = ts.run(["-n", "-r", ts.readable(SOURCE), "-Y", "xmppws.bosh", "-T", "fields", "-e", "tcp.stream",
                  "-e", "http.request", "-e", "frame.time_relative", "-e", "http.file_data",
                  "-E", "separator=\x01"]).stdout.decode()
    rows = []
    for line in out.splitlines():
        stream, req, t, body = line.split("\x01", 3)
        if re.fullmatch(r"(?:[0-9a-f]{2})+", body):   # 4.6 prints http.file_data in hex
            body = bytes.fromhex(body).decode()
        rows.append((int(stream), bool(req), float(t), body))
    return rows


def write_capture(path, bodies, sessions):
    """The real session `sessions` times: new ports, sid and rids per copy."""
    import struct
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        packets = []
        for n in range(sessions):
            sid = "%08x-0000-4000-8000-%012x" % (n, n)
            conns = {}
            for stream, is_req, t, body in bodies:
                if stream not in conns:
                    conns[stream] = synthetic.Conn(20000 + (2 * n + stream) % 40000)
                c = conns[stream]
                text = body.replace(SID, sid)
                text = re.sub(r"rid=(['\"])(\d+)\1",
                              lambda m: "rid=%s%d%s" % (m.group(1), int(m.group(2)) - FIRST_RID + 1000 * n,
                                                        m.group(1)), text)
                frame = c.c2s(synthetic.request(text)) if is_req else c.s2c(synthetic.response(text))
                packets.append((n + t, frame))
        packets.sort(key=lambda p: p[0])
        for t, frame in packets:
            secs = int(t)
            f.write(struct.pack("<IIII", 1796212800 + secs, int((t - secs) * 1e6), len(frame), len(frame)) + frame)
    return len(packets)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--plugins", default=os.path.join(ROOT, "build", "plugins"))
    a = ap.parse_args()

    plugin, bare = Tshark(a.plugins), Tshark(None)
    scratch = tempfile.mkdtemp(prefix="xmppws-bench-bosh-")
    os.chmod(scratch, 0o755)
    cap = os.path.join(scratch, "bosh-%d.pcap" % a.sessions)
    bodies = real_bodies(plugin)
    n = write_capture(cap, bodies, a.sessions)
    os.chmod(cap, 0o644)
    check = plugin.run(["-n", "-r", cap, "-Y", "xmppws.bosh", "-T", "fields", "-e", "frame.number"]).stdout
    assert len(check.splitlines()) == n, (len(check.splitlines()), n)
    print("%d BOSH bodies (%d sessions of %d), %.1f MB" % (n, a.sessions, len(bodies), os.path.getsize(cap) / 1e6))

    modes = {"-T fields": ["-T", "fields", "-e", "frame.number", "-e", "http.file_data"], "-V": ["-V"]}
    res = {}
    for _ in range(a.repeat):
        for mode, args in modes.items():
            for name, ts in (("plugin", plugin), ("bare", bare)):
                for c1 in (False, True):
                    full = ["-n", "-r", cap] + (["-c", "1"] if c1 else []) + args
                    res.setdefault((mode, name, c1), []).append(measure(ts, full))
    print("| mode | plugin µs/body | bare µs/body | plugin / bare | plugin − bare, µs/body | peak RSS plugin / bare |")
    print("|---|---|---|---|---|---|")
    for mode in modes:
        per = {}
        rss = {}
        for name in ("plugin", "bare"):
            cpu = statistics.median(r[1] for r in res[(mode, name, False)])
            cpu1 = statistics.median(r[1] for r in res[(mode, name, True)])
            per[name] = (cpu - cpu1) / n * 1e6
            rss[name] = statistics.median(r[2] for r in res[(mode, name, False)])
        print("| %s | %.1f | %.1f | %.2f× | %.1f | %.3f× |" % (mode, per["plugin"], per["bare"],
                                                              per["plugin"] / per["bare"],
                                                              per["plugin"] - per["bare"], rss["plugin"] / rss["bare"]))
    subprocess.run(["rm", "-rf", scratch])


if __name__ == "__main__":
    sys.exit(main())
