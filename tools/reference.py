#!/usr/bin/env python3
"""Field reference for README.md, from what the built plugin registers.

  python3 tools/reference.py            print the Markdown tables
  python3 tools/reference.py --update   rewrite them in README.md, between
                                        <!-- fields:begin --> and <!-- fields:end -->

Fields come from `tshark -G fields` run with the plugin (tools/tshark.sh),
so the README lists exactly what a display filter can use.
"""
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN, END = "<!-- fields:begin -->", "<!-- fields:end -->"
EBEGIN, EEND = "<!-- experts:begin -->", "<!-- experts:end -->"
SOURCES = ["xmppws-core.c", "xmppws-xml.c", "xmppws-tracking.c", "xmppws-stream.c", "xmppws-sasl.c",
           "xmppws-stanza.c", "xmppws-pubsub.c", "xmppws-websocket.c", "xmppws-tcp.c", "xmppws-bosh.c", "xmppws-http.c",
           "packet-finesse.c", "finesse-rest.c"]
EI_RE = re.compile(r'\{\s*&ei_\w+,\s*\{\s*"([\w.]+)",\s*(PI_\w+),\s*(PI_\w+),\s*((?:"(?:[^"\\]|\\.)*"\s*)+),', re.S)
SEVERITY = {"PI_ERROR": "Error", "PI_WARN": "Warning", "PI_NOTE": "Note", "PI_CHAT": "Chat", "PI_COMMENT": "Comment"}

