/* packet-finesse-xmpp.h
 * What the files of the XMPP-over-WebSocket (RFC 7395) dissector share:
 * namespaces, the per-message context handed to every element handler, the
 * per-connection state, and the helpers that walk the element tree built by
 * Wireshark's XML dissector (epan/dissectors/packet-xml.h).
 *
 * Memory: everything returned by the helpers lives in pinfo->pool (one
 * packet); connection and per-message records live in wmem_file_scope().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_FINESSE_XMPP_H
#define PACKET_FINESSE_XMPP_H

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/dissectors/packet-xml.h>

#include "xmppws-compat.h"

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

/* Direction of one message on the WebSocket connection. */
typedef enum {
    XMPPWS_DIR_UNKNOWN = 0,
    XMPPWS_DIR_C2S     = 1,   /* client (agent desktop) to server */
    XMPPWS_DIR_S2C     = 2    /* server to client */
} xmppws_dir_t;

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
    XMPPWS_STAGE_CLOSED         /* the answering <close/> and after */
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

/* What the first pass decided about one top-level element, file scope. */
typedef struct xmppws_elrec {
    xmppws_stage_t  stage;
    xmppws_req_t   *request;     /* this element is a request */
    xmppws_req_t   *answers;     /* this element answers that request */
    xmppws_login_t *login;       /* login summary to show here, or NULL */
    guint32         flags;       /* anomalies (xmppws-tracking.c F_*) */
    guint           iq_children;
    gboolean        iq_request;
} xmppws_elrec_t;

/* Per-connection state: conversation data of the WebSocket's TCP
 * conversation, file scope, written on the first pass only. */
typedef struct xmppws_conv {
    guint16      server_port;        /* 0 until the direction is known */
    address      server_addr;
    gboolean     direction_known;
    gboolean     is_xmpp;            /* accepted by a heuristic or a table */
    gboolean     upgrade_seen;       /* WebSocket found us through its ws.protocol or ws.port
                                      * table: a 101 response is in the capture (or, from 4.4
                                      * on, Decode As named the port) */
    gboolean     xmpp_subprotocol;   /* ... through ws.protocol "xmpp" (RFC 7395 3.1) */
    gboolean     via_transport;      /* handed to WebSocket by xmppws-transport.c */
    wmem_list_t *offered_mechanisms; /* const char*, from the last <mechanisms> */
    struct xmppws_track_conv *track; /* xmppws-tracking.c */
} xmppws_conv_t;

/* The protocol id of xmppws (proto_data keys are ours under it). */
extern int proto_xmppws;

/* Connection state of the packet's conversation, created on first use. */
xmppws_conv_t *xmppws_conv_get(packet_info *pinfo);

/* TRUE when the frame's XMPP came through TLS (wss://): the frame has
 * TLS's "Decrypted TLS" data source. */
gboolean xmppws_over_tls(packet_info *pinfo);

/* Direction of the packet on a connection whose server is known, else
 * XMPPWS_DIR_UNKNOWN. */
xmppws_dir_t xmppws_conv_direction(const xmppws_conv_t *conv, const packet_info *pinfo);

/* Record that the packet's source is (or is not) the server, e.g. from
 * WebSocket masking (RFC 6455 5.3: clients mask). No-op once known. */
void xmppws_conv_set_server(xmppws_conv_t *conv, packet_info *pinfo, gboolean src_is_server);

/* A parsed document: the tvb the XML dissector parsed and the packet. All
 * xml_frame_t offsets refer to this tvb. */
typedef struct xmppws_doc {
    tvbuff_t    *tvb;
    packet_info *pinfo;
} xmppws_doc_t;

/* What the "xmppws" tap gets for each top-level element (pinfo->pool).
 * Strings are NULL when the element has none. */
typedef struct xmppws_tap_info {
    guint32              conv_index;    /* the WebSocket connection (conversation index) */
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
} xmppws_tap_info_t;

/* Everything an element handler needs for one top-level element. */
typedef struct xmppws_ctx {
    xmppws_doc_t   doc;        /* must stay first: handlers pass &ctx->doc */
    proto_tree    *msg_tree;   /* subtree of this WebSocket message */
    proto_item    *msg_item;
    xmppws_conv_t *conv;
    xmppws_dir_t   direction;
    xmppws_kind_t  kind;       /* set by the dispatcher before the handler runs */
    wmem_strbuf_t *info;       /* this element's one-line summary (pinfo->pool) */
    wmem_strbuf_t *info_tail;  /* appended after the summary (Finesse payloads) */
    guint32        element_key;/* proto_data key of this element's record */
    const xmppws_elrec_t *rec; /* tracking record (read-only: may be shared), NULL if none */
    xmppws_tap_info_t *tap;    /* filled by the handlers, queued after them */
} xmppws_ctx_t;

