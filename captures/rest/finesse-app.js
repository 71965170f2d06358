// The mock Finesse REST API of captures/rest/make.sh, loaded into
// captures/one-port/front.js with `--app` (so page, REST and the /ws/ relay
// to Prosody share front.js' one port, http or https):
//
//   node ../one-port/front.js --port N --upstream-port P [--tls CERT,KEY --keylog FILE]
//        --app finesse-app.js --pub-url ws://127.0.0.1:Q/ws/ --control-port C --events FILE
//
//   GET /desktop/                      desktop.html (the page Chromium loads)
//   GET /desktop/strophe.umd.min.js    strophe.js' browser build (npm file, as installed)
//   GET /finesse/api/User/administrator
//                                      200, Content-Type: application/xml, the
//                                      full <User> (captures/client/lib/finesse.js'
//                                      userDoc with the root element <User>)
//   PUT /finesse/api/User/administrator
//       body <User><state>S</state>[<reasonCodeId>R</reasonCodeId>]</User>
//         S a state an agent may ask for (READY, NOT_READY, LOGOUT, WORK,
//         WORK_READY) and R a known reason code (or none):
//                                      202, Content-Length: 0; then, after the
//                                      delay scenario.js gives the request's
//                                      requestId header (default 100 ms), a
//                                      Finesse <Update> (event PUT, requestId =
//                                      the header, data = the user) published to
//                                      the pubsub node /finesse/api/User/administrator
//                                      over the publisher's own XMPP connection
//                                      (finesse@…/publisher on --pub-url, not
//                                      captured); scenario.js may also lose it
//                                      (never published) or publish another state
//         S a system state (TALKING, RESERVED, HOLD, …):
//                                      400, Content-Type: application/xml,
//                                      <ApiErrors><ApiError><ErrorData>state</ErrorData>
//                                      <ErrorMessage>Invalid state transition from
//                                      CUR to S</ErrorMessage><ErrorType>Invalid
//                                      State</ErrorType></ApiError></ApiErrors>
//   anything else                      left to front.js
//
// Control (127.0.0.1:--control-port, never captured; drive.js uses it):
//   POST /unsolicited?state=S          publish a notification nobody asked for
//                                      (empty <requestId/>); answers the event
//                                      as JSON once Prosody acknowledged it
//
// Ground truth: --events FILE gets one JSON object per line, written when
// it happens, times in seconds since the epoch (microseconds; the clock
// dumpcap stamps frames with): "request" (t = the request complete in the
// server, tResponse = its response written), "publish" (t = the publish iq
// written to the publisher's WebSocket, tAck = Prosody's result received),
// "lost" (t = when it would have been published).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Conn, publisherLogin, publishIq, closeStream, log } from "../transport/client.js";
import { userDoc, userUpdate, ts, REASONS } from "../client/lib/finesse.js";
import { USER, NODE, URL_PATH, INITIAL_STATE, STEPS } from "./scenario.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));

const FILES = {
  "/desktop/": { type: "text/html; charset=utf-8", file: path.join(HERE, "desktop.html") },
  "/desktop/strophe.umd.min.js": {
    type: "text/javascript; charset=utf-8",
    file: path.join(HERE, "node_modules/strophe.js/dist/strophe.umd.min.js"),
  },
};

// States an agent may PUT; any other known state is the system's to set.
const AGENT_STATES = new Set(["READY", "NOT_READY", "LOGOUT", "WORK", "WORK_READY"]);
const SYSTEM_STATES = new Set(["TALKING", "RESERVED", "HOLD", "LOGIN", "UNKNOWN"]);
const REASON_BY_ID = Object.fromEntries(Object.values(REASONS).map((r) => [r.id, r]));
const PLAN = Object.fromEntries(STEPS.map((s) => [s.requestId, s.server]));
const DEFAULT_DELAY_MS = 100;

let pub = null;
let eventsFile = "";
let controlServer = null;
let items = 0;
let changes = 0;
// The agent as the server knows it.
const agent = { state: INITIAL_STATE, reason: null, stateChangeTime: ts(0) };

const now = () => (performance.timeOrigin + performance.now()) / 1000; // s since the epoch, sub-ms
const fix = (t) => Number(t.toFixed(6));

function record(ev) {
  for (const k of ["t", "tResponse", "tAck"]) if (typeof ev[k] === "number") ev[k] = fix(ev[k]);
  if (eventsFile) fs.appendFileSync(eventsFile, JSON.stringify(ev) + "\n");
  log(`event ${JSON.stringify(ev)}`);
}

function opt(argv, name, dflt) {
  const i = argv.indexOf(name);
  if (i < 0 || i + 1 >= argv.length) {
    if (dflt !== undefined) return dflt;
    throw new Error(`finesse-app: ${name} is required`);
  }
  return argv[i + 1];
}

const userXml = () =>
  userDoc({ loginId: USER, state: agent.state, reason: agent.reason, stateChangeTime: agent.stateChangeTime })
    .replace(/^<user>/, "<User>")
    .replace(/<\/user>$/, "</User>");

function reply(res, status, body) {
  res.sendDate = false;
  const headers = {};
  if (body !== null) {
    headers["Content-Type"] = "application/xml";
    headers["Content-Length"] = Buffer.byteLength(body);
  } else {
    headers["Content-Length"] = 0;
  }
  res.writeHead(status, headers);
  res.end(body ?? undefined);
}

