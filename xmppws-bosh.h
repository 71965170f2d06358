/* xmppws-bosh.h
 * The BOSH transport (XEP-0124 HTTP long-polling carrying XMPP, XEP-0206;
 * xmppws-bosh.c): HTTP bodies that are one
 * <body xmlns='http://jabber.org/protocol/httpbind'/> reach us through
 * HTTP's media_type table (text/xml, application/xml); every other XML body
 * goes on to Wireshark's XML dissector, as before. One BOSH session (its
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

/* Register the BOSH fields (xmppws.bosh.*) and expert infos; hand off: take
 * text/xml and application/xml in HTTP's media_type table, handing every
 * body that is not BOSH to the XML dissector. `proto` is xmppws. */
void xmppws_register_bosh(int proto);
void xmppws_handoff_bosh(void);

#endif /* XMPPWS_BOSH_H */
