// A small stand-in for a Cisco Finesse server's web front, for the one-port
// captures of finesse-xmpp: one TCP port serves the desktop page, the REST
// API and XMPP over WebSocket, like Finesse on 8445.
//
//   node front.js --port N --upstream-port P [--tls CERT,KEY --keylog FILE]
//                 [--deflate off|ctx|nctx] [--app MODULE [its options]]
//
//   GET  /desktop/                 a small HTML page (200)
//   GET  /finesse/api/User/<id>    a Finesse <User> document (200)
//   PUT  /finesse/api/User/<id>    body <User><state>…</state>…</User>: 202,
//                                  no body (Finesse answers PUTs
//                                  asynchronously; the outcome comes as a
//                                  pubsub notification)
//   GET  /finesse/api/SystemInfo   a <SystemInfo> document (200)
//   anything else                  404 with an <ApiErrors> document
//   Upgrade: websocket on /ws/     relayed to Prosody's ws:// listener on
//                                  127.0.0.1:P (see --deflate)
//
// --deflate off (default): the upgrade request is written unchanged to
//   Prosody and the two sockets are piped byte for byte, so the client sees
//   Prosody's own 101 (subprotocol xmpp, no extension) and Prosody's frames.
// --deflate ctx | nctx: a `ws` server answers the upgrade itself, accepting
//   permessage-deflate with threshold 0 (every message compressed), echoing
//   the xmpp subprotocol, and relays every text message to and from its own
//   upstream WebSocket to Prosody (uncompressed): the server and the relay
//   of captures/transport/deflate-proxy.js. ctx = context takeover (the ws
//   default); nctx = server_no_context_takeover and
//   client_no_context_takeover in the 101.
//
// --tls: HTTPS with that certificate and key; --keylog appends the TLS
// secrets of every connection (NSS key log format, the server's `keylog`
// event) to FILE. Listens on 127.0.0.1 only; prints "listening" when ready.
// Responses carry no Date header, so regenerated captures differ less.
//
// --app MODULE: an ES module that answers HTTP requests before the routes
// above (captures/rest/finesse-app.js: the mock Finesse REST API that
// publishes the outcome of each request). Loaded before the server listens;
// `await init(argv)` if it exports init (it reads its own options from
// argv), then `handle(req, res, body)` for every complete non-upgrade
// request: true when it answered, false to fall through to the routes
// above; `stop()` (if exported) on SIGTERM/SIGINT before the server closes.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { relay, xmppServer } from "../transport/deflate-proxy.js";

function opt(name, dflt) {
  const i = process.argv.indexOf(name);
  if (i < 0) {
    if (dflt === undefined) throw new Error(`${name} is required`);
    return dflt;
  }
  if (i + 1 >= process.argv.length) throw new Error(`${name} needs a value`);
  return process.argv[i + 1];
}

const port = Number(opt("--port"));
const upstreamPort = Number(opt("--upstream-port"));
const tls = opt("--tls", "");
const keylog = opt("--keylog", "");
const deflate = opt("--deflate", "off");
const WS_PATHS = new Set(["/ws/", "/ws"]);
if (!["off", "ctx", "nctx"].includes(deflate)) throw new Error(`--deflate ${deflate}?`);
const appModule = opt("--app", "");
const app = appModule ? await import(pathToFileURL(path.resolve(appModule)).href) : null;
if (app?.init) await app.init(process.argv);

// ---- Finesse documents ------------------------------------------------------

const USERS = {
  administrator: { firstName: "Admin", lastName: "Istrator", extension: "1001", roles: ["Agent", "Supervisor"] },
  agent001: { firstName: "Agent", lastName: "One", extension: "1002", roles: ["Agent"] },
};
const state = Object.fromEntries(Object.keys(USERS).map((id) => [id, "LOGOUT"]));

const el = (name, value) => `<${name}>${value ?? ""}</${name}>`;

function userXml(id) {
  const u = USERS[id];
  return (
    "<User>" +
    el("dialogs", `/finesse/api/User/${id}/Dialogs`) +
    el("extension", u.extension) +
    el("firstName", u.firstName) +
    el("lastName", u.lastName) +
    el("loginId", id) +
    el("loginName", id) +
    el("mediaType", 1) +
    el("pendingState", "") +
    el("roles", u.roles.map((r) => el("role", r)).join("")) +
    el("settings", el("wrapUpOnIncoming", "OPTIONAL")) +
    el("state", state[id]) +
    el("stateChangeTime", "2026-11-21T10:15:00.000Z") +
    el("teamId", 1) +
    el("teamName", "Default") +
    el("uri", `/finesse/api/User/${id}`) +
    "</User>"
  );
}

