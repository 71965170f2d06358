#!/usr/bin/env python3
"""synth.py - write SYNTHETIC pcapng captures of XMPP over WebSocket (RFC 7395).

Dependency-free (Python 3.8+ standard library). One TCP connection per
Conversation, Ethernet/IPv4/TCP on 127.0.0.1, correct sequence/ack numbers,
IPv4 and TCP checksums and lengths. Every packet is a pcapng Enhanced Packet
Block; the Section Header Block carries a comment saying the file is
synthetic.

Library use::

    from synth import Conversation
    c = Conversation(server_port=8445)
    c.upgrade(path="/ws/", host="uccxpub.prabhat.com:8445", protocol="xmpp")
    c.client_text('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" .../>')
    c.server_text('<open .../>', '<stream:features>...</stream:features>')  # 2 frames, 1 segment
    c.client(c.frame("text", "<iq ", fin=False), c.frame("cont", "type='get'/>"))
    c.server_close(1000)
    c.client_close(1000)
    c.fin("s"); c.fin("c")
    c.write("out.pcapng")

CLI use::

    python3 synth.py steps.json out.pcapng

where steps.json is ``{"options": {...Conversation kwargs...}, "steps": [...]}``
(or just the list of steps). Each step is one object:

    {"handshake": true}                 TCP three-way handshake (added
                                        automatically before the first data)
    {"upgrade": {"path": "/ws/", "host": "h:port", "protocol": "xmpp",
                 "server_protocol": "xmpp", "key": "...", "status": 101,
                 "client_headers": {...}, "server_headers": {...}}}
                                        HTTP/1.1 upgrade request and response;
                                        "protocol": null offers none,
                                        "server_protocol" defaults to the
                                        offered one (null: none echoed)
    {"c": ITEM} / {"s": ITEM}           one TCP segment from the client /
                                        server holding one WebSocket frame
    {"c": [ITEM, ITEM]}                 several frames in one TCP segment
    {"c": ..., "split": 40}             cut that segment's bytes into TCP
                                        segments of at most 40 bytes
    {"raw_c": "text"} / {"raw_s_hex": "0a0b"}   raw TCP payload
    {"fin": "c"} / {"fin": "s"}         TCP FIN (the peer ACKs it)
    {"rst": "c"}                        TCP RST
    {"ack": "c"}                        pure ACK from the client
    {"delay": 0.5}                      advance the clock (seconds)

ITEM is a string (a text frame, FIN set) or an object::

    {"opcode": "text"|"binary"|"cont"|"close"|"ping"|"pong"|<int>,
     "data": "utf-8 text", "hex": "payload as hex",
     "fin": true, "rsv": 0, "mask": true|false|"hex key",
     "code": 1000, "reason": "text"}        (close frames)

Client frames are masked with the Conversation's fixed key unless "mask" says
otherwise; server frames are not masked.
"""

import base64
import hashlib
import json
import struct
import sys

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OPCODES = {"cont": 0, "continuation": 0, "text": 1, "binary": 2, "close": 8, "ping": 9, "pong": 10}

TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def ws_accept(key):
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 4.2.2)."""
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode("ascii")).digest()).decode("ascii")


def ws_frame(opcode, payload=b"", fin=True, rsv=0, mask_key=None):
    """Encode one WebSocket frame. opcode: name or int; payload: bytes or str."""
    if isinstance(opcode, str):
        opcode = OPCODES[opcode]
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    head = bytearray([(0x80 if fin else 0) | ((rsv & 7) << 4) | (opcode & 0x0F)])
    n = len(payload)
    mask_bit = 0x80 if mask_key is not None else 0
    if n < 126:
        head.append(mask_bit | n)
    elif n < 65536:
        head.append(mask_bit | 126)
        head += struct.pack("!H", n)
    else:
        head.append(mask_bit | 127)
        head += struct.pack("!Q", n)
    if mask_key is not None:
        if len(mask_key) != 4:
            raise ValueError("mask key must be 4 bytes")
        head += mask_key
        payload = bytes(b ^ mask_key[i % 4] for i, b in enumerate(payload))
    return bytes(head) + payload


def close_payload(code=None, reason=""):
    if code is None:
        return b""
    return struct.pack("!H", code) + reason.encode("utf-8")


def checksum(data):
    """RFC 1071 Internet checksum of `data` (IPv4 header, TCP with pseudo-header)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def _ip4(addr):
    return bytes(int(x) for x in addr.split("."))


