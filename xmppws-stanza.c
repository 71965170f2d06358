/* xmppws-stanza.c
 * XML stanzas (RFC 6120 8): <iq/>, <message/>, <presence/>, their common
 * attributes and stanza errors (8.3), and the iq payloads of the login:
 * resource binding (RFC 6120 7), session establishment (RFC 3921 3), XEP-0199
 * ping; pubsub payloads are handed to xmppws-pubsub.c, caps to
 * xmppws-stream.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <wsutil/strtoi.h>

#include "xmppws-stanza.h"
#include "xmppws-stream.h"
#include "xmppws-pubsub.h"

static int hf_iq = -1;
static int hf_iq_id = -1;
static int hf_iq_type = -1;
static int hf_iq_from = -1;
static int hf_iq_to = -1;
static int hf_iq_payload_ns = -1;
static int hf_message = -1;
static int hf_message_id = -1;
static int hf_message_type = -1;
static int hf_message_from = -1;
static int hf_message_to = -1;
static int hf_message_body = -1;
static int hf_message_subject = -1;
static int hf_message_thread = -1;
static int hf_presence = -1;
static int hf_presence_id = -1;
static int hf_presence_type = -1;
static int hf_presence_from = -1;
static int hf_presence_to = -1;
static int hf_presence_show = -1;
static int hf_presence_status = -1;
static int hf_presence_priority = -1;
static int hf_bind = -1;
static int hf_bind_resource = -1;
static int hf_bind_jid = -1;
static int hf_session = -1;
static int hf_ping = -1;
static int hf_error = -1;
static int hf_error_type = -1;
static int hf_error_condition = -1;
static int hf_error_text = -1;
static int hf_error_pubsub_condition = -1;
static int hf_error_pubsub_feature = -1;
static int hf_error_app_condition = -1;

static gint ett_stanza = -1;
static gint ett_bind = -1;
static gint ett_error = -1;

static expert_field ei_bad_priority = EI_INIT;
static expert_field ei_stanza_error = EI_INIT;
static heur_dissector_list_t presence_list;

/* The four attributes every stanza may carry (RFC 6120 8.1). */
typedef struct {
    int *id, *type, *from, *to;
} stanza_hfs_t;

static void
add_common(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree, const stanza_hfs_t *h,
           const char **type, const char **from, const char **to)
{
    xmppws_add_attr(&ctx->doc, tree, *h->id, el, "id", NULL);
    xmppws_add_attr(&ctx->doc, tree, *h->type, el, "type", type);
    xmppws_add_attr(&ctx->doc, tree, *h->from, el, "from", from);
    xmppws_add_attr(&ctx->doc, tree, *h->to, el, "to", to);
}

/* <error/> child of a stanza (RFC 6120 8.3.2), with XEP-0060 7 #errors
 * application conditions. */
