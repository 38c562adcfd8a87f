"""The agent console (/console) in Chromium against the real stack: login, queue, live chats in
tabs, context, knowledge base, canned responses, transfer, hand back, close, supervisor view,
injection, accessibility and keyboard use. Citizens are real python-socketio clients."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from typing import Any, AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from playwright.async_api import Locator, Page, expect

from tests.handoff.clients import Agent, Citizen
from tests.handoff.conftest import PASSWORD, Gateway
from tests.widget.conftest import axe_violations, csp_violations, screenshot

pytestmark = [pytest.mark.stack, pytest.mark.browser, pytest.mark.usefixtures("open_office", "clean_desk")]

ASK_HUMAN = "Ich möchte mit einem Menschen sprechen"
CITIZEN_PAGE = "https://www.musterstadt.de/buergeramt"
EXPECTED_STATUSES = ("status of 401", "status of 429")  # wrong password, logged-out /api/me: the browser logs them
INJECTION = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "<svg onload=alert(1)>",
    "abc\u202edef\u200bghi\u200djkl",
]
EMOJI = "😀" * 2000  # the longest text the gateway accepts (2,000 characters)

# Records desktop notifications and Web Audio tones the page creates (before its scripts run).
SPIES = """
window.__notifications = [];
window.__tones = 0;
if (window.Notification) {
  const Original = window.Notification;
  window.Notification = class extends Original {
    constructor(title, options) {
      super(title, options);
      window.__notifications.push({ title, body: options && options.body });
    }
  };
}
if (window.AudioContext) {
  const create = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    window.__tones += 1;
    return create.call(this);
  };
}
"""


# --- helpers -------------------------------------------------------------------------------------


def console_agent(web: Gateway, username: str) -> Agent:
    """A python-socketio agent for the browser tests' gateway (its own origin is the allowed one)."""
    return Agent(web.url, username, PASSWORD, origin=web.url)


@pytest.fixture
async def clean_desk(web: Gateway) -> AsyncIterator[None]:
    """Every test starts and ends with empty queues and no open chats (the gateway is shared)."""

    async def clear() -> None:
        for username in ("anna", "ben", "olga", "sara"):
            agent = await console_agent(web, username).connect()
            hello = await agent.call("hello")
            waiting = hello["queue"] if username == "sara" else []
            for conversation in waiting:
                await agent.call("take_over", {"conversation_id": conversation["conversation_id"]})
            for conversation in hello["assigned"] + waiting:
                await agent.call(
                    "close", {"conversation_id": conversation["conversation_id"], "outcome": "not_resolved"}
                )
            await agent.close()

    await clear()
    yield
    await clear()


CitizenFactory = Callable[[], Awaitable[Citizen]]


@pytest.fixture
async def citizens(web: Gateway) -> AsyncIterator[CitizenFactory]:
    started: list[Citizen] = []

    async def start() -> Citizen:
        citizen = await Citizen(web.url, origin=web.url).connect()
        await citizen.start()
        started.append(citizen)
        return citizen

    yield start
    for citizen in started:
        await citizen.close()


async def log_in(page: Page, web: Gateway, username: str = "anna") -> None:
    await page.goto(f"{web.url}/console")
    await page.get_by_label("Benutzername").fill(username)
    await page.get_by_label("Passwort").fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()
    await expect(page.get_by_role("status").filter(has_text="Verbunden")).to_be_visible()


async def ask_for_human(citizen: Citizen, question: str | None = None) -> dict[str, Any]:
    if question:
        await citizen.say(question, page=CITIZEN_PAGE, language="de")
        await citizen.bot_answer()
    await citizen.say(ASK_HUMAN, page=CITIZEN_PAGE, language="de")
    queued: dict[str, Any] = await citizen.status("queued")
    return queued


async def queue_entry(page: Page, citizen: Citizen, marker: str) -> Locator:
    """The citizen's queue entry, found by a sentence they write while waiting (live preview)."""
    await citizen.say(marker)
    entry = page.get_by_test_id("queue-item").filter(has_text=marker)
    await expect(entry).to_be_visible()
    return entry