class Conversation:
    """One synthetic TCP connection carrying HTTP upgrade + WebSocket frames."""

    def __init__(
        self,
        client_ip="127.0.0.1",
        client_port=50432,
        server_ip="127.0.0.1",
        server_port=8445,
        start_time=1795256100.0,  # 2026-11-21T10:15:00Z
        time_step=0.001,
        client_isn=0x1A2B3C4D,
        server_isn=0x5E6F7081,
        mask_key=b"\x37\xfa\x21\x3d",
        window=65535,
        acks=False,
        comment="SYNTHETIC capture written by finesse-xmpp captures/synth.py",
    ):
        self.ep = {
            "c": (_ip4(client_ip), client_port),
            "s": (_ip4(server_ip), server_port),
        }
        self.seq = {"c": client_isn, "s": server_isn}
        # the clock counts integer microseconds (pcapng if_tsresol 10^-6)
        self.time_us = int(round(start_time * 1_000_000))
        self.step_us = int(round(time_step * 1_000_000))
        self.mask_key = bytes(mask_key) if isinstance(mask_key, (bytes, bytearray)) else bytes.fromhex(mask_key)
        self.window = window
        self.acks = acks
        self.comment = comment
        self.packets = []  # (microseconds, bytes)
        self.connected = False
        self.ip_id = {"c": 0x4000, "s": 0x6000}

    # ---- TCP/IP --------------------------------------------------------
    @staticmethod
    def _peer(d):
        return "s" if d == "c" else "c"

    def _packet(self, d, flags, payload=b""):
        (sip, sport), (dip, dport) = self.ep[d], self.ep[self._peer(d)]
        seq = self.seq[d] & 0xFFFFFFFF
        ack = self.seq[self._peer(d)] & 0xFFFFFFFF if flags & TCP_ACK else 0
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, self.window, 0, 0)
        pseudo = sip + dip + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
        csum = checksum(pseudo + tcp + payload)
        tcp = tcp[:16] + struct.pack("!H", csum) + tcp[18:]
        total = 20 + len(tcp) + len(payload)
        self.ip_id[d] = (self.ip_id[d] + 1) & 0xFFFF
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, self.ip_id[d], 0x4000, 64, 6, 0, sip, dip)
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        eth = b"\x00" * 12 + b"\x08\x00"
        self.packets.append((self.time_us, eth + ip + tcp + payload))
        self.time_us += self.step_us
        self.seq[d] += len(payload) + (1 if flags & (TCP_SYN | TCP_FIN) else 0)

    def handshake(self):
        self._packet("c", TCP_SYN)
        self._packet("s", TCP_SYN | TCP_ACK)
        self._packet("c", TCP_ACK)
        self.connected = True

    def ack(self, d):
        self._packet(d, TCP_ACK)

    def data(self, d, payload, split=None):
        """Raw TCP payload from direction d ('c' or 's')."""
        if not self.connected:
            self.handshake()
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        step = split or len(payload) or 1
        for i in range(0, len(payload), step):
            self._packet(d, TCP_PSH | TCP_ACK, payload[i : i + step])
            if self.acks:
                self.ack(self._peer(d))

    def fin(self, d):
        if not self.connected:
            self.handshake()
        self._packet(d, TCP_FIN | TCP_ACK)
        self.ack(self._peer(d))

    def rst(self, d):
        self._packet(d, TCP_RST | TCP_ACK)

    def delay(self, seconds):
        self.time_us += int(round(seconds * 1_000_000))

    # ---- HTTP upgrade ----------------------------------------------------
    def upgrade(
        self,
        path="/ws/",
        host=None,
        protocol="xmpp",
        server_protocol="same",
        key="dGhlIHNhbXBsZSBub25jZQ==",
        status=101,
        client_headers=None,
        server_headers=None,
    ):
        host = host or "127.0.0.1:%d" % self.ep["s"][1]
        req = [
            "GET %s HTTP/1.1" % path,
            "Host: %s" % host,
            "Connection: Upgrade",
            "Upgrade: websocket",
            "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Key: %s" % key,
        ]
        if protocol:
            req.append("Sec-WebSocket-Protocol: %s" % protocol)
        req += ["%s: %s" % kv for kv in (client_headers or {}).items()]
        self.data("c", "\r\n".join(req) + "\r\n\r\n")

        if server_protocol == "same":
            server_protocol = protocol
        if status == 101:
            resp = [
                "HTTP/1.1 101 Switching Protocols",
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Accept: %s" % ws_accept(key),
            ]
            if server_protocol:
                resp.append("Sec-WebSocket-Protocol: %s" % server_protocol)
            resp += ["%s: %s" % kv for kv in (server_headers or {}).items()]
            body = ""
        else:
            body = "Not Implemented\n" if status == 501 else ""
            resp = ["HTTP/1.1 %d %s" % (status, {501: "Not Implemented", 400: "Bad Request"}.get(status, "Error")),
                    "Content-Type: text/plain", "Content-Length: %d" % len(body)]
            resp += ["%s: %s" % kv for kv in (server_headers or {}).items()]
        self.data("s", "\r\n".join(resp) + "\r\n\r\n" + body)

    # ---- WebSocket frames ------------------------------------------------
    def frame(self, opcode="text", data=b"", fin=True, rsv=0, mask=None, direction="c", code=None, reason=""):
        """Encode a frame; client frames are masked with the fixed key."""
        if isinstance(opcode, str):
            opcode = OPCODES[opcode]
        if opcode == 8 and not data:
            data = close_payload(code, reason)
        if mask is None:
            mask = direction == "c"
        key = None
        if mask is True:
            key = self.mask_key
        elif isinstance(mask, (bytes, bytearray)):
            key = bytes(mask)
        elif isinstance(mask, str) and mask:
            key = bytes.fromhex(mask)
        return ws_frame(opcode, data, fin=fin, rsv=rsv, mask_key=key)

    def _frames(self, d, items):
        out = b""
        for it in items:
            if isinstance(it, (bytes, bytearray)):
                out += bytes(it)  # an already encoded frame
            elif isinstance(it, str):
                out += self.frame("text", it, direction=d)
            else:
                it = dict(it)
                data = bytes.fromhex(it.pop("hex")) if "hex" in it else it.pop("data", b"")
                out += self.frame(
                    it.pop("opcode", "text"),
                    data,
                    fin=it.pop("fin", True),
                    rsv=it.pop("rsv", 0),
                    mask=it.pop("mask", None),
                    direction=d,
                    code=it.pop("code", None),
                    reason=it.pop("reason", ""),
                )
                if it:
                    raise ValueError("unknown frame keys: %s" % sorted(it))
        return out

    def client(self, *items, split=None):
        """One TCP segment from the client holding these frames."""
        self.data("c", self._frames("c", items), split=split)

    def server(self, *items, split=None):
        self.data("s", self._frames("s", items), split=split)

    def client_text(self, *texts, split=None):
        self.client(*texts, split=split)

    def server_text(self, *texts, split=None):
        self.server(*texts, split=split)

    def client_close(self, code=1000, reason=""):
        self.client({"opcode": "close", "code": code, "reason": reason})

    def server_close(self, code=1000, reason=""):
        self.server({"opcode": "close", "code": code, "reason": reason})

    # ---- steps -----------------------------------------------------------
    def run(self, steps):
        for step in steps:
            step = dict(step)
            split = step.pop("split", None)
            if step.pop("handshake", False):
                self.handshake()
            if "upgrade" in step:
                self.upgrade(**(step.pop("upgrade") or {}))
            for d in ("c", "s"):
                if d in step:
                    items = step.pop(d)
                    self.data(d, self._frames(d, items if isinstance(items, list) else [items]), split=split)
                if "raw_" + d in step:
                    self.data(d, step.pop("raw_" + d), split=split)
                if "raw_%s_hex" % d in step:
                    self.data(d, bytes.fromhex(step.pop("raw_%s_hex" % d)), split=split)
            if "fin" in step:
                self.fin(step.pop("fin"))
            if "rst" in step:
                self.rst(step.pop("rst"))
            if "ack" in step:
                self.ack(step.pop("ack"))
            if "delay" in step:
                self.delay(step.pop("delay"))
            if step:
                raise ValueError("unknown step keys: %s" % sorted(step))
        return self

    # ---- pcapng ------------------------------------------------------------
    def pcapng(self):
        return pcapng_bytes(self.packets, self.comment)

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.pcapng())
        return path


