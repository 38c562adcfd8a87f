// @ts-check
// The supervisors' view ("Leitstand"): conversations the bot is having right now with their
// latest messages, the queue length per department and the agents with their status.
// Refreshed every 5 s while the view is visible; "Übernehmen" takes a bot conversation over.
// Lists are updated in place, so focus on a button survives a refresh.

import { el, uid } from "../shared/dom.js";
import { AGENT } from "../shared/events.js";
import { clock, truncate } from "./format.js";
import { pageLink } from "./links.js";
import { messageNode } from "./transcript.js";
import { errorText, languageName, t } from "./texts.js";

const REFRESH_MS = 5000;
const EXCERPT_MESSAGES = 4;
const EXCERPT_CHARS = 280;
const MAX_SHOWN = 50;

function firstQuestion(conversation) {
  const first = (conversation.transcript ?? []).find((m) => m.sender === "citizen");
  return first ? truncate(first.text, 80) : t("supervisor.no_question");
}

function excerptItem(message, language) {
  return el("li", {}, messageNode({ ...message, text: truncate(message.text, EXCERPT_CHARS) }, language));
}

/**
 * @typedef {object} Card  one conversation the bot is having, in the Leitstand
 * @property {HTMLLIElement} item
 * @property {{ heading: HTMLElement, meta: HTMLElement, excerpt: HTMLElement, error: HTMLElement }} nodes
 * @property {number | null} lastId  the latest message shown in the excerpt
 */
/** @typedef {ReturnType<typeof createSupervisor>} Supervisor */

/**
 * @param {any} conversation
 * @param {(card: Card) => void} onTakeOver  "Übernehmen" pressed
 * @returns {Card}
 */
function buildCard(conversation, onTakeOver) {
  const headingId = uid("live-title");
  const nodes = {
    heading: el("h3", { id: headingId }),
    meta: el("p", { class: "live-meta" }),
    excerpt: el("ol", { class: "excerpt" }),
    error: el("p", { class: "form-error", role: "alert" }),
  };
  const button = el("button", {
    class: "primary",
    text: t("supervisor.take_over"),
    type: "button",
    "aria-describedby": headingId,
  });
  const item = el(
    "li",
    { class: "live-item", "data-testid": "live-conversation", "data-conversation": conversation.conversation_id },
    el("article", { "aria-labelledby": headingId }, nodes.heading, nodes.meta, nodes.excerpt, nodes.error, button),
  );
  const card = { item, nodes, lastId: null };
  button.addEventListener("click", () => onTakeOver(card));
  return card;
}

/**
 * @param {Card} card
 * @param {any} conversation
 */
function fillCard(card, conversation) {
  card.nodes.heading.textContent = t("supervisor.conversation", { first: firstQuestion(conversation) });
  const meta = [languageName(conversation.language)];
  if (conversation.last_activity_at) meta.push(clock(conversation.last_activity_at));
  card.nodes.meta.replaceChildren(meta.join(" · "));
  if (conversation.page) card.nodes.meta.append(" · ", pageLink(conversation.page));
  const messages = conversation.transcript ?? [];
  const lastId = messages.at(-1)?.id ?? null;
  if (lastId !== card.lastId) {
    card.lastId = lastId;
    const latest = messages.slice(-EXCERPT_MESSAGES);
    card.nodes.excerpt.replaceChildren(...latest.map((message) => excerptItem(message, conversation.language)));
  }
}

/**
 * @param {Record<string, string>} departments  id -> name
 * @param {Record<string, number>} queues  id -> waiting
 */
function queueRows(departments, queues) {
  return Object.entries(departments).map(([id, name]) => {
    const waiting = queues[id] ?? 0;
    return el(
      "tr",
      { class: waiting ? "has-waiting" : "" },
      el("th", { text: name, scope: "row" }),
      el("td", { text: String(waiting) }),
    );
  });
}

/**
 * @param {any} agent  {display_name, role, departments, status}
 * @param {Record<string, string>} names  department id -> name
 */
