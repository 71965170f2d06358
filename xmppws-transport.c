/* xmppws-transport.c
 * How XMPP over WebSocket is found however the capture was taken.
 *
 * 1. Captures that start late (no HTTP upgrade in the capture): Wireshark
 *    4.0 does not even see WebSocket there. A strict, cheap TCP heuristic
 *    ("xmppws_tcp") recognises a WebSocket frame (RFC 6455 5.2) whose
 *    payload starts like an XMPP element (RFC 7395 3.3.3), hands the rest
 *    of the TCP conversation to Wireshark's WebSocket dissector, marks the
 *    connection as XMPP (so our "ws" heuristic takes every message) and
 *    records who the server is from the mask bit (RFC 6455 5.3: clients
 *    mask, servers do not). The same is offered in Decode As (tcp.port,
 *    "XMPP/WS").
 *
 * 2. wss:// captures without the TLS keys: nothing of the WebSocket or the
 *    XMPP can be seen, so a TCP heuristic ("xmppws_wss") claims TLS
 *    connections to the wss ports (preference xmppws.wss_ports: Finesse
 *    8445, Openfire 7443, Prosody 5281), lets Wireshark's TLS dissector do
 *    all the work, and only adds one note (xmppws.tls_no_keys) on the first
 *    application-data record that TLS could not decrypt, saying how to give
 *    Wireshark the key log. Nothing is added when TLS decrypts.
 *
 * Everything else (frames, masking, reassembly, permessage-deflate, TLS)
 * is Wireshark's own code: this file only decides who gets the bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/expert.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/range.h>
#include <wsutil/wmem/wmem_strutl.h>

#include "packet-finesse-xmpp.h"

/* RFC 6455 5.2 opcodes. */
#define WS_OP_CONTINUATION 0x0
#define WS_OP_TEXT         0x1
#define WS_OP_BINARY       0x2
#define WS_OP_CLOSE        0x8
#define WS_OP_PING         0x9
#define WS_OP_PONG         0xA

/* Largest payload the heuristic believes in: XMPP servers cap a stanza at
 * 256 KiB (Prosody) to a few MiB; anything bigger is not our traffic. */
#define WS_MAX_PAYLOAD     (16u * 1024u * 1024u)
/* How much of a payload is unmasked and searched for an XMPP namespace. */
#define XMPP_SNIFF_LEN     512
/* Frames of one segment the heuristic looks at before giving up. */
#define WS_MAX_FRAMES      8

/* TLS record layer (RFC 8446 5.1, RFC 5246 6.2.1). */
#define TLS_CT_CHANGE_CIPHER_SPEC 20
#define TLS_CT_HEARTBEAT          24
#define TLS_CT_HANDSHAKE          22
#define TLS_CT_APPLICATION_DATA   23
#define TLS_HS_CLIENT_HELLO       1
#define TLS_MAX_RECORDS           64

#define XMPPWS_WSS_PORTS "5281,7443,8445"

/* Packet-scope proto_data key (under the xmppws protocol) marking that the
 * no-keys note is already in this frame; far from the keys of
 * packet-finesse-xmpp.c (0 for the frame state). */
#define XMPPWS_KEY_TLS_NOTE 0x7f000001u

static int proto_xmppws_transport = -1;

static expert_field ei_tls_no_keys = EI_INIT;

static dissector_handle_t websocket_handle;
static dissector_handle_t tls_handle;
static dissector_handle_t wss_handle;      /* conversation dissector of claimed TLS connections */
static dissector_handle_t tcp_decode_as_handle;

static range_t *pref_wss_ports;

/* wss connections claimed by the TLS heuristic: conversation_t* ->
 * wss_conv_t*, file scope. (The conversation's xmppws slot belongs to
 * xmppws_conv_t, which the decrypted WebSocket messages create.) */
static wmem_map_t *wss_convs;

typedef struct {
    guint32  note_frame;        /* frame holding the note, 0 = none (yet) */
    guint16  server_port;       /* the wss port */
    gboolean decrypted;         /* TLS decrypted some record of this connection */
    gboolean saw_client_hello;  /* the capture holds the TLS handshake */
} wss_conv_t;

