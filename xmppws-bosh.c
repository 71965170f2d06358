/* xmppws-bosh.c
 * XMPP over BOSH (XEP-0124, XEP-0206): how HTTP reaches us, and what only
 * this transport knows:
 *  - recognition: a body that is one <body xmlns='http://jabber.org/protocol/httpbind'>
 *    (xmppws_bosh_is_body()); every other XML body goes to the XML dissector;
 *  - the session: keyed by its sid (XEP-0124 7.2), across every TCP
 *    connection it uses (two or more by design, 11); the session creation
 *    request has no sid yet, its response gives it (7.1, 7.2);
 *  - which response answers which request: HTTP/1.1 answers the requests of
 *    one connection in order, so a FIFO of pending BOSH requests per TCP
 *    connection pairs them, and gives the time the server held each request
 *    (the long poll, 11);
 *  - rid order per session (XEP-0124 14.1-14.3: gaps, repeats =
 *    retransmissions), the terminate and its condition (13, 17.2);
 *  - the role of each body for the core's tracking: session creation = the
 *    stream's open (XEP-0206 3), xmpp:restart='true' = the stream restart
 *    (XEP-0206 5), type='terminate' = the close.
 * The children of each body are dissected by the core exactly as over
 * WebSocket (xmppws-core.c).
 *
 * Memory: sessions, pending requests and per-body records live in file
 * scope and are written on the first pass only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <wsutil/strtoi.h>

#include "xmppws-bosh.h"

/* proto_data keys under proto_xmppws (the core's are 0 and 1 + a unit's
 * index, the WebSocket transport's 100 and 0x7f000000): the packet-scope
 * count of BOSH bodies of this frame, and the file-scope record of body n
 * of the frame at XMPPWS_KEY_BOSH_REC + n. */
#define XMPPWS_KEY_BOSH_FRAME 0x7e000000u
#define XMPPWS_KEY_BOSH_REC   0x7e000001u
/* File scope, on an HTTP error response (no BOSH body) to a BOSH request:
 * its bosh_http_error_t. */
#define XMPPWS_KEY_BOSH_HTTP  0x7dffffffu

static int proto_bosh_xmpp = -1;   /* xmppws */

static int hf_bosh = -1;
static int hf_rid = -1;
static int hf_sid = -1;
static int hf_ack = -1;
static int hf_wait = -1;
static int hf_hold = -1;
static int hf_ver = -1;
static int hf_inactivity = -1;
static int hf_polling = -1;
static int hf_requests = -1;
static int hf_maxpause = -1;
static int hf_type = -1;
static int hf_condition = -1;
static int hf_to = -1;
static int hf_from = -1;
static int hf_route = -1;
static int hf_secure = -1;
static int hf_content = -1;
static int hf_authid = -1;
static int hf_xmpp_version = -1;
static int hf_xmpp_restart = -1;
static int hf_session = -1;
static int hf_empty = -1;
static int hf_creation = -1;
static int hf_response_in = -1;
static int hf_request_in = -1;
static int hf_hold_time = -1;
static int hf_http_status = -1;

static gint ett_bosh = -1;

static expert_field ei_not_body = EI_INIT;
static expert_field ei_no_rid = EI_INIT;
static expert_field ei_bad_number = EI_INIT;
static expert_field ei_rid_repeat = EI_INIT;
static expert_field ei_rid_gap = EI_INIT;
static expert_field ei_rid_order = EI_INIT;
static expert_field ei_no_creation = EI_INIT;
static expert_field ei_unpaired = EI_INIT;
static expert_field ei_sid_mismatch = EI_INIT;
static expert_field ei_terminate_condition = EI_INIT;
static expert_field ei_terminate_after_client = EI_INIT;
static expert_field ei_no_response = EI_INIT;
static expert_field ei_http_error = EI_INIT;

static dissector_handle_t bosh_handle;   /* "xmppws_bosh", for direct use (the fuzzer) */

/* One BOSH session (file scope): the XMPP stream, its sid, the rids seen. */
typedef struct {
    xmppws_stream_t *stream;
    const char      *sid;            /* NULL until the creation response names it */
    guint32          number;         /* 0, 1, ... in order of appearance: xmppws.bosh.session */
    gboolean         have_rid;
    guint64          max_rid;        /* highest rid so far */
    guint32          max_rid_frame;
    wmem_map_t      *rids;           /* rid (guint64 *) -> frame of its first request */
    gboolean         terminated[3];  /* a terminate was seen from this side (xmppws_dir_t) */
} bosh_session_t;

/* One BOSH request (file scope). `req` is what the core's tap reads (frame,
 * time, response frame, hold time, what). */
typedef struct {
    xmppws_req_t    req;
    bosh_session_t *session;
    gboolean        creation;        /* the session creation request (no sid, XEP-0124 7.1) */
} bosh_req_t;

/* What the first pass decided about one body (file scope). */
#define BF_NO_RID        0x01
#define BF_RID_REPEAT    0x02
#define BF_RID_GAP       0x04
#define BF_RID_ORDER     0x08
#define BF_NO_CREATION   0x10
#define BF_UNPAIRED      0x20
#define BF_SID_MISMATCH  0x40
#define BF_AFTER_CLIENT  0x80    /* a terminate condition after the client's own terminate */

