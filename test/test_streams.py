"""One XMPP stream as a whole (issue 17): the xmppws.stream fields
(xmppws-core.c), Follow XMPP Stream (xmppws-follow.c), Conversations and
Endpoints (xmppws-conv.c) and the xmppws.health.* fields on a stream's
last message (xmppws-health.c), on real captures: the WebSocket login, the
dropped socket, a BOSH session over two connections, the TLS ones, and the
load capture (25 agents).

Every figure is cross-checked against the per-message fields, so that the
views can never disagree with the packet details: a stream's follow records
are its units, in order, with their directions; a conversation's message
and byte counts are those of its units.
"""
import re
import unittest

from xmppws_test import capture, fields, tshark

CLIENT = "1"
SERVER = "2"
JID = "administrator@uccxpub.prabhat.com/desktop"


def units(cap, two_pass=True):
    """(frame, stream, direction) of every unit, in order."""
    out = []
    for frame, streams, dirs in fields(cap, ["frame.number", "xmppws.stream", "xmppws.direction"], "xmppws",
                                       ["-2"] if two_pass else []):
        streams, dirs = streams.split("|"), dirs.split("|")
        assert len(streams) == len(dirs), (frame, streams, dirs)
        out += [(int(frame), int(s), d) for s, d in zip(streams, dirs)]
    return out


def follow(cap, stream):
    """tshark -z follow,xmppws,ascii,N: (header lines, [(is_server, text)])."""
    out = tshark(["-n", "-q", "-r", capture(cap), "-z", "follow,xmppws,ascii,%d" % stream])
    data = out.encode("utf-8")
    start = data.index(b"=" * 60)
    lines, pos, records = [], data.index(b"\n", start) + 1, []
    while pos < len(data):
        end = data.index(b"\n", pos)
        line = data[pos:end].decode()
        m = re.match(r"^(\t?)(\d+)$", line)
        if m:
            n = int(m.group(2))
            records.append((m.group(1) == "\t", data[end + 1:end + 1 + n].decode("utf-8", "replace")))
            pos = end + 1 + n
            if data[pos:pos + 1] == b"\n":   # the newline tshark writes after each chunk
                pos += 1
            continue
        if line.startswith("=" * 60):
            break
        lines.append(line)
        pos = end + 1
    return lines, records


NAME = r"(?:(?:ws|wss|BOSH|BOSH/TLS) )?\S+"
PAIR = re.compile(r"(\d+)\s+(\d+(?:\.\d+)?)(?: ?(bytes|kB|MB))?")


def conv_rows(cap, two_pass=True, table="conv"):
    """The rows of -z conv,xmppws as (A, B, [(frames, bytes)] for B->A, A->B,
    total); of -z endpoints,xmppws as (name, [(packets, bytes)] for all, tx,
    rx). Sizes as printed ("8626", "548 kB"): 4.4 and later add "bytes"."""
    out = tshark(["-n", "-q", "-r", capture(cap), "-z", "%s,xmppws" % table] + (["-2"] if two_pass else []))
    body = out.split("Filter:<No Filter>", 1)[1].splitlines()
    rows = []
    for line in body:
        if table == "conv":
            m = re.match(r"^(%s)\s+<->\s+(%s)\s+(\d.*)$" % (NAME, NAME), line)
            if m:
                pairs = [(f, b + (" " + u if u and u != "bytes" else "")) for f, b, u in PAIR.findall(m.group(3))]
                rows.append((m.group(1), m.group(2), pairs[:3]))
        else:
            m = re.match(r"^(%s)\s+(\d.*)$" % NAME, line)
            if m:
                pairs = [(f, b + (" " + u if u and u != "bytes" else "")) for f, b, u in PAIR.findall(m.group(2))]
                rows.append((m.group(1), pairs[:3]))
    return rows


