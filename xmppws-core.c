/* xmppws-core.c
 * The XMPP core: one XML unit (RFC 7395 3.3.3: one top-level element) of
 * one stream, whatever carried it. UTF-8 check, element tree, direction,
 * dispatch of each top-level element to the handler registered for it,
 * tracking, the Info column and the "xmppws" tap. See xmppws-core.h and
 * docs/design.md (the path of one message).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/to_str.h>
#include <epan/tap.h>
#include <wiretap/wtap.h>
#include <wiretap/wtap_opttypes.h>
#include <wsutil/str_util.h>
#include <wsutil/utf8_entities.h>

#include "xmppws-core.h"
#include "xmppws-tracking.h"
#include "xmppws-health.h"

int proto_xmppws = -1;

static int hf_direction = -1;
static int hf_stream = -1;
static int hf_stream_transport = -1;
static int hf_stream_client = -1;
static int hf_stream_server = -1;
static int hf_stream_jid = -1;
static int hf_stream_endpoint = -1;
static int hf_stream_src = -1;
static int hf_stream_dst = -1;

static gint ett_xmppws = -1;
static gint ett_stream = -1;

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


static int xmppws_tap = -1;
static int follow_tap = -1;

/* Streams met so far in this file (xmppws_stream_t.number). */
static guint32 stream_count;

static xmppws_pref_bool_t pref_show_xml_tree = FALSE;

/* proto_data keys under proto_xmppws: packet scope (this frame's units) and
 * file scope (the record of unit i of the frame is XMPPWS_KEY_MSG + i). */
#define XMPPWS_KEY_FRAME 0
#define XMPPWS_KEY_MSG   1

#define INFO_MAX_ELEMENTS 8   /* elements of one unit named in the Info column */

/* Packet-scope state of one frame: the Info text of all its units. */
typedef struct {
    wmem_strbuf_t *info;
    guint32        messages;
    guint32        taps;      /* "xmppws" tap records queued for this frame */
} frame_state_t;

/* epan queues at most 5000 tap records per frame, for every tap together
 * (epan/tap.c TAP_PACKET_QUEUE_LEN), and logs a warning for each one
 * beyond: a unit of thousands of elements gets records for its first
 * ones only. */
#define XMPPWS_MAX_TAPS_PER_FRAME 1000

/* File-scope record of one unit: what the first pass decided that later
 * passes cannot work out again. Kept only for the units that need one (a
 * direction inferred before the stream's server was known, or an element
 * with a record of its own); all others are re-derived on every pass. */
typedef struct {
    xmppws_dir_t           direction;
    guint32                n_elements;
    const xmppws_elrec_t **elements;   /* [n_elements], NULL entries: the tracking's default */
} msg_record_t;

static const value_string direction_vals[] = {
    { XMPPWS_DIR_UNKNOWN, "unknown" },
    { XMPPWS_DIR_C2S,     "client to server" },
    { XMPPWS_DIR_S2C,     "server to client" },
    { 0, NULL }
};

/* One row per top-level element: (namespace, local name) -> handler, filled
 * by the handler modules through xmppws_dispatch_add() at registration.
 * `dir` is the direction the element implies (RFC 6120 4, 6), used to learn
 * which side is the client when the transport cannot tell. */
typedef struct {
    const char        *ns;
    const char        *local;
    xmppws_kind_t      kind;
    xmppws_handler_fn  fn;
    xmppws_dir_t       dir;
} dispatch_row_t;

#define DISPATCH_MAX 48
static dispatch_row_t dispatch_table[DISPATCH_MAX];
static guint dispatch_rows;

void
xmppws_dispatch_add(const char *ns, const char *local, xmppws_kind_t kind, xmppws_handler_fn fn, xmppws_dir_t dir)
{
    dispatch_row_t *row;

    DISSECTOR_ASSERT(dispatch_rows < DISPATCH_MAX);
    row = &dispatch_table[dispatch_rows++];
    row->ns = ns;
    row->local = local;
    row->kind = kind;
    row->fn = fn;
    row->dir = dir;
}

static const dispatch_row_t *
find_row(const xmppws_doc_t *doc, xml_frame_t *el)
{
    guint i;

    for (i = 0; i < dispatch_rows; i++) {
        if (xmppws_el_is(doc, el, dispatch_table[i].ns, dispatch_table[i].local))
            return &dispatch_table[i];
    }
    return NULL;
}

/* The row registered for (ns, local), or NULL. */
static const dispatch_row_t *
row_by_name(const char *ns, const char *local)
{
    guint i;

    for (i = 0; i < dispatch_rows; i++) {
        if (strcmp(dispatch_table[i].ns, ns) == 0 && strcmp(dispatch_table[i].local, local) == 0)
            return &dispatch_table[i];
    }
    return NULL;
}

/* ---- Streams and direction ----------------------------------------------- */

