/* xmppws-conv.c
 * Conversations and Endpoints of XMPP streams: see xmppws-conv.h. Each
 * unit's first "xmppws" tap record carries the unit's length
 * (xmppws_tap_info_t.unit_bytes); its stream names the two ends. The names
 * are AT_STRINGZ addresses, which the framework quotes in the filters it
 * builds from our field names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/conversation_table.h>
#include <epan/tap.h>

#include "xmppws-core.h"
#include "xmppws-conv.h"

static const char *
conv_filter_type(conv_item_t *conv _U_, conv_filter_type_e filter)
{
    switch (filter) {
    case CONV_FT_SRC_ADDRESS:
        return "xmppws.stream.src";
    case CONV_FT_DST_ADDRESS:
        return "xmppws.stream.dst";
    case CONV_FT_ANY_ADDRESS:
        return "xmppws.stream.endpoint";
    default:
        return CONV_FILTER_INVALID;
    }
}

static ct_dissector_info_t conv_info = { &conv_filter_type };

static const char *
endpoint_filter_type(endpoint_item_t *endpoint _U_, conv_filter_type_e filter)
{
    return conv_filter_type(NULL, filter);
}

static et_dissector_info_t endpoint_info = { &endpoint_filter_type };

/* The unit's two ends as addresses (pinfo->pool) and whether the client
 * sent it; FALSE for every record but a unit's first. Notes the tap's
 * flags in `hash`, as every table's packet function must. */
static gboolean
unit_ends(conv_hash_t *hash, tap_flags_t flags, packet_info *pinfo, const xmppws_tap_info_t *ti,
          address *client, address *server, gboolean *c2s)
{
    const char *c, *s;

    hash->flags = flags;
    if (!ti->unit_bytes || !ti->stream_ref)
        return FALSE;
    c = xmppws_stream_client_name(pinfo->pool, ti->stream_ref, ti->later_pass);
    s = xmppws_stream_server_name(pinfo->pool, ti->stream_ref);
    set_address(client, AT_STRINGZ, (int)strlen(c) + 1, c);
    set_address(server, AT_STRINGZ, (int)strlen(s) + 1, s);
    *c2s = ti->direction != XMPPWS_DIR_S2C;
    return TRUE;
}

static tap_packet_status
conv_packet(void *pct, packet_info *pinfo, epan_dissect_t *edt _U_, const void *vip, tap_flags_t flags)
{
    const xmppws_tap_info_t *ti = (const xmppws_tap_info_t *)vip;
    address client, server;
    gboolean c2s;

    if (!unit_ends((conv_hash_t *)pct, flags, pinfo, ti, &client, &server, &c2s))
        return TAP_PACKET_DONT_REDRAW;
    /* No ports (hide_ports): column A is the sender of the stream's first
     * message, as for TCP; the client, unless the capture starts mid-stream. */
    add_conversation_table_data_with_conv_id((conv_hash_t *)pct, c2s ? &client : &server, c2s ? &server : &client,
                                             0, 0, (conv_id_t)ti->stream_ref->number, 1,
                                             (int)ti->unit_bytes, &pinfo->rel_ts, &pinfo->abs_ts, &conv_info,
                                             CONVERSATION_NONE);
    return TAP_PACKET_REDRAW;
}

static tap_packet_status
endpoint_packet(void *pit, packet_info *pinfo, epan_dissect_t *edt _U_, const void *vip, tap_flags_t flags)
{
    const xmppws_tap_info_t *ti = (const xmppws_tap_info_t *)vip;
    address client, server;
    gboolean c2s;

    if (!unit_ends((conv_hash_t *)pit, flags, pinfo, ti, &client, &server, &c2s))
        return TAP_PACKET_DONT_REDRAW;
    add_endpoint_table_data((conv_hash_t *)pit, &client, 0, c2s, 1, (int)ti->unit_bytes, &endpoint_info,
                            ENDPOINT_NONE);
    add_endpoint_table_data((conv_hash_t *)pit, &server, 0, !c2s, 1, (int)ti->unit_bytes, &endpoint_info,
                            ENDPOINT_NONE);
    return TAP_PACKET_REDRAW;
}

void
xmppws_register_conv(int proto)
{
    register_conversation_table(proto, TRUE, conv_packet, endpoint_packet);
}
