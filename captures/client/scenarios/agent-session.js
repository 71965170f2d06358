// finesse-agent-session.pcapng: administrator logs in (PLAIN), subscribes to
// its User, Dialogs, Team 1 Users and SystemInfo nodes, then finesse@ pushes a
// whole agent shift the way Finesse does (XML-escaped <Update> documents):
// user states LOGIN .. LOGOUT, one voice call (POST ALERTING, PUT ACTIVE,
// HELD, ACTIVE, DROPPED, DELETE), a team update, a CTI apiErrors failure and
// a SystemInfo OUT_OF_SERVICE / IN_SERVICE pair. Then <close/>.
import {
  loginAgent, loginPublisher, subscribe, publishAll, closeAgent, runScenario, sleep,
} from "../lib/common.js";
import {
  userUpdate, teamUsersUpdate, dialogUpdate, apiErrorsUpdate, systemInfoUpdate, REASONS, ts,
} from "../lib/finesse.js";

const USER = "/finesse/api/User/administrator";
const DIALOGS = "/finesse/api/User/administrator/Dialogs";
const TEAM = "/finesse/api/Team/1/Users";
const SYSINFO = "/finesse/api/SystemInfo";

const user = (state, t, extra = {}) => ({ node: USER, text: userUpdate({ state, stateChangeTime: ts(t), ...extra }) });
const call = (event, t, fields) => ({
  node: DIALOGS,
  text: dialogUpdate(event, { startTime: ts(120), stateChangeTime: ts(t), ...fields }),
});

const SHIFT = [
  user("LOGIN", 0),
  user("NOT_READY", 5, { reason: REASONS.lunch }),
  user("READY", 65),
  { node: TEAM, text: teamUsersUpdate({ state: "READY", stateChangeTime: ts(65) }) },
  user("RESERVED", 120),
  call("POST", 120, { state: "ALERTING", callerState: "ACTIVE", agentState: "ALERTING" }),
  call("PUT", 126, { state: "ACTIVE", callerState: "ACTIVE", agentState: "ACTIVE" }),
  user("TALKING", 126),
  call("PUT", 180, { state: "ACTIVE", callerState: "ACTIVE", agentState: "HELD" }),
  { node: USER, text: apiErrorsUpdate() },
  call("PUT", 215, { state: "ACTIVE", callerState: "ACTIVE", agentState: "ACTIVE" }),
  call("PUT", 260, { state: "DROPPED", callerState: "DROPPED", agentState: "DROPPED", callerStateCause: "" }),
  call("DELETE", 260, { state: "DROPPED", callerState: "DROPPED", agentState: "DROPPED" }),
  user("WORK", 260),
  user("READY", 300),
  {
    node: SYSINFO,
    text: systemInfoUpdate({ status: "OUT_OF_SERVICE", currentTimestamp: ts(330), statusReason: "CTI server connection lost" }),
  },
  { node: SYSINFO, text: systemInfoUpdate({ status: "IN_SERVICE", currentTimestamp: ts(345) }) },
  user("LOGOUT", 400, { reason: REASONS.endOfShift }),
];

runScenario("agent-session", async () => {
  const publisher = await loginPublisher();
  const agent = await loginAgent({ username: "administrator", mechanism: "PLAIN" });
  await sleep(300); // let mod_pep's caps disco#info round trip finish
  await subscribe(agent, USER, "sub_user");
  await subscribe(agent, DIALOGS, "sub_dialogs");
  await subscribe(agent, TEAM, "sub_team");
  await subscribe(agent, SYSINFO, "sub_systeminfo");
  await publishAll(publisher, agent, SHIFT);
  await closeAgent(agent);
  await publisher.stop();
});
