/* xmppws-sasl.c
 * SASL negotiation (RFC 6120 6.4): <auth/>, <challenge/>, <response/>,
 * <success/>, <failure/>, <abort/>. Decodes the base64 payloads (RFC 6120
 * 6.4.2) and, inside them, PLAIN (RFC 4616 2: authzid NUL authcid NUL passwd)
 * and SCRAM (RFC 5802 5.1 attributes) messages.
 *
 * Base64 is GLib's (g_base64_decode_inplace); only the validation before it
 * is ours, because GLib silently skips invalid characters and RFC 6120 6.4.2
 * wants <incorrect-encoding/> for them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/tap.h>
#include <wsutil/strtoi.h>

#include "xmppws-sasl.h"

static int hf_sasl_auth = -1;
static int hf_sasl_challenge = -1;
static int hf_sasl_response = -1;
static int hf_sasl_success = -1;
static int hf_sasl_failure = -1;
static int hf_sasl_abort = -1;
static int hf_sasl_mechanism = -1;
static int hf_sasl_data = -1;
static int hf_sasl_authzid = -1;
static int hf_sasl_authcid = -1;
static int hf_sasl_password = -1;
static int hf_scram_gs2_header = -1;
static int hf_scram_authzid = -1;
static int hf_scram_username = -1;
static int hf_scram_nonce = -1;
static int hf_scram_salt = -1;
static int hf_scram_iterations = -1;
static int hf_scram_channel_binding = -1;
static int hf_scram_proof = -1;
static int hf_scram_verifier = -1;
static int hf_scram_error = -1;
static int hf_scram_extension = -1;
static int hf_failure_condition = -1;
static int hf_failure_text = -1;

static int credentials_tap = -1;

/* The credentials tap's record (ui/tap-credentials.h, not installed by
 * wireshark-dev 4.0; same layout). */
typedef struct {
    guint       num;
    guint       username_num;
    guint       password_hf_id;
    gchar      *username;
    const gchar *proto;
    gchar      *info;
} xmppws_credential_t;

static void
queue_credential(const xmppws_ctx_t *ctx, const char *username, int password_hf, const char *info)
{
    packet_info *pinfo = ctx->doc.pinfo;
    xmppws_credential_t *auth = wmem_new0(pinfo->pool, xmppws_credential_t);

    auth->num = auth->username_num = pinfo->num;
    auth->password_hf_id = password_hf;
    auth->username = wmem_strdup(pinfo->pool, username);
    auth->proto = ctx->unit->wrapper ? "XMPP/BOSH" : "XMPP/WS";   /* as the Protocol column */
    auth->info = info ? wmem_strdup(pinfo->pool, info) : NULL;
    tap_queue_packet(credentials_tap, pinfo, auth);
}

static gint ett_sasl = -1;
static gint ett_sasl_decoded = -1;

static expert_field ei_sasl_bad_base64 = EI_INIT;
static expert_field ei_sasl_bad_plain = EI_INIT;
static expert_field ei_sasl_failure = EI_INIT;

/* Base64 text of `el` decoded into a new data source, or NULL when the
 * element carries no data ("=" means empty, RFC 6120 6.4.2). */
static tvbuff_t *
decode_payload(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree, const char *label)
{
    const xmppws_doc_t *doc = &ctx->doc;
    const char *text;
    proto_item *ti = xmppws_add_text(doc, tree, hf_sasl_data, el, &text);
    char *copy;
    gsize i, len, n = 0;
    tvbuff_t *dtvb;

    if (!text || !*text || strcmp(text, "=") == 0)
        return NULL;
    len = strlen(text);
    for (i = 0; i < len; i++) {
        char c = text[i];
        if (g_ascii_isalnum(c) || c == '+' || c == '/')
            n++;
        else if (c == '=' && (i + 1 == len || text[i + 1] == '=' || g_ascii_isspace(text[i + 1])))
            n++;
        else if (!g_ascii_isspace(c))
            break;
    }
    if (i < len || n % 4 != 0) {
        expert_add_info(doc->pinfo, ti, &ei_sasl_bad_base64);
        return NULL;
    }
    copy = wmem_strdup(doc->pinfo->pool, text);
    g_base64_decode_inplace(copy, &len);
    if (len == 0)
        return NULL;
    dtvb = tvb_new_child_real_data(doc->tvb, (const guint8 *)copy, (guint)len, (gint)len);
    add_new_data_source(doc->pinfo, dtvb, label);
    return dtvb;
}

