"""Cross-language query expansion from the articles' named-entity glossaries."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from index.records import GlossaryEntry


class Glossary:
    """Maps English names to their Chinese forms and back (大庆 <-> Daqing)."""

    def __init__(self, entries: Iterable[GlossaryEntry]) -> None:
        self._en_to_zh: dict[str, set[str]] = defaultdict(set)
        self._zh_to_en: dict[str, set[str]] = defaultdict(set)
        for e in entries:
            if e.en.strip() and e.zh.strip():
                self._en_to_zh[e.en.strip().lower()].add(e.zh.strip())
                self._zh_to_en[e.zh.strip()].add(e.en.strip())
        self._en_patterns = {
            en: re.compile(rf"(?<![a-z0-9]){re.escape(en)}(?![a-z0-9])") for en in self._en_to_zh
        }

    def __len__(self) -> int:
        return len(self._en_to_zh) + len(self._zh_to_en)

    def expand(self, question: str) -> list[str]:
        """Terms in the other language for every glossary name the question mentions."""
        lowered = question.lower()
        extra: set[str] = set()
        for en, pattern in self._en_patterns.items():
            if en in lowered and pattern.search(lowered):
                extra |= self._en_to_zh[en]
        for zh, ens in self._zh_to_en.items():
            if zh in question:
                extra |= ens
        return sorted(extra)
