"""Statistics (xmppws-stats.c): -z xmppws,tree, -z xmppws,ladder, and the
credentials tap fed by xmppws-sasl.c, on the bundled captures.

Counts are checked against what the capture holds (see captures/README.md)
and cross-checked with the dissector's own fields: response times against
xmppws.response_time, ladder arrows against xmppws.direction, so the
statistics can never disagree with the packet details.
"""
import os
import re
import unittest

from xmppws_test import ROOT, capture, fields, tshark

LADDER_WIDTH = 100


def _handoff_calls_stats():
    """TRUE when the entry file calls xmppws_handoff_stats() (the diff of
    issue 6 is applied); then the statistics must be registered."""
    with open(os.path.join(ROOT, "packet-finesse-xmpp.c"), encoding="utf-8") as f:
        return "xmppws_handoff_stats()" in f.read()


def require_stats(test):
    """Skip a test of -z xmppws,* only while packet-finesse-xmpp.c does not
    call xmppws_handoff_stats(); once it does, the test runs (and fails if
    the statistics are missing)."""
    if _handoff_calls_stats():
        return test
    return unittest.skip("proto_reg_handoff_xmppws() does not call xmppws_handoff_stats() yet "
                         "(apply the diff of issue 6)")(test)


def parse_tree(text):
    """stats_tree text output -> {path: node}; path is a tuple of names from
    the top-level node down, node a dict with count and, for average
    nodes, avg/min/max."""
    nodes = {}
    stack = []
    in_body = False
    for line in text.splitlines():
        if line.startswith("Topic / Item"):
            in_body = True
            continue
        if not in_body or not line.strip() or line.startswith("---") or line.startswith("==="):
            continue
        m = re.match(r"^( *)(\S(?:.*?\S)?)\s{2,}(\d+)\s+(.*)$", line)
        if not m:
            continue
        depth = len(m.group(1))
        stack = stack[:depth] + [m.group(2)]
        rest = m.group(4).split()
        node = {"count": int(m.group(3))}
        if len(rest) == 7:          # Average, Min Val, Max Val, Rate, Percent, Burst rate, Burst start
            node["avg"], node["min"], node["max"] = float(rest[0]), float(rest[1]), float(rest[2])
        nodes[tuple(stack)] = node
    return nodes


def tree(cap, display_filter=None):
    arg = "xmppws,tree" + ("," + display_filter if display_filter else "")
    return parse_tree(tshark(["-n", "-q", "-r", capture(cap), "-z", arg]))


def children(nodes, parent):
    """{child name: count} of the node at path `parent`."""
    return {p[-1]: n["count"] for p, n in nodes.items() if len(p) == len(parent) + 1 and p[:-1] == parent}


def response_times_ms(cap, display_filter="xmppws.response_time"):
    """Every xmppws.response_time of the capture, in ms."""
    out = []
    for row in fields(cap, ["xmppws.response_time"], display_filter):
        out.extend(float(v) * 1000.0 for v in row[0].split("|") if v)
    return out


