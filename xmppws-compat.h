/* xmppws-compat.h
 * The one place where the plugin's source meets the differences between
 * the Wireshark releases it builds against: 4.0 (Debian 12), 4.2 (Ubuntu
 * 24.04; not built here), 4.4 (Debian 13) and 4.6 (Windows/macOS
 * installers, Debian sid). Everything is keyed on the version macros of
 * the installed <ws_version.h> (WIRESHARK_VERSION_MAJOR/MINOR), the way
 * out-of-tree plugins do it; dissection code uses the newest names and
 * types, and this header maps them back for older releases.
 *
 * What changed, and what this header gives the code instead:
 *  - 4.3/4.4: preference storage and heuristic dissector results are C99
 *    `bool` (gcc 14 rejects a `gboolean *` for a `bool *`):
 *    xmppws_pref_bool_t, xmppws_heur_ret_t.
 *  - 4.3/4.4: tvb_get_guint8()/tvb_find_guint8() became tvb_get_uint8()/
 *    tvb_find_uint8(): the new names, defined here for 4.0 and 4.2.
 *  - 4.6: get_data_source_tvb_by_name() became get_data_source_by_name() +
 *    get_data_source_tvb(): xmppws_data_source_tvb_by_name().
 *  - 4.6: dissector_try_string_new() became dissector_try_string_with_data():
 *    xmppws_try_string_no_layer().
 *  - 4.4: iso8601_to_nstime() returns the end pointer (4.0: the length
 *    used): xmppws_iso8601_to_nstime().
 *  - 4.6: the stat_tap_ui init callback returns bool (void before):
 *    XMPPWS_STAT_TAP_INIT_RET / XMPPWS_STAT_TAP_INIT_OK / _FAIL.
 *  - 4.2: the media_type table's data argument became media_content_info_t
 *    (epan/dissectors/packet-media-type.h; 4.0: http_message_info_t of
 *    packet-http.h, same first members): xmppws_media_info_t,
 *    XMPPWS_MEDIA_REQUEST / XMPPWS_MEDIA_RESPONSE. Keyed on the header.
 *  - 4.2: field_info's value became a pointer to an opaque fvalue_t (4.0: a
 *    member): XMPPWS_FI_VALUE(fi).
 *  - 4.6: ws_log_init() lost its program-name argument (test programs
 *    only): XMPPWS_LOG_INIT().
 *  - 4.6, for programs that embed libwireshark (the fuzz harness; only
 *    with XMPPWS_COMPAT_EMBEDDING defined): configuration_init(),
 *    proto_item_fill_label(), the record setup, epan_dissect_run() and
 *    wtap_dump() (the HAR converter).
 * Releases in between (4.1, 4.3, 4.5 development series) follow the
 * release that came out of them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_COMPAT_H
#define XMPPWS_COMPAT_H

#include <stdbool.h>

#include <string.h>

#include <ws_version.h>
#include <epan/packet.h>
#include <wsutil/nstime.h>

/* wsutil/plugins.h (4.2 and later; not installed by 4.0) defines
 * WS_PLUGIN_DESC_DISSECTOR, for plugin.c's plugin_describe(). */
#if defined(__has_include)
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif
#endif

/* What HTTP hands a dissector of its media_type table (the body's
 * container: request or response). */
#if defined(__has_include) && __has_include(<epan/dissectors/packet-media-type.h>)
#include <epan/dissectors/packet-media-type.h>
typedef media_content_info_t xmppws_media_info_t;
#define XMPPWS_MEDIA_REQUEST  MEDIA_CONTAINER_HTTP_REQUEST
#define XMPPWS_MEDIA_RESPONSE MEDIA_CONTAINER_HTTP_RESPONSE
#else
#include <epan/dissectors/packet-http.h>
typedef http_message_info_t xmppws_media_info_t;
#define XMPPWS_MEDIA_REQUEST  HTTP_REQUEST
#define XMPPWS_MEDIA_RESPONSE HTTP_RESPONSE
#endif

