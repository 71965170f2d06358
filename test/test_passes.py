"""The first pass owns file scope (issue 13, README.dissector 2.5): state is
built on the first pass; later passes (a GUI re-dissection or re-filter,
tshark -2) read it and allocate nothing in wmem_file_scope(), so that
re-dissecting never grows the file's memory.

The proof has two halves. In the source, every file-scope allocation of the
plugin goes through xmppws_file_scope(pinfo) (xmppws-core.c), which asserts
the first pass (DISSECTOR_ASSERT); tshark runs with
WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 in every test, so an allocation on a
later pass aborts it. Here, every bundled capture is dissected twice with a
display filter and the whole tree (-2 -V -Y), which runs every code path of
the plugin on a visited pass.
"""
import glob
import os
import re
import unittest

from xmppws_test import CAPTURES, tshark

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class FileScope(unittest.TestCase):
    def test_one_way_in(self):
        """wmem_file_scope() appears only in the asserting helper and in
        reads of file-scope proto data."""
        sources = sorted(glob.glob(os.path.join(TOP, "*.c")))
        self.assertGreaterEqual(len(sources), 14)
        uses = []
        for path in sources:
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    for m in re.finditer(r"wmem_file_scope\(\)", line):
                        before = line[:m.start()]
                        if before.rstrip().endswith("p_get_proto_data("):
                            continue
                        uses.append("%s:%d" % (os.path.basename(path), n))
        self.assertEqual(len(uses), 1, uses)
        self.assertTrue(uses[0].startswith("xmppws-core.c:"), uses)
        with open(os.path.join(TOP, "xmppws-core.c"), encoding="utf-8") as f:
            core = f.read()
        helper = core[core.index("xmppws_file_scope(const packet_info *pinfo)\n{"):]
        helper = helper[:helper.index("\n}\n")]
        self.assertIn("DISSECTOR_ASSERT_HINT(!PINFO_FD_VISITED(pinfo)", helper)

    def test_later_passes_allocate_nothing(self):
        caps = [c for c in sorted(glob.glob(os.path.join(CAPTURES, "*.pcapng")))
                if not os.path.basename(c).startswith("bench-")]
        self.assertGreaterEqual(len(caps), 30)
        for cap in caps:
            with self.subTest(capture=os.path.basename(cap)):
                out = tshark(["-n", "-2", "-V", "-r", cap, "-Y", "xmppws || finesse || websocket || tcp"])
                self.assertNotIn("Dissector bug", out)
                self.assertNotIn("file-scope allocation after the first pass", out)


if __name__ == "__main__":
    unittest.main()
