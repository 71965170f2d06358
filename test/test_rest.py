"""Finesse REST calls and the notifications they cause (issue 16).

Material: captures/rest-notify.pcapng (http) and rest-notify-tls.pcapng (TLS,
keys embedded), one real Chromium desktop each (strophe.js over the
WebSocket, fetch() for the REST calls with a requestId header) against a
mock Finesse REST service in front of Prosody (captures/rest/make.sh,
captures/rest/README.md). The mock's own log is the ground truth, kept in
captures/rest/facts.json: each REST call's frames, status and requestId, and
for each notified call the time the mock received the request and published
the notification. Six calls: GET the user; PUT READY (notified after
~100 ms); PUT NOT_READY reason 32762 (notified after ~3 s); PUT READY whose
notification is lost; PUT TALKING refused with 400 ApiErrors; PUT NOT_READY
notified as READY; then one unsolicited notification.
"""
import json
import os
import unittest

from xmppws_test import CAPTURES, KIND, expert_infos, fields, info

FACTS = os.path.join(os.path.dirname(CAPTURES), "captures", "rest", "facts.json")
if not os.path.exists(FACTS):
    FACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "captures", "rest",
                         "facts.json")
with open(FACTS, encoding="utf-8") as _f:
    TRUTH = json.load(_f)

CAPS = ("rest-notify.pcapng", "rest-notify-tls.pcapng")
USER = "administrator"


def pairs_of(cap):
    return {p["step"]: p for p in TRUTH[cap]["pairs"]}


def frames_filter(*numbers):
    return " || ".join("frame.number == %d" % n for n in numbers)


class Correlation(unittest.TestCase):
    def test_every_request_to_its_notification(self):
        """The correlation table: each REST request frame links to its
        notification frame and back, with the latency the capture shows
        (request frame time to notification frame time), exactly."""
        for cap in CAPS:
            with self.subTest(cap=cap):
                truth = pairs_of(cap)
                req = {int(r[0]): r[1] for r in fields(cap, ["frame.number", "finesse.rest.notification_in"],
                                                       "finesse.rest && http.request", ["-2"])}
                back = {int(r[0]): (int(r[1]), float(r[2])) for r in
                        fields(cap, ["frame.number", "finesse.rest.request_in", "finesse.rest.latency"],
                               "finesse.rest.request_in", ["-2"])}
                want_req = {p["request_frame"]: str(p.get("notification_frame", "") or "") for p in truth.values()}
                self.assertEqual(req, want_req)
                want_back = {p["notification_frame"]: p["request_frame"] for p in truth.values()
                             if p.get("notification_frame")}
                self.assertEqual({k: v[0] for k, v in back.items()}, want_back)
                for p in truth.values():
                    if p.get("notification_frame"):
                        # the capture's latency, to the microsecond facts.json keeps
                        self.assertAlmostEqual(back[p["notification_frame"]][1], p["capture_latency"], delta=1e-6)
                        # and the mock's own: it received the request after the capture saw it and
                        # published before the capture saw the notification (same clock, loopback)
                        self.assertLessEqual(p["ground_truth_latency"], back[p["notification_frame"]][1])
                        self.assertLess(back[p["notification_frame"]][1] - p["ground_truth_latency"], 0.05)

    def test_across_connections(self):
        """REST calls on two HTTP(S) connections, notifications on the
        WebSocket: linked whatever carried them."""
        for cap in CAPS:
            with self.subTest(cap=cap):
                ws = TRUTH[cap]["websocket"]["stream"]
                rest_streams = {r[0] for r in fields(cap, ["tcp.stream"], "finesse.rest", ["-2"])}
                notif_streams = {r[0] for r in fields(cap, ["tcp.stream"], "finesse.rest.request_in", ["-2"])}
                self.assertEqual(notif_streams, {str(ws)})
                self.assertEqual(len(rest_streams), 2)
                self.assertNotIn(str(ws), rest_streams)

    def test_responses(self):
        """Status and response link of every call, from HTTP's pairing."""
        for cap in CAPS:
            with self.subTest(cap=cap):
                rows = fields(cap, ["frame.number", "finesse.rest.method", "finesse.rest.resource", "finesse.rest.id",
                                    "finesse.request_id", "finesse.rest.status", "finesse.rest.response_in"],
                              "finesse.rest && http.request", ["-2"])
                want = [[str(p["request_frame"]), p["method"], "User", USER, p["request_id"], str(p["status"]),
                         str(p["response_frame"])] for p in sorted(pairs_of(cap).values(), key=lambda p: p["step"])]
                self.assertEqual(rows, want)


