"""The browser code of widget/ as static files: the demo city page, the console and the widget's
modules (security headers: handoff/http/middleware.py)."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from handoff.http.common import Handler
from handoff.keys import SETTINGS


def _page(name: str) -> Handler:
    async def page(request: web.Request) -> web.StreamResponse:
        path: Path = request.app[SETTINGS].widget_dir / name
        if not path.is_file():  # noqa: ASYNC240 - one stat of a local file
            raise web.HTTPNotFound(text=f"{name} is not built")
        return web.FileResponse(path, headers={"Cache-Control": "no-cache"})

    return page


def setup_pages(app: web.Application) -> None:
    widget_dir: Path = app[SETTINGS].widget_dir
    app.router.add_get("/", _page("demo.html"))
    app.router.add_get("/console", _page("console.html"))
    if widget_dir.is_dir():
        app.router.add_static("/widget/", widget_dir, show_index=False, follow_symlinks=False)
