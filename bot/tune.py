"""Choose the KBClassifier's thresholds by cross-validation on the training data only.

    .venv/bot/bin/python -m bot.tune        (make tune)

The held-out sets in data/eval are never looked at here, so `make eval` stays an honest test.
Five folds: each holds out a fifth of every article's example questions and of the out-of-scope
examples, trains on the rest (article vocabulary and conversation intents always included) and
scores every (scope_threshold, article_threshold) pair by the worse of (a) share of held-out
article questions answered with the right article and (b) share of held-out out-of-scope
examples not answered from the KB. Prints the best pairs.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import yaml
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

import kb
from bot.components.kb_classifier import KBClassifier, softmax, stem_text
from kb import training

ROOT = Path(__file__).resolve().parent.parent
FOLDS = 5
SCOPES = (0.5, 0.6, 0.7, 0.8)
ARTICLES = (0.2, 0.3, 0.4, 0.5)


def conversation_examples() -> Dict[str, List[str]]:
    examples: Dict[str, List[str]] = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            lines = [line.strip()[2:] for line in block["examples"].splitlines() if line.strip().startswith("- ")]
            examples.setdefault(block["intent"], []).extend(lines)
    return examples


def split(texts: List[str], fold: int) -> Tuple[List[str], List[str]]:
    test = texts[fold::FOLDS]
    held = set(test)
    return [t for t in texts if t not in held], test


def fit(texts: List[str], labels: List[str], c: float) -> Tuple[TfidfVectorizer, TfidfVectorizer, LinearSVC]:
    words = TfidfVectorizer(preprocessor=stem_text, ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(preprocessor=stem_text, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    features = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    return words, chars, LinearSVC(C=c, class_weight="balanced").fit(features, labels)


def probabilities(
    model: Tuple[TfidfVectorizer, TfidfVectorizer, LinearSVC], texts: List[str], temperature: float
) -> np.ndarray:
    words, chars, svm = model
    features = hstack([words.transform(texts), chars.transform(texts)]).tocsr()
    return softmax(svm.decision_function(features), temperature)


def main() -> None:
    knowledge = kb.load()
    config = KBClassifier.get_default_config()
    generated = training.training_examples(knowledge)
    questions = {a.intent: list(a.questions) for a in knowledge}
    vocabulary = {intent: [t for t in texts if t not in questions[intent]] for intent, texts in generated.items()}
    conversation = conversation_examples()
    rng = random.Random(7)
    for texts in (*questions.values(), conversation["out_of_scope"]):
        rng.shuffle(texts)

    scores: Dict[Tuple[float, float], List[Tuple[float, float]]] = {}
    for fold in range(FOLDS):
        train_x: List[str] = []
        train_y: List[str] = []
        test_kb: List[Tuple[str, str]] = []
        for intent, texts in questions.items():
            train, test = split(texts, fold)
            train_x += train + vocabulary[intent]
            train_y += [intent] * (len(train) + len(vocabulary[intent]))
            test_kb += [(t, intent) for t in test]
        oos_train, oos_test = split(conversation["out_of_scope"], fold)
        for intent, texts in conversation.items():
            chosen = oos_train if intent == "out_of_scope" else texts
            train_x += chosen
            train_y += [intent] * len(chosen)
        model = fit(train_x, train_y, config["C"])
        labels = list(model[2].classes_)
        kb_rows = probabilities(model, [t for t, _ in test_kb], config["temperature"])
        oos_rows = probabilities(model, oos_test, config["temperature"])
        wanted = [intent for _, intent in test_kb]
        for scope in SCOPES:
            for article in ARTICLES:
                thresholds = dict(config, scope_threshold=scope, article_threshold=article)
                classifier = KBClassifier(thresholds, None, None)  # type: ignore[arg-type,unused-ignore]
                right = sum(
                    classifier.decide(labels, row)[0]["name"] == want for row, want in zip(kb_rows, wanted, strict=True)
                )
                rejected = sum(not classifier.decide(labels, row)[0]["name"].startswith("kb_") for row in oos_rows)
                scores.setdefault((scope, article), []).append((right / len(test_kb), rejected / len(oos_test)))

    ranked = []
    for key, fold_scores in scores.items():
        accuracy = float(np.mean([a for a, _ in fold_scores]))
        rejected_share = float(np.mean([r for _, r in fold_scores]))
        ranked.append((min(accuracy, rejected_share), accuracy, rejected_share, key))
    ranked.sort(reverse=True)
    print("scope  article  answered-right  oos-rejected   (5-fold CV on the training data)")
    for _, accuracy, rejected_share, (scope, article) in ranked[:8]:
        print(f"{scope:5.2f}  {article:7.2f}  {accuracy:14.1%}  {rejected_share:12.1%}")


if __name__ == "__main__":
    main()
