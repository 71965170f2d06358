// The BOSH part of check.js (node check.js --bosh --pcap P --har H --port N,
// run by captures/har/make.sh bosh): compares the two records of the BOSH
// HAR session and prints the facts of the HAR; captures/bosh/facts.py
// prints those of the pcap.
//
// Check (exit status 1 on any difference):
//   1. The pcap's BOSH requests (POSTs to --port whose body is a
//      <body xmlns='http://jabber.org/protocol/httpbind'>), in wire order,
//      each with the response paired with it on its TCP connection (HTTP/1.1
//      answers in order), and the HAR's BOSH entries (request.postData.text
//      a BOSH body), in entry order, are the same list: same request text,
//      same status, same response text (response.content.text, base64
//      decoded if so encoded), byte for byte.
//   2. Every other HTTP request of the pcap (the CORS preflight) is in the
//      HAR: same method, URL path and status.
// Reported, not required ("shape:" line; make.sh keeps a session with
// "interleaving-identical"): where xmppws-har2pcapng puts each body — the
// request at startedDateTime (milliseconds), the response at startedDateTime
// + time, a stable sort — gives the pcap's order of all BOSH bodies, requests
// and responses interleaved. When it does, the converted file lists the
// XMPP elements in the capture's order, which the tests compare.
import fs from "node:fs";

const NS_BOSH = "http://jabber.org/protocol/httpbind";
const isBosh = (text) => typeof text === "string" && /^\s*<body[\s>]/.test(text) && text.includes(NS_BOSH);
const attr = (xml, name) => {
  const m = new RegExp(`^\\s*<body[^>]*\\s${name.replace(":", "\\:")}=(["'])(.*?)\\1`).exec(xml ?? "");
  return m ? m[2] : undefined;
};
const short = (s, n = 90) => JSON.stringify((s ?? "").slice(0, n));

