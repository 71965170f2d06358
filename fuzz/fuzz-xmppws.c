/* fuzz-xmppws.c
 * libFuzzer target for the "xmppws" dissector (XMPP over WebSocket, RFC
 * 7395) and the "finesse" dissector behind it, through libwireshark the way
 * tshark reaches them: WebSocket hands the dissector one message at a time.
 *
 * Build: the top-level CMake option ENABLE_FUZZER (on in the ASan build when
 * clang is found), or by hand, see fuzz/README.md. Run:
 *   build-asan/fuzz/fuzz-xmppws -dict=fuzz/xmpp.dict CORPUS_DIR fuzz/corpus
 *   build-asan/fuzz/fuzz-xmppws crash-file...     (replay inputs once each)
 *
 * The plugin's object files are linked into this program and registered with
 * plugin_register() before epan_init(), so no plugin is loaded from disk (and
 * running as root is fine). Only the plugin's sources are instrumented for
 * coverage; libwireshark is Debian's: 4.0, 4.4 or 4.6. What the embedding
 * API changed between those is in xmppws-compat.h ("Embedding
 * libwireshark"); this file has no version test of its own.
 *
 * Input format. An input is one WebSocket message (the unmasked payload, as
 * WebSocket passes it), or a session of several: the two-byte marker NUL +
 * one letter starts the next message and says how it arrives:
 *   "\0c"  client to server, handed to the "xmppws" dissector (as ws.protocol
 *          "xmpp" does)
 *   "\0s"  server to client, the same way
 *   "\0C"  client to server, offered to WebSocket's "ws" heuristic list
 *   "\0S"  server to client, the same way
 *   "\0b"  an HTTP request body, handed to the "xmppws_http_xml" dissector
 *          as HTTP's media_type table does for text/xml (XMPP over BOSH,
 *          XEP-0124/0206, or any other XML body)
 *   "\0B"  an HTTP response body, the same way
 * Bytes before the first marker are a client-to-server message. Each message
 * is one frame of a fresh TCP connection (new port per input), in a copy of
 * its own so AddressSanitizer sees reads past its end. The session is
 * dissected twice, like tshark -2: a first pass without a tree, then a
 * second pass with the full tree and the columns, whose labels are all
 * formatted (as -V prints them).
 *
 * The epan session is renewed every RESET_EVERY inputs, which frees the
 * file-scope memory (conversations) the previous inputs left. That memory
 * outlives each input, so libFuzzer's per-input leak check would run a full
 * LeakSanitizer scan after every input (15 exec/s instead of thousands):
 * -detect_leaks=0 is added to the arguments unless -detect_leaks is given.
 * Leaks are checked with valgrind on tshark instead (bench/leaks.sh).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/column.h>
#include <epan/column-info.h>
#include <epan/conversation_table.h>
#include <epan/follow.h>
#include <epan/tap.h>
#include <epan/timestamp.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/wslog.h>

#define XMPPWS_COMPAT_EMBEDDING   /* the embedding section of xmppws-compat.h */
#include "xmppws-compat.h"

#define MAX_MESSAGES  256        /* messages of one input; the rest is ignored */
#define RESET_EVERY   20000      /* inputs between two epan sessions */
#define SERVER_PORT   5280
#define FIRST_PORT    1024

/* libFuzzer's entry points (no header: clang's runtime provides main). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

/* The plugin's entry point (plugin.c). */
void plugin_register(void);

/* How one message reaches the dissector. */
typedef struct {
    const guint8 *data;
    guint         len;
    gboolean      from_server;
    gboolean      heuristic;
    gboolean      bosh;          /* an HTTP body for the media_type handle */
} fuzz_msg_t;

static epan_t *fuzz_epan;
static epan_dissect_t *edt_pass1;    /* no tree: tshark's first pass */
static epan_dissect_t *edt_pass2;    /* visible tree: tshark -V */
static column_info fuzz_cinfo;
static guint inputs;                 /* inputs since the epan session began */

/* The current input's messages; the shim dissector reads them by frame number. */
static fuzz_msg_t msgs[MAX_MESSAGES];
static guint n_msgs;
static nstime_t frame_ts[MAX_MESSAGES + 1];
static guint16 client_port;

static int proto_fuzzshim = -1;
static dissector_handle_t xmppws_handle;
static dissector_handle_t bosh_handle;
static heur_dissector_list_t ws_heur_list;

