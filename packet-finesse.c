/* packet-finesse.c
 * Cisco Finesse notifications: the <Update> documents Finesse publishes to
 * pubsub nodes (/finesse/api/User/<id>, .../Dialogs, Team, Queue,
 * SystemInfo), carried XML-escaped inside XEP-0060 <notification/> items.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>

#include "packet-finesse-xmpp.h"

static int proto_finesse = -1;

static int
dissect_finesse(tvbuff_t *tvb, packet_info *pinfo _U_, proto_tree *tree, void *data _U_)
{
    proto_tree_add_item(tree, proto_finesse, tvb, 0, -1, ENC_NA);
    return tvb_captured_length(tvb);
}

void
proto_register_finesse(void)
{
    proto_finesse = proto_register_protocol("Cisco Finesse Notification", "Finesse", "finesse");
    register_dissector("finesse", dissect_finesse, proto_finesse);
}

void
proto_reg_handoff_finesse(void)
{
}