typedef struct {
    bosh_session_t    *session;
    bosh_req_t        *request;      /* this body is that request */
    bosh_req_t        *answers;      /* this body answers that request */
    xmppws_wrap_role_t role;
    guint32            flags;
    guint64            rid_other;    /* BF_RID_GAP: the previous highest rid; BF_RID_REPEAT: frame */
    guint32            other_frame;  /* BF_RID_GAP / BF_RID_REPEAT / BF_RID_ORDER: a related frame */
} bosh_rec_t;

/* An HTTP error status answering a BOSH request (file scope). */
typedef struct {
    bosh_req_t *request;
    guint32     status;
} bosh_http_error_t;

/* Per file, made on its first pass: sessions by sid, pending requests per TCP
 * connection (NULL until the file's first BOSH body). */
static wmem_map_t *sessions_by_sid;   /* sid -> bosh_session_t* */
static wmem_map_t *pending_by_conn;   /* conv_index -> wmem_list_t* of bosh_req_t* */
static wmem_map_t *anon_by_conn;      /* conv_index -> bosh_session_t* (no sid, no request) */
static wmem_map_t *reqs_by_frame;     /* frame -> bosh_req_t* (the last BOSH request of the frame) */
static guint32     session_count;

/* Init routine (a new file): the maps went with the last file's scope. */
static void
bosh_init(void)
{
    sessions_by_sid = NULL;
    pending_by_conn = NULL;
    anon_by_conn = NULL;
    reqs_by_frame = NULL;
    session_count = 0;
}

gboolean
xmppws_bosh_is_body(const guint8 *p, guint len)
{
    static const char ns1[] = "xmlns='" XMPPWS_NS_HTTPBIND "'";
    static const char ns2[] = "xmlns=\"" XMPPWS_NS_HTTPBIND "\"";
    guint i = 0;
    const guint8 *end;

    while (i < len && g_ascii_isspace(p[i]))
        i++;
    if (len - i > 5 && memcmp(p + i, "<?xml", 5) == 0) {
        end = (const guint8 *)memchr(p + i, '>', MIN(len - i, 256));
        if (!end)
            return FALSE;
        i = (guint)(end - p) + 1;
        while (i < len && g_ascii_isspace(p[i]))
            i++;
    }
    if (len - i < 6 || memcmp(p + i, "<body", 5) != 0 || !(g_ascii_isspace(p[i + 5]) || p[i + 5] == '/'))
        return FALSE;
    len = MIN(len - i, 2048);
    p += i;
    end = (const guint8 *)memchr(p, '>', len);
    if (!end)
        return FALSE;
    len = (guint)(end - p);
    return ws_memmem(p, len, ns1, strlen(ns1)) != NULL || ws_memmem(p, len, ns2, strlen(ns2)) != NULL;
}

/* The value of numeric attribute `name`: TRUE with *v set when present and
 * a decimal number; *bad set when present and not one. */
static gboolean
attr_u64(const xmppws_doc_t *doc, xml_frame_t *el, const char *name, guint64 *v, gboolean *bad)
{
    const char *s = xmppws_attr(doc, el, name);

    if (!s)
        return FALSE;
    if (!ws_strtou64(s, NULL, v)) {
        if (bad)
            *bad = TRUE;
        return FALSE;
    }
    return TRUE;
}

static guint32
conv_key(packet_info *pinfo)
{
    return find_or_create_conversation(pinfo)->conv_index;
}

static bosh_session_t *
session_new(packet_info *pinfo, const char *sid)
{
    wmem_allocator_t *fs = xmppws_file_scope(pinfo);
    bosh_session_t *s = wmem_new0(fs, bosh_session_t);

    s->number = session_count++;
    s->stream = xmppws_stream_new(pinfo, s->number, xmppws_over_tls(pinfo) ? "BOSH/TLS" : "BOSH");
    s->stream->close_is_final = TRUE;
    s->rids = wmem_map_new(fs, g_int64_hash, g_int64_equal);
    if (sid) {
        s->sid = wmem_strdup(fs, sid);
        wmem_map_insert(sessions_by_sid, (gpointer)s->sid, s);
        s->stream->label = wmem_strdup_printf(fs, "BOSH session %u, sid %s", s->number, sid);
    } else {
        s->stream->label = wmem_strdup_printf(fs, "BOSH session %u", s->number);
    }
    return s;
}

/* The session now known to have `sid` (the creation response). */
static void
session_name(packet_info *pinfo, bosh_session_t *s, const char *sid)
{
    wmem_allocator_t *fs = xmppws_file_scope(pinfo);

    s->sid = wmem_strdup(fs, sid);
    wmem_map_insert(sessions_by_sid, (gpointer)s->sid, s);
    s->stream->label = wmem_strdup_printf(fs, "BOSH session %u, sid %s", s->number, sid);
}

/* The session named `sid`; one made (its creation not in the capture:
 * BF_NO_CREATION on `rec`) when it is new. */
static bosh_session_t *
session_of(packet_info *pinfo, const char *sid, bosh_rec_t *rec)
{
    bosh_session_t *s = (bosh_session_t *)wmem_map_lookup(sessions_by_sid, sid);

    if (!s) {
        s = session_new(pinfo, sid);
        rec->flags |= BF_NO_CREATION;
    }
    return s;
}

/* XEP-0124 14.1: each request's rid is one more than the last; a repeat is
 * a retransmission (14.2/14.3), a jump means requests are missing. Several
 * connections may deliver them out of order (within the `requests` window). */
