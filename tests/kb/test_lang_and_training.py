from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import kb
from kb import lang, training
from tests.kb.conftest import write_article

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
        questions = [" ".join(q.split()) for q in (*article.questions, *article.questions_en)]
        generated = examples[f"kb_{article.id}"]
        assert generated[: len(questions)] == questions
        assert len(generated) > len(questions)  # the article's own vocabulary follows

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


def test_vocabulary_shared_by_two_articles_is_left_out(data_dir: Path, article_with: Any) -> None:
    shared = "Ein gültiger Personalausweis oder Reisepass"
    write_article(data_dir, "hundesteuer", article_with(documents=[shared, "Nachweis über die Rasse des Hundes"]))
    write_article(
        data_dir,
        "sperrmuell",
        article_with(
            id="sperrmuell",
            title="Sperrmüll anmelden",
            department="abfallwirtschaft",
            answer="Sperrmüll holen wir zweimal im Jahr kostenlos ab.",
            documents=[shared],
            questions=[f"Sperrmüll Frage {n}" for n in range(10)],
        ),
    )
    examples = training.training_examples(kb.load(data_dir))
    assert "Nachweis über die Rasse des Hundes" in examples["kb_hundesteuer"]
    assert shared not in examples["kb_hundesteuer"] and shared not in examples["kb_sperrmuell"]
    assert "Melden Sie Ihren Hund online an." in examples["kb_hundesteuer"]  # answer sentences, links as text
