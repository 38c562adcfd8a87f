"""Generate Rasa training data from the KB, so the article files stay the single source.

Writes into an output directory (``build/rasa`` by the Makefile):
  data/kb_nlu.yml     one intent ``kb_<id>`` per article, its example questions
  data/kb_rules.yml   one rule per article: the intent is answered by its action
  domain/             the static domain files of ``bot/domain`` plus ``kb.yml`` (the intents)
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Dict, List

from kb.loader import KnowledgeBase

ANSWER_ACTION = "action_answer_kb"
# Articles whose answer is computed at answer time rather than read from the file.
COMPUTED_ANSWERS: Dict[str, str] = {"oeffnungszeiten": "action_office_hours"}
HEADER = "# Generated from data/kb by `python -m kb generate`. Do not edit: edit data/kb/*.yml.\n"


def answer_action(article_id: str) -> str:
    return COMPUTED_ANSWERS.get(article_id, ANSWER_ACTION)


def _literal_examples(examples: List[str]) -> str:
    return "".join(f"    - {' '.join(example.split())}\n" for example in examples)


def nlu_yaml(kb: KnowledgeBase) -> str:
    parts = [HEADER, 'version: "3.1"\n', "nlu:\n"]
    for article in kb:
        parts.append(f"- intent: {article.intent}\n  examples: |\n")
        parts.append(_literal_examples(list(article.questions) + list(article.questions_en)))
    return "".join(parts)


def rules_yaml(kb: KnowledgeBase) -> str:
    parts = [HEADER, 'version: "3.1"\n', "rules:\n"]
    for article in kb:
        parts.append(
            f"- rule: answer {article.id}\n"
            f"  steps:\n"
            f"  - intent: {article.intent}\n"
            f"  - action: {answer_action(article.id)}\n"
        )
    return "".join(parts)


def domain_yaml(kb: KnowledgeBase) -> str:
    lines = [HEADER, 'version: "3.1"\n', "intents:\n"]
    lines += [f"- {article.intent}\n" for article in kb]
    return "".join(lines)


def generate(kb: KnowledgeBase, static_domain: Path, out_dir: Path) -> List[Path]:
    """Write the generated files; returns their paths. Only writes files whose content changed."""
    data_dir = out_dir / "data"
    domain_dir = out_dir / "domain"
    data_dir.mkdir(parents=True, exist_ok=True)
    if domain_dir.exists():
        shutil.rmtree(domain_dir)
    domain_dir.mkdir(parents=True)
    for source in sorted(static_domain.glob("*.yml")):
        shutil.copyfile(source, domain_dir / source.name)
    outputs = {
        data_dir / "kb_nlu.yml": nlu_yaml(kb),
        data_dir / "kb_rules.yml": rules_yaml(kb),
        domain_dir / "kb.yml": domain_yaml(kb),
    }
    for path, text in outputs.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return sorted(outputs)
