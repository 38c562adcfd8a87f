// The supervisors' view ("Leitstand"): conversations the bot is having right now with their
// latest messages, the queue length per department and the agents with their status.
// Refreshed every 5 s while the view is visible; "Übernehmen" takes a bot conversation over.
// Lists are updated in place, so focus on a button survives a refresh.

import { el, uid } from "./dom.js";
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

export function createSupervisor(options) {
  const { view, updated, queueRows, agentRows, liveList, liveEmpty, socket, departments, onTakeOver } = options;
  const cards = new Map();
  let visible = false;
  let busy = false;
  let agents = [];

  function buildCard(conversation) {
    const headingId = uid("live-title");
    const nodes = {
      heading: el("h3", { attrs: { id: headingId } }),
      meta: el("p", { className: "live-meta" }),
      excerpt: el("ol", { className: "excerpt" }),
      error: el("p", { className: "form-error", attrs: { role: "alert" } }),
    };
    const button = el("button", {
      className: "primary",
      text: t("supervisor.take_over"),
      attrs: { type: "button", "aria-describedby": headingId },
    });
    const item = el(
      "li",
      { className: "live-item", data: { testid: "live-conversation", conversation: conversation.conversation_id } },
      el(
        "article",
        { attrs: { "aria-labelledby": headingId } },
        nodes.heading,
        nodes.meta,
        nodes.excerpt,
        nodes.error,
        button,
      ),
    );
    button.addEventListener("click", async () => {
      nodes.error.textContent = "";
      const ack = await socket.call("take_over", { conversation_id: conversation.conversation_id });
      if (ack.ok) {
        item.remove();
        cards.delete(conversation.conversation_id);
        onTakeOver(ack.conversation);
      } else nodes.error.textContent = errorText(ack.error);
    });
    return { item, nodes, lastId: null };
  }

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
      let card = cards.get(conversation.conversation_id);
      if (!card) {
        card = buildCard(conversation);
        cards.set(conversation.conversation_id, card);
      }
      fillCard(card, conversation);
      if (liveList.children[index] !== card.item) {
        const focused = card.item.contains(document.activeElement) ? document.activeElement : null;
        liveList.insertBefore(card.item, liveList.children[index] ?? null);
        if (focused) focused.focus();
      }
    });
    liveEmpty.hidden = talking.length > 0;
  }

  function showQueues(queues) {
    queueRows.replaceChildren(
      ...Object.entries(departments()).map(([id, name]) => {
        const waiting = queues[id] ?? 0;
        return el(
          "tr",
          { className: waiting ? "has-waiting" : "" },
          el("th", { text: name, attrs: { scope: "row" } }),
          el("td", { text: String(waiting) }),
        );
      }),
    );
  }

  function showAgents() {
    const names = departments();
    agentRows.replaceChildren(
      ...agents.map((agent) =>
        el(
          "tr",
          {},
          el("th", { text: agent.display_name, attrs: { scope: "row" } }),
          el("td", { text: t(`role.${agent.role}`), data: { label: t("supervisor.role") } }),
          el("td", {
            text: (agent.departments ?? []).map((d) => names[d] ?? d).join(", "),
            data: { label: t("supervisor.departments") },
          }),
          el(
            "td",
            { data: { label: t("supervisor.status") } },
            el("span", { className: `status status-${agent.status}`, text: t(`status.${agent.status}`) }),
          ),
        ),
      ),
    );
  }

  async function refresh() {
    if (busy) return;
    busy = true;
    const ack = await socket.call("live");
    busy = false;
    if (!ack.ok) {
      updated.textContent = t("supervisor.failed");
      return;
    }
    showLive(ack.bot_conversations ?? []);
    showQueues(ack.queues ?? {});
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
    show(on) {
      visible = on;
      view.hidden = !on;
      if (on) refresh();
    },
    agents(list) {
      agents = list;
      showAgents();
    },
    onlineAgents: () => agents.filter((agent) => agent.status === "online"),
  };
}
