/* xmppws-follow.c
 * Follow XMPP Stream: see xmppws-follow.h. The follow framework (epan/follow.h)
 * registers a tap listener on "xmppws_follow" with the filter
 * "xmppws.stream == N" and gets one xmppws_follow_unit_t per unit; this
 * file turns each into a follow_record_t in the framework's follow_info_t,
 * which tshark (-z follow,xmppws,...) and the GUI's Follow dialog print.
 *
 * Direction is the core's (WebSocket masking, the BOSH request/response),
 * not the TCP ports: a BOSH session's client uses a new port on each
 * connection. A frame whose units belong to two streams (not seen from
 * real peers: one TCP segment is one connection) shows both.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/epan_dissect.h>
#include <epan/follow.h>
#include <epan/tap.h>
#include <epan/to_str.h>

#include "xmppws-core.h"
#include "xmppws-follow.h"
#include "xmppws-xml.h"

/* ---- Escaped XML, unescaped and indented -------------------------------- */

#define INDENT_MAX 32   /* deeper levels are written at this depth */
#define NEST_MAX   3    /* escaped XML inside escaped XML: levels unescaped */

/* GMarkup callbacks' state: the output and the open elements. */
typedef struct {
    GString  *out;
    int       base;            /* indentation of the payload's top level */
    int       nest;            /* 0, or how deep this document is escaped inside another */
    int       depth;
    gboolean  tag_open;        /* "<name attrs" written, ">" or "/>" not yet */
    gboolean  had_child[INDENT_MAX + 1];
    GString  *text;            /* text of the innermost element so far */
} pretty_t;

static char *pretty_xml(const char *xml, gsize len, int base, int nest);
static char *pretty_inner(const pretty_t *p, const char *text);

static void
pretty_indent(pretty_t *p, int depth)
{
    g_string_append_c(p->out, '\n');
    for (int i = 0; i < p->base + MIN(depth, INDENT_MAX); i++)
        g_string_append(p->out, "  ");
}

/* Write text that is more than whitespace (mixed content) on a line of its own. */
static void
pretty_flush_text(pretty_t *p)
{
    char *t = g_strstrip(g_strdup(p->text->str));

    if (*t) {
        char *esc = g_markup_escape_text(t, -1);
        if (p->tag_open)
            g_string_append_c(p->out, '>');
        p->tag_open = FALSE;
        pretty_indent(p, p->depth);
        g_string_append(p->out, esc);
        g_free(esc);
    }
    g_free(t);
    g_string_truncate(p->text, 0);
}

static void
pretty_start(GMarkupParseContext *ctx _U_, const gchar *name, const gchar **attr_names, const gchar **attr_values,
             gpointer data, GError **err _U_)
{
    pretty_t *p = (pretty_t *)data;

    pretty_flush_text(p);
    if (p->tag_open)
        g_string_append_c(p->out, '>');
    if (p->depth > 0)
        p->had_child[MIN(p->depth - 1, INDENT_MAX)] = TRUE;
    pretty_indent(p, p->depth);
    g_string_append_printf(p->out, "<%s", name);
    for (int i = 0; attr_names[i]; i++) {
        char *esc = g_markup_escape_text(attr_values[i], -1);
        g_string_append_printf(p->out, " %s=\"%s\"", attr_names[i], esc);
        g_free(esc);
    }
    p->tag_open = TRUE;
    p->had_child[MIN(p->depth, INDENT_MAX)] = FALSE;
    p->depth++;
}

static void
pretty_end(GMarkupParseContext *ctx _U_, const gchar *name, gpointer data, GError **err _U_)
{
    pretty_t *p = (pretty_t *)data;
    char *t, *inner;

    p->depth--;
    if (p->had_child[MIN(p->depth, INDENT_MAX)]) {
        pretty_flush_text(p);
        pretty_indent(p, p->depth);
        g_string_append_printf(p->out, "</%s>", name);
        return;
    }
    /* a leaf: <state>READY</state> on one line, <empty/>; escaped XML as
     * a block of its own */
    t = g_strstrip(g_strdup(p->text->str));
    g_string_truncate(p->text, 0);
    inner = *t ? pretty_inner(p, t) : NULL;
    if (inner) {
        g_string_append_printf(p->out, ">%s", inner);
        pretty_indent(p, p->depth);
        g_string_append_printf(p->out, "</%s>", name);
        g_free(inner);
    } else if (*t) {
        char *esc = g_markup_escape_text(t, -1);
        g_string_append_printf(p->out, ">%s</%s>", esc, name);
        g_free(esc);
    } else {
        g_string_append(p->out, "/>");
    }
    g_free(t);
    p->tag_open = FALSE;
}