# What a person should check next, per expert info. tests/test_readme.py fails
# when an expert info is registered without an entry here.
NEXT = {
    "xmppws.long_silence": "What should have kept the stream alive: XEP-0199 pings from the desktop or Openfire, WebSocket pings (not XMPP: filter websocket.opcode == 9), BOSH polls; a silence before a drop is the drop's cause.",
    "finesse.rest.error": "The ApiError's type and message: an invalid state transition (the agent's current state does not allow it), a reason code the agent's team lacks, or the server refusing (CTI down).",
    "finesse.rest.no_notification": "The XMPP side: was the desktop's notification connection up (look for drops and reconnects around it)? If it was, Finesse did not publish: check Finesse's and the CTI server's logs for the requestId.",
    "finesse.rest.state_mismatch": "Whether something else changed the state in between (a supervisor, a call arriving, a pending state): Finesse reports the state it applied.",
    "finesse.rest.slow": "Where the time went: the 202's own latency (the REST side) against the notification's (the CTI server and Finesse's pubsub); raise finesse.rest_latency_warning if this is normal for the site.",
    "xmppws.bosh.not_body": "The sender: a BOSH body is one <body xmlns='http://jabber.org/protocol/httpbind'/> element; a proxy may have cut or joined bodies.",
    "xmppws.bosh.no_rid": "The client library: without a rid the connection manager cannot order requests and ends the session (bad-request).",
    "xmppws.bosh.bad_attribute": "The sender's BOSH library; the connection manager answers bad-request.",
    "xmppws.bosh.rid_repeat": "The response to the first copy (xmppws.bosh.response_in of that frame): it was lost or late, so the client resent; look for proxy timeouts shorter than wait.",
    "xmppws.bosh.rid_gap": "Whether the missing requests are on a connection outside the capture (another interface or proxy leg); otherwise the server ends the session with item-not-found.",
    "xmppws.bosh.rid_order": "Nothing, when it is within the session's requests window: two connections crossed; a proxy queueing requests makes it worse.",
    "xmppws.bosh.no_creation": "Start the capture before the desktop logs in to see the session creation, SASL and bind.",
    "xmppws.bosh.unpaired_response": "Whether the capture started while the request was held; otherwise a proxy answered a request the capture does not show.",
    "xmppws.bosh.sid_mismatch": "A load balancer or proxy mixing sessions on one connection: BOSH needs session affinity.",
    "xmppws.bosh.terminate_condition": "The condition (XEP-0124 17.2): item-not-found = the server forgot the session (restart, failover, inactivity); policy-violation = too many or too frequent requests; remote-connection-failed = the XMPP server behind the connection manager.",
    "xmppws.bosh.terminate_after_client": "Nothing: the server answers the client's held poll as the session ends.",
    "xmppws.bosh.http_error": "The status: 404 = the connection manager lost the session (restart, failover, inactivity timeout, a load balancer sending the request to another node); 403 = its limits; the desktop must log in again.",
    "xmppws.bosh.no_response": "The capture's end: a request still held when it stopped is normal; in the middle of a capture, check the connection for a reset.",
    "xmppws.no_element": "The message's bytes: a client or proxy sending text that is not XMPP, or a truncated capture.",
    "xmppws.xml_disabled": "Re-enable XML in Analyze > Enabled Protocols.",
    "xmppws.unknown_element": "The element's namespace: an extension this dissector does not name (it is still shown).",
    "xmppws.framing_namespace": "The client library: it speaks pre-RFC framing or a wrong xmlns; expect an invalid-namespace stream error.",
    "xmppws.legacy_framing": "The client's library version; RFC 7395 servers such as Openfire and Prosody reject it.",
    "xmppws.multiple_elements": "The sender's framing: some proxies and old clients batch stanzas; Prosody and Openfire expect one per message.",
    "xmppws.partial_element": "Whether the element continues in the next message (a client splitting stanzas) or the XML is truncated.",
    "xmppws.undeclared_prefix": "The element's xmlns:prefix declarations: each RFC 7395 message must declare its own.",
    "xmppws.xml_declaration": "Nothing breaks; servers may drop it. Fix the client library if strict servers complain.",
    "xmppws.whitespace": "Whitespace keepalives from a pre-RFC client; use WebSocket ping or XEP-0199 instead.",
    "xmppws.restricted_xml": "The sender: XMPP forbids DTDs and PIs (entity-expansion attacks); expect a restricted-xml stream error.",
    "xmppws.utf16": "The sender's encoding: browsers and Openfire always send UTF-8; a proxy may have re-encoded it.",
    "xmppws.invalid_utf8": "The sender or a truncating proxy; the server should close the connection (WebSocket 1007).",
    "xmppws.stray_text": "The sender: text outside elements is not well-formed; the server closes with not-well-formed.",
    "xmppws.no_subprotocol": "The HTTP 101 response's Sec-WebSocket-Protocol; Openfire and Prosody require xmpp.",
    "xmppws.second_open": "Whether a stream restart was intended (after SASL success) or the client re-opened by mistake.",
    "xmppws.data_after_close": "The sender's shutdown logic: after <close/> only the WebSocket close may follow.",
    "xmppws.no_close": "The TCP FIN/RST or WebSocket Close that ended the connection (xmppws.dropped): a browser tab closed, a network drop, a proxy or load balancer timeout.",
    "xmppws.dropped": "Who ended the connection (the FIN/RST's source) and what came just before: an unanswered request, an idle timeout, a server restart.",
    "xmppws.compressed_history": "Capture again from before the desktop's login (the permessage-deflate negotiation and history), or open the browser's HAR file, which holds the messages inflated.",
    "xmppws.close_unanswered": "The peer's WebSocket Close and TCP FIN; Openfire may close the socket without <close/>.",
    "xmppws.sasl.unoffered_mechanism": "The stream features the server sent; the client picked a mechanism it was not offered.",
    "xmppws.sasl.plain_cleartext": "Use wss:// (Finesse: port 8445); anyone on the path can read this password.",
    "xmppws.stanza_before_auth": "The client's state machine: nothing but SASL is allowed before <success/>.",
    "xmppws.close_after_success": "The client library: after <success/> it must send a new <open/> (stream restart).",
    "xmppws.bind_before_auth": "The client's state machine: authenticate first.",
    "xmppws.stanza_before_bind": "The client's state machine: bind a resource (Finesse: desktop) before anything else.",
    "xmppws.no_response": "The server's health and logs at that time; for Finesse, pubsub or Openfire load.",
    "xmppws.duplicate_response": "Whether two requests reused one id (client bug) or the server answered twice.",
    "xmppws.unsolicited_response": "Whether the capture started late (the request is before it) or ids were reused across streams.",
    "xmppws.iq.no_id": "The sender's library: every iq needs an id; the server answers bad-request.",
    "xmppws.iq.children": "The request's payload: get/set carry exactly one child element.",
    "xmppws.open.client_attributes": "The client library's <open/>: to and version are required, id is the server's.",
    "xmppws.open.version_not_1_0": "The client library; XMPP 1.0 is the only version.",
    "xmppws.close.see_other_insecure": "The server's redirect configuration: it must send wss:// URIs.",
    "xmppws.features.starttls_offered": "The server's WebSocket configuration: TLS belongs to wss://.",
    "xmppws.stream_error.reported": "The condition and text: the server's log at that time says why it closed the stream.",
    "xmppws.stream_error.conflict": "Where else the same user logged in with the same resource (Finesse: another desktop tab or PC).",
    "xmppws.error.reported": "The condition; for pubsub item-not-found, that the node (user/team id) exists.",
    "finesse.service_unavailable": "The Finesse server's state (CTI, Tomcat, Openfire); desktops fail over to the other node.",
    "finesse.agent_unavailable": "Whether the desktop reconnects within 60 s; if not, expect a LOGOUT with reason 255.",
    "xmppws.presence.bad_priority": "The sending client: priority must be -128..127.",
    "xmppws.sasl.bad_base64": "The client's SASL encoding; the server answers incorrect-encoding.",
    "xmppws.sasl.bad_plain": "The client's PLAIN encoding: authzid NUL authcid NUL password.",
    "finesse.api_error": "The REST request with this requestId and the agent's state then; for Call Operation Failure the CTI code in errorData.",
    "finesse.out_of_service": "The CTI server/PG link and the Finesse services; desktops are unusable until IN_SERVICE.",
    "finesse.logout": "Whether the agent asked for it; forced sign-outs carry a reason code (255 after 60 s without desktop presence).",
    "finesse.malformed": "The publisher's escaping of <Update> or <data>; the 'Finesse Update' data source shows the unescaped bytes.",
    "finesse.too_deep": "What published the item: Finesse objects nest fewer than 10 levels.",
    "finesse.bad_time": "The server or tool that wrote the notification: Finesse sends ISO 8601 UTC (2026-11-21T10:15:00.000Z).",
    "finesse.too_large": "What published the item; raise finesse.max_payload if such payloads are expected.",
    "finesse.xml_disabled": "Re-enable XML in Analyze > Enabled Protocols.",
    "finesse.unknown_data": "The object's element name: a Finesse object this dissector has no table rows for (shown as other elements).",
    "xmppws.sasl.failure.reported": "The condition: not-authorized is a wrong password (or SSO token) for the authcid shown in the auth.",
}


