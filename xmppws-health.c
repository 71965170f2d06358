/* xmppws-health.c
 * A stream's health, from its "xmppws" tap records: see xmppws-health.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>

#include "xmppws-health.h"

static int hf_health = -1;
static int hf_messages = -1;
static int hf_duration = -1;
static int hf_ended = -1;
static int hf_end_in = -1;
static int hf_pings_client = -1;
static int hf_pings_server = -1;
static int hf_pings_answered = -1;
static int hf_ping_unanswered = -1;
static int hf_rtt_max = -1;
static int hf_rtt_avg = -1;
static int hf_silence = -1;
static int hf_silence_from = -1;
static int hf_silence_to = -1;
static int hf_last_event = -1;
static int hf_last_event_summary = -1;

static gint ett_health = -1;

xmppws_health_t *
xmppws_health_new(wmem_allocator_t *scope)
{
    xmppws_health_t *h = wmem_new0(scope, xmppws_health_t);

    h->scope = scope;
    h->pending = wmem_list_new(scope);
    return h;
}

void
xmppws_health_free(xmppws_health_t *h)
{
    if (!h)
        return;
    wmem_destroy_list(h->pending);
    wmem_free(h->scope, h->last_event_summary);
    wmem_free(h->scope, h);
}

void
xmppws_health_add(xmppws_health_t *h, const xmppws_tap_info_t *ti, const packet_info *pinfo)
{
    nstime_t delta;

    if (ti->end_how) {
        if (!h->end_how) {
            h->end_how = ti->end_how;
            h->end_from_server = ti->end_from_server;
            h->end_code = ti->end_code;
            h->end_frame = pinfo->num;
        }
        return;
    }
    if (h->messages == 0) {
        h->first_frame = pinfo->num;
        h->first_ts = pinfo->abs_ts;
    } else {
        nstime_delta(&delta, &pinfo->abs_ts, &h->last_ts);
        if (nstime_cmp(&delta, &h->silence) > 0) {
            h->silence = delta;
            h->silence_from = h->last_frame;
            h->silence_to = pinfo->num;
        }
    }
    h->messages++;
    h->last_frame = pinfo->num;
    h->last_ts = pinfo->abs_ts;
    if (ti->direction > XMPPWS_DIR_S2C)
        return;
    if (ti->kind == XMPPWS_KIND_CLOSE && !h->close_frame[ti->direction])
        h->close_frame[ti->direction] = pinfo->num;
    if (ti->request && g_strcmp0(ti->request->what, "ping") == 0) {
        h->pings[ti->direction]++;
        wmem_list_append(h->pending, GUINT_TO_POINTER(ti->request->frame));
    }
    /* the first response to a ping (resp_frame) is its answer */
    if (ti->answers && g_strcmp0(ti->answers->what, "ping") == 0 && ti->answers->resp_frame == pinfo->num) {
        double ms = nstime_to_sec(&ti->answers->resp_delta) * 1000.0;
        h->rtt_min = h->answered ? MIN(h->rtt_min, ms) : ms;
        h->rtt_max = h->answered ? MAX(h->rtt_max, ms) : ms;
        h->rtt_sum += ms;
        h->answered++;
        wmem_list_remove(h->pending, GUINT_TO_POINTER(ti->answers->frame));
    }
    if (ti->pubsub_action && g_str_has_prefix(ti->pubsub_action, "event")) {
        h->last_event_frame = pinfo->num;
        h->last_event_ts = pinfo->abs_ts;
        wmem_free(h->scope, h->last_event_summary);
        h->last_event_summary = ti->payload_summary ? wmem_strdup(h->scope, ti->payload_summary) : NULL;
    }
}

