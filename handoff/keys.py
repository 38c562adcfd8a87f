"""Typed keys of the objects the application shares (aiohttp's AppKey, never globals)."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from handoff.accounts.logins import Logins
from handoff.accounts.passwords import PasswordChecker
from handoff.accounts.throttle import LoginThrottle
from handoff.db.store import Store
from handoff.domain.service import Domain
from handoff.ratelimit import RateLimiter
from handoff.settings import Settings
from handoff.transport.agents import AgentNamespace
from handoff.transport.server import CityChatServer
from kb.canned import CannedResponse
from kb.loader import KnowledgeBase
from kb.model import CityProfile
from kb.search import KBSearch

SETTINGS = web.AppKey("settings", Settings)
KB = web.AppKey("kb", KnowledgeBase)
CITY = web.AppKey("city", CityProfile)
KB_SEARCH = web.AppKey("kb_search", KBSearch)
CANNED = web.AppKey("canned", list[CannedResponse])
SIO = web.AppKey("sio", CityChatServer)
ENGINE = web.AppKey("engine", AsyncEngine)
STORE = web.AppKey("store", Store)
DOMAIN = web.AppKey("domain", Domain)
LOGINS = web.AppKey("logins", Logins)
LOGIN_THROTTLE = web.AppKey("login_throttle", LoginThrottle)
# changing console API requests per account (a token bucket per process, like the agents' socket events)
API_LIMITER = web.AppKey("api_limiter", RateLimiter)
PASSWORDS = web.AppKey("passwords", PasswordChecker)
AGENT_NAMESPACE = web.AppKey("agent_namespace", AgentNamespace)
BACKGROUND = web.AppKey("background", list[asyncio.Task[None]])
