#!/usr/bin/env python3
"""seeds.py - extract the fuzzing seeds: every WebSocket message of every
capture in captures/, as the xmppws dissector receives it (unmasked,
inflated, reassembled), one file per distinct message, plus one session file
per TCP connection (its first messages joined with the direction markers
of fuzz-xmppws.c: "\\0c" client to server, "\\0s" server to client).

  python3 fuzz/seeds.py OUT_DIR [--plugins build/plugins] [--captures captures]
                        [--max-len 65536] [--session-messages 40]

Files are named by the SHA-1 of their content (libFuzzer's convention), so
duplicates collapse. Messages longer than --max-len are cut to that length
(the hostile captures hold multi-megabyte messages). The committed seed
corpus fuzz/corpus is the coverage-minimal subset of this output:

  python3 fuzz/seeds.py /tmp/seeds
  build-asan/fuzz/fuzz-xmppws -merge=1 fuzz/corpus /tmp/seeds
"""
import argparse
import glob
import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "bench"))
from wsmessages import Tshark, messages  # noqa: E402


def save(out, data):
    name = os.path.join(out, hashlib.sha1(data).hexdigest())
    if not os.path.exists(name):
        with open(name, "wb") as f:
            f.write(data)
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--plugins", default=os.path.join(ROOT, "build", "plugins"))
    ap.add_argument("--captures", default=os.path.join(ROOT, "captures"))
    ap.add_argument("--max-len", type=int, default=65536)
    ap.add_argument("--session-messages", type=int, default=40)
    a = ap.parse_args()

    os.makedirs(a.out, exist_ok=True)
    ts = Tshark(a.plugins)
    total = new = sessions = 0
    for cap in sorted(glob.glob(os.path.join(a.captures, "*.pcapng"))):
        msgs = messages(ts, cap)
        if not msgs:
            # No HTTP upgrade in the capture: let WebSocket find its frames.
            msgs = messages(ts, cap, ["--enable-heuristic", "websocket_tcp"])
        per_stream = {}
        for m in msgs:
            new += save(a.out, m.data[:a.max_len])
            per_stream.setdefault(m.stream, []).append(m)
        for stream, ms in per_stream.items():
            parts = []
            for i, m in enumerate(ms[:a.session_messages]):
                mark = b"\0s" if m.direction == 2 else b"\0c"
                parts.append((mark if i else (b"" if m.direction != 2 else mark)) + m.data[:4096])
            if len(parts) > 1:
                sessions += save(a.out, b"".join(parts)[:a.max_len])
        total += len(msgs)
        print("%-40s %6d messages, %4d connections" % (os.path.basename(cap), len(msgs), len(per_stream)))
    print("%d messages, %d distinct files, %d sessions in %s" % (total, new, sessions, a.out))


if __name__ == "__main__":
    sys.exit(main())
