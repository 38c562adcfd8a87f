"""Read ``data/city.yml`` and ``data/kb/*.yml`` into typed records, checking every field.

``check(data_dir)`` returns the problems, each naming the file and the field, so that
``make validate`` can tell an editor exactly what to fix; ``load(data_dir)`` returns the
knowledge base or raises ``KnowledgeBaseError`` with those problems.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from kb import links
from kb.canned import load_canned
from kb.holidays import REGIONS, STATES, catholic_states
from kb.model import WEEKDAYS, Article, CityProfile, Department, Fee, Localized, TimeRange

MIN_QUESTIONS = 10
ARTICLE_ID = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
LEIKA = re.compile(r"^[0-9]{14}$")
TIME_RANGE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$")

ARTICLE_FIELDS = {
    "id",
    "title",
    "department",
    "leika",
    "answer",
    "documents",
    "fees",
    "processing_time",
    "online_service",
    "related",
    "keywords",
    "en",
    "questions",
    "questions_en",
}
LOCALIZED_FIELDS = {"title", "answer", "documents", "processing_time"}
CITY_FIELDS = {
    "city",
    "state",
    "timezone",
    "website",
    "phone",
    "default_department",
    "closed_days",
    "holiday_region",
    "catholic_holidays",
    "case_prefix",
    "service_level_days",
    "complaints_department",
    "privacy_url",
    "departments",
}
DEPARTMENT_FIELDS = {
    "id",
    "name",
    "name_en",
    "aliases",
    "email",
    "phone",
    "address",
    "hours",
    "max_queue",
    "service_level_days",
}
CASE_PREFIX = re.compile(r"^[A-Z]{1,5}$")
MAX_SERVICE_LEVEL_DAYS = 60


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class KnowledgeBaseError(Exception):
    def __init__(self, problems: List[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class KnowledgeBase:
    city: CityProfile
    articles: Dict[str, Article]

    def article(self, article_id: Optional[str]) -> Optional[Article]:
        return self.articles.get(article_id or "")

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles.values())


def default_data_dir() -> Path:
    """``data/`` of this checkout, found from this file (never from the working directory)."""
    return Path(__file__).resolve().parent.parent / "data"


def load(data_dir: Optional[Path] = None) -> KnowledgeBase:
    problems, kb = _read(data_dir or default_data_dir())
    if problems or kb is None:
        raise KnowledgeBaseError(problems)
    return kb


def check(data_dir: Optional[Path] = None, online: bool = False, timeout: float = 5.0) -> List[Problem]:
    """All problems of the KB; with ``online`` also every http(s) link that does not answer."""
    data_dir = data_dir or default_data_dir()
    problems, kb = _read(data_dir)
    if online and kb is not None:
        for article in kb:
            urls = _article_urls(article)
            for url, message in links.check_online(urls, timeout=timeout).items():
                problems.append(Problem(article.source, _field_of_url(article, url), message))
    return problems


# --- reading -------------------------------------------------------------------------------


class _Reader:
    """Collects problems while turning raw YAML into records."""

    def __init__(self) -> None:
        self.problems: List[Problem] = []

    def problem(self, file: str, field: str, message: str) -> None:
        self.problems.append(Problem(file, field, message))

    def text(self, file: str, raw: Dict[str, Any], key: str, prefix: str = "", required: bool = True) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                self.problem(file, prefix + key, "is missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(file, prefix + key, "must be a non-empty text")
            return ""
        return value.strip()

    def strings(self, file: str, raw: Dict[str, Any], key: str, prefix: str = "") -> Tuple[str, ...]:
        value = raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(file, prefix + key, "must be a list of non-empty texts")
            return ()
        for index, item in enumerate(value):
            if isinstance(item, dict):
                self.problem(
                    file,
                    f"{prefix}{key}[{index}]",
                    "is read as a mapping because of ': ' in the text; put the text in quotes",
                )
            elif not isinstance(item, str) or not item.strip():
                self.problem(file, f"{prefix}{key}[{index}]", "must be a non-empty text")
        return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())

    def unknown_fields(self, file: str, raw: Dict[str, Any], allowed: Set[str], prefix: str = "") -> None:
        for key in sorted(set(raw) - allowed, key=str):
            self.problem(file, prefix + str(key), f"unknown field (allowed: {', '.join(sorted(allowed))})")


def _read_yaml(path: Path, reader: _Reader, display: str) -> Optional[Dict[str, Any]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        reader.problem(display, "", f"is not valid YAML{where}: {getattr(error, 'problem', error)}")
        return None
    except (OSError, UnicodeDecodeError) as error:
        reader.problem(display, "", f"cannot be read: {error}")
        return None
    if not isinstance(raw, dict):
        reader.problem(display, "", "must be a YAML mapping of fields")
        return None
    return raw


def _display(path: Path, data_dir: Path) -> str:
    try:
        return str(Path("data") / path.relative_to(data_dir))
    except ValueError:
        return str(path)


def _read(data_dir: Path) -> Tuple[List[Problem], Optional[KnowledgeBase]]:
    reader = _Reader()
    city_path = data_dir / "city.yml"
    city = None
    if not city_path.exists():
        reader.problem(_display(city_path, data_dir), "", "the city profile is missing")
    else:
        raw_city = _read_yaml(city_path, reader, _display(city_path, data_dir))
        if raw_city is not None:
            city = _read_city(raw_city, reader, _display(city_path, data_dir))

    articles: Dict[str, Article] = {}
    first_seen: Dict[str, str] = {}
    question_owner: Dict[str, str] = {}
    kb_dir = data_dir / "kb"
    files = sorted(kb_dir.glob("*.yml")) + sorted(kb_dir.glob("*.yaml"))
    if not files:
        reader.problem(_display(kb_dir, data_dir), "", "contains no articles (*.yml)")
    for path in files:
        display = _display(path, data_dir)
        raw = _read_yaml(path, reader, display)
        if raw is None:
            continue
        article = _read_article(raw, reader, display, path.stem, city)
        if article is None:
            continue
        if article.id in first_seen:
            reader.problem(display, "id", f"duplicate id {article.id!r}, also used in {first_seen[article.id]}")
            continue
        first_seen[article.id] = display
        for question in article.questions + article.questions_en:
            key = " ".join(question.lower().split())
            owner = question_owner.setdefault(key, article.id)
            if owner != article.id:
                reader.problem(display, "questions", f"{question!r} is also an example question of {owner!r}")
        articles[article.id] = article

    if city is not None:
        try:
            load_canned(data_dir / "canned.yml", set(city.departments))
        except (ValueError, yaml.YAMLError) as error:
            reader.problem("data/canned.yml", "", str(error).split(": ", 1)[-1])

    for article in articles.values():
        for other in article.related:
            if other not in articles:
                reader.problem(article.source, "related", f"unknown article id {other!r}")

    if reader.problems or city is None:
        return reader.problems, None
    return [], KnowledgeBase(city=city, articles=articles)


def _read_city(raw: Dict[str, Any], reader: _Reader, file: str) -> Optional[CityProfile]:
    reader.unknown_fields(file, raw, CITY_FIELDS)
    before = len(reader.problems)
    name = reader.text(file, raw, "city")
    state = reader.text(file, raw, "state")
    if state and state not in STATES:
        reader.problem(file, "state", f"unknown state code {state!r} (one of {', '.join(sorted(STATES))})")
    holiday_region = reader.text(file, raw, "holiday_region", required=False) or None
    if holiday_region and holiday_region not in REGIONS:
        known = ", ".join(f"{region} ({parent})" for region, parent in sorted(REGIONS.items()))
        reader.problem(file, "holiday_region", f"unknown region {holiday_region!r} (known: {known})")
    elif holiday_region and state and REGIONS[holiday_region] != state:
        reader.problem(file, "holiday_region", f"{holiday_region!r} lies in {REGIONS[holiday_region]}, not in {state}")
    catholic_holidays = raw.get("catholic_holidays", False)
    if not isinstance(catholic_holidays, bool):
        reader.problem(file, "catholic_holidays", "must be true or false")
    elif catholic_holidays and state in STATES:
        catholic = catholic_states(dt.date.today().year)
        if state not in catholic:
            message = f"{state} has no holidays of Catholic municipalities (only {', '.join(catholic)}): leave it out"
            reader.problem(file, "catholic_holidays", message)
    timezone = reader.text(file, raw, "timezone")
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            reader.problem(file, "timezone", f"unknown time zone {timezone!r}")
    website = reader.text(file, raw, "website")
    if website and links.url_problem(website):
        reader.problem(file, "website", links.url_problem(website) or "")
    phone = reader.text(file, raw, "phone")
    closed_days = reader.strings(file, raw, "closed_days")
    for day in closed_days:
        try:
            dt.datetime.strptime(f"2024-{day}", "%Y-%m-%d")
        except ValueError:
            reader.problem(file, "closed_days", f"{day!r} is not a month-day like '12-24'")

    departments: Dict[str, Department] = {}
    raw_departments = raw.get("departments")
    if not isinstance(raw_departments, list) or not raw_departments:
        reader.problem(file, "departments", "must be a non-empty list")
        raw_departments = []
    for index, raw_dep in enumerate(raw_departments):
        prefix = f"departments[{index}]."
        if not isinstance(raw_dep, dict):
            reader.problem(file, prefix.rstrip("."), "must be a mapping")
            continue
        department = _read_department(raw_dep, reader, file, prefix)
        if department is None:
            continue
        if department.id in departments:
            reader.problem(file, prefix + "id", f"duplicate department id {department.id!r}")
        departments[department.id] = department

    default = reader.text(file, raw, "default_department")
    if default and default not in departments:
        reader.problem(file, "default_department", f"unknown department {default!r}")
    case_prefix = str(raw.get("case_prefix") or (name[:2].upper() if name else ""))
    if not CASE_PREFIX.match(case_prefix):
        reader.problem(file, "case_prefix", f"{case_prefix!r}: one to five capital letters A-Z, like 'MS'")
    service_level_days = _service_level(raw, reader, file, "")
    complaints = reader.text(file, raw, "complaints_department", required=False) or None
    if complaints and complaints not in departments:
        reader.problem(file, "complaints_department", f"unknown department {complaints!r}")
    privacy_url = reader.text(file, raw, "privacy_url", required=False) or None
    if privacy_url and links.url_problem(privacy_url):
        reader.problem(file, "privacy_url", links.url_problem(privacy_url) or "")
    if len(reader.problems) > before:
        return None
    return CityProfile(
        city=name,
        state=state,
        timezone=timezone,
        website=website,
        phone=phone,
        default_department=default,
        departments=departments,
        closed_days=closed_days,
        holiday_region=holiday_region,
        catholic_holidays=catholic_holidays is True,
        case_prefix=case_prefix,
        service_level_days=service_level_days or 2,
        complaints_department=complaints,
        privacy_url=privacy_url,
    )


def _service_level(raw: Dict[str, Any], reader: _Reader, file: str, prefix: str) -> Optional[int]:
    days = raw.get("service_level_days")
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_SERVICE_LEVEL_DAYS:
        reader.problem(
            file,
            prefix + "service_level_days",
            f"must be a whole number of working days, 1 to {MAX_SERVICE_LEVEL_DAYS}",
        )
        return None
    return days


def _read_department(raw: Dict[str, Any], reader: _Reader, file: str, prefix: str) -> Optional[Department]:
    reader.unknown_fields(file, raw, DEPARTMENT_FIELDS, prefix)
    before = len(reader.problems)
    dep_id = reader.text(file, raw, "id", prefix)
    if dep_id and not ARTICLE_ID.match(dep_id):
        reader.problem(file, prefix + "id", "must be lower-case letters, digits and underscores")
    name = reader.text(file, raw, "name", prefix)
    email = reader.text(file, raw, "email", prefix)
    if email and not links.EMAIL.match(email):
        reader.problem(file, prefix + "email", f"{email!r} is not an e-mail address")
    phone = reader.text(file, raw, "phone", prefix)
    hours: Dict[str, Tuple[TimeRange, ...]] = {}
    raw_hours = raw.get("hours") or {}
    if not isinstance(raw_hours, dict):
        reader.problem(file, prefix + "hours", "must map weekdays (mon..sun) to lists like ['08:00-12:00']")
        raw_hours = {}
    for day, ranges in raw_hours.items():
        field = f"{prefix}hours.{day}"
        if day not in WEEKDAYS:
            reader.problem(file, field, f"unknown weekday (one of {', '.join(WEEKDAYS)})")
            continue
        if not isinstance(ranges, list):
            reader.problem(file, field, "must be a list like ['08:00-12:00']")
            continue
        parsed: List[TimeRange] = []
        for item in ranges:
            match = TIME_RANGE.match(str(item))
            if not match:
                reader.problem(file, field, f"{item!r} is not a time range like '08:00-12:00'")
                continue
            start = dt.time(int(match.group(1)), int(match.group(2)))
            end_h, end_m = int(match.group(3)), int(match.group(4))
            end = dt.time(23, 59, 59) if end_h == 24 else dt.time(end_h, end_m)
            if end <= start:
                reader.problem(file, field, f"{item!r} ends before it starts")
                continue
            parsed.append(TimeRange(start, end))
        hours[day] = tuple(sorted(parsed, key=lambda r: r.start))
    max_queue = raw.get("max_queue")
    if max_queue is not None and (isinstance(max_queue, bool) or not isinstance(max_queue, int) or max_queue < 1):
        reader.problem(file, prefix + "max_queue", "must be a whole number of at least 1 (waiting citizens)")
    service_level_days = _service_level(raw, reader, file, prefix)
    if len(reader.problems) > before:
        return None
    name_en = raw.get("name_en")
    return Department(
        id=dep_id,
        name=name,
        email=email,
        phone=phone,
        address=str(raw.get("address") or ""),
        name_en=name_en if isinstance(name_en, str) else None,
        hours=hours,
        aliases=reader.strings(file, raw, "aliases", prefix),
        max_queue=max_queue if isinstance(max_queue, int) else None,
        service_level_days=service_level_days,
    )


def _read_localized(raw: Dict[str, Any], reader: _Reader, file: str, prefix: str) -> Optional[Localized]:
    title = reader.text(file, raw, "title", prefix)
    answer = reader.text(file, raw, "answer", prefix)
    documents = reader.strings(file, raw, "documents", prefix)
    processing_time = reader.text(file, raw, "processing_time", prefix, required=False) or None
    for fragment in links.broken_markdown(answer):
        reader.problem(file, prefix + "answer", f"broken link {fragment!r}: write [text](https://...)")
    for _label, url in links.markdown_links(answer):
        problem = links.url_problem(url)
        if problem:
            reader.problem(file, prefix + "answer", f"broken {problem}")
    if not title or not answer:
        return None
    return Localized(title=title, answer=answer, documents=documents, processing_time=processing_time)


def _read_article(
    raw: Dict[str, Any], reader: _Reader, file: str, stem: str, city: Optional[CityProfile]
) -> Optional[Article]:
    reader.unknown_fields(file, raw, ARTICLE_FIELDS)
    before = len(reader.problems)
    article_id = raw.get("id")
    if article_id is None:
        reader.problem(file, "id", "is missing")
    elif not isinstance(article_id, str) or not ARTICLE_ID.match(article_id):
        reader.problem(file, "id", f"{article_id!r} must be lower-case letters, digits and underscores")
    elif article_id != stem:
        reader.problem(file, "id", f"{article_id!r} must equal the file name ({stem!r})")

    department = reader.text(file, raw, "department")
    if department and city is not None and department not in city.departments:
        reader.problem(
            file,
            "department",
            f"unknown department {department!r} (known: {', '.join(sorted(city.departments))})",
        )
    de = _read_localized(raw, reader, file, "")

    en = None
    raw_en = raw.get("en")
    if raw_en is not None:
        if not isinstance(raw_en, dict):
            reader.problem(file, "en", "must be a mapping with title and answer")
        else:
            reader.unknown_fields(file, raw_en, LOCALIZED_FIELDS, "en.")
            en = _read_localized(raw_en, reader, file, "en.")

    questions = reader.strings(file, raw, "questions")
    if "questions" not in raw:
        reader.problem(file, "questions", f"is missing (at least {MIN_QUESTIONS} example questions)")
    unique = {" ".join(q.lower().split()) for q in questions}
    if len(unique) < len(questions):
        reader.problem(file, "questions", "contains the same question twice")
    if "questions" in raw and len(unique) < MIN_QUESTIONS:
        reader.problem(
            file, "questions", f"has {len(unique)} different example questions, at least {MIN_QUESTIONS} needed"
        )
    questions_en = reader.strings(file, raw, "questions_en")
    for field, texts in (("questions", questions), ("questions_en", questions_en)):
        for question in texts:
            if "[" in question or "]" in question or "\n" in question:
                reader.problem(file, field, f"{question!r}: no brackets or line breaks (Rasa reads them as markup)")

    fees: List[Fee] = []
    raw_fees = raw.get("fees") or []
    if not isinstance(raw_fees, list):
        reader.problem(file, "fees", "must be a list of {label, amount}")
        raw_fees = []
    for index, raw_fee in enumerate(raw_fees):
        field = f"fees[{index}]"
        if not isinstance(raw_fee, dict) or set(raw_fee) - {"label", "amount"}:
            reader.problem(file, field, "must be a mapping with label and amount")
            continue
        label, amount = raw_fee.get("label"), raw_fee.get("amount")
        if not isinstance(label, str) or not label.strip():
            reader.problem(file, field + ".label", "must be a non-empty text")
            continue
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
            reader.problem(file, field + ".amount", "must be a number of euros (0 for free)")
            continue
        fees.append(Fee(label.strip(), float(amount)))

    online_service = reader.text(file, raw, "online_service", required=False) or None
    if online_service:
        problem = links.url_problem(online_service)
        if problem:
            reader.problem(file, "online_service", f"broken {problem}")
    leika = raw.get("leika")
    if leika is not None and (not isinstance(leika, str) or not LEIKA.match(leika)):
        reader.problem(file, "leika", "must be a 14-digit LeiKa key in quotes")
    related = reader.strings(file, raw, "related")
    keywords = reader.strings(file, raw, "keywords")

    if len(reader.problems) > before or de is None or not isinstance(article_id, str):
        return None
    return Article(
        id=article_id,
        department=department,
        de=de,
        en=en,
        questions=questions,
        questions_en=questions_en,
        fees=tuple(fees),
        online_service=online_service,
        leika=leika,
        related=related,
        keywords=keywords,
        source=file,
    )


def _article_urls(article: Article) -> List[str]:
    urls = [url for _, url in links.markdown_links(article.de.answer)]
    if article.en:
        urls += [url for _, url in links.markdown_links(article.en.answer)]
    if article.online_service:
        urls.append(article.online_service)
    return urls


def _field_of_url(article: Article, url: str) -> str:
    if url == article.online_service:
        return "online_service"
    if article.en and url in article.en.answer and url not in article.de.answer:
        return "en.answer"
    return "answer"
