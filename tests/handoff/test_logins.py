"""Logins and accounts: throttling without lockouts, revocation that reaches open sockets, the
console's own origins, and the secure cookie."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Callable

import aiohttp
import pytest
import socketio

from tests.handoff.clients import CONSOLE_ORIGIN, ORIGIN, Agent, Citizen, client, dispose, expect_refused, login
from tests.handoff.conftest import PASSWORD, Gateway, handoff_command

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("office_open")]
CLOSED_WITHIN = 10.0  # seconds; the gateways check open sockets every 0.5 s in the tests


def users(gateway: Gateway, *args: str, password: str = PASSWORD) -> str:
    """`python -m handoff users ...` against the gateway's database, as an administrator would."""
    return handoff_command(gateway.database_url, "users", *args, stdin=password + "\n")


def new_agent(gateway: Gateway, departments: str = "buergerservice,buergeramt", role: str = "agent") -> str:
    username = f"agent{uuid.uuid4().hex[:8]}"
    users(
        gateway,
        "add",
        "--username",
        username,
        "--name",
        "Test Agent",
        "--role",
        role,
        "--departments",
        departments,
        "--password-stdin",
    )
    return username


async def closed(agent: Agent, timeout: float = CLOSED_WITHIN) -> dict[str, Any]:
    """The server ended the agent's socket, telling why first."""
    ended: dict[str, Any] = await agent.events.wait_for("session_ended", timeout=timeout)
    for _ in range(50):
        if not agent.sio.connected:
            return ended
        await asyncio.sleep(0.1)
    raise AssertionError("the socket is still open")


async def logout(url: str, token: str, origin: str = CONSOLE_ORIGIN) -> int:
    async with (
        aiohttp.ClientSession(cookies={"citychat_session": token}) as session,
        session.post(f"{url}/api/logout", headers={"Origin": origin}) as response,
    ):
        return response.status


async def me(url: str, token: str) -> int:
    async with (
        aiohttp.ClientSession(cookies={"citychat_session": token}) as session,
        session.get(f"{url}/api/me") as response,
    ):
        return response.status


async def test_logout_ends_the_open_console_in_every_process(gateways: list[Gateway]) -> None:
    first, last = gateways[0], gateways[-1]
    username = new_agent(first)
    agent = await Agent(last.url, username, PASSWORD).connect()
    assert (await agent.call("hello"))["ok"]
    assert await logout(first.url, agent.token or "") == 200  # on another process than the socket's
    ended = await closed(agent)
    assert ended["reason"] in ("login_ended", "logged_out")
    assert await me(last.url, agent.token or "") == 401
    await agent.close()


async def test_a_logged_out_socket_can_no_longer_take_a_chat(citizen_url: str, agent_url: str) -> None:
    gateway_agent = await Agent(agent_url, "anna", PASSWORD).connect()  # watches the queue
    agent = await Agent(agent_url, "ben", PASSWORD).connect()
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    asked = await citizen.say("Ich möchte mit einem Menschen sprechen")
    alert = await agent.events.wait_for("handoff_alert", lambda d: any(m["id"] == asked["id"] for m in d["transcript"]))
    assert await logout(agent_url, agent.token or "") == 200
    try:
        taken = await agent.call("accept", {"conversation_id": alert["conversation_id"]})
        assert taken["ok"] is False and taken["error"] == "unauthorized"
    except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
        pass  # the socket was closed before the call: nothing was accepted either
    await closed(agent)
    opened = await gateway_agent.call("open", {"conversation_id": alert["conversation_id"]})
    assert opened["conversation"]["state"] == "queued"  # still waiting for a logged-in agent
    assert (await gateway_agent.call("accept", {"conversation_id": alert["conversation_id"]}))["ok"]
    await gateway_agent.call("close", {"conversation_id": alert["conversation_id"], "outcome": "resolved"})
    await citizen.close()
    await gateway_agent.close()
    await agent.close()


async def test_a_new_password_ends_every_login_of_the_account(gateways: list[Gateway]) -> None:
    first, last = gateways[0], gateways[-1]
    username = new_agent(first)
    other_login = await login(first.url, username, PASSWORD)
    agent = await Agent(last.url, username, PASSWORD).connect()
    users(first, "passwd", "--username", username, "--password-stdin", password="another long password")
    await closed(agent)
    assert await me(first.url, other_login) == 401 and await me(last.url, agent.token or "") == 401
    assert await login(first.url, username, "another long password")
    await agent.close()


async def test_role_and_department_changes_reach_the_open_console(gateways: list[Gateway]) -> None:
    first, last = gateways[0], gateways[-1]
    username = new_agent(first, departments="buergerservice")
    agent = await Agent(last.url, username, PASSWORD).connect()
    assert (await agent.call("hello"))["me"]["departments"] == ["buergerservice"]
    users(first, "update", "--username", username, "--departments", "buergerservice,ordnungsamt", "--max-chats", "5")
    update = await agent.events.wait_for("me", timeout=CLOSED_WITHIN)
    assert update["me"]["departments"] == ["buergerservice", "ordnungsamt"] and update["me"]["max_chats"] == 5
    hello = await agent.call("hello")
    assert hello["me"]["departments"] == ["buergerservice", "ordnungsamt"]
    users(first, "update", "--username", username, "--role", "editor")  # editors have no console
    await closed(agent)
    await agent.close()


