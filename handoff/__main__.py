"""python -m handoff [serve] | migrate | purge | users add|list|passwd|update|deactivate|activate

    python -m handoff                      run the gateway (settings from the environment)
    python -m handoff users add --username anna --name "Anna Schmidt" --role agent \\
        --departments buergeramt,standesamt [--max-chats 3] [--password-stdin]
    python -m handoff users list
    python -m handoff users passwd --username anna [--password-stdin]     (ends anna's logins)
    python -m handoff users update --username anna [--name ...] [--role ...] [--departments ...] [--max-chats N]
    python -m handoff users deactivate --username anna                    (ends anna's logins)
    python -m handoff users activate --username anna

Running gateways apply account changes to open consoles within seconds (SESSION_CHECK_SECONDS).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import logging
import sys
from typing import Iterable

from aiohttp import web

import kb
from handoff import logmask
from handoff.accounts.identity import ROLES
from handoff.accounts.passwords import MIN_LENGTH, hash_password
from handoff.app import create_app
from handoff.db.engine import create_engine, migrate, run_migrations
from handoff.db.store import Store
from handoff.domain import retention
from handoff.rasa.tracker import RasaTracker
from handoff.settings import Settings, SettingsError


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != password:
            raise SystemExit("error: the passwords differ")
    if len(password) < MIN_LENGTH:
        raise SystemExit(f"error: the password needs at least {MIN_LENGTH} characters")
    return password


async def users_command(settings: Settings, args: argparse.Namespace) -> int:
    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
        store = Store(engine)
        if args.action == "list":
            for user, departments in await store.users():
                state = "" if user.active else " (inactive)"
                print(
                    f"{user.id:4}  {user.username:20} {user.role:10} {user.display_name}  "
                    f"[{', '.join(departments)}] max {user.max_chats}{state}"
                )
            return 0
        if args.action == "passwd":
            changed = await store.set_password(args.username, hash_password(read_password(args.password_stdin)))
            if not changed:
                print(f"error: no account {args.username!r}", file=sys.stderr)
                return 1
            await store.audit(None, "password_changed", args.username)
            print(f"password of {args.username} changed; their logins ended")
            return 0
        if args.action in ("update", "deactivate", "activate"):
            return await update_user(store, settings, args)
        departments = parse_departments(args.departments)
        city = kb.load(settings.data_dir).city
        problem = department_problem(departments, city.departments, args.role)
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 1
        existing = {user.username for user, _ in await store.users()}
        if args.username in existing:
            print(f"error: the account {args.username!r} exists already", file=sys.stderr)
            return 1
        password_hash = hash_password(read_password(args.password_stdin))
        user = await store.add_user(
            args.username, args.name or args.username, args.role, password_hash, departments, args.max_chats
        )
        await store.audit(None, "user_added", args.username, {"role": args.role, "departments": departments})
        print(f"added {args.role} {user.username} (id {user.id})")
        return 0
    finally:
        await engine.dispose()


def parse_departments(raw: str | None) -> list[str]:
    return [d.strip() for d in (raw or "").split(",") if d.strip()]


def department_problem(departments: list[str], known: Iterable[str], role: str) -> str | None:
    known = list(known)
    unknown = [d for d in departments if d not in known]
    if unknown:
        return f"unknown department(s) {', '.join(unknown)}; known: {', '.join(known)}"
    if role == "agent" and not departments:
        return "an agent needs at least one department (--departments)"
    return None


async def update_user(store: Store, settings: Settings, args: argparse.Namespace) -> int:
    current = {user.username: (user, departments) for user, departments in await store.users()}
    if args.username not in current:
        print(f"error: no account {args.username!r}", file=sys.stderr)
        return 1
    user, old_departments = current[args.username]
    if args.action == "update":
        departments = parse_departments(args.departments) if args.departments is not None else None
        role = args.role or user.role
        problem = department_problem(
            departments if departments is not None else old_departments,
            kb.load(settings.data_dir).city.departments,
            role,
        )
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 1
        if args.max_chats is not None and args.max_chats < 1:
            print("error: --max-chats must be at least 1", file=sys.stderr)
            return 1
        await store.update_user(
            args.username, display_name=args.name, role=args.role, departments=departments, max_chats=args.max_chats
        )
        changes = {
            key: value
            for key, value in (
                ("name", args.name),
                ("role", args.role),
                ("departments", departments),
                ("max_chats", args.max_chats),
            )
            if value is not None
        }
        await store.audit(None, "user_changed", args.username, changes)
        print(f"changed {args.username}: {', '.join(changes) or 'nothing'}")
        return 0
    active = args.action == "activate"
    await store.update_user(args.username, active=active)
    await store.audit(None, "user_activated" if active else "user_deactivated", args.username)
    print(f"{args.username} is {'active' if active else 'deactivated; their logins ended'}")
    return 0


async def purge_command(settings: Settings, days: float) -> int:
    """Everything past its retention period: conversations (``days``), done cases and complaints,
    old mails. Prints counts, never content."""
    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
        store = Store(engine)
        tracker = RasaTracker(settings.rasa_tracker_url) if settings.rasa_tracker_url else None
        try:
            deleted = await retention.expire(store, days, tracker) if days > 0 else 0
            if tracker is not None:
                await retention.run_jobs(store, tracker)  # also deletions that failed before
            pending = await store.pending_deletion_jobs()
            cases = await retention.expire_cases(store, settings)
        finally:
            if tracker is not None:
                await tracker.close()
    finally:
        await engine.dispose()
    if days > 0:
        print(f"deleted {deleted} conversation(s) without activity for {days:g} days")
    else:
        print("conversations are kept (RETENTION_DAYS=0)")
    print("deleted " + ", ".join(f"{count} {name}" for name, count in cases.items()) if cases else "cases are kept")
    if pending:
        print(f"{pending} deletion(s) in Rasa's tracker still pending (retried automatically)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m handoff", description="the chat gateway")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the gateway (the default)")
    sub.add_parser("migrate", help="bring the database schema up to date")
    purge = sub.add_parser(
        "purge",
        aliases=["retention"],
        help="delete now what is past its retention period: conversations, done cases and complaints, old mails",
    )
    purge.add_argument("--days", type=float, help="override RETENTION_DAYS (conversations)")
    users = sub.add_parser("users", help="manage agent, supervisor, editor and admin accounts")
    users_sub = users.add_subparsers(dest="action", required=True)
    add = users_sub.add_parser("add")
    add.add_argument("--username", required=True)
    add.add_argument("--name", help="display name shown to citizens, e.g. 'Anna Schmidt'")
    add.add_argument("--role", choices=ROLES, default="agent")
    add.add_argument("--departments", help="comma-separated department ids of data/city.yml")
    add.add_argument("--max-chats", type=int, default=3)
    add.add_argument("--password-stdin", action="store_true")
    users_sub.add_parser("list")
    passwd = users_sub.add_parser("passwd", help="set a new password; ends the account's logins")
    passwd.add_argument("--username", required=True)
    passwd.add_argument("--password-stdin", action="store_true")
    change = users_sub.add_parser("update", help="change name, role, departments or maximum of chats")
    change.add_argument("--username", required=True)
    change.add_argument("--name")
    change.add_argument("--role", choices=ROLES)
    change.add_argument("--departments", help="comma-separated department ids (replaces the list)")
    change.add_argument("--max-chats", type=int)
    for action, text in (("deactivate", "block the account and end its logins"), ("activate", "unblock it")):
        toggle = users_sub.add_parser(action, help=text)
        toggle.add_argument("--username", required=True)
    args = parser.parse_args(argv)

    log_format = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=logging.INFO, format=log_format)
    logmask.install(log_format)  # e-mail addresses, IBANs, phone numbers, dates masked
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # access logs would carry session ids
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "migrate":
        run_migrations(settings.database_url)
        return 0
    if args.command == "users":
        return asyncio.run(users_command(settings, args))
    if args.command in ("purge", "retention"):
        return asyncio.run(purge_command(settings, args.days if args.days is not None else settings.retention_days))
    app = create_app(settings)
    # Long-lived objects (the KB, its search index, modules) need no cyclic garbage collection
    # on every relayed message: freeze them and collect young objects less often.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
