/* xmppws-tracking.c
 * Per-stream tracking of XMPP, built on the first pass only and read on
 * every later pass (README.dissector 2.5); the core keeps the records:
 *  - the handshake stage of every element (RFC 7395 3.4-3.7, RFC 6120 4-7);
 *  - request/response pairs: iq get/set with result/error by id (RFC 6120
 *    8.2.3), SASL <auth/> with <success/>/<failure/> (6.4), <close/> with the
 *    peer's <close/> (RFC 7395 3.6); ids are scoped to one stream, so a
 *    stream restart starts a new scope;
 *  - the login summary (bound JID, mechanism, step times, restarts);
 *  - the anomalies that need history (second <open/>, data after <close/>,
 *    stanzas before SASL success or bind, unanswered requests, ...).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/prefs.h>

#include "xmppws-tracking.h"

static int hf_stage = -1;
static int hf_response_in = -1;
static int hf_response_to = -1;
static int hf_response_time = -1;
static int hf_login = -1;
static int hf_login_jid = -1;
static int hf_login_mechanism = -1;
static int hf_login_time_to_bind = -1;
static int hf_login_time_to_presence = -1;
static int hf_login_restarts = -1;

static gint ett_login = -1;

static expert_field ei_second_open = EI_INIT;
static expert_field ei_data_after_close = EI_INIT;
static expert_field ei_no_close = EI_INIT;
static expert_field ei_close_unanswered = EI_INIT;
static expert_field ei_sasl_unoffered = EI_INIT;
static expert_field ei_sasl_plain_cleartext = EI_INIT;
static expert_field ei_stanza_before_auth = EI_INIT;
static expert_field ei_close_after_success = EI_INIT;
static expert_field ei_bind_before_auth = EI_INIT;
static expert_field ei_stanza_before_bind = EI_INIT;
static expert_field ei_no_response = EI_INIT;
static expert_field ei_dup_response = EI_INIT;
static expert_field ei_unsolicited_response = EI_INIT;
static expert_field ei_iq_no_id = EI_INIT;
static expert_field ei_iq_children = EI_INIT;
static expert_field ei_long_silence = EI_INIT;

/* Seconds without any element on a stream above which the next one gets
 * xmppws.long_silence (0: never). Finesse desktops and servers keep a
 * stream alive with XEP-0199 pings well within this. */
static guint pref_silence_warning_s = 120;

/* xmppws.stage: integer values with these names, so that a filter can say
 * xmppws.stage == "sasl" or == 2. */
static const value_string stage_vals[] = {
    { XMPPWS_STAGE_NONE,        "none" },
    { XMPPWS_STAGE_STREAM_OPEN, "stream-open" },
    { XMPPWS_STAGE_SASL,        "sasl" },
    { XMPPWS_STAGE_RESTART,     "restart" },
    { XMPPWS_STAGE_BIND,        "bind" },
    { XMPPWS_STAGE_SESSION,     "session" },
    { XMPPWS_STAGE_ESTABLISHED, "established" },
    { XMPPWS_STAGE_CLOSING,     "closing" },
    { XMPPWS_STAGE_CLOSED,      "closed" },
    { XMPPWS_STAGE_UNKNOWN,     "unknown (capture started mid-session)" },
    { 0, NULL }
};

const char *
xmppws_stage_name(xmppws_stage_t stage)
{
    return val_to_str_const(stage, stage_vals, "none");
}

/* Anomalies decided on the first pass (xmppws_elrec_t.flags). */
#define F_SECOND_OPEN         0x0001
#define F_DATA_AFTER_CLOSE    0x0002
#define F_SASL_UNOFFERED      0x0004
#define F_STANZA_BEFORE_AUTH  0x0008
#define F_CLOSE_AFTER_SUCCESS 0x0010
#define F_BIND_BEFORE_AUTH    0x0020
#define F_STANZA_BEFORE_BIND  0x0040
#define F_DUP_RESPONSE        0x0080
#define F_UNSOLICITED         0x0100
#define F_LONG_SILENCE        0x0200

/* What a stream started mid-capture cannot know: the order of its login. */
#define F_SEQUENCE (F_SECOND_OPEN | F_STANZA_BEFORE_AUTH | F_CLOSE_AFTER_SUCCESS | F_BIND_BEFORE_AUTH | \
                    F_STANZA_BEFORE_BIND | F_UNSOLICITED | F_SASL_UNOFFERED)

