from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import kb
from kb import lang, training

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mein Perso läuft nächsten Monat ab, was muss ich machen?", "de"),
        ("Wie melde ich meinen Hund an", "de"),
        ("How do I register my new address?", "en"),
        ("I lost my passport, what should I do", "en"),
        ("ok", None),
        ("Bürgeramt", "de"),
        ("😀😀", None),
    ],
)
def test_language_guess(text: str, expected: str | None) -> None:
    assert lang.guess(text) == expected


def test_generated_training_data_covers_every_article(tmp_path: Path) -> None:
    knowledge = kb.load()
    written = training.generate(knowledge, ROOT / "bot" / "domain", tmp_path)
    assert {p.name for p in written} == {"kb_nlu.yml", "kb_rules.yml", "kb.yml"}

    nlu = yaml.safe_load((tmp_path / "data" / "kb_nlu.yml").read_text(encoding="utf-8"))
    examples = {block["intent"]: [line[2:] for line in block["examples"].splitlines()] for block in nlu["nlu"]}
    for article in knowledge:
        assert examples[f"kb_{article.id}"] == list(article.questions) + list(article.questions_en)

    rules = yaml.safe_load((tmp_path / "data" / "kb_rules.yml").read_text(encoding="utf-8"))["rules"]
    actions = {rule["steps"][0]["intent"]: rule["steps"][1]["action"] for rule in rules}
    assert actions["kb_personalausweis"] == "action_answer_kb"
    assert actions["kb_oeffnungszeiten"] == "action_office_hours"
    assert len(actions) == len(knowledge.articles)

    domain = yaml.safe_load((tmp_path / "domain" / "kb.yml").read_text(encoding="utf-8"))
    assert len(domain["intents"]) == len(knowledge.articles)
    assert (tmp_path / "domain" / "conversation.yml").read_text() == (
        ROOT / "bot" / "domain" / "conversation.yml"
    ).read_text()
