/* xmppws-health.h
 * How one XMPP stream lived and ended (xmppws-health.c): messages, the end
 * (<close/> each way, RFC 7395 3.6 / XEP-0124 13; TCP FIN or RST, WebSocket
 * Close, from which side), XEP-0199 pings each way with their round trips
 * and the unanswered ones, the longest silence, the last pubsub event (a
 * notification). One accumulator, fed with "xmppws" tap records, serves
 * both -z xmppws,health (xmppws-stats.c, a tap listener) and the
 * xmppws.health.* fields the core shows on each stream's last message
 * (fed on the first pass, shown on later ones).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_HEALTH_H
#define XMPPWS_HEALTH_H

#include <epan/packet.h>

#include "xmppws-core.h"

typedef struct xmppws_health {
    wmem_allocator_t *scope;          /* of `pending` */
    guint32   messages, first_frame, last_frame;
    guint32   last_unit;              /* the last message's unit index in its frame (the core's) */
    nstime_t  first_ts, last_ts;
    guint32   close_frame[3];         /* first <close/> (or BOSH terminate) per direction */
    guint     end_how;                /* the carrier's end: 1 TCP FIN, 2 TCP RST, 3 WebSocket Close; 0 none */
    gboolean  end_from_server;
    guint     end_code;               /* the WebSocket Close's status code, 0 if none */
    guint32   end_frame;
    guint32   pings[3], answered;     /* XEP-0199 pings sent per direction, and answered */
    double    rtt_min, rtt_max, rtt_sum;  /* ms */
    wmem_list_t *pending;             /* GUINT_TO_POINTER(frame) of pings not answered (yet) */
    nstime_t  silence;                /* the longest time between two messages */
    guint32   silence_from, silence_to;
    guint32   last_event_frame;       /* the last pubsub event (a notification), 0 if none */
    nstime_t  last_event_ts;
    char     *last_event_summary;     /* in `scope`: what its payload dissector made of it (a Finesse
                                       * LOGOUT and its reason: a forced logout), or NULL */
} xmppws_health_t;

/* A new, empty accumulator in `scope` (NULL: free it with xmppws_health_free()). */
xmppws_health_t *xmppws_health_new(wmem_allocator_t *scope);
void xmppws_health_free(xmppws_health_t *h);

/* Add one "xmppws" tap record of the stream (an element, or the carrier's
 * end: ti->end_how) seen in frame pinfo->num. */
void xmppws_health_add(xmppws_health_t *h, const xmppws_tap_info_t *ti, const packet_info *pinfo);

/* How the stream ended, in words ("TCP RST from the client (frame 24),
 * without <close/>: a dropped connection"), in `scope`. */
char *xmppws_health_end(wmem_allocator_t *scope, const xmppws_health_t *h);

/* Register the xmppws.health.* fields. `proto` is xmppws. */
void xmppws_register_health(int proto);

/* Later passes: add the stream's health under `tree` (a unit's subtree)
 * when this unit (frame pinfo->num, unit `unit` of the frame) is the
 * stream's last message. */
void xmppws_health_show(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const xmppws_stream_t *stream,
                        guint32 unit);

#endif /* XMPPWS_HEALTH_H */
