// Shared helpers for the capture scenarios: the agent (xmpp.js over
// WebSocket, the connection that gets captured), the publisher (finesse@,
// plain c2s on 127.0.0.1:5222, never captured), pubsub requests and
// XEP-0115 entity caps.
import { createHash } from "node:crypto";
import WS from "ws";
import { client, xml } from "@xmpp/client";

export { xml };

export const DOMAIN = process.env.XMPP_DOMAIN ?? "uccxpub.prabhat.com";
export const PUBSUB = `pubsub.${DOMAIN}`;
export const WS_PORT = Number(process.env.WS_PORT ?? 5280);
export const WS_PATH = process.env.WS_PATH ?? "/ws/";
export const C2S_PORT = Number(process.env.C2S_PORT ?? 5222);
// The URL names the XMPP domain (so the upgrade request carries
// "Host: uccxpub.prabhat.com:5280" like a real desktop); the lookup below
// pins it to 127.0.0.1 without touching /etc/hosts.
export const WS_URL = `ws://${DOMAIN}:${WS_PORT}${WS_PATH}`;
export const PASSWORD = "1234";

export const NS = {
  framing: "urn:ietf:params:xml:ns:xmpp-framing",
  stream: "http://etherx.jabber.org/streams",
  session: "urn:ietf:params:xml:ns:xmpp-session",
  pubsub: "http://jabber.org/protocol/pubsub",
  pubsubOwner: "http://jabber.org/protocol/pubsub#owner",
  event: "http://jabber.org/protocol/pubsub#event",
  caps: "http://jabber.org/protocol/caps",
  discoInfo: "http://jabber.org/protocol/disco#info",
  ping: "urn:xmpp:ping",
};

// ---- WebSocket plumbing ----------------------------------------------------

export function loopbackLookup(_hostname, options, callback) {
  if (typeof options === "function") [callback, options] = [options, {}];
  if (options?.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
}

// xmpp.js calls `new WebSocket(url, ["xmpp"])`; Node 20 has no global
// WebSocket, so give it the `ws` one, resolving every name to 127.0.0.1.
class LoopbackWebSocket extends WS {
  constructor(url, protocols, options = {}) {
    super(url, protocols, { lookup: loopbackLookup, ...options });
  }
}
globalThis.WebSocket = LoopbackWebSocket;

// ---- small utilities -------------------------------------------------------

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function log(...args) {
  console.error(`[${new Date().toISOString().slice(11, 23)}]`, ...args);
}

// Bounded wait for a condition (polling).
export async function waitFor(what, predicate, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
    await sleep(10);
  }
}

// Run a scenario: exit 0 on success, 1 on error, with an overall deadline.
export function runScenario(name, fn, deadlineMs = 60000) {
  const timer = setTimeout(() => {
    log(`${name}: deadline of ${deadlineMs} ms exceeded`);
    process.exit(2);
  }, deadlineMs);
  fn()
    .then(() => {
      clearTimeout(timer);
      log(`${name}: done`);
      process.exit(0);
    })
    .catch((err) => {
      log(`${name}: FAILED`, err);
      process.exit(1);
    });
}

// ---- XEP-0115 entity capabilities -----------------------------------------

export const CAPS = {
  node: "https://www.cisco.com/finesse/desktop",
  identities: [{ category: "client", type: "web", lang: "", name: "Cisco Finesse Desktop" }],
  features: [NS.caps, NS.discoInfo, NS.pubsub, NS.ping],
};

// XEP-0115 section 5.1 verification string, SHA-1, base64.
export function capsVer({ identities, features }) {
  let s = "";
  const ids = identities
    .map((i) => `${i.category}/${i.type}/${i.lang ?? ""}/${i.name ?? ""}`)
    .sort();
  for (const i of ids) s += `${i}<`;
  for (const f of [...features].sort()) s += `${f}<`;
  return createHash("sha1").update(s, "utf8").digest("base64");
}

function capsElement() {
  return xml("c", { xmlns: NS.caps, hash: "sha-1", node: CAPS.node, ver: capsVer(CAPS) });
}

// Answer disco#info (Prosody's mod_pep asks for node#ver after the caps
// presence and checks the hash).
function installDiscoResponder(xmpp) {
  xmpp.iqCallee.get(NS.discoInfo, "query", (ctx) => {
    const node = ctx.element.attrs.node;
    return xml(
      "query",
      node ? { xmlns: NS.discoInfo, node } : { xmlns: NS.discoInfo },
      ...CAPS.identities.map(({ category, type, name }) => xml("identity", { category, type, name })),
      ...[...CAPS.features].sort().map((v) => xml("feature", { var: v })),
    );
  });
}

// ---- clients ---------------------------------------------------------------

