/* wiretap-har.c
 * A wiretap plugin (file type "har"): Wireshark and tshark open a HAR file
 * saved by Chrome or Edge DevTools directly (File > Open, tshark -r x.har),
 * with the packets xmppws-har2pcapng would write (har/har.c, shared). Built
 * only where Wireshark installs wiretap/wtap_module.h (4.6 and later);
 * elsewhere the converter is the way (README).
 *
 * The whole file is read and converted at open (HAR is one JSON document);
 * records are then served from memory, in time order, the record index as
 * the seek offset. A file that is not a HAR is "not mine" (the other
 * readers get it); a HAR without WebSocket messages is refused with the
 * converter's message, so that the user learns why.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>
#include <ws_version.h>
#include <ws_symbol_export.h>
#include <wsutil/plugins.h>
#include <wiretap/wtap.h>
#include <wiretap/wtap_module.h>
#include <wiretap/file_wrappers.h>

#include "har.h"

#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION "0.0.0"
#endif

#define HAR_MAX_FILE (512 * 1024 * 1024)   /* bytes read at most */

WS_DLL_PUBLIC_DEF const char plugin_version[] = PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
WS_DLL_PUBLIC uint32_t plugin_describe(void);

static int har_file_type_subtype = -1;

typedef struct {
    har_result_t *res;
    guint next;
} har_state_t;

static bool
har_fill(wtap_rec *rec, const har_packet_t *pkt)
{
    wtap_setup_packet_rec(rec, WTAP_ENCAP_RAW_IP);
    rec->presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
    rec->ts = pkt->ts;
    rec->tsprec = WTAP_TSPREC_NSEC;
    rec->rec_header.packet_header.caplen = pkt->len;
    rec->rec_header.packet_header.len = pkt->len;
    ws_buffer_clean(&rec->data);
    ws_buffer_append(&rec->data, pkt->data, pkt->len);
    if (pkt->comment) {
        if (!rec->block)
            rec->block = wtap_block_create(WTAP_BLOCK_PACKET);
        wtap_block_add_string_option(rec->block, OPT_COMMENT, pkt->comment, strlen(pkt->comment));
    }
    return true;
}

static bool
har_read(wtap *wth, wtap_rec *rec, int *err, char **err_info _U_, int64_t *data_offset)
{
    har_state_t *st = (har_state_t *)wth->priv;

    if (st->next >= st->res->packets->len) {
        *err = 0;
        return false;
    }
    *data_offset = st->next;
    return har_fill(rec, (const har_packet_t *)g_ptr_array_index(st->res->packets, st->next++));
}

static bool
har_seek_read(wtap *wth, int64_t seek_off, wtap_rec *rec, int *err, char **err_info)
{
    har_state_t *st = (har_state_t *)wth->priv;

    if (seek_off < 0 || (guint64)seek_off >= st->res->packets->len) {
        *err = WTAP_ERR_BAD_FILE;
        *err_info = g_strdup("har: no such record");
        return false;
    }
    return har_fill(rec, (const har_packet_t *)g_ptr_array_index(st->res->packets, (guint)seek_off));
}

static void
har_close(wtap *wth)
{
    har_state_t *st = (har_state_t *)wth->priv;

    har_result_free(st->res);
    st->res = NULL;
}

static wtap_open_return_val
har_open(wtap *wth, int *err, char **err_info)
{
    char head[512];
    int n = file_read(head, sizeof head - 1, wth->fh);
    int64_t size;
    char *buf, *error = NULL;
    har_result_t *res;
    har_state_t *st;

    if (n <= 0)
        return WTAP_OPEN_NOT_MINE;
    head[n] = '\0';
    /* A HAR is a JSON object whose first key, as browsers write it, is "log". */
    if (!g_str_has_prefix(g_strchug(head), "{") || !strstr(head, "\"log\""))
        return WTAP_OPEN_NOT_MINE;
    size = wtap_file_size(wth, err);
    if (size <= 0 || size > HAR_MAX_FILE)
        return WTAP_OPEN_NOT_MINE;
    if (file_seek(wth->fh, 0, SEEK_SET, err) == -1)
        return WTAP_OPEN_ERROR;
    buf = g_malloc((gsize)size + 1);
    if (file_read(buf, (unsigned)size, wth->fh) != (int)size) {
        g_free(buf);
        return WTAP_OPEN_NOT_MINE;
    }
    buf[size] = '\0';
    res = har_convert(buf, (gsize)size, &error);
    g_free(buf);
    if (!res) {
        if (strstr(error, "not a HAR file")) {
            g_free(error);
            return WTAP_OPEN_NOT_MINE;
        }
        *err = WTAP_ERR_BAD_FILE;
        *err_info = error;
        return WTAP_OPEN_ERROR;
    }
    st = g_new0(har_state_t, 1);
    st->res = res;
    wth->priv = st;
    wth->file_type_subtype = har_file_type_subtype;
    wth->file_encap = WTAP_ENCAP_RAW_IP;
    wth->file_tsprec = WTAP_TSPREC_NSEC;
    wth->snapshot_length = 0;
    wth->subtype_read = har_read;
    wth->subtype_seek_read = har_seek_read;
    wth->subtype_close = har_close;
    wtap_add_generated_idb(wth);
    return WTAP_OPEN_MINE;
}

static const struct supported_block_type har_blocks[] = {
    { WTAP_BLOCK_PACKET, MULTIPLE_BLOCKS_SUPPORTED, NO_OPTIONS_SUPPORTED },
};

static const struct file_type_subtype_info har_info = {
    "HAR (HTTP Archive) with WebSocket messages", "har", "har", NULL, false, BLOCKS_SUPPORTED(har_blocks),
    NULL, NULL, NULL,
};

static void
register_har(void)
{
    struct open_info oi = { "HAR (HTTP Archive)", OPEN_INFO_HEURISTIC, har_open, "har", NULL, NULL };

    wtap_register_open_info(&oi, false);
    har_file_type_subtype = wtap_register_file_type_subtype(&har_info);
}

void
plugin_register(void)
{
    static wtap_plugin plug = { register_har };

    wtap_register_plugin(&plug);
}

uint32_t
plugin_describe(void)
{
    return WS_PLUGIN_DESC_FILE_TYPE;
}