async def accept(page: Page, entry: Locator) -> Locator:
    """Accept a queue entry; returns the chat's visible tab panel."""
    await entry.get_by_role("button", name="Annehmen").click()
    await expect(entry).to_have_count(0)
    return page.get_by_role("tabpanel")


def reply_box(panel: Locator) -> Locator:
    return panel.get_by_role("textbox", name="Antwort")


def transcript(panel: Locator) -> Locator:
    return panel.get_by_role("log")


async def tab_to(page: Page, target: Locator, presses: int = 60) -> None:
    """Press Tab until `target` has the focus (proves it is reachable without a mouse)."""
    for _ in range(presses):
        await page.keyboard.press("Tab")
        if await target.evaluate("node => node === document.activeElement"):
            return
    raise AssertionError(f"{target} is not reachable with Tab")


async def assert_no_problems(page: Page) -> None:
    problems = page.problems  # type: ignore[attr-defined]
    assert problems.dialogs == []
    assert problems.page_errors == []
    unexpected = [e for e in problems.console_errors if not any(status in e for status in EXPECTED_STATUSES)]
    assert unexpected == []
    assert await csp_violations(page) == []


# --- tests ---------------------------------------------------------------------------------------


async def test_login_errors_reload_and_logout(page: Page, web: Gateway) -> None:
    await page.goto(f"{web.url}/console")
    await expect(page.get_by_role("heading", name="Anmeldung zur Chat-Konsole")).to_be_visible()
    assert await axe_violations(page) == []
    await screenshot(page, "console-login")

    await page.get_by_label("Benutzername").fill("anna")
    await page.get_by_label("Passwort").fill("falsches passwort")
    await page.get_by_role("button", name="Anmelden").click()
    await expect(page.get_by_role("alert")).to_have_text("Benutzername oder Passwort ist falsch.")
    await expect(page.get_by_label("Passwort")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("Passwort")).to_be_focused()

    # someone guessing another account's password is slowed down (LOGIN_FREE_ATTEMPTS=3 here)
    await page.get_by_label("Benutzername").fill("mallory")
    for attempt in range(4):
        await page.get_by_label("Passwort").fill(f"guess {attempt}")
        await page.get_by_role("button", name="Anmelden").click()
        await expect(page.get_by_role("alert")).to_have_text("Benutzername oder Passwort ist falsch.")
        await page.get_by_role("alert").evaluate("node => node.textContent = ''")
    await page.get_by_label("Passwort").fill("guess 5")
    await page.get_by_role("button", name="Anmelden").click()
    await expect(page.get_by_role("alert")).to_contain_text("Zu viele fehlgeschlagene Anmeldeversuche")
    await expect(page.get_by_role("alert")).to_contain_text("noch 1 s")
    await page.get_by_label("Benutzername").fill("anna")  # anna herself is not slowed down

    await page.get_by_label("Passwort").fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()
    await expect(page.get_by_text("Angemeldet: Anna Schmidt")).to_be_visible()
    await expect(page.get_by_role("heading", name="Warteschlange")).to_be_visible()
    await expect(page.get_by_text("Zurzeit wartet niemand.")).to_be_visible()
    assert await axe_violations(page) == []  # the empty workspace

    await page.reload()
    await expect(page.get_by_text("Angemeldet: Anna Schmidt")).to_be_visible()
    await expect(page.get_by_role("status").filter(has_text="Verbunden")).to_be_visible()
    await expect(page.get_by_label("Passwort")).to_be_hidden()

    await page.get_by_role("button", name="Abmelden").click()
    await expect(page.get_by_label("Passwort")).to_be_visible()
    assert (await page.request.get(f"{web.url}/api/me")).status == 401  # the login cookie is gone
    await page.reload()
    await expect(page.get_by_label("Passwort")).to_be_visible()
    await expect(page.get_by_text("Angemeldet: Anna Schmidt")).to_be_hidden()
    await assert_no_problems(page)


