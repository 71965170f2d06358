"""One TLS port for everything, captures that start mid-session, compressed
connections (issue 13): the plugin claims only what is XMPP and raises its
expert infos only on XMPP connections.

The captures are real (captures/one-port/make.sh, captures/one-port/README.md):
a Node front on 127.0.0.1:8445 serving the desktop page, REST-style Finesse
API calls and /ws/ (proxied to Prosody 0.12), two desktops and one HTTPS
connection with no XMPP at all. tcp.stream 1 and 3 are the desktops'
WebSockets; 0, 2 and 4 are HTTPS without XMPP, where the desktops call the
Finesse REST API (issue 16: finesse, not xmppws).
"""
import unittest

from xmppws_test import STAGE, column, expert_infos, fields, our_filter_names

KEYS = "one-port-keys.pcapng"
NOKEYS = "one-port-nokeys.pcapng"
MID = "one-port-mid-session.pcapng"
DEFLATE = "deflate-mid-session.pcapng"
DEFLATE_NCTX = "deflate-nctx-mid-session.pcapng"

XMPP_STREAMS = {"1", "3"}

# Expert infos about the order of a stream, which a capture that starts
# mid-session cannot judge.
SEQUENCE = {"xmppws.stanza_before_auth", "xmppws.bind_before_auth", "xmppws.stanza_before_bind",
            "xmppws.second_open", "xmppws.close_after_success", "xmppws.unsolicited_response",
            "xmppws.sasl.unoffered_mechanism", "xmppws.data_after_close"}


def our_names():
    return our_filter_names()


def xmppws_names():
    return [n for n in our_filter_names() if n.split(".")[0] == "xmppws"]


def frames(cap, display_filter, extra=("-2",)):
    return [int(r[0]) for r in fields(cap, ["frame.number"], display_filter, list(extra))]


def streams(cap, display_filter):
    return {r[0] for r in fields(cap, ["tcp.stream"], display_filter, ["-2"])}


class WithKeys(unittest.TestCase):
    def test_xmppws_is_exactly_the_websocket_messages(self):
        self.assertEqual(frames(KEYS, "xmppws"), frames(KEYS, "websocket.opcode == 1"))
        self.assertEqual(len(frames(KEYS, "xmppws")), 36)
        self.assertEqual(streams(KEYS, "xmppws"), XMPP_STREAMS)

    def test_messages_and_directions(self):
        dirs = column(KEYS, "xmppws.direction", "xmppws")
        self.assertEqual((len(dirs), dirs.count("1"), dirs.count("2")), (40, 16, 24))

    def test_nothing_of_ours_on_the_https_connections(self):
        """XMPP only on the WebSockets; on the other connections only the
        Finesse REST API (issue 16), and only its calls."""
        self.assertEqual(streams(KEYS, " || ".join(xmppws_names())), XMPP_STREAMS)
        self.assertEqual(frames(KEYS, "finesse && !xmppws"), frames(KEYS, "finesse.rest"))
        api = fields(KEYS, ["frame.number", "http.response_in"], "http.request.uri contains \"/finesse/api/\"",
                     ["-2"])
        self.assertEqual(frames(KEYS, "finesse.rest"), sorted({int(f) for r in api for f in r if f}))
        # a clean run over wss: no expert info of ours anywhere
        self.assertEqual(expert_infos(KEYS, "_ws.expert"), [])
        # the REST calls are HTTP's, in streams 0, 2 and 4
        self.assertEqual(streams(KEYS, "http.request.method == \"PUT\""), {"0", "2", "4"})

    def test_notifications(self):
        rows = fields(KEYS, ["frame.number", "finesse.user.id", "finesse.user.state"], "finesse.user.state && xmppws")
        self.assertEqual(rows, [["101", "administrator", "READY"], ["103", "agent001", "READY"],
                                ["105", "administrator", "NOT_READY"], ["107", "agent001", "NOT_READY"]])

    def test_each_stream_ends_cleanly(self):
        """Both desktops close with <close/>: their ends are marked, none is
        a drop."""
        rows = fields(KEYS, ["tcp.stream", "xmppws.stream_end"], "xmppws.stream_end", ["-2"])
        # the value is the stream's number (the conversation index, which
        # Wireshark versions count differently from tcp.stream): one per connection
        self.assertEqual({r[0] for r in rows}, XMPP_STREAMS)
        self.assertEqual(len({r[1] for r in rows}), 2)
        self.assertEqual(len({(r[0], r[1]) for r in rows}), 2)
        self.assertEqual(frames(KEYS, "xmppws.dropped || xmppws.no_close"), [])


