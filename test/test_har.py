"""HAR files (issue 14): xmppws-har2pcapng turns what Chrome or Edge DevTools
saved into a pcapng that dissects like a capture.

Material: captures/har-session.har and captures/har-session.pcapng are one
real Chromium session recorded both ways (captures/har/make.sh: strophe.js
in headless Chromium, Prosody 0.12, the HAR built from the DevTools
protocol's Network events). Where that pair is compared, every XMPP message
must give the same fields. The error and hostile cases are synthetic HARs
written here (no browser writes broken JSON on purpose).
"""
import glob
import json
import os
import subprocess
import tempfile
import unittest

from xmppws_test import CAPTURES, KIND, PLUGIN_DIR, SANITIZERS, STAGE, expert_infos, fields, tshark

CONVERTER = os.environ.get("XMPPWS_HAR2PCAPNG",
                           os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "build",
                                        "xmppws-har2pcapng"))
HAR = os.path.join(CAPTURES, "har-session.har")
PCAP = "har-session.pcapng"

# What both dissections must agree on, per XMPP element (the frame structure
# differs: a HAR has one packet per message, a capture may batch them).
PER_MESSAGE = ["xmppws.direction", "xmppws.stage", "xmppws.iq.id", "xmppws.iq.type", "xmppws.sasl.mechanism",
               "xmppws.sasl.authcid", "xmppws.bind.resource", "xmppws.bind.jid", "xmppws.pubsub.node",
               "xmppws.pubsub.event.node", "finesse.user.id", "finesse.user.state", "finesse.kind"]


def scratch(name):
    return os.path.join(tempfile.mkdtemp(prefix="xmppws-har-"), name)