static void
check_rid(packet_info *pinfo, bosh_session_t *s, guint64 rid, bosh_rec_t *rec)
{
    guint32 *first = (guint32 *)wmem_map_lookup(s->rids, &rid);

    if (first) {
        rec->flags |= BF_RID_REPEAT;
        rec->other_frame = *first;
        return;
    }
    if (s->have_rid && rid > s->max_rid + 1) {
        rec->flags |= BF_RID_GAP;
        rec->rid_other = s->max_rid;
        rec->other_frame = s->max_rid_frame;
    } else if (s->have_rid && rid < s->max_rid) {
        rec->flags |= BF_RID_ORDER;
        rec->rid_other = s->max_rid;
        rec->other_frame = s->max_rid_frame;
    }
    /* Bounded by the capture: one entry per request. */
    {
        wmem_allocator_t *fs = xmppws_file_scope(pinfo);
        guint64 *key = wmem_new(fs, guint64);
        guint32 *frame = wmem_new(fs, guint32);
        *key = rid;
        *frame = pinfo->num;
        wmem_map_insert(s->rids, key, frame);
    }
    if (!s->have_rid || rid > s->max_rid) {
        s->have_rid = TRUE;
        s->max_rid = rid;
        s->max_rid_frame = pinfo->num;
    }
}

/* First pass: place one body in its session and connection. */
static bosh_rec_t *
first_pass(xmppws_ctx_t *ctx, xml_frame_t *body)
{
    const xmppws_doc_t *doc = &ctx->doc;
    packet_info *pinfo = doc->pinfo;
    wmem_allocator_t *fs = xmppws_file_scope(pinfo);
    bosh_rec_t *rec = wmem_new0(fs, bosh_rec_t);
    guint32 conv = conv_key(pinfo);
    wmem_list_t *pending;
    const char *sid = xmppws_attr(doc, body, "sid");
    const char *type = xmppws_attr(doc, body, "type");
    const char *restart = xmppws_attr(doc, body, "xmpp:restart");
    gboolean terminate = type && (strcmp(type, "terminate") == 0 || strcmp(type, "error") == 0);
    bosh_session_t *s = NULL;
    guint64 rid = 0;
    gboolean have_rid = attr_u64(doc, body, "rid", &rid, NULL);

    if (!sessions_by_sid) {
        sessions_by_sid = wmem_map_new(fs, g_str_hash, g_str_equal);
        pending_by_conn = wmem_map_new(fs, g_direct_hash, g_direct_equal);
        anon_by_conn = wmem_map_new(fs, g_direct_hash, g_direct_equal);
        reqs_by_frame = wmem_map_new(fs, g_direct_hash, g_direct_equal);
    }
    pending = (wmem_list_t *)wmem_map_lookup(pending_by_conn, GUINT_TO_POINTER(conv));
    if (!pending) {
        pending = wmem_list_new(fs);
        wmem_map_insert(pending_by_conn, GUINT_TO_POINTER(conv), pending);
    }

    if (ctx->direction == XMPPWS_DIR_C2S) {
        bosh_req_t *req = wmem_new0(fs, bosh_req_t);

        req->req.frame = pinfo->num;
        req->req.time = pinfo->abs_ts;
        req->creation = sid == NULL;
        s = sid ? session_of(pinfo, sid, rec) : session_new(pinfo, NULL);
        req->session = s;
        if (have_rid)
            check_rid(pinfo, s, rid, rec);
        else
            rec->flags |= BF_NO_RID;
        if (req->creation) {
            rec->role = XMPPWS_WRAP_OPEN;
            req->req.what = "BOSH session creation";
        } else if (terminate) {
            rec->role = s->terminated[XMPPWS_DIR_C2S] ? XMPPWS_WRAP_UNTRACKED : XMPPWS_WRAP_TERMINATE;
            req->req.what = "BOSH terminate";
        } else if (restart && strcmp(restart, "true") == 0) {
            rec->role = XMPPWS_WRAP_RESTART;
            req->req.what = "BOSH restart";
        } else if (xmppws_el_child_count(body) == 0) {
            req->req.what = "BOSH empty poll";
        } else {
            req->req.what = "BOSH request with payload";
        }
        wmem_list_append(pending, req);
        wmem_map_insert(reqs_by_frame, GUINT_TO_POINTER(pinfo->num), req);
        rec->request = req;
    } else {
        bosh_req_t *req = NULL;
        wmem_list_frame_t *head = wmem_list_head(pending);

        if (head) {
            req = (bosh_req_t *)wmem_list_frame_data(head);
            wmem_list_remove_frame(pending, head);
            req->req.resp_frame = pinfo->num;
            nstime_delta(&req->req.resp_delta, &pinfo->abs_ts, &req->req.time);
            rec->answers = req;
            s = req->session;
            if (sid && !s->sid)
                session_name(pinfo, s, sid);
            else if (sid && strcmp(sid, s->sid) != 0)
                rec->flags |= BF_SID_MISMATCH;
        } else {
            rec->flags |= BF_UNPAIRED;
            if (sid) {
                s = session_of(pinfo, sid, rec);
            } else {
                /* No sid, no request: the capture starts inside this
                 * connection's exchange. One session per such connection. */
                s = (bosh_session_t *)wmem_map_lookup(anon_by_conn, GUINT_TO_POINTER(conv));
                if (!s) {
                    s = session_new(pinfo, NULL);
                    rec->flags |= BF_NO_CREATION;
                    wmem_map_insert(anon_by_conn, GUINT_TO_POINTER(conv), s);
                }
            }
        }
        if (terminate) {
            rec->role = s->terminated[XMPPWS_DIR_S2C] ? XMPPWS_WRAP_UNTRACKED : XMPPWS_WRAP_TERMINATE;
            if (xmppws_attr(doc, body, "condition") && s->terminated[XMPPWS_DIR_C2S])
                rec->flags |= BF_AFTER_CLIENT;
        } else if (req && req->creation) {
            rec->role = XMPPWS_WRAP_OPEN;
        }
    }
    if (terminate)
        s->terminated[ctx->direction] = TRUE;
    rec->session = s;
    xmppws_stream_set_server(s->stream, pinfo, ctx->direction == XMPPWS_DIR_S2C);
    return rec;
}

