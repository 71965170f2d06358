/* xmppws-conv.h
 * Statistics > Conversations and Endpoints, XMPP/WS tab (xmppws-conv.c),
 * through epan/conversation_table.h on the "xmppws" tap: one row per XMPP
 * stream (a WebSocket connection; a BOSH session across its connections).
 *
 *   Address A: the client: the bound full JID (RFC 6120 7.6.1) once the
 *              capture has been read (the GUI; tshark -2), else its address
 *   Address B: the transport and the server ("wss 192.0.2.5:8445")
 *   packets:   messages (WebSocket messages, BOSH bodies) each way
 *   bytes:     their XML bytes each way (not the TCP, TLS or HTTP bytes)
 *   start, duration: the stream's first and last message
 *
 *   tshark -q -2 -z conv,xmppws -r FILE     tshark -q -2 -z endpoints,xmppws -r FILE
 *
 * A row's filter is built on xmppws.stream.endpoint, .src and .dst.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_CONV_H
#define XMPPWS_CONV_H

/* Register the conversation and endpoint tables of protocol `proto`
 * (xmppws). Call at registration, after xmppws_register_core(). */
void xmppws_register_conv(int proto);

#endif /* XMPPWS_CONV_H */