static void
dissect_stanza_error(xmppws_ctx_t *ctx, xml_frame_t *err, proto_tree *tree)
{
    const xmppws_doc_t *doc = &ctx->doc;
    proto_item *ti = xmppws_add_el(doc, tree, hf_error, err);
    proto_tree *st = proto_item_add_subtree(ti, ett_error);
    const char *type, *condition = NULL, *text = NULL, *app = NULL;
    xml_frame_t *f;

    xmppws_add_attr(doc, st, hf_error_type, err, "type", &type);
    for (f = xmppws_el_child(doc, err, NULL, NULL); f; f = xmppws_el_next(doc, f, NULL, NULL)) {
        if (xmppws_el_is(doc, f, XMPPWS_NS_STANZAS, "text")) {
            xmppws_add_text(doc, st, hf_error_text, f, &text);
        } else if (xmppws_el_is(doc, f, XMPPWS_NS_STANZAS, NULL)) {
            if (!condition) {
                condition = f->name_orig_case;
                proto_tree_add_string(st, hf_error_condition, doc->tvb, f->start_offset, f->length, condition);
            }
        } else if (xmppws_el_is(doc, f, XMPPWS_NS_PUBSUB_ERRORS, NULL)) {
            app = f->name_orig_case;
            proto_tree_add_string(st, hf_error_pubsub_condition, doc->tvb, f->start_offset, f->length, app);
            xmppws_add_attr(doc, st, hf_error_pubsub_feature, f, "feature", NULL);
        } else {
            const char *ns = xmppws_el_ns(doc, f);
            proto_tree_add_string_format_value(st, hf_error_app_condition, doc->tvb, f->start_offset, f->length,
                                               f->name_orig_case, "%s (%s)", f->name_orig_case, ns ? ns : "");
        }
    }
    wmem_strbuf_append_printf(ctx->info, " %s/%s", type ? type : "?", condition ? condition : "?");
    if (app)
        wmem_strbuf_append_printf(ctx->info, " (pubsub %s)", app);
    ctx->tap->stanza_error = condition;
    if (text)
        wmem_strbuf_append_printf(ctx->info, " \"%s\"", text);
    expert_add_info_format(doc->pinfo, ti, &ei_stanza_error, "Stanza error %s/%s%s%s%s%s%s (RFC 6120 8.3%s)",
                           type ? type : "(no type)", condition ? condition : "(no condition)",
                           app ? ", pubsub " : "", app ? app : "", text ? " \"" : "", text ? text : "",
                           text ? "\"" : "", app ? ", XEP-0060 7" : "");
}

static void
dissect_bind(xmppws_ctx_t *ctx, xml_frame_t *bind, proto_tree *tree)
{
    const xmppws_doc_t *doc = &ctx->doc;
    proto_item *ti = xmppws_add_el(doc, tree, hf_bind, bind);
    proto_tree *st = proto_item_add_subtree(ti, ett_bind);
    const char *resource = NULL, *jid = NULL;

    xmppws_add_text(doc, st, hf_bind_resource, xmppws_el_child(doc, bind, XMPPWS_NS_BIND, "resource"), &resource);
    xmppws_add_text(doc, st, hf_bind_jid, xmppws_el_child(doc, bind, XMPPWS_NS_BIND, "jid"), &jid);
    wmem_strbuf_append(ctx->info, " bind");
    xmppws_info_kv(ctx->info, "resource", resource);
    xmppws_info_kv(ctx->info, "jid", jid);
}

static const stanza_hfs_t iq_hfs = { &hf_iq_id, &hf_iq_type, &hf_iq_from, &hf_iq_to };

static void
xmppws_dissect_iq(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree)
{
    const xmppws_doc_t *doc = &ctx->doc;
    proto_item *ti = xmppws_add_el(doc, tree, hf_iq, el);
    proto_tree *st = proto_item_add_subtree(ti, ett_stanza);
    const char *type;
    xml_frame_t *f;

    add_common(ctx, el, st, &iq_hfs, &type, NULL, NULL);
    ctx->tap->iq_type = type;
    wmem_strbuf_append(ctx->info, "iq");
    if (type)
        wmem_strbuf_append_printf(ctx->info, " %s", type);

    for (f = xmppws_el_child(doc, el, NULL, NULL); f; f = xmppws_el_next(doc, f, NULL, NULL)) {
        const char *ns = xmppws_el_ns(doc, f);

        if (xmppws_el_is(doc, f, XMPPWS_NS_CLIENT, "error")) {
            dissect_stanza_error(ctx, f, st);
            continue;
        }
        proto_tree_add_string(st, hf_iq_payload_ns, doc->tvb, f->start_offset, f->length, ns ? ns : "");
        if (!ctx->tap->payload_ns)
            ctx->tap->payload_ns = ns;
        if (xmppws_el_is(doc, f, XMPPWS_NS_BIND, "bind")) {
            dissect_bind(ctx, f, st);
        } else if (xmppws_el_is(doc, f, XMPPWS_NS_SESSION, "session")) {
            xmppws_add_el(doc, st, hf_session, f);
            wmem_strbuf_append(ctx->info, " session");
        } else if (xmppws_el_is(doc, f, XMPPWS_NS_PING, "ping")) {
            xmppws_add_el(doc, st, hf_ping, f);
            wmem_strbuf_append(ctx->info, " ping");
        } else if (xmppws_dissect_pubsub(ctx, f, st)) {
            /* summary appended by the pubsub handler */
        } else {
            wmem_strbuf_append_printf(ctx->info, " %s", f->name_orig_case);
            if (ns && *ns)
                wmem_strbuf_append_printf(ctx->info, " (%s)", ns);
        }
    }
}