/* An element handler: adds its element's item under `tree` (the message
 * subtree), highlighted on the element's bytes, and appends a summary to
 * ctx->info. Must not throw for any input the XML dissector accepted. */
typedef void (*xmppws_handler_fn)(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);

/* ---- Element-tree helpers (xmppws-xml.c) -------------------------------- */

/* Register / hand off the route to Wireshark's XML dissector (a string
 * dissector table "xmppws.xml" holding its handle). */
void xmppws_register_xml(int proto);
void xmppws_handoff_xml(int proto);

/* TRUE when Wireshark's XML dissector is enabled (Analyze > Enabled
 * Protocols): without it neither tree builder is used. */
gboolean xmppws_xml_enabled(void);

/* The element tree Wireshark's XML dissector builds for `tvb` (its root,
 * packet-xml.h; offsets refer to `tvb`, which must be valid UTF-8 so that
 * 4.4+ parse it as is), or NULL when XML is disabled or refused the bytes.
 * Its generic tree is added under `show` when not NULL. The XML dissector
 * is called without adding a layer to the frame and without touching the
 * Protocol column. May throw (bounds) like any dissector. */
xml_frame_t *xmppws_xml_dissector_tree(packet_info *pinfo, tvbuff_t *tvb, proto_tree *show);

/* Namespace URI of element `el`, resolved per XML Namespaces 1.0 by walking
 * the xmlns / xmlns:prefix declarations of `el` and its ancestors (the XML
 * dissector strips prefixes). Returns "" when the element has no prefix and
 * no default namespace is in scope, NULL when its prefix is undeclared.
 * Result in pinfo->pool. */
const char *xmppws_el_ns(const xmppws_doc_t *doc, xml_frame_t *el);

/* The element's prefix ("stream" for <stream:features>), or NULL. */
const char *xmppws_el_prefix(const xmppws_doc_t *doc, xml_frame_t *el);

/* TRUE when `el` is an element with local name `local` (case-sensitive) in
 * namespace `ns`. `ns` == NULL matches any namespace. For stanzas, callers
 * pass XMPPWS_NS_CLIENT; an element with no namespace in scope ("") matches it
 * too, as RFC 7395 peers such as Finesse send bare <presence/>. */
gboolean xmppws_el_is(const xmppws_doc_t *doc, xml_frame_t *el, const char *ns, const char *local);

/* First child element (not attribute, not text) of `el` matching (ns, local)
 * as in xmppws_el_is(); NULL for either means "any". NULL when none. */
xml_frame_t *xmppws_el_child(const xmppws_doc_t *doc, xml_frame_t *el, const char *ns, const char *local);

/* Next sibling element after `el` matching (ns, local); NULL when none. */
xml_frame_t *xmppws_el_next(const xmppws_doc_t *doc, xml_frame_t *el, const char *ns, const char *local);

/* Number of child elements of `el`. */
guint xmppws_el_child_count(xml_frame_t *el);

/* Unescaped value of attribute `name` (exact, case-sensitive name as written,
 * e.g. "xml:lang"), or NULL when absent. */
const char *xmppws_attr(const xmppws_doc_t *doc, xml_frame_t *el, const char *name);

/* Add FT_STRING field `hf` with the unescaped value of attribute `name`,
 * highlighted on the value's bytes. Returns the item (NULL when absent or no
 * tree); *value (may be NULL) receives the value or NULL. */
proto_item *xmppws_add_attr(const xmppws_doc_t *doc, proto_tree *tree, int hf, xml_frame_t *el,
                            const char *name, const char **value);

/* Unescaped character data of `el` (all its text chunks joined, surrounding
 * white space removed), or NULL when it has none. */
const char *xmppws_text(const xmppws_doc_t *doc, xml_frame_t *el);

/* Add FT_STRING field `hf` with xmppws_text(el), highlighted on the text's
 * bytes. Returns the item; *value (may be NULL) receives the text or NULL. */
