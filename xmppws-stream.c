/* xmppws-stream.c
 * The stream level of XMPP over WebSocket: RFC 7395 framing (<open/>,
 * <close/>, 3.3-3.6), the pre-RFC <stream:stream> framing, stream features
 * (RFC 6120 4.3), stream errors (RFC 6120 4.9), STARTTLS (RFC 6120 5, which
 * RFC 7395 3.9 rules out), XEP-0198 stream management and XEP-0115 caps.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <wsutil/strtoi.h>

#include "xmppws-stream.h"

static int hf_open = -1;
static int hf_open_to = -1;
static int hf_open_from = -1;
static int hf_open_id = -1;
static int hf_open_version = -1;
static int hf_open_lang = -1;
static int hf_close = -1;
static int hf_close_see_other_uri = -1;
static int hf_legacy_stream = -1;
static int hf_features = -1;
static int hf_features_mechanism = -1;
static int hf_features_bind = -1;
static int hf_features_session = -1;
static int hf_features_session_optional = -1;
static int hf_features_starttls = -1;
static int hf_features_sm = -1;
static int hf_features_ver = -1;
static int hf_features_register = -1;
static int hf_features_csi = -1;
static int hf_features_other = -1;
static int hf_caps = -1;
static int hf_caps_hash = -1;
static int hf_caps_node = -1;
static int hf_caps_ver = -1;
static int hf_caps_ext = -1;
static int hf_stream_error = -1;
static int hf_stream_error_condition = -1;
static int hf_stream_error_text = -1;
static int hf_starttls = -1;
static int hf_sm = -1;
static int hf_sm_h = -1;

static expert_field ei_client_open_attrs = EI_INIT;
static expert_field ei_version = EI_INIT;
static expert_field ei_see_other_insecure = EI_INIT;
static expert_field ei_starttls_offered = EI_INIT;
static expert_field ei_stream_error = EI_INIT;
static expert_field ei_stream_conflict = EI_INIT;

static gint ett_open = -1;
static gint ett_close = -1;
static gint ett_features = -1;
static gint ett_caps = -1;
static gint ett_stream_error = -1;
static gint ett_sm = -1;

/* Attributes of <open/> (RFC 7395 3.4) and of the legacy <stream:stream>. */
static void
add_stream_attrs(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree)
{
    const char *to, *from, *id, *version;

    xmppws_add_attr(&ctx->doc, tree, hf_open_to, el, "to", &to);
    xmppws_add_attr(&ctx->doc, tree, hf_open_from, el, "from", &from);
    xmppws_add_attr(&ctx->doc, tree, hf_open_id, el, "id", &id);
    xmppws_add_attr(&ctx->doc, tree, hf_open_version, el, "version", &version);
    xmppws_add_attr(&ctx->doc, tree, hf_open_lang, el, "xml:lang", NULL);

    xmppws_info_kv(ctx->info, "to", to);
    xmppws_info_kv(ctx->info, "from", from);
    xmppws_info_kv(ctx->info, "id", id);
    if (version && strcmp(version, "1.0") != 0) {
        xmppws_info_kv(ctx->info, "version", version);
        proto_tree_add_expert_format(tree, ctx->doc.pinfo, &ei_version, ctx->doc.tvb, el->start_offset,
                                     el->length, "Stream version \"%s\"; RFC 7395 3.4 and RFC 6120 4.7.5 "
                                     "use \"1.0\"", version);
    }
    /* RFC 7395 3.4: the client's <open/> has `to` and `version`, no `id`. */
    if (ctx->direction == XMPPWS_DIR_C2S && (!to || !version || id))
        proto_tree_add_expert_format(tree, ctx->doc.pinfo, &ei_client_open_attrs, ctx->doc.tvb, el->start_offset,
                                     el->length, "Client <open/>%s%s%s (RFC 7395 3.4: the client sends `to` "
                                     "and `version`, and never `id`)", !to ? " without `to`" : "",
                                     !version ? " without `version`" : "", id ? " with `id`" : "");
}

