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
    gboolean compressed;       /* permessage-deflate (RFC 7692) in use, its negotiation not in the
                                * capture: Wireshark's WebSocket hands the messages over compressed */
    guint32  history_note_frame; /* the frame of the once-per-connection note on messages that need
                                  * the compression history */
    guint32  first_frame;      /* frame of the connection's first message */
} xmppws_ws_conn_t;

/* The connection state of the packet's TCP conversation, created (with its
 * stream) on first use. */
xmppws_ws_conn_t *xmppws_ws_conn_get(packet_info *pinfo);

/* Largest message xmppws_ws_inflate() produces (bytes); a longer one is
 * refused (bounded work and memory for hostile input). */
#define XMPPWS_INFLATE_MAX (1024u * 1024u)

/* Inflate one permessage-deflate message (RFC 7692 7.2.2: the payload,
 * unmasked, to which the 0x00 0x00 0xff 0xff tail is added back) without
 * the connection's LZ77 history. With `unknown_history`, references into
 * the missing history (RFC 1951 3.2.5: up to 32768 bytes back) inflate to
 * spaces instead of failing (a preset dictionary of 32 KiB of spaces).
 * Returns the inflated bytes in `scope` (*out_len of them, at most
 * XMPPWS_INFLATE_MAX), or NULL when the payload is not a valid deflate
 * stream, refers to the missing history (and !unknown_history), or
 * inflates beyond the limit. Uses zlib. */
guint8 *xmppws_ws_inflate(wmem_allocator_t *scope, const guint8 *payload, guint len, gboolean unknown_history,
                          guint *out_len);

/* Register the handles and the expert info of the transport; hand off:
 * add them to WebSocket's tables and heuristic list. `proto` is xmppws. */
void xmppws_register_websocket(int proto);
void xmppws_handoff_websocket(void);

#endif /* XMPPWS_WEBSOCKET_H */