proto_item *xmppws_add_text(const xmppws_doc_t *doc, proto_tree *tree, int hf, xml_frame_t *el,
                            const char **value);

/* Add field `hf` (FT_NONE or FT_PROTOCOL) spanning the whole element. */
proto_item *xmppws_add_el(const xmppws_doc_t *doc, proto_tree *tree, int hf, xml_frame_t *el);


/* XML 1.0 unescaping (section 4.6 predefined entities and 4.1 character
 * references) of `len` bytes at `s` into a NUL-terminated string in `scope`.
 * Unknown entities or invalid references are copied as written and make
 * *ok FALSE (ok may be NULL). Length of the result in *out_len if not NULL. */
char *xmppws_xml_unescape(wmem_allocator_t *scope, const char *s, gsize len, gsize *out_len, gboolean *ok);

/* `s` cut to `max_chars` characters (UTF-8) with an ellipsis appended when
 * longer (the copy in `scope`); `s` itself when it fits. */
const char *xmppws_cut(wmem_allocator_t *scope, const char *s, glong max_chars);

/* Append " key=value" to a summary (value truncated to 80 characters so the
 * Info column stays one line). Nothing when value is NULL. */
void xmppws_info_kv(wmem_strbuf_t *info, const char *key, const char *value);

/* ---- Byte-level XML scans (xmppws-xml-scan.c) --------------------------- */

/* Deepest element nesting the scans follow (a fixed stack). */
#define XMPPWS_XML_MAX_DEPTH 64

/* Result of xmppws_xml_check_well_formed(). */
typedef struct {
    int         offset;    /* first offending byte, -1 when well-formed */
    const char *what;      /* what is wrong there, a static string */
    gboolean    too_deep;  /* nesting beyond XMPPWS_XML_MAX_DEPTH */
} xmppws_wf_t;

/* Offset of the first occurrence of NUL-terminated `s` in buf[from, len),
 * or -1. */
int xmppws_xml_find_str(const guint8 *buf, int from, int len, const char *s);

/* Check that buf[0, len) is one well-formed XML 1.0 document (2.1, 2.4,
 * 3.1, 4.1): UTF-8, one root element, matching tags, quoted attribute values,
 * valid references (only the 4.6 predefined entities), no text outside the
 * root. Linear in len, no allocation; nesting beyond XMPPWS_XML_MAX_DEPTH
 * sets too_deep and stops. Not checked: duplicate attributes, "]]>" in text,
 * the contents of a DOCTYPE. */
void xmppws_xml_check_well_formed(const guint8 *buf, int len, xmppws_wf_t *r);

/* The element tree of `tvb`, which xmppws_xml_check_well_formed() accepted,
 * exactly as Wireshark's XML dissector (packet-xml.c) leaves it in its proto
 * data when called without a tree, built in one pass; frames in pinfo->pool.
 * NULL wherever the two could differ (see the function): the caller then
 * runs the XML dissector. */
xml_frame_t *xmppws_xml_build_tree(packet_info *pinfo, tvbuff_t *tvb);

/* The element tree of a whole WebSocket message when it is one well-formed
 * element, as RFC 7395 3.3.3 asks; NULL otherwise (batches, declarations,
 * malformed or hostile input), and the caller runs the XML dissector. */
xml_frame_t *xmppws_xml_fast_tree(packet_info *pinfo, tvbuff_t *tvb);

/* Preference xmppws.fast_xml (default TRUE): use the scans above to build
 * element trees; FALSE sends every message and payload to the XML
 * dissector (the same result, slower; the tests compare the two). */
extern xmppws_pref_bool_t xmppws_pref_fast_xml;

/* ---- Transport (xmppws-transport.c): finding XMPP over WebSocket when the
 * HTTP upgrade is not in the capture. `module` is xmppws's preferences. */
void xmppws_register_transport(int proto, module_t *module);
void xmppws_handoff_transport(void);

/* ---- Tracking (xmppws-tracking.c) ---------------------------------------- */
void xmppws_register_tracking(int proto);
/* Find (later passes) or build (first pass) the record of the element in
 * ctx->element_key; sets ctx->rec. ctx->kind and ctx->direction must be set. */
void xmppws_track_element(xmppws_ctx_t *ctx, xml_frame_t *el);
/* Add the generated stage, response links, login summary and the expert
 * infos that need history, for element `el`. */
void xmppws_track_show(xmppws_ctx_t *ctx, xml_frame_t *el);

