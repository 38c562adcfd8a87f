"""Typed keys of the objects the application shares (aiohttp's AppKey, never globals)."""

from __future__ import annotations

import asyncio

import socketio
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from handoff.conversations import Conversations
from handoff.presence import Presence
from handoff.rasa_client import RasaClient
from handoff.ratelimit import RateLimiter
from handoff.settings import Settings
from handoff.store import Store
from kb.canned import CannedResponse
from kb.loader import KnowledgeBase
from kb.model import CityProfile
from kb.search import KBSearch

SETTINGS = web.AppKey("settings", Settings)
KB = web.AppKey("kb", KnowledgeBase)
CITY = web.AppKey("city", CityProfile)
KB_SEARCH = web.AppKey("kb_search", KBSearch)
CANNED = web.AppKey("canned", list[CannedResponse])
SIO = web.AppKey("sio", socketio.AsyncServer)
ENGINE = web.AppKey("engine", AsyncEngine)
STORE = web.AppKey("store", Store)
PRESENCE = web.AppKey("presence", Presence)
RASA = web.AppKey("rasa", RasaClient)
CONVERSATIONS = web.AppKey("conversations", Conversations)
LOGIN_LIMITER = web.AppKey("login_limiter", RateLimiter)
SWEEPER = web.AppKey("sweeper", asyncio.Task[None])
