"""The citizen chat widget in a real browser against the real stack (Rasa, actions, gateway).

A citizen opens the widget on the demo page (GET /), talks to the bot and to a person (an
agent driven by python-socketio), reloads, loses the connection, types hostile text, uses only
the keyboard, a 320 px screen, English, feedback and "delete my chat"; axe-core checks every
state. Screenshots go to reports/screenshots/.
"""

from __future__ import annotations

import gzip
import json
import re
import uuid
from typing import Any, AsyncIterator, Callable

import pytest
from playwright.async_api import Locator, Page, expect

from tests.handoff.clients import Agent, Citizen
from tests.handoff.conftest import PASSWORD, Gateway
from tests.widget.conftest import axe_violations, csp_violations, screenshot
from tools.stack import ROOT

pytestmark = [pytest.mark.stack, pytest.mark.browser]

ANSWER = 20_000  # ms: a bot answer (Rasa and the action server) or a handoff step
INJECTIONS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "<svg onload=alert(1)>",
    "Rechnung\u202egnp.exe und\u200bunsicht\u200dbar",
]
EMOJI = "\U0001f600" * 5000
WIDGET_FILES = ["citychat.js", "citychat.css", "citizen/*.js", "shared/*.js", "vendor/socket.io.esm.min.js"]
SIZE_BUDGET = 60 * 1024


# --- helpers -----------------------------------------------------------------------------------


def launcher(page: Page, title: str = "Bürgerservice Musterstadt") -> Locator:
    # the name carries the unread count when there is one: match its start
    return page.get_by_role("button", name=re.compile(r"^Chat – " + re.escape(title)))


def chat_log(page: Page) -> Locator:
    return page.get_by_role("log", name="Chatverlauf")


def message_box(page: Page) -> Locator:
    return page.get_by_role("textbox", name="Ihre Nachricht")


def status_banner(page: Page) -> Locator:
    return page.get_by_test_id("handoff-status")


def messages(page: Page, sender: str) -> Locator:
    """The messages of one sender (citizen, bot, agent, system) in the transcript."""
    return chat_log(page).locator(f".msg--{sender}")


async def visit(page: Page, url: str) -> None:
    # a page address of its own: the agent recognises this test's conversation by it
    await page.goto(f"{url}?visit={uuid.uuid4().hex[:12]}")


async def open_chat(page: Page, url: str) -> None:
    await visit(page, url)
    await launcher(page).click()
    await expect(message_box(page)).to_be_focused()


async def say(page: Page, text: str) -> None:
    box = message_box(page)
    await box.fill(text)
    await box.press("Enter")


def record_sent(page: Page) -> list[tuple[str, Any]]:
    """Every Socket.IO event the page sends (event name, payload), across reconnects."""
    sent: list[tuple[str, Any]] = []

    def record(frame: str | bytes) -> None:
        # Engine.IO "4" (message) + Socket.IO "2" (event) [+ ack id] + JSON array
        if isinstance(frame, str) and frame.startswith("42"):
            event = json.loads(frame[frame.index("[") :])
            sent.append((event[0], event[1] if len(event) > 1 else None))

    page.on("websocket", lambda ws: ws.on("framesent", record))
    return sent


async def is_focused(locator: Locator) -> bool:
    """Focus inside the widget's shadow root (document.activeElement is only the host)."""
    focused: bool = await locator.evaluate("el => el.getRootNode().activeElement === el")
    return focused


async def assert_harmless(page: Page) -> None:
    problems = page.problems  # type: ignore[attr-defined]
    assert problems.dialogs == []
    assert problems.page_errors == []
    assert await csp_violations(page) == []


async def assert_accessible(page: Page, state: str) -> None:
    # judge the settled state, not a panel halfway through fading in
    await page.evaluate(
        "() => Promise.all(document.getAnimations()"
        ".concat(document.querySelector('citychat-widget')?.shadowRoot.getAnimations() ?? [])"
        ".filter(a => a.effect?.getTiming().iterations !== Infinity).map(a => a.finished))"
    )
    violations = await axe_violations(page)
    assert violations == [], f"axe-core, {state}: {json.dumps(violations, indent=1)}"


