"""The gateway's settings: one frozen, validated object, built from the environment once."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names the variable."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _origins(raw: str, name: str = "ALLOWED_ORIGINS") -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        if origin == "*" or "*" in origin:
            raise SettingsError(f"{name} must list origins explicitly; '*' is not allowed")
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise SettingsError(f"{name}: {origin!r} is not an origin like https://www.musterstadt.de")
    if not origins:
        raise SettingsError(f"{name} must name at least one origin")
    return origins


PLACEHOLDER = "change-me"
SECRET_SETTINGS = ("RASA_TOKEN", "DATABASE_URL", "REDIS_URL", "RASA_TRACKER_URL", "SMTP_PASSWORD")


def _refuse_placeholders(env: Mapping[str, str]) -> None:
    """A deployment must not run with the example secrets of .env.example."""
    for name in SECRET_SETTINGS:
        if PLACEHOLDER in (env.get(name) or "").lower():
            raise SettingsError(f"{name} still contains the placeholder {PLACEHOLDER!r}: set a real secret")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    database_url: str = f"sqlite+aiosqlite:///{ROOT / 'var' / 'gateway.db'}"
    redis_url: Optional[str] = None
    redis_channel: str = "citychat"  # Socket.IO's pub/sub channel; one per deployment sharing a Redis
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    rasa_timeout: float = 4.0  # the citizen must hear something within 5 s, the answer included
    # pages that embed the citizens' widget: the namespace "/" only
    allowed_origins: tuple[str, ...] = ("http://127.0.0.1:8080", "http://localhost:8080")
    # where the console is served from: the namespace "/agent", the login and every changing /api request
    console_origins: tuple[str, ...] = ("http://127.0.0.1:8080", "http://localhost:8080")
    data_dir: Path = ROOT / "data"
    widget_dir: Path = ROOT / "widget"
    # limits
    max_message_chars: int = 2000
    max_http_buffer_size: int = 64 * 1024
    rate_per_second: float = 5.0
    rate_burst: int = 10
    ip_rate_per_second: float = 20.0
    ip_rate_burst: int = 40
    max_connections_per_ip: int = 50  # Engine.IO sessions (open connections) per client address
    sessions_per_minute_per_ip: int = 20  # new citizen conversations per client address
    handoffs_per_hour_per_ip: int = 10  # requests for a person per client address
    max_queue_length: int = 20  # waiting citizens per department (data/city.yml may set its own)
    trusted_proxy_hops: int = 0  # >0 behind a reverse proxy: take the client address from X-Forwarded-For
    # logins: growing delays per account and address, and per address (docs/operations.md)
    login_free_attempts: int = 5
    login_address_free_attempts: int = 30
    login_max_delay_seconds: float = 900.0
    # agents
    agent_grace_seconds: float = 120.0
    session_hours: float = 12.0  # absolute lifetime of a login
    session_idle_minutes: float = 30.0  # a login unused this long ends
    session_check_seconds: float = 2.0  # how often open console sockets are checked against their login
    cookie_secure: bool = False
    # housekeeping
    sweep_interval_seconds: float = 5.0
    history_limit: int = 500
    retention_days: float = 90.0  # conversations without activity are deleted after this (0: keep)
    rasa_tracker_url: Optional[str] = None  # Rasa's tracker database, to delete conversations there too
    # cases are kept after they are done (their chat copy, e-mails and attachments with them)
    case_retention_days: float = 365.0
    complaint_retention_days: float = 1095.0  # three years: the usual limitation period (BGB § 195)
    mail_retention_days: float = 90.0  # the outbox's copy of a sent (or given-up) e-mail
    # e-mail to citizens (cases); without SMTP_HOST mails wait in the outbox
    smtp_host: Optional[str] = None
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_timeout: float = 10.0
    mail_from: str = ""
    mail_interval_seconds: float = 5.0  # how often the outbox is looked at (a new mail wakes it at once)
    mail_reply_to: str = ""  # antwort@musterstadt.de: replies go to antwort+<case token>@musterstadt.de
    inbound_smtp_host: str = "127.0.0.1"
    inbound_smtp_port: int = 0  # the listener for citizens' replies (0: off)
    inbound_max_bytes: int = 10 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> Settings:
        env = os.environ if environ is None else environ
        _refuse_placeholders(env)
        defaults = cls()
        database_url = env.get("DATABASE_URL") or defaults.database_url
        if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise SettingsError("DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        redis_url = env.get("REDIS_URL") or None
        if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError("REDIS_URL must start with redis://, rediss:// or unix://")
        rasa_url = (env.get("RASA_URL") or defaults.rasa_url).rstrip("/")
        if urlsplit(rasa_url).scheme not in ("http", "https"):
            raise SettingsError(f"RASA_URL must be an http(s) URL, got {rasa_url!r}")
        port = _int(env, "GATEWAY_PORT", defaults.port, 1)
        default_origins = f"http://127.0.0.1:{port},http://localhost:{port}"
        return cls(
            host=env.get("GATEWAY_HOST") or defaults.host,
            port=port,
            database_url=database_url,
            redis_url=redis_url,
            redis_channel=env.get("REDIS_CHANNEL") or defaults.redis_channel,
            rasa_url=rasa_url,
            rasa_token=env.get("RASA_TOKEN", ""),
            rasa_timeout=_float(env, "RASA_TIMEOUT", defaults.rasa_timeout, 0.1),
            allowed_origins=_origins(env.get("ALLOWED_ORIGINS") or default_origins),
            console_origins=_origins(env.get("CONSOLE_ORIGINS") or default_origins, "CONSOLE_ORIGINS"),
            data_dir=Path(env.get("CITYCHAT_DATA_DIR") or defaults.data_dir),
            max_message_chars=_int(env, "MAX_MESSAGE_CHARS", defaults.max_message_chars, 1),
            max_http_buffer_size=_int(env, "MAX_HTTP_BUFFER_SIZE", defaults.max_http_buffer_size, 1024),
            rate_per_second=_float(env, "RATE_PER_SECOND", defaults.rate_per_second, 0.1),
            rate_burst=_int(env, "RATE_BURST", defaults.rate_burst, 1),
            ip_rate_per_second=_float(env, "IP_RATE_PER_SECOND", defaults.ip_rate_per_second, 0.1),
            ip_rate_burst=_int(env, "IP_RATE_BURST", defaults.ip_rate_burst, 1),
            max_connections_per_ip=_int(env, "MAX_CONNECTIONS_PER_IP", defaults.max_connections_per_ip, 1),
            sessions_per_minute_per_ip=_int(env, "SESSIONS_PER_MINUTE_PER_IP", defaults.sessions_per_minute_per_ip, 1),
            handoffs_per_hour_per_ip=_int(env, "HANDOFFS_PER_HOUR_PER_IP", defaults.handoffs_per_hour_per_ip, 1),
            max_queue_length=_int(env, "MAX_QUEUE_LENGTH", defaults.max_queue_length, 1),
            trusted_proxy_hops=_int(env, "TRUSTED_PROXY_HOPS", 0, 0),
            login_free_attempts=_int(env, "LOGIN_FREE_ATTEMPTS", defaults.login_free_attempts, 1),
            login_address_free_attempts=_int(
                env, "LOGIN_ADDRESS_FREE_ATTEMPTS", defaults.login_address_free_attempts, 1
            ),
            login_max_delay_seconds=_float(env, "LOGIN_MAX_DELAY_SECONDS", defaults.login_max_delay_seconds, 1.0),
            agent_grace_seconds=_float(env, "AGENT_GRACE_SECONDS", defaults.agent_grace_seconds, 0.0),
            session_hours=_float(env, "SESSION_HOURS", defaults.session_hours, 0.1),
            session_idle_minutes=_float(env, "SESSION_IDLE_MINUTES", defaults.session_idle_minutes, 1.0),
            session_check_seconds=_float(env, "SESSION_CHECK_SECONDS", defaults.session_check_seconds, 0.1),
            cookie_secure=(env.get("COOKIE_SECURE", "").lower() in ("1", "true", "yes")),
            sweep_interval_seconds=_float(env, "SWEEP_INTERVAL_SECONDS", defaults.sweep_interval_seconds, 0.05),
            retention_days=_float(env, "RETENTION_DAYS", defaults.retention_days, 0.0),
            case_retention_days=_float(env, "CASE_RETENTION_DAYS", defaults.case_retention_days, 0.0),
            complaint_retention_days=_float(env, "COMPLAINT_RETENTION_DAYS", defaults.complaint_retention_days, 0.0),
            mail_retention_days=_float(env, "MAIL_RETENTION_DAYS", defaults.mail_retention_days, 0.0),
            rasa_tracker_url=env.get("RASA_TRACKER_URL") or None,
            **_mail(env, defaults),
        )


def _mail(env: Mapping[str, str], defaults: Settings) -> dict[str, Any]:
    host = env.get("SMTP_HOST") or None
    sender = env.get("MAIL_FROM", "").strip()
    address = r"[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}"
    if host and not re.fullmatch(address, sender):
        raise SettingsError("MAIL_FROM must be an e-mail address like chat@musterstadt.de when SMTP_HOST is set")
    reply_to = env.get("MAIL_REPLY_TO", "").strip()
    if reply_to and (not re.fullmatch(address, reply_to) or "+" in reply_to.split("@")[0]):
        raise SettingsError("MAIL_REPLY_TO must be an address without '+' like antwort@musterstadt.de")
    inbound_port = _int(env, "INBOUND_SMTP_PORT", 0, 0)
    if inbound_port and not reply_to:
        raise SettingsError("INBOUND_SMTP_PORT needs MAIL_REPLY_TO: the address citizens' replies go to")
    return {
        "smtp_host": host,
        "smtp_port": _int(env, "SMTP_PORT", defaults.smtp_port, 1),
        "smtp_user": env.get("SMTP_USER", ""),
        "smtp_password": env.get("SMTP_PASSWORD", ""),
        "smtp_starttls": env.get("SMTP_STARTTLS", "true").lower() not in ("0", "false", "no"),
        "smtp_timeout": _float(env, "SMTP_TIMEOUT", defaults.smtp_timeout, 0.1),
        "mail_from": sender,
        "mail_interval_seconds": _float(env, "MAIL_INTERVAL_SECONDS", defaults.mail_interval_seconds, 0.05),
        "mail_reply_to": reply_to,
        "inbound_smtp_host": env.get("INBOUND_SMTP_HOST") or defaults.inbound_smtp_host,
        "inbound_smtp_port": inbound_port,
        "inbound_max_bytes": _int(env, "INBOUND_MAX_BYTES", defaults.inbound_max_bytes, 1024),
    }
