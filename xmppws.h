/* xmppws.h
 * The public face of the XMPP dissector core (xmppws) for dissectors that
 * build on it: namespaces, the direction of a unit, and the two heuristic
 * lists through which xmppws offers what it does not interpret itself.
 * Cisco Finesse (packet-finesse.c) uses nothing of xmppws but this header
 * and the element-tree helpers (xmppws-xml.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_H
#define XMPPWS_H

#include <epan/packet.h>

/* ---- Namespaces (RFC 7395, RFC 6120, XEPs) ------------------------------- */
#define XMPPWS_NS_FRAMING        "urn:ietf:params:xml:ns:xmpp-framing"   /* RFC 7395 3.3.2 */
#define XMPPWS_NS_STREAMS        "http://etherx.jabber.org/streams"      /* RFC 6120 4.8.1 */
#define XMPPWS_NS_STREAM_ERRORS  "urn:ietf:params:xml:ns:xmpp-streams"   /* RFC 6120 4.9.3 */
#define XMPPWS_NS_TLS            "urn:ietf:params:xml:ns:xmpp-tls"       /* RFC 6120 5 */
#define XMPPWS_NS_SASL           "urn:ietf:params:xml:ns:xmpp-sasl"      /* RFC 6120 6 */
#define XMPPWS_NS_BIND           "urn:ietf:params:xml:ns:xmpp-bind"      /* RFC 6120 7 */
#define XMPPWS_NS_SESSION        "urn:ietf:params:xml:ns:xmpp-session"   /* RFC 3921 3 */
#define XMPPWS_NS_STANZAS        "urn:ietf:params:xml:ns:xmpp-stanzas"   /* RFC 6120 8.3.3 */
#define XMPPWS_NS_CLIENT         "jabber:client"                         /* RFC 6120 4.8.3 */
#define XMPPWS_NS_SERVER         "jabber:server"
#define XMPPWS_NS_CAPS           "http://jabber.org/protocol/caps"       /* XEP-0115 */
#define XMPPWS_NS_PUBSUB         "http://jabber.org/protocol/pubsub"     /* XEP-0060 */
#define XMPPWS_NS_PUBSUB_EVENT   "http://jabber.org/protocol/pubsub#event"
#define XMPPWS_NS_PUBSUB_OWNER   "http://jabber.org/protocol/pubsub#owner"
#define XMPPWS_NS_PUBSUB_ERRORS  "http://jabber.org/protocol/pubsub#errors"
#define XMPPWS_NS_PING           "urn:xmpp:ping"                         /* XEP-0199 */
#define XMPPWS_NS_SM3            "urn:xmpp:sm:3"                         /* XEP-0198 */
#define XMPPWS_NS_ROSTERVER      "urn:xmpp:features:rosterver"           /* RFC 6121 2.6 */
#define XMPPWS_NS_REGISTER       "http://jabber.org/features/iq-register" /* XEP-0077 */
#define XMPPWS_NS_CSI            "urn:xmpp:csi:0"                        /* XEP-0352 */

/* Direction of one unit (a WebSocket message) on its stream. */
typedef enum {
    XMPPWS_DIR_UNKNOWN = 0,
    XMPPWS_DIR_C2S     = 1,   /* client (agent desktop) to server */
    XMPPWS_DIR_S2C     = 2    /* server to client */
} xmppws_dir_t;

/* The plugin's one way into wmem_file_scope() for allocations (both
 * protocols): throws a dissector bug (an assertion) when called on a later
 * pass, so that state is built on the first pass only and re-dissection
 * (GUI, re-filter, tshark -2) never grows the file's memory. Reads of
 * file-scope proto data use wmem_file_scope() directly. */
wmem_allocator_t *xmppws_file_scope(const packet_info *pinfo);

/* ---- Heuristic list "xmppws.pubsub" -------------------------------------
 * Dissectors of pubsub item payloads (XEP-0060 7.1.2 publish, 8.x events:
 * the children of <item/>) register here with
 * heur_dissector_add(XMPPWS_PUBSUB_LIST, ...). Each is called with the
 * payload element's content as sent (text, escaped or literal XML; the tvb
 * may hold no element) and an xmppws_pubsub_payload_t as `data`; one that
 * takes the payload returns TRUE and may append a one-line summary for the
 * Info column. All strings live in pinfo->pool. */
#define XMPPWS_PUBSUB_LIST "xmppws.pubsub"

typedef struct xmppws_pubsub_payload {
    const char    *node;         /* pubsub node of the event or publish, or NULL */
    const char    *item_id;      /* item id, or NULL */
    const char    *payload_ns;   /* namespace of the payload element ("" if none) */
    const char    *payload_name; /* its local name, as sent */
    xmppws_dir_t   direction;
    guint32        stream;       /* the XMPP stream's index (xmppws_stream_t.index) */
    wmem_strbuf_t *summary;      /* a payload dissector appends its summary here */
} xmppws_pubsub_payload_t;

/* ---- Heuristic list "xmppws.presence" -----------------------------------
 * Dissectors that know what a presence means in their deployment (RFC 6121
 * 4) register here. Each is called, for every <presence/> stanza, with the
 * stanza's bytes and an xmppws_presence_t as `data`; it may add items or
 * expert infos under `tree` (the presence's subtree) and returns TRUE when
 * it recognised the presence (the others are then not asked). */
#define XMPPWS_PRESENCE_LIST "xmppws.presence"

typedef struct xmppws_presence {
    const char   *type;       /* the type attribute, NULL for available (RFC 6121 4.7.1) */
    const char   *from;       /* the from attribute, or NULL */
    const char   *to;         /* the to attribute, or NULL */
    const char   *show;       /* <show/>, or NULL */
    xmppws_dir_t  direction;
    guint32       stream;     /* the XMPP stream's index */
    proto_item   *item;       /* the presence's item, for expert infos */
} xmppws_presence_t;

/* ---- Heuristic list "xmppws.http" ---------------------------------------
 * Dissectors of XML-bearing HTTP messages next to XMPP (a Finesse server's
 * REST API shares port 8445 with the desktop's XMPP) register here. The
 * plugin takes HTTP's text/xml and application/xml bodies (XMPP over BOSH
 * is its own); every other such body is offered to this list, with the
 * body as tvb and an xmppws_http_message_t as `data`, before it goes to
 * the XML dissector. HTTP messages without such a body (a 202 with an
 * empty body, a GET) are offered too, after the frame is dissected, with
 * an empty tvb and has_body FALSE. A dissector takes the message by
 * returning TRUE. All strings live in pinfo->pool. What HTTP says is read
 * from its public fields (http.request.method, .uri, .line,
 * http.response.code, .response_for.uri, http.request_in). */
#define XMPPWS_HTTP_LIST "xmppws.http"

typedef struct xmppws_http_message {
    gboolean     request;     /* TRUE: a request; FALSE: a response */
    gboolean     has_body;    /* FALSE: no XML body (tvb empty; called after the frame's dissection) */
    const char  *method;      /* request method, or NULL */
    const char  *uri;         /* request URI; for a response the URI of the request it answers on 4.0
                               * (http.response_for.uri; 4.4 and later have no such field: NULL,
                               * use request_in); or NULL */
    guint32      status;      /* response status code; 0 for a request */
    guint32      request_in;  /* response: the frame of its request (HTTP's pairing); 0 if unknown */
    const char  *request_id;  /* value of the message's "requestId" header (Cisco Finesse), or NULL */
} xmppws_http_message_t;

#endif /* XMPPWS_H */