function agentRow(agent, names) {
  return el(
    "tr",
    {},
    el("th", { text: agent.display_name, scope: "row" }),
    el("td", { text: t(`role.${agent.role}`), "data-label": t("supervisor.role") }),
    el("td", {
      text: (agent.departments ?? []).map((d) => names[d] ?? d).join(", "),
      "data-label": t("supervisor.departments"),
    }),
    el(
      "td",
      { "data-label": t("supervisor.status") },
      el("span", { class: `status status-${agent.status}`, text: t(`status.${agent.status}`) }),
    ),
  );
}

/**
 * @param {object} options
 * @param {HTMLElement} options.view
 * @param {HTMLElement} options.updated  when the view was last refreshed
 * @param {HTMLElement} options.queueRows
 * @param {HTMLElement} options.agentRows
 * @param {HTMLElement} options.liveList
 * @param {HTMLElement} options.liveEmpty
 * @param {import("./socket.js").AgentSocket} options.socket
 * @param {() => Record<string, string>} options.departments
 * @param {(conversation: any) => void} options.onTakeOver  the gateway agreed: open it as a chat
 */
export function createSupervisor(options) {
  const { view, updated, liveList, liveEmpty, socket, departments, onTakeOver } = options;
  /** @type {Map<string, Card>} */
  const cards = new Map();
  let visible = false;
  let busy = false;
  /** @type {any[]} */
  let agents = [];

  /**
   * @param {Card} card
   * @param {string} conversationId
   */
  async function takeOver(card, conversationId) {
    card.nodes.error.textContent = "";
    const ack = await socket.call(AGENT.TAKE_OVER, { conversation_id: conversationId });
    if (ack.ok) {
      card.item.remove();
      cards.delete(conversationId);
      onTakeOver(ack.conversation);
    } else card.nodes.error.textContent = errorText(ack.error);
  }

  /** @param {any[]} conversations */
  function showLive(conversations) {
    const talking = conversations.filter((c) => (c.transcript ?? []).length > 0).slice(0, MAX_SHOWN);
    const keep = new Set(talking.map((c) => c.conversation_id));
    for (const [id, card] of [...cards]) {
      if (!keep.has(id)) {
        card.item.remove();
        cards.delete(id);
      }
    }
    talking.forEach((conversation, index) => {
      const id = conversation.conversation_id;
      let card = cards.get(id);
      if (!card) {
        card = buildCard(conversation, (pressed) => takeOver(pressed, id));
        cards.set(id, card);
      }
      fillCard(card, conversation);
      if (liveList.children[index] !== card.item) {
        const focused = /** @type {HTMLElement | null} */ (
          card.item.contains(document.activeElement) ? document.activeElement : null
        );
        liveList.insertBefore(card.item, liveList.children[index] ?? null);
        if (focused) focused.focus();
      }
    });
    liveEmpty.hidden = talking.length > 0;
  }

  function showAgents() {
    const names = departments();
    options.agentRows.replaceChildren(...agents.map((agent) => agentRow(agent, names)));
  }

  async function refresh() {
    if (busy) return;
    busy = true;
    const ack = await socket.call(AGENT.LIVE);
    busy = false;
    if (!ack.ok) {
      updated.textContent = t("supervisor.failed");
      return;
    }
    showLive(ack.bot_conversations ?? []);
    options.queueRows.replaceChildren(...queueRows(departments(), ack.queues ?? {}));
    agents = ack.agents ?? [];
    showAgents();
    updated.textContent = t("supervisor.updated", { time: clock(new Date().toISOString()) });
  }

  setInterval(() => {
    if (visible && document.visibilityState === "visible") refresh();
  }, REFRESH_MS);
  document.addEventListener("visibilitychange", () => {
    if (visible && document.visibilityState === "visible") refresh();
  });

  return {
    /** @param {boolean} on */
    show(on) {
      visible = on;
      view.hidden = !on;
      if (on) refresh();
    },
    /** @param {any[]} list */
    agents(list) {
      agents = list;
      showAgents();
    },
    onlineAgents: () => agents.filter((agent) => agent.status === "online"),
  };
}
