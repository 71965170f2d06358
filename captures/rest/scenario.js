// The session of captures/rest/make.sh, in one place: what the desktop
// (desktop.html, driven by drive.js) asks, what the mock Finesse server
// (finesse-app.js) does with each request, and what facts.py expects to
// find in the capture. Imported by drive.js and finesse-app.js; facts.py
// reads the JSON that `node scenario.js` prints.
//
// Each REST call carries a fixed requestId header (version-4 UUID layout,
// the step number at the end), so the committed facts stay the same from
// one regeneration to the next. The mock server keys its behaviour on the
// requestId: `delayMs` (publish the outcome that long after the request
// arrived), `lose` (answer 202 but never publish), `publishState` (publish
// a state other than the requested one: the server overrode the request).
// Invalid transitions (to a system state such as TALKING) are refused by
// the server's own rules, not by this table.
import { pathToFileURL } from "node:url";
import fs from "node:fs";

export const USER = "administrator";
export const NODE = `/finesse/api/User/${USER}`;
export const URL_PATH = `/finesse/api/User/${USER}`;
// The agent's state when the mock server starts (logged in, not ready).
export const INITIAL_STATE = "NOT_READY";
export const LUNCH = 32762; // captures/client/lib/finesse.js REASONS.lunch

const rid = (n) => `3c9e5f12-2026-4b7a-9000-00000000300${n}`;
const userBody = (state, reasonCodeId) =>
  `<User><state>${state}</state>${reasonCodeId ? `<reasonCodeId>${reasonCodeId}</reasonCodeId>` : ""}</User>`;

// How long the desktop waits for the notification of a 202 before it gives
// up (the "lost" step waits this long). Well above the idle time after
// which front.js (Node 20, `Keep-Alive: timeout=5`) closes a keep-alive
// connection (about 6 s after the last response), so the server closes the
// REST connection during the wait, cleanly, and the next request (on
// another connection) never races that close.
export const NOTIFY_TIMEOUT_MS = 8000;
// Pause between two steps of the desktop.
export const PAUSE_MS = 500;

export const STEPS = [
  {
    step: 1,
    what: "GET the user",
    method: "GET",
    requestId: rid(1),
    body: null,
    status: 200,
    server: {},
    notification: null,
  },
  {
    step: 2,
    what: "PUT READY, notified after ~100 ms",
    method: "PUT",
    requestId: rid(2),
    body: userBody("READY"),
    status: 202,
    server: { delayMs: 100 },
    notification: { state: "READY" },
  },
  {
    step: 3,
    what: "PUT NOT_READY (reason 32762), notification delayed ~3 s",
    method: "PUT",
    requestId: rid(3),
    body: userBody("NOT_READY", LUNCH),
    status: 202,
    server: { delayMs: 3000 },
    notification: { state: "NOT_READY", reasonCodeId: LUNCH },
  },
  {
    step: 4,
    what: "PUT READY, notification lost (never published)",
    method: "PUT",
    requestId: rid(4),
    body: userBody("READY"),
    status: 202,
    server: { lose: true },
    notification: null,
  },
  {
    step: 5,
    what: "PUT TALKING, refused: 400 ApiErrors, no notification",
    method: "PUT",
    requestId: rid(5),
    body: userBody("TALKING"),
    status: 400,
    server: {},
    notification: null,
  },
  {
    step: 6,
    what: "PUT NOT_READY (reason 32762), the notification says READY (server override)",
    method: "PUT",
    requestId: rid(6),
    body: userBody("NOT_READY", LUNCH),
    status: 202,
    server: { delayMs: 100, publishState: "READY" },
    notification: { state: "READY" },
  },
];

// Step 7: no REST call; the server publishes a state change of its own (a
// supervisor made the agent NOT_READY) with an empty <requestId/>.
export const UNSOLICITED = { step: 7, what: "unsolicited notification (supervisor: NOT_READY)", state: "NOT_READY" };

// `node scenario.js` prints the scenario as JSON (for facts.py).
if (process.argv[1] && pathToFileURL(fs.realpathSync(process.argv[1])).href === import.meta.url) {
  console.log(
    JSON.stringify({ USER, NODE, URL_PATH, INITIAL_STATE, NOTIFY_TIMEOUT_MS, PAUSE_MS, STEPS, UNSOLICITED }, null, 1),
  );
}
