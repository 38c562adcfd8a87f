"""German or English? kb/lang.py against language-identification libraries, on this repository's texts.

    .venv/app/bin/python -m bench.lang_detect

The candidates are not in the locks; the script measures those that are installed and names the
others. To measure them where the detector runs (the bot environment: Python 3.10, and numpy
1.23 because of Rasa's TensorFlow), use a scratch environment, e.g.

    python3.10 -m venv /tmp/lang && /tmp/lang/bin/pip install -c requirements/bot.lock \
        PyYAML holidays tzdata numpy lingua-language-detector py3langid langdetect
    PYTHONPATH=. /tmp/lang/bin/python -m bench.lang_detect

The texts and their languages:
- ``data/kb/*.yml``: ``questions`` (German) and ``questions_en`` (English);
- ``data/eval/kb_heldout.yml`` (German) and ``data/eval/out_of_scope.yml`` (German, its
  "# English" section English, its "# Unsinn" section no language);
- ``data/nlu/*.yml``: German, except the English examples and the ones without a language
  ("ok", "hi", "asdfghjkl", emoji) listed below, labelled by hand.

A detector answers "de", "en" or None (not sure: the conversation keeps its language). For each
it prints the share of right, wrong and no answers, how many German texts it took for English
(de>en: the conversation would switch to English) and the reverse, the same shares for short
texts (at most three words, most chat turns), the share of English texts recognised, how often
it answers on texts without a language, the time per call, the time to load its model, and the
version, installed size and licence of its distribution. Only libraries that ship their model
in the wheel are candidates (no download at run time). Each is asked for German and English
only and abstains below a confidence threshold, so that it could replace ``kb.lang.guess``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata as metadata
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from kb import lang

ROOT = Path(__file__).resolve().parent.parent
SHORT_WORDS = 3
THRESHOLDS = (0.5, 0.7, 0.9, 0.99)
REPEAT = 3

# data/nlu examples in English or without a language; every other example there is German.
NLU_ENGLISH = {
    # greet, goodbye, thanks
    "hello", "hi there", "hey bot", "good morning", "good afternoon", "good evening", "hiya",
    "bye", "goodbye", "see you", "see you later", "have a nice day", "take care", "bye bye",
    "thanks", "thank you", "thank you very much", "thx", "cheers", "many thanks", "thanks a lot",
    "much appreciated",
    # bot_challenge, request_human, complain, smalltalk
    "are you a bot?", "am I talking to a human?", "are you real", "are you a robot", "is this an AI",
    "am i chatting with a real person", "are you human",
    "I want to talk to a human", "connect me to an agent", "real person please", "can I speak to someone",
    "customer service", "human please", "let me talk to a staff member",
    "I want to make a complaint", "I'd like to file a complaint about a staff member",
    "I'm unhappy with the service", "where can I complain", "complaint", "the staff was rude and I want to complain",
    "how are you", "who made you", "what can you do", "what's your name", "tell me about yourself",
    "are you happy", "I'm bored", "how old are you",
    # affirm, deny, feedback
    "yes", "yeah", "yep", "sure", "correct", "of course", "that's right",
    "no", "nope", "no thanks", "not really", "that's wrong", "absolutely not", "I don't think so",
    "that helped", "very helpful", "perfect", "great answer", "that's exactly what I needed",
    "thanks, that solved it", "this was useful",
    "that doesn't help", "wrong answer", "not helpful", "you don't understand me", "that's not what I asked",
    "useless answer", "this doesn't answer my question",
    # out_of_scope
    "how is the weather today", "will it rain tomorrow", "turn up the music", "set an alarm for 7 am",
    "what is the capital of canada", "who painted the mona lisa", "what is 12 times 12", "tell me a joke",
    "how do I make pancakes", "who won the champions league", "where can I buy cheap headphones",
    "book a flight to london", "what helps against a sore throat", "how do I reverse a string in python",
    "should I quit my job", "how do I file my income tax return", "when will I get my tax refund",
    "how do I apply for child benefit", "how do I register as unemployed", "how much is the german pension",
    "how do I switch my health insurance", "how do I apply for bafög as a student",
    "when is the next train to frankfurt", "I need the police, someone broke into my car",
    "do I have to pay the tv licence fee", "how do I get a visa at the german embassy in delhi",
    "who won the federal election", "how do I sue my employer", "what is the meaning of life",
    "recommend a good netflix series", "order me a taxi", "turn off the lights in the kitchen",
    "set the thermostat to 21 degrees", "start the vacuum cleaner", "play some jazz",
    "remind me to call the dentist tomorrow", "pause the tv", "where can I buy a second hand phone",
    "what time does the supermarket close tonight", "is the pharmacy on main street open on sunday",
    "track my amazon package", "recipe for banana bread", "how long should I boil pasta",
    "I have a headache and a runny nose", "my cat keeps throwing up", "how tall is the eiffel tower",
    "convert 5 miles to kilometers", "what does schadenfreude mean", "tell me a riddle",
    "who wrote romeo and juliet", "what's the score of the bayern game",
    "when does the new marvel movie come out", "how do I get tickets for taylor swift",
    "book a table for two at an italian restaurant", "find me a cheap hotel in amsterdam",
    "reserve a pitch at a campsite near the lake", "is there traffic on the A3 right now",
    "will it snow this weekend", "my phone won't turn on", "how do I reset my wifi password",
    "how do I center a div in css", "my laptop is really slow", "how do I find my tax ID",
    "how much kinderzuschlag can I get", "when is child benefit paid out this month",
    "my health insurance rejected my claim", "how do I file for divorce", "my landlord won't return my deposit",
    "how do I contact deutsche bahn about a refund", "my dhl parcel is lost", "call the police",
    "I feel lonely today", "should I move in with my boyfriend", "what do you think about climate change",
    "banana phone",
    # form control
    "cancel", "cancel that", "stop this", "never mind", "forget it", "I want to cancel",
}  # fmt: skip
NLU_NO_LANGUAGE = {
    "hi", "hey", "ciao", "adieu", "merci", "ok", "okay", "support", "hotline", "stop",
    "asdfghjkl", "jjjjjjjj", "qwertz", "blablabla", "???", "xyz123", "lorem ipsum dolor", "hgfdsa",
    "sdfkjhsdf", "ölkjhgf", "aaaaaaaaaa", "asdasdasd", "kjh kjh kjh", "ghjkl ölä", "123456789", "...",
    "?!?!", "pizza 🍕🍕🍕", "😂😂😂 lol", "🐸 quak quak", "lalala", "xD", "qwerty uiop",
}  # fmt: skip
OUT_OF_SCOPE_GERMAN_NONSENSE = {"äpfel wolke schraubenzieher"}  # German words in the "Unsinn" section


@dataclass(frozen=True)
class Sample:
    text: str
    language: Optional[str]  # "de", "en" or None (no language)
    source: str


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def samples() -> List[Sample]:
    found: List[Sample] = []
    for path in sorted((ROOT / "data" / "kb").glob("*.yml")):
        article = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [Sample(_clean(q), "de", "kb questions") for q in article.get("questions") or []]
        found += [Sample(_clean(q), "en", "kb questions") for q in article.get("questions_en") or []]
    heldout = yaml.safe_load((ROOT / "data" / "eval" / "kb_heldout.yml").read_text(encoding="utf-8"))
    found += [Sample(_clean(q), "de", "eval") for questions in heldout.values() for q in questions]
    section = ""
    for line in (ROOT / "data" / "eval" / "out_of_scope.yml").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("# "):
            section = stripped[2:]
        elif stripped.startswith("- "):
            text = _clean(yaml.safe_load(stripped[2:]))
            language: Optional[str] = {"English": "en", "Unsinn": None}.get(section, "de")
            if text in OUT_OF_SCOPE_GERMAN_NONSENSE:
                language = "de"
            found.append(Sample(text, language, "eval"))
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                text = _clean(re.sub(r"^\s*-\s*", "", line))
                if not text:
                    continue
                if text in NLU_NO_LANGUAGE:
                    found.append(Sample(text, None, "nlu"))
                else:
                    found.append(Sample(text, "en" if text in NLU_ENGLISH else "de", "nlu"))
    return found


Scores = Callable[[str], Dict[str, float]]


@dataclass(frozen=True)
class Candidate:
    name: str
    distribution: Optional[str]  # None: this repository's code
    load_seconds: float
    guess: Optional[Callable[[str], Optional[str]]] = None  # a detector that decides itself
    scores: Optional[Scores] = None  # a library: confidence per language, thresholded here


def _try_import(module: str, distribution: str) -> Optional[Any]:
    try:
        return importlib.import_module(module)
    except ImportError:
        print(f"({distribution} is not installed: pip install {distribution})")
        return None


def candidates() -> List[Candidate]:
    found = [Candidate("kb.lang (word lists)", None, 0.0, guess=lang.guess)]

    lingua = _try_import("lingua", "lingua-language-detector")
    if lingua is not None:
        started = time.perf_counter()
        builder = lingua.LanguageDetectorBuilder.from_languages(lingua.Language.GERMAN, lingua.Language.ENGLISH)
        detector = builder.with_preloaded_language_models().build()
        codes = {lingua.Language.GERMAN: "de", lingua.Language.ENGLISH: "en"}

        def lingua_scores(text: str) -> Dict[str, float]:
            return {codes[c.language]: c.value for c in detector.compute_language_confidence_values(text)}

        found.append(
            Candidate("lingua", "lingua-language-detector", time.perf_counter() - started, scores=lingua_scores)
        )

    py3langid = _try_import("py3langid.langid", "py3langid")
    if py3langid is not None:
        started = time.perf_counter()
        cls = py3langid.LanguageIdentifier
        load_model = getattr(cls, "from_model_file", None) or cls.from_pickled_model  # 0.4 / older releases
        identifier = load_model(py3langid.MODEL_FILE, norm_probs=True)
        identifier.set_languages(["de", "en"])

        def langid_scores(text: str) -> Dict[str, float]:
            code, probability = identifier.classify(text)
            return {str(code): float(probability)}

        found.append(Candidate("py3langid", "py3langid", time.perf_counter() - started, scores=langid_scores))

    langdetect = _try_import("langdetect", "langdetect")
    if langdetect is not None:
        started = time.perf_counter()
        langdetect.DetectorFactory.seed = 0  # it samples; a seed makes it repeatable
        langdetect.detect_langs("Guten Tag")  # loads its profiles (55 languages; it cannot be narrowed)

        def langdetect_scores(text: str) -> Dict[str, float]:
            try:
                ranked = langdetect.detect_langs(text)
            except langdetect.LangDetectException:
                return {}
            return {r.lang: r.prob for r in ranked[:1] if r.lang in ("de", "en")}

        found.append(Candidate("langdetect", "langdetect", time.perf_counter() - started, scores=langdetect_scores))
    return found


def decide(ranked: Dict[str, float], text: str, threshold: float) -> Optional[str]:
    if not ranked or not any(ch.isalpha() for ch in text):
        return None
    best = max(ranked, key=lambda code: ranked[code])
    return best if ranked[best] >= threshold else None


@dataclass(frozen=True)
class Score:
    right: int
    wrong: int
    none: int

    def shares(self) -> Tuple[float, float, float]:
        total = (self.right + self.wrong + self.none) or 1
        return self.right / total, self.wrong / total, self.none / total


def score(guesses: List[Tuple[Sample, Optional[str]]]) -> Score:
    right = sum(1 for s, g in guesses if g == s.language)
    none = sum(1 for _, g in guesses if g is None)
    return Score(right, len(guesses) - right - none, none)


def size_and_licence(distribution: Optional[str]) -> Tuple[str, str, str]:
    if distribution is None:
        return "", f"{Path(lang.__file__).stat().st_size / 1e3:.0f} kB", "EUPL-1.2"
    dist = metadata.distribution(distribution)
    size = sum(f.size or 0 for f in dist.files or [])
    licence = dist.metadata["License-Expression"] or dist.metadata["License"] or "?"
    return dist.version, f"{size / 1e6:.1f} MB", licence.splitlines()[0][:20]


def timed(function: Callable[[str], Any], texts: List[str]) -> Tuple[List[Any], float]:
    """The answers for ``texts`` and the median time per call in microseconds (at most REPEAT runs, ~10 s)."""
    timings: List[float] = []
    answers: List[Any] = []
    budget = time.perf_counter() + 10.0
    for _ in range(REPEAT):
        started = time.perf_counter()
        answers = [function(text) for text in texts]
        timings.append((time.perf_counter() - started) / len(texts))
        if time.perf_counter() > budget:
            break
    return answers, statistics.median(timings) * 1e6


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lang_detect", description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", metavar="DETECTOR", help="list the wrong answers of the rows whose name starts so")
    args = parser.parse_args(argv)
    texts = samples()
    labelled = [s for s in texts if s.language is not None]
    short = [s for s in labelled if len(s.text.split()) <= SHORT_WORDS]
    neutral = [s for s in texts if s.language is None]
    counts = {code: sum(1 for s in labelled if s.language == code) for code in ("de", "en")}
    print(
        f"Python {sys.version.split()[0]}; {len(labelled)} texts with a language ({counts['de']} German, "
        f"{counts['en']} English; {len(short)} of at most {SHORT_WORDS} words), {len(neutral)} without one"
    )
    found = candidates()
    print()
    header = (
        f"{'detector':<24} {'right':>6} {'wrong':>6} {'none':>6} {'de>en':>5} {'en>de':>5} "
        f"| {'short: right':>12} {'wrong':>6} {'none':>6} | {'en right':>8} | {'no language: answers':>20} "
        f"| {'µs/call':>7} {'load ms':>7} | {'version':>7} {'size':>8}  licence"
    )
    print(header)
    print("-" * len(header))
    unique = list(dict.fromkeys(s.text for s in texts))
    for candidate in found:
        if candidate.guess is not None:
            answers, per_call = timed(candidate.guess, unique)
            rows = [(candidate.name, dict(zip(unique, answers, strict=True)))]
        else:
            assert candidate.scores is not None
            ranked, per_call = timed(candidate.scores, unique)
            rows = [
                (f"{candidate.name}, p >= {t}", {x: decide(r, x, t) for x, r in zip(unique, ranked, strict=True)})
                for t in THRESHOLDS
            ]
        version, size, licence = size_and_licence(candidate.distribution)
        for name, guesses in rows:
            r, w, n = score([(s, guesses[s.text]) for s in labelled]).shares()
            sr, sw, sn = score([(s, guesses[s.text]) for s in short]).shares()
            english = score([(s, guesses[s.text]) for s in labelled if s.language == "en"]).shares()[0]
            de_en = sum(1 for s in labelled if s.language == "de" and guesses[s.text] == "en")
            en_de = sum(1 for s in labelled if s.language == "en" and guesses[s.text] == "de")
            answered = sum(1 for s in neutral if guesses[s.text] is not None) / (len(neutral) or 1)
            print(
                f"{name:<24} {r:>6.1%} {w:>6.1%} {n:>6.1%} {de_en:>5} {en_de:>5} | {sr:>12.1%} {sw:>6.1%} {sn:>6.1%} "
                f"| {english:>8.1%} | {answered:>20.1%} | {per_call:>7.1f} {candidate.load_seconds * 1e3:>7.0f} "
                f"| {version:>7} {size:>8}  {licence}"
            )
            if args.errors and name.startswith(args.errors):
                for sample in labelled:
                    got = guesses[sample.text]
                    if got is not None and got != sample.language:
                        print(f"    {sample.language} -> {got}: {sample.text} ({sample.source})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
