#!/usr/bin/env python3
"""Write hostile-synthetic.pcapng: SYNTHETIC hostile input for the
dissector (test/test_hostile.py checks each is dissected in bounded time
and memory and flagged, never a crash): deep nesting, a 10 MB attribute
(WebSocket hands subdissectors at most 256 KiB of it), thousands of
elements in one message, unterminated markup, invalid UTF-8, entity tricks.

    python3 captures/hostile-synthetic.py [out.pcapng]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synth import Conversation  # noqa: E402

D = "uccxpub.prabhat.com"
FRAMING = "urn:ietf:params:xml:ns:xmpp-framing"


def build():
    c = Conversation(client_port=53000)
    c.upgrade(path="/ws/", host="%s:8445" % D, protocol="xmpp")
    c.client_text('<open xmlns="%s" to="%s" version="1.0"/>' % (FRAMING, D))
    # 1. 50,000 nested elements, closed
    c.client_text('<iq xmlns="jabber:client" type="get" id="deep">' + "<a>" * 50000 + "</a>" * 50000 + "</iq>",
                  split=60000)
    # 2. 5,000 nested prefixed elements, never closed
    c.client_text('<iq xmlns="jabber:client" type="get" id="deep2">' + '<a xmlns:p="urn:x"><p:b>' * 5000,
                  split=60000)
    # 3. a 10 MB attribute value
    c.client_text('<presence xmlns="jabber:client" id="big" z="' + "q" * (10 * 1024 * 1024) + '"/>', split=60000)
    # 4. 20,000 elements in one message
    c.client_text('<presence xmlns="jabber:client"/>' * 20000, split=60000)
    # 5. unterminated markup of every kind
    c.client_text("<<<<>>>> </ / <? ?> <!-- <![CDATA[ <iq id='")
    # 6. invalid UTF-8 everywhere
    c.client(c.frame("text", b'<message xmlns="jabber:client" to="\xe2\x82"><body>\xc0\xaf\xed\xa0\x80\xff'
                             b'</body></message>'))
    # 7. entity tricks: unknown entities, huge and invalid character references, a DTD with entities
    c.client_text('<message xmlns="jabber:client"><body>&lt;&#x110000;&#0;&#xD800;&#99999999999999999999;'
                  '&bogus;&amp;amp;&#x41;&#65;&</body></message>')
    c.client_text('<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                  '<message xmlns="jabber:client"><body>&b;&b;&b;</body></message>')
    # 8. a SASL payload of 200 kB of base64 and a SCRAM message of commas
    c.client_text('<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">' + "QUFB" * 50000 + "</auth>",
                  split=60000)
    c.client_text('<response xmlns="urn:ietf:params:xml:ns:xmpp-sasl">' + "LCws" * 5000 + "</response>")
    # 9. an empty text frame and a one-byte one
    c.client(c.frame("text", b""))
    c.client(c.frame("text", b"<"))
    # 10. 140 WebSocket messages in one TCP segment, each a Finesse notification
    #     (every call_dissector adds a layer, and layers per frame are limited)
    note = ('<message xmlns="jabber:client" from="pubsub.%s"><event xmlns="http://jabber.org/protocol/pubsub#event">'
            '<items node="/finesse/api/User/a%%d"><item id="i%%d"><notification '
            'xmlns="http://jabber.org/protocol/pubsub">&lt;Update&gt;&lt;data&gt;&lt;user&gt;&lt;loginId&gt;a%%d'
            '&lt;/loginId&gt;&lt;state&gt;READY&lt;/state&gt;&lt;/user&gt;&lt;/data&gt;&lt;event&gt;PUT&lt;/event&gt;'
            '&lt;/Update&gt;</notification></item></items></event></message>' % D)
    c.server(*[note % (i, i, i) for i in range(140)])
    c.fin("c")
    c.fin("s")
    return c


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "hostile-synthetic.pcapng")
    build().write(out)
    print("wrote", out)