async def test_handoff_accept_context_reply_note_and_hand_back(
    page: Page, web: Gateway, citizens: CitizenFactory
) -> None:
    await page.context.add_init_script(SPIES)
    await log_in(page, web)
    enable = page.get_by_role("button", name="Desktop-Hinweise einschalten")
    await expect(enable).to_be_visible()  # asked only when the agent wants it
    await page.context.grant_permissions(["notifications"], origin=web.url)  # the agent's answer to the prompt
    await enable.click()
    await expect(page.get_by_text("Desktop-Hinweise: an")).to_be_visible()

    citizen = await citizens()
    await ask_for_human(citizen, "Was kostet ein Personalausweis?")
    entry = page.get_by_test_id("queue-item")
    await expect(entry).to_have_count(1)
    await expect(entry.get_by_role("heading")).to_have_text("Bürgeramt")
    await expect(entry).to_contain_text("Wunsch nach persönlicher Beratung")
    await expect(entry).to_contain_text("Deutsch")
    await expect(entry).to_contain_text("Zuletzt besprochen: Personalausweis beantragen")
    await expect(entry.get_by_role("link", name=CITIZEN_PAGE)).to_have_attribute("href", CITIZEN_PAGE)
    waiting = entry.get_by_text(re.compile(r"wartet seit \d+:\d\d"))
    shown = await waiting.text_content()
    await expect(waiting).not_to_have_text(shown or "", timeout=5000)  # ticks every second

    # new request: chime (Web Audio), desktop notification, announcement
    assert await page.evaluate("() => window.__tones") >= 2
    notifications = await page.evaluate("() => window.__notifications")
    assert notifications == [{"title": "Neue Chat-Anfrage: Bürgeramt", "body": "Wunsch nach persönlicher Beratung"}]
    await expect(page.locator("#announcer")).to_contain_text("Neue Anfrage in der Warteschlange: Bürgeramt")
    await assert_no_problems(page)

    await queue_entry(page, citizen, "Ich warte gern noch kurz.")
    panel = await accept(page, entry)
    assigned = await citizen.status("assigned")
    assert assigned["agent_name"] == "Anna Schmidt"
    await expect(page.get_by_role("tab", name=re.compile("Chat 1 – Bürgeramt"))).to_have_attribute(
        "aria-selected", "true"
    )
    await expect(reply_box(panel)).to_be_focused()
    log = transcript(panel)
    await expect(log.get_by_text("Was kostet ein Personalausweis?")).to_be_visible()
    await expect(log.get_by_text("Ich warte gern noch kurz.")).to_be_visible()

    context = page.get_by_test_id("context")
    await expect(context).to_contain_text("Wunsch nach persönlicher Beratung")
    await expect(context).to_contain_text(re.compile(r"kb_personalausweis\s*\d{1,3}\s%"))
    await expect(context).to_contain_text(re.compile(r"request_human\s*\d{1,3}\s%"))
    await expect(context.get_by_role("link", name=CITIZEN_PAGE)).to_have_attribute("href", CITIZEN_PAGE)
    await expect(context).to_contain_text("Deutsch")
    assert await axe_violations(page) == []
    await screenshot(page, "console-chat")

    # typing indicators both ways: throttled true while typing, false after 2 s without a key
    await reply_box(panel).press_sequentially("Guten Tag")
    await citizen.events.wait_for("typing", lambda d: d["sender"] == "agent" and d["typing"] is False, timeout=6)
    assert [d["typing"] for d in citizen.events.all("typing") if d["sender"] == "agent"] == [True, False]
    await citizen.call("typing", {"typing": True})
    await expect(panel.get_by_role("status")).to_have_text("Die Bürgerin oder der Bürger schreibt …")
    await expect(page.get_by_role("tab", name=re.compile("Chat 1"))).to_contain_text("schreibt")
    await citizen.call("typing", {"typing": False})
    await expect(panel.get_by_role("status")).to_have_text("")

    await reply_box(panel).fill("Guten Tag, hier ist Anna Schmidt. Der Ausweis kostet 46 Euro.")
    await panel.get_by_role("button", name="Senden").click()
    reply = await citizen.reply(lambda d: d["metadata"]["sender"] == "agent")
    assert reply["text"] == "Guten Tag, hier ist Anna Schmidt. Der Ausweis kostet 46 Euro."
    own = log.get_by_test_id("message").filter(has_text="Der Ausweis kostet 46 Euro.")
    await expect(own).to_contain_text("zugestellt")
    await expect(reply_box(panel)).to_be_focused()

    await citizen.say("Danke! Brauche ich ein neues Foto?")
    live = log.get_by_test_id("message").filter(has_text="Danke! Brauche ich ein neues Foto?")
    await expect(live).to_contain_text("Bürger/in")

    await reply_box(panel).fill("Bürgerin wirkt in Eile, Expressdienst anbieten")
    await panel.get_by_role("button", name="Als interne Notiz speichern").click()
    note = log.get_by_test_id("message").filter(has_text="Bürgerin wirkt in Eile")
    await expect(note).to_contain_text("intern")
    await expect(note).to_contain_text("zugestellt")
    await reply_box(panel).fill("Ja, ein biometrisches Passfoto.")
    await panel.get_by_role("button", name="Senden").click()
    await citizen.reply(lambda d: d["text"] == "Ja, ein biometrisches Passfoto.")
    # the note was stored before this message: had it been relayed, it would have arrived first
    assert not [d for d in citizen.events.all("bot_uttered") if "Eile" in d["text"]]

    await panel.get_by_role("button", name="An Assistenten zurückgeben").click()
    await citizen.status("bot")
    await expect(page.get_by_role("tab")).to_have_count(0)
    await expect(page.get_by_text("Kein Chat geöffnet.")).to_be_visible()
    await citizen.say("Wie melde ich meinen Hund an?")
    answer = await citizen.reply(lambda d: d["metadata"]["sender"] == "bot" and "kb_article" in d["metadata"])
    assert answer["metadata"]["kb_article"] == "hundesteuer"
    await assert_no_problems(page)