class StreamFields(unittest.TestCase):
    def test_one_stream_per_connection(self):
        """The load capture: 25 WebSocket connections, streams 0-24 in the
        order they start, every message of a connection in one stream."""
        rows = fields("bench-10k.pcapng", ["tcp.stream", "xmppws.stream"], "xmppws")
        pairs = {}
        for tcp, streams in rows:
            for s in streams.split("|"):
                pairs.setdefault(int(s), set()).add(int(tcp))
        self.assertEqual(sorted(pairs), list(range(25)))
        self.assertTrue(all(len(t) == 1 for t in pairs.values()))
        firsts = [min(f for f, s, _ in units("bench-10k.pcapng", False) if s == n) for n in range(25)]
        self.assertEqual(firsts, sorted(firsts))

    def test_bosh_session_is_one_stream(self):
        """A BOSH session spans connections (ejabberd: 3); one stream."""
        rows = fields("bosh-ejabberd.pcapng", ["tcp.stream", "xmppws.stream", "xmppws.stream.transport"], "xmppws")
        self.assertEqual({r[1] for r in rows}, {"0"})
        self.assertEqual(len({r[0] for r in rows}), 3)
        self.assertEqual({r[2] for r in rows}, {"BOSH"})

    def test_names(self):
        cases = [
            ("finesse-login.pcapng", "ws", "127.0.0.1:58280", "ws 127.0.0.1:5280"),
            ("rest-notify-tls.pcapng", "wss", None, "wss 127.0.0.1:8446"),
            ("bosh-prosody-strophe.pcapng", "BOSH", "127.0.0.1", "BOSH 127.0.0.1:7070"),
            ("bosh-prosody-strophe-tls.pcapng", "BOSH/TLS", "127.0.0.1", "BOSH/TLS 127.0.0.1:7443"),
        ]
        for cap, transport, client, server in cases:
            with self.subTest(cap=cap):
                rows = [[set(v.split("|")) for v in r] for r in fields(
                    cap, ["xmppws.stream.transport", "xmppws.stream.client", "xmppws.stream.server",
                          "xmppws.stream.jid"], "xmppws", ["-2"])]
                self.assertEqual(set.union(*[r[0] for r in rows]), {transport})
                if client:
                    self.assertEqual(set.union(*[r[1] for r in rows]), {client})
                self.assertEqual(set.union(*[r[2] for r in rows]), {server})
                # once the capture has been read, every message names the bound JID
                self.assertEqual(set.union(*[r[3] for r in rows]), {JID})

    def test_jid_after_bind_on_one_pass(self):
        """A single pass knows the JID from the bind result on (frame 16)."""
        rows = fields("finesse-login.pcapng", ["frame.number", "xmppws.stream.jid"], "xmppws")
        self.assertEqual([r[0] for r in rows if not r[1]], ["8", "9", "10", "11", "12", "13", "14", "15"])
        self.assertEqual({j for r in rows if r[1] for j in r[1].split("|")}, {JID})


class Follow(unittest.TestCase):
    def test_websocket_login(self):
        head, records = follow("finesse-login.pcapng", 0)
        self.assertIn("Filter: xmppws.stream eq 0", head)
        self.assertIn("Node 0: 127.0.0.1:58280", head)
        self.assertIn("Node 1: 127.0.0.1:5280", head)
        # one record per unit of the stream, in order, each from its side
        expected = [d for _, s, d in units("finesse-login.pcapng") if s == 0]
        self.assertEqual(len(expected), 25)
        self.assertEqual([SERVER if srv else CLIENT for srv, _ in records], expected)
        self.assertTrue(records[0][1].startswith('<open version="1.0" xmlns="urn:ietf:params:xml:ns:xmpp-framing"'))
        self.assertTrue(all(text.endswith("\n") for _, text in records))

    def test_finesse_payload_unescaped(self):
        """The <Update/> escaped in each notification is shown as XML, one
        element per line, indented under its <notification/>; its values
        are the finesse.* fields'."""
        _, records = follow("finesse-login.pcapng", 0)
        text = "".join(t for _, t in records)
        self.assertNotIn("&lt;", text)
        notifications = [t for _, t in records if "<notification" in t]
        states = fields("finesse-login.pcapng", ["finesse.user.state"], "finesse.user.state", ["-2"])
        self.assertEqual(len(notifications), len(states))
        for t, (state,) in zip(notifications, states):
            lines = t.splitlines()
            self.assertTrue(lines[0].endswith("<item id='finesse-0000%d'>" % (notifications.index(t) + 1)))
            self.assertEqual(lines[1], '  <notification xmlns="http://jabber.org/protocol/pubsub">')
            self.assertEqual(lines[2], "    <Update>")
            self.assertIn("          <state>%s</state>" % state, lines)
            self.assertEqual(lines[-3:], ["    </Update>", "  </notification>", "</item></items></event></message>"])

    def test_three_escaping_forms_alike(self):
        """Finesse sends its <Update/> escaped, literal with an escaped
        <data/>, or literal (finesse-escaping.pcapng, synthetic, frames 14-16):
        Follow shows the three alike; a payload that is not well-formed once
        unescaped stays as sent."""
        _, records = follow("finesse-escaping.pcapng", 0)
        notifications = [t.splitlines() for _, t in records if "<notification" in t]
        self.assertEqual(len(notifications), 20)
        self.assertEqual(notifications[0][1:], notifications[1][1:])
        self.assertEqual(notifications[0][1:], notifications[2][1:])
        self.assertEqual(notifications[0][2], "    <Update>")
        self.assertEqual(sum(1 for n in notifications if any("&lt;" in l for l in n)), 2)

    def test_plain_messages_as_sent(self):
        """A unit without escaped XML is its bytes, unchanged, and a
        newline: the client's 10 messages are the 1813 bytes Conversations
        counts for them (the server's notifications are rewritten)."""
        _, records = follow("finesse-login.pcapng", 0)
        client = [t for srv, t in records if not srv]
        self.assertEqual(len(client), 10)
        self.assertEqual(sum(len(t.encode()) for t in client), 1813 + 10)
        self.assertTrue(all(t.count("\n") == 1 for t in client))

    def test_bosh_session_across_connections(self):
        """One BOSH session over two TCP connections: every body of both,
        requests from the client, responses from the server."""
        head, records = follow("bosh-prosody-strophe.pcapng", 0)
        self.assertIn("Node 1: 127.0.0.1:7070", head)
        expected = [d for _, s, d in units("bosh-prosody-strophe.pcapng") if s == 0]
        self.assertEqual(len(expected), 28)
        self.assertEqual([SERVER if srv else CLIENT for srv, _ in records], expected)
        self.assertTrue(all(t.startswith("<body") for _, t in records))
        self.assertIn("  <Update>", "".join(t for _, t in records))

    def test_dropped_socket(self):
        _, records = follow("anomaly-dropped-socket.pcapng", 0)
        self.assertEqual(len(records), 17)
        self.assertIn("urn:xmpp:ping", records[-1][1])
        self.assertFalse(records[-1][0])

    def test_no_such_stream(self):
        head, records = follow("finesse-login.pcapng", 5)
        self.assertEqual(records, [])


