#!/usr/bin/env python3
"""finesse-escaping.py - write captures/finesse-escaping.pcapng (SYNTHETIC).

Real servers only relay what the publisher sent, so the three ways a Finesse
<Update> can travel inside <notification xmlns="http://jabber.org/protocol/pubsub">
are written here with captures/synth.py:

  (a) the whole <Update> XML-escaped as text (Cisco's samples, finesse.js),
  (b) a literal <Update> whose <data> holds the escaped object,
  (c) literal XML throughout (test tools),

each for the same User and Dialog documents, plus mixed-case element names
(<User>, <Event>put</Event>, <reasonCode>, <DIALOGS>), a Team of three users,
a Queue with statistics, apiErrors, SystemInfo OUT_OF_SERVICE, a LOGOUT, a
<data> wrapped in a CDATA section, two payloads that are not well-formed
after unescaping, a failed call (participant stateCause) and a pending
state.

A short PLAIN login (administrator/1234, resource "desktop") comes first so
the XMPP layer sees a complete stream. Frame numbers are stable: the tests in
test/test_finesse.py rely on the order of NOTIFICATIONS below.

    python3 captures/finesse-escaping.py [out.pcapng]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from synth import Conversation  # noqa: E402

DOMAIN = "uccxpub.prabhat.com"
AGENT = "administrator@%s/desktop" % DOMAIN


def esc(text):
    """XML-escape text (XML 1.0 2.4: &, <, >)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def el(name, value=""):
    return "<%s>%s</%s>" % (name, value, name)


def update(data, event="PUT", request_id="", source="", names=("Update", "data", "event")):
    """An <Update>. `data` is inserted as given (literal or already escaped)."""
    upd, dat, ev = names
    return "<%s><%s>%s</%s>%s%s%s</%s>" % (
        upd, dat, data, dat, el(ev, event), el("requestId", request_id), el("source", source), upd)


def user_doc(state="NOT_READY", reason=True, user="user", reason_el="ReasonCode", login="administrator"):
    reason_xml = ""
    if reason:
        reason_xml = (el("reasonCodeId", "32762") +
                      "<%s>" % reason_el + el("category", "NOT_READY") + el("code", "32762") +
                      el("label", "Lunch") + el("id", "32762") +
                      el("uri", "/finesse/api/ReasonCode/32762") + "</%s>" % reason_el)
    return ("<%s>" % user +
            el("dialogs", "/finesse/api/User/%s/Dialogs" % login) + el("extension", "1001") +
            el("firstName", "Admin") + el("lastName", "Istrator") + el("loginId", login) +
            el("loginName", login) + el("pendingState") + reason_xml +
            el("roles", el("role", "Agent") + el("role", "Supervisor")) +
            el("state", state) + el("stateChangeTime", "2026-11-21T10:15:00.000Z") +
            el("teamId", "1") + el("teamName", "Default") + el("uri", "/finesse/api/User/%s" % login) +
            "</%s>" % user)


def dialog_doc(dialogs="dialogs"):
    cv = "".join("<CallVariable>%s%s</CallVariable>" % (el("name", n), el("value", esc(v)))
                 for n, v in (("callVariable1", "12345"), ("user.CustomerName", "Jane & Co")))
    parts = ("<Participant>" + el("actions", el("action", "ANSWER")) + el("mediaAddress", "1001") +
             el("mediaAddressType", "AGENT_DEVICE") + el("startTime", "2026-11-21T10:16:00.000Z") +
             el("state", "ALERTING") + el("stateCause") + el("stateChangeTime", "2026-11-21T10:16:00.000Z") +
             "</Participant><Participant>" + el("actions") + el("mediaAddress", "335892") +
             el("mediaAddressType") + el("startTime", "2026-11-21T10:16:00.000Z") + el("state", "INITIATED") +
             el("stateCause") + el("stateChangeTime", "2026-11-21T10:16:00.000Z") + "</Participant>")
    doc = ("<Dialog>" + el("associatedDialogUri") + el("fromAddress", "335892") + el("id", "53149720") +
           "<mediaProperties>" + el("DNIS", "1001") + el("callType", "ACD_IN") + el("dialedNumber", "1001") +
           el("callvariables", cv) + el("queueName", "Sales") + el("queueNumber", "5000") +
           "</mediaProperties>" + el("mediaType", "Voice") + el("participants", parts) +
           el("state", "ALERTING") + el("toAddress", "1001") + el("uri", "/finesse/api/Dialog/53149720") +
           "</Dialog>")
    return "<%s>%s</%s>" % (dialogs, doc, dialogs)


