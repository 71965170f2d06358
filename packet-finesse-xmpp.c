/* packet-finesse-xmpp.c
 * XMPP over WebSocket (RFC 7395), as Cisco Finesse desktops use it with
 * Openfire, and as any RFC 7395 client (Jitsi, Converse.js, ...) does.
 *
 * Entry point of the plugin: registration, how WebSocket hands us a message
 * (ws.protocol "xmpp", ws.port, the "ws" heuristic list), the direction of a
 * message, tokenizing with Wireshark's XML dissector, and the dispatch of
 * each top-level element to its handler (one file per concern, see
 * packet-finesse-xmpp.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <wsutil/utf8_entities.h>

#include "packet-finesse-xmpp.h"

#define XMPPWS_WS_PORT 8445   /* Finesse: wss://<host>:8445/ws/ */

void proto_register_xmppws(void);
void proto_reg_handoff_xmppws(void);

int proto_xmppws = -1;

static int hf_direction = -1;

static gint ett_xmppws = -1;

static expert_field ei_no_element = EI_INIT;
static expert_field ei_xml_disabled = EI_INIT;
static expert_field ei_unknown_element = EI_INIT;
static expert_field ei_framing_ns = EI_INIT;
static expert_field ei_legacy_framing = EI_INIT;
static expert_field ei_multiple_elements = EI_INIT;
static expert_field ei_partial_element = EI_INIT;
static expert_field ei_undeclared_prefix = EI_INIT;
static expert_field ei_xml_declaration = EI_INIT;
static expert_field ei_whitespace = EI_INIT;
static expert_field ei_stray_text = EI_INIT;
static expert_field ei_utf16 = EI_INIT;
static expert_field ei_invalid_utf8 = EI_INIT;
static expert_field ei_restricted_xml = EI_INIT;

static dissector_handle_t xmppws_handle;              /* ws.port, Decode As */
static dissector_handle_t xmppws_subprotocol_handle;   /* ws.protocol "xmpp" */
static int xmppws_tap = -1;

static xmppws_pref_bool_t pref_show_xml_tree = FALSE;
xmppws_pref_bool_t xmppws_pref_fast_xml = TRUE;

/* proto_data keys: packet scope (this frame's messages) and file scope
 * (one record per message, key XMPPWS_KEY_MSG + index in the frame). */
#define XMPPWS_KEY_FRAME 0
#define XMPPWS_KEY_MSG   1

#define INFO_MAX_ELEMENTS 8   /* elements of one message named in the Info column */

/* Packet-scope state of one frame: the Info text of all its messages. */
typedef struct {
    wmem_strbuf_t *info;
    guint32        messages;
    guint32        taps;      /* "xmppws" tap records queued for this frame */
} frame_state_t;

/* epan queues at most 5000 tap records per frame, for every tap together
 * (epan/tap.c TAP_PACKET_QUEUE_LEN), and logs a warning for each one
 * beyond: a message of thousands of elements gets records for its first
 * ones only. */
#define XMPPWS_MAX_TAPS_PER_FRAME 1000

/* File-scope record of one message: what the first pass decided. */
typedef struct {
    xmppws_dir_t direction;
} msg_record_t;

static const value_string direction_vals[] = {
    { XMPPWS_DIR_UNKNOWN, "unknown" },
    { XMPPWS_DIR_C2S,     "client to server" },
    { XMPPWS_DIR_S2C,     "server to client" },
    { 0, NULL }
};

/* One row per top-level element: (namespace, local name) -> handler.
 * `dir` is the direction the element implies (RFC 6120 4, 6), used to learn
 * which side is the client when the HTTP upgrade is not in the capture. */
typedef struct {
    const char        *ns;
    const char        *local;
    xmppws_kind_t      kind;
    xmppws_handler_fn  fn;
    xmppws_dir_t       dir;
} dispatch_row_t;

