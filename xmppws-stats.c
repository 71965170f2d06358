/* xmppws-stats.c
 * What the "xmppws" tap feeds (one xmppws_tap_info_t per top-level XMPP
 * element, queued by xmppws-core.c):
 *
 *   -z xmppws,tree      Statistics > XMPP over WebSocket: a stats_tree with
 *                       messages by kind, direction and stage, SASL
 *                       mechanisms and outcomes, iq types and payload
 *                       namespaces, pubsub actions and nodes, stream and
 *                       stanza error conditions, and response times
 *                       (min/avg/max, ms) per request kind.
 *   -z xmppws,ladder[,filter]
 *                       tshark only: the handshake of each WebSocket
 *                       connection as a text ladder (client on the left,
 *                       server on the right), the diagram a trainer draws.
 *
 * The credentials tap is fed by xmppws-sasl.c, not here.
 *
 * Memory: the stats_tree keeps its own nodes; the ladder listener keeps its
 * rows in GLib memory owned by the listener, freed in its reset and finish
 * callbacks (tap listeners are not in the packet path).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stats_tree.h>
#include <epan/stat_tap_ui.h>
#include <epan/srt_table.h>
#include <wsutil/report_message.h>
#include <epan/to_str.h>
#include <wsutil/str_util.h>
#include <wsutil/utf8_entities.h>

#include "xmppws-core.h"
#include "xmppws-stats.h"
#include "xmppws-health.h"

/* ---- Names ---------------------------------------------------------------- */

static const value_string kind_names[] = {
    { XMPPWS_KIND_OTHER,          "other element" },
    { XMPPWS_KIND_OPEN,           "open" },
    { XMPPWS_KIND_CLOSE,          "close" },
    { XMPPWS_KIND_LEGACY_STREAM,  "stream:stream (legacy)" },
    { XMPPWS_KIND_FEATURES,       "features" },
    { XMPPWS_KIND_STREAM_ERROR,   "stream error" },
    { XMPPWS_KIND_STARTTLS,       "starttls" },
    { XMPPWS_KIND_SASL_AUTH,      "SASL auth" },
    { XMPPWS_KIND_SASL_CHALLENGE, "SASL challenge" },
    { XMPPWS_KIND_SASL_RESPONSE,  "SASL response" },
    { XMPPWS_KIND_SASL_SUCCESS,   "SASL success" },
    { XMPPWS_KIND_SASL_FAILURE,   "SASL failure" },
    { XMPPWS_KIND_SASL_ABORT,     "SASL abort" },
    { XMPPWS_KIND_IQ,             "iq" },
    { XMPPWS_KIND_MESSAGE,        "message" },
    { XMPPWS_KIND_PRESENCE,       "presence" },
    { XMPPWS_KIND_SM,             "stream management" },
    { XMPPWS_KIND_BOSH_BODY,      "BOSH body" },
    { 0, NULL }
};

static const value_string dir_names[] = {
    { XMPPWS_DIR_UNKNOWN, "direction unknown" },
    { XMPPWS_DIR_C2S,     "client to server" },
    { XMPPWS_DIR_S2C,     "server to client" },
    { 0, NULL }
};

/* The response time of the element described by `ti`, in *delta: TRUE
 * when the element answers a request and is the first answer to it (a
 * duplicate answer has no response time of its own). */
static gboolean
tap_response_time(const xmppws_tap_info_t *ti, const packet_info *pinfo, nstime_t *delta)
{
    if (!ti->answers || ti->answers->resp_frame != pinfo->num)
        return FALSE;
    *delta = ti->answers->resp_delta;
    return TRUE;
}

/* ---- -z xmppws,tree -------------------------------------------------------- */

static int st_kind = -1;
static int st_dir = -1;
static int st_stage = -1;
static int st_sasl_mech = -1;
static int st_sasl_outcome = -1;
static int st_iq_type = -1;
static int st_iq_ns = -1;
static int st_pubsub = -1;
static int st_stream_err = -1;
static int st_stanza_err = -1;
static int st_resp = -1;

