"""Cisco Finesse notifications (packet-finesse.c).

Real captures first: captures/finesse-agent-session.pcapng (Prosody; an agent
going LOGIN -> NOT_READY (32762 Lunch) -> READY -> RESERVED -> TALKING -> WORK
-> READY -> LOGOUT, a voice dialog 53149720 ALERTING -> ACTIVE -> HELD ->
ACTIVE -> DROPPED, apiErrors, SystemInfo OUT_OF_SERVICE/IN_SERVICE) and
captures/finesse-login.pcapng. Then the SYNTHETIC
captures/finesse-escaping.pcapng (captures/finesse-escaping.py): the three
escaping forms, mixed-case names, Team, Queue, CDATA, not well-formed
payloads. Last, the dissector called directly (user DLT 147 -> "finesse",
data == NULL, as a fuzzer would): garbage, 10 000 nested elements, size
limit, and random mutations of real payloads.
"""
import json
import os
import random
import re
import shutil
import struct
import tempfile
import time
import unittest

from xmppws_test import capture, column, experts, fields, info, tshark, KIND

SESSION = "finesse-agent-session.pcapng"
LOGIN = "finesse-login.pcapng"
ESCAPING = "finesse-escaping.pcapng"

USER_NODE = "/finesse/api/User/administrator"
DIALOGS_NODE = "/finesse/api/User/administrator/Dialogs"
TEAM_NODE = "/finesse/api/Team/1/Users"
SYSTEM_NODE = "/finesse/api/SystemInfo"

USER_FIELDS = ["finesse.event", "finesse.request_id", "finesse.source", "finesse.kind", "finesse.user.id",
               "finesse.user.name", "finesse.user.first_name", "finesse.user.last_name", "finesse.user.extension",
               "finesse.user.state", "finesse.user.pending_state", "finesse.user.reason_code",
               "finesse.user.reason_label", "finesse.user.state_change_time", "finesse.user.team",
               "finesse.user.team_id"]
DIALOG_FIELDS = ["finesse.event", "finesse.source", "finesse.kind", "finesse.dialog.id", "finesse.dialog.state",
                 "finesse.dialog.media_type", "finesse.dialog.from_address", "finesse.dialog.to_address",
                 "finesse.dialog.dnis", "finesse.dialog.call_type", "finesse.dialog.queue",
                 "finesse.participant.media_address", "finesse.participant.state",
                 "finesse.participant.state_cause", "finesse.participant.action", "finesse.call_variable.name",
                 "finesse.call_variable.value"]


def by_frame(cap, names, display_filter="finesse", extra=()):
    """{frame number: [values of names...]} for frames passing the filter."""
    rows = fields(cap, ["frame.number"] + names, display_filter, extra=list(extra))
    return {int(r[0]): r[1:] for r in rows}


def xmpp_info(node, item, summary, headline=True):
    """The Info column of a pubsub event message: the XMPP layer's text, then
    the Finesse summary."""
    return "%s; message %spubsub event node=%s item=%s" % (summary, "headline " if headline else "", node, item)


# expert groups (epan/proto.h)
PI_SEQUENCE, PI_RESPONSE_CODE, PI_MALFORMED = 0x02000000, 0x03000000, 0x07000000


def finesse_experts(cap):
    """(frame, message, severity, group) of the Finesse expert infos only."""
    return [e for e in experts(cap, "finesse && _ws.expert") if e[1].startswith("Finesse ")]


def verbose(cap, frame):
    """tshark -V text of one frame."""
    return tshark(["-n", "-r", capture(cap), "-V", "-Y", "frame.number == %d" % frame])


# ---------------------------------------------------------------------------
# Real capture: an agent's session
# ---------------------------------------------------------------------------

