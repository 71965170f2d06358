// keepalive-pings.pcapng: administrator logs in like finesse-login (PLAIN,
// bind "desktop", session, caps presence), subscribes to the User node, then
// keeps the session up with four XEP-0199 pings to the server (ids ping-1 ..
// ping-4, about 1 s apart), each answered by Prosody's mod_ping with an iq
// result; one Finesse notification (pushed by finesse@ over c2s) arrives
// between the second and third ping. Then <close/> both ways and the
// WebSocket close. Prosody 0.12 (even with Debian's prosody-modules) has no
// module that pings clients, so every ping here comes from the client.
import {
  loginAgent, loginPublisher, subscribe, publishAll, closeAgent, runScenario, sleep, log, xml,
  DOMAIN, NS,
} from "../lib/common.js";
import { userUpdate, REASONS, ts } from "../lib/finesse.js";

const USER_NODE = "/finesse/api/User/administrator";
const PINGS = 4;
const INTERVAL_MS = 1000;

function ping(xmpp, n) {
  return xmpp.iqCaller.request(
    xml("iq", { type: "get", to: DOMAIN, id: `ping-${n}` }, xml("ping", { xmlns: NS.ping })),
  );
}

runScenario("keepalive", async () => {
  const publisher = await loginPublisher();
  const agent = await loginAgent({ username: "administrator", mechanism: "PLAIN" });
  await sleep(300); // let mod_pep's caps disco#info round trip finish
  await subscribe(agent, USER_NODE, "sub_user");

  for (let n = 1; n <= PINGS; n++) {
    const sent = Date.now();
    await ping(agent, n);
    log(`ping-${n} answered in ${Date.now() - sent} ms`);
    if (n === 2) {
      await sleep(INTERVAL_MS / 2);
      await publishAll(publisher, agent, [
        { node: USER_NODE, text: userUpdate({ state: "NOT_READY", reason: REASONS.lunch, stateChangeTime: ts(0) }) },
      ]);
    }
    if (n < PINGS) await sleep(Math.max(0, INTERVAL_MS - (Date.now() - sent)));
  }

  await closeAgent(agent);
  await publisher.stop();
});