async def session_id(page: Page) -> str:
    value: str = await page.evaluate("() => sessionStorage.getItem('citychat:session')")
    return value


async def conversation_of(agent: Agent, page: Page) -> str:
    """The conversation the page's citizen handed off (a previous test's bot turns may hand off late)."""
    alert = await agent.events.wait_for("handoff_alert", lambda d: d["page"] == page.url)
    conversation_id: str = alert["conversation_id"]
    return conversation_id


async def ask_for_person(page: Page, agent: Agent) -> str:
    """The citizen asks for a person; the agent accepts. Returns the conversation id."""
    await say(page, "Ich möchte mit einem Menschen sprechen")
    await expect(status_banner(page)).to_contain_text(
        re.compile(r"Sie sind in der Warteschlange, Position \d+, etwa \d+ Minute"), timeout=ANSWER
    )
    conversation_id = await conversation_of(agent, page)
    accepted = await agent.call("accept", {"conversation_id": conversation_id})
    assert accepted["ok"], accepted
    await expect(status_banner(page)).to_have_text(
        re.compile(r"^Anna Schmidt \(.+\) ist jetzt für Sie da$"), timeout=ANSWER
    )
    return conversation_id


async def agent_says(agent: Agent, conversation_id: str, text: str) -> None:
    sent = await agent.call("message", {"conversation_id": conversation_id, "text": text})
    assert sent["ok"], sent


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
async def anna(web: Gateway) -> AsyncIterator[Agent]:
    """Anna Schmidt (Bürgeramt) online on the browser tests' gateway, which allows only its own origin."""
    agent = await Agent(web.url, "anna", PASSWORD, origin=web.url).connect()
    hello = await agent.call("hello")
    assert hello["ok"], hello
    yield agent
    for conversation in (await agent.call("hello"))["assigned"]:
        await agent.call("close", {"conversation_id": conversation["conversation_id"], "outcome": "resolved"})
    await agent.close()


# --- tests -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("open_office")
async def test_citizen_asks_the_bot_then_a_person_then_the_bot_again(page: Page, web: Gateway, anna: Agent) -> None:
    await visit(page, web.url)
    await expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    await screenshot(page, "widget-closed")
    await launcher(page).click()
    await expect(page.get_by_role("dialog", name="Bürgerservice Musterstadt")).to_be_visible()
    await expect(message_box(page)).to_be_focused()

    await say(page, "Was kostet ein Personalausweis?")
    await expect(message_box(page)).to_be_focused()
    await expect(messages(page, "citizen").last).to_contain_text("Was kostet ein Personalausweis?")
    answer = messages(page, "bot").last
    await expect(answer).to_contain_text("Personalausweis beantragen", timeout=ANSWER)
    await expect(answer.locator(".fee").first).to_have_text(re.compile(r"Personen ab 24 Jahren\s*46,00\s€"))
    await expect(answer).to_contain_text("Bearbeitungszeit: etwa 3 bis 4 Wochen")
    await expect(answer.get_by_role("link", name="Online-Service öffnen")).to_have_attribute(
        "href", "https://termine.musterstadt.de/buergeramt"
    )
    await expect(answer.get_by_role("group", name="War das hilfreich?")).to_be_visible()
    await expect(answer.locator("time")).to_have_text(re.compile(r"^\d{2}:\d{2}$"))
    await expect(messages(page, "citizen").last.locator(".delivery")).to_have_text("Gesendet")
    await screenshot(page, "widget-open-desktop")

    conversation_id = await ask_for_person(page, anna)
    await expect(messages(page, "system").last).to_contain_text("Anna Schmidt (Bürgeramt) ist jetzt für Sie da")
    assert (await anna.call("typing", {"conversation_id": conversation_id, "typing": True}))["ok"]
    await expect(page.get_by_text("Anna Schmidt schreibt …")).to_be_visible()

    # with the panel closed, the agent's answer is counted on the launcher
    await page.keyboard.press("Escape")
    await agent_says(anna, conversation_id, "Guten Tag, hier ist Anna Schmidt. Wie kann ich helfen?")
    await expect(launcher(page)).to_have_accessible_name(re.compile(r"\(1 neue Nachricht\)$"))
    await launcher(page).click()
    from_agent = messages(page, "agent").last
    await expect(from_agent).to_contain_text("Guten Tag, hier ist Anna Schmidt. Wie kann ich helfen?")
    await expect(from_agent.locator(".msg-sender")).to_contain_text("Anna Schmidt")
    await expect(page.get_by_text("Anna Schmidt schreibt …")).to_be_hidden()

    await message_box(page).press_sequentially("Ich brauche")
    typing = await anna.events.wait_for("typing", lambda d: d["conversation_id"] == conversation_id)
    assert typing["typing"] is True
    await say(page, "Ich brauche den Ausweis schnell, geht das?")
    relayed = await anna.events.wait_for(
        "message", lambda d: d["message"]["text"] == "Ich brauche den Ausweis schnell, geht das?"
    )
    assert relayed["conversation_id"] == conversation_id
    await assert_accessible(page, "during a handoff (agent joined)")
    await screenshot(page, "widget-handoff")

    handed = await anna.call("hand_back", {"conversation_id": conversation_id})
    assert handed["ok"], handed
    await expect(status_banner(page)).to_have_text("Sie sprechen wieder mit dem digitalen Assistenten.", timeout=ANSWER)
    bot_answers = await messages(page, "bot").count()
    await say(page, "Wie melde ich meinen Hund an?")
    await expect(messages(page, "bot")).to_have_count(bot_answers + 1, timeout=ANSWER)
    await expect(messages(page, "bot").last).to_contain_text("Hundesteuer")
    await assert_harmless(page)


