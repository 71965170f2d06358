"""Transport (xmppws-transport.c, issue 5): XMPP over WebSocket however it is
carried and however the capture was taken.

The captures are real: captures/transport/make.sh drives Prosody 0.12,
ejabberd 23.01 and a raw `ws` npm client on 127.0.0.1 (see
captures/transport/README.md). Only the heuristic's refusals are checked on
synthetic bytes (captures/synth.py, written at test time), because they need
frames no real peer sends.
"""
import os
import struct
import subprocess
import sys
import tempfile
import unittest

from xmppws_test import CAPTURES, capture, column, experts, fields, flag, our_filter_names

sys.path.insert(0, CAPTURES)
import synth  # noqa: E402  (captures/synth.py)

DOMAIN = "uccxpub.prabhat.com"
JID = "administrator@%s/desktop" % DOMAIN
USER_NODE = "/finesse/api/User/administrator"
TEAM_NODE = "/finesse/api/Team/1/Users"

# capture -> (messages, client to server, server to client); README table.
EXPECTED = {
    "transport-wss-tls12.pcapng": (22, 9, 13),
    "transport-wss-tls13.pcapng": (22, 9, 13),
    "transport-wss-nokeys.pcapng": (0, 0, 0),
    "transport-late-start.pcapng": (25, 9, 16),
    "transport-mid-session.pcapng": (5, 0, 5),
    "transport-no-subprotocol.pcapng": (22, 9, 13),
    "transport-fragmented.pcapng": (17, 8, 9),
    "transport-fragmented-ejabberd.pcapng": (20, 9, 11),
    "transport-batched.pcapng": (20, 9, 11),
    "transport-large.pcapng": (22, 10, 12),
    "transport-deflate.pcapng": (22, 9, 13),
    "transport-ejabberd.pcapng": (22, 9, 13),
    "transport-ejabberd-legacy.pcapng": (1, 1, 0),
}
WITH_UPGRADE = [c for c in EXPECTED if c not in ("transport-late-start.pcapng", "transport-mid-session.pcapng",
                                                 "transport-wss-nokeys.pcapng")]


def messages(cap, extra=()):
    """(frame, direction) of every xmppws message, in order."""
    rows = fields(cap, ["frame.number", "xmppws.direction"], "xmppws", extra)
    return [(int(r[0]), d) for r in rows for d in r[1].split("|")]


def ws_data_messages(cap, extra=()):
    """Complete WebSocket data messages: frames with FIN and opcode text or
    continuation (a fragmented message counts once, at its last frame)."""
    n = 0
    for fin, op in fields(cap, ["websocket.fin", "websocket.opcode"], "websocket", extra):
        n += sum(1 for f, o in zip(fin.split("|"), op.split("|")) if f in ("1", "True") and o in ("0", "1"))
    return n


def frames(cap, display_filter, extra=()):
    return [int(r[0]) for r in fields(cap, ["frame.number"], display_filter, extra)]


def scratch(name):
    return os.path.join(tempfile.mkdtemp(prefix="xmppws-transport-"), name)


def editcap_range(cap, first, last, name):
    """editcap -r: frames first..last of a bundled capture (no secrets in it:
    editcap 4.0 cannot rewrite a file with a Decryption Secrets Block)."""
    out = scratch(name)
    subprocess.run(["editcap", "-r", capture(cap), out, "%d-%d" % (first, last)], check=True, capture_output=True)
    return out


def without_secrets(cap, name):
    """Copy of a pcapng without its Decryption Secrets Blocks (type 0x0000000A,
    pcapng 4.7), which editcap 4.0 --discard-all-secrets fails to write."""
    with open(capture(cap), "rb") as f:
        data = f.read()
    order = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    out, off = b"", 0
    while off < len(data):
        btype, blen = struct.unpack(order + "II", data[off:off + 8])
        if btype != 0x0000000A:
            out += data[off:off + blen]
        off += blen
    path = scratch(name)
    with open(path, "wb") as f:
        f.write(out)
    return path


