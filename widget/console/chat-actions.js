// @ts-check
// The actions box of one chat: transfer (to another department, or to a colleague who is online),
// hand back to the bot, close with an outcome. Each asks the gateway; once it agreed, the chat
// ends in this console (onDone).

import { el, uid } from "../shared/dom.js";
import { AGENT } from "../shared/events.js";
import { errorText, t } from "./texts.js";

/** @typedef {import("./socket.js").AgentSocket} AgentSocket */
/** @typedef {{ id: number, display_name: string }} Colleague */

const OUTCOMES = ["resolved", "not_resolved", "case_created"];

/**
 * The transfer targets: the other departments, then the colleagues online; a choice made
 * before stays chosen while it is still offered.
 * @param {HTMLSelectElement} select
 * @param {Record<string, string>} departments  id -> name
 * @param {string} ownDepartment  the chat's department (no target)
 * @param {Colleague[]} colleagues
 */
function fillTransferTargets(select, departments, ownDepartment, colleagues) {
  const chosen = select.value;
  const departmentGroup = el("optgroup", { label: t("actions.transfer_departments") });
  for (const [departmentId, name] of Object.entries(departments)) {
    if (departmentId !== ownDepartment) {
      departmentGroup.append(el("option", { text: name, value: `department:${departmentId}` }));
    }
  }
  select.replaceChildren(departmentGroup);
  if (colleagues.length) {
    const agentGroup = el("optgroup", { label: t("actions.transfer_agents") });
    for (const agent of colleagues) {
      agentGroup.append(el("option", { text: agent.display_name, value: `agent:${agent.id}` }));
    }
    select.append(agentGroup);
  }
  if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
}

/** @param {string} id */
function outcomeSelect(id) {
  const select = el("select", { id });
  for (const outcome of OUTCOMES) select.append(el("option", { text: t(`outcome.${outcome}`), value: outcome }));
  return select;
}

/**
 * @param {object} options
 * @param {AgentSocket} options.socket
 * @param {string} options.conversationId
 * @param {{ id: number }} options.me
 * @param {() => Record<string, string>} options.departments
 * @param {() => Colleague[]} options.onlineAgents
 * @param {() => string} options.department  the chat's department now
 * @param {(kind: string, extra: { outcome?: string }) => void} options.onDone
 */
export function createChatActions({ socket, conversationId, me, departments, onlineAgents, department, onDone }) {
  const error = el("p", { class: "form-error", role: "alert" });
  const transferSelect = el("select", { id: uid("transfer") });
  const outcomes = outcomeSelect(uid("outcome"));

  /**
   * @param {string} event
   * @param {object} data
   * @param {string} kind  how the chat ends here when the gateway agrees
   * @param {{ outcome?: string }} [extra]
   */
  async function act(event, data, kind, extra = {}) {
    error.textContent = "";
    const ack = await socket.call(event, { conversation_id: conversationId, ...data });
    if (ack.ok) onDone(kind, extra);
    else error.textContent = errorText(ack.error);
  }

  const transferButton = el("button", { text: t("actions.transfer_submit"), type: "button" });
  transferButton.addEventListener("click", () => {
    const [kind, target] = transferSelect.value.split(":");
    if (!target) return;
    act(AGENT.TRANSFER, kind === "agent" ? { agent_id: Number(target) } : { department: target }, "transferred");
  });
  const handBackButton = el("button", { text: t("actions.hand_back"), type: "button" });
  handBackButton.addEventListener("click", () => act(AGENT.HAND_BACK, {}, "bot"));
  const closeButton = el("button", { class: "danger", text: t("actions.close"), type: "button" });
  closeButton.addEventListener("click", () => {
    const outcome = outcomes.value;
    act(AGENT.CLOSE, { outcome }, "closed", { outcome });
  });

  const node = el(
    "fieldset",
    { class: "chat-actions" },
    el("legend", { text: t("actions.legend") }),
    el(
      "div",
      { class: "action-row" },
      el("label", { text: t("actions.transfer"), for: transferSelect.id }),
      transferSelect,
      transferButton,
    ),
    el("div", { class: "action-row" }, handBackButton),
    el(
      "div",
      { class: "action-row" },
      el("label", { text: t("actions.outcome"), for: outcomes.id }),
      outcomes,
      closeButton,
    ),
    error,
  );
  const refreshTargets = () =>
    fillTransferTargets(
      transferSelect,
      departments(),
      department(),
      onlineAgents().filter((agent) => agent.id !== me.id),
    );
  return { node, refreshTargets };
}