def team_doc():
    users = [("1001", "Jane", "Doe", "LOGOUT", None),
             ("administrator", "Admin", "Istrator", "NOT_READY", ("32762", "Lunch")),
             ("1003", "John", "Roe", "READY", None)]
    xml = ""
    for login, first, last, state, reason in users:
        xml += ("<User>" + el("uri", "/finesse/api/User/%s" % login) + el("loginId", login) +
                el("firstName", first) + el("lastName", last) + el("pendingState") + el("state", state) +
                el("stateChangeTime", "2026-11-21T10:15:00.000Z"))
        if reason:
            xml += ("<ReasonCode>" + el("code", reason[0]) + el("label", reason[1]) +
                    el("category", "NOT_READY") + "</ReasonCode>")
        xml += "</User>"
    return ("<Team>" + el("uri", "/finesse/api/Team/1") + el("id", "1") + el("name", "Default") +
            el("users", xml) + "</Team>")


def queue_doc():
    stats = "".join(el(k, v) for k, v in (
        ("callsInQueue", "3"), ("startTimeOfLongestCallInQueue", "2026-11-21T10:14:02Z"),
        ("agentsReady", "1"), ("agentsNotReady", "2"), ("agentsBusyOther", "0"), ("agentsLoggedOn", "4"),
        ("agentsTalkingInbound", "1"), ("agentsTalkingOutbound", "0"), ("agentsTalkingInternal", "0"),
        ("agentsWrapUpNotReady", "0"), ("agentsWrapUpReady", "-1")))
    return "<Queue>" + el("uri", "/finesse/api/Queue/5000") + el("name", "Sales") + el("statistics", stats) + "</Queue>"


API_ERRORS = ("<apiErrors><apiError>" + el("errorData", "22") +
              el("errorMessage", "CTI request failed: invalid state") + el("errorType", "Invalid State") +
              "</apiError></apiErrors>")
SYSTEM_OOS = ("<SystemInfo>" + el("currentTimestamp", "2026-11-21T10:20:00.000Z") + el("deploymentType", "UCCX") +
              el("status", "OUT_OF_SERVICE") + el("statusReason", "CTI server connection lost") +
              el("uri", "/finesse/api/SystemInfo") + el("xmppDomain", DOMAIN) +
              el("xmppPubSubDomain", "pubsub." + DOMAIN) + "</SystemInfo>")

FAILED_DIALOG = ("<Dialog>" + el("fromAddress", "1001") + el("id", "53149721") + el("mediaType", "Voice") +
                 el("participants", "<Participant>" + el("actions", el("action", "DROP")) +
                    el("mediaAddress", "1001") + el("state", "FAILED") + el("stateCause", "BUSY") +
                    "</Participant>") +
                 el("state", "FAILED") + el("toAddress", "5551234") + "</Dialog>")

USER_NODE = "/finesse/api/User/administrator"
USER_SRC = "/finesse/api/User/administrator"
DIALOGS_SRC = "/finesse/api/User/administrator/Dialogs"

