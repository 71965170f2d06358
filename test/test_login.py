"""The Finesse agent login (captures/finesse-login.pcapng: Prosody 0.12 and
@xmpp/client over ws://, PLAIN), step by step: framing, features, SASL,
restart, bind, session, presence with caps, pubsub subscriptions, events,
close; plus direction, Info column, tracking and credentials."""
import re
import unittest

from xmppws_test import column, fields, info, experts, tshark, capture, stages as stages_of

CAP = "finesse-login.pcapng"
DOMAIN = "uccxpub.prabhat.com"
JID = "administrator@uccxpub.prabhat.com"
FULL_JID = JID + "/desktop"
USER_NODE = "/finesse/api/User/administrator"
TEAM_NODE = "/finesse/api/Team/1/Users"


def by_frame(names, display_filter="xmppws", cap=CAP, two_pass=True):
    """{frame number: [values of names...]} for frames passing the filter."""
    rows = fields(cap, ["frame.number"] + names, display_filter, extra=["-2"] if two_pass else [])
    return {int(r[0]): r[1:] for r in rows}


class Framing(unittest.TestCase):
    def test_open_both_ways_twice(self):
        self.assertEqual(column(CAP, "xmppws.open.to"), [DOMAIN, DOMAIN])
        self.assertEqual(column(CAP, "xmppws.open.from"), [DOMAIN, DOMAIN])
        ids = column(CAP, "xmppws.open.id")
        self.assertEqual(len(ids), 2)
        self.assertNotEqual(ids[0], ids[1])
        self.assertEqual(column(CAP, "xmppws.open.version"), ["1.0"] * 4)
        self.assertEqual(column(CAP, "xmppws.open.lang"), ["en", "en"])

    def test_tcp_pdu_size_of_every_message(self):
        """Frames with two WebSocket messages: TCP shows the size of each PDU.
        Regression: the layers the plugin drops after the XML dissector must
        also give back their layer numbers, or tcp_dissect_pdus() looks for
        its tree under a wrong number and the second size goes missing."""
        rows = fields(CAP, ["frame.number", "tcp.pdu.size", "websocket.payload_length"], "websocket")
        multi = {int(r[0]): r[1] for r in rows if "|" in r[2]}
        self.assertEqual(multi, {9: "152|237", 13: "152|452", 19: "273|247", 35: "54|17"})
        for r in rows:
            self.assertEqual(len(r[1].split("|")), len(r[2].split("|")), r)

    def test_close_both_ways(self):
        rows = by_frame(["xmppws.direction"], "xmppws.close")
        self.assertEqual(sorted(v[0] for v in rows.values()), ["1", "2"])
        self.assertEqual(column(CAP, "xmppws.close.see_other_uri"), [])


class Features(unittest.TestCase):
    def test_mechanisms_offered_before_auth(self):
        self.assertEqual(sorted(column(CAP, "xmppws.features.mechanism")), ["PLAIN", "SCRAM-SHA-1"])

    def test_bind_and_optional_session_after_restart(self):
        rows = by_frame(["xmppws.features.bind", "xmppws.features.session", "xmppws.features.session.optional",
                         "xmppws.features.ver", "xmppws.caps.node"], "xmppws.features.bind")
        self.assertEqual(len(rows), 1)
        (values,) = rows.values()
        self.assertEqual(values[:4], ["1", "1", "1", "1"])  # tshark prints a present FT_NONE field as 1
        self.assertEqual(len(by_frame([], "xmppws.features.session.optional")), 1)
        self.assertEqual(values[4], "http://prosody.im")


class Sasl(unittest.TestCase):
    def test_plain_decoded(self):
        rows = by_frame(["xmppws.sasl.mechanism", "xmppws.sasl.authzid", "xmppws.sasl.authcid",
                         "xmppws.sasl.password"], "xmppws.sasl.auth")
        self.assertEqual(list(rows.values()), [["PLAIN", JID, "administrator", "1234"]])

    def test_success(self):
        self.assertEqual(len(by_frame([], "xmppws.sasl.success")), 1)
        self.assertEqual(len(by_frame([], "xmppws.sasl.failure")), 0)

    def test_credentials_tap(self):
        out = tshark(["-n", "-r", capture(CAP), "-q", "-z", "credentials"])
        lines = [re.split(r"\s{2,}", l.strip()) for l in out.splitlines() if "XMPP/WS" in l]
        auth_frame = list(by_frame([], "xmppws.sasl.auth"))[0]
        self.assertEqual(lines, [[str(auth_frame), "XMPP/WS", "administrator", "SASL PLAIN"]])


