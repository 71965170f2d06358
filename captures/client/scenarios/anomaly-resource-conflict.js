// anomaly-resource-conflict.pcapng: two WebSocket sessions of administrator
// both bind resource "desktop". Both connections are captured; Prosody's
// default (conflict_resolve = "kick_old") ends the older session with a
// <stream:error><conflict/></stream:error>.
import { loginAgent, closeAgent, runScenario, waitFor, sleep, log } from "../lib/common.js";

runScenario("anomaly-resource-conflict", async () => {
  const first = await loginAgent({ username: "administrator", label: "first" });
  const firstErrors = [];
  first.on("error", (err) => firstErrors.push(err));
  await sleep(300);

  const second = await loginAgent({ username: "administrator", label: "second" });
  log(`second session bound ${second.jid}`);
  await waitFor("the first session to end", () => ["offline", "disconnect"].includes(first.status), 10000);
  log(`first session: status ${first.status}, errors: ${firstErrors.map((e) => e.condition ?? e.message).join(", ")}`);
  await sleep(300);
  await closeAgent(second);
});