async def test_two_chats_in_tabs_canned_transfer_and_close(page: Page, web: Gateway, citizens: CitizenFactory) -> None:
    await log_in(page, web)
    first, second = await citizens(), await citizens()
    await ask_for_human(first, "Was kostet ein Personalausweis?")
    await ask_for_human(second)
    await accept(page, await queue_entry(page, first, "Hier ist die erste Person."))
    await accept(page, await queue_entry(page, second, "Hier ist die zweite Person."))

    one = page.get_by_role("tab", name=re.compile("Chat 1 – Bürgeramt"))
    two = page.get_by_role("tab", name=re.compile("Chat 2 – Bürgerservice"))
    await expect(two).to_have_attribute("aria-selected", "true")
    await two.focus()
    await page.keyboard.press("ArrowLeft")
    await expect(one).to_be_focused()
    await expect(one).to_have_attribute("aria-selected", "true")
    await expect(two).to_have_attribute("tabindex", "-1")
    panel = page.get_by_role("tabpanel")
    await expect(panel).to_have_count(1)
    await expect(transcript(panel).get_by_text("Hier ist die erste Person.")).to_be_visible()
    await page.keyboard.press("ArrowRight")
    await expect(two).to_be_focused()
    await expect(transcript(panel).get_by_text("Hier ist die zweite Person.")).to_be_visible()
    await page.keyboard.press("Home")
    await expect(one).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("End")
    await expect(two).to_have_attribute("aria-selected", "true")

    # a message to the chat in the background tab is counted on its tab
    await first.say("Sind Sie noch da?")
    await expect(one).to_have_accessible_name("Chat 1 – Bürgeramt 1 neu")

    # canned responses: the general ones and those of the chat's department
    await panel.get_by_label("Textbaustein").select_option(label="Einen Moment")
    await panel.get_by_role("button", name="Einfügen", exact=True).click()
    await expect(reply_box(panel)).to_have_value("Einen Moment bitte, ich sehe kurz nach.")
    await panel.get_by_role("button", name="Senden").click()
    await second.reply(lambda d: d["text"] == "Einen Moment bitte, ich sehe kurz nach.")

    await one.click()
    await expect(one).to_have_accessible_name("Chat 1 – Bürgeramt")
    await panel.get_by_label("Textbaustein").select_option(label="Termin buchen")
    await panel.get_by_role("button", name="Einfügen", exact=True).click()
    await expect(reply_box(panel)).to_have_value(re.compile(r"^Termine im Bürgeramt buchen Sie online"))

    await panel.get_by_label("Weiterleiten an").select_option(label="Ordnungsamt (Gewerbe und Fundbüro)")
    await panel.get_by_role("button", name="Weiterleiten", exact=True).click()
    await first.events.wait_for(
        "handoff_status", lambda d: d["state"] == "queued" and d.get("department") == "ordnungsamt"
    )
    await expect(one).to_have_count(0)
    await expect(page.get_by_role("tab")).to_have_count(1)
    await expect(two).to_have_attribute("aria-selected", "true")

    await panel.get_by_label("Ergebnis").select_option(label="gelöst")
    await panel.get_by_role("button", name="Chat beenden").click()
    await second.status("closed")
    await expect(page.get_by_role("tab")).to_have_count(0)
    await expect(page.locator("#announcer")).to_contain_text("Chat 2 – Bürgerservice (Servicecenter) beendet: gelöst.")
    await assert_no_problems(page)


