"""Broken KB files fail validation with a message that names the file and the field."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Dict, Iterator

import pytest
import yaml

from kb import loader
from tests.kb.conftest import write_article

ROOT = Path(__file__).resolve().parents[2]


def problems_of(data_dir: Path) -> list[str]:
    return [str(p) for p in loader.check(data_dir)]


def test_a_good_article_passes(data_dir: Path) -> None:
    assert problems_of(data_dir) == []
    assert loader.load(data_dir).articles["hundesteuer"].department == "steueramt"


def test_missing_id(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    write_article(data_dir, "hundesteuer", article_with(id=None))
    assert problems_of(data_dir) == ["data/kb/hundesteuer.yml: id: is missing"]


def test_id_must_match_the_file_name(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    write_article(data_dir, "hundesteuer", article_with(id="hunde_steuer"))
    assert problems_of(data_dir) == [
        "data/kb/hundesteuer.yml: id: 'hunde_steuer' must equal the file name ('hundesteuer')"
    ]


def test_duplicate_id(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    other_questions = [f"Andere Frage {n}" for n in range(12)]
    write_article(data_dir, "hundesteuer_kopie", article_with(questions=other_questions))
    problems = problems_of(data_dir)
    assert any(p.startswith("data/kb/hundesteuer_kopie.yml: id:") and "must equal the file name" in p for p in problems)
    # the same id under its right name twice: name clash through a second extension
    (data_dir / "kb" / "hundesteuer.yaml").write_text(
        yaml.safe_dump(article_with(questions=other_questions)), encoding="utf-8"
    )
    assert "data/kb/hundesteuer.yaml: id: duplicate id 'hundesteuer', also used in data/kb/hundesteuer.yml" in (
        problems_of(data_dir)
    )


def test_unknown_department(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    write_article(data_dir, "hundesteuer", article_with(department="hundeamt"))
    [problem] = problems_of(data_dir)
    assert problem.startswith("data/kb/hundesteuer.yml: department: unknown department 'hundeamt' (known: ")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Siehe [hier](javascript:alert(1)).", "answer: broken link 'javascript:alert(1' must start with one of"),
        ("Siehe [hier](https://www.musterstadt .de).", "answer: broken link 'https://www.musterstadt"),
        ("Siehe [hier](https://).", "answer: broken link 'https://' has no valid host name"),
        ("Siehe [hier](https://www.musterstadt.de/hund und weiter.", "answer: broken link '[hier](https://www"),
        ("Schreiben Sie an [uns](mailto:hund-at-musterstadt.de).", "answer: broken link 'mailto:hund-at-musterstadt"),
        ("Siehe [hier]().", "answer: broken empty link target"),
    ],
)
def test_broken_links(data_dir: Path, article_with: Callable[..., Dict[str, Any]], answer: str, expected: str) -> None:
    write_article(data_dir, "hundesteuer", article_with(answer=answer))
    problems = problems_of(data_dir)
    assert len(problems) == 1, problems
    assert problems[0].startswith("data/kb/hundesteuer.yml: " + expected)


def test_broken_online_service_link(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    write_article(data_dir, "hundesteuer", article_with(online_service="www.musterstadt.de/hund"))
    [problem] = problems_of(data_dir)
    assert problem.startswith("data/kb/hundesteuer.yml: online_service: broken link 'www.musterstadt.de/hund'")


def test_fewer_than_ten_questions(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    write_article(data_dir, "hundesteuer", article_with(questions=[f"Frage {n}" for n in range(9)]))
    assert problems_of(data_dir) == [
        "data/kb/hundesteuer.yml: questions: has 9 different example questions, at least 10 needed"
    ]


def test_repeated_questions_do_not_count_twice(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    questions = [f"Frage {n}" for n in range(9)] + ["frage  0"]
    write_article(data_dir, "hundesteuer", article_with(questions=questions))
    problems = problems_of(data_dir)
    assert "data/kb/hundesteuer.yml: questions: contains the same question twice" in problems
    assert "data/kb/hundesteuer.yml: questions: has 9 different example questions, at least 10 needed" in problems


def test_missing_questions(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    write_article(data_dir, "hundesteuer", article_with(questions=None))
    assert problems_of(data_dir) == ["data/kb/hundesteuer.yml: questions: is missing (at least 10 example questions)"]


def test_a_question_in_two_articles(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    other = article_with(id="sperrmuell", questions=[f"Sperrmüll {n}" for n in range(11)] + ["Frage 3 zur Hundesteuer"])
    write_article(data_dir, "sperrmuell", other)
    assert problems_of(data_dir) == [
        "data/kb/sperrmuell.yml: questions: 'Frage 3 zur Hundesteuer' is also an example question of 'hundesteuer'"
    ]


def test_unknown_field_and_unquoted_colon(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    path = write_article(data_dir, "hundesteuer", article_with(question=["typo in the field name"]))
    text = path.read_text(encoding="utf-8") + "documents:\n  - Nachweis: Steuerbescheid\n"
    path.write_text(text, encoding="utf-8")
    problems = problems_of(data_dir)
    assert any(p.startswith("data/kb/hundesteuer.yml: question: unknown field") for p in problems)
    assert (
        "data/kb/hundesteuer.yml: documents[0]: "
        "is read as a mapping because of ': ' in the text; put the text in quotes" in problems
    )


def test_invalid_yaml_names_the_line(data_dir: Path) -> None:
    (data_dir / "kb" / "hundesteuer.yml").write_text("id: hundesteuer\ntitle: [unclosed\n", encoding="utf-8")
    [problem] = problems_of(data_dir)
    assert problem.startswith("data/kb/hundesteuer.yml: is not valid YAML (line 3)")


def test_unknown_related_article(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    write_article(data_dir, "hundesteuer", article_with(related=["katzensteuer"]))
    assert problems_of(data_dir) == ["data/kb/hundesteuer.yml: related: unknown article id 'katzensteuer'"]


def test_negative_fee(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    write_article(data_dir, "hundesteuer", article_with(fees=[{"label": "Hund", "amount": -3}]))
    assert problems_of(data_dir) == ["data/kb/hundesteuer.yml: fees[0].amount: must be a number of euros (0 for free)"]


def test_city_profile_errors_name_the_field(data_dir: Path) -> None:
    city = yaml.safe_load((data_dir / "city.yml").read_text(encoding="utf-8"))
    city["state"] = "XX"
    city["departments"][1]["hours"]["mon"] = ["08:00-7:00"]
    (data_dir / "city.yml").write_text(yaml.safe_dump(city, allow_unicode=True), encoding="utf-8")
    problems = problems_of(data_dir)
    assert any(p.startswith("data/city.yml: state: unknown state code 'XX'") for p in problems)
    assert "data/city.yml: departments[1].hours.mon: '08:00-7:00' is not a time range like '08:00-12:00'" in problems


def test_a_departments_queue_limit_is_a_positive_number(data_dir: Path) -> None:
    city = yaml.safe_load((data_dir / "city.yml").read_text(encoding="utf-8"))
    city["departments"][0]["max_queue"] = 8
    (data_dir / "city.yml").write_text(yaml.safe_dump(city, allow_unicode=True), encoding="utf-8")
    assert loader.load(data_dir).city.departments[city["departments"][0]["id"]].max_queue == 8
    city["departments"][0]["max_queue"] = 0
    (data_dir / "city.yml").write_text(yaml.safe_dump(city, allow_unicode=True), encoding="utf-8")
    assert "data/city.yml: departments[0].max_queue: must be a whole number of at least 1 (waiting citizens)" in (
        problems_of(data_dir)
    )


def test_holiday_region_and_catholic_holidays_are_optional_and_checked(data_dir: Path) -> None:
    original = yaml.safe_load((data_dir / "city.yml").read_text(encoding="utf-8"))

    def city_with(**fields: Any) -> list[str]:
        city = dict(original, **fields)
        (data_dir / "city.yml").write_text(yaml.safe_dump(city, allow_unicode=True), encoding="utf-8")
        return problems_of(data_dir)

    assert loader.load(data_dir).city.holiday_region is None
    assert loader.load(data_dir).city.catholic_holidays is False
    assert city_with(state="BY", holiday_region="Augsburg", catholic_holidays=True) == []
    augsburg = loader.load(data_dir).city
    assert (augsburg.state, augsburg.holiday_region, augsburg.catholic_holidays) == ("BY", "Augsburg", True)

    assert city_with(holiday_region="Fürth") == [
        "data/city.yml: holiday_region: unknown region 'Fürth' (known: Augsburg (BY))"
    ]
    assert city_with(state="NW", holiday_region="Augsburg") == [
        "data/city.yml: holiday_region: 'Augsburg' lies in BY, not in NW"
    ]
    assert city_with(catholic_holidays="ja") == ["data/city.yml: catholic_holidays: must be true or false"]
    assert city_with(catholic_holidays=True) == [
        "data/city.yml: catholic_holidays: NW has no holidays of Catholic municipalities (only BY, SN, TH): "
        "leave it out"
    ]


def test_load_raises_with_all_problems(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    write_article(data_dir, "hundesteuer", article_with(department="x", questions=["a"]))
    with pytest.raises(loader.KnowledgeBaseError) as raised:
        loader.load(data_dir)
    assert len(raised.value.problems) == 2


def test_validate_command_fails_and_names_file_and_field(
    data_dir: Path, article_with: Callable[..., Dict[str, Any]]
) -> None:
    write_article(data_dir, "hundesteuer", article_with(questions=["nur eine Frage"]))
    result = subprocess.run(
        [sys.executable, "-m", "kb", "validate", "--data", str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "data/kb/hundesteuer.yml: questions: has 1 different example questions, at least 10 needed" in result.stderr


def test_validate_command_passes_on_the_shipped_kb() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kb", "validate"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Knowledge base OK: " in result.stdout


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def link_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_online_check_reports_dead_links(
    data_dir: Path, article_with: Callable[..., Dict[str, Any]], link_server: str
) -> None:
    answer = f"Siehe [gut]({link_server}/ok) und [weg]({link_server}/gone)."
    write_article(data_dir, "hundesteuer", article_with(answer=answer))
    problems = [str(p) for p in loader.check(data_dir, online=True, timeout=5)]
    assert problems == [f"data/kb/hundesteuer.yml: answer: link '{link_server}/gone' answers HTTP 404"]


def test_leika_key_must_have_14_digits(data_dir: Path, article_with: Callable[..., Dict[str, Any]]) -> None:
    write_article(data_dir, "hundesteuer", article_with(leika="9910"))
    assert problems_of(data_dir) == ["data/kb/hundesteuer.yml: leika: must be a 14-digit LeiKa key in quotes"]
    write_article(data_dir, "hundesteuer", article_with(leika="99102009000000"))
    assert problems_of(data_dir) == []


def test_case_prefix_and_service_levels_are_checked(data_dir: Path) -> None:
    original = yaml.safe_load((data_dir / "city.yml").read_text(encoding="utf-8"))

    def city_with(**fields: Any) -> list[str]:
        city = dict(original, **fields)
        (data_dir / "city.yml").write_text(yaml.safe_dump(city, allow_unicode=True), encoding="utf-8")
        return problems_of(data_dir)

    assert city_with(case_prefix="MS", service_level_days=3) == []
    assert "data/city.yml: complaints_department: unknown department 'beschwerde'" in city_with(
        complaints_department="beschwerde"
    )
    assert any(p.startswith("data/city.yml: privacy_url:") for p in city_with(privacy_url="datenschutz.html"))
    assert city_with(case_prefix="MS", service_level_days=3) == []
    profile = loader.load(data_dir).city
    assert (profile.case_prefix, profile.service_level(None)) == ("MS", 3)
    assert "data/city.yml: case_prefix: 'ms-1': one to five capital letters A-Z, like 'MS'" in city_with(
        case_prefix="ms-1"
    )
    assert "data/city.yml: service_level_days: must be a whole number of working days, 1 to 60" in city_with(
        service_level_days=0
    )
    departments = [dict(original["departments"][0], service_level_days=5), *original["departments"][1:]]
    assert city_with(departments=departments) == []
    profile = loader.load(data_dir).city
    assert profile.service_level(departments[0]["id"]) == 5
    assert profile.service_level(departments[1]["id"]) == profile.service_level_days
    without = {k: v for k, v in original.items() if k not in ("case_prefix", "service_level_days")}
    (data_dir / "city.yml").write_text(yaml.safe_dump(without, allow_unicode=True), encoding="utf-8")
    assert loader.load(data_dir).city.case_prefix == original["city"][:2].upper()