async def test_deactivating_ends_the_console_and_activating_allows_a_login(gateways: list[Gateway]) -> None:
    first, last = gateways[0], gateways[-1]
    username = new_agent(first)
    agent = await Agent(last.url, username, PASSWORD).connect()
    users(first, "deactivate", "--username", username)
    await closed(agent)
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{first.url}/api/login",
            json={"username": username, "password": PASSWORD},
            headers={"Origin": CONSOLE_ORIGIN},
        ) as response,
    ):
        assert response.status == 401
    users(first, "activate", "--username", username)
    again = await Agent(last.url, username, PASSWORD).connect()
    assert (await again.call("hello"))["ok"]
    await again.close()
    await agent.close()


async def attempt(session: aiohttp.ClientSession, username: str, password: str, client: str) -> aiohttp.ClientResponse:
    async with session.post(
        "/api/login",
        json={"username": username, "password": password},
        headers={"Origin": CONSOLE_ORIGIN, "X-Forwarded-For": client},
    ) as response:
        await response.read()
        return response


async def test_guessing_slows_down_but_never_locks_out_the_owner(spawn_gateway: Callable[..., Gateway]) -> None:
    """Behind the reverse proxy every request comes from the proxy's address: the throttle must
    use the client's (X-Forwarded-For), and a guesser must not lock anna out of her own address."""
    gateway = spawn_gateway(TRUSTED_PROXY_HOPS="1", LOGIN_FREE_ATTEMPTS="3", LOGIN_ADDRESS_FREE_ATTEMPTS="50")
    attacker, owner = "203.0.113.66", "198.51.100.7"
    async with aiohttp.ClientSession(base_url=gateway.url) as session:
        statuses = [(await attempt(session, "anna", f"guess number {n}", attacker)).status for n in range(4)]
        assert statuses == [401, 401, 401, 401]
        refused = await attempt(session, "anna", "guess number 5", attacker)
        assert refused.status == 429 and refused.headers["Retry-After"] == "1"
        assert (await attempt(session, "anna", PASSWORD, owner)).status == 200  # the owner, meanwhile
        assert (await attempt(session, "ben", PASSWORD, attacker)).status == 200  # other accounts there too
        await asyncio.sleep(1.1)
        assert (await attempt(session, "anna", "guess number 6", attacker)).status == 401
        refused = await attempt(session, "anna", "guess number 7", attacker)
        assert refused.status == 429 and refused.headers["Retry-After"] == "2"  # the delay grows
        assert (await attempt(session, "anna", PASSWORD, owner)).status == 200


async def test_the_widgets_origins_are_not_the_consoles(citizen_url: str, agent_url: str) -> None:
    """An XSS on a page embedding the widget must not reach the console with an agent's cookie."""
    token = await login(agent_url, "anna", PASSWORD)
    await expect_refused(
        agent_url, namespaces=["/agent"], headers={"Origin": ORIGIN, "Cookie": f"citychat_session={token}"}
    )
    assert await logout(agent_url, token, origin=ORIGIN) == 403  # every changing request, not only the login
    assert await me(agent_url, token) == 200
    await expect_refused(citizen_url, headers={"Origin": CONSOLE_ORIGIN})  # not a page that embeds the widget
    agent = await Agent(agent_url, "anna", PASSWORD).connect()  # from the console's origin: fine
    await agent.close()


async def test_secure_cookie_has_the_host_prefix_and_pages_send_hsts(spawn_gateway: Callable[..., Gateway]) -> None:
    gateway = spawn_gateway(COOKIE_SECURE="true")
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{gateway.url}/api/login",
            json={"username": "anna", "password": PASSWORD},
            headers={"Origin": CONSOLE_ORIGIN},
        ) as response:
            assert response.status == 200
            cookie = response.headers["Set-Cookie"]
        async with session.get(f"{gateway.url}/console") as page:
            assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert cookie.startswith("__Host-citychat_session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    agent = Agent(gateway.url, "anna", PASSWORD)
    agent.token = token
    with pytest.raises(socketio.exceptions.ConnectionError):
        await agent.connect()  # the unprefixed name is not read any more
    sio = client()
    try:
        await sio.connect(
            gateway.url,
            namespaces=["/agent"],
            transports=["websocket"],
            headers={"Origin": CONSOLE_ORIGIN, "Cookie": f"__Host-citychat_session={token}"},
        )
        assert (await sio.call("hello", namespace="/agent", timeout=10))["ok"]
    finally:
        await dispose(sio)
