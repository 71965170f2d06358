/* xmppws-xml.c
 * Helpers that read the element tree Wireshark's XML dissector builds
 * (xml_frame_t, packet-xml.h): namespace resolution, attributes, text, and
 * XML unescaping. The XML dissector is Wireshark's; what it does not do
 * (namespaces: it strips prefixes; entities: it keeps them as written) is done
 * here, because it is what XMPP semantics need.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/proto_data.h>
#include <epan/exceptions.h>
#include <wsutil/str_util.h>
#include <wsutil/utf8_entities.h>

#include "xmppws-compat.h"
#include "xmppws.h"
#include "xmppws-xml.h"
#include "xmppws-xml-scan.h"

#define XML_NS_XML "http://www.w3.org/XML/1998/namespace"
#define MAX_QNAME_LEN 128    /* longer qualified names are not XMPP names */
#define INFO_VALUE_MAX 80    /* characters of one value in the Info column */

/* Wireshark's XML dissector, reached through a string table of ours so
 * that it can be called without becoming one more of the frame's layers
 * (packet.c asserts fewer than gui.max_tree_depth layers per frame, and a
 * segment can carry hundreds of messages). */
static dissector_table_t xml_table;
static int proto_xml = -1;

/* Preference xmppws.fast_xml: build the trees of well-formed input with the
 * scanner (xmppws-xml-scan.c). Off, the XML dissector builds every tree
 * (the tests compare the two). */
static xmppws_pref_bool_t pref_fast_xml = TRUE;

void
xmppws_register_xml(int proto, module_t *module)
{
    xml_table = register_dissector_table("xmppws.xml", "XMPP/WS element-tree builder", proto, FT_STRING,
                                         FALSE);
    prefs_register_bool_preference(module, "fast_xml", "Tokenize well-formed messages in one pass",
                                   "Build the element tree of well-formed messages and payloads with the "
                                   "plugin's own scanner, which gives the same tree as Wireshark's XML "
                                   "dissector; off, the XML dissector builds every tree",
                                   &pref_fast_xml);
}

void
xmppws_handoff_xml(int proto)
{
    dissector_handle_t xml = find_dissector_add_dependency("xml", proto);

    proto_xml = dissector_handle_get_protocol_index(xml);
    dissector_add_string("xmppws.xml", "xml", xml);
}

gboolean
xmppws_xml_enabled(void)
{
    return proto_xml > 0 && proto_is_protocol_enabled(find_protocol_by_id(proto_xml));
}

static xml_frame_t *
xmppws_xml_dissector_tree(packet_info *pinfo, tvbuff_t *tvb, proto_tree *show)
{
    gboolean restore = pinfo->cinfo && col_get_writable(pinfo->cinfo, COL_PROTOCOL);
    xml_frame_t *root = NULL;

    if (!xmppws_xml_enabled())
        return NULL;
    /* The XML dissector would append "/XML" to the Protocol column. */
    if (restore)
        col_set_writable(pinfo->cinfo, COL_PROTOCOL, FALSE);
    p_remove_proto_data(pinfo->pool, pinfo, proto_xml, 0);
    TRY {
        if (xmppws_try_string_no_layer(xml_table, "xml", tvb, pinfo, show, NULL) > 0)
            root = (xml_frame_t *)p_get_proto_data(pinfo->pool, pinfo, proto_xml, 0);
    }
    FINALLY {
        if (restore)
            col_set_writable(pinfo->cinfo, COL_PROTOCOL, TRUE);
    }
    ENDTRY;
    return root;
}

xml_frame_t *
xmppws_xml_tree(packet_info *pinfo, tvbuff_t *tvb, gboolean well_formed, proto_tree *show)
{
    xml_frame_t *root = NULL;

    if (well_formed && pref_fast_xml && !show && xmppws_xml_enabled())
        root = xmppws_xml_build_tree(pinfo, tvb);
    if (!root)
        root = xmppws_xml_dissector_tree(pinfo, tvb, show);
    return root;
}

xml_frame_t *
xmppws_xml_unit_tree(packet_info *pinfo, tvbuff_t *tvb, proto_tree *show)
{
    xml_frame_t *root = NULL;

    if (pref_fast_xml && !show && xmppws_xml_enabled())
        root = xmppws_xml_fast_tree(pinfo, tvb);
    if (!root)
        root = xmppws_xml_dissector_tree(pinfo, tvb, show);
    return root;
}

static gboolean
is_name_end(guint8 c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>';
}

/* Copy the prefix of el's qualified name into buf (size MAX_QNAME_LEN+1).
 * Returns TRUE when the name has a prefix. */
static gboolean
get_prefix(const xmppws_doc_t *doc, xml_frame_t *el, char *buf)
{
    int off = el->start_offset + 1;   /* after '<' */
    int end = tvb_captured_length(doc->tvb);
    int i;

    if (el->type != XML_FRAME_TAG || off >= end || off < 1)
        return FALSE;
    for (i = 0; i < MAX_QNAME_LEN && off + i < end; i++) {
        guint8 c = tvb_get_uint8(doc->tvb, off + i);
        if (is_name_end(c))
            return FALSE;
        if (c == ':') {
            if (i == 0)
                return FALSE;
            tvb_memcpy(doc->tvb, buf, off, i);
            buf[i] = '\0';
            return TRUE;
        }
    }
    return FALSE;
}

