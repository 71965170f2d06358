/* xmppws-stanza.h
 * Element handlers of stanzas (xmppws-stanza.c): iq, message, presence
 * (RFC 6120 8), bind (7), session (RFC 3921 3), ping (XEP-0199), stanza
 * errors (8.3). Presences are offered to the "xmppws.presence" list.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_STANZA_H
#define XMPPWS_STANZA_H

#include "xmppws-core.h"

/* Register the fields, experts, the "xmppws.presence" heuristic list and
 * the handlers of <iq/>, <message/>, <presence/>. */
void xmppws_register_stanza(int proto);

#endif /* XMPPWS_STANZA_H */
