// anomaly-wrong-password.pcapng: administrator with a wrong password over
// SASL PLAIN -> <failure><not-authorized/>; the client then closes the
// stream with <close/>.
import { makeAgent, runScenario, log } from "../lib/common.js";

runScenario("anomaly-wrong-password", async () => {
  const agent = makeAgent({ username: "administrator", password: "wrong-password", mechanism: "PLAIN" });
  let failed = false;
  try {
    await agent.start();
  } catch (err) {
    failed = true;
    log(`login refused as expected: ${err.condition ?? err.message}`);
  }
  if (!failed) throw new Error("login with a wrong password succeeded");
  if (agent.status !== "offline" && agent.status !== "disconnect") await agent.stop();
});