const char *
xmppws_el_prefix(const xmppws_doc_t *doc, xml_frame_t *el)
{
    char buf[MAX_QNAME_LEN + 1];

    if (!get_prefix(doc, el, buf))
        return NULL;
    return wmem_strdup(doc->pinfo->pool, buf);
}

/* The attribute frame that declares el's namespace, or NULL. *has_prefix
 * tells whether el is prefixed; *is_xml whether the prefix is "xml". */
static xml_frame_t *
ns_decl(const xmppws_doc_t *doc, xml_frame_t *el, gboolean *has_prefix, gboolean *is_xml)
{
    char prefix[MAX_QNAME_LEN + 1];
    char want[MAX_QNAME_LEN + 8];
    xml_frame_t *f;

    *is_xml = FALSE;
    *has_prefix = get_prefix(doc, el, prefix);
    if (*has_prefix) {
        if (strcmp(prefix, "xml") == 0) {
            *is_xml = TRUE;
            return NULL;
        }
        snprintf(want, sizeof want, "xmlns:%s", prefix);
    } else {
        g_strlcpy(want, "xmlns", sizeof want);
    }
    for (f = el; f && f->type == XML_FRAME_TAG; f = f->parent) {
        xml_frame_t *a = xml_get_attrib(f, want);
        if (a)
            return a;
    }
    return NULL;
}

static gboolean
tvb_equals_str(tvbuff_t *tvb, const char *s)
{
    guint len = (guint)strlen(s);
    return tvb && tvb_captured_length(tvb) == len && tvb_memeql(tvb, 0, (const guint8 *)s, len) == 0;
}

const char *
xmppws_el_ns(const xmppws_doc_t *doc, xml_frame_t *el)
{
    gboolean has_prefix, is_xml;
    xml_frame_t *decl = ns_decl(doc, el, &has_prefix, &is_xml);

    if (is_xml)
        return XML_NS_XML;
    if (!decl)
        return has_prefix ? NULL : "";
    return xmppws_attr(doc, decl->parent, decl->name_orig_case);
}

gboolean
xmppws_el_is(const xmppws_doc_t *doc, xml_frame_t *el, const char *ns, const char *local)
{
    gboolean has_prefix, is_xml;
    xml_frame_t *decl;

    if (!el || el->type != XML_FRAME_TAG)
        return FALSE;
    if (local && (!el->name_orig_case || strcmp(el->name_orig_case, local) != 0))
        return FALSE;
    if (!ns)
        return TRUE;
    decl = ns_decl(doc, el, &has_prefix, &is_xml);
    if (is_xml)
        return strcmp(ns, XML_NS_XML) == 0;
    if (!decl) {
        /* No namespace in scope: a bare stanza counts as jabber:client. */
        return !has_prefix && (ns[0] == '\0' || strcmp(ns, XMPPWS_NS_CLIENT) == 0);
    }
    if (tvb_equals_str(decl->value, ns))
        return TRUE;
    /* jabber:server stanzas are stanzas too (RFC 6120 4.8.3). */
    return strcmp(ns, XMPPWS_NS_CLIENT) == 0 && tvb_equals_str(decl->value, XMPPWS_NS_SERVER);
}

xml_frame_t *
xmppws_el_next(const xmppws_doc_t *doc, xml_frame_t *el, const char *ns, const char *local)
{
    xml_frame_t *f;

    for (f = el ? el->next_sibling : NULL; f; f = f->next_sibling) {
        if (f->type == XML_FRAME_TAG && xmppws_el_is(doc, f, ns, local))
            return f;
    }
    return NULL;
}

xml_frame_t *
xmppws_el_child(const xmppws_doc_t *doc, xml_frame_t *el, const char *ns, const char *local)
{
    xml_frame_t *f;

    for (f = el ? el->first_child : NULL; f; f = f->next_sibling) {
        if (f->type == XML_FRAME_TAG && xmppws_el_is(doc, f, ns, local))
            return f;
    }
    return NULL;
}

guint
xmppws_el_child_count(xml_frame_t *el)
{
    guint n = 0;
    xml_frame_t *f;

    for (f = el ? el->first_child : NULL; f; f = f->next_sibling) {
        if (f->type == XML_FRAME_TAG)
            n++;
    }
    return n;
}

/* Unescaped string of a whole tvb (an attribute value or a text chunk). */
static const char *
tvb_unescaped(const xmppws_doc_t *doc, tvbuff_t *tvb, int offset, int len)
{
    const char *raw = (const char *)tvb_get_string_enc(doc->pinfo->pool, tvb, offset, len, ENC_UTF_8);

    if (!strchr(raw, '&'))
        return raw;
    return xmppws_xml_unescape(doc->pinfo->pool, raw, strlen(raw), NULL, NULL);
}

