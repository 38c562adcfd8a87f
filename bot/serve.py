"""Start Rasa's HTTP server with JWT authentication, its secret taken from the environment.

    RASA_TOKEN=... python -m bot.serve --model models/citybot.tar.gz --endpoints bot/endpoints.yml \\
        --credentials bot/credentials.yml --enable-api --port 5005

The arguments are those of ``rasa run``, without secrets. The secret comes from ``RASA_TOKEN`` or
from the file named by ``RASA_TOKEN_FILE`` (Docker secrets); Rasa is started in this process with
``--jwt-secret``/``--jwt-method HS256``, so the secret is never part of a command line (``ps``,
``/proc/<pid>/cmdline``). Rasa's HTTP API then accepts only requests with an
``Authorization: Bearer <JWT>`` header signed with that secret (the gateway's
``handoff/rasa_client.py``); a ``?token=`` in a URL, which access logs would keep, is not
accepted at all. The REST channel (``/webhooks/rest/webhook``) is not part of the HTTP API and
needs no token; Rasa listens on loopback or an internal network only.

Used by ``tools/stack.py`` (``make run``, the tests, the benchmarks) and by the Rasa image
(``bot/Dockerfile``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, MutableMapping, Optional, Sequence

TOKEN_ENV = "RASA_TOKEN"  # noqa: S105 - names of variables, not secrets
TOKEN_FILE_ENV = "RASA_TOKEN_FILE"  # noqa: S105
JWT_METHOD = "HS256"
MIN_SECRET_BYTES = 32  # an HS256 key shorter than the hash is weak (RFC 7518, section 3.2)
PLACEHOLDER = "change-me"
# `rasa run` options that carry secrets: they would be visible in the process list.
SECRET_OPTIONS = ("auth_token", "jwt_secret", "jwt_private_key")


class LaunchError(Exception):
    """The secret is missing or unusable, or a secret was given on the command line."""


def read_secret(environ: MutableMapping[str, str]) -> str:
    """The JWT secret from RASA_TOKEN or the file RASA_TOKEN_FILE names; both set is an error."""
    value = environ.get(TOKEN_ENV, "")
    path = environ.get(TOKEN_FILE_ENV, "")
    if value and path:
        raise LaunchError(f"set {TOKEN_ENV} or {TOKEN_FILE_ENV}, not both")
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise LaunchError(f"{TOKEN_FILE_ENV}: cannot read {path} ({type(error).__name__})") from None
        source = f"the file {TOKEN_FILE_ENV} names"
    else:
        source = TOKEN_ENV
    if not value:
        raise LaunchError(
            f"{TOKEN_ENV} (or {TOKEN_FILE_ENV}) must be set: Rasa's HTTP API is not started without authentication"
        )
    if PLACEHOLDER in value.lower():
        raise LaunchError(f"{source} still holds the placeholder from .env.example: replace it with a random secret")
    if len(value.encode("utf-8")) < MIN_SECRET_BYTES:
        raise LaunchError(f"{source} must be at least {MIN_SECRET_BYTES} bytes long (e.g. `openssl rand -hex 32`)")
    return value


def refuse_secret_options(run_arguments: Sequence[str]) -> None:
    """Refuse ``--auth-token``, ``--jwt-secret`` and ``--jwt-private-key`` in any spelling.

    Parsed with Rasa's own parser, so abbreviations (``--jwt-s``), ``--opt=value`` and combined
    short options are recognised as well.
    """
    from rasa.__main__ import create_argument_parser

    parsed = create_argument_parser().parse_args(["run", *run_arguments])
    given = [name for name in SECRET_OPTIONS if getattr(parsed, name, None)]
    if given:
        options = ", ".join("--" + name.replace("_", "-") for name in given)
        raise LaunchError(
            f"{options} must not be given on the command line (everyone on the machine can read it): "
            f"set {TOKEN_ENV} or {TOKEN_FILE_ENV} instead"
        )


def rasa_argv(run_arguments: Sequence[str], secret: str) -> List[str]:
    """The arguments Rasa's own ``main`` parses (``sys.argv`` of this process, not its command line)."""
    # `--opt=value`: a secret starting with "-" is not mistaken for an option (and echoed in an error)
    return ["rasa", "run", *run_arguments, f"--jwt-method={JWT_METHOD}", f"--jwt-secret={secret}"]


def main(argv: Optional[Sequence[str]] = None) -> int:
    run_arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        refuse_secret_options(run_arguments)
        secret = read_secret(os.environ)
    except LaunchError as error:
        sys.stderr.write(f"bot.serve: {error}\n")
        return 2
    # Nothing Rasa might start needs the secret in its environment.
    os.environ.pop(TOKEN_ENV, None)
    # Replacing sys.argv changes what Python's argparse sees, not the process's command line in
    # /proc/<pid>/cmdline, which keeps the arguments this process was started with.
    sys.argv = rasa_argv(run_arguments, secret)
    from rasa.__main__ import main as rasa_main

    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