static void
xmppws_dissect_open(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree)
{
    proto_item *ti = xmppws_add_el(&ctx->doc, tree, hf_open, el);
    proto_tree *st = proto_item_add_subtree(ti, ett_open);

    wmem_strbuf_append(ctx->info, "open");
    add_stream_attrs(ctx, el, st);
}

static void
xmppws_dissect_legacy_stream(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree)
{
    proto_item *ti = xmppws_add_el(&ctx->doc, tree, hf_legacy_stream, el);
    proto_tree *st = proto_item_add_subtree(ti, ett_open);

    wmem_strbuf_append(ctx->info, "stream:stream (legacy framing)");
    add_stream_attrs(ctx, el, st);
}

static void
xmppws_dissect_close(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree)
{
    proto_item *ti = xmppws_add_el(&ctx->doc, tree, hf_close, el);
    proto_tree *st = proto_item_add_subtree(ti, ett_close);
    const char *uri;

    wmem_strbuf_append(ctx->info, "close");
    xmppws_add_attr(&ctx->doc, st, hf_close_see_other_uri, el, "see-other-uri", &uri);
    xmppws_info_kv(ctx->info, "see-other-uri", uri);
    /* RFC 7395 3.6.1: a redirect must not lower security (wss -> ws). */
    if (uri && g_ascii_strncasecmp(uri, "ws:", 3) == 0 && xmppws_over_tls(ctx->doc.pinfo))
        proto_tree_add_expert_format(st, ctx->doc.pinfo, &ei_see_other_insecure, ctx->doc.tvb, el->start_offset,
                                     el->length, "see-other-uri %s redirects this wss:// connection to an "
                                     "unencrypted ws:// endpoint (RFC 7395 3.6.1 forbids lowering security)", uri);
}

void
xmppws_dissect_caps(xmppws_ctx_t *ctx, xml_frame_t *c, proto_tree *tree)
{
    proto_item *ti = xmppws_add_el(&ctx->doc, tree, hf_caps, c);
    proto_tree *st = proto_item_add_subtree(ti, ett_caps);

    xmppws_add_attr(&ctx->doc, st, hf_caps_hash, c, "hash", NULL);
    xmppws_add_attr(&ctx->doc, st, hf_caps_node, c, "node", NULL);
    xmppws_add_attr(&ctx->doc, st, hf_caps_ver, c, "ver", NULL);
    xmppws_add_attr(&ctx->doc, st, hf_caps_ext, c, "ext", NULL);
}

/* One feature: (namespace, element, field, word for the Info column). */
typedef struct {
    const char *ns;
    const char *local;
    int        *hf;
    const char *word;
} feature_row_t;

static const feature_row_t feature_rows[] = {
    { XMPPWS_NS_BIND,      "bind",     &hf_features_bind,     "bind" },
    { XMPPWS_NS_TLS,       "starttls", &hf_features_starttls, "starttls" },
    { XMPPWS_NS_ROSTERVER, "ver",      &hf_features_ver,      "ver" },
    { XMPPWS_NS_REGISTER,  "register", &hf_features_register, "register" },
    { XMPPWS_NS_CSI,       "csi",      &hf_features_csi,      "csi" },
};