@pytest.mark.usefixtures("open_office")
async def test_a_chat_turned_into_a_case_shows_number_and_key_to_copy_and_print(
    page: Page, web: Gateway, anna: Agent
) -> None:
    await open_chat(page, web.url)
    conversation_id = await ask_for_person(page, anna)
    made = await anna.call(
        "create_case",
        {
            "conversation_id": conversation_id,
            "topic": "Personalausweis",
            "description": "Termin für einen neuen Ausweis, Unterlagen fehlen noch.",
        },
    )
    assert made["ok"], made
    reference = made["case"]["reference"]
    card = page.get_by_role("group", name="Ihr Vorgang")
    await expect(card).to_contain_text(reference, timeout=ANSWER)
    await expect(card).to_contain_text("Bürgerservice")  # the department the chat was with
    key = await card.locator(".case-key").text_content()
    assert key is not None and re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", key)
    await expect(messages(page, "system").last).to_contain_text("beendet", timeout=ANSWER)

    await page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web.url)
    copy_button = card.get_by_role("button", name="Kopieren")
    await copy_button.focus()
    await page.keyboard.press("Enter")  # keyboard only
    await expect(card.get_by_role("status")).to_have_text("Kopiert.")
    await page.keyboard.press("Tab")
    await expect(card.get_by_role("button", name="Drucken")).to_be_focused()
    copied = await page.evaluate("() => navigator.clipboard.readText()")
    assert f"Vorgangsnummer: {reference}" in copied and f"Zugangsschlüssel: {key}" in copied

    await card.get_by_role("button", name="Drucken").click()
    printed = await page.evaluate(
        """() => document.querySelector('citychat-widget').shadowRoot
              .querySelector('.print-frame').contentDocument.body.textContent"""
    )
    assert reference in printed and key in printed and "Ihr Vorgang" in printed
    await assert_accessible(page, "a case's confirmation")
    await screenshot(page, "widget-case-confirmation")
    await assert_harmless(page)


async def test_reload_keeps_the_conversation_of_the_tab(page: Page, web: Gateway) -> None:
    await open_chat(page, web.url)
    await say(page, "Was kostet ein Reisepass?")
    await expect(messages(page, "bot").last).to_contain_text("Reisepass beantragen", timeout=ANSWER)
    before = await session_id(page)

    await page.reload()
    assert await session_id(page) == before
    await launcher(page).click()
    await expect(messages(page, "citizen")).to_have_count(1)
    await expect(messages(page, "citizen").locator(".bubble")).to_have_text("Was kostet ein Reisepass?")
    await expect(messages(page, "bot")).to_have_count(1)
    await expect(messages(page, "bot")).to_contain_text("Reisepass beantragen")
    await expect(chat_log(page).get_by_role("group", name="Häufige Fragen")).to_be_hidden()
    await assert_harmless(page)


