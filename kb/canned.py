"""Canned responses for agents (data/canned.yml), per department and language."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Set

import yaml

ALL_DEPARTMENTS = "*"


@dataclass(frozen=True)
class CannedResponse:
    id: str
    department: str
    title: str
    texts: Dict[str, str]

    def text(self, language: str, agent: str) -> str:
        return self.texts.get(language, self.texts["de"]).replace("{agent}", agent)


def load_canned(path: Path, departments: Optional[Set[str]] = None) -> List[CannedResponse]:
    """The responses; raises ValueError naming the entry and field when the file is wrong."""
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = raw.get("responses") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path.name}: responses: must be a list")
    result: List[CannedResponse] = []
    seen = set()
    for index, entry in enumerate(entries):
        where = f"{path.name}: responses[{index}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: must be a mapping")
        for field in ("id", "department", "title", "de"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise ValueError(f"{where}.{field}: is missing")
        if entry["id"] in seen:
            raise ValueError(f"{where}.id: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        department = entry["department"]
        if departments is not None and department != ALL_DEPARTMENTS and department not in departments:
            raise ValueError(f"{where}.department: unknown department {department!r}")
        texts = {lang: entry[lang] for lang in ("de", "en") if isinstance(entry.get(lang), str)}
        result.append(CannedResponse(entry["id"], department, entry["title"], texts))
    return result
