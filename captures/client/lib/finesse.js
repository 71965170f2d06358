// Builders for Cisco Finesse notification documents (the text that goes,
// XML-escaped, inside <notification xmlns="http://jabber.org/protocol/pubsub">).
//
// Element names and order follow the Finesse Web Services developer guide:
// an <Update> with <data>, <event>, <requestId>, <source>; User, Dialog,
// SystemInfo and apiErrors documents with their children in Finesse's
// (mostly alphabetical) order. These functions return XML *strings*; the
// XMPP layer escapes them a second time when it puts them in <notification>.

export const DOMAIN = "uccxpub.prabhat.com";

// Escape a value for use inside a Finesse document.
export function esc(value) {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const el = (name, value) => `<${name}>${value ?? ""}</${name}>`;

// <Update> envelope.
export function update({ data, event = "PUT", requestId = "", source }) {
  return `<Update><data>${data}</data>${el("event", event)}${el("requestId", requestId)}${el("source", source)}</Update>`;
}

// Timestamps: a fixed base plus an offset in seconds, so every regeneration
// writes the same documents.
const BASE = Date.parse("2026-11-21T10:15:00.000Z");
export function ts(offsetSeconds = 0) {
  return new Date(BASE + offsetSeconds * 1000).toISOString();
}

// Reason codes used by the scenarios (Finesse /finesse/api/ReasonCode/{id}).
export const REASONS = {
  lunch: { id: 32762, category: "NOT_READY", label: "Lunch" },
  endOfShift: { id: 32760, category: "LOGOUT", label: "End of shift" },
};

function reasonCode(r) {
  return (
    "<ReasonCode>" +
    el("category", r.category) +
    el("code", r.id) +
    el("label", esc(r.label)) +
    el("id", r.id) +
    el("uri", `/finesse/api/ReasonCode/${r.id}`) +
    "</ReasonCode>"
  );
}

// A full Finesse <user> document.
export function userDoc({
  loginId = "administrator",
  firstName = "Admin",
  lastName = "Istrator",
  extension = "1001",
  state,
  reason = null,
  pendingState = "",
  stateChangeTime,
  roles = ["Agent", "Supervisor"],
  teamId = 1,
  teamName = "Default",
}) {
  return (
    "<user>" +
    el("dialogs", `/finesse/api/User/${loginId}/Dialogs`) +
    el("extension", extension) +
    el("firstName", esc(firstName)) +
    el("lastName", esc(lastName)) +
    el("loginId", loginId) +
    el("loginName", loginId) +
    el("mediaType", 1) +
    el("pendingState", pendingState) +
    (reason ? el("reasonCodeId", reason.id) + reasonCode(reason) : "") +
    el("roles", roles.map((r) => el("role", r)).join("")) +
    el("settings", el("wrapUpOnIncoming", "OPTIONAL")) +
    el("state", state) +
    el("stateChangeTime", stateChangeTime) +
    el("teamId", teamId) +
    el("teamName", esc(teamName)) +
    el("uri", `/finesse/api/User/${loginId}`) +
    "</user>"
  );
}

// Update for a user node (/finesse/api/User/{id}).
export function userUpdate(user, { requestId = "" } = {}) {
  const loginId = user.loginId ?? "administrator";
  return update({
    data: userDoc(user),
    event: "PUT",
    requestId,
    source: `/finesse/api/User/${loginId}`,
  });
}

// Update for a team node (/finesse/api/Team/{id}/Users): the changed member.
export function teamUsersUpdate(user, teamId = 1) {
  return update({
    data: userDoc({ teamId, ...user }),
    event: "PUT",
    source: `/finesse/api/Team/${teamId}/Users`,
  });
}

// ---- Dialogs ---------------------------------------------------------------

const AGENT_ACTIONS = {
  ALERTING: ["ANSWER"],
  ACTIVE: [
    "TRANSFER_SST",
    "CONSULT_CALL",
    "HOLD",
    "UPDATE_CALL_DATA",
    "SEND_DTMF",
    "START_RECORDING",
    "DROP",
  ],
  HELD: ["RETRIEVE", "CONSULT_CALL", "UPDATE_CALL_DATA", "DROP"],
  DROPPED: [],
};
const CALLER_ACTIONS = {
  ACTIVE: ["UPDATE_CALL_DATA"],
  HELD: ["UPDATE_CALL_DATA"],
  DROPPED: [],
};

function participant({ address, state, stateCause = "", actions, startTime, stateChangeTime }) {
  return (
    "<Participant>" +
    el("actions", actions.map((a) => el("action", a)).join("")) +
    el("mediaAddress", address) +
    el("mediaAddressType", address === "1001" ? "AGENT_DEVICE" : "") +
    el("startTime", startTime) +
    el("state", state) +
    el("stateCause", stateCause) +
    el("stateChangeTime", stateChangeTime) +
    "</Participant>"
  );
}

// A voice <Dialog>. `callerState`/`agentState` are participant states.
export function dialogDoc({
  id = "53149720",
  fromAddress = "335892",
  toAddress = "1001",
  state,
  callerState,
  agentState,
  agentStateCause = "",
  callerStateCause = "",
  startTime,
  stateChangeTime,
}) {
  const callvars = [
    ["callVariable1", "12345"],
    ["user.CustomerName", "Jane & Co"],
  ]
    .map(([n, v]) => `<CallVariable>${el("name", esc(n))}${el("value", esc(v))}</CallVariable>`)
    .join("");
  return (
    "<Dialog>" +
    el("associatedDialogUri", "") +
    el("fromAddress", fromAddress) +
    el("id", id) +
    "<mediaProperties>" +
    el("DNIS", "1001") +
    el("callType", "ACD_IN") +
    el("dialedNumber", "1001") +
    el("outboundClassification", "") +
    el("callvariables", callvars) +
    el("queueName", "Sales") +
    el("queueNumber", "5000") +
    el("wrapUpReason", "") +
    "</mediaProperties>" +
    el("mediaType", "Voice") +
    "<participants>" +
    participant({
      address: fromAddress,
      state: callerState,
      stateCause: callerStateCause,
      actions: CALLER_ACTIONS[callerState] ?? [],
      startTime,
      stateChangeTime,
    }) +
    participant({
      address: toAddress,
      state: agentState,
      stateCause: agentStateCause,
      actions: AGENT_ACTIONS[agentState] ?? [],
      startTime,
      stateChangeTime,
    }) +
    "</participants>" +
    el("state", state) +
    el("toAddress", toAddress) +
    el("uri", `/finesse/api/Dialog/${id}`) +
    "</Dialog>"
  );
}

// POST (new dialog) and DELETE are sent for the user's Dialogs collection,
// PUT for the dialog itself.
export function dialogUpdate(event, dialog, loginId = "administrator") {
  const doc = dialogDoc(dialog);
  if (event === "PUT") {
    return update({ data: doc, event, source: `/finesse/api/Dialog/${dialog.id ?? "53149720"}` });
  }
  return update({
    data: `<dialogs>${doc}</dialogs>`,
    event,
    source: `/finesse/api/User/${loginId}/Dialogs`,
  });
}

// ---- Errors and system info -----------------------------------------------

export function apiErrorsUpdate({
  errorData = "22",
  errorMessage = "CTI request failed: invalid state",
  errorType = "Invalid State",
  requestId = "8a2e4c1f-6b3d-4e5a-9f70-1c2d3e4f5a6b",
  loginId = "administrator",
} = {}) {
  return update({
    data:
      "<apiErrors><apiError>" +
      el("errorData", esc(errorData)) +
      el("errorMessage", esc(errorMessage)) +
      el("errorType", esc(errorType)) +
      "</apiError></apiErrors>",
    event: "PUT",
    requestId,
    source: `/finesse/api/User/${loginId}`,
  });
}

export function systemInfoUpdate({ status, currentTimestamp, statusReason = "" }) {
  return update({
    data:
      "<SystemInfo>" +
      el("currentTimestamp", currentTimestamp) +
      el("deploymentType", "UCCX") +
      el("primaryNode", el("host", "uccxpub.prabhat.com")) +
      el("secondaryNode", el("host", "uccxsub.prabhat.com")) +
      el("status", status) +
      el("statusReason", esc(statusReason)) +
      el("timezoneOffset", "0") +
      el("uri", "/finesse/api/SystemInfo") +
      el("xmppDomain", DOMAIN) +
      el("xmppPubSubDomain", `pubsub.${DOMAIN}`) +
      "</SystemInfo>",
    event: "PUT",
    source: "/finesse/api/SystemInfo",
  });
}
