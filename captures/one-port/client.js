// Finesse desktops for the one-port captures of finesse-xmpp: each desktop
// loads the page and its User resource over HTTP(S) from front.js, then
// speaks XMPP over WebSocket (RFC 7395) through the same port, like the
// Finesse desktop on 8445. A publisher (finesse@, the Finesse server's own
// account) publishes Finesse <Update/> notifications over a port that is
// not captured. Everything runs in a fixed order with pauses between steps,
// so that the frames of two connections do not interleave by chance.
//
//   node client.js desktops --base URL --pub-url URL [--agents a,b] [--notify N]
//   node client.js deflate  --base URL --pub-url URL --deflate ctx|nctx [--notify N]
//
// --base  the front, e.g. https://uccxpub.prabhat.com:8445 (every name is
//         resolved to 127.0.0.1; Host and SNI carry the name). The
//         WebSocket URL is the same origin with ws(s):// and /ws/.
//
// desktops: publisher login, nodes /finesse/api/User/<id> recreated; then
//   for each agent in order: one HTTP(S) connection with GET /desktop/,
//   GET /finesse/api/User/<id>, PUT /finesse/api/User/<id>
//   (<User><state>READY</state></User>, requestId header), closed; then one
//   WebSocket connection: <open/>, SASL PLAIN (authzid = bare JID), restart,
//   bind desktop, session, <presence/>, subscribe /finesse/api/User/<id>.
//   After every login: one more HTTP(S) connection with no XMPP (a
//   supervisor's PUT NOT_READY for each agent, GET /finesse/api/SystemInfo).
//   Then N rounds of notifications (round r: one <Update/> per agent, in
//   agent order; round 0 READY with the first PUT's requestId, round 1
//   NOT_READY/Lunch with the supervisor PUT's requestId, later rounds
//   alternate, unsolicited); then each agent sends <close/> in order.
// deflate: administrator only, no REST; the WebSocket offers
//   permessage-deflate with threshold 0 (nctx: also
//   client_no_context_takeover and server_no_context_takeover); login,
//   presence, subscribe, N notifications, <close/>.
//
// Exit status 0 when everything happened as expected, 1 otherwise.
import http from "node:http";
import https from "node:https";
import { userUpdate, ts, REASONS } from "../client/lib/finesse.js";
// The XMPP side is captures/transport/client.js's.
import {
  Conn,
  closeStream,
  log,
  login,
  parseCommandLine,
  presence,
  publishIq,
  publisherLogin,
  run,
  sleep,
  subscribeIq,
} from "../transport/client.js";

const UA = "Mozilla/5.0 (X11; Linux x86_64) finesse-xmpp-capture/1.0";
const AGENTS = {
  administrator: { firstName: "Admin", lastName: "Istrator", extension: "1001", roles: ["Agent", "Supervisor"] },
  agent001: { firstName: "Agent", lastName: "One", extension: "1002", roles: ["Agent"] },
};
const userNode = (id) => `/finesse/api/User/${id}`;
// Fixed, UUID-shaped requestIds (Finesse clients send a UUID): the REST
// call's requestId header comes back in the notification it causes. The
// last group is the agent's extension.
const requestId = (kind, id) =>
  `${kind === "ready" ? "0b1d7c2e" : "5f3a9e41"}-2026-4a11-8000-${AGENTS[id].extension.padStart(12, "0")}`;

// ---- command line ---------------------------------------------------------

function parseArgs(argv) {
  const o = parseCommandLine(argv, { notify: 2, agents: ["administrator", "agent001"], deflate: "off" }, {
    "--base": (o, val) => (o.base = val()),
    "--pub-url": (o, val) => (o.pubUrl = val()),
    "--agents": (o, val) => (o.agents = val().split(",")),
    "--notify": (o, val) => (o.notify = Number(val())),
    "--deflate": (o, val) => (o.deflate = val()),
  });
  if (!o.base || !o.pubUrl) throw new Error("--base and --pub-url are required");
  for (const id of o.agents) if (!AGENTS[id]) throw new Error(`unknown agent ${id}`);
  return o;
}