static const dispatch_row_t dispatch_table[] = {
    { XMPPWS_NS_FRAMING, "open",      XMPPWS_KIND_OPEN,           xmppws_dissect_open,         XMPPWS_DIR_UNKNOWN },
    { XMPPWS_NS_FRAMING, "close",     XMPPWS_KIND_CLOSE,          xmppws_dissect_close,        XMPPWS_DIR_UNKNOWN },
    { XMPPWS_NS_STREAMS, "stream",    XMPPWS_KIND_LEGACY_STREAM,  xmppws_dissect_legacy_stream, XMPPWS_DIR_UNKNOWN },
    { XMPPWS_NS_STREAMS, "features",  XMPPWS_KIND_FEATURES,       xmppws_dissect_features,     XMPPWS_DIR_S2C },
    { XMPPWS_NS_STREAMS, "error",     XMPPWS_KIND_STREAM_ERROR,   xmppws_dissect_stream_error, XMPPWS_DIR_UNKNOWN },
    { XMPPWS_NS_TLS,     "starttls",  XMPPWS_KIND_STARTTLS,       xmppws_dissect_starttls,     XMPPWS_DIR_C2S },
    { XMPPWS_NS_TLS,     "proceed",   XMPPWS_KIND_STARTTLS,       xmppws_dissect_starttls,     XMPPWS_DIR_S2C },
    { XMPPWS_NS_SASL,    "auth",      XMPPWS_KIND_SASL_AUTH,      xmppws_dissect_sasl,         XMPPWS_DIR_C2S },
    { XMPPWS_NS_SASL,    "challenge", XMPPWS_KIND_SASL_CHALLENGE, xmppws_dissect_sasl,         XMPPWS_DIR_S2C },
    { XMPPWS_NS_SASL,    "response",  XMPPWS_KIND_SASL_RESPONSE,  xmppws_dissect_sasl,         XMPPWS_DIR_C2S },
    { XMPPWS_NS_SASL,    "success",   XMPPWS_KIND_SASL_SUCCESS,   xmppws_dissect_sasl,         XMPPWS_DIR_S2C },
    { XMPPWS_NS_SASL,    "failure",   XMPPWS_KIND_SASL_FAILURE,   xmppws_dissect_sasl,         XMPPWS_DIR_S2C },
    { XMPPWS_NS_SASL,    "abort",     XMPPWS_KIND_SASL_ABORT,     xmppws_dissect_sasl,         XMPPWS_DIR_C2S },
    { XMPPWS_NS_CLIENT,  "iq",        XMPPWS_KIND_IQ,             xmppws_dissect_iq,           XMPPWS_DIR_UNKNOWN },
    { XMPPWS_NS_CLIENT,  "message",   XMPPWS_KIND_MESSAGE,        xmppws_dissect_message,      XMPPWS_DIR_UNKNOWN },
    { XMPPWS_NS_CLIENT,  "presence",  XMPPWS_KIND_PRESENCE,       xmppws_dissect_presence,     XMPPWS_DIR_UNKNOWN },
    { XMPPWS_NS_SM3,     "enable",    XMPPWS_KIND_SM,             xmppws_dissect_sm,           XMPPWS_DIR_C2S },
    { XMPPWS_NS_SM3,     "enabled",   XMPPWS_KIND_SM,             xmppws_dissect_sm,           XMPPWS_DIR_S2C },
    { XMPPWS_NS_SM3,     "resume",    XMPPWS_KIND_SM,             xmppws_dissect_sm,           XMPPWS_DIR_C2S },
    { XMPPWS_NS_SM3,     "resumed",   XMPPWS_KIND_SM,             xmppws_dissect_sm,           XMPPWS_DIR_S2C },
    { XMPPWS_NS_SM3,     "failed",    XMPPWS_KIND_SM,             xmppws_dissect_sm,           XMPPWS_DIR_S2C },
    { XMPPWS_NS_SM3,     "r",         XMPPWS_KIND_SM,             xmppws_dissect_sm,           XMPPWS_DIR_UNKNOWN },
    { XMPPWS_NS_SM3,     "a",         XMPPWS_KIND_SM,             xmppws_dissect_sm,           XMPPWS_DIR_UNKNOWN },
};

static const dispatch_row_t *
find_row(const xmppws_doc_t *doc, xml_frame_t *el)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(dispatch_table); i++) {
        if (xmppws_el_is(doc, el, dispatch_table[i].ns, dispatch_table[i].local))
            return &dispatch_table[i];
    }
    return NULL;
}

/* ---- Connection state and direction ------------------------------------ */

xmppws_conv_t *
xmppws_conv_get(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    xmppws_conv_t *xc = (xmppws_conv_t *)conversation_get_proto_data(conv, proto_xmppws);

    if (!xc) {
        xc = wmem_new0(wmem_file_scope(), xmppws_conv_t);
        conversation_add_proto_data(conv, proto_xmppws, xc);
    }
    return xc;
}

xmppws_dir_t
xmppws_conv_direction(const xmppws_conv_t *xc, const packet_info *pinfo)
{
    if (!xc->direction_known)
        return XMPPWS_DIR_UNKNOWN;
    if (pinfo->srcport == xc->server_port && addresses_equal(&pinfo->src, &xc->server_addr))
        return XMPPWS_DIR_S2C;
    return XMPPWS_DIR_C2S;
}

/* Remember which side is the server, from a message whose direction we know. */
static void
conv_learn_direction(xmppws_conv_t *xc, packet_info *pinfo, xmppws_dir_t dir)
{
    if (xc->direction_known || dir == XMPPWS_DIR_UNKNOWN)
        return;
    xmppws_conv_set_server(xc, pinfo, dir == XMPPWS_DIR_S2C);
}

void
xmppws_conv_set_server(xmppws_conv_t *xc, packet_info *pinfo, gboolean src_is_server)
{
    if (xc->direction_known)
        return;
    xc->direction_known = TRUE;
    if (src_is_server) {
        xc->server_port = (guint16)pinfo->srcport;
        copy_address_wmem(wmem_file_scope(), &xc->server_addr, &pinfo->src);
    } else {
        xc->server_port = (guint16)pinfo->destport;
        copy_address_wmem(wmem_file_scope(), &xc->server_addr, &pinfo->dst);
    }
}

/* Direction an element implies by itself (RFC 7395 3.4: the client's <open/>
 * has `to` and no `id`; the server's has `id`). */
