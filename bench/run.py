#!/usr/bin/env python3
"""run.py - benchmark the xmppws plugin: tshark with the plugin vs without it
(bare WebSocket text) vs Wireshark's own XMPP dissector on the TCP twin of
the same stanzas, on captures of 10k, 100k and 1M messages, in two output
modes, all runs alternated; time beyond start-up and peak memory.

  python3 bench/run.py [--scratch /tmp/xmppws-bench] [--sizes 10k,100k,1M]
                       [--repeat 3] [--plugins build/plugins] [--update-readme]

Captures are made by bench/make-bench.py into --scratch when missing (about
3 GB for 1M: ws-1M and tcp-1M). Each measurement is one tshark run as nobody
(tshark ignores plugin folders as root), stdout to /dev/null, timed by the
kernel: the rusage wait4() returns for the tshark process (what /usr/bin/time
prints; setpriv execs tshark), so nothing beyond tshark and Python is needed
(the Debian sid chroot of Wireshark 4.6 has no /usr/bin/time):

  configurations  plugin    WIRESHARK_PLUGIN_DIR = the built plugins, ws-<size>
                  before    (with --before DIR) an earlier build of the plugin, the same way
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
the number of messages (stanzas for xmpp-tcp: the same number); CPU time
(user + sys) is the measure, wall-clock ratios are shown too. The order is
size, repeat, mode, configuration, so configurations alternate. Medians of
--repeat runs are reported. Results: <scratch>/results.json (--results) and a
Markdown table on stdout (--update-readme also writes it into bench/README.md).
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
PLUGIN_CONFIGS = ("before", "plugin")
ALL_CONFIGS = ("before", "plugin", "bare", "xmpp-tcp")
MODES = ("fields", "V")


def field_names(ts, protocols):
    out = ts.run(["-G", "fields"]).stdout.decode()
    names = []
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) > 4 and cols[0] == "F" and cols[4] in protocols:
            names.append(cols[2])
    return names


def measure(ts, args):
    """(wall seconds, user+sys seconds, peak RSS in KiB) of one tshark run:
    the rusage of the child (tshark; setpriv execs it) from wait4(), as
    /usr/bin/time reports it."""
    with tempfile.TemporaryFile(dir=ts.scratch) as err:
        start = time.monotonic()
        proc = subprocess.Popen(ts.command(args), stdout=subprocess.DEVNULL, stderr=err, env=ts.env,
                                cwd=ts.scratch)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)   # reaped here: Popen must not wait again
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError("tshark %s failed (%d): %s" % (" ".join(args), proc.returncode,
                                                              err.read().decode(errors="replace")[-2000:]))
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss


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
    """Markdown tables of the medians in `res`: CPU time (user + sys) beyond
    start-up per message, the ratios, wall-clock ratios, and peak memory.
    Rows for every plugin configuration measured ("before", "plugin")."""
    def med(size, cfg, mode, key, c1=False):
        return statistics.median(r[key] for r in res[size][cfg][mode]["c1" if c1 else "full"])

    def per_msg(size, cfg, mode, key="cpu"):
        return (med(size, cfg, mode, key) - med(size, cfg, mode, key, True)) / res[size]["messages"] * 1e6

    configs = [c for c in ALL_CONFIGS if c in res[sizes[0]]]
    plugins = [c for c in configs if c in PLUGIN_CONFIGS]
    mode_name = {"fields": "-T fields", "V": "-V"}
    lines = ["CPU time beyond start-up, per message (µs; medians of %s runs):" % ", ".join(
        "%d (%s)" % (len(res[s]["bare"][modes[0]]["full"]), s) for s in sizes), "",
        "| size | messages | mode | plugin build | plugin | bare | xmpp-tcp (per stanza) | plugin / bare "
        "| plugin / xmpp-tcp | wall: plugin / bare | wall: plugin / xmpp-tcp |",
        "|---|---|---|---|---|---|---|---|---|---|---|"]
    for size in sizes:
        for mode in modes:
            b, x = per_msg(size, "bare", mode), per_msg(size, "xmpp-tcp", mode)
            bw, xw = per_msg(size, "bare", mode, "wall"), per_msg(size, "xmpp-tcp", mode, "wall")
            for cfg in plugins:
                p, pw = per_msg(size, cfg, mode), per_msg(size, cfg, mode, "wall")
                lines.append("| %s | %d | %s | %s | %.1f | %.1f | %.1f | %.2f× | %.2f× | %.2f× | %.2f× |" % (
                    size, res[size]["messages"], mode_name[mode], cfg, p, b, x, p / b, p / x, pw / bw, pw / xw))
    lines += ["", "Peak resident memory (MiB), and what the plugin adds per message:", "",
              "| size | mode | plugin build | plugin | bare | xmpp-tcp | plugin / bare | plugin − bare per message |",
              "|---|---|---|---|---|---|---|---|"]
    for size in sizes:
        for mode in modes:
            b, x = med(size, "bare", mode, "rss"), med(size, "xmpp-tcp", mode, "rss")
            for cfg in plugins:
                p = med(size, cfg, mode, "rss")
                lines.append("| %s | %s | %s | %.0f | %.0f | %.0f | %.3f× | %.0f B |" % (
                    size, mode_name[mode], cfg, p / 1024.0, b / 1024.0, x / 1024.0, p / b,
                    (p - b) * 1024.0 / res[size]["messages"]))
    lines.append("")
    lines.append("Start-up (-c 1; CPU s, MiB): " + "; ".join(
        "%s %s %.2f s %.0f MiB" % (cfg, mode_name[mode], med(sizes[0], cfg, mode, "cpu", True),
                                   med(sizes[0], cfg, mode, "rss", True) / 1024.0)
        for mode in modes for cfg in configs) + ".")
    if len(sizes) > 1:
        lines.append("")
        lines.append("Linearity, CPU per message relative to %s: " % sizes[0] + "; ".join(
            "%s %s %s %.2f" % (cfg, mode_name[mode], size, per_msg(size, cfg, mode) / per_msg(sizes[0], cfg, mode))
            for size in sizes[1:] for mode in modes for cfg in configs) + ".")
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
    ap.add_argument("--repeat", default="3", help="runs of each measurement: N, or per size, e.g. 10k:5,1M:2")
    ap.add_argument("--plugins", default=os.path.join(ROOT, "build", "plugins"))
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--before", metavar="PLUGIN_DIR",
                    help="an earlier build of the plugin (e.g. main before a change), measured as 'before' "
                         "in the same alternation")
    ap.add_argument("--update-readme", action="store_true")
    ap.add_argument("--results", help="results file (default <scratch>/results.json)")
    ap.add_argument("--table-only", action="store_true", help="print the table of the results file")
    a = ap.parse_args()
    sizes = a.sizes.split(",")
    modes = a.modes.split(",")
    if ":" in a.repeat:
        repeat = {k: int(v) for k, v in (x.split(":") for x in a.repeat.split(","))}
    else:
        repeat = {}
    repeat = {s: repeat.get(s, int(a.repeat) if ":" not in a.repeat else 3) for s in sizes}

    results = a.results or os.path.join(a.scratch, "results.json")
    if a.table_only:
        with open(results) as f:
            res = json.load(f)
        print(table(res, [s for s in sizes if s in res], modes))
        return 0
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
    configs = CONFIGS
    tshark_of = {"plugin": with_plugin, "bare": without, "xmpp-tcp": without}
    if a.before:
        configs = ("before", "plugin", "bare", "xmpp-tcp")
        tshark_of["before"] = Tshark(a.before)
        args_of[("before", "fields")] = args_of[("plugin", "fields")]
    for cfg in configs:
        args_of[(cfg, "V")] = ["-V"]

    res = {}
    for size in sizes:
        c = man["captures"][size]
        res[size] = {"messages": c["messages"], "stanzas": c["stanzas"],
                     "packets": c["ws_packets"]}
        for cfg in configs:
            res[size][cfg] = {m: {"full": [], "c1": []} for m in modes}
        for rep in range(repeat[size]):
            for mode in modes:
                for cfg in configs:
                    cap = c["tcp"] if cfg == "xmpp-tcp" else c["ws"]
                    args = ["-n", "-r", cap] + (["-d", "tcp.port==%d,xmpp" % man["twin_port"]]
                                                if cfg == "xmpp-tcp" else []) + args_of[(cfg, mode)]
                    for c1 in (True, False):
                        wall, cpu, rss = measure(tshark_of[cfg], args + (["-c", "1"] if c1 else []))
                        res[size][cfg][mode]["c1" if c1 else "full"].append(
                            {"wall": wall, "cpu": cpu, "rss": rss})
                        print("%s %s rep %d %-8s %-6s%s wall %.2f s cpu %.2f s %d MiB" % (
                            time.strftime("%H:%M:%S"), size, rep + 1, cfg, mode, " -c 1" if c1 else "     ",
                            wall, cpu, rss // 1024), flush=True)
        with open(results, "w") as f:
            json.dump(res, f, indent=1)
    text = table(res, sizes, modes)
    print(text)
    if a.update_readme:
        update_readme(text)


if __name__ == "__main__":
    sys.exit(main())
