#!/usr/bin/env python3
"""make-bench.py - write the benchmark captures into a scratch folder.

From the real capture captures/bench-10k.pcapng (25 agents on Prosody, about
11,000 WebSocket messages), for each size asked for:

  ws-<size>.pcapng    the real capture replicated N times: copy k is shifted
                      in time (after copy k-1 ends) and its client side moves
                      to 127.0.k.2, so every copy's connections are new ones
                      (IPv4 and TCP checksums adjusted, RFC 1624).
  tcp-<size>.pcapng   its TCP twin: the same packets at the same times, every
                      WebSocket message replaced by the same stanza as plain
                      XMPP on TCP port 5222 (RFC 6120 framing: <open/> becomes
                      a <stream:stream> header, <close/> </stream:stream>;
                      the HTTP upgrade and WebSocket control frames become
                      empty ACKs), for Wireshark's own XMPP dissector.

and manifest.json (message and packet counts). N = ceil(size / messages of
the real capture): 10k is the real capture itself.

  python3 bench/make-bench.py --out /tmp/xmppws-bench [--sizes 10k,100k,1M]
      [--base captures/bench-10k.pcapng] [--plugins build/plugins]

The plugin (build/plugins) is only used to list the messages of the real
capture. The 1M captures are about 1.5 GB each: never commit them.
"""
import argparse
import json
import math
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wsmessages import ROOT, Tshark, messages  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "captures"))
from synth import checksum  # noqa: E402  (captures/synth.py)

SHB, IDB, EPB = 0x0A0D0D0A, 0x00000001, 0x00000006
TWIN_PORT = 5222
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}


# ---- pcapng -------------------------------------------------------------------

def read_blocks(path):
    """(type, body) of every block of a little- or big-endian pcapng file."""
    with open(path, "rb") as f:
        data = f.read()
    off, endian = 0, "<"
    while off + 12 <= len(data):
        btype = struct.unpack_from(endian + "I", data, off)[0]
        if btype == SHB:
            magic = data[off + 8:off + 12]
            endian = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
        blen = struct.unpack_from(endian + "I", data, off + 4)[0]
        if blen < 12 or off + blen > len(data):
            raise ValueError("%s: bad block at %d" % (path, off))
        yield btype, data[off + 8:off + blen - 4], endian
        off += blen


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def if_tsresol(body, endian):
    """Units per second of an IDB (option if_tsresol, default microseconds)."""
    off = 8
    while off + 4 <= len(body):
        code, length = struct.unpack_from(endian + "HH", body, off)
        if code == 0:
            break
        if code == 9 and length >= 1:
            v = body[off + 4]
            return 2 ** (v & 0x7F) if v & 0x80 else 10 ** v
        off += 4 + length + (-length % 4)
    return 10 ** 6


class Capture:
    """The packets of a one-section pcapng: header blocks and (interface,
    timestamp in units, packet bytes, original length)."""

    def __init__(self, path):
        self.headers = []
        self.packets = []
        self.units = []
        for btype, body, endian in read_blocks(path):
            if endian != "<":
                raise ValueError("%s: big-endian pcapng is not supported" % path)
            if btype == SHB:
                if self.headers:
                    raise ValueError("%s: more than one section" % path)
                self.headers.append(block(SHB, body))
            elif btype == IDB:
                self.units.append(if_tsresol(body, endian))
                self.headers.append(block(IDB, body))
            elif btype == EPB:
                ifid, hi, lo, caplen, olen = struct.unpack_from(endian + "IIIII", body, 0)
                self.packets.append((ifid, (hi << 32) | lo, body[20:20 + caplen], olen))


def write_capture(path, headers, packets):
    with open(path, "wb") as f:
        for h in headers:
            f.write(h)
        for ifid, ts, pkt, olen in packets:
            f.write(block(EPB, struct.pack("<IIIII", ifid, ts >> 32, ts & 0xFFFFFFFF, len(pkt), olen) + pkt))


# ---- IPv4/TCP -------------------------------------------------------------------

