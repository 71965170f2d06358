"""The SYNTHETIC capture of the login in Cisco's troubleshooting document
(captures/cisco-doc-login.py, protocol.md section 1: Openfire style, port
8445) decodes to what the document says."""
import unittest

from xmppws_test import column, fields, experts, STAGE

CAP = "cisco-doc-login.pcapng"


class CiscoDocument(unittest.TestCase):
    def test_plain_credentials(self):
        self.assertEqual(column(CAP, "xmppws.sasl.authzid"), ["administrator@uccxpub.prabhat.com"])
        self.assertEqual(column(CAP, "xmppws.sasl.authcid"), ["administrator"])
        self.assertEqual(column(CAP, "xmppws.sasl.password"), ["1234"])

    def test_bound_jid(self):
        self.assertEqual(column(CAP, "xmppws.bind.jid"), ["administrator@uccxpub.prabhat.com/desktop"])
        self.assertEqual(column(CAP, "xmppws.iq.id", "xmppws.bind"), ["_bind_auth_2", "_bind_auth_2"])
        self.assertEqual(column(CAP, "xmppws.iq.id", "xmppws.session"), ["_session_auth_2"])

    def test_two_subscriptions(self):
        rows = fields(CAP, ["xmppws.pubsub.node", "xmppws.pubsub.subscription", "xmppws.pubsub.subid"],
                      "xmppws.pubsub.subscription")
        self.assertEqual(rows, [
            ["/finesse/api/User/administrator", "subscribed", "Jb1t8oXEe1D7Z9mGRPx2pN8uSW2ml1X3Wm6mQ0Hy"],
            ["/finesse/api/Team/1/Users", "subscribed", "Qm4xK7rT2vN9bW1cY6zL3pH8sD5fG0jA4eU7iO2k"]])

    def test_openfire_features_and_caps(self):
        self.assertEqual(column(CAP, "xmppws.features.mechanism"), ["PLAIN"])
        self.assertEqual(column(CAP, "xmppws.caps.node", "xmppws.features"),
                         ["https://www.igniterealtime.org/projects/openfire/"] * 2)
        self.assertEqual(column(CAP, "xmppws.caps.ver", "xmppws.features"), ["k3mOuil8afx3OTZxYy6yxLmFsok="] * 2)

    def test_bare_presence_is_a_stanza(self):
        # the desktop's <presence/> carries no xmlns: still jabber:client
        self.assertEqual(len(fields(CAP, ["frame.number"], "xmppws.presence && xmppws.direction == 1")), 1)

    def test_login_summary_and_stages(self):
        self.assertEqual(column(CAP, "xmppws.login.jid"), ["administrator@uccxpub.prabhat.com/desktop"] * 2)
        self.assertEqual(column(CAP, "xmppws.login.restarts"), ["1", "1"])
        stages = [r[0] for r in fields(CAP, ["xmppws.stage"], "xmppws", extra=["-2"])]
        self.assertEqual(stages[:12], [STAGE["stream-open"]] * 3 + [STAGE["sasl"]] * 2 + [STAGE["restart"]] * 3
                         + [STAGE["bind"]] * 2 + [STAGE["session"]] * 2)
        self.assertEqual(stages[-2:], [STAGE["closing"], STAGE["closed"]])

    def test_only_cleartext_warning(self):
        self.assertEqual([(m[:40], s) for _, m, s, _ in experts(CAP) if s in ("Warning", "Error")],
                         [("SASL PLAIN over an unencrypted connectio", "Warning")])


if __name__ == "__main__":
    unittest.main()
