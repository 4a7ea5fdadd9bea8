"""The catalog: which files are indexed (with their content hash), their articles and passages.

SQLite in the data directory. It is the source of truth for incremental indexing: a file's row
is committed only after its vectors are in Chroma, so an interrupted build is finished by the
next run (the file's hash is still the old one, so it is redone).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from index.records import Article, GlossaryEntry, Passage, PassageFacts

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    article TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS passages (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_article ON passages (article_id, ord);
CREATE TABLE IF NOT EXISTS tokens (
    passage_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    en TEXT NOT NULL,
    zh TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_article ON tokens (article_id);
CREATE TABLE IF NOT EXISTS sentence_vectors (
    passage_id TEXT NOT NULL,
    article_id TEXT NOT NULL,
    side TEXT NOT NULL,
    model TEXT NOT NULL,
    vectors BLOB NOT NULL,
    PRIMARY KEY (passage_id, side)
);
CREATE INDEX IF NOT EXISTS sentence_vectors_article ON sentence_vectors (article_id);
CREATE INDEX IF NOT EXISTS files_date ON files (json_extract(article, '$.date'));
CREATE INDEX IF NOT EXISTS files_hash ON files (path, article_id, sha256);
CREATE TABLE IF NOT EXISTS passage_keys (
    key TEXT PRIMARY KEY,
    passage_id TEXT NOT NULL,
    article_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passage_keys_article ON passage_keys (article_id);
CREATE TABLE IF NOT EXISTS passage_facts (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    date TEXT NOT NULL,
    en INTEGER NOT NULL,
    zh INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS passage_facts_article ON passage_facts (article_id);
CREATE TABLE IF NOT EXISTS glossaries (article_id TEXT PRIMARY KEY, entries TEXT NOT NULL);
"""
# What ranking needs of a passage, and the articles' glossaries, kept apart from the JSON so
# that a question reads them for its candidates alone and opening reads nothing of them.
_FACTS_OF_PASSAGES = (
    "SELECT id, article_id, coalesce(json_extract(data, '$.date'), ''), "
    "json_extract(data, '$.text_en') != '', json_extract(data, '$.text_zh') != '' "
    "FROM passages"
)
_GLOSSARIES_OF_FILES = (
    "SELECT article_id, json_extract(article, '$.glossary') FROM files "
    "WHERE json_array_length(article, '$.glossary') > 0"
)
_DATE = "json_extract(article, '$.date')"


