// The sessions of the BOSH captures (captures/bosh/make.sh). Two clients,
// one script, so both run the same steps with the same timing:
//
//   node drive.js browser --cdp-port N --page URL --pub-url ws://…/ws/
//                         [--idle S] [--ejabberd]
//       a running headless Chromium (DevTools on 127.0.0.1:N) opens URL,
//       desktop.html with ?service=<BOSH or ws:// URL>&wait=<s>: strophe.js
//       logs in; when the page is "subscribed" the driver stays idle S
//       seconds (BOSH: empty long-polls held for `wait` seconds and answered
//       empty), publishes 3 Finesse notifications; the page disconnects
//       after the third; the driver closes the browser, so its keep-alive
//       connections end (FIN) while the capture still runs.
//   node drive.js stanza --service URL --pub-url ws://…/ws/ [--wait S]
//                        [--idle S] [--ejabberd]
//       the same session with the stanza library (npm `stanza`, Node's
//       fetch for BOSH) instead of strophe.js in a browser: SASL PLAIN only,
//       resource desktop, presence, subscription (iq id sub_user), 3
//       notifications, disconnect (a terminate body).
//
// The publisher (finesse@…/publisher, Conn/publisherLogin/publishIq of
// captures/transport/client.js) has its own WebSocket straight to the
// server, on a port that is not captured. Exit status 0 when the session
// ran as expected (run() of captures/transport/client.js: 60 s at most).
import dns from "node:dns";
import { createRequire } from "node:module";
import CDP from "chrome-remote-interface";
import {
  DOMAIN,
  PUBSUB,
  USER_NODE,
  Conn,
  publisherLogin,
  publishIq,
  closeStream,
  parseCommandLine,
  run,
  sleep,
  log,
} from "../transport/client.js";
import { userUpdate, ts, REASONS } from "../client/lib/finesse.js";

const require = createRequire(import.meta.url);
const STEP = 500; // ms between the driver's steps
// Item id, Finesse state, reason, requestId, stateChangeTime offset: the
// three documents of captures/har.
const UPDATES = [
  ["finesse-00001", "READY", null, "0b1d7c2e-2026-4a11-8000-000000001001", 60],
  ["finesse-00002", "NOT_READY", REASONS.lunch, "", 120],
  ["finesse-00003", "LOGOUT", REASONS.endOfShift, "", 180],
];

function parseArgs(argv) {
  const o = parseCommandLine(argv, { idle: 12, wait: 5 }, {
    "--cdp-port": (o, val) => (o.cdpPort = Number(val())),
    "--page": (o, val) => (o.page = val()),
    "--service": (o, val) => (o.service = val()),
    "--pub-url": (o, val) => (o.pubUrl = val()),
    "--wait": (o, val) => (o.wait = Number(val())),
    "--idle": (o, val) => (o.idle = Number(val())),
    "--ejabberd": (o) => (o.ejabberd = true),
  });
  if (!o.pubUrl) throw new Error("--pub-url is required");
  return o;
}

// Poll `probe()` (an object or null) every 50 ms until `pred` holds.
async function until(what, probe, pred, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v && v.state === "failed") throw new Error(`client failed: ${v.error}`);
    if (v && pred(v)) return v;
    if (Date.now() > end) throw new Error(`timeout waiting for ${what} (${JSON.stringify(v)})`);
    await sleep(50);
  }
}

// The common part: fresh node, client up to its subscription, idle, the 3
// notifications, the client's disconnect. `client`: { start(), probe(),
// stop() }, probe() giving {state, items}.
async function session(o, client) {
  const pub = await publisherLogin(new Conn(o.pubUrl, { label: "publisher" }), {
    nodes: [USER_NODE],
    ejabberd: o.ejabberd,
  });
  log(`publisher ready, node ${USER_NODE} recreated`);
  await client.start();
  await until("the subscription", client.probe, (d) => d.state === "subscribed");
  log(`subscribed; idle ${o.idle} s`);
  await sleep(o.idle * 1000);
  for (const [i, [itemId, state, reason, requestId, at]] of UPDATES.entries()) {
    const doc = userUpdate(
      { loginId: "administrator", state, reason, stateChangeTime: ts(at) },
      { requestId },
    );
    await pub.iq(`pub_${i + 1}`, publishIq(`pub_${i + 1}`, USER_NODE, doc, itemId));
    await until(`notification ${i + 1}`, client.probe, (d) => d.items.length > i);
    log(`notification ${i + 1} (${state}) received`);
    await sleep(STEP);
  }
  const end = await until("the disconnect", client.probe, (d) => d.state === "disconnected");
  log(`client states: ${JSON.stringify(end.marks ?? {})}`);
  await client.stop();
  await closeStream(pub);
}

