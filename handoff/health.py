"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy import text

from handoff.keys import ENGINE, RASA, SETTINGS, SIO


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    checks: dict[str, bool] = {}
    try:
        async with asyncio.timeout(3):
            async with request.app[ENGINE].connect() as connection:
                await connection.execute(text("SELECT 1"))
        checks["database"] = True
    except Exception:  # noqa: BLE001 - any failure means not ready
        checks["database"] = False
    if request.app[SETTINGS].redis_url:
        manager = request.app[SIO].manager
        try:
            async with asyncio.timeout(3):
                await manager.redis.ping()
            checks["redis"] = True
        except Exception:  # noqa: BLE001
            checks["redis"] = False
    checks["rasa"] = await request.app[RASA].ready()
    ready = all(checks.values())
    return web.json_response(
        {"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503
    )


def setup_health(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
