// One accepted chat: its tab, its panel (transcript, citizen typing, reply box, actions) and its
// context. Actions (transfer, hand back, close) ask the gateway; when the chat leaves this agent
// the workspace removes it.

import { announce } from "./announce.js";
import { el, uid } from "./dom.js";
import { buildContext } from "./context.js";
import { createComposer } from "./composer.js";
import { createTranscript } from "./transcript.js";
import { errorText, t } from "./texts.js";

const CITIZEN_TYPING_TIMEOUT_MS = 15000;
const OUTCOMES = ["resolved", "not_resolved", "case_created"];

function clientId() {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `console-${Date.now().toString(36)}-${random[0].toString(36)}${random[1].toString(36)}`;
}

function waitedBeforeAccept(conversation) {
  const queued = Date.parse(conversation.queued_at ?? "");
  const assigned = Date.parse(conversation.assigned_at ?? "");
  return Number.isNaN(queued) || Number.isNaN(assigned) ? null : Math.max(0, (assigned - queued) / 1000);
}

export function createChat({ conversation, number, me, departments, onlineAgents, socket, onEnded, onActivity }) {
  const id = conversation.conversation_id;
  const label = t("chat.label", { number, department: conversation.department_name || conversation.department });
  const panelId = uid("chat-panel");
  let current = conversation;
  let waited = null;
  let unread = 0;
  let ended = false;
  let wasShown = false;

  // --- tab
  const tabName = el("span", { text: label });
  const unreadBadge = el("span", { className: "badge badge-unread", attrs: { hidden: true } });
  const typingBadge = el("span", {
    className: "badge badge-typing",
    text: t("chat.typing_badge"),
    attrs: { hidden: true },
  });
  const tab = el(
    "button",
    { className: "tab", attrs: { id: uid("chat-tab"), type: "button" } },
    tabName,
    " ",
    unreadBadge,
    " ",
    typingBadge,
  );

  // --- transcript
  const log = el("div", {
    className: "transcript",
    attrs: {
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions", // a delivery tick is not a new message
      "aria-label": t("chat.transcript", { number }),
      tabindex: 0,
    },
  });
  const transcript = createTranscript(log, () => current.language);
  for (const message of conversation.transcript ?? []) transcript.add(message);

  // A long conversation arrives with its latest messages; older ones are one click away.
  const olderButton = el("button", {
    className: "link-button older-button",
    text: t("chat.older"),
    attrs: { type: "button", hidden: !conversation.older_messages },
  });
  olderButton.addEventListener("click", async () => {
    const before = transcript.oldestId;
    if (before === null) return;
    olderButton.disabled = true;
    olderButton.textContent = t("chat.older_loading");
    const ack = await socket.call("history", { conversation_id: id, before });
    olderButton.disabled = false;
    olderButton.textContent = t("chat.older");
    if (!ack.ok) {
      announce(t("chat.older_failed"));
      return;
    }
    transcript.addOlder(ack.messages ?? []);
    announce(t("chat.older_loaded", { count: (ack.messages ?? []).length }));
    olderButton.hidden = !ack.older_messages;
    if (olderButton.hidden) log.focus(); // the button is gone: keep the focus in the chat
  });
  const citizenTyping = el("p", { className: "citizen-typing", attrs: { role: "status" } });
  let typingTimer = null;

  // --- reply box
  function send(text, note) {
    const message = {
      sender: note ? "note" : "agent",
      text,
      client_id: clientId(),
      agent_name: me.display_name,
      ts: new Date().toISOString(),
    };
    const payload = { conversation_id: id, text, client_id: message.client_id };
    // a retry repeats the client_id: the gateway stores and relays the message only once
    const emit = async () => {
      const ack = await socket.call(note ? "note" : "message", payload);
      if (ack.ok) handle.delivered(ack.id);
      else {
        handle.failed(errorText(ack.error));
        composer.showError(`${t("message.failed")}: ${errorText(ack.error)}`);
      }
    };
    const handle = transcript.addPending(message, emit);
    emit();
  }
  const composer = createComposer({
    conversation,
    onSend: send,
    onTyping: (typing) => socket.send("typing", { conversation_id: id, typing }),
  });

  // --- actions
  const actionError = el("p", { className: "form-error", attrs: { role: "alert" } });
  const transferSelect = el("select", { attrs: { id: uid("transfer") } });
  const outcomeSelect = el("select", { attrs: { id: uid("outcome") } });
  for (const outcome of OUTCOMES) {
    outcomeSelect.append(el("option", { text: t(`outcome.${outcome}`), attrs: { value: outcome } }));
  }

  function fillTransferTargets() {
    const chosen = transferSelect.value;
    const departmentGroup = el("optgroup", { attrs: { label: t("actions.transfer_departments") } });
    for (const [departmentId, name] of Object.entries(departments())) {
      if (departmentId !== current.department) {
        departmentGroup.append(el("option", { text: name, attrs: { value: `department:${departmentId}` } }));
      }
    }
    transferSelect.replaceChildren(departmentGroup);
    const agents = onlineAgents().filter((agent) => agent.id !== me.id);
    if (agents.length) {
      const agentGroup = el("optgroup", { attrs: { label: t("actions.transfer_agents") } });
      for (const agent of agents) {
        agentGroup.append(el("option", { text: agent.display_name, attrs: { value: `agent:${agent.id}` } }));
      }
      transferSelect.append(agentGroup);
    }
    if ([...transferSelect.options].some((option) => option.value === chosen)) transferSelect.value = chosen;
  }

  async function act(event, data, kind, extra = {}) {
    actionError.textContent = "";
    const ack = await socket.call(event, { conversation_id: id, ...data });
    if (ack.ok) end(kind, extra);
    else actionError.textContent = errorText(ack.error);
  }

  const transferButton = el("button", { text: t("actions.transfer_submit"), attrs: { type: "button" } });
  transferButton.addEventListener("click", () => {
    const [kind, target] = transferSelect.value.split(":");
    if (!target) return;
    act("transfer", kind === "agent" ? { agent_id: Number(target) } : { department: target }, "transferred");
  });
  const handBackButton = el("button", { text: t("actions.hand_back"), attrs: { type: "button" } });
  handBackButton.addEventListener("click", () => act("hand_back", {}, "bot"));
  const closeButton = el("button", { className: "danger", text: t("actions.close"), attrs: { type: "button" } });
  closeButton.addEventListener("click", () => {
    const outcome = outcomeSelect.value;
    act("close", { outcome }, "closed", { outcome });
  });

  const actions = el(
    "fieldset",
    { className: "chat-actions" },
    el("legend", { text: t("actions.legend") }),
    el(
      "div",
      { className: "action-row" },
      el("label", { text: t("actions.transfer"), attrs: { for: transferSelect.id } }),
      transferSelect,
      transferButton,
    ),
    el("div", { className: "action-row" }, handBackButton),
    el(
      "div",
      { className: "action-row" },
      el("label", { text: t("actions.outcome"), attrs: { for: outcomeSelect.id } }),
      outcomeSelect,
      closeButton,
    ),
    actionError,
  );

  const heading = el("h3", { text: label });
  const panel = el(
    "div",
    { className: "chat-panel", attrs: { id: panelId } },
    heading,
    olderButton,
    log,
    citizenTyping,
    composer.form,
    actions,
  );

  // --- context (shown in the side column while this chat is selected)
  const context = el("div", {});
  function renderContext() {
    context.replaceChildren(buildContext(current, label, waited ?? waitedBeforeAccept(current)));
  }
  renderContext();
  fillTransferTargets();

  function end(kind, extra) {
    if (ended) return;
    ended = true;
    composer.stop();
    clearTimeout(typingTimer);
    onEnded(chat, kind, extra);
  }

  function setUnread(count) {
    unread = count;
    unreadBadge.hidden = unread === 0;
    unreadBadge.textContent = unread ? t("chat.unread", { count: unread }) : "";
  }

  const chat = {
    id,
    label,
    tab,
    panel,
    context,
    composer,
    get language() {
      return current.language === "en" ? "en" : "de";
    },
    // The waiting time the queue showed when the chat was accepted (more exact than the server's).
    setWaited(seconds) {
      waited = seconds;
      renderContext();
    },
    update(conversation) {
      current = { ...current, ...conversation };
      for (const message of conversation.transcript ?? []) transcript.add(message);
      renderContext();
      fillTransferTargets();
    },
    message(message, visible) {
      transcript.add(message);
      if (message.sender === "citizen") this.typing(false);
      if (!visible && message.sender !== "agent" && message.sender !== "note") {
        setUnread(unread + 1);
        onActivity(chat);
      }
    },
    typing(on) {
      clearTimeout(typingTimer);
      citizenTyping.textContent = on ? t("chat.citizen_typing") : "";
      typingBadge.hidden = !on;
      // a lost "false" must not leave the indicator on for ever
      if (on) typingTimer = setTimeout(() => this.typing(false), CITIZEN_TYPING_TIMEOUT_MS);
    },
    shown() {
      setUnread(0);
      if (!wasShown) log.scrollTop = log.scrollHeight; // built while detached: start at the end
      wasShown = true;
    },
    refreshTargets: fillTransferTargets,
    end,
  };
  return chat;
}
