"""Statistics (xmppws-stats.c): -z xmppws,tree, -z xmppws,ladder,
-z finesse,tree (fed by packet-finesse.c), and the credentials tap fed by
xmppws-sasl.c, on the bundled captures.

Counts are checked against what the capture holds (see captures/README.md)
and cross-checked with the dissector's own fields: response times against
xmppws.response_time, ladder arrows against xmppws.direction, so the
statistics can never disagree with the packet details.
"""
import os
import re
import unittest

from xmppws_test import ROOT, capture, column, fields, tshark, KIND_NAME

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
class Health(unittest.TestCase):
    """-z xmppws,health (issue 17 item 4): how each stream lived and ended."""

    def health(self, cap, extra=()):
        """The report's lines; a WebSocket stream's number is the conversation
        index, which Wireshark versions count differently: shown as N."""
        out = tshark(["-n", "-q", "-r", capture(cap), "-z", "xmppws,health"] + list(extra))
        return [re.sub(r"^Connection \d+:", "Connection N:", l) for l in out.splitlines()
                if l.startswith("  ") or l.startswith("Connection") or l.startswith("BOSH")]

    def test_dropped_socket(self):
        """The desktop's ping goes unanswered, then the client resets the
        connection without <close/>."""
        for extra in ([], ["-2"]):
            self.assertEqual(self.health("anomaly-dropped-socket.pcapng", extra), [
                "Connection N: client 127.0.0.1:33222 <-> server 127.0.0.1:5280",
                "  messages:          17, frames 8 to 22, 0.315 s",
                "  ended:             TCP RST from the client (frame 24), without <close/>: a dropped connection",
                "  pings (XEP-0199):  1 from the client, 0 from the server, 0 answered",
                "  unanswered pings:  frame 22",
                "  longest silence:   0.298 s (frames 20 to 22)",
                "  last notification: none",
            ])

    def test_clean_login(self):
        self.assertEqual(self.health("finesse-login.pcapng"), [
            "Connection N: client 127.0.0.1:58280 <-> server 127.0.0.1:5280",
            "  messages:          25, frames 8 to 35, 0.482 s",
            "  ended:             WebSocket Close 1000 from the server (frame 35), <close/> both ways (frames 34, 35)",
            "  pings (XEP-0199):  0 from the client, 0 from the server, 0 answered",
            "  longest silence:   0.300 s (frames 20 to 22)",
            "  last notification: frame 32, 0.428 s after the first message: Finesse PUT User administrator READY",
        ])

    def test_answered_pings(self):
        self.assertEqual(self.health("keepalive-pings.pcapng"), [
            "Connection N: client 127.0.0.1:41126 <-> server 127.0.0.1:5280",
            "  messages:          29, frames 8 to 40, 3.326 s",
            "  ended:             WebSocket Close 1000 from the server (frame 40), <close/> both ways (frames 39, 40)",
            "  pings (XEP-0199):  4 from the client, 0 from the server, 4 answered, round trip min/avg/max "
            "0.228/0.920/1.827 ms",
            "  longest silence:   1.003 s (frames 26 to 28)",
            "  last notification: frame 31, 1.829 s after the first message: Finesse PUT User administrator "
            "NOT_READY (reason 32762 Lunch)",
        ])

    def test_bosh_session(self):
        lines = self.health("bosh-prosody-strophe.pcapng", ["-2"])
        self.assertEqual(lines[0], "BOSH session 0, sid e72d3e18-4fbf-45e6-b205-ab5bb7375972: client "
                                   "127.0.0.1:57704 <-> server 127.0.0.1:7070")
        self.assertEqual(lines[2:], [
            "  ended:             <close/> both ways (frames 56, 58)",
            "  pings (XEP-0199):  0 from the client, 0 from the server, 0 answered",
            "  longest silence:   5.005 s (frames 38 to 40)",
            "  last notification: frame 52, 14.478 s after the first message: Finesse PUT User administrator "
            "LOGOUT (reason 32760 End of shift)",
        ])

    def test_ladder_last_line(self):
        out = tshark(["-n", "-q", "-r", capture("anomaly-dropped-socket.pcapng"), "-z", "xmppws,ladder"])
        rows = [l for l in out.splitlines() if l.strip()[:1].isdigit()]
        self.assertEqual(rows[-1].split(None, 2)[2], "C ----> S connection ends: TCP RST from the client")

    def test_long_silence(self):
        """Expert xmppws.long_silence above the preference (default 120 s:
        none in the bundled captures): the 12 s idle of the WebSocket login."""
        cap = "bosh-compare-websocket.pcapng"
        self.assertEqual(fields(cap, ["frame.number"], "xmppws.long_silence", ["-2"]), [])
        rows = fields(cap, ["frame.number", "_ws.expert.message"], "xmppws.long_silence",
                      ["-2", "-o", "xmppws.silence_warning:10"])
        self.assertEqual(rows, [["25", "12.032 s without any XMPP element on this stream since frame 23: above "
                                       "xmppws.silence_warning (10 s); keepalives (XEP-0199 pings) are missing"]])


