#!/usr/bin/env python3
"""Write cisco-doc-login.pcapng: a SYNTHETIC capture of the Finesse desktop
login against Openfire that Cisco's troubleshooting document walks through
(shared/reference/protocol.md section 1), with the XML of that section byte
for byte where the document gives it, plain ws:// on 127.0.0.1:8445 path /ws/.

Openfire style: double-quoted attributes, xmlns="jabber:client" on server
stanzas. The client stanzas are written exactly as the document shows them
(no xmlns="jabber:client" on <iq>/<presence>).

Port 8445 is not an HTTP port in Wireshark's preferences; the upgrade is found
by the (enabled by default) HTTP-over-TCP heuristic, then the WebSocket
dissector follows the 101 response. `-d tcp.port==8445,http` forces it.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synth import Conversation  # noqa: E402

DOMAIN = "uccxpub.prabhat.com"
FULL_JID = "administrator@%s/desktop" % DOMAIN
BARE_JID = "administrator@%s" % DOMAIN
STREAM_ID = "abc123def4"
SUBID_USER = "Jb1t8oXEe1D7Z9mGRPx2pN8uSW2ml1X3Wm6mQ0Hy"
SUBID_TEAM = "Qm4xK7rT2vN9bW1cY6zL3pH8sD5fG0jA4eU7iO2k"

C_OPEN = '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="%s" version="1.0"/>' % DOMAIN
S_OPEN = (
    '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" from="%s" id="%s" xml:lang="en" version="1.0"/>'
    % (DOMAIN, STREAM_ID)
)
OPENFIRE_CAPS = (
    '<c xmlns="http://jabber.org/protocol/caps" hash="sha-1" '
    'node="https://www.igniterealtime.org/projects/openfire/" ver="k3mOuil8afx3OTZxYy6yxLmFsok="/>'
)
S_FEATURES_SASL = (
    '<stream:features xmlns:stream="http://etherx.jabber.org/streams">'
    '<mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms>'
    + OPENFIRE_CAPS
    + "</stream:features>"
)
C_AUTH = (
    '<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">'
    "YWRtaW5pc3RyYXRvckB1Y2N4cHViLnByYWJoYXQuY29tAGFkbWluaXN0cmF0b3IAMTIzNA==</auth>"
)
S_SUCCESS = '<success xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/>'
S_FEATURES_BIND = (
    '<stream:features xmlns:stream="http://etherx.jabber.org/streams">'
    + OPENFIRE_CAPS
    + '<bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/>'
    '<session xmlns="urn:ietf:params:xml:ns:xmpp-session"><optional/></session>'
    "</stream:features>"
)
C_BIND = (
    '<iq type="set" id="_bind_auth_2"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind">'
    "<resource>desktop</resource></bind></iq>"
)
S_BIND = (
    '<iq type="result" id="_bind_auth_2" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind">'
    "<jid>%s</jid></bind></iq>" % FULL_JID
)
C_SESSION = '<iq type="set" id="_session_auth_2"><session xmlns="urn:ietf:params:xml:ns:xmpp-session"/></iq>'
S_SESSION = '<iq type="result" id="_session_auth_2" to="%s" xmlns="jabber:client"/>' % FULL_JID
C_PRESENCE = "<presence/>"


def server_presence(resource):
    # The Finesse server's own account (Smack), once per Finesse node.
    return (
        '<presence from="finesse@%s/%s" to="%s" xmlns="jabber:client">'
        '<c xmlns="http://jabber.org/protocol/caps" hash="sha-1" '
        'node="http://www.igniterealtime.org/projects/smack" ver="NfJ3flI83zSdUDzCEICtbypursw="/>'
        "</presence>" % (DOMAIN, resource, FULL_JID)
    )


def subscribe(node, iq_id):
    return (
        '<iq type="set" to="pubsub.%s" id="%s"><pubsub xmlns="http://jabber.org/protocol/pubsub">'
        '<subscribe node="%s" jid="%s"/></pubsub></iq>' % (DOMAIN, iq_id, node, BARE_JID)
    )


def subscribed(node, iq_id, subid):
    return (
        '<iq type="result" id="%s" from="pubsub.%s" to="%s" xmlns="jabber:client">'
        '<pubsub xmlns="http://jabber.org/protocol/pubsub">'
        '<subscription node="%s" jid="%s" subid="%s" subscription="subscribed"/>'
        "</pubsub></iq>" % (iq_id, DOMAIN, FULL_JID, node, BARE_JID, subid)
    )


CLOSE = '<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>'
USER_NODE = "/finesse/api/User/administrator"
TEAM_NODE = "/finesse/api/Team/1/Users"


def build():
    c = Conversation(client_port=51234, server_port=8445)
    c.upgrade(
        path="/ws/",
        host="%s:8445" % DOMAIN,
        protocol="xmpp",
        key="x3JJHMbDL1EzLkh9GBhXDw==",
        client_headers={
            "Origin": "https://%s:8445" % DOMAIN,
            "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36",
        },
    )
    c.client_text(C_OPEN)
    c.server_text(S_OPEN)
    c.server_text(S_FEATURES_SASL)
    c.client_text(C_AUTH)
    c.server_text(S_SUCCESS)
    c.client_text(C_OPEN)  # stream restart
    c.server_text(S_OPEN)
    c.server_text(S_FEATURES_BIND)
    c.client_text(C_BIND)
    c.server_text(S_BIND)
    c.client_text(C_SESSION)
    c.server_text(S_SESSION)
    c.client_text(C_PRESENCE)
    c.server_text(server_presence("uccxpub"))
    c.server_text(server_presence("uccxsub"))
    c.client_text(subscribe(USER_NODE, "3:sendIQ"))
    c.server_text(subscribed(USER_NODE, "3:sendIQ", SUBID_USER))
    c.client_text(subscribe(TEAM_NODE, "4:sendIQ"))
    c.server_text(subscribed(TEAM_NODE, "4:sendIQ", SUBID_TEAM))
    c.client_text(CLOSE)
    c.server_text(CLOSE)
    c.server_close(1000)
    c.client_close(1000)
    c.fin("s")
    c.fin("c")
    return c


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "cisco-doc-login.pcapng")
    build().write(out)
    print("wrote %s" % out)