def passage_key(pid: str) -> str:
    """A short, stable key of a passage id, for links that must stay short (a handout of 20
    passages): 10 base-32 characters of its SHA-256, 50 bits (a clash is ~1 in 100 among five
    million passages; the first passage keeps the key)."""
    digest = hashlib.sha256(pid.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii")[:10].lower()


class CatalogError(RuntimeError):
    """The catalog file is unreadable; the message names the file and how to rebuild."""


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Serialized SQLite: one connection may serve the web server's worker threads.
            self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            self._local = threading.local()
            self._readers: list[sqlite3.Connection] = []
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            version = self.get_meta("schema_version")
        except sqlite3.DatabaseError as exc:
            raise CatalogError(
                f"{self.path}: unreadable catalog ({exc}); rebuild the index with "
                f"`archive-qa index --rebuild --data-dir {self.path.parent} [PATH ...]`"
            ) from None
        if self.get_meta("passage_keys") is None:
            with contextlib.suppress(sqlite3.OperationalError):  # a read-only copy
                self._fill_keys()
        if self.get_meta("passage_facts") is None:
            with contextlib.suppress(sqlite3.OperationalError):
                self._fill_facts()
        if version is None:
            self.set_meta("schema_version", SCHEMA_VERSION)
        elif version != SCHEMA_VERSION:
            raise CatalogError(
                f"{self.path}: catalog schema {version}, this version reads {SCHEMA_VERSION}; "
                f"run `archive-qa index --rebuild --data-dir {self.path.parent} [PATH ...]`"
            )

    def close(self) -> None:
        for reader in self._readers:
            reader.close()
        self._db.close()

    def _reader(self) -> sqlite3.Connection:
        """This thread's own read connection. The web server's workers read at once (WAL
        lets them); through one shared connection they queued on its lock."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            self._local.db = db
            self._readers.append(db)
        return db

    # meta -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._reader().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # files ------------------------------------------------------------------------------
    def files(self) -> dict[str, tuple[str, str]]:
        """path -> (article id, sha256)."""
        rows = self._db.execute("SELECT path, article_id, sha256 FROM files")
        return {path: (aid, sha) for path, aid, sha in rows}

    def path_of(self, article_id: str) -> str | None:
        row = self._db.execute(
            "SELECT path FROM files WHERE article_id = ?", (article_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def put(self, path: str, sha256: str, article: Article, passages: list[Passage]) -> None:
        """Replace everything known about ``path`` (and its article id) in one transaction."""
        with self._db:
            self._drop(path, article.id)
            self._db.execute(
                "INSERT INTO files (path, article_id, sha256, article) VALUES (?, ?, ?, ?)",
                (path, article.id, sha256, json.dumps(article.to_dict(), ensure_ascii=False)),
            )
            self._db.executemany(
                "INSERT INTO passages (id, article_id, ord, data) VALUES (?, ?, ?, ?)",
                [
                    (p.id, p.article_id, p.order, json.dumps(p.to_dict(), ensure_ascii=False))
                    for p in passages
                ],
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO passage_keys (key, passage_id, article_id) VALUES (?, ?, ?)",
                [(passage_key(p.id), p.id, p.article_id) for p in passages],
            )
            self._db.executemany(
                "INSERT INTO passage_facts (id, article_id, date, en, zh) VALUES (?, ?, ?, ?, ?)",
                [
                    (p.id, p.article_id, p.date or "", bool(p.text_en), bool(p.text_zh))
                    for p in passages
                ],
            )
            if article.glossary:
                self._db.execute(
                    "INSERT INTO glossaries (article_id, entries) VALUES (?, ?)",
                    (article.id, json.dumps(article.to_dict()["glossary"], ensure_ascii=False)),
                )

    def remove(self, path: str) -> None:
        with self._db:
            self._drop(path, None)

    def _drop(self, path: str, article_id: str | None) -> None:
        ids = {article_id} if article_id else set()
        row = self._db.execute("SELECT article_id FROM files WHERE path = ?", (path,)).fetchone()
        if row:
            ids.add(row[0])
        for aid in ids:
            self._db.execute("DELETE FROM tokens WHERE article_id = ?", (aid,))
            self._db.execute("DELETE FROM sentence_vectors WHERE article_id = ?", (aid,))
            self._db.execute("DELETE FROM passages WHERE article_id = ?", (aid,))
            self._db.execute("DELETE FROM passage_keys WHERE article_id = ?", (aid,))
            self._db.execute("DELETE FROM passage_facts WHERE article_id = ?", (aid,))
            self._db.execute("DELETE FROM glossaries WHERE article_id = ?", (aid,))
            self._db.execute("DELETE FROM files WHERE article_id = ?", (aid,))
        self._db.execute("DELETE FROM files WHERE path = ?", (path,))

    def _fill_keys(self) -> None:
        """Short keys for the passages of a catalog made before they existed (once)."""
        with self._db:
            rows = self._db.execute("SELECT id, article_id FROM passages").fetchall()
            self._db.executemany(
                "INSERT OR IGNORE INTO passage_keys (key, passage_id, article_id) VALUES (?, ?, ?)",
                [(passage_key(pid), pid, aid) for pid, aid in rows],
            )
            self._db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('passage_keys', '1')"
            )

    def _fill_facts(self) -> None:
        """Passage facts and glossaries of a catalog made before they had tables (once)."""
        with self._db:
            self._db.execute(f"INSERT OR REPLACE INTO passage_facts {_FACTS_OF_PASSAGES}")
            self._db.execute(f"INSERT OR REPLACE INTO glossaries {_GLOSSARIES_OF_FILES}")
            self._db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('passage_facts', '1')"
            )

    def passage_ids(self, keys: list[str]) -> dict[str, str]:
        """The passage ids of short keys (:func:`passage_key`); unknown keys are left out."""
        rows = self._rows_in("SELECT key, passage_id FROM passage_keys WHERE key IN ({})", keys)
        return {str(k): str(pid) for k, pid in rows}

    def _rows_in(self, sql: str, ids: Iterable[str], *after: object) -> Iterator[Any]:
        """The rows of ``sql`` (its ``{}`` an IN list) for ``ids``, 500 at a time (SQLite's
        limit on bound values); ``after``: values bound after the list."""
        wanted = list(ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            yield from self._reader().execute(
                sql.format(",".join("?" * len(chunk))), [*chunk, *after]
            )

    # reading ----------------------------------------------------------------------------
    def article(self, article_id: str) -> Article | None:
        row = (
            self._reader()
            .execute("SELECT article FROM files WHERE article_id = ?", (article_id,))
            .fetchone()
        )
        return None if row is None else Article.from_dict(json.loads(row[0]))

    def iter_articles(self) -> Iterator[Article]:
        for (data,) in self._db.execute("SELECT article FROM files ORDER BY article_id"):
            yield Article.from_dict(json.loads(data))

    def passages_of(self, article_id: str) -> list[Passage]:
        rows = self._reader().execute(
            "SELECT data FROM passages WHERE article_id = ? ORDER BY ord", (article_id,)
        )
        return [Passage.from_dict(json.loads(r[0])) for r in rows]

    def passage(self, pid: str) -> Passage | None:
        row = self._reader().execute("SELECT data FROM passages WHERE id = ?", (pid,)).fetchone()
        return None if row is None else Passage.from_dict(json.loads(row[0]))

    def passages(self, ids: list[str]) -> dict[str, Passage]:
        out: dict[str, Passage] = {}
        for (data,) in self._rows_in("SELECT data FROM passages WHERE id IN ({})", ids):
            p = Passage.from_dict(json.loads(data))
            out[p.id] = p
        return out

    def facts(self, ids: Iterable[str]) -> dict[str, PassageFacts]:
        """The article, date and sides of the passages ``ids`` (those that exist): what ranking
        needs of its candidates. ~1 ms for a question's ~350 candidates at any index size."""
        rows = self._rows_in(
            "SELECT id, article_id, date, en, zh FROM passage_facts WHERE id IN ({})", ids
        )
        return {pid: PassageFacts(aid, date, bool(en), bool(zh)) for pid, aid, date, en, zh in rows}

    def glossary_entries(self) -> Iterator[GlossaryEntry]:
        """Every article's named-entity glossary entries (only articles that have some)."""
        for (data,) in self._reader().execute("SELECT entries FROM glossaries"):
            for entry in json.loads(data):
                yield GlossaryEntry(**entry)

    # browsing ---------------------------------------------------------------------------
    def periods(self, prefix: str = "") -> list[tuple[str, int]]:
        """Articles per year (``prefix`` ""), per month of a year ("1946") or per day of a
        month ("1946-05"), oldest first; undated articles count under "". Counted per day on
        the date index alone (grouping by the indexed expression itself reads no article)."""
        width = {0: 4, 4: 7, 7: 10}[len(prefix)]
        where, args = f"WHERE {_DATE} >= ? AND {_DATE} < ?", [prefix, prefix + "\uffff"]
        if not prefix:
            where, args = "", []
        counts: dict[str, int] = {}
        for day, n in self._reader().execute(
            f"SELECT {_DATE}, count(*) FROM files {where} GROUP BY {_DATE}", args
        ):
            key = str(day or "")[:width]
            counts[key] = counts.get(key, 0) + int(n)
        return sorted(counts.items())

    @staticmethod
    def _on(date: str) -> tuple[str, tuple[str, ...]]:
        """The condition (on the date index) for articles of ``date``, "" for undated ones."""
        if date:
            return f"{_DATE} = ?", (date,)
        return f"({_DATE} IS NULL OR {_DATE} = '')", ()

    def count_on(self, date: str) -> int:
        """How many articles ``date`` (YYYY-MM-DD, or "" for undated ones) has."""
        cond, args = self._on(date)
        (total,) = (
            self._reader().execute(f"SELECT count(*) FROM files WHERE {cond}", args).fetchone()
        )
        return int(total)

    def articles_on(self, date: str, offset: int = 0, limit: int = 30) -> list[Article]:
        """``limit`` articles of ``date`` from ``offset``, by page then id."""
        cond, args = self._on(date)
        rows = self._reader().execute(
            f"SELECT article FROM files WHERE {cond} ORDER BY "
            "CAST(json_extract(article, '$.page') AS INTEGER), article_id LIMIT ? OFFSET ?",
            (*args, limit, offset),
        )
        return [Article.from_dict(json.loads(r[0])) for r in rows]

    def iter_passages(self) -> Iterator[Passage]:
        for (data,) in self._db.execute("SELECT data FROM passages ORDER BY article_id, ord"):
            yield Passage.from_dict(json.loads(data))

    # lexical tokens ------------------------------------------------------------------------
    # Each passage side's words as the lexical index's tokenizer made them (space-joined), so
    # that a rebuild of the BM25 index after a change tokenizes only the new passages. Tagged
    # with the tokenizer's version: another version drops them all.
    def token_rows(
        self, version: str, article_ids: Sequence[str] | None = None
    ) -> Iterator[tuple[str, str, str | None, str | None, Passage | None]]:
        """(passage id, article id, English tokens, Chinese tokens, passage) of every passage
        (or of the articles ``article_ids``) in catalog order: the tokens when stored for
        ``version``, else ``None`` and the passage (to tokenize)."""
        try:
            with self._db:
                self._use_tokens_version(version)
            current = True
        except sqlite3.Error:  # a read-only data directory: tokenize what is not stored
            current = self.get_meta("tokens_version") == version
        if current:
            query = (
                "SELECT p.id, p.article_id, t.en, t.zh, CASE WHEN t.passage_id IS NULL "
                "THEN p.data END FROM passages p LEFT JOIN tokens t ON t.passage_id = p.id "
                "{where} ORDER BY p.article_id, p.ord"
            )
        else:
            query = (
                "SELECT p.id, p.article_id, NULL, NULL, p.data FROM passages p {where} "
                "ORDER BY p.article_id, p.ord"
            )
        chunks: Iterable[Sequence[str] | None] = [None]
        if article_ids is not None:
            ordered = sorted(article_ids)
            chunks = (ordered[i : i + 500] for i in range(0, len(ordered), 500))
        for chunk in chunks:
            if chunk is None:
                rows = self._db.execute(query.format(where=""))
            else:
                marks = ",".join("?" * len(chunk))
                where = f"WHERE p.article_id IN ({marks})"
                rows = self._db.execute(query.format(where=where), list(chunk))
            for pid, aid, en, zh, data in rows:
                passage = None if data is None else Passage.from_dict(json.loads(data))
                yield pid, aid, en, zh, passage

    def put_tokens(self, version: str, rows: list[tuple[str, str, str, str]]) -> None:
        """(passage id, article id, English tokens, Chinese tokens) rows made by tokenizer
        ``version``."""
        with self._db:
            self._use_tokens_version(version)
            self._db.executemany(
                "INSERT OR REPLACE INTO tokens (passage_id, article_id, en, zh) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )

    def _use_tokens_version(self, version: str) -> None:
        """Inside a transaction: stored tokens of another tokenizer version are dropped."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'tokens_version'").fetchone()
        if row is not None and row[0] == version:
            return
        self._db.execute("DELETE FROM tokens")
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES ('tokens_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (version,),
        )

    # sentence vectors ---------------------------------------------------------------------
    # Each passage side's sentence vectors (index/sentence_vectors.py), tagged with the model
    # that made them: another model's are redone.
    _WITHOUT_SENTENCE_VECTORS = (
        "EXISTS (SELECT 1 FROM (SELECT 'en' AS side UNION ALL SELECT 'zh') s "
        "WHERE json_extract(p.data, '$.text_' || s.side) != '' AND NOT EXISTS (SELECT 1 FROM "
        "sentence_vectors v WHERE v.passage_id = p.id AND v.side = s.side AND v.model = ?))"
    )

    @staticmethod
    def _among(articles: Sequence[str] | None) -> tuple[str, list[str]]:
        if articles is None:
            return "", []
        return f" AND p.article_id IN ({','.join('?' * len(articles))})", list(articles)

    def count_without_sentence_vectors(
        self, model: str, articles: Sequence[str] | None = None
    ) -> int:
        among, ids = self._among(articles)
        row = self._db.execute(
            f"SELECT count(*) FROM passages p WHERE {self._WITHOUT_SENTENCE_VECTORS}{among}",
            (model, *ids),
        ).fetchone()
        return int(row[0])

    def passages_without_sentence_vectors(
        self,
        model: str,
        after: tuple[str, int] = ("", -1),
        limit: int = -1,
        articles: Sequence[str] | None = None,
    ) -> list[Passage]:
        """Passages with a side that has no sentence vectors of ``model``, in (article, order)
        order, from after ``after`` on, at most ``limit`` of them (all when -1), of the
        ``articles`` only unless None: callers go page by page, so memory stays bounded at
        any size."""
        among, ids = self._among(articles)
        rows = self._db.execute(
            f"SELECT p.data FROM passages p WHERE (p.article_id, p.ord) > (?, ?) AND "
            f"{self._WITHOUT_SENTENCE_VECTORS}{among} ORDER BY p.article_id, p.ord LIMIT ?",
            (after[0], after[1], model, *ids, limit),
        )
        return [Passage.from_dict(json.loads(r[0])) for r in rows]

    def put_sentence_vectors(self, model: str, rows: list[tuple[str, str, str, bytes]]) -> None:
        """(passage id, article id, side, encoded vectors) rows of ``model``."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO sentence_vectors "
                "(passage_id, article_id, side, model, vectors) VALUES (?, ?, ?, ?, ?)",
                [(pid, aid, side, model, blob) for pid, aid, side, blob in rows],
            )

    def sentence_vectors(self, ids: list[str], model: str) -> dict[tuple[str, str], bytes]:
        """(passage id, side) -> encoded vectors of the given passages (made by ``model``)."""
        rows = self._rows_in(
            "SELECT passage_id, side, vectors FROM sentence_vectors "
            "WHERE passage_id IN ({}) AND model = ?",
            ids,
            model,
        )
        return {(pid, side): bytes(blob) for pid, side, blob in rows}

    def counts(self) -> tuple[int, int]:
        """(articles, passages)."""
        a = self._db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        p = self._db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        return int(a), int(p)

    def stamp(self) -> str:
        """Changes whenever the set of passages changes (the lexical index records it)."""
        return self.get_meta("generation") or "0"

    def bump(self) -> str:
        gen = str(int(self.stamp()) + 1)
        self.set_meta("generation", gen)
        return gen
