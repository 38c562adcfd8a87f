// The logged-in console: header (presence, alerts, logout), queue, chats in tabs with their
// context, knowledge-base search and, for supervisors, the Leitstand. Wires the gateway's
// events (namespace /agent) to these parts; after every (re)connect "hello" is merged in.

import * as api from "./api.js";
import { announce } from "./announce.js";
import { createChat } from "./chat.js";
import { createKbSearch } from "./kbsearch.js";
import {
  alertTitle,
  askNotificationPermission,
  chime,
  desktopNotification,
  notificationPermission,
  notificationsSupported,
  setSoundEnabled,
  soundEnabled,
} from "./notify.js";
import { createQueue } from "./queue.js";
import { openAgentSocket } from "./socket.js";
import { createSupervisor } from "./supervisor.js";
import { createTabs } from "./tabs.js";
import { errorText, reasonText, t } from "./texts.js";

const SUPERVISOR_ROLES = new Set(["supervisor", "admin"]);
const RETRY_CONNECT_MS = 3000;
const byId = (id) => document.getElementById(id);

function setupAlerts() {
  const sound = byId("sound-toggle");
  sound.checked = soundEnabled();
  sound.addEventListener("change", () => setSoundEnabled(sound.checked));

  const button = byId("notify-enable");
  const state = byId("notify-state");
  const show = () => {
    const permission = notificationPermission();
    button.hidden = !notificationsSupported() || permission !== "default";
    state.hidden = !notificationsSupported() || permission === "default";
    state.textContent = permission === "granted" ? t("notify.on") : t("notify.denied");
  };
  button.addEventListener("click", async () => {
    await askNotificationPermission();
    show();
    if (button.hidden) state.focus(); // the button is gone: say what the browser decided
  });
  show();
}