def csum_adjust(csum, old, new):
    """RFC 1624 eqn. 3: checksum after 16-bit-aligned bytes `old` became `new`."""
    s = (~csum) & 0xFFFF
    for i in range(0, len(old), 2):
        s += (~struct.unpack_from("!H", old, i)[0]) & 0xFFFF
        s += struct.unpack_from("!H", new, i)[0]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def parse_tcp(pkt):
    """(ip offset, ip header length, tcp offset, tcp header length) of an
    Ethernet/IPv4/TCP packet, or None."""
    if len(pkt) < 54 or pkt[12:14] != b"\x08\x00" or pkt[14] >> 4 != 4 or pkt[23] != 6:
        return None
    ihl = (pkt[14] & 0x0F) * 4
    t = 14 + ihl
    if len(pkt) < t + 20:
        return None
    return 14, ihl, t, (pkt[t + 12] >> 4) * 4


def server_port_of(packets):
    """The port most TCP connections share: the server's."""
    conns = {}
    for _, _, pkt, _ in packets:
        p = parse_tcp(pkt)
        if p:
            sport, dport = struct.unpack_from("!HH", pkt, p[2])
            conns.setdefault(sport, set()).add(dport)
            conns.setdefault(dport, set()).add(sport)
    return max(conns, key=lambda port: len(conns[port]))


def move_client(pkt, server_port, new_ip):
    """The packet with its client address (the side not on server_port)
    replaced by new_ip; checksums adjusted."""
    p = parse_tcp(pkt)
    if not p:
        return pkt
    ip, ihl, t, _ = p
    sport = struct.unpack_from("!H", pkt, t)[0]
    at = ip + (16 if sport == server_port else 12)   # client is dst / src
    old = pkt[at:at + 4]
    if old == new_ip:
        return pkt
    b = bytearray(pkt)
    b[at:at + 4] = new_ip
    ipsum = struct.unpack_from("!H", b, ip + 10)[0]
    struct.pack_into("!H", b, ip + 10, csum_adjust(ipsum, old, new_ip))
    tsum = struct.unpack_from("!H", b, t + 16)[0]
    struct.pack_into("!H", b, t + 16, csum_adjust(tsum, old, new_ip))
    return bytes(b)


def replicate(cap, copies, out):
    """Write `copies` copies of `cap` one after the other; returns packets."""
    server_port = server_port_of(cap.packets)
    first = min(ts for _, ts, _, _ in cap.packets)
    last = max(ts for _, ts, _, _ in cap.packets)
    unit = cap.units[0] if cap.units else 10 ** 6
    span = last - first + unit   # one second between copies

    def gen():
        for k in range(copies):
            new_ip = bytes([127, (k >> 8) & 0xFF, k & 0xFF, 2]) if k else None
            for ifid, ts, pkt, olen in cap.packets:
                yield ifid, ts + k * span, move_client(pkt, server_port, new_ip) if k else pkt, olen
    write_capture(out, cap.headers, gen())
    return copies * len(cap.packets)


# ---- The TCP twin ----------------------------------------------------------------

OPEN_RE = re.compile(rb"^\s*<open\b([^>]*?)/?>\s*$", re.S)
CLOSE_RE = re.compile(rb"^\s*<close\b[^>]*>\s*(</close>)?\s*$", re.S)
XMLNS_RE = re.compile(rb"""\s+xmlns\s*=\s*(['"])urn:ietf:params:xml:ns:xmpp-framing\1""")


def to_tcp_xmpp(data):
    """A WebSocket message as the same stanza on an XMPP TCP stream."""
    m = OPEN_RE.match(data)
    if m:
        attrs = XMLNS_RE.sub(b"", m.group(1))
        return (b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                b"xmlns:stream='http://etherx.jabber.org/streams'" + attrs + b">")
    if CLOSE_RE.match(data):
        return b"</stream:stream>"
    return data


