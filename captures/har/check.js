// Compares the two records of the HAR session (captures/har/make.sh) and
// prints the facts captures/har/README.md gives:
//
//   node check.js --pcap har-session.pcapng --har har-session.har --port 8090
//   node check.js --bosh --pcap har-bosh-session.pcapng --har har-bosh-session.har --port 8092
//
// --bosh: the BOSH session (make.sh bosh), checked by check-bosh.js with
// the tshark() below; everything else here is the WebSocket session.
//
// Check (exit 1 on any difference): the WebSocket text messages of the pcap
// (tshark, websocket.opcode == 1, websocket.payload.text; "send" = towards
// --port) and the _webSocketMessages of the HAR's websocket entry are the
// same list: same length, same order, same direction, identical text.
// Then: frame numbers (upgrade, first and last XMPP message), messages per
// direction, iq ids, the Finesse states of the notifications, HAR entries
// per _resourceType, and how far each HAR message time is from the time of
// the pcap frame that carried it.
import { execFileSync } from "node:child_process";
import fs from "node:fs";

function opt(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`${name} is required`);
  return process.argv[i + 1];
}
const pcap = opt("--pcap");
const harPath = opt("--har");
const port = opt("--port");

function tshark(filter, fields) {
  const out = execFileSync(
    "tshark",
    ["-n", "-r", pcap, "-o", "tls.keylog_file:", "-d", `tcp.port==${port},http`, "-Y", filter, "-T", "json", ...fields.flatMap((f) => ["-e", f])],
    { maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] },
  );
  return JSON.parse(out.toString("utf8") || "[]").map((p) => p._source.layers);
}

if (process.argv.includes("--bosh")) {
  const { checkBosh } = await import("./check-bosh.js");
  process.exit(checkBosh({ pcap, harPath, port, tshark }));
}

// ---- the pcap ---------------------------------------------------------------
const frames = tshark("websocket", [
  "frame.number",
  "frame.time_epoch",
  "tcp.stream",
  "tcp.dstport",
  "websocket.opcode",
  "websocket.payload.text",
]);
const wire = []; // text messages
const controls = []; // other opcodes
for (const l of frames) {
  const texts = [...(l["websocket.payload.text"] ?? [])];
  const frame = Number(l["frame.number"][0]);
  const type = l["tcp.dstport"][0] === port ? "send" : "receive";
  for (const op of l["websocket.opcode"] ?? []) {
    if (op === "1") {
      wire.push({ frame, epoch: Number(l["frame.time_epoch"][0]), stream: l["tcp.stream"][0], type, data: texts.shift() });
    } else {
      controls.push({ frame, type, opcode: Number(op) });
    }
  }
}
const http = tshark("http.request || http.response", [
  "frame.number",
  "tcp.stream",
  "http.request.method",
  "http.request.uri",
  "http.response.code",
]).map((l) => ({
  frame: Number(l["frame.number"][0]),
  stream: l["tcp.stream"][0],
  what: l["http.request.method"] ? `${l["http.request.method"][0]} ${l["http.request.uri"][0]}` : l["http.response.code"][0],
}));
const npackets = tshark("frame", ["frame.number"]).length;

// ---- the HAR ----------------------------------------------------------------
const har = JSON.parse(fs.readFileSync(harPath, "utf8"));
const entries = har.log.entries;
const sockets = entries.filter((e) => e._resourceType === "websocket");
if (sockets.length !== 1) {
  console.error(`expected 1 websocket entry in the HAR, found ${sockets.length}`);
  process.exit(1);
}
const ws = sockets[0];
const messages = ws._webSocketMessages;
const textMessages = messages.filter((m) => m.opcode === 1);

