// scram-login.pcapng: administrator/1234 with SASL SCRAM-SHA-1 (client-first,
// challenge, response, success carrying the server-final message), restart,
// bind, session, caps presence, one subscription, <close/>.
import { loginAgent, subscribe, closeAgent, runScenario, sleep } from "../lib/common.js";

runScenario("scram-login", async () => {
  const agent = await loginAgent({ username: "administrator", mechanism: "SCRAM-SHA-1" });
  await sleep(300); // let mod_pep's caps disco#info round trip finish
  await subscribe(agent, "/finesse/api/User/administrator", "sub_user");
  await closeAgent(agent);
});