static const char st_str_kind[] = "Messages by kind";
static const char st_str_dir[] = "Messages by direction";
static const char st_str_stage[] = "Messages by handshake stage";
static const char st_str_sasl_mech[] = "SASL mechanisms requested";
static const char st_str_sasl_outcome[] = "SASL outcomes";
static const char st_str_iq_type[] = "iq types";
static const char st_str_iq_ns[] = "iq payload namespaces";
static const char st_str_pubsub[] = "Pubsub actions and nodes";
static const char st_str_stream_err[] = "Stream error conditions";
static const char st_str_stanza_err[] = "Stanza error conditions";
static const char st_str_resp[] = "Response time (ms) by request";

/* stats_tree init callback: the top-level nodes, in the order they are
 * printed. Children are created on the fly (every node has a hash). */
static void
xmppws_tree_init(stats_tree *st)
{
    st_kind = stats_tree_create_node(st, st_str_kind, 0, STAT_DT_INT, TRUE);
    st_dir = stats_tree_create_node(st, st_str_dir, 0, STAT_DT_INT, TRUE);
    st_stage = stats_tree_create_node(st, st_str_stage, 0, STAT_DT_INT, TRUE);
    st_sasl_mech = stats_tree_create_node(st, st_str_sasl_mech, 0, STAT_DT_INT, TRUE);
    st_sasl_outcome = stats_tree_create_node(st, st_str_sasl_outcome, 0, STAT_DT_INT, TRUE);
    st_iq_type = stats_tree_create_node(st, st_str_iq_type, 0, STAT_DT_INT, TRUE);
    st_iq_ns = stats_tree_create_node(st, st_str_iq_ns, 0, STAT_DT_INT, TRUE);
    st_pubsub = stats_tree_create_node(st, st_str_pubsub, 0, STAT_DT_INT, TRUE);
    st_stream_err = stats_tree_create_node(st, st_str_stream_err, 0, STAT_DT_INT, TRUE);
    st_stanza_err = stats_tree_create_node(st, st_str_stanza_err, 0, STAT_DT_INT, TRUE);
    st_resp = stats_tree_create_node(st, st_str_resp, 0, STAT_DT_FLOAT, TRUE);
}

/* Tick `child` under top-level node (`parent_name`, `parent_id`); an
 * absent or empty child name is counted as `empty_name` (NULL: "(none)").
 * Returns the child's id. */
static int
tick_child(stats_tree *st, const char *parent_name, int parent_id, const char *child, const char *empty_name)
{
    tick_stat_node(st, parent_name, 0, TRUE);
    return tick_stat_node(st, child && *child ? child : empty_name ? empty_name : "(none)", parent_id, TRUE);
}

/* stats_tree packet callback: one call per top-level element; `p` is its
 * xmppws_tap_info_t. Counts it under every node it belongs to. */