static void
xmppws_dissect_features(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree)
{
    const xmppws_doc_t *doc = &ctx->doc;
    proto_item *ti = xmppws_add_el(doc, tree, hf_features, el);
    proto_tree *st = proto_item_add_subtree(ti, ett_features);
    xml_frame_t *f;

    wmem_strbuf_append(ctx->info, "features");
    for (f = xmppws_el_child(doc, el, NULL, NULL); f; f = xmppws_el_next(doc, f, NULL, NULL)) {
        gsize i;
        gboolean known = FALSE;

        if (xmppws_el_is(doc, f, XMPPWS_NS_SASL, "mechanisms")) {
            xml_frame_t *m;
            for (m = xmppws_el_child(doc, f, XMPPWS_NS_SASL, "mechanism"); m;
                 m = xmppws_el_next(doc, m, XMPPWS_NS_SASL, "mechanism")) {
                const char *name;
                xmppws_add_text(doc, st, hf_features_mechanism, m, &name);
                if (name)
                    wmem_strbuf_append_printf(ctx->info, " %s", name);
            }
            continue;
        }
        if (xmppws_el_is(doc, f, XMPPWS_NS_SESSION, "session")) {
            proto_item *si = xmppws_add_el(doc, st, hf_features_session, f);
            proto_tree *sst = proto_item_add_subtree(si, ett_features);
            xml_frame_t *opt = xmppws_el_child(doc, f, XMPPWS_NS_SESSION, "optional");
            if (opt)
                xmppws_add_el(doc, sst, hf_features_session_optional, opt);
            wmem_strbuf_append(ctx->info, opt ? " session(optional)" : " session");
            continue;
        }
        if (xmppws_el_is(doc, f, XMPPWS_NS_CAPS, "c")) {
            xmppws_dissect_caps(ctx, f, st);
            continue;
        }
        if (xmppws_el_is(doc, f, NULL, "sm")) {
            const char *ns = xmppws_el_ns(doc, f);
            if (ns && g_str_has_prefix(ns, "urn:xmpp:sm:")) {
                proto_tree_add_string(st, hf_features_sm, doc->tvb, f->start_offset, f->length, ns);
                wmem_strbuf_append(ctx->info, " sm");
                continue;
            }
        }
        for (i = 0; i < G_N_ELEMENTS(feature_rows); i++) {
            if (xmppws_el_is(doc, f, feature_rows[i].ns, feature_rows[i].local)) {
                proto_item *fi = xmppws_add_el(doc, st, *feature_rows[i].hf, f);
                wmem_strbuf_append_printf(ctx->info, " %s", feature_rows[i].word);
                if (feature_rows[i].hf == &hf_features_starttls)
                    expert_add_info(doc->pinfo, fi, &ei_starttls_offered);
                known = TRUE;
                break;
            }
        }
        if (!known) {
            const char *ns = xmppws_el_ns(doc, f);
            proto_tree_add_string_format_value(st, hf_features_other, doc->tvb, f->start_offset, f->length,
                                               ns ? ns : "", "<%s xmlns=\"%s\">", f->name_orig_case,
                                               ns ? ns : "");
        }
    }
}

static void
xmppws_dissect_stream_error(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree)
{
    const xmppws_doc_t *doc = &ctx->doc;
    proto_item *ti = xmppws_add_el(doc, tree, hf_stream_error, el);
    proto_tree *st = proto_item_add_subtree(ti, ett_stream_error);
    xml_frame_t *f;
    const char *condition = NULL, *text = NULL;

    for (f = xmppws_el_child(doc, el, XMPPWS_NS_STREAM_ERRORS, NULL); f;
         f = xmppws_el_next(doc, f, XMPPWS_NS_STREAM_ERRORS, NULL)) {
        if (strcmp(f->name_orig_case, "text") == 0) {
            xmppws_add_text(doc, st, hf_stream_error_text, f, &text);
        } else if (!condition) {
            condition = f->name_orig_case;
            proto_tree_add_string(st, hf_stream_error_condition, doc->tvb, f->start_offset, f->length, condition);
        }
    }
    ctx->tap->stream_error = condition;
    wmem_strbuf_append(ctx->info, "stream error");
    if (condition)
        wmem_strbuf_append_printf(ctx->info, " %s", condition);
    if (text)
        wmem_strbuf_append_printf(ctx->info, " (%s)", text);
    if (condition && strcmp(condition, "conflict") == 0)
        expert_add_info_format(doc->pinfo, ti, &ei_stream_conflict,
                               "Stream error conflict%s%s%s: the session was replaced by a new login with the same "
                               "resource (RFC 6120 4.9.3.3, 7.7.2.2); for Finesse, the \"desktop\" resource "
                               "logged in elsewhere (another browser tab or PC)", text ? " (" : "",
                               text ? text : "", text ? ")" : "");
    else
        expert_add_info_format(doc->pinfo, ti, &ei_stream_error,
                               "Stream error %s%s%s%s: the stream is closed (RFC 6120 4.9)",
                               condition ? condition : "(no condition)", text ? " (" : "", text ? text : "",
                               text ? ")" : "");
}

