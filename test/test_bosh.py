"""XMPP over BOSH (issue 15): XEP-0124/XEP-0206 bodies in HTTP, dissected by
the same core as XMPP over WebSocket.

Material (captures/bosh/README.md has every fact these tests check):
  bosh-prosody-strophe.pcapng      strophe.js 5 in headless Chromium 156 against Prosody 0.12 mod_bosh, http 7070
  bosh-prosody-strophe-tls.pcapng  the same over https 7443, TLS keys embedded
  bosh-ejabberd.pcapng             stanza 12.22 (Node) against ejabberd 23.01 mod_bosh, http 7071
  bosh-compare-websocket.pcapng    the same page and server as the first, over WebSocket
  bosh-synthetic-anomalies.pcapng  SYNTHETIC (captures/bosh/synthetic.py): rid repeat and gap, a terminate
                                   condition, a session whose creation is missing, a rid that is not a
                                   number, a response without request, and XML that is not BOSH
"""
import unittest

from xmppws_test import STAGE, column, expert_infos, fields, flag, info, tshark, capture

PROSODY = "bosh-prosody-strophe.pcapng"
TLS = "bosh-prosody-strophe-tls.pcapng"
EJABBERD = "bosh-ejabberd.pcapng"
WEBSOCKET = "bosh-compare-websocket.pcapng"
SYNTHETIC = "bosh-synthetic-anomalies.pcapng"

PROSODY_SID = "e72d3e18-4fbf-45e6-b205-ab5bb7375972"
TLS_SID = "52215b9a-b651-415c-801f-66a60972ebe4"
EJABBERD_SID = "530b3f7fa3d307a221b92408d9a4b4d9698c7849"
JID = "administrator@uccxpub.prabhat.com/desktop"
NODE = "/finesse/api/User/administrator"

# The request/response table of captures/bosh/README.md (Prosody, http):
# request frame, TCP stream, rid, response frame, hold in ms (rounded).
PROSODY_PAIRS = [
    (8, 0, 3109760134, 9, 1), (11, 0, 3109760135, 12, 11), (14, 0, 3109760136, 15, 1),
    (17, 0, 3109760137, 18, 3), (20, 0, 3109760138, 21, 1), (23, 0, 3109760139, 30, 319),
    (28, 1, 3109760140, 34, 439), (32, 0, 3109760141, 36, 5004), (38, 0, 3109760142, 40, 5005),
    (42, 0, 3109760143, 44, 1933), (46, 0, 3109760144, 48, 441), (50, 0, 3109760145, 52, 455),
    (54, 0, 3109760146, 58, 274), (56, 1, 3109760147, 60, 7),
]
EJABBERD_PAIRS = [
    (4, 0, 148102653, 6, 10), (8, 0, 148102654, 9, 5), (14, 1, 148102655, 16, 1), (18, 0, 148102656, 19, 1),
    (20, 0, 148102657, 23, 298), (22, 1, 148102658, 24, 1), (26, 0, 148102659, 29, 301),
    (28, 1, 148102660, 30, 4), (32, 0, 148102661, 37, 5002), (38, 0, 148102662, 40, 5002),
    (41, 0, 148102663, 43, 1956), (44, 0, 148102664, 46, 540), (47, 0, 148102665, 49, 537),
    (50, 0, 148102666, 59, 300), (55, 2, 148102667, 57, 1),
]

# Fields of the login that must come out the same over BOSH and over
# WebSocket (same page, same strophe.js, same Prosody), element by element.
SAME_AS_WEBSOCKET = ["xmppws.sasl.mechanism", "xmppws.sasl.authcid", "xmppws.sasl.password", "xmppws.bind.resource",
                     "xmppws.bind.jid", "xmppws.iq.id", "xmppws.iq.type", "xmppws.pubsub.node",
                     "xmppws.pubsub.subid", "xmppws.pubsub.event.node", "xmppws.pubsub.item.id",
                     "xmppws.presence.type", "xmppws.login.jid", "xmppws.login.mechanism", "xmppws.login.restarts",
                     "finesse.kind", "finesse.user.id", "finesse.user.state", "finesse.user.reason_code_id",
                     "finesse.request_id"]