static tap_packet_status
xmppws_tree_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_, const void *p,
                   tap_flags_t flags _U_)
{
    const xmppws_tap_info_t *ti = (const xmppws_tap_info_t *)p;
    nstime_t delta;

    if (ti->end_how)
        return TAP_PACKET_DONT_REDRAW;   /* not an element: the connection's end (-z xmppws,health) */
    tick_child(st, st_str_kind, st_kind, val_to_str_const(ti->kind, kind_names, "other element"), NULL);
    tick_child(st, st_str_dir, st_dir, val_to_str_const(ti->direction, dir_names, "direction unknown"), NULL);
    tick_child(st, st_str_stage, st_stage, xmppws_stage_name(ti->stage), NULL);

    if (ti->kind == XMPPWS_KIND_SASL_AUTH)
        tick_child(st, st_str_sasl_mech, st_sasl_mech, ti->sasl_mechanism, "(no mechanism)");
    if (ti->kind == XMPPWS_KIND_SASL_SUCCESS) {
        tick_child(st, st_str_sasl_outcome, st_sasl_outcome, "success", NULL);
    } else if (ti->kind == XMPPWS_KIND_SASL_FAILURE) {
        int id = tick_child(st, st_str_sasl_outcome, st_sasl_outcome, "failure", NULL);
        tick_stat_node(st, ti->sasl_failure && *ti->sasl_failure ? ti->sasl_failure : "(no condition)", id, FALSE);
    } else if (ti->kind == XMPPWS_KIND_SASL_ABORT) {
        tick_child(st, st_str_sasl_outcome, st_sasl_outcome, "aborted by the client", NULL);
    }

    if (ti->kind == XMPPWS_KIND_IQ) {
        tick_child(st, st_str_iq_type, st_iq_type, ti->iq_type, "(no type)");
        if (ti->payload_ns)
            tick_child(st, st_str_iq_ns, st_iq_ns, ti->payload_ns, "(no namespace)");
    }
    if (ti->pubsub_action) {
        int id = tick_child(st, st_str_pubsub, st_pubsub, ti->pubsub_action, "(none)");
        tick_stat_node(st, ti->pubsub_node && *ti->pubsub_node ? ti->pubsub_node : "(no node)", id, FALSE);
    }
    if (ti->stream_error)
        tick_child(st, st_str_stream_err, st_stream_err, ti->stream_error, "(no condition)");
    if (ti->stanza_error)
        tick_child(st, st_str_stanza_err, st_stanza_err, ti->stanza_error, "(no condition)");

    if (tap_response_time(ti, pinfo, &delta)) {
        const char *what = ti->answers->what && *ti->answers->what ? ti->answers->what : "(iq without payload)";
        gfloat ms = (gfloat)(nstime_to_sec(&delta) * 1000.0);

        avg_stat_node_add_value_float(st, st_str_resp, 0, TRUE, ms);
        avg_stat_node_add_value_float(st, what, st_resp, FALSE, ms);
    }
    return TAP_PACKET_REDRAW;
}

/* ---- -z xmppws,ladder -------------------------------------------------------- */

#define LADDER_WIDTH 100   /* columns of every line the ladder prints */

/* One row of the ladder (one top-level element). */
typedef struct {
    guint32        frame;
    nstime_t       abs_ts;
    xmppws_dir_t   direction;
    xmppws_stage_t stage;
    gboolean       wrapper;        /* a BOSH <body/> row: it does not start a stage of its own */
    char          *summary;        /* g_malloc'ed */
    gboolean       has_resp_time;
    nstime_t       resp_time;
} ladder_row_t;

/* One WebSocket connection: its peers and its rows in capture order. */
typedef struct {
    guint32  stream;
    char    *label;                /* the stream's own name (a BOSH session), g_malloc'ed, or NULL */
    char    *client;               /* "addr:port", g_malloc'ed; NULL until known */
    char    *server;
    char    *peer_a;               /* the first message's source and destination */
    char    *peer_b;
    GArray  *rows;                 /* ladder_row_t */
    guint    ends;                 /* rows that are the connection's end, not messages */
} ladder_conn_t;

/* The listener's state: connections in order of their first message. */
typedef struct {
    char       *filter;            /* g_malloc'ed, or NULL */
    GPtrArray  *conns;             /* ladder_conn_t*, owns them */
    GHashTable *by_index;          /* stream (xmppws_stream_t*) -> ladder_conn_t* (not owning) */
} ladder_t;

/* GDestroyNotify of ladder_t.conns: frees one connection and its rows. */
static void
ladder_conn_free(gpointer data)
{
    ladder_conn_t *c = (ladder_conn_t *)data;
    guint i;

    for (i = 0; i < c->rows->len; i++)
        g_free(g_array_index(c->rows, ladder_row_t, i).summary);
    g_array_free(c->rows, TRUE);
    g_free(c->label);
    g_free(c->client);
    g_free(c->server);
    g_free(c->peer_a);
    g_free(c->peer_b);
    g_free(c);
}

