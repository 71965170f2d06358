/* xmppws-tcp.c
 * XMPP over WebSocket in a capture that does not hold the HTTP upgrade
 * (it started late): Wireshark does not see WebSocket there. A strict,
 * cheap TCP heuristic ("xmppws_tcp") recognises a WebSocket frame (RFC 6455
 * 5.2) whose payload starts like an XMPP element (RFC 7395 3.3.3, the
 * core's marker list), hands the rest of the TCP conversation to
 * Wireshark's WebSocket dissector, marks the connection as XMPP (so the
 * "ws" heuristic of xmppws-websocket.c takes every message) and records who
 * the server is from the mask bit (RFC 6455 5.3: clients mask, servers do
 * not). The same is offered in Decode As (tcp.port, "XMPP/WS").
 *
 * Also here: the TLS ports of XMPP over WebSocket deployments (Finesse
 * 8445, Openfire 7443, Prosody 5281) registered as HTTP over TLS with
 * Wireshark's TLS dissector, so that wss:// is decoded like https:// on
 * 443 (and, with keys, reaches WebSocket and us) without any claim of ours.
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

#include <epan/dissectors/packet-tls.h>

#include "xmppws-tcp.h"
#include "xmppws-websocket.h"

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
/* Frames of one segment the heuristic looks at before giving up. */
#define WS_MAX_FRAMES      8

/* wss:// ports registered as HTTP over TLS (Finesse, Openfire, Prosody). */
static const guint wss_ports[] = { 8445, 7443, 5281 };

static int proto_xmppws_tcp = -1;   /* xmppws */

static dissector_handle_t websocket_handle;
static dissector_handle_t tcp_decode_as_handle;

/* One WebSocket frame header (RFC 6455 5.2). */
typedef struct {
    guint   header_len;   /* bytes before the payload: 2..14 */
    guint32 payload_len;  /* bytes; <= WS_MAX_PAYLOAD */
    guint8  opcode;
    gboolean fin;
    gboolean masked;
    gboolean rsv1;        /* permessage-deflate: the message is compressed (RFC 7692 6) */
    guint8  mask[4];
} ws_header_t;

/* Parse the WebSocket frame header at `offset` of `tvb` (RFC 6455 5.2).
 * Strict, for a heuristic: RSV2 and RSV3 must be 0, RSV1 (permessage-
 * deflate, RFC 7692 6) only on a text frame, the opcode must be one RFC 6455 defines
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
    h->fin = (b0 & 0x80) != 0;
    h->opcode = b0 & 0x0f;
    h->rsv1 = (b0 & 0x40) != 0;
    /* RSV2/3: no extension defines them for XMPP. RSV1 only on the first
     * frame of a text message (RFC 7692 6: permessage-deflate). */
    if ((b0 & 0x30) || (h->rsv1 && h->opcode != WS_OP_TEXT))
        return FALSE;
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

/* TRUE when the compressed message payload[0, len) (RFC 7692, its
 * negotiation not in the capture) is XMPP: it must be one valid deflate
 * stream, and inflated with whatever history it refers to unknown, it must
 * start with an XMPP top-level element's name (the namespaces that follow
 * are usually back-references into the missing history). */
static gboolean
compressed_payload_is_xmpp(packet_info *pinfo, const guint8 *payload, guint len)
{
    guint out_len = 0;
    guint8 *out = xmppws_ws_inflate(pinfo->pool, payload, len, TRUE, &out_len);

    /* Without a namespace to confirm it, a one-letter name (XEP-0198 <a/>,
     * <r/>) is too common elsewhere (HTML's <a>) to count. */
    return out && out_len > 2 && g_ascii_isalpha(out[1]) && g_ascii_isalpha(out[2]) &&
           xmppws_starts_like_xmpp(out, out_len);
}

/* TRUE when the TCP segment `tvb` starts with WebSocket frames (RFC 6455
 * 5.2) and its first text frame carries XMPP, in clear or compressed.
 * Control frames and a leading continuation frame are stepped over (at
 * most WS_MAX_FRAMES frames, all inside this segment); a binary frame or
 * anything that is not a frame header ends the search. *masked receives
 * the mask bit of the XMPP frame, *compressed its RSV1. Cost for other TCP
 * traffic: the first byte or two. */
static gboolean
ws_segment_carries_xmpp(tvbuff_t *tvb, packet_info *pinfo, gboolean *masked, gboolean *compressed)
{
    guint offset = 0, captured = tvb_captured_length(tvb);
    int n;

    for (n = 0; n < WS_MAX_FRAMES && offset < captured; n++) {
        ws_header_t h;

        if (!ws_parse_header(tvb, offset, &h))
            return FALSE;
        if (h.opcode == WS_OP_TEXT) {
            guint avail = tvb_captured_length_remaining(tvb, offset + h.header_len);
            guint len = h.rsv1 ? h.payload_len : MIN(h.payload_len, XMPPWS_SNIFF_LEN);
            guint8 *buf;
            guint i;

            /* a compressed message is checked whole, and only when whole */
            if (len == 0 || len > avail || (h.rsv1 && !h.fin))
                return FALSE;
            buf = (guint8 *)tvb_memdup(pinfo->pool, tvb, offset + h.header_len, len);
            if (h.masked) {
                for (i = 0; i < len; i++)
                    buf[i] ^= h.mask[i & 3];
            }
            *masked = h.masked;
            *compressed = h.rsv1;
            return h.rsv1 ? compressed_payload_is_xmpp(pinfo, buf, len) : xmppws_looks_like_xmpp(buf, len);
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
    xmppws_ws_conn_t *wc = xmppws_ws_conn_get(pinfo);
    gboolean masked = FALSE, compressed = FALSE;

    if (!PINFO_FD_VISITED(pinfo)) {
        wc->is_xmpp = TRUE;
        wc->via_tcp = TRUE;
        if (!wc->stream->direction_known && ws_segment_carries_xmpp(tvb, pinfo, &masked, &compressed))
            xmppws_stream_set_server(wc->stream, pinfo, !masked);
        if (compressed)
            wc->compressed = TRUE;
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
    gboolean masked, compressed;

    if (!ws_segment_carries_xmpp(tvb, pinfo, &masked, &compressed))
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

/* ---- Registration -------------------------------------------------------- */

void
xmppws_register_tcp(int proto)
{
    proto_xmppws_tcp = proto;
    tcp_decode_as_handle = register_dissector("xmppws_tcp", dissect_xmppws_tcp, proto);
}

/* Look up WebSocket, add the TCP heuristic (on by default; "XMPP over
 * WebSocket (no HTTP upgrade)" in Enabled Protocols), the Decode As entry,
 * and the wss ports as HTTP over TLS (TLS's own table: Decode As can change
 * them like any other). */
void
xmppws_handoff_tcp(void)
{
    /* HTTP's own handle for its TLS ports (what it registers for 443). */
    dissector_handle_t http = find_dissector_add_dependency("http-over-tls", proto_xmppws_tcp);
    gsize i;

    websocket_handle = find_dissector_add_dependency("websocket", proto_xmppws_tcp);
    heur_dissector_add("tcp", dissect_xmppws_tcp_heur, "XMPP over WebSocket (no HTTP upgrade)", "xmppws_tcp",
                       proto_xmppws_tcp, HEURISTIC_ENABLE);
    dissector_add_for_decode_as("tcp.port", tcp_decode_as_handle);
    for (i = 0; http && i < G_N_ELEMENTS(wss_ports); i++)
        ssl_dissector_add(wss_ports[i], http);
}