async def test_knowledge_base_search_inserts_the_answer(page: Page, web: Gateway, citizens: CitizenFactory) -> None:
    await log_in(page, web)
    citizen = await citizens()
    await ask_for_human(citizen)
    panel = await accept(page, await queue_entry(page, citizen, "Ich habe eine Frage zu Dokumenten."))
    search = page.get_by_role("searchbox", name="Suchbegriffe")
    hits = page.get_by_test_id("kb-hit")

    await search.fill("perso verlängern")
    await search.press("Enter")
    await expect(hits.first).to_have_attribute("data-article", "personalausweis")
    await expect(hits.first.get_by_role("heading")).to_have_text("Personalausweis beantragen")
    await expect(page.get_by_role("status").filter(has_text="Artikel gefunden")).to_be_visible()

    await search.fill("fuehrerschein umtauschen")
    await search.press("Enter")
    await expect(hits.first).to_have_attribute("data-article", "fuehrerschein")
    await expect(hits.first).to_contain_text("Straßenverkehrsamt")
    await hits.first.get_by_role("button", name="Antwort einfügen").click()
    await expect(reply_box(panel)).to_have_value(re.compile("Führerschein"))
    await expect(reply_box(panel)).to_be_focused()
    inserted = await reply_box(panel).input_value()
    assert "**" not in inserted and "](" not in inserted  # plain text, not Markdown

    # inserted, never sent: the agent edits and sends it themselves
    await expect(transcript(panel).locator(".msg--agent")).to_have_count(0)
    await reply_box(panel).press("End")
    await reply_box(panel).type(" Gruß, Anna")
    await reply_box(panel).press("Control+Enter")
    sent = await citizen.reply(lambda d: d["metadata"]["sender"] == "agent")
    assert sent["text"].startswith(inserted[:40]) and sent["text"].endswith("Gruß, Anna")
    await assert_no_problems(page)