@pytest.mark.usefixtures("open_office")
async def test_a_dropped_connection_catches_up_without_duplicates(page: Page, web: Gateway, anna: Agent) -> None:
    await open_chat(page, web.url)
    conversation_id = await ask_for_person(page, anna)
    await agent_says(anna, conversation_id, "Ich schaue kurz nach.")
    await expect(messages(page, "agent")).to_have_count(1)

    await page.context.set_offline(True)
    await expect(page.get_by_role("status").filter(has_text="Die Verbindung ist unterbrochen")).to_be_visible()
    await say(page, "Sind Sie noch da?")  # written while offline: goes out once the connection is back
    await expect(messages(page, "citizen").last.locator(".delivery")).to_have_text("Wird gesendet …")
    await agent_says(anna, conversation_id, "Erste Nachricht während der Funkstille.")
    await agent_says(anna, conversation_id, "Zweite Nachricht während der Funkstille.")

    await page.context.set_offline(False)
    for text in ("Erste Nachricht während der Funkstille.", "Zweite Nachricht während der Funkstille."):
        await expect(messages(page, "agent").filter(has_text=text)).to_have_count(1, timeout=ANSWER)
    await expect(page.get_by_role("status").filter(has_text="Die Verbindung steht wieder.")).to_be_visible()
    await expect(messages(page, "citizen").last.locator(".delivery")).to_have_text("Gesendet", timeout=ANSWER)
    await anna.events.wait_for("message", lambda d: d["message"]["text"] == "Sind Sie noch da?")
    await agent_says(anna, conversation_id, "Ja, ich bin da.")
    await expect(messages(page, "agent")).to_have_count(4)
    assert [m["message"]["text"] for m in anna.events.all("message")].count("Sind Sie noch da?") == 1
    await expect(messages(page, "citizen").filter(has_text="Sind Sie noch da?")).to_have_count(1)
    await assert_harmless(page)


async def test_a_refused_message_is_retried_with_the_same_client_id(page: Page, web: Gateway) -> None:
    sent = record_sent(page)
    await open_chat(page, web.url)
    await say(page, "Hallo")
    await expect(messages(page, "bot")).to_have_count(1, timeout=ANSWER)

    # written offline, the messages go out at once on reconnect: more than the gateway's burst
    # of 10 per session, so the last ones are refused (rate_limited)
    await page.context.set_offline(True)
    await expect(page.get_by_role("status").filter(has_text="Die Verbindung ist unterbrochen")).to_be_visible()
    for number in range(1, 12):
        await say(page, f"Nachricht {number}")
    await page.context.set_offline(False)
    retry = page.get_by_role("button", name="Erneut senden")
    await expect(retry.first).to_be_visible(timeout=ANSWER)
    await expect(page.get_by_role("status").filter(has_text="sehr schnell")).to_be_visible()
    states = await messages(page, "citizen").locator(".delivery").all_inner_texts()
    refused = messages(page, "citizen").nth(states.index("Nicht gesendet"))
    text = (await refused.locator(".bubble").inner_text()).strip()

    await page.wait_for_timeout(1000)  # as the notice asks: wait a moment (the gateway refills 5 per second)
    await refused.get_by_role("button", name="Erneut senden").click()
    await expect(refused.locator(".delivery")).to_have_text("Gesendet", timeout=ANSWER)
    await expect(message_box(page)).to_be_focused()
    attempts = [data for event, data in sent if event == "user_uttered" and data["message"] == text]
    assert len(attempts) >= 2 and len({data["client_id"] for data in attempts}) == 1

    await page.reload()
    await launcher(page).click()
    bubbles = chat_log(page).locator(".msg--citizen .bubble")
    await expect(bubbles.filter(has_text=re.compile(rf"^{text}$"))).to_have_count(1)
    await assert_harmless(page)