static xmppws_dir_t
implied_direction(const xmppws_doc_t *doc, xml_frame_t *el, const dispatch_row_t *row)
{
    if (!row)
        return XMPPWS_DIR_UNKNOWN;
    if (row->kind == XMPPWS_KIND_OPEN || row->kind == XMPPWS_KIND_LEGACY_STREAM) {
        if (xml_get_attrib(el, "id"))
            return XMPPWS_DIR_S2C;
        if (xml_get_attrib(el, "to") && !xml_get_attrib(el, "from"))
            return XMPPWS_DIR_C2S;
        return XMPPWS_DIR_UNKNOWN;
    }
    (void)doc;
    return row->dir;
}

/* ---- One WebSocket message ---------------------------------------------- */

/* TRUE when the element's end tag was seen, or it is an empty-element tag.
 * The XML dissector is lenient: an element left open keeps the length of
 * its start tag. */
static gboolean
element_is_closed(const xmppws_doc_t *doc, xml_frame_t *el)
{
    int end = el->start_offset + el->length;
    int i;

    if (el->length < 3 || end > (int)tvb_captured_length(doc->tvb))
        return FALSE;
    if (tvb_get_uint8(doc->tvb, end - 1) != '>')
        return FALSE;
    if (tvb_get_uint8(doc->tvb, end - 2) == '/')
        return TRUE;
    for (i = end - 2; i > el->start_offset; i--) {
        if (tvb_get_uint8(doc->tvb, i) == '<')
            return tvb_get_uint8(doc->tvb, i + 1) == '/';
    }
    return FALSE;
}

/* Message-level checks of RFC 7395 3.3.3 and 3.8 that need no history. */
static void
check_message(xmppws_ctx_t *ctx, xml_frame_t *root, int elements)
{
    tvbuff_t *tvb = ctx->doc.tvb;
    packet_info *pinfo = ctx->doc.pinfo;
    int len = tvb_captured_length(tvb);
    xml_frame_t *f;
    guint8 first, last;

    if (len == 0)
        return;
    first = tvb_get_uint8(tvb, 0);
    last = tvb_get_uint8(tvb, len - 1);
    if (elements == 0 && tvb_skip_wsp(tvb, 0, len) == len) {
        proto_tree_add_expert_format(ctx->msg_tree, pinfo, &ei_whitespace, tvb, 0, len,
                                     "Whitespace-only message (a pre-RFC keepalive); RFC 7395 3.8 forbids "
                                     "whitespace keepalives: use WebSocket ping or XEP-0199");
        return;
    }
    if (first == ' ' || first == '\t' || first == '\r' || first == '\n' ||
        last == ' ' || last == '\t' || last == '\r' || last == '\n')
        proto_tree_add_expert(ctx->msg_tree, pinfo, &ei_whitespace, tvb, 0, len);
    if (elements > 1)
        proto_tree_add_expert_format(ctx->msg_tree, pinfo, &ei_multiple_elements, tvb, 0, len,
                                     "%d top-level elements in one WebSocket message; RFC 7395 3.3.3 wants "
                                     "exactly one per message (all are dissected)", elements);
    for (f = root->first_child; f; f = f->next_sibling) {
        if (f->type == XML_FRAME_XMPLI && f->name && g_ascii_strcasecmp(f->name, "xml") == 0) {
            proto_tree_add_expert(ctx->msg_tree, pinfo, &ei_xml_declaration, tvb, f->start_offset, f->length);
        } else if (f->type == XML_FRAME_XMPLI || f->type == XML_FRAME_DTD_DOCTYPE) {
            proto_tree_add_expert_format(ctx->msg_tree, pinfo, &ei_restricted_xml, tvb, f->start_offset, f->length,
                                         "%s in an XMPP message: RFC 6120 11.1 forbids DTDs and processing "
                                         "instructions (entities are not expanded here); the server closes the "
                                         "stream with restricted-xml",
                                         f->type == XML_FRAME_DTD_DOCTYPE ? "Document type declaration" :
                                         "Processing instruction");
        } else if (f->type == XML_FRAME_CDATA &&
                   tvb_skip_wsp(tvb, f->start_offset, f->length) < f->start_offset + f->length) {
            proto_tree_add_expert(ctx->msg_tree, pinfo, &ei_stray_text, tvb, f->start_offset, f->length);
        }
    }
}

/* Every prefixed element and attribute of `el` must have its prefix declared
 * in the message (RFC 7395 3.3.3). The walk is bounded: XMPP stanzas are
 * shallow, hostile input is not. */
#define PREFIX_CHECK_MAX_ELEMENTS 2048
static void
check_prefixes(xmppws_ctx_t *ctx, xml_frame_t *el)
{
    xml_frame_t *f = el;
    int seen = 0;

    while (f && seen++ < PREFIX_CHECK_MAX_ELEMENTS) {
        if (f->type == XML_FRAME_TAG && !xmppws_el_ns(&ctx->doc, f)) {
            proto_tree_add_expert_format(ctx->msg_tree, ctx->doc.pinfo, &ei_undeclared_prefix, ctx->doc.tvb,
                                         f->start_offset, f->length,
                                         "Namespace prefix \"%s\" of <%s> is not declared in this message "
                                         "(RFC 7395 3.3.3: each message must declare every namespace it uses)",
                                         xmppws_el_prefix(&ctx->doc, f), f->name_orig_case);
            return;
        }
        /* depth-first over elements only */
        if (f->first_child) {
            f = f->first_child;
            continue;
        }
        while (f && f != el && !f->next_sibling)
            f = f->parent;
        if (!f || f == el)
            break;
        f = f->next_sibling;
    }
}