class ExactlyOnce(unittest.TestCase):
    """Every WebSocket text message becomes exactly one xmppws message, with
    the direction RFC 6455 5.3 masking (or the HTTP upgrade) gives."""

    def test_counts(self):
        for cap, (total, c2s, s2c) in EXPECTED.items():
            with self.subTest(cap=cap):
                dirs = [d for _, d in messages(cap)]
                self.assertEqual(len(dirs), total)
                self.assertEqual(ws_data_messages(cap), total)
                self.assertEqual((dirs.count("1"), dirs.count("2")), (c2s, s2c))

    def test_no_heuristic_with_upgrade(self):
        """Where the HTTP upgrade is captured, HTTP owns the connection: the
        TCP heuristic never runs (no xmppws layer between TCP and anything);
        wss is TLS by port registration, not by a heuristic of ours."""
        caps = WITH_UPGRADE + [c for c in ("finesse-login.pcapng", "scram-login.pcapng")
                               if os.path.exists(os.path.join(CAPTURES, c))]
        for cap in caps:
            with self.subTest(cap=cap):
                rows = fields(cap, ["frame.number", "frame.protocols"])
                self.assertEqual([r[0] for r in rows if ":tcp:xmppws:" in r[1]], [])
                if cap.startswith("transport-wss"):
                    self.assertEqual(len(frames(cap, "tls.handshake.type == 1")), 1)


class LoginChecks:
    """The handshake fields of the clean login, where a capture holds them."""
    CAP = None
    SUBSCRIBED = (USER_NODE, TEAM_NODE)

    def col(self, name, display_filter):
        return column(self.CAP, name, display_filter)

    def test_sasl_plain(self):
        self.assertEqual(self.col("xmppws.sasl.mechanism", "xmppws.sasl.auth"), ["PLAIN"])
        self.assertEqual(self.col("xmppws.sasl.authcid", "xmppws.sasl.auth"), ["administrator"])
        self.assertEqual(self.col("xmppws.sasl.authzid", "xmppws.sasl.auth"), ["administrator@" + DOMAIN])
        self.assertEqual(self.col("xmppws.direction", "xmppws.sasl.auth"), ["1"])
        self.assertEqual(self.col("xmppws.direction", "xmppws.sasl.success"), ["2"])

    def test_bind(self):
        self.assertEqual(self.col("xmppws.bind.resource", "xmppws.bind.resource"), ["desktop"])
        self.assertEqual(self.col("xmppws.bind.jid", "xmppws.bind.jid"), [JID])
        self.assertEqual(self.col("xmppws.direction", "xmppws.bind.jid"), ["2"])

    def test_subscriptions(self):
        self.assertEqual(self.col("xmppws.pubsub.subscription", "xmppws.pubsub.subscription"),
                         ["subscribed"] * len(self.SUBSCRIBED))
        self.assertEqual(self.col("xmppws.pubsub.node", "xmppws.pubsub.subscription"), list(self.SUBSCRIBED))
        self.assertEqual(self.col("xmppws.pubsub.node", "xmppws.pubsub.node && xmppws.direction == 1"),
                         [USER_NODE, TEAM_NODE])


class WssTls12(LoginChecks, unittest.TestCase):
    """wss with TLS 1.2, key log embedded: decrypted with no option."""
    CAP = "transport-wss-tls12.pcapng"
    VERSION = "0x0303"

    def test_tls_version(self):
        hello = fields(self.CAP, ["tls.handshake.version", "tls.handshake.extensions.supported_version"],
                       "tls.handshake.type == 2")
        if self.VERSION == "0x0303":
            self.assertEqual(hello, [["0x0303", ""]])
        else:
            self.assertEqual(hello, [["0x0303", "0x0304"]])

    def test_upgrade_and_xmpp_decrypted(self):
        self.assertEqual(column(self.CAP, "http.sec_websocket_protocol", "http.response.code == 101"), ["xmpp"])
        self.assertEqual(column(self.CAP, "xmppws.pubsub.event.node", "xmppws.pubsub.event.node"),
                         [USER_NODE, TEAM_NODE])

    def test_only_warranted_warnings(self):
        """The only warning is TCP's: Prosody resets the connection after the
        WebSocket close (captures/transport/README.md)."""
        bad = [(f, m) for f, m, s, g in experts(self.CAP, "_ws.expert") if s in ("Warning", "Error")]
        resets = frames(self.CAP, "tcp.flags.reset == 1")
        self.assertEqual(bad, [(f, "Connection reset (RST)") for f in resets])


class WssTls13(WssTls12):
    CAP = "transport-wss-tls13.pcapng"
    VERSION = "0x0304"


def ours(cap, extra=()):
    """Frames of `cap` where the plugin shows anything at all."""
    return frames(cap, " || ".join(our_filter_names()), extra)


