/* xmppws-core.h
 * The XMPP core (xmppws-core.c): one entry that takes one XML unit (a
 * WebSocket message today; a BOSH body's children or a HAR record next)
 * with the stream it belongs to and its direction, and does the rest for
 * every transport: element tree, dispatch to the element handlers, tracking,
 * the Info column, the "xmppws" tap. Transports (xmppws-websocket.c,
 * xmppws-tcp.c) find the stream and the direction; handlers
 * (xmppws-stream.c, -sasl.c, -stanza.c, -pubsub.c) register their elements
 * with xmppws_dispatch_add(). Nothing here knows a transport or a handler.
 *
 * Memory: streams and records live in wmem_file_scope() and are written on
 * the first pass only; everything else in pinfo->pool.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_CORE_H
#define XMPPWS_CORE_H

#include <epan/packet.h>
#include <epan/expert.h>

#include "xmppws-compat.h"
#include "xmppws.h"
#include "xmppws-xml.h"

/* The protocol id of xmppws (proto_data keys under it are the core's). */
extern int proto_xmppws;

/* What a top-level element is, for the Info column, taps and tracking. */
typedef enum {
    XMPPWS_KIND_OTHER = 0,
    XMPPWS_KIND_OPEN,
    XMPPWS_KIND_CLOSE,
    XMPPWS_KIND_LEGACY_STREAM,    /* <stream:stream>, pre-RFC 7395 drafts */
    XMPPWS_KIND_FEATURES,
    XMPPWS_KIND_STREAM_ERROR,
    XMPPWS_KIND_STARTTLS,
    XMPPWS_KIND_SASL_AUTH,
    XMPPWS_KIND_SASL_CHALLENGE,
    XMPPWS_KIND_SASL_RESPONSE,
    XMPPWS_KIND_SASL_SUCCESS,
    XMPPWS_KIND_SASL_FAILURE,
    XMPPWS_KIND_SASL_ABORT,
    XMPPWS_KIND_IQ,
    XMPPWS_KIND_MESSAGE,
    XMPPWS_KIND_PRESENCE,
    XMPPWS_KIND_SM,               /* XEP-0198 enable/enabled/r/a/resume */
    XMPPWS_KIND_BOSH_BODY,        /* XEP-0124 <body/> that neither opens, restarts nor ends the stream */
    XMPPWS_KIND_COUNT
} xmppws_kind_t;

/* Handshake stage of an element (xmppws.stage). */
typedef enum {
    XMPPWS_STAGE_NONE = 0,
    XMPPWS_STAGE_STREAM_OPEN,   /* first <open/>s and features (RFC 7395 3.4) */
    XMPPWS_STAGE_SASL,          /* auth .. success/failure (RFC 6120 6.4) */
    XMPPWS_STAGE_RESTART,       /* <open/>s and features after SASL (RFC 7395 3.7) */
    XMPPWS_STAGE_BIND,          /* resource binding (RFC 6120 7) */
    XMPPWS_STAGE_SESSION,       /* session establishment (RFC 3921 3) */
    XMPPWS_STAGE_ESTABLISHED,   /* after the bind result */
    XMPPWS_STAGE_CLOSING,       /* first <close/> (RFC 7395 3.6) */
    XMPPWS_STAGE_CLOSED,        /* the answering <close/> and after */
    XMPPWS_STAGE_UNKNOWN        /* the stream's start is not in the capture */
} xmppws_stage_t;

/* Name of a stage as shown in xmppws.stage ("stream-open", "sasl", ...). */
const char *xmppws_stage_name(xmppws_stage_t stage);

/* A request (iq get/set, SASL <auth/>, <close/>), file scope. */
typedef struct xmppws_req {
    guint32        frame;        /* frame of the request */
    nstime_t       time;         /* absolute time of the request */
    guint32        resp_frame;   /* frame of the first response, 0 if none */
    nstime_t       resp_delta;   /* response time */
    xmppws_stage_t stage;
    const char    *what;         /* "bind", "session", "pubsub", "auth PLAIN", "close", ... */
    const char    *detail;       /* a pubsub request's action (XEP-0060: "subscribe", "publish",
                                  * "items", ...), else NULL */
} xmppws_req_t;

/* The login summary shown on the bind result and the first presence. */
typedef struct xmppws_login {
    const char *jid;
    const char *mechanism;
    nstime_t    time_to_bind;
    nstime_t    time_to_presence;
    gboolean    has_presence_time;
    guint32     restarts;
} xmppws_login_t;