static const dispatch_row_t legacy_close_row = {
    XMPPWS_NS_STREAMS, "stream", XMPPWS_KIND_CLOSE, NULL, XMPPWS_DIR_UNKNOWN
};

static void
dissect_element(xmppws_ctx_t *ctx, xml_frame_t *el, const dispatch_row_t *row)
{
    tvbuff_t *tvb = ctx->doc.tvb;
    packet_info *pinfo = ctx->doc.pinfo;
    frame_state_t *fs;

    ctx->kind = row ? row->kind : XMPPWS_KIND_OTHER;
    /* Handlers note what the tap wants in ctx->tap; it is queued (and its
     * connection looked up) only when a tap listener is attached. */
    ctx->tap = wmem_new0(pinfo->pool, xmppws_tap_info_t);
    ctx->tap->direction = ctx->direction;
    ctx->tap->kind = ctx->kind;
    xmppws_track_element(ctx, el);

    if (row == &legacy_close_row) {
        proto_tree_add_expert_format(ctx->msg_tree, pinfo, &ei_legacy_framing, tvb, el->start_offset, el->length,
                                     "</stream:stream>: pre-RFC 7395 framing; RFC 7395 3.6 closes with "
                                     "<close xmlns=\"" XMPPWS_NS_FRAMING "\"/>");
        wmem_strbuf_append(ctx->info, "/stream:stream (legacy framing)");
    } else if (!row) {
        const char *ns = xmppws_el_ns(&ctx->doc, el);
        proto_tree_add_expert_format(ctx->msg_tree, pinfo, &ei_unknown_element, tvb, el->start_offset, el->length,
                                     "Element <%s xmlns=\"%s\"> is not an XMPP top-level element this "
                                     "dissector knows (RFC 6120 4.8, RFC 7395 3.3)",
                                     el->name_orig_case, ns ? ns : "?");
        wmem_strbuf_append_printf(ctx->info, "%s", el->name_orig_case);
    } else {
        row->fn(ctx, el, ctx->msg_tree);
        if (row->kind == XMPPWS_KIND_LEGACY_STREAM) {
            proto_tree_add_expert(ctx->msg_tree, pinfo, &ei_legacy_framing, tvb, el->start_offset, el->length);
        } else if ((row->kind == XMPPWS_KIND_OPEN || row->kind == XMPPWS_KIND_CLOSE) &&
                   !xmppws_el_is(&ctx->doc, el, XMPPWS_NS_FRAMING, NULL)) {
            const char *ns = xmppws_el_ns(&ctx->doc, el);
            proto_tree_add_expert_format(ctx->msg_tree, pinfo, &ei_framing_ns, tvb, el->start_offset, el->length,
                                         "<%s/> in namespace \"%s\", not \"" XMPPWS_NS_FRAMING "\" "
                                         "(RFC 7395 3.3.2: the server answers with an invalid-namespace "
                                         "stream error)", el->name_orig_case, ns ? ns : "(undeclared prefix)");
        }
        if (row->kind != XMPPWS_KIND_LEGACY_STREAM && !element_is_closed(&ctx->doc, el))
            proto_tree_add_expert_format(ctx->msg_tree, pinfo, &ei_partial_element, tvb, el->start_offset,
                                         el->length, "<%s> is not closed in this message: a partial element "
                                         "(RFC 7395 3.3.3: each message is one complete element)",
                                         el->name_orig_case);
    }
    check_prefixes(ctx, el);
    xmppws_track_show(ctx, el);
    wmem_strbuf_append(ctx->info, wmem_strbuf_get_str(ctx->info_tail));

    ctx->tap->summary = wmem_strbuf_get_str(ctx->info);
    if (ctx->rec) {
        ctx->tap->stage = ctx->rec->stage;
        ctx->tap->answers = ctx->rec->answers;
        ctx->tap->request = ctx->rec->request;
    }
    if (!have_tap_listener(xmppws_tap))
        return;
    fs = (frame_state_t *)p_get_proto_data(pinfo->pool, pinfo, proto_xmppws, XMPPWS_KEY_FRAME);
    if (fs && fs->taps++ < XMPPWS_MAX_TAPS_PER_FRAME) {
        ctx->tap->conv_index = find_or_create_conversation(pinfo)->conv_index;
        tap_queue_packet(xmppws_tap, pinfo, ctx->tap);
    }
}

/* The row for element `el`; framing elements in a wrong namespace still get
 * the framing handler (and an expert info). */
