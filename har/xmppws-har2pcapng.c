/* xmppws-har2pcapng.c
 * xmppws-har2pcapng IN.har OUT.pcapng: a HAR file saved by Chrome or Edge
 * DevTools, with its WebSocket messages, as a pcapng that Wireshark
 * dissects through its normal path (TCP, HTTP upgrade, WebSocket, then
 * the plugin). The conversion is har.c's; the file is written by Wireshark's
 * own wiretap (pcapng, link type raw IPv4), with the HAR's provenance and
 * what was synthesized in the section header's comment.
 *
 * Exit status: 0 written; 1 usage or I/O error; 2 not a HAR (not JSON, no
 * log.entries); 3 a HAR without WebSocket messages (Firefox).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <wiretap/wtap.h>
#include <wsutil/wslog.h>

#define XMPPWS_COMPAT_EMBEDDING
#include "../xmppws-compat.h"
#include "har.h"

static int
write_pcapng(const char *path, const har_result_t *res)
{
    wtap_dump_params params;
    wtap_dumper *pdh;
    wtap_block_t shb;
    GArray *shbs;
    int err = 0;
    gchar *err_info = NULL;
    guint i;

    memset(&params, 0, sizeof params);
    params.encap = WTAP_ENCAP_RAW_IP;
    params.snaplen = WTAP_MAX_PACKET_SIZE_STANDARD;
    params.tsprec = WTAP_TSPREC_NSEC;
    shb = wtap_block_create(WTAP_BLOCK_SECTION);
    wtap_block_add_string_option(shb, OPT_COMMENT, res->comment, strlen(res->comment));
    shbs = g_array_new(FALSE, FALSE, sizeof(wtap_block_t));
    g_array_append_val(shbs, shb);
    params.shb_hdrs = shbs;
    pdh = wtap_dump_open(path, wtap_pcapng_file_type_subtype(), WTAP_UNCOMPRESSED, &params, &err, &err_info);
    if (!pdh) {
        fprintf(stderr, "xmppws-har2pcapng: cannot write %s: %s\n", path, err_info ? err_info : wtap_strerror(err));
        g_free(err_info);
        return 1;
    }
    for (i = 0; i < res->packets->len; i++) {
        const har_packet_t *pkt = (const har_packet_t *)g_ptr_array_index(res->packets, i);
        wtap_rec rec;

        xmppws_rec_init_packet(&rec, WTAP_ENCAP_RAW_IP);
        rec.presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
        rec.ts = pkt->ts;
        rec.tsprec = WTAP_TSPREC_NSEC;
        rec.rec_header.packet_header.caplen = pkt->len;
        rec.rec_header.packet_header.len = pkt->len;
        if (pkt->comment) {
            rec.block = wtap_block_create(WTAP_BLOCK_PACKET);
            wtap_block_add_string_option(rec.block, OPT_COMMENT, pkt->comment, strlen(pkt->comment));
        }
        if (!xmppws_wtap_dump(pdh, &rec, pkt->data, pkt->len, &err, &err_info)) {
            fprintf(stderr, "xmppws-har2pcapng: cannot write %s: %s\n", path,
                    err_info ? err_info : wtap_strerror(err));
            g_free(err_info);
            if (rec.block)
                wtap_block_unref(rec.block);
            wtap_dump_close(pdh, NULL, &err, &err_info);
            return 1;
        }
        if (rec.block)
            wtap_block_unref(rec.block);
    }
    if (!wtap_dump_close(pdh, NULL, &err, &err_info)) {
        fprintf(stderr, "xmppws-har2pcapng: cannot write %s: %s\n", path, err_info ? err_info : wtap_strerror(err));
        g_free(err_info);
        return 1;
    }
    wtap_block_unref(shb);
    g_array_free(shbs, TRUE);
    return 0;
}

int
main(int argc, char **argv)
{
    gchar *buf = NULL;
    gsize len = 0;
    GError *gerr = NULL;
    char *error = NULL;
    har_result_t *res;
    int status;

    if (argc != 3 || strcmp(argv[1], "--help") == 0) {
        fprintf(stderr, "usage: xmppws-har2pcapng IN.har OUT.pcapng\n"
                        "Converts a HAR file saved by Chrome or Edge DevTools (with its WebSocket messages)\n"
                        "into a pcapng that Wireshark dissects like a capture.\n");
        return 1;
    }
    XMPPWS_LOG_INIT(argv[0]);
    ws_log_set_level(g_getenv("XMPPWS_HAR_DEBUG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARNING);   /* wsjson explains refusals at debug level */
    if (!g_file_get_contents(argv[1], &buf, &len, &gerr)) {
        fprintf(stderr, "xmppws-har2pcapng: %s\n", gerr->message);
        g_error_free(gerr);
        return 1;
    }
    res = har_convert(buf, len, &error);
    g_free(buf);
    if (!res) {
        fprintf(stderr, "xmppws-har2pcapng: %s: %s\n", argv[1], error);
        status = strstr(error, "no WebSocket message") ? 3 : 2;
        g_free(error);
        return status;
    }
    wtap_init(FALSE);
    status = write_pcapng(argv[2], res);
    if (status == 0)
        printf("%s: %u WebSocket messages in %u WebSocket connections, %u HTTP exchanges (%u BOSH requests), "
               "%u packets\n", argv[2], res->websocket_messages, res->websocket_entries, res->http_entries,
               res->bosh_requests, res->packets->len);
    har_result_free(res);
    wtap_cleanup();
    return status;
}