class ServiceResponseTime(unittest.TestCase):
    """-z xmppws,srt (Statistics > Service Response Time in the GUI): the
    framework's table, fed by the same response links as the fields."""

    def srt(self, cap):
        out = tshark(["-n", "-q", "-r", capture(cap), "-z", "xmppws,srt"])
        rows = {}
        for line in out.splitlines():
            parts = line.split()
            if parts and parts[0].isdigit() and len(parts) >= 7:
                name = " ".join(parts[1:-5])
                rows[name] = (int(parts[-5]), [float(x) for x in parts[-4:]])
        return rows

    def test_login(self):
        rows = self.srt("finesse-login.pcapng")
        self.assertEqual({k: v[0] for k, v in rows.items()},
                         {"iq bind": 1, "iq session": 1, "iq pubsub subscribe": 2, "iq query": 1, "SASL auth": 1,
                          "close": 1})
        times = [float(t) for r in fields("finesse-login.pcapng", ["xmppws.response_time"], "xmppws.response_time",
                                           ["-2"]) for t in r[0].split("|")]
        # min and max of every row are response times the fields show (microseconds in the table)
        for name, (calls, (lo, hi, avg, total)) in rows.items():
            self.assertTrue(any(abs(lo - t) < 1e-6 for t in times), name)
            self.assertTrue(any(abs(hi - t) < 1e-6 for t in times), name)
            self.assertAlmostEqual(total, avg * calls, places=5)

    def test_load_capture(self):
        """25 real agents: each binds, opens a session, subscribes to its
        User and Team nodes, authenticates and closes once."""
        rows = self.srt("bench-10k.pcapng")
        self.assertEqual({k: v[0] for k, v in rows.items()},
                         {"iq bind": 25, "iq session": 25, "iq pubsub subscribe": 50, "iq query": 1,
                          "SASL auth": 25, "close": 25})

    def test_pings(self):
        """A real keepalive session (Prosody answers 4 XEP-0199 pings): the
        ping row has the round trips the fields show (frames 26, 29, 34, 37)."""
        rows = self.srt("keepalive-pings.pcapng")
        rtts = [float(r[0]) for r in fields("keepalive-pings.pcapng", ["xmppws.response_time"],
                                            "frame.number == 26 || frame.number == 29 || frame.number == 34 || "
                                            "frame.number == 37", ["-2"])]
        self.assertEqual(len(rtts), 4)
        calls, (lo, hi, avg, total) = rows["iq ping"]
        self.assertEqual(calls, 4)
        self.assertAlmostEqual(lo, min(rtts), places=6)
        self.assertAlmostEqual(hi, max(rtts), places=6)
        self.assertAlmostEqual(total, sum(rtts), places=6)
        self.assertEqual({k: v[0] for k, v in rows.items()},
                         {"iq bind": 1, "iq session": 1, "iq pubsub subscribe": 1, "iq ping": 4, "iq query": 1,
                          "SASL auth": 1, "close": 1})

    def test_bosh(self):
        """The same requests over BOSH: the BOSH hold times are not in it."""
        rows = self.srt("bosh-prosody-strophe.pcapng")
        self.assertEqual({k: v[0] for k, v in rows.items()},
                         {"iq bind": 1, "iq session": 1, "iq pubsub subscribe": 1, "SASL auth": 1})
        self.assertAlmostEqual(rows["SASL auth"][1][0], 0.011297, places=6)


