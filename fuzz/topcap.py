#!/usr/bin/env python3
"""topcap.py - turn a fuzz-xmppws input (a crash, a regression input, a seed)
into a pcapng that Wireshark opens: one synthetic TCP connection with the
HTTP upgrade (Sec-WebSocket-Protocol: xmpp) and one WebSocket text frame per
message, from the client or the server as the input's markers say ("\\0c",
"\\0C" client to server; "\\0s", "\\0S" server to client; see
fuzz/fuzz-xmppws.c).

  python3 fuzz/topcap.py INPUT OUT.pcapng
  wireshark OUT.pcapng        (or: bash tools/tshark.sh -2 -V -r OUT.pcapng)

Library: split(data) -> [(from_server, message bytes)], write(data, path).
Uses captures/synth.py.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "captures"))
from synth import Conversation  # noqa: E402

MAX_MESSAGES = 256   # as fuzz-xmppws.c


def split(data):
    """The messages of a fuzzer input, as fuzz-xmppws.c splits it."""
    out = []
    start, from_server, i = 0, False, 0
    while i <= len(data) and len(out) < MAX_MESSAGES:
        marker = i + 1 < len(data) and data[i] == 0 and data[i + 1] in b"csCS"
        if not marker and i < len(data):
            i += 1
            continue
        if i > start or start > 0:
            out.append((from_server, data[start:i]))
        if marker:
            from_server = data[i + 1] in b"sS"
            start = i + 2
            i += 2
        else:
            i += 1
    return out


def write(data, path):
    c = Conversation(server_port=5280, comment="finesse-xmpp fuzz/topcap.py: a fuzzer input as a capture")
    c.upgrade(path="/ws/", protocol="xmpp")
    for from_server, msg in split(data):
        d = "s" if from_server else "c"
        frame = c.frame("text", msg, direction=d)
        c.data(d, frame, split=60000)
    c.fin("c")
    c.fin("s")
    c.write(path)
    return path


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], "rb") as f:
        write(f.read(), argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