/* One WebSocket frame header (RFC 6455 5.2). */
typedef struct {
    guint   header_len;   /* bytes before the payload: 2..14 */
    guint32 payload_len;  /* bytes; <= WS_MAX_PAYLOAD */
    guint8  opcode;
    gboolean fin;
    gboolean masked;
    guint8  mask[4];
} ws_header_t;

/* Parse the WebSocket frame header at `offset` of `tvb` (RFC 6455 5.2).
 * Strict, for a heuristic: RSV1-3 must be 0 (no extension could have been
 * negotiated where we did not see the upgrade, and compressed payloads
 * could not be checked anyway), the opcode must be one RFC 6455 defines
 * except binary (RFC 7395 3.2: XMPP uses text frames), control frames must
 * be final with at most 125 bytes (5.5), extended lengths must use the
 * minimal encoding (5.2) and stay below WS_MAX_PAYLOAD. Returns FALSE
 * (never throws) when the header is not plausible or not all captured. */
static gboolean
ws_parse_header(tvbuff_t *tvb, guint offset, ws_header_t *h)
{
    guint avail = tvb_captured_length_remaining(tvb, offset);
    guint8 b0, b1, len7;
    guint64 len;

    if (avail < 2)
        return FALSE;
    b0 = tvb_get_uint8(tvb, offset);
    b1 = tvb_get_uint8(tvb, offset + 1);
    if (b0 & 0x70)
        return FALSE;
    h->fin = (b0 & 0x80) != 0;
    h->opcode = b0 & 0x0f;
    switch (h->opcode) {
    case WS_OP_CONTINUATION:
    case WS_OP_TEXT:
    case WS_OP_CLOSE:
    case WS_OP_PING:
    case WS_OP_PONG:
        break;
    default:
        return FALSE;
    }
    h->masked = (b1 & 0x80) != 0;
    len7 = b1 & 0x7f;
    h->header_len = 2;
    if (len7 == 126) {
        if (avail < 4)
            return FALSE;
        len = tvb_get_ntohs(tvb, offset + 2);
        if (len < 126)
            return FALSE;
        h->header_len = 4;
    } else if (len7 == 127) {
        if (avail < 10)
            return FALSE;
        len = tvb_get_ntoh64(tvb, offset + 2);
        if (len <= G_MAXUINT16)
            return FALSE;
        h->header_len = 10;
    } else {
        len = len7;
    }
    if (len > WS_MAX_PAYLOAD)
        return FALSE;
    if ((h->opcode & 0x8) && (!h->fin || len > 125))
        return FALSE;
    h->payload_len = (guint32)len;
    if (h->masked) {
        if (avail < h->header_len + 4)
            return FALSE;
        tvb_memcpy(tvb, h->mask, offset + h->header_len, 4);
        h->header_len += 4;
    }
    return TRUE;
}

/* TRUE when the first `len` unmasked payload bytes `p` start like an XMPP
 * top-level element (RFC 7395 3.3.3: every message is one element starting
 * with '<'; RFC 6120 4.8, 6.4, 8; XEP-0198) and an XMPP namespace appears
 * among them. Both are required: element names such as <message> or <open>
 * are common outside XMPP, the namespaces are not. */
static gboolean
payload_looks_like_xmpp(const guint8 *p, guint len)
{
    static const char *const names[] = {
        "open", "close", "stream:stream", "stream:features", "stream:error", "features",
        "iq", "message", "presence", "auth", "challenge", "response", "success", "failure", "abort",
        "starttls", "proceed", "enable", "enabled", "resume", "resumed", "failed", "r", "a",
    };
    static const char *const markers[] = {
        "urn:ietf:params:xml:ns:xmpp-", "jabber:client", "jabber:server",
        "http://etherx.jabber.org/streams", "http://jabber.org/protocol/", "urn:xmpp:",
    };
    guint name_len = 0;
    gsize i;
    gboolean known = FALSE;

    if (len < 4 || p[0] != '<')
        return FALSE;
    while (1 + name_len < len && name_len < 20 &&
           (g_ascii_isalpha(p[1 + name_len]) || p[1 + name_len] == ':'))
        name_len++;
    if (name_len == 0 || 1 + name_len >= len)
        return FALSE;
    switch (p[1 + name_len]) {
    case ' ': case '\t': case '\r': case '\n': case '/': case '>':
        break;
    default:
        return FALSE;
    }
    for (i = 0; i < G_N_ELEMENTS(names) && !known; i++)
        known = strlen(names[i]) == name_len && memcmp(names[i], p + 1, name_len) == 0;
    if (!known)
        return FALSE;
    for (i = 0; i < G_N_ELEMENTS(markers); i++) {
        if (ws_memmem(p, len, markers[i], strlen(markers[i])))
            return TRUE;
    }
    return FALSE;
}