@require_stats
class StatsTree(unittest.TestCase):
    def test_registered(self):
        # tshark fails on a -z argument nobody registered
        out = tshark(["-n", "-q", "-r", capture("finesse-login.pcapng"), "-z", "xmppws,tree", "-z", "xmppws,ladder"])
        self.assertIn("XMPP over WebSocket:", out)
        self.assertIn("XMPP over WebSocket ladder", out)

    def test_login_messages(self):
        t = tree("finesse-login.pcapng")
        kinds = ("Messages by kind",)
        # 2 x (open, open, features), auth, success, bind, session, disco#info
        # get/result, 2 subscribe/subscription, 2 presences, 3 events, 2 close
        self.assertEqual(t[kinds]["count"], 25)
        self.assertEqual(children(t, kinds), {"open": 4, "features": 2, "SASL auth": 1, "SASL success": 1,
                                              "iq": 10, "presence": 2, "message": 3, "close": 2})
        self.assertEqual(children(t, ("Messages by direction",)), {"client to server": 10, "server to client": 15})
        self.assertEqual(children(t, ("Messages by handshake stage",)),
                         {"stream-open": 3, "sasl": 2, "restart": 3, "bind": 2, "session": 2,
                          "established": 11, "closing": 1, "closed": 1})
        # one record per top-level element: as many as xmppws.stage items
        stages = sum(len(r[0].split("|")) for r in fields("finesse-login.pcapng", ["xmppws.stage"], "xmppws.stage"))
        self.assertEqual(t[kinds]["count"], stages)

    def test_login_sasl_iq_pubsub(self):
        t = tree("finesse-login.pcapng")
        self.assertEqual(children(t, ("SASL mechanisms requested",)), {"PLAIN": 1})
        self.assertEqual(children(t, ("SASL outcomes",)), {"success": 1})
        self.assertEqual(children(t, ("iq types",)), {"set": 4, "result": 5, "get": 1})
        self.assertEqual(children(t, ("iq payload namespaces",)),
                         {"urn:ietf:params:xml:ns:xmpp-bind": 2, "urn:ietf:params:xml:ns:xmpp-session": 1,
                          "http://jabber.org/protocol/disco#info": 2, "http://jabber.org/protocol/pubsub": 4})
        ps = ("Pubsub actions and nodes",)
        self.assertEqual(children(t, ps), {"subscribe": 2, "subscription": 2, "event items": 3})
        self.assertEqual(children(t, ps + ("subscribe",)),
                         {"/finesse/api/User/administrator": 1, "/finesse/api/Team/1/Users": 1})
        self.assertEqual(children(t, ps + ("event items",)),
                         {"/finesse/api/User/administrator": 2, "/finesse/api/Team/1/Users": 1})
        self.assertEqual(t[("Stream error conditions",)]["count"], 0)
        self.assertEqual(t[("Stanza error conditions",)]["count"], 0)

    def test_response_times_match_fields(self):
        t = tree("finesse-login.pcapng")
        root = ("Response time (ms) by request",)
        self.assertEqual(children(t, root), {"auth PLAIN": 1, "bind": 1, "session": 1, "query": 1,
                                             "pubsub": 2, "close": 1})
        every = response_times_ms("finesse-login.pcapng")
        self.assertEqual(t[root]["count"], len(every))
        self.assertAlmostEqual(t[root]["min"], min(every), places=3)
        self.assertAlmostEqual(t[root]["max"], max(every), places=3)
        self.assertAlmostEqual(t[root]["avg"], sum(every) / len(every), places=2)
        for what, flt in [("auth PLAIN", "xmppws.sasl.success"), ("bind", "xmppws.bind.jid"),
                          ("pubsub", "xmppws.pubsub.subscription")]:
            values = response_times_ms("finesse-login.pcapng", flt)
            node = t[root + (what,)]
            self.assertEqual(node["count"], len(values), what)
            self.assertAlmostEqual(node["min"], min(values), places=3, msg=what)
            self.assertAlmostEqual(node["max"], max(values), places=3, msg=what)

    def test_scram(self):
        t = tree("scram-login.pcapng")
        self.assertEqual(children(t, ("SASL mechanisms requested",)), {"SCRAM-SHA-1": 1})
        self.assertEqual(children(t, ("SASL outcomes",)), {"success": 1})
        kinds = children(t, ("Messages by kind",))
        self.assertEqual((kinds["SASL challenge"], kinds["SASL response"]), (1, 1))
        self.assertIn("auth SCRAM-SHA-1", children(t, ("Response time (ms) by request",)))

    def test_failed_login(self):
        t = tree("anomaly-wrong-password.pcapng")
        self.assertEqual(children(t, ("SASL outcomes",)), {"failure": 1})
        self.assertEqual(children(t, ("SASL outcomes", "failure")), {"not-authorized": 1})

    def test_errors(self):
        self.assertEqual(children(tree("anomaly-malformed-xml.pcapng"), ("Stream error conditions",)),
                         {"not-well-formed": 1})
        self.assertEqual(children(tree("anomaly-resource-conflict.pcapng"), ("Stream error conditions",)),
                         {"conflict": 1})
        t = tree("anomaly-missing-node.pcapng")
        self.assertEqual(children(t, ("Stanza error conditions",)), {"item-not-found": 1})
        self.assertEqual(children(t, ("iq types",))["error"], 1)

    def test_filter(self):
        t = tree("finesse-login.pcapng", 'xmppws.stage == "sasl"')
        self.assertEqual(t[("Messages by kind",)]["count"], 2)


def ladder(cap, arg="xmppws,ladder", check=True):
    return tshark(["-n", "-q", "-r", capture(cap), "-z", arg], check=check)


ROW = re.compile(r"^ *(\d+) +(\d+\.\d{6}) C (----> |<---- |\?---\? )S (.*)$")


def ladder_rows(text):
    """[(frame, t, arrow, text)] of the rows, continuation lines joined."""
    rows = []
    for line in text.splitlines():
        m = ROW.match(line)
        if m:
            rows.append([int(m.group(1)), float(m.group(2)), m.group(3).strip(), m.group(4)])
        elif rows and line.startswith(" " * 28) and line.strip() and not line.strip().startswith("----"):
            rows[-1][3] += " " + line.strip()
    return [tuple(r) for r in rows]


