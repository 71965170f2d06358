/* finesse-rest.c
 * Finesse REST calls and the notifications they cause: see finesse-rest.h.
 *
 * A call is recorded on the first pass when its request is seen (URI under
 * /finesse/api/, the requestId header, the state a PUT body asks for); its
 * response is found through HTTP's own pairing (http.request_in); its
 * notification by the <requestId> of the <Update>, whatever carried it (the
 * WebSocket, BOSH, a HAR): requestIds are unique per request (the desktop
 * makes one per call), so the first notification with that requestId is
 * the outcome. Later passes read.
 *
 * Memory: calls and maps in file scope, first pass only (the maps are made
 * on the file's first call and forgotten by the init routine).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/proto_data.h>
#include <wsutil/utf8_entities.h>

#include "finesse-rest.h"

/* proto_data keys under proto_finesse, file scope: the call of a REST
 * message frame; the call of the frame's n-th notification at
 * FINESSE_KEY_REST_NOTIF + n (packet-finesse.c's packet-scope key is 0). */
#define FINESSE_KEY_REST_MSG   0x100
#define FINESSE_KEY_REST_NOTIF 0x1000

#define API_PREFIX "/finesse/api/"

static int proto_finesse_rest = -1;   /* finesse */
static const int *hf_request_id_p;

static int hf_rest = -1;
static int hf_method = -1;
static int hf_resource = -1;
static int hf_id = -1;
static int hf_status = -1;
static int hf_response_in = -1;
static int hf_notification_in = -1;
static int hf_request_in = -1;
static int hf_latency = -1;
static int hf_asked_state = -1;

static gint ett_rest = -1;

static expert_field ei_error = EI_INIT;
static expert_field ei_no_notification = EI_INIT;
static expert_field ei_state_mismatch = EI_INIT;
static expert_field ei_slow = EI_INIT;

static guint pref_latency_warning_ms = 2000;

/* One REST call (file scope). */
typedef struct {
    guint32     req_frame;
    nstime_t    req_time;
    const char *method;
    const char *resource;     /* the path segment after /finesse/api/: User, Dialog, ... */
    const char *id;           /* the next segment (an agent's id), or NULL */
    const char *request_id;   /* the requestId header, or NULL */
    const char *state;        /* the state the body asks for, or NULL */
    const char *reason;       /* the reasonCodeId it gives, or NULL */
    guint32     resp_frame;
    guint32     status;
    guint32     notif_frame;  /* the first notification with the call's requestId */
    const char *notif_state;
} rest_call_t;

static wmem_map_t *calls_by_request_id;   /* requestId -> rest_call_t* (the latest request) */
static wmem_map_t *calls_by_frame;        /* request frame -> rest_call_t* */
static gboolean    solicited_seen;        /* a notification with a requestId is in the file */

static void
rest_init(void)
{
    calls_by_request_id = NULL;
    calls_by_frame = NULL;
    solicited_seen = FALSE;
}

gboolean
finesse_rest_is_api(const char *uri)
{
    const char *p;

    if (!uri)
        return FALSE;
    /* an absolute URI (a proxy's request line) or a path */
    p = strstr(uri, "://");
    if (p) {
        p = strchr(p + 3, '/');
        if (!p)
            return FALSE;
        uri = p;
    }
    return strncmp(uri, API_PREFIX, strlen(API_PREFIX)) == 0;
}

/* Resource and id of a REST URI ("/finesse/api/User/1001?x" -> "User", "1001"). */
static void
split_uri(wmem_allocator_t *scope, const char *uri, const char **resource, const char **id)
{
    const char *path = strstr(uri, API_PREFIX);
    char **parts;

    *resource = *id = NULL;
    if (!path)
        return;
    parts = g_strsplit_set(path + strlen(API_PREFIX), "/?#", 3);
    if (parts[0] && *parts[0])
        *resource = wmem_strdup(scope, parts[0]);
    if (parts[0] && parts[1] && *parts[1])
        *id = wmem_strdup(scope, parts[1]);
    g_strfreev(parts);
}