// strophe.js in the browser (desktop.html).
function browserClient(o) {
  if (!o.cdpPort || !o.page) throw new Error("browser needs --cdp-port and --page");
  let cdp;
  return {
    async start() {
      cdp = await CDP({ host: "127.0.0.1", port: o.cdpPort });
      // The page's own lines; strophe.js' debug lines (one per XHR state
      // change) are left out.
      cdp.Runtime.consoleAPICalled(({ type, args }) => {
        if (type !== "debug") log(`page: ${args.map((a) => a.value ?? a.description).join(" ")}`);
      });
      await cdp.Runtime.enable();
      await cdp.Page.enable();
      await cdp.Page.navigate({ url: o.page });
    },
    probe: async () => {
      const r = await cdp.Runtime.evaluate({ expression: "JSON.stringify(window.desktop || null)", returnByValue: true });
      return JSON.parse(r.result.value ?? "null");
    },
    async stop() {
      await sleep(STEP);
      // Closing the browser ends its keep-alive connections to the server.
      await cdp.Browser.close().catch(() => {});
      await cdp.close().catch(() => {});
      await sleep(1000);
    },
  };
}

// stanza in Node. Node's fetch resolves the Finesse name through
// dns.lookup: mapped to 127.0.0.1 here, like Chromium's
// --host-resolver-rules, so the Host header names the Finesse server.
function stanzaClient(o) {
  if (!o.service) throw new Error("stanza needs --service");
  const lookup = dns.lookup;
  dns.lookup = (host, opts, cb) => lookup.call(dns, host === DOMAIN ? "127.0.0.1" : host, opts, cb);
  const XMPP = require("stanza");
  const st = { state: "new", items: [], error: "", marks: {} };
  const enter = (s) => {
    st.state = s;
    st.marks[s] = Date.now();
    log(`stanza: ${s}`);
  };
  const client = XMPP.createClient({
    jid: `administrator@${DOMAIN}`,
    password: "1234",
    resource: "desktop",
    server: DOMAIN,
    transports: { websocket: false, bosh: o.service },
  });
  // SASL PLAIN like the Finesse desktop (ejabberd also offers SCRAM).
  client.sasl.mechanisms = client.sasl.mechanisms.filter((m) => m.name === "PLAIN");
  // The BOSH wait attribute (stanza's default is 30 s).
  const Bosh = client.transports.bosh;
  client.transports.bosh = class extends Bosh {
    connect(opts) {
      super.connect({ ...opts, wait: o.wait });
    }
  };
  client.on("raw", (dir, data) => log(`stanza ${dir === "incoming" ? "<-" : "->"} ${data.slice(0, 300)}`));
  client.on("pubsub:published", (msg) => {
    const id = msg.pubsub?.items?.published?.[0]?.id;
    st.items.push(id ?? "?");
    if (st.items.length === UPDATES.length) {
      enter("notified");
      setTimeout(() => {
        enter("closing");
        client.disconnect();
      }, 300);
    }
  });
  client.on("disconnected", () => enter(st.state === "closing" ? "disconnected" : "failed"));
  client.on("session:started", async () => {
    enter("connected");
    try {
      await sleep(300);
      const reflected = new Promise((resolve) => client.once("available", resolve));
      client.sendPresence();
      await reflected;
      enter("available");
      await sleep(300);
      await client.sendIQ({
        type: "set",
        to: PUBSUB,
        id: "sub_user",
        pubsub: { subscribe: { node: USER_NODE, jid: `administrator@${DOMAIN}` } },
      });
      enter("subscribed");
    } catch (e) {
      st.error = String(e?.error?.condition ?? e?.message ?? e);
      enter("failed");
    }
  });
  return {
    async start() {
      enter("connecting");
      client.connect();
    },
    probe: async () => st,
    async stop() {
      await sleep(1000);
    },
  };
}

const scenarios = {
  browser: (o) => session(o, browserClient(o)),
  stanza: (o) => session(o, stanzaClient(o)),
};

run(parseArgs, scenarios);
