"""Generate Rasa training data from the KB, so the article files stay the single source.

Writes into an output directory (``build/rasa`` by the Makefile):
  data/kb_nlu.yml     one intent ``kb_<id>`` per article, its example questions
  data/kb_rules.yml   one rule per article: the intent is answered by its action
  domain/             the static domain files of ``bot/domain`` plus ``kb.yml`` (the intents)
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Dict, List

from kb.loader import KnowledgeBase
from kb.model import Article

ANSWER_ACTION = "action_answer_kb"
# Articles whose answer is computed at answer time rather than read from the file.
COMPUTED_ANSWERS: Dict[str, str] = {"oeffnungszeiten": "action_office_hours"}
HEADER = "# Generated from data/kb by `python -m kb generate`. Do not edit: edit data/kb/*.yml.\n"


def answer_action(article_id: str) -> str:
    return COMPUTED_ANSWERS.get(article_id, ANSWER_ACTION)


MIN_SENTENCE_WORDS = 4
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")


def _blocks(markdown: str) -> List[str]:
    """Paragraphs and list items, with wrapped lines joined."""
    blocks: List[str] = []
    for line in markdown.splitlines():
        stripped = line.strip()
        if not stripped:
            blocks.append("")
        elif stripped.startswith(("- ", "* ")) or not blocks or not blocks[-1]:
            blocks.append(stripped)
        else:
            blocks[-1] += " " + stripped
    return [b for b in blocks if b]


def _clean(text: str) -> str:
    text = _LINK.sub(r"\1", text).replace("**", "")
    text = re.sub(r"^[-*\s]+", "", text)
    return " ".join(text.replace("[", " ").replace("]", " ").split())


def article_vocabulary(article: Article) -> List[str]:
    """Title, keywords, documents and the answer's sentences: the article's own words.

    Trained as extra examples of the article's intent, they teach the classifier the vocabulary
    of the answer (official terms, document names) that citizens' questions often use.
    """
    texts = [article.de.title, *article.keywords, *article.de.documents]
    if article.en is not None:
        texts += [article.en.title, *article.en.documents]
    for block in _blocks(article.de.answer):
        texts.extend(_SENTENCE_END.split(block))
    cleaned = [_clean(t) for t in texts]
    return [
        t for t in cleaned if t and (len(t.split()) >= MIN_SENTENCE_WORDS or t in (article.de.title, *article.keywords))
    ]


def training_examples(kb: KnowledgeBase) -> Dict[str, List[str]]:
    """Per intent: the example questions, then the article vocabulary that is unique to it."""
    questions = {" ".join(q.lower().split()) for a in kb for q in (*a.questions, *a.questions_en)}
    vocabulary = {a.id: article_vocabulary(a) for a in kb}
    owners = Counter(text.lower() for texts in vocabulary.values() for text in set(texts))
    examples: Dict[str, List[str]] = {}
    for article in kb:
        own = [" ".join(q.split()) for q in (*article.questions, *article.questions_en)]
        seen = set(t.lower() for t in own)
        for text in vocabulary[article.id]:
            key = text.lower()
            if owners[key] == 1 and key not in questions and key not in seen:
                own.append(text)
                seen.add(key)
        examples[article.intent] = own
    return examples


def nlu_yaml(kb: KnowledgeBase) -> str:
    parts = [HEADER, 'version: "3.1"\n', "nlu:\n"]
    for intent, examples in training_examples(kb).items():
        parts.append(f"- intent: {intent}\n  examples: |\n")
        parts.append("".join(f"    - {example}\n" for example in examples))
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
