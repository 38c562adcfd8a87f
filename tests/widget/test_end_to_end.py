"""The whole product in two browsers: a citizen in the widget on the city's page, an agent in the
console, the real bot in between."""

from __future__ import annotations

import re
from typing import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from tests.handoff.conftest import Gateway
from tests.widget.conftest import csp_violations, recorded_page
from tests.widget.test_console import accept, clean_desk, log_in, reply_box, transcript  # noqa: F401 - fixture
from tests.widget.test_widget import ANSWER, message_box, messages, open_chat, say, status_banner

pytestmark = [pytest.mark.stack, pytest.mark.browser, pytest.mark.usefixtures("open_office", "clean_desk")]


@pytest.fixture
async def agent_page(browser: Browser) -> AsyncIterator[Page]:
    context, opened = await recorded_page(browser, width=1400)
    yield opened
    await context.close()


async def test_citizen_and_agent_in_their_browsers(page: Page, agent_page: Page, web: Gateway) -> None:
    await log_in(agent_page, web)  # Anna Schmidt, Bürgerservice, Bürgeramt, Standesamt

    await open_chat(page, web.url)
    await say(page, "Was kostet ein Personalausweis?")
    await expect(messages(page, "bot").last).to_contain_text("Bürgeramt", timeout=ANSWER)
    await expect(page.locator("citychat-widget").get_by_text("46,00 €")).to_be_visible()

    await say(page, "Ich möchte mit einem Menschen sprechen")
    await expect(status_banner(page)).to_contain_text("Warteschlange", timeout=ANSWER)
    entry = agent_page.get_by_test_id("queue-item").filter(has_text="Personalausweis beantragen")
    await expect(entry).to_be_visible(timeout=ANSWER)  # the alert in the console, with the context preview
    await expect(entry).to_contain_text("Wunsch nach persönlicher Beratung")

    panel = await accept(agent_page, entry)
    await expect(status_banner(page)).to_contain_text("Anna Schmidt", timeout=ANSWER)
    context = agent_page.get_by_test_id("context")
    await expect(context).to_contain_text("Wunsch nach persönlicher Beratung")
    await expect(context).to_contain_text(re.compile(r"kb_personalausweis\s*\d{1,3}\s%"))
    await expect(transcript(panel).get_by_text("Was kostet ein Personalausweis?")).to_be_visible()

    await reply_box(panel).fill("Guten Tag! Der Personalausweis kostet ab 24 Jahren 46 Euro.")
    await panel.get_by_role("button", name="Senden").click()
    await expect(messages(page, "agent").last).to_have_text(
        re.compile("Der Personalausweis kostet ab 24 Jahren 46 Euro."), timeout=ANSWER
    )
    await say(page, "Danke, das reicht mir.")
    await expect(transcript(panel).get_by_text("Danke, das reicht mir.")).to_be_visible(timeout=ANSWER)

    await panel.get_by_role("button", name="An Assistenten zurückgeben").click()
    await expect(status_banner(page)).to_have_text("Sie sprechen wieder mit dem digitalen Assistenten.", timeout=ANSWER)
    bot_answers = await messages(page, "bot").count()
    await say(page, "Wie melde ich meinen Hund an?")
    await expect(messages(page, "bot")).to_have_count(bot_answers + 1, timeout=ANSWER)
    await expect(messages(page, "bot").last).to_contain_text("Hund")
    await expect(message_box(page)).to_be_focused()

    for opened in (page, agent_page):
        problems = opened.problems  # type: ignore[attr-defined]
        assert problems.dialogs == [] and problems.page_errors == []
        assert await csp_violations(opened) == []