/* Tracking state of one stream (first pass only). */
typedef struct xmppws_track_stream {
    xmppws_stage_t stage;
    guint32        generation;        /* stream restarts so far: scope of iq ids */
    guint32        restarts;
    gboolean       sasl_success;
    gboolean       restart_pending;   /* <success/> seen, client has not re-opened */
    gboolean       bound;
    gboolean       open_seen[3];      /* per direction, in this stream */
    gboolean       close_seen[3];     /* per direction */
    gboolean       any_close;
    gboolean       presence_seen;     /* first client presence after bind */
    gboolean       first_element;
    gboolean       mid_session;       /* the stream's first element was not an <open/>: its start
                                       * is not in the capture */
    wmem_list_t   *offered_mechanisms;/* const char*, from the last <mechanisms/> */
    xmppws_kind_t  prev_kind;
    const char    *mechanism;
    const char    *bound_jid;
    nstime_t       first_open;
    gboolean       have_first_open;
    nstime_t       bind_time;
    wmem_map_t    *requests;          /* "gen|dir|id" -> xmppws_req_t */
    nstime_t       last_time;         /* the stream's last element: time, frame, unit, element */
    guint32        last_frame;
    guint32        last_msg;
    guint32        last_el;
} xmppws_track_stream_t;

static xmppws_dir_t
opposite(xmppws_dir_t d)
{
    return d == XMPPWS_DIR_C2S ? XMPPWS_DIR_S2C : d == XMPPWS_DIR_S2C ? XMPPWS_DIR_C2S : XMPPWS_DIR_UNKNOWN;
}

/* Key of a request in t->requests: stream generation, direction, id. Kept
 * keys live in file scope; lookups use the packet's pool, so that answers
 * and duplicates add nothing to the file's memory. */
static char *
request_key(wmem_allocator_t *scope, const xmppws_track_stream_t *t, xmppws_dir_t req_dir, const char *id)
{
    return wmem_strdup_printf(scope, "%u|%d|%s", t->generation, (int)req_dir, id);
}

static xmppws_req_t *
new_request(xmppws_track_stream_t *t, packet_info *pinfo, xmppws_dir_t dir, const char *id, xmppws_stage_t stage,
            const char *what)
{
    xmppws_req_t *req = wmem_new0(xmppws_file_scope(pinfo), xmppws_req_t);

    req->frame = pinfo->num;
    req->time = pinfo->abs_ts;
    req->stage = stage;
    req->what = what;
    /* A repeated id in the same stream replaces the older request. */
    wmem_map_insert(t->requests, request_key(xmppws_file_scope(pinfo), t, dir, id), req);
    return req;
}

/* The element this one answers; sets the record's response links. */
static void
answer_request(xmppws_track_stream_t *t, xmppws_elrec_t *rec, packet_info *pinfo, xmppws_dir_t dir, const char *id)
{
    char *key = request_key(pinfo->pool, t, opposite(dir), id);
    xmppws_req_t *req = (xmppws_req_t *)wmem_map_lookup(t->requests, key);

    if (!req) {
        rec->flags |= F_UNSOLICITED;
        return;
    }
    rec->answers = req;
    if (req->resp_frame) {
        rec->flags |= F_DUP_RESPONSE;
        return;
    }
    req->resp_frame = pinfo->num;
    nstime_delta(&req->resp_delta, &pinfo->abs_ts, &req->time);
}

/* What the iq asks for, for the stage and statistics: "bind", "session",
 * or the payload's local name. */
static const char *
iq_payload(const xmppws_doc_t *doc, xml_frame_t *el, guint *children)
{
    xml_frame_t *c;
    const char *what = NULL;

    *children = 0;
    for (c = xmppws_el_child(doc, el, NULL, NULL); c; c = xmppws_el_next(doc, c, NULL, NULL)) {
        if (xmppws_el_is(doc, c, XMPPWS_NS_CLIENT, "error"))
            continue;
        (*children)++;
        if (!what)
            what = c->name_orig_case;
    }
    return what;
}

/* The SASL mechanisms a <stream:features/> offers (RFC 6120 6.4.1), kept for
 * the check of the client's <auth/>; the last offer counts. */
