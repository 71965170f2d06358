/* finesse-rest.h
 * Finesse REST calls and the notifications they cause (finesse-rest.c).
 * The desktop changes an agent's state with a REST request
 * (PUT /finesse/api/User/<id>, an XML <User> body) carrying a "requestId"
 * header; Finesse answers 202 and later publishes the outcome as an
 * <Update> whose <requestId> is the same value (Cisco Finesse Web Services:
 * notifications, "requestId"). This module keeps the calls (file scope,
 * first pass, keyed by requestId and by request frame), links each
 * notification to its request across connections and transports, and shows
 * the links, latencies and the expert infos of the failure modes. The
 * documents themselves are decoded by packet-finesse.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FINESSE_REST_H
#define FINESSE_REST_H

#include <epan/packet.h>
#include <epan/prefs.h>

#include "xmppws.h"

/* TRUE when `uri` is a Finesse REST resource: its path starts with
 * /finesse/api/ (Cisco Finesse Web Services). */
gboolean finesse_rest_is_api(const char *uri);

/* What a decoded REST body or notification says (NULL when absent). */
typedef struct finesse_rest_doc {
    const char *user_id;        /* User loginId (or loginName) */
    const char *state;          /* User state */
    const char *reason;         /* reasonCodeId, or ReasonCode/code */
    const char *error_type;     /* first ApiError's ErrorType */
    const char *error_message;  /* first ApiError's ErrorMessage */
} finesse_rest_doc_t;

/* First pass: when HTTP message `m` belongs to the REST API (a request
 * whose URI is under /finesse/api/, or the response to such a request),
 * record it (the call, or the call's response and status) and return TRUE.
 * Later passes: TRUE when the first pass recorded the frame. */
gboolean finesse_rest_claim(packet_info *pinfo, const xmppws_http_message_t *m);

/* A claimed HTTP message of the REST API (doc: its decoded body, NULL
 * without a body; first pass: a request's body tells what state it asks
 * for). Adds the finesse.rest.* items under `tree` (the finesse item's
 * subtree) and the expert infos, and appends " REST PUT User 1001 -> READY
 * (reason 10)" or " REST 400" to `summary`. *call receives "PUT User"
 * (pinfo->pool), *status the response's status (0 for the request),
 * *response_time the time from the request to this response (unset for a
 * request, or a response whose request is not in the capture). */
void finesse_rest_show(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const finesse_rest_doc_t *doc,
                       wmem_strbuf_t *summary, const char **call, guint32 *status, nstime_t *response_time);

/* The n-th Finesse notification of the frame (n from 0), with its
 * <requestId> (NULL or empty: unsolicited) and what it says: links it to its
 * request (first pass), adds finesse.rest.request_in, .latency and the
 * expert infos (state not the one asked for, latency above the preference)
 * under `tree`. TRUE, with *latency, when it is linked. */
gboolean finesse_rest_notification(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint n,
                                   const char *request_id, const finesse_rest_doc_t *doc, nstime_t *latency);

/* Register the finesse.rest.* fields, expert infos and the preference
 * finesse.rest_latency_warning in `module`. `proto` is finesse;
 * `hf_request_id` is finesse.request_id (packet-finesse.c's), which REST
 * messages carry too (their requestId header). */
void finesse_rest_register(int proto, module_t *module, const int *hf_request_id);

#endif /* FINESSE_REST_H */