/* TRUE when the TCP segment `tvb` starts with WebSocket frames (RFC 6455
 * 5.2) and its first text frame carries XMPP. Control frames and a leading
 * continuation frame are stepped over (at most WS_MAX_FRAMES frames, all
 * inside this segment); a binary frame or anything that is not a frame
 * header ends the search. *masked receives the mask bit of the XMPP frame.
 * Cost for other TCP traffic: the first byte or two. */
static gboolean
ws_segment_carries_xmpp(tvbuff_t *tvb, gboolean *masked)
{
    guint offset = 0, captured = tvb_captured_length(tvb);
    int n;

    for (n = 0; n < WS_MAX_FRAMES && offset < captured; n++) {
        ws_header_t h;

        if (!ws_parse_header(tvb, offset, &h))
            return FALSE;
        if (h.opcode == WS_OP_TEXT) {
            guint8 buf[XMPP_SNIFF_LEN];
            guint avail = tvb_captured_length_remaining(tvb, offset + h.header_len);
            guint len = MIN(MIN(h.payload_len, avail), XMPP_SNIFF_LEN);
            guint i;

            if (len == 0)
                return FALSE;
            tvb_memcpy(tvb, buf, offset + h.header_len, len);
            if (h.masked) {
                for (i = 0; i < len; i++)
                    buf[i] ^= h.mask[i & 3];
            }
            *masked = h.masked;
            return payload_looks_like_xmpp(buf, len);
        }
        offset += h.header_len + h.payload_len;
    }
    return FALSE;
}

/* Mark the packet's connection as XMPP over WebSocket (so our "ws"
 * heuristic takes all its messages), learn the server from the mask bit of
 * the first XMPP frame (RFC 6455 5.3: a client masks every frame it sends,
 * a server none) while the direction is unknown, and let Wireshark's
 * WebSocket dissector take the segment. Returns its result. */
static int
hand_to_websocket(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    xmppws_conv_t *xc = xmppws_conv_get(pinfo);
    gboolean masked = FALSE;

    if (!PINFO_FD_VISITED(pinfo)) {
        xc->is_xmpp = TRUE;
        xc->via_transport = TRUE;
        if (!xc->direction_known && ws_segment_carries_xmpp(tvb, &masked))
            xmppws_conv_set_server(xc, pinfo, !masked);
    }
    /* `data` is TCP's (struct tcpinfo); WebSocket reads its own argument as
     * the HTTP upgrade's details from 4.6 on: give it none. */
    return call_dissector_only(websocket_handle, tvb, pinfo, tree, NULL);
}

/* TCP heuristic "xmppws_tcp": WebSocket frames carrying XMPP on a TCP
 * connection whose HTTP upgrade is not in the capture (RFC 6455 5.2,
 * RFC 7395 3.3.3). On a match the WebSocket dissector becomes the
 * conversation's dissector from the next frame on (this frame keeps coming
 * through the heuristics, so every pass sees the same layers), and the
 * segment is handed over. Connections with the upgrade never get here:
 * HTTP owns them. */
static xmppws_heur_ret_t
dissect_xmppws_tcp_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    gboolean masked;

    if (!ws_segment_carries_xmpp(tvb, &masked))
        return FALSE;
    conversation_set_dissector_from_frame_number(find_or_create_conversation(pinfo), pinfo->num + 1,
                                                 websocket_handle);
    hand_to_websocket(tvb, pinfo, tree);
    return TRUE;
}

/* Decode As (tcp.port -> XMPP/WS): the user says this port carries XMPP
 * over WebSocket without a captured upgrade; every segment is handed over
 * and the direction is learned from the first that starts with an XMPP
 * frame. */
static int
dissect_xmppws_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    return hand_to_websocket(tvb, pinfo, tree);
}

/* ---- wss without keys ---------------------------------------------------- */

/* Content type and length of a TLS record header at `offset` (RFC 8446
 * 5.1): FALSE unless the 5 bytes are captured, the type is one TLS defines
 * (20..24) and the version's major byte is 3. */