const PAUSE = 300; // ms between steps

// Every name resolves to 127.0.0.1 (no /etc/hosts change).
function loopbackLookup(_hostname, options, callback) {
  if (typeof options === "function") [callback, options] = [options, {}];
  if (options?.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
}

// ---- HTTP(S): one TCP connection per session -----------------------------------

class Rest {
  constructor(base, label) {
    this.base = new URL(base);
    this.label = label;
    this.mod = this.base.protocol === "https:" ? https : http;
    // One keep-alive socket: every request of this session on one connection.
    this.agent = new this.mod.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
    this.sockets = new Set();
  }

  request(method, path, { body = null, headers = {} } = {}) {
    return new Promise((resolve, reject) => {
      const h = { "User-Agent": UA, Accept: "*/*", ...headers };
      if (body !== null) {
        h["Content-Type"] = "application/xml";
        h["Content-Length"] = Buffer.byteLength(body);
      }
      const req = this.mod.request(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          path,
          method,
          headers: h,
          agent: this.agent,
          lookup: loopbackLookup,
          servername: this.base.hostname,
          rejectUnauthorized: false, // self-signed, made at run time
        },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            log(`${this.label}: ${method} ${path} -> ${res.statusCode} (${text.length} bytes)`);
            resolve({ status: res.statusCode, text });
          });
        },
      );
      req.on("socket", (s) => this.sockets.add(s));
      req.on("error", reject);
      req.end(body ?? undefined);
    });
  }

  async expect(status, method, path, opts) {
    const r = await this.request(method, path, opts);
    if (r.status !== status) throw new Error(`${this.label}: ${method} ${path}: HTTP ${r.status}, expected ${status}`);
    return r;
  }

  // The client closes the connection (FIN from the client first).
  async close() {
    const closed = [...this.sockets].map((s) => new Promise((r) => (s.destroyed ? r() : s.once("close", r))));
    this.agent.destroy();
    await Promise.race([Promise.all(closed), sleep(3000)]);
  }
}

// ---- one WebSocket connection, as a browser opens it ----------------------

// transport/client.js's Conn with a browser's handshake: every name resolves
// to 127.0.0.1 (SNI and Host carry the name), a User-Agent and an Origin;
// deflate "off" offers permessage-deflate like a browser (the server
// decides), "ctx"/"nctx" offer it with threshold 0 (nctx: both
// no_context_takeover). `extensions` is the 101's Sec-WebSocket-Extensions.
class Desktop extends Conn {
  constructor(url, { label, deflate = "off" }) {
    const u = new URL(url);
    const pmd =
      deflate === "off"
        ? true
        : { threshold: 0, clientNoContextTakeover: deflate === "nctx", serverNoContextTakeover: deflate === "nctx" };
    super(url, {
      label,
      logMax: 160,
      wsOptions: {
        perMessageDeflate: pmd,
        handshakeTimeout: 10000,
        lookup: loopbackLookup,
        rejectUnauthorized: false,
        servername: u.hostname,
        headers: { "User-Agent": UA },
        // A browser sends the page's origin (the ws client omits it otherwise).
        origin: `${u.protocol === "wss:" ? "https" : "http"}://${u.host}`,
      },
    });
    this.extensions = "";
    this.ws.on("upgrade", (res) => (this.extensions = res.headers["sec-websocket-extensions"] ?? ""));
  }

  openedExtensions() {
    return this.extensions;
  }
}

// ---- XMPP: the Finesse desktop's login (protocol.md 1), as Strophe writes it ----

// Stream open, SASL PLAIN (authzid = bare JID), restart, bind desktop,
// session, <presence/>, subscribe the user's own node.
async function desktopLogin(c, id) {
  await login(c, { user: id, resource: "desktop" });
  await presence(c, { required: true });
  const iqId = `sub_user_${id}`;
  await c.iq(iqId, subscribeIq(iqId, userNode(id), id));
}

// ---- the publisher (finesse@, not captured) ---------------------------------------

