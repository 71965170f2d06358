/* xmppws-xml-scan.c
 * The two byte-level scans of an XML document, shared by the XMPP and the
 * Finesse layers:
 *
 *  - xmppws_xml_check_well_formed(): is this one well-formed XML 1.0
 *    document (2.1, 2.4, 3.1, 4.1)? Wireshark's XML dissector accepts
 *    anything, so Finesse's "malformed payload" expert info needs this.
 *  - xmppws_xml_build_tree(): the element tree (xml_frame_t, packet-xml.h)
 *    Wireshark's XML dissector would build for a document the check accepted,
 *    in one pass. It exists for speed only and is measured: the XML
 *    dissector's generic tvbparse grammar was 73 % of the plugin's added cost
 *    on Finesse events (bench/README.md), and this builder brings the plugin
 *    from 2.05x to about 1.3x bare WebSocket dissection. Wherever the two
 *    could differ it gives up (returns NULL) and the caller runs the XML
 *    dissector, which also stays in charge of anything not well-formed,
 *    of batches the check refuses, of showing the XML tree (preferences
 *    xmppws.show_xml_tree, finesse.show_xml_tree) and of the case where XML
 *    is disabled. Checked frame by frame against the XML dissector on every
 *    capture, and by differential fuzzing (fuzz/README.md).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <wsutil/str_util.h>
#include <wsutil/wmem/wmem_strutl.h>

#include "xmppws-xml-scan.h"

/* XML 1.0 2.3 S: white space. */
static gboolean
is_ws(guint8 c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- Well-formedness (XML 1.0 2.1, 2.4, 3.1, 4.1) ------------------------ */

/* XML 1.0 2.3 NameStartChar, NameChar (any byte >= 0x80 is taken as part of
 * a non-ASCII name character; UTF-8 validity is checked separately). */
static gboolean
is_name_start(guint8 c)
{
    return g_ascii_isalpha(c) || c == '_' || c == ':' || c >= 0x80;
}

static gboolean
is_name_char(guint8 c)
{
    return is_name_start(c) || g_ascii_isdigit(c) || c == '-' || c == '.';
}

/* The one reader of references (xmppws-xml-scan.h): the checker below and
 * xmppws_xml_unescape() (xmppws-xml.c) both use it, so what is checked is
 * what is decoded. Any number of leading zeros is allowed (XML 1.0 4.1);
 * the value is capped at U+10FFFF while reading. */
gsize
xmppws_xml_reference(const guint8 *p, gsize n, gunichar *cp_out)
{
    static const struct { const char *name; gunichar c; } predefined[] = {
        { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' },
    };
    gsize i;

    if (n >= 4 && p[0] == '&' && p[1] == '#') {
        gboolean hex = p[2] == 'x';
        guint32 cp = 0;
        gsize j = hex ? 3 : 2, start = j;

        for (; j < n && p[j] != ';'; j++) {
            if (hex && g_ascii_isxdigit(p[j]))
                cp = cp * 16 + (guint32)g_ascii_xdigit_value(p[j]);
            else if (!hex && g_ascii_isdigit(p[j]))
                cp = cp * 10 + (guint32)(p[j] - '0');
            else
                return 0;
            if (cp > 0x10FFFF)
                return 0;
        }
        if (j == start || j >= n)
            return 0;
        /* XML 1.0 2.2 Char */
        if (!(cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
              (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF)))
            return 0;
        if (cp_out)
            *cp_out = (gunichar)cp;
        return j + 1;
    }
    for (i = 0; i < G_N_ELEMENTS(predefined); i++) {
        gsize l = strlen(predefined[i].name);
        if (n >= l && memcmp(p, predefined[i].name, l) == 0) {
            if (cp_out)
                *cp_out = predefined[i].c;
            return l;
        }
    }
    return 0;
}

/* Offset of the first occurrence of `s` in buf[from, len), or -1: an
 * offset-returning wrapper of wsutil's ws_memmem(). */
int
xmppws_xml_find_str(const guint8 *buf, int from, int len, const char *s)
{
    const guint8 *p;

    if (from < 0 || from >= len)
        return -1;
    p = ws_memmem(buf + from, (size_t)(len - from), s, strlen(s));
    return p ? (int)(p - buf) : -1;
}

/* Check that buf[0, len) is one well-formed XML document: UTF-8, one root
 * element, matching start and end tags, quoted attribute values, valid
 * references, no text outside the root. Linear in len; the open elements
 * are kept in a fixed stack of XMPPWS_XML_MAX_DEPTH entries (deeper documents
 * set too_deep and stop). Not checked: duplicate attributes, "]]>" in text,
 * the contents of a DOCTYPE. */
void
xmppws_xml_check_well_formed(const guint8 *buf, int len, xmppws_wf_t *r)
{
    struct { int offset, length; } open[XMPPWS_XML_MAX_DEPTH];
    int depth = 0, i = 0;
    gboolean root_seen = FALSE, root_done = FALSE;
    const gchar *bad;

#define WF_FAIL(o, msg) do { r->offset = (o); r->what = (msg); return; } while (0)
    r->offset = -1;
    r->what = NULL;
    r->too_deep = FALSE;

    if (len >= 4 && memcmp(buf, "&lt;", 4) == 0)
        WF_FAIL(0, "the text is escaped once more than expected");
    if (!g_utf8_validate((const gchar *)buf, len, &bad))
        WF_FAIL((int)((const guint8 *)bad - buf), "not UTF-8 (or a NUL byte)");
    while (i < len) {
        guint8 c = buf[i];

        if (c == '&') {
            gsize rl = xmppws_xml_reference(buf + i, (gsize)(len - i), NULL);
            if (depth == 0)
                WF_FAIL(i, "a reference outside the root element");
            if (rl == 0)
                WF_FAIL(i, "'&' that starts no valid entity or character reference");
            i += (int)rl;
            continue;
        }
        if (c != '<') {
            if (depth == 0 && !is_ws(c))
                WF_FAIL(i, root_done ? "text after the root element" : "text before the root element");
            i++;
            continue;
        }
        if (i + 1 >= len)
            WF_FAIL(i, "'<' at the end of the document");
        if (buf[i + 1] == '?') {                       /* processing instruction (2.6) */
            int e = xmppws_xml_find_str(buf, i + 2, len, "?>");
            if (e < 0)
                WF_FAIL(i, "unterminated processing instruction");
            i = e + 2;
            continue;
        }
        if (buf[i + 1] == '!') {
            int e;
            if (len - i >= 4 && memcmp(buf + i, "<!--", 4) == 0) {                /* 2.5 */
                e = xmppws_xml_find_str(buf, i + 4, len, "-->");
                if (e < 0)
                    WF_FAIL(i, "unterminated comment");
                i = e + 3;
            } else if (len - i >= 9 && memcmp(buf + i, "<![CDATA[", 9) == 0) {     /* 2.7 */
                if (depth == 0)
                    WF_FAIL(i, "a CDATA section outside the root element");
                e = xmppws_xml_find_str(buf, i + 9, len, "]]>");
                if (e < 0)
                    WF_FAIL(i, "unterminated CDATA section");
                i = e + 3;
            } else if (len - i >= 9 && memcmp(buf + i, "<!DOCTYPE", 9) == 0 && !root_seen) { /* 2.8 */
                gboolean subset = FALSE;
                for (e = i + 9; e < len; e++) {
                    if (buf[e] == '[')
                        subset = TRUE;
                    else if (buf[e] == ']')
                        subset = FALSE;
                    else if (buf[e] == '>' && !subset)
                        break;
                }
                if (e >= len)
                    WF_FAIL(i, "unterminated document type declaration");
                i = e + 1;
            } else {
                WF_FAIL(i, "markup declaration ('<!') where none is allowed");
            }
            continue;
        }
        if (buf[i + 1] == '/') {                       /* end tag (3.1) */
            int n = i + 2, s = n;
            if (n >= len || !is_name_start(buf[n]))
                WF_FAIL(i, "end tag without a name");
            while (n < len && is_name_char(buf[n]))
                n++;
            if (depth == 0)
                WF_FAIL(i, "end tag without a start tag");
            if (open[depth - 1].length != n - s || memcmp(buf + open[depth - 1].offset, buf + s, (size_t)(n - s)) != 0)
                WF_FAIL(i, "end tag does not match the open element");
            while (n < len && is_ws(buf[n]))
                n++;
            if (n >= len || buf[n] != '>')
                WF_FAIL(i, "end tag not closed by '>'");
            if (--depth == 0)
                root_done = TRUE;
            i = n + 1;
            continue;
        }
        {                                              /* start tag (3.1) */
            int n = i + 1, s = n, name_len;
            gboolean empty = FALSE;

            if (!is_name_start(buf[n]))
                WF_FAIL(i, "'<' not followed by a name");
            if (root_done)
                WF_FAIL(i, "a second root element");
            while (n < len && is_name_char(buf[n]))
                n++;
            name_len = n - s;
            for (;;) {
                int before = n;
                guint8 q;
                while (n < len && is_ws(buf[n]))
                    n++;
                if (n >= len)
                    WF_FAIL(i, "start tag not closed");
                if (buf[n] == '>') {
                    n++;
                    break;
                }
                if (buf[n] == '/') {
                    if (n + 1 < len && buf[n + 1] == '>') {
                        empty = TRUE;
                        n += 2;
                        break;
                    }
                    WF_FAIL(n, "'/' not followed by '>' in a start tag");
                }
                if (n == before || !is_name_start(buf[n]))
                    WF_FAIL(n, "bad attribute (white space and a name expected)");
                while (n < len && is_name_char(buf[n]))
                    n++;
                while (n < len && is_ws(buf[n]))
                    n++;
                if (n >= len || buf[n] != '=')
                    WF_FAIL(n, "attribute without '='");
                n++;
                while (n < len && is_ws(buf[n]))
                    n++;
                if (n >= len || (buf[n] != '"' && buf[n] != '\''))
                    WF_FAIL(n, "attribute value not quoted");
                q = buf[n++];
                while (n < len && buf[n] != q) {
                    if (buf[n] == '<')
                        WF_FAIL(n, "'<' in an attribute value");
                    if (buf[n] == '&') {
                        gsize rl = xmppws_xml_reference(buf + n, (gsize)(len - n), NULL);
                        if (rl == 0)
                            WF_FAIL(n, "'&' that starts no valid entity or character reference");
                        n += (int)rl;
                        continue;
                    }
                    n++;
                }
                if (n >= len)
                    WF_FAIL(i, "unterminated attribute value");
                n++;
            }
            root_seen = TRUE;
            if (empty) {
                if (depth == 0)
                    root_done = TRUE;
            } else {
                if (depth >= XMPPWS_XML_MAX_DEPTH) {
                    r->too_deep = TRUE;
                    WF_FAIL(i, "elements nested too deeply");
                }
                open[depth].offset = s;
                open[depth].length = name_len;
                depth++;
            }
            i = n;
        }
    }
    if (depth > 0)
        WF_FAIL(open[depth - 1].offset - 1, "element not closed");
    if (!root_seen)
        WF_FAIL(0, "no element");
#undef WF_FAIL
}

/* ---- The element tree of a well-formed document, in one pass -------------- */

/* XML dissector name characters (packet-xml.c want_name; ':' only in
 * attribute names and between a prefix and a local name). */
static gboolean
is_xml_diss_name_char(guint8 c)
{
    return g_ascii_isalnum(c) || c == '.' || c == '-' || c == '_';
}

/* A new frame, the last child of `parent` (as packet-xml.c links them). */
static xml_frame_t *
new_frame(packet_info *pinfo, xml_frame_t *parent, int type, int offset, int length)
{
    xml_frame_t *f = wmem_new0(pinfo->pool, xml_frame_t);

    f->type = type;
    f->start_offset = offset;
    f->length = length;
    f->pinfo = pinfo;
    f->parent = parent;
    if (parent) {
        if (!parent->first_child) {
            parent->first_child = f;
        } else {
            parent->last_child->next_sibling = f;
            f->prev_sibling = parent->last_child;
        }
        parent->last_child = f;
    }
    return f;
}

/* The element tree of `tvb`, which xmppws_xml_check_well_formed() accepted,
 * as Wireshark's XML dissector (packet-xml.c) builds it when called without
 * a tree, but in one pass instead of its tvbparse grammar (which was three
 * quarters of the plugin's cost on Finesse events, bench/README.md): element
 * names lower-cased in `name` unless prefixed, prefixes stripped; attribute
 * frames spanning name="value", the value inside the quotes; a text frame
 * from the first non-blank byte of a run of text to the next '<', blank runs
 * dropped; comments and CDATA sections leave no frame. Returns NULL wherever
 * the two could differ, and the caller runs the XML dissector instead: a
 * name with other characters than ASCII letters, digits, ".-_" (and one
 * ':'), an attribute name not starting with a letter or '_' (the grammar
 * would read `<a :b=` as the prefixed name "a:b"), a backslash in an
 * attribute value (the grammar's escape), text starting with ']' (its "]>"
 * closes a DTD), a processing instruction, a DTD. Checked frame by frame
 * against the XML dissector on every capture and by differential fuzzing. */
xml_frame_t *
xmppws_xml_build_tree(packet_info *pinfo, tvbuff_t *tvb)
{
    xml_frame_t *stack[XMPPWS_XML_MAX_DEPTH + 1];
    int depth = 0, len = (int)tvb_captured_length(tvb), i = 0;
    const guint8 *buf;

    if (len < 2)
        return NULL;
    buf = tvb_get_ptr(tvb, 0, len);
    stack[0] = new_frame(pinfo, NULL, XML_FRAME_ROOT, 0, len);
    while (i < len) {
        if (buf[i] != '<') {                               /* text */
            int s = i;
            while (s < len && is_ws(buf[s]))
                s++;
            if (s < len && buf[s] == ']')
                return NULL;                               /* "]>" closes a DTD there */
            i = s;
            while (i < len && buf[i] != '<')
                i++;
            if (i > s) {
                xml_frame_t *t = new_frame(pinfo, stack[depth], XML_FRAME_CDATA, s, i - s);
                t->value = tvb_new_subset_length(tvb, s, i - s);
            }
            continue;
        }
        if (i + 1 >= len || buf[i + 1] == '?')
            return NULL;
        if (buf[i + 1] == '!') {
            int e;
            if (len - i >= 4 && memcmp(buf + i, "<!--", 4) == 0)
                e = xmppws_xml_find_str(buf, i + 4, len, "-->") + 3;
            else if (len - i >= 9 && memcmp(buf + i, "<![CDATA[", 9) == 0)
                e = xmppws_xml_find_str(buf, i + 9, len, "]]>") + 3;
            else
                return NULL;
            if (e < 3)
                return NULL;
            i = e;
            continue;
        }
        if (buf[i + 1] == '/') {                           /* end tag */
            int gt = i + 2;
            while (gt < len && buf[gt] != '>')
                gt++;
            if (gt >= len || depth == 0)
                return NULL;
            stack[depth]->length = gt + 1 - stack[depth]->start_offset;
            depth--;
            i = gt + 1;
            continue;
        }
        {                                                  /* start tag */
            int n = i + 1, colon = -1, s = n;
            xml_frame_t *el;

            while (n < len && (is_xml_diss_name_char(buf[n]) || buf[n] == ':')) {
                if (buf[n] == ':') {
                    if (colon >= 0)
                        return NULL;
                    colon = n;
                }
                n++;
            }
            if (n == s || colon == s || colon == n - 1 || depth >= XMPPWS_XML_MAX_DEPTH)
                return NULL;
            el = new_frame(pinfo, stack[depth], XML_FRAME_TAG, i, 0);
            if (colon >= 0) {
                el->name_orig_case = wmem_strndup(pinfo->pool, (const char *)buf + colon + 1, (gsize)(n - colon - 1));
                el->name = el->name_orig_case;
            } else {
                el->name_orig_case = wmem_strndup(pinfo->pool, (const char *)buf + s, (gsize)(n - s));
                el->name = wmem_ascii_strdown(pinfo->pool, el->name_orig_case, -1);
            }
            for (;;) {
                int a, q, v;
                xml_frame_t *attr;

                while (n < len && is_ws(buf[n]))
                    n++;
                if (n >= len)
                    return NULL;
                if (buf[n] == '>') {                       /* open: the end tag pops it */
                    el->length = n + 1 - i;
                    stack[++depth] = el;
                    n++;
                    break;
                }
                if (buf[n] == '/') {                       /* empty-element tag */
                    el->length = n + 2 - i;
                    n += 2;
                    break;
                }
                a = n;
                /* (a name starting with ':' would continue the element's
                 * name as a prefixed one in the XML dissector's grammar) */
                if (!g_ascii_isalpha(buf[n]) && buf[n] != '_')
                    return NULL;
                while (n < len && (is_xml_diss_name_char(buf[n]) || buf[n] == ':'))
                    n++;
                attr = new_frame(pinfo, el, XML_FRAME_ATTRIB, a, 0);
                attr->name_orig_case = wmem_strndup(pinfo->pool, (const char *)buf + a, (gsize)(n - a));
                attr->name = wmem_ascii_strdown(pinfo->pool, attr->name_orig_case, -1);
                while (n < len && is_ws(buf[n]))
                    n++;
                if (n >= len || buf[n] != '=')
                    return NULL;
                n++;
                while (n < len && is_ws(buf[n]))
                    n++;
                if (n >= len || (buf[n] != '"' && buf[n] != '\''))
                    return NULL;
                q = buf[n++];
                v = n;
                while (n < len && buf[n] != q) {
                    if (buf[n] == '\\')
                        return NULL;
                    n++;
                }
                if (n >= len)
                    return NULL;
                attr->value = tvb_new_subset_length(tvb, v, n - v);
                attr->length = n + 1 - a;
                n++;
            }
            i = n;
        }
    }
    return depth == 0 ? stack[0] : NULL;
}

/* The element tree of a whole WebSocket message, built by
 * xmppws_xml_build_tree() when the message is one well-formed element (what
 * RFC 7395 3.3.3 asks for); NULL otherwise (then xmppws runs the XML
 * dissector: batches, declarations, malformed or hostile input). */
xml_frame_t *
xmppws_xml_fast_tree(packet_info *pinfo, tvbuff_t *tvb)
{
    int len = (int)tvb_captured_length(tvb);
    xmppws_wf_t wf;

    if (len < 2)
        return NULL;
    xmppws_xml_check_well_formed(tvb_get_ptr(tvb, 0, len), len, &wf);
    return wf.offset < 0 ? xmppws_xml_build_tree(pinfo, tvb) : NULL;
}
