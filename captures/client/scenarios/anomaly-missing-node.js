// anomaly-missing-node.pcapng: subscribe to the existing User node (result),
// then to /finesse/api/User/nobody, which does not exist -> iq error
// <item-not-found/>. Then <close/>.
import { loginAgent, subscribe, closeAgent, runScenario, sleep, log } from "../lib/common.js";

runScenario("anomaly-missing-node", async () => {
  const agent = await loginAgent({ username: "administrator" });
  await sleep(300);
  await subscribe(agent, "/finesse/api/User/administrator", "sub_user");
  try {
    await subscribe(agent, "/finesse/api/User/nobody", "sub_nobody");
    throw new Error("subscription to a missing node succeeded");
  } catch (err) {
    if (err.condition !== "item-not-found") throw err;
    log(`subscribe refused: ${err.type}/${err.condition}`);
  }
  await closeAgent(agent);
});