class WssNoKeys(unittest.TestCase):
    """wss without keys (issue 13): Wireshark's TLS dissects the records (the
    wss ports are registered as HTTP over TLS, like 443); nothing of ours is
    shown on a connection we cannot see into."""
    CAP = "transport-wss-nokeys.pcapng"

    def test_nothing_of_ours(self):
        self.assertEqual(frames(self.CAP, "xmppws || websocket || http"), [])
        self.assertEqual(ours(self.CAP), [])

    def test_tls_on_the_wss_port(self):
        """Port 8445 is TLS by registration: the handshake and the records are
        TLS's, not a heuristic's guess."""
        self.assertEqual(fields(self.CAP, ["frame.number", "tls.handshake.type"], "tls.handshake.type == 1"),
                         [["4", "1"]])
        self.assertEqual(frames(self.CAP, "tls.record.opaque_type == 23 || tls.record.content_type == 23"),
                         [f for f in frames(self.CAP, "tls") if f != 4])

    def test_tls12_and_late_captures(self):
        for cap in (without_secrets("transport-wss-tls12.pcapng", "tls12-nokeys.pcapng"),
                    editcap_range(self.CAP, 12, 1000, "late-tls.pcapng")):
            self.assertEqual(frames(cap, "http || xmppws"), [])
            self.assertEqual(ours(cap), [])


class LateStart(LoginChecks, unittest.TestCase):
    """Cut right after the 101: stock Wireshark sees plain TCP; the
    xmppws_tcp heuristic finds the WebSocket frames and the whole login."""
    CAP = "transport-late-start.pcapng"

    def test_heuristic_claims_first_frame(self):
        rows = fields(self.CAP, ["frame.number", "frame.protocols"], "websocket")
        self.assertIn(":tcp:xmppws:websocket:xmppws", rows[0][1])
        self.assertTrue(all(":tcp:websocket" in r[1] and ":tcp:xmppws" not in r[1] for r in rows[1:]))
        self.assertEqual(int(rows[0][0]), messages(self.CAP)[0][0])

    def test_direction_from_masking(self):
        masked = fields(self.CAP, ["websocket.mask", "xmppws.direction"], "xmppws")
        for mask, direction in masked:
            self.assertEqual(set(direction.split("|")), {"1"} if flag(mask.split("|")[0]) == "1" else {"2"})

    def test_heuristic_can_be_disabled(self):
        self.assertEqual(frames(self.CAP, "xmppws || websocket", ["--disable-heuristic", "xmppws_tcp"]), [])

    def test_decode_as(self):
        """Decode As still works with the heuristic off: WebSocket on the port
        (then our "ws" heuristic takes the messages), or XMPP/WS itself."""
        want = messages(self.CAP)
        off = ["--disable-heuristic", "xmppws_tcp"]
        self.assertEqual(messages(self.CAP, off + ["-d", "tcp.port==5290,websocket"]), want)
        self.assertEqual(messages(self.CAP, off + ["-d", "tcp.port==5290,xmppws"]), want)

    def test_notifications(self):
        self.assertEqual(column(self.CAP, "xmppws.pubsub.event.node", "xmppws.pubsub.event.node"),
                         [USER_NODE] * 4 + [TEAM_NODE])


class MidSession(unittest.TestCase):
    """Only the notification frames: 5 events, server to client."""
    CAP = "transport-mid-session.pcapng"

    def test_events(self):
        self.assertEqual(messages(self.CAP), [(f, "2") for f in frames(self.CAP, "websocket")])
        self.assertEqual(column(self.CAP, "xmppws.pubsub.event.node", "xmppws.pubsub.event.node"),
                         [USER_NODE] * 4 + [TEAM_NODE])
        self.assertEqual(column(self.CAP, "xmppws.message.from", "xmppws.pubsub.event"), ["pubsub." + DOMAIN] * 5)

    def test_decode_as_xmppws_learns_direction_from_masking(self):
        extra = ["--disable-heuristic", "xmppws_tcp", "-d", "tcp.port==5290,xmppws"]
        self.assertEqual(messages(self.CAP, extra), messages(self.CAP))

    def test_heuristic_can_be_disabled(self):
        self.assertEqual(frames(self.CAP, "xmppws", ["--disable-heuristic", "xmppws_tcp"]), [])


class NoSubprotocol(LoginChecks, unittest.TestCase):
    """ejabberd accepts an upgrade with no subprotocol; the messages come
    through the plugin's ws.port entry (8445)."""
    CAP = "transport-no-subprotocol.pcapng"

    def test_no_subprotocol_negotiated(self):
        self.assertEqual(frames(self.CAP, "http.sec_websocket_protocol"), [])
        self.assertEqual(len(frames(self.CAP, "http.response.code == 101")), 1)

    def test_expert_on_first_element(self):
        first = messages(self.CAP)[0][0]
        got = [(f, m, s) for f, m, s, g in experts(self.CAP, "xmppws.no_subprotocol") if "subprotocol" in m]
        self.assertEqual(got, [(first, 'The WebSocket upgrade negotiated no subprotocol, not "xmpp" (RFC 7395 3.1): '
                                       'the server should have refused it or echoed Sec-WebSocket-Protocol: xmpp',
                                "Warning")])

    def test_through_ws_port(self):
        self.assertEqual(messages(self.CAP, ["--disable-heuristic", "xmppws_ws"]), messages(self.CAP))