wmem_allocator_t *
xmppws_file_scope(const packet_info *pinfo)
{
    /* README.dissector 2.5: state is built on the first pass; a later pass
     * (a GUI re-dissection, a re-filter, tshark -2) reads it and must not
     * add to it, or every re-dissection grows the file's memory. */
    DISSECTOR_ASSERT_HINT(!PINFO_FD_VISITED(pinfo), "xmppws: file-scope allocation after the first pass");
    return wmem_file_scope();
}

xmppws_stream_t *
xmppws_stream_new(packet_info *pinfo, guint32 index, const char *transport)
{
    xmppws_stream_t *st = wmem_new0(xmppws_file_scope(pinfo), xmppws_stream_t);

    st->index = index;
    st->number = stream_count++;
    st->transport = transport;
    return st;
}

guint32
xmppws_stream_count(void)
{
    return stream_count;
}

static void
core_init(void)
{
    stream_count = 0;
}

const char *
xmppws_stream_client_name(wmem_allocator_t *scope, const xmppws_stream_t *st, gboolean final)
{
    char *addr;
    const char *name;

    if (final && st->bound_jid)
        return wmem_strdup(scope, st->bound_jid);
    if (!st->direction_known)
        return "?";
    addr = address_to_str(scope, &st->client_addr);
    /* a BOSH session spans connections: its client has no one port */
    if (st->transport && g_str_has_prefix(st->transport, "BOSH"))
        return addr;
    name = wmem_strdup_printf(scope, st->client_addr.type == AT_IPv6 ? "[%s]:%u" : "%s:%u", addr, st->client_port);
    wmem_free(scope, addr);
    return name;
}

const char *
xmppws_stream_server_name(wmem_allocator_t *scope, const xmppws_stream_t *st)
{
    char *addr;
    const char *name;

    if (!st->direction_known)
        return wmem_strdup_printf(scope, "%s ?", st->transport ? st->transport : "?");
    addr = address_to_str(scope, &st->server_addr);
    name = wmem_strdup_printf(scope, st->server_addr.type == AT_IPv6 ? "%s [%s]:%u" : "%s %s:%u",
                              st->transport ? st->transport : "?", addr, st->server_port);
    wmem_free(scope, addr);
    return name;
}

xmppws_dir_t
xmppws_stream_direction(const xmppws_stream_t *st, const packet_info *pinfo)
{
    if (!st->direction_known)
        return XMPPWS_DIR_UNKNOWN;
    if (pinfo->srcport == st->server_port && addresses_equal(&pinfo->src, &st->server_addr))
        return XMPPWS_DIR_S2C;
    return XMPPWS_DIR_C2S;
}

void
xmppws_stream_set_server(xmppws_stream_t *st, packet_info *pinfo, gboolean src_is_server)
{
    if (st->direction_known || PINFO_FD_VISITED(pinfo))
        return;
    st->direction_known = TRUE;
    if (src_is_server) {
        st->server_port = (guint16)pinfo->srcport;
        copy_address_wmem(xmppws_file_scope(pinfo), &st->server_addr, &pinfo->src);
        st->client_port = (guint16)pinfo->destport;
        copy_address_wmem(xmppws_file_scope(pinfo), &st->client_addr, &pinfo->dst);
    } else {
        st->server_port = (guint16)pinfo->destport;
        copy_address_wmem(xmppws_file_scope(pinfo), &st->server_addr, &pinfo->dst);
        st->client_port = (guint16)pinfo->srcport;
        copy_address_wmem(xmppws_file_scope(pinfo), &st->client_addr, &pinfo->src);
    }
}

/* TRUE when this frame's unit arrived through TLS (wss://): TLS decrypted
 * the frame's bytes into the data source it names "Decrypted TLS"
 * (packet-tls.c). */
gboolean
xmppws_over_tls(packet_info *pinfo)
{
    char *comment = NULL;

    if (xmppws_data_source_tvb_by_name(pinfo, "Decrypted TLS"))
        return TRUE;
    /* A capture made from a browser's HAR by xmppws-har2pcapng (har/har.h)
     * holds wss:// sessions as plain TCP and says so in the comment of each
     * of their packets. */
    return pinfo->rec && pinfo->rec->block &&
           wtap_block_get_nth_string_option_value(pinfo->rec->block, OPT_COMMENT, 0, &comment) ==
               WTAP_OPTTYPE_SUCCESS &&
           comment && g_str_has_prefix(comment, "HAR entry ") && strstr(comment, " wss://") &&
           strstr(comment, "(TLS in the browser");
}

/* Direction an element implies by itself (RFC 7395 3.4: the client's <open/>
 * has `to` and no `id`; the server's has `id`). */
static xmppws_dir_t
implied_direction(xml_frame_t *el, const dispatch_row_t *row)
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
    return row->dir;
}