static const dispatch_row_t *
row_for(const xmppws_doc_t *doc, xml_frame_t *el)
{
    const dispatch_row_t *row = find_row(doc, el);

    if (!row && el->name_orig_case) {
        if (strcmp(el->name_orig_case, "open") == 0) {
            row = &dispatch_table[0];
        } else if (strcmp(el->name_orig_case, "close") == 0) {
            row = &dispatch_table[1];
        } else if (!xmppws_el_ns(doc, el)) {
            /* Undeclared prefix (flagged elsewhere): go by the local name. */
            gsize i;
            for (i = 0; i < G_N_ELEMENTS(dispatch_table) && !row; i++) {
                if (strcmp(dispatch_table[i].local, el->name_orig_case) == 0)
                    row = &dispatch_table[i];
            }
        }
    }
    return row;
}

/* TRUE when more bytes follow our message in the buffer it was cut from,
 * i.e. another WebSocket frame follows in the same segment (a Close after
 * <close/>, a Ping). Known for unmasked (server) frames only: their payload
 * is a slice of the segment (its data source, at tvb_raw_offset()); a
 * masked payload is an unmasked copy, its own data source: FALSE. */
static gboolean
more_frames_follow(tvbuff_t *tvb)
{
    tvbuff_t *ds = tvb_get_ds_tvb(tvb);
    gint offset;

    if (ds == tvb || (offset = tvb_raw_offset(tvb)) < 0)
        return FALSE;
    return (guint)offset + tvb_captured_length(tvb) < tvb_captured_length(ds);
}

