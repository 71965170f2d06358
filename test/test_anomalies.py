"""Every expert info of RFC 7395 / RFC 6120 anomalies, on the SYNTHETIC
anomaly capture (captures/anomalies-synthetic.py: one TCP connection per
scenario, tcp.stream == scenario index) — exactly the expected set per
connection, so a new false positive fails too."""
import collections
import unittest

from xmppws_test import expert_infos, fields

CAP = "anomalies-synthetic.pcapng"
PLAIN = "xmppws.sasl.plain_cleartext"   # every scenario that logs in over ws:// raises it

EXPECTED = {
    0: {"xmppws.framing_namespace", "xmppws.stream_error.reported", "xmppws.close_unanswered"},
    1: {"xmppws.legacy_framing"},
    2: {"xmppws.multiple_elements", PLAIN},
    3: {"xmppws.partial_element", "xmppws.no_response", PLAIN},
    4: {"xmppws.undeclared_prefix"},
    5: {"xmppws.xml_declaration"},
    6: {"xmppws.whitespace", PLAIN},
    7: {"xmppws.open.client_attributes"},
    8: {"xmppws.open.version_not_1_0"},
    9: {"xmppws.second_open"},
    10: {"xmppws.data_after_close", PLAIN},
    11: {"xmppws.close_unanswered", PLAIN},
    12: {"xmppws.no_close", "xmppws.dropped", PLAIN},
    13: {"xmppws.features.starttls_offered"},
    14: {"xmppws.no_subprotocol", PLAIN},
    15: {"xmppws.sasl.unoffered_mechanism", "xmppws.sasl.failure.reported"},
    16: {"xmppws.stanza_before_auth", "xmppws.stream_error.reported", "xmppws.close_unanswered"},
    17: {"xmppws.close_after_success", PLAIN},
    18: {"xmppws.bind_before_auth", "xmppws.error.reported"},
    19: {"xmppws.stanza_before_bind", PLAIN},
    20: {"xmppws.no_response", "xmppws.duplicate_response", "xmppws.unsolicited_response", "xmppws.iq.no_id",
         "xmppws.iq.children", PLAIN},
    21: {"xmppws.stream_error.conflict", PLAIN},
    22: {"xmppws.error.reported", PLAIN},
    23: {"xmppws.no_element", "xmppws.stray_text", "xmppws.invalid_utf8", "xmppws.utf16", PLAIN},
    24: {"xmppws.sasl.bad_base64", "xmppws.sasl.bad_plain", "xmppws.sasl.failure.reported", PLAIN},
    25: {"finesse.service_unavailable", "finesse.agent_unavailable", PLAIN},
    26: {"xmppws.unknown_element", "xmppws.presence.bad_priority", PLAIN},
    # Binary frames (RFC 7395 3.2): no expert of ours, since WebSocket (4.0 to 4.6) does not tell its
    # subdissectors the opcode; test_binary_frames_are_found_with_websocket_fields shows the filter instead.
    27: {PLAIN},
}