const SYSTEM_INFO =
  "<SystemInfo>" +
  el("currentTimestamp", "2026-11-21T10:15:30.000Z") +
  el("deploymentType", "UCCX") +
  el("primaryNode", el("host", "uccxpub.prabhat.com")) +
  el("status", "IN_SERVICE") +
  el("timezoneOffset", 0) +
  el("uri", "/finesse/api/SystemInfo") +
  el("xmppDomain", "uccxpub.prabhat.com") +
  el("xmppPubSubDomain", "pubsub.uccxpub.prabhat.com") +
  "</SystemInfo>";

const PAGE = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Cisco Finesse</title></head>
<body>
<div id="finesse">Cisco Finesse desktop (finesse-xmpp capture stand-in)</div>
<script>/* the desktop opens wss://uccxpub.prabhat.com:8445/ws/ with subprotocol xmpp */</script>
</body>
</html>
`;

function apiError(res, status, type, message) {
  const body =
    "<ApiErrors><ApiError>" + el("ErrorData", "") + el("ErrorMessage", message) + el("ErrorType", type) +
    "</ApiError></ApiErrors>";
  send(res, status, "application/xml", body);
}

function send(res, status, type, body) {
  res.sendDate = false;
  const headers = { "Cache-Control": "no-cache" };
  if (body !== null) {
    headers["Content-Type"] = `${type}; charset=utf-8`;
    headers["Content-Length"] = Buffer.byteLength(body);
  } else {
    headers["Content-Length"] = 0;
  }
  res.writeHead(status, headers);
  res.end(body ?? undefined);
}

function handle(req, res) {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    if (app && app.handle(req, res, body)) return;
    const url = new URL(req.url, "http://x");
    const m = /^\/finesse\/api\/User\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && (url.pathname === "/desktop/" || url.pathname === "/desktop")) {
      send(res, 200, "text/html", PAGE);
    } else if (m && !USERS[m[1]]) {
      apiError(res, 404, "Not Found", `User ${m[1]} not found`);
    } else if (m && req.method === "GET") {
      send(res, 200, "application/xml", userXml(m[1]));
    } else if (m && req.method === "PUT") {
      const s = /<state>([A-Z_]+)<\/state>/.exec(body);
      if (!s) return apiError(res, 400, "Invalid Input", "state is required");
      state[m[1]] = s[1];
      send(res, 202, null, null);
    } else if (req.method === "GET" && url.pathname === "/finesse/api/SystemInfo") {
      send(res, 200, "application/xml", SYSTEM_INFO);
    } else {
      apiError(res, 404, "Not Found", `${req.method} ${url.pathname}`);
    }
  });
}

// ---- servers ------------------------------------------------------------------

let server;
if (tls) {
  const [cert, key] = tls.split(",");
  server = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, handle);
  if (keylog) server.on("keylog", (line) => fs.appendFileSync(keylog, line));
} else {
  server = http.createServer(handle);
}

// Byte-for-byte relay of the upgrade to Prosody (deflate off).
function pipeUpgrade(req, socket, head) {
  const up = net.connect(upstreamPort, "127.0.0.1");
  let lines = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  up.write(lines + "\r\n");
  if (head.length) up.write(head);
  socket.pipe(up);
  up.pipe(socket);
  const done = () => {
    socket.destroy();
    up.destroy();
  };
  // Closing one side ends the other (FIN); errors (Prosody's RST) tear both down.
  up.on("end", () => socket.end());
  socket.on("end", () => up.end());
  up.on("error", done);
  socket.on("error", done);
  up.on("close", () => socket.end());
}

// permessage-deflate relay (deflate ctx | nctx): each client's upstream
// WebSocket carries the client's Host header.
const wss =
  deflate === "off"
    ? null
    : xmppServer(
        { noServer: true },
        { serverNoContextTakeover: deflate === "nctx", clientNoContextTakeover: deflate === "nctx" },
      );

server.on("upgrade", (req, socket, head) => {
  const path = new URL(req.url, "http://x").pathname;
  if (!WS_PATHS.has(path) || (req.headers.upgrade ?? "").toLowerCase() !== "websocket") {
    socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    return;
  }
  if (!wss) return pipeUpgrade(req, socket, head);
  wss.handleUpgrade(req, socket, head, (client) =>
    relay(client, `ws://127.0.0.1:${upstreamPort}/ws/`, req.headers.host ?? `uccxpub.prabhat.com:${upstreamPort}`),
  );
});

server.on("tlsClientError", (e) => console.error(`tls error: ${e.message}`));
server.listen(port, "127.0.0.1", () => console.log("listening"));
const stop = async () => {
  if (app?.stop) await Promise.race([app.stop(), new Promise((r) => setTimeout(r, 2000))]).catch(() => {});
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
