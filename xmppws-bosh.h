/* xmppws-bosh.h
 * The BOSH transport (XEP-0124 HTTP long-polling carrying XMPP, XEP-0206;
 * xmppws-bosh.c): HTTP bodies that are one
 * <body xmlns='http://jabber.org/protocol/httpbind'/>, handed over by the
 * HTTP entry (xmppws-http.c). One BOSH session (its
 * sid, across all the TCP connections it uses) is one XMPP stream; each
 * body is one unit for the core, its children the top-level elements.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_BOSH_H
#define XMPPWS_BOSH_H

#include "xmppws-core.h"

/* XEP-0124 7: the namespace of the <body/> wrapper. */
#define XMPPWS_NS_HTTPBIND "http://jabber.org/protocol/httpbind"
/* XEP-0206 3: the namespace of xmpp:version, xmpp:restart. */
#define XMPPWS_NS_XBOSH    "urn:xmpp:xbosh"

/* TRUE when `len` bytes at `p` start (after white space and an optional
 * XML declaration) with a <body> start tag that declares the httpbind
 * namespace as its default (XEP-0124 7). Strict and cheap: only the start
 * tag is read, at most its first 2048 bytes. */
gboolean xmppws_bosh_is_body(const guint8 *p, guint len);

/* Dissect one BOSH body (xmppws_bosh_is_body() said so) of an HTTP request
 * (direction C2S) or response (S2C); UNKNOWN: a request when the start tag
 * has a rid (XEP-0124 7). Returns the bytes consumed (all). */
int xmppws_bosh_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, xmppws_dir_t direction);

/* An HTTP response without a BOSH body (called after the frame is
 * dissected, with HTTP's status and request frame): when it answers a BOSH
 * request with an error status (XEP-0124 17.1: 400, 403, 404), the request
 * is answered (first pass: off its connection's FIFO) and the frame gets
 * xmppws.bosh.http_status and an expert info. TRUE when it did. */
gboolean xmppws_bosh_http_response(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint32 status,
                                   guint32 request_in);

/* Register the BOSH fields (xmppws.bosh.*), expert infos and the
 * "xmppws_bosh" dissector (a BOSH body by name, for tools and the fuzzer).
 * `proto` is xmppws. */
void xmppws_register_bosh(int proto);

#endif /* XMPPWS_BOSH_H */