async def test_supervisor_sees_live_bot_conversation_and_takes_it_over(
    page: Page, web: Gateway, citizens: CitizenFactory
) -> None:
    await log_in(page, web, "sara")
    await page.get_by_role("button", name="Leitstand").click()
    await expect(page.get_by_role("heading", name="Leitstand", level=1)).to_be_visible()

    citizen = await citizens()
    await citizen.say("Was kostet ein Reisepass für meine Tochter Lotte?", page=CITIZEN_PAGE, language="de")
    await citizen.bot_answer()
    card = page.get_by_test_id("live-conversation").filter(has_text="Tochter Lotte")
    await expect(card).to_be_visible(timeout=12000)  # refreshed every 5 s
    await expect(card.get_by_text("Digitaler Assistent")).to_be_visible()
    agents = page.get_by_role("table").filter(has_text="Sara Klein")
    await expect(agents.get_by_role("row", name=re.compile("Sara Klein"))).to_contain_text("online")
    queues = page.get_by_role("table").filter(has_text="Wartend")
    await expect(queues.get_by_role("row", name=re.compile("Ordnungsamt"))).to_be_visible()
    assert await axe_violations(page) == []
    await screenshot(page, "console-supervisor")

    await card.get_by_role("button", name="Übernehmen").click()
    joined = await citizen.status("assigned")
    assert joined["agent_name"] == "Sara Klein"
    panel = page.get_by_role("tabpanel")
    await expect(transcript(panel).get_by_text("Was kostet ein Reisepass für meine Tochter Lotte?")).to_be_visible()
    await expect(reply_box(panel)).to_be_focused()
    await page.keyboard.type("Guten Tag, hier ist Sara Klein. Ich helfe Ihnen gern weiter.")
    await page.keyboard.press("Control+Enter")
    await citizen.reply(lambda d: d["metadata"].get("agent_name") == "Sara Klein")
    await assert_no_problems(page)


async def test_injection_is_shown_literally(page: Page, web: Gateway, citizens: CitizenFactory) -> None:
    await log_in(page, web)
    citizen = await citizens()
    await ask_for_human(citizen)
    entry = page.get_by_test_id("queue-item")
    await expect(entry).to_have_count(1)
    for text in INJECTION:
        assert (await citizen.say(text))["ok"]
        await expect(entry.locator("q")).to_have_text(text)
    assert (await citizen.say(EMOJI))["ok"]
    assert (await citizen.say(EMOJI + "😀"))["error"] == "too_long"

    panel = await accept(page, entry)
    log = transcript(panel)
    for text in INJECTION:
        await expect(log.get_by_text(text, exact=True)).to_have_count(1)
    await expect(log.get_by_text(EMOJI, exact=True)).to_have_count(1)
    for text in [*INJECTION, EMOJI]:
        await reply_box(panel).fill(text)
        await reply_box(panel).press("Control+Enter")
        received = await citizen.reply(lambda d: d["metadata"]["sender"] == "agent")
        assert received["text"] == text
        await expect(log.locator(".msg--agent").filter(has_text=text)).to_contain_text("zugestellt")
    assert await log.locator("img, script, svg, a[href^='javascript']").count() == 0
    # the agent's 2,001st character is refused in the console, before it reaches the gateway
    await reply_box(panel).fill(EMOJI + "😀")
    await reply_box(panel).press("Control+Enter")
    await expect(panel.get_by_role("alert")).to_contain_text("zu lang")
    await expect(log.locator(".msg--agent")).to_have_count(len(INJECTION) + 1)

    overflow = await page.evaluate(
        "() => [...document.querySelectorAll('[role=log], .queue, .side')].some(e => e.scrollWidth > e.clientWidth)"
    )
    assert not overflow
    await assert_no_problems(page)