/* Add string attribute `name` as `hf` when present. */
static void
add_str(const xmppws_doc_t *doc, proto_tree *tree, int hf, xml_frame_t *el, const char *name)
{
    xmppws_add_attr(doc, tree, hf, el, name, NULL);
}

/* Add numeric attribute `name` as `hf` (FT_UINT32 or FT_UINT64), on the
 * value's bytes; an attribute that is not a number gets an expert info. */
static void
add_num(const xmppws_doc_t *doc, proto_tree *tree, int hf, xml_frame_t *el, const char *name, gboolean is64)
{
    xml_frame_t *a = xml_get_attrib(el, name);
    const char *s;
    guint len;
    guint64 v;

    if (!a || !a->value)
        return;
    s = xmppws_attr(doc, el, name);
    len = tvb_captured_length(a->value);
    if (!s || !ws_strtou64(s, NULL, &v) || (!is64 && v > G_MAXUINT32)) {
        proto_tree_add_expert_format(tree, doc->pinfo, &ei_bad_number, a->value, 0, len,
                                     "BOSH attribute %s=\"%s\" is not a number (XEP-0124 7)", name,
                                     s ? xmppws_cut(doc->pinfo->pool, s, 40) : "");
        return;
    }
    if (is64)
        proto_tree_add_uint64(tree, hf, a->value, 0, len, v);
    else
        proto_tree_add_uint(tree, hf, a->value, 0, len, (guint32)v);
}

static void
add_generated_frame(proto_tree *tree, int hf, tvbuff_t *tvb, guint32 frame)
{
    proto_item *pi = proto_tree_add_uint(tree, hf, tvb, 0, 0, frame);
    proto_item_set_generated(pi);
}