export function startWorkspace(user, { restart }) {
  const supervisorRole = SUPERVISOR_ROLES.has(user.role);
  const chats = new Map();
  const expecting = new Set(); // chats this console asked for (accept, take over): no alert
  let me = { ...user };
  let departments = {};
  let presenceChoice = null;
  let chatNumber = 0;
  let socket = null;

  byId("session-bar").hidden = false;
  byId("workspace-view").hidden = false;
  byId("user-name").textContent = t("user.signed_in", { name: user.display_name });
  byId("logout").addEventListener("click", async () => {
    await api.logout().catch(() => {});
    socket?.close();
    restart(null);
  });
  setupAlerts();

  // --- connection state
  const connection = byId("connection");
  const showConnection = (key) => {
    connection.dataset.state = key;
    connection.textContent = t(`connection.${key}`);
  };
  showConnection("connecting");

  // --- queue
  const queue = createQueue({
    list: byId("queue-list"),
    empty: byId("queue-empty"),
    count: byId("queue-count"),
    onAccept: accept,
  });
  setInterval(() => queue.tick(), 1000);

  // --- chats in tabs, the selected one's context in the side column
  const contextBody = byId("context-body");
  const tabs = createTabs(byId("chat-tabs"), (tab) => {
    const chat = [...chats.values()].find((each) => each.tab === tab);
    contextBody.replaceChildren(...(chat ? [chat.context] : []));
    byId("context-empty").hidden = Boolean(chat);
    chat?.shown();
  });
  const activeChat = () => [...chats.values()].find((chat) => chat.tab === tabs.selected()) ?? null;

  function updateEmpty() {
    byId("chats-empty").hidden = chats.size > 0;
    byId("chat-tabs").hidden = chats.size === 0; // a tablist without tabs confuses screen readers
  }

  function chatEnded(chat, kind, extra = {}) {
    if (!chats.has(chat.id)) return;
    chats.delete(chat.id);
    const focusWasInside = chat.panel.contains(document.activeElement) || chat.tab === document.activeElement;
    tabs.remove(chat.tab);
    updateEmpty();
    if (focusWasInside && !tabs.selected()) byId("chats-heading").focus();
    const outcome = extra.outcome ? t(`outcome.${extra.outcome}`) : "";
    announce(t(`chat.ended.${kind}`, { label: chat.label, outcome }));
  }

  function openChat(conversation) {
    const known = chats.get(conversation.conversation_id);
    if (known) {
      known.update(conversation);
      return known;
    }
    chatNumber += 1;
    const chat = createChat({
      conversation,
      number: chatNumber,
      me,
      departments: () => departments,
      onlineAgents: () => supervisor?.onlineAgents() ?? [],
      socket,
      onEnded: chatEnded,
      onActivity: (active) => announce(t("chat.new_message", { label: active.label })),
    });
    chats.set(chat.id, chat);
    byId("chat-panels").append(chat.panel);
    tabs.add(chat.tab, chat.panel);
    queue.remove(chat.id);
    updateEmpty();
    return chat;
  }

  function showChat(chat) {
    tabs.select(chat.tab);
    chat.composer.focus();
  }

  async function accept(conversationId) {
    const waited = queue.waitedSeconds(conversationId);
    expecting.add(conversationId);
    const ack = await socket.call("accept", { conversation_id: conversationId });
    if (!ack.ok) {
      expecting.delete(conversationId);
      queue.showError(conversationId, errorText(ack.error));
      return;
    }
    const chat = openChat(ack.conversation);
    if (waited !== null) chat.setWaited(waited);
    showChat(chat);
    announce(t("queue.accepted", { label: chat.label }));
  }

  // --- knowledge base
  createKbSearch({
    form: byId("kb-form"),
    input: byId("kb-query"),
    results: byId("kb-results"),
    status: byId("kb-status"),
    departments: () => departments,
    activeChat,
  });

  // --- presence
  const presenceInputs = [...document.querySelectorAll('input[name="presence"]')];
  const showPresence = (status) => {
    for (const input of presenceInputs) input.checked = input.value === status;
    byId("away-hint").hidden = status !== "away";
  };
  for (const input of presenceInputs) {
    input.addEventListener("change", async () => {
      if (!input.checked) return;
      const ack = await socket.call("presence", { status: input.value });
      if (ack.ok) {
        presenceChoice = ack.status;
        showPresence(ack.status);
      } else {
        showPresence(presenceChoice ?? me.status ?? "online");
        announce(t("presence.failed"));
      }
    });
  }

  // --- gateway events
  function onHandoffAlert(conversation) {
    queue.add(conversation);
    if ((presenceChoice ?? me.status) === "away") return;
    const department = conversation.department_name || conversation.department;
    chime();
    desktopNotification(alertTitle(department), reasonText(conversation.reason), conversation.conversation_id, () =>
      queue.focus(conversation.conversation_id),
    );
    announce(t("queue.alert", { department, reason: reasonText(conversation.reason) }));
  }

  function onAssigned(conversation) {
    const id = conversation.conversation_id;
    const isNew = !chats.has(id);
    const chat = openChat(conversation);
    if (isNew && !expecting.has(id)) {
      // transferred to this agent by a colleague
      chime();
      announce(t("chat.assigned", { label: chat.label }));
    }
    expecting.delete(id);
  }

  function onMessage({ conversation_id: id, message }) {
    const chat = chats.get(id);
    if (chat) chat.message(message, tabs.selected() === chat.tab);
    else queue.message(id, message);
  }

  function onUpdate({ conversation_id: id, state, outcome }) {
    const chat = chats.get(id);
    if (chat && ["closed", "bot", "transferred"].includes(state)) chat.end(state, { outcome });
  }

  function onDeleted({ conversation_id: id }) {
    chats.get(id)?.end("deleted");
    queue.remove(id);
  }

  function onAgents({ agents }) {
    supervisor?.agents(agents);
    chats.forEach((chat) => chat.refreshTargets());
  }

  // The gateway may have missed relaying something between its processes (Redis was down):
  // fetch the queue, the assigned chats and every open chat's latest messages again.
  async function resync() {
    await hello();
    for (const chat of [...chats.values()]) {
      const ack = await socket.call("open", { conversation_id: chat.id });
      if (ack.ok) chat.update(ack.conversation);
    }
  }

  async function hello() {
    const ack = await socket.call("hello");
    if (!ack.ok) {
      if (ack.error === "unauthorized") restart("login.expired");
      return;
    }
    me = ack.me;
    departments = ack.departments ?? {};
    if (presenceChoice && ack.me.status !== presenceChoice) {
      // a new connection starts "online": keep what the agent chose
      await socket.call("presence", { status: presenceChoice });
    }
    showPresence(presenceChoice ?? ack.me.status);
    queue.replaceAll(ack.queue ?? []);
    const assigned = new Set((ack.assigned ?? []).map((conversation) => conversation.conversation_id));
    for (const chat of [...chats.values()]) if (!assigned.has(chat.id)) chat.end("lost");
    for (const conversation of ack.assigned ?? []) openChat(conversation);
    if (!tabs.selected() && chats.size) tabs.select([...chats.values()][0].tab);
    if (supervisorRole) {
      const everyone = await api.agents().catch(() => null);
      if (everyone) onAgents({ agents: everyone.filter((a) => a.active !== false && a.role !== "editor") });
    }
  }

  socket = openAgentSocket(
    {
      handoff_alert: onHandoffAlert,
      queue: ({ department, items }) => queue.replaceDepartment(department, items),
      assigned: onAssigned,
      message: onMessage,
      typing: ({ conversation_id: id, typing }) => chats.get(id)?.typing(typing),
      conversation_update: onUpdate,
      conversation_deleted: onDeleted,
      agents: onAgents,
      // the login ended (logout elsewhere, new password, account changed or deactivated)
      session_ended: () => restart("login.ended"),
      // an administrator changed this account's departments or maximum: take the new queues
      me: () => hello(),
      resync,
    },
    {
      connected: () => {
        showConnection("online");
        hello();
      },
      disconnected: () => showConnection("lost"),
      refused: async () => {
        const still = await api.me().catch(() => true);
        if (!still) restart("login.expired");
        else setTimeout(() => socket.reconnect(), RETRY_CONNECT_MS);
      },
    },
  );

  // --- supervisors: the Leitstand
  const supervisor = supervisorRole
    ? createSupervisor({
        view: byId("supervisor-view"),
        updated: byId("supervisor-updated"),
        queueRows: byId("queue-rows"),
        agentRows: byId("agent-rows"),
        liveList: byId("live-list"),
        liveEmpty: byId("live-empty"),
        socket,
        departments: () => departments,
        onTakeOver: (conversation) => {
          expecting.add(conversation.conversation_id);
          showView("workspace");
          const chat = openChat(conversation);
          showChat(chat);
          announce(t("supervisor.taken", { label: chat.label }));
        },
      })
    : null;

  const viewButtons = { workspace: byId("show-workspace"), supervisor: byId("show-supervisor") };
  function showView(name) {
    byId("workspace-view").hidden = name !== "workspace";
    supervisor?.show(name === "supervisor");
    for (const [key, button] of Object.entries(viewButtons)) {
      if (key === name) button.setAttribute("aria-current", "page");
      else button.removeAttribute("aria-current");
    }
  }
  if (supervisor) {
    byId("views").hidden = false;
    viewButtons.workspace.addEventListener("click", () => {
      showView("workspace");
      byId("workspace-heading").focus();
    });
    viewButtons.supervisor.addEventListener("click", () => {
      showView("supervisor");
      byId("supervisor-heading").focus();
    });
  }

  updateEmpty();
  byId("workspace-heading").focus();
}
