#!/usr/bin/env python3
"""seeds.py - extract the fuzzing seeds: every WebSocket message of every
capture in captures/, as the xmppws dissector receives it (unmasked,
inflated, reassembled), one file per distinct message, plus one session file
per TCP connection (its first messages joined with the direction markers
of fuzz-xmppws.c: "\\0c" client to server, "\\0s" server to client), and
for every capture with XMPP over BOSH, its HTTP bodies in runs of a dozen
with the BOSH markers ("\\0b" request, "\\0B" response).

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
import re
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


def bosh_sessions(ts, cap, per_file=12):
    """The BOSH bodies of `cap` (requests and responses, in capture order),
    joined with the harness's BOSH markers, `per_file` bodies per seed."""
    out = ts.run(["-n", "-r", ts.readable(cap), "-Y", "xmppws.bosh", "-T", "fields", "-e", "http.request",
                  "-e", "http.file_data", "-E", "separator=\x01"]).stdout.decode("utf-8", "replace")
    parts = []
    for line in out.splitlines():
        req, _, body = line.partition("\x01")
        if re.fullmatch(r"(?:[0-9a-f]{2})+", body):   # 4.6 prints http.file_data in hex
            body = bytes.fromhex(body).decode("utf-8", "replace")
        parts.append((b"\0b" if req else b"\0B") + body.encode())
    return [b"".join(parts[i:i + per_file]) for i in range(0, len(parts), per_file)]


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
        for seed in bosh_sessions(ts, cap):
            sessions += save(a.out, seed[:a.max_len])
        total += len(msgs)
        print("%-40s %6d messages, %4d connections" % (os.path.basename(cap), len(msgs), len(per_stream)))
    print("%d messages, %d distinct files, %d sessions in %s" % (total, new, sessions, a.out))


if __name__ == "__main__":
    sys.exit(main())
