// A WebSocket relay that negotiates permessage-deflate (RFC 7692) with its
// clients, because Prosody never accepts it (protocol.md 6). Each client
// connection gets its own upstream WebSocket (subprotocol xmpp, no
// compression) to --upstream; every message is relayed unchanged as text in
// both directions, and a close on either side closes the other.
//
//   node deflate-proxy.js --port N --upstream ws://127.0.0.1:P/ws/
//
// Listens on 127.0.0.1 only; prints "listening" on stdout once ready.
// Compression: threshold 0 (every message is compressed), context takeover
// on both sides (the ws defaults), window bits 15.
//
// Imported (captures/one-port/front.js), it runs nothing and exports
// xmppServer and relay.
import { WebSocket, WebSocketServer } from "ws";
import { isMain } from "./client.js";

// A ws server for XMPP clients: permessage-deflate with threshold 0 (every
// message compressed) plus the ws options in `deflate`; the subprotocol
// xmpp echoed when offered, anything else refused (RFC 7395 3.1).
export function xmppServer(options, deflate = {}) {
  return new WebSocketServer({
    ...options,
    perMessageDeflate: { threshold: 0, ...deflate },
    handleProtocols: (protocols) => (protocols.has("xmpp") ? "xmpp" : false),
  });
}

// Relay the client connection `client` (from xmppServer) to a new
// WebSocket to `upstreamUrl` (subprotocol xmpp, no compression, Host
// header `host`): text both ways, queued until the upstream is open; a
// close on either side closes the other.
export function relay(client, upstreamUrl, host) {
  const pending = [];
  const up = new WebSocket(upstreamUrl, ["xmpp"], {
    perMessageDeflate: false,
    headers: { Host: host },
  });
  up.on("open", () => {
    pending.splice(0).forEach((m) => up.send(m));
  });
  up.on("message", (data) => {
    if (client.readyState === WebSocket.OPEN) client.send(data.toString("utf8"));
  });
  client.on("message", (data) => {
    const text = data.toString("utf8");
    if (up.readyState === WebSocket.OPEN) up.send(text);
    else pending.push(text);
  });
  const closeBoth = (code) => {
    const c = code >= 1000 && code < 5000 && code !== 1005 && code !== 1006 ? code : 1000;
    if (client.readyState === WebSocket.OPEN) client.close(c);
    if (up.readyState === WebSocket.OPEN) up.close(c);
  };
  up.on("close", closeBoth);
  client.on("close", closeBoth);
  up.on("error", (e) => {
    console.error(`upstream error: ${e.message}`);
    client.terminate();
  });
  client.on("error", (e) => console.error(`client error: ${e.message}`));
}

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`${name} is required`);
  return process.argv[i + 1];
}

function main() {
  const port = Number(arg("--port"));
  const upstreamUrl = arg("--upstream");
  const domain = process.env.XMPP_DOMAIN ?? "uccxpub.prabhat.com";
  const host = `${domain}:${new URL(upstreamUrl).port}`;

  const server = xmppServer({ host: "127.0.0.1", port });
  server.on("connection", (client) => relay(client, upstreamUrl, host));
  server.on("listening", () => console.log("listening"));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
  process.on("SIGINT", () => server.close(() => process.exit(0)));
}

if (isMain(import.meta.url)) main();