class AgentSession(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.users = by_frame(SESSION, USER_FIELDS, 'finesse.kind == "user"')
        cls.dialogs = by_frame(SESSION, DIALOG_FIELDS, 'finesse.kind == "dialog"')

    def test_info_column(self):
        expected = [
            (32, USER_NODE, 1, "Finesse PUT User administrator LOGIN"),
            (34, USER_NODE, 2, "Finesse PUT User administrator NOT_READY (reason 32762 Lunch)"),
            (36, USER_NODE, 3, "Finesse PUT User administrator READY"),
            (38, TEAM_NODE, 4, "Finesse PUT User administrator READY"),
            (40, USER_NODE, 5, "Finesse PUT User administrator RESERVED"),
            (42, DIALOGS_NODE, 6, "Finesse POST Dialog 53149720 ALERTING from 335892"),
            (44, DIALOGS_NODE, 7, "Finesse PUT Dialog 53149720 ACTIVE from 335892"),
            (46, USER_NODE, 8, "Finesse PUT User administrator TALKING"),
            (48, DIALOGS_NODE, 9, "Finesse PUT Dialog 53149720 ACTIVE from 335892"),
            (50, USER_NODE, 10, "Finesse PUT apiErrors Invalid State: CTI request failed: invalid state"),
            (52, DIALOGS_NODE, 11, "Finesse PUT Dialog 53149720 ACTIVE from 335892"),
            (54, DIALOGS_NODE, 12, "Finesse PUT Dialog 53149720 DROPPED from 335892"),
            (56, DIALOGS_NODE, 13, "Finesse DELETE Dialog 53149720 DROPPED from 335892"),
            (58, USER_NODE, 14, "Finesse PUT User administrator WORK"),
            (60, USER_NODE, 15, "Finesse PUT User administrator READY"),
            (62, SYSTEM_NODE, 16, "Finesse PUT SystemInfo OUT_OF_SERVICE"),
            (64, SYSTEM_NODE, 17, "Finesse PUT SystemInfo IN_SERVICE"),
            (66, USER_NODE, 18, "Finesse PUT User administrator LOGOUT (reason 32760 End of shift)"),
        ]
        self.assertEqual(info(SESSION, "finesse"),
                         [(f, xmpp_info(n, "finesse-%05d" % i, s)) for f, n, i, s in expected])

    def test_agent_state_sequence(self):
        states = [v[USER_FIELDS.index("finesse.user.state")] for _, v in sorted(self.users.items())]
        self.assertEqual(states, ["LOGIN", "NOT_READY", "READY", "READY", "RESERVED", "TALKING", "WORK", "READY",
                                  "LOGOUT"])

    def test_user_fields(self):
        def row(state, time_, reason_code="", reason_label="", source=USER_NODE):
            return ["PUT", "", source, KIND["user"], "administrator", "administrator", "Admin", "Istrator", "1001",
                    state, "", reason_code, reason_label, "2026-11-21T10:%s.000000000Z" % time_, "Default", "1"]
        self.assertEqual(self.users, {
            32: row("LOGIN", "15:00"),
            34: row("NOT_READY", "15:05", "32762|32762", "Lunch"),
            36: row("READY", "16:05"),
            38: row("READY", "16:05", source="/finesse/api/Team/1/Users"),
            40: row("RESERVED", "17:00"),
            46: row("TALKING", "17:06"),
            58: row("WORK", "19:20"),
            60: row("READY", "20:00"),
            66: row("LOGOUT", "21:40", "32760|32760", "End of shift"),
        })

    def test_reason_code_details(self):
        rows = by_frame(SESSION, ["finesse.user.reason_code_id", "finesse.user.reason_category", "finesse.uri"],
                        "finesse.user.reason_label")
        self.assertEqual(rows, {
            34: ["32762", "NOT_READY", "/finesse/api/ReasonCode/32762|/finesse/api/User/administrator"],
            66: ["32760", "LOGOUT", "/finesse/api/ReasonCode/32760|/finesse/api/User/administrator"],
        })
        self.assertEqual(column(SESSION, "finesse.user.role", "frame.number == 32"), ["Agent", "Supervisor"])

    def test_dialog_fields(self):
        common = ["Voice", "335892", "1001", "1001", "ACD_IN", "Sales", "335892|1001"]
        cv = ["callVariable1|user.CustomerName", "12345|Jane & Co"]
        put = ["PUT", "/finesse/api/Dialog/53149720", KIND["dialog"], "53149720"]
        self.assertEqual(self.dialogs, {
            42: ["POST", DIALOGS_NODE, KIND["dialog"], "53149720", "ALERTING"] + common +
                ["ACTIVE|ALERTING", "", "UPDATE_CALL_DATA|ANSWER"] + cv,
            44: put + ["ACTIVE"] + common + ["ACTIVE|ACTIVE", "", "UPDATE_CALL_DATA|TRANSFER_SST|CONSULT_CALL|HOLD|"
                                             "UPDATE_CALL_DATA|SEND_DTMF|START_RECORDING|DROP"] + cv,
            48: put + ["ACTIVE"] + common + ["ACTIVE|HELD", "", "UPDATE_CALL_DATA|RETRIEVE|CONSULT_CALL|"
                                             "UPDATE_CALL_DATA|DROP"] + cv,
            52: put + ["ACTIVE"] + common + ["ACTIVE|ACTIVE", "", "UPDATE_CALL_DATA|TRANSFER_SST|CONSULT_CALL|HOLD|"
                                             "UPDATE_CALL_DATA|SEND_DTMF|START_RECORDING|DROP"] + cv,
            54: put + ["DROPPED"] + common + ["DROPPED|DROPPED", "", ""] + cv,
            56: ["DELETE", DIALOGS_NODE, KIND["dialog"], "53149720", "DROPPED"] + common + ["DROPPED|DROPPED", "", ""] + cv,
        })

    def test_dialog_state_sequence(self):
        self.assertEqual(column(SESSION, "finesse.dialog.state"),
                         ["ALERTING", "ACTIVE", "ACTIVE", "ACTIVE", "DROPPED", "DROPPED"])
        # the hold is in the agent's participant state
        self.assertEqual(column(SESSION, "finesse.participant.state", 'finesse.participant.state == "HELD"'),
                         ["ACTIVE", "HELD"])

    def test_api_error(self):
        rows = by_frame(SESSION, ["finesse.kind", "finesse.request_id", "finesse.api_error.type",
                                  "finesse.api_error.message", "finesse.api_error.data"], "finesse.api_error")
        self.assertEqual(rows, {50: [KIND["api_errors"], "8a2e4c1f-6b3d-4e5a-9f70-1c2d3e4f5a6b", "Invalid State",
                                     "CTI request failed: invalid state", "22"]})

    def test_system_info(self):
        rows = by_frame(SESSION, ["finesse.kind", "finesse.system.status", "finesse.system.status_reason",
                                  "finesse.system.deployment_type", "finesse.system.xmpp_domain",
                                  "finesse.system.pubsub_domain", "finesse.system.timestamp"],
                        "finesse.system.status")
        self.assertEqual(rows, {
            62: [KIND["system_info"], "OUT_OF_SERVICE", "CTI server connection lost", "UCCX", "uccxpub.prabhat.com",
                 "pubsub.uccxpub.prabhat.com", "2026-11-21T10:20:30.000000000Z"],
            64: [KIND["system_info"], "IN_SERVICE", "", "UCCX", "uccxpub.prabhat.com", "pubsub.uccxpub.prabhat.com",
                 "2026-11-21T10:20:45.000000000Z"],
        })

    def test_kinds(self):
        kinds = column(SESSION, "finesse.kind")
        self.assertEqual({k: kinds.count(k) for k in set(kinds)},
                         {KIND["user"]: 9, KIND["dialog"]: 6, KIND["api_errors"]: 1, KIND["system_info"]: 2})
        self.assertEqual(column(SESSION, "finesse.escaping"), ["1"] * 18)

    def test_experts(self):
        self.assertEqual(finesse_experts(SESSION), [
            (50, "Finesse API error Invalid State: CTI request failed: invalid state (errorData 22): a request "
                 "failed asynchronously. Match requestId to the REST request; check the agent state and the CTI "
                 "server", "Warning", PI_RESPONSE_CODE),
            (62, "Finesse is OUT_OF_SERVICE (CTI server connection lost): CTI connection (or a service it needs) "
                 "lost; agents cannot work until IN_SERVICE. Check the CTI server/PG link and the Finesse "
                 "services", "Warning", PI_RESPONSE_CODE),
            (66, "Finesse user administrator is now LOGOUT (reason 32760 End of shift): signed out, gets no calls. "
                 "If unexpected, check the reason code (forced sign-outs carry one) and the desktop's XMPP "
                 "connection", "Note", PI_SEQUENCE),
        ])
        # each is its own filter
        self.assertEqual(column(SESSION, "frame.number", "finesse.api_error"), ["50"])
        self.assertEqual(column(SESSION, "frame.number", "finesse.out_of_service"), ["62"])
        self.assertEqual(column(SESSION, "frame.number", "finesse.logout"), ["66"])
        self.assertEqual(column(SESSION, "frame.number", "finesse.malformed"), [])

    def test_meanings_in_item_text(self):
        text = verbose(SESSION, 34)
        self.assertIn("State: NOT_READY (agent not ready, e.g. on break)", text)
        self.assertIn("Event: PUT (object changed)", text)
        self.assertIn("User administrator NOT_READY", text)
        self.assertIn("ReasonCode 32762 Lunch", text)
        text = verbose(SESSION, 48)
        self.assertIn("State: HELD (on hold)", text)
        self.assertIn("State: ACTIVE (at least one participant is active)", text)
        self.assertIn("Participant 1001 HELD", text)
        self.assertIn("Call variable user.CustomerName = Jane & Co", text)
        self.assertIn("Status: OUT_OF_SERVICE (Finesse lost its CTI connection or a service it depends on)",
                      verbose(SESSION, 62))
        # and the field value stays the string as sent
        self.assertEqual(column(SESSION, "frame.number", 'finesse.user.state == "NOT_READY"'), ["34"])

    def test_fields_on_their_bytes(self):
        """Form (a): each field's bytes (in the "Finesse Update" data source)
        are the value's own text."""
        out = tshark(["-n", "-r", capture(SESSION), "-Y", "frame.number == 34", "-T", "json", "-x"])
        raws = {}

        def walk(o):
            if isinstance(o, dict):
                for k, v in o.items():
                    if k.startswith("finesse.") and k.endswith("_raw") and isinstance(v, list) and \
                            isinstance(v[0], str):
                        raws.setdefault(k[:-4], []).append(bytes.fromhex(v[0]).decode())
                    walk(v)
            elif isinstance(o, list):
                for x in o:
                    walk(x)
        walk(json.loads(out))
        self.assertEqual(raws["finesse.user.id"], ["administrator"])
        self.assertEqual(raws["finesse.user.state"], ["NOT_READY"])
        self.assertEqual(raws["finesse.user.reason_label"], ["Lunch"])
        self.assertEqual(raws["finesse.source"], ["/finesse/api/User/administrator"])

    def test_data_source(self):
        out = tshark(["-n", "-r", capture(SESSION), "-Y", "frame.number == 34", "-x"])
        self.assertRegex(out, r"(?m)^Finesse Update \(\d+ bytes\):$")


class Login(unittest.TestCase):
    def test_info_column(self):
        self.assertEqual(info(LOGIN, "finesse"), [
            (28, xmpp_info(USER_NODE, "finesse-00001", "Finesse PUT User administrator NOT_READY (reason 32762 Lunch)")),
            (30, xmpp_info(USER_NODE, "finesse-00002", "Finesse PUT User administrator READY")),
            (32, xmpp_info(TEAM_NODE, "finesse-00003", "Finesse PUT User administrator READY")),
        ])

    def test_no_finesse_experts(self):
        self.assertEqual(finesse_experts(LOGIN), [])


# ---------------------------------------------------------------------------
# Synthetic capture: escaping forms, Team, Queue, malformed payloads
# ---------------------------------------------------------------------------

class Escaping(unittest.TestCase):
    """Frame numbers follow NOTIFICATIONS in captures/finesse-escaping.py:
    notification i is frame 13 + i."""

    @classmethod
    def setUpClass(cls):
        cls.users = by_frame(ESCAPING, USER_FIELDS + ["finesse.escaping", "finesse.user.reason_code_id",
                                                      "finesse.user.role"], 'finesse.kind == "user"')
        cls.dialogs = by_frame(ESCAPING, DIALOG_FIELDS + ["finesse.escaping"], 'finesse.kind == "dialog"')

    def test_info_column(self):
        summaries = [
            "Finesse PUT User administrator NOT_READY (reason 32762 Lunch)",
        ] * 6 + [
            "Finesse POST Dialog 53149720 ALERTING from 335892",
        ] * 4 + [
            "Finesse PUT Team 1 (3 users)",
            "Finesse PUT Queue 5000 Sales (3 in queue)",
            "Finesse PUT apiErrors Invalid State: CTI request failed: invalid state",
            "Finesse PUT SystemInfo OUT_OF_SERVICE",
            "Finesse PUT User administrator LOGOUT",
            "Finesse PUT User administrator READY",
            "Finesse PUT User administrator READY [not well-formed]",
            "Finesse PUT User administrator READY & set [not well-formed]",
            "Finesse PUT Dialog 53149721 FAILED from 1001",
            "Finesse PUT User administrator TALKING (pending NOT_READY)",
        ]
        nodes = [USER_NODE] * 6 + [DIALOGS_NODE] * 4 + ["/finesse/api/Team/1/Users", "/finesse/api/Queue/5000",
                                                        USER_NODE, SYSTEM_NODE] + [USER_NODE] * 4 + \
            [DIALOGS_NODE, USER_NODE]
        self.assertEqual(info(ESCAPING, "finesse"),
                         [(13 + i, xmpp_info(n, "synth-%05d" % i, s, headline=False))
                          for i, (n, s) in enumerate(zip(nodes, summaries), 1)])

    def test_three_forms_decode_the_same(self):
        forms = [self.users[f] for f in (14, 15, 16)]
        self.assertEqual([f[-3] for f in forms], ["1", "2", "0"])   # finesse.escaping: (a), (b), (c)
        stripped = [f[:-3] + f[-2:] for f in forms]
        self.assertEqual(stripped[0], stripped[1])
        self.assertEqual(stripped[0], stripped[2])
        self.assertEqual(stripped[0], [
            "PUT", "", USER_NODE, KIND["user"], "administrator", "administrator", "Admin", "Istrator", "1001",
            "NOT_READY", "", "32762|32762", "Lunch", "2026-11-21T10:15:00.000000000Z", "Default", "1", "32762",
            "Agent|Supervisor"])

    def test_mixed_case_names(self):
        """<User>, <Event>put</Event>, <reasonCode>, <Data>, <update>: the same
        values; the event stays as sent."""
        for f in (17, 18, 19):
            expected = list(self.users[14])
            expected[USER_FIELDS.index("finesse.event")] = "put"
            expected[-3] = {17: "1", 18: "2", 19: "0"}[f]
            self.assertEqual(self.users[f], expected, "frame %d" % f)
        self.assertEqual(column(ESCAPING, "frame.number", 'finesse.event == "put"'), ["17", "18", "19"])

    def test_dialog_forms(self):
        forms = [self.dialogs[f] for f in (20, 21, 22, 23)]
        self.assertEqual([f[-1] for f in forms], ["1", "2", "0", "1"])
        self.assertEqual(forms[0][:-1], [
            "POST", DIALOGS_NODE, KIND["dialog"], "53149720", "ALERTING", "Voice", "335892", "1001", "1001", "ACD_IN",
            "Sales", "1001|335892", "ALERTING|INITIATED", "", "ANSWER", "callVariable1|user.CustomerName",
            "12345|Jane & Co"])
        self.assertEqual(forms[1][:-1], forms[0][:-1])
        self.assertEqual(forms[2][:-1], forms[0][:-1])
        expected = list(forms[0][:-1])
        expected[0] = "post"
        self.assertEqual(forms[3][:-1], expected)   # <DIALOGS>, event "post"

    def test_literal_fields_on_the_message_bytes(self):
        """Form (c): fields point into the frame itself, at the value's text."""
        out = json.loads(tshark(["-n", "-r", capture(ESCAPING), "-Y", "frame.number == 16", "-T", "json", "-x"]))
        frame = bytes.fromhex(out[0]["_source"]["layers"]["frame_raw"][0])
        found = []

        def walk(o):
            if isinstance(o, dict):
                for k, v in o.items():
                    if k in ("finesse.user.id_raw", "finesse.user.state_raw") and isinstance(v[0], str):
                        found.append(frame[v[1]:v[1] + v[2]] == bytes.fromhex(v[0]))
                    walk(v)
            elif isinstance(o, list):
                for x in o:
                    walk(x)
        walk(out)
        self.assertEqual(found, [True, True])
        self.assertNotRegex(tshark(["-n", "-r", capture(ESCAPING), "-Y", "frame.number == 16", "-x"]),
                            r"(?m)^Finesse Update")

    def test_team(self):
        rows = by_frame(ESCAPING, ["finesse.kind", "finesse.team.id", "finesse.team.name", "finesse.team.user_count",
                                   "finesse.user.id", "finesse.user.first_name", "finesse.user.state",
                                   "finesse.user.reason_code", "finesse.user.reason_label"], "finesse.team")
        self.assertEqual(rows, {24: [KIND["team"], "1", "Default", "3", "1001|administrator|1003", "Jane|Admin|John",
                                     "LOGOUT|NOT_READY|READY", "32762", "Lunch"]})
        text = verbose(ESCAPING, 24)
        self.assertIn("Team 1 Default (3 users)", text)
        self.assertIn("User 1001 LOGOUT", text)

    def test_team_member_logout_is_no_expert(self):
        self.assertEqual([e for e in finesse_experts(ESCAPING) if e[0] == 24], [])

    def test_queue(self):
        names = ["finesse.kind", "finesse.queue.id", "finesse.queue.name", "finesse.queue.calls_in_queue",
                 "finesse.queue.longest_call_start", "finesse.queue.agents_ready", "finesse.queue.agents_not_ready",
                 "finesse.queue.agents_busy_other", "finesse.queue.agents_logged_on",
                 "finesse.queue.agents_talking_inbound", "finesse.queue.agents_talking_outbound",
                 "finesse.queue.agents_talking_internal", "finesse.queue.agents_wrap_up_not_ready",
                 "finesse.queue.agents_wrap_up_ready"]
        self.assertEqual(by_frame(ESCAPING, names, "finesse.queue"), {
            25: [KIND["queue"], "5000", "Sales", "3", "2026-11-21T10:14:02.000000000Z", "1", "2", "0", "4", "1", "0", "0", "0",
                 "-1"]})
        self.assertEqual(column(ESCAPING, "frame.number", "finesse.queue.calls_in_queue > 2"), ["25"])

    def test_api_errors_and_system(self):
        self.assertEqual(by_frame(ESCAPING, ["finesse.api_error.type", "finesse.api_error.message",
                                             "finesse.api_error.data", "finesse.request_id"], "finesse.api_error"),
                         {26: ["Invalid State", "CTI request failed: invalid state", "22",
                               "8a2e4c1f-6b3d-4e5a-9f70-1c2d3e4f5a6b"]})
        self.assertEqual(by_frame(ESCAPING, ["finesse.system.status", "finesse.system.status_reason"],
                                  "finesse.system"),
                         {27: ["OUT_OF_SERVICE", "CTI server connection lost"]})

    def test_cdata_data(self):
        self.assertEqual(by_frame(ESCAPING, ["finesse.escaping", "finesse.user.id", "finesse.user.state"],
                                  "frame.number == 29"), {29: ["0", "administrator", "READY"]})

    def test_participant_state_cause_and_pending_state(self):
        self.assertEqual(by_frame(ESCAPING, ["finesse.dialog.id", "finesse.dialog.state",
                                             "finesse.dialog.to_address", "finesse.participant.state",
                                             "finesse.participant.state_cause"], "finesse.participant.state_cause"),
                         {32: ["53149721", "FAILED", "5551234", "FAILED", "BUSY"]})
        self.assertEqual(by_frame(ESCAPING, ["finesse.user.state", "finesse.user.pending_state"],
                                  "finesse.user.pending_state"), {33: ["TALKING", "NOT_READY"]})
        self.assertIn("Pending state: NOT_READY (agent not ready, e.g. on break)", verbose(ESCAPING, 33))

    def test_experts(self):
        self.assertEqual(finesse_experts(ESCAPING), [
            (26, "Finesse API error Invalid State: CTI request failed: invalid state (errorData 22): a request "
                 "failed asynchronously. Match requestId to the REST request; check the agent state and the CTI "
                 "server", "Warning", PI_RESPONSE_CODE),
            (27, "Finesse is OUT_OF_SERVICE (CTI server connection lost): CTI connection (or a service it needs) "
                 "lost; agents cannot work until IN_SERVICE. Check the CTI server/PG link and the Finesse "
                 "services", "Warning", PI_RESPONSE_CODE),
            (28, "Finesse user administrator is now LOGOUT: signed out, gets no calls. If unexpected, check the "
                 "reason code (forced sign-outs carry one) and the desktop's XMPP connection", "Note", PI_SEQUENCE),
            (30, "Finesse notification is not well-formed XML after unescaping: end tag does not match the open "
                 "element (offset 482); decoded as far as it goes. Check the publisher's escaping (XML 1.0 2.1)",
                 "Error", PI_MALFORMED),
            (31, "Finesse notification is not well-formed XML after unescaping: '&' that starts no valid entity or "
                 "character reference (offset 51); decoded as far as it goes. Check the publisher's escaping "
                 "(XML 1.0 2.1)", "Error", PI_MALFORMED),
        ])

    def test_malformed_bytes_still_shown(self):
        for frame in (30, 31):
            out = tshark(["-n", "-r", capture(ESCAPING), "-Y", "frame.number == %d" % frame, "-x"])
            self.assertRegex(out, r"(?m)^Finesse Update \(\d+ bytes\):$")
        # the expert points at the offending byte of the unescaped document: the '<' of "</User>"
        pdml = tshark(["-n", "-r", capture(ESCAPING), "-Y", "frame.number == 30", "-T", "pdml"])
        hits = re.findall(r'<field name="" show="Finesse notification is not well-formed[^"]*" size="(\d+)" '
                          r'pos="(\d+)" value="([0-9a-f]*)"', pdml)
        self.assertEqual(hits, [("1", "482", "3c")])
        self.assertEqual(by_frame(ESCAPING, ["finesse.user.id", "finesse.user.state"], "finesse.malformed"),
                         {30: ["administrator", "READY"], 31: ["administrator", "READY & set"]})


# ---------------------------------------------------------------------------
# The dissector on its own (NULL data), as a fuzzer calls it
# ---------------------------------------------------------------------------

USER_DLT = ['-o', 'uat:user_dlts:"User 0 (DLT=147)","finesse","0","","0",""']


def write_pcap(path, payloads):
    """A pcap with link type USER0 (147), one record per payload."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 147))
        for i, p in enumerate(payloads):
            if isinstance(p, str):
                p = p.encode("utf-8")
            f.write(struct.pack("<IIII", 1795256100 + i, 0, len(p), len(p)))
            f.write(p)


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


USER_DOC = ("<Update><data><user><loginId>administrator</loginId><state>READY</state></user></data>"
            "<event>PUT</event><requestId></requestId><source>/finesse/api/User/administrator</source></Update>")


class Direct(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="finesse-direct-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def run_payloads(self, name, payloads, names=("_ws.col.Info", "_ws.expert.message"), prefs=()):
        path = os.path.join(self.tmp, name + ".pcap")
        write_pcap(path, payloads)
        return [r[1:] for r in fields(path, ["frame.number"] + list(names), extra=USER_DLT + list(prefs))]

    def test_times_are_absolute_times(self):
        # SYNTHETIC: an ISO 8601 stateChangeTime is an FT_ABSOLUTE_TIME (filterable as a time); anything
        # else is shown as sent, with finesse.bad_time, never as an invented time
        good = USER_DOC.replace("<state>READY</state>",
                                "<state>READY</state><stateChangeTime>2026-11-21T10:15:00.250Z</stateChangeTime>")
        bad = USER_DOC.replace("<state>READY</state>",
                               "<state>READY</state><stateChangeTime>yesterday</stateChangeTime>")
        rows = self.run_payloads("times", [good, bad], ["finesse.user.state_change_time", "finesse.other",
                                                        "_ws.expert.message"])
        self.assertEqual(rows, [["2026-11-21T10:15:00.250000000Z", "", ""],
                                ["", "yesterday", "Finesse date-time that is not ISO 8601 (shown as sent)"]])
        path = os.path.join(self.tmp, "times.pcap")
        self.assertEqual(len(fields(path, ["frame.number"], 'finesse.user.state_change_time > "2026-11-21 10:15:00"',
                                    extra=USER_DLT)), 1)

    def test_columns_without_data(self):
        rows = self.run_payloads("plain", [esc(USER_DOC), USER_DOC], ["_ws.col.Protocol", "_ws.col.Info"])
        self.assertEqual(rows, [["Finesse", "Finesse PUT User administrator READY"]] * 2)

    def test_garbage(self):
        rows = self.run_payloads("garbage", [
            "", "   ", "hello", "<", "&", "&lt;", "<Update", "<Update><data>", "\x00\x01\xff", "<a b='1'>&#0;</a>",
            esc(esc(USER_DOC)), "<Update><data></data></Update>", "<Update/>",
            "<x:Update xmlns:x='u'><x:data><x:user><x:state>READY</x:state></x:user></x:data></x:Update>",
        ])
        self.assertEqual([r[0] for r in rows], [
            "Finesse (empty)", "Finesse (empty)", "Finesse [not well-formed]", "Finesse [not well-formed]",
            "Finesse [not well-formed]", "Finesse [not well-formed]", "Finesse [not well-formed]",
            "Finesse (no data) [not well-formed]", "Finesse [not well-formed]", "Finesse a [not well-formed]",
            "Finesse [not well-formed]", "Finesse (no data)", "Finesse (no data)", "Finesse User READY",
        ])
        self.assertIn("the text is escaped once more than expected", rows[10][1])
        self.assertIn("not UTF-8", rows[8][1])

    def test_deep_nesting_bounded(self):
        deep = "<a>" * 10000 + "</a>" * 10000
        start = time.time()
        rows = self.run_payloads("deep", [deep, esc(deep), "<Update><data>%s</data><event>PUT</event></Update>"
                                          % esc(deep)])
        self.assertLess(time.time() - start, 60)
        self.assertEqual([r[0] for r in rows], ["Finesse [nested too deeply]"] * 2 +
                         ["Finesse PUT [nested too deeply]"])
        for r in rows:
            self.assertRegex(r[1], r"^Finesse notification nests elements deeper than 64 levels \(offset \d+\); "
                                   r"not decoded\.")

    def test_size_limit(self):
        big = "<Update><data><user><loginId>%s</loginId></user></data></Update>" % ("x" * 200000)
        rows = self.run_payloads("big", [big, esc(big)[:250000]], prefs=["-o", "finesse.max_payload:100000"])
        self.assertEqual(rows[0], ["Finesse (too large)",
                                   "Finesse notification of %d bytes exceeds the finesse.max_payload preference "
                                   "(100000 bytes); not decoded. Finesse objects are a few KiB: check what "
                                   "published it" % len(big)])
        self.assertEqual(rows[1][0], "Finesse (too large)")
        # below the limit a 200 kB value is decoded (and cut in the Info column)
        rows = self.run_payloads("big2", [big], ["finesse.user.id", "_ws.col.Info"])
        self.assertEqual(len(rows[0][0]), 200000)
        self.assertEqual(rows[0][1], "Finesse User " + "x" * 80 + "\u2026")

    def test_many_siblings(self):
        doc = ("<Update><data><Dialog><id>1</id><mediaProperties><callvariables>" +
               "<CallVariable><name>n</name><value>v</value></CallVariable>" * 3000 +
               "</callvariables></mediaProperties></Dialog></data></Update>")
        rows = self.run_payloads("siblings", [doc], ["_ws.col.Info", "finesse.call_variable.name"])
        self.assertEqual(rows[0][0], "Finesse Dialog 1")
        self.assertEqual(rows[0][1].split("|"), ["n"] * 3000)

    def test_mutations(self):
        """Random byte mutations of real payloads: no crash, no sanitizer
        report (tshark runs with WIRESHARK_ABORT_ON_DISSECTOR_BUG=1)."""
        rnd = random.Random(4)
        seeds = [esc(USER_DOC), USER_DOC, "<Update><data>%s</data></Update>" % esc("<user><state>READY</state></user>")]
        payloads = []
        for _ in range(400):
            b = bytearray(rnd.choice(seeds).encode())
            for _ in range(rnd.randint(1, 8)):
                op = rnd.randint(0, 2)
                pos = rnd.randrange(len(b))
                if op == 0:
                    b[pos] = rnd.choice(b"<>&;/#x0a\"' \x00\xff")
                elif op == 1:
                    del b[pos:pos + rnd.randint(1, 10)]
                else:
                    b[pos:pos] = rnd.choice([b"&lt;", b"&amp;", b"<a>", b"</a>", b"<![CDATA[", b"]]>", b"&#x41;"])
                if not b:
                    b = bytearray(b"<")
            payloads.append(bytes(b))
        rows = self.run_payloads("mutations", payloads, ["_ws.col.Info"])
        self.assertEqual(len(rows), 400)
        self.assertTrue(all(r[0].startswith("Finesse") for r in rows))


XMPPWS_DLT = ['-o', 'uat:user_dlts:"User 0 (DLT=147)","xmppws","0","","0",""']


class Tap(unittest.TestCase):
    """The "finesse" tap (queue_tap() in packet-finesse.c), seen through
    -z finesse,tree: one record per decoded notification, none for empty,
    not well-formed, too deep, too large or unparsed payloads; the record's
    slots as the tree counts them. Payloads are fed to the dissector
    directly (user DLT 147)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="finesse-tap-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def tree(self, name, payloads, extra=(), dlt=USER_DLT):
        from test_stats import parse_tree
        path = os.path.join(self.tmp, name + ".pcap")
        write_pcap(path, payloads)
        nodes = parse_tree(tshark(["-n", "-q", "-r", capture(path), "-z", "finesse,tree"] + dlt + list(extra)))
        return {p: n["count"] for p, n in nodes.items()}

    def test_only_decoded_notifications(self):
        deep = "<a>" * 100 + "</a>" * 100
        big = "<Update><data><user><state>READY</state><x>%s</x></user></data></Update>" % ("x" * 5000)
        decoded = [USER_DOC, esc(USER_DOC), "<Update><data></data></Update>", "<Update/>",
                   "<x:Update xmlns:x='u'><x:data><x:user><x:state>READY</x:state></x:user></x:data></x:Update>"]
        undecoded = ["", "   ", "hello", "<Update><data>", esc(esc(USER_DOC)), "<a b='1'>&#0;</a>", deep, esc(deep),
                     "<Update><data>%s</data><event>PUT</event></Update>" % esc(deep), big,
                     USER_DOC.replace("READY", "READY & set")]
        t = self.tree("mixed", undecoded[:5] + decoded + undecoded[5:], ["-o", "finesse.max_payload:4000"])
        K, S, A = ("Notifications by kind and event",), ("Agent states (reason)",), ("Agent states by agent",)
        self.assertEqual(t[K], len(decoded))
        self.assertEqual({p[1:]: n for p, n in t.items() if p[:1] == K and len(p) > 1},
                         {("user",): 3, ("user", "PUT"): 2, ("user", "(no event)"): 1,
                          ("other",): 2, ("other", "(no event)"): 2})
        self.assertEqual(t[("Notifications by source",) + ("/finesse/api/User/{id}",)], 2)
        self.assertEqual(t[("Notifications by source",) + ("(no source)",)], 3)
        self.assertEqual(t[("Solicited (requestId) or unsolicited", "unsolicited")], 5)   # <requestId></requestId>
        self.assertEqual(t[S + ("READY",)], 3)
        self.assertEqual(t[A + ("administrator", "READY")], 2)
        self.assertEqual(t[A + ("(no login id)", "READY")], 1)
        # with the XML dissector off nothing is decoded
        self.assertEqual(self.tree("noxml", [esc(USER_DOC)], ["--disable-protocol", "xml"])[K], 0)

    def test_record_slots(self):
        t = self.tree("slots", [
            # two dialogs, solicited, lower-case event: the first dialog's state
            "<Update><data><dialogs><Dialog><id>7</id><state>ACTIVE</state></Dialog><Dialog><id>8</id>"
            "<state>ALERTING</state></Dialog></dialogs></data><event>post</event><requestId>r1</requestId>"
            "<source>https://fin.example.com:8445/finesse/api/User/1001/Media/2/Dialogs</source></Update>",
            # loginName when there is no loginId; reasonCodeId without a label
            "<Update><data><user><loginName>jdoe</loginName><state>NOT_READY</state><reasonCodeId>12</reasonCodeId>"
            "</user></data><event>PUT</event><source>/finesse/api/User/jdoe</source></Update>",
            # a Team object: its users are the team's, not agent states
            "<Update><data><team><id>1</id><users><user><loginId>u1</loginId><state>READY</state></user></users>"
            "</team></data><event>PUT</event><source>/finesse/api/Team/1</source></Update>",
            # apiError without a type, a control character in its message
            "<Update><data><apiErrors><apiError><errorMessage>bad&#10;state</errorMessage></apiError>"
            "</apiErrors></data><source>/elsewhere/" + "y" * 100 + "</source></Update>",
            # SystemInfo without a status
            "<Update><data><SystemInfo><xmppDomain>d</xmppDomain></SystemInfo></data></Update>",
        ])
        self.assertEqual(t, {
            ("Notifications by kind and event",): 5,
            ("Notifications by kind and event", "dialog"): 1, ("Notifications by kind and event", "dialog", "POST"): 1,
            ("Notifications by kind and event", "user"): 1, ("Notifications by kind and event", "user", "PUT"): 1,
            ("Notifications by kind and event", "team"): 1, ("Notifications by kind and event", "team", "PUT"): 1,
            ("Notifications by kind and event", "api_errors"): 1,
            ("Notifications by kind and event", "api_errors", "(no event)"): 1,
            ("Notifications by kind and event", "system_info"): 1,
            ("Notifications by kind and event", "system_info", "(no event)"): 1,
            ("Notifications by source",): 5,
            ("Notifications by source", "https://fin.example.com:8445/finesse/api/User/{id}/Media/{id}/Dialogs"): 1,
            ("Notifications by source", "/finesse/api/User/{id}"): 1,
            ("Notifications by source", "/finesse/api/Team/{id}"): 1,
            ("Notifications by source", "/elsewhere/" + "y" * 69 + "\u2026"): 1,
            ("Notifications by source", "(no source)"): 1,
            ("Solicited (requestId) or unsolicited",): 5,
            ("Solicited (requestId) or unsolicited", "solicited (requestId set)"): 1,
            ("Solicited (requestId) or unsolicited", "unsolicited"): 4,
            ("Agent states (reason)",): 1,
            ("Agent states (reason)", "NOT_READY"): 1, ("Agent states (reason)", "NOT_READY", "reason code 12"): 1,
            ("Agent states by agent",): 1,
            ("Agent states by agent", "jdoe"): 1, ("Agent states by agent", "jdoe", "NOT_READY"): 1,
            ("Dialog states",): 1, ("Dialog states", "ACTIVE"): 1,
            ("API errors by type and message",): 1,
            ("API errors by type and message", "(no type)"): 1,
            ("API errors by type and message", "(no type)", "bad state"): 1,
            ("SystemInfo status",): 1, ("SystemInfo status", "(no status)"): 1,
            # no REST in this capture (test_rest.py has them)
            ("REST calls by resource and status",): 0,
            ("REST request to notification latency (ms) by agent",): 0,
        })

    def test_records_capped_per_frame(self):
        """One WebSocket message with 1200 notifications (fed to xmppws
        directly): 1000 records, the rest dropped before epan's per-frame
        queue (5000 for all taps) overflows. Every call_dissector() leaves a
        layer, so the default gui.max_tree_depth (256) must be raised for
        that many in one frame."""
        doc = "<Update><data><user><loginId>administrator</loginId><state>READY</state></user></data></Update>"
        item = '<item><notification xmlns="http://jabber.org/protocol/pubsub">%s</notification></item>' % doc
        msg = ('<message xmlns="jabber:client"><event xmlns="http://jabber.org/protocol/pubsub#event">'
               '<items node="/finesse/api/User/administrator">%s</items></event></message>' % (item * 1200))
        t = self.tree("many", [msg], ["-o", "gui.max_tree_depth:4000"], dlt=XMPPWS_DLT)
        self.assertEqual(t[("Notifications by kind and event",)], 1000)
        self.assertEqual(t[("Agent states by agent", "administrator", "READY")], 1000)


class Registration(unittest.TestCase):
    def test_protocol_and_fields(self):
        protocols = [line.split("\t")[:3] for line in tshark(["-G", "protocols"]).splitlines()]
        self.assertIn(["Cisco Finesse Notification", "Finesse", "finesse"], protocols)
        names = {line.split("\t")[2]: line.split("\t")[3] for line in tshark(["-G", "fields"]).splitlines()
                 if line.startswith("F\t")}
        strings = [
            "finesse.event", "finesse.request_id", "finesse.source", "finesse.user.id",
            "finesse.user.name", "finesse.user.first_name", "finesse.user.last_name", "finesse.user.extension",
            "finesse.user.state", "finesse.user.pending_state", "finesse.user.reason_code",
            "finesse.user.reason_label", "finesse.user.team",
            "finesse.user.team_id", "finesse.dialog.id", "finesse.dialog.state", "finesse.dialog.media_type",
            "finesse.dialog.from_address", "finesse.dialog.to_address", "finesse.dialog.dnis",
            "finesse.dialog.call_type", "finesse.dialog.queue", "finesse.participant.media_address",
            "finesse.participant.state", "finesse.participant.state_cause", "finesse.participant.action",
            "finesse.call_variable.name", "finesse.call_variable.value", "finesse.api_error.type",
            "finesse.api_error.message", "finesse.api_error.data", "finesse.system.status", "finesse.team.id",
            "finesse.team.name", "finesse.queue.id", "finesse.queue.name"]
        self.assertEqual([f for f in strings if names.get(f) != "FT_STRING"], [])
        ints = ["finesse.queue.calls_in_queue", "finesse.queue.agents_ready", "finesse.queue.agents_not_ready",
                "finesse.queue.agents_talking_inbound"]
        self.assertEqual([f for f in ints if names.get(f) != "FT_INT32"], [])
        self.assertEqual(names.get("finesse.kind"), "FT_UINT8")   # with value strings: == "user" filters
        times = ["finesse.user.state_change_time", "finesse.participant.start_time",
                 "finesse.participant.state_change_time", "finesse.system.timestamp",
                 "finesse.queue.longest_call_start"]
        self.assertEqual([f for f in times if names.get(f) != "FT_ABSOLUTE_TIME"], [])
        experts_ = ["finesse.api_error", "finesse.out_of_service", "finesse.logout", "finesse.malformed",
                    "finesse.too_deep", "finesse.too_large", "finesse.xml_disabled", "finesse.unknown_data",
                    "finesse.bad_time"]
        self.assertEqual([e for e in experts_ if e not in names], [])

    def test_xml_disabled(self):
        tmp = tempfile.mkdtemp(prefix="finesse-noxml-")
        try:
            path = os.path.join(tmp, "noxml.pcap")
            write_pcap(path, [esc(USER_DOC)])
            rows = fields(path, ["_ws.col.Info", "_ws.expert.message"],
                          extra=USER_DLT + ["--disable-protocol", "xml"])
        finally:
            shutil.rmtree(tmp, True)
        self.assertEqual(rows, [["Finesse (XML dissector disabled)",
                                 "The XML dissector is disabled: Finesse notifications are not decoded"]])

if __name__ == "__main__":
    unittest.main()
