// anomaly-dropped-socket.pcapng: administrator logs in (PLAIN, bind,
// session, caps presence), sends an XEP-0199 ping to the server and at once
// aborts the TCP connection (RST, no <close/>, no WebSocket Close), so the
// capture ends with an unanswered iq.
import { loginAgent, xml, runScenario, sleep, log, DOMAIN, NS } from "../lib/common.js";

runScenario("anomaly-dropped-socket", async () => {
  const agent = await loginAgent({ username: "administrator" });
  await sleep(300);
  const ws = agent.socket.socket; // the `ws` WebSocket under xmpp.js
  const ping = xml("iq", { type: "get", to: DOMAIN, id: "ping_1", xmlns: "jabber:client" }, xml("ping", { xmlns: NS.ping }));
  agent.removeAllListeners("error");
  agent.on("error", () => {});
  await new Promise((resolve) => {
    ws.send(ping.toString(), () => {
      ws._socket.resetAndDestroy(); // abort: RST instead of FIN
      resolve();
    });
  });
  log("socket aborted right after the ping");
  await sleep(500);
});
