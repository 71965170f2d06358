/* xmppws-http.c
 * The HTTP entry of the plugin: XML bodies of HTTP messages.
 *
 * HTTP calls the dissector of a body's media type and tries its own "http"
 * heuristic list only when that dissector declines, so the only public way
 * to see text/xml bodies is the media_type table itself. We take the two
 * entries text/xml and application/xml and give up nothing: a body that is
 * not ours goes to the XML dissector's handle with HTTP's own data, which
 * is what HTTP would have called.
 *
 * What HTTP knows of the message (method, URI, status, the request frame of
 * a response, its header lines) is read from its public fields in the tree:
 * the postdissector below asks for them (set_postdissector_wanted_hfids),
 * which has epan build them on every pass, and HTTP adds them before it
 * hands over the body. With several HTTP messages in one frame the last
 * one's values are the current message's (HTTP adds each message's fields
 * before its body). epan builds those fields on the first pass only (tshark
 * -2 does not ask for them again), so what they said is kept per message in
 * file scope and read back on later passes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/proto_data.h>

#include "xmppws-http.h"
#include "xmppws-bosh.h"

/* Packet-scope proto_data key under proto_xmppws: an XML body of this frame
 * went through dissect_http_xml() (the core's packet key is 0, BOSH's
 * 0x7e000000, WebSocket's 100). */
#define XMPPWS_KEY_HTTP_BODY 0x7d000000u
/* File scope: the xmppws_http_message_t of XML body n of the frame at
 * XMPPWS_KEY_HTTP_MSG + n, of the frame's message without such a body at
 * XMPPWS_KEY_HTTP_POST. */
#define XMPPWS_KEY_HTTP_MSG  0x7d000001u
#define XMPPWS_KEY_HTTP_POST 0x7cffffffu

static int proto_http_xmpp = -1;   /* xmppws */

static dissector_handle_t media_handle;
static dissector_handle_t post_handle;
static dissector_handle_t xml_handle;
static heur_dissector_list_t http_list;

/* HTTP's public fields, asked for by the postdissector. */
static int hf_method = -1;           /* http.request.method */
static int hf_uri = -1;              /* http.request.uri */
static int hf_response_for_uri = -1; /* http.response_for.uri */
static int hf_request_line = -1;     /* http.request.line (each header line of a request) */
static int hf_response_line = -1;    /* http.response.line */
static int hf_code = -1;             /* http.response.code */
static int hf_request_in = -1;       /* http.request_in */

static field_info *
last_finfo(proto_tree *tree, int hf)
{
    GPtrArray *items = tree && hf > 0 ? proto_get_finfo_ptr_array(tree, hf) : NULL;

    return items && items->len ? (field_info *)g_ptr_array_index(items, items->len - 1) : NULL;
}

static const char *
last_string(proto_tree *tree, int hf)
{
    field_info *fi = last_finfo(tree, hf);

    return fi ? fvalue_get_string(XMPPWS_FI_VALUE(fi)) : NULL;
}

static guint32
last_uint(proto_tree *tree, int hf)
{
    field_info *fi = last_finfo(tree, hf);

    return fi ? fvalue_get_uinteger(XMPPWS_FI_VALUE(fi)) : 0;
}

/* The value of the last "requestId:" header line among `hf`'s items (HTTP
 * keeps header names as sent; RFC 9110 5.1: case-insensitive), trimmed. */
static const char *
request_id_header(packet_info *pinfo, proto_tree *tree, int hf)
{
    GPtrArray *items = tree && hf > 0 ? proto_get_finfo_ptr_array(tree, hf) : NULL;
    guint i;

    for (i = items ? items->len : 0; i > 0; i--) {
        const char *line = fvalue_get_string(XMPPWS_FI_VALUE((field_info *)g_ptr_array_index(items, i - 1)));
        if (line && g_ascii_strncasecmp(line, "requestId:", 10) == 0) {
            char *v = g_strstrip(wmem_strdup(pinfo->pool, line + 10));
            return *v ? v : NULL;
        }
    }
    return NULL;
}

/* Keep message `m` (pinfo->pool) in file scope at proto_data `key` of the
 * frame, for later passes: done only for messages a dissector of the list
 * took on the first pass, which will take them again. */
static void
keep_message(packet_info *pinfo, const xmppws_http_message_t *m, guint32 key)
{
    wmem_allocator_t *fs = xmppws_file_scope(pinfo);
    xmppws_http_message_t *k = (xmppws_http_message_t *)wmem_memdup(fs, m, sizeof *m);

    k->method = wmem_strdup(fs, m->method);
    k->uri = wmem_strdup(fs, m->uri);
    k->request_id = wmem_strdup(fs, m->request_id);
    p_add_proto_data(fs, pinfo, proto_http_xmpp, key, k);
}

/* Offer message `m` to the "xmppws.http" list; TRUE when a dissector took
 * it. On the first pass `m` is read from HTTP's fields and kept when taken;
 * on later passes it is the kept one (NULL: nobody took it). */
static gboolean
offer(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, xmppws_http_message_t *m, guint32 key)
{
    heur_dtbl_entry_t *hdtbl_entry;

    if (PINFO_FD_VISITED(pinfo))
        m = (xmppws_http_message_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_http_xmpp, key);
    if (!m || !dissector_try_heuristic(http_list, tvb, pinfo, tree, &hdtbl_entry, m))
        return FALSE;
    if (!PINFO_FD_VISITED(pinfo))
        keep_message(pinfo, m, key);
    return TRUE;
}

