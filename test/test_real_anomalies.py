"""Anomalies produced by real peers (Prosody 0.12 with @xmpp/client or a raw
`ws` client; captures/make-captures.sh): each capture raises exactly the
expert infos a person needs, on the frames where it happened."""
import os
import subprocess
import tempfile
import unittest

from xmppws_test import capture, expert_infos, fields, STAGE

PLAIN = "xmppws.sasl.plain_cleartext"


def experts(cap):
    return sorted({(e["frame"], e["name"]) for e in expert_infos(cap)})


def messages(cap, name):
    return [e["message"] for e in expert_infos(cap) if e["name"] == name]


class RealAnomalies(unittest.TestCase):
    def test_wrong_password(self):
        cap = "anomaly-wrong-password.pcapng"
        self.assertEqual(experts(cap), [(10, PLAIN), (11, "xmppws.sasl.failure.reported")])
        self.assertEqual(messages(cap, "xmppws.sasl.failure.reported"), [
            "SASL failure not-authorized \"Unable to authorize you with the authentication credentials you've "
            "sent.\" (RFC 6120 6.5): wrong user name or password (for Finesse SSO agents: an invalid token)"])
        rows = fields(cap, ["xmppws.sasl.failure.condition", "xmppws.response_to", "xmppws.stage"],
                      "xmppws.sasl.failure", extra=["-2"])
        self.assertEqual(rows, [["not-authorized", "10", STAGE["sasl"]]])

    def test_resource_conflict(self):
        cap = "anomaly-resource-conflict.pcapng"
        # the older session (tcp.stream 0) is kicked when the second binds "desktop"
        self.assertEqual(experts(cap), [(10, PLAIN), (31, PLAIN), (36, "xmppws.close_unanswered"),
                                        (36, "xmppws.stream_error.conflict")])
        rows = fields(cap, ["tcp.stream", "xmppws.stream_error.condition", "xmppws.stream_error.text"],
                      "xmppws.stream_error")
        self.assertEqual(rows, [["0", "conflict", "Replaced by new connection"]])

    def test_missing_node(self):
        cap = "anomaly-missing-node.pcapng"
        self.assertEqual(experts(cap), [(10, PLAIN), (26, "xmppws.error.reported")])
        rows = fields(cap, ["xmppws.iq.type", "xmppws.error.type", "xmppws.error.condition", "xmppws.response_to"],
                      "xmppws.error", extra=["-2"])
        self.assertEqual(rows, [["error", "cancel", "item-not-found", "25"]])

    def test_malformed_xml(self):
        cap = "anomaly-malformed-xml.pcapng"
        self.assertEqual(experts(cap), [(10, "xmppws.no_response"), (10, "xmppws.partial_element"),
                                        (10, "xmppws.stanza_before_auth"), (11, "xmppws.close_unanswered"),
                                        (11, "xmppws.stream_error.reported")])
        self.assertEqual(messages(cap, "xmppws.stream_error.reported"),
                         ["Stream error not-well-formed: the stream is closed (RFC 6120 4.9)"])

    def test_dropped_socket(self):
        cap = "anomaly-dropped-socket.pcapng"
        # the unanswered ping is the last message; the RST that ended the connection is frame 24
        self.assertEqual(experts(cap), [(10, PLAIN), (22, "xmppws.no_close"), (22, "xmppws.no_response"),
                                        (24, "xmppws.dropped")])

    def test_capture_that_simply_ends(self):
        """The same capture cut before the RST: the ping is still unanswered,
        but nothing says the connection ended (issue 13)."""
        out = os.path.join(tempfile.mkdtemp(prefix="xmppws-cut-"), "dropped-socket-cut.pcapng")
        subprocess.run(["editcap", "-r", capture("anomaly-dropped-socket.pcapng"), out, "1-23"], check=True,
                       capture_output=True)
        self.assertEqual(experts(out), [(10, PLAIN), (22, "xmppws.no_response")])


if __name__ == "__main__":
    unittest.main()