/* Tap reset callback: forget every row (before a retap). */
static void
ladder_reset(void *tapdata)
{
    ladder_t *l = (ladder_t *)tapdata;

    g_hash_table_remove_all(l->by_index);
    g_ptr_array_set_size(l->conns, 0);
}

/* "addr:port" of the packet's source (src TRUE) or destination, g_malloc'ed. */
static char *
endpoint_str(packet_info *pinfo, gboolean src)
{
    char *addr = address_to_str(NULL, src ? &pinfo->src : &pinfo->dst);
    char *s = g_strdup_printf("%s:%u", addr, src ? pinfo->srcport : pinfo->destport);

    wmem_free(NULL, addr);
    return s;
}

/* Tap packet callback: append one row to the element's connection. */
static tap_packet_status
ladder_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *p, tap_flags_t flags _U_)
{
    ladder_t *l = (ladder_t *)tapdata;
    const xmppws_tap_info_t *ti = (const xmppws_tap_info_t *)p;
    ladder_conn_t *c = (ladder_conn_t *)g_hash_table_lookup(l->by_index, ti->stream_ref);
    ladder_row_t row;

    if (!c) {
        c = g_new0(ladder_conn_t, 1);
        c->stream = ti->stream;
        c->rows = g_array_new(FALSE, TRUE, sizeof(ladder_row_t));
        c->peer_a = endpoint_str(pinfo, TRUE);
        c->peer_b = endpoint_str(pinfo, FALSE);
        g_ptr_array_add(l->conns, c);
        g_hash_table_insert(l->by_index, (gpointer)ti->stream_ref, c);
    }
    /* A BOSH session is named once its sid is known (the creation response). */
    if (ti->stream_ref->label && g_strcmp0(c->label, ti->stream_ref->label) != 0) {
        g_free(c->label);
        c->label = g_strdup(ti->stream_ref->label);
    }
    if (!c->client && ti->direction != XMPPWS_DIR_UNKNOWN) {
        gboolean src_is_client = ti->direction == XMPPWS_DIR_C2S;
        c->client = endpoint_str(pinfo, src_is_client);
        c->server = endpoint_str(pinfo, !src_is_client);
    }

    memset(&row, 0, sizeof row);
    row.frame = pinfo->num;
    row.abs_ts = pinfo->abs_ts;
    row.direction = ti->direction;
    row.stage = ti->stage;
    row.wrapper = ti->kind == XMPPWS_KIND_BOSH_BODY || ti->end_how;
    row.summary = ti->end_how ? g_strdup_printf("connection ends: %s from the %s", ti->summary,
                                                ti->end_from_server ? "server" : "client")
                              : g_strdup(ti->summary ? ti->summary : "");
    row.has_resp_time = tap_response_time(ti, pinfo, &row.resp_time);
    if (ti->end_how)
        c->ends++;
    g_array_append_val(c->rows, row);
    return TAP_PACKET_REDRAW;
}

/* The arrow of a row: client on the left, server on the right. */
static const char *
ladder_arrow(xmppws_dir_t dir)
{
    switch (dir) {
    case XMPPWS_DIR_C2S: return "C ----> S";
    case XMPPWS_DIR_S2C: return "C <---- S";
    default:             return "C ?---? S";
    }
}

/* Print `text` then `tail` (may be NULL) after `prefix`, word-wrapped to
 * LADDER_WIDTH columns; continuation lines are indented to the text's
 * column. `tail` is never split; a word of `text` longer than a line is
 * cut. Widths count UTF-8 characters. */