static void
note_mechanisms(xmppws_track_stream_t *t, const xmppws_doc_t *doc, xml_frame_t *features)
{
    xml_frame_t *mechs = xmppws_el_child(doc, features, XMPPWS_NS_SASL, "mechanisms");
    xml_frame_t *m;
    wmem_list_t *offered;

    if (!mechs)
        return;
    offered = wmem_list_new(xmppws_file_scope(doc->pinfo));
    for (m = xmppws_el_child(doc, mechs, XMPPWS_NS_SASL, "mechanism"); m;
         m = xmppws_el_next(doc, m, XMPPWS_NS_SASL, "mechanism")) {
        const char *name = xmppws_text(doc, m);
        if (name)
            wmem_list_append(offered, wmem_strdup(xmppws_file_scope(doc->pinfo), name));
    }
    t->offered_mechanisms = wmem_list_count(offered) > 0 ? offered : NULL;
}

/* First pass: advance the stream's state with one element. */
static xmppws_elrec_t *
track_first_pass(xmppws_ctx_t *ctx, xml_frame_t *el)
{
    const xmppws_doc_t *doc = &ctx->doc;
    packet_info *pinfo = doc->pinfo;
    xmppws_stream_t *stream = ctx->stream;
    xmppws_track_stream_t *t = stream->track;
    xmppws_elrec_t *rec = wmem_new0(pinfo->pool, xmppws_elrec_t);   /* kept by the caller if needed */
    xmppws_dir_t dir = ctx->direction;
    int d = (int)dir;
    gboolean stanza = ctx->kind == XMPPWS_KIND_IQ || ctx->kind == XMPPWS_KIND_MESSAGE ||
                      ctx->kind == XMPPWS_KIND_PRESENCE;

    if (!t) {
        t = wmem_new0(xmppws_file_scope(pinfo), xmppws_track_stream_t);
        t->requests = wmem_map_new(xmppws_file_scope(pinfo), g_str_hash, g_str_equal);
        t->first_element = TRUE;
        stream->track = t;
    }
    if (t->first_element)
        t->mid_session = ctx->kind != XMPPWS_KIND_OPEN && ctx->kind != XMPPWS_KIND_LEGACY_STREAM;
    else if (pref_silence_warning_s) {
        /* no element at all on the stream for a while: the keepalives
         * (XEP-0199, WebSocket pings, BOSH polls) are not reaching it */
        nstime_t gap;
        nstime_delta(&gap, &pinfo->abs_ts, &t->last_time);
        if (gap.secs >= (time_t)pref_silence_warning_s) {
            rec->flags |= F_LONG_SILENCE;
            rec->silence = gap;
            rec->silence_from = t->last_frame;
        }
    }
    t->first_element = FALSE;

    if (t->close_seen[d] && ctx->kind != XMPPWS_KIND_CLOSE)
        rec->flags |= F_DATA_AFTER_CLOSE;
    /* The client's stanzas are the anomaly; the server may answer them. */
    if (stanza && !t->sasl_success && dir != XMPPWS_DIR_S2C)
        rec->flags |= F_STANZA_BEFORE_AUTH;

    switch (ctx->kind) {
    case XMPPWS_KIND_OPEN:
    case XMPPWS_KIND_LEGACY_STREAM:
        if (dir != XMPPWS_DIR_S2C && t->restart_pending) {
            /* RFC 7395 3.7 / RFC 6120 6.4.6: the stream restart */
            t->restart_pending = FALSE;
            t->generation++;
            t->restarts++;
            memset(t->open_seen, 0, sizeof t->open_seen);
        } else if (t->open_seen[d]) {
            rec->flags |= F_SECOND_OPEN;
        }
        t->open_seen[d] = TRUE;
        if (!t->have_first_open) {
            t->first_open = pinfo->abs_ts;
            t->have_first_open = TRUE;
        }
        t->stage = t->sasl_success ? XMPPWS_STAGE_RESTART : XMPPWS_STAGE_STREAM_OPEN;
        rec->stage = t->stage;
        break;
    case XMPPWS_KIND_SASL_AUTH: {
        const char *mech = xmppws_attr(doc, el, "mechanism");
        t->stage = XMPPWS_STAGE_SASL;
        rec->stage = t->stage;
        t->mechanism = mech ? wmem_strdup(xmppws_file_scope(pinfo), mech) : NULL;
        if (mech && t->offered_mechanisms) {
            wmem_list_frame_t *f;
            gboolean offered = FALSE;
            for (f = wmem_list_head(t->offered_mechanisms); f; f = wmem_list_frame_next(f))
                offered |= strcmp((const char *)wmem_list_frame_data(f), mech) == 0;
            if (!offered)
                rec->flags |= F_SASL_UNOFFERED;
        }
        rec->request = new_request(t, pinfo, dir, "<sasl>", XMPPWS_STAGE_SASL,
                                   wmem_strdup_printf(xmppws_file_scope(pinfo), "auth %s", mech ? mech : "?"));
        break;
    }
    case XMPPWS_KIND_SASL_SUCCESS:
    case XMPPWS_KIND_SASL_FAILURE:
        t->stage = XMPPWS_STAGE_SASL;
        rec->stage = t->stage;
        answer_request(t, rec, pinfo, dir, "<sasl>");
        if (ctx->kind == XMPPWS_KIND_SASL_SUCCESS) {
            t->sasl_success = TRUE;
            t->restart_pending = TRUE;
        }
        break;
    case XMPPWS_KIND_SASL_CHALLENGE:
    case XMPPWS_KIND_SASL_RESPONSE:
    case XMPPWS_KIND_SASL_ABORT:
        t->stage = XMPPWS_STAGE_SASL;
        rec->stage = t->stage;
        break;
    case XMPPWS_KIND_IQ: {
        const char *type = xmppws_attr(doc, el, "type");
        const char *id = xmppws_attr(doc, el, "id");
        guint children;
        const char *what = iq_payload(doc, el, &children);
        gboolean is_request = type && (strcmp(type, "get") == 0 || strcmp(type, "set") == 0);
        gboolean is_bind = what && xmppws_el_child(doc, el, XMPPWS_NS_BIND, "bind") != NULL;
        gboolean is_session = what && xmppws_el_child(doc, el, XMPPWS_NS_SESSION, "session") != NULL;

        rec->iq_children = children;
        rec->iq_request = is_request;
        if (is_bind) {
            rec->stage = XMPPWS_STAGE_BIND;
            if (!t->sasl_success)
                rec->flags |= F_BIND_BEFORE_AUTH;
            rec->flags &= ~F_STANZA_BEFORE_AUTH;
        } else if (is_session) {
            rec->stage = XMPPWS_STAGE_SESSION;
        } else {
            rec->stage = t->bound ? XMPPWS_STAGE_ESTABLISHED : t->stage;
        }
        if (is_request && id) {
            rec->request = new_request(t, pinfo, dir, id, rec->stage, what ? wmem_strdup(xmppws_file_scope(pinfo), what) : "");
            if (what && strcmp(what, "pubsub") == 0) {
                /* XEP-0060: the action is the <pubsub/>'s first child */
                xml_frame_t *ps = xmppws_el_child(doc, el, NULL, "pubsub");
                xml_frame_t *action = xmppws_el_child(doc, ps, NULL, NULL);
                if (action && action->name_orig_case)
                    rec->request->detail = wmem_strdup(xmppws_file_scope(pinfo), action->name_orig_case);
            }
        } else if (!is_request && id && type) {
            answer_request(t, rec, pinfo, dir, id);
            if (rec->answers) {
                rec->stage = rec->answers->stage;
                if (rec->answers->stage == XMPPWS_STAGE_BIND && strcmp(type, "result") == 0 && !t->bound) {
                    xml_frame_t *bind = xmppws_el_child(doc, el, XMPPWS_NS_BIND, "bind");
                    const char *jid = xmppws_text(doc, xmppws_el_child(doc, bind, XMPPWS_NS_BIND, "jid"));
                    t->bound = TRUE;
                    t->stage = XMPPWS_STAGE_ESTABLISHED;
                    t->bind_time = pinfo->abs_ts;
                    t->bound_jid = jid ? wmem_strdup(xmppws_file_scope(pinfo), jid) : NULL;
                    ctx->stream->bound_jid = t->bound_jid;
                    rec->login = wmem_new0(xmppws_file_scope(pinfo), xmppws_login_t);
                }
            }
        }
        if (t->sasl_success && !t->bound && !is_bind && !is_session && !rec->answers && dir != XMPPWS_DIR_S2C)
            rec->flags |= F_STANZA_BEFORE_BIND;
        break;
    }
    case XMPPWS_KIND_MESSAGE:
    case XMPPWS_KIND_PRESENCE:
        rec->stage = t->bound ? XMPPWS_STAGE_ESTABLISHED : t->stage;
        if (t->sasl_success && !t->bound && dir != XMPPWS_DIR_S2C)
            rec->flags |= F_STANZA_BEFORE_BIND;
        if (ctx->kind == XMPPWS_KIND_PRESENCE && t->bound && !t->presence_seen && dir != XMPPWS_DIR_S2C) {
            t->presence_seen = TRUE;
            rec->login = wmem_new0(xmppws_file_scope(pinfo), xmppws_login_t);
            rec->login->has_presence_time = TRUE;
            nstime_delta(&rec->login->time_to_presence, &pinfo->abs_ts, &t->first_open);
        }
        break;
    case XMPPWS_KIND_CLOSE:
        if (t->prev_kind == XMPPWS_KIND_SASL_SUCCESS && dir != XMPPWS_DIR_S2C)
            rec->flags |= F_CLOSE_AFTER_SUCCESS;
        if (t->close_seen[opposite(dir)] || (dir == XMPPWS_DIR_UNKNOWN && t->any_close)) {
            answer_request(t, rec, pinfo, dir, "<close>");
            rec->stage = XMPPWS_STAGE_CLOSED;
        } else {
            rec->request = new_request(t, pinfo, dir, "<close>", XMPPWS_STAGE_CLOSING, "close");
            rec->stage = XMPPWS_STAGE_CLOSING;
        }
        t->close_seen[d] = TRUE;
        t->any_close = TRUE;
        ctx->stream->closed = TRUE;
        t->stage = rec->stage;
        break;
    default:
        rec->stage = t->bound ? XMPPWS_STAGE_ESTABLISHED : t->stage;
        break;
    }
    if (t->any_close && ctx->kind != XMPPWS_KIND_CLOSE)
        rec->stage = t->stage;
    if (rec->login) {
        rec->login->jid = t->bound_jid;
        rec->login->mechanism = t->mechanism;
        rec->login->restarts = t->restarts;
        nstime_delta(&rec->login->time_to_bind, &t->bind_time, &t->first_open);
    }
    if (ctx->kind == XMPPWS_KIND_FEATURES)
        note_mechanisms(t, doc, el);
    if (t->mid_session) {
        /* RFC 6120's order cannot be checked, nor the login summed up,
         * without the stream's start; the stage is unknown until an <open/>. */
        rec->flags &= ~F_SEQUENCE;
        rec->login = NULL;
        if (!t->open_seen[XMPPWS_DIR_C2S] && !t->open_seen[XMPPWS_DIR_S2C] && !t->any_close)
            rec->stage = XMPPWS_STAGE_UNKNOWN;
    }
    t->prev_kind = ctx->kind;
    t->last_time = pinfo->abs_ts;
    t->last_frame = pinfo->num;
    t->last_msg = ctx->msg_index;
    t->last_el = ctx->el_index;
    return rec;
}