class Conversations(unittest.TestCase):
    def test_websocket_login(self):
        rows = conv_rows("finesse-login.pcapng")
        # "<-" is B to A (server to client), "->" A to B
        self.assertEqual(rows, [(JID, "ws 127.0.0.1:5280", [("15", "6813"), ("10", "1813"), ("25", "8626")])])
        # the counts are the units of the stream
        dirs = [d for _, s, d in units("finesse-login.pcapng")]
        self.assertEqual((dirs.count(SERVER), dirs.count(CLIENT)), (15, 10))

    def test_one_pass_names_the_client_by_address(self):
        """A single pass cannot name the client by a JID bound later: one
        row, named by the address, for the whole stream."""
        self.assertEqual(conv_rows("finesse-login.pcapng", two_pass=False), [
            ("127.0.0.1:58280", "ws 127.0.0.1:5280", [("15", "6813"), ("10", "1813"), ("25", "8626")])])

    def test_bosh_and_tls(self):
        cases = {
            "bosh-prosody-strophe.pcapng": ("BOSH 127.0.0.1:7070", [("14", "8335"), ("14", "2481")]),
            "bosh-ejabberd.pcapng": ("BOSH 127.0.0.1:7071", [("15", "7245"), ("15", "2470")]),
            "bosh-prosody-strophe-tls.pcapng": ("BOSH/TLS 127.0.0.1:7443", [("14", "8335"), ("14", "2467")]),
            "rest-notify-tls.pcapng": ("wss 127.0.0.1:8446", [("15", "7677"), ("9", "914")]),
        }
        for cap, (server, pairs) in cases.items():
            with self.subTest(cap=cap):
                rows = conv_rows(cap)
                self.assertEqual([(a, b, p[:2]) for a, b, p in rows], [(JID, server, pairs)])

    def test_load_capture(self):
        """25 agents, one row each with its JID; the rows' messages are all
        the units of the capture."""
        rows = conv_rows("bench-10k.pcapng")
        self.assertEqual([r[0] for r in rows], ["agent%03d@uccxpub.prabhat.com/desktop" % i for i in range(1, 26)])
        self.assertEqual({r[1] for r in rows}, {"ws 127.0.0.1:5280"})
        total = sum(int(r[2][2][0]) for r in rows)
        self.assertEqual(total, len(units("bench-10k.pcapng")))

    def test_endpoints(self):
        self.assertEqual(sorted(conv_rows("finesse-login.pcapng", table="endpoints")), sorted([
            (JID, [("25", "8626"), ("10", "1813"), ("15", "6813")]),
            ("ws 127.0.0.1:5280", [("25", "8626"), ("15", "6813"), ("10", "1813")]),
        ]))

    def test_row_filter(self):
        """The filter the dialog builds for the row (A <-> B) selects the
        stream's messages; A -> B the client's."""
        flt = 'xmppws.stream.endpoint == "%s" && xmppws.stream.endpoint == "ws 127.0.0.1:5280"' % JID
        frames = [r[0] for r in fields("finesse-login.pcapng", ["frame.number"], flt, ["-2"])]
        self.assertEqual(frames, [r[0] for r in fields("finesse-login.pcapng", ["frame.number"], "xmppws.stream == 0",
                                                       ["-2"])])
        self.assertEqual(len(frames), 22)
        a_to_b = [int(r[0]) for r in fields("finesse-login.pcapng", ["frame.number"],
                                            'xmppws.stream.src == "%s"' % JID, ["-2"])]
        self.assertEqual(a_to_b, sorted({f for f, s, d in units("finesse-login.pcapng") if d == CLIENT}))
        b_to_a = [int(r[0]) for r in fields("finesse-login.pcapng", ["frame.number"],
                                            'xmppws.stream.dst == "%s"' % JID, ["-2"])]
        self.assertEqual(b_to_a, sorted({f for f, s, d in units("finesse-login.pcapng") if d == SERVER}))


