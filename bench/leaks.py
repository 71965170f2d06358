#!/usr/bin/env python3
"""leaks.py - valgrind memcheck on tshark with the plugin, over every capture,
with every leak and memory error attributed to the plugin or not.

  python3 bench/leaks.py [--plugins build/plugins] [--out /tmp/xmppws-leaks]
                         [--two-pass] [capture.pcapng ...]

For each capture (default: every captures/*.pcapng), tshark -n -V (-2 with
--two-pass) runs under `valgrind --tool=memcheck --leak-check=full` as nobody,
with G_SLICE=always-malloc and WIRESHARK_DEBUG_WMEM_OVERRIDE=simple (so wmem
memory is plain malloc/free and memcheck sees every block). The XML report is
parsed: a leak record or an error is ours when a frame of its stack lies in
finesse-xmpp.so (valgrind keeps the symbols of the plugin, which is unloaded
before the leak check), except a tvb our code derived from another tvb
(tvb_new_subset_*, tvb_new_child_real_data): it is freed with its parent and
leaks only when the parent does; those are counted apart ("child tvbs").
Wireshark and GLib keep (and leak) memory of their own at exit; those
records are counted but not ours. Exit status 1 when any record is ours.
The raw reports stay in --out.
"""
import argparse
import glob
import os
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from wsmessages import ROOT, Tshark  # noqa: E402

OURS = "finesse-xmpp.so"
LEAK_KINDS = ("Leak_DefinitelyLost", "Leak_IndirectlyLost", "Leak_PossiblyLost")
# A tvb made by these is chained to its parent and freed with it: it leaks
# only when its parent leaks, and then the parent's creator is to blame.
CHILD_TVB = ("tvb_new_subset_length", "tvb_new_subset_length_caplen", "tvb_new_subset_remaining",
             "tvb_new_child_real_data")


def parse(path):
    """[(kind, bytes, who, where)] of a report; who is "ours" (a stack frame
    in the plugin), "child-tvb" (a tvb our code derived from a tvb someone
    else leaked) or "other"."""
    out = []
    root = ET.parse(path).getroot()
    for err in root.iter("error"):
        kind = err.findtext("kind")
        nbytes = 0
        xw = err.find("xwhat")
        if xw is not None:
            nbytes = int(xw.findtext("leakedbytes") or 0)
        frames = [(f.findtext("obj") or "", f.findtext("fn") or "?", f.findtext("file") or "",
                   f.findtext("line") or "") for f in err.iter("frame")]
        first_ours = next((i for i, f in enumerate(frames) if f[0].endswith(OURS)), None)
        if first_ours is None:
            who, where = "other", frames[0] if frames else ("", "?", "", "")
        else:
            below = [f[1] for f in frames[:first_ours]]
            who = "child-tvb" if kind in LEAK_KINDS and any(fn in CHILD_TVB for fn in below) else "ours"
            where = frames[first_ours]
        out.append((kind, nbytes, who, "%s %s:%s" % (where[1], where[2], where[3])))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plugins", default=os.path.join(ROOT, "build", "plugins"))
    ap.add_argument("--out", default="/tmp/xmppws-leaks")
    ap.add_argument("--two-pass", action="store_true")
    ap.add_argument("captures", nargs="*")
    a = ap.parse_args()
    caps = a.captures or sorted(glob.glob(os.path.join(ROOT, "captures", "*.pcapng")))
    os.makedirs(a.out, exist_ok=True)
    os.chmod(a.out, 0o777)
    ts = Tshark(a.plugins, env={"G_SLICE": "always-malloc", "WIRESHARK_DEBUG_WMEM_OVERRIDE": "simple"})

    print("| capture | leak records (all) | bytes lost (all) | errors (all) | child tvbs of a leaked parent | ours |")
    print("|---|---|---|---|---|---|")
    total_ours = 0
    for cap in caps:
        name = os.path.basename(cap).rsplit(".", 1)[0]
        report = os.path.join(a.out, name + ".xml")
        if os.path.exists(report):
            os.remove(report)
        # --keep-debuginfo: the plugin is unloaded before the leak check; keep its symbols.
        vg = ("valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
              "--keep-debuginfo=yes",
              "--num-callers=40", "--xml=yes", "--xml-file=" + report)
        ts.run(["-n", "-V"] + (["-2"] if a.two_pass else []) + ["-r", ts.readable(cap)], wrapper=vg,
               stdout=open(os.devnull, "wb"))
        recs = parse(report)
        leaks = [r for r in recs if r[0] in LEAK_KINDS]
        errors = [r for r in recs if r[0] not in LEAK_KINDS]
        ours = [r for r in recs if r[2] == "ours"]
        children = [r for r in recs if r[2] == "child-tvb"]
        total_ours += len(ours)
        print("| %s | %d | %d | %d | %s | %s |" % (
            name, len(leaks), sum(r[1] for r in leaks), len(errors),
            "%d (%d B)" % (len(children), sum(r[1] for r in children)) if children else "0",
            "; ".join("%s %d B at %s" % (r[0], r[1], r[3]) for r in ours) or "0"), flush=True)
    print("\nrecords attributed to %s: %d (reports in %s)" % (OURS, total_ours, a.out))
    return 1 if total_ours else 0


if __name__ == "__main__":
    sys.exit(main())
