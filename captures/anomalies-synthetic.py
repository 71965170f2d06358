#!/usr/bin/env python3
"""Write anomalies-synthetic.pcapng: SYNTHETIC XMPP-over-WebSocket
connections, one per anomaly that no real peer here will produce (Prosody
and xmpp.js refuse to send most of them). Each scenario is its own TCP
connection (client port 52000 + its index, so tcp.stream == index), in the
order of SCENARIOS below; test/test_anomalies.py asserts the expert info
each one raises. Real-peer anomalies (wrong password, resource conflict,
missing node, malformed XML, dropped socket) are in anomaly-*.pcapng.

    python3 captures/anomalies-synthetic.py [out.pcapng]
"""
import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synth import Conversation, pcapng_bytes  # noqa: E402

D = "uccxpub.prabhat.com"
FRAMING = "urn:ietf:params:xml:ns:xmpp-framing"
C_OPEN = '<open xmlns="%s" to="%s" version="1.0"/>' % (FRAMING, D)
S_OPEN = '<open xmlns="%s" from="%s" id="s1" xml:lang="en" version="1.0"/>' % (FRAMING, D)
FEATURES_PLAIN = ('<stream:features xmlns:stream="http://etherx.jabber.org/streams">'
                  '<mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms>'
                  '</stream:features>')
FEATURES_BIND = ('<stream:features xmlns:stream="http://etherx.jabber.org/streams">'
                 '<bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></stream:features>')
PLAIN = base64.b64encode(b"\0administrator\x001234").decode()
AUTH = '<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">%s</auth>' % PLAIN
SUCCESS = '<success xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/>'
BIND = ('<iq xmlns="jabber:client" type="set" id="b1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind">'
        '<resource>desktop</resource></bind></iq>')
BIND_RESULT = ('<iq xmlns="jabber:client" type="result" id="b1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind">'
               '<jid>administrator@%s/desktop</jid></bind></iq>' % D)
CLOSE = '<close xmlns="%s"/>' % FRAMING
PING = '<iq xmlns="jabber:client" type="get" id="%s" to="' + D + '"><ping xmlns="urn:xmpp:ping"/></iq>'
PONG = '<iq xmlns="jabber:client" type="result" id="%s" from="' + D + '"/>'


def login(c):
    """The handshake up to the bind result, as a well-behaved pair does it."""
    c.client_text(C_OPEN)
    c.server_text(S_OPEN, FEATURES_PLAIN)
    c.client_text(AUTH)
    c.server_text(SUCCESS)
    c.client_text(C_OPEN)
    c.server_text(S_OPEN, FEATURES_BIND)
    c.client_text(BIND)
    c.server_text(BIND_RESULT)


def bye(c):
    c.client_text(CLOSE)
    c.server_text(CLOSE)


def s_framing_namespace(c):
    c.client_text('<open xmlns="jabber:client" to="%s" version="1.0"/>' % D)
    c.server_text(S_OPEN, '<stream:error xmlns:stream="http://etherx.jabber.org/streams"><invalid-namespace '
                  'xmlns="urn:ietf:params:xml:ns:xmpp-streams"/></stream:error>', CLOSE)


def s_legacy_framing(c):
    c.client_text("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
                  "to='%s' version='1.0'>" % D)
    c.server_text("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
                  "from='%s' id='l1' version='1.0'>" % D)
    c.client_text("</stream:stream>")
    c.server_text("</stream:stream>")


def s_multiple_elements(c):
    login(c)
    c.client_text('<presence xmlns="jabber:client"/>' + (PING % "m1"))
    c.server_text(PONG % "m1")
    bye(c)


def s_partial_element(c):
    login(c)
    c.client_text('<iq xmlns="jabber:client" type="get" id="p1"><ping xmlns="urn:xmpp:ping"/>')
    bye(c)


def s_undeclared_prefix(c):
    c.client_text(C_OPEN)
    c.server_text(S_OPEN, '<stream:features><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl">'
                  '<mechanism>PLAIN</mechanism></mechanisms></stream:features>')
    bye(c)


def s_xml_declaration(c):
    c.client_text("<?xml version='1.0'?>" + C_OPEN)
    c.server_text(S_OPEN, FEATURES_PLAIN)
    bye(c)