static const stanza_hfs_t message_hfs = { &hf_message_id, &hf_message_type, &hf_message_from, &hf_message_to };

static void
xmppws_dissect_message(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree)
{
    const xmppws_doc_t *doc = &ctx->doc;
    proto_item *ti = xmppws_add_el(doc, tree, hf_message, el);
    proto_tree *st = proto_item_add_subtree(ti, ett_stanza);
    const char *type, *from, *body = NULL;
    xml_frame_t *f;

    add_common(ctx, el, st, &message_hfs, &type, &from, NULL);
    wmem_strbuf_append(ctx->info, "message");
    if (type && strcmp(type, "normal") != 0)
        wmem_strbuf_append_printf(ctx->info, " %s", type);

    for (f = xmppws_el_child(doc, el, NULL, NULL); f; f = xmppws_el_next(doc, f, NULL, NULL)) {
        if (xmppws_el_is(doc, f, XMPPWS_NS_CLIENT, "body")) {
            xmppws_add_text(doc, st, hf_message_body, f, body ? NULL : &body);
        } else if (xmppws_el_is(doc, f, XMPPWS_NS_CLIENT, "subject")) {
            xmppws_add_text(doc, st, hf_message_subject, f, NULL);
        } else if (xmppws_el_is(doc, f, XMPPWS_NS_CLIENT, "thread")) {
            xmppws_add_text(doc, st, hf_message_thread, f, NULL);
        } else if (xmppws_el_is(doc, f, XMPPWS_NS_CLIENT, "error")) {
            dissect_stanza_error(ctx, f, st);
        } else {
            xmppws_dissect_pubsub_event(ctx, f, st);
        }
    }
    xmppws_info_kv(ctx->info, "body", body);
}

static const stanza_hfs_t presence_hfs = { &hf_presence_id, &hf_presence_type, &hf_presence_from, &hf_presence_to };

static void
xmppws_dissect_presence(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree)
{
    const xmppws_doc_t *doc = &ctx->doc;
    proto_item *ti = xmppws_add_el(doc, tree, hf_presence, el);
    proto_tree *st = proto_item_add_subtree(ti, ett_stanza);
    const char *type, *from, *show = NULL;
    xml_frame_t *f;
    xmppws_presence_t info;
    heur_dtbl_entry_t *hdtbl_entry;

    add_common(ctx, el, st, &presence_hfs, &type, &from, NULL);
    wmem_strbuf_append(ctx->info, "presence");
    if (type)
        wmem_strbuf_append_printf(ctx->info, " %s", type);

    for (f = xmppws_el_child(doc, el, NULL, NULL); f; f = xmppws_el_next(doc, f, NULL, NULL)) {
        if (xmppws_el_is(doc, f, XMPPWS_NS_CLIENT, "show")) {
            xmppws_add_text(doc, st, hf_presence_show, f, &show);
        } else if (xmppws_el_is(doc, f, XMPPWS_NS_CLIENT, "status")) {
            xmppws_add_text(doc, st, hf_presence_status, f, NULL);
        } else if (xmppws_el_is(doc, f, XMPPWS_NS_CLIENT, "priority")) {
            const char *p = xmppws_text(doc, f);
            gint32 prio;
            int s = f->start_offset, len = f->length;
            xml_frame_t *cd = xml_get_cdata(f);
            if (cd) {
                s = cd->start_offset;
                len = cd->length;
            }
            /* RFC 6121 4.7.2.3: an integer between -128 and +127 */
            if (p && ws_strtoi32(p, NULL, &prio) && prio >= -128 && prio <= 127) {
                proto_tree_add_int(st, hf_presence_priority, doc->tvb, s, len, prio);
            } else {
                /* Shown as written, never as an invented number (so that
                 * xmppws.presence.priority == 0 matches only a real 0). */
                proto_tree_add_expert_format(st, doc->pinfo, &ei_bad_priority, doc->tvb, s, len,
                                             "Presence priority \"%s\" is not an integer from -128 to 127 "
                                             "(RFC 6121 4.7.2.3)", p ? p : "");
            }
        } else if (xmppws_el_is(doc, f, XMPPWS_NS_CAPS, "c")) {
            xmppws_dissect_caps(ctx, f, st);
            wmem_strbuf_append(ctx->info, " caps");
        } else if (xmppws_el_is(doc, f, XMPPWS_NS_CLIENT, "error")) {
            dissect_stanza_error(ctx, f, st);
        }
    }
    xmppws_info_kv(ctx->info, "show", show);
    xmppws_info_kv(ctx->info, "from", from);

    /* What the presence means in a deployment (a Finesse service account
     * going away, a desktop leaving) is for the dissectors on the
     * "xmppws.presence" list (xmppws.h). */
    info.type = type;
    info.from = from;
    info.to = xmppws_attr(doc, el, "to");
    info.show = show;
    info.direction = ctx->direction;
    info.stream = ctx->stream->index;
    info.item = ti;
    dissector_try_heuristic(presence_list, tvb_new_subset_length(doc->tvb, el->start_offset, el->length),
                            doc->pinfo, st, &hdtbl_entry, &info);
}

