"""A minimal Socket.IO client over one WebSocket, light enough to open thousands per process.

Speaks just what the benchmark needs: connect to a namespace, emit with or without ack,
receive events, answer pings. python-socketio's client would cost far more memory and CPU in
the load generator than the server under test.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any, Awaitable, Callable, Optional

import aiohttp

Handler = Callable[[str, Any], Awaitable[None] | None]


class RawSocketIO:
    def __init__(self, session: aiohttp.ClientSession, namespace: str = "/") -> None:
        self.session = session
        self.namespace = namespace
        self.prefix = "" if namespace == "/" else f"{namespace},"
        self.ws: Optional[aiohttp.ClientWebSocketResponse] = None
        self._ids = itertools.count(1)
        self._acks: dict[int, asyncio.Future[Any]] = {}
        self._reader: Optional[asyncio.Task[None]] = None
        self.on_event: Optional[Handler] = None

    async def connect(self, base_url: str, headers: Optional[dict[str, str]] = None, auth: Any = None) -> None:
        url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = await self.session.ws_connect(url, headers=headers or {}, max_msg_size=0)
        opened = await self.ws.receive_str(timeout=30)
        assert opened.startswith("0"), opened
        await self.ws.send_str(f"40{self.prefix}" + (json.dumps(auth) if auth is not None else ""))
        while True:
            reply = await self.ws.receive_str(timeout=30)
            if reply.startswith(f"40{self.prefix}"):
                break
            if reply.startswith(f"44{self.prefix}"):
                raise ConnectionError(reply)
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        async for frame in self.ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                break
            data = frame.data
            if data == "2":
                await self.ws.send_str("3")
            elif data.startswith("43"):
                body = data[2:].removeprefix(self.prefix)
                split = body.index("[")
                future = self._acks.pop(int(body[:split]), None)
                if future is not None and not future.done():
                    future.set_result(json.loads(body[split:])[0])
            elif data.startswith("42") and self.on_event is not None:
                body = data[2:].removeprefix(self.prefix)
                event, *args = json.loads(body[body.index("[") :])
                result = self.on_event(event, args[0] if args else None)
                if asyncio.iscoroutine(result):
                    await result

    async def emit(self, event: str, data: Any) -> None:
        assert self.ws is not None
        await self.ws.send_str(f"42{self.prefix}" + json.dumps([event, data]))

    async def call(self, event: str, data: Any, timeout: float = 30) -> Any:
        assert self.ws is not None
        ack_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        await self.ws.send_str(f"42{self.prefix}{ack_id}" + json.dumps([event, data]))
        return await asyncio.wait_for(future, timeout)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self.ws is not None:
            await self.ws.close()