const publisher = (url, nodes) => publisherLogin(new Desktop(url, { label: "publisher" }), { nodes });

let pubCount = 0;
async function publish(p, id, round, reqId) {
  const a = AGENTS[id];
  const notReady = round % 2 === 1;
  const doc = userUpdate(
    {
      loginId: id,
      firstName: a.firstName,
      lastName: a.lastName,
      extension: a.extension,
      roles: a.roles,
      state: notReady ? "NOT_READY" : "READY",
      reason: notReady ? REASONS.lunch : null,
      stateChangeTime: ts(60 * (round + 1)),
    },
    { requestId: reqId },
  );
  const iqId = `pub_${++pubCount}`;
  await p.iq(iqId, publishIq(iqId, userNode(id), doc, `finesse-${String(pubCount).padStart(5, "0")}`));
}

const isEvent = (m) => m.startsWith("<message") && m.includes("pubsub#event");

// ---- scenarios -------------------------------------------------------------------

function wsUrl(base) {
  const u = new URL(base);
  return `${u.protocol === "https:" ? "wss" : "ws"}://${u.host}/ws/`;
}

async function scenarioDesktops(o) {
  const pub = await publisher(o.pubUrl, o.agents.map(userNode));
  const desktops = [];
  for (const id of o.agents) {
    const rest = new Rest(o.base, `rest ${id}`);
    await rest.expect(200, "GET", "/desktop/");
    await rest.expect(200, "GET", userNode(id));
    await rest.expect(202, "PUT", userNode(id), {
      body: "<User><state>READY</state></User>",
      headers: { requestId: requestId("ready", id) },
    });
    await rest.close();
    await sleep(PAUSE);
    const c = new Desktop(wsUrl(o.base), { label: `desktop ${id}` });
    await c.open();
    await desktopLogin(c, id);
    desktops.push({ id, c });
    await sleep(PAUSE);
  }
  log("all logins done");
  // An HTTP(S) connection with no XMPP, after the WebSockets started.
  const sup = new Rest(o.base, "rest supervisor");
  for (const id of o.agents) {
    await sup.expect(202, "PUT", userNode(id), {
      body: `<User><state>NOT_READY</state><reasonCodeId>${REASONS.lunch.id}</reasonCodeId></User>`,
      headers: { requestId: requestId("notready", id) },
    });
  }
  await sup.expect(200, "GET", "/finesse/api/SystemInfo");
  await sup.close();
  await sleep(PAUSE);
  for (let round = 0; round < o.notify; round++) {
    for (const { id, c } of desktops) {
      const reqId = round === 0 ? requestId("ready", id) : round === 1 ? requestId("notready", id) : "";
      await publish(pub, id, round, reqId);
      await c.next(`notification ${round + 1}`, isEvent);
      await sleep(PAUSE);
    }
  }
  for (const { c } of desktops) {
    await closeStream(c);
    await sleep(PAUSE);
  }
  await closeStream(pub);
}

async function scenarioDeflate(o) {
  const id = "administrator";
  const pub = await publisher(o.pubUrl, [userNode(id)]);
  const c = new Desktop(wsUrl(o.base), { label: `desktop ${id}`, deflate: o.deflate });
  await c.open();
  const ext = c.extensions; // the 101's Sec-WebSocket-Extensions
  if (!ext.includes("permessage-deflate")) throw new Error(`permessage-deflate not negotiated: "${ext}"`);
  if (o.deflate === "nctx" && !(ext.includes("server_no_context_takeover") && ext.includes("client_no_context_takeover"))) {
    throw new Error(`no_context_takeover not negotiated: "${ext}"`);
  }
  await desktopLogin(c, id);
  log("login done");
  await sleep(PAUSE);
  for (let round = 0; round < o.notify; round++) {
    await publish(pub, id, round, "");
    await c.next(`notification ${round + 1}`, isEvent);
    await sleep(PAUSE);
  }
  await closeStream(c);
  await closeStream(pub);
}

run(parseArgs, { desktops: scenarioDesktops, deflate: scenarioDeflate });