def frames(*numbers):
    """A display filter for these frames (4.0 has no set syntax with commas)."""
    return " || ".join("frame.number == %d" % n for n in numbers)


def pairs(cap):
    """(request frame, tcp.stream, rid, response frame, hold ms) of every BOSH request."""
    req = {int(r[0]): (int(r[1]), int(r[2]), int(r[3]) if r[3] else None)
           for r in fields(cap, ["frame.number", "tcp.stream", "xmppws.bosh.rid", "xmppws.bosh.response_in"],
                           "xmppws.bosh.rid", extra=["-2"])}
    held = {int(r[1]): (int(r[0]), round(float(r[2]) * 1000))
            for r in fields(cap, ["frame.number", "xmppws.bosh.request_in", "xmppws.bosh.hold_time"],
                            "xmppws.bosh.request_in", extra=["-2"])}
    out = []
    for frame, (stream, rid, resp) in sorted(req.items()):
        self_resp, ms = held.get(frame, (None, None))
        assert resp == self_resp, (frame, resp, self_resp)
        out.append((frame, stream, rid, resp, ms))
    return out


class Recognition(unittest.TestCase):
    def test_every_body_of_the_session(self):
        """Every POST body and every response body is BOSH (28 of them; the
        CORS preflight and its empty 200 are not), on a port nobody
        registered: HTTP finds it, the media type brings it to us."""
        frames = [int(r[0]) for r in fields(PROSODY, ["frame.number"], "xmppws")]
        self.assertEqual(frames, [8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46,
                                  48, 50, 52, 54, 56, 58, 60])
        self.assertEqual(set(column(PROSODY, "_ws.col.Protocol", "xmppws")), {"XMPP/BOSH"})
        self.assertEqual(len(fields(EJABBERD, ["frame.number"], "xmppws.bosh")), 30)
        # https: TLS decrypted with the embedded keys, 7443 is HTTP over TLS
        self.assertEqual(len(fields(TLS, ["frame.number"], "xmppws.bosh")), 28)

    def test_other_xml_stays_xml(self):
        """Bodies that are not <body xmlns='http://jabber.org/protocol/httpbind'>
        go to the XML dissector exactly as without the plugin."""
        rows = fields(SYNTHETIC, ["frame.number", "_ws.col.Protocol", "xml.tag"], "tcp.stream == 2")
        self.assertEqual([r[0] for r in rows], ["13", "14", "15", "16"])
        self.assertEqual({r[1] for r in rows}, {"HTTP/XML"})
        self.assertEqual(rows[0][2].split("|")[0], "<note>")
        self.assertEqual(rows[2][2], "<body>")
        self.assertEqual(fields(SYNTHETIC, ["frame.number"], "tcp.stream == 2 && (xmppws || finesse)"), [])

    def test_fields_of_the_wrapper(self):
        row = fields(PROSODY, ["xmppws.bosh.rid", "xmppws.bosh.wait", "xmppws.bosh.hold", "xmppws.bosh.ver",
                               "xmppws.bosh.to", "xmppws.bosh.content", "xmppws.bosh.xmpp_version",
                               "xmppws.bosh.creation", "xmppws.bosh.sid"], "frame.number == 8", extra=["-2"])[0]
        self.assertEqual(row[:7], ["3109760134", "5", "1", "1.6", "uccxpub.prabhat.com", "text/xml; charset=utf-8",
                                   "1.0"])
        self.assertEqual(flag(row[7]), "1")
        self.assertEqual(row[8], PROSODY_SID)   # generated: the creation request carries no sid
        row = fields(EJABBERD, ["xmppws.bosh.sid", "xmppws.bosh.wait", "xmppws.bosh.hold", "xmppws.bosh.ver",
                                "xmppws.bosh.polling", "xmppws.bosh.inactivity", "xmppws.bosh.requests",
                                "xmppws.bosh.maxpause", "xmppws.bosh.secure", "xmppws.bosh.from",
                                "xmppws.bosh.authid"], "frame.number == 6")[0]
        self.assertEqual(row, [EJABBERD_SID, "5", "1", "1.11", "2", "30", "2", "120", "true", "uccxpub.prabhat.com",
                               "6841040127622273177"])
        self.assertEqual(column(PROSODY, "xmppws.bosh.xmpp_restart"), ["true"])
        self.assertEqual(column(PROSODY, "xmppws.bosh.xmpp_restart", "frame.number == 14"), ["true"])