gboolean
finesse_rest_claim(packet_info *pinfo, const xmppws_http_message_t *m)
{
    wmem_allocator_t *fs;
    rest_call_t *call;

    if (PINFO_FD_VISITED(pinfo))
        return p_get_proto_data(wmem_file_scope(), pinfo, proto_finesse_rest, FINESSE_KEY_REST_MSG) != NULL;
    if (!m)
        return FALSE;
    if (m->request) {
        if (!finesse_rest_is_api(m->uri))
            return FALSE;
        fs = xmppws_file_scope(pinfo);
        if (!calls_by_frame) {
            calls_by_request_id = wmem_map_new(fs, g_str_hash, g_str_equal);
            calls_by_frame = wmem_map_new(fs, g_direct_hash, g_direct_equal);
        }
        call = wmem_new0(fs, rest_call_t);
        call->req_frame = pinfo->num;
        call->req_time = pinfo->abs_ts;
        call->method = wmem_strdup(fs, m->method ? m->method : "?");
        split_uri(fs, m->uri, &call->resource, &call->id);
        if (m->request_id) {
            call->request_id = wmem_strdup(fs, m->request_id);
            wmem_map_insert(calls_by_request_id, (gpointer)call->request_id, call);
        }
        wmem_map_insert(calls_by_frame, GUINT_TO_POINTER(pinfo->num), call);
    } else {
        call = calls_by_frame && m->request_in ?
               (rest_call_t *)wmem_map_lookup(calls_by_frame, GUINT_TO_POINTER(m->request_in)) : NULL;
        if (!call || call->resp_frame)
            return FALSE;
        call->resp_frame = pinfo->num;
        call->status = m->status;
    }
    p_add_proto_data(xmppws_file_scope(pinfo), pinfo, proto_finesse_rest, FINESSE_KEY_REST_MSG, call);
    return TRUE;
}

static void
add_frame(proto_tree *tree, int hf, tvbuff_t *tvb, guint32 frame)
{
    proto_item *pi = proto_tree_add_uint(tree, hf, tvb, 0, 0, frame);
    proto_item_set_generated(pi);
}

static void
add_string(proto_tree *tree, int hf, tvbuff_t *tvb, const char *s)
{
    proto_item *pi;

    if (!s)
        return;
    pi = proto_tree_add_string(tree, hf, tvb, 0, 0, s);
    proto_item_set_generated(pi);
}

/* "PUT User 1001" */
static void
append_call(wmem_strbuf_t *sb, const rest_call_t *call)
{
    wmem_strbuf_append_printf(sb, "%s %s", call->method, call->resource ? call->resource : "(no resource)");
    if (call->id)
        wmem_strbuf_append_printf(sb, " %s", call->id);
}