static void
pretty_textcb(GMarkupParseContext *ctx _U_, const gchar *text, gsize len, gpointer data, GError **err _U_)
{
    g_string_append_len(((pretty_t *)data)->text, text, len);
}

/* <?xml ...?> and comments: kept, on a line of their own. */
static void
pretty_passthrough(GMarkupParseContext *ctx _U_, const gchar *text, gsize len, gpointer data, GError **err _U_)
{
    pretty_t *p = (pretty_t *)data;

    pretty_flush_text(p);
    if (p->tag_open)
        g_string_append_c(p->out, '>');
    p->tag_open = FALSE;
    pretty_indent(p, p->depth);
    g_string_append_len(p->out, text, len);
}

static const GMarkupParser pretty_parser = {
    pretty_start, pretty_end, pretty_textcb, pretty_passthrough, NULL
};

/* Text that is itself XML (escaped in the document: GMarkup hands it over
 * unescaped), as a block one level deeper; NULL when it is not. */
static char *
pretty_inner(const pretty_t *p, const char *text)
{
    return p->nest < NEST_MAX && *text == '<'
               ? pretty_xml(text, strlen(text), p->base + MIN(p->depth, INDENT_MAX) + 1, p->nest + 1) : NULL;
}

/* The `len` bytes of XML at `xml` one element per line at indentation
 * `base`, or NULL when GMarkup does not read them as one well-formed
 * document (or they hold a NUL, which XML 1.0 does not allow). */
static char *
pretty_xml(const char *xml, gsize len, int base, int nest)
{
    pretty_t p;
    GMarkupParseContext *ctx;
    gboolean ok;

    if (memchr(xml, '\0', len))
        return NULL;
    memset(&p, 0, sizeof p);
    p.out = g_string_new(NULL);
    p.text = g_string_new(NULL);
    p.base = base;
    p.nest = nest;
    ctx = g_markup_parse_context_new(&pretty_parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &p, NULL);
    ok = g_markup_parse_context_parse(ctx, xml, (gssize)len, NULL) && g_markup_parse_context_end_parse(ctx, NULL) &&
         p.depth == 0 && p.out->len > 0;
    g_markup_parse_context_free(ctx);
    g_string_free(p.text, TRUE);
    if (!ok) {
        g_string_free(p.out, TRUE);
        return NULL;
    }
    return g_string_free(p.out, FALSE);
}

/* TRUE when node `f` spans bytes of the unit (`len` bytes). */
static gboolean
in_unit(const xml_frame_t *f, guint len)
{
    return f->start_offset >= 0 && f->length > 0 && (guint)f->start_offset + (guint)f->length <= len;
}

/* TRUE when text node `f` (in the unit) holds escaped markup. */
static gboolean
has_escaped_markup(const guint8 *data, const xml_frame_t *f)
{
    return g_strstr_len((const char *)data + f->start_offset, f->length, "&lt;") != NULL;
}

/* The escaped XML of text node `f` (in the unit), pretty at indentation
 * `base`, or NULL. */
static char *
escaped_payload(const guint8 *data, const xml_frame_t *f, int base)
{
    const char *lead;
    gsize ulen;
    char *un, *pretty;
    gboolean ok;

    if (!has_escaped_markup(data, f))
        return NULL;
    un = xmppws_xml_unescape(NULL, (const char *)data + f->start_offset, (gsize)f->length, &ulen, &ok);
    lead = un;
    while (g_ascii_isspace(*lead))
        lead++;
    pretty = ok && *lead == '<' ? pretty_xml(un, ulen, base, 1) : NULL;
    wmem_free(NULL, un);
    return pretty;
}

