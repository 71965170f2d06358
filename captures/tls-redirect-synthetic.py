#!/usr/bin/env python3
"""Write tls-redirect-synthetic.pcapng: a SYNTHETIC wss:// connection whose
TLS is real (Python's ssl module, i.e. OpenSSL, on both ends, through memory
BIOs, with a throwaway self-signed certificate made at run time) and whose
XMPP is scripted: the upgrade, the client's <open/>, and a server <close/>
with see-other-uri="ws://..." — a redirect from wss:// to ws:// that RFC
7395 3.6.1 forbids and no real server here will send. The TLS secrets are
embedded (editcap --inject-secrets), so Wireshark decrypts it with no
configuration.

    python3 captures/tls-redirect-synthetic.py [out.pcapng]
Needs: openssl, editcap.
"""
import os
import ssl
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synth import Conversation, ws_accept  # noqa: E402

D = "uccxpub.prabhat.com"
FRAMING = "urn:ietf:params:xml:ns:xmpp-framing"
KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def tls_pair(tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=" + D,
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    keylog = os.path.join(tmp, "keylog.txt")
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(cert, key)
    sctx.set_alpn_protocols(["http/1.1"])
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.check_hostname = False
    cctx.verify_mode = ssl.CERT_NONE
    cctx.set_alpn_protocols(["http/1.1"])
    cctx.keylog_filename = keylog
    cin, cout, sin, sout = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    client = cctx.wrap_bio(cin, cout, server_hostname=D)
    server = sctx.wrap_bio(sin, sout, server_side=True)
    return client, server, (cin, cout, sin, sout), keylog


def pump(conv, client, server, bios):
    """Move pending TLS records between the two ends, as TCP segments."""
    cin, cout, sin, sout = bios
    for _ in range(10):
        moved = False
        data = cout.read()
        if data:
            conv.data("c", data)
            sin.write(data)
            moved = True
        data = sout.read()
        if data:
            conv.data("s", data)
            cin.write(data)
            moved = True
        for end in (client, server):
            try:
                end.do_handshake()
            except ssl.SSLWantReadError:
                pass
        if not moved and not cout.pending and not sout.pending:
            break


def main(out):
    with tempfile.TemporaryDirectory() as tmp:
        client, server, bios, keylog = tls_pair(tmp)
        conv = Conversation(client_port=54000, server_port=8445)
        conv.handshake()
        pump(conv, client, server, bios)

        def send(end, data):
            end.write(data if isinstance(data, bytes) else data.encode())
            pump(conv, client, server, bios)
            other = server if end is client else client
            try:
                other.read(1 << 20)
            except ssl.SSLWantReadError:
                pass

        send(client, "GET /ws/ HTTP/1.1\r\nHost: %s:8445\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
             "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Protocol: xmpp\r\n\r\n" % (D, KEY))
        send(server, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: xmpp\r\n\r\n" % ws_accept(KEY))
        send(client, conv.frame("text", '<open xmlns="%s" to="%s" version="1.0"/>' % (FRAMING, D), direction="c"))
        send(server, conv.frame("text", '<close xmlns="%s" see-other-uri="ws://other.%s:5280/ws/"/>'
                                % (FRAMING, D), direction="s"))
        send(client, conv.frame("text", '<close xmlns="%s"/>' % FRAMING, direction="c"))
        conv.fin("c")
        conv.fin("s")
        plain = os.path.join(tmp, "plain.pcapng")
        conv.write(plain)
        subprocess.run(["editcap", "--inject-secrets", "tls," + keylog, plain, out], check=True)
    print("wrote", out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else
         os.path.join(os.path.dirname(os.path.abspath(__file__)), "tls-redirect-synthetic.pcapng"))
