"""The plugin loads into tshark and registers what it promises."""
import unittest

from xmppws_test import tshark


class PluginLoads(unittest.TestCase):
    def test_protocol_registered(self):
        # (4.4 and later add columns after the first three: compare those)
        protocols = [line.split("\t")[:3] for line in tshark(["-G", "protocols"]).splitlines()]
        self.assertIn(["XMPP over WebSocket", "XMPP/WS", "xmppws"], protocols)

    def test_dissector_tables(self):
        tables = tshark(["-G", "dissector-tables"])
        self.assertIn("ws.protocol", tables)
        heur = tshark(["-G", "heuristic-decodes"])
        heur_rows = [line.split("\t")[:3] for line in heur.splitlines()]
        self.assertIn(["ws", "xmppws", "T"], heur_rows)
        # Finesse is a payload dissector on xmppws's own pubsub heuristic list
        self.assertIn(["xmppws.pubsub", "finesse", "T"], heur_rows)

    def test_listed_as_dissector_plugin(self):
        # 4.4 and later ask plugin_describe() (else they say "unknown"); 4.0 goes by the epan folder
        rows = [line.split("\t") for line in tshark(["-G", "plugins"]).splitlines()]
        ours = [r for r in rows if r[0].strip() == "finesse-xmpp.so"]
        self.assertEqual(len(ours), 1)
        self.assertEqual(ours[0][2].strip(), "dissector")

    def test_fields_registered(self):
        names = {line.split("\t")[2] for line in tshark(["-G", "fields"]).splitlines()
                 if line.startswith("F\t")}
        for f in ["xmppws.open.to", "xmppws.sasl.authcid", "xmppws.bind.jid", "xmppws.pubsub.subscription",
                  "xmppws.caps.ver", "xmppws.stream_error.condition", "xmppws.direction"]:
            self.assertIn(f, names)


if __name__ == "__main__":
    unittest.main()