class SameLoginAsWebSocket(unittest.TestCase):
    def test_same_fields(self):
        """The BOSH login and the WebSocket login of the same client give the
        same SASL, bind, pubsub and Finesse fields, value for value."""
        for name in SAME_AS_WEBSOCKET:
            with self.subTest(field=name):
                bosh = column(PROSODY, name, "xmppws")
                ws = column(WEBSOCKET, name, "xmppws")
                self.assertEqual(bosh, ws)
        self.assertEqual(column(PROSODY, "finesse.user.state"), ["READY", "NOT_READY", "LOGOUT"])
        self.assertEqual(column(PROSODY, "xmppws.login.jid"), [JID, JID])

    def test_same_elements_same_stages(self):
        """Element by element (not the wrappers, not the WebSocket <open/>s),
        the stages match; the BOSH restart is the stream restart."""
        def elements(cap, flt):
            out = []
            for r in fields(cap, ["xmppws.stage"], flt, extra=["-2"]):
                out.extend(r[0].split("|"))
            return out
        # BOSH: the body's stage is in its own subtree, listed first; children follow; the features
        # are left out on both sides (over WebSocket they share a frame with an <open/>)
        bosh = []
        for r in fields(PROSODY, ["xmppws.bosh", "xmppws.stage", "xmppws.bosh.empty"],
                        "xmppws.bosh && !xmppws.features", extra=["-2"]):
            stages = r[1].split("|") if r[1] else []
            bosh.extend(stages[1:])
        ws = [s for s in elements(WEBSOCKET, "xmppws && !xmppws.open && !xmppws.close")]
        self.assertEqual(ws, bosh[:len(ws)])
        self.assertEqual(fields(PROSODY, ["xmppws.stage"], "frame.number == 14", extra=["-2"])[0][0], STAGE["restart"])
        self.assertEqual(column(PROSODY, "xmppws.login.restarts"), ["1", "1"])

    def test_ejabberd_and_stanza(self):
        """The second server and client: the same login."""
        self.assertEqual(column(EJABBERD, "xmppws.sasl.mechanism"), ["PLAIN"])
        self.assertEqual(column(EJABBERD, "xmppws.bind.jid"), [JID])
        self.assertEqual(column(EJABBERD, "xmppws.pubsub.event.node"), [NODE] * 3)
        self.assertEqual(column(EJABBERD, "finesse.user.state"), ["READY", "NOT_READY", "LOGOUT"])
        self.assertEqual(column(EJABBERD, "xmppws.login.jid", "xmppws"), [JID, JID])
        self.assertEqual(column(EJABBERD, "xmppws.pubsub.subid"), ["70434AB21D132"])