/* RFC 4616 2: message = [authzid] UTF8NUL authcid UTF8NUL passwd */
static const char *
dissect_plain(xmppws_ctx_t *ctx, tvbuff_t *d, proto_tree *tree, proto_item *ti)
{
    int len = tvb_captured_length(d);
    int nul1 = tvb_find_uint8(d, 0, len, 0);
    int nul2 = nul1 >= 0 ? tvb_find_uint8(d, nul1 + 1, len - nul1 - 1, 0) : -1;
    const char *authcid;

    if (nul1 < 0 || nul2 < 0) {
        expert_add_info(ctx->doc.pinfo, ti, &ei_sasl_bad_plain);
        return NULL;
    }
    proto_tree_add_item(tree, hf_sasl_authzid, d, 0, nul1, ENC_UTF_8);
    proto_tree_add_item_ret_string(tree, hf_sasl_authcid, d, nul1 + 1, nul2 - nul1 - 1, ENC_UTF_8,
                                   ctx->doc.pinfo->pool, (const guint8 **)&authcid);
    proto_tree_add_item(tree, hf_sasl_password, d, nul2 + 1, len - nul2 - 1, ENC_UTF_8);
    queue_credential(ctx, authcid, hf_sasl_password, "SASL PLAIN");
    return authcid;
}

