/* xmppws-xml.h
 * The element tree of one XML unit and the helpers that read it
 * (xmppws-xml.c). The tree is xml_frame_t, the public tree type of
 * Wireshark's XML dissector (epan/dissectors/packet-xml.h); it is built by
 * that dissector or, for well-formed input, by the one-pass scanner of
 * xmppws-xml-scan.c, which produces the same tree (docs/design.md).
 *
 * Memory: everything the helpers return lives in pinfo->pool.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_XML_H
#define XMPPWS_XML_H

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/dissectors/packet-xml.h>

/* A parsed document: the tvb its element tree was built from and the
 * packet. All xml_frame_t offsets refer to this tvb. */
typedef struct xmppws_doc {
    tvbuff_t    *tvb;
    packet_info *pinfo;
} xmppws_doc_t;

/* Register the route to Wireshark's XML dissector (a string dissector
 * table "xmppws.xml" holding its handle, so that calling it adds no layer
 * to the frame) and the preference xmppws.fast_xml in `module`; hand off:
 * find the XML dissector. `proto` is xmppws. */
void xmppws_register_xml(int proto, module_t *module);
void xmppws_handoff_xml(int proto);

/* TRUE when Wireshark's XML dissector is enabled (Analyze > Enabled
 * Protocols): without it neither tree builder is used. */
gboolean xmppws_xml_enabled(void);

/* The element tree of `tvb` (valid UTF-8), or NULL when the XML dissector
 * is disabled or refused the bytes. `well_formed` says that
 * xmppws_xml_check_well_formed() accepted the bytes: then, unless the
 * preference xmppws.fast_xml is off or `show` is given, the scanner builds
 * the tree; otherwise (or when the scanner declines) Wireshark's XML
 * dissector does, adding its generic tree under `show` when not NULL,
 * without adding a layer and without touching the Protocol column. May
 * throw (bounds) like any dissector. */
xml_frame_t *xmppws_xml_tree(packet_info *pinfo, tvbuff_t *tvb, gboolean well_formed, proto_tree *show);

/* The element tree of a whole XMPP unit: the scanner's when the unit is one
 * well-formed element (RFC 7395 3.3.3) and the preference allows, else the
 * XML dissector's (as xmppws_xml_tree()). */
xml_frame_t *xmppws_xml_unit_tree(packet_info *pinfo, tvbuff_t *tvb, proto_tree *show);

/* Namespace URI of element `el`, resolved per XML Namespaces 1.0 by walking
 * the xmlns / xmlns:prefix declarations of `el` and its ancestors (the XML
 * dissector strips prefixes). Returns "" when the element has no prefix and
 * no default namespace is in scope, NULL when its prefix is undeclared. */
const char *xmppws_el_ns(const xmppws_doc_t *doc, xml_frame_t *el);

/* The element's prefix ("stream" for <stream:features>), or NULL. */
const char *xmppws_el_prefix(const xmppws_doc_t *doc, xml_frame_t *el);

/* TRUE when `el` is an element with local name `local` (case-sensitive) in
 * namespace `ns`; NULL for either matches any. For stanzas, callers pass
 * "jabber:client"; an element with no namespace in scope ("") matches it
 * too, as RFC 7395 peers such as Finesse send bare <presence/>. */
gboolean xmppws_el_is(const xmppws_doc_t *doc, xml_frame_t *el, const char *ns, const char *local);

/* First child element (not attribute, not text) of `el` matching (ns, local)
 * as in xmppws_el_is(); NULL when none. */
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
 * references, read by xmppws_xml_reference()) of `len` bytes at `s` into a
 * NUL-terminated string in `scope`. Unknown entities or invalid references
 * are copied as written and make *ok FALSE (ok may be NULL). Length of the
 * result in *out_len if not NULL. */
char *xmppws_xml_unescape(wmem_allocator_t *scope, const char *s, gsize len, gsize *out_len, gboolean *ok);

/* `s` cut to `max_chars` characters (UTF-8) with an ellipsis appended when
 * longer (the copy in `scope`); `s` itself when it fits. */
const char *xmppws_cut(wmem_allocator_t *scope, const char *s, glong max_chars);

/* Append " key=value" to a summary (value cut to 80 characters so the Info
 * column stays one line). Nothing when value is NULL. */
void xmppws_info_kv(wmem_strbuf_t *info, const char *key, const char *value);

#endif /* XMPPWS_XML_H */