async def test_hostile_text_from_the_citizen_is_shown_literally(page: Page, web: Gateway) -> None:
    await open_chat(page, web.url)
    for text in INJECTIONS:
        await say(page, text)
    await message_box(page).fill(EMOJI)
    counter = page.get_by_text("2.000 von 2.000 Zeichen")
    await expect(counter).to_be_visible()
    await message_box(page).press("Enter")
    await expect(counter).to_be_hidden()
    await expect(messages(page, "citizen")).to_have_count(len(INJECTIONS) + 1)
    await expect(messages(page, "citizen").locator(".delivery")).to_have_text(["Gesendet"] * 6, timeout=ANSWER)

    shown = await messages(page, "citizen").locator(".bubble").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert shown[: len(INJECTIONS)] == INJECTIONS
    # the textarea's maxlength (2,000 UTF-16 units) cut the 5,000 emoji to 1,000
    assert shown[-1] == "\U0001f600" * 1000
    log = chat_log(page)
    assert await log.locator("img, script, svg, iframe, object, embed").count() == 0
    assert await messages(page, "citizen").locator("a").count() == 0
    assert await log.evaluate("el => el.scrollWidth <= el.clientWidth")
    await page.wait_for_timeout(500)  # an injected handler would have fired by now
    await assert_harmless(page)


@pytest.mark.usefixtures("open_office")
async def test_hostile_text_from_an_agent_is_shown_literally(page: Page, web: Gateway, anna: Agent) -> None:
    await open_chat(page, web.url)
    conversation_id = await ask_for_person(page, anna)
    for text in INJECTIONS:
        await agent_says(anna, conversation_id, text)
    await expect(messages(page, "agent")).to_have_count(len(INJECTIONS), timeout=ANSWER)
    shown = await messages(page, "agent").locator(".bubble").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert shown == INJECTIONS
    assert await messages(page, "agent").locator("a, img, script, svg").count() == 0

    # a bot answer goes through Markdown: a javascript: link stays text (the real bot never sends one)
    rendered = await page.evaluate(
        """async () => {
            const { messageView } = await import('/widget/citizen/message-view.js');
            const { createI18n } = await import('/widget/citizen/i18n.js');
            const text = 'Siehe [hier](javascript:alert(1)) und [Amt](https://www.musterstadt.de/amt).';
            const view = messageView({id: 1, sender: 'bot', text, ts: new Date(), metadata: {},
                                      quickReplies: []}, createI18n('de'));
            return {text: view.node.querySelector('.bubble').textContent,
                    links: [...view.node.querySelectorAll('a')].map(a => a.href)};
        }"""
    )
    assert rendered == {
        "text": "Siehe [hier](javascript:alert(1)) und Amt.",
        "links": ["https://www.musterstadt.de/amt"],
    }
    await page.wait_for_timeout(500)
    await assert_harmless(page)


async def test_axe_finds_nothing_on_the_page_and_in_the_open_chat(page: Page, web: Gateway) -> None:
    await page.goto(web.url)
    await expect(launcher(page)).to_be_visible()
    await assert_accessible(page, "launcher closed")
    await launcher(page).click()
    await expect(message_box(page)).to_be_focused()
    await assert_accessible(page, "chat open")

    for question in ("Was kostet ein Personalausweis?", "Wann ist das Bürgeramt geöffnet?", "Hallo"):
        await say(page, question)
        await expect(messages(page, "bot")).not_to_have_count(0, timeout=ANSWER)
    for question in ("Wie melde ich Sperrmüll an?", "Schalte das Licht im Wohnzimmer an"):
        await say(page, question)
    await expect(chat_log(page).locator(".msg")).to_have_count(10, timeout=ANSWER)
    await expect(messages(page, "bot").last.get_by_role("group", name="Antwortvorschläge")).to_be_visible()
    await assert_accessible(page, "after 10 messages")
    await assert_harmless(page)


