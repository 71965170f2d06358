/* xmppws-websocket.c
 * XMPP over WebSocket (RFC 7395): how Wireshark's WebSocket dissector
 * (epan/dissectors/packet-websocket.c) reaches us, and what only this
 * transport knows: the connection is the stream, a 101 response named (or
 * did not name) the "xmpp" subprotocol, and WebSocket frames share one
 * segment (the Info column's separator). Everything else is the core's
 * (xmppws-core.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <zlib.h>

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>

#include "xmppws-websocket.h"

#define XMPPWS_WS_PORT 8445   /* Finesse: wss://<host>:8445/ws/ */

/* Packet-scope proto_data key under proto_xmppws: the no-subprotocol note
 * is already in this frame (the core's packet-scope key is 0). */
#define XMPPWS_KEY_WS_NOTE 100
/* File-scope proto_data key under proto_xmppws, on a frame that ends a
 * connection of ours: 1 FIN, 2 RST, 3 WebSocket Close (the core's
 * file-scope keys are 1 + the unit's index in its frame). */
#define XMPPWS_KEY_WS_END  0x7f000000u

static int proto_ws_xmpp = -1;      /* xmppws */
static int hf_stream_end = -1;
static int hf_compressed_partial = -1;
static gint ett_compressed = -1;
static expert_field ei_no_subprotocol = EI_INIT;
static expert_field ei_compressed_history = EI_INIT;
static expert_field ei_dropped = EI_INIT;

/* Public fields of TCP and WebSocket that show a connection ending, asked
 * for by the postdissector below (set_postdissector_wanted_hfids), so that
 * they are in the tree on the first pass too. */
static int hf_tcp_fin = -1;        /* tcp.connection.fin */
static int hf_tcp_rst = -1;        /* tcp.connection.rst */
static int hf_ws_close = -1;       /* websocket.payload.close */
static int hf_ws_close_code = -1;  /* websocket.payload.close.status_code */

static dissector_handle_t end_handle;           /* postdissector */
static dissector_handle_t port_handle;          /* ws.port, Decode As */
static dissector_handle_t subprotocol_handle;   /* ws.protocol "xmpp" */

xmppws_ws_conn_t *
xmppws_ws_conn_get(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    xmppws_ws_conn_t *wc = (xmppws_ws_conn_t *)conversation_get_proto_data(conv, proto_ws_xmpp);

    if (!wc) {
        wc = wmem_new0(xmppws_file_scope(pinfo), xmppws_ws_conn_t);
        wc->stream = xmppws_stream_new(pinfo, conv->conv_index, xmppws_over_tls(pinfo) ? "wss" : "ws");
        conversation_add_proto_data(conv, proto_ws_xmpp, wc);
    }
    return wc;
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

guint8 *
xmppws_ws_inflate(wmem_allocator_t *scope, const guint8 *payload, guint len, gboolean unknown_history,
                  guint *out_len)
{
    static const Bytef tail[4] = { 0x00, 0x00, 0xff, 0xff };
    static Bytef spaces[32768];
    z_stream z;
    GByteArray *out;
    Bytef chunk[16384];
    gboolean ok = TRUE;
    int step, ret = Z_OK;
    guint8 *result = NULL;

    *out_len = 0;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -15) != Z_OK)
        return NULL;
    if (unknown_history) {
        if (spaces[0] != ' ')
            memset(spaces, ' ', sizeof spaces);
        if (inflateSetDictionary(&z, spaces, sizeof spaces) != Z_OK) {
            inflateEnd(&z);
            return NULL;
        }
    }
    out = g_byte_array_new();
    /* the payload, then the tail the sender removed */
    for (step = 0; step < 2 && ok && ret != Z_STREAM_END; step++) {
        z.next_in = (Bytef *)(step == 0 ? payload : tail);
        z.avail_in = step == 0 ? len : (uInt)sizeof tail;
        do {
            z.next_out = chunk;
            z.avail_out = sizeof chunk;
            ret = inflate(&z, Z_SYNC_FLUSH);
            if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR) {
                ok = FALSE;
                break;
            }
            g_byte_array_append(out, chunk, (guint)(sizeof chunk - z.avail_out));
            if (out->len > XMPPWS_INFLATE_MAX) {
                ok = FALSE;
                break;
            }
        } while (z.avail_out == 0 && ret != Z_STREAM_END);
    }
    inflateEnd(&z);
    if (ok) {
        result = (guint8 *)wmem_memdup(scope, out->data, out->len ? out->len : 1);
        *out_len = out->len;
    }
    g_byte_array_free(out, TRUE);
    return result;
}

/* What a message inflated with unknown history shows: runs of the
 * placeholder (3 spaces or more) become one ellipsis; valid UTF-8. */
