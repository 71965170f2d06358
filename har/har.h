/* har.h
 * HAR files (HTTP Archive 1.2, as Chrome/Edge DevTools save them with
 * "Save all as HAR with content") turned into the packets Wireshark would
 * have captured (har.c): each WebSocket entry (`_resourceType`
 * "websocket", Chrome 76 and later) becomes one TCP connection carrying the
 * HTTP upgrade and one WebSocket frame per `_webSocketMessages` item
 * (RFC 6455 5.2; client frames masked, 5.3); every other entry becomes one
 * TCP connection carrying its HTTP/1.1 request and response with bodies.
 * Shared by the converter (xmppws-har2pcapng.c) and any future file
 * reader.
 *
 * What is synthesized (and said in har_result_t.comment): IPv4 and TCP
 * headers (client 192.0.2.1, RFC 5737, ports from 49152; server
 * `serverIPAddress` when it is IPv4, else 198.51.100.1; server port 80, so
 * that Wireshark's HTTP takes every connection whatever the URL said, the
 * URL is in each connection's first packet comment), the TCP handshakes,
 * WebSocket framing and client masks, HTTP/1.1 request and status lines.
 * Removed: Sec-WebSocket-Extensions (a HAR holds the messages inflated),
 * Content-Encoding, Transfer-Encoding and Content-Length (bodies are
 * decoded; a Content-Length of the written body is added), HTTP/2 pseudo
 * headers. Not in a HAR, so not written: WebSocket Close and other control
 * frames, TCP ends (so no connection looks dropped).
 *
 * Memory: everything returned is GLib-allocated, freed by har_result_free().
 * Input is parsed with wsutil's JSON parser (wsjson, jsmn tokens): memory
 * is the input plus one token per JSON value; time is linear in the input.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HAR_H
#define HAR_H

#include <glib.h>
#include <wsutil/nstime.h>

/* One IPv4 packet (no link layer: WTAP_ENCAP_RAW_IP). */
typedef struct {
    nstime_t ts;          /* absolute time */
    guint8  *data;        /* IPv4 header, TCP header, payload */
    guint    len;
    char    *comment;     /* NULL, or a packet comment (UTF-8) */
} har_packet_t;

typedef struct {
    GPtrArray *packets;           /* har_packet_t*, in time order */
    char      *comment;           /* the file's comment: source, counts, what was synthesized */
    guint      websocket_entries;
    guint      websocket_messages;
    guint      http_entries;
    guint      bosh_requests;     /* HTTP entries whose request body is a BOSH <body/> (XEP-0124) */
    guint      skipped;           /* entries or messages left out (see comment) */
} har_result_t;

/* Convert the HAR in buf[0, len) (UTF-8 JSON; buf is modified: strings are
 * decoded in place). Returns NULL and sets *error (g_free it) when the input
 * is not JSON, not a HAR (no log.entries array), or holds neither a
 * WebSocket message (Firefox's HAR export has none) nor a BOSH request. Never aborts on hostile input:
 * values of the wrong type are skipped and counted. */
har_result_t *har_convert(char *buf, gsize len, char **error);

void har_result_free(har_result_t *r);

#endif /* HAR_H */
