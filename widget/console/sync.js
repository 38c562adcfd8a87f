// @ts-check
// Merging what the gateway knows into the console: "hello" after every (re)connect and after
// "me" (the account changed), and a resync when the gateway may have missed relaying something
// between its processes (Redis was down).

import { AGENT } from "../shared/events.js";
import * as api from "./api.js";

/** @typedef {import("./workspace.js").Workspace} Workspace */

/**
 * The supervisors' list of agents changed: the Leitstand and every chat's transfer targets.
 * @param {Workspace} ws
 * @param {any[]} agents
 */
export function updateAgents(ws, agents) {
  ws.supervisor?.agents(agents);
  ws.desk.all().forEach((chat) => chat.refreshTargets());
}

/**
 * Who this agent is, their departments, presence, queue and assigned chats, as the gateway has them.
 * @param {Workspace} ws
 */
export async function hello(ws) {
  const ack = await ws.socket.call(AGENT.HELLO);
  if (!ack.ok) {
    if (ack.error === "unauthorized") ws.restart("login.expired");
    return;
  }
  ws.me = ack.me;
  ws.departments = ack.departments ?? {};
  await ws.presence.restore(ack.me.status);
  ws.queue.replaceAll(ack.queue ?? []);
  ws.desk.merge(ack.assigned ?? []);
  if (ws.supervisorRole) {
    const everyone = await api.agents().catch(() => null);
    if (everyone)
      updateAgents(
        ws,
        everyone.filter((a) => a.active !== false && a.role !== "editor"),
      );
  }
}

/**
 * The queue, the assigned chats and every open chat's latest messages again.
 * @param {Workspace} ws
 */
export async function resync(ws) {
  await hello(ws);
  for (const chat of ws.desk.all()) {
    const ack = await ws.socket.call(AGENT.OPEN, { conversation_id: chat.id });
    if (ack.ok) chat.update(ack.conversation);
  }
}