static const char *
readable_part(wmem_allocator_t *scope, const guint8 *out, guint out_len)
{
    wmem_strbuf_t *buf = wmem_strbuf_new(scope, "");
    gchar *valid = g_utf8_make_valid((const gchar *)out, out_len);
    const char *p = valid;

    while (*p) {
        if (p[0] == ' ' && p[1] == ' ' && p[2] == ' ') {
            while (*p == ' ')
                p++;
            wmem_strbuf_append(buf, " \xe2\x80\xa6 ");   /* U+2026 */
            continue;
        }
        wmem_strbuf_append_c(buf, *p++);
    }
    g_free(valid);
    return g_strstrip(wmem_strbuf_finalize(buf));
}

/* A message of a compressed connection whose negotiation is not in the
 * capture (wc->compressed): Wireshark's WebSocket hands it over as it came.
 * Returns the tvb to dissect (the inflated message as a new data source),
 * or NULL when it cannot be inflated without the connection's history:
 * then what can be read is shown, with a note once per connection. */
static tvbuff_t *
inflate_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, xmppws_ws_conn_t *wc)
{
    guint len = tvb_captured_length(tvb), out_len;
    const guint8 *in = tvb_get_ptr(tvb, 0, len);
    guint8 *out;
    tvbuff_t *inflated;
    proto_item *ti, *pi;
    proto_tree *st;

    /* permessage-deflate lets a sender leave a message uncompressed (RSV1
     * clear, RFC 7692 6): it is XMPP text as it stands */
    if (len == 0 || in[0] == '<')
        return tvb;
    out = xmppws_ws_inflate(pinfo->pool, in, len, FALSE, &out_len);
    if (out && out_len > 0) {
        inflated = tvb_new_child_real_data(tvb, out, out_len, (gint)out_len);
        add_new_data_source(pinfo, inflated, "Inflated XMPP message (permessage-deflate)");
        return inflated;
    }
    ti = proto_tree_add_item(tree, proto_ws_xmpp, tvb, 0, -1, ENC_NA);
    proto_item_append_text(ti, ", compressed message (needs the connection's compression history)");
    st = proto_item_add_subtree(ti, ett_compressed);
    out = xmppws_ws_inflate(pinfo->pool, in, len, TRUE, &out_len);
    if (out) {
        pi = proto_tree_add_string(st, hf_compressed_partial, tvb, 0, len,
                                   xmppws_cut(pinfo->pool, readable_part(pinfo->pool, out, out_len), 200));
        proto_item_set_generated(pi);
    }
    if (!PINFO_FD_VISITED(pinfo) && !wc->history_note_frame)
        wc->history_note_frame = pinfo->num;
    if (wc->history_note_frame == pinfo->num)
        expert_add_info_format(pinfo, ti, &ei_compressed_history,
                               "Compressed (permessage-deflate, RFC 7692) since before the capture: messages "
                               "that refer to earlier ones cannot be inflated; capture from before the login, "
                               "or open the browser's HAR file");
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "XMPP/WS");
    col_clear_fence(pinfo->cinfo, COL_INFO);
    col_add_str(pinfo->cinfo, COL_INFO, "(compressed: needs the connection's start)");
    return NULL;
}

/* One WebSocket message of connection `wc`. */
static int
dissect_ws_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, xmppws_ws_conn_t *wc)
{
    xmppws_unit_t unit = { wc->stream, XMPPWS_DIR_UNKNOWN, NULL, NULL };
    int ret;

    if (!PINFO_FD_VISITED(pinfo)) {
        wc->is_xmpp = TRUE;
        if (!wc->first_frame)
            wc->first_frame = pinfo->num;
    }
    if (wc->compressed) {
        tvbuff_t *inflated = inflate_message(tvb, pinfo, tree, wc);
        if (!inflated) {
            col_set_fence(pinfo->cinfo, COL_INFO);
            return tvb_captured_length(tvb);
        }
        ret = xmppws_dissect_unit(inflated, pinfo, tree, &unit);
    } else {
        ret = xmppws_dissect_unit(tvb, pinfo, tree, &unit);
    }

    /* WebSocket consults its ws.port table only when the 101 named no
     * subprotocol: that is how we got here. Once, on the first message. */
    if (wc->first_frame == pinfo->num && wc->upgrade_seen && !wc->xmpp_subprotocol && !wc->via_tcp &&
        !p_get_proto_data(pinfo->pool, pinfo, proto_ws_xmpp, XMPPWS_KEY_WS_NOTE)) {
        p_add_proto_data(pinfo->pool, pinfo, proto_ws_xmpp, XMPPWS_KEY_WS_NOTE, GUINT_TO_POINTER(1));
        proto_tree_add_expert_format(tree, pinfo, &ei_no_subprotocol, tvb, 0, -1,
                                     "The WebSocket upgrade negotiated no subprotocol, not \"xmpp\" (RFC 7395 "
                                     "3.1): the server should have refused it or echoed Sec-WebSocket-Protocol: "
                                     "xmpp");
    }

    /* WebSocket rewrites the Info column for every frame it parses in this
     * segment, right after the fence: separate the next frame's text. */
    if (more_frames_follow(tvb))
        col_append_str(pinfo->cinfo, COL_INFO, " | ");
    col_set_fence(pinfo->cinfo, COL_INFO);
    return ret;
}