/* What HTTP says of the current message, from its fields in `tree`
 * (strings in pinfo->pool). */
static void
read_message(packet_info *pinfo, proto_tree *tree, gboolean request, xmppws_http_message_t *m)
{
    memset(m, 0, sizeof *m);
    m->request = request;
    if (request) {
        m->method = last_string(tree, hf_method);
        m->uri = last_string(tree, hf_uri);
        m->request_id = request_id_header(pinfo, tree, hf_request_line);
    } else {
        m->uri = last_string(tree, hf_response_for_uri);
        m->status = last_uint(tree, hf_code);
        m->request_in = last_uint(tree, hf_request_in);
        m->request_id = request_id_header(pinfo, tree, hf_response_line);
    }
}

/* media_type "text/xml" / "application/xml". */
static int
dissect_http_xml(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const xmppws_media_info_t *info = (const xmppws_media_info_t *)data;
    guint len = tvb_captured_length(tvb);
    gboolean request = info && (int)info->type == (int)XMPPWS_MEDIA_REQUEST;
    gboolean response = info && (int)info->type == (int)XMPPWS_MEDIA_RESPONSE;
    guint32 *count = (guint32 *)p_get_proto_data(pinfo->pool, pinfo, proto_http_xmpp, XMPPWS_KEY_HTTP_BODY);
    xmppws_http_message_t m;

    if (!count) {
        count = wmem_new0(pinfo->pool, guint32);
        p_add_proto_data(pinfo->pool, pinfo, proto_http_xmpp, XMPPWS_KEY_HTTP_BODY, count);
    }
    (*count)++;
    if (xmppws_bosh_is_body(tvb_get_ptr(tvb, 0, len), len))
        return xmppws_bosh_dissect(tvb, pinfo, tree, request ? XMPPWS_DIR_C2S :
                                                     response ? XMPPWS_DIR_S2C : XMPPWS_DIR_UNKNOWN);
    if (request || response) {
        read_message(pinfo, tree, request, &m);
        m.has_body = TRUE;
        if (offer(tvb, pinfo, tree, &m, XMPPWS_KEY_HTTP_MSG + *count - 1))
            return len;
    }
    return xml_handle ? call_dissector_with_data(xml_handle, tvb, pinfo, tree, data) : 0;
}

/* Postdissector: an HTTP message of this frame without an XML body (a 202
 * with an empty body, an error without a body, a GET) is offered to BOSH
 * (its error statuses) and to the "xmppws.http" list. Only frames with one
 * HTTP message: HTTP's fields of several cannot be told apart here. */
static int
dissect_http_post(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    xmppws_http_message_t m;

    if (p_get_proto_data(pinfo->pool, pinfo, proto_http_xmpp, XMPPWS_KEY_HTTP_BODY))
        return 0;
    memset(&m, 0, sizeof m);
    if (!PINFO_FD_VISITED(pinfo)) {
        GPtrArray *codes, *methods;
        if (!tree)
            return 0;
        codes = hf_code > 0 ? proto_get_finfo_ptr_array(tree, hf_code) : NULL;
        methods = hf_method > 0 ? proto_get_finfo_ptr_array(tree, hf_method) : NULL;
        if ((codes ? codes->len : 0) + (methods ? methods->len : 0) != 1)
            return 0;
        read_message(pinfo, tree, methods && methods->len == 1, &m);
    }
    /* (later passes: BOSH reads what it kept) */
    if (!m.request && xmppws_bosh_http_response(tvb, pinfo, tree, m.status, m.request_in))
        return 0;
    offer(tvb_new_subset_length(tvb, 0, 0), pinfo, tree, &m, XMPPWS_KEY_HTTP_POST);
    return 0;
}

void
xmppws_register_http(int proto)
{
    proto_http_xmpp = proto;
    http_list = register_heur_dissector_list(XMPPWS_HTTP_LIST, proto);
    media_handle = register_dissector("xmppws_http_xml", dissect_http_xml, proto);
    post_handle = create_dissector_handle(dissect_http_post, proto);
    register_postdissector(post_handle);
}

void
xmppws_handoff_http(void)
{
    static const char *const wanted_names[] = {
        "http.request.method", "http.request.uri", "http.response_for.uri", "http.request.line",
        "http.response.line", "http.response.code", "http.request_in",
    };
    int *const ids[] = { &hf_method, &hf_uri, &hf_response_for_uri, &hf_request_line, &hf_response_line,
                         &hf_code, &hf_request_in };
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    guint i;

    xml_handle = find_dissector("xml");
    /* Replaces the XML dissector's own entries; dissect_http_xml() hands it
     * every body that is not ours. */
    dissector_add_string("media_type", "text/xml", media_handle);
    dissector_add_string("media_type", "application/xml", media_handle);

    for (i = 0; i < G_N_ELEMENTS(wanted_names); i++) {
        *ids[i] = proto_registrar_get_id_byname(wanted_names[i]);
        if (*ids[i] > 0)
            g_array_append_val(wanted, *ids[i]);
    }
    set_postdissector_wanted_hfids(post_handle, wanted);   /* epan owns the array */
}
