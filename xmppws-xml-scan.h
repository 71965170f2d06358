/* xmppws-xml-scan.h
 * Byte-level XML 1.0 reading (xmppws-xml-scan.c): the well-formedness check,
 * the one-pass builder of the element tree Wireshark's XML dissector would
 * build, and the one reader of entity and character references.
 * Linear in the input, no allocation except the tree (pinfo->pool).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_XML_SCAN_H
#define XMPPWS_XML_SCAN_H

#include <epan/packet.h>
#include <epan/dissectors/packet-xml.h>

/* Deepest element nesting the scans follow (a fixed stack). */
#define XMPPWS_XML_MAX_DEPTH 64

/* Result of xmppws_xml_check_well_formed(). */
typedef struct {
    int         offset;    /* first offending byte, -1 when well-formed */
    const char *what;      /* what is wrong there, a static string */
    gboolean    too_deep;  /* nesting beyond XMPPWS_XML_MAX_DEPTH */
} xmppws_wf_t;

/* The reference at p[0] == '&' in p[0, n): one of the five predefined
 * entities (XML 1.0 4.6; XMPP allows no DTD, RFC 6120 11.1) or a character
 * reference (4.1) to a Char (2.2). Returns its length in bytes including
 * '&' and ';', and the character in *cp (may be NULL); 0 when it is not a
 * valid reference. */
gsize xmppws_xml_reference(const guint8 *p, gsize n, gunichar *cp);

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

/* The element tree of a whole unit when it is one well-formed element, as
 * RFC 7395 3.3.3 asks; NULL otherwise (batches, declarations, malformed or
 * hostile input). */
xml_frame_t *xmppws_xml_fast_tree(packet_info *pinfo, tvbuff_t *tvb);

#endif /* XMPPWS_XML_SCAN_H */