char *
xmppws_health_end(wmem_allocator_t *scope, const xmppws_health_t *h)
{
    static const char *const how[] = { "", "TCP FIN", "TCP RST", "WebSocket Close" };
    const guint32 c = h->close_frame[XMPPWS_DIR_C2S], s = h->close_frame[XMPPWS_DIR_S2C];
    char *closes = c && s ? wmem_strdup_printf(scope, "<close/> both ways (frames %u, %u)", MIN(c, s), MAX(c, s))
                 : c ? wmem_strdup_printf(scope, "<close/> from the client only (frame %u)", c)
                 : s ? wmem_strdup_printf(scope, "<close/> from the server only (frame %u)", s) : NULL;

    if (h->end_how && h->end_code)
        return wmem_strdup_printf(scope, "%s %u from the %s (frame %u), %s", how[MIN(h->end_how, 3)], h->end_code,
                                  h->end_from_server ? "server" : "client", h->end_frame,
                                  closes ? closes : "without <close/>: a dropped connection");
    if (h->end_how)
        return wmem_strdup_printf(scope, "%s from the %s (frame %u), %s", how[MIN(h->end_how, 3)],
                                  h->end_from_server ? "server" : "client", h->end_frame,
                                  closes ? closes : "without <close/>: a dropped connection");
    return closes ? closes : wmem_strdup(scope, "not in the capture (no <close/>, no end of the connection)");
}