static int
dissect_xmppws(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    frame_state_t *fs;
    msg_record_t *rec;
    xmppws_ctx_t ctx;
    tvbuff_t *msg_tvb = tvb;   /* as WebSocket gave it (tvb may become a repaired copy) */
    proto_item *ti, *di;
    xml_frame_t *root, *el, *first = NULL;
    wmem_strbuf_t *summary = wmem_strbuf_new(pinfo->pool, "");
    guint32 msg_index, msg_key;
    int elements = 0;

    fs = (frame_state_t *)p_get_proto_data(pinfo->pool, pinfo, proto_xmppws, XMPPWS_KEY_FRAME);
    if (!fs) {
        fs = wmem_new0(pinfo->pool, frame_state_t);
        fs->info = wmem_strbuf_new(pinfo->pool, "");
        p_add_proto_data(pinfo->pool, pinfo, proto_xmppws, XMPPWS_KEY_FRAME, fs);
    }
    msg_index = fs->messages++;
    msg_key = XMPPWS_KEY_MSG + (msg_index << 8);

    memset(&ctx, 0, sizeof ctx);
    ctx.doc.tvb = tvb;
    ctx.doc.pinfo = pinfo;
    ctx.conv = xmppws_conv_get(pinfo);
    if (!PINFO_FD_VISITED(pinfo))
        ctx.conv->is_xmpp = TRUE;

    ti = proto_tree_add_item(tree, proto_xmppws, tvb, 0, -1, ENC_NA);
    ctx.msg_item = ti;
    ctx.msg_tree = proto_item_add_subtree(ti, ett_xmppws);

    /* RFC 7395 3.2: text frames carry UTF-8. A UTF-16 byte-order mark would
     * make the XML dissector parse a re-encoded copy whose offsets are not
     * ours: show the bytes and stop. */
    if (tvb_captured_length(tvb) >= 2 && (tvb_get_ntohs(tvb, 0) == 0xFEFF || tvb_get_ntohs(tvb, 0) == 0xFFFE)) {
        proto_tree_add_expert(ctx.msg_tree, pinfo, &ei_utf16, tvb, 0, 2);
        col_set_str(pinfo->cinfo, COL_PROTOCOL, "XMPP/WS");
        wmem_strbuf_append(summary, "(UTF-16, not dissected)");
        goto columns;
    }
    /* RFC 7395 3.2: UTF-8. Invalid sequences are replaced (U+FFFD) in a copy
     * that is shown as its own data source, and everything below works on
     * that copy: the element tree's offsets then refer to the bytes it was
     * built from on every Wireshark version (4.4's XML dissector would
     * otherwise re-encode by itself, and its offsets would not be ours). */
    if (tvb_captured_length(tvb) > 0 &&
        !g_utf8_validate((const gchar *)tvb_get_ptr(tvb, 0, -1), tvb_captured_length(tvb), NULL)) {
        gchar *valid = g_utf8_make_valid((const gchar *)tvb_get_ptr(tvb, 0, -1), tvb_captured_length(tvb));
        gsize n = strlen(valid);
        tvbuff_t *repaired = tvb_new_child_real_data(tvb, (const guint8 *)wmem_memdup(pinfo->pool, valid, n),
                                                     (guint)n, (gint)n);

        g_free(valid);
        proto_tree_add_expert(ctx.msg_tree, pinfo, &ei_invalid_utf8, tvb, 0, -1);
        add_new_data_source(pinfo, repaired, "XMPP message (invalid UTF-8 replaced)");
        tvb = repaired;
        ctx.doc.tvb = tvb;
    }

    /* Tokenize: a message that is one well-formed element (RFC 7395 3.3.3,
     * nearly all) gets its element tree from the one-pass scanner
     * (xmppws-xml-scan.c); anything else, or everything when the user wants
     * the XML tree shown or turned the scanner off, goes to Wireshark's XML
     * dissector, which leaves the same tree in this packet's proto data
     * (packet-xml.c, "useful for the caller"). */
    root = NULL;
    if (tvb_captured_length(tvb) >= 2 && xmppws_pref_fast_xml && !pref_show_xml_tree && xmppws_xml_enabled())
        root = xmppws_xml_fast_tree(pinfo, tvb);
    if (root) {
        /* the scanner's tree */
    } else if (tvb_captured_length(tvb) >= 2) {
        /* (4.0's XML dissector reads a 2-byte BOM without a length check) */
        root = xmppws_xml_dissector_tree(pinfo, tvb, pref_show_xml_tree ? ctx.msg_tree : NULL);
    } else {
        root = wmem_new0(pinfo->pool, xml_frame_t);   /* no element at all */
        root->type = XML_FRAME_ROOT;
    }
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "XMPP/WS");

    if (root) {
        for (el = root->first_child; el; el = el->next_sibling) {
            if (el->type == XML_FRAME_TAG) {
                if (!first)
                    first = el;
                elements++;
            }
        }
    }

    /* A record only for the messages that came before the connection's
     * server was known: for all the others (nearly all) the direction follows
     * from the connection, on every pass, and nothing is kept per message. */
    rec = (msg_record_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_xmppws, msg_key);
    if (rec) {
        ctx.direction = rec->direction;
    } else if (PINFO_FD_VISITED(pinfo) || ctx.conv->direction_known) {
        ctx.direction = xmppws_conv_direction(ctx.conv, pinfo);
    } else {
        rec = wmem_new0(wmem_file_scope(), msg_record_t);
        rec->direction = first ? implied_direction(&ctx.doc, first, row_for(&ctx.doc, first)) : XMPPWS_DIR_UNKNOWN;
        conv_learn_direction(ctx.conv, pinfo, rec->direction);
        p_add_proto_data(wmem_file_scope(), pinfo, proto_xmppws, msg_key, rec);
        ctx.direction = rec->direction;
    }
    di = proto_tree_add_uint(ctx.msg_tree, hf_direction, tvb, 0, 0, ctx.direction);
    proto_item_set_generated(di);

    if (!root) {
        proto_tree_add_expert(ctx.msg_tree, pinfo, &ei_xml_disabled, tvb, 0, -1);
        wmem_strbuf_append(summary, "(XML dissector disabled)");
    } else {
        guint32 n = 0;
        if (elements == 0 && tvb_captured_length(tvb) >= 16 && tvb_strneql(tvb, 0, "</stream:stream", 15) == 0) {
            /* A legacy close has no element of its own: give it one. */
            xml_frame_t *fake = wmem_new0(pinfo->pool, xml_frame_t);
            fake->type = XML_FRAME_TAG;
            fake->name = fake->name_orig_case = "stream";
            fake->length = tvb_captured_length(tvb);
            ctx.info = wmem_strbuf_new(pinfo->pool, "");
            ctx.info_tail = wmem_strbuf_new(pinfo->pool, "");
            ctx.element_key = msg_key + 1;
            dissect_element(&ctx, fake, &legacy_close_row);
            wmem_strbuf_append(summary, wmem_strbuf_get_str(ctx.info));
            elements = -1;
        }
        for (el = root->first_child; el; el = el->next_sibling) {
            if (el->type != XML_FRAME_TAG)
                continue;
            ctx.info = wmem_strbuf_new(pinfo->pool, "");
            ctx.info_tail = wmem_strbuf_new(pinfo->pool, "");
            ctx.element_key = msg_key + 1 + MIN(n, 254);
            dissect_element(&ctx, el, row_for(&ctx.doc, el));
            /* The Info column names the first elements of a batch, then counts. */
            if (n < INFO_MAX_ELEMENTS) {
                if (n)
                    wmem_strbuf_append(summary, ", ");
                wmem_strbuf_append(summary, wmem_strbuf_get_str(ctx.info));
            } else if (n == INFO_MAX_ELEMENTS) {
                wmem_strbuf_append_printf(summary, ", " UTF8_HORIZONTAL_ELLIPSIS " (%d elements)", elements);
            }
            n++;
        }
        if (elements >= 0)
            check_message(&ctx, root, elements);
        if (elements == 0) {
            if (tvb_skip_wsp(tvb, 0, tvb_captured_length(tvb)) == (int)tvb_captured_length(tvb)) {
                wmem_strbuf_append(summary, "(whitespace)");
            } else {
                proto_tree_add_expert(ctx.msg_tree, pinfo, &ei_no_element, tvb, 0, -1);
                wmem_strbuf_append(summary, "(no XML element)");
            }
        }
    }

columns:
    proto_item_append_text(ti, ", %s%s", ctx.direction == XMPPWS_DIR_C2S ? "C" UTF8_RIGHTWARDS_ARROW "S: " :
                                         ctx.direction == XMPPWS_DIR_S2C ? "S" UTF8_RIGHTWARDS_ARROW "C: " : "",
                           wmem_strbuf_get_str(summary));

    /* WebSocket rewrites the Info column for every frame it parses in this
     * segment: rebuild ours from all messages seen so far, then fence it. */
    if (wmem_strbuf_get_len(fs->info) > 0)
        wmem_strbuf_append(fs->info, " | ");
    wmem_strbuf_append(fs->info, wmem_strbuf_get_str(summary));
    col_clear_fence(pinfo->cinfo, COL_INFO);
    col_clear(pinfo->cinfo, COL_INFO);
    col_add_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(fs->info));
    /* WebSocket writes the next frame's text right after the fence. */
    if (more_frames_follow(msg_tvb))
        col_append_str(pinfo->cinfo, COL_INFO, " | ");
    col_set_fence(pinfo->cinfo, COL_INFO);
    return tvb_captured_length(tvb);
}