const apiErrors = (data, message, type) =>
  "<ApiErrors><ApiError>" +
  `<ErrorData>${data}</ErrorData><ErrorMessage>${message}</ErrorMessage><ErrorType>${type}</ErrorType>` +
  "</ApiError></ApiErrors>";

// Publish the user as it is now, with `requestId` ("" = unsolicited).
async function publish(requestId, cause) {
  const n = ++items;
  const itemId = `finesse-${String(n).padStart(5, "0")}`;
  const doc = userUpdate(
    { loginId: USER, state: agent.state, reason: agent.reason, stateChangeTime: agent.stateChangeTime },
    { requestId },
  );
  const id = `pub_${n}`;
  const t = now();
  const answer = pub.iq(id, publishIq(id, NODE, doc, itemId));
  await answer;
  const ev = { ev: "publish", cause, requestId, itemId, state: agent.state, reasonCodeId: agent.reason?.id ?? null, t, tAck: now() };
  record(ev);
  return ev;
}

function change(state, reason) {
  agent.state = state;
  agent.reason = state === "NOT_READY" || state === "LOGOUT" ? reason : null;
  agent.stateChangeTime = ts(60 * ++changes);
}

function handlePut(req, res, body, t) {
  const requestId = req.headers.requestid ?? "";
  const ev = { ev: "request", method: "PUT", url: req.url, requestId, body, t };
  const s = /<state>\s*([A-Za-z_]+)\s*<\/state>/.exec(body);
  const r = /<reasonCodeId>\s*(-?\d+)\s*<\/reasonCodeId>/.exec(body);
  let status;
  if (!s) {
    status = 400;
    reply(res, status, apiErrors("state", "state is required", "Invalid Input"));
  } else if (!AGENT_STATES.has(s[1])) {
    status = 400;
    const type = SYSTEM_STATES.has(s[1]) ? "Invalid State" : "Invalid Input";
    reply(res, status, apiErrors("state", `Invalid state transition from ${agent.state} to ${s[1]}`, type));
  } else if (r && !REASON_BY_ID[r[1]]) {
    status = 400;
    reply(res, status, apiErrors("reasonCodeId", `Invalid reasonCodeId ${r[1]}`, "Invalid Input"));
  } else {
    status = 202;
    reply(res, status, null);
  }
  ev.status = status;
  ev.tResponse = now();
  record(ev);
  if (status !== 202) return;

  const plan = PLAN[requestId] ?? {};
  const wanted = s[1];
  const reason = r ? REASON_BY_ID[r[1]] : null;
  const delay = plan.delayMs ?? DEFAULT_DELAY_MS;
  setTimeout(() => {
    // The change happens (also when its notification is lost); with
    // publishState the server overrode it.
    if (plan.publishState) change(plan.publishState, null);
    else change(wanted, reason);
    if (plan.lose) {
      record({ ev: "lost", requestId, state: agent.state, t: now() });
      return;
    }
    publish(requestId, "request").catch((e) => log(`publish failed: ${e.message}`));
  }, delay);
}

export async function init(argv) {
  eventsFile = opt(argv, "--events");
  fs.writeFileSync(eventsFile, "");
  const pubUrl = opt(argv, "--pub-url");
  const controlPort = Number(opt(argv, "--control-port"));
  for (const f of Object.values(FILES)) f.body = fs.readFileSync(f.file);
  // Fresh node, no leftover subscription or item.
  pub = await publisherLogin(new Conn(pubUrl, { label: "publisher" }), { nodes: [NODE] });
  log(`publisher ready, node ${NODE} recreated`);

  controlServer = http.createServer((req, res) => {
    const u = new URL(req.url, "http://x");
    if (req.method === "POST" && u.pathname === "/unsolicited") {
      change(u.searchParams.get("state") ?? "NOT_READY", null);
      publish("", "unsolicited").then(
        (ev) => {
          res.writeHead(200, { "Content-Type": "application/json" });
          res.end(JSON.stringify(ev));
        },
        (e) => {
          res.writeHead(500);
          res.end(e.message);
        },
      );
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve, reject) => {
    controlServer.once("error", reject);
    controlServer.listen(controlPort, "127.0.0.1", resolve);
  });
  log(`control on 127.0.0.1:${controlPort}`);
}

export function handle(req, res, body) {
  const t = now();
  const u = new URL(req.url, "http://x");
  const file = req.method === "GET" ? FILES[u.pathname] : undefined;
  if (file) {
    res.sendDate = false;
    res.writeHead(200, { "Content-Type": file.type, "Content-Length": file.body.length, "Cache-Control": "no-cache" });
    res.end(file.body);
    return true;
  }
  if (u.pathname !== URL_PATH) return false;
  if (req.method === "GET") {
    reply(res, 200, userXml());
    record({ ev: "request", method: "GET", url: req.url, requestId: req.headers.requestid ?? "", body, t, status: 200, tResponse: now() });
    return true;
  }
  if (req.method === "PUT") {
    handlePut(req, res, body, t);
    return true;
  }
  return false;
}

export async function stop() {
  controlServer?.close();
  if (pub) await closeStream(pub);
}
