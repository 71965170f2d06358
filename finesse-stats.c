/* finesse-stats.c
 * What the "finesse" tap feeds (one finesse_tap_info_t per decoded Finesse
 * notification, queued by packet-finesse.c):
 *
 *   -z finesse,tree     Statistics > Cisco Finesse Notification: a
 *                       stats_tree with notifications by kind and event, by
 *                       source pattern (ids as {id}), solicited or not,
 *                       agent states (with their reasons) overall and per
 *                       agent, dialog states, API errors by type and
 *                       message, SystemInfo status; REST calls by method,
 *                       resource and status, and the REST request to
 *                       notification latency per agent (finesse-rest.c).
 *
 * Memory: the stats_tree keeps its own nodes; names are built in
 * pinfo->pool.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/stats_tree.h>
#include <epan/srt_table.h>
#include <wsutil/utf8_entities.h>
#include <wsutil/str_util.h>

#include "xmppws-xml.h"
#include "packet-finesse.h"
#include "finesse-stats.h"

/* Count one under `parent_name` and under its child `child` (absent or
 * empty: `empty_name`, NULL for "(none)"); the child's id. */
static int
tick_child(stats_tree *st, const char *parent_name, int parent_id, const char *child, const char *empty_name)
{
    tick_stat_node(st, parent_name, 0, TRUE);
    return tick_stat_node(st, child && *child ? child : empty_name ? empty_name : "(none)", parent_id, TRUE);
}

/* Characters of a free-text value (source, error message) in a node name. */
#define FINESSE_ST_NAME_MAX 80

static int st_f_kind = -1;
static int st_f_source = -1;
static int st_f_solicited = -1;
static int st_f_state = -1;
static int st_f_agent = -1;
static int st_f_dialog = -1;
static int st_f_error = -1;
static int st_f_system = -1;
static int st_f_rest = -1;
static int st_f_latency = -1;

static const char st_str_f_kind[] = "Notifications by kind and event";
static const char st_str_f_source[] = "Notifications by source";
static const char st_str_f_solicited[] = "Solicited (requestId) or unsolicited";
static const char st_str_f_state[] = "Agent states (reason)";
static const char st_str_f_agent[] = "Agent states by agent";
static const char st_str_f_dialog[] = "Dialog states";
static const char st_str_f_error[] = "API errors by type and message";
static const char st_str_f_system[] = "SystemInfo status";
static const char st_str_f_rest[] = "REST calls by resource and status";
static const char st_str_f_latency[] = "REST request to notification latency (ms) by agent";

/* stats_tree init callback of -z finesse,tree: the top-level nodes, in the
 * order they are printed. */
static void
finesse_tree_init(stats_tree *st)
{
    st_f_kind = stats_tree_create_node(st, st_str_f_kind, 0, STAT_DT_INT, TRUE);
    st_f_source = stats_tree_create_node(st, st_str_f_source, 0, STAT_DT_INT, TRUE);
    st_f_solicited = stats_tree_create_node(st, st_str_f_solicited, 0, STAT_DT_INT, TRUE);
    st_f_state = stats_tree_create_node(st, st_str_f_state, 0, STAT_DT_INT, TRUE);
    st_f_agent = stats_tree_create_node(st, st_str_f_agent, 0, STAT_DT_INT, TRUE);
    st_f_dialog = stats_tree_create_node(st, st_str_f_dialog, 0, STAT_DT_INT, TRUE);
    st_f_error = stats_tree_create_node(st, st_str_f_error, 0, STAT_DT_INT, TRUE);
    st_f_system = stats_tree_create_node(st, st_str_f_system, 0, STAT_DT_INT, TRUE);
    st_f_rest = stats_tree_create_node(st, st_str_f_rest, 0, STAT_DT_INT, TRUE);
    st_f_latency = stats_tree_create_node(st, st_str_f_latency, 0, STAT_DT_FLOAT, TRUE);
}

/* A value as a node name (pinfo->pool): control characters become spaces
 * so the text output stays one line per node, and it is cut to
 * FINESSE_ST_NAME_MAX characters. A writable copy, or NULL for NULL or "". */
