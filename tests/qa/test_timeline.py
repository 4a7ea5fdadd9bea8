"""The answer's timeline: periods, counts and cited marks (no model), and matches on the real
month index."""

from __future__ import annotations

from pathlib import Path

from index.embedder import Embedder
from index.records import PassageFacts
from index.settings import Settings
from qa.service import Assistant
from qa.timeline import timeline


def _facts(dates: dict[str, str]) -> dict[str, PassageFacts]:
    return {pid: PassageFacts(pid.split("#")[0], d, False, True) for pid, d in dates.items()}


def test_bars_by_day_month_and_year_with_gaps_and_cited_marks() -> None:
    facts = _facts({"a#p1": "1946-05-14", "a#p2": "1946-05-14", "b#p1": "1946-05-16"})
    t = timeline(["a#p1", "a#p2"], ["b#p1"], facts)
    assert t is not None and t.unit == "day"
    assert [(b.label, b.count, b.cited) for b in t.bars] == [
        ("1946-05-14", 2, 0),
        ("1946-05-15", 0, 0),
        ("1946-05-16", 1, 1),
    ]
    facts = _facts({"a#p1": "1946-05-31", "b#p1": "1946-08-01", "c#p1": "1946-12-02"})
    t = timeline(facts, [], facts)
    assert t is not None and t.unit == "month" and len(t.bars) == 8
    assert t.bars[0].date_from == "1946-05-01" and t.bars[0].date_to == "1946-05-31"
    assert t.bars[-1].label == "1946-12" and t.bars[-1].date_to == "1946-12-31"
    facts = _facts({"a#p1": "1946-05-31", "b#p1": "1966-01-11", "c#p1": "bad"})
    t = timeline(facts, ["b#p1"], facts)
    assert t is not None and t.unit == "year" and len(t.bars) == 21 and t.total == 2
    assert (t.bars[-1].label, t.bars[-1].date_from, t.bars[-1].cited) == ("1966", "1966-01-01", 1)
    assert timeline([], [], facts) is None and timeline(["c#p1"], [], facts) is None


def test_matches_on_the_month_in_both_languages(month_data: Path, real_embedder: Embedder) -> None:
    assistant = Assistant.open(Settings(data_dir=month_data), real_embedder)
    zh = assistant.timeline(assistant.ask("四平的战斗怎么样了？"))
    en = assistant.timeline(assistant.ask("How was the fighting at Siping going?"))
    for t in (zh, en):
        assert t is not None and t.total >= 5
        may = [b for b in t.bars if b.label.startswith("1946")]
        assert sum(b.count for b in may) >= 0.8 * t.total  # Siping: the May 1946 battle
    # A question about the 1966 seeds is counted in 1966, where its cited passages are marked.
    answer = assistant.ask("What did the Jinzhou Electric Furnace Factory trial-produce in 1965?")
    t = assistant.timeline(answer)
    assert t is not None and answer.citations
    cited = [b for b in t.bars if b.cited]
    assert cited and all(b.label.startswith("1966") for b in cited)