@pytest.mark.usefixtures("open_office")
async def test_keyboard_only(page: Page, web: Gateway) -> None:
    sent = record_sent(page)
    await page.goto(web.url)
    for _ in range(60):
        await page.keyboard.press("Tab")
        if await is_focused(launcher(page)):
            break
    assert await is_focused(launcher(page)), "the launcher is not reachable with Tab"
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("dialog", name="Bürgerservice Musterstadt")).to_be_visible()
    assert await is_focused(message_box(page))

    await page.keyboard.type("Schalte das Licht im Wohnzimmer an")
    await page.keyboard.press("Enter")
    await expect(messages(page, "citizen")).to_have_count(1)
    assert await is_focused(message_box(page)), "focus left the input after sending"
    quick_reply = messages(page, "bot").last.get_by_role("button", name="Mit einem Menschen sprechen")
    await expect(quick_reply).to_be_visible(timeout=ANSWER)

    await page.keyboard.press("Shift+Tab")
    assert await is_focused(quick_reply), "Shift+Tab from the input does not reach the quick reply"
    await page.keyboard.press("Enter")
    await expect(messages(page, "citizen").last.locator(".bubble")).to_have_text("Mit einem Menschen sprechen")
    await expect(quick_reply).to_have_count(0)
    assert await is_focused(message_box(page))
    await expect(messages(page, "bot").last).to_contain_text("Ich verbinde Sie", timeout=ANSWER)
    assert [data["message"] for event, data in sent if event == "user_uttered"][-1] == "/request_human"

    await page.keyboard.press("Escape")
    await expect(page.get_by_role("dialog", name="Bürgerservice Musterstadt")).to_be_hidden()
    assert await is_focused(launcher(page))
    await expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    await assert_harmless(page)


async def test_reflow_at_320_css_pixels_without_motion(page: Page, web: Gateway) -> None:
    await page.set_viewport_size({"width": 320, "height": 640})
    await page.emulate_media(reduced_motion="reduce")
    await open_chat(page, web.url)
    widget_animations = "() => document.querySelector('citychat-widget').shadowRoot.getAnimations().length"
    assert await page.evaluate(widget_animations) == 0
    await say(page, "Was kostet ein Personalausweis?")
    await expect(messages(page, "bot").last.locator(".fee").first).to_be_visible(timeout=ANSWER)
    await say(page, "x" * 400 + " https://www.musterstadt.de/" + "sehr-lang/" * 30)
    await expect(messages(page, "citizen")).to_have_count(2)
    panel = page.get_by_role("dialog", name="Bürgerservice Musterstadt")
    size = await panel.evaluate("el => ({width: el.getBoundingClientRect().width, height: el.clientHeight})")
    assert size == {"width": 320, "height": 640}  # the whole screen on a phone
    for part in (panel, chat_log(page)):
        assert await part.evaluate("el => el.scrollWidth <= el.clientWidth"), "horizontal scrolling at 320 px"
    await screenshot(page, "widget-open-320")
    await assert_accessible(page, "chat open at 320 px")
    await assert_harmless(page)


@pytest.mark.usefixtures("open_office")
async def test_feedback_is_stored_once_and_delete_clears_the_chat(page: Page, web: Gateway) -> None:
    sent = record_sent(page)
    await open_chat(page, web.url)
    await say(page, "Was kostet ein Personalausweis?")
    answer = messages(page, "bot").last
    await answer.get_by_role("group", name="War das hilfreich?").get_by_role("button", name="Ja").click()
    await expect(answer.get_by_text("Danke für Ihre Rückmeldung!")).to_be_visible()
    await expect(answer.get_by_role("button", name="Ja")).to_have_count(0)
    await expect(message_box(page)).to_be_focused()

    # the gateway has it: the same answer cannot be rated again in this conversation
    message_id = int(await answer.get_attribute("data-id") or 0)
    citizen = await Citizen(web.url, origin=web.url).connect()
    try:
        await citizen.start(await session_id(page))
        again = await citizen.call("feedback", {"message_id": message_id, "helpful": False})
    finally:
        await citizen.close()
    assert again["error"] == "duplicate", again

    await say(page, "Wie melde ich meinen Hund an?")
    dog = messages(page, "bot").filter(has_text="Hundesteuer")
    await dog.get_by_role("button", name="Nein").click()
    await expect(dog.get_by_text("Danke für Ihre Rückmeldung!")).to_be_visible()
    await expect(messages(page, "citizen").last.locator(".bubble")).to_have_text("Nein, das war nicht hilfreich.")
    await expect(messages(page, "bot").last).to_contain_text("verbinde", timeout=ANSWER)
    dog_id = int(await dog.get_attribute("data-id") or 0)
    assert ("feedback", {"message_id": dog_id, "helpful": False}) in sent
    assert [data["message"] for event, data in sent if event == "user_uttered"][-1] == "/feedback_negative"

    await page.get_by_role("button", name="Chat löschen").click()
    confirm = page.get_by_role("group", name=re.compile("Möchten Sie diesen Chat wirklich löschen"))
    await expect(confirm.get_by_role("button", name="Abbrechen")).to_be_focused()
    await confirm.get_by_role("button", name="Ja, Chat löschen").click()
    await expect(page.get_by_role("status").filter(has_text="Der Chat wurde gelöscht.")).to_be_visible()
    await expect(chat_log(page).locator(".msg")).to_have_count(0)
    await expect(chat_log(page).get_by_role("group", name="Häufige Fragen")).to_be_visible()

    # a reload starts empty: the history of the new session has nothing from before
    await page.reload()
    await launcher(page).click()
    await say(page, "Hallo")
    await expect(messages(page, "bot")).to_have_count(1, timeout=ANSWER)
    await expect(chat_log(page).locator(".msg--citizen .bubble")).to_have_text(["Hallo"])
    await assert_harmless(page)