/* What the first pass decided about one top-level element, file scope
 * (or the shared read-only default of xmppws-tracking.c). */
typedef struct xmppws_elrec {
    xmppws_stage_t  stage;
    xmppws_req_t   *request;     /* this element is a request */
    xmppws_req_t   *answers;     /* this element answers that request */
    xmppws_login_t *login;       /* login summary to show here, or NULL */
    guint32         flags;       /* anomalies (xmppws-tracking.c F_*) */
    guint           iq_children;
    gboolean        iq_request;
    nstime_t        silence;     /* F_LONG_SILENCE: time since the stream's previous element */
    guint32         silence_from;/* ... that element's frame */
} xmppws_elrec_t;

/* One XMPP stream: what the core knows across its units. The transport owns
 * the identity (the WebSocket's TCP conversation; a BOSH sid) and creates
 * the stream with xmppws_stream_new() on the first pass. */
typedef struct xmppws_stream {
    guint32      index;              /* the transport's stable id, shown in taps and statistics */
    guint32      number;             /* the core's number of the stream, 0, 1, ... in the order the first
                                      * pass met them: xmppws.stream, Follow, Conversations */
    const char  *transport;          /* "ws", "wss", "BOSH" or "BOSH/TLS" (static) */
    gboolean     direction_known;
    guint16      server_port;        /* valid when direction_known */
    address      server_addr;
    guint16      client_port;        /* valid when direction_known (BOSH: the first connection's) */
    address      client_addr;
    const char  *bound_jid;          /* the full JID the server bound (RFC 6120 7.6.1), set by the
                                      * tracking on the first pass; NULL before or without a bind */
    guint32      end_frame;          /* the transport saw the stream's carrier end there (TCP FIN or
                                      * RST, WebSocket Close); 0: not in the capture */
    gboolean     closed;             /* a <close/> was seen (RFC 7395 3.6; the tracking's) */
    gboolean     close_is_final;     /* a close needs no answer from the peer (XEP-0124 13: a terminate
                                      * ends the session at once); FALSE: RFC 7395 3.6 */
    const char  *label;              /* how statistics name the stream when it is not one TCP
                                      * connection ("BOSH session 0, sid ..."); NULL: by index */
    struct xmppws_track_stream *track; /* xmppws-tracking.c */
    struct xmppws_health *health;    /* xmppws-health.c: fed on the first pass, NULL before the first message */
} xmppws_stream_t;

/* A new stream (file scope) with the transport's id and its name
 * (`transport`: "ws", "wss", "BOSH", "BOSH/TLS"; static). First pass only. */
xmppws_stream_t *xmppws_stream_new(packet_info *pinfo, guint32 index, const char *transport);

/* Streams the first pass has met so far in this file (the next number). */
guint32 xmppws_stream_count(void);

/* How Conversations, Endpoints and xmppws.stream.endpoint name the two ends
 * of a stream (strings in `scope`):
 *   client: the bound full JID on a later pass (when the whole capture has
 *           been read, so the name is the same for every message of the
 *           stream), else the client's address ("192.0.2.1:50000"; a BOSH
 *           session's, which spans connections: "192.0.2.1");
 *   server: the transport and the server's address ("wss 192.0.2.5:8445").
 * "?" (a static string) stands for an address not known (no message said
 * which side is the server). */
const char *xmppws_stream_client_name(wmem_allocator_t *scope, const xmppws_stream_t *stream, gboolean final);
const char *xmppws_stream_server_name(wmem_allocator_t *scope, const xmppws_stream_t *stream);

/* Record that the packet's source is (or is not) the stream's server, e.g.
 * from WebSocket masking (RFC 6455 5.3: clients mask). No-op once known. */
void xmppws_stream_set_server(xmppws_stream_t *stream, packet_info *pinfo, gboolean src_is_server);

/* Direction of the packet on the stream (XMPPWS_DIR_UNKNOWN until the
 * server is known). */
xmppws_dir_t xmppws_stream_direction(const xmppws_stream_t *stream, const packet_info *pinfo);

/* TRUE when the unit starts like an XMPP top-level element (RFC 6120 4.8,
 * RFC 7395 3.3.3) and an XMPP namespace appears in its first `len` bytes:
 * the one marker list every transport heuristic uses. Cheap and strict. */
gboolean xmppws_looks_like_xmpp(const guint8 *p, guint len);

