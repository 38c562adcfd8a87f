"""Command line: ``python -m kb validate`` and ``python -m kb generate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb import loader, training

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check the city profile and every KB article")
    validate.add_argument("--data", type=Path, default=ROOT / "data")
    validate.add_argument("--online", action="store_true", help="also fetch every http(s) link")
    validate.add_argument("--timeout", type=float, default=5.0, help="seconds per link (--online)")
    generate = sub.add_parser("generate", help="write Rasa training data generated from the KB")
    generate.add_argument("--data", type=Path, default=ROOT / "data")
    generate.add_argument("--domain", type=Path, default=ROOT / "bot" / "domain")
    generate.add_argument("--out", type=Path, default=ROOT / "build" / "rasa")
    args = parser.parse_args(argv)

    if args.command == "validate":
        problems = loader.check(args.data, online=args.online, timeout=args.timeout)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{len(problems)} problem(s) in the knowledge base.", file=sys.stderr)
            return 1
        kb = loader.load(args.data)
        print(f"Knowledge base OK: {len(kb.articles)} articles, {len(kb.city.departments)} departments.")
        return 0

    try:
        kb = loader.load(args.data)
    except loader.KnowledgeBaseError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print("Not generating training data from an invalid knowledge base.", file=sys.stderr)
        return 1
    for path in training.generate(kb, args.domain, args.out):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
