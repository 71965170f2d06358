/* packet-finesse.c
 * Cisco Finesse notifications: the <Update> documents Finesse publishes to
 * pubsub nodes (/finesse/api/User/<id>, .../Dialogs, Team, Queue,
 * SystemInfo), carried inside XEP-0060 <notification/> items.
 *
 * Reference: Cisco Finesse Web Services Developer and JavaScript Guide
 * (12.5), chapter "Cisco Finesse Notifications" (User, Dialog, Dialog CTI
 * Error, Team, Queue and SystemInfo notifications) and the object chapters
 * (User, Dialog, Team, Queue, SystemInfo, State parameter values).
 *
 * How it works:
 *  1. The tvb is the content of <notification> as sent. The whole <Update>
 *     may be XML-escaped text (Cisco's samples, finesse.js), literal XML whose
 *     <data> holds the escaped object, or literal XML throughout (test tools).
 *     Escaped text is unescaped (XML 1.0 4.1, 4.6) into a new data source
 *     "Finesse Update"; a CDATA section is taken as it is.
 *  2. Each document is checked for well-formedness (XML 1.0 2.1) by a small
 *     linear scanner with a nesting limit, then tokenized by Wireshark's XML
 *     dissector, whose element tree we walk.
 *  3. One table (field_rows[]) maps each known Finesse element, matched
 *     case-insensitively inside its parent object, to a field or to a nested
 *     object (obj_defs[]); adding an element is one row.
 *  4. What each object holds is collected into a small slot array, from which
 *     the object's item text, its expert infos and the one-line summary are
 *     built.
 *  5. Each decoded notification is queued to the "finesse" tap as a
 *     finesse_tap_info_t (packet-finesse.h), which feeds
 *     -z finesse,tree (xmppws-stats.c).
 *
 * Memory: everything lives in pinfo->pool. Time and memory are linear in the
 * payload, which is refused above FINESSE_MAX_PAYLOAD bytes; element nesting
 * is refused beyond FINESSE_MAX_DEPTH before the XML dissector runs, and the
 * object walk follows the fixed object schema only (at most
 * FINESSE_MAX_OBJ_DEPTH levels), so recursion never depends on the input.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>
#include <wsutil/str_util.h>
#include <wsutil/strtoi.h>
#include <wsutil/utf8_entities.h>

#include "xmppws-compat.h"
#include "xmppws.h"
#include "xmppws-xml.h"
#include "xmppws-xml-scan.h"
#include "packet-finesse.h"
#include "finesse-stats.h"
#include "finesse-rest.h"

/* Default of the max_payload preference: a notification larger than this is
 * shown but not decoded. WebSocket hands over at most 256 KiB per message,
 * so real notifications stay far below. */
#define FINESSE_MAX_PAYLOAD   (1024 * 1024)
/* Element nesting accepted in one document (Finesse's own nest < 10). */
#define FINESSE_MAX_DEPTH     XMPPWS_XML_MAX_DEPTH
/* Nesting of Finesse objects the walker follows (Team/users/User/ReasonCode
 * is the deepest path of the schema: 4). */
#define FINESSE_MAX_OBJ_DEPTH 8
/* Characters of one value in the summary, so the Info column stays a line. */
#define FINESSE_INFO_MAX      80
/* "finesse" tap records queued per frame. epan queues at most 5000 records
 * per frame for all taps together (epan/tap.c TAP_PACKET_QUEUE_LEN) and the
 * "xmppws" tap takes up to 1000: a message of thousands of notifications
 * gets records for its first ones only. */
#define FINESSE_MAX_TAPS_PER_FRAME 1000
/* proto_data keys (packet scope): the frame's tap record counter, its
 * notification counter (finesse-rest.c's file-scope keys are 0x100 and up). */
#define FINESSE_KEY_TAPS      0
#define FINESSE_KEY_NOTIFS    1

static int proto_finesse = -1;
static int finesse_tap = -1;


static xmppws_pref_bool_t pref_show_xml_tree = FALSE;
static guint pref_max_payload = FINESSE_MAX_PAYLOAD;

/* Update */
static int hf_kind = -1;
static int hf_escaping = -1;
static int hf_event = -1;
static int hf_request_id = -1;
static int hf_source = -1;
static int hf_uri = -1;
static int hf_other = -1;
/* User */
static int hf_user = -1;
static int hf_user_id = -1;
static int hf_user_name = -1;
static int hf_user_first_name = -1;
static int hf_user_last_name = -1;
static int hf_user_extension = -1;
static int hf_user_state = -1;
static int hf_user_pending_state = -1;
static int hf_user_reason_code = -1;
static int hf_user_reason_code_id = -1;
static int hf_user_reason_label = -1;
static int hf_user_reason_category = -1;
static int hf_user_reason = -1;
static int hf_user_state_change_time = -1;
static int hf_user_team = -1;
static int hf_user_team_id = -1;
static int hf_user_role = -1;
/* Dialog */
static int hf_dialog = -1;
static int hf_dialog_id = -1;
static int hf_dialog_secondary_id = -1;
static int hf_dialog_associated_uri = -1;
static int hf_dialog_state = -1;
static int hf_dialog_media_type = -1;
static int hf_dialog_from_address = -1;
static int hf_dialog_to_address = -1;
static int hf_dialog_media_properties = -1;
static int hf_dialog_dialed_number = -1;
static int hf_dialog_dnis = -1;
static int hf_dialog_call_type = -1;
static int hf_dialog_queue = -1;
static int hf_dialog_queue_number = -1;
static int hf_dialog_wrap_up_reason = -1;
static int hf_participant = -1;
static int hf_participant_media_address = -1;
static int hf_participant_media_address_type = -1;
static int hf_participant_state = -1;
static int hf_participant_state_cause = -1;
static int hf_participant_action = -1;
static int hf_participant_start_time = -1;
static int hf_participant_state_change_time = -1;
static int hf_call_variable = -1;
static int hf_call_variable_name = -1;
static int hf_call_variable_value = -1;
/* apiErrors */
static int hf_api_error_type = -1;
static int hf_api_error_message = -1;
static int hf_api_error_data = -1;
/* SystemInfo */
static int hf_system = -1;
static int hf_system_status = -1;
static int hf_system_status_reason = -1;
static int hf_system_deployment_type = -1;
static int hf_system_xmpp_domain = -1;
static int hf_system_pubsub_domain = -1;
static int hf_system_timestamp = -1;
/* Team */
static int hf_team = -1;
static int hf_team_id = -1;
static int hf_team_name = -1;
static int hf_team_user_count = -1;
/* Queue */
static int hf_queue = -1;
static int hf_queue_id = -1;
static int hf_queue_name = -1;
static int hf_queue_statistics = -1;
static int hf_queue_calls_in_queue = -1;
static int hf_queue_longest_call_start = -1;
static int hf_queue_agents_ready = -1;
static int hf_queue_agents_not_ready = -1;
static int hf_queue_agents_busy_other = -1;
static int hf_queue_agents_logged_on = -1;
static int hf_queue_agents_talking_inbound = -1;
static int hf_queue_agents_talking_outbound = -1;
static int hf_queue_agents_talking_internal = -1;
static int hf_queue_agents_wrap_up_not_ready = -1;
static int hf_queue_agents_wrap_up_ready = -1;

static gint ett_finesse = -1;
static gint ett_user = -1;
static gint ett_reason = -1;
static gint ett_dialog = -1;
static gint ett_media_properties = -1;
static gint ett_participant = -1;
static gint ett_call_variable = -1;
static gint ett_api_error = -1;
static gint ett_system = -1;
static gint ett_team = -1;
static gint ett_queue = -1;
static gint ett_queue_statistics = -1;

static expert_field ei_api_error = EI_INIT;
static expert_field ei_out_of_service = EI_INIT;
static expert_field ei_logout = EI_INIT;
static expert_field ei_malformed = EI_INIT;
static expert_field ei_too_deep = EI_INIT;
static expert_field ei_too_large = EI_INIT;
static expert_field ei_bad_time = EI_INIT;
static expert_field ei_xml_disabled = EI_INIT;
static expert_field ei_unknown_data = EI_INIT;
static expert_field ei_service_unavailable = EI_INIT;
static expert_field ei_agent_unavailable = EI_INIT;

/* ---- Known values and their meaning ------------------------------------- */

/* Update/event (Finesse Notifications: PUT = changed, POST = added, DELETE =
 * removed). */
static const string_string event_meanings[] = {
    { "PUT",    "object changed" },
    { "POST",   "object added" },
    { "DELETE", "object removed" },
    { NULL, NULL }
};

/* User state (User.States; State (User) parameter values). */
static const string_string user_state_meanings[] = {
    { "LOGIN",                     "signing in; transient, followed by the real state" },
    { "LOGOUT",                    "signed out" },
    { "NOT_READY",                 "agent not ready, e.g. on break" },
    { "READY",                     "available for calls" },
    { "RESERVED",                  "a call is offered to the agent, not yet answered" },
    { "RESERVED_OUTBOUND",         "reserved for an outbound campaign call" },
    { "RESERVED_OUTBOUND_PREVIEW", "reserved for an outbound preview call" },
    { "TALKING",                   "on a call" },
    { "HOLD",                      "has a call on hold" },
    { "WORK",                      "wrap-up, then NOT_READY" },
    { "WORK_READY",                "wrap-up, then READY" },
    { NULL, NULL }
};

/* Dialog state (State (Dialog) parameter values, voice and non-voice). */
static const string_string dialog_state_meanings[] = {
    { "INITIATING",  "phone off hook" },
    { "INITIATED",   "dialing" },
    { "ALERTING",    "ringing" },
    { "ACTIVE",      "at least one participant is active" },
    { "FAILED",      "the call failed" },
    { "DROPPED",     "no active participant left" },
    { "ACCEPTED",    "accepted by the agent" },
    { "OFFERED",     "offered to the agent (non-voice)" },
    { "PAUSED",      "paused (non-voice)" },
    { "WRAPPING_UP", "agent wrapping up (non-voice)" },
    { "INTERRUPTED", "interrupted by another media (non-voice)" },
    { "CLOSED",      "ended (non-voice)" },
    { "UNKNOWN",     "unknown after a failover (non-voice)" },
    { NULL, NULL }
};

/* Participant state (State (Participant) parameter values). */
static const string_string participant_state_meanings[] = {
    { "INITIATING",  "off hook" },
    { "INITIATED",   "dialing" },
    { "ALERTING",    "ringing" },
    { "ACTIVE",      "connected" },
    { "FAILED",      "the call failed (busy, bad destination, other)" },
    { "HELD",        "on hold" },
    { "DROPPED",     "left the call" },
    { "WRAP_UP",     "wrapping up after the call" },
    { "ACCEPTED",    "accepted the dialog" },
    { "OFFERED",     "offered (non-voice)" },
    { "PAUSED",      "paused (non-voice)" },
    { "WRAPPING_UP", "wrapping up (non-voice)" },
    { "INTERRUPTED", "interrupted (non-voice)" },
    { "CLOSED",      "closed (non-voice)" },
    { NULL, NULL }
};

/* SystemInfo status (SystemInfo object). */
static const string_string system_status_meanings[] = {
    { "IN_SERVICE",     "Finesse and its CTI connection are up" },
    { "OUT_OF_SERVICE", "Finesse lost its CTI connection or a service it depends on" },
    { NULL, NULL }
};

/* Generated finesse.escaping: how the document was carried. */
#define ESCAPED_UPDATE 1
#define ESCAPED_DATA   2
static const value_string escaping_vals[] = {
    { 0,                             "literal XML" },
    { ESCAPED_UPDATE,                "whole <Update> escaped" },
    { ESCAPED_DATA,                  "<data> content escaped" },
    { ESCAPED_UPDATE | ESCAPED_DATA, "<Update> escaped, <data> escaped again" },
    { 0, NULL }
};

