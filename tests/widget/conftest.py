"""Browser tests: Debian's Chromium driven by Playwright against the real stack of `make run`
(the session's Rasa and action server, a gateway serving widget/ on SQLite).

- ``web`` (session): the gateway; pages are opened at ``web.url`` (its own origin is allowed).
- ``browser`` (session) and ``page`` (per test): a fresh context per test; dialogs, console
  errors and Content-Security-Policy violations are recorded on ``page.problems``.
- ``axe_violations(page)``: axe-core (npm package, injected by the test) for WCAG 2.1 A/AA.
- ``screenshot(page, name)``: saved to reports/screenshots/ as a test artifact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Iterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.conftest import free_port, skip_or_fail
from tests.handoff.clients import dispose_all
from tests.handoff.conftest import Gateway, base_overrides, create_users, start_gateway
from tools.stack import ROOT, Stack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
AXE = ROOT / "widget" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "reports" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Recorded inside every page before any of its scripts run (not subject to the page's CSP).
RECORDER = """
window.__problems = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__problems.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI);
});
"""


@dataclass
class Problems:
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def web(bot: Stack, var_dir: Path) -> Iterator[Gateway]:
    if not (ROOT / "widget" / "vendor" / "socket.io.esm.min.js").exists():
        pytest.fail("widget/vendor is missing: run `make widget` (make test does)")
    database_url = f"sqlite+aiosqlite:///{var_dir / 'gateway-web.db'}"
    create_users(database_url)
    port = free_port()
    origins = f"http://127.0.0.1:{port},http://localhost:{port}"
    overrides = base_overrides(database_url, ALLOWED_ORIGINS=origins, CONSOLE_ORIGINS=origins, LOGIN_FREE_ATTEMPTS="3")
    gateway = start_gateway(bot.settings, overrides, "gateway-web", port)
    yield gateway
    gateway.process.stop()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():  # noqa: ASYNC240 - once per session
        skip_or_fail("Chromium is not installed (make test installs the Debian package chromium)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


async def recorded_page(browser: Browser, width: int = 1280, height: int = 900) -> tuple[BrowserContext, Page]:
    """A fresh context and page whose dialogs, errors and CSP violations are recorded."""
    context = await browser.new_context(viewport={"width": width, "height": height}, locale="de-DE")
    await context.add_init_script(RECORDER)
    opened = await context.new_page()
    problems = Problems()

    async def on_dialog(dialog: Any) -> None:
        problems.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    opened.on("dialog", on_dialog)
    opened.on("console", lambda m: problems.console_errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: problems.page_errors.append(str(e)))
    opened.problems = problems  # type: ignore[attr-defined]
    return context, opened


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context, opened = await recorded_page(browser)
    yield opened
    await context.close()


async def csp_violations(page: Page) -> list[str]:
    recorded: list[str] = await page.evaluate("() => window.__problems || []")
    console = [m for m in page.problems.console_errors if "Content Security Policy" in m]  # type: ignore[attr-defined]
    return recorded + console


async def axe_violations(page: Page, include: str | None = None) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA violations of the page (or of one element)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make widget` (make test does)")
    recorded = await page.evaluate("() => (window.__problems || []).length")
    console = page.problems.console_errors  # type: ignore[attr-defined]
    console_before = len(console)
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    context = json.dumps(include) if include else "document"
    result: dict[str, Any] = await page.evaluate(
        f"() => axe.run({context}, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG_TAGS)}}}}})"
    )
    # axe itself (injected by the test, not part of the page) trips the page's CSP when it
    # measures styles: forget what was recorded during its run.
    await page.evaluate(f"() => {{ if (window.__problems) window.__problems.length = {recorded}; }}")
    console[console_before:] = [m for m in console[console_before:] if "Content Security Policy" not in m]
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


async def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=False)
    return path


@pytest.fixture
def open_office(fake_now: Callable[[str], None]) -> None:
    """Monday 10:00: the service centre, Bürgeramt and Standesamt are open."""
    fake_now("2026-11-30T10:00:00+01:00")


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    """Every Socket.IO client a test opened is closed after it, also when the test failed."""
    yield
    await dispose_all()
