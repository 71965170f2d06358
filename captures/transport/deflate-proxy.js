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
import { WebSocket, WebSocketServer } from "ws";

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`${name} is required`);
  return process.argv[i + 1];
}

const port = Number(arg("--port"));
const upstreamUrl = arg("--upstream");
const domain = process.env.XMPP_DOMAIN ?? "uccxpub.prabhat.com";

const server = new WebSocketServer({
  host: "127.0.0.1",
  port,
  perMessageDeflate: { threshold: 0 },
  // RFC 7395 3.1: echo "xmpp" when offered, refuse anything else.
  handleProtocols: (protocols) => (protocols.has("xmpp") ? "xmpp" : false),
});

server.on("connection", (client) => {
  const pending = [];
  const up = new WebSocket(upstreamUrl, ["xmpp"], {
    perMessageDeflate: false,
    headers: { Host: `${domain}:${new URL(upstreamUrl).port}` },
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
});

server.on("listening", () => console.log("listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
process.on("SIGINT", () => server.close(() => process.exit(0)));