/* The three ways WebSocket reaches us (epan/dissectors/packet-websocket.c):
 * its ws.protocol table when the 101 response echoed "xmpp" (RFC 7395
 * 3.1), its ws.port table when the 101 named no subprotocol (or, from 4.4
 * on, when Decode As named the port), and its "ws" heuristic list. What the
 * entry tells is kept with the connection. */
static int
dissect_xmppws_subprotocol(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    xmppws_conv_t *xc = xmppws_conv_get(pinfo);

    if (!PINFO_FD_VISITED(pinfo))
        xc->upgrade_seen = xc->xmpp_subprotocol = TRUE;
    return dissect_xmppws(tvb, pinfo, tree, data);
}

static int
dissect_xmppws_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    xmppws_conv_t *xc = xmppws_conv_get(pinfo);

    if (!PINFO_FD_VISITED(pinfo))
        xc->upgrade_seen = TRUE;
    return dissect_xmppws(tvb, pinfo, tree, data);
}

/* ---- Heuristic on the "ws" list ----------------------------------------- */

/* Strict and cheap: the message starts with '<' and the name of an XMPP
 * top-level element, and an XMPP namespace appears in its first bytes; or
 * the connection is already known to carry XMPP. */
static gboolean
looks_like_xmpp(tvbuff_t *tvb)
{
    static const char *const starts[] = {
        "<open", "<close", "<stream:", "<features", "<iq", "<message", "<presence", "<auth",
        "<success", "<failure", "<challenge", "<response", "<?xml",
    };
    static const char *const markers[] = {
        XMPPWS_NS_FRAMING, "urn:ietf:params:xml:ns:xmpp-", XMPPWS_NS_CLIENT, XMPPWS_NS_STREAMS,
    };
    guint len = tvb_captured_length(tvb);
    guint scan = MIN(len, 512);
    gsize i;
    gboolean start_ok = FALSE;

    if (len < 4 || tvb_get_uint8(tvb, 0) != '<')
        return FALSE;
    for (i = 0; i < G_N_ELEMENTS(starts) && !start_ok; i++) {
        guint n = (guint)strlen(starts[i]);
        if (len > n && tvb_strneql(tvb, 0, starts[i], n) == 0) {
            guint8 c = tvb_get_uint8(tvb, n);
            start_ok = starts[i][n - 1] == ':' || c == ' ' || c == '>' || c == '/' || c == '\t' ||
                       c == '\r' || c == '\n' || starts[i][1] == '?';
        }
    }
    if (!start_ok)
        return FALSE;
    for (i = 0; i < G_N_ELEMENTS(markers); i++) {
        guint n = (guint)strlen(markers[i]);
        guint off;
        if (scan < n)
            continue;
        for (off = 0; off + n <= scan; off++) {
            off = (guint)tvb_find_uint8(tvb, off, scan - off, markers[i][0]);
            if ((gint)off < 0 || off + n > scan)
                break;
            if (tvb_strneql(tvb, off, markers[i], n) == 0)
                return TRUE;
        }
    }
    return FALSE;
}

static xmppws_heur_ret_t
dissect_xmppws_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    xmppws_conv_t *xc = conv ? (xmppws_conv_t *)conversation_get_proto_data(conv, proto_xmppws) : NULL;

    if (!(xc && xc->is_xmpp) && !looks_like_xmpp(tvb))
        return FALSE;
    dissect_xmppws(tvb, pinfo, tree, data);
    return TRUE;
}

/* ---- Registration -------------------------------------------------------- */