/* True when the Wireshark we build against is MAJOR.MINOR or newer. */
#define XMPPWS_WS_AT_LEAST(major, minor)                                               \
    (WIRESHARK_VERSION_MAJOR > (major) ||                                              \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* The fvalue_t of a field_info, for fvalue_get_*(). */
#if XMPPWS_WS_AT_LEAST(4, 1)
#define XMPPWS_FI_VALUE(fi) ((fi)->value)
#else
#define XMPPWS_FI_VALUE(fi) (&(fi)->value)
#endif

#if XMPPWS_WS_AT_LEAST(4, 3)
typedef bool xmppws_pref_bool_t;   /* what prefs_register_bool_preference() stores */
typedef bool xmppws_heur_ret_t;    /* what a heur_dissector_t returns */
#else
typedef gboolean xmppws_pref_bool_t;
typedef gboolean xmppws_heur_ret_t;
#define tvb_get_uint8  tvb_get_guint8
#define tvb_find_uint8 tvb_find_guint8
#endif

/* The tvb of this frame's data source called `name` ("Decrypted TLS", ...),
 * or NULL when the frame has none. */
static inline tvbuff_t *
xmppws_data_source_tvb_by_name(packet_info *pinfo, const char *name)
{
#if XMPPWS_WS_AT_LEAST(4, 5)
    struct data_source *src = get_data_source_by_name(pinfo, name);
    return src ? get_data_source_tvb(src) : NULL;
#else
    return get_data_source_tvb_by_name(pinfo, name);
#endif
}

/* Look `key` up in the string dissector table and call what is there
 * without listing its protocol among the frame's layers (add_proto_name
 * false); returns what the dissector returned, 0 when nothing is there.
 * 4.5 renamed dissector_try_string_new() to
 * dissector_try_string_with_data(). */
static inline int
xmppws_try_string_no_layer(dissector_table_t table, const char *key, tvbuff_t *tvb, packet_info *pinfo,
                           proto_tree *tree, void *data)
{
#if XMPPWS_WS_AT_LEAST(4, 5)
    return dissector_try_string_with_data(table, key, tvb, pinfo, tree, false, data);
#else
    return dissector_try_string_new(table, key, tvb, pinfo, tree, FALSE, data);
#endif
}

/* Parse an ISO 8601 date-time ("2026-11-21T10:15:00.000Z", RFC 3339) into
 * *t with wsutil's parser; TRUE only when the whole string is one.
 * iso8601_to_nstime() returned the characters used in 4.0 and returns the
 * end pointer in 4.4 and 4.6 (taken to be so from 4.1 on; 4.2 not built
 * here). */
static inline gboolean
xmppws_iso8601_to_nstime(nstime_t *t, const char *s)
{
#if XMPPWS_WS_AT_LEAST(4, 1)
    const char *end = iso8601_to_nstime(t, s, ISO8601_DATETIME_AUTO);
    return end != NULL && *end == '\0';
#else
    return iso8601_to_nstime(t, s, ISO8601_DATETIME_AUTO) == strlen(s);
#endif
}

/* A heuristic sub-dissector list with a name for Enabled Protocols: from
 * 4.4 on with a description (register_heur_dissector_list_with_description),
 * before without. */
static inline heur_dissector_list_t
xmppws_register_heur_list(const char *name, const char *ui_name, int proto)
{
#if XMPPWS_WS_AT_LEAST(4, 3)
    return register_heur_dissector_list_with_description(name, ui_name, proto);
#else
    (void)ui_name;
    return register_heur_dissector_list(name, proto);
#endif
}

/* stat_tap_ui init callbacks (epan/stat_tap_ui.h): bool from 4.5 on. */
#if XMPPWS_WS_AT_LEAST(4, 5)
#define XMPPWS_STAT_TAP_INIT_RET  bool
#define XMPPWS_STAT_TAP_INIT_OK   return true
#define XMPPWS_STAT_TAP_INIT_FAIL return false
#else
#define XMPPWS_STAT_TAP_INIT_RET  void
#define XMPPWS_STAT_TAP_INIT_OK   return
#define XMPPWS_STAT_TAP_INIT_FAIL return
#endif

/* wsutil/wslog.h: ws_log_init(program name, vcmdarg_err) until 4.4,
 * ws_log_init(vcmdarg_err) from 4.5 on. For test programs and the fuzz
 * harness, which embed libwireshark. */
#if XMPPWS_WS_AT_LEAST(4, 5)
#define XMPPWS_LOG_INIT(progname) ws_log_init(NULL)
#else
#define XMPPWS_LOG_INIT(progname) ws_log_init((progname), NULL)
#endif

/* ---- Embedding libwireshark (test programs and the fuzz harness) ---------
 * What a program that runs libwireshark itself (fuzz/fuzz-xmppws.c, test
 * programs) calls differently from one release to the next. Not used by the
 * dissector: only a file that defines XMPPWS_COMPAT_EMBEDDING before
 * including this header gets it. XMPPWS_LOG_INIT() above belongs here too. */
#ifdef XMPPWS_COMPAT_EMBEDDING

#include <string.h>

#include <epan/epan.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>

/* wsutil/filesystem.h: configuration_init(arg0, namespace name) until 4.4
 * (NULL: "Wireshark"), configuration_init(arg0) from 4.5 on. Returns NULL,
 * or an error message to g_free(). */
#if XMPPWS_WS_AT_LEAST(4, 5)
#define XMPPWS_CONFIGURATION_INIT(arg0) configuration_init(arg0)
#else
#define XMPPWS_CONFIGURATION_INIT(arg0) configuration_init((arg0), NULL)
#endif

/* epan/proto.h: proto_item_fill_label(finfo, label) until 4.4; 4.5 added a
 * third argument, where the value starts in the label (NULL: not wanted). */
#if XMPPWS_WS_AT_LEAST(4, 5)
#define XMPPWS_ITEM_FILL_LABEL(finfo, label) proto_item_fill_label((finfo), (label), NULL)
#else
#define XMPPWS_ITEM_FILL_LABEL(finfo, label) proto_item_fill_label((finfo), (label))
#endif

/* wiretap/wtap.h: a zeroed wtap_rec for one packet of encapsulation `encap`.
 * From 4.5 on a record also names its type (rec_type_name, the name of the
 * frame's data source), set by wtap_setup_packet_rec(). No buffer is
 * allocated: nothing to clean up. */
static inline void
xmppws_rec_init_packet(wtap_rec *rec, int encap)
{
    memset(rec, 0, sizeof *rec);
#if XMPPWS_WS_AT_LEAST(4, 5)
    wtap_setup_packet_rec(rec, encap);
#else
    rec->rec_type = REC_TYPE_PACKET;
    rec->rec_header.packet_header.pkt_encap = encap;
#endif
}

/* epan/epan.h: dissect one frame of `len` bytes at `data`. Until 4.4
 * epan_dissect_run() takes the bytes as a tvb (which edt frees); from 4.5
 * on it reads them from the record's Buffer rec->data and makes its tvb
 * over that buffer without copying. Either way the dissectors see the
 * caller's bytes in place, so an exact-size heap copy stays exact for
 * AddressSanitizer: on 4.5 and later the Buffer is pointed at them for the
 * call (the dissectors never write the record) and then restored. `data`
 * must live until epan_dissect_reset(edt). With `taps`, the frame's tap
 * records go to the registered listeners (epan_dissect_run_with_taps()). */
static inline void
xmppws_epan_dissect_run(epan_dissect_t *edt, int file_type_subtype, wtap_rec *rec, const uint8_t *data,
                        unsigned len, frame_data *fd, column_info *cinfo, bool taps)
{
#if XMPPWS_WS_AT_LEAST(4, 5)
    Buffer saved = rec->data;

    rec->data.data = (uint8_t *)data;
    rec->data.allocated = len;
    rec->data.start = 0;
    rec->data.first_free = len;
    if (taps)
        epan_dissect_run_with_taps(edt, file_type_subtype, rec, fd, cinfo);
    else
        epan_dissect_run(edt, file_type_subtype, rec, fd, cinfo);
    rec->data = saved;
#else
    if (taps)
        epan_dissect_run_with_taps(edt, file_type_subtype, rec, tvb_new_real_data(data, len, len), fd, cinfo);
    else
        epan_dissect_run(edt, file_type_subtype, rec, tvb_new_real_data(data, len, len), fd, cinfo);
#endif
}

/* wiretap/wtap.h: write one record holding `len` bytes at `data`. Until
 * 4.4 wtap_dump() takes the bytes as an argument; from 4.5 on it reads them
 * from the record's Buffer rec->data, which is pointed at them for the call
 * and restored. */
static inline bool
xmppws_wtap_dump(wtap_dumper *pdh, wtap_rec *rec, const uint8_t *data, unsigned len, int *err, gchar **err_info)
{
#if XMPPWS_WS_AT_LEAST(4, 5)
    Buffer saved = rec->data;
    bool ok;

    rec->data.data = (uint8_t *)data;
    rec->data.allocated = len;
    rec->data.start = 0;
    rec->data.first_free = len;
    ok = wtap_dump(pdh, rec, err, err_info);
    rec->data = saved;
    return ok;
#else
    (void)len;
    return wtap_dump(pdh, rec, data, err, err_info);
#endif
}

#endif /* XMPPWS_COMPAT_EMBEDDING */

#endif /* XMPPWS_COMPAT_H */