class BindSessionPresence(unittest.TestCase):
    def test_bind(self):
        self.assertEqual(column(CAP, "xmppws.bind.resource"), ["desktop"])
        self.assertEqual(column(CAP, "xmppws.bind.jid"), [FULL_JID])

    def test_session(self):
        rows = by_frame(["xmppws.iq.type", "xmppws.iq.id"], "xmppws.session")
        self.assertEqual(list(rows.values()), [["set", "_session_auth_2"]])

    def test_presence_with_caps(self):
        rows = by_frame(["xmppws.direction", "xmppws.presence.from", "xmppws.caps.hash", "xmppws.caps.node",
                         "xmppws.caps.ver"], "xmppws.presence")
        values = list(rows.values())
        self.assertEqual(values[0], ["1", "", "sha-1", "https://www.cisco.com/finesse/desktop",
                                     "UjwbQ5kP9zAJIMWJgb3fqiRRDUU="])
        # the server's copy shares a segment with its disco#info query: two messages, both server to client
        self.assertEqual(values[1:], [["2|2", FULL_JID, "sha-1", "https://www.cisco.com/finesse/desktop",
                                       "UjwbQ5kP9zAJIMWJgb3fqiRRDUU="]])


class Pubsub(unittest.TestCase):
    def test_subscribe_requests(self):
        rows = by_frame(["xmppws.iq.to", "xmppws.pubsub.action", "xmppws.pubsub.node", "xmppws.pubsub.jid"],
                        "xmppws.pubsub.action == \"subscribe\"")
        self.assertEqual(list(rows.values()), [["pubsub." + DOMAIN, "subscribe", USER_NODE, JID],
                                               ["pubsub." + DOMAIN, "subscribe", TEAM_NODE, JID]])

    def test_both_subscribed(self):
        rows = by_frame(["xmppws.iq.type", "xmppws.pubsub.node", "xmppws.pubsub.subscription"],
                        "xmppws.pubsub.subscription")
        self.assertEqual(list(rows.values()), [["result", USER_NODE, "subscribed"],
                                               ["result", TEAM_NODE, "subscribed"]])

    def test_three_events(self):
        rows = by_frame(["xmppws.message.from", "xmppws.pubsub.event.node", "xmppws.pubsub.item.id"],
                        "xmppws.pubsub.event")
        self.assertEqual(list(rows.values()), [["pubsub." + DOMAIN, USER_NODE, "finesse-00001"],
                                               ["pubsub." + DOMAIN, USER_NODE, "finesse-00002"],
                                               ["pubsub." + DOMAIN, TEAM_NODE, "finesse-00003"]])


