"""The catalog's narrow tables (passage facts, glossaries) against the passages' and articles'
own JSON, which they repeat: after adds, an update and a removal, and filled once for a
catalog made before they existed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from index.build import Indexer
from index.catalog import Catalog
from index.records import GlossaryEntry, PassageFacts
from index.settings import Settings
from tests.fakes import HashEmbedder


def _from_json(catalog: Catalog) -> tuple[dict[str, PassageFacts], list[GlossaryEntry]]:
    facts = {
        p.id: PassageFacts(p.article_id, p.date, bool(p.text_en), bool(p.text_zh))
        for p in catalog.iter_passages()
    }
    glossary = [g for a in catalog.iter_articles() for g in a.glossary]
    return facts, glossary


def _check(catalog: Catalog) -> None:
    facts, glossary = _from_json(catalog)
    assert catalog.facts(list(facts)) == facts
    assert sorted(map(repr, catalog.glossary_entries())) == sorted(map(repr, glossary))


def test_facts_and_glossaries_follow_every_change(tmp_path: Path, corpus: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    Indexer(settings, HashEmbedder()).run([corpus], progress=False)
    path = tmp_path / "data" / "catalog.sqlite3"
    catalog = Catalog(path)
    facts, glossary = _from_json(catalog)
    assert len(facts) > 20 and len(glossary) > 10  # the seeds have glossaries
    assert {f.has_en for f in facts.values()} == {True, False}  # both kinds of passage
    _check(catalog)
    assert catalog.facts(["nope#p1", *list(facts)[:2]]).keys() == set(list(facts)[:2])

    seed = next(corpus.glob("*46162b52d6e248d1*"))
    seed.write_text(seed.read_text(encoding="utf-8").replace("1966", "1967"), encoding="utf-8")
    (corpus / "english_only.txt").unlink()
    Indexer(settings, HashEmbedder()).run([corpus], progress=False)
    catalog = Catalog(path)
    _check(catalog)
    after = _from_json(catalog)[0]
    gone = set(facts) - set(after)
    assert gone and catalog.facts(gone) == {}  # the removed article's passages
    assert {after[p].date for p in after if "46162b52d6e248d1" in p} == {"1967-01-11"}

    # A catalog made before the tables: filled from the JSON when it is next opened.
    catalog.close()
    db = sqlite3.connect(path)
    with db:
        db.execute("DELETE FROM passage_facts")
        db.execute("DELETE FROM glossaries")
        db.execute("DELETE FROM meta WHERE key = 'passage_facts'")
    db.close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM passage_facts").fetchone() == (0,)
    db.close()
    _check(Catalog(path))