void
xmppws_health_show(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const xmppws_stream_t *stream, guint32 unit)
{
    const xmppws_health_t *h = stream->health;
    proto_item *ti;
    proto_tree *t;
    nstime_t span;
    wmem_list_frame_t *f;
    const char *ended;

    if (!tree || !h || !PINFO_FD_VISITED(pinfo) || h->last_frame != pinfo->num || h->last_unit != unit)
        return;
    ti = proto_tree_add_item(tree, hf_health, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    ended = xmppws_health_end(pinfo->pool, h);
    proto_item_append_text(ti, " (this is the stream's last message): %s", ended);
    t = proto_item_add_subtree(ti, ett_health);
    proto_item_set_generated(proto_tree_add_uint(t, hf_messages, tvb, 0, 0, h->messages));
    nstime_delta(&span, &h->last_ts, &h->first_ts);
    proto_item_set_generated(proto_tree_add_time(t, hf_duration, tvb, 0, 0, &span));
    proto_item_set_generated(proto_tree_add_string(t, hf_ended, tvb, 0, 0, ended));
    if (h->end_frame)
        proto_item_set_generated(proto_tree_add_uint(t, hf_end_in, tvb, 0, 0, h->end_frame));
    proto_item_set_generated(proto_tree_add_uint(t, hf_pings_client, tvb, 0, 0, h->pings[XMPPWS_DIR_C2S]));
    proto_item_set_generated(proto_tree_add_uint(t, hf_pings_server, tvb, 0, 0, h->pings[XMPPWS_DIR_S2C]));
    proto_item_set_generated(proto_tree_add_uint(t, hf_pings_answered, tvb, 0, 0, h->answered));
    if (h->answered) {
        proto_item_set_generated(proto_tree_add_double_format_value(t, hf_rtt_avg, tvb, 0, 0, h->rtt_sum / h->answered,
                                                                    "%.3f ms", h->rtt_sum / h->answered));
        proto_item_set_generated(proto_tree_add_double_format_value(t, hf_rtt_max, tvb, 0, 0, h->rtt_max,
                                                                    "%.3f ms", h->rtt_max));
    }
    for (f = wmem_list_head(h->pending); f; f = wmem_list_frame_next(f))
        proto_item_set_generated(proto_tree_add_uint(t, hf_ping_unanswered, tvb, 0, 0,
                                                     GPOINTER_TO_UINT(wmem_list_frame_data(f))));
    if (h->messages > 1) {
        proto_item_set_generated(proto_tree_add_time(t, hf_silence, tvb, 0, 0, &h->silence));
        proto_item_set_generated(proto_tree_add_uint(t, hf_silence_from, tvb, 0, 0, h->silence_from));
        proto_item_set_generated(proto_tree_add_uint(t, hf_silence_to, tvb, 0, 0, h->silence_to));
    }
    if (h->last_event_frame)
        proto_item_set_generated(proto_tree_add_uint(t, hf_last_event, tvb, 0, 0, h->last_event_frame));
    if (h->last_event_summary)
        proto_item_set_generated(proto_tree_add_string(t, hf_last_event_summary, tvb, 0, 0, h->last_event_summary));
}

void
xmppws_register_health(int proto)
{
    static hf_register_info hf[] = {
        { &hf_health, { "Stream health", "xmppws.health", FT_NONE, BASE_NONE, NULL, 0x0,
            "How the stream lived and ended, on its last message once the capture has been read (tshark -2; "
            "the same figures as -z xmppws,health)", HFILL } },
        { &hf_messages, { "Messages", "xmppws.health.messages", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Top-level elements of the stream (and BOSH bodies), both ways", HFILL } },
        { &hf_duration, { "Duration", "xmppws.health.duration", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "From the stream's first message to its last", HFILL } },
        { &hf_ended, { "Ended", "xmppws.health.ended", FT_STRING, BASE_NONE, NULL, 0x0,
            "How the stream ended: <close/> each way (RFC 7395 3.6), TCP FIN or RST or WebSocket Close and from "
            "which side, or not in the capture", HFILL } },
        { &hf_end_in, { "Connection ends in", "xmppws.health.end_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The frame with the TCP FIN or RST or the WebSocket Close that ended the stream's connection", HFILL } },
        { &hf_pings_client, { "Pings from the client", "xmppws.health.pings_client", FT_UINT32, BASE_DEC, NULL, 0x0,
            "XEP-0199 pings the client sent", HFILL } },
        { &hf_pings_server, { "Pings from the server", "xmppws.health.pings_server", FT_UINT32, BASE_DEC, NULL, 0x0,
            "XEP-0199 pings the server sent", HFILL } },
        { &hf_pings_answered, { "Pings answered", "xmppws.health.pings_answered", FT_UINT32, BASE_DEC, NULL, 0x0,
            "XEP-0199 pings (either way) that got an answer", HFILL } },
        { &hf_ping_unanswered, { "Unanswered ping", "xmppws.health.ping_unanswered", FT_FRAMENUM, BASE_NONE, NULL,
            0x0, "A XEP-0199 ping that got no answer in the capture", HFILL } },
        { &hf_rtt_avg, { "Ping round trip, average", "xmppws.health.ping_rtt_avg", FT_DOUBLE, BASE_NONE, NULL, 0x0,
            "Milliseconds from a XEP-0199 ping to its answer, averaged", HFILL } },
        { &hf_rtt_max, { "Ping round trip, maximum", "xmppws.health.ping_rtt_max", FT_DOUBLE, BASE_NONE, NULL, 0x0,
            "Milliseconds from a XEP-0199 ping to its answer, the longest", HFILL } },
        { &hf_silence, { "Longest silence", "xmppws.health.longest_silence", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "The longest time between two messages of the stream", HFILL } },
        { &hf_silence_from, { "Longest silence from", "xmppws.health.silence_from", FT_FRAMENUM, BASE_NONE, NULL,
            0x0, "The message before the longest silence", HFILL } },
        { &hf_silence_to, { "Longest silence to", "xmppws.health.silence_to", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The message after the longest silence", HFILL } },
        { &hf_last_event, { "Last notification in", "xmppws.health.last_notification_in", FT_FRAMENUM, BASE_NONE,
            NULL, 0x0, "The stream's last pubsub event (XEP-0060 7.1.2: a notification)", HFILL } },
        { &hf_last_event_summary, { "Last notification", "xmppws.health.last_notification", FT_STRING, BASE_NONE,
            NULL, 0x0, "What the payload dissector made of the stream's last notification (Cisco Finesse: the "
            "agent's last state and its reason, e.g. a LOGOUT with a forced-logout reason)", HFILL } },
    };
    static gint *ett[] = { &ett_health };

    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}
