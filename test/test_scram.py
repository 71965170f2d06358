"""SCRAM-SHA-1 login (captures/scram-login.pcapng: Prosody 0.12 and
@xmpp/client): every RFC 5802 attribute decoded, proven by recomputing the
client proof and server signature from the password 1234 and the dissected
values; and a SCRAM login over ws:// raises no warning."""
import base64
import hashlib
import hmac
import unittest

from xmppws_test import column, fields, expert_infos

CAP = "scram-login.pcapng"


def one(name):
    values = column(CAP, name)
    assert len(values) == 1, (name, values)
    return values[0]


class Scram(unittest.TestCase):
    def test_client_first(self):
        self.assertEqual(column(CAP, "xmppws.sasl.mechanism"), ["SCRAM-SHA-1"])
        self.assertEqual(one("xmppws.sasl.scram.gs2_header"), "n,,")
        self.assertEqual(one("xmppws.sasl.scram.username"), "administrator")

    def test_exchange_shape(self):
        rows = fields(CAP, ["_ws.col.Info"], "xmppws.stage == \"sasl\"", extra=["-2"])
        self.assertEqual([r[0] for r in rows], ["auth SCRAM-SHA-1 username=administrator", "challenge", "response",
                                                "success"])
        self.assertEqual(one("xmppws.sasl.scram.iterations"), "10000")
        self.assertEqual(one("xmppws.sasl.scram.channel_binding"), "biws")   # base64 of "n,,"

    def test_proof_and_verifier_match_the_password(self):
        nonces = column(CAP, "xmppws.sasl.scram.nonce")
        client_nonce, server_nonce, final_nonce = nonces
        self.assertTrue(server_nonce.startswith(client_nonce))
        self.assertEqual(final_nonce, server_nonce)
        salt, iterations = one("xmppws.sasl.scram.salt"), int(one("xmppws.sasl.scram.iterations"))
        auth_message = ",".join(["n=administrator,r=" + client_nonce,
                                 "r=%s,s=%s,i=%d" % (server_nonce, salt, iterations),
                                 "c=biws,r=" + server_nonce]).encode()
        salted = hashlib.pbkdf2_hmac("sha1", b"1234", base64.b64decode(salt), iterations)
        client_key = hmac.new(salted, b"Client Key", hashlib.sha1).digest()
        signature = hmac.new(hashlib.sha1(client_key).digest(), auth_message, hashlib.sha1).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        self.assertEqual(one("xmppws.sasl.scram.proof"), base64.b64encode(proof).decode())
        server_key = hmac.new(salted, b"Server Key", hashlib.sha1).digest()
        verifier = hmac.new(server_key, auth_message, hashlib.sha1).digest()
        self.assertEqual(one("xmppws.sasl.scram.verifier"), base64.b64encode(verifier).decode())

    def test_request_response(self):
        rows = fields(CAP, ["frame.number", "xmppws.response_in"], "xmppws.sasl.auth", extra=["-2"])
        success = fields(CAP, ["frame.number", "xmppws.response_to"], "xmppws.sasl.success", extra=["-2"])
        self.assertEqual(rows[0][1], success[0][0])
        self.assertEqual(success[0][1], rows[0][0])

    def test_no_warning(self):
        self.assertEqual([e for e in expert_infos(CAP) if e["severity"] in ("Warning", "Error")], [])


if __name__ == "__main__":
    unittest.main()