class HealthFields(unittest.TestCase):
    """xmppws.health.* on the stream's last message: the figures of
    -z xmppws,health (test_stats.Health), once the capture has been read."""

    NAMES = ["frame.number", "xmppws.health.messages", "xmppws.health.ended", "xmppws.health.end_in",
             "xmppws.health.pings_client", "xmppws.health.pings_server", "xmppws.health.pings_answered",
             "xmppws.health.ping_unanswered", "xmppws.health.silence_from", "xmppws.health.silence_to",
             "xmppws.health.last_notification_in", "xmppws.health.longest_silence", "xmppws.health.duration",
             "xmppws.health.last_notification"]

    def health(self, cap):
        rows = fields(cap, self.NAMES, "xmppws.health", ["-2"])
        self.assertEqual(len(rows), 1)
        row = dict(zip(self.NAMES, rows[0]))
        for k in ("xmppws.health.longest_silence", "xmppws.health.duration"):
            row[k] = "%.3f" % float(row[k].split()[0])
        return row

    def test_dropped_socket(self):
        self.assertEqual(self.health("anomaly-dropped-socket.pcapng"), {
            "frame.number": "22",
            "xmppws.health.messages": "17",
            "xmppws.health.ended": "TCP RST from the client (frame 24), without <close/>: a dropped connection",
            "xmppws.health.end_in": "24",
            "xmppws.health.pings_client": "1",
            "xmppws.health.pings_server": "0",
            "xmppws.health.pings_answered": "0",
            "xmppws.health.ping_unanswered": "22",
            "xmppws.health.silence_from": "20",
            "xmppws.health.silence_to": "22",
            "xmppws.health.last_notification_in": "",
            "xmppws.health.longest_silence": "0.298",
            "xmppws.health.duration": "0.315",
            "xmppws.health.last_notification": "",
        })

    def test_clean_login(self):
        row = self.health("finesse-login.pcapng")
        self.assertEqual(row["frame.number"], "35")
        self.assertEqual(row["xmppws.health.messages"], "25")
        self.assertEqual(row["xmppws.health.ended"],
                         "WebSocket Close 1000 from the server (frame 35), <close/> both ways (frames 34, 35)")
        self.assertEqual(row["xmppws.health.last_notification"], "Finesse PUT User administrator READY")
        self.assertEqual(row["xmppws.health.last_notification_in"], "32")
        self.assertEqual(row["xmppws.health.ping_unanswered"], "")

    def test_bosh(self):
        row = self.health("bosh-prosody-strophe.pcapng")
        self.assertEqual(row["xmppws.health.ended"], "<close/> both ways (frames 56, 58)")
        self.assertEqual(row["xmppws.health.end_in"], "")
        self.assertEqual((row["xmppws.health.silence_from"], row["xmppws.health.silence_to"]), ("38", "40"))
        self.assertEqual(row["xmppws.health.last_notification_in"], "52")
        # the agent logged out: the last notification says so, with its reason
        self.assertEqual(row["xmppws.health.last_notification"],
                         "Finesse PUT User administrator LOGOUT (reason 32760 End of shift)")

    def test_answered_pings(self):
        """A real keepalive session: 4 pings answered, round trips as the
        response times of the answers."""
        row = fields("keepalive-pings.pcapng", ["frame.number", "xmppws.health.pings_client",
                                                "xmppws.health.pings_answered", "xmppws.health.ping_unanswered",
                                                "xmppws.health.ping_rtt_avg", "xmppws.health.ping_rtt_max"],
                     "xmppws.health", ["-2"])
        self.assertEqual(len(row), 1)
        self.assertEqual(row[0][:4], ["40", "4", "4", ""])
        self.assertAlmostEqual(float(row[0][4]), 0.9200865, places=6)
        self.assertAlmostEqual(float(row[0][5]), 1.827323, places=6)

    def test_one_per_stream_of_the_load_capture(self):
        rows = fields("bench-10k.pcapng", ["xmppws.stream", "xmppws.health.ended"], "xmppws.health", ["-2"])
        self.assertEqual(sorted(int(r[0]) for r in rows), list(range(25)))

    def test_not_on_a_single_pass(self):
        """A single pass has not seen the stream's end yet."""
        self.assertEqual(fields("anomaly-dropped-socket.pcapng", ["frame.number"], "xmppws.health"), [])


if __name__ == "__main__":
    unittest.main()