/* TRUE for the payload of a XEP-0060 item (7.1.2, 8.x: the child of <item/>)
 * that holds XML: elements, or text with escaped XML in it (Cisco Finesse's
 * <notification/> carries its <Update/> either way). */
static gboolean
item_payload(const guint8 *data, guint len, const xml_frame_t *f)
{
    const xml_frame_t *c;
    const char *parent;

    if (f->type != XML_FRAME_TAG || !f->parent || f->parent->type != XML_FRAME_TAG || !f->parent->name_orig_case)
        return FALSE;
    parent = strchr(f->parent->name_orig_case, ':');
    parent = parent ? parent + 1 : f->parent->name_orig_case;
    if (strcmp(parent, "item") != 0)
        return FALSE;
    for (c = f->first_child; c; c = c->next_sibling) {
        if (c->type == XML_FRAME_TAG)
            return TRUE;
        if (c->type == XML_FRAME_CDATA && in_unit(c, len) && has_escaped_markup(data, c))
            return TRUE;
    }
    return FALSE;
}

/* The node a depth-first walk of `root` visits after `f` and its subtree;
 * NULL at the end. */
static xml_frame_t *
after(xml_frame_t *f, const xml_frame_t *root)
{
    while (f && !f->next_sibling && f != root)
        f = f->parent;
    return f && f != root ? f->next_sibling : NULL;
}

char *
xmppws_follow_text(const guint8 *data, guint len, xml_frame_t *root, gsize *out_len)
{
    GString *out = g_string_sized_new(len + 2);
    guint pos = 0;
    xml_frame_t *f = root ? root->first_child : NULL;

    /* Depth first over the tree; text nodes come in document order. A
     * node written pretty replaces its bytes, subtree and all. */
    while (f) {
        char *pretty = NULL;

        if (in_unit(f, len) && (guint)f->start_offset >= pos) {
            if (item_payload(data, len, f))   /* the payload and any escaped XML in it, as one block */
                pretty = pretty_xml((const char *)data + f->start_offset, (gsize)f->length, 1, 0);
            else if (f->type == XML_FRAME_CDATA)
                pretty = escaped_payload(data, f, 1);
        }
        if (pretty) {
            g_string_append_len(out, (const char *)data + pos, f->start_offset - pos);
            g_string_append(out, pretty);
            g_string_append_c(out, '\n');
            pos = (guint)(f->start_offset + f->length);
            g_free(pretty);
            f = after(f, root);
        } else {
            f = f->type == XML_FRAME_TAG && f->first_child ? f->first_child : after(f, root);
        }
    }
    if (pos < len)
        g_string_append_len(out, (const char *)data + pos, len - pos);
    if (out->len == 0 || out->str[out->len - 1] != '\n')
        g_string_append_c(out, '\n');
    *out_len = out->len;
    return g_string_free(out, FALSE);
}

/* ---- The follower --------------------------------------------------------- */

static int hf_stream = -1;   /* xmppws.stream, looked up when first needed */

