/* har.c
 * HAR (HTTP Archive 1.2, Chrome/Edge DevTools) to packets; see har.h for
 * what is synthesized and why. JSON is wsutil's (wsjson.h: jsmn tokens);
 * base64 and date-times are GLib's and wsutil's. What is ours is the
 * mapping of HAR entries to TCP connections: RFC 793 sequence numbers,
 * RFC 6455 5.2 framing, RFC 7230 3 message syntax.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>
#include <ws_version.h>
#include <wsutil/wsjson.h>
#include <wsutil/nstime.h>
#include <wsutil/inet_addr.h>
#include <epan/tvbuff.h>    /* in_cksum.h needs it */
#include <epan/in_cksum.h>

#include "har.h"

#define CLIENT_ADDR      0xC0000201u   /* 192.0.2.1, RFC 5737 TEST-NET-1 */
#define SERVER_FALLBACK  0xC6336401u   /* 198.51.100.1, RFC 5737 TEST-NET-2 */
#define SERVER_PORT      80
#define FIRST_CLIENT_PORT 49152
#define MAX_SEGMENT      16000         /* TCP payload bytes per packet (well under 65535 - headers) */
#define MAX_TOKENS       (64u * 1024u * 1024u)

/* One TCP connection being written. */
typedef struct {
    har_result_t *res;
    guint32 server_addr;
    guint16 client_port;
    guint32 seq[2];        /* next sequence number: [0] client, [1] server */
    nstime_t last;         /* time of the connection's last packet (kept monotonic) */
    guint    mask_counter;
    char    *comment;      /* for the connection's first packet */
    const char *data_comment; /* for every packet with data (wss:// entries), or NULL */
} conn_t;

/* ---- JSON helpers over wsjson (tokens in document order) ----------------- */

/* The token after `t` and everything inside it. */
static jsmntok_t *
tok_skip(jsmntok_t *t, jsmntok_t *end)
{
    int stop = t->end;

    for (t++; t < end && t->start < stop; t++)
        ;
    return t;
}

/* String value of key `name` in object `obj` (decoded in place), or NULL. */
static const char *
get_str(char *buf, jsmntok_t *obj, const char *name)
{
    return obj && obj->type == JSMN_OBJECT ? json_get_string(buf, obj, name) : NULL;
}

static gboolean
get_num(char *buf, jsmntok_t *obj, const char *name, double *v)
{
    return obj && obj->type == JSMN_OBJECT && json_get_double(buf, obj, name, v);
}

/* ---- Packets -------------------------------------------------------------- */

static void
put16(guint8 *p, guint v)
{
    p[0] = (guint8)(v >> 8);
    p[1] = (guint8)v;
}