static gboolean
tls_record_header(tvbuff_t *tvb, guint offset, guint8 *type, guint16 *length)
{
    if (tvb_captured_length_remaining(tvb, offset) < 5)
        return FALSE;
    *type = tvb_get_uint8(tvb, offset);
    if (*type < TLS_CT_CHANGE_CIPHER_SPEC || *type > TLS_CT_HEARTBEAT || tvb_get_uint8(tvb, offset + 1) != 3)
        return FALSE;
    *length = tvb_get_ntohs(tvb, offset + 3);
    return TRUE;
}

/* Offset of the first application-data record among the records that
 * start this TLS segment (walked while headers are plausible, at most
 * TLS_MAX_RECORDS), or -1. In TLS 1.3 this is also the encrypted
 * handshake after the ServerHello (RFC 8446 5.2: opaque_type 23). */
static int
tls_first_app_data(tvbuff_t *tvb, guint16 *length)
{
    guint offset = 0;
    int n;

    for (n = 0; n < TLS_MAX_RECORDS; n++) {
        guint8 type;

        if (!tls_record_header(tvb, offset, &type, length))
            return -1;
        if (type == TLS_CT_APPLICATION_DATA)
            return (int)offset;
        offset += 5 + *length;
    }
    return -1;
}

/* The note, in the frame that holds the first application data TLS could
 * not decrypt. Parts of the text depend on whether the handshake is in the
 * capture (without it, keys cannot help: RFC 8446 7.1 derives the traffic
 * keys from the handshake's randoms). */
static void
add_tls_note(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const wss_conv_t *wc, int offset, guint16 len)
{
    if (p_get_proto_data(pinfo->pool, pinfo, proto_xmppws_transport, XMPPWS_KEY_TLS_NOTE))
        return;
    p_add_proto_data(pinfo->pool, pinfo, proto_xmppws_transport, XMPPWS_KEY_TLS_NOTE, GUINT_TO_POINTER(1));
    /* Kept under ITEM_LABEL_LENGTH (240): longer expert texts are cut. */
    if (wc->saw_client_hello)
        proto_tree_add_expert_format(tree, pinfo, &ei_tls_no_keys, tvb, offset,
                                     (int)MIN(5 + (guint)len, (guint)tvb_captured_length_remaining(tvb, offset)),
                                     "wss port %u (XMPP over WebSocket) without TLS keys: 101 and XMPP hidden. "
                                     "Give Wireshark the browser's SSLKEYLOGFILE: Edit > Preferences > Protocols > "
                                     "TLS > (Pre)-Master-Secret log filename (tls.keylog_file), or editcap "
                                     "--inject-secrets", wc->server_port);
    else
        proto_tree_add_expert_format(tree, pinfo, &ei_tls_no_keys, tvb, offset,
                                     (int)MIN(5 + (guint)len, (guint)tvb_captured_length_remaining(tvb, offset)),
                                     "wss port %u (XMPP over WebSocket) captured after the TLS handshake: no key "
                                     "log can decrypt it. Capture from the connection's start with the browser's "
                                     "SSLKEYLOGFILE (tls.keylog_file, or editcap --inject-secrets)", wc->server_port);
}

/* Conversation dissector of a claimed wss connection: Wireshark's TLS
 * dissector does everything; afterwards, if this segment starts with an
 * application-data record and TLS decrypted nothing in this frame, the
 * first such frame of the connection gets the note (decided on the first
 * pass, shown on every pass). Once anything was decrypted there is never a
 * note. */
static int
dissect_xmppws_wss(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    wss_conv_t *wc = (wss_conv_t *)wmem_map_lookup(wss_convs, conv);
    int ret, offset;
    guint16 len = 0;

    ret = call_dissector_only(tls_handle, tvb, pinfo, tree, data);
    if (!wc || !proto_is_protocol_enabled(find_protocol_by_id(proto_xmppws_transport)))
        return ret;

    if (!PINFO_FD_VISITED(pinfo)) {
        if (xmppws_data_source_tvb_by_name(pinfo, "Decrypted TLS")) {
            wc->decrypted = TRUE;
        } else if (!wc->decrypted && wc->note_frame == 0 && tls_first_app_data(tvb, &len) >= 0) {
            wc->note_frame = pinfo->num;
        }
    }
    if (wc->note_frame == pinfo->num && (offset = tls_first_app_data(tvb, &len)) >= 0)
        add_tls_note(tvb, pinfo, tree, wc, offset, len);
    return ret;
}