class Fragmented(unittest.TestCase):
    """Prosody: the team subscription in 3 frames; WebSocket reassembles it
    in the frame of the last fragment; Prosody closes with 1003."""
    CAP = "transport-fragmented.pcapng"
    ANSWERED = False

    def test_reassembled_in_final_fragment(self):
        first, middle = frames(self.CAP, "websocket.fin == 0")
        last = frames(self.CAP, "websocket.opcode == 0 && websocket.fin == 1")
        self.assertEqual(len(last), 1)
        self.assertEqual(frames(self.CAP, "xmppws && websocket.fin == 0"), [])
        self.assertLess(middle, last[0])
        self.assertEqual(column(self.CAP, "websocket.fragment.count", "frame.number == %d" % last[0]), ["3"])
        self.assertEqual(column(self.CAP, "xmppws.pubsub.node", "frame.number == %d" % last[0]), [TEAM_NODE])
        self.assertEqual(column(self.CAP, "xmppws.direction", "frame.number == %d" % last[0]), ["1"])
        self.assertEqual(column(self.CAP, "_ws.col.Info", "frame.number == %d" % last[0]),
                         ["iq set pubsub subscribe node=" + TEAM_NODE])

    def test_server_answer(self):
        answered = column(self.CAP, "xmppws.pubsub.node", "xmppws.pubsub.subscription")
        if self.ANSWERED:
            self.assertEqual(answered, [USER_NODE, TEAM_NODE])
            self.assertEqual(frames(self.CAP, "websocket.payload.close.status_code == 1003"), [])
        else:
            self.assertEqual(answered, [USER_NODE])
            close = fields(self.CAP, ["tcp.srcport", "websocket.payload.close.status_code",
                                      "websocket.payload.close.reason"], "websocket.payload.close.status_code")
            self.assertEqual(close[0], ["5290", "1003", "Continuation frames are not supported, RFC 7395 3.3.3"])


class FragmentedEjabberd(LoginChecks, Fragmented):
    CAP = "transport-fragmented-ejabberd.pcapng"
    ANSWERED = True


class Batched(LoginChecks, unittest.TestCase):
    """3 WebSocket messages in one TCP segment, both ways: all dissected, one
    Info column joined by " | "."""
    CAP = "transport-batched.pcapng"

    def batch(self, direction):
        rows = fields(self.CAP, ["frame.number", "websocket.opcode", "xmppws.direction", "_ws.col.Info"],
                      "xmppws.direction == %s" % direction)
        return [r for r in rows if len(r[1].split("|")) == 3]

    def test_client_batch(self):
        (row,) = self.batch(1)
        self.assertEqual(row[2], "1|1|1")
        self.assertEqual(row[3], "presence | iq set pubsub subscribe node=%s | iq set pubsub subscribe node=%s"
                         % (USER_NODE, TEAM_NODE))
        self.assertEqual(column(self.CAP, "tcp.len", "frame.number == %s" % row[0]), ["529"])

    def test_server_batch(self):
        (row,) = self.batch(2)
        self.assertEqual(row[2], "2|2|2")
        self.assertEqual(row[3].split(" | "),
                         ["presence from=" + JID,
                          "iq result pubsub subscription=subscribed node=" + USER_NODE,
                          "iq result pubsub subscription=subscribed node=" + TEAM_NODE])


class Large(LoginChecks, unittest.TestCase):
    """A ~120 kB message each way, over several TCP segments."""
    CAP = "transport-large.pcapng"

    def test_large_messages(self):
        rows = fields(self.CAP, ["xmppws.direction", "xmppws.message.id", "websocket.payload_length",
                                 "tcp.segment.count", "websocket.payload_length_ext_64"], "xmppws.message.body")
        self.assertEqual([r[:3] for r in rows], [["1", "large_1", "127"], ["2", "large_1", "127"]])
        for r in rows:
            self.assertGreaterEqual(int(r[3]), 3)
            self.assertGreater(int(r[4]), 120000)
        bodies = column(self.CAP, "xmppws.message.body", "xmppws.message.body")
        self.assertEqual(len(bodies), 2)