def _tshark_sh(args):
    return subprocess.run(["bash", os.path.join(TOP, "tools", "tshark.sh")] + list(args),
                          capture_output=True, text=True, check=True).stdout


# How tshark is run: tools/tshark.sh from the command line; the tests put
# their own runner here (test_readme: the build under test, with the
# sanitizer runtimes when it is an ASan+UBSan build).
run_tshark = _tshark_sh


def registered_fields():
    out = run_tshark(["-G", "fields"])
    rows = []
    for line in out.splitlines():
        parts = line.split("\t")
        if parts[0] == "F" and parts[4] in ("xmppws", "finesse"):
            rows.append((parts[4], parts[2], parts[3], parts[1], parts[7] if len(parts) > 7 else ""))
    return rows


def registered_experts():
    """(name, group, severity, summary) of every expert info in the sources."""
    found = []
    for src in SOURCES:
        path = os.path.join(TOP, src)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            text = f.read()
        for m in EI_RE.finditer(text):
            summary = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(4))).replace('\\"', '"')
            found.append((m.group(1), m.group(2), m.group(3), summary))
    return found


def expert_table():
    out = ["| Expert info | Severity | Group | What it means | What to check next |", "|---|---|---|---|---|"]
    for name, group, sev, summary in sorted(registered_experts()):
        out.append("| `%s` | %s | %s | %s | %s |" % (name, SEVERITY.get(sev, sev), group[3:].replace("_", " ").lower(),
                                                     summary.replace("|", "\\|"), NEXT.get(name, "")))
    return "\n".join(out) + "\n"


def tables():
    experts = {e[0] for e in registered_experts()}
    rows = [r for r in registered_fields() if r[1] not in experts]
    out = []
    for proto, title in (("xmppws", "XMPP over WebSocket (`xmppws`)"),
                         ("finesse", "Cisco Finesse Notification (`finesse`)")):
        out.append("#### %s\n" % title)
        out.append("| Field | Type | Name | Meaning |")
        out.append("|---|---|---|---|")
        for p, abbrev, ftype, name, blurb in rows:
            if p == proto:
                out.append("| `%s` | %s | %s | %s |" % (abbrev, ftype.replace("FT_", ""), name,
                                                      blurb.replace("|", "\\|")))
        out.append("")
    return "\n".join(out)


def main():
    text = tables()
    if "--update" not in sys.argv:
        print(text)
        print(expert_table())
        return
    path = os.path.join(TOP, "README.md")
    readme = open(path).read()
    readme = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda m: BEGIN + "\n" + text + "\n" + END,
                    readme, flags=re.S)
    readme = re.sub(re.escape(EBEGIN) + ".*?" + re.escape(EEND),
                    lambda m: EBEGIN + "\n" + expert_table() + EEND, readme, flags=re.S)
    open(path, "w").write(readme)


if __name__ == "__main__":
    main()