void
finesse_rest_show(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const finesse_rest_doc_t *doc,
                  wmem_strbuf_t *summary, const char **call_name, guint32 *status, nstime_t *response_time)
{
    rest_call_t *call = (rest_call_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_finesse_rest,
                                                         FINESSE_KEY_REST_MSG);
    gboolean request;
    proto_item *ti, *pi;
    proto_tree *st;

    *call_name = NULL;
    *status = 0;
    nstime_set_unset(response_time);
    if (!call)
        return;
    request = call->req_frame == pinfo->num;
    if (!request && call->resp_frame == pinfo->num)
        nstime_delta(response_time, &pinfo->abs_ts, &call->req_time);
    *call_name = wmem_strdup_printf(pinfo->pool, "%s %s", call->method, call->resource ? call->resource : "?");
    *status = request ? 0 : call->status;
    if (request && !PINFO_FD_VISITED(pinfo) && doc && doc->state) {
        call->state = wmem_strdup(xmppws_file_scope(pinfo), doc->state);
        call->reason = doc->reason ? wmem_strdup(xmppws_file_scope(pinfo), doc->reason) : NULL;
    }

    ti = proto_tree_add_item(tree, hf_rest, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    st = proto_item_add_subtree(ti, ett_rest);
    add_string(st, hf_method, tvb, call->method);
    add_string(st, hf_resource, tvb, call->resource);
    add_string(st, hf_id, tvb, call->id);
    if (call->request_id && hf_request_id_p)
        add_string(st, *hf_request_id_p, tvb, call->request_id);
    if (call->state)
        add_string(st, hf_asked_state, tvb, call->state);
    if (call->resp_frame) {
        pi = proto_tree_add_uint(st, hf_status, tvb, 0, 0, call->status);
        proto_item_set_generated(pi);
    }
    if (request && call->resp_frame)
        add_frame(st, hf_response_in, tvb, call->resp_frame);
    if (call->notif_frame)
        add_frame(st, hf_notification_in, tvb, call->notif_frame);

    wmem_strbuf_append(summary, " REST ");
    if (request) {
        append_call(summary, call);
        if (call->state) {
            wmem_strbuf_append_printf(summary, " " UTF8_RIGHTWARDS_ARROW " %s", call->state);
            if (call->reason)
                wmem_strbuf_append_printf(summary, " (reason %s)", call->reason);
        }
        proto_item_append_text(ti, ": request");
    } else {
        wmem_strbuf_append_printf(summary, "%u", call->status);
        if (!doc) {
            wmem_strbuf_append(summary, " (");
            append_call(summary, call);
            wmem_strbuf_append(summary, ")");
        }
        proto_item_append_text(ti, ": response %u to the request in frame %u", call->status, call->req_frame);
        if (call->status >= 400)
            expert_add_info_format(pinfo, ti, &ei_error, "Finesse REST %s %s%s%s answered %u%s%s%s%s", call->method,
                                   call->resource ? call->resource : "", call->id ? " " : "",
                                   call->id ? call->id : "", call->status,
                                   doc && doc->error_type ? ": " : "", doc && doc->error_type ? doc->error_type : "",
                                   doc && doc->error_message ? ": " : "",
                                   doc && doc->error_message ? doc->error_message : "");
    }
    /* Known once the whole capture was seen: a state change accepted (2xx)
     * whose notification never came (only said when the capture holds
     * notifications with requestIds at all: the XMPP side is in it). */
    if (request && PINFO_FD_VISITED(pinfo) && call->state && !call->notif_frame && solicited_seen &&
        call->status >= 200 && call->status < 300)
        expert_add_info_format(pinfo, ti, &ei_no_notification, "Finesse accepted this state change (HTTP %u) but "
                               "no notification with requestId %s is in the capture: the desktop never learned "
                               "the outcome", call->status, call->request_id ? call->request_id : "(none)");
}

gboolean
finesse_rest_notification(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint n, const char *request_id,
                          const finesse_rest_doc_t *doc, nstime_t *latency_out)
{
    rest_call_t *call;
    proto_item *pi;
    nstime_t latency;

    if (!PINFO_FD_VISITED(pinfo)) {
        if (!request_id || !*request_id)
            return FALSE;
        solicited_seen = TRUE;
        call = calls_by_request_id ? (rest_call_t *)wmem_map_lookup(calls_by_request_id, request_id) : NULL;
        if (!call || call->req_frame >= pinfo->num)
            return FALSE;
        if (!call->notif_frame) {
            call->notif_frame = pinfo->num;
            call->notif_state = doc && doc->state ? wmem_strdup(xmppws_file_scope(pinfo), doc->state) : NULL;
        }
        p_add_proto_data(xmppws_file_scope(pinfo), pinfo, proto_finesse_rest, FINESSE_KEY_REST_NOTIF + n, call);
    } else {
        call = (rest_call_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_finesse_rest,
                                               FINESSE_KEY_REST_NOTIF + n);
        if (!call)
            return FALSE;
    }
    add_frame(tree, hf_request_in, tvb, call->req_frame);
    nstime_delta(&latency, &pinfo->abs_ts, &call->req_time);
    pi = proto_tree_add_time(tree, hf_latency, tvb, 0, 0, &latency);
    proto_item_set_generated(pi);
    if (call->state && doc && doc->state && strcmp(call->state, doc->state) != 0)
        expert_add_info_format(pinfo, pi, &ei_state_mismatch, "The REST request in frame %u asked for %s; this "
                               "notification says %s", call->req_frame, call->state, doc->state);
    if (nstime_to_msec(&latency) > (double)pref_latency_warning_ms)
        expert_add_info_format(pinfo, pi, &ei_slow, "%.3f s from the REST request (frame %u) to this notification: "
                               "above finesse.rest_latency_warning (%u ms)", nstime_to_sec(&latency),
                               call->req_frame, pref_latency_warning_ms);
    *latency_out = latency;
    return TRUE;
}

void
finesse_rest_register(int proto, module_t *module, const int *hf_request_id)
{
    static hf_register_info hf[] = {
        { &hf_rest, { "REST call", "finesse.rest", FT_NONE, BASE_NONE, NULL, 0x0,
            "A call of the Finesse REST API (/finesse/api/...)", HFILL } },
        { &hf_method, { "Method", "finesse.rest.method", FT_STRING, BASE_NONE, NULL, 0x0,
            "The request's HTTP method", HFILL } },
        { &hf_resource, { "Resource", "finesse.rest.resource", FT_STRING, BASE_NONE, NULL, 0x0,
            "The path segment after /finesse/api/: User, Dialog, Team, Queue, SystemInfo, ...", HFILL } },
        { &hf_id, { "Id", "finesse.rest.id", FT_STRING, BASE_NONE, NULL, 0x0,
            "The next path segment: the agent's id for User, the dialog's for Dialog", HFILL } },
        { &hf_asked_state, { "State asked for", "finesse.rest.state", FT_STRING, BASE_NONE, NULL, 0x0,
            "The state the request's body asks for", HFILL } },
        { &hf_status, { "Status", "finesse.rest.status", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The HTTP status of the response (202: accepted, the outcome comes as a notification)", HFILL } },
        { &hf_response_in, { "Response in", "finesse.rest.response_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "The HTTP response to this REST request", HFILL } },
        { &hf_notification_in, { "Notification in", "finesse.rest.notification_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "The first Finesse notification with this request's requestId (its outcome)", HFILL } },
        { &hf_request_in, { "REST request in", "finesse.rest.request_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "The REST request whose requestId this notification carries", HFILL } },
        { &hf_latency, { "Latency", "finesse.rest.latency", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time from the REST request to this notification (seconds)", HFILL } },
    };
    static gint *ett[] = { &ett_rest };
    static ei_register_info ei[] = {
        { &ei_error, { "finesse.rest.error", PI_RESPONSE_CODE, PI_WARN,
            "Finesse REST request answered with an HTTP error (the ApiError says why)", EXPFILL } },
        { &ei_no_notification, { "finesse.rest.no_notification", PI_SEQUENCE, PI_WARN,
            "State change accepted by Finesse without a matching notification in the capture", EXPFILL } },
        { &ei_state_mismatch, { "finesse.rest.state_mismatch", PI_SEQUENCE, PI_WARN,
            "Notification of a REST request with another state than the request asked for", EXPFILL } },
        { &ei_slow, { "finesse.rest.slow", PI_SEQUENCE, PI_WARN,
            "Notification later than finesse.rest_latency_warning after its REST request", EXPFILL } },
    };
    expert_module_t *em = expert_register_protocol(proto);

    proto_finesse_rest = proto;
    hf_request_id_p = hf_request_id;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(em, ei, array_length(ei));
    prefs_register_uint_preference(module, "rest_latency_warning", "REST to notification latency warning (ms)",
                                   "A notification that comes later than this after its REST request gets the "
                                   "expert info finesse.rest.slow", 10, &pref_latency_warning_ms);
    register_init_routine(rest_init);
}