static void
put32(guint8 *p, guint32 v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

/* Write at `field` the Internet checksum (RFC 1071) of a[0, alen) and
 * b[0, blen) (b may be NULL), computed by epan's in_cksum() while the
 * field is zero. in_cksum() sums the bytes as they lie in memory, so its
 * result is stored as it lies too. */
static void
set_cksum(guint8 *field, const guint8 *a, int alen, const guint8 *b, int blen)
{
    vec_t vec[2];
    guint16 sum;

    field[0] = field[1] = 0;
    SET_CKSUM_VEC_PTR(vec[0], a, alen);
    SET_CKSUM_VEC_PTR(vec[1], b, blen);
    sum = (guint16)in_cksum(vec, b ? 2 : 1);
    memcpy(field, &sum, sizeof sum);
}

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_PSH 0x08
#define TCP_ACK 0x10

/* Append one IPv4/TCP packet (RFC 791, RFC 793) of connection `c`, sent by
 * the client (from_client) or the server, at `ts`. */
static void
add_packet(conn_t *c, gboolean from_client, const nstime_t *ts, guint8 flags, const guint8 *payload, guint len)
{
    har_packet_t *pkt = g_new0(har_packet_t, 1);
    guint total = 20 + 20 + len;
    guint8 *p = g_malloc0(total);
    int me = from_client ? 0 : 1;
    guint32 src = from_client ? CLIENT_ADDR : c->server_addr, dst = from_client ? c->server_addr : CLIENT_ADDR;
    guint8 pseudo[12];

    /* IPv4 */
    p[0] = 0x45;
    put16(p + 2, total);
    put16(p + 4, (guint)(c->res->packets->len & 0xffff));
    p[6] = 0x40;                 /* don't fragment */
    p[8] = 64;
    p[9] = 6;                    /* TCP */
    put32(p + 12, src);
    put32(p + 16, dst);
    set_cksum(p + 10, p, 20, NULL, 0);
    /* TCP */
    put16(p + 20, from_client ? c->client_port : SERVER_PORT);
    put16(p + 22, from_client ? SERVER_PORT : c->client_port);
    put32(p + 24, c->seq[me]);
    put32(p + 28, (flags & TCP_ACK) ? c->seq[1 - me] : 0);
    p[32] = 5 << 4;
    p[33] = flags;
    put16(p + 34, 65535);
    if (len)
        memcpy(p + 40, payload, len);
    put32(pseudo, src);
    put32(pseudo + 4, dst);
    pseudo[8] = 0;
    pseudo[9] = 6;
    put16(pseudo + 10, 20 + len);
    set_cksum(p + 36, pseudo, sizeof pseudo, p + 20, 20 + len);

    c->seq[me] += len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
    pkt->ts = *ts;
    pkt->data = p;
    pkt->len = total;
    if (c->comment) {
        pkt->comment = c->comment;
        c->comment = NULL;
    } else if (c->data_comment && len > 0) {
        pkt->comment = g_strdup(c->data_comment);
    }
    g_ptr_array_add(c->res->packets, pkt);
}

/* Send `len` bytes in segments, at time `ts` (made no earlier than the
 * connection's previous packet). */
static void
send_data(conn_t *c, gboolean from_client, nstime_t ts, const guint8 *data, gsize len)
{
    gsize off = 0;

    if (nstime_cmp(&ts, &c->last) < 0)
        ts = c->last;
    c->last = ts;
    do {
        guint n = (guint)MIN(len - off, (gsize)MAX_SEGMENT);
        add_packet(c, from_client, &ts, TCP_ACK | TCP_PSH, data + off, n);
        off += n;
    } while (off < len);
}

static void
open_connection(conn_t *c, har_result_t *res, guint32 server_addr, guint index, const nstime_t *ts,
                char *comment)
{
    memset(c, 0, sizeof *c);
    c->res = res;
    c->server_addr = server_addr;
    c->client_port = (guint16)(FIRST_CLIENT_PORT + (index % 16000));
    c->seq[0] = 0x1000u * (index + 1);
    c->seq[1] = 0x80000000u + 0x1000u * (index + 1);
    c->last = *ts;
    c->comment = comment;
    add_packet(c, TRUE, ts, TCP_SYN, NULL, 0);
    add_packet(c, FALSE, ts, TCP_SYN | TCP_ACK, NULL, 0);
    add_packet(c, TRUE, ts, TCP_ACK, NULL, 0);
}

/* ---- HTTP messages -------------------------------------------------------- */

static gboolean
header_dropped(const char *name, gboolean websocket)
{
    return name[0] == ':' ||
           g_ascii_strcasecmp(name, "content-length") == 0 ||
           g_ascii_strcasecmp(name, "content-encoding") == 0 ||
           g_ascii_strcasecmp(name, "transfer-encoding") == 0 ||
           (websocket && g_ascii_strcasecmp(name, "sec-websocket-extensions") == 0);
}

/* Append the headers of `msg` (its "headers" array of {name, value}). */
static void
append_headers(GString *out, char *buf, jsmntok_t *msg, jsmntok_t *end, gboolean websocket)
{
    jsmntok_t *headers = msg ? json_get_array(buf, msg, "headers") : NULL;
    jsmntok_t *h;
    int i;

    if (!headers)
        return;
    h = headers + 1;
    for (i = 0; i < headers->size && h < end; i++, h = tok_skip(h, end)) {
        const char *name = get_str(buf, h, "name");
        const char *value = get_str(buf, h, "value");
        if (!name || !value || !*name || header_dropped(name, websocket) || strpbrk(name, "\r\n") ||
            strpbrk(value, "\r\n"))
            continue;
        g_string_append_printf(out, "%s: %s\r\n", name, value);
    }
}

/* The body of a request's postData or a response's content, decoded. */
static GBytes *
body_of(char *buf, jsmntok_t *holder)
{
    const char *text = get_str(buf, holder, "text");
    const char *encoding = get_str(buf, holder, "encoding");

    if (!text)
        return NULL;
    if (encoding && strcmp(encoding, "base64") == 0) {
        gsize n = 0;
        guchar *raw = g_base64_decode(text, &n);
        return g_bytes_new_take(raw, n);
    }
    return g_bytes_new(text, strlen(text));
}

/* End the headers with the Content-Length of `body` (taken, may be NULL)
 * and append it (RFC 7230 3.3.2). */
static void
append_body(GString *out, GBytes *body)
{
    gsize n = body ? g_bytes_get_size(body) : 0;

    g_string_append_printf(out, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", n);
    if (body) {
        g_string_append_len(out, g_bytes_get_data(body, NULL), (gssize)n);
        g_bytes_unref(body);
    }
}

/* "/path?query" of a URL ("/" when it has none). */
static char *
url_path(const char *url)
{
    const char *p = strstr(url, "://");

    p = p ? strchr(p + 3, '/') : NULL;
    return g_strdup(p ? p : "/");
}

static guint32
server_address(char *buf, jsmntok_t *entry)
{
    const char *ip = get_str(buf, entry, "serverIPAddress");
    ws_in4_addr a;

    if (ip && ws_inet_pton4(ip, &a))
        return g_ntohl(a);
    return SERVER_FALLBACK;   /* absent, or IPv6 */
}

/* ---- Entries -------------------------------------------------------------- */

/* Seconds since the epoch of an ISO 8601 date-time, FALSE if it is not one. */
static gboolean
entry_start(char *buf, jsmntok_t *entry, nstime_t *t)
{
    const char *s = get_str(buf, entry, "startedDateTime");

#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 1)
    const char *end = s ? iso8601_to_nstime(t, s, ISO8601_DATETIME_AUTO) : NULL;
    return end != NULL && *end == '\0';
#else
    return s && iso8601_to_nstime(t, s, ISO8601_DATETIME_AUTO) == strlen(s);
#endif
}

static void
time_plus_ms(nstime_t *t, double ms)
{
    nstime_t d;

    if (!(ms > 0) || ms > 1e12)
        return;
    nstime_set_zero(&d);
    d.secs = (time_t)(ms / 1000.0);
    d.nsecs = (int)((ms - (double)d.secs * 1000.0) * 1e6);
    nstime_add(t, &d);
}

/* One RFC 6455 5.2 frame (FIN set) around `data`; client frames masked with
 * a key derived from the connection's message count (deterministic). */
static GByteArray *
ws_frame(conn_t *c, gboolean from_client, guint8 opcode, const guint8 *data, gsize len)
{
    GByteArray *f = g_byte_array_sized_new((guint)len + 14);
    guint8 hdr[14];
    guint n = 0, i;
    guint8 key[4];

    hdr[n++] = (guint8)(0x80 | (opcode & 0x0f));
    if (len < 126) {
        hdr[n++] = (guint8)((from_client ? 0x80 : 0) | len);
    } else if (len <= 0xffff) {
        hdr[n++] = (guint8)((from_client ? 0x80 : 0) | 126);
        put16(hdr + n, (guint)len);
        n += 2;
    } else {
        hdr[n++] = (guint8)((from_client ? 0x80 : 0) | 127);
        put32(hdr + n, (guint32)((guint64)len >> 32));
        put32(hdr + n + 4, (guint32)len);
        n += 8;
    }
    if (from_client) {
        c->mask_counter++;
        key[0] = 0x5a;
        key[1] = (guint8)(c->mask_counter >> 16);
        key[2] = (guint8)(c->mask_counter >> 8);
        key[3] = (guint8)c->mask_counter;
        memcpy(hdr + n, key, 4);
        n += 4;
    }
    g_byte_array_append(f, hdr, n);
    g_byte_array_append(f, data, (guint)len);
    if (from_client) {
        for (i = 0; i < len; i++)
            f->data[n + i] ^= key[i & 3];
    }
    return f;
}

/* A WebSocket entry: upgrade, 101, then every message. */
static void
convert_websocket(har_result_t *res, char *buf, jsmntok_t *entry, jsmntok_t *end, guint index,
                  const nstime_t *start, GString *notes)
{
    jsmntok_t *req = json_get_object(buf, entry, "request");
    jsmntok_t *resp = json_get_object(buf, entry, "response");
    jsmntok_t *msgs = json_get_array(buf, entry, "_webSocketMessages");
    const char *url = get_str(buf, req, "url");
    double status = 101;
    GString *out = g_string_new(NULL);
    conn_t c;
    jsmntok_t *m;
    int i;
    char *path = url_path(url ? url : "");

    char *tls_note = url && g_str_has_prefix(url, "wss://") ?
                     g_strdup_printf("HAR entry %u: %s (TLS in the browser; plain TCP here)", index, url) : NULL;

    open_connection(&c, res, server_address(buf, entry), index, start,
                    g_strdup_printf("HAR entry %u: WebSocket %s", index, url ? url : "(no URL)"));
    /* The plugin reads this to know the session was encrypted (no
     * "password in clear" for a wss:// login): xmppws_over_tls(). */
    c.data_comment = tls_note;
    g_string_append_printf(out, "GET %s HTTP/1.1\r\n", path);
    append_headers(out, buf, req, end, TRUE);
    g_string_append(out, "\r\n");
    send_data(&c, TRUE, *start, (const guint8 *)out->str, out->len);
    g_string_truncate(out, 0);
    if (!get_num(buf, resp, "status", &status) || !(status >= 100 && status < 1000))
        status = 101;
    g_string_append_printf(out, "HTTP/1.1 %d %s\r\n", (int)status,
                           get_str(buf, resp, "statusText") ? get_str(buf, resp, "statusText") : "");
    append_headers(out, buf, resp, end, TRUE);
    g_string_append(out, "\r\n");
    send_data(&c, FALSE, *start, (const guint8 *)out->str, out->len);
    g_string_free(out, TRUE);
    g_free(path);
    res->websocket_entries++;
    if (!msgs) {
        g_free(tls_note);
        return;
    }
    m = msgs + 1;
    for (i = 0; i < msgs->size && m < end; i++, m = tok_skip(m, end)) {
        const char *type = get_str(buf, m, "type");
        const char *data = get_str(buf, m, "data");
        double when = 0, opcode = 1;
        gboolean from_client;
        GByteArray *frame;
        nstime_t ts;
        guint8 *raw = NULL;
        gsize raw_len;

        get_num(buf, m, "opcode", &opcode);
        if (!type || (strcmp(type, "send") != 0 && strcmp(type, "receive") != 0) || !data ||
            !get_num(buf, m, "time", &when) || !(when > 0 && when < 1e11) || (opcode != 1 && opcode != 2)) {
            /* DevTools "error" records, control frames, broken items */
            res->skipped++;
            continue;
        }
        from_client = strcmp(type, "send") == 0;
        ts.secs = (time_t)when;
        ts.nsecs = (int)((when - (double)ts.secs) * 1e9);
        if (opcode == 2) {
            raw = g_base64_decode(data, &raw_len);   /* DevTools keeps binary payloads in base64 */
            frame = ws_frame(&c, from_client, 2, raw, raw_len);
        } else {
            frame = ws_frame(&c, from_client, 1, (const guint8 *)data, strlen(data));
        }
        send_data(&c, from_client, ts, frame->data, frame->len);
        g_byte_array_free(frame, TRUE);
        g_free(raw);
        res->websocket_messages++;
    }
    g_free(tls_note);
    (void)notes;
}

/* Any other entry: one HTTP/1.1 request and its response. */
static void
convert_http(har_result_t *res, char *buf, jsmntok_t *entry, jsmntok_t *end, guint index, const nstime_t *start)
{
    jsmntok_t *req = json_get_object(buf, entry, "request");
    jsmntok_t *resp = json_get_object(buf, entry, "response");
    const char *url = get_str(buf, req, "url");
    const char *method = get_str(buf, req, "method");
    GString *out = g_string_new(NULL);
    double status = 0, total = 0;
    nstime_t t = *start;
    conn_t c;
    GBytes *body;
    char *path = url_path(url ? url : "");

    open_connection(&c, res, server_address(buf, entry), index, start,
                    g_strdup_printf("HAR entry %u: %s %s", index, method ? method : "GET", url ? url : "(no URL)"));
    g_string_append_printf(out, "%s %s HTTP/1.1\r\n", method && *method && !strpbrk(method, " \r\n") ? method : "GET",
                           path);
    append_headers(out, buf, req, end, FALSE);
    body = body_of(buf, req ? json_get_object(buf, req, "postData") : NULL);
    /* XMPP over BOSH (XEP-0124 7): a POST whose body names the httpbind
     * namespace; counted so that a HAR of a BOSH desktop is not refused
     * for holding no WebSocket message. The plugin's dissector decides
     * what is BOSH; this only counts. */
    if (body && g_bytes_get_size(body) < (1u << 24)) {
        gsize n = g_bytes_get_size(body);
        const char *data = (const char *)g_bytes_get_data(body, NULL);
        if (data && n >= 5 && memcmp(data, "<body", 5) == 0 &&
            g_strstr_len(data, (gssize)MIN(n, 2048), "http://jabber.org/protocol/httpbind"))
            res->bosh_requests++;
    }
    append_body(out, body);
    send_data(&c, TRUE, t, (const guint8 *)out->str, out->len);
    g_string_truncate(out, 0);
    get_num(buf, resp, "status", &status);
    if (status >= 100 && status < 1000) {
        get_num(buf, entry, "time", &total);
        time_plus_ms(&t, total);
        g_string_append_printf(out, "HTTP/1.1 %d %s\r\n", (int)status,
                               get_str(buf, resp, "statusText") ? get_str(buf, resp, "statusText") : "");
        append_headers(out, buf, resp, end, FALSE);
        append_body(out, body_of(buf, resp ? json_get_object(buf, resp, "content") : NULL));
        send_data(&c, FALSE, t, (const guint8 *)out->str, out->len);
    }
    g_string_free(out, TRUE);
    g_free(path);
    res->http_entries++;
}

static gint
packet_cmp(gconstpointer a, gconstpointer b)
{
    const har_packet_t *pa = *(const har_packet_t *const *)a, *pb = *(const har_packet_t *const *)b;

    return nstime_cmp(&pa->ts, &pb->ts);
}

static void
packet_free(gpointer p)
{
    har_packet_t *pkt = (har_packet_t *)p;

    g_free(pkt->data);
    g_free(pkt->comment);
    g_free(pkt);
}

void
har_result_free(har_result_t *r)
{
    if (!r)
        return;
    g_ptr_array_free(r->packets, TRUE);
    g_free(r->comment);
    g_free(r);
}

har_result_t *
har_convert(char *buf, gsize len, char **error)
{
    har_result_t *res;
    jsmntok_t *tokens, *end, *log, *entries, *e;
    int ntok, i;
    GString *notes = g_string_new(NULL);

    *error = NULL;
    /* json_parse() reads up to the first NUL (a NUL is not JSON anyway), and
     * with no token array it only checks and counts (json_validate() cannot
     * be used: Wireshark 4.0's gives up beyond a fixed number of tokens). */
    if (len == 0 || len > G_MAXINT || memchr(buf, '\0', len)) {
        *error = g_strdup("not a HAR file: the input is not valid JSON");
        g_string_free(notes, TRUE);
        return NULL;
    }
    ntok = json_parse(buf, NULL, 0);
    if (ntok <= 0 || (guint)ntok > MAX_TOKENS) {
        *error = g_strdup(ntok <= 0 ? "not a HAR file: the input is not valid JSON" : "HAR file too large");
        g_string_free(notes, TRUE);
        return NULL;
    }
    tokens = g_new0(jsmntok_t, ntok);
    if (json_parse(buf, tokens, (unsigned)ntok) != ntok || tokens[0].type != JSMN_OBJECT) {
        *error = g_strdup("not a HAR file: the top level is not a JSON object");
        g_free(tokens);
        g_string_free(notes, TRUE);
        return NULL;
    }
    end = tokens + ntok;
    log = json_get_object(buf, tokens, "log");
    entries = log ? json_get_array(buf, log, "entries") : NULL;
    if (!entries) {
        *error = g_strdup("not a HAR file: no log.entries array (HAR 1.2)");
        g_free(tokens);
        g_string_free(notes, TRUE);
        return NULL;
    }
    res = g_new0(har_result_t, 1);
    res->packets = g_ptr_array_new_with_free_func(packet_free);
    e = entries + 1;
    for (i = 0; i < entries->size && e < end; i++, e = tok_skip(e, end)) {
        const char *type;
        nstime_t start;

        if (e->type != JSMN_OBJECT || !entry_start(buf, e, &start)) {
            res->skipped++;
            continue;
        }
        type = get_str(buf, e, "_resourceType");
        if (type && strcmp(type, "websocket") == 0)
            convert_websocket(res, buf, e, end, (guint)i, &start, notes);
        else
            convert_http(res, buf, e, end, (guint)i, &start);
    }
    g_free(tokens);
    g_string_free(notes, TRUE);
    if (res->websocket_messages == 0 && res->bosh_requests == 0) {
        *error = g_strdup_printf("the HAR holds no WebSocket message and no BOSH request (%u WebSocket entries, "
                                 "%u other entries): save it from Chrome or Edge DevTools, Firefox's HAR export "
                                 "has no WebSocket messages", res->websocket_entries, res->http_entries);
        har_result_free(res);
        return NULL;
    }
    /* g_ptr_array_sort() is stable (GLib >= 2.32): packets of one time keep
     * their order, and each connection's times never go backwards. */
    g_ptr_array_sort(res->packets, packet_cmp);
    res->comment = g_strdup_printf(
        "Made from a HAR file by xmppws-har2pcapng: %u WebSocket entries with %u messages, %u HTTP entries, "
        "%u items skipped. Synthesized: IPv4/TCP (client 192.0.2.1, server serverIPAddress or 198.51.100.1, "
        "server port 80), TCP handshakes, WebSocket framing and client masks, HTTP/1.1 request and status "
        "lines. Removed: Sec-WebSocket-Extensions (messages are inflated), Content-Encoding, "
        "Transfer-Encoding, Content-Length (bodies are decoded; a new Content-Length is written). Not in a "
        "HAR: WebSocket Close and control frames, TCP ends.",
        res->websocket_entries, res->websocket_messages, res->http_entries, res->skipped);
    return res;
}
