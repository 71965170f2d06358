// finesse-login.pcapng: administrator/1234, resource "desktop", SASL PLAIN,
// session, caps presence, two subscriptions, three Finesse notifications
// pushed by finesse@ over c2s, then <close/>.
import {
  loginAgent, loginPublisher, subscribe, publishAll, closeAgent, runScenario, sleep,
} from "../lib/common.js";
import { userUpdate, teamUsersUpdate, REASONS, ts } from "../lib/finesse.js";

const USER_NODE = "/finesse/api/User/administrator";
const TEAM_NODE = "/finesse/api/Team/1/Users";

runScenario("finesse-login", async () => {
  const publisher = await loginPublisher();
  const agent = await loginAgent({ username: "administrator", mechanism: "PLAIN" });
  await sleep(300); // let mod_pep's caps disco#info round trip finish
  await subscribe(agent, USER_NODE, "sub_user");
  await subscribe(agent, TEAM_NODE, "sub_team");

  await publishAll(publisher, agent, [
    { node: USER_NODE, text: userUpdate({ state: "NOT_READY", reason: REASONS.lunch, stateChangeTime: ts(0) }) },
    { node: USER_NODE, text: userUpdate({ state: "READY", stateChangeTime: ts(95) }) },
    { node: TEAM_NODE, text: teamUsersUpdate({ state: "READY", stateChangeTime: ts(95) }) },
  ]);

  await closeAgent(agent);
  await publisher.stop();
});
