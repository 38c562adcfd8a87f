"""Search over the knowledge base for agents: a few words find the matching articles.

BM25 over German word stems (Snowball: "Führerscheins", "fuehrerschein" -> "fuhrerschein") of
an article's title, keywords, example questions, answer and documents, with two forgiving
steps for what agents type: a word that is the beginning of known words ("perso") matches them,
and a word the index does not know is matched to known words of similar spelling (character
trigrams), so typos still find the article.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Dict, Iterable, List, Tuple

import snowballstemmer

from kb.loader import KnowledgeBase
from kb.model import Article

_STEMMER = snowballstemmer.stemmer("german")
_WORD = re.compile(r"\w+")
FIELD_WEIGHTS = {"title": 3.0, "keywords": 3.0, "questions": 1.0, "answer": 1.0, "documents": 0.5}
STOP = frozenset(
    "der die das den dem des ein eine einen einem und oder wie was wo wann ich sie du er es wir ihr mit "
    "für fur von zu zum zur im in an am auf bei nach aus ist sind kann muss mein meine mir mich nicht "
    "ja nein auch noch the a an of to for and or is are how what".split()
)
K1 = 1.2
B = 0.75
MIN_PREFIX = 4
MIN_SIMILARITY = 0.45


def stems(text: str) -> List[str]:
    return [_STEMMER.stemWord(w) for w in _WORD.findall(text.lower()) if w not in STOP and len(w) > 1]


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    department: str
    score: float
    snippet: str


class KBSearch:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._documents: Dict[str, Dict[str, float]] = {}
        for article in kb:
            weighted: Dict[str, float] = defaultdict(float)
            for field, texts in self._fields(article).items():
                for text in texts:
                    for stem in stems(text):
                        weighted[stem] += FIELD_WEIGHTS[field]
            self._documents[article.id] = weighted
        self._lengths = {doc: sum(counts.values()) for doc, counts in self._documents.items()}
        self._average = sum(self._lengths.values()) / max(1, len(self._lengths))
        frequency: Counter[str] = Counter()
        for counts in self._documents.values():
            frequency.update(counts.keys())
        total = len(self._documents)
        self._idf = {term: math.log(1 + (total - n + 0.5) / (n + 0.5)) for term, n in frequency.items()}
        self._trigram_index: Dict[str, set[str]] = {}
        for term in self._idf:
            for gram in _trigrams(term):
                self._trigram_index.setdefault(gram, set()).add(term)

    @staticmethod
    def _fields(article: Article) -> Dict[str, Iterable[str]]:
        title = [article.de.title] + ([article.en.title] if article.en else [])
        answer = [article.de.answer] + ([article.en.answer] if article.en else [])
        return {
            "title": title,
            "keywords": article.keywords,
            "questions": (*article.questions, *article.questions_en),
            "answer": answer,
            "documents": article.de.documents,
        }

    def _expand(self, term: str) -> List[Tuple[str, float]]:
        """Known index terms for a query term, with a weight: exact 1, prefix 0.8, similar 0.6."""
        if term in self._idf:
            return [(term, 1.0)]
        if len(term) >= MIN_PREFIX:
            prefixed = [t for t in self._idf if t.startswith(term)]
            if prefixed:
                return [(t, 0.8) for t in prefixed]
        grams = _trigrams(term)
        candidates: Counter[str] = Counter()
        for gram in grams:
            for known in self._trigram_index.get(gram, ()):
                candidates[known] += 1
        similar = []
        for known, shared in candidates.items():
            similarity = shared / len(grams | _trigrams(known))
            if similarity >= MIN_SIMILARITY:
                similar.append((known, 0.6 * similarity))
        return sorted(similar, key=lambda item: -item[1])[:3]

    def search(self, query: str, limit: int = 5, language: str = "de") -> List[Hit]:
        terms = stems(query[:200])
        scores: Dict[str, float] = defaultdict(float)
        for term in terms:
            for known, weight in self._expand(term):
                idf = self._idf[known]
                for doc, counts in self._documents.items():
                    tf = counts.get(known, 0.0)
                    if tf:
                        norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * self._lengths[doc] / self._average))
                        scores[doc] += weight * idf * norm
        hits = []
        for doc, score in sorted(scores.items(), key=lambda item: -item[1])[:limit]:
            article = self.kb.articles[doc]
            content = article.localized(language)
            hits.append(Hit(doc, content.title, article.department, round(score, 3), _snippet(content.answer)))
        return hits


def _snippet(answer: str, length: int = 160) -> str:
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", answer).replace("**", "")
    plain = " ".join(plain.split())
    return plain if len(plain) <= length else plain[: length - 1].rsplit(" ", 1)[0] + " …"