class DirectionAndInfo(unittest.TestCase):
    EXPECTED = [
        (1, "open to=uccxpub.prabhat.com"),
        (2, "open from=uccxpub.prabhat.com id=ID | features PLAIN SCRAM-SHA-1"),
        (1, "auth PLAIN authcid=administrator"),
        (2, "success"),
        (1, "open to=uccxpub.prabhat.com"),
        (2, "open from=uccxpub.prabhat.com id=ID | features bind session(optional) ver"),
        (1, "iq set bind resource=desktop"),
        (2, "iq result bind jid=administrator@uccxpub.prabhat.com/desktop"),
        (1, "iq set session"),
        (2, "iq result"),
        (1, "presence caps"),
        (2, "iq get query (http://jabber.org/protocol/disco#info) | "
            "presence caps from=administrator@uccxpub.prabhat.com/desktop"),
        (1, "iq result query (http://jabber.org/protocol/disco#info)"),
        (1, "iq set pubsub subscribe node=/finesse/api/User/administrator"),
        (2, "iq result pubsub subscription=subscribed node=/finesse/api/User/administrator"),
        (1, "iq set pubsub subscribe node=/finesse/api/Team/1/Users"),
        (2, "iq result pubsub subscription=subscribed node=/finesse/api/Team/1/Users"),
        (2, "Finesse PUT User administrator NOT_READY (reason 32762 Lunch); "
            "message headline pubsub event node=/finesse/api/User/administrator item=finesse-00001"),
        (2, "Finesse PUT User administrator READY; "
            "message headline pubsub event node=/finesse/api/User/administrator item=finesse-00002"),
        (2, "Finesse PUT User administrator READY; "
            "message headline pubsub event node=/finesse/api/Team/1/Users item=finesse-00003"),
        (1, "close"),
        (2, "close | WebSocket Connection Close [FIN] "),
    ]

    def test_ladder(self):
        rows = fields(CAP, ["xmppws.direction", "_ws.col.Info"], "xmppws")
        got = [(int(r[0].split("|")[0]), re.sub(r"id=[0-9a-f-]{36}", "id=ID", r[1])) for r in rows]
        self.assertEqual(got, self.EXPECTED)

    def test_protocol_column(self):
        protocols = column(CAP, "_ws.col.Protocol", "xmppws")
        # the last frame also holds the WebSocket Close, whose dissector names the frame
        self.assertEqual(protocols, ["XMPP/WS"] * 21 + ["WebSocket"])

    def test_filter_one_side(self):
        self.assertEqual(len(by_frame([], "xmppws.direction == 1")), 10)
        self.assertEqual(len(by_frame([], "xmppws.direction == 2")), 12)


class Tracking(unittest.TestCase):
    def test_stages(self):
        rows = fields(CAP, ["xmppws.stage"], "xmppws", extra=["-2"])
        stages = [r[0] for r in rows]
        self.assertEqual(stages, [
            stages_of("stream-open"), stages_of("stream-open", "stream-open"), stages_of("sasl"), stages_of("sasl"),
            stages_of("restart"), stages_of("restart", "restart"), stages_of("bind"), stages_of("bind"),
            stages_of("session"), stages_of("session"), stages_of("established"),
            stages_of("established", "established")] + [stages_of("established")] * 8 + [
            stages_of("closing"), stages_of("closed")])

    def test_sasl_filter_shows_exactly_that_step(self):
        rows = fields(CAP, ["_ws.col.Info"], 'xmppws.stage == "sasl"', extra=["-2"])
        self.assertEqual([r[0] for r in rows], ["auth PLAIN authcid=administrator", "success"])

    def test_request_response_links(self):
        req = by_frame(["xmppws.response_in"], "xmppws.response_in")
        resp = by_frame(["xmppws.response_to"], "xmppws.response_to")
        self.assertEqual(len(req), 7)  # auth, bind, session, disco, 2 subscribes, close
        for frame, (answer,) in req.items():
            self.assertIn(int(answer), resp)
            self.assertIn(str(frame), resp[int(answer)][0].split("|"))
        times = column(CAP, "xmppws.response_time")
        self.assertEqual(len(times), 7)
        self.assertTrue(all(0 < float(t) < 1 for t in times))

    def test_login_summary(self):
        rows = by_frame(["xmppws.login.jid", "xmppws.login.mechanism", "xmppws.login.restarts",
                         "xmppws.login.time_to_bind", "xmppws.login.time_to_presence"], "xmppws.login")
        values = list(rows.values())
        self.assertEqual([v[:3] for v in values], [[FULL_JID, "PLAIN", "1"], [FULL_JID, "PLAIN", "1"]])
        self.assertEqual(values[0][4], "")          # on the bind result: no presence yet
        self.assertEqual(values[0][3], values[1][3])
        self.assertGreater(float(values[1][4]), float(values[1][3]))

    def test_only_cleartext_warning(self):
        found = [(m, s) for _, m, s, _ in experts(CAP) if s in ("Warning", "Error")]
        # a PLAIN login over ws:// raises exactly the cleartext-credentials warning
        self.assertEqual([s for _, s in found], ["Warning"])
        self.assertIn("SASL PLAIN over an unencrypted connection (ws://, or BOSH over http://)", found[0][0])


if __name__ == "__main__":
    unittest.main()