static void
ladder_print_wrapped(const char *prefix, const char *text, const char *tail)
{
    glong indent = g_utf8_strlen(prefix, -1);
    glong room = LADDER_WIDTH - indent;
    glong used = 0;
    char **words = g_strsplit(text, " ", -1);
    guint i, n = g_strv_length(words);

    printf("%s", prefix);
    for (i = 0; i <= n; i++) {
        const char *word = i < n ? words[i] : tail;
        glong len = word ? g_utf8_strlen(word, -1) : 0;

        if (len == 0)
            continue;
        if (used > 0 && used + 1 + len > room) {
            printf("\n%*s", (int)indent, "");
            used = 0;
        }
        while (len > room) {
            /* a word wider than a line: cut it */
            const char *cut = g_utf8_offset_to_pointer(word, room);
            printf("%.*s\n%*s", (int)(cut - word), word, (int)indent, "");
            len -= room;
            word = cut;
        }
        printf("%s%s", used ? " " : "", word);
        used += (used ? 1 : 0) + len;
    }
    printf("\n");
    g_strfreev(words);
}

/* Print one row: frame, time since `t0` (the connection's first message),
 * arrow, summary and, for a response, its response time. */
static void
ladder_print_row(const ladder_row_t *r, const nstime_t *t0)
{
    char prefix[64], tail[48] = "";
    nstime_t rel;

    nstime_delta(&rel, &r->abs_ts, t0);
    snprintf(prefix, sizeof prefix, "%6u %10.6f %s ", r->frame, nstime_to_sec(&rel), ladder_arrow(r->direction));
    if (r->has_resp_time)
        snprintf(tail, sizeof tail, "(+%.3f ms)", nstime_to_sec(&r->resp_time) * 1000.0);
    ladder_print_wrapped(prefix, r->summary, tail);
}

/* Tap draw callback: print every connection's ladder to stdout. */
static void
ladder_draw(void *tapdata)
{
    ladder_t *l = (ladder_t *)tapdata;
    guint i, j;

    printf("\n====================================================================================================\n");
    printf("XMPP over WebSocket ladder%s%s\n", l->filter ? ", filter: " : "", l->filter ? l->filter : "");
    printf("C = client, S = server; t = seconds since the connection's first XMPP message;\n");
    printf("(+N ms) = response time of a response to its request\n");
    if (l->conns->len == 0)
        printf("\nNo XMPP over WebSocket messages.\n");
    for (i = 0; i < l->conns->len; i++) {
        const ladder_conn_t *c = (const ladder_conn_t *)g_ptr_array_index(l->conns, i);
        const ladder_row_t *first = &g_array_index(c->rows, ladder_row_t, 0);
        xmppws_stage_t stage = XMPPWS_STAGE_NONE;

        printf("----------------------------------------------------------------------------------------------------\n");
        if (c->label && c->client)
            printf("%s: client %s <-> server %s (first message)\n", c->label, c->client, c->server);
        else if (c->client)
            printf("Connection %u: client %s <-> server %s\n", c->stream, c->client, c->server);
        else
            printf("Connection %u: %s <-> %s (which side is the client is unknown)\n", c->stream,
                   c->peer_a, c->peer_b);
        printf("%u messages, first in frame %u\n\n", c->rows->len - c->ends, first->frame);
        printf(" Frame      t (s) C       S Message\n");
        for (j = 0; j < c->rows->len; j++) {
            const ladder_row_t *r = &g_array_index(c->rows, ladder_row_t, j);
            if (j == 0 || (r->stage != stage && !r->wrapper)) {
                stage = r->stage;
                printf("                  ---- %s ----\n", xmppws_stage_name(stage));
            }
            ladder_print_row(r, &first->abs_ts);
        }
    }
    printf("====================================================================================================\n");
}

/* Tap finish callback: free the listener (tap_cleanup at exit). */
static void
ladder_finish(void *tapdata)
{
    ladder_t *l = (ladder_t *)tapdata;

    g_ptr_array_free(l->conns, TRUE);
    g_hash_table_destroy(l->by_index);
    g_free(l->filter);
    g_free(l);
}

#define LADDER_CLI "xmppws,ladder"

/* stat_tap_ui init callback for "-z xmppws,ladder[,filter]": registers
 * the listener. An invalid filter is reported; from 4.6 on tshark then
 * stops (the callback's false), before that it goes on without the ladder. */
