"""Typed keys of the objects the application shares (aiohttp's AppKey, never globals)."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from handoff.agent import AgentNamespace
from handoff.auth import PasswordChecker
from handoff.conversations import Conversations
from handoff.logins import Logins
from handoff.presence import Presence
from handoff.rasa_client import RasaClient
from handoff.retention import RasaTracker
from handoff.settings import Settings
from handoff.sio import CityChatServer
from handoff.store import Store
from handoff.throttle import LoginThrottle
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
PRESENCE = web.AppKey("presence", Presence)
RASA = web.AppKey("rasa", RasaClient)
CONVERSATIONS = web.AppKey("conversations", Conversations)
LOGINS = web.AppKey("logins", Logins)
LOGIN_THROTTLE = web.AppKey("login_throttle", LoginThrottle)
PASSWORDS = web.AppKey("passwords", PasswordChecker)
AGENT_NAMESPACE = web.AppKey("agent_namespace", AgentNamespace)
TRACKER = web.AppKey("tracker", RasaTracker)  # only when RASA_TRACKER_URL is set
BACKGROUND = web.AppKey("background", list[asyncio.Task[None]])
