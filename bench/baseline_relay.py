"""The baseline of `make bench`: a bare python-socketio server that only relays.

Citizens send `user_uttered`; the server acknowledges and forwards the text to the agent the
citizen was paired with. No database, no validation, no bot, no rooms beyond one per agent.

    python -m bench.baseline_relay PORT
"""

from __future__ import annotations

import sys
from typing import Any

import socketio
from aiohttp import web


def create_app() -> web.Application:
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")  # loopback benchmark only
    pairs: dict[str, str] = {}
    counter = [0]

    @sio.on("connect", namespace="/agent")
    async def agent_connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        await sio.enter_room(sid, f"agent:{auth['agent']}", namespace="/agent")

    @sio.on("session_request")
    async def session_request(sid: str, data: Any = None) -> dict[str, Any]:
        return {"ok": True, "session_id": sid}

    @sio.on("pair")
    async def pair(sid: str, data: Any) -> dict[str, Any]:
        pairs[sid] = f"agent:{data['agent']}"
        return {"ok": True}

    @sio.on("user_uttered")
    async def user_uttered(sid: str, data: Any) -> dict[str, Any]:
        counter[0] += 1
        message = {"id": counter[0], "sender": "citizen", "text": data["message"], "client_id": data.get("client_id")}
        await sio.emit("message", {"conversation_id": sid, "message": message}, room=pairs[sid], namespace="/agent")
        return {"ok": True, "id": counter[0]}

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    sio.attach(app)
    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    web.run_app(create_app(), host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
