/* xmppws-stream.h
 * Element handlers of the stream level (xmppws-stream.c): RFC 7395 framing
 * (<open/>, <close/>, legacy <stream:stream>), stream features (RFC 6120
 * 4.3), stream errors (4.9), STARTTLS (5), XEP-0198 stream management and
 * XEP-0115 caps.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_STREAM_H
#define XMPPWS_STREAM_H

#include "xmppws-core.h"

/* Register the fields and experts, and the handlers of the stream-level
 * top-level elements with the core (xmppws_dispatch_add). */
void xmppws_register_stream(int proto);

/* Caps <c/> (XEP-0115 1.5), in features and presence: adds its item under
 * `tree` and a short summary to ctx->info. */
void xmppws_dissect_caps(xmppws_ctx_t *ctx, xml_frame_t *c, proto_tree *tree);

#endif /* XMPPWS_STREAM_H */