static const guint8 client_ip[4] = { 192, 0, 2, 10 };
static const guint8 server_ip[4] = { 192, 0, 2, 20 };

/* ---- The shim: what WebSocket would have done -------------------------- */

/* Frame dissector for WTAP_ENCAP_USER0 in this program: the frame is one
 * WebSocket message; give it the TCP endpoints of its direction and hand it
 * to xmppws (by handle or through the "ws" heuristics). */
static int
dissect_fuzzshim(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const fuzz_msg_t *m;
    heur_dtbl_entry_t *hdtbl_entry;

    if (pinfo->num == 0 || pinfo->num > n_msgs)
        return 0;
    m = &msgs[pinfo->num - 1];
    if (m->from_server) {
        set_address(&pinfo->src, AT_IPv4, 4, server_ip);
        set_address(&pinfo->dst, AT_IPv4, 4, client_ip);
        pinfo->srcport = SERVER_PORT;
        pinfo->destport = client_port;
    } else {
        set_address(&pinfo->src, AT_IPv4, 4, client_ip);
        set_address(&pinfo->dst, AT_IPv4, 4, server_ip);
        pinfo->srcport = client_port;
        pinfo->destport = SERVER_PORT;
    }
    copy_address_shallow(&pinfo->net_src, &pinfo->src);
    copy_address_shallow(&pinfo->net_dst, &pinfo->dst);
    pinfo->ptype = PT_TCP;

    if (m->bosh) {
        xmppws_media_info_t info;

        memset(&info, 0, sizeof info);
        info.type = m->from_server ? XMPPWS_MEDIA_RESPONSE : XMPPWS_MEDIA_REQUEST;
        info.media_str = "text/xml; charset=utf-8";
        return call_dissector_only(bosh_handle, tvb, pinfo, tree, &info);
    }
    if (m->heuristic) {
        if (!dissector_try_heuristic(ws_heur_list, tvb, pinfo, tree, &hdtbl_entry, NULL))
            return 0;
        return tvb_captured_length(tvb);
    }
    return call_dissector_only(xmppws_handle, tvb, pinfo, tree, NULL);
}

static void
proto_register_fuzzshim(void)
{
    proto_fuzzshim = proto_register_protocol("xmppws fuzzing shim", "xmppws-fuzz", "xmppws_fuzz");
}

static void
proto_reg_handoff_fuzzshim(void)
{
    dissector_handle_t shim = create_dissector_handle(dissect_fuzzshim, proto_fuzzshim);

    /* After the built-in user_dlt handoff: this replaces it for USER0. */
    dissector_add_uint("wtap_encap", WTAP_ENCAP_USER0, shim);
}

/* ---- epan session -------------------------------------------------------- */

static const nstime_t *
fuzz_get_frame_ts(struct packet_provider_data *prov _U_, guint32 frame_num)
{
    static const nstime_t zero;

    if (frame_num == 0 || frame_num > n_msgs)
        return &zero;
    return &frame_ts[frame_num];
}

static void
session_new(void)
{
    /* Designated: 4.5 added members (the process information callbacks). */
    static const struct packet_provider_funcs funcs = { .get_frame_ts = fuzz_get_frame_ts };

    fuzz_epan = epan_new(NULL, &funcs);
    edt_pass1 = epan_dissect_new(fuzz_epan, FALSE, FALSE);
    edt_pass2 = epan_dissect_new(fuzz_epan, TRUE, TRUE);
    inputs = 0;
}

/* The second pass runs with taps: Follow XMPP Stream (xmppws-follow.c) and
 * Conversations/Endpoints (xmppws-conv.c) get every input's units, as when
 * a user follows a stream or opens the statistics on a hostile capture.
 * What they gather is dropped after each input. */
static follow_info_t fuzz_follow;
static conv_hash_t fuzz_conv, fuzz_endpoints;

static void
taps_register(void)
{
    register_follow_t *follower = get_follow_by_name("XMPP/WS");
    register_ct_t *table = get_conversation_by_proto_id(proto_get_id_by_filter_name("xmppws"));
    GString *err;

    if (!follower)
        follower = get_follow_by_name("xmppws");
    if (!follower || !table) {
        fprintf(stderr, "fuzz-xmppws: no xmppws follower or conversation table\n");
        exit(2);
    }
    err = register_tap_listener(get_follow_tap_string(follower), &fuzz_follow, NULL, 0, NULL,
                                get_follow_tap_handler(follower), NULL, NULL);
    if (!err)
        err = register_tap_listener("xmppws", &fuzz_conv, NULL, 0, NULL, get_conversation_packet_func(table), NULL,
                                    NULL);
    if (!err)
        err = register_tap_listener("xmppws", &fuzz_endpoints, NULL, 0, NULL, get_endpoint_packet_func(table), NULL,
                                    NULL);
    if (err) {
        fprintf(stderr, "fuzz-xmppws: %s\n", err->str);
        exit(2);
    }
}