static XMPPWS_STAT_TAP_INIT_RET
ladder_init(const char *opt_arg, void *userdata _U_)
{
    ladder_t *l = g_new0(ladder_t, 1);
    GString *err;
    const char *filter = NULL;

    if (strncmp(opt_arg, LADDER_CLI ",", strlen(LADDER_CLI ",")) == 0 && opt_arg[strlen(LADDER_CLI ",")])
        filter = opt_arg + strlen(LADDER_CLI ",");
    l->filter = g_strdup(filter);
    l->conns = g_ptr_array_new_with_free_func(ladder_conn_free);
    l->by_index = g_hash_table_new(g_direct_hash, g_direct_equal);

    err = register_tap_listener("xmppws", l, filter, 0, ladder_reset, ladder_packet, ladder_draw, ladder_finish);
    if (err) {
        report_failure("Couldn't register " LADDER_CLI " tap: %s", err->str);
        g_string_free(err, TRUE);
        /* register_tap_listener() does not call the finish callback when
         * it fails */
        ladder_finish(l);
        XMPPWS_STAT_TAP_INIT_FAIL;
    }
    XMPPWS_STAT_TAP_INIT_OK;
}

static stat_tap_ui ladder_ui = {
    REGISTER_STAT_GROUP_GENERIC,
    NULL,
    LADDER_CLI,
    ladder_init,
    0,
    NULL
};

/* ---- -z srt,xmppws (Statistics > Service Response Time > XMPP) ------------------- */

/* The requests whose response times the table lists (RFC 6120 8.2.3 iq
 * get/set by payload, "iq query" being disco, roster and other <query/>s;
 * 6.4 SASL <auth/>; RFC 7395 3.6 <close/>), in row order. BOSH hold times
 * are not service times: they are in the tree. */
enum {
    SRT_BIND, SRT_SESSION, SRT_SUBSCRIBE, SRT_PUBLISH, SRT_PUBSUB, SRT_PING, SRT_QUERY, SRT_VCARD, SRT_OTHER_IQ,
    SRT_AUTH, SRT_CLOSE, SRT_ROWS
};
static const char *const srt_row_names[SRT_ROWS] = {
    "iq bind", "iq session", "iq pubsub subscribe", "iq pubsub publish", "iq pubsub (other)", "iq ping",
    "iq query", "iq vCard", "iq (other)", "SASL auth", "close"
};

/* The row of the request a response answers, or -1 (not a service time). */
static int
srt_row(const xmppws_req_t *req)
{
    const char *what = req->what ? req->what : "";

    if (g_str_has_prefix(what, "BOSH"))
        return -1;
    if (g_str_has_prefix(what, "auth"))
        return SRT_AUTH;
    if (strcmp(what, "close") == 0)
        return SRT_CLOSE;
    if (strcmp(what, "bind") == 0)
        return SRT_BIND;
    if (strcmp(what, "session") == 0)
        return SRT_SESSION;
    if (strcmp(what, "pubsub") == 0)
        return g_strcmp0(req->detail, "subscribe") == 0 ? SRT_SUBSCRIBE :
               g_strcmp0(req->detail, "publish") == 0 ? SRT_PUBLISH : SRT_PUBSUB;
    if (strcmp(what, "ping") == 0)
        return SRT_PING;
    if (strcmp(what, "query") == 0)
        return SRT_QUERY;
    if (strcmp(what, "vCard") == 0)
        return SRT_VCARD;
    return SRT_OTHER_IQ;
}

/* srt_init_cb: one table, one row per kind of request. */
static void
xmppws_srt_init(struct register_srt *srt _U_, GArray *srt_array)
{
    srt_stat_table *table = init_srt_table("XMPP over WebSocket and BOSH", NULL, srt_array, SRT_ROWS, "Request",
                                           NULL, NULL);
    int i;

    for (i = 0; i < SRT_ROWS; i++)
        init_srt_table_row(table, i, srt_row_names[i]);
}

/* Tap packet callback: a response (the first to its request) adds its
 * request's time to the request's row. */