/* The record of most elements of an established session (a pubsub event, a
 * presence): nothing of their own to remember. Shared, never stored per
 * element, only read. */
const xmppws_elrec_t xmppws_track_plain = { XMPPWS_STAGE_ESTABLISHED, NULL, NULL, NULL, 0, 0, FALSE, { 0, 0 }, 0 };

static gboolean
is_plain_established(const xmppws_elrec_t *rec)
{
    return rec->stage == XMPPWS_STAGE_ESTABLISHED && !rec->request && !rec->answers && !rec->login &&
           !rec->flags && !rec->iq_children && !rec->iq_request;
}

const xmppws_elrec_t *
xmppws_track_element(xmppws_ctx_t *ctx, xml_frame_t *el)
{
    xmppws_elrec_t *first = track_first_pass(ctx, el);

    if (is_plain_established(first))
        return &xmppws_track_plain;
    return (const xmppws_elrec_t *)wmem_memdup(xmppws_file_scope(ctx->doc.pinfo), first, sizeof *first);
}

static void
add_login_summary(xmppws_ctx_t *ctx, const xmppws_login_t *login)
{
    tvbuff_t *tvb = ctx->doc.tvb;
    proto_item *ti = proto_tree_add_item(ctx->msg_tree, hf_login, tvb, 0, 0, ENC_NA);
    proto_tree *st = proto_item_add_subtree(ti, ett_login);
    proto_item *pi;

    proto_item_set_generated(ti);
    if (login->jid) {
        proto_item_append_text(ti, ": %s", login->jid);
        pi = proto_tree_add_string(st, hf_login_jid, tvb, 0, 0, login->jid);
        proto_item_set_generated(pi);
    }
    if (login->mechanism) {
        pi = proto_tree_add_string(st, hf_login_mechanism, tvb, 0, 0, login->mechanism);
        proto_item_set_generated(pi);
    }
    pi = proto_tree_add_time(st, hf_login_time_to_bind, tvb, 0, 0, &login->time_to_bind);
    proto_item_set_generated(pi);
    if (login->has_presence_time) {
        pi = proto_tree_add_time(st, hf_login_time_to_presence, tvb, 0, 0, &login->time_to_presence);
        proto_item_set_generated(pi);
    }
    pi = proto_tree_add_uint(st, hf_login_restarts, tvb, 0, 0, login->restarts);
    proto_item_set_generated(pi);
}

