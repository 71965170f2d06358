/* packet-finesse.h
 * Cisco Finesse notifications (packet-finesse.c): the documents Finesse
 * publishes on its pubsub nodes (<Update> with <User>, <Dialog>, <Team>,
 * <Queue>, <SystemInfo>, <apiErrors>), taken from xmppws's "xmppws.pubsub"
 * heuristic list, and what Finesse's presences mean (the "xmppws.presence"
 * list). Depends on xmppws only through xmppws.h and xmppws-xml.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_FINESSE_H
#define PACKET_FINESSE_H

#include <epan/packet.h>

/* What the "finesse" tap gets for each decoded Finesse notification
 * (pinfo->pool). Strings are NULL when absent; for lists (Team users,
 * dialogs, apiErrors) the first one's. */
typedef struct finesse_tap_info {
    guint32     stream;            /* the XMPP stream (xmppws_pubsub_payload_t.stream) */
    const char *node;              /* pubsub node */
    const char *kind;              /* finesse.kind: user, dialog, team, queue, system_info, api_errors, other */
    const char *event;             /* Update/event as sent (PUT, POST, DELETE; case varies) */
    const char *source;            /* Update/source */
    gboolean    solicited;         /* Update/requestId not empty */
    const char *user_id;           /* User/loginId, else loginName */
    const char *user_state, *pending_state;
    const char *reason_code;       /* ReasonCode/code, else reasonCodeId */
    const char *reason_label;
    const char *dialog_id, *dialog_state;
    const char *api_error_type, *api_error_message;
    const char *system_status;     /* SystemInfo/status */
    /* REST (finesse-rest.c): a record with `rest` set is a REST message, not
     * a notification (the notification fields above are then its body's) */
    gboolean    rest;
    const char *rest_call;         /* "PUT User" */
    guint32     rest_status;       /* a response's status; 0 for a request */
    gboolean    has_response_time; /* a REST response whose request is in the capture: */
    nstime_t    response_time;     /* ... the time from the request */
    gboolean    has_latency;       /* a notification linked to its REST request: */
    nstime_t    latency;           /* ... the time from the request */
} finesse_tap_info_t;

/* Registration of the protocol, called by the plugin loader's entry
 * (plugin.c). */
void proto_register_finesse(void);
void proto_reg_handoff_finesse(void);

#endif /* PACKET_FINESSE_H */