static tap_packet_status
xmppws_srt_packet(void *pss, packet_info *pinfo, epan_dissect_t *edt _U_, const void *prv, tap_flags_t flags _U_)
{
    srt_data_t *data = (srt_data_t *)pss;
    const xmppws_tap_info_t *ti = (const xmppws_tap_info_t *)prv;
    srt_stat_table *table;
    nstime_t delta;
    int row;

    if (!tap_response_time(ti, pinfo, &delta) || (row = srt_row(ti->answers)) < 0)
        return TAP_PACKET_DONT_REDRAW;
    table = g_array_index(data->srt_array, srt_stat_table *, 0);
    add_srt_table_data(table, row, &ti->answers->time, pinfo);
    return TAP_PACKET_REDRAW;
}

/* ---- -z xmppws,health: how each stream lived and ended --------------------------- */

/* One stream's health report: its names and the shared accumulator
 * (xmppws-health.c), fed with the records this listener gets. */
typedef struct {
    const xmppws_stream_t *ref;
    guint32   index;
    char     *label;                  /* g_malloc'ed, or NULL */
    char     *client, *server;        /* "addr:port" of the first message with a direction */
    xmppws_health_t *h;
} health_t;

typedef struct {
    GPtrArray  *streams;              /* health_t*, owns them, in order of first record */
    GHashTable *by_ref;               /* stream -> health_t* */
} health_list_t;

static void
health_free(gpointer data)
{
    health_t *h = (health_t *)data;

    g_free(h->label);
    g_free(h->client);
    g_free(h->server);
    xmppws_health_free(h->h);
    g_free(h);
}

static void
health_reset(void *tapdata)
{
    health_list_t *l = (health_list_t *)tapdata;

    g_hash_table_remove_all(l->by_ref);
    g_ptr_array_set_size(l->streams, 0);
}

static tap_packet_status
health_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *p, tap_flags_t flags _U_)
{
    health_list_t *l = (health_list_t *)tapdata;
    const xmppws_tap_info_t *ti = (const xmppws_tap_info_t *)p;
    health_t *h = (health_t *)g_hash_table_lookup(l->by_ref, ti->stream_ref);

    if (!h) {
        h = g_new0(health_t, 1);
        h->ref = ti->stream_ref;
        h->index = ti->stream;
        h->h = xmppws_health_new(NULL);
        g_ptr_array_add(l->streams, h);
        g_hash_table_insert(l->by_ref, (gpointer)ti->stream_ref, h);
    }
    if (ti->stream_ref->label && g_strcmp0(h->label, ti->stream_ref->label) != 0) {
        g_free(h->label);
        h->label = g_strdup(ti->stream_ref->label);
    }
    if (!ti->end_how && !h->client && ti->direction != XMPPWS_DIR_UNKNOWN) {
        h->client = endpoint_str(pinfo, ti->direction == XMPPWS_DIR_C2S);
        h->server = endpoint_str(pinfo, ti->direction != XMPPWS_DIR_C2S);
    }
    xmppws_health_add(h->h, ti, pinfo);
    return TAP_PACKET_REDRAW;
}

