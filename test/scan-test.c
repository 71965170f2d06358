/* scan-test.c
 * Unit test of xmppws-xml-scan.c: the well-formedness check and the one-pass
 * element tree. Each case is one message and the tree expected of it, written
 * as the XML dissector (packet-xml.c) would leave it, or "NULL" where the
 * scanner must give up and leave the message to the XML dissector. That the
 * trees equal the XML dissector's on real traffic is test_scanner.py's part
 * (every capture, fast path on and off); this one proves the fast path is
 * taken, and refused, exactly where it should be.
 *
 * Tree notation: TAG name(orig)@offset+length{children}, ATTR
 * name(orig)="value"@offset+length, TEXT "value"@offset+length.
 *
 * Exit status 0 when every case matches, 1 otherwise (each mismatch printed).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/tvbuff.h>
#include <wsutil/wslog.h>

#include "../xmppws-compat.h"
#include "../xmppws-xml-scan.h"

typedef struct {
    const char *input;
    const char *tree;      /* expected tree, or "NULL" */
    int         wf_offset; /* expected xmppws_wf_t.offset (-1: well-formed) */
} scan_case_t;

static const scan_case_t cases[] = {
    /* what real peers send: taken */
    { "<presence xmlns='jabber:client'/>",
      "TAG presence(presence)@0+33{ATTR xmlns(xmlns)=\"jabber:client\"@10+21}", -1 },
    { "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"a.b\" version=\"1.0\"/>",
      "TAG open(open)@0+74{ATTR xmlns(xmlns)=\"urn:ietf:params:xml:ns:xmpp-framing\"@6+43 "
      "ATTR to(to)=\"a.b\"@50+8 ATTR version(version)=\"1.0\"@59+13}", -1 },
    { "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>desktop</resource></bind></iq>",
      "TAG iq(iq)@0+110{ATTR type(type)=\"set\"@4+10 ATTR id(id)=\"b1\"@15+7 "
      "TAG bind(bind)@23+82{ATTR xmlns(xmlns)=\"urn:ietf:params:xml:ns:xmpp-bind\"@29+40 "
      "TAG resource(resource)@70+28{TEXT \"desktop\"@80+7}}}", -1 },
    /* prefixes are stripped, unprefixed names lower-cased (as packet-xml.c) */
    { "<stream:features><Mechanisms/></stream:features>",
      "TAG features(features)@0+48{TAG mechanisms(Mechanisms)@17+13{}}", -1 },
    /* blank text dropped, text starts at its first non-blank byte, comments
     * and CDATA sections leave no frame */
    { "<a>\n  <b>x y </b><!-- c --><![CDATA[<d>]]></a>",
      "TAG a(a)@0+46{TAG b(b)@6+11{TEXT \"x y \"@9+4}}", -1 },
    { "<Update><data>&lt;User/&gt;</data></Update>",
      "TAG update(Update)@0+43{TAG data(data)@8+26{TEXT \"&lt;User/&gt;\"@14+13}}", -1 },
    /* where the XML dissector's grammar reads otherwise: refused, although
     * well-formed (":a" is an XML 1.0 Name; the grammar reads "open :a" as
     * one prefixed name) */
    { "<open :a=\"x\"/>", "NULL", -1 },
    { "<a b=\"x\\y\"/>", "NULL", -1 },
    { "<a>]x</a>", "NULL", -1 },
    { "<?xml version='1.0'?><a/>", "NULL", -1 },
    { "<\xc3\xa9t\xc3\xa9/>", "NULL", -1 },
    { "<a:b:c/>", "NULL", -1 },
    /* not well-formed: refused, with the offending offset */
    { "<a><b></a>", "NULL", 6 },
    { "<a/><b/>", "NULL", 4 },
    { "<a b=c/>", "NULL", 5 },
    { "<a>&bogus;</a>", "NULL", 3 },
    { "<a>", "NULL", 0 },    /* the element never closed */
};

static void
dump(wmem_strbuf_t *out, const xml_frame_t *f)
{
    const xml_frame_t *c;
    gboolean first = TRUE;

    for (c = f->first_child; c; c = c->next_sibling) {
        if (!first)
            wmem_strbuf_append_c(out, ' ');
        first = FALSE;
        switch (c->type) {
        case XML_FRAME_TAG:
            wmem_strbuf_append_printf(out, "TAG %s(%s)@%d+%d{", c->name, c->name_orig_case, c->start_offset,
                                      c->length);
            dump(out, c);
            wmem_strbuf_append_c(out, '}');
            break;
        case XML_FRAME_ATTRIB:
            wmem_strbuf_append_printf(out, "ATTR %s(%s)=\"%s\"@%d+%d", c->name, c->name_orig_case,
                                      tvb_format_text(c->pinfo->pool, c->value, 0,
                                                      tvb_captured_length(c->value)),
                                      c->start_offset, c->length);
            break;
        case XML_FRAME_CDATA:
            wmem_strbuf_append_printf(out, "TEXT \"%s\"@%d+%d",
                                      tvb_format_text(c->pinfo->pool, c->value, 0,
                                                      tvb_captured_length(c->value)),
                                      c->start_offset, c->length);
            break;
        default:
            wmem_strbuf_append_printf(out, "TYPE%d", c->type);
        }
    }
}

int
main(void)
{
    packet_info pinfo;
    gsize i;
    int failures = 0;

    XMPPWS_LOG_INIT("scan-test");
    wmem_init();
    memset(&pinfo, 0, sizeof pinfo);
    pinfo.pool = wmem_allocator_new(WMEM_ALLOCATOR_SIMPLE);
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        const scan_case_t *c = &cases[i];
        int len = (int)strlen(c->input);
        tvbuff_t *tvb = tvb_new_real_data((const guint8 *)c->input, len, len);
        xmppws_wf_t wf;
        xml_frame_t *root = xmppws_xml_fast_tree(&pinfo, tvb);
        wmem_strbuf_t *got = wmem_strbuf_new(pinfo.pool, "");

        if (root)
            dump(got, root);
        else
            wmem_strbuf_append(got, "NULL");
        xmppws_xml_check_well_formed((const guint8 *)c->input, len, &wf);
        if (strcmp(wmem_strbuf_get_str(got), c->tree) != 0 || wf.offset != c->wf_offset) {
            printf("FAIL %s\n  expected %s (well-formed offset %d)\n  got      %s (well-formed offset %d)\n",
                   c->input, c->tree, c->wf_offset, wmem_strbuf_get_str(got), wf.offset);
            failures++;
        } else {
            printf("ok   %s\n", c->input);
        }
        tvb_free(tvb);
        wmem_free_all(pinfo.pool);
    }
    wmem_destroy_allocator(pinfo.pool);
    wmem_cleanup();
    printf("%d of %d cases failed\n", failures, (int)G_N_ELEMENTS(cases));
    return failures ? 1 : 0;
}