function attachCommon(xmpp, label) {
  xmpp.reconnect.stop(); // never reconnect: one connection per capture
  xmpp.on("error", (err) => log(`${label} error:`, err.message ?? err));
  xmpp.events = [];
  xmpp.streamFeatures_ = [];
  xmpp.on("nonza", (el) => {
    if (el.is("features", NS.stream)) xmpp.streamFeatures_.push(el);
  });
  xmpp.on("stanza", (st) => {
    const ev = st.is("message") && st.getChild("event", NS.event);
    if (ev) xmpp.events.push(st);
  });
  return xmpp;
}

// The agent: xmpp.js over WebSocket. `mechanism` forces PLAIN or SCRAM-SHA-1.
// With PLAIN the initial response carries authzid user@domain, exactly like
// the Finesse desktop (protocol.md section 1).
export function makeAgent({
  username = "administrator",
  password = PASSWORD,
  resource = "desktop",
  mechanism = "PLAIN",
  label = username,
} = {}) {
  const xmpp = client({
    service: WS_URL,
    domain: DOMAIN,
    resource,
    credentials: async (authenticate, mechanisms) => {
      if (!mechanisms.includes(mechanism)) {
        throw new Error(`server does not offer ${mechanism} (offers ${mechanisms})`);
      }
      const creds = { username, password };
      if (mechanism === "PLAIN") creds.authzid = `${username}@${DOMAIN}`;
      await authenticate(creds, mechanism);
    },
  });
  installDiscoResponder(xmpp);
  return attachCommon(xmpp, label);
}

export function sessionOffered(xmpp) {
  return xmpp.streamFeatures_.some((f) => f.getChild("session", NS.session));
}

// Log in: open, SASL, restart, bind; then session (if offered) and the
// initial presence with entity caps, like the Finesse desktop.
export async function loginAgent(opts = {}) {
  const xmpp = makeAgent(opts);
  await xmpp.start();
  log(`${opts.username ?? "administrator"}: bound ${xmpp.jid}`);
  if (opts.session !== false && sessionOffered(xmpp)) {
    await xmpp.iqCaller.request(
      xml("iq", { type: "set", id: "_session_auth_2" }, xml("session", { xmlns: NS.session })),
    );
  }
  if (opts.presence !== false) await xmpp.send(xml("presence", {}, capsElement()));
  return xmpp;
}

// The publisher: finesse@domain over plain c2s (not captured).
export async function loginPublisher() {
  const xmpp = client({
    service: `xmpp://127.0.0.1:${C2S_PORT}`,
    domain: DOMAIN,
    resource: "publisher",
    username: "finesse",
    password: PASSWORD,
  });
  attachCommon(xmpp, "publisher");
  await xmpp.start();
  return xmpp;
}

// ---- pubsub ----------------------------------------------------------------

export function subscribe(xmpp, node, id) {
  const attrs = { type: "set", to: PUBSUB };
  if (id) attrs.id = id;
  return xmpp.iqCaller.request(
    xml(
      "iq",
      attrs,
      xml("pubsub", { xmlns: NS.pubsub }, xml("subscribe", { node, jid: xmpp.jid.bare().toString() })),
    ),
  );
}

export function publish(xmpp, node, itemId, text) {
  return xmpp.iqCaller.request(
    xml(
      "iq",
      { type: "set", to: PUBSUB },
      xml(
        "pubsub",
        { xmlns: NS.pubsub },
        xml("publish", { node }, xml("item", { id: itemId }, xml("notification", { xmlns: NS.pubsub }, text))),
      ),
    ),
  );
}

export async function deleteNode(xmpp, node) {
  try {
    await xmpp.iqCaller.request(
      xml("iq", { type: "set", to: PUBSUB }, xml("pubsub", { xmlns: NS.pubsubOwner }, xml("delete", { node }))),
    );
  } catch (err) {
    if (err.condition !== "item-not-found") throw err;
  }
}

export function createNode(xmpp, node) {
  return xmpp.iqCaller.request(
    xml("iq", { type: "set", to: PUBSUB }, xml("pubsub", { xmlns: NS.pubsub }, xml("create", { node }))),
  );
}

// Publish a list of { node, text } in order, waiting for each publish result,
// then wait until `agent` has received that many more events.
let itemSeq = 0;
export function itemId() {
  itemSeq += 1;
  return `finesse-${String(itemSeq).padStart(5, "0")}`;
}

export async function publishAll(publisher, agent, updates, gapMs = 50) {
  const before = agent.events.length;
  for (const { node, text } of updates) {
    await publish(publisher, node, itemId(), text);
    await sleep(gapMs);
  }
  await waitFor(`${updates.length} events`, () => agent.events.length >= before + updates.length);
}

// Close the stream (RFC 7395 3.6): <close/>, wait for the server's <close/>,
// then close the WebSocket.
export async function closeAgent(xmpp) {
  await xmpp.stop();
}