/* The core's wrapper callback (xmppws_wrapper_fn): one <body/>. */
static void
bosh_wrap(xmppws_ctx_t *ctx, xml_frame_t *body, xmppws_wrap_t *out)
{
    const xmppws_doc_t *doc = &ctx->doc;
    packet_info *pinfo = doc->pinfo;
    tvbuff_t *tvb = doc->tvb;
    guint32 *count = (guint32 *)p_get_proto_data(pinfo->pool, pinfo, proto_bosh_xmpp, XMPPWS_KEY_BOSH_FRAME);
    guint32 n;
    bosh_rec_t *rec;
    proto_item *ti, *pi;
    proto_tree *tree;
    const char *sid, *type, *condition;
    gboolean empty;
    guint64 rid = 0;

    if (!count) {
        count = wmem_new0(pinfo->pool, guint32);
        p_add_proto_data(pinfo->pool, pinfo, proto_bosh_xmpp, XMPPWS_KEY_BOSH_FRAME, count);
    }
    n = (*count)++;

    if (!body || !xmppws_el_is(doc, body, XMPPWS_NS_HTTPBIND, "body") || body->next_sibling) {
        xml_frame_t *extra = body ? body->next_sibling : NULL;
        while (extra && extra->type != XML_FRAME_TAG)
            extra = extra->next_sibling;
        if (!body || !xmppws_el_is(doc, body, XMPPWS_NS_HTTPBIND, "body") || extra) {
            proto_tree_add_expert(ctx->msg_tree, pinfo, &ei_not_body, tvb, 0, -1);
            wmem_strbuf_append(out->info, "BOSH (not one <body/>)");
            return;
        }
    }

    rec = (bosh_rec_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_bosh_xmpp, XMPPWS_KEY_BOSH_REC + n);
    if (!rec && !PINFO_FD_VISITED(pinfo)) {
        rec = first_pass(ctx, body);
        p_add_proto_data(xmppws_file_scope(pinfo), pinfo, proto_bosh_xmpp, XMPPWS_KEY_BOSH_REC + n, rec);
    }
    if (!rec) {
        wmem_strbuf_append(out->info, "BOSH");
        return;
    }
    out->stream = rec->session->stream;
    out->role = rec->role;
    out->request = rec->request ? &rec->request->req : NULL;
    out->answers = rec->answers ? &rec->answers->req : NULL;

    ti = proto_tree_add_item(ctx->msg_tree, hf_bosh, tvb, body->start_offset, body->length, ENC_NA);
    tree = proto_item_add_subtree(ti, ett_bosh);
    out->tree = tree;

    add_num(doc, tree, hf_rid, body, "rid", TRUE);
    xmppws_add_attr(doc, tree, hf_sid, body, "sid", &sid);
    add_num(doc, tree, hf_ack, body, "ack", TRUE);
    add_num(doc, tree, hf_wait, body, "wait", FALSE);
    add_num(doc, tree, hf_hold, body, "hold", FALSE);
    add_str(doc, tree, hf_ver, body, "ver");
    add_num(doc, tree, hf_inactivity, body, "inactivity", FALSE);
    add_num(doc, tree, hf_polling, body, "polling", FALSE);
    add_num(doc, tree, hf_requests, body, "requests", FALSE);
    add_num(doc, tree, hf_maxpause, body, "maxpause", FALSE);
    xmppws_add_attr(doc, tree, hf_type, body, "type", &type);
    xmppws_add_attr(doc, tree, hf_condition, body, "condition", &condition);
    add_str(doc, tree, hf_to, body, "to");
    add_str(doc, tree, hf_from, body, "from");
    add_str(doc, tree, hf_route, body, "route");
    add_str(doc, tree, hf_secure, body, "secure");
    add_str(doc, tree, hf_content, body, "content");
    add_str(doc, tree, hf_authid, body, "authid");
    add_str(doc, tree, hf_xmpp_version, body, "xmpp:version");
    add_str(doc, tree, hf_xmpp_restart, body, "xmpp:restart");

    /* Generated: what ties the session's bodies together across connections. */
    pi = proto_tree_add_uint(tree, hf_session, tvb, 0, 0, rec->session->number);
    proto_item_set_generated(pi);
    if (!sid && rec->session->sid) {
        pi = proto_tree_add_string(tree, hf_sid, tvb, 0, 0, rec->session->sid);
        proto_item_set_generated(pi);
    }
    empty = rec->role == XMPPWS_WRAP_PLAIN && xmppws_el_child_count(body) == 0;
    pi = proto_tree_add_boolean(tree, hf_empty, tvb, 0, 0, empty);
    proto_item_set_generated(pi);
    if ((rec->request && rec->request->creation) || (rec->answers && rec->answers->creation)) {
        pi = proto_tree_add_boolean(tree, hf_creation, tvb, 0, 0, TRUE);
        proto_item_set_generated(pi);
    }
    if (rec->request && rec->request->req.resp_frame)
        add_generated_frame(tree, hf_response_in, tvb, rec->request->req.resp_frame);
    if (rec->answers) {
        add_generated_frame(tree, hf_request_in, tvb, rec->answers->req.frame);
        pi = proto_tree_add_time(tree, hf_hold_time, tvb, 0, 0, &rec->answers->req.resp_delta);
        proto_item_set_generated(pi);
    }

    /* Expert infos. */
    if (rec->flags & BF_NO_RID)
        proto_tree_add_expert(tree, pinfo, &ei_no_rid, tvb, body->start_offset, body->length);
    attr_u64(doc, body, "rid", &rid, NULL);
    if (rec->flags & BF_RID_REPEAT)
        proto_tree_add_expert_format(tree, pinfo, &ei_rid_repeat, tvb, body->start_offset, body->length,
                                     "rid %" G_GUINT64_FORMAT " repeats the request in frame %u: a retransmission "
                                     "(XEP-0124 14.2/14.3: the client resends a request whose response it "
                                     "did not get)", rid, rec->other_frame);
    if (rec->flags & BF_RID_GAP) {
        /* Once the whole capture is known, the skipped rids that arrive
         * later (on another connection: XEP-0124 allows `requests` of them
         * in flight) are not missing; they get the out-of-order note. */
        guint64 missing = rid - rec->rid_other - 1, r;
        if (PINFO_FD_VISITED(pinfo) && missing <= 1024) {
            for (r = rec->rid_other + 1; r < rid; r++) {
                if (wmem_map_lookup(rec->session->rids, &r))
                    missing--;
            }
        }
        if (missing)
            proto_tree_add_expert_format(tree, pinfo, &ei_rid_gap, tvb, body->start_offset, body->length,
                                     "rid %" G_GUINT64_FORMAT " skips %" G_GUINT64_FORMAT " rid(s) after rid %"
                                     G_GUINT64_FORMAT " (frame %u): requests missing from the capture, or "
                                     "lost (XEP-0124 14.1: rids increase by one per request)",
                                     rid, missing, rec->rid_other, rec->other_frame);
    }
    if (rec->flags & BF_RID_ORDER)
        proto_tree_add_expert_format(tree, pinfo, &ei_rid_order, tvb, body->start_offset, body->length,
                                     "rid %" G_GUINT64_FORMAT " arrives after rid %" G_GUINT64_FORMAT
                                     " (frame %u): requests out of order across connections (XEP-0124 14.1: "
                                     "the server handles them in rid order)", rid, rec->rid_other,
                                     rec->other_frame);
    if ((rec->flags & BF_NO_CREATION))
        proto_tree_add_expert(tree, pinfo, &ei_no_creation, tvb, body->start_offset, body->length);
    if (rec->flags & BF_UNPAIRED)
        proto_tree_add_expert(tree, pinfo, &ei_unpaired, tvb, body->start_offset, body->length);
    if (rec->flags & BF_SID_MISMATCH)
        proto_tree_add_expert_format(tree, pinfo, &ei_sid_mismatch, tvb, body->start_offset, body->length,
                                     "Response sid \"%s\" differs from its request's session \"%s\"",
                                     sid ? sid : "", rec->session->sid ? rec->session->sid : "");
    if (condition) {
        if (rec->flags & BF_AFTER_CLIENT)
            proto_tree_add_expert_format(tree, pinfo, &ei_terminate_after_client, tvb, body->start_offset,
                                         body->length, "The server ends a held request with condition "
                                         "\"%s\" after the client's own terminate (XEP-0124 13)", condition);
        else
            proto_tree_add_expert_format(tree, pinfo, &ei_terminate_condition, tvb, body->start_offset,
                                         body->length, "BOSH session terminated by the server: condition \"%s\" "
                                         "(XEP-0124 17.2)", condition);
    }
    if (PINFO_FD_VISITED(pinfo) && rec->request && !rec->request->req.resp_frame)
        proto_tree_add_expert(tree, pinfo, &ei_no_response, tvb, body->start_offset, body->length);

    /* The summary: what the body does, then (the core) its children. */
    if (rec->request) {
        if (rec->request->creation)
            wmem_strbuf_append(out->info, "BOSH session creation");
        else if (rec->role == XMPPWS_WRAP_RESTART)
            wmem_strbuf_append(out->info, "BOSH restart");
        else if (type)
            wmem_strbuf_append_printf(out->info, "BOSH %s", type);
        else if (empty)
            wmem_strbuf_append(out->info, "BOSH empty poll");
        else
            wmem_strbuf_append(out->info, "BOSH");
        if (!(rec->flags & BF_NO_RID))
            wmem_strbuf_append_printf(out->info, " rid=%" G_GUINT64_FORMAT, rid);
        if (rec->request->creation) {
            xmppws_info_kv(out->info, "wait", xmppws_attr(doc, body, "wait"));
            xmppws_info_kv(out->info, "hold", xmppws_attr(doc, body, "hold"));
        }
    } else {
        if (rec->role == XMPPWS_WRAP_OPEN)
            wmem_strbuf_append(out->info, "BOSH session created");
        else if (type)
            wmem_strbuf_append_printf(out->info, "BOSH %s", type);
        else if (empty)
            wmem_strbuf_append(out->info, "BOSH empty response");
        else
            wmem_strbuf_append(out->info, "BOSH response");
        xmppws_info_kv(out->info, "condition", condition);
        if (rec->role == XMPPWS_WRAP_OPEN) {
            xmppws_info_kv(out->info, "sid", sid);
            xmppws_info_kv(out->info, "wait", xmppws_attr(doc, body, "wait"));
            xmppws_info_kv(out->info, "requests", xmppws_attr(doc, body, "requests"));
        }
        if (rec->answers)
            wmem_strbuf_append_printf(out->info, " (held %.3f s)", nstime_to_sec(&rec->answers->req.resp_delta));
    }
}