async def test_another_tab_of_the_session_writes_and_deletes(page: Page, web: Gateway) -> None:
    await open_chat(page, web.url)
    await say(page, "Hallo")
    await expect(messages(page, "bot")).to_have_count(1, timeout=ANSWER)
    before = await session_id(page)
    other_tab = await Citizen(web.url, origin=web.url).connect()
    try:
        await other_tab.start(before)
        assert (await other_tab.say("Aus dem zweiten Tab"))["ok"]
        await expect(messages(page, "citizen").locator(".bubble")).to_have_text(["Hallo", "Aus dem zweiten Tab"])
        await expect(messages(page, "bot")).to_have_count(2, timeout=ANSWER)
        assert (await other_tab.call("delete_conversation"))["ok"]
    finally:
        await other_tab.close()
    await expect(page.get_by_role("status").filter(has_text="Der Chat wurde gelöscht.")).to_be_visible()
    await expect(chat_log(page).locator(".msg")).to_have_count(0)
    await say(page, "Neuer Anfang")
    await expect(messages(page, "citizen").locator(".delivery")).to_have_text(["Gesendet"], timeout=ANSWER)
    assert await session_id(page) not in (None, before)
    await assert_harmless(page)


async def test_deleting_offline_waits_for_the_gateways_confirmation(page: Page, web: Gateway) -> None:
    await open_chat(page, web.url)
    await say(page, "Mein Name ist Erika Mustermann. Was kostet ein Reisepass?")
    await expect(messages(page, "bot")).to_have_count(1, timeout=ANSWER)
    session = await session_id(page)

    await page.context.set_offline(True)
    await expect(page.get_by_role("status").filter(has_text="Die Verbindung ist unterbrochen")).to_be_visible()
    await page.get_by_role("button", name="Chat löschen").click()
    await page.get_by_role("button", name="Ja, Chat löschen").click()
    await expect(page.get_by_role("status").filter(has_text="sobald die Verbindung wieder steht")).to_be_visible()
    await expect(chat_log(page).locator(".msg")).to_have_count(0)  # hidden here at once ...
    await expect(page.get_by_text("Der Chat wurde gelöscht.")).to_have_count(0)  # ... but not called deleted
    assert (await resume(web, session))["new"] is False  # the gateway still has it

    await page.context.set_offline(False)
    await expect(page.get_by_role("status").filter(has_text="Der Chat wurde gelöscht.")).to_be_visible(timeout=ANSWER)
    assert (await resume(web, session))["new"] is True  # gone on the server
    await page.reload()
    await launcher(page).click()
    await expect(chat_log(page).locator(".msg")).to_have_count(0)
    await assert_harmless(page)


async def resume(web: Gateway, session: str) -> dict[str, Any]:
    """What the gateway answers a tab that comes back with this session id."""
    citizen = await Citizen(web.url, origin=web.url).connect()
    try:
        return await citizen.start(session)
    finally:
        await citizen.close()