/* ---- Schema: objects and the rows that map elements to fields ----------- */

/* What an object's walk remembers, for item texts, experts and the summary.
 * The first occurrence of a slot wins. */
typedef enum {
    S_NONE = 0,
    S_EVENT, S_REQUEST_ID, S_SOURCE, S_URI,
    S_USER_ID, S_USER_NAME, S_USER_STATE, S_USER_PENDING,
    S_REASON_ID, S_REASON_CODE, S_REASON_LABEL,
    S_DIALOG_ID, S_DIALOG_STATE, S_DIALOG_FROM,
    S_PART_ADDRESS, S_PART_STATE,
    S_CV_NAME, S_CV_VALUE,
    S_ERR_TYPE, S_ERR_MESSAGE, S_ERR_DATA,
    S_SYS_STATUS, S_SYS_REASON,
    S_TEAM_ID, S_TEAM_NAME,
    S_QUEUE_ID, S_QUEUE_NAME, S_QUEUE_CALLS,
    S_COUNT
} slot_t;

/* Counters: how many objects of a kind a walk met (they cross isolation). */
typedef enum {
    C_NONE = 0, C_USERS, C_DIALOGS, C_API_ERRORS, C_QUEUES, C_COUNT
} counter_t;

typedef struct {
    const char *value;      /* unescaped, trimmed; NULL when not seen */
    tvbuff_t   *tvb;        /* where its text is */
    int         offset, length;
} slot_val_t;

typedef struct {
    slot_val_t s[S_COUNT];
    guint      n[C_COUNT];
} vals_t;

typedef enum {
    OBJ_NONE = 0,
    OBJ_UPDATE, OBJ_DATA,
    OBJ_USERS, OBJ_USER, OBJ_REASON, OBJ_ROLES,
    OBJ_DIALOGS, OBJ_DIALOG, OBJ_MEDIA_PROPERTIES, OBJ_CALL_VARIABLES, OBJ_CALL_VARIABLE,
    OBJ_PARTICIPANTS, OBJ_PARTICIPANT, OBJ_ACTIONS,
    OBJ_API_ERRORS, OBJ_API_ERROR,
    OBJ_SYSTEM,
    OBJ_TEAM,
    OBJ_QUEUES, OBJ_QUEUE, OBJ_QUEUE_STATISTICS,
    OBJ_COUNT
} obj_t;

typedef struct finesse_ctx finesse_ctx_t;

/* finesse.kind: what a notification's payload is (an integer with names, so
 * that finesse.kind == "user" and == 1 both filter). */
enum {
    KIND_OTHER = 0, KIND_USER, KIND_DIALOG, KIND_TEAM, KIND_QUEUE, KIND_SYSTEM_INFO, KIND_API_ERRORS
};
static const value_string kind_vals[] = {
    { KIND_OTHER,       "other" },
    { KIND_USER,        "user" },
    { KIND_DIALOG,      "dialog" },
    { KIND_TEAM,        "team" },
    { KIND_QUEUE,       "queue" },
    { KIND_SYSTEM_INFO, "system_info" },
    { KIND_API_ERRORS,  "api_errors" },
    { 0, NULL }
};

/* Called when an object's children are walked: completes its item text and
 * adds its expert infos. `isolated` is TRUE inside a list that belongs to
 * another object (the users of a Team). */
typedef void (*finish_fn)(finesse_ctx_t *fc, tvbuff_t *tvb, xml_frame_t *el, proto_item *item,
                          proto_tree *tree, const vals_t *v, gboolean isolated);

typedef struct {
    int        *hf;      /* FT_NONE item spanning the element, or NULL */
    const char *label;   /* text of a subtree without a field, or NULL */
    gint       *ett;     /* subtree, with hf or label; NULL: transparent list */
    guint8      kind;    /* finesse.kind (KIND_*) when this object is the payload */
    counter_t   count;   /* counter this object increments */
    finish_fn   finish;
} obj_def_t;

/* One known element inside an object: either a leaf field (hf) or a nested
 * object (child). */
typedef struct {
    obj_t                parent;
    const char          *name;     /* element name, matched case-insensitively */
    int                 *hf;       /* FT_STRING or FT_INT32 field, or NULL */
    const string_string *meanings; /* known values, or NULL */
    slot_t               slot;
    obj_t                child;    /* nested object when hf is NULL */
    gboolean             isolate;  /* the nested objects' slots stay theirs */
} field_row_t;

#define LEAF(p, n, h, m, s)   { p, n, h, m, s, OBJ_NONE, FALSE }
#define NEST(p, n, c)         { p, n, NULL, NULL, S_NONE, c, FALSE }
#define NEST_ISOLATED(p, n, c) { p, n, NULL, NULL, S_NONE, c, TRUE }

static const field_row_t field_rows[] = {
    /* <Update> (Finesse Notifications, payload format) */
    LEAF(OBJ_UPDATE, "event",     &hf_event,      event_meanings, S_EVENT),
    LEAF(OBJ_UPDATE, "requestId", &hf_request_id, NULL, S_REQUEST_ID),
    LEAF(OBJ_UPDATE, "source",    &hf_source,     NULL, S_SOURCE),
    NEST(OBJ_UPDATE, "data",      OBJ_DATA),      /* resolved by dissect_update() */

    /* <data>: the payload object */
    NEST(OBJ_DATA, "user",       OBJ_USER),
    NEST(OBJ_DATA, "users",      OBJ_USERS),
    NEST(OBJ_DATA, "dialogs",    OBJ_DIALOGS),
    NEST(OBJ_DATA, "dialog",     OBJ_DIALOG),
    NEST(OBJ_DATA, "apiErrors",  OBJ_API_ERRORS),
    NEST(OBJ_DATA, "apiError",   OBJ_API_ERROR),
    NEST(OBJ_DATA, "SystemInfo", OBJ_SYSTEM),
    NEST(OBJ_DATA, "team",       OBJ_TEAM),
    NEST(OBJ_DATA, "queues",     OBJ_QUEUES),
    NEST(OBJ_DATA, "queue",      OBJ_QUEUE),

    /* User object */
    NEST(OBJ_USERS, "user", OBJ_USER),
    LEAF(OBJ_USER, "loginId",         &hf_user_id,                NULL, S_USER_ID),
    LEAF(OBJ_USER, "loginName",       &hf_user_name,              NULL, S_USER_NAME),
    LEAF(OBJ_USER, "firstName",       &hf_user_first_name,        NULL, S_NONE),
    LEAF(OBJ_USER, "lastName",        &hf_user_last_name,         NULL, S_NONE),
    LEAF(OBJ_USER, "extension",       &hf_user_extension,         NULL, S_NONE),
    LEAF(OBJ_USER, "state",           &hf_user_state,             user_state_meanings, S_USER_STATE),
    LEAF(OBJ_USER, "pendingState",    &hf_user_pending_state,     user_state_meanings, S_USER_PENDING),
    LEAF(OBJ_USER, "reasonCodeId",    &hf_user_reason_code,       NULL, S_REASON_ID),
    LEAF(OBJ_USER, "stateChangeTime", &hf_user_state_change_time, NULL, S_NONE),
    LEAF(OBJ_USER, "teamId",          &hf_user_team_id,           NULL, S_NONE),
    LEAF(OBJ_USER, "teamName",        &hf_user_team,              NULL, S_NONE),
    LEAF(OBJ_USER, "uri",             &hf_uri,                    NULL, S_URI),
    NEST(OBJ_USER, "ReasonCode",      OBJ_REASON),
    NEST(OBJ_USER, "roles",           OBJ_ROLES),
    LEAF(OBJ_ROLES, "role",           &hf_user_role,              NULL, S_NONE),
    LEAF(OBJ_REASON, "code",          &hf_user_reason_code,       NULL, S_REASON_CODE),
    LEAF(OBJ_REASON, "label",         &hf_user_reason_label,      NULL, S_REASON_LABEL),
    LEAF(OBJ_REASON, "category",      &hf_user_reason_category,   NULL, S_NONE),
    LEAF(OBJ_REASON, "id",            &hf_user_reason_code_id,    NULL, S_NONE),
    LEAF(OBJ_REASON, "uri",           &hf_uri,                    NULL, S_NONE),

    /* Dialog object (voice and non-voice) */
    NEST(OBJ_DIALOGS, "Dialog", OBJ_DIALOG),
    LEAF(OBJ_DIALOG, "id",                  &hf_dialog_id,             NULL, S_DIALOG_ID),
    LEAF(OBJ_DIALOG, "secondaryId",         &hf_dialog_secondary_id,   NULL, S_NONE),
    LEAF(OBJ_DIALOG, "associatedDialogUri", &hf_dialog_associated_uri, NULL, S_NONE),
    LEAF(OBJ_DIALOG, "mediaType",           &hf_dialog_media_type,     NULL, S_NONE),
    LEAF(OBJ_DIALOG, "fromAddress",         &hf_dialog_from_address,   NULL, S_DIALOG_FROM),
    LEAF(OBJ_DIALOG, "toAddress",           &hf_dialog_to_address,     NULL, S_NONE),
    LEAF(OBJ_DIALOG, "state",               &hf_dialog_state,          dialog_state_meanings, S_DIALOG_STATE),
    LEAF(OBJ_DIALOG, "uri",                 &hf_uri,                   NULL, S_URI),
    NEST(OBJ_DIALOG, "mediaProperties",     OBJ_MEDIA_PROPERTIES),
    NEST(OBJ_DIALOG, "participants",        OBJ_PARTICIPANTS),
    LEAF(OBJ_MEDIA_PROPERTIES, "dialedNumber", &hf_dialog_dialed_number,   NULL, S_NONE),
    LEAF(OBJ_MEDIA_PROPERTIES, "DNIS",         &hf_dialog_dnis,            NULL, S_NONE),
    LEAF(OBJ_MEDIA_PROPERTIES, "callType",     &hf_dialog_call_type,       NULL, S_NONE),
    LEAF(OBJ_MEDIA_PROPERTIES, "queueName",    &hf_dialog_queue,           NULL, S_NONE),
    LEAF(OBJ_MEDIA_PROPERTIES, "queueNumber",  &hf_dialog_queue_number,    NULL, S_NONE),
    LEAF(OBJ_MEDIA_PROPERTIES, "wrapUpReason", &hf_dialog_wrap_up_reason,  NULL, S_NONE),
    NEST(OBJ_MEDIA_PROPERTIES, "callvariables", OBJ_CALL_VARIABLES),
    NEST(OBJ_CALL_VARIABLES, "CallVariable",   OBJ_CALL_VARIABLE),
    LEAF(OBJ_CALL_VARIABLE, "name",  &hf_call_variable_name,  NULL, S_CV_NAME),
    LEAF(OBJ_CALL_VARIABLE, "value", &hf_call_variable_value, NULL, S_CV_VALUE),
    NEST(OBJ_PARTICIPANTS, "Participant", OBJ_PARTICIPANT),
    LEAF(OBJ_PARTICIPANT, "mediaAddress",     &hf_participant_media_address,      NULL, S_PART_ADDRESS),
    LEAF(OBJ_PARTICIPANT, "mediaAddressType", &hf_participant_media_address_type, NULL, S_NONE),
    LEAF(OBJ_PARTICIPANT, "state",            &hf_participant_state,  participant_state_meanings, S_PART_STATE),
    LEAF(OBJ_PARTICIPANT, "stateCause",       &hf_participant_state_cause,        NULL, S_NONE),
    LEAF(OBJ_PARTICIPANT, "startTime",        &hf_participant_start_time,         NULL, S_NONE),
    LEAF(OBJ_PARTICIPANT, "stateChangeTime",  &hf_participant_state_change_time,  NULL, S_NONE),
    NEST(OBJ_PARTICIPANT, "actions",          OBJ_ACTIONS),
    LEAF(OBJ_ACTIONS, "action",               &hf_participant_action,             NULL, S_NONE),

    /* apiErrors (Dialog CTI Error Notification, asynchronous errors) */
    NEST(OBJ_API_ERRORS, "apiError", OBJ_API_ERROR),
    LEAF(OBJ_API_ERROR, "errorType",    &hf_api_error_type,    NULL, S_ERR_TYPE),
    LEAF(OBJ_API_ERROR, "errorMessage", &hf_api_error_message, NULL, S_ERR_MESSAGE),
    LEAF(OBJ_API_ERROR, "errorData",    &hf_api_error_data,    NULL, S_ERR_DATA),

    /* SystemInfo object */
    LEAF(OBJ_SYSTEM, "status",           &hf_system_status,          system_status_meanings, S_SYS_STATUS),
    LEAF(OBJ_SYSTEM, "statusReason",     &hf_system_status_reason,   NULL, S_SYS_REASON),
    LEAF(OBJ_SYSTEM, "deploymentType",   &hf_system_deployment_type, NULL, S_NONE),
    LEAF(OBJ_SYSTEM, "xmppDomain",       &hf_system_xmpp_domain,     NULL, S_NONE),
    LEAF(OBJ_SYSTEM, "xmppPubSubDomain", &hf_system_pubsub_domain,   NULL, S_NONE),
    LEAF(OBJ_SYSTEM, "currentTimestamp", &hf_system_timestamp,       NULL, S_NONE),
    LEAF(OBJ_SYSTEM, "uri",              &hf_uri,                    NULL, S_URI),

    /* Team object (Team notification) */
    LEAF(OBJ_TEAM, "id",   &hf_team_id,   NULL, S_TEAM_ID),
    LEAF(OBJ_TEAM, "name", &hf_team_name, NULL, S_TEAM_NAME),
    LEAF(OBJ_TEAM, "uri",  &hf_uri,       NULL, S_URI),
    NEST_ISOLATED(OBJ_TEAM, "users", OBJ_USERS),

    /* Queue object (Queue notification) */
    NEST(OBJ_QUEUES, "Queue", OBJ_QUEUE),
    LEAF(OBJ_QUEUE, "id",   &hf_queue_id,   NULL, S_QUEUE_ID),
    LEAF(OBJ_QUEUE, "name", &hf_queue_name, NULL, S_QUEUE_NAME),
    LEAF(OBJ_QUEUE, "uri",  &hf_uri,        NULL, S_URI),
    NEST(OBJ_QUEUE, "statistics", OBJ_QUEUE_STATISTICS),
#define QS OBJ_QUEUE_STATISTICS
    LEAF(QS, "callsInQueue",                  &hf_queue_calls_in_queue,             NULL, S_QUEUE_CALLS),
    LEAF(QS, "startTimeOfLongestCallInQueue", &hf_queue_longest_call_start,         NULL, S_NONE),
    LEAF(QS, "agentsReady",                   &hf_queue_agents_ready,               NULL, S_NONE),
    LEAF(QS, "agentsNotReady",                &hf_queue_agents_not_ready,           NULL, S_NONE),
    LEAF(QS, "agentsBusyOther",               &hf_queue_agents_busy_other,          NULL, S_NONE),
    LEAF(QS, "agentsLoggedOn",                &hf_queue_agents_logged_on,           NULL, S_NONE),
    LEAF(QS, "agentsTalkingInbound",          &hf_queue_agents_talking_inbound,     NULL, S_NONE),
    LEAF(QS, "agentsTalkingOutbound",         &hf_queue_agents_talking_outbound,    NULL, S_NONE),
    LEAF(QS, "agentsTalkingInternal",         &hf_queue_agents_talking_internal,    NULL, S_NONE),
    LEAF(QS, "agentsWrapUpNotReady",          &hf_queue_agents_wrap_up_not_ready,   NULL, S_NONE),
    LEAF(QS, "agentsWrapUpReady",             &hf_queue_agents_wrap_up_ready,       NULL, S_NONE),
};
#undef QS