void
proto_register_xmppws(void)
{
    static hf_register_info hf[] = {
        { &hf_direction, { "Direction", "xmppws.direction", FT_UINT8, BASE_DEC, VALS(direction_vals), 0x0,
            "1 = client to server, 2 = server to client: from the HTTP upgrade when captured, else inferred "
            "from the first message whose direction RFC 7395/RFC 6120 imply", HFILL } },
    };
    static gint *ett[] = { &ett_xmppws };
    static ei_register_info ei[] = {
        { &ei_no_element, { "xmppws.no_element", PI_MALFORMED, PI_ERROR,
            "The message holds no XML element; RFC 7395 3.3.3 wants exactly one complete element per message",
            EXPFILL } },
        { &ei_xml_disabled, { "xmppws.xml_disabled", PI_UNDECODED, PI_WARN,
            "The XML dissector is disabled, so XMPP cannot be dissected: enable it in Analyze > Enabled Protocols",
            EXPFILL } },
        { &ei_unknown_element, { "xmppws.unknown_element", PI_UNDECODED, PI_NOTE,
            "Top-level element not known to this dissector", EXPFILL } },
        { &ei_framing_ns, { "xmppws.framing_namespace", PI_PROTOCOL, PI_ERROR,
            "<open/> or <close/> not in the framing namespace " XMPPWS_NS_FRAMING " (RFC 7395 3.3.2)", EXPFILL } },
        { &ei_legacy_framing, { "xmppws.legacy_framing", PI_DEPRECATED, PI_WARN,
            "<stream:stream>: pre-RFC 7395 framing; RFC 7395 3.4 opens with <open xmlns=\"" XMPPWS_NS_FRAMING "\"/>",
            EXPFILL } },
        { &ei_multiple_elements, { "xmppws.multiple_elements", PI_PROTOCOL, PI_WARN,
            "More than one top-level element in one WebSocket message (RFC 7395 3.3.3)", EXPFILL } },
        { &ei_partial_element, { "xmppws.partial_element", PI_MALFORMED, PI_ERROR,
            "Element not closed in this message (RFC 7395 3.3.3)", EXPFILL } },
        { &ei_undeclared_prefix, { "xmppws.undeclared_prefix", PI_MALFORMED, PI_ERROR,
            "Namespace prefix not declared in the message (RFC 7395 3.3.3)", EXPFILL } },
        { &ei_xml_declaration, { "xmppws.xml_declaration", PI_PROTOCOL, PI_NOTE,
            "XML declaration in a message: NOT RECOMMENDED by RFC 7395 3.3.3", EXPFILL } },
        { &ei_whitespace, { "xmppws.whitespace", PI_PROTOCOL, PI_WARN,
            "Whitespace before or after the element: RFC 7395 3.3.3/3.8 want a message to be exactly one element",
            EXPFILL } },
        { &ei_restricted_xml, { "xmppws.restricted_xml", PI_PROTOCOL, PI_ERROR,
            "DTD or processing instruction in XMPP (RFC 6120 11.1 restricted XML)", EXPFILL } },
        { &ei_utf16, { "xmppws.utf16", PI_MALFORMED, PI_ERROR,
            "Message starts with a UTF-16 byte-order mark: RFC 7395 3.2 requires UTF-8 text frames; not dissected",
            EXPFILL } },
        { &ei_invalid_utf8, { "xmppws.invalid_utf8", PI_MALFORMED, PI_ERROR,
            "Message is not valid UTF-8 (RFC 7395 3.2, RFC 6455 8.1); invalid bytes are shown as U+FFFD", EXPFILL } },
        { &ei_stray_text, { "xmppws.stray_text", PI_MALFORMED, PI_ERROR,
            "Text outside any element: not well-formed XML (RFC 7395 3.3.3)", EXPFILL } },
    };
    module_t *module;
    expert_module_t *em;

    proto_xmppws = proto_register_protocol("XMPP over WebSocket", "XMPP/WS", "xmppws");
    proto_register_field_array(proto_xmppws, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    em = expert_register_protocol(proto_xmppws);
    expert_register_field_array(em, ei, array_length(ei));

    xmppws_register_xml(proto_xmppws);
    xmppws_register_stream(proto_xmppws);
    xmppws_register_sasl(proto_xmppws);
    xmppws_register_stanza(proto_xmppws);
    xmppws_register_pubsub(proto_xmppws);
    xmppws_register_tracking(proto_xmppws);

    module = prefs_register_protocol(proto_xmppws, NULL);
    prefs_register_bool_preference(module, "show_xml_tree", "Show the XML tree of each message",
                                   "Also show Wireshark's generic XML tree under each XMPP message "
                                   "(slower; the XMPP fields already point at their bytes)",
                                   &pref_show_xml_tree);
    prefs_register_bool_preference(module, "fast_xml", "Tokenize well-formed messages in one pass",
                                   "Build the element tree of well-formed messages and Finesse payloads "
                                   "with the plugin's one-pass scanner instead of Wireshark's XML "
                                   "dissector; the result is the same, about 1.4 times faster. Turn off "
                                   "to use the XML dissector for everything",
                                   &xmppws_pref_fast_xml);
    xmppws_register_transport(proto_xmppws, module);

    xmppws_handle = register_dissector("xmppws", dissect_xmppws_port, proto_xmppws);
    xmppws_subprotocol_handle = create_dissector_handle(dissect_xmppws_subprotocol, proto_xmppws);
    xmppws_tap = register_tap("xmppws");
}

void
proto_reg_handoff_xmppws(void)
{
    xmppws_handoff_xml(proto_xmppws);
    xmppws_handoff_pubsub();
    xmppws_handoff_transport();
    xmppws_handoff_stats();

    /* RFC 7395 3.1: the subprotocol the server's 101 response echoes. */
    dissector_add_string("ws.protocol", "xmpp", xmppws_subprotocol_handle);
    /* Server port of an upgrade without the subprotocol; also Decode As
     * (4.0's WebSocket does not open ws.port to Decode As itself). */
    dissector_table_allow_decode_as(find_dissector_table("ws.port"));
    dissector_add_uint_with_preference("ws.port", XMPPWS_WS_PORT, xmppws_handle);
    heur_dissector_add("ws", dissect_xmppws_heur, "XMPP over WebSocket", "xmppws_ws", proto_xmppws,
                       HEURISTIC_ENABLE);
}
