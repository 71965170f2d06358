// Before a capture: (re)create the pubsub nodes named on the command line as
// finesse@ (a Prosody admin, hence pubsub owner) over plain c2s, so each
// capture starts with fresh nodes and no leftover subscriptions.
import { loginPublisher, deleteNode, createNode, runScenario, log } from "./lib/common.js";

runScenario("setup-nodes", async () => {
  const nodes = process.argv.slice(2);
  const pub = await loginPublisher();
  for (const node of nodes) {
    await deleteNode(pub, node);
    await createNode(pub, node);
  }
  log(`created ${nodes.length} node(s)`);
  await pub.stop();
});
