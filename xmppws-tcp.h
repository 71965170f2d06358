/* xmppws-tcp.h
 * Finding XMPP over WebSocket in TCP when the HTTP upgrade is not in the
 * capture (xmppws-tcp.c: the "xmppws_tcp" heuristic and Decode As), and
 * the wss:// ports as HTTP over TLS.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_TCP_H
#define XMPPWS_TCP_H

#include "xmppws-core.h"

/* Register the Decode As handle; hand off: the TCP heuristic, Decode As,
 * and ports 8445, 7443, 5281 as HTTP over TLS. `proto` is xmppws. */
void xmppws_register_tcp(int proto);
void xmppws_handoff_tcp(void);

#endif /* XMPPWS_TCP_H */