/* The three ways WebSocket reaches us: its ws.protocol table when the 101
 * response echoed "xmpp" (RFC 7395 3.1), its ws.port table when the 101
 * named no subprotocol (or, from 4.4 on, when Decode As named the port),
 * and its "ws" heuristic list. What the way tells is kept with the
 * connection. */
static int
dissect_subprotocol(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    xmppws_ws_conn_t *wc = xmppws_ws_conn_get(pinfo);

    if (!PINFO_FD_VISITED(pinfo))
        wc->upgrade_seen = wc->xmpp_subprotocol = TRUE;
    return dissect_ws_message(tvb, pinfo, tree, wc);
}

static int
dissect_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    xmppws_ws_conn_t *wc = xmppws_ws_conn_get(pinfo);

    if (!PINFO_FD_VISITED(pinfo))
        wc->upgrade_seen = TRUE;
    return dissect_ws_message(tvb, pinfo, tree, wc);
}

/* The "ws" heuristic: a connection already shown to carry XMPP, or a
 * message that looks like XMPP (xmppws_looks_like_xmpp(), the core's one
 * marker list). */
static xmppws_heur_ret_t
dissect_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    xmppws_ws_conn_t *wc = conv ? (xmppws_ws_conn_t *)conversation_get_proto_data(conv, proto_ws_xmpp) : NULL;

    if (!(wc && wc->is_xmpp)) {
        guint len = MIN(tvb_captured_length(tvb), XMPPWS_SNIFF_LEN);
        if (!xmppws_looks_like_xmpp(tvb_get_ptr(tvb, 0, len), len))
            return FALSE;
        wc = xmppws_ws_conn_get(pinfo);
    }
    dissect_ws_message(tvb, pinfo, tree, wc);
    return TRUE;
}

static gboolean
has_field(proto_tree *tree, int hf)
{
    GPtrArray *items = hf > 0 ? proto_get_finfo_ptr_array(tree, hf) : NULL;

    return items && items->len > 0;
}

/* The status code of the frame's WebSocket Close (RFC 6455 7.4), 0 if none. */
static guint
close_code(proto_tree *tree)
{
    GPtrArray *items = hf_ws_close_code > 0 ? proto_get_finfo_ptr_array(tree, hf_ws_close_code) : NULL;

    if (!items || items->len == 0)
        return 0;
    return fvalue_get_uinteger(XMPPWS_FI_VALUE((field_info *)g_ptr_array_index(items, 0))) & 0xffff;
}

/* Postdissector: a frame where a connection of ours ends (TCP FIN or RST,
 * a WebSocket Close frame) gets xmppws.stream_end, so that the profile's
 * Disconnects button finds the resets of XMPP connections and only those;
 * the first such frame is noted on the stream (first pass), so that "no
 * <close/>" is said only of a connection that really ended. */
static int
dissect_end(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    static const char *const how[] = { "", "TCP FIN", "TCP RST", "WebSocket Close" };
    conversation_t *conv;
    xmppws_ws_conn_t *wc;
    guint kind, code = 0;
    proto_item *pi;

    if (!PINFO_FD_VISITED(pinfo)) {
        /* The wanted fields are in the tree on the first pass (tshark and
         * the GUI prime them); what they showed is kept for later passes. */
        if (!tree)
            return 0;
        kind = has_field(tree, hf_tcp_rst) ? 2 : has_field(tree, hf_tcp_fin) ? 1 :
               has_field(tree, hf_ws_close) ? 3 : 0;
        if (!kind)
            return 0;
        conv = find_conversation_pinfo(pinfo, 0);
        wc = conv ? (xmppws_ws_conn_t *)conversation_get_proto_data(conv, proto_ws_xmpp) : NULL;
        if (!wc || !wc->is_xmpp)
            return 0;
        if (!wc->stream->end_frame)
            wc->stream->end_frame = pinfo->num;
        if (kind == 3)
            code = close_code(tree);
        /* kept: the kind, and a Close's status code above it */
        p_add_proto_data(xmppws_file_scope(pinfo), pinfo, proto_ws_xmpp, XMPPWS_KEY_WS_END,
                         GUINT_TO_POINTER(kind | code << 8));
    } else {
        kind = GPOINTER_TO_UINT(p_get_proto_data(wmem_file_scope(), pinfo, proto_ws_xmpp, XMPPWS_KEY_WS_END));
        code = kind >> 8;
        kind &= 0xff;
        if (!kind)
            return 0;
        conv = find_conversation_pinfo(pinfo, 0);
        wc = conv ? (xmppws_ws_conn_t *)conversation_get_proto_data(conv, proto_ws_xmpp) : NULL;
        if (!wc)
            return 0;
    }
    /* the statistics' connection health: how the stream's carrier ended */
    if (wc->stream->end_frame == pinfo->num)
        xmppws_tap_stream_end(pinfo, wc->stream, kind,
                              xmppws_stream_direction(wc->stream, pinfo) == XMPPWS_DIR_S2C, code);
    if (!tree)
        return 0;
    pi = proto_tree_add_uint_format_value(tree, hf_stream_end, tvb, 0, 0, wc->stream->index, "%u (%s)",
                                          wc->stream->index, how[kind]);
    proto_item_set_generated(pi);
    /* Known once the first pass has seen the whole stream; not said when
     * some messages could not be read (compressed, history missing). */
    if (PINFO_FD_VISITED(pinfo) && !wc->stream->closed && wc->stream->end_frame == pinfo->num &&
        !wc->history_note_frame)
        expert_add_info_format(pinfo, pi, &ei_dropped, "The connection of XMPP stream %u ended (%s) without "
                               "<close/> (RFC 7395 3.6: an implicit close)", wc->stream->index, how[kind]);
    return 0;
}

