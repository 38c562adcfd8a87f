"""A stand-in for Rasa that answers at once, so `make bench` measures the gateway itself.

python -m bench.stub_bot PORT
"""

from __future__ import annotations

import sys

from aiohttp import web

HANDOFF = {
    "text": "Ich verbinde Sie.",
    "handoff": {"reason": "explicit_request", "department": "buergerservice", "live": True, "context": {}},
}


async def webhook(request: web.Request) -> web.Response:
    body = await request.json()
    if body.get("message") == "/request_human":
        return web.json_response([{"recipient_id": body.get("sender"), "custom": HANDOFF}])
    return web.json_response([{"recipient_id": body.get("sender"), "text": "Gern geschehen."}])


async def ok(request: web.Request) -> web.Response:
    return web.json_response({"version": "stub"})


def main() -> None:
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_get("/version", ok)
    app.router.add_get("/", ok)
    app.router.add_post("/conversations/{id}/tracker/events", ok)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