def twin(cap, msgs, out, server_port):
    """Write the TCP twin of `cap`, whose messages (by frame number) are
    `msgs`; returns (packets, stanzas)."""
    by_frame = {}
    for m in msgs:
        by_frame.setdefault(m.frame, []).append(to_tcp_xmpp(m.data))
    sent = {}        # ((client ip, client port), 'c' or 's') -> payload bytes sent
    isn = {}         # the same key -> initial sequence number
    packets, stanzas = [], 0
    for num, (ifid, ts, pkt, olen) in enumerate(cap.packets, 1):
        p = parse_tcp(pkt)
        if not p:
            continue
        ip, ihl, t, thl = p
        sport, dport, seq, ack, off_flags = struct.unpack_from("!HHIIH", pkt, t)
        flags = off_flags & 0x3F
        from_server = sport == server_port
        client = (pkt[ip + 16:ip + 20], dport) if from_server else (pkt[ip + 12:ip + 16], sport)
        side = (client, "s" if from_server else "c")
        peer = (client, "c" if from_server else "s")
        if flags & 0x02:                       # SYN: its sequence number is the ISN
            isn[side] = seq
            new_seq = seq
        else:
            new_seq = (isn[side] + 1 + sent.get(side, 0)) & 0xFFFFFFFF if side in isn else seq
        new_ack = (isn[peer] + 1 + sent.get(peer, 0)) & 0xFFFFFFFF if peer in isn and flags & 0x10 else ack
        payload = b"".join(by_frame.get(num, []))
        if ihl + thl + len(payload) > 65535:
            raise ValueError("frame %d: %d bytes do not fit one IPv4 packet" % (num, len(payload)))
        stanzas += len(by_frame.get(num, []))
        sent[side] = sent.get(side, 0) + len(payload)
        tcp = bytearray(pkt[t:t + thl])
        struct.pack_into("!HHII", tcp, 0, TWIN_PORT if from_server else sport,
                         TWIN_PORT if not from_server else dport, new_seq, new_ack)
        if not payload and pkt[t + thl:]:
            tcp[13] &= ~0x08 & 0xFF            # no PSH on what became an empty ACK
        struct.pack_into("!H", tcp, 16, 0)
        iph = bytearray(pkt[ip:ip + ihl])
        struct.pack_into("!H", iph, 2, ihl + thl + len(payload))
        struct.pack_into("!H", iph, 10, 0)
        struct.pack_into("!H", iph, 10, checksum(bytes(iph)))
        pseudo = bytes(iph[12:20]) + struct.pack("!BBH", 0, 6, thl + len(payload))
        struct.pack_into("!H", tcp, 16, checksum(pseudo + bytes(tcp) + payload))
        new = pkt[:ip] + bytes(iph) + bytes(tcp) + payload
        packets.append((ifid, ts, new, len(new)))
    cap2 = Capture.__new__(Capture)
    cap2.headers, cap2.packets, cap2.units = cap.headers, packets, cap.units
    write_capture(out, cap.headers, packets)
    return cap2, stanzas


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="scratch folder for the captures")
    ap.add_argument("--sizes", default="10k,100k,1M")
    ap.add_argument("--base", default=os.path.join(ROOT, "captures", "bench-10k.pcapng"))
    ap.add_argument("--plugins", default=os.path.join(ROOT, "build", "plugins"))
    a = ap.parse_args()

    os.makedirs(a.out, exist_ok=True)
    os.chmod(a.out, 0o755)
    base = Capture(a.base)
    msgs = messages(Tshark(a.plugins), a.base)
    server_port = server_port_of(base.packets)
    tcp_base, stanzas = twin(base, msgs, os.path.join(a.out, "tcp-base.pcapng"), server_port)
    manifest = {"base": os.path.abspath(a.base), "base_messages": len(msgs), "base_packets": len(base.packets),
                "twin_port": TWIN_PORT, "captures": {}}
    for size in a.sizes.split(","):
        copies = max(1, math.ceil(SIZES[size] / len(msgs)))
        ws, tcp = os.path.join(a.out, "ws-%s.pcapng" % size), os.path.join(a.out, "tcp-%s.pcapng" % size)
        n_ws = replicate(base, copies, ws)
        n_tcp = replicate(tcp_base, copies, tcp)
        for f in (ws, tcp):
            os.chmod(f, 0o644)
        manifest["captures"][size] = {"copies": copies, "messages": copies * len(msgs),
                                      "stanzas": copies * stanzas, "ws": ws, "ws_packets": n_ws,
                                      "tcp": tcp, "tcp_packets": n_tcp}
        print("%s: %d copies, %d messages, %d + %d packets" % (size, copies, copies * len(msgs), n_ws, n_tcp))
    os.remove(os.path.join(a.out, "tcp-base.pcapng"))
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