class WithoutKeys(unittest.TestCase):
    def test_nothing_of_ours(self):
        self.assertEqual(frames(NOKEYS, " || ".join(our_names())), [])
        self.assertEqual(expert_infos(NOKEYS, "_ws.expert"), [])

    def test_tls_by_port(self):
        """Port 8445 is HTTP over TLS by registration: all five connections
        are TLS, none is XMPP."""
        self.assertEqual(streams(NOKEYS, "tls.handshake.type == 1"), {"0", "1", "2", "3", "4"})
        self.assertEqual(frames(NOKEYS, "http || websocket"), [])


class MidSession(unittest.TestCase):
    """The plain-HTTP run cut after both logins: the heuristic finds the two
    WebSockets; nothing is said about an order it cannot see."""

    def test_found(self):
        rows = fields(MID, ["frame.number", "tcp.stream", "xmppws.stage"], "xmppws", ["-2"])
        self.assertEqual([(r[0], r[1]) for r in rows],
                         [("16", "2"), ("18", "0"), ("20", "2"), ("22", "0"), ("24", "2"), ("25", "2"),
                          ("31", "0"), ("32", "0")])
        # notifications before any <open/>: stage unknown; then closing and closed
        self.assertEqual([r[2] for r in rows], [STAGE["unknown"]] * 4 + [STAGE["closing"], STAGE["closed"]] * 2)

    def test_no_sequence_warning(self):
        names = {e["name"] for e in expert_infos(MID, "_ws.expert")}
        self.assertEqual(names & SEQUENCE, set())
        self.assertEqual(frames(MID, "xmppws.login"), [])

    def test_the_plain_http_connection_is_not_ours(self):
        """Not XMPP: its REST calls are Finesse's (issue 16), not xmppws'."""
        self.assertEqual(streams(MID, " || ".join(xmppws_names())), {"0", "2"})
        self.assertEqual(streams(MID, "finesse.rest"), {"1"})
        self.assertEqual(streams(MID, "http.request"), {"1"})

    def test_finesse_leads_the_info_column(self):
        rows = fields(MID, ["_ws.col.Info"], "frame.number == 20")
        self.assertEqual(rows, [["Finesse PUT User administrator NOT_READY (reason 32762 Lunch); message headline "
                                 "pubsub event node=/finesse/api/User/administrator item=finesse-00003"]])


class Compressed(unittest.TestCase):
    """permessage-deflate negotiated before the capture (RFC 7692): the
    connection is recognised; messages that need the earlier history are
    named and explained, the others are inflated and dissected."""

    def test_context_takeover_is_named_and_explained(self):
        self.assertEqual(frames(DEFLATE, "xmppws"), [2, 4, 6, 8, 9])
        # once per connection; and no "dropped": its <close/>s are among what cannot be read
        notes = [(e["frame"], e["name"]) for e in expert_infos(DEFLATE, "_ws.expert")]
        self.assertEqual(notes, [(2, "xmppws.compressed_history")])
        info = fields(DEFLATE, ["frame.number", "_ws.col.Info"], "xmppws", ["-2"])
        self.assertEqual({r[1] for r in info}, {"(compressed: needs the connection's start)"})
        partial = fields(DEFLATE, ["xmppws.compressed.partial"], "frame.number == 8")
        self.assertEqual(partial, [["<close \u2026 />"]])

    def test_without_context_takeover_everything_is_inflated(self):
        rows = fields(DEFLATE_NCTX, ["frame.number", "xmppws.direction", "finesse.user.state"], "xmppws", ["-2"])
        self.assertEqual(rows, [["2", "2", "READY"], ["4", "2", "NOT_READY"], ["6", "2", "READY"],
                                ["8", "1", ""], ["9", "2", ""]])
        self.assertEqual(frames(DEFLATE_NCTX, "xmppws.compressed_history"), [])
        self.assertEqual(frames(DEFLATE_NCTX, "xmppws.close"), [8, 9])

    def test_stock_wireshark_sees_tcp(self):
        """Without the plugin's heuristic nothing is WebSocket."""
        off = ["-2", "--disable-heuristic", "xmppws_tcp"]
        self.assertEqual(frames(DEFLATE, "websocket || xmppws", off), [])
        self.assertEqual(frames(DEFLATE_NCTX, "websocket || xmppws", off), [])


if __name__ == "__main__":
    unittest.main()