const char *
xmppws_attr(const xmppws_doc_t *doc, xml_frame_t *el, const char *name)
{
    xml_frame_t *a;

    if (!el)
        return NULL;
    a = xml_get_attrib(el, name);
    if (!a || !a->value)
        return NULL;
    return tvb_unescaped(doc, a->value, 0, tvb_captured_length(a->value));
}

proto_item *
xmppws_add_attr(const xmppws_doc_t *doc, proto_tree *tree, int hf, xml_frame_t *el,
                const char *name, const char **value)
{
    xml_frame_t *a = el ? xml_get_attrib(el, name) : NULL;
    const char *v;

    if (value)
        *value = NULL;
    if (!a || !a->value)
        return NULL;
    v = tvb_unescaped(doc, a->value, 0, tvb_captured_length(a->value));
    if (value)
        *value = v;
    return proto_tree_add_string(tree, hf, a->value, 0, tvb_captured_length(a->value), v);
}

/* Span of el's text chunks in doc->tvb; FALSE when it has none. */
static gboolean
text_span(xml_frame_t *el, int *start, int *end)
{
    xml_frame_t *f;
    gboolean found = FALSE;

    for (f = el ? el->first_child : NULL; f; f = f->next_sibling) {
        if (f->type != XML_FRAME_CDATA)
            continue;
        if (!found)
            *start = f->start_offset;
        *end = f->start_offset + f->length;
        found = TRUE;
    }
    return found;
}

static const char *
text_of(const xmppws_doc_t *doc, xml_frame_t *el, int *start, int *end)
{
    wmem_strbuf_t *buf = NULL;
    xml_frame_t *f;
    const char *first = NULL;

    if (!text_span(el, start, end))
        return NULL;
    for (f = el->first_child; f; f = f->next_sibling) {
        const char *chunk;
        if (f->type != XML_FRAME_CDATA || !f->value)
            continue;
        chunk = tvb_unescaped(doc, f->value, 0, tvb_captured_length(f->value));
        if (!first) {
            first = chunk;
        } else {
            if (!buf)
                buf = wmem_strbuf_new(doc->pinfo->pool, first);
            wmem_strbuf_append(buf, chunk);
        }
    }
    if (!first)
        return NULL;
    return g_strstrip(buf ? wmem_strbuf_finalize(buf) : wmem_strdup(doc->pinfo->pool, first));
}

const char *
xmppws_text(const xmppws_doc_t *doc, xml_frame_t *el)
{
    int s, e;
    return text_of(doc, el, &s, &e);
}

proto_item *
xmppws_add_text(const xmppws_doc_t *doc, proto_tree *tree, int hf, xml_frame_t *el, const char **value)
{
    int s = 0, e = 0;
    const char *v = text_of(doc, el, &s, &e);

    if (value)
        *value = v;
    if (!v)
        return NULL;
    return proto_tree_add_string(tree, hf, doc->tvb, s, e - s, v);
}

proto_item *
xmppws_add_el(const xmppws_doc_t *doc, proto_tree *tree, int hf, xml_frame_t *el)
{
    return proto_tree_add_item(tree, hf, doc->tvb, el->start_offset, el->length, ENC_NA);
}

char *
xmppws_xml_unescape(wmem_allocator_t *scope, const char *s, gsize len, gsize *out_len, gboolean *ok)
{
    /* Unescaping never makes text longer, so one allocation suffices. */
    char *out = (char *)wmem_alloc(scope, len + 1);
    gsize i = 0, o = 0;

    if (ok)
        *ok = TRUE;
    while (i < len) {
        const char *amp = memchr(s + i, '&', len - i);
        gsize run = amp ? (gsize)(amp - (s + i)) : len - i;
        char ch[8];
        gsize chlen = 0, used;
        gunichar cp = 0;

        memcpy(out + o, s + i, run);
        o += run;
        i += run;
        if (i >= len)
            break;
        used = xmppws_xml_reference((const guint8 *)s + i, len - i, &cp);
        if (used)
            chlen = (gsize)g_unichar_to_utf8(cp, ch);
        if (used == 0 || chlen > used) {
            if (ok)
                *ok = FALSE;
            out[o++] = '&';
            i++;
            continue;
        }
        memcpy(out + o, ch, chlen);
        o += chlen;
        i += used;
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return out;
}

const char *
xmppws_cut(wmem_allocator_t *scope, const char *s, glong max_chars)
{
    const char *cut;

    if (g_utf8_strlen(s, -1) <= max_chars)
        return s;
    cut = g_utf8_offset_to_pointer(s, max_chars);
    return wmem_strdup_printf(scope, "%.*s" UTF8_HORIZONTAL_ELLIPSIS, (int)(cut - s), s);
}

void
xmppws_info_kv(wmem_strbuf_t *info, const char *key, const char *value)
{
    if (!value)
        return;
    if (g_utf8_strlen(value, -1) > INFO_VALUE_MAX) {
        const char *cut = g_utf8_offset_to_pointer(value, INFO_VALUE_MAX);
        wmem_strbuf_append_printf(info, " %s=%.*s" UTF8_HORIZONTAL_ELLIPSIS, key, (int)(cut - value), value);
    } else {
        wmem_strbuf_append_printf(info, " %s=%s", key, value);
    }
}