class Session(unittest.TestCase):
    def test_sid_ties_connections(self):
        """One sid, one session number on every body, whatever TCP connection
        carries it (Prosody: 2 connections, ejabberd: 3)."""
        for cap, sid, streams in ((PROSODY, PROSODY_SID, {"0", "1"}), (EJABBERD, EJABBERD_SID, {"0", "1", "2"}),
                                  (TLS, TLS_SID, {"0", "1"})):
            with self.subTest(capture=cap):
                rows = fields(cap, ["tcp.stream", "xmppws.bosh.sid", "xmppws.bosh.session"], "xmppws.bosh",
                              extra=["-2"])
                self.assertEqual({r[0] for r in rows}, streams)
                self.assertEqual({r[1] for r in rows}, {sid})
                self.assertEqual({r[2] for r in rows}, {"0"})

    def test_tracking_across_connections(self):
        """The subscribe goes out on connection 0 (frame 32), its result
        comes back on connection 1 (frame 34): linked, 2.548 ms."""
        row = fields(PROSODY, ["xmppws.response_to", "xmppws.response_time"], "frame.number == 34", extra=["-2"])[0]
        self.assertEqual(row[0], "32")
        self.assertAlmostEqual(float(row[1]), 0.002548182, places=6)
        self.assertEqual(fields(PROSODY, ["tcp.stream"], "frame.number == 32 || frame.number == 34"), [["0"], ["1"]])
        # SASL and bind links
        self.assertEqual(fields(PROSODY, ["xmppws.response_in"], "frame.number == 11", extra=["-2"]), [["12"]])
        self.assertEqual(column(PROSODY, "xmppws.response_to", "frame.number == 18"), ["17"])

    def test_login_summary(self):
        row = fields(PROSODY, ["xmppws.login.jid", "xmppws.login.mechanism", "xmppws.login.time_to_bind",
                               "xmppws.login.restarts"], "frame.number == 18", extra=["-2"])[0]
        self.assertEqual(row[0], JID)
        self.assertEqual(row[1], "PLAIN")
        self.assertAlmostEqual(float(row[2]), 0.401788300, places=6)   # frame 18 - frame 8 (creation request)
        self.assertEqual(row[3], "1")

    def test_pairs_and_hold_times(self):
        """Requests and responses pair per connection in order, with the time
        the server held each request, as captures/bosh/README.md lists them."""
        self.assertEqual(pairs(PROSODY), PROSODY_PAIRS)
        self.assertEqual(pairs(EJABBERD), EJABBERD_PAIRS)

    def test_empty_polls(self):
        def empties(cap):
            rows = fields(cap, ["frame.number", "http.request"], "xmppws.bosh.empty == 1")
            return ([int(r[0]) for r in rows if r[1]], [int(r[0]) for r in rows if not r[1]])
        self.assertEqual(empties(PROSODY), ([23, 38, 42, 46, 50, 54], [36, 40]))
        self.assertEqual(empties(EJABBERD), ([20, 26, 32, 38, 41, 44, 47, 50], [23, 29, 37, 40]))
        self.assertEqual(dict(info(PROSODY, frames(38, 40))),
                         {38: "BOSH empty poll rid=3109760142", 40: "BOSH empty response (held 5.005 s)"})

    def test_info(self):
        self.assertEqual(dict(info(PROSODY, frames(8, 9, 11, 14, 44))), {
            8: "BOSH session creation rid=3109760134 wait=5 hold=1",
            9: "BOSH session created sid=%s wait=5 requests=2 (held 0.001 s): features PLAIN SCRAM-SHA-1"
               % PROSODY_SID,
            11: "BOSH rid=3109760135: auth PLAIN authcid=administrator",
            14: "BOSH restart rid=3109760136",
            44: "BOSH response (held 1.933 s): Finesse PUT User administrator READY; message headline pubsub "
                "event node=/finesse/api/User/administrator item=finesse-00001",
        })


