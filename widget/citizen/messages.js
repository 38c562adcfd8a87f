// @ts-check
// One shape for every message the widget shows, whether it arrived live (bot_uttered,
// message_echo) or from the history (docs/protocol.md, "Message").
//
//   {id, sender: "citizen"|"bot"|"agent"|"system", text, ts: Date, clientId, agentName,
//    quickReplies: [{title, payload}], metadata}

/**
 * @typedef {object} Message
 * @property {number | null} id  the server's id (null: not confirmed yet)
 * @property {"citizen" | "bot" | "agent" | "system"} sender
 * @property {string} text
 * @property {string} [displayText]  what the transcript shows instead of a button's payload
 * @property {Date} ts
 * @property {string | null} [clientId]
 * @property {string | null} [agentName]
 * @property {{ title: string, payload: string }[]} quickReplies
 * @property {string | null} [attachment]
 * @property {Record<string, any>} metadata
 */

function quickRepliesOf(raw) {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((reply) => reply && typeof reply.title === "string" && typeof reply.payload === "string")
    .map((reply) => ({ title: reply.title, payload: reply.payload }));
}

function date(value) {
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? new Date() : parsed;
}

const SENDERS = ["citizen", "bot", "agent", "system"];

// bot_uttered: {text, quick_replies?, attachment?, metadata: {id, ts, sender, agent_name?, ...}}
export function fromBotUttered(event) {
  const metadata = event?.metadata ?? {};
  return {
    id: Number.isInteger(metadata.id) ? metadata.id : null,
    sender: SENDERS.includes(metadata.sender) ? metadata.sender : "bot",
    text: String(event?.text ?? ""),
    ts: date(metadata.ts),
    clientId: null,
    agentName: typeof metadata.agent_name === "string" ? metadata.agent_name : null,
    quickReplies: quickRepliesOf(event?.quick_replies),
    attachment: typeof event?.attachment === "string" ? event.attachment : null,
    metadata,
  };
}

// history entries and message_echo: {id, sender, text, ts, client_id?, agent_name?, metadata?}
export function fromStored(entry) {
  const metadata = entry?.metadata ?? {};
  return {
    id: Number.isInteger(entry?.id) ? entry.id : null,
    sender: SENDERS.includes(entry?.sender) ? entry.sender : "system",
    text: String(entry?.text ?? ""),
    ts: date(entry?.ts),
    clientId: typeof entry?.client_id === "string" ? entry.client_id : null,
    agentName: typeof entry?.agent_name === "string" ? entry.agent_name : null,
    quickReplies: quickRepliesOf(metadata.quick_replies),
    attachment: typeof metadata.attachment === "string" ? metadata.attachment : null,
    metadata,
  };
}

// A fresh client_id for a message this tab sends (letters, digits, "-"; at most 64).
export function newClientId() {
  if (window.crypto?.randomUUID) return "w-" + window.crypto.randomUUID();
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return "w-" + [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