static char *
st_name(packet_info *pinfo, const char *s)
{
    char *name, *p;

    if (!s || !*s)
        return NULL;
    if (!g_utf8_validate(s, -1, NULL))
        return wmem_strdup(pinfo->pool, "(not UTF-8)");
    name = wmem_strdup(pinfo->pool, xmppws_cut(pinfo->pool, s, FINESSE_ST_NAME_MAX));
    for (p = name; *p; p++) {
        if ((guchar)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    }
    return name;
}

/* The pattern of an Update/source: after "/finesse/api/" (any case) the
 * segments alternate object type and id, and every id segment becomes
 * "{id}": /finesse/api/User/{id}/Dialogs, /finesse/api/Dialog/{id},
 * /finesse/api/Team/{id}/Users, /finesse/api/SystemInfo. A source without
 * "/finesse/api/" is kept as sent. pinfo->pool; NULL for NULL or "". */
static const char *
source_pattern(packet_info *pinfo, const char *source)
{
    static const char api[] = "/finesse/api/";
    const size_t api_len = sizeof api - 1;
    const char *p, *start = NULL;
    wmem_strbuf_t *sb;
    guint seg = 0;

    if (!source || !*source)
        return NULL;
    for (p = source; *p; p++) {
        if (g_ascii_strncasecmp(p, api, api_len) == 0) {
            start = p + api_len;
            break;
        }
    }
    if (!start)
        return st_name(pinfo, source);
    sb = wmem_strbuf_new(pinfo->pool, "");
    wmem_strbuf_append_len(sb, source, (gsize)(start - source));
    for (p = start; ; seg++) {
        const char *slash = strchr(p, '/');
        gsize len = slash ? (gsize)(slash - p) : strlen(p);

        if (seg % 2 == 1 && len > 0)
            wmem_strbuf_append(sb, "{id}");
        else
            wmem_strbuf_append_len(sb, p, len);
        if (!slash)
            break;
        wmem_strbuf_append_c(sb, '/');
        p = slash + 1;
    }
    return st_name(pinfo, wmem_strbuf_get_str(sb));
}

/* stats_tree packet callback of -z finesse,tree: one call per decoded
 * Finesse notification; `p` is its finesse_tap_info_t. */
static tap_packet_status
finesse_tree_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_, const void *p,
                    tap_flags_t flags _U_)
{
    const finesse_tap_info_t *ti = (const finesse_tap_info_t *)p;
    char *event = st_name(pinfo, ti->event);
    int id;

    /* A REST call (finesse-rest.c): counted once per request under its
     * method and resource, and once per response under its status there. */
    if (ti->rest) {
        const char *call = st_name(pinfo, ti->rest_call);
        if (!ti->rest_status) {
            tick_child(st, st_str_f_rest, st_f_rest, call, "(no resource)");
        } else {
            int call_id = stats_tree_manip_node_int(MN_INCREASE, st, call ? call : "(no resource)", st_f_rest,
                                                    TRUE, 0);
            tick_stat_node(st, wmem_strdup_printf(pinfo->pool, "%u", ti->rest_status), call_id, FALSE);
        }
        return TAP_PACKET_REDRAW;
    }
    if (ti->has_latency) {
        const char *agent = st_name(pinfo, ti->user_id);
        gfloat ms = (gfloat)(nstime_to_sec(&ti->latency) * 1000.0);
        avg_stat_node_add_value_float(st, st_str_f_latency, 0, TRUE, ms);
        avg_stat_node_add_value_float(st, agent ? agent : "(no login id)", st_f_latency, FALSE, ms);
    }

    /* events as the Info column shows them: upper case (Finesse's own
     * tools send "put" too) */
    if (event)
        ascii_strup_inplace(event);
    id = tick_child(st, st_str_f_kind, st_f_kind, ti->kind, "other");
    tick_stat_node(st, event ? event : "(no event)", id, FALSE);
    tick_child(st, st_str_f_source, st_f_source, source_pattern(pinfo, ti->source), "(no source)");
    tick_child(st, st_str_f_solicited, st_f_solicited, ti->solicited ? "solicited (requestId set)" : "unsolicited",
               NULL);

    if (ti->user_state) {
        const char *state = st_name(pinfo, ti->user_state);
        const char *why = st_name(pinfo, ti->reason_label);

        if (!why && ti->reason_code && *ti->reason_code)
            why = wmem_strdup_printf(pinfo->pool, "reason code %s", st_name(pinfo, ti->reason_code));
        id = tick_child(st, st_str_f_state, st_f_state, state, NULL);
        if (why)
            tick_stat_node(st, why, id, FALSE);
        id = tick_child(st, st_str_f_agent, st_f_agent, st_name(pinfo, ti->user_id), "(no login id)");
        tick_stat_node(st, state, id, FALSE);
    }
    if (ti->dialog_state)
        tick_child(st, st_str_f_dialog, st_f_dialog, st_name(pinfo, ti->dialog_state), NULL);
    if (ti->api_error_type || ti->api_error_message || g_strcmp0(ti->kind, "api_errors") == 0) {
        const char *msg = st_name(pinfo, ti->api_error_message);

        id = tick_child(st, st_str_f_error, st_f_error, st_name(pinfo, ti->api_error_type), "(no type)");
        tick_stat_node(st, msg ? msg : "(no message)", id, FALSE);
    }
    if (g_strcmp0(ti->kind, "system_info") == 0 || ti->system_status)
        tick_child(st, st_str_f_system, st_f_system, st_name(pinfo, ti->system_status), "(no status)");
    return TAP_PACKET_REDRAW;
}