def convert(har_path, out=None):
    """Run the converter; (exit status, stdout + stderr, output path)."""
    out = out or scratch("out.pcapng")
    env = dict(os.environ)
    if SANITIZERS:
        env["ASAN_OPTIONS"] = "abort_on_error=1:detect_leaks=1"
        env["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1"
        env.pop("LD_PRELOAD", None)
    proc = subprocess.run([CONVERTER, har_path, out], capture_output=True, text=True, env=env, timeout=600)
    if os.path.exists(out):
        os.chmod(out, 0o644)
    return proc.returncode, proc.stdout + proc.stderr, out


def write_har(obj_or_text, name="in.har"):
    path = scratch(name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(obj_or_text if isinstance(obj_or_text, str) else json.dumps(obj_or_text))
    return path


def ws_entry(messages, url="ws://uccxpub.prabhat.com:8082/ws/"):
    return {"startedDateTime": "2026-12-02T10:00:00.000Z", "time": 3.5, "_resourceType": "websocket",
            "serverIPAddress": "127.0.0.1",
            "request": {"method": "GET", "url": url, "httpVersion": "HTTP/1.1",
                        "headers": [{"name": "Host", "value": "uccxpub.prabhat.com"},
                                    {"name": "Upgrade", "value": "websocket"},
                                    {"name": "Connection", "value": "Upgrade"},
                                    {"name": "Sec-WebSocket-Key", "value": "dGhlIHNhbXBsZSBub25jZQ=="},
                                    {"name": "Sec-WebSocket-Version", "value": "13"},
                                    {"name": "Sec-WebSocket-Protocol", "value": "xmpp"}]},
            "response": {"status": 101, "statusText": "Switching Protocols",
                         "headers": [{"name": "Upgrade", "value": "websocket"},
                                     {"name": "Connection", "value": "Upgrade"},
                                     {"name": "Sec-WebSocket-Accept", "value": "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="},
                                     {"name": "Sec-WebSocket-Protocol", "value": "xmpp"},
                                     {"name": "Sec-WebSocket-Extensions", "value": "permessage-deflate"}]},
            "_webSocketMessages": messages}


OPEN = '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="uccxpub.prabhat.com" version="1.0"/>'
AUTH = ('<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">'
        'YWRtaW5pc3RyYXRvckB1Y2N4cHViLnByYWJoYXQuY29tAGFkbWluaXN0cmF0b3IAMTIzNA==</auth>')


def har(entries):
    return {"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "pages": [],
                    "entries": entries}}


@unittest.skipUnless(os.path.exists(HAR), "captures/har-session.har not made yet (captures/har/make.sh)")
class SameAsCapture(unittest.TestCase):
    """The real Chromium session, as HAR and as capture."""

    @classmethod
    def setUpClass(cls):
        status, out, cls.converted = convert(HAR)
        if status != 0:
            raise AssertionError(out)

    def per_message(self, cap):
        rows = fields(cap, PER_MESSAGE, "xmppws", ["-2"])
        out = []
        for r in rows:
            n = len(r[0].split("|"))
            # one row per element: split batched frames
            cols = [c.split("|") if c else [""] * n for c in r]
            for i in range(n):
                out.append(tuple(col[i] if i < len(col) else "" for col in cols))
        return out

    def test_rest_linked_the_same(self):
        """Issue 16: the desktop's REST calls (HTTP entries of the HAR) are
        linked to their notifications (WebSocket messages) by requestId, as
        in the capture: the same calls, the same requestIds, the same
        notification items."""
        def links(cap):
            calls = fields(cap, ["finesse.rest.method", "finesse.rest.resource", "finesse.request_id",
                                 "finesse.rest.state", "finesse.rest.status"], "finesse.rest && http.request", ["-2"])
            notified = fields(cap, ["finesse.request_id", "xmppws.pubsub.item.id"], "finesse.rest.request_in", ["-2"])
            return calls, notified
        har, pcap = links(self.converted), links(PCAP)
        self.assertEqual(har, pcap)
        self.assertEqual(pcap[1], [["0b1d7c2e-2026-4a11-8000-000000001001", "finesse-00001"]])
        self.assertEqual([c[:2] + c[3:] for c in pcap[0]], [["GET", "User", "", "200"], ["PUT", "User", "READY", "202"]])

    def test_every_message_the_same(self):
        """Every message in both gives the same fields. Chrome records
        nothing that arrives after the page closed the socket: the server's
        answering <close/> may be missing from the HAR, and only that."""
        har_rows, pcap_rows = self.per_message(self.converted), self.per_message(PCAP)
        self.assertGreater(len(har_rows), 10)
        self.assertEqual(har_rows, pcap_rows[:len(har_rows)])
        missing = pcap_rows[len(har_rows):]
        self.assertLessEqual(len(missing), 2, missing)
        self.assertTrue(all(r[1] in (STAGE["closing"], STAGE["closed"]) for r in missing), missing)

    def test_same_notifications(self):
        states = [["READY"], ["NOT_READY"], ["LOGOUT"]]   # captures/har/README.md
        # (notifications: the REST GET's and PUT's bodies carry states too, issue 16)
        self.assertEqual(fields(self.converted, ["finesse.user.state"], "finesse.user.state && xmppws"), states)
        self.assertEqual(fields(PCAP, ["finesse.user.state"], "finesse.user.state && xmppws"), states)

    def test_the_login(self):
        for cap in (self.converted, PCAP):
            with self.subTest(cap=cap):
                self.assertEqual([r[0] for r in fields(cap, ["xmppws.iq.id"], "xmppws.iq.type == \"set\"")],
                                 ["_bind_auth_2", "_session_auth_2", "sub_user"])
                self.assertEqual(fields(cap, ["xmppws.sasl.mechanism", "xmppws.sasl.authcid"], "xmppws.sasl.auth"),
                                 [["PLAIN", "administrator"]])
                self.assertEqual(fields(cap, ["xmppws.login.jid"], "xmppws.login", ["-2"])[0],
                                 ["administrator@uccxpub.prabhat.com/desktop"])


class Converter(unittest.TestCase):
    def test_login_and_comment(self):
        msgs = [{"type": "send", "time": 1796205600.1, "opcode": 1, "data": OPEN},
                {"type": "send", "time": 1796205600.2, "opcode": 1, "data": AUTH}]
        status, out, pcap = convert(write_har(har([ws_entry(msgs)])))
        self.assertEqual(status, 0, out)
        self.assertIn("2 WebSocket messages in 1 WebSocket connections, 0 HTTP exchanges", out)
        rows = fields(pcap, ["frame.number", "xmppws.direction", "xmppws.sasl.authcid", "ip.src"], "xmppws", ["-2"])
        self.assertEqual(rows, [["6", "1", "", "192.0.2.1"], ["7", "1", "administrator", "192.0.2.1"]])
        # the HTTP upgrade is Wireshark's, with the subprotocol; the extension the HAR's messages no longer need is gone
        self.assertEqual(fields(pcap, ["http.sec_websocket_protocol", "http.sec_websocket_extensions"],
                                "http.response.code == 101"), [["xmpp", ""]])
        # the synthesized IPv4 and TCP checksums are right (RFC 1071)
        sums = fields(pcap, ["ip.checksum.status", "tcp.checksum.status"], None,
                      ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"])
        self.assertEqual({tuple(r) for r in sums}, {("1", "1")})
        # ws:// in the browser: the password was in clear
        self.assertEqual(fields(pcap, ["frame.number"], "xmppws.sasl.plain_cleartext", ["-2"]), [["7"]])

    def test_wss_is_not_cleartext(self):
        msgs = [{"type": "send", "time": 1796205600.2, "opcode": 1, "data": AUTH}]
        status, out, pcap = convert(write_har(har([ws_entry(msgs, "wss://uccxpub.prabhat.com:8445/ws/")])))
        self.assertEqual(status, 0, out)
        self.assertEqual(fields(pcap, ["xmppws.sasl.authcid"], "xmppws"), [["administrator"]])
        self.assertEqual(fields(pcap, ["frame.number"], "xmppws.sasl.plain_cleartext", ["-2"]), [])

    def test_rest_entries_and_skipped_items(self):
        rest = {"startedDateTime": "2026-12-02T09:59:59.000Z", "time": 20, "_resourceType": "xhr",
                "request": {"method": "PUT", "url": "https://uccxpub.prabhat.com:8445/finesse/api/User/1001",
                            "headers": [{"name": ":authority", "value": "x"},
                                        {"name": "Content-Type", "value": "application/xml"}],
                            "postData": {"mimeType": "application/xml", "text": "<User><state>READY</state></User>"}},
                "response": {"status": 202, "statusText": "Accepted", "headers": [],
                             "content": {"size": 0, "mimeType": "text/plain"}}}
        msgs = [{"type": "send", "time": 1796205600.1, "opcode": 1, "data": OPEN},
                {"type": "error", "time": 1796205600.2, "opcode": 1, "data": "net::ERR_CONNECTION_RESET"},
                {"type": "receive", "time": 1796205600.3, "opcode": 9, "data": ""},
                {"type": "receive", "time": "soon", "opcode": 1, "data": "<x/>"}]
        status, out, pcap = convert(write_har(har([rest, ws_entry(msgs), 42])))
        self.assertEqual(status, 0, out)
        self.assertIn("1 WebSocket messages in 1 WebSocket connections, 1 HTTP exchanges", out)
        rows = fields(pcap, ["http.request.method", "http.request.uri", "http.file_data"],
                      "http.request.method == \"PUT\"")
        # http.file_data is text until 4.4, bytes (hex) from 4.6 on
        body = rows[0][2]
        if all(c in "0123456789abcdef" for c in body):
            body = bytes.fromhex(body).decode()
        self.assertEqual(rows[0][:2] + [body], ["PUT", "/finesse/api/User/1001", "<User><state>READY</state></User>"])
        self.assertEqual(fields(pcap, ["http.response.code"], "http.response.code == 202"), [["202"]])
        comment = subprocess.run(["capinfos", "-k", pcap], capture_output=True, text=True).stdout
        self.assertIn("1 HTTP entries, 4 items skipped", comment)

    def test_not_json(self):
        for text in ["", "{", "not json", '{"log": {"entries": [}', "\x00"]:
            with self.subTest(text=text):
                status, out, pcap = convert(write_har(text))
                self.assertEqual(status, 2, out)
                self.assertIn("not a HAR file", out)
                self.assertFalse(os.path.exists(pcap))

    def test_not_a_har(self):
        for obj in [[], {"log": {}}, {"log": {"entries": {}}}, {"entries": []}]:
            with self.subTest(obj=obj):
                status, out, _ = convert(write_har(obj))
                self.assertEqual(status, 2, out)
                self.assertIn("no log.entries array", out) if isinstance(obj, dict) else None

    def test_no_websocket_messages(self):
        """Firefox's HAR export has no WebSocket frames."""
        status, out, pcap = convert(write_har(har([ws_entry([])])))
        self.assertEqual(status, 3, out)
        self.assertIn("holds no WebSocket message and no BOSH request (1 WebSocket entries, 0 other entries)", out)
        self.assertIn("Firefox", out)
        self.assertFalse(os.path.exists(pcap))

    def test_truncated(self):
        text = json.dumps(har([ws_entry([{"type": "send", "time": 1796205600.1, "opcode": 1, "data": OPEN}])]))
        for cut in (10, len(text) // 2, len(text) - 1):
            with self.subTest(cut=cut):
                status, out, _ = convert(write_har(text[:cut]))
                self.assertEqual(status, 2, out)

    def test_hostile(self):
        """Large, binary and oddly typed messages: converted or skipped,
        never a crash."""
        big = "<message xmlns='jabber:client'><body>" + "x" * 300000 + "</body></message>"
        msgs = [{"type": "receive", "time": 1796205600.1, "opcode": 1, "data": big},
                {"type": "receive", "time": 1796205600.2, "opcode": 2, "data": "AAEC////"},
                {"type": "receive", "time": 1796205600.3, "opcode": 1, "data": ["not", "text"]},
                {"type": ["x"], "time": 1796205600.4, "opcode": 1, "data": OPEN},
                {"type": "send", "time": 1e300, "opcode": 1, "data": OPEN},
                {"type": "send", "time": -1, "opcode": 1, "data": OPEN}]
        entry = ws_entry(msgs)
        entry["request"]["headers"].append({"name": "X-Evil", "value": "a\r\nInjected: 1"})
        status, out, pcap = convert(write_har(har([entry, {"startedDateTime": "yesterday"}, "x", None])))
        self.assertEqual(status, 0, out)
        self.assertIn("2 WebSocket messages", out)
        self.assertEqual(fields(pcap, ["http.request.line"], "http.request", ["-2"])[0][0].count("Injected"), 0)
        self.assertEqual(len(fields(pcap, ["frame.number"], "websocket.opcode == 2")), 1)


WIRETAP_PLUGIN = glob.glob(os.path.join(PLUGIN_DIR, "*", "wiretap", "finesse-xmpp-har.so"))


@unittest.skipUnless(WIRETAP_PLUGIN, "the .har reader is built where Wireshark installs wiretap/wtap_module.h (4.6+)")
class OpenDirectly(unittest.TestCase):
    """Wireshark 4.6 and later open the HAR itself (har/wiretap-har.c) and
    show exactly the packets the converter writes."""

    def test_same_as_converted(self):
        msgs = [{"type": "send", "time": 1796205600.1, "opcode": 1, "data": OPEN},
                {"type": "send", "time": 1796205600.2, "opcode": 1, "data": AUTH}]
        har_path = write_har(har([ws_entry(msgs)]))
        os.chmod(har_path, 0o644)
        os.chmod(os.path.dirname(har_path), 0o755)
        status, out, pcap = convert(har_path)
        self.assertEqual(status, 0, out)
        cols = ["frame.number", "frame.time_epoch", "ip.src", "tcp.srcport", "xmppws.direction",
                "xmppws.sasl.authcid", "frame.comment"]
        direct = fields(har_path, cols, None, ["-2"])
        self.assertEqual(len(direct), 7)
        self.assertEqual(direct, fields(pcap, cols, None, ["-2"]))
        types = tshark(["-G", "plugins"])
        self.assertIn("finesse-xmpp-har.so", types)

    @unittest.skipUnless(os.path.exists(HAR), "captures/har-session.har not made yet")
    def test_real_session(self):
        status, out, pcap = convert(HAR)
        self.assertEqual(status, 0, out)
        cols = ["frame.number", "xmppws.direction", "xmppws.stage", "xmppws.iq.id", "finesse.user.state"]
        self.assertEqual(fields(HAR, cols, "xmppws", ["-2"]), fields(pcap, cols, "xmppws", ["-2"]))

    def test_not_a_har_is_left_to_others(self):
        path = write_har('{"hello": "world"}', "other.json")
        os.chmod(path, 0o644)
        os.chmod(os.path.dirname(path), 0o755)
        self.assertNotIn("HAR", tshark(["-r", path], check=False))


# ---- XMPP over BOSH (issue 15): a HAR from a BOSH desktop ---------------------

BOSH_HAR = os.path.join(CAPTURES, "har-bosh-session.har")
BOSH_PCAP = "har-bosh-session.pcapng"
# captures/har/README.md, "The BOSH session": the facts of the committed pair
BOSH_SID = "db4c30cc-2a9a-40ce-865b-27976cb49fb7"
BOSH_FIRST_RID = 117990971
BOSH_JID = "administrator@uccxpub.prabhat.com/desktop"
BOSH_NODE = "/finesse/api/User/administrator"
# What the converted HAR and the capture must give, body by body (one frame
# per BOSH body in both, so frame rows are elements in order).
BOSH_SAME = ["xmppws.direction", "xmppws.sasl.mechanism", "xmppws.sasl.authcid", "xmppws.bind.resource",
             "xmppws.bind.jid", "xmppws.iq.id", "xmppws.iq.type", "xmppws.pubsub.node", "xmppws.pubsub.event.node",
             "finesse.user.id", "finesse.user.state", "finesse.kind", "xmppws.bosh.rid", "xmppws.bosh.sid",
             "xmppws.login.jid"]
# xmppws.direction of the 28 bodies: 1 = request (client), 2 = response
BOSH_DIRECTIONS = ["1", "2"] * 5 + ["1", "1", "2", "1", "2", "2"] + ["1", "2"] * 4 + ["1", "1", "2", "2"]


class BoshSameAsCapture(unittest.TestCase):
    """One real Chromium session over BOSH (strophe.js over XEP-0124/0206 to
    Prosody's mod_bosh, http://uccxpub.prabhat.com:8092/http-bind, wait 5),
    recorded as a HAR (DevTools' Network events, POST and response bodies)
    and as a capture at the same time (captures/har/make.sh bosh). The
    converted HAR dissects, body by body, like the capture."""

    @classmethod
    def setUpClass(cls):
        cls.status, cls.out, cls.converted = convert(BOSH_HAR)

    def rows(self, cap):
        return fields(cap, BOSH_SAME, "xmppws", ["-2"])

    def values(self, rows, name):
        i = BOSH_SAME.index(name)
        return [v for r in rows if r[i] for v in r[i].split("|")]

    def test_converted(self):
        """Exit status 0; the document, the script, the CORS preflight and
        the 14 BOSH POSTs are 17 HTTP exchanges."""
        self.assertEqual(self.status, 0, self.out)
        self.assertIn(": 0 WebSocket messages in 0 WebSocket connections, 17 HTTP exchanges (14 BOSH requests), ",
                      self.out)

    def test_the_har(self):
        """What Chrome's "Save all as HAR with content" holds for a BOSH
        desktop: every POST body (request.postData.text) and every response
        body (response.content.text) of /http-bind."""
        with open(BOSH_HAR, encoding="utf-8") as f:
            entries = json.load(f)["log"]["entries"]
        self.assertEqual([e["_resourceType"] for e in entries],
                         ["document", "script", "xhr", "preflight"] + ["xhr"] * 13)
        bosh = [e for e in entries if e["_resourceType"] == "xhr"]
        self.assertEqual({(e["request"]["method"], e["request"]["url"], e["request"]["postData"]["mimeType"])
                          for e in bosh},
                         {("POST", "http://uccxpub.prabhat.com:8092/http-bind", "text/xml; charset=UTF-8")})
        self.assertEqual([e["request"]["postData"]["text"].split('rid="')[1].split('"')[0] for e in bosh],
                         [str(BOSH_FIRST_RID + i) for i in range(14)])
        texts = [e["response"]["content"]["text"] for e in bosh]
        self.assertEqual([t.startswith("<body ") for t in texts], [True] * 14)
        # Prosody names the sid in every response but the last (the empty terminate)
        self.assertEqual(["sid='%s'" % BOSH_SID in t for t in texts], [True] * 13 + [False])
        self.assertEqual([i for i, t in enumerate(texts) if "http://jabber.org/protocol/pubsub#event" in t],
                         [9, 10, 11])
        self.assertEqual([i for i, t in enumerate(texts) if "type='terminate'" in t.split(">", 1)[0]], [12, 13])

    def test_every_body_the_same(self):
        """The 28 BOSH bodies (14 requests, 14 responses) give the same values
        in the same order, field by field and row by row."""
        conv, real = self.rows(self.converted), self.rows(BOSH_PCAP)
        self.assertEqual(len(real), 28)
        for name in BOSH_SAME:
            i = BOSH_SAME.index(name)
            with self.subTest(field=name):
                self.assertEqual([r[i] for r in conv], [r[i] for r in real])
        self.assertEqual(conv, real)

    def test_the_login_and_the_notifications(self):
        """The values themselves, in both files."""
        for cap in (self.converted, BOSH_PCAP):
            with self.subTest(cap=cap):
                rows = self.rows(cap)
                self.assertEqual([r[0] for r in rows], BOSH_DIRECTIONS)
                self.assertEqual(self.values(rows, "xmppws.sasl.mechanism"), ["PLAIN"])
                self.assertEqual(self.values(rows, "xmppws.sasl.authcid"), ["administrator"])
                self.assertEqual(self.values(rows, "xmppws.bind.resource"), ["desktop"])
                self.assertEqual(self.values(rows, "xmppws.bind.jid"), [BOSH_JID])
                self.assertEqual(self.values(rows, "xmppws.iq.id"), ["_bind_auth_2", "_bind_auth_2", "_session_auth_2",
                                                                     "_session_auth_2", "sub_user", "sub_user"])
                self.assertEqual(self.values(rows, "xmppws.iq.type"), ["set", "result"] * 3)
                self.assertEqual(self.values(rows, "xmppws.pubsub.node"), [BOSH_NODE] * 2)
                self.assertEqual(self.values(rows, "xmppws.pubsub.event.node"), [BOSH_NODE] * 3)
                self.assertEqual(self.values(rows, "finesse.user.id"), ["administrator"] * 3)
                self.assertEqual(self.values(rows, "finesse.user.state"), ["READY", "NOT_READY", "LOGOUT"])
                self.assertEqual(self.values(rows, "finesse.kind"), [KIND["user"]] * 3)
                self.assertEqual(self.values(rows, "xmppws.bosh.rid"), [str(BOSH_FIRST_RID + i) for i in range(14)])
                # -2: the creation request carries no sid, it is given the one its response created
                self.assertEqual(self.values(rows, "xmppws.bosh.sid"), [BOSH_SID] * 28)
                self.assertEqual(self.values(rows, "xmppws.login.jid"), [BOSH_JID] * 2)

    def test_frames_of_the_capture(self):
        """The frame numbers captures/har/README.md gives for the pcapng."""
        def frames(flt):
            return [int(r[0]) for r in fields(BOSH_PCAP, ["frame.number"], flt, ["-2"])]
        self.assertEqual(frames("xmppws"), [8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 28, 30, 32, 34, 36, 38, 40, 41,
                                            43, 44, 46, 48, 50, 52, 54, 56, 58])
        self.assertEqual(frames("xmppws.bosh.creation"), [8, 9])
        self.assertEqual(frames("xmppws.sasl.auth"), [11])
        self.assertEqual(frames("xmppws.sasl.success"), [12])
        self.assertEqual(frames("xmppws.bind.jid"), [18])
        self.assertEqual(frames("finesse.user.state"), [43, 46, 50])
        self.assertEqual(frames("xmppws.bosh.type == \"terminate\""), [54, 56, 58])

    @unittest.skipUnless(WIRETAP_PLUGIN, "the .har reader is built where Wireshark installs wiretap/wtap_module.h "
                                         "(4.6+)")
    def test_opened_directly(self):
        """Wireshark 4.6 and later open the HAR itself: the same bodies."""
        self.assertEqual(self.rows(BOSH_HAR), self.rows(BOSH_PCAP))

    def test_same_expert_infos(self):
        """The same expert infos of ours, in the same order: the cleartext
        PLAIN login over http, the LOGOUT and the unavailable presence."""
        def names(cap):
            return [e["name"] for e in expert_infos(cap)]
        self.assertEqual(names(BOSH_PCAP),
                         ["xmppws.sasl.plain_cleartext", "finesse.logout", "finesse.agent_unavailable"])
        self.assertEqual(names(self.converted), names(BOSH_PCAP))


if __name__ == "__main__":
    unittest.main()
