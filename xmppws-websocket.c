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
#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>

#include "xmppws-websocket.h"

#define XMPPWS_WS_PORT 8445   /* Finesse: wss://<host>:8445/ws/ */

/* Packet-scope proto_data key under proto_xmppws: the no-subprotocol note
 * is already in this frame (the core's packet-scope key is 0). */
#define XMPPWS_KEY_WS_NOTE 100

static int proto_ws_xmpp = -1;      /* xmppws */
static expert_field ei_no_subprotocol = EI_INIT;

static dissector_handle_t port_handle;          /* ws.port, Decode As */
static dissector_handle_t subprotocol_handle;   /* ws.protocol "xmpp" */

xmppws_ws_conn_t *
xmppws_ws_conn_get(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    xmppws_ws_conn_t *wc = (xmppws_ws_conn_t *)conversation_get_proto_data(conv, proto_ws_xmpp);

    if (!wc) {
        wc = wmem_new0(wmem_file_scope(), xmppws_ws_conn_t);
        wc->stream = xmppws_stream_new(conv->conv_index);
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

/* One WebSocket message of connection `wc`. */
static int
dissect_ws_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, xmppws_ws_conn_t *wc)
{
    xmppws_unit_t unit = { wc->stream, XMPPWS_DIR_UNKNOWN };
    int ret;

    if (!PINFO_FD_VISITED(pinfo)) {
        wc->is_xmpp = TRUE;
        if (!wc->first_frame)
            wc->first_frame = pinfo->num;
    }
    ret = xmppws_dissect_unit(tvb, pinfo, tree, &unit);

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

void
xmppws_register_websocket(int proto)
{
    static ei_register_info ei[] = {
        { &ei_no_subprotocol, { "xmppws.no_subprotocol", PI_PROTOCOL, PI_WARN,
            "The WebSocket upgrade negotiated no subprotocol, not \"xmpp\" (RFC 7395 3.1)", EXPFILL } },
    };
    expert_module_t *em = expert_register_protocol(proto);

    proto_ws_xmpp = proto;
    expert_register_field_array(em, ei, array_length(ei));
    port_handle = register_dissector("xmppws", dissect_port, proto);
    subprotocol_handle = create_dissector_handle(dissect_subprotocol, proto);
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
}