async def test_keyboard_only_accept_reply_and_close(page: Page, web: Gateway, citizens: CitizenFactory) -> None:
    await page.goto(f"{web.url}/console")
    await expect(page.get_by_label("Benutzername")).to_be_focused()
    await page.keyboard.type("anna")
    await page.keyboard.press("Tab")
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status").filter(has_text="Verbunden")).to_be_visible()

    citizen = await citizens()
    await ask_for_human(citizen)
    accept_button = page.get_by_test_id("queue-item").get_by_role("button", name="Annehmen")
    await tab_to(page, accept_button)
    outline = await accept_button.evaluate("b => parseFloat(getComputedStyle(b).outlineWidth)")
    assert outline >= 2  # a visible focus indicator
    await page.keyboard.press("Enter")
    await citizen.status("assigned")

    panel = page.get_by_role("tabpanel")
    await expect(reply_box(panel)).to_be_focused()
    await page.keyboard.type("Guten Tag! Wie kann ich helfen?")
    await page.keyboard.press("Control+Enter")
    await citizen.reply(lambda d: d["text"] == "Guten Tag! Wie kann ich helfen?")
    await expect(reply_box(panel)).to_be_focused()

    await tab_to(page, panel.get_by_role("button", name="Chat beenden"))
    await page.keyboard.press("Enter")
    await citizen.status("closed")
    await expect(page.get_by_role("tab")).to_have_count(0)
    await expect(page.get_by_role("heading", name="Meine Chats")).to_be_focused()

    # reflow: at 320 CSS px nothing scrolls sideways
    await page.set_viewport_size({"width": 320, "height": 800})
    assert await page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    await assert_no_problems(page)


async def test_reconnect_merges_missed_messages_and_keeps_presence(
    page: Page, web: Gateway, citizens: CitizenFactory
) -> None:
    await log_in(page, web)
    citizen = await citizens()
    await ask_for_human(citizen)
    panel = await accept(page, await queue_entry(page, citizen, "Ich bin die Person vor dem Netzausfall."))
    await page.get_by_role("radio", name="Abwesend").check()
    await expect(page.get_by_text("Sie sind abwesend")).to_be_visible()

    await page.context.set_offline(True)
    await expect(page.get_by_role("status").filter(has_text="Verbindung unterbrochen")).to_be_visible()
    await citizen.say("Geschrieben, während die Konsole offline war.")
    await page.context.set_offline(False)
    await expect(page.get_by_role("status").filter(has_text="Verbunden")).to_be_visible()

    log = transcript(panel)
    await expect(log.get_by_text("Geschrieben, während die Konsole offline war.")).to_have_count(1)
    await expect(log.get_by_text("Ich bin die Person vor dem Netzausfall.")).to_have_count(1)
    await expect(page.get_by_role("tab")).to_have_count(1)
    await reply_box(panel).fill("Da bin ich wieder.")
    await reply_box(panel).press("Control+Enter")
    await citizen.reply(lambda d: d["text"] == "Da bin ich wieder.")

    # still away after the reconnect: nobody is online, so no queue for the next citizen
    await expect(page.get_by_role("radio", name="Abwesend")).to_be_checked()
    other = await citizens()
    await other.say(ASK_HUMAN)
    unavailable = await other.status("unavailable")
    assert unavailable["reason"] == "no_agents"
    await page.get_by_role("radio", name="Online").check()
    await expect(page.get_by_text("Sie sind abwesend")).to_be_hidden()
    await ask_for_human(await citizens())
    await expect(page.get_by_test_id("queue-item")).to_have_count(1)
    await assert_no_problems(page)


async def test_waiting_entries_change_colour_and_text_as_they_age(
    page: Page, web: Gateway, citizens: CitizenFactory
) -> None:
    # the browser's clock: moved forward without firing timers (like a long wait, but instant)
    await page.clock.install()

    async def minutes_pass(seconds: int) -> None:
        now = await page.evaluate("() => Date.now()")
        await page.clock.set_system_time(dt.datetime.fromtimestamp(now / 1000 + seconds, tz=dt.timezone.utc))

    await log_in(page, web)
    entries = page.get_by_test_id("queue-item")
    background = "e => getComputedStyle(e).backgroundColor"
    await ask_for_human(await citizens())
    await expect(entries).to_have_count(1)
    await expect(entries.first).to_have_attribute("data-age", "normal")
    await expect(entries.first).not_to_contain_text("Wartezeit")
    fresh = await entries.first.evaluate(background)

    await minutes_pass(130)
    await expect(entries.first).to_contain_text(re.compile(r"wartet seit 2:1\d"))
    await expect(entries.first.get_by_text("lange Wartezeit")).to_be_visible()
    assert await entries.first.evaluate(background) != fresh

    await ask_for_human(await citizens())  # the queue update must not reset the first one's time
    await expect(entries).to_have_count(2)
    oldest, newest = entries.nth(0), entries.nth(1)
    await expect(newest).to_have_attribute("data-age", "normal")
    await expect(oldest.get_by_text("lange Wartezeit")).to_be_visible()

    await minutes_pass(200)
    await expect(oldest.get_by_text("sehr lange Wartezeit")).to_be_visible()
    await expect(oldest).to_have_attribute("data-age", "urgent")
    await expect(newest.get_by_text("lange Wartezeit", exact=True)).to_be_visible()
    colours = {fresh, await oldest.evaluate(background), await newest.evaluate(background)}
    assert len(colours) == 3
    await assert_no_problems(page)


