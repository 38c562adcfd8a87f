"""Start and stop the whole product as local processes: action server, Rasa, gateway.

Used by ``make run`` and ``make shell``, by the test suite (one stack per test session) and by
the benchmarks. Rasa and the action server listen on loopback only; the gateway is the only
thing a browser talks to.

    python -m tools.stack run      # everything, until Ctrl-C
    python -m tools.stack shell    # Rasa and actions, and a terminal chat
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
BOT_BIN = ROOT / ".venv" / "bot" / "bin"
APP_BIN = ROOT / ".venv" / "app" / "bin"


@dataclass(frozen=True)
class StackSettings:
    rasa_port: int = 5005
    actions_port: int = 5055
    gateway_port: int = 8080
    gateway_host: str = "127.0.0.1"
    model: Path = ROOT / "models" / "citybot.tar.gz"
    var_dir: Path = ROOT / "var"
    rasa_token: str = field(default_factory=lambda: secrets.token_hex(24))  # 48 characters: bot/serve.py wants >= 32
    extra_env: Dict[str, str] = field(default_factory=dict)
    with_gateway: bool = True

    @classmethod
    def from_env(cls, environ: Optional[Dict[str, str]] = None) -> StackSettings:
        env = dict(os.environ if environ is None else environ)
        settings = cls(
            rasa_port=int(env.get("RASA_PORT", "5005")),
            actions_port=int(env.get("ACTIONS_PORT", "5055")),
            gateway_port=int(env.get("GATEWAY_PORT", "8080")),
            gateway_host=env.get("GATEWAY_HOST", "127.0.0.1"),
            var_dir=Path(env.get("CITYCHAT_VAR_DIR", str(ROOT / "var"))),
        )
        if env.get("RASA_TOKEN"):
            settings = replace(settings, rasa_token=env["RASA_TOKEN"])
        return settings

    def rasa_auth_header(self, lifetime: float = 300.0) -> Dict[str, str]:
        """``Authorization`` for Rasa's HTTP API: a JWT signed with the token, as the gateway sends it."""
        import jwt  # PyJWT: both environments have it (Rasa depends on it)

        payload = {"user": {"username": "citychat-test", "role": "admin"}, "exp": int(time.time() + lifetime)}
        return {"Authorization": f"Bearer {jwt.encode(payload, self.rasa_token, algorithm='HS256')}"}

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    @property
    def gateway_url(self) -> str:
        host = "127.0.0.1" if self.gateway_host in ("0.0.0.0", "::") else self.gateway_host  # noqa: S104
        return f"http://{host}:{self.gateway_port}"


class ProcessFailed(RuntimeError):
    pass