/* TRUE when the unit starts with '<' and the name of an XMPP top-level
 * element (the first half of xmppws_looks_like_xmpp(); alone, for text
 * that cannot hold more, such as the start of a compressed message whose
 * history is missing). */
gboolean xmppws_starts_like_xmpp(const guint8 *p, guint len);

/* How many bytes of a unit xmppws_looks_like_xmpp() wants to see. */
#define XMPPWS_SNIFF_LEN 512

/* TRUE when the frame's XMPP came through TLS (wss://): the frame has
 * TLS's "Decrypted TLS" data source, or it was written from a HAR's wss://
 * entry by xmppws-har2pcapng (its packet comment says so). */
gboolean xmppws_over_tls(packet_info *pinfo);

/* What a wrapper element does to its stream (XEP-0206): a BOSH <body/>. */
typedef enum {
    XMPPWS_WRAP_PLAIN = 0,   /* carries stanzas, or nothing (an empty poll) */
    XMPPWS_WRAP_OPEN,        /* session creation request or response: the stream's open (XEP-0206 3) */
    XMPPWS_WRAP_RESTART,     /* xmpp:restart='true': the stream restart after SASL (XEP-0206 5) */
    XMPPWS_WRAP_TERMINATE,   /* type='terminate': the stream's close, after its children (XEP-0124 13) */
    XMPPWS_WRAP_UNTRACKED    /* shown, but changes nothing (a second terminate of one side) */
} xmppws_wrap_role_t;

/* What the transport's wrapper callback tells the core about one wrapper
 * element. */
typedef struct xmppws_wrap {
    xmppws_stream_t    *stream;   /* the stream the wrapper belongs to; NULL: dissect no further */
    xmppws_wrap_role_t  role;
    proto_tree         *tree;     /* the wrapper's subtree: the role's stage and links go there */
    wmem_strbuf_t      *info;     /* the wrapper's summary (pinfo->pool), leads the unit's Info */
    const xmppws_req_t *request;  /* the wrapper is this transport-level request (a BOSH request) */
    const xmppws_req_t *answers;  /* ... or answers it (for the tap: hold times) */
} xmppws_wrap_t;

struct xmppws_ctx;

/* A transport's wrapper callback: `el` is the unit's root element (the
 * first element; NULL when the unit has none). Adds the wrapper's items
 * under ctx->msg_tree and fills *out. ctx->direction is the unit's. */
typedef void (*xmppws_wrapper_fn)(struct xmppws_ctx *ctx, xml_frame_t *el, xmppws_wrap_t *out);

/* One unit, as the transport hands it to the core. */
typedef struct xmppws_unit {
    xmppws_stream_t *stream;     /* required, unless `wrapper` finds it */
    xmppws_dir_t     direction;  /* from the transport, or UNKNOWN: then from the stream's server,
                                  * else implied by the first element (RFC 7395 3.4, RFC 6120);
                                  * required with `wrapper` */
    xmppws_wrapper_fn wrapper;   /* NULL: the unit is one top-level element (RFC 7395 3.3.3); else
                                  * the unit is one wrapper element whose children are the
                                  * top-level elements (XEP-0206 <body/>), and this callback
                                  * dissects the wrapper and names the stream */
    void            *transport;  /* the transport's data for `wrapper` */
} xmppws_unit_t;

/* Dissect one XML unit `tvb` (RFC 7395 3.3.3: one top-level element; more,
 * none, or partial ones are flagged; with unit->wrapper, one XEP-0206
 * <body/> whose children are the top-level elements): adds the xmppws item under `tree`,
 * sets the Protocol column and replaces the Info column by the summaries
 * of all units of this frame so far (separated by " | "), queues the tap.
 * Returns the bytes consumed (all). */
int xmppws_dissect_unit(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const xmppws_unit_t *unit);

/* What the "xmppws" tap gets for each top-level element (pinfo->pool).
 * Strings are NULL when the element has none. */