class FinesseServiceResponseTime(unittest.TestCase):
    """-z finesse,srt: REST calls by method (request to HTTP response) and
    request to notification, against captures/rest/facts.json's frames."""

    def test_rest_notify(self):
        out = tshark(["-n", "-q", "-r", capture("rest-notify.pcapng"), "-z", "finesse,srt"])
        rows = {}
        for line in out.splitlines():
            parts = line.split()
            if parts and parts[0].isdigit() and len(parts) >= 7:
                rows[" ".join(parts[1:-5])] = (int(parts[-5]), [float(x) for x in parts[-4:]])
        self.assertEqual({k: v[0] for k, v in rows.items()},
                         {"REST GET": 1, "REST PUT": 5, "REST request \u2192 notification": 3})
        # the three linked notifications (frames 46, 51, 67): finesse.rest.latency
        lat = sorted(float(r[0]) for r in fields("rest-notify.pcapng", ["finesse.rest.latency"],
                                                 "finesse.rest.latency", ["-2"]))
        self.assertEqual(len(lat), 3)
        calls, (lo, hi, avg, total) = rows["REST request \u2192 notification"]
        self.assertAlmostEqual(lo, lat[0], places=6)
        self.assertAlmostEqual(hi, lat[-1], places=6)
        self.assertAlmostEqual(hi, 3.015730, places=6)
        self.assertAlmostEqual(total, sum(lat), places=5)
        # GET User: request frame 40, response frame 41
        t = {int(r[0]): float(r[1]) for r in fields("rest-notify.pcapng", ["frame.number", "frame.time_relative"],
                                                    "frame.number == 40 || frame.number == 41")}
        self.assertAlmostEqual(rows["REST GET"][1][0], t[41] - t[40], places=6)


class Ladder(unittest.TestCase):
    def test_login_ladder(self):
        out = ladder("finesse-login.pcapng")
        self.assertIn("XMPP over WebSocket ladder", out)
        self.assertRegex(out, r"Connection \d+: client 127\.0\.0\.1:\d+ <-> server 127\.0\.0\.1:5280\n"
                              r"25 messages, first in frame 8\n")
        rows = ladder_rows(out)
        # 25 elements, then the connection's end (issue 17: the ladder's last line)
        self.assertEqual(rows[-1][3], "connection ends: WebSocket Close 1000 from the server")
        rows = rows[:-1]
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
        self.assertEqual(logout[0][3], "Finesse PUT User administrator LOGOUT (reason 32760 End of shift); message "
                                       "headline pubsub event node=/finesse/api/User/administrator "
                                       "item=finesse-00018")

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


# ---- -z finesse,tree ---------------------------------------------------------

SESSION = "finesse-agent-session.pcapng"
LOGIN = "finesse-login.pcapng"
ESCAPING = "finesse-escaping.pcapng"

F_KIND = ("Notifications by kind and event",)
F_SOURCE = ("Notifications by source",)
F_SOLICITED = ("Solicited (requestId) or unsolicited",)
F_STATE = ("Agent states (reason)",)
F_AGENT = ("Agent states by agent",)
F_DIALOG = ("Dialog states",)
F_ERROR = ("API errors by type and message",)
F_SYSTEM = ("SystemInfo status",)
F_REST = ("REST calls by resource and status",)
F_LATENCY = ("REST request to notification latency (ms) by agent",)
# (these captures hold no Finesse REST calls: test_rest.py has the REST nodes)
F_TOP = [F_KIND, F_SOURCE, F_SOLICITED, F_STATE, F_AGENT, F_DIALOG, F_ERROR, F_SYSTEM, F_REST, F_LATENCY]


def finesse_tree(cap, display_filter=None, extra=()):
    arg = "finesse,tree" + ("," + display_filter if display_filter else "")
    return parse_tree(tshark(["-n", "-q", "-r", capture(cap), "-z", arg] + list(extra)))


def counts(nodes):
    """{path: count} of a parsed tree."""
    return {p: n["count"] for p, n in nodes.items()}


def source_pattern(source):
    """What the tree makes of an Update/source: after /finesse/api/ the
    segments alternate type and id, ids become {id}."""
    head, sep, rest = source.partition("/finesse/api/")
    if not sep:
        return source
    return head + sep + "/".join("{id}" if i % 2 and seg else seg for i, seg in enumerate(rest.split("/")))


def notifications(cap):
    """One dict per decoded notification, from the packet details (these
    captures carry one notification per frame and every slot once; a frame
    with a Finesse expert for an undecoded payload is left out)."""
    names = ["finesse.kind", "finesse.event", "finesse.source", "finesse.request_id", "finesse.user.id",
             "finesse.user.name", "finesse.user.state", "finesse.user.reason_label", "finesse.dialog.state",
             "finesse.api_error.type", "finesse.api_error.message", "finesse.system.status"]
    out = []
    for row in fields(cap, names, "finesse && !finesse.malformed && !finesse.too_deep && !finesse.too_large"):
        assert len(row[0].split("|")) == 1, row
        n = {n.split(".", 1)[1]: (v.split("|")[0] if v else None) for n, v in zip(names, row)}
        n["kind"] = KIND_NAME[n["kind"]]   # the tree names what the field numbers
        out.append(n)
    return out