class RestBodies(unittest.TestCase):
    def test_fields_and_info(self):
        """REST bodies decode with the notifications' finesse.* fields."""
        cap = "rest-notify.pcapng"
        p = pairs_of(cap)
        got = dict(info(cap, frames_filter(p[1]["response_frame"], p[2]["request_frame"], p[3]["request_frame"],
                                           p[5]["request_frame"], p[5]["response_frame"])))
        self.assertEqual(got, {
            p[1]["response_frame"]: "Finesse REST 200 User administrator NOT_READY",
            p[2]["request_frame"]: "Finesse REST PUT User administrator \u2192 READY",
            p[3]["request_frame"]: "Finesse REST PUT User administrator \u2192 NOT_READY (reason 32762)",
            p[5]["request_frame"]: "Finesse REST PUT User administrator \u2192 TALKING",
            p[5]["response_frame"]: "Finesse REST 400 apiErrors Invalid State: Invalid state transition from READY "
                                    "to TALKING",
        })
        row = fields(cap, ["finesse.user.state", "finesse.user.reason_code", "finesse.rest.state"],
                     "frame.number == %d" % p[3]["request_frame"])[0]
        self.assertEqual(row, ["NOT_READY", "32762", "NOT_READY"])
        row = fields(cap, ["finesse.kind", "finesse.api_error.type", "finesse.api_error.message",
                           "finesse.api_error.data"], "frame.number == %d" % p[5]["response_frame"])[0]
        self.assertEqual(row, [KIND["api_errors"], "Invalid State", "Invalid state transition from READY to TALKING",
                               "state"])

    def test_other_http_is_untouched(self):
        """The page, the script and the WebSocket upgrade are not Finesse's."""
        for cap in CAPS:
            with self.subTest(cap=cap):
                # (4.4 and later have no http.response_for.uri: the API's responses via http.response_in)
                api = fields(cap, ["frame.number", "http.response_in"],
                             "http.request.uri contains \"/finesse/api/\"", ["-2"])
                api_frames = sorted({int(f) for r in api for f in r if f})   # (4.4+ puts the URI on responses too)
                self.assertEqual(len(api_frames), 12)
                rest = [int(r[0]) for r in fields(cap, ["frame.number"], "finesse && !xmppws", ["-2"])]
                self.assertEqual(rest, api_frames)


class Experts(unittest.TestCase):
    def test_failure_modes(self):
        """The lost notification, the refused request, the override and the
        slow notification, each where it belongs; nothing else of REST."""
        for cap in CAPS:
            with self.subTest(cap=cap):
                p = pairs_of(cap)
                got = [(e["frame"], e["name"], e["severity"]) for e in expert_infos(cap, prefixes=("finesse.rest",))]
                self.assertEqual(got, sorted([
                    (p[3]["notification_frame"], "finesse.rest.slow", "Warning"),
                    (p[4]["request_frame"], "finesse.rest.no_notification", "Warning"),
                    (p[5]["response_frame"], "finesse.rest.error", "Warning"),
                    (p[6]["notification_frame"], "finesse.rest.state_mismatch", "Warning"),
                ]))
                msgs = {e["name"]: e["message"] for e in expert_infos(cap, prefixes=("finesse.rest",))}
                self.assertEqual(msgs["finesse.rest.state_mismatch"],
                                 "The REST request in frame %d asked for NOT_READY; this notification says READY"
                                 % p[6]["request_frame"])
                self.assertEqual(msgs["finesse.rest.error"], "Finesse REST PUT User administrator answered 400: "
                                 "Invalid State: Invalid state transition from READY to TALKING")
                self.assertEqual(msgs["finesse.rest.no_notification"],
                                 "Finesse accepted this state change (HTTP 202) but no notification with requestId "
                                 "%s is in the capture: the desktop never learned the outcome" % p[4]["request_id"])

    def test_threshold_is_a_preference(self):
        cap = "rest-notify.pcapng"
        got = [e["name"] for e in expert_infos(cap, prefixes=("finesse.rest.slow",))]
        self.assertEqual(got, ["finesse.rest.slow"])
        out = fields(cap, ["frame.number"], "finesse.rest.slow", ["-2", "-o", "finesse.rest_latency_warning:5000"])
        self.assertEqual(out, [])
        out = fields(cap, ["frame.number"], "finesse.rest.slow", ["-2", "-o", "finesse.rest_latency_warning:100"])
        self.assertEqual(len(out), 3)   # 114, 3016 and 108 ms

    def test_unsolicited_is_not_linked(self):
        for cap in CAPS:
            with self.subTest(cap=cap):
                frame = TRUTH[cap]["unsolicited"]["notification_frame"]
                row = fields(cap, ["finesse.request_id", "finesse.rest.request_in", "finesse.user.state"],
                             "frame.number == %d" % frame, ["-2"])[0]
                self.assertEqual(row, ["", "", "NOT_READY"])


class Statistics(unittest.TestCase):
    def test_finesse_tree(self):
        """-z finesse,tree: REST calls by method, resource and status, and the
        request to notification latency per agent (min/avg/max, ms)."""
        from xmppws_test import tshark, capture
        cap = "rest-notify.pcapng"
        out = tshark(["-n", "-q", "-2", "-r", capture(cap), "-z", "finesse,tree"])
        lines = out.splitlines()
        start = next(i for i, l in enumerate(lines) if l.startswith("REST calls by resource and status"))
        rows = [l.split()[:3] for l in lines[start:start + 6]]
        self.assertEqual([r[:2] if r[0].isdigit() else r[:3] for r in rows],
                         [["REST", "calls", "by"], ["PUT", "User", "5"], ["202", "4"], ["400", "1"],
                          ["GET", "User", "1"], ["200", "1"]])
        at = next(i for i, l in enumerate(lines) if l.startswith("REST request to notification latency"))
        lat = lines[at + 1]
        self.assertTrue(lat.startswith(" administrator "), lat)
        count, avg, lo, hi = lat.split()[1:5]
        truth = [p["capture_latency"] * 1000 for p in pairs_of(cap).values() if p.get("notification_frame")]
        self.assertEqual(int(count), 3)
        self.assertAlmostEqual(float(lo), min(truth), places=2)
        self.assertAlmostEqual(float(hi), max(truth), places=2)
        self.assertAlmostEqual(float(avg), sum(truth) / 3, places=1)


if __name__ == "__main__":
    unittest.main()
