"""README is the front door: its field and expert tables match what the
plugin registers, and every expert info says what to check next."""
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))
import reference  # noqa: E402
from xmppws_test import tshark  # noqa: E402

reference.run_tshark = tshark   # the build under test, as every test runs it


class ReadmeReference(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.readme = open(os.path.join(reference.TOP, "README.md")).read()
        out = tshark(["-G", "fields"])
        cls.fields = [line.split("\t")[2] for line in out.splitlines()
                      if line.startswith("F\t") and line.split("\t")[4] in ("xmppws", "finesse")]

    def test_every_field_documented(self):
        missing = [f for f in self.fields if "`%s`" % f not in self.readme]
        self.assertEqual(missing, [])

    def test_field_tables_up_to_date(self):
        block = re.search(re.escape(reference.BEGIN) + "\n(.*?)\n" + re.escape(reference.END), self.readme, re.S)
        self.assertIsNotNone(block)
        self.assertEqual(block.group(1), reference.tables(), "run: python3 tools/reference.py --update")

    def test_expert_table_up_to_date(self):
        block = re.search(re.escape(reference.EBEGIN) + "\n(.*?)" + re.escape(reference.EEND), self.readme, re.S)
        self.assertEqual(block.group(1), reference.expert_table(), "run: python3 tools/reference.py --update")

    def test_every_expert_says_what_to_check(self):
        experts = reference.registered_experts()
        self.assertGreater(len(experts), 30)
        self.assertEqual([e[0] for e in experts if e[0] not in reference.NEXT], [])
        registered_fields = set(self.fields)
        # every expert name is registered (tshark lists experts among fields)
        self.assertEqual([e[0] for e in experts if e[0] not in registered_fields], [])

    def test_preferences_documented(self):
        prefs = [line.split(":")[0].lstrip("#") for line in tshark(["-G", "defaultprefs"]).splitlines()
                 if line.lstrip("#").startswith(("xmppws.", "finesse."))]
        self.assertIn("xmppws.show_xml_tree", prefs)
        missing = [p for p in prefs + ["xmppws.ws.port"] if "`%s`" % p not in self.readme]
        self.assertEqual(missing, [])


if __name__ == "__main__":
    unittest.main()
