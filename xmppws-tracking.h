/* xmppws-tracking.h
 * Per-stream tracking (xmppws-tracking.c), built on the first pass only and
 * read on every later pass: handshake stage, request/response pairs, the
 * login summary, the anomalies that need history. The core calls it for
 * every top-level element and keeps the records it returns.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_TRACKING_H
#define XMPPWS_TRACKING_H

#include "xmppws-core.h"

/* Register xmppws.stage, the response links, the login summary, the
 * tracking's expert infos and the preference xmppws.silence_warning in
 * `module`. `proto` is xmppws. */
void xmppws_register_tracking(int proto, module_t *module);

/* The shared, read-only record of every element that has nothing of its
 * own to remember (an event or presence of an established stream): never
 * stored per element. */
extern const xmppws_elrec_t xmppws_track_plain;

/* First pass: advance ctx->stream's state with element `el` (ctx->kind and
 * ctx->direction set) and return its record: &xmppws_track_plain, or a
 * record in file scope that the caller keeps for later passes. */
const xmppws_elrec_t *xmppws_track_element(xmppws_ctx_t *ctx, xml_frame_t *el);

/* Every pass: add the generated stage, response links, login summary and
 * the expert infos of ctx->rec for element `el`. */
void xmppws_track_show(xmppws_ctx_t *ctx, xml_frame_t *el);

#endif /* XMPPWS_TRACKING_H */