// What a body carries, in a few words.
function what(xml) {
  if (xml === undefined) return "(no body)";
  const inner = xml.replace(/^\s*<body[^>]*?(\/>|>)/, "").replace(/<\/body>\s*$/, "");
  const parts = [];
  if (attr(xml, "type")) parts.push(`type=${attr(xml, "type")}`);
  if (attr(xml, "xmpp:restart")) parts.push("restart");
  if (!attr(xml, "sid") && attr(xml, "rid")) parts.push("session creation");
  // the top-level children, with their id if any
  const top = [];
  let depth = 0;
  for (const m of inner.matchAll(/<(\/?)([\w:]+)([^>]*?)(\/?)>/g)) {
    if (m[1]) {
      depth--;
      continue;
    }
    if (depth === 0) {
      const id = /\sid=(["'])(.*?)\1/.exec(m[3]);
      top.push(id ? `${m[2]} ${id[2]}` : m[2]);
    }
    if (!m[4]) depth++;
  }
  if (top.length) parts.push(top.join(", "));
  const items = [...inner.matchAll(/<item[^>]*\sid=(["'])(finesse-\d+)\1/g)].map((m) => m[2]);
  if (items.length) parts.push(`items ${items.join(" ")}`);
  return parts.join("; ") || "(empty)";
}

export function checkBosh({ pcap, harPath, port, tshark }) {
  // ---- the pcap: HTTP messages on --port, paired per TCP connection --------
  const msgs = tshark("http.request || http.response", [
    "frame.number",
    "frame.time_epoch",
    "tcp.stream",
    "http.request.method",
    "http.request.uri",
    "http.response.code",
    "http.file_data",
  ]).map((l) => ({
    frame: Number(l["frame.number"][0]),
    epoch: Number(l["frame.time_epoch"][0]),
    stream: l["tcp.stream"][0],
    method: l["http.request.method"]?.[0],
    uri: l["http.request.uri"]?.[0],
    status: l["http.response.code"] ? Number(l["http.response.code"][0]) : undefined,
    body: l["http.file_data"]?.[0],
  }));
  const open = new Map(); // stream -> requests waiting for their response
  const exchanges = [];
  const problems = [];
  for (const m of msgs) {
    if (m.method) {
      const x = { req: m, resp: null };
      exchanges.push(x);
      if (!open.has(m.stream)) open.set(m.stream, []);
      open.get(m.stream).push(x);
    } else {
      const x = open.get(m.stream)?.shift();
      if (x) x.resp = m;
      else problems.push(`pcap frame ${m.frame}: a response without request on tcp.stream ${m.stream}`);
    }
  }
  const wireBosh = exchanges.filter((x) => x.req.method === "POST" && isBosh(x.req.body));
  const wireOther = exchanges.filter((x) => !wireBosh.includes(x));
  for (const x of wireBosh) if (!x.resp) problems.push(`pcap frame ${x.req.frame}: BOSH request without response`);

  // ---- the HAR ----------------------------------------------------------------
  const har = JSON.parse(fs.readFileSync(harPath, "utf8"));
  const entries = har.log.entries;
  const text = (content) =>
    content?.text === undefined ? undefined : content.encoding === "base64" ? Buffer.from(content.text, "base64").toString("utf8") : content.text;
  const harBosh = entries
    .map((e, index) => ({ e, index, req: e.request.postData?.text, resp: text(e.response.content) }))
    .filter((h) => h.e.request.method === "POST" && isBosh(h.req));

  // ---- 1. every BOSH body, same order, same text ---------------------------
  if (wireBosh.length !== harBosh.length) {
    problems.push(`BOSH requests: pcap ${wireBosh.length}, HAR ${harBosh.length}`);
  }
  for (let i = 0; i < Math.min(wireBosh.length, harBosh.length); i++) {
    const w = wireBosh[i];
    const h = harBosh[i];
    if (w.req.body !== h.req) {
      problems.push(`BOSH request ${i + 1}: pcap frame ${w.req.frame} ${short(w.req.body)} vs HAR entry ${h.index} ${short(h.req)}`);
    }
    if (w.resp && w.resp.status !== h.e.response.status) {
      problems.push(`BOSH response ${i + 1}: pcap frame ${w.resp.frame} status ${w.resp.status}, HAR entry ${h.index} ${h.e.response.status}`);
    }
    if (w.resp && w.resp.body !== h.resp) {
      problems.push(`BOSH response ${i + 1}: pcap frame ${w.resp.frame} ${short(w.resp.body)} vs HAR entry ${h.index} ${short(h.resp)}`);
    }
  }

  // ---- 2. the other requests (preflight) -------------------------------------
  const pathOf = (url) => {
    const u = new URL(url);
    return u.pathname + u.search;
  };
  const otherFound = wireOther.map((x) => {
    const h = entries.findIndex(
      (e) =>
        e.request.method === x.req.method &&
        new URL(e.request.url).port === String(port) &&
        pathOf(e.request.url) === x.req.uri &&
        e.response.status === x.resp?.status,
    );
    if (h < 0) problems.push(`pcap frame ${x.req.frame}: ${x.req.method} ${x.req.uri} is not in the HAR`);
    return { x, h };
  });

  // ---- the converter's order ------------------------------------------------
  // Wire: every BOSH body by frame. Converter: request at startedDateTime,
  // response at startedDateTime + time (ns, truncated), stable sort with
  // each entry's request before its response, entries in HAR order.
  const wireSeq = wireBosh
    .flatMap((x, i) => [
      { frame: x.req.frame, key: `C${i + 1}`, epoch: x.req.epoch },
      ...(x.resp ? [{ frame: x.resp.frame, key: `S${i + 1}`, epoch: x.resp.epoch }] : []),
    ])
    .sort((a, b) => a.frame - b.frame);
  const ns = (ms) => BigInt(ms) * 1000000n;
  const convSeq = harBosh
    .flatMap((h, i) => {
      const start = ns(Date.parse(h.e.startedDateTime));
      const t = h.e.time > 0 ? BigInt(Math.trunc(h.e.time * 1e6)) : 0n;
      return [
        { key: `C${i + 1}`, ts: start, seq: 2 * i },
        { key: `S${i + 1}`, ts: start + t, seq: 2 * i + 1 },
      ];
    })
    .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.seq - b.seq));
  let interleaving = "identical";
  for (let i = 0; i < Math.max(wireSeq.length, convSeq.length); i++) {
    if (wireSeq[i]?.key !== convSeq[i]?.key) {
      interleaving = `differs from body ${i + 1} on (pcap frame ${wireSeq[i]?.frame} ${wireSeq[i]?.key}, converted ${convSeq[i]?.key})`;
      break;
    }
  }

  // ---- facts --------------------------------------------------------------------
  const count = (list, f) => list.reduce((m, x) => ((m[f(x)] = (m[f(x)] ?? 0) + 1), m), {});
  const fmt = (o) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(", ");
  const creation = harBosh.find((h) => !attr(h.req, "sid"));
  const sid = creation ? attr(creation.resp, "sid") : undefined;
  console.log(`HAR ${harPath}: creator ${har.log.creator.name} ${har.log.creator.version}, ${har.log.pages.length} page(s), ${entries.length} entries`);
  console.log(`  entries per _resourceType: ${fmt(count(entries, (e) => e._resourceType))}`);
  console.log(`  BOSH entries: ${harBosh.length} (HAR entries ${harBosh[0]?.index}..${harBosh.at(-1)?.index}); sid ${sid}; first rid ${attr(harBosh[0]?.req, "rid")}, last rid ${attr(harBosh.at(-1)?.req, "rid")}`);
  entries.forEach((e, i) => {
    const b = harBosh.find((h) => h.index === i);
    console.log(
      `    ${String(i).padStart(2)} ${e._resourceType} ${e.request.method} ${e.request.url} -> ${e.response.status} ${e.response.statusText}` +
        ` (${e.response.content.mimeType}, text ${e.response.content.text === undefined ? "none" : `${e.response.content.text.length} chars`})` +
        ` connection ${e.connection ?? "-"} _connectionId ${e._connectionId ?? "-"} time ${e.time.toFixed(3)} ms` +
        (b ? `\n         rid ${attr(b.req, "rid")}: ${what(b.req)}  =>  ${what(b.resp)}` : ""),
    );
  });
  const offsets = (pick) => {
    const d = [];
    for (let i = 0; i < Math.min(wireBosh.length, harBosh.length); i++) {
      const v = pick(wireBosh[i], harBosh[i]);
      if (v !== undefined) d.push(v);
    }
    if (!d.length) return "none";
    const mean = d.reduce((x, y) => x + y, 0) / d.length;
    return `min ${Math.min(...d).toFixed(3)} ms, max ${Math.max(...d).toFixed(3)} ms, mean ${mean.toFixed(3)} ms`;
  };
  console.log(`  startedDateTime - pcap request frame time: ${offsets((w, h) => Date.parse(h.e.startedDateTime) - w.req.epoch * 1000)}`);
  console.log(
    `  startedDateTime + time - pcap response frame time: ${offsets((w, h) => (w.resp ? Date.parse(h.e.startedDateTime) + h.e.time - w.resp.epoch * 1000 : undefined))}`,
  );
  console.log(`pcap ${pcap}: ${msgs.length} HTTP messages, ${exchanges.length} requests (${wireBosh.length} BOSH), on ${new Set(msgs.map((m) => m.stream)).size} TCP connection(s)`);
  for (const { x, h } of otherFound) {
    console.log(`  not BOSH: frame ${x.req.frame} ${x.req.method} ${x.req.uri} -> frame ${x.resp?.frame} ${x.resp?.status}: HAR entry ${h < 0 ? "none" : `${h} (${entries[h]._resourceType})`}`);
  }
  console.log(`  BOSH bodies in the converter's order vs the pcap's: ${interleaving}`);
  if (problems.length) {
    console.error(`MISMATCH between ${pcap} and ${harPath}:`);
    for (const p of problems) console.error(`  ${p}`);
    return 1;
  }
  console.log(
    `OK: the ${wireBosh.length} BOSH request bodies and their ${wireBosh.length} response bodies of the pcap are the HAR's ${harBosh.length} BOSH entries, same order, identical text; ` +
      `${wireOther.length} other request(s) of the pcap in the HAR too`,
  );
  console.log(`shape: interleaving-${interleaving === "identical" ? "identical" : "differs"}`);
  return 0;
}