def s_whitespace(c):
    login(c)
    c.client_text(' <presence xmlns="jabber:client"/>\n')
    c.client_text(" ")
    bye(c)


def s_client_open_attributes(c):
    c.client_text('<open xmlns="%s" id="c1"/>' % FRAMING)
    c.server_text(S_OPEN, FEATURES_PLAIN)
    bye(c)


def s_version(c):
    c.client_text('<open xmlns="%s" to="%s" version="2.0"/>' % (FRAMING, D))
    c.server_text(S_OPEN, FEATURES_PLAIN)
    bye(c)


def s_second_open(c):
    c.client_text(C_OPEN)
    c.server_text(S_OPEN, FEATURES_PLAIN)
    c.client_text(C_OPEN)
    bye(c)


def s_data_after_close(c):
    login(c)
    c.client_text(CLOSE)
    c.client_text('<presence xmlns="jabber:client"/>')
    c.server_text(CLOSE)


def s_close_unanswered(c):
    login(c)
    c.client_text(CLOSE)
    c.fin("c")


def s_dropped_without_close(c):
    login(c)
    c.client_text('<presence xmlns="jabber:client"/>')
    c.rst("c")


def s_starttls_offered(c):
    c.client_text(C_OPEN)
    c.server_text(S_OPEN, '<stream:features xmlns:stream="http://etherx.jabber.org/streams">'
                  '<starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"><required/></starttls>'
                  '<mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms>'
                  '</stream:features>')
    bye(c)


def s_no_subprotocol(c):
    # upgrade without Sec-WebSocket-Protocol, on Finesse's port 8445 (ws.port)
    c.upgrade(path="/ws/", host="%s:8445" % D, protocol=None)
    login(c)
    bye(c)


def s_sasl_unoffered_and_failure(c):
    c.client_text(C_OPEN)
    c.server_text(S_OPEN, FEATURES_PLAIN)
    c.client_text('<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="DIGEST-MD5"/>')
    c.server_text('<failure xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><invalid-mechanism/>'
                  '<text xml:lang="en">DIGEST-MD5 is not offered</text></failure>')
    bye(c)


def s_stanza_before_auth(c):
    c.client_text(C_OPEN)
    c.server_text(S_OPEN, FEATURES_PLAIN)
    c.client_text('<presence xmlns="jabber:client"/>')
    c.server_text('<stream:error xmlns:stream="http://etherx.jabber.org/streams"><not-authorized '
                  'xmlns="urn:ietf:params:xml:ns:xmpp-streams"/></stream:error>', CLOSE)


def s_close_after_success(c):
    c.client_text(C_OPEN)
    c.server_text(S_OPEN, FEATURES_PLAIN)
    c.client_text(AUTH)
    c.server_text(SUCCESS)
    bye(c)


def s_bind_before_auth(c):
    c.client_text(C_OPEN)
    c.server_text(S_OPEN, FEATURES_PLAIN)
    c.client_text(BIND)
    c.server_text('<iq xmlns="jabber:client" type="error" id="b1"><error type="auth"><not-authorized '
                  'xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>')
    bye(c)


def s_stanza_before_bind(c):
    c.client_text(C_OPEN)
    c.server_text(S_OPEN, FEATURES_PLAIN)
    c.client_text(AUTH)
    c.server_text(SUCCESS)
    c.client_text(C_OPEN)
    c.server_text(S_OPEN, FEATURES_BIND)
    c.client_text('<presence xmlns="jabber:client"/>')
    bye(c)


def s_iq_flow(c):
    login(c)
    c.client_text(PING % "never")                                     # never answered
    c.client_text(PING % "twice")
    c.server_text(PONG % "twice")
    c.server_text(PONG % "twice")                                     # second response
    c.server_text(PONG % "nobody-asked")                              # response with no request
    c.client_text('<iq xmlns="jabber:client" type="get"><ping xmlns="urn:xmpp:ping"/></iq>')    # no id
    c.client_text('<iq xmlns="jabber:client" type="get" id="empty"/>')                          # no child
    c.server_text(PONG % "empty")
    c.client_text('<iq xmlns="jabber:client" type="set" id="two"><ping xmlns="urn:xmpp:ping"/>'
                  '<ping xmlns="urn:xmpp:ping"/></iq>')                                         # two children
    c.server_text(PONG % "two")
    bye(c)


