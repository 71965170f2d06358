/* packet-finesse-xmpp.c
 * XMPP over WebSocket (RFC 7395), as Cisco Finesse desktops use it with
 * Openfire, and as any RFC 7395 client (Jitsi, Converse.js, ...) does.
 *
 * The entry of the xmppws protocol: it registers the protocol and hands
 * each module its part, in dependency order. The modules (one header each,
 * docs/design.md):
 *   xmppws-core.c       one XML unit of one stream: tree, dispatch, Info, tap
 *   xmppws-xml.c        the element tree and its helpers (-scan.c: scanner)
 *   xmppws-tracking.c   stage, request/response, login, history anomalies
 *   xmppws-health.c     how a stream lived and ended (report and fields)
 *   xmppws-stream.c     handlers: framing, features, stream errors, SM, caps
 *   xmppws-sasl.c       handlers: SASL, PLAIN, SCRAM, credentials tap
 *   xmppws-stanza.c     handlers: iq, message, presence, bind, errors
 *   xmppws-pubsub.c     XEP-0060 inside stanzas, the xmppws.pubsub list
 *   xmppws-websocket.c  transport: WebSocket's tables and heuristic list
 *   xmppws-tcp.c        transport: late starts (no upgrade), wss ports
 *   xmppws-http.c       HTTP XML bodies: BOSH, the xmppws.http list, else the XML dissector
 *   xmppws-bosh.c       transport: XMPP over BOSH in HTTP bodies (XEP-0124/0206)
 *   xmppws-stats.c      -z xmppws,tree, ladder, health, srt
 *   xmppws-follow.c     Follow XMPP Stream (-z follow,xmppws)
 *   xmppws-conv.c       Conversations and Endpoints (-z conv,xmppws)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/prefs.h>

#include "packet-finesse-xmpp.h"
#include "xmppws-core.h"
#include "xmppws-xml.h"
#include "xmppws-tracking.h"
#include "xmppws-health.h"
#include "xmppws-stream.h"
#include "xmppws-sasl.h"
#include "xmppws-stanza.h"
#include "xmppws-pubsub.h"
#include "xmppws-websocket.h"
#include "xmppws-tcp.h"
#include "xmppws-bosh.h"
#include "xmppws-http.h"
#include "xmppws-stats.h"
#include "xmppws-follow.h"
#include "xmppws-conv.h"

void
proto_register_xmppws(void)
{
    int proto = proto_register_protocol("XMPP over WebSocket", "XMPP/WS", "xmppws");
    module_t *module = prefs_register_protocol(proto, NULL);

    xmppws_register_core(proto, module);
    xmppws_register_xml(proto, module);
    xmppws_register_tracking(proto, module);
    xmppws_register_health(proto);
    xmppws_register_stream(proto);
    xmppws_register_sasl(proto);
    xmppws_register_stanza(proto);
    xmppws_register_pubsub(proto);
    xmppws_register_websocket(proto);
    xmppws_register_tcp(proto);
    xmppws_register_bosh(proto);
    xmppws_register_http(proto);
    xmppws_register_follow(proto);
    xmppws_register_conv(proto);
}

void
proto_reg_handoff_xmppws(void)
{
    xmppws_handoff_xml(proto_xmppws);
    xmppws_handoff_websocket();
    xmppws_handoff_tcp();
    xmppws_handoff_http();
    xmppws_handoff_stats();
}
