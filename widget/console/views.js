// @ts-check
// The supervisors' Leitstand next to the workspace: the two view buttons of the top bar, and
// taking a conversation over from the Leitstand into a chat of the workspace.

import { byId } from "../shared/dom.js";
import { announce } from "./announce.js";
import { createSupervisor } from "./supervisor.js";
import { t } from "./texts.js";

/** @typedef {import("./workspace.js").Workspace} Workspace */

/**
 * The Leitstand of a supervisor or admin (null for agents).
 * @param {Workspace} ws
 */
export function setupSupervisorView(ws) {
  if (!ws.supervisorRole) return null;
  const viewButtons = { workspace: byId("show-workspace"), supervisor: byId("show-supervisor") };
  /** @param {"workspace" | "supervisor"} name */
  function showView(name) {
    byId("workspace-view").hidden = name !== "workspace";
    supervisor.show(name === "supervisor");
    for (const [key, button] of Object.entries(viewButtons)) {
      if (key === name) button.setAttribute("aria-current", "page");
      else button.removeAttribute("aria-current");
    }
  }

  const supervisor = createSupervisor({
    view: byId("supervisor-view"),
    updated: byId("supervisor-updated"),
    queueRows: byId("queue-rows"),
    agentRows: byId("agent-rows"),
    liveList: byId("live-list"),
    liveEmpty: byId("live-empty"),
    socket: ws.socket,
    departments: () => ws.departments,
    onTakeOver: (conversation) => {
      ws.expecting.add(conversation.conversation_id);
      showView("workspace");
      const chat = ws.desk.open(conversation);
      ws.desk.show(chat);
      announce(t("supervisor.taken", { label: chat.label }));
    },
  });

  byId("views").hidden = false;
  viewButtons.workspace.addEventListener("click", () => {
    showView("workspace");
    byId("workspace-heading").focus();
  });
  viewButtons.supervisor.addEventListener("click", () => {
    showView("supervisor");
    byId("supervisor-heading").focus();
  });
  return supervisor;
}