/* ---- -z finesse,srt (Statistics > Service Response Time > Finesse) -------- */

/* The REST calls by method, from the request to its HTTP response; and a
 * state change's real answer, from the request to the notification that
 * carries its requestId (Finesse answers 202 at once and publishes the
 * outcome later). */
enum { SRT_GET, SRT_PUT, SRT_POST, SRT_DELETE, SRT_OTHER, SRT_NOTIFICATION, SRT_ROWS };

static const char *const srt_row_names[SRT_ROWS] = {
    "REST GET", "REST PUT", "REST POST", "REST DELETE", "REST other method",
    "REST request " UTF8_RIGHTWARDS_ARROW " notification"
};

static void
finesse_srt_init(struct register_srt *srt _U_, GArray *srt_array)
{
    srt_stat_table *table = init_srt_table("Cisco Finesse REST API", NULL, srt_array, SRT_ROWS, "Call", NULL, NULL);

    for (int i = 0; i < SRT_ROWS; i++)
        init_srt_table_row(table, i, srt_row_names[i]);
}

static tap_packet_status
finesse_srt_packet(void *pss, packet_info *pinfo, epan_dissect_t *edt _U_, const void *prv, tap_flags_t flags _U_)
{
    srt_data_t *data = (srt_data_t *)pss;
    const finesse_tap_info_t *ti = (const finesse_tap_info_t *)prv;
    srt_stat_table *table = g_array_index(data->srt_array, srt_stat_table *, 0);
    nstime_t request;
    int row;

    if (ti->rest && ti->has_response_time && ti->rest_call) {
        row = g_str_has_prefix(ti->rest_call, "GET ") ? SRT_GET : g_str_has_prefix(ti->rest_call, "PUT ") ? SRT_PUT :
              g_str_has_prefix(ti->rest_call, "POST ") ? SRT_POST :
              g_str_has_prefix(ti->rest_call, "DELETE ") ? SRT_DELETE : SRT_OTHER;
        nstime_delta(&request, &pinfo->abs_ts, &ti->response_time);
    } else if (!ti->rest && ti->has_latency) {
        row = SRT_NOTIFICATION;
        nstime_delta(&request, &pinfo->abs_ts, &ti->latency);
    } else {
        return TAP_PACKET_DONT_REDRAW;
    }
    add_srt_table_data(table, row, &request, pinfo);
    return TAP_PACKET_REDRAW;
}

/* Register -z finesse,tree and -z finesse,srt (the "finesse" tap is
 * registered by packet-finesse.c). Called once, from
 * proto_reg_handoff_finesse(). */
void
finesse_handoff_stats(int proto)
{
    stats_tree_register_plugin("finesse", "finesse", "Cisco Finesse Notification", 0, finesse_tree_packet,
                               finesse_tree_init, NULL);
    register_srt_table(proto, "finesse", 1, finesse_srt_packet, finesse_srt_init, NULL);
}