def s_stream_error_conflict(c):
    login(c)
    c.server_text('<stream:error xmlns:stream="http://etherx.jabber.org/streams"><conflict '
                  'xmlns="urn:ietf:params:xml:ns:xmpp-streams"/><text xmlns="urn:ietf:params:xml:ns:xmpp-streams">'
                  'Replaced by new connection</text></stream:error>', CLOSE)
    c.client_text(CLOSE)


def s_stanza_error_pubsub(c):
    login(c)
    c.client_text('<iq xmlns="jabber:client" type="set" id="sub" to="pubsub.%s"><pubsub '
                  'xmlns="http://jabber.org/protocol/pubsub"><subscribe node="/finesse/api/User/administrator" '
                  'jid="someone.else@%s"/></pubsub></iq>' % (D, D))
    c.server_text('<iq xmlns="jabber:client" type="error" id="sub" from="pubsub.%s"><error type="modify">'
                  '<bad-request xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/><invalid-jid '
                  'xmlns="http://jabber.org/protocol/pubsub#errors"/></error></iq>' % D)
    bye(c)


def s_malformed(c):
    login(c)
    c.client_text("hello")                                      # no element at all
    c.client_text('<presence xmlns="jabber:client"/>trailing')  # text outside the element
    c.client(c.frame("text", b'<presence xmlns="jabber:client" id="\xc3("/>'))  # invalid UTF-8
    c.client(c.frame("text", "<presence/>".encode("utf-16")))                  # UTF-16 with a BOM
    bye(c)


def s_sasl_bad_encoding(c):
    c.client_text(C_OPEN)
    c.server_text(S_OPEN, FEATURES_PLAIN)
    c.client_text('<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">%%%notbase64</auth>')
    c.server_text('<failure xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><incorrect-encoding/></failure>')
    c.client_text('<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">%s</auth>'
                  % base64.b64encode(b"administrator:1234").decode())
    c.server_text('<failure xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><malformed-request/></failure>')
    bye(c)


def s_binary_frame(c):
    login(c)
    c.client({"opcode": "binary", "data": '<presence xmlns="jabber:client"/>'})
    c.server({"opcode": "binary", "data": '<presence xmlns="jabber:client" from="administrator@%s/desktop"/>' % D})
    bye(c)


def s_finesse_presence(c):
    login(c)
    c.server_text('<presence xmlns="jabber:client" from="finesse@%s/uccxpub" to="administrator@%s/desktop" '
                  'type="unavailable"/>' % (D, D))
    c.client_text('<presence xmlns="jabber:client" type="unavailable"/>')
    bye(c)


def s_unknown_and_priority(c):
    login(c)
    c.client_text('<foo xmlns="urn:example:foo"/>')
    c.client_text('<presence xmlns="jabber:client"><priority>500</priority></presence>')
    bye(c)


SCENARIOS = [
    s_framing_namespace, s_legacy_framing, s_multiple_elements, s_partial_element, s_undeclared_prefix,
    s_xml_declaration, s_whitespace, s_client_open_attributes, s_version, s_second_open, s_data_after_close,
    s_close_unanswered, s_dropped_without_close, s_starttls_offered, s_no_subprotocol,
    s_sasl_unoffered_and_failure, s_stanza_before_auth, s_close_after_success, s_bind_before_auth,
    s_stanza_before_bind, s_iq_flow, s_stream_error_conflict, s_stanza_error_pubsub, s_malformed,
    s_sasl_bad_encoding, s_finesse_presence, s_unknown_and_priority, s_binary_frame,
]


def build():
    packets = []
    for i, scenario in enumerate(SCENARIOS):
        c = Conversation(client_port=52000 + i, start_time=1795256100.0 + 10 * i)
        if scenario is not s_no_subprotocol:
            c.upgrade(path="/ws/", host="%s:8445" % D, protocol="xmpp")
        scenario(c)
        if scenario not in (s_close_unanswered, s_dropped_without_close):
            c.fin("s")
            c.fin("c")
        packets += c.packets
    packets.sort(key=lambda p: p[0])
    return pcapng_bytes(packets, "SYNTHETIC anomalies written by finesse-xmpp captures/anomalies-synthetic.py")


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "anomalies-synthetic.pcapng")
    with open(out, "wb") as f:
        f.write(build())
    print("wrote %s (%d scenarios)" % (out, len(SCENARIOS)))