class Terminate(unittest.TestCase):
    def test_prosody(self):
        """strophe.js terminates with an unavailable presence inside; Prosody
        answers the held poll with terminate + the reflected presence, then
        the terminate request with an empty terminate."""
        rows = fields(PROSODY, ["frame.number", "xmppws.bosh.type", "xmppws.stage", "xmppws.presence.type"],
                      "xmppws.bosh.type", extra=["-2"])
        self.assertEqual([(r[0], r[1]) for r in rows], [("56", "terminate"), ("58", "terminate"),
                                                         ("60", "terminate")])
        # 56: the terminate (closing) after its presence; 58: closed, answers 56
        # (the body's stage and its child's, in either order: 4.4 and later list
        # a field's occurrences in the order they were added)
        self.assertEqual(sorted(rows[0][2].split("|")), sorted([STAGE["closing"], STAGE["established"]]))
        self.assertEqual(sorted(rows[1][2].split("|")), sorted([STAGE["closed"], STAGE["closing"]]))
        self.assertEqual(fields(PROSODY, ["xmppws.bosh.response_in"], "frame.number == 56", extra=["-2"]), [["60"]])
        self.assertEqual(column(PROSODY, "xmppws.response_to", "frame.number == 58"), ["56"])

    def test_ejabberd_condition(self):
        self.assertEqual(column(EJABBERD, "xmppws.bosh.condition"), ["other-request"])
        found = [e for e in expert_infos(EJABBERD, prefixes=("xmppws.bosh",))]
        self.assertEqual([(e["frame"], e["name"], e["severity"]) for e in found],
                         [(59, "xmppws.bosh.terminate_after_client", "Note")])


class Experts(unittest.TestCase):
    def test_real_sessions_are_clean(self):
        """The real sessions raise no BOSH anomaly and nothing of the core's
        but the cleartext PLAIN warning over http (not over https)."""
        for cap, want in ((PROSODY, [(11, "xmppws.sasl.plain_cleartext")]), (TLS, []),
                          (EJABBERD, [(8, "xmppws.sasl.plain_cleartext"),
                                      (59, "xmppws.bosh.terminate_after_client")])):
            with self.subTest(capture=cap):
                got = [(e["frame"], e["name"]) for e in expert_infos(cap, prefixes=("xmppws.",))]
                self.assertEqual(got, want)

    def test_synthetic_anomalies(self):
        got = [(e["frame"], e["name"], e["severity"]) for e in expert_infos(SYNTHETIC, prefixes=("xmppws.",))]
        self.assertEqual(got, [
            (5, "xmppws.bosh.rid_repeat", "Warning"),
            (7, "xmppws.bosh.rid_gap", "Warning"),
            (8, "xmppws.bosh.terminate_condition", "Warning"),
            (9, "xmppws.bosh.no_creation", "Note"),
            (11, "xmppws.bosh.bad_attribute", "Error"),
            (11, "xmppws.bosh.no_rid", "Error"),
            (17, "xmppws.bosh.unpaired_response", "Note"),
            (17, "xmppws.data_after_close", "Warning"),
            (18, "xmppws.bosh.no_creation", "Note"),
            (19, "xmppws.bosh.http_error", "Error"),
            (21, "xmppws.bosh.terminate_condition", "Warning"),
            (22, "xmppws.bosh.no_creation", "Note"),
            (25, "xmppws.bosh.rid_order", "Note"),
            (28, "xmppws.bosh.no_creation", "Note"),
            (29, "xmppws.bosh.sid_mismatch", "Warning"),
            (30, "xmppws.bosh.not_body", "Error"),
            (31, "xmppws.bosh.no_creation", "Note"),
            (31, "xmppws.bosh.no_response", "Note"),
        ])
        msgs = {e["frame"]: e["message"] for e in expert_infos(SYNTHETIC, prefixes=("xmppws.bosh",))}
        self.assertEqual(msgs[5], "rid 1001 repeats the request in frame 3: a retransmission (XEP-0124 14.2/14.3: "
                                  "the client resends a request whose response it did not get)")
        self.assertEqual(msgs[7], "rid 1005 skips 3 rid(s) after rid 1001 (frame 3): requests missing from the "
                                  "capture, or lost (XEP-0124 14.1: rids increase by one per request)")
        self.assertEqual(msgs[8], 'BOSH session terminated by the server: condition "item-not-found" (XEP-0124 17.2)')
        self.assertEqual(msgs[19], "HTTP 404 to the BOSH request in frame 18 (session 2, sid gone-3): item-not-found "
                                   "(unknown sid or rid out of window: session expired, server restarted, or another "
                                   "node behind a load balancer); XEP-0124 17.1")

    def test_rids_in_flight_on_two_connections(self):
        """rid 6002 on one connection before 6001 on the other: one pass
        (all that is known then) sees a gap; two passes know 6001 came, and
        only note the order."""
        one = [e["name"] for e in expert_infos(SYNTHETIC, "frame.number == 24", two_pass=False,
                                                prefixes=("xmppws.bosh",))]
        self.assertEqual(one, ["xmppws.bosh.rid_gap"])
        self.assertEqual([e["name"] for e in expert_infos(SYNTHETIC, "frame.number == 24",
                                                          prefixes=("xmppws.bosh",))], [])
        msgs = {e["frame"]: e["message"] for e in expert_infos(SYNTHETIC, prefixes=("xmppws.bosh.rid_order",))}
        self.assertEqual(msgs, {25: "rid 6001 arrives after rid 6002 (frame 24): requests out of order across "
                                    "connections (XEP-0124 14.1: the server handles them in rid order)"})

    def test_http_error_answers_its_request(self):
        """A 404 without a body answers rid 2000; the next response on the
        connection answers rid 2001, not the 404's request."""
        rows = fields(SYNTHETIC, ["frame.number", "xmppws.bosh.rid", "xmppws.bosh.response_in",
                                  "xmppws.bosh.request_in", "xmppws.bosh.http_status", "xmppws.bosh.sid"],
                      "tcp.stream == 4", extra=["-2"])
        self.assertEqual(rows, [["18", "2000", "19", "", "", "gone-3"], ["19", "", "", "18", "404", "gone-3"],
                                ["20", "2001", "21", "", "", "gone-3"], ["21", "", "", "20", "", "gone-3"]])
        # (the packet list line: from 4.4 on, -e _ws.col.Info is taken before postdissectors run)
        out = tshark(["-n", "-2", "-r", capture(SYNTHETIC), "-Y", "frame.number == 19"])
        self.assertIn("HTTP/1.1 404 Not Found  (BOSH session 2: HTTP 404 to the request in frame 18)", out)