async def test_english_page_gets_english_texts(page: Page, web: Gateway) -> None:
    await page.goto(f"{web.url}/widget/demo-en.html")
    english_launcher = page.get_by_role("button", name=re.compile(r"^Chat – Musterstadt citizen services"))
    await english_launcher.click()
    await expect(page.get_by_role("dialog", name="Musterstadt citizen services")).to_be_visible()
    box = page.get_by_role("textbox", name="Your message")
    await expect(box).to_be_focused()
    await expect(box).to_have_attribute("placeholder", "Your question …")
    log = page.get_by_role("log", name="Chat history")
    await expect(log.get_by_role("group", name="Frequent questions")).to_be_visible()
    await expect(page.get_by_role("button", name="Delete chat")).to_be_visible()
    await box.fill("How much does an ID card cost?")
    await box.press("Enter")
    answer = log.locator(".msg--bot").last
    await expect(answer).to_contain_text("Processing time", timeout=ANSWER)
    await expect(answer.get_by_role("group", name="Was this helpful?")).to_be_visible()
    await expect(answer.locator(".fee").first).to_contain_text("€46.00")
    await assert_accessible(page, "English chat open")
    await assert_harmless(page)


async def test_out_of_hours_the_widget_says_when_live_help_opens(
    page: Page, web: Gateway, fake_now: Callable[[str], None]
) -> None:
    fake_now("2026-11-28T11:00:00+01:00")  # a Saturday: the service centre opens on Monday at 7:30
    await open_chat(page, web.url)
    await say(page, "Ich möchte mit einem Menschen sprechen")
    banner = status_banner(page)
    await expect(banner).to_contain_text("Der Live-Chat ist gerade nicht besetzt.", timeout=ANSWER)
    await expect(banner).to_contain_text("Wieder erreichbar: Montag, 30. November um 07:30 Uhr.")
    await assert_accessible(page, "live help unavailable")
    await say(page, "Dann frage ich den Assistenten: Wie melde ich meinen Hund an?")
    await expect(banner).to_be_hidden()
    await assert_harmless(page)


async def test_configured_colours_keep_their_contrast(page: Page, web: Gateway) -> None:
    # the city's configuration, changed before the widget module reads it
    await page.add_init_script(
        """new MutationObserver(() => {
             const tag = document.querySelector('script[data-citychat]');
             const colour = sessionStorage.getItem('test:colour');
             if (tag && colour) tag.dataset.color = colour;
           }).observe(document, {childList: true, subtree: true});"""
    )
    await page.goto(web.url)
    for colour, text in (("#ffd700", "rgb(0, 0, 0)"), ("#6f9f3a", "rgb(0, 0, 0)"), ("#c0392b", "rgb(255, 255, 255)")):
        await page.evaluate("colour => sessionStorage.setItem('test:colour', colour)", colour)
        await open_chat(page, web.url)
        if not await messages(page, "bot").count():
            await say(page, "Was kostet ein Personalausweis?")
            await expect(messages(page, "bot")).to_have_count(1, timeout=ANSWER)
        header = page.get_by_role("dialog").locator(".panel-header")
        await expect(header).to_have_css("color", text)
        await expect(messages(page, "citizen").locator(".bubble")).to_have_css("color", text)
        await assert_accessible(page, f"primary colour {colour}")
    await assert_harmless(page)


def test_widget_stays_small() -> None:
    files = sorted(path for pattern in WIDGET_FILES for path in (ROOT / "widget").glob(pattern))
    assert ROOT / "widget" / "citychat.js" in files and ROOT / "widget" / "vendor" / "socket.io.esm.min.js" in files
    total = sum(len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in files)
    assert total < SIZE_BUDGET, f"{total} bytes gzipped"


async def test_demo_page_serves_the_widget_with_one_script_tag(page: Page, web: Gateway) -> None:
    response = await page.goto(web.url)
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    tags = await page.locator("script").evaluate_all("nodes => nodes.map(n => n.outerHTML)")
    assert len(tags) == 1 and "data-citychat" in tags[0]
    host = page.locator("citychat-widget")
    assert await host.evaluate("el => el.shadowRoot !== null && el.shadowRoot.mode === 'open'")
    # the page's own button styles (uppercase, letter-spacing) do not reach into the widget
    assert await launcher(page).evaluate("el => getComputedStyle(el).textTransform") == "none"
    await assert_harmless(page)
