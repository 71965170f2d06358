/* xmppws-pubsub.h
 * Publish-subscribe (XEP-0060) inside stanzas (xmppws-pubsub.c): requests
 * and results in <iq/>, events in <message/>; item payloads are offered to
 * the "xmppws.pubsub" heuristic list (xmppws.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_PUBSUB_H
#define XMPPWS_PUBSUB_H

#include "xmppws-core.h"

/* Register the fields and the "xmppws.pubsub" heuristic list. */
void xmppws_register_pubsub(int proto);

/* <pubsub/> (XEP-0060 6-8, owner and errors namespaces too) inside an iq:
 * adds its items under `tree`; TRUE when it handled `pubsub`. */
gboolean xmppws_dissect_pubsub(xmppws_ctx_t *ctx, xml_frame_t *pubsub, proto_tree *tree);

/* <event/> (XEP-0060 8.x notifications) inside a message; TRUE when handled. */
gboolean xmppws_dissect_pubsub_event(xmppws_ctx_t *ctx, xml_frame_t *event, proto_tree *tree);

#endif /* XMPPWS_PUBSUB_H */