# (node, notification content as sent), in frame order.
NOTIFICATIONS = [
    # 1-3: the same User update in forms (a), (b), (c)
    (USER_NODE, esc(update(user_doc(), source=USER_SRC))),
    (USER_NODE, update(esc(user_doc()), source=USER_SRC)),
    (USER_NODE, update(user_doc(), source=USER_SRC)),
    # 4-6: mixed-case names: <User>, <Event>put</Event>, <reasonCode>, in (a), (b), (c)
    (USER_NODE, esc(update(user_doc(user="User", reason_el="reasonCode"), event="put", source=USER_SRC,
                           names=("Update", "data", "Event")))),
    (USER_NODE, update(esc(user_doc(user="User", reason_el="reasonCode")), event="put", source=USER_SRC,
                       names=("Update", "Data", "Event"))),
    (USER_NODE, update(user_doc(user="User", reason_el="reasonCode"), event="put", source=USER_SRC,
                       names=("update", "data", "Event"))),
    # 7-9: the same Dialog POST in (a), (b), (c); 10: <DIALOGS> in form (a)
    ("/finesse/api/User/administrator/Dialogs", esc(update(dialog_doc(), "POST", source=DIALOGS_SRC))),
    ("/finesse/api/User/administrator/Dialogs", update(esc(dialog_doc()), "POST", source=DIALOGS_SRC)),
    ("/finesse/api/User/administrator/Dialogs", update(dialog_doc(), "POST", source=DIALOGS_SRC)),
    ("/finesse/api/User/administrator/Dialogs", esc(update(dialog_doc("DIALOGS"), "post", source=DIALOGS_SRC))),
    # 11: Team with three users; 12: Queue statistics
    ("/finesse/api/Team/1/Users", esc(update(team_doc(), source="/finesse/api/Team/1"))),
    ("/finesse/api/Queue/5000", esc(update(queue_doc(), source="/finesse/api/Queue/5000"))),
    # 13: apiErrors; 14: SystemInfo OUT_OF_SERVICE; 15: LOGOUT
    (USER_NODE, esc(update(API_ERRORS, request_id="8a2e4c1f-6b3d-4e5a-9f70-1c2d3e4f5a6b", source=USER_SRC))),
    ("/finesse/api/SystemInfo", esc(update(SYSTEM_OOS, source="/finesse/api/SystemInfo"))),
    (USER_NODE, esc(update(user_doc("LOGOUT", reason=False), source=USER_SRC))),
    # 16: literal <Update> whose <data> is a CDATA section holding the object
    (USER_NODE, update("<![CDATA[%s]]>" % user_doc("READY", reason=False), source=USER_SRC)),
    # 17: not well-formed after unescaping: </User> closes <user>
    (USER_NODE, esc(update(user_doc("READY", reason=False)[:-len("</user>")] + "</User>", source=USER_SRC))),
    # 18: not well-formed <data> content: a bare '&' after unescaping
    (USER_NODE, update(esc("<user><loginId>administrator</loginId><state>READY & set</state></user>"),
                       source=USER_SRC)),
    # 19: a failed outbound call (participant stateCause BUSY); 20: a pending state
    ("/finesse/api/User/administrator/Dialogs", esc(update(FAILED_DIALOG, source="/finesse/api/Dialog/53149721"))),
    (USER_NODE, esc(update(user_doc("TALKING", reason=False).replace("<pendingState></pendingState>",
                                                                     "<pendingState>NOT_READY</pendingState>"),
                           source=USER_SRC))),
]


def build(out):
    c = Conversation(server_port=8445)
    c.upgrade(path="/ws/", host="%s:8445" % DOMAIN, protocol="xmpp")
    framing = 'xmlns="urn:ietf:params:xml:ns:xmpp-framing"'
    c.client_text('<open %s to="%s" version="1.0"/>' % (framing, DOMAIN))
    c.server_text('<open %s from="%s" id="synth-1" xml:lang="en" version="1.0"/>' % (framing, DOMAIN),
                  '<stream:features xmlns:stream="http://etherx.jabber.org/streams">'
                  '<mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms>'
                  '</stream:features>')
    c.client_text('<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">'
                  'YWRtaW5pc3RyYXRvckB1Y2N4cHViLnByYWJoYXQuY29tAGFkbWluaXN0cmF0b3IAMTIzNA==</auth>')
    c.server_text('<success xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/>')
    c.client_text('<open %s to="%s" version="1.0"/>' % (framing, DOMAIN))
    c.server_text('<open %s from="%s" id="synth-2" xml:lang="en" version="1.0"/>' % (framing, DOMAIN),
                  '<stream:features xmlns:stream="http://etherx.jabber.org/streams">'
                  '<bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></stream:features>')
    c.client_text('<iq type="set" id="_bind_auth_2" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind">'
                  '<resource>desktop</resource></bind></iq>')
    c.server_text('<iq type="result" id="_bind_auth_2" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind">'
                  '<jid>%s</jid></bind></iq>' % AGENT)
    for i, (node, content) in enumerate(NOTIFICATIONS, 1):
        c.server_text('<message from="pubsub.%s" to="%s" id="n%d" xmlns="jabber:client">'
                      '<event xmlns="http://jabber.org/protocol/pubsub#event"><items node="%s">'
                      '<item id="synth-%05d"><notification xmlns="http://jabber.org/protocol/pubsub">%s'
                      '</notification></item></items></event></message>' % (DOMAIN, AGENT, i, node, i, content))
    c.client_text('<close %s/>' % framing)
    c.server_text('<close %s/>' % framing)
    c.server_close(1000)
    c.client_close(1000)
    c.fin("s")
    c.fin("c")
    c.write(out)


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "finesse-escaping.pcapng"))