void
xmppws_register_stanza(int proto)
{
    static hf_register_info hf[] = {
        { &hf_iq, { "IQ", "xmppws.iq", FT_NONE, BASE_NONE, NULL, 0x0,
            "<iq/> stanza (RFC 6120 8.2.3)", HFILL } },
        { &hf_iq_id, { "ID", "xmppws.iq.id", FT_STRING, BASE_NONE, NULL, 0x0,
            "Pairs a request with its response (RFC 6120 8.1.3)", HFILL } },
        { &hf_iq_type, { "Type", "xmppws.iq.type", FT_STRING, BASE_NONE, NULL, 0x0,
            "get, set, result or error (RFC 6120 8.2.3)", HFILL } },
        { &hf_iq_from, { "From", "xmppws.iq.from", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_iq_to, { "To", "xmppws.iq.to", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_iq_payload_ns, { "Payload namespace", "xmppws.iq.payload_ns", FT_STRING, BASE_NONE, NULL, 0x0,
            "Namespace of the iq's child element", HFILL } },
        { &hf_message, { "Message", "xmppws.message", FT_NONE, BASE_NONE, NULL, 0x0,
            "<message/> stanza (RFC 6120 8.2.1)", HFILL } },
        { &hf_message_id, { "ID", "xmppws.message.id", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_message_type, { "Type", "xmppws.message.type", FT_STRING, BASE_NONE, NULL, 0x0,
            "chat, error, groupchat, headline or normal (RFC 6121 5.2.2)", HFILL } },
        { &hf_message_from, { "From", "xmppws.message.from", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_message_to, { "To", "xmppws.message.to", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_message_body, { "Body", "xmppws.message.body", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_message_subject, { "Subject", "xmppws.message.subject", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_message_thread, { "Thread", "xmppws.message.thread", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_presence, { "Presence", "xmppws.presence", FT_NONE, BASE_NONE, NULL, 0x0,
            "<presence/> stanza (RFC 6120 8.2.2)", HFILL } },
        { &hf_presence_id, { "ID", "xmppws.presence.id", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_presence_type, { "Type", "xmppws.presence.type", FT_STRING, BASE_NONE, NULL, 0x0,
            "Absent for available; unavailable, subscribe, probe, ... (RFC 6121 4.7.1)", HFILL } },
        { &hf_presence_from, { "From", "xmppws.presence.from", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_presence_to, { "To", "xmppws.presence.to", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_presence_show, { "Show", "xmppws.presence.show", FT_STRING, BASE_NONE, NULL, 0x0,
            "away, chat, dnd or xa (RFC 6121 4.7.2.1)", HFILL } },
        { &hf_presence_status, { "Status", "xmppws.presence.status", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_presence_priority, { "Priority", "xmppws.presence.priority", FT_INT32, BASE_DEC, NULL, 0x0,
            "-128 to 127 (RFC 6121 4.7.2.3)", HFILL } },
        { &hf_bind, { "Resource binding", "xmppws.bind", FT_NONE, BASE_NONE, NULL, 0x0,
            "<bind/> (RFC 6120 7)", HFILL } },
        { &hf_bind_resource, { "Resource", "xmppws.bind.resource", FT_STRING, BASE_NONE, NULL, 0x0,
            "Resource the client asks for (RFC 6120 7.7); Finesse uses \"desktop\"", HFILL } },
        { &hf_bind_jid, { "Full JID", "xmppws.bind.jid", FT_STRING, BASE_NONE, NULL, 0x0,
            "Full JID the server bound (RFC 6120 7.6.1)", HFILL } },
        { &hf_session, { "Session", "xmppws.session", FT_NONE, BASE_NONE, NULL, 0x0,
            "Session establishment (RFC 3921 3)", HFILL } },
        { &hf_ping, { "Ping", "xmppws.ping", FT_NONE, BASE_NONE, NULL, 0x0,
            "XEP-0199 application-level ping", HFILL } },
        { &hf_error, { "Stanza error", "xmppws.error", FT_NONE, BASE_NONE, NULL, 0x0,
            "<error/> (RFC 6120 8.3)", HFILL } },
        { &hf_error_type, { "Type", "xmppws.error.type", FT_STRING, BASE_NONE, NULL, 0x0,
            "auth, cancel, continue, modify or wait (RFC 6120 8.3.2)", HFILL } },
        { &hf_error_condition, { "Condition", "xmppws.error.condition", FT_STRING, BASE_NONE, NULL, 0x0,
            "Defined stanza error condition (RFC 6120 8.3.3)", HFILL } },
        { &hf_error_text, { "Text", "xmppws.error.text", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_error_pubsub_condition, { "Pubsub condition", "xmppws.error.pubsub_condition", FT_STRING,
            BASE_NONE, NULL, 0x0, "Application condition of XEP-0060 (pubsub#errors)", HFILL } },
        { &hf_error_pubsub_feature, { "Unsupported pubsub feature", "xmppws.error.pubsub_feature", FT_STRING,
            BASE_NONE, NULL, 0x0, "feature of <unsupported/> (XEP-0060 7)", HFILL } },
        { &hf_error_app_condition, { "Application condition", "xmppws.error.app_condition", FT_STRING,
            BASE_NONE, NULL, 0x0, "Application-specific condition (RFC 6120 8.3.4)", HFILL } },
    };
    static gint *ett[] = { &ett_stanza, &ett_bind, &ett_error };
    static ei_register_info ei[] = {
        { &ei_stanza_error, { "xmppws.error.reported", PI_RESPONSE_CODE, PI_WARN,
            "Stanza error (RFC 6120 8.3)", EXPFILL } },
        { &ei_bad_priority, { "xmppws.presence.bad_priority", PI_PROTOCOL, PI_WARN,
            "Presence priority is not an integer from -128 to 127 (RFC 6121 4.7.2.3)", EXPFILL } },
    };
    expert_module_t *em = expert_register_protocol(proto);

    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(em, ei, array_length(ei));

    presence_list = xmppws_register_heur_list(XMPPWS_PRESENCE_LIST, "XMPP presence interpreters", proto);
    xmppws_dispatch_add(XMPPWS_NS_CLIENT, "iq",       XMPPWS_KIND_IQ,       xmppws_dissect_iq,       XMPPWS_DIR_UNKNOWN);
    xmppws_dispatch_add(XMPPWS_NS_CLIENT, "message",  XMPPWS_KIND_MESSAGE,  xmppws_dissect_message,  XMPPWS_DIR_UNKNOWN);
    xmppws_dispatch_add(XMPPWS_NS_CLIENT, "presence", XMPPWS_KIND_PRESENCE, xmppws_dissect_presence, XMPPWS_DIR_UNKNOWN);
}
