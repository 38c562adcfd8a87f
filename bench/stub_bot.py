"""A stand-in for Rasa that answers at once, so `make bench` measures the gateway itself, and the
fast tests exercise the gateway without the real bot.

    python -m bench.stub_bot PORT

It speaks Rasa's REST channel with the bot-turn contract (docs/bot-contract.md):

- ``/request_human`` hands off to the service centre (``buergerservice``);
- ``/handoff <department>`` hands off to that department;
- ``/article <id> <department>`` answers as a knowledge-base article of that department;
- anything else gets a plain reply.
"""

from __future__ import annotations

import sys
from typing import Any

from aiohttp import web

REPLY = "Gern geschehen."


def handoff(department: str) -> dict[str, Any]:
    context = {"summary": "Grund: Wunsch nach persönlicher Beratung.", "intents": [], "slots": {}, "form": {}}
    return {
        "text": "Ich verbinde Sie.",
        "handoff": {"reason": "explicit_request", "department": department, "live": True, "context": context},
    }


def article(article_id: str, department: str) -> dict[str, Any]:
    text = f"Antwort zu {article_id}."
    return {"text": text, "kb_article": article_id, "title": article_id, "department": department}


def reply_to(message: str) -> dict[str, Any]:
    words = message.split()
    if message == "/request_human":
        return {"custom": handoff("buergerservice")}
    if len(words) == 2 and words[0] == "/handoff":
        return {"custom": handoff(words[1])}
    if len(words) == 3 and words[0] == "/article":
        return {"custom": article(words[1], words[2])}
    return {"text": REPLY}


async def webhook(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response([{"recipient_id": body.get("sender"), **reply_to(str(body.get("message") or ""))}])


async def ok(request: web.Request) -> web.Response:
    return web.json_response({"version": "stub"})


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_get("/version", ok)
    app.router.add_get("/", ok)
    app.router.add_post("/conversations/{id}/tracker/events", ok)
    return app


def main() -> None:
    web.run_app(create_app(), host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
