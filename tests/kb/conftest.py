from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable, Dict

import pytest
import yaml

from kb.loader import default_data_dir

GOOD_ARTICLE: Dict[str, Any] = {
    "id": "hundesteuer",
    "title": "Hund anmelden",
    "department": "steueramt",
    "answer": "Melden Sie Ihren Hund [online](https://www.musterstadt.de/hund) an.",
    "questions": [f"Frage {n} zur Hundesteuer" for n in range(12)],
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory with the real city profile and one good article."""
    shutil.copy(default_data_dir() / "city.yml", tmp_path / "city.yml")
    (tmp_path / "kb").mkdir()
    write_article(tmp_path, "hundesteuer", GOOD_ARTICLE)
    return tmp_path


def write_article(data_dir: Path, name: str, content: Dict[str, Any]) -> Path:
    path = data_dir / "kb" / f"{name}.yml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def article_with() -> Callable[..., Dict[str, Any]]:
    def build(**changes: Any) -> Dict[str, Any]:
        article = dict(GOOD_ARTICLE)
        for key, value in changes.items():
            if value is None:
                article.pop(key, None)
            else:
                article[key] = value
        return article

    return build