async def test_a_long_conversation_opens_at_its_end_and_loads_older_messages(
    page: Page, web: Gateway, citizens: CitizenFactory
) -> None:
    await log_in(page, web)
    citizen = await citizens()
    await ask_for_human(citizen)
    await accept(page, await queue_entry(page, citizen, "Meine erste Frage von vielen."))
    conversation_id = await conversation_of(web, "Meine erste Frage von vielen.")
    write_messages(web, conversation_id, [f"Nachricht Nummer {n}" for n in range(260)])  # a very long chat

    await page.reload()  # the chat comes back with hello: its latest 200 messages
    panel = page.get_by_role("tabpanel")
    log = transcript(panel)
    await expect(log.get_by_text("Nachricht Nummer 259", exact=True)).to_be_visible()
    await expect(log.get_by_text("Nachricht Nummer 60", exact=True)).to_have_count(1)
    await expect(log.get_by_text("Nachricht Nummer 59", exact=True)).to_have_count(0)
    older = panel.get_by_role("button", name="Ältere Nachrichten laden")
    await older.click()
    await expect(log.get_by_text("Nachricht Nummer 0", exact=True)).to_have_count(1)
    await expect(log.get_by_text("Meine erste Frage von vielen.")).to_have_count(1)  # the very beginning
    await expect(page.locator("#announcer")).to_contain_text("ältere Nachrichten geladen")
    await expect(older).to_be_hidden()  # nothing older left
    await expect(log).to_be_focused()
    texts = await log.locator("[data-testid=message]").evaluate_all("nodes => nodes.map(n => Number(n.dataset.id))")
    assert texts == sorted(texts)  # in order, oldest first
    await assert_no_problems(page)


async def test_a_login_ended_elsewhere_closes_the_console(page: Page, web: Gateway) -> None:
    await log_in(page, web)
    cookie = next(c for c in await page.context.cookies() if c["name"] == "citychat_session")
    async with (  # the agent logs out in another window (or an administrator ends the login)
        aiohttp.ClientSession(cookies={"citychat_session": cookie["value"]}) as session,
        session.post(f"{web.url}/api/logout", headers={"Origin": web.url}) as response,
    ):
        assert response.status == 200
    await expect(page.get_by_label("Passwort")).to_be_visible(timeout=10_000)
    await expect(page.get_by_role("alert")).to_contain_text("Ihre Anmeldung wurde beendet")
    await expect(page.get_by_text("Angemeldet: Anna Schmidt")).to_be_hidden()


async def conversation_of(web: Gateway, text: str) -> str:
    path = web.database_url.split("///", 1)[1]
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT conversation_id FROM messages WHERE text = ?", (text,)).fetchone()
    assert row is not None
    return str(row[0])


def write_messages(web: Gateway, conversation_id: str, texts: list[str]) -> None:
    """Test data: a conversation far longer than a console view holds, written straight to the database."""
    path = web.database_url.split("///", 1)[1]
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO messages (conversation_id, sender, text, created_at) VALUES (?, ?, ?, ?)",
            [(conversation_id, "citizen" if n % 2 else "agent", text, now) for n, text in enumerate(texts)],
        )