class Deflate(LoginChecks, unittest.TestCase):
    """permessage-deflate negotiated; every message is compressed on the
    wire and inflated by WebSocket before we see it."""
    CAP = "transport-deflate.pcapng"

    def test_negotiated(self):
        self.assertEqual(column(self.CAP, "http.sec_websocket_extensions", "http.response.code == 101"),
                         ["permessage-deflate"])

    def test_every_message_compressed_and_inflated(self):
        pmc = column(self.CAP, "websocket.pmc", "websocket.opcode == 1")
        self.assertEqual(len(pmc), 22)
        self.assertTrue(all(v in ("1", "True") for v in pmc))
        # compressed on the wire, readable in the tree
        self.assertEqual(frames(self.CAP, 'frame contains "xmpp-bind" || frame contains "pubsub#event"'), [])
        self.assertEqual(column(self.CAP, "xmppws.pubsub.event.node", "xmppws.pubsub.event.node"),
                         [USER_NODE, TEAM_NODE])


class Ejabberd(LoginChecks, unittest.TestCase):
    CAP = "transport-ejabberd.pcapng"

    def test_notifications(self):
        self.assertEqual(column(self.CAP, "xmppws.pubsub.event.node", "xmppws.pubsub.event.node"),
                         [USER_NODE, TEAM_NODE])


class EjabberdLegacy(unittest.TestCase):
    """ejabberd 23.01 no longer accepts <stream:stream>: the plugin flags the
    client's legacy open; the server closes without a word of XMPP."""
    CAP = "transport-ejabberd-legacy.pcapng"

    def test_legacy_flagged_and_closed(self):
        (msg,) = messages(self.CAP)
        self.assertEqual(msg[1], "1")
        self.assertEqual([(f, s) for f, m, s, g in experts(self.CAP, "xmppws.legacy_framing")
                          if "pre-RFC 7395" in m], [(msg[0], "Warning")])
        close = fields(self.CAP, ["tcp.srcport", "websocket.payload.close.status_code"],
                       "websocket.payload.close.status_code")
        self.assertEqual(close[0], ["5390", "1000"])


class HeuristicStrictness(unittest.TestCase):
    """What the xmppws_tcp heuristic refuses, and what it steps over, on
    synthetic connections without an upgrade (no real peer sends these)."""
    XMPP_C = '<presence xmlns="jabber:client"/>'
    XMPP_S = "<message xmlns='jabber:client' from='pubsub.%s' type='headline'/>" % DOMAIN

    def write(self, name, build):
        conv = synth.Conversation(server_port=5290, client_port=40000)
        build(conv)
        path = os.path.join(tempfile.mkdtemp(prefix="xmppws-synth-"), name)
        conv.write(path)
        return path

    def test_refused(self):
        cases = {
            "json.pcapng": lambda c: c.client_text('{"op":"subscribe","node":"/finesse/api/User/a"}'),
            "no-namespace.pcapng": lambda c: c.client_text("<presence/>"),
            "not-xmpp-xml.pcapng": lambda c: c.client_text('<message xmlns="urn:example:chat">hi</message>'),
            "rsv1.pcapng": lambda c: c.client({"data": self.XMPP_C, "rsv": 4}),
            "binary.pcapng": lambda c: c.client({"opcode": "binary", "data": self.XMPP_C}),
            "http.pcapng": lambda c: c.data("c", "GET /ws/ HTTP/1.1\r\nHost: x\r\n\r\n"),
        }
        for name, build in cases.items():
            with self.subTest(case=name):
                self.assertEqual(frames(self.write(name, build), "xmppws || websocket"), [])

    def test_steps_over_control_frames_and_learns_direction(self):
        def build(c):
            c.client({"opcode": "ping", "data": "k"}, self.XMPP_C)
            c.server({"opcode": "pong", "data": "k"}, self.XMPP_S)
        cap = self.write("ping-then-xmpp.pcapng", build)
        self.assertEqual([d for _, d in messages(cap)], ["1", "2"])

    def test_server_first(self):
        def build(c):
            c.server_text(self.XMPP_S)
            c.client_text(self.XMPP_C)
        cap = self.write("server-first.pcapng", build)
        self.assertEqual([d for _, d in messages(cap)], ["2", "1"])

    def test_claims_from_the_first_xmpp_frame(self):
        def build(c):
            c.client_text("<presence/>")  # no namespace: not enough
            c.server_text(self.XMPP_S)
            c.client_text("<presence/>")  # the connection is XMPP by now
        cap = self.write("claim-later.pcapng", build)
        self.assertEqual([d for _, d in messages(cap)], ["2", "1"])


if __name__ == "__main__":
    unittest.main()