static void
taps_reset(void)
{
    GList *cur;

    /* follow_reset_stream() frees the records and addresses from 4.4 on,
     * not on 4.0: freed here, for every version */
    for (cur = fuzz_follow.payload; cur; cur = g_list_next(cur)) {
        follow_record_t *r = (follow_record_t *)cur->data;
        g_byte_array_free(r->data, TRUE);
        g_free(r);
    }
    g_list_free(fuzz_follow.payload);
    fuzz_follow.payload = NULL;
    free_address(&fuzz_follow.client_ip);
    free_address(&fuzz_follow.server_ip);
    follow_reset_stream(&fuzz_follow);
    reset_conversation_table_data(&fuzz_conv);
    reset_endpoint_table_data(&fuzz_endpoints);
}

static void
session_free(void)
{
    epan_dissect_free(edt_pass1);
    epan_dissect_free(edt_pass2);
    epan_free(fuzz_epan);
}

/* Format every label, as tshark -V does when it prints the tree. */
static void
fill_labels(proto_node *node, gpointer data)
{
    char *label = (char *)data;

    if (PNODE_FINFO(node))
        XMPPWS_ITEM_FILL_LABEL(PNODE_FINFO(node), label);
    proto_tree_children_foreach(node, fill_labels, data);
}

static void
split_input(const guint8 *data, size_t size)
{
    size_t i, start = 0;
    gboolean from_server = FALSE, heuristic = FALSE, bosh = FALSE;

    n_msgs = 0;
    for (i = 0; i <= size && n_msgs < MAX_MESSAGES; i++) {
        gboolean marker = i + 1 < size && data[i] == 0 &&
                          (data[i + 1] == 'c' || data[i + 1] == 's' || data[i + 1] == 'C' || data[i + 1] == 'S' ||
                           data[i + 1] == 'b' || data[i + 1] == 'B');
        if (!marker && i < size)
            continue;
        /* An empty message before the first marker is no message; an empty
         * one after a marker is an empty WebSocket message. */
        if (i > start || start > 0) {
            msgs[n_msgs].data = data + start;
            msgs[n_msgs].len = (guint)(i - start);
            msgs[n_msgs].from_server = from_server;
            msgs[n_msgs].heuristic = heuristic;
            msgs[n_msgs].bosh = bosh;
            n_msgs++;
        }
        if (marker) {
            from_server = data[i + 1] == 's' || data[i + 1] == 'S' || data[i + 1] == 'B';
            heuristic = data[i + 1] == 'C' || data[i + 1] == 'S';
            bosh = data[i + 1] == 'b' || data[i + 1] == 'B';
            start = i + 2;
            i++;
        }
    }
}