void
xmppws_register_websocket(int proto)
{
    static ei_register_info ei[] = {
        { &ei_no_subprotocol, { "xmppws.no_subprotocol", PI_PROTOCOL, PI_WARN,
            "The WebSocket upgrade negotiated no subprotocol, not \"xmpp\" (RFC 7395 3.1)", EXPFILL } },
        { &ei_compressed_history, { "xmppws.compressed_history", PI_UNDECODED, PI_NOTE,
            "Compressed XMPP (permessage-deflate, RFC 7692) negotiated before the capture: messages that refer "
            "to earlier ones cannot be inflated", EXPFILL } },
        { &ei_dropped, { "xmppws.dropped", PI_SEQUENCE, PI_WARN,
            "The connection of an XMPP stream ended without <close/> (RFC 7395 3.6)", EXPFILL } },
    };
    static gint *ett[] = { &ett_compressed };
    static hf_register_info hf[] = {
        { &hf_compressed_partial, { "Readable part", "xmppws.compressed.partial", FT_STRING, BASE_NONE, NULL,
            0x0, "A compressed message inflated without the connection's history: what it refers to in "
            "earlier messages shows as spaces (RFC 7692 7.2.2)", HFILL } },
        { &hf_stream_end, { "XMPP stream ends", "xmppws.stream_end", FT_UINT32, BASE_DEC, NULL, 0x0,
            "This frame ends the connection of XMPP stream N: TCP FIN or RST, or a WebSocket Close", HFILL } },
    };
    expert_module_t *em = expert_register_protocol(proto);

    proto_ws_xmpp = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(em, ei, array_length(ei));
    port_handle = register_dissector("xmppws", dissect_port, proto);
    subprotocol_handle = create_dissector_handle(dissect_subprotocol, proto);
    end_handle = create_dissector_handle(dissect_end, proto);
    register_postdissector(end_handle);
}

void
xmppws_handoff_websocket(void)
{
    /* RFC 7395 3.1: the subprotocol the server's 101 response echoes. */
    dissector_add_string("ws.protocol", "xmpp", subprotocol_handle);
    /* Server port of an upgrade without the subprotocol; also Decode As
     * (4.0's WebSocket does not open ws.port to Decode As itself). */
    dissector_table_allow_decode_as(find_dissector_table("ws.port"));
    dissector_add_uint_with_preference("ws.port", XMPPWS_WS_PORT, port_handle);
    heur_dissector_add("ws", dissect_heur, "XMPP over WebSocket", "xmppws_ws", proto_ws_xmpp, HEURISTIC_ENABLE);

    {
        GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));

        hf_tcp_fin = proto_registrar_get_id_byname("tcp.connection.fin");
        hf_tcp_rst = proto_registrar_get_id_byname("tcp.connection.rst");
        hf_ws_close = proto_registrar_get_id_byname("websocket.payload.close");
        hf_ws_close_code = proto_registrar_get_id_byname("websocket.payload.close.status_code");
        if (hf_ws_close_code > 0)
            g_array_append_val(wanted, hf_ws_close_code);
        if (hf_tcp_fin > 0)
            g_array_append_val(wanted, hf_tcp_fin);
        if (hf_tcp_rst > 0)
            g_array_append_val(wanted, hf_tcp_rst);
        if (hf_ws_close > 0)
            g_array_append_val(wanted, hf_ws_close);
        set_postdissector_wanted_hfids(end_handle, wanted);   /* epan owns the array */
    }
}
