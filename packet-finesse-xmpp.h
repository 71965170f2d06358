/* packet-finesse-xmpp.h
 * Registration of the xmppws protocol (packet-finesse-xmpp.c), called by
 * the plugin loader's entry (plugin.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_FINESSE_XMPP_H
#define PACKET_FINESSE_XMPP_H

void proto_register_xmppws(void);
void proto_reg_handoff_xmppws(void);

#endif /* PACKET_FINESSE_XMPP_H */