class SyntheticAnomalies(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.infos = expert_infos(CAP)
        cls.by_stream = collections.defaultdict(set)
        for e in cls.infos:
            cls.by_stream[e["stream"]].add(e["name"])

    def test_each_scenario_raises_exactly_its_expert_infos(self):
        for stream, expected in EXPECTED.items():
            with self.subTest(stream=stream):
                self.assertEqual(self.by_stream.get(stream, set()), expected)
        self.assertEqual(set(self.by_stream) - set(EXPECTED), set())

    def test_binary_frames_are_found_with_websocket_fields(self):
        # The filter README gives for XMPP in binary frames: WebSocket's own opcode field with ours.
        rows = fields(CAP, ["tcp.stream", "xmppws.direction"], "websocket.opcode == 2 && xmppws")
        self.assertEqual(rows, [["27", "1"], ["27", "2"]])

    def messages(self, name):
        return [e["message"] for e in self.infos if e["name"] == name]

    def test_messages_name_what_happened(self):
        self.assertEqual(self.messages("xmppws.stream_error.conflict"), [
            "Stream error conflict (Replaced by new connection): the session was replaced by a new login with the "
            "same resource (RFC 6120 4.9.3.3, 7.7.2.2); for Finesse, the \"desktop\" resource logged in elsewhere "
            "(another browser tab or PC)"])
        self.assertIn("Stanza error modify/bad-request, pubsub invalid-jid (RFC 6120 8.3, XEP-0060 7)",
                      self.messages("xmppws.error.reported"))
        self.assertEqual(self.messages("xmppws.sasl.failure.reported"), [
            "SASL failure invalid-mechanism \"DIGEST-MD5 is not offered\" (RFC 6120 6.5): the mechanism was not offered",
            "SASL failure incorrect-encoding (RFC 6120 6.5): the client's base64 data is malformed",
            "SASL failure malformed-request (RFC 6120 6.5): the SASL request is malformed"])
        self.assertEqual(self.messages("xmppws.sasl.unoffered_mechanism"), [
            "<auth/> uses mechanism DIGEST-MD5, which the server's last <mechanisms/> did not offer "
            "(RFC 6120 6.4.2); expect <invalid-mechanism/>"])
        self.assertEqual(self.messages("xmppws.iq.children"), [
            "iq get/set carries 0 child elements; RFC 6120 8.2.3 requires exactly one",
            "iq get/set carries 2 child elements; RFC 6120 8.2.3 requires exactly one"])
        self.assertEqual(len(self.messages("xmppws.multiple_elements")), 1)
        self.assertTrue(self.messages("xmppws.multiple_elements")[0].startswith("2 top-level elements"))

    def test_severities(self):
        sev = {e["name"]: e["severity"] for e in self.infos}
        self.assertEqual(sev["xmppws.partial_element"], "Error")
        self.assertEqual(sev["xmppws.stream_error.conflict"], "Error")
        self.assertEqual(sev["xmppws.sasl.plain_cleartext"], "Warning")
        self.assertEqual(sev["xmppws.no_close"], "Note")
        self.assertEqual(sev["finesse.agent_unavailable"], "Note")
        self.assertEqual(sev["finesse.service_unavailable"], "Warning")

    def test_unanswered_needs_the_whole_capture(self):
        one_pass = {e["name"] for e in expert_infos(CAP, "tcp.stream == 20", two_pass=False)}
        self.assertNotIn("xmppws.no_response", one_pass)
        self.assertIn("xmppws.duplicate_response", one_pass)


if __name__ == "__main__":
    unittest.main()


class InsecureRedirect(unittest.TestCase):
    """captures/tls-redirect-synthetic.py: real TLS 1.3 (OpenSSL), scripted XMPP."""
    CAP = "tls-redirect-synthetic.pcapng"

    def test_wss_to_ws_redirect_flagged(self):
        infos = expert_infos(self.CAP)
        self.assertEqual([(e["frame"], e["name"], e["severity"]) for e in infos],
                         [(11, "xmppws.close.see_other_insecure", "Warning")])
        self.assertEqual(infos[0]["message"], "see-other-uri ws://other.uccxpub.prabhat.com:5280/ws/ redirects this "
                         "wss:// connection to an unencrypted ws:// endpoint (RFC 7395 3.6.1 forbids lowering security)")

    def test_decrypted_with_embedded_secrets(self):
        from xmppws_test import column
        self.assertEqual(column(self.CAP, "xmppws.close.see_other_uri"),
                         ["ws://other.uccxpub.prabhat.com:5280/ws/"])


class XmlDisabled(unittest.TestCase):
    def test_says_what_is_missing(self):
        from xmppws_test import fields
        rows = fields("finesse-login.pcapng", ["frame.number", "_ws.col.Info", "_ws.expert.message"],
                      "xmppws.xml_disabled", extra=["--disable-protocol", "xml"])
        self.assertEqual(len(rows), 22)
        self.assertEqual(rows[0][1:], ["(XML dissector disabled)",
                                       "The XML dissector is disabled: XMPP is not dissected"])
