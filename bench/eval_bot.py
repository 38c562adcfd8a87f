"""`make eval`: answer quality and bot-turn latency, measured through the running bot.

- top-1 article accuracy on held-out questions (data/eval/kb_heldout.yml, never trained on);
- on out-of-scope questions (data/eval/out_of_scope.yml) the share NOT answered from the KB;
- bot-turn latency through Rasa's REST channel over 200 turns (p50, p99).

Each question is asked in a fresh conversation. Prints the figures and writes
reports/eval/report.md, report.json and confusion.png.
"""

from __future__ import annotations

import json
import statistics
import time
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from bench.machine import describe
from tools.stack import ROOT, Stack, StackSettings

REPORT_DIR = ROOT / "reports" / "eval"
LATENCY_TURNS = 200
TARGET_ACCURACY = 0.90
TARGET_OUT_OF_SCOPE = 0.90
TARGET_P50_MS = 150.0


@dataclass(frozen=True)
class Outcome:
    question: str
    expected: Optional[str]  # article id, None for out-of-scope
    got: str  # article id, "fallback", "handoff", or "other"
    seconds: float


def ask(rasa_url: str, text: str) -> Tuple[str, float]:
    body = json.dumps({"sender": f"eval-{uuid.uuid4().hex}", "message": text}).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback URL we built
        f"{rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback URL we built
        replies = json.loads(response.read())
    elapsed = time.perf_counter() - started
    return classify(replies), elapsed


def classify(replies: List[Dict[str, Any]]) -> str:
    for reply in replies:
        custom = reply.get("custom")
        if isinstance(custom, dict):
            if custom.get("kb_article"):
                return str(custom["kb_article"])
            if custom.get("fallback"):
                return "fallback"
            if custom.get("handoff"):
                return "handoff"
    return "other"


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def load_sets() -> Tuple[Dict[str, List[str]], List[str]]:
    heldout = yaml.safe_load((ROOT / "data" / "eval" / "kb_heldout.yml").read_text(encoding="utf-8"))
    oos = yaml.safe_load((ROOT / "data" / "eval" / "out_of_scope.yml").read_text(encoding="utf-8"))["questions"]
    return heldout, oos


def confusion_plot(outcomes: List[Outcome], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = sorted({o.expected for o in outcomes if o.expected})
    columns = [*labels, "fallback", "other"]
    index = {label: i for i, label in enumerate(columns)}
    matrix = [[0] * len(columns) for _ in labels]
    for outcome in outcomes:
        if outcome.expected is None:
            continue
        column = outcome.got if outcome.got in index else "other"
        matrix[labels.index(outcome.expected)][index[column]] += 1
    fig, ax = plt.subplots(figsize=(14, 12))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(columns)), columns, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("answered with")
    ax.set_ylabel("held-out question of article")
    for y, values in enumerate(matrix):
        for x, value in enumerate(values):
            if value:
                ax.text(x, y, str(value), ha="center", va="center", fontsize=6)
    ax.set_title("Held-out KB questions: confusion")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(rasa_url: str) -> Dict[str, Any]:
    heldout, oos = load_sets()
    outcomes: List[Outcome] = []
    for article_id, questions in heldout.items():
        for question in questions:
            got, seconds = ask(rasa_url, question)
            outcomes.append(Outcome(question, article_id, got, seconds))
    for question in oos:
        got, seconds = ask(rasa_url, question)
        outcomes.append(Outcome(question, None, got, seconds))

    kb_outcomes = [o for o in outcomes if o.expected]
    oos_outcomes = [o for o in outcomes if o.expected is None]
    accuracy = sum(o.got == o.expected for o in kb_outcomes) / len(kb_outcomes)
    kb_articles = set(heldout)
    oos_rejected = sum(o.got not in kb_articles for o in oos_outcomes) / len(oos_outcomes)

    latencies = [ask(rasa_url, q)[1] for q in _latency_questions(heldout, oos)]
    per_article: Dict[str, Dict[str, int]] = defaultdict(lambda: {"correct": 0, "total": 0})
    for o in kb_outcomes:
        assert o.expected is not None
        per_article[o.expected]["total"] += 1
        per_article[o.expected]["correct"] += int(o.got == o.expected)
    return {
        "machine": describe(),
        "heldout_questions": len(kb_outcomes),
        "top1_accuracy": round(accuracy, 4),
        "heldout_fallback_share": round(sum(o.got == "fallback" for o in kb_outcomes) / len(kb_outcomes), 4),
        "out_of_scope_questions": len(oos_outcomes),
        "out_of_scope_not_answered_from_kb": round(oos_rejected, 4),
        "out_of_scope_answered_with": dict(Counter(o.got for o in oos_outcomes).most_common()),
        "latency_turns": len(latencies),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "latency_p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "per_article": dict(sorted(per_article.items())),
        "errors": [
            {"question": o.question, "expected": o.expected, "got": o.got}
            for o in outcomes
            if (o.expected and o.got != o.expected) or (o.expected is None and o.got in kb_articles)
        ],
        "_outcomes": outcomes,
    }