def _opt(code, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("<HH", code, len(value)) + value + b"\0" * pad


def _block(btype, body):
    length = 12 + len(body)
    return struct.pack("<II", btype, length) + body + struct.pack("<I", length)


def pcapng_bytes(packets, comment=None):
    """SHB + one Ethernet IDB (microsecond timestamps) + one EPB per packet.

    packets: list of (timestamp in microseconds since the epoch, frame bytes).
    """
    opts = b""
    if comment:
        opts += _opt(1, comment.encode("utf-8"))  # opt_comment
    opts += _opt(4, b"finesse-xmpp captures/synth.py")  # shb_userappl
    opts += _opt(0, b"")
    out = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + opts)
    idb_opts = _opt(2, b"lo") + _opt(9, b"\x06") + _opt(0, b"")  # if_name, if_tsresol=10^-6
    out += _block(0x00000001, struct.pack("<HHI", 1, 0, 262144) + idb_opts)
    for t, pkt in packets:
        pad = (4 - len(pkt) % 4) % 4
        body = struct.pack("<IIIII", 0, t >> 32, t & 0xFFFFFFFF, len(pkt), len(pkt)) + pkt + b"\0" * pad
        out += _block(0x00000006, body)
    return out


def build(steps, **options):
    """Build a Conversation from a list of steps (see the module docstring)."""
    return Conversation(**options).run(steps)


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        sys.stderr.write(__doc__)
        sys.stderr.write("\nusage: synth.py STEPS.json OUT.pcapng\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    if isinstance(spec, list):
        spec = {"steps": spec}
    options = spec.get("options", {})
    if "mask_key" in options and isinstance(options["mask_key"], str):
        options["mask_key"] = bytes.fromhex(options["mask_key"])
    build(spec["steps"], **options).write(argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