@require_stats
class Ladder(unittest.TestCase):
    def test_login_ladder(self):
        out = ladder("finesse-login.pcapng")
        self.assertIn("XMPP over WebSocket ladder", out)
        self.assertRegex(out, r"Connection \d+: client 127\.0\.0\.1:\d+ <-> server 127\.0\.0\.1:5280\n"
                              r"25 messages, first in frame 8\n")
        rows = ladder_rows(out)
        self.assertEqual(len(rows), 25)
        self.assertEqual([r[0] for r in rows], sorted(r[0] for r in rows))
        self.assertEqual(rows[0][1], 0.0)
        # the arrows follow xmppws.direction, element by element
        directions = []
        for row in fields("finesse-login.pcapng", ["xmppws.direction"], "xmppws"):
            directions.extend(row[0].split("|"))
        self.assertEqual([r[2] for r in rows], ["---->" if d == "1" else "<----" for d in directions])
        self.assertEqual(rows[3][3], "auth PLAIN authcid=administrator")
        self.assertRegex(rows[4][3], r"^success \(\+\d+\.\d{3} ms\)$")
        stages = re.findall(r"^ +---- (\S+) ----$", out, re.M)
        self.assertEqual(stages, ["stream-open", "sasl", "restart", "bind", "session", "established",
                                  "closing", "closed"])

    def test_response_times_match_fields(self):
        rows = ladder_rows(ladder("finesse-login.pcapng"))
        shown = {r[0]: float(re.search(r"\(\+(\d+\.\d{3}) ms\)$", r[3]).group(1))
                 for r in rows if re.search(r"\(\+\d+\.\d{3} ms\)$", r[3])}
        expected = {}
        for frame, rt in fields("finesse-login.pcapng", ["frame.number", "xmppws.response_time"],
                                "xmppws.response_time"):
            expected[int(frame)] = round(float(rt.split("|")[0]) * 1000.0, 3)
        self.assertEqual(set(shown), set(expected))
        for frame in expected:
            self.assertAlmostEqual(shown[frame], expected[frame], places=3, msg="frame %d" % frame)

    def test_width(self):
        for cap in ["finesse-login.pcapng", "finesse-agent-session.pcapng", "anomalies-synthetic.pcapng",
                    "anomaly-wrong-password.pcapng", "cisco-doc-login.pcapng"]:
            out = ladder(cap)
            for line in out.splitlines():
                self.assertLessEqual(len(line), LADDER_WIDTH, "%s: %r" % (cap, line))

    def test_long_summary_wraps_without_loss(self):
        rows = ladder_rows(ladder("finesse-agent-session.pcapng"))
        logout = [r for r in rows if "LOGOUT" in r[3]]
        self.assertEqual(len(logout), 1)
        self.assertTrue(logout[0][3].endswith("Finesse PUT User administrator LOGOUT (reason 32760 End of shift)"),
                        logout[0][3])

    def test_connections(self):
        out = ladder("anomaly-resource-conflict.pcapng")
        self.assertEqual(len(re.findall(r"^Connection \d+: client ", out, re.M)), 2)
        self.assertIn("stream error conflict", out)

    def test_filter(self):
        rows = ladder_rows(ladder("finesse-login.pcapng", 'xmppws,ladder,xmppws.stage == "sasl"'))
        self.assertEqual([r[3].split()[0] for r in rows], ["auth", "success"])
        self.assertIn("filter: xmppws.stage == \"sasl\"", ladder("finesse-login.pcapng",
                                                                  'xmppws,ladder,xmppws.stage == "sasl"'))

    def test_bad_filter(self):
        out = ladder("finesse-login.pcapng", "xmppws,ladder,xmppws.nonsense ==", check=False)
        self.assertNotIn("XMPP over WebSocket ladder", out)


class Credentials(unittest.TestCase):
    """tshark -z credentials (the tap is fed by xmppws-sasl.c)."""

    def creds(self, cap):
        rows = []
        for line in tshark(["-n", "-q", "-r", capture(cap), "-z", "credentials"]).splitlines():
            m = re.match(r"^(\d+)\s+(\S+)\s+(\S+)\s+(.*?)\s*$", line)
            if m:
                rows.append((int(m.group(1)), m.group(2), m.group(3), m.group(4)))
        return rows

    def test_plain(self):
        self.assertEqual(self.creds("finesse-login.pcapng"), [(10, "XMPP/WS", "administrator", "SASL PLAIN")])
        self.assertEqual(self.creds("cisco-doc-login.pcapng"), [(9, "XMPP/WS", "administrator", "SASL PLAIN")])

    def test_scram_user_name_only(self):
        rows = self.creds("scram-login.pcapng")
        self.assertEqual([r[:3] for r in rows], [(10, "XMPP/WS", "administrator")])
        self.assertIn("SCRAM", rows[0][3])
        self.assertIn("password is never sent", rows[0][3])

    def test_failed_login_still_shows_the_attempt(self):
        self.assertEqual(self.creds("anomaly-wrong-password.pcapng"), [(10, "XMPP/WS", "administrator", "SASL PLAIN")])

    def test_two_logins(self):
        self.assertEqual([r[0] for r in self.creds("anomaly-resource-conflict.pcapng")], [10, 31])


if __name__ == "__main__":
    unittest.main()