/* SCRAM saslname (RFC 5802 5.1): "=2C" is ',' and "=3D" is '='. */
static char *
scram_unescape_name(wmem_allocator_t *scope, const char *s)
{
    char *out = wmem_strdup(scope, s);
    char *o = out;

    for (; *s; s++) {
        if (s[0] == '=' && s[1] == '2' && s[2] == 'C') {
            *o++ = ',';
            s += 2;
        } else if (s[0] == '=' && s[1] == '3' && s[2] == 'D') {
            *o++ = '=';
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

/* TRUE when the decoded data reads as a SCRAM message: an optional GS2
 * header, then comma-separated "x=value" attributes (RFC 5802 7). */
static gboolean
looks_like_scram(tvbuff_t *d)
{
    int len = tvb_captured_length(d);
    guint8 c0, c1;

    if (len < 3 || tvb_find_uint8(d, 0, len, 0) >= 0)
        return FALSE;
    c0 = tvb_get_uint8(d, 0);
    c1 = tvb_get_uint8(d, 1);
    if ((c0 == 'n' || c0 == 'y') && c1 == ',')
        return TRUE;
    if (c0 == 'p' && c1 == '=')
        return TRUE;
    return g_ascii_isalpha(c0) && c1 == '=';
}

/* Dissect SCRAM attributes; returns the username when present. */
static const char *
dissect_scram(xmppws_ctx_t *ctx, tvbuff_t *d, proto_tree *tree)
{
    wmem_allocator_t *pool = ctx->doc.pinfo->pool;
    int len = tvb_captured_length(d);
    int off = 0;
    const char *username = NULL;
    guint8 c0 = tvb_get_uint8(d, 0);

    /* GS2 header: cbind-flag "," [ "a=" authzid ] "," (RFC 5802 7) */
    if ((c0 == 'n' || c0 == 'y' || c0 == 'p') && !(c0 == 'p' && len > 1 && tvb_get_uint8(d, 1) != '=')) {
        int c1 = tvb_find_uint8(d, 0, len, ',');
        int c2 = c1 >= 0 ? tvb_find_uint8(d, c1 + 1, len - c1 - 1, ',') : -1;
        if (c1 >= 0 && c2 >= 0 && (c0 != 'p' || c1 > 2) && (c0 == 'p' || c1 == 1)) {
            proto_tree_add_item(tree, hf_scram_gs2_header, d, 0, c2 + 1, ENC_UTF_8);
            if (c2 > c1 + 3 && tvb_get_uint8(d, c1 + 1) == 'a' && tvb_get_uint8(d, c1 + 2) == '=') {
                char *raw = (char *)tvb_get_string_enc(pool, d, c1 + 3, c2 - c1 - 3, ENC_UTF_8);
                proto_tree_add_string(tree, hf_scram_authzid, d, c1 + 3, c2 - c1 - 3,
                                      scram_unescape_name(pool, raw));
            }
            off = c2 + 1;
        }
    }
    while (off < len) {
        int comma = tvb_find_uint8(d, off, len - off, ',');
        int end = comma >= 0 ? comma : len;
        int vlen = end - off - 2;
        guint8 key = tvb_get_uint8(d, off);
        char *value;
        int hf = -1;

        if (vlen < 0 || tvb_get_uint8(d, off + 1) != '=') {
            proto_tree_add_item(tree, hf_scram_extension, d, off, end - off, ENC_UTF_8);
            off = end + 1;
            continue;
        }
        value = (char *)tvb_get_string_enc(pool, d, off + 2, vlen, ENC_UTF_8);
        switch (key) {
        case 'n':
            username = scram_unescape_name(pool, value);
            proto_tree_add_string(tree, hf_scram_username, d, off + 2, vlen, username);
            queue_credential(ctx, username, hf_scram_proof,
                             "SASL SCRAM: user name only, the password is never sent");
            break;
        case 'r': hf = hf_scram_nonce; break;
        case 's': hf = hf_scram_salt; break;
        case 'c': hf = hf_scram_channel_binding; break;
        case 'p': hf = hf_scram_proof; break;
        case 'v': hf = hf_scram_verifier; break;
        case 'e': hf = hf_scram_error; break;
        case 'i': {
            guint32 iterations;
            if (ws_strtou32(value, NULL, &iterations))
                proto_tree_add_uint(tree, hf_scram_iterations, d, off + 2, vlen, iterations);
            else
                proto_tree_add_item(tree, hf_scram_extension, d, off, end - off, ENC_UTF_8);
            break;
        }
        default:
            proto_tree_add_item(tree, hf_scram_extension, d, off, end - off, ENC_UTF_8);
            break;
        }
        if (hf != -1)
            proto_tree_add_string(tree, hf, d, off + 2, vlen, value);
        off = end + 1;
    }
    return username;
}

/* Decode and dissect the payload of auth/challenge/response/success. Returns
 * the user name (PLAIN authcid or SCRAM username) when there is one. */
static const char *
dissect_payload(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree, proto_item *ti, const char *mechanism)
{
    tvbuff_t *d = decode_payload(ctx, el, tree, "SASL data (base64-decoded)");
    proto_tree *dt;

    if (!d)
        return NULL;
    dt = proto_tree_add_subtree(tree, d, 0, -1, ett_sasl_decoded, NULL, "Decoded SASL data");
    if (mechanism && strcmp(mechanism, "PLAIN") == 0)
        return dissect_plain(ctx, d, dt, ti);
    if (looks_like_scram(d))
        return dissect_scram(ctx, d, dt);
    return NULL;
}

/* What a person should check next for each RFC 6120 6.5 condition. */
static const char *
sasl_failure_hint(const char *condition)
{
    static const struct { const char *condition, *hint; } hints[] = {
        { "aborted",                "the client aborted the exchange" },
        { "account-disabled",       "the account is disabled on the server" },
        { "credentials-expired",    "the password (or SSO token) has expired" },
        { "encryption-required",    "the server requires wss:// for this mechanism" },
        { "incorrect-encoding",     "the client's base64 data is malformed" },
        { "invalid-authzid",        "the authzid is not a JID the user may act as" },
        { "invalid-mechanism",      "the mechanism was not offered" },
        { "malformed-request",      "the SASL request is malformed" },
        { "mechanism-too-weak",     "the server's policy rejects this mechanism" },
        { "not-authorized",         "wrong user name or password (for Finesse SSO agents: an invalid token)" },
        { "temporary-auth-failure", "a temporary server-side problem: retry later" },
    };
    gsize i;

    for (i = 0; condition && i < G_N_ELEMENTS(hints); i++) {
        if (strcmp(condition, hints[i].condition) == 0)
            return hints[i].hint;
    }
    return "not a condition RFC 6120 defines";
}

static void
xmppws_dissect_sasl(xmppws_ctx_t *ctx, xml_frame_t *el, proto_tree *tree)
{
    const xmppws_doc_t *doc = &ctx->doc;
    const char *name = el->name_orig_case;
    proto_item *ti;
    proto_tree *st;
    int hf;

    switch (ctx->kind) {
    case XMPPWS_KIND_SASL_AUTH:      hf = hf_sasl_auth; break;
    case XMPPWS_KIND_SASL_CHALLENGE: hf = hf_sasl_challenge; break;
    case XMPPWS_KIND_SASL_RESPONSE:  hf = hf_sasl_response; break;
    case XMPPWS_KIND_SASL_SUCCESS:   hf = hf_sasl_success; break;
    case XMPPWS_KIND_SASL_FAILURE:   hf = hf_sasl_failure; break;
    default:                         hf = hf_sasl_abort; break;
    }
    ti = xmppws_add_el(doc, tree, hf, el);
    st = proto_item_add_subtree(ti, ett_sasl);
    wmem_strbuf_append(ctx->info, name);

    if (ctx->kind == XMPPWS_KIND_SASL_AUTH) {
        const char *mechanism, *user;
        xmppws_add_attr(doc, st, hf_sasl_mechanism, el, "mechanism", &mechanism);
        ctx->tap->sasl_mechanism = mechanism;
        if (mechanism)
            wmem_strbuf_append_printf(ctx->info, " %s", mechanism);
        user = dissect_payload(ctx, el, st, ti, mechanism);
        if (user)
            xmppws_info_kv(ctx->info, mechanism && strcmp(mechanism, "PLAIN") == 0 ? "authcid" : "username",
                           user);
    } else if (ctx->kind == XMPPWS_KIND_SASL_FAILURE) {
        xml_frame_t *f;
        const char *condition = NULL, *text = NULL;
        for (f = xmppws_el_child(doc, el, XMPPWS_NS_SASL, NULL); f; f = xmppws_el_next(doc, f, XMPPWS_NS_SASL, NULL)) {
            if (strcmp(f->name_orig_case, "text") == 0) {
                xmppws_add_text(doc, st, hf_failure_text, f, &text);
            } else if (!condition) {
                condition = f->name_orig_case;
                proto_tree_add_string(st, hf_failure_condition, doc->tvb, f->start_offset, f->length, condition);
            }
        }
        if (condition)
            wmem_strbuf_append_printf(ctx->info, " %s", condition);
        if (text)
            wmem_strbuf_append_printf(ctx->info, " (%s)", text);
        ctx->tap->sasl_failure = condition ? condition : "";
        expert_add_info_format(doc->pinfo, ti, &ei_sasl_failure, "SASL failure %s%s%s%s (RFC 6120 6.5): %s",
                               condition ? condition : "(no condition)", text ? " \"" : "", text ? text : "",
                               text ? "\"" : "", sasl_failure_hint(condition));
    } else if (ctx->kind != XMPPWS_KIND_SASL_ABORT) {
        dissect_payload(ctx, el, st, ti, NULL);
    }
}

void
xmppws_register_sasl(int proto)
{
    static hf_register_info hf[] = {
        { &hf_sasl_auth, { "SASL auth", "xmppws.sasl.auth", FT_NONE, BASE_NONE, NULL, 0x0,
            "<auth/>: the client starts SASL (RFC 6120 6.4.2)", HFILL } },
        { &hf_sasl_challenge, { "SASL challenge", "xmppws.sasl.challenge", FT_NONE, BASE_NONE, NULL, 0x0,
            "<challenge/> (RFC 6120 6.4.3)", HFILL } },
        { &hf_sasl_response, { "SASL response", "xmppws.sasl.response", FT_NONE, BASE_NONE, NULL, 0x0,
            "<response/> (RFC 6120 6.4.3)", HFILL } },
        { &hf_sasl_success, { "SASL success", "xmppws.sasl.success", FT_NONE, BASE_NONE, NULL, 0x0,
            "<success/>: authentication succeeded, a stream restart follows (RFC 6120 6.4.6)", HFILL } },
        { &hf_sasl_failure, { "SASL failure", "xmppws.sasl.failure", FT_NONE, BASE_NONE, NULL, 0x0,
            "<failure/> (RFC 6120 6.4.5)", HFILL } },
        { &hf_sasl_abort, { "SASL abort", "xmppws.sasl.abort", FT_NONE, BASE_NONE, NULL, 0x0,
            "<abort/> (RFC 6120 6.4.4)", HFILL } },
        { &hf_sasl_mechanism, { "Mechanism", "xmppws.sasl.mechanism", FT_STRING, BASE_NONE, NULL, 0x0,
            "SASL mechanism the client chose", HFILL } },
        { &hf_sasl_data, { "Data (base64)", "xmppws.sasl.data", FT_STRING, BASE_NONE, NULL, 0x0,
            "Base64 payload as sent (RFC 6120 6.4.2)", HFILL } },
        { &hf_sasl_authzid, { "Authorization identity", "xmppws.sasl.authzid", FT_STRING, BASE_NONE, NULL, 0x0,
            "PLAIN authzid (RFC 4616 2)", HFILL } },
        { &hf_sasl_authcid, { "Authentication identity", "xmppws.sasl.authcid", FT_STRING, BASE_NONE, NULL,
            0x0, "PLAIN authcid, the user name (RFC 4616 2)", HFILL } },
        { &hf_sasl_password, { "Password", "xmppws.sasl.password", FT_STRING, BASE_NONE, NULL, 0x0,
            "PLAIN passwd, in clear (RFC 4616 2); for Finesse SSO agents an SSO token", HFILL } },
        { &hf_scram_gs2_header, { "GS2 header", "xmppws.sasl.scram.gs2_header", FT_STRING, BASE_NONE, NULL,
            0x0, "Channel-binding flag and authzid (RFC 5802 7)", HFILL } },
        { &hf_scram_authzid, { "Authorization identity", "xmppws.sasl.scram.authzid", FT_STRING, BASE_NONE,
            NULL, 0x0, "a= of the GS2 header (RFC 5802 5.1)", HFILL } },
        { &hf_scram_username, { "Username", "xmppws.sasl.scram.username", FT_STRING, BASE_NONE, NULL, 0x0,
            "n= (RFC 5802 5.1)", HFILL } },
        { &hf_scram_nonce, { "Nonce", "xmppws.sasl.scram.nonce", FT_STRING, BASE_NONE, NULL, 0x0,
            "r= (RFC 5802 5.1)", HFILL } },
        { &hf_scram_salt, { "Salt", "xmppws.sasl.scram.salt", FT_STRING, BASE_NONE, NULL, 0x0,
            "s=, base64 (RFC 5802 5.1)", HFILL } },
        { &hf_scram_iterations, { "Iterations", "xmppws.sasl.scram.iterations", FT_UINT32, BASE_DEC, NULL, 0x0,
            "i= (RFC 5802 5.1)", HFILL } },
        { &hf_scram_channel_binding, { "Channel binding", "xmppws.sasl.scram.channel_binding", FT_STRING,
            BASE_NONE, NULL, 0x0, "c=, base64 (RFC 5802 5.1)", HFILL } },
        { &hf_scram_proof, { "Client proof", "xmppws.sasl.scram.proof", FT_STRING, BASE_NONE, NULL, 0x0,
            "p=, base64 (RFC 5802 5.1)", HFILL } },
        { &hf_scram_verifier, { "Server signature", "xmppws.sasl.scram.verifier", FT_STRING, BASE_NONE, NULL,
            0x0, "v=, base64 (RFC 5802 5.1)", HFILL } },
        { &hf_scram_error, { "Server error", "xmppws.sasl.scram.error", FT_STRING, BASE_NONE, NULL, 0x0,
            "e= (RFC 5802 5.1)", HFILL } },
        { &hf_scram_extension, { "Other attribute", "xmppws.sasl.scram.other", FT_STRING, BASE_NONE, NULL, 0x0,
            "An attribute RFC 5802 does not define", HFILL } },
        { &hf_failure_condition, { "Condition", "xmppws.sasl.failure.condition", FT_STRING, BASE_NONE, NULL,
            0x0, "SASL failure condition (RFC 6120 6.5)", HFILL } },
        { &hf_failure_text, { "Text", "xmppws.sasl.failure.text", FT_STRING, BASE_NONE, NULL, 0x0,
            "Descriptive text of the failure (RFC 6120 6.4.5)", HFILL } },
    };
    static gint *ett[] = { &ett_sasl, &ett_sasl_decoded };
    static ei_register_info ei[] = {
        { &ei_sasl_bad_base64, { "xmppws.sasl.bad_base64", PI_MALFORMED, PI_ERROR,
            "SASL data is not valid base64 (RFC 6120 6.4.2); the server should answer <incorrect-encoding/>",
            EXPFILL } },
        { &ei_sasl_failure, { "xmppws.sasl.failure.reported", PI_SECURITY, PI_WARN,
            "SASL authentication failed (RFC 6120 6.5)", EXPFILL } },
        { &ei_sasl_bad_plain, { "xmppws.sasl.bad_plain", PI_MALFORMED, PI_ERROR,
            "PLAIN message lacks the two NUL separators of RFC 4616 2 (authzid NUL authcid NUL passwd)",
            EXPFILL } },
    };
    expert_module_t *em = expert_register_protocol(proto);

    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(em, ei, array_length(ei));
    credentials_tap = register_tap("credentials");

    /* RFC 6120 6.4: who sends which */
    xmppws_dispatch_add(XMPPWS_NS_SASL, "auth",      XMPPWS_KIND_SASL_AUTH,      xmppws_dissect_sasl, XMPPWS_DIR_C2S);
    xmppws_dispatch_add(XMPPWS_NS_SASL, "challenge", XMPPWS_KIND_SASL_CHALLENGE, xmppws_dissect_sasl, XMPPWS_DIR_S2C);
    xmppws_dispatch_add(XMPPWS_NS_SASL, "response",  XMPPWS_KIND_SASL_RESPONSE,  xmppws_dissect_sasl, XMPPWS_DIR_C2S);
    xmppws_dispatch_add(XMPPWS_NS_SASL, "success",   XMPPWS_KIND_SASL_SUCCESS,   xmppws_dissect_sasl, XMPPWS_DIR_S2C);
    xmppws_dispatch_add(XMPPWS_NS_SASL, "failure",   XMPPWS_KIND_SASL_FAILURE,   xmppws_dissect_sasl, XMPPWS_DIR_S2C);
    xmppws_dispatch_add(XMPPWS_NS_SASL, "abort",     XMPPWS_KIND_SASL_ABORT,     xmppws_dissect_sasl, XMPPWS_DIR_C2S);
}
