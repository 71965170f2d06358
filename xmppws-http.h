/* xmppws-http.h
 * The HTTP entry (xmppws-http.c): HTTP's media_type table hands the plugin
 * every text/xml and application/xml body. A BOSH body goes to the BOSH
 * transport (xmppws-bosh.c); any other one is offered to the public
 * "xmppws.http" heuristic list (xmppws.h: Finesse's REST API registers
 * there) and otherwise to Wireshark's XML dissector, exactly as without the
 * plugin. A postdissector offers HTTP messages without such a body to the
 * same list (and to BOSH, for its HTTP error statuses).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_HTTP_H
#define XMPPWS_HTTP_H

#include "xmppws-core.h"

/* Register the "xmppws.http" heuristic list and the postdissector; hand
 * off: take text/xml and application/xml in HTTP's media_type table and
 * ask HTTP's fields of the postdissector. `proto` is xmppws. */
void xmppws_register_http(int proto);
void xmppws_handoff_http(void);

#endif /* XMPPWS_HTTP_H */