/* Add -detect_leaks=0 to libFuzzer's arguments unless the caller chose. */
static void
default_arguments(int *argc, char ***argv)
{
    static char no_leaks[] = "-detect_leaks=0";
    static char **args;    /* kept reachable for the life of the process */
    int i;

    for (i = 0; i < *argc; i++) {
        if (strncmp((*argv)[i], "-detect_leaks=", 14) == 0)
            return;
    }
    args = g_new0(char *, *argc + 2);
    for (i = 0; i < *argc; i++)
        args[i] = (*argv)[i];
    args[i++] = no_leaks;
    *argc = i;
    *argv = args;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char *err;
    e_prefs *prefs_p;
    dissector_handle_t installed;

    /* No personal preferences or plugins; fuzz-friendly allocators; every
     * dissector bug (DISSECTOR_ASSERT, wrong field type, ...) aborts. */
    default_arguments(argc, argv);

    g_setenv("XDG_CONFIG_HOME", "/nonexistent/xmppws-fuzz", TRUE);
    g_setenv("XDG_CACHE_HOME", "/nonexistent/xmppws-fuzz", TRUE);
    g_setenv("XDG_DATA_HOME", "/nonexistent/xmppws-fuzz", TRUE);
    g_setenv("WIRESHARK_DEBUG_WMEM_OVERRIDE", "simple", TRUE);
    g_setenv("G_SLICE", "always-malloc", TRUE);
    g_setenv("WIRESHARK_ABORT_ON_DISSECTOR_BUG", "1", TRUE);
    g_setenv("WIRESHARK_ABORT_ON_TOO_MANY_ITEMS", "1", TRUE);

    XMPPWS_LOG_INIT("fuzz-xmppws");
    ws_log_set_level(LOG_LEVEL_CRITICAL);
    init_process_policies();
    err = XMPPWS_CONFIGURATION_INIT((*argv)[0]);
    if (err) {
        fprintf(stderr, "fuzz-xmppws: %s\n", err);
        g_free(err);
    }
    timestamp_set_type(TS_RELATIVE);
    timestamp_set_precision(TS_PREC_AUTO);
    timestamp_set_seconds_type(TS_SECONDS_DEFAULT);

    wtap_init(FALSE);
    plugin_register();
    {
        static proto_plugin shim;
        shim.register_protoinfo = proto_register_fuzzshim;
        shim.register_handoff = proto_reg_handoff_fuzzshim;
        proto_register_plugin(&shim);
    }
    if (!epan_init(NULL, NULL, FALSE)) {
        fprintf(stderr, "fuzz-xmppws: epan_init failed\n");
        exit(2);
    }
    prefs_p = epan_load_settings();
    build_column_format_array(&fuzz_cinfo, prefs_p->num_cols, TRUE);

    xmppws_handle = find_dissector("xmppws");
    bosh_handle = find_dissector("xmppws_http_xml");
    ws_heur_list = find_heur_dissector_list("ws");
    installed = dissector_get_uint_handle(find_dissector_table("wtap_encap"), WTAP_ENCAP_USER0);
    if (!xmppws_handle || !bosh_handle || !ws_heur_list || !installed ||
        dissector_handle_get_protocol_index(installed) != proto_fuzzshim) {
        fprintf(stderr, "fuzz-xmppws: xmppws dissector, ws heuristics or the shim not registered\n");
        exit(2);
    }
    session_new();
    taps_register();
    return 0;
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
    static char label[ITEM_LABEL_LENGTH];
    guint8 *copies[MAX_MESSAGES];
    frame_data fds[MAX_MESSAGES];
    wtap_rec rec;
    guint i;
    int pass;

    if (inputs >= RESET_EVERY) {
        session_free();
        session_new();
    }
    client_port = (guint16)(FIRST_PORT + inputs++);

    split_input(data, size);
    xmppws_rec_init_packet(&rec, WTAP_ENCAP_USER0);
    rec.presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
    for (i = 0; i < n_msgs; i++) {
        /* An exact-size heap copy: reads past the message are caught. */
        copies[i] = (guint8 *)g_malloc(msgs[i].len ? msgs[i].len : 1);
        if (msgs[i].len)
            memcpy(copies[i], msgs[i].data, msgs[i].len);
        frame_ts[i + 1].secs = 1795256100 + i / 1000;
        frame_ts[i + 1].nsecs = (int)(i % 1000) * 1000000;
        rec.ts = frame_ts[i + 1];
        rec.rec_header.packet_header.caplen = msgs[i].len;
        rec.rec_header.packet_header.len = msgs[i].len;
        frame_data_init(&fds[i], i + 1, &rec, 0, 0);
    }

    for (pass = 1; pass <= 2; pass++) {
        epan_dissect_t *edt = pass == 1 ? edt_pass1 : edt_pass2;
        for (i = 0; i < n_msgs; i++) {
            rec.ts = frame_ts[i + 1];
            rec.rec_header.packet_header.caplen = msgs[i].len;
            rec.rec_header.packet_header.len = msgs[i].len;
            xmppws_epan_dissect_run(edt, WTAP_FILE_TYPE_SUBTYPE_UNKNOWN, &rec, copies[i], msgs[i].len, &fds[i],
                                    pass == 2 ? &fuzz_cinfo : NULL, pass == 2);
            if (pass == 2) {
                proto_tree_children_foreach(edt->tree, fill_labels, label);
                epan_dissect_fill_in_columns(edt, FALSE, TRUE);
            }
            epan_dissect_reset(edt);
        }
    }

    for (i = 0; i < n_msgs; i++) {
        frame_data_destroy(&fds[i]);
        g_free(copies[i]);
    }
    taps_reset();
    return 0;
}
