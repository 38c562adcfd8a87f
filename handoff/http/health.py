"""Liveness and readiness for load balancers and orchestrators.

``/readyz`` answers 503 only when the database cannot be reached: nothing works without it.
Redis or Rasa down is ``degraded`` (200, with the failed check false): every gateway process
shares them, so taking all processes out of the load balancer would help nobody, while a
degraded process still relays within itself and tells citizens honestly what is unavailable.
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy import text

from handoff.keys import DOMAIN, ENGINE, SETTINGS

CHECK_TIMEOUT_SECONDS = 3


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    checks: dict[str, bool] = {}
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            async with request.app[ENGINE].connect() as connection:
                await connection.execute(text("SELECT 1"))
        checks["database"] = True
    except Exception:  # noqa: BLE001 - any failure means not ready
        checks["database"] = False
    if request.app[SETTINGS].redis_url:
        # the gateway's own Redis client: it exists from the start, unlike python-socketio's,
        # which connects with the first Socket.IO connection
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                checks["redis"] = await request.app[DOMAIN].ctx.presence.ping()
        except TimeoutError:
            checks["redis"] = False
    checks["rasa"] = await request.app[DOMAIN].ctx.rasa.ready()
    if not checks["database"]:
        status, code = "not ready", 503
    elif all(checks.values()):
        status, code = "ready", 200
    else:
        status, code = "degraded", 200
    return web.json_response({"status": status, "checks": checks}, status=code)


def setup_health(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