int
xmppws_bosh_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, xmppws_dir_t direction)
{
    guint len = tvb_captured_length(tvb);
    xmppws_unit_t unit;

    memset(&unit, 0, sizeof unit);
    unit.wrapper = bosh_wrap;
    unit.direction = direction;
    if (unit.direction == XMPPWS_DIR_UNKNOWN)   /* XEP-0124 7: a rid on every request, and only there */
        unit.direction = ws_memmem(tvb_get_ptr(tvb, 0, len), MIN(len, 2048), " rid=", 5) ? XMPPWS_DIR_C2S :
                         XMPPWS_DIR_S2C;
    return xmppws_dissect_unit(tvb, pinfo, tree, &unit);
}

/* "xmppws_bosh" by name: data is HTTP's media-type data, or NULL. */
static int
dissect_bosh(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const xmppws_media_info_t *info = (const xmppws_media_info_t *)data;
    guint len = tvb_captured_length(tvb);

    if (!xmppws_bosh_is_body(tvb_get_ptr(tvb, 0, len), len))
        return 0;
    return xmppws_bosh_dissect(tvb, pinfo, tree,
                               !info ? XMPPWS_DIR_UNKNOWN :
                               (int)info->type == (int)XMPPWS_MEDIA_REQUEST ? XMPPWS_DIR_C2S :
                               (int)info->type == (int)XMPPWS_MEDIA_RESPONSE ? XMPPWS_DIR_S2C : XMPPWS_DIR_UNKNOWN);
}

/* What an HTTP status means to a BOSH session (XEP-0124 17.1, the legacy
 * HTTP errors that older connection managers, Openfire among them, still
 * send instead of a terminate body). */
static const char *
http_status_meaning(guint32 status)
{
    switch (status) {
    case 400: return "bad-request (invalid body or attributes)";
    case 403: return "policy-violation (the client broke the server's limits)";
    case 404: return "item-not-found (unknown sid or rid out of window: session expired, server restarted, "
                     "or another node behind a load balancer)";
    default:  return "the connection manager failed the request";
    }
}

