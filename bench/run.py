#!/usr/bin/env python3
"""run.py - benchmark the xmppws plugin: tshark with the plugin vs without it
(bare WebSocket text) vs Wireshark's own XMPP dissector on the TCP twin of
the same stanzas, on captures of 10k, 100k and 1M messages, in two output
modes, all runs alternated; time beyond start-up and peak memory.

  python3 bench/run.py [--scratch /tmp/xmppws-bench] [--sizes 10k,100k,1M]
                       [--repeat 3] [--plugins build/plugins] [--update-readme]

Captures are made by bench/make-bench.py into --scratch when missing (about
3 GB for 1M: ws-1M and tcp-1M). Each measurement is `/usr/bin/time` around
one tshark run as nobody (tshark ignores plugin folders as root), stdout to
/dev/null:

  configurations  plugin    WIRESHARK_PLUGIN_DIR = the built plugins, ws-<size>
                  bare      an empty plugin folder, ws-<size>: WebSocket shows
                            the text (websocket.payload.text + line-based text)
                  xmpp-tcp  an empty plugin folder, tcp-<size> with
                            -d tcp.port==5222,xmpp: Wireshark's XMPP dissector
  modes           fields    -T fields -e frame.number -e <every field of the
                            configuration's protocols>: plugin = websocket +
                            all 240-odd xmppws and finesse fields, bare =
                            websocket fields, xmpp-tcp = all xmpp fields
                  V         -V (the whole tree as text)

Every (configuration, mode) is also run with -c 1 (start-up: reading the
first packet only); the cost of the capture is the difference, divided by
the number of messages (stanzas for xmpp-tcp: the same number). The order is
size, repeat, mode, configuration, so configurations alternate. Medians of
--repeat runs are reported. Results: <scratch>/results.json and a Markdown
table on stdout (--update-readme also writes it into bench/README.md).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from wsmessages import ROOT, Tshark  # noqa: E402

CONFIGS = ("plugin", "bare", "xmpp-tcp")
MODES = ("fields", "V")
TIME = "/usr/bin/time"


def field_names(ts, protocols):
    out = ts.run(["-G", "fields"]).stdout.decode()
    names = []
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) > 4 and cols[0] == "F" and cols[4] in protocols:
            names.append(cols[2])
    return names


def measure(ts, args):
    """(wall seconds, user+sys seconds, peak RSS in KiB) of one tshark run."""
    fd, out = tempfile.mkstemp(prefix="time-", dir=ts.scratch)
    os.close(fd)
    os.chmod(out, 0o666)
    ts.run(args, wrapper=(TIME, "-o", out, "-f", "%e %U %S %M"), stdout=subprocess.DEVNULL)
    with open(out) as f:
        wall, user, sys_, rss = f.read().split()[-4:]
    os.remove(out)
    return float(wall), float(user) + float(sys_), int(rss)


def make_captures(scratch, sizes, plugins):
    man = os.path.join(scratch, "manifest.json")
    if os.path.exists(man):
        with open(man) as f:
            m = json.load(f)
        if all(s in m["captures"] and os.path.exists(m["captures"][s]["ws"]) and
               os.path.exists(m["captures"][s]["tcp"]) for s in sizes):
            return m
    subprocess.run([sys.executable, os.path.join(HERE, "make-bench.py"), "--out", scratch,
                    "--sizes", ",".join(sizes), "--plugins", plugins], check=True)
    with open(man) as f:
        return json.load(f)


def table(res, sizes, modes=MODES):
    """Markdown tables of the medians in `res`."""
    def med(size, cfg, mode, key, c1=False):
        return statistics.median(r[key] for r in res[size][cfg][mode]["c1" if c1 else "full"])

    lines = ["| size | messages | mode | plugin µs/msg | bare µs/msg | xmpp-tcp µs/stanza | "
             "plugin/bare | plugin/xmpp-tcp | plugin MiB | bare MiB | xmpp-tcp MiB | RSS plugin/bare |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    per = {}
    for size in sizes:
        n = res[size]["messages"]
        for mode in modes:
            row = {}
            for cfg in CONFIGS:
                t = med(size, cfg, mode, "wall") - med(size, cfg, mode, "wall", True)
                row[cfg] = (t / n * 1e6, med(size, cfg, mode, "rss") / 1024.0)
            per[(size, mode)] = row
            lines.append("| %s | %d | %s | %.1f | %.1f | %.1f | %.2f× | %.2f× | %.0f | %.0f | %.0f | %.3f× |" % (
                size, n, "-T fields" if mode == "fields" else "-V",
                row["plugin"][0], row["bare"][0], row["xmpp-tcp"][0],
                row["plugin"][0] / row["bare"][0], row["plugin"][0] / row["xmpp-tcp"][0],
                row["plugin"][1], row["bare"][1], row["xmpp-tcp"][1], row["plugin"][1] / row["bare"][1]))
    lines.append("")
    lines.append("Start-up (-c 1, median wall s / MiB): " + "; ".join(
        "%s %s %.2f s %.0f MiB" % (cfg, mode, med(sizes[0], cfg, mode, "wall", True),
                                   med(sizes[0], cfg, mode, "rss", True) / 1024.0)
        for mode in modes for cfg in CONFIGS))
    if len(sizes) > 1:
        lines.append("")
        lines.append("Linearity (per-message cost relative to %s): " % sizes[0] + "; ".join(
            "%s %s %s %.2f" % (cfg, "fields" if mode == "fields" else "-V", size,
                               per[(size, mode)][cfg][0] / per[(sizes[0], mode)][cfg][0])
            for size in sizes[1:] for mode in modes for cfg in CONFIGS))
    return "\n".join(lines)


def update_readme(text):
    path = os.path.join(HERE, "README.md")
    with open(path) as f:
        readme = f.read()
    new = re.sub(r"(<!-- results:begin -->\n).*?(<!-- results:end -->)", lambda m: m.group(1) + text + "\n" +
                 m.group(2), readme, flags=re.S)
    with open(path, "w") as f:
        f.write(new)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scratch", default="/tmp/xmppws-bench")
    ap.add_argument("--sizes", default="10k,100k,1M")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--plugins", default=os.path.join(ROOT, "build", "plugins"))
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--update-readme", action="store_true")
    a = ap.parse_args()
    sizes = a.sizes.split(",")
    modes = a.modes.split(",")
    if not os.path.exists(TIME):
        sys.exit("needs %s (apt-get install time)" % TIME)

    os.makedirs(a.scratch, exist_ok=True)
    os.chmod(a.scratch, 0o755)
    man = make_captures(a.scratch, sizes, a.plugins)
    with_plugin, without = Tshark(a.plugins), Tshark(None)
    ws_fields = field_names(without, ("websocket",))
    args_of = {
        ("plugin", "fields"): ["-T", "fields", "-e", "frame.number"] + [x for f in ws_fields + field_names(
            with_plugin, ("xmppws", "finesse")) for x in ("-e", f)],
        ("bare", "fields"): ["-T", "fields", "-e", "frame.number"] + [x for f in ws_fields for x in ("-e", f)],
        ("xmpp-tcp", "fields"): ["-T", "fields", "-e", "frame.number"] + [
            x for f in field_names(without, ("xmpp",)) for x in ("-e", f)],
    }
    for cfg in CONFIGS:
        args_of[(cfg, "V")] = ["-V"]
    tshark_of = {"plugin": with_plugin, "bare": without, "xmpp-tcp": without}

    res = {}
    for size in sizes:
        c = man["captures"][size]
        res[size] = {"messages": c["messages"], "stanzas": c["stanzas"],
                     "packets": c["ws_packets"]}
        for cfg in CONFIGS:
            res[size][cfg] = {m: {"full": [], "c1": []} for m in modes}
        for rep in range(a.repeat):
            for mode in modes:
                for cfg in CONFIGS:
                    cap = c["tcp"] if cfg == "xmpp-tcp" else c["ws"]
                    args = ["-n", "-r", cap] + (["-d", "tcp.port==%d,xmpp" % man["twin_port"]]
                                                if cfg == "xmpp-tcp" else []) + args_of[(cfg, mode)]
                    for c1 in (True, False):
                        wall, cpu, rss = measure(tshark_of[cfg], args + (["-c", "1"] if c1 else []))
                        res[size][cfg][mode]["c1" if c1 else "full"].append(
                            {"wall": wall, "cpu": cpu, "rss": rss})
                        print("%s %s rep %d %-8s %-6s%s %.2f s %d MiB" % (
                            time.strftime("%H:%M:%S"), size, rep + 1, cfg, mode, " -c 1" if c1 else "     ",
                            wall, rss // 1024), flush=True)
        with open(os.path.join(a.scratch, "results.json"), "w") as f:
            json.dump(res, f, indent=1)
    text = table(res, sizes, modes)
    print(text)
    if a.update_readme:
        update_readme(text)


if __name__ == "__main__":
    sys.exit(main())
