/* xmppws-websocket.h
 * The WebSocket transport (RFC 7395 over RFC 6455; xmppws-websocket.c):
 * the three ways Wireshark's WebSocket dissector hands us a message (its
 * ws.protocol table for the "xmpp" subprotocol, its ws.port table, its "ws"
 * heuristic list). One WebSocket connection (its TCP conversation) is one
 * XMPP stream; each message is one unit for the core.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_WEBSOCKET_H
#define XMPPWS_WEBSOCKET_H

#include "xmppws-core.h"

/* What the WebSocket transport knows of one connection: conversation data
 * of its TCP conversation (under proto_xmppws), file scope, written on the
 * first pass only. */
typedef struct xmppws_ws_conn {
    xmppws_stream_t *stream;
    gboolean is_xmpp;          /* shown to carry XMPP: the "ws" heuristic takes all its messages */
    gboolean upgrade_seen;     /* WebSocket found us through its ws.protocol or ws.port table: a 101
                                * response is in the capture (or, from 4.4 on, Decode As named the port) */
    gboolean xmpp_subprotocol; /* ... through ws.protocol "xmpp" (RFC 7395 3.1) */
    gboolean via_tcp;          /* handed to WebSocket by xmppws-tcp.c (no upgrade in the capture) */
    guint32  first_frame;      /* frame of the connection's first message */
} xmppws_ws_conn_t;

/* The connection state of the packet's TCP conversation, created (with its
 * stream) on first use. */
xmppws_ws_conn_t *xmppws_ws_conn_get(packet_info *pinfo);

/* Register the handles and the expert info of the transport; hand off:
 * add them to WebSocket's tables and heuristic list. `proto` is xmppws. */
void xmppws_register_websocket(int proto);
void xmppws_handoff_websocket(void);

#endif /* XMPPWS_WEBSOCKET_H */