static void finish_user(finesse_ctx_t *, tvbuff_t *, xml_frame_t *, proto_item *, proto_tree *,
                        const vals_t *, gboolean);
static void finish_reason(finesse_ctx_t *, tvbuff_t *, xml_frame_t *, proto_item *, proto_tree *,
                          const vals_t *, gboolean);
static void finish_dialog(finesse_ctx_t *, tvbuff_t *, xml_frame_t *, proto_item *, proto_tree *,
                          const vals_t *, gboolean);
static void finish_participant(finesse_ctx_t *, tvbuff_t *, xml_frame_t *, proto_item *, proto_tree *,
                               const vals_t *, gboolean);
static void finish_call_variable(finesse_ctx_t *, tvbuff_t *, xml_frame_t *, proto_item *, proto_tree *,
                                 const vals_t *, gboolean);
static void finish_api_error(finesse_ctx_t *, tvbuff_t *, xml_frame_t *, proto_item *, proto_tree *,
                             const vals_t *, gboolean);
static void finish_system(finesse_ctx_t *, tvbuff_t *, xml_frame_t *, proto_item *, proto_tree *,
                          const vals_t *, gboolean);
static void finish_team(finesse_ctx_t *, tvbuff_t *, xml_frame_t *, proto_item *, proto_tree *,
                        const vals_t *, gboolean);
static void finish_queue(finesse_ctx_t *, tvbuff_t *, xml_frame_t *, proto_item *, proto_tree *,
                         const vals_t *, gboolean);

/* Indexed by obj_t. */
static const obj_def_t obj_defs[OBJ_COUNT] = {
    [OBJ_NONE]             = { NULL, NULL, NULL, KIND_OTHER, C_NONE, NULL },
    [OBJ_UPDATE]           = { NULL, NULL, NULL, KIND_OTHER, C_NONE, NULL },
    [OBJ_DATA]             = { NULL, NULL, NULL, KIND_OTHER, C_NONE, NULL },
    [OBJ_USERS]            = { NULL, NULL, NULL, KIND_USER, C_NONE, NULL },
    [OBJ_USER]             = { &hf_user, NULL, &ett_user, KIND_USER, C_USERS, finish_user },
    [OBJ_REASON]           = { &hf_user_reason, NULL, &ett_reason, KIND_USER, C_NONE, finish_reason },
    [OBJ_ROLES]            = { NULL, NULL, NULL, KIND_USER, C_NONE, NULL },
    [OBJ_DIALOGS]          = { NULL, NULL, NULL, KIND_DIALOG, C_NONE, NULL },
    [OBJ_DIALOG]           = { &hf_dialog, NULL, &ett_dialog, KIND_DIALOG, C_DIALOGS, finish_dialog },
    [OBJ_MEDIA_PROPERTIES] = { &hf_dialog_media_properties, NULL, &ett_media_properties, KIND_DIALOG, C_NONE, NULL },
    [OBJ_CALL_VARIABLES]   = { NULL, NULL, NULL, KIND_DIALOG, C_NONE, NULL },
    [OBJ_CALL_VARIABLE]    = { &hf_call_variable, NULL, &ett_call_variable, KIND_DIALOG, C_NONE, finish_call_variable },
    [OBJ_PARTICIPANTS]     = { NULL, NULL, NULL, KIND_DIALOG, C_NONE, NULL },
    [OBJ_PARTICIPANT]      = { &hf_participant, NULL, &ett_participant, KIND_DIALOG, C_NONE, finish_participant },
    [OBJ_ACTIONS]          = { NULL, NULL, NULL, KIND_DIALOG, C_NONE, NULL },
    [OBJ_API_ERRORS]       = { NULL, NULL, NULL, KIND_API_ERRORS, C_NONE, NULL },
    /* no field: "finesse.api_error" is the expert info, so that filter finds every error */
    [OBJ_API_ERROR]        = { NULL, "API error", &ett_api_error, KIND_API_ERRORS, C_API_ERRORS, finish_api_error },
    [OBJ_SYSTEM]           = { &hf_system, NULL, &ett_system, KIND_SYSTEM_INFO, C_NONE, finish_system },
    [OBJ_TEAM]             = { &hf_team, NULL, &ett_team, KIND_TEAM, C_NONE, finish_team },
    [OBJ_QUEUES]           = { NULL, NULL, NULL, KIND_QUEUE, C_NONE, NULL },
    [OBJ_QUEUE]            = { &hf_queue, NULL, &ett_queue, KIND_QUEUE, C_QUEUES, finish_queue },
    [OBJ_QUEUE_STATISTICS] = { &hf_queue_statistics, NULL, &ett_queue_statistics, KIND_QUEUE, C_NONE, NULL },
};

/* State of one call, in pinfo->pool (it must survive an exception). */
typedef enum {
    ST_DECODED = 0,   /* a document was parsed (maybe not well-formed) */
    ST_EMPTY,         /* nothing but white space */
    ST_TOO_LARGE,     /* above the max_payload preference */
    ST_TOO_DEEP,      /* nesting limit hit: not parsed */
    ST_NO_XML         /* the XML dissector is disabled */
} status_t;

struct finesse_ctx {
    packet_info *pinfo;
    proto_tree  *tree;       /* the finesse subtree */
    guint        escaping;   /* ESCAPED_* bits */
    status_t     status;
    gboolean     malformed;  /* not well-formed (or an exception): summary says so */
    vals_t      *update;     /* what <Update> holds (event, requestId, source) */
    vals_t      *data;       /* what the payload object holds */
    obj_t        kind;       /* the payload's object type, OBJ_NONE if unknown */
    const char  *name;       /* the payload's element name when kind is unknown */
    gboolean     no_data;    /* an <Update> without a payload object */
    gboolean     rest;       /* a REST body (a state, not a change; errors are finesse.rest.error's) */
    const char  *rest_call;  /* REST: "PUT User" (for the tap) */
    guint32      rest_status;/* REST: a response's status */
    nstime_t     rest_response_time; /* REST: a response's time from its request, or unset */
    gboolean     has_latency;/* a notification linked to its REST request (finesse-rest.c) */
    nstime_t     latency;
};

/* ---- Small helpers ------------------------------------------------------- */

