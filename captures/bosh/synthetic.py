#!/usr/bin/env python3
"""Write captures/bosh-synthetic-anomalies.pcapng: SYNTHETIC BOSH exchanges
(hand-built HTTP/1.1 over TCP on 127.0.0.1:7070) with the anomalies real
clients and servers do not produce on demand. Real sessions are in the
other bosh-*.pcapng files (captures/bosh/make.sh).

  python3 captures/bosh/synthetic.py [OUT]

Connections (client port -> what it holds; frame numbers are those tshark
prints, one HTTP message per frame):
  41000  session creation (rid 1000) -> sid synth-1; rid 1001 empty poll;
         rid 1001 again (a retransmission); rid 1005 (3 rids skipped),
         answered type='terminate' condition='item-not-found'
  41001  sid other-2, whose creation is not in the capture (rid 77, a
         presence); a request whose rid is not a number ("abc")
  41002  XML that is not BOSH (a <note/>, and a <body/> without the
         httpbind namespace): must stay the XML dissector's
  41003  a BOSH response on a connection with no request in the capture
  41004  sid gone-3 (creation not in the capture): rid 2000 answered by
         HTTP 404 without a body (XEP-0124 17.1, legacy), then rid 2001
         answered by a body: the 404 must not shift the pairing
  41005, 41006  sid order-4 on two connections: rid 6000, then 6002 on the
         other connection before 6001 (in flight together: no gap once the
         capture is known, 6001 arrives out of order)
  41007  a response naming another sid (other-6) than its request's (mis-5)
  41008  two <body/> elements in one HTTP body
  41009  a request (sid held-7) the capture holds no response to
"""
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "bosh-synthetic-anomalies.pcapng")
NS = "http://jabber.org/protocol/httpbind"
SERVER = 7070
T0 = 1796212800  # 2026-12-02T12:00:00Z


def request(body, path="/http-bind"):
    b = body.encode()
    return (("POST %s HTTP/1.1\r\nHost: uccxpub.prabhat.com:7070\r\nContent-Type: text/xml; charset=utf-8\r\n"
             "Content-Length: %d\r\n\r\n" % (path, len(b))).encode() + b)


def response(body):
    b = body.encode()
    return (("HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
             % len(b)).encode() + b)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def packet(sport, dport, seq, ack, payload):
    src = dst = bytes([127, 0, 0, 1])
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, 0x18, 65535, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp + payload)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\0" * 12 + b"\x08\x00"
    return eth + ip + tcp + payload


class Conn:
    def __init__(self, port):
        self.port, self.cseq, self.sseq = port, 1000, 5000

    def c2s(self, payload):
        p = packet(self.port, SERVER, self.cseq, self.sseq, payload)
        self.cseq += len(payload)
        return p

    def s2c(self, payload):
        p = packet(SERVER, self.port, self.sseq, self.cseq, payload)
        self.sseq += len(payload)
        return p


def main():
    a, b, c, d, e = Conn(41000), Conn(41001), Conn(41002), Conn(41003), Conn(41004)
    f, g, h, i, j = Conn(41005), Conn(41006), Conn(41007), Conn(41008), Conn(41009)
    frames = [
        a.c2s(request("<body rid='1000' to='uccxpub.prabhat.com' wait='60' hold='1' ver='1.6' xmlns='%s' "
                      "xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'/>" % NS)),
        a.s2c(response("<body xmlns='%s' sid='synth-1' wait='60' requests='2' hold='1' inactivity='30' "
                       "polling='2' ver='1.6' from='uccxpub.prabhat.com' secure='true'/>" % NS)),
        a.c2s(request("<body rid='1001' sid='synth-1' xmlns='%s'/>" % NS)),
        a.s2c(response("<body xmlns='%s'/>" % NS)),
        a.c2s(request("<body rid='1001' sid='synth-1' xmlns='%s'/>" % NS)),
        a.s2c(response("<body xmlns='%s'/>" % NS)),
        a.c2s(request("<body rid='1005' sid='synth-1' xmlns='%s'/>" % NS)),
        a.s2c(response("<body xmlns='%s' type='terminate' condition='item-not-found'/>" % NS)),
        b.c2s(request("<body rid='77' sid='other-2' xmlns='%s'><presence xmlns='jabber:client'/></body>" % NS)),
        b.s2c(response("<body xmlns='%s' sid='other-2'/>" % NS)),
        b.c2s(request("<body rid='abc' sid='other-2' xmlns='%s'/>" % NS)),
        b.s2c(response("<body xmlns='%s' sid='other-2'/>" % NS)),
        c.c2s(request("<note><to>agent</to></note>", path="/notes")),
        c.s2c(response("<result status='ok'/>")),
        c.c2s(request("<body>not BOSH: no httpbind namespace</body>", path="/notes")),
        c.s2c(response("<result status='ok'/>")),
        d.s2c(response("<body xmlns='%s' sid='synth-1'/>" % NS)),
        e.c2s(request("<body rid='2000' sid='gone-3' xmlns='%s'/>" % NS)),
        e.s2c(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
        e.c2s(request("<body rid='2001' sid='gone-3' xmlns='%s'/>" % NS)),
        e.s2c(response("<body xmlns='%s' sid='gone-3' type='terminate' condition='item-not-found'/>" % NS)),
        f.c2s(request("<body rid='6000' sid='order-4' xmlns='%s'/>" % NS)),
        f.s2c(response("<body xmlns='%s' sid='order-4'/>" % NS)),
        g.c2s(request("<body rid='6002' sid='order-4' xmlns='%s'/>" % NS)),
        f.c2s(request("<body rid='6001' sid='order-4' xmlns='%s'/>" % NS)),
        g.s2c(response("<body xmlns='%s' sid='order-4'/>" % NS)),
        f.s2c(response("<body xmlns='%s' sid='order-4'/>" % NS)),
        h.c2s(request("<body rid='7000' sid='mis-5' xmlns='%s'/>" % NS)),
        h.s2c(response("<body xmlns='%s' sid='other-6'/>" % NS)),
        i.c2s(request("<body rid='8000' sid='mis-5' xmlns='%s'/><body xmlns='%s'/>" % (NS, NS))),
        j.c2s(request("<body rid='9000' sid='held-7' xmlns='%s'/>" % NS)),
    ]
    raw = tempfile.NamedTemporaryFile(suffix=".pcap", delete=False)
    raw.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, f in enumerate(frames):
        raw.write(struct.pack("<IIII", T0 + i, 0, len(f), len(f)) + f)
    raw.close()
    subprocess.run(["editcap", "-F", "pcapng", raw.name, OUT], check=True)
    os.unlink(raw.name)


if __name__ == "__main__":
    main()
