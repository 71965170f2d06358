// Drives the HAR sessions of captures/har/make.sh: a running headless
// Chromium (DevTools protocol on 127.0.0.1:--cdp-port) opens the desktop
// page, which logs in with strophe.js; the publisher (finesse@ over its own
// WebSocket straight to Prosody, --pub-url: not captured; the Conn,
// publisherLogin and publishIq of captures/transport/client.js, like
// captures/one-port/client.js) publishes the Finesse notifications; the page
// disconnects; the HAR is written from the DevTools Network events as
// har.js (Chrome DevTools' HAR export) builds it.
//
//   node drive.js --cdp-port N --url http://uccxpub.prabhat.com:8090/desktop/
//                 --pub-url ws://127.0.0.1:P/ws/ --har OUT.har
//                 --events OUT.events.json [--ready-state S] [--idle SECONDS]
//
// Two pages: captures/har/desktop.html (XMPP over WebSocket plus the REST
// calls; it says "ready" when it can be notified, the default --ready-state)
// and captures/bosh/desktop.html (XMPP over BOSH when its URL has
// ?service=http://…/http-bind&wait=5; it says "subscribed": make.sh bosh
// passes --ready-state subscribed --idle 12, so the BOSH long polls are held
// and answered empty before the notifications). The driver waits --idle
// seconds (default 0) after the ready state, then publishes.
//
// Before the HAR is written, every request the page made must have finished
// (DevTools' "Save all as HAR" leaves out unfinished ones) and the WebSocket,
// if any, must be closed. Exit status 0 when the session ran as expected.
// --events keeps every DevTools event received (for debugging).
import fs from "node:fs";
import CDP from "chrome-remote-interface";
import { Conn, publisherLogin, publishIq, closeStream, sleep, log } from "../transport/client.js";
import { userUpdate, ts, REASONS } from "../client/lib/finesse.js";
import { HarRecorder } from "./har.js";

const NODE = "/finesse/api/User/administrator";
// The requestId header of the page's PUT (desktop.html), echoed in the
// first notification like Finesse does.
const REQUEST_ID = "0b1d7c2e-2026-4a11-8000-000000001001";
const NOTIFICATIONS = [
  { state: "READY", reason: null, requestId: REQUEST_ID, at: 60 },
  { state: "NOT_READY", reason: REASONS.lunch, requestId: "", at: 120 },
  { state: "LOGOUT", reason: REASONS.endOfShift, requestId: "", at: 180 },
];
const PAUSE = 500; // ms between the driver's steps

function opt(name, dflt) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) {
    if (dflt !== undefined) return dflt;
    throw new Error(`${name} is required`);
  }
  return process.argv[i + 1];
}

async function main() {
  const cdpPort = Number(opt("--cdp-port"));
  const url = opt("--url");
  const harPath = opt("--har");
  const eventsPath = opt("--events");
  const pubUrl = opt("--pub-url");
  const readyState = opt("--ready-state", "ready");
  const idle = Number(opt("--idle", "0"));

  // Fresh node, no leftover subscription or item.
  const pub = await publisherLogin(new Conn(pubUrl, { label: "publisher" }), { nodes: [NODE] });
  log(`publisher ready, node ${NODE} recreated`);

  const client = await CDP({ host: "127.0.0.1", port: cdpPort });
  const { Network, Page, Runtime, Browser } = client;
  const har = new HarRecorder();
  const events = [];
  let wsCreated = false;
  let wsClosed = false;
  client.on("event", ({ method, params }) => {
    if (!method.startsWith("Network.") && !method.startsWith("Page.")) return;
    events.push({ method, params });
    har.event(method, params);
    if (method === "Network.webSocketCreated") wsCreated = true;
    if (method === "Network.webSocketClosed") wsClosed = true;
  });
  // The page's own lines; strophe.js' debug lines (BOSH: one per XHR state
  // change) are left out.
  Runtime.consoleAPICalled(({ type, args }) => {
    if (type !== "debug") log(`page: ${args.map((a) => a.value ?? a.description).join(" ")}`);
  });
  await Network.enable();
  await Page.enable();
  await Runtime.enable();

  const state = async () =>
    (await Runtime.evaluate({ expression: "JSON.stringify(window.desktop || null)", returnByValue: true })).result.value;
  async function waitFor(what, pred, timeoutMs = 20000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const d = JSON.parse((await state()) ?? "null");
      if (d && d.state === "failed") throw new Error(`page failed: ${d.error}`);
      if (d && pred(d)) return d;
      if (Date.now() > end) throw new Error(`timeout waiting for ${what} (page: ${JSON.stringify(d)})`);
      await sleep(50);
    }
  }

  await Page.navigate({ url });
  await waitFor(`the page's "${readyState}"`, (d) => d.state === readyState);
  log(`desktop ${readyState}${idle ? `; idle ${idle} s` : ""}`);
  await sleep(idle * 1000 + PAUSE);
  for (let i = 0; i < NOTIFICATIONS.length; i++) {
    const n = NOTIFICATIONS[i];
    const doc = userUpdate(
      { loginId: "administrator", state: n.state, reason: n.reason, stateChangeTime: ts(n.at) },
      { requestId: n.requestId },
    );
    const id = `pub_${i + 1}`;
    await pub.iq(id, publishIq(id, NODE, doc, `finesse-${String(i + 1).padStart(5, "0")}`));
    await waitFor(`notification ${i + 1}`, (d) => d.items.length >= i + 1);
    log(`notification ${i + 1} (${n.state}) received`);
    await sleep(PAUSE);
  }
  await waitFor("disconnect", (d) => d.state === "disconnected");
  for (let i = 0; i < 100 && wsCreated && !wsClosed; i++) await sleep(50);
  if (wsCreated && !wsClosed) throw new Error("no Network.webSocketClosed");
  // Every request finished (BOSH: the held poll and the terminate).
  const open = () => har.order.filter((r) => !r.finished && r.resourceType !== "websocket");
  for (let i = 0; i < 100 && open().length; i++) await sleep(50);
  if (open().length) throw new Error(`unfinished requests: ${open().map((r) => `${r.requestMethod} ${r.url}`).join(", ")}`);
  await sleep(1000); // late events

  const { userAgent } = await Browser.getVersion();
  const webKit = /AppleWebKit\/([^ ]+)/.exec(userAgent);
  const text = await har.build({
    creatorVersion: webKit ? webKit[1] : "n/a",
    fetchPostData: (requestId) => Network.getRequestPostData({ requestId }).catch(() => null),
    fetchBody: (requestId) => Network.getResponseBody({ requestId }).catch(() => null),
  });
  fs.writeFileSync(harPath, text);
  fs.writeFileSync(eventsPath, JSON.stringify(events, null, 1));
  for (const w of har.warnings) log(`warning: ${w}`);
  log(`wrote ${harPath} (${text.length} bytes, ${har.order.length} entries) and ${eventsPath} (${events.length} events)`);

  await closeStream(pub);
  await Browser.close().catch(() => {});
  await client.close().catch(() => {});
}

const deadline = setTimeout(() => {
  log("drive: deadline exceeded");
  process.exit(2);
}, 90000);
main().then(
  () => {
    clearTimeout(deadline);
    process.exit(0);
  },
  (err) => {
    log("drive FAILED:", err.message);
    process.exit(1);
  },
);