/* XML 1.0 2.3 S: white space. */
static gboolean
is_ws(guint8 c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Row for element `name` (any case) inside an object of type `parent`. */
static const field_row_t *
find_row(obj_t parent, const char *name)
{
    gsize i;

    if (!name)
        return NULL;
    for (i = 0; i < G_N_ELEMENTS(field_rows); i++) {
        if (field_rows[i].parent == parent && g_ascii_strcasecmp(field_rows[i].name, name) == 0)
            return &field_rows[i];
    }
    return NULL;
}

/* First child element of `el` named `name` (any case), or NULL. */
static xml_frame_t *
child_ci(xml_frame_t *el, const char *name)
{
    xml_frame_t *f;

    for (f = el ? el->first_child : NULL; f; f = f->next_sibling) {
        if (f->type == XML_FRAME_TAG && f->name_orig_case && g_ascii_strcasecmp(f->name_orig_case, name) == 0)
            return f;
    }
    return NULL;
}

/* First child element of `el` (attributes and text skipped), or NULL. */
static xml_frame_t *
first_element(xml_frame_t *el)
{
    xml_frame_t *f;

    for (f = el ? el->first_child : NULL; f; f = f->next_sibling) {
        if (f->type == XML_FRAME_TAG)
            return f;
    }
    return NULL;
}

/* Meaning of a known value (compared ignoring case), or NULL. */
static const char *
meaning_of(const string_string *m, const char *value)
{
    for (; m && m->value; m++) {
        if (g_ascii_strcasecmp(m->value, value) == 0)
            return m->strptr;
    }
    return NULL;
}

/* TRUE when the slot holds `want`, ignoring case. */
static gboolean
value_is(const slot_val_t *sv, const char *want)
{
    return sv->value && g_ascii_strcasecmp(sv->value, want) == 0;
}

/* A value cut to FINESSE_INFO_MAX characters for the Info column. */
static const char *
info_value(packet_info *pinfo, const char *s)
{
    return xmppws_cut(pinfo->pool, s, FINESSE_INFO_MAX);
}

/* Copy every slot of src that dst lacks (when `slots`), and add counters. */
static void
merge_vals(vals_t *dst, const vals_t *src, gboolean slots)
{
    int i;

    for (i = 0; slots && i < S_COUNT; i++) {
        if (!dst->s[i].value && src->s[i].value)
            dst->s[i] = src->s[i];
    }
    for (i = 0; i < C_COUNT; i++)
        dst->n[i] += src->n[i];
}

/* ---- Parsing one document ------------------------------------------------ */

/* Turn `len` bytes of element content at `offset` in `tvb` into a document
 * and parse it:
 *  - content starting with '<' is literal XML (a lone CDATA section
 *    "<![CDATA[...]]>" counts as its literal inner text);
 *  - anything else is escaped text: it is unescaped (XML 1.0 4.1, 4.6) into
 *    a new tvb shown as the data source "Finesse Update", and *escaped is
 *    set.
 * The document is checked for well-formedness (expert finesse.malformed; it
 * is still parsed as far as the XML dissector goes) and nesting (expert
 * finesse.too_deep; then it is not parsed). Returns the XML root frame or
 * NULL; *doc receives the tvb the frames' offsets refer to. */
static xml_frame_t *
parse_content(finesse_ctx_t *fc, tvbuff_t *tvb, int offset, int len, xmppws_doc_t *doc, gboolean *escaped)
{
    packet_info *pinfo = fc->pinfo;
    const guint8 *p;
    int s = 0, e = len;
    tvbuff_t *doc_tvb;
    xmppws_wf_t wf;
    xml_frame_t *root;

    *escaped = FALSE;
    if (len <= 0)
        return NULL;
    p = tvb_get_ptr(tvb, offset, len);
    while (s < e && is_ws(p[s]))
        s++;
    while (e > s && is_ws(p[e - 1]))
        e--;
    if (s == e)
        return NULL;
    if (p[s] == '<') {
        if (e - s >= 12 && memcmp(p + s, "<![CDATA[", 9) == 0 && memcmp(p + e - 3, "]]>", 3) == 0 &&
            xmppws_xml_find_str(p, s + 9, e - 3, "]]>") < 0)
            doc_tvb = tvb_new_subset_length(tvb, offset + s + 9, e - s - 12);
        else
            doc_tvb = tvb_new_subset_length(tvb, offset, len);
    } else {
        gsize out_len = 0;
        char *text = xmppws_xml_unescape(pinfo->pool, (const char *)p, (gsize)len, &out_len, NULL);

        doc_tvb = tvb_new_child_real_data(tvb, (const guint8 *)text, (guint)out_len, (gint)out_len);
        add_new_data_source(pinfo, doc_tvb, "Finesse Update");
        *escaped = TRUE;
    }
    doc->tvb = doc_tvb;
    doc->pinfo = pinfo;

    len = tvb_captured_length(doc_tvb);
    xmppws_xml_check_well_formed(len > 0 ? tvb_get_ptr(doc_tvb, 0, len) : (const guint8 *)"", len, &wf);
    if (wf.too_deep) {
        proto_tree_add_expert_format(fc->tree, pinfo, &ei_too_deep, doc_tvb, wf.offset, 1,
                                     "Finesse notification nests elements deeper than %d levels (offset %d); not "
                                     "decoded. Finesse objects nest fewer than 10: check what published it",
                                     FINESSE_MAX_DEPTH, wf.offset);
        fc->status = ST_TOO_DEEP;
        return NULL;
    }
    if (wf.offset >= 0) {
        proto_tree_add_expert_format(fc->tree, pinfo, &ei_malformed, doc_tvb, wf.offset,
                                     wf.offset < len ? 1 : 0,
                                     "Finesse notification is not well-formed XML%s: %s (offset %d); decoded as "
                                     "far as it goes. Check the publisher's escaping (XML 1.0 2.1)",
                                     *escaped ? " after unescaping" : "", wf.what, wf.offset);
        fc->malformed = TRUE;
    }

    /* The XML dissector reads 2 bytes for a byte-order mark; the shortest
     * element, <a/>, has 4. */
    if (len < 4)
        return NULL;
    /* A well-formed document gets its element tree from the one-pass scanner
     * (xmppws-xml-scan.c; the same tree, without tvbparse's cost). The XML
     * dissector runs when the scanner gives up, when the user wants its tree
     * shown or turned the scanner off (xmppws.fast_xml), and when it is
     * disabled (then nothing is decoded, as for the stanza around). */
    root = xmppws_xml_tree(pinfo, doc_tvb, wf.offset < 0, pref_show_xml_tree ? fc->tree : NULL);
    if (!root) {
        proto_tree_add_expert(fc->tree, pinfo, &ei_xml_disabled, doc_tvb, 0, -1);
        fc->status = ST_NO_XML;
    }
    return root;
}

/* Bytes between the end of el's start tag and the start of its end tag, in
 * doc->tvb. FALSE for an empty-element tag or an element left open. */
static gboolean
content_span(const xmppws_doc_t *doc, xml_frame_t *el, int *offset, int *len)
{
    int start = el->start_offset, end = el->start_offset + el->length;
    int from = start, gt, i;
    xml_frame_t *a;

    if (end > (int)tvb_captured_length(doc->tvb) || el->length < 3)
        return FALSE;
    for (a = el->first_child; a; a = a->next_sibling) {
        if (a->type == XML_FRAME_ATTRIB && a->start_offset + a->length > from)
            from = a->start_offset + a->length;
    }
    gt = tvb_find_uint8(doc->tvb, from, end - from, '>');
    if (gt < 0 || tvb_get_uint8(doc->tvb, gt - 1) == '/')
        return FALSE;
    for (i = end - 2; i > gt; i--) {
        if (tvb_get_uint8(doc->tvb, i) == '<' && tvb_get_uint8(doc->tvb, i + 1) == '/') {
            *offset = gt + 1;
            *len = i - (gt + 1);
            return TRUE;
        }
    }
    return FALSE;
}

/* ---- Walking objects ----------------------------------------------------- */

/* Text of a leaf element (unescaped, trimmed) and the span of its text in
 * doc->tvb. NULL when it has no text. */
static const char *
leaf_text(const xmppws_doc_t *doc, xml_frame_t *el, int *offset, int *len)
{
    xml_frame_t *f;
    int s = -1, e = -1;
    const char *v;

    for (f = el->first_child; f; f = f->next_sibling) {
        if (f->type != XML_FRAME_CDATA)
            continue;
        if (s < 0)
            s = f->start_offset;
        e = f->start_offset + f->length;
    }
    if (s < 0)
        return NULL;
    v = xmppws_text(doc, el);
    if (!v || !*v)
        return NULL;
    *offset = s;
    *len = e - s;
    return v;
}

/* An element no row knows: its text, or the number of its child elements;
 * nothing when it is empty (as for known elements). */
static void
add_other(const xmppws_doc_t *doc, proto_tree *tree, xml_frame_t *el)
{
    int off = 0, len = 0;
    const char *v = first_element(el) ? NULL : leaf_text(doc, el, &off, &len);

    if (v)
        proto_tree_add_string_format(tree, hf_other, doc->tvb, off, len, v, "%s: %s", el->name_orig_case, v);
    else if (first_element(el))
        proto_tree_add_string_format(tree, hf_other, doc->tvb, el->start_offset, el->length, "",
                                     "%s (%u elements)", el->name_orig_case, xmppws_el_child_count(el));
}

/* Add the field of a leaf row at the text's bytes: the string as sent, with
 * its meaning appended to the item text when the value is a known one; an
 * FT_INT32 field when the row's field is numeric (not a number: shown as
 * other); an absolute time when it is a date-time (not ISO 8601: shown as
 * other, with finesse.bad_time). Remembers the value (as sent) in its slot. */
static void
add_leaf(const xmppws_doc_t *doc, proto_tree *tree, const field_row_t *row, xml_frame_t *el, vals_t *v)
{
    int off = 0, len = 0;
    const char *text = leaf_text(doc, el, &off, &len);
    proto_item *pi;

    if (!text)
        return;
    if (proto_registrar_get_ftype(*row->hf) == FT_INT32) {
        gint32 n;
        if (!ws_strtoi32(text, NULL, &n)) {
            proto_tree_add_string_format(tree, hf_other, doc->tvb, off, len, text, "%s: %s (not a number)",
                                         el->name_orig_case, text);
            return;
        }
        proto_tree_add_int(tree, *row->hf, doc->tvb, off, len, n);
    } else if (proto_registrar_get_ftype(*row->hf) == FT_ABSOLUTE_TIME) {
        nstime_t t;
        if (!xmppws_iso8601_to_nstime(&t, text)) {
            pi = proto_tree_add_string_format(tree, hf_other, doc->tvb, off, len, text, "%s: %s", el->name_orig_case,
                                              text);
            expert_add_info(doc->pinfo, pi, &ei_bad_time);
            return;
        }
        proto_tree_add_time(tree, *row->hf, doc->tvb, off, len, &t);
    } else {
        const char *meaning = row->meanings ? meaning_of(row->meanings, text) : NULL;
        pi = proto_tree_add_string(tree, *row->hf, doc->tvb, off, len, text);
        if (meaning)
            proto_item_append_text(pi, " (%s)", meaning);
    }
    if (row->slot != S_NONE && !v->s[row->slot].value) {
        v->s[row->slot].value = text;
        v->s[row->slot].tvb = doc->tvb;
        v->s[row->slot].offset = off;
        v->s[row->slot].length = len;
    }
}

/* Walk element `el` as an object of type `type`: an item and subtree when the
 * object has one, a field per known child element, nested objects, and an
 * "other" item for every unknown child. Values go to *out (slots only when
 * the parent wants them; counters always). Recursion follows the schema and
 * stops at FINESSE_MAX_OBJ_DEPTH. The data row of <Update> is skipped: it is
 * resolved by dissect_notification(). */
static void
walk_object(finesse_ctx_t *fc, const xmppws_doc_t *doc, xml_frame_t *el, obj_t type, proto_tree *parent_tree,
            gboolean isolated, int depth, vals_t *out)
{
    const obj_def_t *def = &obj_defs[type];
    proto_item *item = NULL;
    proto_tree *tree = parent_tree;
    xml_frame_t *c;
    vals_t local;      /* on the stack: depth is bounded by the schema */

    memset(&local, 0, sizeof local);

    if (def->hf) {
        item = proto_tree_add_item(parent_tree, *def->hf, doc->tvb, el->start_offset, el->length, ENC_NA);
        tree = proto_item_add_subtree(item, *def->ett);
    } else if (def->label) {
        tree = proto_tree_add_subtree(parent_tree, doc->tvb, el->start_offset, el->length, *def->ett, &item,
                                      def->label);
    }
    for (c = el->first_child; c; c = c->next_sibling) {
        const field_row_t *row;

        if (c->type != XML_FRAME_TAG)
            continue;
        row = find_row(type, c->name_orig_case);
        if (row && row->child == OBJ_DATA)
            continue;
        if (!row || (!row->hf && depth >= FINESSE_MAX_OBJ_DEPTH)) {
            if (type == OBJ_DATA)
                proto_tree_add_expert_format(tree, fc->pinfo, &ei_unknown_data, doc->tvb, c->start_offset,
                                             c->length, "Finesse <data> holds <%s>, not an object this dissector "
                                             "knows (User, Dialog(s), Team, Queue(s), SystemInfo, apiErrors)",
                                             c->name_orig_case);
            add_other(doc, tree, c);
            continue;
        }
        if (row->hf) {
            add_leaf(doc, tree, row, c, &local);
        } else {
            vals_t child;
            memset(&child, 0, sizeof child);
            walk_object(fc, doc, c, row->child, tree, isolated || row->isolate, depth + 1, &child);
            merge_vals(&local, &child, !row->isolate);
        }
    }
    if (def->count != C_NONE)
        local.n[def->count]++;
    if (def->finish)
        def->finish(fc, doc->tvb, el, item, tree, &local, isolated);
    merge_vals(out, &local, TRUE);
}

/* ---- Per-object completion: item text and expert infos ------------------- */

/* User (User object; User notification). A top-level user whose state is
 * LOGOUT gets expert finesse.logout. */
static void
finish_user(finesse_ctx_t *fc, tvbuff_t *tvb _U_, xml_frame_t *el _U_, proto_item *item, proto_tree *tree _U_,
            const vals_t *v, gboolean isolated)
{
    const char *who = v->s[S_USER_ID].value ? v->s[S_USER_ID].value : v->s[S_USER_NAME].value;
    const slot_val_t *reason = v->s[S_REASON_CODE].value ? &v->s[S_REASON_CODE] : &v->s[S_REASON_ID];

    if (who)
        proto_item_append_text(item, " %s", who);
    if (v->s[S_USER_STATE].value)
        proto_item_append_text(item, " %s", v->s[S_USER_STATE].value);
    if (!isolated && !fc->rest && value_is(&v->s[S_USER_STATE], "LOGOUT")) {
        const slot_val_t *at = &v->s[S_USER_STATE];
        const char *why = "";

        if (reason->value)
            why = wmem_strdup_printf(fc->pinfo->pool, " (reason %s%s%s)", info_value(fc->pinfo, reason->value),
                                     v->s[S_REASON_LABEL].value ? " " : "",
                                     v->s[S_REASON_LABEL].value ? info_value(fc->pinfo, v->s[S_REASON_LABEL].value)
                                                                : "");
        proto_tree_add_expert_format(tree, fc->pinfo, &ei_logout, at->tvb, at->offset, at->length,
                                     "Finesse user %s is now LOGOUT%s: signed out, gets no calls. If unexpected, "
                                     "check the reason code (forced sign-outs carry one) and the desktop's XMPP "
                                     "connection", who ? info_value(fc->pinfo, who) : "?", why);
    }
}

static void
finish_reason(finesse_ctx_t *fc _U_, tvbuff_t *tvb _U_, xml_frame_t *el _U_, proto_item *item, proto_tree *tree _U_,
              const vals_t *v, gboolean isolated _U_)
{
    if (v->s[S_REASON_CODE].value)
        proto_item_append_text(item, " %s", v->s[S_REASON_CODE].value);
    if (v->s[S_REASON_LABEL].value)
        proto_item_append_text(item, " %s", v->s[S_REASON_LABEL].value);
}

static void
finish_dialog(finesse_ctx_t *fc _U_, tvbuff_t *tvb _U_, xml_frame_t *el _U_, proto_item *item, proto_tree *tree _U_,
              const vals_t *v, gboolean isolated _U_)
{
    if (v->s[S_DIALOG_ID].value)
        proto_item_append_text(item, " %s", v->s[S_DIALOG_ID].value);
    if (v->s[S_DIALOG_STATE].value)
        proto_item_append_text(item, " %s", v->s[S_DIALOG_STATE].value);
}

static void
finish_participant(finesse_ctx_t *fc _U_, tvbuff_t *tvb _U_, xml_frame_t *el _U_, proto_item *item,
                   proto_tree *tree _U_, const vals_t *v, gboolean isolated _U_)
{
    if (v->s[S_PART_ADDRESS].value)
        proto_item_append_text(item, " %s", v->s[S_PART_ADDRESS].value);
    if (v->s[S_PART_STATE].value)
        proto_item_append_text(item, " %s", v->s[S_PART_STATE].value);
}

static void
finish_call_variable(finesse_ctx_t *fc _U_, tvbuff_t *tvb _U_, xml_frame_t *el _U_, proto_item *item,
                     proto_tree *tree _U_, const vals_t *v, gboolean isolated _U_)
{
    if (v->s[S_CV_NAME].value)
        proto_item_append_text(item, " %s = %s", v->s[S_CV_NAME].value,
                               v->s[S_CV_VALUE].value ? v->s[S_CV_VALUE].value : "");
}

/* apiError (Dialog CTI Error Notification; asynchronous errors): expert
 * finesse.api_error with the error's type, message and data. */
static void
finish_api_error(finesse_ctx_t *fc, tvbuff_t *tvb, xml_frame_t *el, proto_item *item, proto_tree *tree,
                 const vals_t *v, gboolean isolated _U_)
{
    const char *type = v->s[S_ERR_TYPE].value, *msg = v->s[S_ERR_MESSAGE].value, *data = v->s[S_ERR_DATA].value;

    proto_item_append_text(item, " %s: %s", type ? type : "?", msg ? msg : "?");
    if (fc->rest)
        return;   /* a REST error response: finesse.rest.error says it, with the HTTP status */
    proto_tree_add_expert_format(tree, fc->pinfo, &ei_api_error, tvb, el->start_offset, el->length,
                                 "Finesse API error %s: %s (errorData %s): a request failed asynchronously. "
                                 "Match requestId to the REST request; check the agent state and the CTI server",
                                 type ? info_value(fc->pinfo, type) : "?", msg ? info_value(fc->pinfo, msg) : "?",
                                 data ? info_value(fc->pinfo, data) : "none");
}

/* SystemInfo (SystemInfo object): expert finesse.out_of_service when the
 * status is OUT_OF_SERVICE. */
static void
finish_system(finesse_ctx_t *fc, tvbuff_t *tvb _U_, xml_frame_t *el _U_, proto_item *item, proto_tree *tree,
              const vals_t *v, gboolean isolated _U_)
{
    const slot_val_t *st = &v->s[S_SYS_STATUS];

    if (st->value)
        proto_item_append_text(item, " %s", st->value);
    if (value_is(st, "OUT_OF_SERVICE")) {
        const char *why = v->s[S_SYS_REASON].value;
        proto_tree_add_expert_format(tree, fc->pinfo, &ei_out_of_service, st->tvb, st->offset, st->length,
                                     "Finesse is OUT_OF_SERVICE%s%s%s: CTI connection (or a service it needs) lost; "
                                     "agents cannot work until IN_SERVICE. Check the CTI server/PG link and the "
                                     "Finesse services", why ? " (" : "", why ? info_value(fc->pinfo, why) : "",
                                     why ? ")" : "");
    }
}

/* Team (Team notification): the number of its users as a generated field. */
static void
finish_team(finesse_ctx_t *fc _U_, tvbuff_t *tvb, xml_frame_t *el, proto_item *item, proto_tree *tree,
            const vals_t *v, gboolean isolated _U_)
{
    proto_item *pi;

    if (v->s[S_TEAM_ID].value)
        proto_item_append_text(item, " %s", v->s[S_TEAM_ID].value);
    if (v->s[S_TEAM_NAME].value)
        proto_item_append_text(item, " %s", v->s[S_TEAM_NAME].value);
    proto_item_append_text(item, " (%u user%s)", v->n[C_USERS], plurality(v->n[C_USERS], "", "s"));
    pi = proto_tree_add_uint(tree, hf_team_user_count, tvb, el->start_offset, el->length, v->n[C_USERS]);
    proto_item_set_generated(pi);
}

/* Queue (Queue object). Without an <id>, the id is the last segment of its
 * uri (/finesse/api/Queue/{id}), added as a generated field. */
static void
finish_queue(finesse_ctx_t *fc _U_, tvbuff_t *tvb _U_, xml_frame_t *el _U_, proto_item *item, proto_tree *tree,
             const vals_t *v, gboolean isolated _U_)
{
    const char *id = v->s[S_QUEUE_ID].value;

    if (!id && v->s[S_URI].value) {
        const slot_val_t *u = &v->s[S_URI];
        const char *slash = strrchr(u->value, '/');
        if (slash && slash[1]) {
            proto_item *pi = proto_tree_add_string(tree, hf_queue_id, u->tvb, u->offset, u->length, slash + 1);
            proto_item_set_generated(pi);
            id = slash + 1;
        }
    }
    if (id)
        proto_item_append_text(item, " %s", id);
    if (v->s[S_QUEUE_NAME].value)
        proto_item_append_text(item, " %s", v->s[S_QUEUE_NAME].value);
}

/* ---- The notification ---------------------------------------------------- */

/* One-line summary (Info column) from what the call gathered, e.g.
 * "Finesse PUT User administrator NOT_READY (reason 32762 Lunch)". */
static void
build_summary(finesse_ctx_t *fc, wmem_strbuf_t *sb)
{
    const vals_t *u = fc->update, *d = fc->data;
    packet_info *pinfo = fc->pinfo;
    const slot_val_t *s = d->s;

#define SV(slot) info_value(pinfo, s[slot].value)
    if (u->s[S_EVENT].value) {
        char *ev = wmem_strdup(pinfo->pool, info_value(pinfo, u->s[S_EVENT].value));
        wmem_strbuf_append_printf(sb, " %s", ascii_strup_inplace(ev));
    }
    switch (fc->status) {
    case ST_EMPTY:
        wmem_strbuf_append(sb, " (empty)");
        return;
    case ST_TOO_LARGE:
        wmem_strbuf_append(sb, " (too large)");
        return;
    case ST_NO_XML:
        wmem_strbuf_append(sb, " (XML dissector disabled)");
        return;
    default:
        break;
    }
    switch (fc->kind) {
    case OBJ_USER:
    case OBJ_USERS: {
        const slot_t reason = s[S_REASON_CODE].value ? S_REASON_CODE : S_REASON_ID;
        wmem_strbuf_append(sb, " User");
        if (s[S_USER_ID].value || s[S_USER_NAME].value)
            wmem_strbuf_append_printf(sb, " %s", s[S_USER_ID].value ? SV(S_USER_ID) : SV(S_USER_NAME));
        if (s[S_USER_STATE].value)
            wmem_strbuf_append_printf(sb, " %s", SV(S_USER_STATE));
        if (s[reason].value)
            wmem_strbuf_append_printf(sb, " (reason %s%s%s)", SV(reason), s[S_REASON_LABEL].value ? " " : "",
                                      s[S_REASON_LABEL].value ? SV(S_REASON_LABEL) : "");
        if (s[S_USER_PENDING].value)
            wmem_strbuf_append_printf(sb, " (pending %s)", SV(S_USER_PENDING));
        if (d->n[C_USERS] > 1)
            wmem_strbuf_append_printf(sb, " (+%u more)", d->n[C_USERS] - 1);
        break;
    }
    case OBJ_DIALOG:
    case OBJ_DIALOGS:
        wmem_strbuf_append(sb, " Dialog");
        if (s[S_DIALOG_ID].value)
            wmem_strbuf_append_printf(sb, " %s", SV(S_DIALOG_ID));
        if (s[S_DIALOG_STATE].value)
            wmem_strbuf_append_printf(sb, " %s", SV(S_DIALOG_STATE));
        if (s[S_DIALOG_FROM].value)
            wmem_strbuf_append_printf(sb, " from %s", SV(S_DIALOG_FROM));
        if (d->n[C_DIALOGS] > 1)
            wmem_strbuf_append_printf(sb, " (+%u more)", d->n[C_DIALOGS] - 1);
        break;
    case OBJ_API_ERRORS:
    case OBJ_API_ERROR:
        wmem_strbuf_append(sb, " apiErrors");
        if (s[S_ERR_TYPE].value || s[S_ERR_MESSAGE].value)
            wmem_strbuf_append_printf(sb, " %s: %s", s[S_ERR_TYPE].value ? SV(S_ERR_TYPE) : "?",
                                      s[S_ERR_MESSAGE].value ? SV(S_ERR_MESSAGE) : "?");
        if (d->n[C_API_ERRORS] > 1)
            wmem_strbuf_append_printf(sb, " (+%u more)", d->n[C_API_ERRORS] - 1);
        break;
    case OBJ_SYSTEM:
        wmem_strbuf_append(sb, " SystemInfo");
        if (s[S_SYS_STATUS].value)
            wmem_strbuf_append_printf(sb, " %s", SV(S_SYS_STATUS));
        break;
    case OBJ_TEAM:
        wmem_strbuf_append(sb, " Team");
        if (s[S_TEAM_ID].value || s[S_TEAM_NAME].value)
            wmem_strbuf_append_printf(sb, " %s", s[S_TEAM_ID].value ? SV(S_TEAM_ID) : SV(S_TEAM_NAME));
        wmem_strbuf_append_printf(sb, " (%u user%s)", d->n[C_USERS], plurality(d->n[C_USERS], "", "s"));
        break;
    case OBJ_QUEUE:
    case OBJ_QUEUES: {
        const char *id = s[S_QUEUE_ID].value;
        if (!id && s[S_URI].value && strrchr(s[S_URI].value, '/'))
            id = strrchr(s[S_URI].value, '/') + 1;
        wmem_strbuf_append(sb, " Queue");
        if (id && *id)
            wmem_strbuf_append_printf(sb, " %s", info_value(pinfo, id));
        if (s[S_QUEUE_NAME].value)
            wmem_strbuf_append_printf(sb, " %s", SV(S_QUEUE_NAME));
        if (s[S_QUEUE_CALLS].value)
            wmem_strbuf_append_printf(sb, " (%s in queue)", SV(S_QUEUE_CALLS));
        if (d->n[C_QUEUES] > 1)
            wmem_strbuf_append_printf(sb, " (+%u more)", d->n[C_QUEUES] - 1);
        break;
    }
    default:
        if (fc->name)
            wmem_strbuf_append_printf(sb, " %s", info_value(pinfo, fc->name));
        else if (fc->no_data && fc->status == ST_DECODED)
            wmem_strbuf_append(sb, " (no data)");
        break;
    }
    if (fc->malformed)
        wmem_strbuf_append(sb, " [not well-formed]");
    if (fc->status == ST_TOO_DEEP)
        wmem_strbuf_append(sb, " [nested too deeply]");
#undef SV
}

/* The whole notification: parse the <notification> content (escaped or
 * literal), find <Update> (or take the root element as the payload when it
 * is not an Update), resolve <data> (literal children, or escaped text parsed
 * as a second document), then add the generated kind and escaping, the
 * Update's fields and the payload objects. What it finds goes to *fc, for
 * build_summary(). */
static void
dissect_notification(finesse_ctx_t *fc, tvbuff_t *tvb)
{
    packet_info *pinfo = fc->pinfo;
    xmppws_doc_t doc, data_doc;
    xml_frame_t *root, *top, *update = NULL, *data = NULL, *payload_parent = NULL, *payload;
    gboolean escaped = FALSE;
    const field_row_t *row;
    proto_item *pi;
    int len = (int)tvb_captured_length(tvb);

    if ((guint)len > pref_max_payload) {
        proto_tree_add_expert_format(fc->tree, pinfo, &ei_too_large, tvb, 0, len,
                                     "Finesse notification of %d bytes exceeds the finesse.max_payload preference "
                                     "(%u bytes); not decoded. Finesse objects are a few KiB: check what published it",
                                     len, pref_max_payload);
        fc->status = ST_TOO_LARGE;
        return;
    }
    fc->status = ST_EMPTY;
    root = parse_content(fc, tvb, 0, len, &doc, &escaped);
    if (root || fc->malformed)
        fc->status = ST_DECODED;
    if (!root)
        return;
    if (escaped)
        fc->escaping |= ESCAPED_UPDATE;
    top = first_element(root);
    data_doc = doc;
    if (top && g_ascii_strcasecmp(top->name_orig_case, "Update") == 0) {
        update = top;
        data = child_ci(update, "data");
    } else if (top) {
        payload_parent = root;   /* a bare object, published without <Update> */
    }
    if (data) {
        int off, clen;
        if (first_element(data)) {
            payload_parent = data;
        } else if (content_span(&doc, data, &off, &clen)) {
            payload_parent = parse_content(fc, doc.tvb, off, clen, &data_doc, &escaped);
            if (escaped)
                fc->escaping |= ESCAPED_DATA;
        }
    }
    payload = first_element(payload_parent);
    if (payload && (row = find_row(OBJ_DATA, payload->name_orig_case)) != NULL)
        fc->kind = row->child;
    else if (payload)
        fc->name = payload->name_orig_case;
    fc->no_data = update && !payload;

    pi = proto_tree_add_uint(fc->tree, hf_kind, tvb, 0, 0, obj_defs[fc->kind].kind);
    proto_item_set_generated(pi);
    pi = proto_tree_add_uint(fc->tree, hf_escaping, tvb, 0, 0, fc->escaping);
    proto_item_set_generated(pi);
    if (update)
        walk_object(fc, &doc, update, OBJ_UPDATE, fc->tree, FALSE, 0, fc->update);
    if (payload_parent)
        walk_object(fc, &data_doc, payload_parent, OBJ_DATA, fc->tree, FALSE, 0, fc->data);
}

/* Queue one "finesse" tap record (finesse_tap_info_t) for a decoded
 * notification: a document was parsed, well-formed and not too deep.
 * Notifications that are empty, too large, too deep, not well-formed (or
 * raised an exception) or could not be parsed (XML dissector disabled) get
 * none: the tap counts what the packet details decode, and those carry
 * their expert info instead. At most FINESSE_MAX_TAPS_PER_FRAME per frame. */
static finesse_tap_info_t *
queue_tap(finesse_ctx_t *fc, const xmppws_pubsub_payload_t *call)
{
    packet_info *pinfo = fc->pinfo;
    const slot_val_t *u = fc->update->s, *d = fc->data->s;
    finesse_tap_info_t *ti;
    guint32 *taps;

    if ((fc->status != ST_DECODED && !fc->rest) || fc->malformed || !have_tap_listener(finesse_tap))
        return NULL;
    taps = (guint32 *)p_get_proto_data(pinfo->pool, pinfo, proto_finesse, FINESSE_KEY_TAPS);
    if (!taps) {
        taps = wmem_new0(pinfo->pool, guint32);
        p_add_proto_data(pinfo->pool, pinfo, proto_finesse, FINESSE_KEY_TAPS, taps);
    }
    if ((*taps)++ >= FINESSE_MAX_TAPS_PER_FRAME)
        return NULL;

    ti = wmem_new0(pinfo->pool, finesse_tap_info_t);
    ti->stream = call ? call->stream : 0;
    ti->node = call ? call->node : NULL;
    ti->kind = val_to_str_const(obj_defs[fc->kind].kind, kind_vals, "other");
    ti->event = u[S_EVENT].value;
    ti->source = u[S_SOURCE].value;
    ti->solicited = u[S_REQUEST_ID].value != NULL;   /* leaf_text(): NULL when empty */
    ti->user_id = d[S_USER_ID].value ? d[S_USER_ID].value : d[S_USER_NAME].value;
    ti->user_state = d[S_USER_STATE].value;
    ti->pending_state = d[S_USER_PENDING].value;
    ti->reason_code = d[S_REASON_CODE].value ? d[S_REASON_CODE].value : d[S_REASON_ID].value;
    ti->reason_label = d[S_REASON_LABEL].value;
    ti->dialog_id = d[S_DIALOG_ID].value;
    ti->dialog_state = d[S_DIALOG_STATE].value;
    ti->api_error_type = d[S_ERR_TYPE].value;
    ti->api_error_message = d[S_ERR_MESSAGE].value;
    ti->system_status = d[S_SYS_STATUS].value;
    ti->has_latency = fc->has_latency;
    ti->latency = fc->latency;
    ti->rest = fc->rest;
    ti->rest_call = fc->rest_call;
    ti->rest_status = fc->rest_status;
    ti->has_response_time = fc->rest && !nstime_is_unset(&fc->rest_response_time);
    ti->response_time = fc->rest_response_time;
    tap_queue_packet(finesse_tap, pinfo, ti);
    return ti;
}

/* What finesse-rest.c needs of a decoded document. */
static void
rest_doc(const finesse_ctx_t *fc, finesse_rest_doc_t *doc)
{
    const slot_val_t *d = fc->data->s;

    memset(doc, 0, sizeof *doc);
    if (fc->status != ST_DECODED)
        return;
    doc->user_id = d[S_USER_ID].value ? d[S_USER_ID].value : d[S_USER_NAME].value;
    doc->state = d[S_USER_STATE].value;
    doc->reason = d[S_REASON_ID].value ? d[S_REASON_ID].value : d[S_REASON_CODE].value;
    doc->error_type = d[S_ERR_TYPE].value;
    doc->error_message = d[S_ERR_MESSAGE].value;
}

/* Dissector "finesse": tvb = the content of a pubsub <notification/> item
 * payload as sent; data = xmppws_pubsub_payload_t (xmppws.h) or NULL.
 * The summary is appended to call->summary; with NULL data (direct use, a
 * fuzzer) it goes to the Protocol and Info columns instead. */
static int
dissect_finesse(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    xmppws_pubsub_payload_t *call = (xmppws_pubsub_payload_t *)data;
    finesse_ctx_t *fc = wmem_new0(pinfo->pool, finesse_ctx_t);
    proto_item *ti;
    wmem_strbuf_t *summary = wmem_strbuf_new(pinfo->pool, "Finesse");
    const char *text;

    fc->pinfo = pinfo;
    fc->update = wmem_new0(pinfo->pool, vals_t);
    fc->data = wmem_new0(pinfo->pool, vals_t);
    ti = proto_tree_add_item(tree, proto_finesse, tvb, 0, -1, ENC_NA);
    fc->tree = proto_item_add_subtree(ti, ett_finesse);

    TRY {
        dissect_notification(fc, tvb);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(tvb, pinfo, fc->tree, EXCEPT_CODE, GET_MESSAGE);
        fc->malformed = TRUE;
    }
    ENDTRY;

    {
        guint32 *n = (guint32 *)p_get_proto_data(pinfo->pool, pinfo, proto_finesse, FINESSE_KEY_NOTIFS);
        finesse_rest_doc_t doc;
        if (!n) {
            n = wmem_new0(pinfo->pool, guint32);
            p_add_proto_data(pinfo->pool, pinfo, proto_finesse, FINESSE_KEY_NOTIFS, n);
        }
        rest_doc(fc, &doc);
        fc->has_latency = finesse_rest_notification(tvb, pinfo, fc->tree, (*n)++, fc->update->s[S_REQUEST_ID].value,
                                                    &doc, &fc->latency);
    }
    build_summary(fc, summary);
    queue_tap(fc, call);
    text = wmem_strbuf_get_str(summary);
    if (strlen(text) > strlen("Finesse "))
        proto_item_append_text(ti, ", %s", text + strlen("Finesse "));
    if (call) {
        if (call->summary)
            wmem_strbuf_append(call->summary, text);
    } else {
        col_set_str(pinfo->cinfo, COL_PROTOCOL, "Finesse");
        col_add_str(pinfo->cinfo, COL_INFO, text);
    }
    return tvb_captured_length(tvb);
}

/* ---- Registration -------------------------------------------------------- */

void
proto_register_finesse(void)
{
    static hf_register_info hf[] = {
        { &hf_kind,
          { "Kind", "finesse.kind",
            FT_UINT8, BASE_DEC, VALS(kind_vals), 0x0,
            "Payload type: 1 user, 2 dialog, 3 team, 4 queue, 5 system_info, 6 api_errors, 0 other (generated; "
            "filter by name or number: finesse.kind == \"user\")", HFILL }
        },
        { &hf_escaping,
          { "Escaping", "finesse.escaping",
            FT_UINT8, BASE_DEC, VALS(escaping_vals), 0x0,
            "How the <Update> was carried: 0 literal XML, 1 whole <Update> escaped, 2 <data> escaped, 3 both "
            "(generated)", HFILL }
        },
        { &hf_event,
          { "Event", "finesse.event",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Update/event as sent: PUT, POST or DELETE (case varies)", HFILL }
        },
        { &hf_request_id,
          { "Request ID", "finesse.request_id",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Update/requestId: the REST request that caused it (absent or empty when unsolicited)", HFILL }
        },
        { &hf_source,
          { "Source", "finesse.source",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Update/source: URI of the changed object", HFILL }
        },
        { &hf_uri,
          { "URI", "finesse.uri",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "uri of an object", HFILL }
        },
        { &hf_other,
          { "Other element", "finesse.other",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "An element this dissector has no field for", HFILL }
        },

        { &hf_user,
          { "User", "finesse.user",
            FT_NONE, BASE_NONE, NULL, 0x0,
            "User object", HFILL }
        },
        { &hf_user_id,
          { "Login ID", "finesse.user.id",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/loginId", HFILL }
        },
        { &hf_user_name,
          { "Login name", "finesse.user.name",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/loginName", HFILL }
        },
        { &hf_user_first_name,
          { "First name", "finesse.user.first_name",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/firstName", HFILL }
        },
        { &hf_user_last_name,
          { "Last name", "finesse.user.last_name",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/lastName", HFILL }
        },
        { &hf_user_extension,
          { "Extension", "finesse.user.extension",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/extension", HFILL }
        },
        { &hf_user_state,
          { "State", "finesse.user.state",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/state as sent: LOGIN, LOGOUT, NOT_READY, READY, RESERVED, RESERVED_OUTBOUND, "
            "RESERVED_OUTBOUND_PREVIEW, TALKING, HOLD, WORK, WORK_READY", HFILL }
        },
        { &hf_user_pending_state,
          { "Pending state", "finesse.user.pending_state",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/pendingState", HFILL }
        },
        { &hf_user_reason_code,
          { "Reason code", "finesse.user.reason_code",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/reasonCodeId and User/ReasonCode/code", HFILL }
        },
        { &hf_user_reason_code_id,
          { "Reason code ID", "finesse.user.reason_code_id",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/ReasonCode/id (database id of the reason code)", HFILL }
        },
        { &hf_user_reason_label,
          { "Reason label", "finesse.user.reason_label",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/ReasonCode/label", HFILL }
        },
        { &hf_user_reason_category,
          { "Reason category", "finesse.user.reason_category",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/ReasonCode/category: NOT_READY or LOGOUT", HFILL }
        },
        { &hf_user_reason,
          { "ReasonCode", "finesse.user.reason",
            FT_NONE, BASE_NONE, NULL, 0x0,
            "User/ReasonCode object", HFILL }
        },
        { &hf_user_state_change_time,
          { "State change time", "finesse.user.state_change_time",
            FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
            "User/stateChangeTime (ISO 8601; not a date-time: shown as other, with finesse.bad_time)", HFILL }
        },
        { &hf_user_team,
          { "Team", "finesse.user.team",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/teamName", HFILL }
        },
        { &hf_user_team_id,
          { "Team ID", "finesse.user.team_id",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/teamId", HFILL }
        },
        { &hf_user_role,
          { "Role", "finesse.user.role",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "User/roles/role: Agent, Supervisor, Admin", HFILL }
        },

        { &hf_dialog,
          { "Dialog", "finesse.dialog",
            FT_NONE, BASE_NONE, NULL, 0x0,
            "Dialog object", HFILL }
        },
        { &hf_dialog_id,
          { "Dialog ID", "finesse.dialog.id",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/id", HFILL }
        },
        { &hf_dialog_secondary_id,
          { "Secondary ID", "finesse.dialog.secondary_id",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/secondaryId", HFILL }
        },
        { &hf_dialog_associated_uri,
          { "Associated dialog", "finesse.dialog.associated_uri",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/associatedDialogUri", HFILL }
        },
        { &hf_dialog_state,
          { "State", "finesse.dialog.state",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/state as sent: INITIATING, INITIATED, ALERTING, ACTIVE, FAILED, DROPPED, ACCEPTED; non-voice "
            "OFFERED, PAUSED, WRAPPING_UP, INTERRUPTED, CLOSED, UNKNOWN", HFILL }
        },
        { &hf_dialog_media_type,
          { "Media type", "finesse.dialog.media_type",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/mediaType", HFILL }
        },
        { &hf_dialog_from_address,
          { "From address", "finesse.dialog.from_address",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/fromAddress", HFILL }
        },
        { &hf_dialog_to_address,
          { "To address", "finesse.dialog.to_address",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/toAddress", HFILL }
        },
        { &hf_dialog_media_properties,
          { "Media properties", "finesse.dialog.media_properties",
            FT_NONE, BASE_NONE, NULL, 0x0,
            "Dialog/mediaProperties", HFILL }
        },
        { &hf_dialog_dialed_number,
          { "Dialed number", "finesse.dialog.dialed_number",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/mediaProperties/dialedNumber", HFILL }
        },
        { &hf_dialog_dnis,
          { "DNIS", "finesse.dialog.dnis",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/mediaProperties/DNIS", HFILL }
        },
        { &hf_dialog_call_type,
          { "Call type", "finesse.dialog.call_type",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/mediaProperties/callType", HFILL }
        },
        { &hf_dialog_queue,
          { "Queue", "finesse.dialog.queue",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/mediaProperties/queueName", HFILL }
        },
        { &hf_dialog_queue_number,
          { "Queue number", "finesse.dialog.queue_number",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/mediaProperties/queueNumber", HFILL }
        },
        { &hf_dialog_wrap_up_reason,
          { "Wrap-up reason", "finesse.dialog.wrap_up_reason",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Dialog/mediaProperties/wrapUpReason", HFILL }
        },
        { &hf_participant,
          { "Participant", "finesse.participant",
            FT_NONE, BASE_NONE, NULL, 0x0,
            "Dialog/participants/Participant", HFILL }
        },
        { &hf_participant_media_address,
          { "Media address", "finesse.participant.media_address",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Participant/mediaAddress (extension)", HFILL }
        },
        { &hf_participant_media_address_type,
          { "Media address type", "finesse.participant.media_address_type",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Participant/mediaAddressType", HFILL }
        },
        { &hf_participant_state,
          { "State", "finesse.participant.state",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Participant/state as sent: INITIATING, INITIATED, ALERTING, ACTIVE, FAILED, HELD, DROPPED, "
            "WRAP_UP, ACCEPTED, ...", HFILL }
        },
        { &hf_participant_state_cause,
          { "State cause", "finesse.participant.state_cause",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Participant/stateCause", HFILL }
        },
        { &hf_participant_action,
          { "Action", "finesse.participant.action",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Participant/actions/action: an action the participant may take", HFILL }
        },
        { &hf_participant_start_time,
          { "Start time", "finesse.participant.start_time",
            FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
            "Participant/startTime (ISO 8601; not a date-time: shown as other, with finesse.bad_time)", HFILL }
        },
        { &hf_participant_state_change_time,
          { "State change time", "finesse.participant.state_change_time",
            FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
            "Participant/stateChangeTime (ISO 8601; not a date-time: shown as other, with finesse.bad_time)", HFILL }
        },
        { &hf_call_variable,
          { "Call variable", "finesse.call_variable",
            FT_NONE, BASE_NONE, NULL, 0x0,
            "Dialog/mediaProperties/callvariables/CallVariable", HFILL }
        },
        { &hf_call_variable_name,
          { "Name", "finesse.call_variable.name",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "CallVariable/name", HFILL }
        },
        { &hf_call_variable_value,
          { "Value", "finesse.call_variable.value",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "CallVariable/value", HFILL }
        },

        { &hf_api_error_type,
          { "Error type", "finesse.api_error.type",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "apiError/errorType", HFILL }
        },
        { &hf_api_error_message,
          { "Error message", "finesse.api_error.message",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "apiError/errorMessage", HFILL }
        },
        { &hf_api_error_data,
          { "Error data", "finesse.api_error.data",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "apiError/errorData", HFILL }
        },

        { &hf_system,
          { "SystemInfo", "finesse.system",
            FT_NONE, BASE_NONE, NULL, 0x0,
            "SystemInfo object", HFILL }
        },
        { &hf_system_status,
          { "Status", "finesse.system.status",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "SystemInfo/status: IN_SERVICE or OUT_OF_SERVICE", HFILL }
        },
        { &hf_system_status_reason,
          { "Status reason", "finesse.system.status_reason",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "SystemInfo/statusReason", HFILL }
        },
        { &hf_system_deployment_type,
          { "Deployment type", "finesse.system.deployment_type",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "SystemInfo/deploymentType", HFILL }
        },
        { &hf_system_xmpp_domain,
          { "XMPP domain", "finesse.system.xmpp_domain",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "SystemInfo/xmppDomain", HFILL }
        },
        { &hf_system_pubsub_domain,
          { "XMPP pubsub domain", "finesse.system.pubsub_domain",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "SystemInfo/xmppPubSubDomain", HFILL }
        },
        { &hf_system_timestamp,
          { "Current timestamp", "finesse.system.timestamp",
            FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
            "SystemInfo/currentTimestamp (ISO 8601; not a date-time: shown as other, with finesse.bad_time)", HFILL }
        },

        { &hf_team,
          { "Team", "finesse.team",
            FT_NONE, BASE_NONE, NULL, 0x0,
            "Team object", HFILL }
        },
        { &hf_team_id,
          { "Team ID", "finesse.team.id",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Team/id", HFILL }
        },
        { &hf_team_name,
          { "Team name", "finesse.team.name",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Team/name", HFILL }
        },
        { &hf_team_user_count,
          { "Users", "finesse.team.user_count",
            FT_UINT32, BASE_DEC, NULL, 0x0,
            "Number of Team/users/User (generated)", HFILL }
        },

        { &hf_queue,
          { "Queue", "finesse.queue",
            FT_NONE, BASE_NONE, NULL, 0x0,
            "Queue object", HFILL }
        },
        { &hf_queue_id,
          { "Queue ID", "finesse.queue.id",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Queue/id, or the last segment of Queue/uri", HFILL }
        },
        { &hf_queue_name,
          { "Queue name", "finesse.queue.name",
            FT_STRING, BASE_NONE, NULL, 0x0,
            "Queue/name", HFILL }
        },
        { &hf_queue_statistics,
          { "Statistics", "finesse.queue.statistics",
            FT_NONE, BASE_NONE, NULL, 0x0,
            "Queue/statistics", HFILL }
        },
        { &hf_queue_calls_in_queue,
          { "Calls in queue", "finesse.queue.calls_in_queue",
            FT_INT32, BASE_DEC, NULL, 0x0,
            "statistics/callsInQueue", HFILL }
        },
        { &hf_queue_longest_call_start,
          { "Start of longest call in queue", "finesse.queue.longest_call_start",
            FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
            "statistics/startTimeOfLongestCallInQueue (ISO 8601; not a date-time: shown as other, with finesse.bad_time)", HFILL }
        },
        { &hf_queue_agents_ready,
          { "Agents ready", "finesse.queue.agents_ready",
            FT_INT32, BASE_DEC, NULL, 0x0,
            "statistics/agentsReady", HFILL }
        },
        { &hf_queue_agents_not_ready,
          { "Agents not ready", "finesse.queue.agents_not_ready",
            FT_INT32, BASE_DEC, NULL, 0x0,
            "statistics/agentsNotReady", HFILL }
        },
        { &hf_queue_agents_busy_other,
          { "Agents busy other", "finesse.queue.agents_busy_other",
            FT_INT32, BASE_DEC, NULL, 0x0,
            "statistics/agentsBusyOther", HFILL }
        },
        { &hf_queue_agents_logged_on,
          { "Agents logged on", "finesse.queue.agents_logged_on",
            FT_INT32, BASE_DEC, NULL, 0x0,
            "statistics/agentsLoggedOn", HFILL }
        },
        { &hf_queue_agents_talking_inbound,
          { "Agents talking inbound", "finesse.queue.agents_talking_inbound",
            FT_INT32, BASE_DEC, NULL, 0x0,
            "statistics/agentsTalkingInbound", HFILL }
        },
        { &hf_queue_agents_talking_outbound,
          { "Agents talking outbound", "finesse.queue.agents_talking_outbound",
            FT_INT32, BASE_DEC, NULL, 0x0,
            "statistics/agentsTalkingOutbound", HFILL }
        },
        { &hf_queue_agents_talking_internal,
          { "Agents talking internal", "finesse.queue.agents_talking_internal",
            FT_INT32, BASE_DEC, NULL, 0x0,
            "statistics/agentsTalkingInternal", HFILL }
        },
        { &hf_queue_agents_wrap_up_not_ready,
          { "Agents in wrap-up, then not ready", "finesse.queue.agents_wrap_up_not_ready",
            FT_INT32, BASE_DEC, NULL, 0x0,
            "statistics/agentsWrapUpNotReady", HFILL }
        },
        { &hf_queue_agents_wrap_up_ready,
          { "Agents in wrap-up, then ready", "finesse.queue.agents_wrap_up_ready",
            FT_INT32, BASE_DEC, NULL, 0x0,
            "statistics/agentsWrapUpReady", HFILL }
        },
    };
    static gint *ett[] = {
        &ett_finesse, &ett_user, &ett_reason, &ett_dialog, &ett_media_properties, &ett_participant,
        &ett_call_variable, &ett_api_error, &ett_system, &ett_team, &ett_queue, &ett_queue_statistics,
    };
    static ei_register_info ei[] = {
        { &ei_api_error, { "finesse.api_error", PI_RESPONSE_CODE, PI_WARN,
            "Finesse reported an API error (apiErrors; Dialog CTI Error Notification)", EXPFILL } },
        { &ei_out_of_service, { "finesse.out_of_service", PI_RESPONSE_CODE, PI_WARN,
            "Finesse SystemInfo status OUT_OF_SERVICE: CTI connection lost", EXPFILL } },
        { &ei_logout, { "finesse.logout", PI_SEQUENCE, PI_NOTE,
            "Finesse user changed state to LOGOUT", EXPFILL } },
        { &ei_malformed, { "finesse.malformed", PI_MALFORMED, PI_ERROR,
            "Finesse notification is not well-formed XML (XML 1.0 2.1)", EXPFILL } },
        { &ei_too_deep, { "finesse.too_deep", PI_UNDECODED, PI_WARN,
            "Finesse notification nests elements too deeply; not decoded", EXPFILL } },
        { &ei_bad_time, { "finesse.bad_time", PI_MALFORMED, PI_WARN,
            "Finesse date-time that is not ISO 8601 (shown as sent)", EXPFILL } },
        { &ei_too_large, { "finesse.too_large", PI_UNDECODED, PI_WARN,
            "Finesse notification too large; not decoded", EXPFILL } },
        { &ei_xml_disabled, { "finesse.xml_disabled", PI_UNDECODED, PI_WARN,
            "The XML dissector is disabled: Finesse notifications are not decoded", EXPFILL } },
        { &ei_service_unavailable, { "finesse.service_unavailable", PI_RESPONSE_CODE, PI_WARN,
            "Presence unavailable from the finesse@<domain> account: the Finesse notification service is down",
            EXPFILL } },
        { &ei_agent_unavailable, { "finesse.agent_unavailable", PI_SEQUENCE, PI_NOTE,
            "The desktop sent unavailable presence: unless it logs in again within 60 s, Finesse forces the agent "
            "to LOGOUT with reason code 255", EXPFILL } },
        { &ei_unknown_data, { "finesse.unknown_data", PI_UNDECODED, PI_NOTE,
            "Finesse <data> holds an object this dissector does not know", EXPFILL } },
    };
    module_t *module;
    expert_module_t *em;

    proto_finesse = proto_register_protocol("Cisco Finesse Notification", "Finesse", "finesse");
    proto_register_field_array(proto_finesse, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    em = expert_register_protocol(proto_finesse);
    expert_register_field_array(em, ei, array_length(ei));

    module = prefs_register_protocol(proto_finesse, NULL);
    prefs_register_bool_preference(module, "show_xml_tree", "Show the XML tree of each notification",
                                   "Also show Wireshark's generic XML tree of the (unescaped) <Update> document",
                                   &pref_show_xml_tree);
    prefs_register_uint_preference(module, "max_payload", "Largest notification decoded (bytes)",
                                   "Notifications larger than this are shown but not decoded (expert "
                                   "finesse.too_large); bounds the work per notification",
                                   10, &pref_max_payload);

    finesse_rest_register(proto_finesse, module, &hf_request_id);
    register_dissector("finesse", dissect_finesse, proto_finesse);
    /* one finesse_tap_info_t per decoded notification (queue_tap());
     * -z finesse,tree in finesse-stats.c */
    finesse_tap = register_tap("finesse");
}

/* Heuristic on xmppws's "xmppws.pubsub" list: Cisco Finesse carries its
 * <Update> documents in a <notification xmlns=
 * "http://jabber.org/protocol/pubsub"> item payload (Finesse Web Services,
 * notifications); that carrier is what we take. */
static xmppws_heur_ret_t
dissect_finesse_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const xmppws_pubsub_payload_t *p = (const xmppws_pubsub_payload_t *)data;

    if (!p || !p->payload_name || strcmp(p->payload_name, "notification") != 0 ||
        !p->payload_ns || strcmp(p->payload_ns, XMPPWS_NS_PUBSUB) != 0)
        return FALSE;
    dissect_finesse(tvb, pinfo, tree, data);
    return TRUE;
}

/* Heuristic on xmppws's "xmppws.http" list: the Finesse REST API
 * (/finesse/api/..., Cisco Finesse Web Services) next to the desktop's
 * XMPP. Its XML bodies (a PUT's partial <User>, a GET's <User>, an error's
 * <ApiErrors>) are the same documents as the notifications' and decode
 * with the same fields; finesse-rest.c ties requests to responses and to
 * the notifications they cause. */
static xmppws_heur_ret_t
dissect_finesse_rest(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const xmppws_http_message_t *m = (const xmppws_http_message_t *)data;
    finesse_ctx_t *fc;
    proto_item *ti;
    wmem_strbuf_t *summary;
    finesse_rest_doc_t doc;
    gboolean has_body = tvb_captured_length(tvb) > 0;

    if (!finesse_rest_claim(pinfo, m))
        return FALSE;
    fc = wmem_new0(pinfo->pool, finesse_ctx_t);
    fc->pinfo = pinfo;
    fc->rest = TRUE;
    fc->update = wmem_new0(pinfo->pool, vals_t);
    fc->data = wmem_new0(pinfo->pool, vals_t);
    summary = wmem_strbuf_new(pinfo->pool, "Finesse");
    ti = proto_tree_add_item(tree, proto_finesse, tvb, 0, -1, ENC_NA);
    fc->tree = proto_item_add_subtree(ti, ett_finesse);
    if (has_body) {
        TRY {
            dissect_notification(fc, tvb);
        }
        CATCH_NONFATAL_ERRORS {
            show_exception(tvb, pinfo, fc->tree, EXCEPT_CODE, GET_MESSAGE);
            fc->malformed = TRUE;
        }
        ENDTRY;
    }
    rest_doc(fc, &doc);
    finesse_rest_show(tvb, pinfo, fc->tree, has_body ? &doc : NULL, summary, &fc->rest_call, &fc->rest_status,
                      &fc->rest_response_time);
    /* a response's document says what it is; a request's is in the REST summary */
    if (has_body && !m->request)
        build_summary(fc, summary);
    proto_item_append_text(ti, ", %s", wmem_strbuf_get_str(summary) + strlen("Finesse "));
    queue_tap(fc, NULL);
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Finesse");
    col_clear_fence(pinfo->cinfo, COL_INFO);
    col_add_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(summary));
    return TRUE;
}

/* Heuristic on xmppws's "xmppws.presence" list: what an unavailable
 * presence means to Finesse (Finesse Web Services, "Desktop presence and
 * forced logout"). The Finesse server's own account (finesse@<domain>)
 * going away means the notification service is down; a desktop's own
 * unavailable presence starts Finesse's 60-second forced-logout timer. Both
 * are warnings or notes, not errors: a presence is a state, not a failure. */
static xmppws_heur_ret_t
dissect_finesse_presence(tvbuff_t *tvb _U_, packet_info *pinfo, proto_tree *tree _U_, void *data)
{
    const xmppws_presence_t *p = (const xmppws_presence_t *)data;

    if (!p || !p->type || strcmp(p->type, "unavailable") != 0)
        return FALSE;
    if (p->from && g_str_has_prefix(p->from, "finesse@")) {
        expert_add_info_format(pinfo, p->item, &ei_service_unavailable,
                               "Presence unavailable from %s: the Finesse notification service went down or "
                               "lost its XMPP session; desktops fail over or show an outage", p->from);
        return TRUE;
    }
    if (p->direction == XMPPWS_DIR_C2S && !p->to) {
        expert_add_info(pinfo, p->item, &ei_agent_unavailable);
        return TRUE;
    }
    return FALSE;
}

void
proto_reg_handoff_finesse(void)
{
    /* The XML dissector, reached through xmppws-xml.c. */
    find_dissector_add_dependency("xml", proto_finesse);
    heur_dissector_add(XMPPWS_PUBSUB_LIST, dissect_finesse_heur, "Cisco Finesse notification (pubsub payload)",
                       "finesse_pubsub", proto_finesse, HEURISTIC_ENABLE);
    heur_dissector_add(XMPPWS_PRESENCE_LIST, dissect_finesse_presence, "Cisco Finesse presence",
                       "finesse_presence", proto_finesse, HEURISTIC_ENABLE);
    heur_dissector_add(XMPPWS_HTTP_LIST, dissect_finesse_rest, "Cisco Finesse REST API (/finesse/api/)",
                       "finesse_rest", proto_finesse, HEURISTIC_ENABLE);
    finesse_handoff_stats(proto_finesse);
}