void
xmppws_track_show(xmppws_ctx_t *ctx, xml_frame_t *el)
{
    const xmppws_doc_t *doc = &ctx->doc;
    packet_info *pinfo = doc->pinfo;
    const xmppws_elrec_t *rec = ctx->rec;
    xmppws_track_stream_t *t = ctx->stream->track;
    proto_tree *tree = ctx->msg_tree;
    tvbuff_t *tvb = doc->tvb;
    int off = el->start_offset, len = el->length;
    proto_item *pi;

    if (!rec)
        return;
    pi = proto_tree_add_uint(tree, hf_stage, tvb, 0, 0, rec->stage);
    proto_item_set_generated(pi);

    if (rec->request && rec->request->resp_frame) {
        pi = proto_tree_add_uint(tree, hf_response_in, tvb, 0, 0, rec->request->resp_frame);
        proto_item_set_generated(pi);
    }
    if (rec->answers) {
        pi = proto_tree_add_uint(tree, hf_response_to, tvb, 0, 0, rec->answers->frame);
        proto_item_set_generated(pi);
        if (!(rec->flags & F_DUP_RESPONSE)) {
            pi = proto_tree_add_time(tree, hf_response_time, tvb, 0, 0, &rec->answers->resp_delta);
            proto_item_set_generated(pi);
        }
    }
    if (rec->login)
        add_login_summary(ctx, rec->login);

    if (rec->flags & F_SECOND_OPEN)
        proto_tree_add_expert(tree, pinfo, &ei_second_open, tvb, off, len);
    if (rec->flags & F_DATA_AFTER_CLOSE)
        proto_tree_add_expert(tree, pinfo, &ei_data_after_close, tvb, off, len);
    if (rec->flags & F_SASL_UNOFFERED)
        proto_tree_add_expert_format(tree, pinfo, &ei_sasl_unoffered, tvb, off, len,
                               "<auth/> uses mechanism %s, which the server's last <mechanisms/> did not offer "
                               "(RFC 6120 6.4.2); expect <invalid-mechanism/>", t && t->mechanism ? t->mechanism : "?");
    if (ctx->kind == XMPPWS_KIND_SASL_AUTH && !xmppws_over_tls(pinfo)) {
        const char *mech = xmppws_attr(doc, el, "mechanism");
        if (mech && strcmp(mech, "PLAIN") == 0)
            proto_tree_add_expert(tree, pinfo, &ei_sasl_plain_cleartext, tvb, off, len);
    }
    if (rec->flags & F_STANZA_BEFORE_AUTH)
        proto_tree_add_expert(tree, pinfo, &ei_stanza_before_auth, tvb, off, len);
    if (rec->flags & F_CLOSE_AFTER_SUCCESS)
        proto_tree_add_expert(tree, pinfo, &ei_close_after_success, tvb, off, len);
    if (rec->flags & F_BIND_BEFORE_AUTH)
        proto_tree_add_expert(tree, pinfo, &ei_bind_before_auth, tvb, off, len);
    if (rec->flags & F_STANZA_BEFORE_BIND)
        proto_tree_add_expert(tree, pinfo, &ei_stanza_before_bind, tvb, off, len);
    if (rec->flags & F_DUP_RESPONSE)
        proto_tree_add_expert_format(tree, pinfo, &ei_dup_response, tvb, off, len,
                               "Second response to the request in frame %u, already answered in frame %u "
                               "(RFC 6120 8.2.3: exactly one response per request)",
                               rec->answers->frame, rec->answers->resp_frame);
    if (rec->flags & F_UNSOLICITED)
        proto_tree_add_expert(tree, pinfo, &ei_unsolicited_response, tvb, off, len);
    if (rec->flags & F_LONG_SILENCE)
        proto_tree_add_expert_format(tree, pinfo, &ei_long_silence, tvb, off, len,
                                     "%.3f s without any XMPP element on this stream since frame %u: above "
                                     "xmppws.silence_warning (%u s); keepalives (XEP-0199 pings) are missing",
                                     nstime_to_sec(&rec->silence), rec->silence_from, pref_silence_warning_s);

    if (ctx->kind == XMPPWS_KIND_IQ) {
        if (!xml_get_attrib(el, "id"))
            proto_tree_add_expert(tree, pinfo, &ei_iq_no_id, tvb, off, len);
        if (rec->iq_request && rec->iq_children != 1)
            proto_tree_add_expert_format(tree, pinfo, &ei_iq_children, tvb, off, len,
                                   "iq get/set carries %u child elements; RFC 6120 8.2.3 requires exactly one",
                                   rec->iq_children);
    }

    /* What only the whole capture tells: known on later passes (the GUI,
     * tshark -2), after the first pass has seen every frame. */
    if (PINFO_FD_VISITED(pinfo)) {
        if (rec->request && !rec->request->resp_frame) {
            if (ctx->kind == XMPPWS_KIND_CLOSE) {
                if (!ctx->stream->close_is_final)
                    proto_tree_add_expert(tree, pinfo, &ei_close_unanswered, tvb, off, len);
            }
            else
                proto_tree_add_expert_format(tree, pinfo, &ei_no_response, tvb, off, len,
                                       "No response to this %s in the capture (RFC 6120 8.2.3 requires one): "
                                       "the peer did not answer before the capture or the connection ended",
                                       ctx->kind == XMPPWS_KIND_SASL_AUTH ? "SASL <auth/>" : "iq get/set");
        }
        /* Only when the connection is seen to end (FIN, RST, WebSocket
         * Close): a capture that simply stops is not a dropped session. */
        if (t && t->last_frame == pinfo->num && t->last_msg == ctx->msg_index && t->last_el == ctx->el_index &&
            !t->any_close && ctx->stream->end_frame)
            proto_tree_add_expert(tree, pinfo, &ei_no_close, tvb, off, len);
    }
}