// ---- the check -------------------------------------------------------------
// Rules. (1) Per direction, the HAR and the pcap hold the same messages in
// the same order with identical text. (2) One allowance, Chrome's own: once
// the page has called WebSocket.close(), what still arrives is not given to
// the page and DevTools does not list it. strophe.js' disconnect() sends the
// unavailable presence and <close/>, then closes the socket at once, so
// Prosody's answers (the reflected unavailable presence, its <close/>) may
// be missing: the HAR may lack a tail of the received messages if all of
// them are on the wire after the page's last burst of sends began. (3) The
// interleaving of the two directions is reported, not required: DevTools
// times a sent message when the page calls send(), so a server message that
// crosses the page's last sends on the wire can be listed after them.
const problems = [];
if (textMessages.length !== messages.length) {
  problems.push(`HAR has ${messages.length - textMessages.length} non-text message(s): ${JSON.stringify(messages.filter((m) => m.opcode !== 1))}`);
}
function compareList(what, w, h) {
  for (let i = 0; i < Math.min(w.length, h.length); i++) {
    if (w[i].data !== h[i].data) {
      problems.push(`${what} message ${i + 1} differs: pcap frame ${w[i].frame} ${JSON.stringify(w[i].data.slice(0, 80))} vs HAR ${JSON.stringify(h[i].data.slice(0, 80))}`);
    }
  }
}
const sendW = wire.filter((m) => m.type === "send");
const recvW = wire.filter((m) => m.type === "receive");
const sendH = textMessages.filter((m) => m.type === "send");
const recvH = textMessages.filter((m) => m.type === "receive");
compareList("sent", sendW, sendH);
compareList("received", recvW, recvH);
if (sendW.length !== sendH.length) problems.push(`sent: pcap ${sendW.length} messages, HAR ${sendH.length}`);
// The page's last burst of sends: the sends after the HAR's last receive.
const lastRecvH = textMessages.findLastIndex((m) => m.type === "receive");
const burst = textMessages.slice(lastRecvH + 1).filter((m) => m.type === "send").length;
const burstFrame = sendW[sendW.length - Math.max(burst, 1)]?.frame ?? Infinity;
const missing = recvW.slice(recvH.length);
if (recvH.length > recvW.length) {
  problems.push(`received: pcap ${recvW.length} messages, HAR ${recvH.length}`);
} else if (missing.some((m) => m.frame <= burstFrame)) {
  problems.push(`received: the HAR lacks ${missing.length} message(s) from pcap frame ${missing[0].frame} on, not all after the page's last sends (frame ${burstFrame})`);
}
// The HAR entry and the TCP stream are the same connection: same
// Sec-WebSocket-Key and Sec-WebSocket-Accept.
const keys = tshark("http.sec_websocket_key || http.sec_websocket_accept", [
  "frame.number",
  "http.sec_websocket_key",
  "http.sec_websocket_accept",
]);
const wireKey = keys.find((l) => l["http.sec_websocket_key"])?.["http.sec_websocket_key"][0];
const wireAccept = keys.find((l) => l["http.sec_websocket_accept"])?.["http.sec_websocket_accept"][0];
const harHeader = (list, name) => list.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
const harKey = harHeader(ws.request.headers, "Sec-WebSocket-Key");
const harAccept = harHeader(ws.response.headers, "Sec-WebSocket-Accept");
if (wireKey !== harKey || wireAccept !== harAccept) {
  problems.push(`handshake differs: pcap key ${wireKey} accept ${wireAccept}, HAR key ${harKey} accept ${harAccept}`);
}
const interleaving = (() => {
  for (let i = 0; i < textMessages.length; i++) {
    if (wire[i].type !== textMessages[i].type || wire[i].data !== textMessages[i].data) {
      return `differs from message ${i + 1} on (pcap frame ${wire[i].frame} ${wire[i].type}, HAR ${textMessages[i].type})`;
    }
  }
  return "identical";
})();

