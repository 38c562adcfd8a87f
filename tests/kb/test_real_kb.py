"""The knowledge base the city ships: complete, valid and with enough examples."""

from __future__ import annotations

import pytest

import kb

REQUIRED_ARTICLES = [
    "personalausweis",
    "reisepass",
    "kinderreisepass",
    "ausweis_verloren",
    "wohnsitz_anmelden",
    "wohnsitz_abmelden",
    "meldebescheinigung",
    "fuehrungszeugnis",
    "termin_buergeramt",
    "oeffnungszeiten",
    "kfz_zulassung",
    "kfz_abmeldung",
    "wunschkennzeichen",
    "fuehrerschein",
    "bewohnerparkausweis",
    "hundesteuer",
    "sperrmuell",
    "abfallkalender",
    "geburtsurkunde",
    "eheschliessung",
    "sterbefall",
    "gewerbe_anmelden",
    "baugenehmigung",
    "kita_platz",
    "wohngeld",
    "wohnberechtigungsschein",
    "elterngeld",
    "fundbuero",
    "briefwahl",
    "grundsteuer",
    "aufenthaltstitel",
    "einbuergerung",
    "beglaubigung",
    "schwerbehindertenausweis",
    "maengel_melden",
    "bibliotheksausweis",
]


@pytest.fixture(scope="module")
def knowledge() -> kb.KnowledgeBase:
    return kb.load()


def test_the_shipped_kb_has_no_problems() -> None:
    assert kb.check() == []


def test_every_required_article_exists(knowledge: kb.KnowledgeBase) -> None:
    assert set(REQUIRED_ARTICLES) <= set(knowledge.articles)


def test_the_city_is_musterstadt_in_nrw(knowledge: kb.KnowledgeBase) -> None:
    assert knowledge.city.city == "Musterstadt"
    assert knowledge.city.state == "NW"


@pytest.mark.parametrize("article_id", REQUIRED_ARTICLES)
def test_article_is_complete(knowledge: kb.KnowledgeBase, article_id: str) -> None:
    article = knowledge.articles[article_id]
    assert len(set(article.questions)) >= 10
    assert article.department in knowledge.city.departments
    assert len(article.de.answer.split()) >= 30


def test_federal_fees_are_the_legal_ones(knowledge: kb.KnowledgeBase) -> None:
    fees = {f.label: f.amount for f in knowledge.articles["personalausweis"].fees}
    assert fees["Personen ab 24 Jahren"] == 46.0  # PAuswGebV since 7 Feb 2026
    assert fees["Personen unter 24 Jahren"] == 27.6
    assert any(f.amount == 13.0 for f in knowledge.articles["fuehrungszeugnis"].fees)