static void
health_draw(void *tapdata)
{
    health_list_t *l = (health_list_t *)tapdata;
    guint i, j;

    printf("\n====================================================================================================\n");
    printf("XMPP stream health\n");
    if (l->streams->len == 0)
        printf("\nNo XMPP streams.\n");
    for (i = 0; i < l->streams->len; i++) {
        const health_t *hs = (const health_t *)g_ptr_array_index(l->streams, i);
        const xmppws_health_t *h = hs->h;
        nstime_t span;
        char *end = xmppws_health_end(NULL, h);
        wmem_list_frame_t *f;

        nstime_delta(&span, &h->last_ts, &h->first_ts);
        printf("----------------------------------------------------------------------------------------------------\n");
        if (hs->label)
            printf("%s", hs->label);
        else
            printf("Connection %u", hs->index);
        if (hs->client)
            printf(": client %s <-> server %s", hs->client, hs->server);
        printf("\n");
        printf("  messages:          %u, frames %u to %u, %.3f s\n", h->messages, h->first_frame, h->last_frame,
               nstime_to_sec(&span));
        printf("  ended:             %s\n", end);
        printf("  pings (XEP-0199):  %u from the client, %u from the server, %u answered", h->pings[XMPPWS_DIR_C2S],
               h->pings[XMPPWS_DIR_S2C], h->answered);
        if (h->answered)
            printf(", round trip min/avg/max %.3f/%.3f/%.3f ms", h->rtt_min, h->rtt_sum / h->answered, h->rtt_max);
        printf("\n");
        if (wmem_list_count(h->pending)) {
            printf("  unanswered pings:  frame");
            for (j = 0, f = wmem_list_head(h->pending); f; f = wmem_list_frame_next(f), j++)
                printf("%s %u", j ? "," : "", GPOINTER_TO_UINT(wmem_list_frame_data(f)));
            printf("\n");
        }
        if (h->messages > 1)
            printf("  longest silence:   %.3f s (frames %u to %u)\n", nstime_to_sec(&h->silence), h->silence_from,
                   h->silence_to);
        if (h->last_event_frame) {
            nstime_t rel;
            nstime_delta(&rel, &h->last_event_ts, &h->first_ts);
            printf("  last notification: frame %u, %.3f s after the first message%s%s\n", h->last_event_frame,
                   nstime_to_sec(&rel), h->last_event_summary ? ": " : "",
                   h->last_event_summary ? h->last_event_summary : "");
        } else {
            printf("  last notification: none\n");
        }
        wmem_free(NULL, end);
    }
    printf("====================================================================================================\n");
}

static void
health_finish(void *tapdata)
{
    health_list_t *l = (health_list_t *)tapdata;

    g_ptr_array_free(l->streams, TRUE);
    g_hash_table_destroy(l->by_ref);
    g_free(l);
}

#define HEALTH_CLI "xmppws,health"

/* stat_tap_ui init callback for "-z xmppws,health[,filter]". */
static XMPPWS_STAT_TAP_INIT_RET
health_init(const char *opt_arg, void *userdata _U_)
{
    health_list_t *l = g_new0(health_list_t, 1);
    const char *filter = NULL;
    GString *err;

    if (strncmp(opt_arg, HEALTH_CLI ",", strlen(HEALTH_CLI ",")) == 0 && opt_arg[strlen(HEALTH_CLI ",")])
        filter = opt_arg + strlen(HEALTH_CLI ",");
    l->streams = g_ptr_array_new_with_free_func(health_free);
    l->by_ref = g_hash_table_new(g_direct_hash, g_direct_equal);
    err = register_tap_listener("xmppws", l, filter, 0, health_reset, health_packet, health_draw, health_finish);
    if (err) {
        report_failure("Couldn't register " HEALTH_CLI " tap: %s", err->str);
        g_string_free(err, TRUE);
        health_finish(l);
        XMPPWS_STAT_TAP_INIT_FAIL;
    }
    XMPPWS_STAT_TAP_INIT_OK;
}

static stat_tap_ui health_ui = {
    REGISTER_STAT_GROUP_GENERIC,
    NULL,
    HEALTH_CLI,
    health_init,
    0,
    NULL
};

/* ---- Registration ------------------------------------------------------------ */

/* Register -z xmppws,tree (Statistics > XMPP over WebSocket in the GUI) and
 * -z xmppws,ladder. Called once, from proto_reg_handoff_xmppws(). */
void
xmppws_handoff_stats(void)
{
    stats_tree_register_plugin("xmppws", "xmppws", "XMPP over WebSocket", 0, xmppws_tree_packet, xmppws_tree_init,
                               NULL);
    register_stat_tap_ui(&ladder_ui, NULL);
    register_stat_tap_ui(&health_ui, NULL);
    register_srt_table(proto_xmppws, "xmppws", 1, xmppws_srt_packet, xmppws_srt_init, NULL);
}