// ---- facts ------------------------------------------------------------------
const count = (list, key) => list.reduce((m, x) => ((m[x[key]] = (m[x[key]] ?? 0) + 1), m), {});
const fmt = (o) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(", ");
const iqIds = wire.filter((m) => m.data.startsWith("<iq")).map((m) => {
  const id = /\sid=(["'])(.*?)\1/.exec(m.data);
  const t = /\stype=(["'])(.*?)\1/.exec(m.data);
  return `${m.type === "send" ? "C" : "S"} ${t ? t[2] : "?"} ${id ? id[2] : "(none)"}`;
});
const notifications = wire
  .filter((m) => m.type === "receive" && m.data.includes("pubsub#event"))
  .map((m) => {
    const item = /<item[^>]*\sid=(["'])(.*?)\1/.exec(m.data);
    const state = /&lt;state&gt;([A-Z_]+)&lt;\/state&gt;/.exec(m.data);
    const req = /&lt;requestId&gt;(.*?)&lt;\/requestId&gt;|&lt;requestId\/&gt;/.exec(m.data);
    return `frame ${m.frame}: item ${item ? item[2] : "?"}, state ${state ? state[1] : "?"}, requestId "${req?.[1] ?? ""}"`;
  });
const upgrade = http.filter((h) => h.what.startsWith("GET /ws/") || h.what === "101");
const stats = (type) => {
  const w = type === "send" ? sendW : recvW;
  const h = type === "send" ? sendH : recvH;
  const d = [];
  for (let i = 0; i < Math.min(w.length, h.length); i++) d.push((h[i].time - w[i].epoch) * 1000);
  if (!d.length) return "none";
  const mean = d.reduce((x, y) => x + y, 0) / d.length;
  return `min ${Math.min(...d).toFixed(3)} ms, max ${Math.max(...d).toFixed(3)} ms, mean ${mean.toFixed(3)} ms`;
};

console.log(`pcap ${pcap}: ${npackets} packets, ${new Set(frames.map((l) => l["tcp.stream"][0])).size} TCP stream(s) with WebSocket data`);
console.log(`  HTTP: ${http.map((h) => `${h.frame}:s${h.stream} ${h.what}`).join("; ")}`);
console.log(`  upgrade: ${upgrade.map((h) => `frame ${h.frame} ${h.what}`).join(", ")}`);
console.log(`  WebSocket text messages: ${wire.length} (${fmt(count(wire, "type"))}), in ${new Set(wire.map((m) => m.frame)).size} frames`);
console.log(`  first XMPP message: frame ${wire[0]?.frame} ${wire[0]?.type} ${wire[0]?.data.slice(0, 60)}`);
console.log(`  last XMPP message: frame ${wire.at(-1)?.frame} ${wire.at(-1)?.type} ${wire.at(-1)?.data.slice(0, 60)}`);
console.log(`  other WebSocket frames: ${controls.map((c) => `frame ${c.frame} ${c.type} opcode ${c.opcode}`).join(", ") || "none"}`);
console.log(`  iq: ${iqIds.join("; ")}`);
console.log(`  notifications: ${notifications.join("; ")}`);
console.log(`HAR ${harPath}: creator ${har.log.creator.name} ${har.log.creator.version}, ${har.log.pages.length} page(s), ${entries.length} entries`);
console.log(`  entries per _resourceType: ${fmt(count(entries, "_resourceType"))}`);
for (const e of entries) {
  console.log(`    ${e._resourceType} ${e.request.method} ${e.request.url} -> ${e.response.status} ${e.response.statusText} (${e.response.content.mimeType}, text ${e.response.content.text === undefined ? "none" : `${e.response.content.text.length} chars`}) serverIPAddress "${e.serverIPAddress}" connection ${e.connection ?? "-"}`);
}
console.log(`  _webSocketMessages: ${messages.length} (${fmt(count(messages, "type"))})`);
console.log(`  HAR time - pcap frame time: send ${stats("send")}; receive ${stats("receive")}`);
for (const m of wire) console.log(`    ${String(m.frame).padStart(4)} ${m.type === "send" ? "C" : "S"} ${m.data.slice(0, 100)}`);

console.log(`  Sec-WebSocket-Key ${harKey}, Sec-WebSocket-Accept ${harAccept}: pcap ${wireKey === harKey && wireAccept === harAccept ? "same" : "DIFFERENT"}`);
console.log(`  interleaving of the two directions, HAR vs pcap: ${interleaving}`);
if (problems.length) {
  console.error(`MISMATCH between ${pcap} and ${harPath}:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
const clientClose = controls.find((c) => c.type === "send" && c.opcode === 8);
console.log(
  `OK: sent ${sendH.length}/${sendW.length} and received ${recvH.length}/${recvW.length} WebSocket text messages of the pcap are in the HAR, identical and in the same order` +
    (missing.length
      ? `; the HAR lacks the last ${missing.length} received (pcap frame(s) ${[...new Set(missing.map((m) => m.frame))].join(", ")}), which arrived after the page had called close() (its Close frame on the wire: ${clientClose?.frame ?? "-"})`
      : ""),
);
// For make.sh: which of the possible shapes this pair has.
console.log(`shape: ${missing.length ? "tail-missing" : "complete"} interleaving-${interleaving === "identical" ? "identical" : "differs"}`);