class ManagedProcess:
    """One child process with its own log file, a readiness URL and a clean stop."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        env: Dict[str, str],
        log_path: Path,
        ready_url: str,
        ready_timeout: float,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.log_path = log_path
        self.ready_url = ready_url
        self.ready_timeout = ready_timeout
        self.process: Optional[subprocess.Popen[bytes]] = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child owns it; closed with the process
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise ProcessFailed(f"{self.name} exited while starting:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.ready_url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise ProcessFailed(f"{self.name} not ready after {self.ready_timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL, as a crash would: for fault tests."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def base_env(settings: StackSettings) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONUNBUFFERED="1",
    )
    env.update(settings.extra_env)
    return env


def actions_process(settings: StackSettings) -> ManagedProcess:
    env = base_env(settings)
    env["SANIC_HOST"] = "127.0.0.1"  # rasa_sdk binds 0.0.0.0 unless told otherwise
    return ManagedProcess(
        "action server",
        [str(BOT_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.actions_port)],
        env,
        settings.var_dir / "log" / "actions.log",
        f"{settings.actions_url}/health",
        60,
    )


def rasa_process(settings: StackSettings) -> ManagedProcess:
    if not settings.model.exists():
        raise ProcessFailed(f"no trained model at {settings.model}: run `make train`")
    env = base_env(settings)
    (settings.var_dir / "rasa").mkdir(parents=True, exist_ok=True)
    env["ACTION_ENDPOINT_URL"] = f"{settings.actions_url}/webhook"
    env["RASA_TRACKER_DB"] = str(settings.var_dir / "rasa" / "tracker.db")
    # The secret goes through the environment: bot/serve.py starts Rasa with JWT authentication,
    # so it is never on a command line (`ps`) nor, as `?token=`, in a URL of an access log.
    env.pop("RASA_TOKEN_FILE", None)
    env["RASA_TOKEN"] = settings.rasa_token
    return ManagedProcess(
        "rasa",
        [
            str(BOT_BIN / "python"),
            "-m",
            "bot.serve",
            "--model",
            str(settings.model),
            "--endpoints",
            "bot/endpoints.yml",
            "--credentials",
            "bot/credentials.yml",
            "--interface",
            "127.0.0.1",
            "--port",
            str(settings.rasa_port),
            "--enable-api",
        ],
        env,
        settings.var_dir / "log" / "rasa.log",
        f"{settings.rasa_url}/",
        240,
    )


def gateway_process(
    settings: StackSettings,
    port: Optional[int] = None,
    overrides: Optional[Dict[str, str]] = None,
    name: str = "gateway",
) -> ManagedProcess:
    """A gateway process; ``overrides`` set further environment variables (DATABASE_URL, limits ...)."""
    port = port or settings.gateway_port
    env = base_env(settings)
    env.update(
        GATEWAY_HOST=settings.gateway_host,
        GATEWAY_PORT=str(port),
        RASA_URL=settings.rasa_url,
        RASA_TOKEN=settings.rasa_token,
    )
    env.setdefault("DATABASE_URL", f"sqlite+aiosqlite:///{settings.var_dir / 'gateway.db'}")
    env.setdefault("RASA_TRACKER_URL", f"sqlite+aiosqlite:///{settings.var_dir / 'rasa' / 'tracker.db'}")
    env.update(overrides or {})
    host = "127.0.0.1" if settings.gateway_host in ("0.0.0.0", "::") else settings.gateway_host  # noqa: S104
    return ManagedProcess(
        name,
        [str(APP_BIN / "python"), "-m", "handoff"],
        env,
        settings.var_dir / "log" / f"{name}-{port}.log",
        f"http://{host}:{port}/healthz",
        60,
    )


class Stack:
    """The processes of one running product, started in dependency order."""

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.actions = actions_process(settings)
        self.rasa = rasa_process(settings)
        self.gateway = gateway_process(settings) if settings.with_gateway else None

    @property
    def processes(self) -> List[ManagedProcess]:
        return [p for p in (self.actions, self.rasa, self.gateway) if p is not None]

    def start(self) -> Stack:
        try:
            self.actions.start()
            self.rasa.start()  # loading the model takes a while: start both, then wait
            self.actions.wait_ready()
            self.rasa.wait_ready()
            if self.gateway is not None:
                self.gateway.start()
                self.gateway.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- command line ----------------------------------------------------------------------------


def run(settings: StackSettings) -> int:
    stack = Stack(settings)
    stop_requested = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    print("Starting the action server, Rasa (loading the model takes a while) and the gateway ...")
    try:
        stack.start()
    except ProcessFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Rasa           {settings.rasa_url} (loopback only)")
    print(f"Action server  {settings.actions_url} (loopback only)")
    if stack.gateway is not None:
        print(f"Citizen chat   {settings.gateway_url}/            (demo city page with the widget)")
        print(f"Agent console  {settings.gateway_url}/console")
        print("               (accounts: .venv/app/bin/python -m handoff users add --username anna \\")
        print("                --name 'Anna Schmidt' --role agent --departments buergerservice,buergeramt)")
    print(f"Logs in {settings.var_dir / 'log'}. Press Ctrl-C to stop.")
    try:
        while not stop_requested:
            for process in stack.processes:
                if not process.running:
                    print(f"error: {process.name} stopped:\n{process.log_tail()}", file=sys.stderr)
                    return 1
            time.sleep(0.5)
    finally:
        print("Stopping ...")
        stack.stop()
    return 0


def post_json(url: str, body: object, timeout: float = 10.0) -> object:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode() or "null")


def render(message: Dict[str, Any]) -> str:
    """A bot message for the terminal: its text, buttons and contract kind."""
    custom = message.get("custom") if isinstance(message.get("custom"), dict) else None
    body: Dict[str, Any] = custom if custom is not None else message
    lines = [f"bot> {body.get('text', '')}"]
    for button in body.get("buttons") or []:
        lines.append(f"     [{button.get('title')}]  -> {button.get('payload')}")
    if custom is not None:
        kind = {k: v for k, v in custom.items() if k in ("kb_article", "fallback", "handoff", "form", "error")}
        if "handoff" in kind and isinstance(kind["handoff"], dict):
            kind["handoff"] = {k: v for k, v in kind["handoff"].items() if k != "context"}
        lines.append(f"     ({json.dumps(kind, ensure_ascii=False)})")
    return "\n".join(lines)


def shell(settings: StackSettings) -> int:
    settings = replace(settings, with_gateway=False)
    print("Starting Rasa and the action server ...")
    with Stack(settings):
        sender = f"shell-{uuid.uuid4().hex[:12]}"
        print("Talk to the bot (German or English). Type a button's payload to press it, /quit to end.")
        while True:
            try:
                text = input("you> ")
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
            if text.strip() in ("/quit", "/exit"):
                return 0
            try:
                replies = post_json(f"{settings.rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": text})
            except (urllib.error.URLError, OSError) as error:
                print(f"(the bot did not answer: {error})")
                continue
            for reply in replies if isinstance(replies, list) else []:
                print(render(reply))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.stack")
    parser.add_argument("command", choices=["run", "shell"])
    args = parser.parse_args(argv)
    settings = StackSettings.from_env()
    return run(settings) if args.command == "run" else shell(settings)


if __name__ == "__main__":
    sys.exit(main())
