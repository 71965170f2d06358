// bench-10k.pcapng: BENCH_AGENTS agents (agent001..), each on its own
// WebSocket connection, log in and subscribe to their own User node and to
// /finesse/api/Team/1/Users. finesse@ then pushes STATE_CHANGES user-state
// changes, round robin over the agents; each change is published on the
// agent's User node (1 event) and on the team node (one event per agent),
// so the capture holds well over 10,000 WebSocket messages.
import {
  loginAgent, loginPublisher, subscribe, publish, itemId, closeAgent, runScenario, waitFor, log, sleep,
} from "../lib/common.js";
import { userUpdate, teamUsersUpdate, REASONS, ts } from "../lib/finesse.js";

const AGENTS = Number(process.env.BENCH_AGENTS ?? 25);
const STATE_CHANGES = Number(process.env.BENCH_STATE_CHANGES ?? 400);
const TEAM = "/finesse/api/Team/1/Users";
const CYCLE = ["READY", "RESERVED", "TALKING", "WORK", "READY", "NOT_READY"];

const name = (i) => `agent${String(i).padStart(3, "0")}`;
const person = (i) => ({
  loginId: name(i),
  firstName: "Agent",
  lastName: String(i).padStart(3, "0"),
  extension: String(1000 + i),
  roles: ["Agent"],
});

runScenario(
  "bench",
  async () => {
    const publisher = await loginPublisher();
    const agents = [];
    for (let i = 1; i <= AGENTS; i++) {
      const agent = await loginAgent({ username: name(i) });
      await subscribe(agent, `/finesse/api/User/${name(i)}`);
      await subscribe(agent, TEAM);
      agents.push(agent);
    }
    log(`${agents.length} agents logged in and subscribed`);

    for (let k = 0; k < STATE_CHANGES; k++) {
      const i = (k % AGENTS) + 1;
      const state = CYCLE[Math.floor(k / AGENTS) % CYCLE.length];
      const user = {
        ...person(i),
        state,
        reason: state === "NOT_READY" ? REASONS.lunch : null,
        stateChangeTime: ts(k * 7),
      };
      await publish(publisher, `/finesse/api/User/${name(i)}`, itemId(), userUpdate(user));
      await publish(publisher, TEAM, itemId(), teamUsersUpdate(user));
      if (k % 50 === 49) log(`${k + 1} state changes published`);
    }
    const perAgent = (i) => Math.floor(STATE_CHANGES / AGENTS) + ((i - 1) % AGENTS < STATE_CHANGES % AGENTS ? 1 : 0);
    await waitFor(
      "all events",
      () => agents.every((a, idx) => a.events.length >= STATE_CHANGES + perAgent(idx + 1)),
      60000,
    );
    await sleep(200);
    for (const agent of agents) await closeAgent(agent);
    await publisher.stop();
  },
  540000,
);
