// @ts-check
// Who the citizen is talking to, from handoff_status (docs/protocol.md): waiting in a queue with
// position and expected wait, a person who joined, back with the assistant, no live help now.
// The gateway's system messages in the log announce the changes; this banner is the lasting
// visual state, and only a moving queue position is announced from here.

import { el } from "../shared/dom.js";

const HUMAN_STATES = ["queued", "assigned", "agent_left"];

export class HandoffBanner {
  constructor(i18n, announce) {
    this.i18n = i18n;
    this.announce = announce;
    this.state = "bot";
    this.position = null;
    this.agentName = null;
    this.requeueExpected = false;
    this.title = el("p", { class: "banner-title" });
    this.detail = el("p", { class: "banner-detail" });
    this.node = el("div", { class: "banner", "data-testid": "handoff-status", hidden: true }, this.title, this.detail);
  }

  get withPerson() {
    return this.state === "assigned";
  }

  show(kind, title, detail = "") {
    this.node.hidden = false;
    this.node.dataset.kind = kind;
    this.title.textContent = title;
    this.detail.textContent = detail;
    this.detail.hidden = !detail;
  }

  hide() {
    this.node.hidden = true;
  }

  // a deleted conversation: a fresh start with the assistant
  reset() {
    this.state = "bot";
    this.position = null;
    this.agentName = null;
    this.hide();
  }

  // Informational states (back with the assistant, ended, unavailable) go once the citizen writes on.
  dismissNotes() {
    if (!HUMAN_STATES.includes(this.state)) this.hide();
  }

  // A person hands a chat back to the queue only by a transfer (announced by a system message
  // first) or by leaving (agent_left); the gateway's queue broadcast can still deliver a stale
  // "queued" just after "assigned", which must not hide the person who joined.
  expectRequeue() {
    this.requeueExpected = true;
  }

  // `live`: an event as it happens (not the state read at (re)connect)
  update(status, live = true) {
    const { t } = this.i18n;
    const previous = this.state;
    const state = status?.state;
    if (typeof state !== "string") return;
    if (live && previous === "assigned" && state === "queued" && !this.requeueExpected) return;
    this.requeueExpected = false;
    this.state = state;
    const department = typeof status.department_name === "string" ? status.department_name : "";
    if (state === "queued") {
      const position = Number.isInteger(status.position) ? status.position : null;
      const wait = this.i18n.minutes(Number(status.expected_wait_seconds) || 0);
      this.show("queued", t("queued", { position: position ?? "–", wait }), department ? t("queuedFor", { department }) : "");
      if (previous === "queued" && position !== null && this.position !== null && position !== this.position) {
        this.announce(t("positionNow", { position }));
      }
      this.position = position;
      return;
    }
    this.position = null;
    if (state === "assigned") {
      this.agentName = typeof status.agent_name === "string" && status.agent_name ? status.agent_name : t("someone");
      const key = department ? "assigned" : "assignedNoDepartment";
      this.show("assigned", t(key, { agent: this.agentName, department }));
    } else if (state === "agent_left") {
      this.show("queued", t("agentLeft"));
    } else if (state === "bot") {
      if (HUMAN_STATES.includes(previous)) this.show("note", t("backToBot"));
      else this.hide();
    } else if (state === "closed") {
      this.show("note", t("handoffClosed"));
    } else if (state === "unavailable") {
      this.state = "bot"; // nothing changed for the conversation: the assistant goes on
      this.unavailable(status);
    }
  }

  unavailable(status) {
    const { t } = this.i18n;
    if (status.reason === "closed") {
      const next = this.i18n.opening(status.next_opening);
      const when = next ? t("nextOpening", { when: next }) : "";
      this.show("unavailable", t("unavailableClosed"), when);
    } else {
      this.show("unavailable", t("unavailableNoAgents"));
    }
  }
}