void
xmppws_register_tracking(int proto, module_t *module)
{
    static hf_register_info hf[] = {
        { &hf_stage, { "Handshake stage", "xmppws.stage", FT_UINT8, BASE_DEC, VALS(stage_vals), 0x0,
            "1 stream-open, 2 sasl, 3 restart, 4 bind, 5 session, 6 established, 7 closing, 8 closed, "
            "9 unknown (the stream's start is not in the capture) "
            "(filter by name or number: xmppws.stage == \"sasl\")", HFILL } },
        { &hf_response_in, { "Response in", "xmppws.response_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "Frame holding the response to this request", HFILL } },
        { &hf_response_to, { "Response to", "xmppws.response_to", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "Frame holding the request this answers", HFILL } },
        { &hf_response_time, { "Response time", "xmppws.response_time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time between the request and this response, in seconds", HFILL } },
        { &hf_login, { "Login summary", "xmppws.login", FT_NONE, BASE_NONE, NULL, 0x0,
            "The login this connection completed", HFILL } },
        { &hf_login_jid, { "Bound JID", "xmppws.login.jid", FT_STRING, BASE_NONE, NULL, 0x0,
            "Full JID from the bind result", HFILL } },
        { &hf_login_mechanism, { "SASL mechanism", "xmppws.login.mechanism", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_login_time_to_bind, { "Time from first open to bind result", "xmppws.login.time_to_bind",
            FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_login_time_to_presence, { "Time from first open to first presence", "xmppws.login.time_to_presence",
            FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_login_restarts, { "Stream restarts", "xmppws.login.restarts", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Number of stream restarts before bind (1 after SASL)", HFILL } },
    };
    static gint *ett[] = { &ett_login };
    static ei_register_info ei[] = {
        { &ei_second_open, { "xmppws.second_open", PI_PROTOCOL, PI_WARN,
            "Second <open/> from the same side without a stream restart (RFC 7395 3.4: a stream is opened once; "
            "it is re-opened only after SASL success, 3.7)", EXPFILL } },
        { &ei_data_after_close, { "xmppws.data_after_close", PI_SEQUENCE, PI_WARN,
            "Data after this side's <close/> (RFC 7395 3.6: nothing may follow <close/>)", EXPFILL } },
        { &ei_no_close, { "xmppws.no_close", PI_SEQUENCE, PI_NOTE,
            "Last message before the connection ended (TCP FIN or RST, or WebSocket Close) without <close/> "
            "(RFC 7395 3.6: a dropped WebSocket is an implicit close)",
            EXPFILL } },
        { &ei_close_unanswered, { "xmppws.close_unanswered", PI_SEQUENCE, PI_WARN,
            "<close/> not answered by the peer's <close/> in the capture (RFC 7395 3.6)", EXPFILL } },
        { &ei_sasl_unoffered, { "xmppws.sasl.unoffered_mechanism", PI_PROTOCOL, PI_WARN,
            "SASL mechanism not offered by the server", EXPFILL } },
        { &ei_sasl_plain_cleartext, { "xmppws.sasl.plain_cleartext", PI_SECURITY, PI_WARN,
            "SASL PLAIN over an unencrypted connection (ws://, or BOSH over http://): the password is in clear "
            "(RFC 4616 4, RFC 7395 3.9, XEP-0206 6: use TLS)", EXPFILL } },
        { &ei_stanza_before_auth, { "xmppws.stanza_before_auth", PI_SEQUENCE, PI_WARN,
            "Stanza before SASL <success/> (RFC 6120 6.4.6: no stanzas until authentication succeeds)", EXPFILL } },
        { &ei_close_after_success, { "xmppws.close_after_success", PI_SEQUENCE, PI_WARN,
            "<close/> right after SASL <success/>: the client must restart the stream with a new <open/> "
            "(RFC 7395 3.7)", EXPFILL } },
        { &ei_bind_before_auth, { "xmppws.bind_before_auth", PI_SEQUENCE, PI_WARN,
            "Resource binding before SASL <success/> (RFC 6120 7.2: bind follows authentication)", EXPFILL } },
        { &ei_stanza_before_bind, { "xmppws.stanza_before_bind", PI_SEQUENCE, PI_WARN,
            "Stanza after SASL but before resource binding completed (RFC 6120 7.1: bind first)", EXPFILL } },
        { &ei_no_response, { "xmppws.no_response", PI_SEQUENCE, PI_WARN,
            "Request without a response in the capture", EXPFILL } },
        { &ei_dup_response, { "xmppws.duplicate_response", PI_SEQUENCE, PI_WARN,
            "Second response to one request", EXPFILL } },
        { &ei_unsolicited_response, { "xmppws.unsolicited_response", PI_SEQUENCE, PI_NOTE,
            "Response whose request is not in the capture (or not on this stream) (RFC 6120 8.2.3)", EXPFILL } },
        { &ei_iq_no_id, { "xmppws.iq.no_id", PI_PROTOCOL, PI_WARN,
            "iq without an id attribute (RFC 6120 8.1.3: id is required on iq)", EXPFILL } },
        { &ei_iq_children, { "xmppws.iq.children", PI_PROTOCOL, PI_WARN,
            "iq get/set without exactly one child element (RFC 6120 8.2.3)", EXPFILL } },
        { &ei_long_silence, { "xmppws.long_silence", PI_SEQUENCE, PI_WARN,
            "Long silence on an XMPP stream before this element (above xmppws.silence_warning)", EXPFILL } },
    };
    expert_module_t *em = expert_register_protocol(proto);

    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(em, ei, array_length(ei));
    prefs_register_uint_preference(module, "silence_warning", "Silence warning (s)",
                                   "An element that comes more than this many seconds after the previous one on "
                                   "its stream gets xmppws.long_silence (0: never)", 10,
                                   &pref_silence_warning_s);
}
