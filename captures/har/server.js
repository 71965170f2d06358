// The one captured web port of the HAR session (captures/har/make.sh): a
// Finesse-like site on plain HTTP where the desktop page, its script, the
// REST API and XMPP over WebSocket share one TCP port, like Finesse on
// 8445/8082.
//
//   node server.js --port N --backend-port B
//
//   GET /desktop/                     desktop.html (the page Chromium loads)
//   GET /desktop/strophe.umd.min.js   strophe.js' browser build, the npm file
//                                     as it is installed in node_modules
//   anything else, and the WebSocket  forwarded to captures/one-port/front.js
//   upgrade on /ws/                   on 127.0.0.1:B (not captured), which
//                                     answers the Finesse REST calls
//                                     (GET/PUT /finesse/api/User/<id>, 404
//                                     ApiErrors otherwise) and pipes /ws/ to
//                                     Prosody byte for byte
//
// The forwarding keeps what the backend wrote: status line, header names,
// case and order (rawHeaders), body. An upgrade answered 101 is written back
// as the same status line and headers, then both sockets are piped, so the
// browser sees Prosody's own 101 and Prosody's WebSocket frames.
// Listens on 127.0.0.1 only; prints "listening" when ready. No Date header
// on the responses this server writes itself.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`${name} N is required`);
  return Number(process.argv[i + 1]);
}

const port = arg("--port");
const backendPort = arg("--backend-port");

// The two files this server owns, read once.
const FILES = {
  "/desktop/": { type: "text/html; charset=utf-8", body: fs.readFileSync(path.join(HERE, "desktop.html")) },
  "/desktop/strophe.umd.min.js": {
    type: "text/javascript; charset=utf-8",
    body: fs.readFileSync(path.join(HERE, "node_modules/strophe.js/dist/strophe.umd.min.js")),
  },
};

// rawHeaders ([name, value, name, value, ...]) as header lines.
const headerLines = (raw) => {
  let s = "";
  for (let i = 0; i < raw.length; i += 2) s += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return s;
};

function backendRequest(req) {
  return http.request({
    host: "127.0.0.1",
    port: backendPort,
    method: req.method,
    path: req.url,
    // Keep the browser's header names and order on the (uncaptured) hop.
    headers: req.rawHeaders,
    agent: false,
  });
}

const server = http.createServer((req, res) => {
  res.sendDate = false;
  const file = req.method === "GET" ? FILES[req.url] : undefined;
  if (file) {
    res.writeHead(200, { "Content-Type": file.type, "Content-Length": file.body.length, "Cache-Control": "no-cache" });
    res.end(file.body);
    return;
  }
  const back = backendRequest(req);
  back.on("response", (bres) => {
    res.writeHead(bres.statusCode, bres.statusMessage, bres.rawHeaders);
    bres.pipe(res);
  });
  back.on("error", (e) => {
    console.error(`backend error: ${e.message}`);
    res.destroy();
  });
  req.pipe(back);
});

server.on("upgrade", (req, socket, head) => {
  const back = backendRequest(req);
  back.on("upgrade", (bres, bsocket, bhead) => {
    socket.write(`HTTP/${bres.httpVersion} ${bres.statusCode} ${bres.statusMessage}\r\n${headerLines(bres.rawHeaders)}\r\n`);
    if (bhead.length) socket.write(bhead);
    if (head.length) bsocket.write(head);
    bsocket.pipe(socket);
    socket.pipe(bsocket);
    // A FIN on one side is passed on; a reset or error tears both down.
    const destroyBoth = () => {
      socket.destroy();
      bsocket.destroy();
    };
    bsocket.on("error", destroyBoth);
    socket.on("error", destroyBoth);
    bsocket.on("close", () => socket.end());
    socket.on("close", () => bsocket.end());
  });
  back.on("response", (bres) => {
    // Not upgraded (e.g. Prosody's 501 without the xmpp subprotocol).
    socket.write(`HTTP/${bres.httpVersion} ${bres.statusCode} ${bres.statusMessage}\r\n${headerLines(bres.rawHeaders)}\r\n`);
    bres.pipe(socket);
  });
  back.on("error", (e) => {
    console.error(`backend upgrade error: ${e.message}`);
    socket.destroy();
  });
  back.end();
});

server.listen(port, "127.0.0.1", () => console.log("listening"));
const stop = () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