static tap_packet_status
follow_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    follow_info_t *fi = (follow_info_t *)tapdata;
    const xmppws_follow_unit_t *fu = (const xmppws_follow_unit_t *)data;
    const xmppws_stream_t *st = fu->stream;
    follow_record_t *rec;
    guint len = tvb_captured_length(fu->tvb);
    gsize n;
    char *text;

    /* The ends, from the first unit: the stream's own (a BOSH session's
     * client has a port per connection: its first), else the frame's. */
    if (fi->client_port == 0 && fi->client_ip.type == AT_NONE) {
        gboolean src_is_client = fu->direction != XMPPWS_DIR_S2C;
        if (st->direction_known) {
            copy_address(&fi->client_ip, &st->client_addr);
            copy_address(&fi->server_ip, &st->server_addr);
            fi->client_port = st->client_port;
            fi->server_port = st->server_port;
        } else {
            copy_address(&fi->client_ip, src_is_client ? &pinfo->src : &pinfo->dst);
            copy_address(&fi->server_ip, src_is_client ? &pinfo->dst : &pinfo->src);
            fi->client_port = src_is_client ? pinfo->srcport : pinfo->destport;
            fi->server_port = src_is_client ? pinfo->destport : pinfo->srcport;
        }
    }
    text = xmppws_follow_text(tvb_get_ptr(fu->tvb, 0, len), len, fu->root, &n);
    rec = g_new0(follow_record_t, 1);
    rec->is_server = fu->direction == XMPPWS_DIR_S2C;
    rec->packet_num = pinfo->num;
    rec->abs_ts = pinfo->abs_ts;
    rec->data = g_byte_array_sized_new((guint)n);
    g_byte_array_append(rec->data, (const guint8 *)text, (guint)n);
    g_free(text);
    fi->bytes_written[rec->is_server] += (guint)n;
    fi->payload = g_list_prepend(fi->payload, rec);
    return TAP_PACKET_DONT_REDRAW;
}

/* The filter of the selected packet's stream (the GUI: Follow from a packet). */
static gchar *
follow_conv_filter(epan_dissect_t *edt, packet_info *pinfo _U_, guint *stream, guint *sub_stream _U_)
{
    GPtrArray *found;
    gchar *filter = NULL;

    if (hf_stream < 0)
        hf_stream = proto_registrar_get_id_byname("xmppws.stream");
    if (!edt || !edt->tree || hf_stream < 0)
        return NULL;
    found = proto_find_first_finfo(edt->tree, hf_stream);
    if (found && found->len > 0) {
        field_info *fi = (field_info *)g_ptr_array_index(found, 0);
        *stream = fvalue_get_uinteger(XMPPWS_FI_VALUE(fi));
        filter = g_strdup_printf("xmppws.stream eq %u", *stream);
    }
    if (found)
        g_ptr_array_free(found, TRUE);
    return filter;
}

static gchar *
follow_index_filter(guint stream, guint sub_stream _U_)
{
    return g_strdup_printf("xmppws.stream eq %u", stream);
}

/* tshark -z follow,xmppws,MODE,ADDR:PORT,ADDR:PORT: the streams of that
 * TCP connection (a BOSH session's other connections are not in it). */
static gchar *
follow_address_filter(address *src_addr, address *dst_addr, int src_port, int dst_port)
{
    const char *ip = src_addr->type == AT_IPv6 ? "ipv6" : "ip";
    gchar *src = address_to_str(NULL, src_addr), *dst = address_to_str(NULL, dst_addr);
    gchar *filter = g_strdup_printf("xmppws && ((%s.src eq %s && tcp.srcport eq %d && %s.dst eq %s && tcp.dstport eq %d) || "
                                    "(%s.src eq %s && tcp.srcport eq %d && %s.dst eq %s && tcp.dstport eq %d))",
                                    ip, src, src_port, ip, dst, dst_port, ip, dst, dst_port, ip, src, src_port);
    wmem_free(NULL, src);
    wmem_free(NULL, dst);
    return filter;
}

static gchar *
follow_port_to_display(wmem_allocator_t *allocator, guint port)
{
    return wmem_strdup_printf(allocator, "%u", port);
}

#if XMPPWS_WS_AT_LEAST(4, 2)
/* 4.2 and later: the GUI's stream number spin box goes up to this. */
static uint32_t
follow_stream_count(void)
{
    return xmppws_stream_count();
}
#endif

void
xmppws_register_follow(int proto)
{
#if XMPPWS_WS_AT_LEAST(4, 2)
    register_follow_stream(proto, XMPPWS_FOLLOW_TAP, follow_conv_filter, follow_index_filter, follow_address_filter,
                           follow_port_to_display, follow_packet, follow_stream_count,
                           NULL /* no sub-streams: tshark then takes "follow,xmppws,MODE,N" */);
#else
    register_follow_stream(proto, XMPPWS_FOLLOW_TAP, follow_conv_filter, follow_index_filter, follow_address_filter,
                           follow_port_to_display, follow_packet);
#endif
}
