// anomaly-malformed-xml.pcapng: a raw `ws` client (subprotocol xmpp) sends a
// valid <open/>, waits for the server's <open/> and features, then a
// malformed element (<ping> never closed). Records Prosody's reaction until
// the server closes the connection.
import WS from "ws";
import { WS_URL, DOMAIN, NS, loopbackLookup, runScenario, waitFor, log } from "../lib/common.js";

const OPEN = `<open xmlns="${NS.framing}" to="${DOMAIN}" version="1.0"/>`;
const MALFORMED = "<iq type='get' id='x'><ping xmlns='urn:xmpp:ping'></iq>";

runScenario("anomaly-malformed-xml", async () => {
  const ws = new WS(WS_URL, ["xmpp"], { lookup: loopbackLookup });
  const received = [];
  let closed = null;
  ws.on("message", (data) => {
    received.push(data.toString());
    log(`<< ${data}`);
  });
  ws.on("close", (code, reason) => {
    closed = { code, reason: reason.toString() };
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  ws.send(OPEN);
  await waitFor("stream features", () => received.some((m) => m.includes("features")), 5000);
  ws.send(MALFORMED);
  await waitFor("the server to close", () => closed !== null, 10000);
  log(`closed by server: ${closed.code} ${closed.reason}`);
});