/* ---- The one marker list ------------------------------------------------- */

/* RFC 6120 4.8 / RFC 7395 3.3: the top-level elements a stream carries
 * (with the legacy stream:stream / stream:features / stream:error of
 * pre-RFC 7395 drafts). */
static const char *const top_level_names[] = {
    "open", "close", "stream:stream", "stream:features", "stream:error", "features",
    "iq", "message", "presence", "auth", "challenge", "response", "success", "failure", "abort",
    "starttls", "proceed", "enable", "enabled", "resume", "resumed", "failed", "r", "a",
};

gboolean
xmppws_starts_like_xmpp(const guint8 *p, guint len)
{
    guint name_len = 0, start = 1;
    gsize i;

    len = MIN(len, XMPPWS_SNIFF_LEN);
    if (len < 4 || p[0] != '<')
        return FALSE;
    /* An XML declaration first (NOT RECOMMENDED, RFC 7395 3.3.3, but sent). */
    if (len > 5 && memcmp(p, "<?xml", 5) == 0) {
        const guint8 *end = (const guint8 *)memchr(p, '>', len);
        if (!end)
            return FALSE;
        start = (guint)(end - p) + 1;
        while (start < len && g_ascii_isspace(p[start]))
            start++;
        if (start + 1 >= len || p[start] != '<')
            return FALSE;
        start++;
    }
    while (start + name_len < len && name_len < 20 &&
           (g_ascii_isalpha(p[start + name_len]) || p[start + name_len] == ':'))
        name_len++;
    if (name_len == 0 || start + name_len >= len)
        return FALSE;
    switch (p[start + name_len]) {
    case ' ': case '\t': case '\r': case '\n': case '/': case '>':
        break;
    default:
        return FALSE;
    }
    for (i = 0; i < G_N_ELEMENTS(top_level_names); i++) {
        if (strlen(top_level_names[i]) == name_len && memcmp(top_level_names[i], p + start, name_len) == 0)
            return TRUE;
    }
    return FALSE;
}

gboolean
xmppws_looks_like_xmpp(const guint8 *p, guint len)
{
    /* Element names such as <message> or <open> are common outside XMPP,
     * the namespaces are not: both are required. */
    static const char *const markers[] = {
        "urn:ietf:params:xml:ns:xmpp-", XMPPWS_NS_CLIENT, XMPPWS_NS_SERVER, XMPPWS_NS_STREAMS,
        "http://jabber.org/protocol/", "urn:xmpp:",
    };
    gsize i;

    len = MIN(len, XMPPWS_SNIFF_LEN);
    if (!xmppws_starts_like_xmpp(p, len))
        return FALSE;
    for (i = 0; i < G_N_ELEMENTS(markers); i++) {
        if (ws_memmem(p, len, markers[i], strlen(markers[i])))
            return TRUE;
    }
    return FALSE;
}

/* ---- One unit ------------------------------------------------------------ */

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

/* The unit's stream: its number (what Follow and the filter
 * xmppws.stream == N use) and, under it, its transport, ends and bound JID;
 * hidden, the names Conversations and Endpoints filter on
 * (xmppws_stream_client_name(): the same for every message of the stream
 * once the capture has been read). The names are made only when shown or
 * filtered on. */
static void
add_stream_items(xmppws_ctx_t *ctx)
{
    const xmppws_stream_t *st = ctx->stream;
    packet_info *pinfo = ctx->doc.pinfo;
    tvbuff_t *tvb = ctx->doc.tvb;
    proto_tree *t;
    proto_item *it;
    const char *client, *server;

    it = proto_tree_add_uint(ctx->msg_tree, hf_stream, tvb, 0, 0, st->number);
    proto_item_set_generated(it);
    if (!ctx->msg_tree ||
        !(proto_field_is_referenced(ctx->msg_tree, hf_stream_endpoint) ||
          proto_field_is_referenced(ctx->msg_tree, hf_stream_src) ||
          proto_field_is_referenced(ctx->msg_tree, hf_stream_dst) ||
          proto_field_is_referenced(ctx->msg_tree, hf_stream_client) ||
          proto_field_is_referenced(ctx->msg_tree, hf_stream_server) ||
          proto_field_is_referenced(ctx->msg_tree, hf_stream_jid) ||
          proto_field_is_referenced(ctx->msg_tree, hf_stream_transport)))
        return;
    client = xmppws_stream_client_name(pinfo->pool, st, PINFO_FD_VISITED(pinfo));
    server = xmppws_stream_server_name(pinfo->pool, st);
    proto_item_append_text(it, ", %s " UTF8_LEFT_RIGHT_ARROW " %s", client, server);
    t = proto_item_add_subtree(it, ett_stream);
    proto_item_set_generated(proto_tree_add_string(t, hf_stream_transport, tvb, 0, 0, st->transport));
    /* the client's address (the name is the JID once the capture has been read) */
    proto_item_set_generated(proto_tree_add_string(t, hf_stream_client, tvb, 0, 0,
                                                   PINFO_FD_VISITED(pinfo) && st->bound_jid
                                                       ? xmppws_stream_client_name(pinfo->pool, st, FALSE) : client));
    proto_item_set_generated(proto_tree_add_string(t, hf_stream_server, tvb, 0, 0, server));
    if (st->bound_jid)
        proto_item_set_generated(proto_tree_add_string(t, hf_stream_jid, tvb, 0, 0, st->bound_jid));
    it = proto_tree_add_string(t, hf_stream_endpoint, tvb, 0, 0, client);
    proto_item_set_hidden(it);
    it = proto_tree_add_string(t, hf_stream_endpoint, tvb, 0, 0, server);
    proto_item_set_hidden(it);
    if (ctx->direction != XMPPWS_DIR_UNKNOWN) {
        gboolean c2s = ctx->direction == XMPPWS_DIR_C2S;
        it = proto_tree_add_string(t, hf_stream_src, tvb, 0, 0, c2s ? client : server);
        proto_item_set_hidden(it);
        it = proto_tree_add_string(t, hf_stream_dst, tvb, 0, 0, c2s ? server : client);
        proto_item_set_hidden(it);
    }
}

