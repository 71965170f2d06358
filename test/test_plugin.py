"""The plugin loads into tshark and registers what it promises."""
import unittest

from xmppws_test import tshark


class PluginLoads(unittest.TestCase):
    def test_protocol_registered(self):
        protocols = [line.split("\t") for line in tshark(["-G", "protocols"]).splitlines()]
        self.assertIn(["XMPP over WebSocket", "XMPP/WS", "xmppws"], protocols)

    def test_dissector_tables(self):
        tables = tshark(["-G", "dissector-tables"])
        self.assertIn("ws.protocol", tables)
        heur = tshark(["-G", "heuristic-decodes"])
        self.assertIn("ws\txmppws\tT", heur.splitlines())

    def test_fields_registered(self):
        names = {line.split("\t")[2] for line in tshark(["-G", "fields"]).splitlines()
                 if line.startswith("F\t")}
        for f in ["xmppws.open.to", "xmppws.sasl.authcid", "xmppws.bind.jid", "xmppws.pubsub.subscription",
                  "xmppws.caps.ver", "xmppws.stream_error.condition", "xmppws.direction"]:
            self.assertIn(f, names)


if __name__ == "__main__":
    unittest.main()
