// Drives the session of captures/rest/make.sh: a running headless Chromium
// (DevTools protocol on 127.0.0.1:--cdp-port) opens the desktop page of the
// mock Finesse server (desktop.html, served by finesse-app.js inside
// captures/one-port/front.js), which logs in with strophe.js over the
// server's /ws/; then the desktop makes the REST calls of scenario.js one by
// one (each waits for its outcome: the response, and for a 202 the
// notification carrying its requestId or a timeout), the mock server
// publishes one unsolicited notification (asked over its control port, not
// captured), and the desktop disconnects.
//
//   node drive.js --cdp-port N --url http://uccxpub.prabhat.com:8083/desktop/
//                 --control-port C --out OUT.json
//
// OUT.json: what the desktop saw (status, body, notification per call; the
// unsolicited notification; every notification), times in the page's
// performance.now() milliseconds. Exit status 0 when every step had the
// outcome scenario.js expects, 1 otherwise, 2 at the deadline.
import fs from "node:fs";
import http from "node:http";
import CDP from "chrome-remote-interface";
import { sleep, log } from "../transport/client.js";
import { STEPS, UNSOLICITED, URL_PATH, NOTIFY_TIMEOUT_MS, PAUSE_MS } from "./scenario.js";

function opt(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`${name} is required`);
  return process.argv[i + 1];
}

function control(port, pathAndQuery) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path: pathAndQuery }, (res) => {
      let data = "";
      res.on("data", (c) => (data += c));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(data)) : reject(new Error(`control: ${res.statusCode} ${data}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

async function main() {
  const cdpPort = Number(opt("--cdp-port"));
  const url = opt("--url");
  const controlPort = Number(opt("--control-port"));
  const outPath = opt("--out");

  const client = await CDP({ host: "127.0.0.1", port: cdpPort });
  const { Page, Runtime, Browser } = client;
  Runtime.consoleAPICalled(({ type, args }) => {
    if (type !== "debug") log(`page: ${args.map((a) => a.value ?? a.description).join(" ")}`);
  });
  await Page.enable();
  await Runtime.enable();

  async function evaluate(expression) {
    const r = await Runtime.evaluate({ expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  }
  async function waitFor(what, pred, timeoutMs = 20000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const d = await evaluate("window.desktop ? {state: desktop.state, error: desktop.error} : null");
      if (d && d.state === "failed") throw new Error(`page failed: ${d.error}`);
      if (d && pred(d)) return d;
      if (Date.now() > end) throw new Error(`timeout waiting for ${what} (page: ${JSON.stringify(d)})`);
      await sleep(50);
    }
  }

  const problems = [];
  const out = { calls: [], unsolicited: null, notes: [] };
  await Page.navigate({ url });
  await waitFor("the subscription", (d) => d.state === "subscribed");
  log("desktop subscribed");
  await sleep(PAUSE_MS);

  for (const s of STEPS) {
    const arg = { step: s.step, method: s.method, url: URL_PATH, requestId: s.requestId, body: s.body, timeoutMs: NOTIFY_TIMEOUT_MS };
    const r = await evaluate(`desktop.call(${JSON.stringify(arg)})`);
    out.calls.push(r);
    const n = r.notification;
    log(`step ${s.step} (${s.what}): ${r.status ?? r.error}${n ? `, notification ${n.itemId} ${n.state}` : ""}`);
    if (r.status !== s.status) problems.push(`step ${s.step}: HTTP ${r.status ?? r.error}, not ${s.status}`);
    if (s.status === 202) {
      if (s.notification && !n) problems.push(`step ${s.step}: no notification`);
      if (!s.notification && n) problems.push(`step ${s.step}: a notification (${n.itemId}) that should be lost`);
      if (s.notification && n && n.state !== s.notification.state) {
        problems.push(`step ${s.step}: notified ${n.state}, not ${s.notification.state}`);
      }
    }
    await sleep(PAUSE_MS);
  }

  // Step 7: the server pushes a change nobody asked for.
  const waiting = evaluate(`desktop.waitUnsolicited(${NOTIFY_TIMEOUT_MS})`);
  const ev = await control(controlPort, `/unsolicited?state=${UNSOLICITED.state}`);
  out.unsolicited = await waiting;
  log(`step ${UNSOLICITED.step}: published ${ev.itemId}; desktop: ${JSON.stringify(out.unsolicited)}`);
  if (!out.unsolicited || out.unsolicited.itemId !== ev.itemId) problems.push("step 7: the desktop did not get the unsolicited notification");
  await sleep(PAUSE_MS);

  // Step 8: logout.
  await evaluate("desktop.logout()");
  await waitFor("disconnect", (d) => d.state === "disconnected");
  log("desktop disconnected");
  out.notes = await evaluate("desktop.notes");
  await sleep(500);
  fs.writeFileSync(outPath, JSON.stringify(out, null, 1) + "\n");
  await Browser.close().catch(() => {});
  await client.close().catch(() => {});
  if (problems.length) throw new Error(problems.join("; "));
}

const deadline = setTimeout(() => {
  log("drive: deadline exceeded");
  process.exit(2);
}, 80000);
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