typedef struct xmppws_tap_info {
    guint32              stream;        /* the stream's index */
    const xmppws_stream_t *stream_ref;  /* the stream itself (file scope: a stable key) */
    xmppws_dir_t         direction;
    xmppws_kind_t        kind;
    xmppws_stage_t       stage;
    const char          *summary;       /* the element's Info text */
    const char          *iq_type;       /* get, set, result, error */
    const char          *payload_ns;    /* namespace of the iq's payload */
    const char          *sasl_mechanism;/* <auth mechanism=...> */
    const char          *sasl_failure;  /* <failure> condition */
    const char          *pubsub_action; /* first pubsub action, or event kind */
    const char          *pubsub_node;
    const char          *stream_error;  /* stream error condition */
    const char          *stanza_error;  /* stanza error condition */
    const xmppws_req_t  *answers;       /* the request this element answers */
    const xmppws_req_t  *request;       /* this element is that request */
    guint32              unit_bytes;    /* on the first record of each unit (a WebSocket message, a
                                         * BOSH body) that has one: the unit's length in bytes; 0 on
                                         * the others (Conversations count messages with it) */
    gboolean             later_pass;    /* dissected on a later pass (the whole capture has been read:
                                         * xmppws_stream_client_name()'s `final`); a tap listener
                                         * cannot tell, epan marks every frame visited before taps run */
    guint                end_how;       /* not an element: the stream's carrier ends here (1 TCP FIN,
                                         * 2 TCP RST, 3 WebSocket Close); 0 for elements */
    gboolean             end_from_server; /* ... sent by the server */
    guint                end_code;      /* ... a WebSocket Close's status code (RFC 6455 7.4), 0 if none */
    const char          *payload_summary; /* what a payload dissector made of the element (Finesse:
                                         * "Finesse PUT User 1001 LOGOUT (reason 255 ...)"), or NULL */
} xmppws_tap_info_t;

/* Everything an element handler needs for one top-level element. */
typedef struct xmppws_ctx {
    xmppws_doc_t     doc;        /* must stay first: handlers pass &ctx->doc */
    proto_tree      *msg_tree;   /* subtree of this unit */
    proto_item      *msg_item;
    xmppws_stream_t *stream;
    const xmppws_unit_t *unit;
    xmppws_dir_t     direction;
    xmppws_kind_t    kind;       /* set by the dispatcher before the handler runs */
    wmem_strbuf_t   *info;       /* this element's one-line summary (pinfo->pool) */
    wmem_strbuf_t   *info_lead;  /* payload summaries, shown before the element's own ("; ") */
    guint32          msg_index;  /* this unit's index in the frame */
    guint32          el_index;   /* this element's index in the unit */
    const xmppws_elrec_t *rec;   /* tracking record (read-only: may be shared), NULL if none */
    xmppws_tap_info_t *tap;      /* filled by the handlers, queued after them */
    gboolean         unit_tapped;/* a record of this unit was queued (it carried unit_bytes) */
} xmppws_ctx_t;

/* An element handler: adds its element's item under `tree` (the unit's
 * subtree), highlighted on the element's bytes, and appends a summary to
 * ctx->info. Must not throw for any input the XML dissector accepted, and
 * must not write stream state (that is the tracking's, first pass only). */
typedef void (*xmppws_handler_fn)(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);

/* What the "xmppws_follow" tap gets for each unit (pinfo->pool): Follow
 * XMPP Stream (xmppws-follow.c) writes the unit's text from it. */
typedef struct xmppws_follow_unit {
    const xmppws_stream_t *stream;
    xmppws_dir_t           direction;
    tvbuff_t              *tvb;      /* the unit as dissected (UTF-8; invalid bytes replaced) */
    xml_frame_t           *root;     /* its element tree (XML_FRAME_ROOT), or NULL when not parsed */
} xmppws_follow_unit_t;

/* Name of the tap of whole units, for the follower. */
#define XMPPWS_FOLLOW_TAP "xmppws_follow"

/* Queue an "xmppws" tap record that says the stream's carrier ends in this
 * frame (`how`: 1 TCP FIN, 2 TCP RST, 3 WebSocket Close with status code
 * `code`, 0 when it has none; from the server or the client), and on the
 * first pass tell the stream's health: the statistics' and fields'
 * connection health. */
void xmppws_tap_stream_end(packet_info *pinfo, const xmppws_stream_t *stream, guint how, gboolean from_server,
                           guint code);

/* Register the handler of top-level element (ns, local) as `kind`; `dir`
 * is the direction the element implies (RFC 6120 4, 6; UNKNOWN when
 * either side sends it). Called by the handler modules at registration. */
void xmppws_dispatch_add(const char *ns, const char *local, xmppws_kind_t kind, xmppws_handler_fn fn,
                         xmppws_dir_t dir);

/* Register the core's fields, expert infos, tap and the preference
 * xmppws.show_xml_tree in `module`. `proto` is xmppws. */
void xmppws_register_core(int proto, module_t *module);

#endif /* XMPPWS_CORE_H */