/* The element's tap record is complete (it is filled whether or not a
 * listener is attached): on the first pass it feeds the stream's health
 * (xmppws.health.*); when a listener is attached it is queued, the unit's
 * first record with the unit's length (Conversations). */
static void
finish_tap(xmppws_ctx_t *ctx)
{
    packet_info *pinfo = ctx->doc.pinfo;
    frame_state_t *fs;

    if (!PINFO_FD_VISITED(pinfo)) {
        if (!ctx->stream->health)
            ctx->stream->health = xmppws_health_new(xmppws_file_scope(pinfo));
        xmppws_health_add(ctx->stream->health, ctx->tap, pinfo);
        ctx->stream->health->last_unit = ctx->msg_index;
    }
    if (!have_tap_listener(xmppws_tap))
        return;
    fs = (frame_state_t *)p_get_proto_data(pinfo->pool, pinfo, proto_xmppws, XMPPWS_KEY_FRAME);
    if (fs && fs->taps++ < XMPPWS_MAX_TAPS_PER_FRAME) {
        ctx->tap->stream = ctx->stream->index;
        ctx->tap->stream_ref = ctx->stream;
        if (!ctx->unit_tapped)
            ctx->tap->unit_bytes = tvb_reported_length(ctx->doc.tvb);
        ctx->tap->later_pass = PINFO_FD_VISITED(pinfo);
        ctx->unit_tapped = TRUE;
        tap_queue_packet(xmppws_tap, pinfo, ctx->tap);
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

    ctx->kind = row ? row->kind : XMPPWS_KIND_OTHER;
    /* Handlers note what the tap wants in ctx->tap; it is queued (and its
     * connection looked up) only when a tap listener is attached. */
    ctx->tap = wmem_new0(pinfo->pool, xmppws_tap_info_t);
    ctx->tap->direction = ctx->direction;
    ctx->tap->kind = ctx->kind;
    if (!ctx->rec)
        ctx->rec = xmppws_track_element(ctx, el);

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
    /* What a payload dissector made of the element leads (its meaning is
     * what a reader looks for: "Finesse PUT User 1001 NOT_READY"); the
     * stanza's own summary follows. */
    if (wmem_strbuf_get_len(ctx->info_lead) > 0) {
        wmem_strbuf_t *both = wmem_strbuf_new(pinfo->pool, wmem_strbuf_get_str(ctx->info_lead));
        ctx->tap->payload_summary = wmem_strbuf_get_str(ctx->info_lead);
        wmem_strbuf_append_printf(both, "; %s", wmem_strbuf_get_str(ctx->info));
        ctx->info = both;
    }

    ctx->tap->summary = wmem_strbuf_get_str(ctx->info);
    if (ctx->rec) {
        ctx->tap->stage = ctx->rec->stage;
        ctx->tap->answers = ctx->rec->answers;
        ctx->tap->request = ctx->rec->request;
    }
    finish_tap(ctx);
}

void
xmppws_tap_stream_end(packet_info *pinfo, const xmppws_stream_t *stream, guint how, gboolean from_server,
                      guint code)
{
    xmppws_tap_info_t *ti;

    if (!have_tap_listener(xmppws_tap) && (PINFO_FD_VISITED(pinfo) || !stream->health))
        return;
    ti = wmem_new0(pinfo->pool, xmppws_tap_info_t);
    ti->stream = stream->index;
    ti->stream_ref = stream;
    ti->direction = from_server ? XMPPWS_DIR_S2C : XMPPWS_DIR_C2S;
    ti->end_how = how;
    ti->end_from_server = from_server;
    ti->end_code = code;
    ti->summary = how == 1 ? "TCP FIN" : how == 2 ? "TCP RST" :
                  code ? wmem_strdup_printf(pinfo->pool, "WebSocket Close %u", code) : "WebSocket Close";
    if (!PINFO_FD_VISITED(pinfo) && stream->health)
        xmppws_health_add(stream->health, ti, pinfo);
    if (have_tap_listener(xmppws_tap))
        tap_queue_packet(xmppws_tap, pinfo, ti);
}

/* The row for element `el`; framing elements in a wrong namespace still get
 * the framing handler (and an expert info). */
static const dispatch_row_t *
row_for(const xmppws_doc_t *doc, xml_frame_t *el)
{
    const dispatch_row_t *row = find_row(doc, el);

    if (!row && el->name_orig_case) {
        if (strcmp(el->name_orig_case, "open") == 0) {
            row = row_by_name(XMPPWS_NS_FRAMING, "open");
        } else if (strcmp(el->name_orig_case, "close") == 0) {
            row = row_by_name(XMPPWS_NS_FRAMING, "close");
        } else if (!xmppws_el_ns(doc, el)) {
            /* Undeclared prefix (flagged elsewhere): go by the local name. */
            guint i;
            for (i = 0; i < dispatch_rows && !row; i++) {
                if (strcmp(dispatch_table[i].local, el->name_orig_case) == 0)
                    row = &dispatch_table[i];
            }
        }
    }
    return row;
}

/* The record of element `n` of a unit on a later pass: from the unit's
 * record, else the tracking's shared default. NULL on the first pass when
 * the unit has no record yet: the tracking makes it. */
static const xmppws_elrec_t *
element_record(const msg_record_t *rec, guint32 n, packet_info *pinfo)
{
    if (rec)
        return rec->elements && n < rec->n_elements && rec->elements[n] ? rec->elements[n] : &xmppws_track_plain;
    return PINFO_FD_VISITED(pinfo) ? &xmppws_track_plain : NULL;
}

/* Note element `n`'s first-pass record; TRUE when it must be kept (it is
 * not the shared default every later pass falls back on). */
static gboolean
store_record(const xmppws_elrec_t **recs, guint32 n, const xmppws_elrec_t *r)
{
    if (!r || r == &xmppws_track_plain)
        return FALSE;
    recs[n] = r;
    return TRUE;
}

/* The wrapper element itself (XEP-0206 <body/>) as the element of slot 0 of
 * its unit: its role is what it does to the stream (an open, a restart, a
 * close; a plain body only carries stanzas); its stage and links go into
 * the transport's subtree, and it gets a tap record of its own (the BOSH
 * request/response pairs: hold times). A terminate is tracked after its
 * children, which XEP-0124 13 has the peer process first. */
static void
dissect_wrapper(xmppws_ctx_t *ctx, xml_frame_t *body, const xmppws_wrap_t *w, const msg_record_t *rec,
                const xmppws_elrec_t **recs, gboolean *keep)
{
    packet_info *pinfo = ctx->doc.pinfo;
    proto_tree *saved = ctx->msg_tree;

    switch (w->role) {
    case XMPPWS_WRAP_OPEN:
    case XMPPWS_WRAP_RESTART:
        ctx->kind = XMPPWS_KIND_OPEN;
        break;
    case XMPPWS_WRAP_TERMINATE:
        ctx->kind = XMPPWS_KIND_CLOSE;
        break;
    default:
        ctx->kind = XMPPWS_KIND_BOSH_BODY;
        break;
    }
    ctx->el_index = 0;
    ctx->tap = wmem_new0(pinfo->pool, xmppws_tap_info_t);
    ctx->tap->direction = ctx->direction;
    ctx->tap->kind = ctx->kind;
    ctx->tap->summary = wmem_strbuf_get_str(w->info);
    ctx->tap->request = w->request;
    ctx->tap->answers = w->answers;
    ctx->rec = element_record(rec, 0, pinfo);
    if (w->role != XMPPWS_WRAP_UNTRACKED) {
        if (!ctx->rec)
            ctx->rec = xmppws_track_element(ctx, body);
        if (recs)
            *keep |= store_record(recs, 0, ctx->rec);
        ctx->msg_tree = w->tree ? w->tree : saved;
        xmppws_track_show(ctx, body);
        ctx->msg_tree = saved;
        ctx->tap->stage = ctx->rec->stage;
    } else {
        ctx->tap->stage = XMPPWS_STAGE_CLOSED;   /* a second terminate of one side */
    }
    finish_tap(ctx);
}

int
xmppws_dissect_unit(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const xmppws_unit_t *unit)
{
    frame_state_t *fs;
    msg_record_t *rec = NULL;
    xmppws_ctx_t ctx;
    proto_item *ti, *di;
    xml_frame_t *root = NULL, *el, *first = NULL;
    wmem_strbuf_t *summary = wmem_strbuf_new(pinfo->pool, "");
    const xmppws_elrec_t **recs = NULL;   /* first pass: the elements' records */
    gboolean keep = FALSE;                /* first pass: a record of this unit is needed */
    guint32 msg_index, msg_key;
    int elements = 0;
    xml_frame_t *parent = NULL;           /* whose children are the top-level elements */
    xmppws_wrap_t wrap;
    guint32 slot0 = 0;                    /* record slot of the first top-level element */
    const char *protocol = unit->wrapper ? "XMPP/BOSH" : "XMPP/WS";

    fs = (frame_state_t *)p_get_proto_data(pinfo->pool, pinfo, proto_xmppws, XMPPWS_KEY_FRAME);
    if (!fs) {
        fs = wmem_new0(pinfo->pool, frame_state_t);
        fs->info = wmem_strbuf_new(pinfo->pool, "");
        p_add_proto_data(pinfo->pool, pinfo, proto_xmppws, XMPPWS_KEY_FRAME, fs);
    }
    msg_index = fs->messages++;
    msg_key = XMPPWS_KEY_MSG + msg_index;

    memset(&ctx, 0, sizeof ctx);
    ctx.doc.tvb = tvb;
    ctx.doc.pinfo = pinfo;
    ctx.stream = unit->stream;
    ctx.unit = unit;
    ctx.msg_index = msg_index;

    ti = proto_tree_add_item(tree, proto_xmppws, tvb, 0, -1, ENC_NA);
    ctx.msg_item = ti;
    ctx.msg_tree = proto_item_add_subtree(ti, ett_xmppws);

    /* RFC 7395 3.2: text frames carry UTF-8. A UTF-16 byte-order mark would
     * make the XML dissector parse a re-encoded copy whose offsets are not
     * ours: show the bytes and stop. */
    if (tvb_captured_length(tvb) >= 2 && (tvb_get_ntohs(tvb, 0) == 0xFEFF || tvb_get_ntohs(tvb, 0) == 0xFFFE)) {
        proto_tree_add_expert(ctx.msg_tree, pinfo, &ei_utf16, tvb, 0, 2);
        col_set_str(pinfo->cinfo, COL_PROTOCOL, protocol);
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

    /* Tokenize: a unit that is one well-formed element (RFC 7395 3.3.3,
     * nearly all) gets its element tree from the one-pass scanner
     * (xmppws-xml-scan.c); anything else, or everything when the user wants
     * the XML tree shown, from Wireshark's XML dissector (xmppws-xml.c). */
    if (tvb_captured_length(tvb) >= 2) {
        /* (4.0's XML dissector reads a 2-byte BOM without a length check) */
        root = xmppws_xml_unit_tree(pinfo, tvb, pref_show_xml_tree ? ctx.msg_tree : NULL);
    } else {
        root = wmem_new0(pinfo->pool, xml_frame_t);   /* no element at all */
        root->type = XML_FRAME_ROOT;
    }
    col_set_str(pinfo->cinfo, COL_PROTOCOL, protocol);

    if (root) {
        for (el = root->first_child; el; el = el->next_sibling) {
            if (el->type == XML_FRAME_TAG) {
                if (!first)
                    first = el;
                elements++;
            }
        }
        parent = root;
    }

    /* A wrapper (XEP-0206 <body/>): the transport dissects it and names the
     * stream; its children are the top-level elements, in slots 1.. of the
     * unit's record (slot 0 is the wrapper's). */
    memset(&wrap, 0, sizeof wrap);
    if (unit->wrapper) {
        ctx.direction = unit->direction;
        wrap.info = wmem_strbuf_new(pinfo->pool, "");
        unit->wrapper(&ctx, root ? first : NULL, &wrap);
        ctx.stream = wrap.stream;
        wmem_strbuf_append(summary, wmem_strbuf_get_str(wrap.info));
        if (!ctx.stream || !first) {
            root = NULL;   /* nothing more to dissect */
            goto columns;
        }
        parent = first;
        elements = (int)xmppws_el_child_count(first) + 1;
        slot0 = 1;
        if (elements > 1)
            wmem_strbuf_append(summary, ": ");
    }

    /* Direction: the transport's when it knows (WebSocket masking, the BOSH
     * request/response), else the stream's server once known, else what the
     * first element implies (kept in the unit's record). */
    rec = (msg_record_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_xmppws, msg_key);
    if (unit->wrapper) {
        keep = TRUE;   /* the wrapper's record is needed on later passes */
    } else if (unit->direction != XMPPWS_DIR_UNKNOWN) {
        ctx.direction = unit->direction;
    } else if (rec) {
        ctx.direction = rec->direction;
    } else if (PINFO_FD_VISITED(pinfo) || ctx.stream->direction_known) {
        ctx.direction = xmppws_stream_direction(ctx.stream, pinfo);
    } else {
        ctx.direction = first ? implied_direction(first, row_for(&ctx.doc, first)) : XMPPWS_DIR_UNKNOWN;
        if (ctx.direction != XMPPWS_DIR_UNKNOWN)
            xmppws_stream_set_server(ctx.stream, pinfo, ctx.direction == XMPPWS_DIR_S2C);
        keep = TRUE;
    }
    if (!PINFO_FD_VISITED(pinfo) && elements > 0)
        recs = wmem_alloc0_array(pinfo->pool, const xmppws_elrec_t *, elements + 1);
    di = proto_tree_add_uint(ctx.msg_tree, hf_direction, tvb, 0, 0, ctx.direction);
    proto_item_set_generated(di);
    add_stream_items(&ctx);

    if (unit->wrapper && wrap.role != XMPPWS_WRAP_TERMINATE)
        dissect_wrapper(&ctx, first, &wrap, rec, recs, &keep);

    if (!root) {
        proto_tree_add_expert(ctx.msg_tree, pinfo, &ei_xml_disabled, tvb, 0, -1);
        wmem_strbuf_append(summary, "(XML dissector disabled)");
    } else {
        guint32 n = 0;
        if (!unit->wrapper && elements == 0 && tvb_captured_length(tvb) >= 16 && tvb_strneql(tvb, 0, "</stream:stream", 15) == 0) {
            /* A legacy close has no element of its own: give it one. */
            xml_frame_t *fake = wmem_new0(pinfo->pool, xml_frame_t);
            fake->type = XML_FRAME_TAG;
            fake->name = fake->name_orig_case = "stream";
            fake->length = tvb_captured_length(tvb);
            ctx.info = wmem_strbuf_new(pinfo->pool, "");
            ctx.info_lead = wmem_strbuf_new(pinfo->pool, "");
            ctx.el_index = 0;
            ctx.rec = element_record(rec, 0, pinfo);
            dissect_element(&ctx, fake, &legacy_close_row);
            if (!PINFO_FD_VISITED(pinfo) && !rec) {
                recs = wmem_alloc0_array(pinfo->pool, const xmppws_elrec_t *, 1);
                keep |= store_record(recs, 0, ctx.rec);
            }
            wmem_strbuf_append(summary, wmem_strbuf_get_str(ctx.info));
            elements = -1;
        }
        for (el = parent->first_child; el; el = el->next_sibling) {
            if (el->type != XML_FRAME_TAG)
                continue;
            ctx.info = wmem_strbuf_new(pinfo->pool, "");
            ctx.info_lead = wmem_strbuf_new(pinfo->pool, "");
            ctx.el_index = slot0 + n;
            ctx.rec = element_record(rec, slot0 + n, pinfo);
            dissect_element(&ctx, el, row_for(&ctx.doc, el));
            if (recs && !rec)
                keep |= store_record(recs, slot0 + n, ctx.rec);
            /* The Info column names the first elements of a batch, then counts. */
            if (n < INFO_MAX_ELEMENTS) {
                if (n)
                    wmem_strbuf_append(summary, ", ");
                wmem_strbuf_append(summary, wmem_strbuf_get_str(ctx.info));
            } else if (n == INFO_MAX_ELEMENTS) {
                wmem_strbuf_append_printf(summary, ", " UTF8_HORIZONTAL_ELLIPSIS " (%d elements)",
                                          elements - (int)slot0);
            }
            n++;
        }
        if (unit->wrapper) {
            /* XEP-0124 holds several elements per body: no RFC 7395 3.3.3 check */
            if (wrap.role == XMPPWS_WRAP_TERMINATE)
                dissect_wrapper(&ctx, first, &wrap, rec, recs, &keep);
        } else if (elements >= 0) {
            check_message(&ctx, root, elements);
        }
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
    if (ctx.stream)
        xmppws_health_show(ctx.msg_tree, tvb, pinfo, ctx.stream, msg_index);
    /* Follow XMPP Stream (xmppws-follow.c): the whole unit, with its tree. */
    if (ctx.stream && have_tap_listener(follow_tap)) {
        xmppws_follow_unit_t *fu = wmem_new0(pinfo->pool, xmppws_follow_unit_t);
        fu->stream = ctx.stream;
        fu->direction = ctx.direction;
        fu->tvb = tvb;
        fu->root = root;
        tap_queue_packet(follow_tap, pinfo, fu);
    }
    /* First pass: keep what later passes cannot work out again. */
    if (keep && !rec && !PINFO_FD_VISITED(pinfo)) {
        rec = wmem_new0(xmppws_file_scope(pinfo), msg_record_t);
        rec->direction = ctx.direction;
        if (recs && elements != 0) {
            rec->n_elements = elements < 0 ? 1 : (guint32)elements;
            rec->elements = (const xmppws_elrec_t **)wmem_memdup(xmppws_file_scope(pinfo), recs,
                                                                 rec->n_elements * sizeof *recs);
        }
        p_add_proto_data(xmppws_file_scope(pinfo), pinfo, proto_xmppws, msg_key, rec);
    }
    proto_item_append_text(ti, ", %s%s", ctx.direction == XMPPWS_DIR_C2S ? "C" UTF8_RIGHTWARDS_ARROW "S: " :
                                         ctx.direction == XMPPWS_DIR_S2C ? "S" UTF8_RIGHTWARDS_ARROW "C: " : "",
                           wmem_strbuf_get_str(summary));

    /* The transport may have written the Info column for this frame (e.g.
     * WebSocket, for every frame it parses): ours replaces it, rebuilt from
     * all units of the frame so far. */
    if (wmem_strbuf_get_len(fs->info) > 0)
        wmem_strbuf_append(fs->info, " | ");
    wmem_strbuf_append(fs->info, wmem_strbuf_get_str(summary));
    col_clear_fence(pinfo->cinfo, COL_INFO);
    col_clear(pinfo->cinfo, COL_INFO);
    col_add_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(fs->info));
    return tvb_captured_length(tvb);
}

void
xmppws_register_core(int proto, module_t *module)
{
    static hf_register_info hf[] = {
        { &hf_direction, { "Direction", "xmppws.direction", FT_UINT8, BASE_DEC, VALS(direction_vals), 0x0,
            "1 = client to server, 2 = server to client: from the HTTP upgrade when captured, else inferred "
            "from the first message whose direction RFC 7395/RFC 6120 imply", HFILL } },
        { &hf_stream, { "Stream", "xmppws.stream", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The XMPP stream this message belongs to, numbered from 0 in the order the capture shows them "
            "(one WebSocket connection; a BOSH session across its connections): what Follow XMPP Stream uses",
            HFILL } },
        { &hf_stream_transport, { "Transport", "xmppws.stream.transport", FT_STRING, BASE_NONE, NULL, 0x0,
            "ws, wss (RFC 7395), BOSH or BOSH/TLS (XEP-0206)", HFILL } },
        { &hf_stream_client, { "Client", "xmppws.stream.client", FT_STRING, BASE_NONE, NULL, 0x0,
            "The client's address and port (a BOSH session's client: its address)", HFILL } },
        { &hf_stream_server, { "Server", "xmppws.stream.server", FT_STRING, BASE_NONE, NULL, 0x0,
            "The transport and the server's address and port", HFILL } },
        { &hf_stream_jid, { "Bound JID", "xmppws.stream.jid", FT_STRING, BASE_NONE, NULL, 0x0,
            "The full JID the server bound for this stream (RFC 6120 7.6.1): on every message once the "
            "capture has been read (tshark -2), after the bind on a single pass", HFILL } },
        { &hf_stream_endpoint, { "Endpoint", "xmppws.stream.endpoint", FT_STRING, BASE_NONE, NULL, 0x0,
            "Either end of the stream as Statistics > Conversations and Endpoints name it: the bound JID "
            "(else the client's address) and the server", HFILL } },
        { &hf_stream_src, { "Source endpoint", "xmppws.stream.src", FT_STRING, BASE_NONE, NULL, 0x0,
            "The end that sent this message, named as xmppws.stream.endpoint", HFILL } },
        { &hf_stream_dst, { "Destination endpoint", "xmppws.stream.dst", FT_STRING, BASE_NONE, NULL, 0x0,
            "The end this message was sent to, named as xmppws.stream.endpoint", HFILL } },
    };
    static gint *ett[] = { &ett_xmppws, &ett_stream };
    static ei_register_info ei[] = {
        { &ei_no_element, { "xmppws.no_element", PI_MALFORMED, PI_ERROR,
            "The message holds no XML element; RFC 7395 3.3.3 wants exactly one complete element per message",
            EXPFILL } },
        { &ei_xml_disabled, { "xmppws.xml_disabled", PI_UNDECODED, PI_WARN,
            "The XML dissector is disabled: XMPP is not dissected",
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
    expert_module_t *em;

    proto_xmppws = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, array_length(ei));

    prefs_register_bool_preference(module, "show_xml_tree", "Show the XML tree of each message",
                                   "Also show Wireshark's generic XML tree under each XMPP message "
                                   "(the XMPP fields already point at their bytes)",
                                   &pref_show_xml_tree);
    xmppws_tap = register_tap("xmppws");
    follow_tap = register_tap(XMPPWS_FOLLOW_TAP);
    register_init_routine(core_init);
}