class Statistics(unittest.TestCase):
    def test_ladder_names_the_session(self):
        out = tshark(["-n", "-q", "-r", capture(PROSODY), "-z", "xmppws,ladder"])
        self.assertIn("BOSH session 0, sid %s: client 127.0.0.1:57704 <-> server 127.0.0.1:7070 (first message)"
                      % PROSODY_SID, out)
        self.assertIn("45 messages, first in frame 8", out)
        self.assertIn("BOSH empty response (held 5.005 s) (+5004.961 ms)", out)

    def test_credentials(self):
        """Tools > Credentials lists the BOSH PLAIN login as it does over WebSocket."""
        out = tshark(["-n", "-q", "-r", capture(PROSODY), "-z", "credentials"])
        rows = [l.split() for l in out.splitlines() if l[:1].isdigit()]
        self.assertEqual(rows, [["11", "XMPP/BOSH", "administrator", "SASL", "PLAIN"]])

    def test_tree_hold_times(self):
        """-z xmppws,tree: hold times by kind of BOSH request, next to the
        iq and SASL response times."""
        out = tshark(["-n", "-q", "-r", capture(PROSODY), "-z", "xmppws,tree"])
        rows = {}
        for line in out.splitlines():
            parts = line.split()
            if line.startswith("  BOSH ") or line.startswith(" BOSH "):
                name = " ".join(p for p in parts if not p[0].isdigit() and "%" not in p)
                nums = [p for p in parts if p[0].isdigit()]
                rows[name] = nums
        self.assertEqual(rows["BOSH body"][0], "23")
        # count, average, min, max (ms): the six empty polls of the README's table
        self.assertEqual(rows["BOSH empty poll"][0], "6")
        for got, want in zip(rows["BOSH empty poll"][1:4], [1404.51, 274.481, 5004.961]):
            self.assertAlmostEqual(float(got), want, places=2)
        self.assertEqual(rows["BOSH request with payload"][0], "5")   # auth, bind, session, presence, subscribe


if __name__ == "__main__":
    unittest.main()