static void
xmppws_dissect_starttls(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree)
{
    xmppws_add_el(&ctx->doc, tree, hf_starttls, el);
    wmem_strbuf_append(ctx->info, el->name_orig_case);
}

static void
xmppws_dissect_sm(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree)
{
    proto_item *ti = proto_tree_add_string(tree, hf_sm, ctx->doc.tvb, el->start_offset, el->length,
                                           el->name_orig_case);
    proto_tree *st = proto_item_add_subtree(ti, ett_sm);
    const char *h = xmppws_attr(&ctx->doc, el, "h");
    guint32 hv;

    wmem_strbuf_append_printf(ctx->info, "sm %s", el->name_orig_case);
    if (h && ws_strtou32(h, NULL, &hv)) {
        xml_frame_t *a = xml_get_attrib(el, "h");
        proto_tree_add_uint(st, hf_sm_h, a->value, 0, tvb_captured_length(a->value), hv);
        xmppws_info_kv(ctx->info, "h", h);
    }
}

void
xmppws_register_stream(int proto)
{
    static hf_register_info hf[] = {
        { &hf_open, { "Open", "xmppws.open", FT_NONE, BASE_NONE, NULL, 0x0,
            "<open/>: stream header of RFC 7395 3.4", HFILL } },
        { &hf_open_to, { "To", "xmppws.open.to", FT_STRING, BASE_NONE, NULL, 0x0,
            "Domain the initiating entity asks for (RFC 6120 4.7.2)", HFILL } },
        { &hf_open_from, { "From", "xmppws.open.from", FT_STRING, BASE_NONE, NULL, 0x0,
            "Domain or JID the sender speaks for (RFC 6120 4.7.1)", HFILL } },
        { &hf_open_id, { "Stream ID", "xmppws.open.id", FT_STRING, BASE_NONE, NULL, 0x0,
            "Stream ID chosen by the server (RFC 6120 4.7.3)", HFILL } },
        { &hf_open_version, { "Version", "xmppws.open.version", FT_STRING, BASE_NONE, NULL, 0x0,
            "XMPP version, 1.0 (RFC 6120 4.7.5)", HFILL } },
        { &hf_open_lang, { "Language", "xmppws.open.lang", FT_STRING, BASE_NONE, NULL, 0x0,
            "xml:lang of the stream (RFC 6120 4.7.4)", HFILL } },
        { &hf_close, { "Close", "xmppws.close", FT_NONE, BASE_NONE, NULL, 0x0,
            "<close/>: stream close of RFC 7395 3.6", HFILL } },
        { &hf_close_see_other_uri, { "See-other URI", "xmppws.close.see_other_uri", FT_STRING, BASE_NONE,
            NULL, 0x0, "Redirect to another WebSocket endpoint (RFC 7395 3.6.1)", HFILL } },
        { &hf_legacy_stream, { "Legacy stream header", "xmppws.legacy_stream", FT_NONE, BASE_NONE, NULL, 0x0,
            "<stream:stream> framing of pre-RFC 7395 drafts", HFILL } },
        { &hf_features, { "Stream features", "xmppws.features", FT_NONE, BASE_NONE, NULL, 0x0,
            "<stream:features> (RFC 6120 4.3.2)", HFILL } },
        { &hf_features_mechanism, { "SASL mechanism offered", "xmppws.features.mechanism", FT_STRING,
            BASE_NONE, NULL, 0x0, "One <mechanism/> of <mechanisms/> (RFC 6120 6.4.1)", HFILL } },
        { &hf_features_bind, { "Resource binding", "xmppws.features.bind", FT_NONE, BASE_NONE, NULL, 0x0,
            "Resource binding offered (RFC 6120 7.4)", HFILL } },
        { &hf_features_session, { "Session establishment", "xmppws.features.session", FT_NONE, BASE_NONE,
            NULL, 0x0, "Session feature (RFC 3921 3)", HFILL } },
        { &hf_features_session_optional, { "Session is optional", "xmppws.features.session.optional",
            FT_NONE, BASE_NONE, NULL, 0x0, "<optional/>: the client may skip the session request", HFILL } },
        { &hf_features_starttls, { "STARTTLS", "xmppws.features.starttls", FT_NONE, BASE_NONE, NULL, 0x0,
            "STARTTLS offered (RFC 6120 5; not allowed over WebSocket, RFC 7395 3.9)", HFILL } },
        { &hf_features_sm, { "Stream management", "xmppws.features.sm", FT_STRING, BASE_NONE, NULL, 0x0,
            "XEP-0198 stream management offered (namespace)", HFILL } },
        { &hf_features_ver, { "Roster versioning", "xmppws.features.ver", FT_NONE, BASE_NONE, NULL, 0x0,
            "Roster versioning offered (RFC 6121 2.6)", HFILL } },
        { &hf_features_register, { "In-band registration", "xmppws.features.register", FT_NONE, BASE_NONE,
            NULL, 0x0, "XEP-0077 in-band registration offered", HFILL } },
        { &hf_features_csi, { "Client state indication", "xmppws.features.csi", FT_NONE, BASE_NONE, NULL,
            0x0, "XEP-0352 client state indication offered", HFILL } },
        { &hf_features_other, { "Other feature", "xmppws.features.other", FT_STRING, BASE_NONE, NULL, 0x0,
            "Namespace of a feature this dissector does not name", HFILL } },
        { &hf_caps, { "Entity capabilities", "xmppws.caps", FT_NONE, BASE_NONE, NULL, 0x0,
            "<c/> of XEP-0115", HFILL } },
        { &hf_caps_hash, { "Hash", "xmppws.caps.hash", FT_STRING, BASE_NONE, NULL, 0x0,
            "Hash function of the verification string (XEP-0115 5.1)", HFILL } },
        { &hf_caps_node, { "Node", "xmppws.caps.node", FT_STRING, BASE_NONE, NULL, 0x0,
            "URI of the software (XEP-0115 4)", HFILL } },
        { &hf_caps_ver, { "Verification string", "xmppws.caps.ver", FT_STRING, BASE_NONE, NULL, 0x0,
            "Hash of the disco#info identity and features (XEP-0115 5)", HFILL } },
        { &hf_caps_ext, { "Extensions", "xmppws.caps.ext", FT_STRING, BASE_NONE, NULL, 0x0,
            "Legacy extension names (XEP-0115 appendix)", HFILL } },
        { &hf_stream_error, { "Stream error", "xmppws.stream_error", FT_NONE, BASE_NONE, NULL, 0x0,
            "<stream:error> (RFC 6120 4.9)", HFILL } },
        { &hf_stream_error_condition, { "Condition", "xmppws.stream_error.condition", FT_STRING, BASE_NONE,
            NULL, 0x0, "Defined stream error condition (RFC 6120 4.9.3)", HFILL } },
        { &hf_stream_error_text, { "Text", "xmppws.stream_error.text", FT_STRING, BASE_NONE, NULL, 0x0,
            "Descriptive text of the stream error (RFC 6120 4.9.2)", HFILL } },
        { &hf_starttls, { "STARTTLS negotiation", "xmppws.starttls", FT_NONE, BASE_NONE, NULL, 0x0,
            "<starttls/>, <proceed/> or TLS <failure/> (RFC 6120 5.4)", HFILL } },
        { &hf_sm, { "Stream management", "xmppws.sm", FT_STRING, BASE_NONE, NULL, 0x0,
            "XEP-0198 element (enable, enabled, r, a, resume, resumed, failed)", HFILL } },
        { &hf_sm_h, { "Handled count", "xmppws.sm.h", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Stanzas handled, XEP-0198 4", HFILL } },
    };
    static gint *ett[] = {
        &ett_open, &ett_close, &ett_features, &ett_caps, &ett_stream_error, &ett_sm,
    };
    static ei_register_info ei[] = {
        { &ei_client_open_attrs, { "xmppws.open.client_attributes", PI_PROTOCOL, PI_WARN,
            "Client <open/> without `to` or `version`, or with `id` (RFC 7395 3.4)", EXPFILL } },
        { &ei_version, { "xmppws.open.version_not_1_0", PI_PROTOCOL, PI_WARN,
            "Stream version other than 1.0 (RFC 6120 4.7.5)", EXPFILL } },
        { &ei_see_other_insecure, { "xmppws.close.see_other_insecure", PI_SECURITY, PI_WARN,
            "see-other-uri lowers security from wss:// to ws:// (RFC 7395 3.6.1)", EXPFILL } },
        { &ei_starttls_offered, { "xmppws.features.starttls_offered", PI_PROTOCOL, PI_WARN,
            "<starttls/> offered over WebSocket: TLS is the WebSocket's (wss://), RFC 7395 3.9 forbids STARTTLS",
            EXPFILL } },
        { &ei_stream_error, { "xmppws.stream_error.reported", PI_RESPONSE_CODE, PI_ERROR,
            "Stream error: the stream is closed (RFC 6120 4.9)", EXPFILL } },
        { &ei_stream_conflict, { "xmppws.stream_error.conflict", PI_RESPONSE_CODE, PI_ERROR,
            "Stream error conflict: the session was replaced by a login with the same resource (RFC 6120 4.9.3.3)",
            EXPFILL } },
    };
    expert_module_t *em = expert_register_protocol(proto);

    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(em, ei, array_length(ei));

    xmppws_dispatch_add(XMPPWS_NS_FRAMING, "open",     XMPPWS_KIND_OPEN,          xmppws_dissect_open,          XMPPWS_DIR_UNKNOWN);
    xmppws_dispatch_add(XMPPWS_NS_FRAMING, "close",    XMPPWS_KIND_CLOSE,         xmppws_dissect_close,         XMPPWS_DIR_UNKNOWN);
    xmppws_dispatch_add(XMPPWS_NS_STREAMS, "stream",   XMPPWS_KIND_LEGACY_STREAM, xmppws_dissect_legacy_stream, XMPPWS_DIR_UNKNOWN);
    xmppws_dispatch_add(XMPPWS_NS_STREAMS, "features", XMPPWS_KIND_FEATURES,      xmppws_dissect_features,      XMPPWS_DIR_S2C);
    xmppws_dispatch_add(XMPPWS_NS_STREAMS, "error",    XMPPWS_KIND_STREAM_ERROR,  xmppws_dissect_stream_error,  XMPPWS_DIR_UNKNOWN);
    xmppws_dispatch_add(XMPPWS_NS_TLS,     "starttls", XMPPWS_KIND_STARTTLS,      xmppws_dissect_starttls,      XMPPWS_DIR_C2S);
    xmppws_dispatch_add(XMPPWS_NS_TLS,     "proceed",  XMPPWS_KIND_STARTTLS,      xmppws_dissect_starttls,      XMPPWS_DIR_S2C);
    xmppws_dispatch_add(XMPPWS_NS_SM3,     "enable",   XMPPWS_KIND_SM,            xmppws_dissect_sm,            XMPPWS_DIR_C2S);
    xmppws_dispatch_add(XMPPWS_NS_SM3,     "enabled",  XMPPWS_KIND_SM,            xmppws_dissect_sm,            XMPPWS_DIR_S2C);
    xmppws_dispatch_add(XMPPWS_NS_SM3,     "resume",   XMPPWS_KIND_SM,            xmppws_dissect_sm,            XMPPWS_DIR_C2S);
    xmppws_dispatch_add(XMPPWS_NS_SM3,     "resumed",  XMPPWS_KIND_SM,            xmppws_dissect_sm,            XMPPWS_DIR_S2C);
    xmppws_dispatch_add(XMPPWS_NS_SM3,     "failed",   XMPPWS_KIND_SM,            xmppws_dissect_sm,            XMPPWS_DIR_S2C);
    xmppws_dispatch_add(XMPPWS_NS_SM3,     "r",        XMPPWS_KIND_SM,            xmppws_dissect_sm,            XMPPWS_DIR_UNKNOWN);
    xmppws_dispatch_add(XMPPWS_NS_SM3,     "a",        XMPPWS_KIND_SM,            xmppws_dissect_sm,            XMPPWS_DIR_UNKNOWN);
}