gboolean
xmppws_bosh_http_response(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint32 status, guint32 request_in)
{
    bosh_http_error_t *err;
    proto_item *ti, *pi;
    proto_tree *st;

    if (!PINFO_FD_VISITED(pinfo)) {
        bosh_req_t *req;
        wmem_list_t *pending;

        if (!reqs_by_frame || p_get_proto_data(pinfo->pool, pinfo, proto_bosh_xmpp, XMPPWS_KEY_BOSH_FRAME))
            return FALSE;   /* no BOSH in this file yet, or the frame's body was BOSH */
        if (status < 400 || !request_in)
            return FALSE;
        req = (bosh_req_t *)wmem_map_lookup(reqs_by_frame, GUINT_TO_POINTER(request_in));
        if (!req || req->req.resp_frame)
            return FALSE;
        pending = (wmem_list_t *)wmem_map_lookup(pending_by_conn, GUINT_TO_POINTER(conv_key(pinfo)));
        if (pending)
            wmem_list_remove(pending, req);
        req->req.resp_frame = pinfo->num;
        nstime_delta(&req->req.resp_delta, &pinfo->abs_ts, &req->req.time);
        err = wmem_new0(xmppws_file_scope(pinfo), bosh_http_error_t);
        err->request = req;
        err->status = status;
        p_add_proto_data(xmppws_file_scope(pinfo), pinfo, proto_bosh_xmpp, XMPPWS_KEY_BOSH_HTTP, err);
    } else {
        err = (bosh_http_error_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_bosh_xmpp,
                                                    XMPPWS_KEY_BOSH_HTTP);
        if (!err)
            return FALSE;
    }
    col_append_fstr(pinfo->cinfo, COL_INFO, " (BOSH session %u: HTTP %u to the request in frame %u)",
                    err->request->session->number, err->status, err->request->req.frame);
    if (!tree)
        return TRUE;
    ti = proto_tree_add_item(tree, proto_bosh_xmpp, tvb, 0, 0, ENC_NA);
    proto_item_append_text(ti, ", BOSH: HTTP %u to the request in frame %u", err->status, err->request->req.frame);
    st = proto_item_add_subtree(ti, ett_bosh);
    pi = proto_tree_add_uint(st, hf_http_status, tvb, 0, 0, err->status);
    proto_item_set_generated(pi);
    pi = proto_tree_add_uint(st, hf_session, tvb, 0, 0, err->request->session->number);
    proto_item_set_generated(pi);
    if (err->request->session->sid) {
        pi = proto_tree_add_string(st, hf_sid, tvb, 0, 0, err->request->session->sid);
        proto_item_set_generated(pi);
    }
    add_generated_frame(st, hf_request_in, tvb, err->request->req.frame);
    pi = proto_tree_add_time(st, hf_hold_time, tvb, 0, 0, &err->request->req.resp_delta);
    proto_item_set_generated(pi);
    expert_add_info_format(pinfo, ti, &ei_http_error, "HTTP %u to the BOSH request in frame %u (session %u%s%s): "
                           "%s; XEP-0124 17.1", err->status,
                           err->request->req.frame, err->request->session->number,
                           err->request->session->sid ? ", sid " : "",
                           err->request->session->sid ? err->request->session->sid : "",
                           http_status_meaning(err->status));
    return TRUE;
}