/* TCP heuristic "xmppws_wss": a TLS record (a ClientHello, or any record
 * when the capture starts later) on a connection to one of the wss ports.
 * Claims the connection for dissect_xmppws_wss, from the next frame on, and
 * dissects this segment with it. A few byte compares for anything else. */
static xmppws_heur_ret_t
dissect_xmppws_wss_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    conversation_t *conv;
    wss_conv_t *wc;
    guint8 type;
    guint16 len;
    guint32 server_port;

    if (!tls_record_header(tvb, 0, &type, &len))
        return FALSE;
    if (value_is_in_range(pref_wss_ports, pinfo->destport))
        server_port = pinfo->destport;
    else if (value_is_in_range(pref_wss_ports, pinfo->srcport))
        server_port = pinfo->srcport;
    else
        return FALSE;

    conv = find_or_create_conversation(pinfo);
    wc = (wss_conv_t *)wmem_map_lookup(wss_convs, conv);
    if (!wc) {
        wc = wmem_new0(wmem_file_scope(), wss_conv_t);
        wc->server_port = (guint16)server_port;
        wc->saw_client_hello = type == TLS_CT_HANDSHAKE && tvb_captured_length(tvb) > 5 &&
                               tvb_get_uint8(tvb, 5) == TLS_HS_CLIENT_HELLO;
        wmem_map_insert(wss_convs, conv, wc);
    }
    conversation_set_dissector_from_frame_number(conv, pinfo->num + 1, wss_handle);
    dissect_xmppws_wss(tvb, pinfo, tree, data);
    return TRUE;
}

/* ---- Registration -------------------------------------------------------- */

/* Register the note, the wss ports preference (in xmppws's `module`) and
 * the handles. `proto` is xmppws. */
void
xmppws_register_transport(int proto, module_t *module)
{
    static ei_register_info ei[] = {
        { &ei_tls_no_keys, { "xmppws.tls_no_keys", PI_DECRYPTION, PI_NOTE,
            "TLS on an XMPP-over-WebSocket (wss) port cannot be decrypted (RFC 7395 3.9: XMPP's TLS is the "
            "WebSocket's): give Wireshark the TLS key log (tls.keylog_file, or editcap --inject-secrets)",
            EXPFILL } },
    };
    expert_module_t *em;

    proto_xmppws_transport = proto;
    em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, array_length(ei));

    range_convert_str(wmem_epan_scope(), &pref_wss_ports, XMPPWS_WSS_PORTS, 65535);
    prefs_register_range_preference(module, "wss_ports", "wss (TLS) ports",
                                    "TCP ports where a TLS connection is taken to be XMPP over WebSocket "
                                    "(wss://): when it cannot be decrypted, a note says how to give Wireshark "
                                    "the key log. Finesse 8445, Openfire 7443, Prosody 5281.",
                                    &pref_wss_ports, 65535);

    wss_convs = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
    /* No protocol on this handle: it only wraps TLS and must not add a
     * layer to every TLS frame. */
    wss_handle = create_dissector_handle(dissect_xmppws_wss, -1);
    tcp_decode_as_handle = register_dissector("xmppws_tcp", dissect_xmppws_tcp, proto);
}

/* Look up WebSocket and TLS, add the TCP heuristics (on by default; "XMPP
 * over WebSocket (no HTTP upgrade)" and "... wss without keys" in Enabled
 * Protocols) and the Decode As entry. */
void
xmppws_handoff_transport(void)
{
    websocket_handle = find_dissector_add_dependency("websocket", proto_xmppws_transport);
    tls_handle = find_dissector_add_dependency("tls", proto_xmppws_transport);

    heur_dissector_add("tcp", dissect_xmppws_tcp_heur, "XMPP over WebSocket (no HTTP upgrade)", "xmppws_tcp",
                       proto_xmppws_transport, HEURISTIC_ENABLE);
    heur_dissector_add("tcp", dissect_xmppws_wss_heur, "XMPP over WebSocket over TLS (note when not decrypted)",
                       "xmppws_wss", proto_xmppws_transport, HEURISTIC_ENABLE);
    dissector_add_for_decode_as("tcp.port", tcp_decode_as_handle);
}