def _latency_questions(heldout: Dict[str, List[str]], oos: List[str]) -> List[str]:
    pool = [q for questions in heldout.values() for q in questions] + oos
    return [pool[i % len(pool)] for i in range(LATENCY_TURNS)]


def write_report(result: Dict[str, Any]) -> None:
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    outcomes = result.pop("_outcomes")
    confusion_plot(outcomes, REPORT_DIR / "confusion.png")
    (REPORT_DIR / "report.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    lines = [
        "# Bot evaluation",
        "",
        f"Machine: {result['machine']}",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| top-1 article accuracy, {result['heldout_questions']} held-out questions "
        f"| {result['top1_accuracy']:.1%} | ≥ {TARGET_ACCURACY:.0%} |",
        f"| out-of-scope not answered from the KB, {result['out_of_scope_questions']} questions "
        f"| {result['out_of_scope_not_answered_from_kb']:.1%} | ≥ {TARGET_OUT_OF_SCOPE:.0%} |",
        f"| bot turn latency p50 ({result['latency_turns']} turns, REST) "
        f"| {result['latency_p50_ms']:.0f} ms | ≤ {TARGET_P50_MS:.0f} ms |",
        f"| bot turn latency p99 | {result['latency_p99_ms']:.0f} ms | |",
        "",
        "![confusion](confusion.png)",
        "",
        "## Per article",
        "",
        "| article | correct | of |",
        "|---|---|---|",
    ]
    lines += [f"| {a} | {v['correct']} | {v['total']} |" for a, v in result["per_article"].items()]
    lines += ["", "## Errors", "", "| question | expected | got |", "|---|---|---|"]
    lines += [f"| {e['question']} | {e['expected'] or 'out of scope'} | {e['got']} |" for e in result["errors"]]
    (REPORT_DIR / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    settings = StackSettings.from_env()
    settings = StackSettings(
        rasa_port=settings.rasa_port + 100,
        actions_port=settings.actions_port + 100,
        with_gateway=False,
        var_dir=ROOT / "var" / "eval",
    )
    print("Starting Rasa and the action server for the evaluation ...")
    with Stack(settings):
        result = run(settings.rasa_url)
    write_report(result)
    print(f"machine: {result['machine']}")
    print(f"top-1 article accuracy (held-out, n={result['heldout_questions']}): {result['top1_accuracy']:.1%}")
    print(
        f"out-of-scope not answered from the KB (n={result['out_of_scope_questions']}): "
        f"{result['out_of_scope_not_answered_from_kb']:.1%}"
    )
    print(
        f"bot turn latency over {result['latency_turns']} turns: p50 {result['latency_p50_ms']:.0f} ms, "
        f"p99 {result['latency_p99_ms']:.0f} ms"
    )
    print(f"report: {REPORT_DIR / 'report.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