void
xmppws_register_bosh(int proto)
{
    static hf_register_info hf[] = {
        { &hf_bosh, { "BOSH body", "xmppws.bosh", FT_NONE, BASE_NONE, NULL, 0x0,
            "XEP-0124 <body/> wrapper of XMPP over BOSH (XEP-0206)", HFILL } },
        { &hf_rid, { "Request ID (rid)", "xmppws.bosh.rid", FT_UINT64, BASE_DEC, NULL, 0x0,
            "XEP-0124 7.1, 14.1: one more in every request of the session", HFILL } },
        { &hf_sid, { "Session ID (sid)", "xmppws.bosh.sid", FT_STRING, BASE_NONE, NULL, 0x0,
            "XEP-0124 7.2 (generated on bodies that do not carry it: the session's)", HFILL } },
        { &hf_ack, { "Acknowledged rid (ack)", "xmppws.bosh.ack", FT_UINT64, BASE_DEC, NULL, 0x0,
            "XEP-0124 9", HFILL } },
        { &hf_wait, { "Longest hold (wait), s", "xmppws.bosh.wait", FT_UINT32, BASE_DEC, NULL, 0x0,
            "XEP-0124 7.1: longest time the server may hold a request, in seconds", HFILL } },
        { &hf_hold, { "Requests held (hold)", "xmppws.bosh.hold", FT_UINT32, BASE_DEC, NULL, 0x0,
            "XEP-0124 7.1: how many requests the server may keep waiting at once", HFILL } },
        { &hf_ver, { "Version (ver)", "xmppws.bosh.ver", FT_STRING, BASE_NONE, NULL, 0x0,
            "XEP-0124 7.1: highest BOSH version supported", HFILL } },
        { &hf_inactivity, { "Inactivity, s", "xmppws.bosh.inactivity", FT_UINT32, BASE_DEC, NULL, 0x0,
            "XEP-0124 7.2: longest time without a request before the server ends the session", HFILL } },
        { &hf_polling, { "Polling, s", "xmppws.bosh.polling", FT_UINT32, BASE_DEC, NULL, 0x0,
            "XEP-0124 7.2: shortest allowed interval between empty requests", HFILL } },
        { &hf_requests, { "Requests", "xmppws.bosh.requests", FT_UINT32, BASE_DEC, NULL, 0x0,
            "XEP-0124 7.2: most simultaneous requests the client may make", HFILL } },
        { &hf_maxpause, { "Maximum pause, s", "xmppws.bosh.maxpause", FT_UINT32, BASE_DEC, NULL, 0x0,
            "XEP-0124 10", HFILL } },
        { &hf_type, { "Type", "xmppws.bosh.type", FT_STRING, BASE_NONE, NULL, 0x0,
            "XEP-0124 13: \"terminate\" ends the session", HFILL } },
        { &hf_condition, { "Condition", "xmppws.bosh.condition", FT_STRING, BASE_NONE, NULL, 0x0,
            "XEP-0124 17.2: why the session ended", HFILL } },
        { &hf_to, { "To", "xmppws.bosh.to", FT_STRING, BASE_NONE, NULL, 0x0, "XEP-0124 7.1", HFILL } },
        { &hf_from, { "From", "xmppws.bosh.from", FT_STRING, BASE_NONE, NULL, 0x0, "XEP-0124 7.2", HFILL } },
        { &hf_route, { "Route", "xmppws.bosh.route", FT_STRING, BASE_NONE, NULL, 0x0, "XEP-0124 7.1", HFILL } },
        { &hf_secure, { "Secure", "xmppws.bosh.secure", FT_STRING, BASE_NONE, NULL, 0x0,
            "XEP-0124 7.2: the server's link to the XMPP server is secure", HFILL } },
        { &hf_content, { "Content", "xmppws.bosh.content", FT_STRING, BASE_NONE, NULL, 0x0,
            "XEP-0124 7.1: Content-Type the client wants", HFILL } },
        { &hf_authid, { "Stream ID (authid)", "xmppws.bosh.authid", FT_STRING, BASE_NONE, NULL, 0x0,
            "XEP-0206 3: the XMPP stream id", HFILL } },
        { &hf_xmpp_version, { "XMPP version (xmpp:version)", "xmppws.bosh.xmpp_version", FT_STRING, BASE_NONE,
            NULL, 0x0, "XEP-0206 3", HFILL } },
        { &hf_xmpp_restart, { "Stream restart (xmpp:restart)", "xmppws.bosh.xmpp_restart", FT_STRING,
            BASE_NONE, NULL, 0x0, "XEP-0206 5: \"true\" restarts the XMPP stream after SASL", HFILL } },
        { &hf_session, { "BOSH session", "xmppws.bosh.session", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Number of the BOSH session in the capture (0, 1, ...), the same on every TCP connection it uses",
            HFILL } },
        { &hf_empty, { "Empty", "xmppws.bosh.empty", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "A body without payload (an empty poll or an empty response), not a session creation, restart "
            "or terminate", HFILL } },
        { &hf_creation, { "Session creation", "xmppws.bosh.creation", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The session creation request or its response (XEP-0124 7.1, 7.2)", HFILL } },
        { &hf_response_in, { "Response in", "xmppws.bosh.response_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "The HTTP response that answered this BOSH request",
            HFILL } },
        { &hf_request_in, { "Request in", "xmppws.bosh.request_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The BOSH request this response answers (the oldest "
            "pending one on its TCP connection)", HFILL } },
        { &hf_http_status, { "HTTP error status", "xmppws.bosh.http_status", FT_UINT32, BASE_DEC, NULL, 0x0,
            "An HTTP error answering a BOSH request instead of a <body/> (XEP-0124 17.1: 400, 403, 404)", HFILL } },
        { &hf_hold_time, { "Held for", "xmppws.bosh.hold_time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "How long the server held the request before this response (XEP-0124 11: the long poll), "
            "in seconds", HFILL } },
    };
    static gint *ett[] = { &ett_bosh };
    static ei_register_info ei[] = {
        { &ei_not_body, { "xmppws.bosh.not_body", PI_MALFORMED, PI_ERROR,
            "A BOSH HTTP body must be exactly one <body/> element (XEP-0124 7)", EXPFILL } },
        { &ei_no_rid, { "xmppws.bosh.no_rid", PI_PROTOCOL, PI_ERROR,
            "BOSH request without a rid (XEP-0124 7.1, 8: every request carries one)", EXPFILL } },
        { &ei_bad_number, { "xmppws.bosh.bad_attribute", PI_MALFORMED, PI_ERROR,
            "BOSH attribute that must be a number is not one", EXPFILL } },
        { &ei_rid_repeat, { "xmppws.bosh.rid_repeat", PI_SEQUENCE, PI_WARN,
            "Repeated rid: a retransmitted BOSH request (XEP-0124 14.2)", EXPFILL } },
        { &ei_rid_gap, { "xmppws.bosh.rid_gap", PI_SEQUENCE, PI_WARN,
            "Gap in the rids of a BOSH session (XEP-0124 14.1)", EXPFILL } },
        { &ei_rid_order, { "xmppws.bosh.rid_order", PI_SEQUENCE, PI_NOTE,
            "BOSH request arriving after one with a higher rid (XEP-0124 14.1)", EXPFILL } },
        { &ei_no_creation, { "xmppws.bosh.no_creation", PI_SEQUENCE, PI_NOTE,
            "First body of a BOSH session whose creation is not in the capture (it started mid-session)",
            EXPFILL } },
        { &ei_unpaired, { "xmppws.bosh.unpaired_response", PI_SEQUENCE, PI_NOTE,
            "BOSH response without a pending BOSH request on its TCP connection in the capture", EXPFILL } },
        { &ei_sid_mismatch, { "xmppws.bosh.sid_mismatch", PI_PROTOCOL, PI_WARN,
            "BOSH response with another session's sid than its request", EXPFILL } },
        { &ei_terminate_condition, { "xmppws.bosh.terminate_condition", PI_RESPONSE_CODE, PI_WARN,
            "BOSH session terminated with an error condition (XEP-0124 17.2)", EXPFILL } },
        { &ei_terminate_after_client, { "xmppws.bosh.terminate_after_client", PI_SEQUENCE, PI_NOTE,
            "Held request ended with a condition after the client's own terminate (XEP-0124 13)", EXPFILL } },
        { &ei_http_error, { "xmppws.bosh.http_error", PI_RESPONSE_CODE, PI_ERROR,
            "HTTP error status answering a BOSH request: the session is over (XEP-0124 17.1)", EXPFILL } },
        { &ei_no_response, { "xmppws.bosh.no_response", PI_SEQUENCE, PI_NOTE,
            "BOSH request without a response in the capture (still held when the capture ended, or the "
            "connection failed)", EXPFILL } },
    };
    expert_module_t *em = expert_register_protocol(proto);

    proto_bosh_xmpp = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(em, ei, array_length(ei));

    register_init_routine(bosh_init);
    bosh_handle = register_dissector("xmppws_bosh", dissect_bosh, proto);
}