/* ---- Statistics (xmppws-stats.c): -z xmppws,tree and -z xmppws,ladder --- */
void xmppws_handoff_stats(void);

/* ---- Element handlers, one file per concern ----------------------------- */

/* xmppws-stream.c: RFC 7395 framing, stream features, stream errors. */
void xmppws_register_stream(int proto);
void xmppws_dissect_open(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);
void xmppws_dissect_close(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);
void xmppws_dissect_legacy_stream(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);
void xmppws_dissect_features(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);
void xmppws_dissect_stream_error(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);
void xmppws_dissect_starttls(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);
void xmppws_dissect_sm(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);
/* Caps <c/> (XEP-0115 1.5), in features and presence. */
void xmppws_dissect_caps(xmppws_ctx_t *ctx, xml_frame_t *c, proto_tree *tree);

/* xmppws-sasl.c: SASL (RFC 6120 6), PLAIN (RFC 4616), SCRAM (RFC 5802). */
void xmppws_register_sasl(int proto);
void xmppws_dissect_sasl(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);

/* xmppws-stanza.c: iq, message, presence (RFC 6120 8), bind (7), session,
 * stanza errors (8.3). */
void xmppws_register_stanza(int proto);
void xmppws_dissect_iq(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);
void xmppws_dissect_message(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);
void xmppws_dissect_presence(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree);

/* xmppws-pubsub.c: XEP-0060. Requests/results inside <iq>, events inside
 * <message>. Each returns TRUE when it handled `el`. */
void xmppws_register_pubsub(int proto);
void xmppws_handoff_pubsub(void);
gboolean xmppws_dissect_pubsub(xmppws_ctx_t *ctx, xml_frame_t *pubsub, proto_tree *tree);
gboolean xmppws_dissect_pubsub_event(xmppws_ctx_t *ctx, xml_frame_t *event, proto_tree *tree);

/* ---- The Finesse notification layer (packet-finesse.c) ------------------ */

/* The "xmppws.pubsub" heuristic list: dissectors of pubsub item payloads
 * (XEP-0060 7.1.2 publish, 8.x events: the children of <item/>) register
 * here with heur_dissector_add("xmppws.pubsub", ...). Each is called with
 * the payload element's content as sent (text, escaped or literal XML; the
 * tvb may be empty of elements) and this struct as `data`; one that takes
 * the payload returns TRUE and may append a one-line summary for the Info
 * column. Cisco Finesse (packet-finesse.c) is the first such dissector. */
typedef struct xmppws_pubsub_payload {
    const char    *node;         /* pubsub node of the event or publish, or NULL */
    const char    *item_id;      /* item id, or NULL */
    const char    *payload_ns;   /* namespace of the payload element ("" if none) */
    const char    *payload_name; /* its local name, as sent */
    xmppws_dir_t   direction;
    guint32        stream;       /* the XMPP stream (its conversation index) */
    wmem_strbuf_t *summary;      /* a payload dissector appends its summary here */
} xmppws_pubsub_payload_t;

/* Kept for the Finesse dissector's direct use (older name). */
typedef xmppws_pubsub_payload_t finesse_call_t;

/* What the "finesse" tap gets for each decoded Finesse notification
 * (packet-finesse.c; pinfo->pool). Strings are NULL when absent; for lists
 * (Team users, dialogs, apiErrors) the first one's. */
typedef struct finesse_tap_info {
    guint32     conv_index;        /* the WebSocket connection */
    const char *node;              /* pubsub node (finesse_call_t.node) */
    const char *kind;              /* finesse.kind: user, dialog, team, queue, system_info, api_errors, other */
    const char *event;             /* Update/event as sent (PUT, POST, DELETE; case varies) */
    const char *source;            /* Update/source */
    gboolean    solicited;         /* Update/requestId not empty */
    const char *user_id;           /* User/loginId, else loginName */
    const char *user_state, *pending_state;
    const char *reason_code;       /* ReasonCode/code, else reasonCodeId */
    const char *reason_label;
    const char *dialog_id, *dialog_state;
    const char *api_error_type, *api_error_message;
    const char *system_status;     /* SystemInfo/status */
} finesse_tap_info_t;

/* Registration of the second protocol, called from plugin.c. */
void proto_register_finesse(void);
void proto_reg_handoff_finesse(void);

#endif /* PACKET_FINESSE_XMPP_H */