def expected_finesse_tree(cap):
    """The tree -z finesse,tree must print, computed from the fields."""
    from collections import Counter
    c = Counter({top: 0 for top in F_TOP})

    def tick(*path):
        for i in range(1, len(path) + 1):
            c[path[:i]] += 1
    for n in notifications(cap):
        tick(F_KIND[0], n["kind"], (n["event"] or "(no event)").upper())
        tick(F_SOURCE[0], source_pattern(n["source"]) if n["source"] else "(no source)")
        tick(F_SOLICITED[0], "solicited (requestId set)" if n["request_id"] else "unsolicited")
        if n["kind"] == "user" and n["user.state"]:
            if n["user.reason_label"]:
                tick(F_STATE[0], n["user.state"], n["user.reason_label"])
            else:
                tick(F_STATE[0], n["user.state"])
            tick(F_AGENT[0], n["user.id"] or n["user.name"], n["user.state"])
        if n["dialog.state"]:
            tick(F_DIALOG[0], n["dialog.state"])
        if n["kind"] == "api_errors":
            tick(F_ERROR[0], n["api_error.type"], n["api_error.message"])
        if n["kind"] == "system_info":
            tick(F_SYSTEM[0], n["system.status"])
    return dict(c)


@require_stats
class FinesseTree(unittest.TestCase):
    def test_registered(self):
        out = tshark(["-n", "-q", "-r", capture(LOGIN), "-z", "finesse,tree"])
        self.assertIn("Cisco Finesse Notification:", out)
        # the top-level nodes, in this order (after the title and the header)
        self.assertEqual([line.split("  ")[0] for line in out.splitlines() if re.match(r"^[A-Z]\S", line)][2:],
                         [top[0] for top in F_TOP])

    def test_agent_session_exact(self):
        t = counts(finesse_tree(SESSION))
        self.assertEqual(t, {
            F_KIND: 18,
            F_KIND + ("user",): 9, F_KIND + ("user", "PUT"): 9,
            F_KIND + ("dialog",): 6, F_KIND + ("dialog", "PUT"): 4, F_KIND + ("dialog", "POST"): 1,
            F_KIND + ("dialog", "DELETE"): 1,
            F_KIND + ("system_info",): 2, F_KIND + ("system_info", "PUT"): 2,
            F_KIND + ("api_errors",): 1, F_KIND + ("api_errors", "PUT"): 1,
            F_SOURCE: 18,
            F_SOURCE + ("/finesse/api/User/{id}",): 9,
            F_SOURCE + ("/finesse/api/Dialog/{id}",): 4,
            F_SOURCE + ("/finesse/api/User/{id}/Dialogs",): 2,
            F_SOURCE + ("/finesse/api/SystemInfo",): 2,
            F_SOURCE + ("/finesse/api/Team/{id}/Users",): 1,
            F_SOLICITED: 18,
            F_SOLICITED + ("unsolicited",): 17, F_SOLICITED + ("solicited (requestId set)",): 1,
            # LOGIN -> NOT_READY (Lunch) -> READY (own node, then the Team
            # node) -> RESERVED -> TALKING -> WORK -> READY -> LOGOUT
            F_STATE: 9,
            F_STATE + ("READY",): 3, F_STATE + ("WORK",): 1, F_STATE + ("TALKING",): 1,
            F_STATE + ("RESERVED",): 1, F_STATE + ("NOT_READY",): 1, F_STATE + ("NOT_READY", "Lunch"): 1,
            F_STATE + ("LOGOUT",): 1, F_STATE + ("LOGOUT", "End of shift"): 1, F_STATE + ("LOGIN",): 1,
            F_AGENT: 9,
            F_AGENT + ("administrator",): 9,
            F_AGENT + ("administrator", "READY"): 3, F_AGENT + ("administrator", "WORK"): 1,
            F_AGENT + ("administrator", "TALKING"): 1, F_AGENT + ("administrator", "RESERVED"): 1,
            F_AGENT + ("administrator", "NOT_READY"): 1, F_AGENT + ("administrator", "LOGOUT"): 1,
            F_AGENT + ("administrator", "LOGIN"): 1,
            # dialog 53149720: ALERTING, ACTIVE x3 (answered, held, retrieved), DROPPED x2 (PUT, DELETE)
            F_DIALOG: 6,
            F_DIALOG + ("ACTIVE",): 3, F_DIALOG + ("DROPPED",): 2, F_DIALOG + ("ALERTING",): 1,
            F_ERROR: 1,
            F_ERROR + ("Invalid State",): 1, F_ERROR + ("Invalid State", "CTI request failed: invalid state"): 1,
            F_SYSTEM: 2,
            F_SYSTEM + ("OUT_OF_SERVICE",): 1, F_SYSTEM + ("IN_SERVICE",): 1,
            F_REST: 0, F_LATENCY: 0,
        })

    def test_login_exact(self):
        t = counts(finesse_tree(LOGIN))
        self.assertEqual(t, {
            F_KIND: 3, F_KIND + ("user",): 3, F_KIND + ("user", "PUT"): 3,
            F_SOURCE: 3, F_SOURCE + ("/finesse/api/User/{id}",): 2, F_SOURCE + ("/finesse/api/Team/{id}/Users",): 1,
            F_SOLICITED: 3, F_SOLICITED + ("unsolicited",): 3,
            F_STATE: 3, F_STATE + ("READY",): 2, F_STATE + ("NOT_READY",): 1,
            F_STATE + ("NOT_READY", "Lunch"): 1,
            F_AGENT: 3, F_AGENT + ("administrator",): 3, F_AGENT + ("administrator", "READY"): 2,
            F_AGENT + ("administrator", "NOT_READY"): 1,
            F_DIALOG: 0, F_ERROR: 0, F_SYSTEM: 0, F_REST: 0, F_LATENCY: 0,
        })

    def test_matches_the_fields(self):
        """Every count follows from -T fields -e finesse.* (the Team-node
        update counts its first user, as finesse.user.state shows it)."""
        for cap in [SESSION, LOGIN]:
            self.assertEqual(counts(finesse_tree(cap)), expected_finesse_tree(cap), cap)
        states = column(SESSION, "finesse.user.state")
        self.assertEqual(states, ["LOGIN", "NOT_READY", "READY", "READY", "RESERVED", "TALKING", "WORK", "READY",
                                  "LOGOUT"])
        self.assertEqual(column(SESSION, "finesse.dialog.state"),
                         ["ALERTING", "ACTIVE", "ACTIVE", "ACTIVE", "DROPPED", "DROPPED"])

    def test_one_record_per_decoded_notification(self):
        """The tap gets exactly the decoded notifications: as many as
        finesse.kind items outside not well-formed / too deep / too large
        payloads (finesse-escaping has two not well-formed ones)."""
        for cap, decoded, undecoded in [(SESSION, 18, 0), (LOGIN, 3, 0), (ESCAPING, 18, 2)]:
            kinds = column(cap, "finesse.kind")
            bad = column(cap, "frame.number", "finesse.malformed || finesse.too_deep || finesse.too_large")
            self.assertEqual((len(kinds) - len(bad), len(bad)), (decoded, undecoded), cap)
            self.assertEqual(finesse_tree(cap)[F_KIND]["count"], decoded, cap)
            self.assertEqual(finesse_tree(cap)[F_SOLICITED]["count"], decoded, cap)
        # every pubsub event item of the session carried a decoded notification
        self.assertEqual(tree(SESSION)[("Pubsub actions and nodes", "event items")]["count"], 18)

    def test_escaping(self):
        """SYNTHETIC finesse-escaping: lower-case events are counted with
        the upper-case ones, a Team object's users are not agent states."""
        t = counts(finesse_tree(ESCAPING))
        self.assertEqual(t, expected_finesse_tree(ESCAPING))
        self.assertEqual(children(finesse_tree(ESCAPING), F_KIND + ("user",)), {"PUT": 9})
        self.assertEqual(children(finesse_tree(ESCAPING), F_KIND + ("dialog",)), {"POST": 4, "PUT": 1})
        self.assertEqual(t[F_KIND + ("team",)], 1)
        self.assertEqual(t[F_SOURCE + ("/finesse/api/Team/{id}",)], 1)
        self.assertEqual(t[F_SOURCE + ("/finesse/api/Queue/{id}",)], 1)
        self.assertEqual(t[F_STATE], 9)

    def test_filter(self):
        t = finesse_tree(SESSION, 'finesse.kind == "dialog"')
        self.assertEqual(t[F_KIND]["count"], 6)
        self.assertEqual(children(t, F_KIND), {"dialog": 6})
        self.assertEqual(t[F_STATE]["count"], 0)

    def test_no_finesse(self):
        t = counts(finesse_tree("cisco-doc-login.pcapng"))
        self.assertEqual(t, {top: 0 for top in F_TOP})


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
