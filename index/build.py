"""Incremental index builds: files -> articles -> passages -> Chroma + catalog + lexical index.

Unchanged files (same SHA-256) cost nothing; changed files replace their passages; deleted
files lose theirs. Each article's vectors are written before its catalog row is committed, so a
build killed at any point leaves a usable index, and the next run redoes exactly the articles
whose catalog row is missing or stale (upserts with stable ids: no duplicates).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.catalog import Catalog, CatalogError
from index.embedder import Embedder
from index.lexical import (
    BUILD_PASSAGES,
    MERGE_INLINE_ROWS,
    LexicalIndex,
    locked,
    tokenize,
    tokenizer_version,
)
from index.passages import make_passages
from index.reader import ArticleError, decode, parse_article
from index.records import Article, Passage
from index.segments import Segment
from index.sentence_vectors import encode as encode_vectors
from index.sentence_vectors import sentence_texts
from index.settings import Settings
from index.sources import (
    MAX_FILE_BYTES,
    ArchiveError,
    archive_members,
    discover,
    file_sha256,
    still_there,
)
from index.tokenpool import MIN_PASSAGES as TOKEN_POOL_MIN
from index.tokenpool import TokenPool
from index.vectors import StoreError, VectorStore, date_int, forget_clients

# Passages per embed call (whole articles). sentence-transformers sorts texts by length within
# one call, so bigger groups pad less: at 128 the calls did 1.15x the padded tokens of one sorted
# call over 1k passages (docs/benchmarks.md). An interrupted build redoes at most one group.
EMBED_BATCH_PASSAGES = 1024
# Sentences per embed call when sentence vectors are filled in (sorted by length within it).
SENTENCE_BATCH = 2048
SENTENCE_PAGE = 5000  # passages read from the catalog at a time
SCOPED_FILL_MAX = 10_000  # articles named in the sentence-vector query; more: a full scan


@dataclass
class BuildReport:
    articles: int = 0
    passages: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    # Per month: each folder of article files and each .7z -> what happened to its files.
    sources: dict[str, dict[str, int]] = field(default_factory=dict)

    def source(self, name: str) -> dict[str, int]:
        return self.sources.setdefault(
            name, {"added": 0, "updated": 0, "unchanged": 0, "skipped": 0}
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Pending:
    path: str
    sha: str
    article: Article
    passages: list[Passage]
    is_new: bool


def _under(path: str, roots: Sequence[str]) -> bool:
    """``path`` is one of the resolved ``roots`` or inside one."""
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def lexical_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "lexical"


def catalog_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / "catalog.sqlite3"


def load_lexical(
    settings: Settings, catalog: Catalog, current: LexicalIndex | None = None
) -> LexicalIndex:
    """The lexical index of the catalog's generation: the saved one when it is that
    generation, else the saved (or ``current``) one brought up to date with the catalog
    (:func:`sync_lexical`) and saved. Segments already in ``current`` are not read again."""
    folder = lexical_dir(settings)
    stamp, version = catalog.stamp(), tokenizer_version()
    lex = LexicalIndex.load(folder, reuse=current)
    if lex is not None and (lex.stamp, lex.tokenizer) == (stamp, version):
        return lex
    with locked(folder):  # one process brings it up to date; the others then load that
        # Segments just read are not read again (each is immutable once saved).
        lex = LexicalIndex.load(folder, reuse=lex if lex is not None else current)
        if lex is None:
            lex = current
        if lex is not None and (lex.stamp, lex.tokenizer) == (stamp, version):
            return lex
        if lex is None or lex.tokenizer != version:
            lex = LexicalIndex(tokenizer=version)
        lex = sync_lexical(lex, catalog)
        # A read-only data directory still answers, from the in-memory index.
        with contextlib.suppress(OSError):
            lex.save(folder)
    return lex


def sync_lexical(lex: LexicalIndex, catalog: Catalog) -> LexicalIndex:
    """``lex`` with the articles whose content hash differs from the catalog's (changed or
    removed) deleted, and those (changed or new) added as one new segment: time in proportion
    to the change. An article's hash is its file's SHA-256."""
    stamp = catalog.stamp()
    want = {aid: sha for aid, sha in catalog.files().values()}
    have = lex.articles()
    drop = [aid for aid, sha in have.items() if want.get(aid) != sha]
    add = sorted(aid for aid, sha in want.items() if have.get(aid) != sha)
    segments: list[Segment] = []
    if add:
        # Segments of at most BUILD_PASSAGES passages (whole articles), so that memory stays
        # bounded however much is added at once.
        rows: list[tuple[str, str, list[str], list[str]]] = []
        for row in passage_tokens(catalog, add):
            if len(rows) >= BUILD_PASSAGES and row[1] != rows[-1][1]:
                segments.append(_segment(rows, want))
                rows = []
            rows.append(row)
        if rows:
            segments.append(_segment(rows, want))
        held = {aid for seg in segments for aid, _ in seg.articles}
        empty = [(aid, want[aid]) for aid in add if aid not in held]  # articles of no passage
        if empty:
            segments.append(Segment.build(empty, []))
    # Merges may rewrite up to 10x what was added (at least MERGE_INLINE_ROWS): adding one
    # article never rewrites the big segments; adding a year may.
    merge_rows = max(MERGE_INLINE_ROWS, 10 * sum(seg.rows() for seg in segments))
    return lex.changed(drop, segments, stamp, merge_rows=merge_rows)


def _segment(rows: list[tuple[str, str, list[str], list[str]]], want: dict[str, str]) -> Segment:
    articles = list(dict.fromkeys(aid for _, aid, _, _ in rows))
    return Segment.build([(aid, want[aid]) for aid in articles], rows)


def passage_tokens(
    catalog: Catalog, article_ids: Sequence[str] | None = None
) -> Iterator[tuple[str, str, list[str], list[str]]]:
    """(passage id, article id, English tokens, Chinese tokens) of every passage (or of the
    articles ``article_ids``), one passage at a time: stored ones from the catalog, the rest
    (new passages) tokenized now and stored once all are read, so an update after a change
    costs only what changed."""
    fresh: list[tuple[str, str, str, str]] = []
    version = tokenizer_version()
    for pid, aid, en, zh, passage in catalog.token_rows(version, article_ids):
        if passage is None:
            yield pid, aid, (en or "").split(), (zh or "").split()
            continue
        en_toks = tokenize(passage.text_en) if passage.text_en else []
        zh_toks = tokenize(passage.text_zh) if passage.text_zh else []
        fresh.append((pid, aid, " ".join(en_toks), " ".join(zh_toks)))
        yield pid, aid, en_toks, zh_toks
    if fresh:
        with contextlib.suppress(sqlite3.Error):  # read-only: they are redone next time
            catalog.put_tokens(version, fresh)


def set_aside(path: Path) -> Path:
    """Rename an unreadable file or folder to ``<name>.broken-<time>`` (kept, not deleted)."""
    target = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    path.rename(target)
    for suffix in ("-wal", "-shm"):  # SQLite's companions go with their database
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target


class Indexer:
    def __init__(self, settings: Settings, embedder: Embedder, *, rebuild: bool = False) -> None:
        self.settings = settings
        self.embedder = embedder
        self.set_aside: list[tuple[Path, Path]] = []  # unreadable parts a rebuild moved away
        try:
            self.catalog = Catalog(catalog_path(settings))
        except CatalogError:
            if not rebuild:
                raise
            self._set_aside(catalog_path(settings))
            self.catalog = Catalog(catalog_path(settings))
        known_model = self.catalog.get_meta("model_id")
        try:
            self.vectors = VectorStore(
                settings, embedder.model_id, embedder.dimension, reset_on_mismatch=rebuild
            )
        except StoreError:
            local = Path(settings.data_dir) / "chroma"
            if not rebuild or settings.chroma_host or not local.exists():
                raise
            self._set_aside(local)
            forget_clients()
            self.vectors = VectorStore(settings, embedder.model_id, embedder.dimension)
        self.rebuild = rebuild or (known_model not in (None, embedder.model_id))
        # Tokenizing in worker processes pays where the encoder leaves the CPU free (a GPU).
        # On the CPU the encoder already uses every core; there the tokens are made at the
        # BM25 build (about 1.5% of the time), and a pool would only compete with the encoder.
        self.token_pool_min: int | None = None if settings.device == "cpu" else TOKEN_POOL_MIN
        self.token_wait = 0.0  # seconds spent waiting for the token workers (bench/index.py)
        self.catalog.set_meta("model_id", embedder.model_id)

    def _set_aside(self, path: Path) -> None:
        self.set_aside.append((path, set_aside(path)))

    def run(self, paths: Sequence[Path], *, progress: bool | None = None) -> BuildReport:
        started = time.perf_counter()
        report = BuildReport()
        files, archives, missing = discover(paths)
        report.skipped.extend(missing)
        known = self.catalog.files()
        stale = self._stale_articles(known)
        self.catalog.set_meta("clean_vectors", "")  # a killed run is checked in full next time
        owner = {aid: path for path, (aid, _) in known.items()}
        same = {(aid, sha): path for path, (aid, sha) in known.items()}
        pending: list[_Pending] = []
        seen_ids: dict[str, str] = {}
        found: set[str] = set()

        def consider(key: str, raw: bytes, source: str) -> None:
            found.add(key)
            count = report.source(source)
            sha = hashlib.sha256(raw).hexdigest()
            old = known.get(key)
            stem = Path(key).stem
            if old and old[1] == sha and not self.rebuild and old[0] not in stale:
                report.unchanged += 1
                count["unchanged"] += 1
                seen_ids[old[0]] = key
                return
            twin = same.get((stem, sha))
            if twin and twin != key and not old and still_there(twin):
                report.unchanged += 1  # the same file, indexed from another folder or archive
                count["unchanged"] += 1
                return
            try:
                article = parse_article(decode(raw), article_id=stem, path=key)
                passages = make_passages(article)
            except ArticleError as exc:
                report.skipped.append({"path": key, "error": str(exc)})
                count["skipped"] += 1
                if old:
                    seen_ids[old[0]] = key  # keep what was indexed before
                return
            clash = seen_ids.get(article.id) or owner.get(article.id)
            if clash and clash != key and still_there(clash):
                report.skipped.append(
                    {"path": key, "error": f"article id {article.id!r} already used by {clash}"}
                )
                count["skipped"] += 1
                return
            seen_ids[article.id] = key
            same[(stem, sha)] = key  # a copy further on (a folder and its 7z) is a twin
            count["updated" if old else "added"] += 1
            pending.append(_Pending(key, sha, article, passages, is_new=old is None))

        for f in files:
            try:
                if f.stat().st_size > MAX_FILE_BYTES:
                    size = f.stat().st_size / 1e6
                    raise ArticleError(
                        f"file too large ({size:.1f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB)"
                    )
                raw = f.read_bytes()
            except OSError as exc:
                error = f"cannot read file: {exc.strerror}"
                report.skipped.append({"path": str(f), "error": error})
                continue
            except ArticleError as exc:
                report.skipped.append({"path": str(f), "error": str(exc)})
                old = known.get(str(f))
                if old:
                    found.add(str(f))
                    seen_ids[old[0]] = str(f)
                continue
            consider(str(f), raw, str(f.parent))
        archive_shas = self._read_archives(
            archives, known, stale, consider, found, seen_ids, report
        )
        roots = [str(r.resolve()) for r in paths]  # once: per catalog path it took 5 s at 1M
        gone = [p for p in known if p not in found and _under(p, roots)]
        # Articles whose vectors were lost but whose files this run does not cover (another
        # folder): re-embed them from the catalog, which keeps their passages.
        covered = {item.article.id for item in pending} | set(seen_ids)
        for aid in sorted(stale - covered):
            path = owner.get(aid)
            kept = self.catalog.article(aid)
            if path is None or kept is None or path in gone:
                continue
            passages = self.catalog.passages_of(aid)
            pending.append(_Pending(path, known[path][1], kept, passages, is_new=False))
        for path in sorted(gone):
            self.vectors.delete_article(known[path][0])
            self.catalog.remove(path)
            report.removed += 1
        # Sentence vectors: when the last run left every passage with them, only this run's
        # articles can lack them (a full scan of the catalog took 14 s at 1M passages).
        model = self.embedder.model_id
        complete = self.catalog.get_meta("sentence_vectors") == model and not self.rebuild
        self.catalog.set_meta("sentence_vectors", "")  # a killed run fills in full next time
        self._write(pending, progress)
        for key, sha in archive_shas.items():  # after its articles: a kill rereads the archive
            self.catalog.set_meta(f"archive:{key}", sha)
        written = sorted({item.article.id for item in pending})
        scoped = complete and len(written) <= SCOPED_FILL_MAX
        self._fill_sentence_vectors(progress, written if scoped else None)
        self.catalog.set_meta("sentence_vectors", model)
        report.added = sum(1 for p in pending if p.is_new)
        report.updated = len(pending) - report.added
        if pending or gone or self.rebuild or stale:
            self.catalog.bump()
        load_lexical(self.settings, self.catalog)
        report.articles, report.passages = self.catalog.counts()
        mark = uuid.uuid4().hex  # Chroma's first: a kill between the two leaves them unequal
        self.vectors.set_clean_mark(mark)
        self.catalog.set_meta("clean_vectors", mark)
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def _read_archives(
        self,
        archives: list[Path],
        known: dict[str, tuple[str, str]],
        stale: set[str],
        consider: Callable[[str, bytes, str], None],
        found: set[str],
        seen_ids: dict[str, str],
        report: BuildReport,
    ) -> dict[str, str]:
        """Hand each article file of each .7z to ``consider``; an archive whose SHA-256 is the
        one recorded after its last complete run is not opened (its articles are unchanged).
        A damaged archive is skipped with one line and what it had indexed is kept. Returns
        archive path -> SHA-256 of the archives read completely."""
        read: dict[str, str] = {}
        for archive in archives:
            key = str(archive)
            inside = [p for p in known if p.startswith(key + "/")]
            try:
                sha = file_sha256(archive)
            except OSError as exc:
                sha = ""
                error = f"cannot read file: {exc.strerror}"
            if sha and sha == self.catalog.get_meta(f"archive:{key}") and not self.rebuild:
                count = report.source(key)
                for path in inside:
                    found.add(path)
                    aid = known[path][0]
                    if aid not in stale:  # stale ones are re-embedded from the catalog
                        seen_ids[aid] = path
                        report.unchanged += 1
                        count["unchanged"] += 1
                continue
            try:
                if not sha:
                    raise ArchiveError(error)
                for name, raw, size in archive_members(archive):
                    path = f"{key}/{name}"
                    if raw is None:
                        mb = MAX_FILE_BYTES / 1e6
                        error = f"file too large ({size / 1e6:.1f} MB > {mb:.0f} MB)"
                        report.skipped.append({"path": path, "error": error})
                        report.source(key)["skipped"] += 1
                        continue
                    consider(path, raw, key)
                read[key] = sha
            except ArchiveError as exc:
                report.skipped.append({"path": key, "error": str(exc)})
                report.source(key)["skipped"] += 1
                for path in inside:  # nothing it indexed before is lost
                    found.add(path)
                    seen_ids[known[path][0]] = path
        return read

    def _stale_articles(self, known: dict[str, tuple[str, str]]) -> set[str]:
        """Articles whose vectors in Chroma do not match the catalog (lost or half written).

        Also deletes vectors that belong to no catalogued passage (a killed build's leftovers).
        Reads every id of the catalog and of Chroma (seconds at a million passages), so it is
        skipped when the last run finished: it left the same random mark in the catalog and on
        Chroma's collections (:meth:`run`). A run clears the catalog's before it writes, so a
        killed run, or Chroma's data lost, replaced or restored from an older copy, are checked.
        (Chroma's ``count()`` served before: ~1 s per collection at a million vectors.)
        """
        clean = self.catalog.get_meta("clean_vectors")
        if clean and not self.rebuild and clean == self.vectors.clean_mark():
            return set()
        expected: dict[str, str] = {}
        for p in self.catalog.iter_passages():
            for side in ("en", "zh"):
                if p.text(side):
                    expected[f"{p.id}|{side}"] = p.article_id
        actual = self.vectors.all_ids()
        stale = {aid for rid, aid in expected.items() if rid not in actual}
        catalogued = {aid for aid, _ in known.values()}
        orphans = {rid.split("#", 1)[0] for rid in actual - expected.keys()}
        for aid in orphans - catalogued:
            self.vectors.delete_article(aid)
        return stale | (orphans & catalogued)

    def _write(self, pending: list[_Pending], progress: bool | None) -> None:
        from tqdm import tqdm

        total = sum(1 for p in pending for ps in p.passages for s in ("en", "zh") if ps.text(s))
        show = sys.stderr.isatty() if progress is None else progress
        bar = tqdm(total=total, unit="text", desc="embedding", disable=not show or total == 0)
        # Lexical tokens are made in worker processes while each group is embedded.
        pool = None
        if self.token_pool_min is not None:
            pool = TokenPool.for_build(
                sum(len(p.passages) for p in pending), minimum=self.token_pool_min
            )
        try:
            for group in _groups(pending, EMBED_BATCH_PASSAGES):
                job = None
                if pool is not None:
                    job = pool.submit(
                        [
                            (ps.id, ps.article_id, ps.text_en, ps.text_zh)
                            for item in group
                            for ps in item.passages
                        ]
                    )
                ids: list[str] = []
                docs: list[str] = []
                metas: list[dict[str, Any]] = []
                for item in group:
                    for ps in item.passages:
                        for side in ("en", "zh"):
                            text = ps.text(side)
                            if not text:
                                continue
                            ids.append(f"{ps.id}|{side}")
                            docs.append(text)
                            metas.append(
                                {
                                    "passage_id": ps.id,
                                    "article_id": ps.article_id,
                                    "side": side,
                                    "date": date_int(ps.date),
                                    "order": ps.order,
                                }
                            )
                vecs = self.embedder.embed_passages(docs) if docs else None
                bar.update(len(docs))
                # A new article has no vectors to replace (a killed build's leftovers were removed
                # as orphans before): a filtered delete scans the collection, so skip it.
                for item in group:
                    if not item.is_new:
                        self.vectors.delete_article(item.article.id)
                if vecs is not None:
                    self.vectors.add(ids, vecs, metas)
                # Catalog rows only after their vectors are stored (see the module docstring).
                for item in group:
                    self.catalog.put(item.path, item.sha, item.article, item.passages)
                waited = time.perf_counter()
                tokens = job.result() if job is not None else None
                self.token_wait += time.perf_counter() - waited
                if tokens:  # after the passages' rows: a kill in between only costs time
                    self.catalog.put_tokens(tokenizer_version(), tokens)
        finally:
            bar.close()
            if pool is not None:
                pool.close()

    def _fill_sentence_vectors(self, progress: bool | None, articles: list[str] | None) -> None:
        """Embed the sentences of every passage that has no sentence vectors yet (new articles,
        an index built before sentence vectors, or a build killed in between): each passage
        side's vectors are one catalog row, written as soon as its group is embedded. Only
        the passages of ``articles`` are looked at, unless None."""
        from tqdm import tqdm

        model = self.embedder.model_id
        if articles is not None and not articles:
            return
        total = self.catalog.count_without_sentence_vectors(model, articles)
        if not total:
            return
        show = sys.stderr.isatty() if progress is None else progress
        bar = tqdm(total=total, unit="passage", desc="sentences", disable=not show)
        after: tuple[str, int] = ("", -1)
        try:
            group: list[tuple[Passage, str, list[str]]] = []
            count = passages = 0  # sentences and passages in the group
            # Page by page (SENTENCE_PAGE passages): the whole to-do list of a 1M-passage
            # index held 15 GB (docs/benchmarks.md).
            while page := self.catalog.passages_without_sentence_vectors(
                model, after, SENTENCE_PAGE, articles
            ):
                after = (page[-1].article_id, page[-1].order)
                for p in page:
                    for side in ("en", "zh"):
                        texts = sentence_texts(p, side)
                        if texts:
                            group.append((p, side, texts))
                            count += len(texts)
                    passages += 1
                    if count >= SENTENCE_BATCH:
                        self._embed_sentences(group, model)
                        bar.update(passages)
                        group, count, passages = [], 0, 0
            if group:
                self._embed_sentences(group, model)
            bar.update(passages)
        finally:
            bar.close()

    def _embed_sentences(self, group: list[tuple[Passage, str, list[str]]], model: str) -> None:
        texts = [t for _, _, sents in group for t in sents]
        vecs = self.embedder.embed_passages(texts)
        rows: list[tuple[str, str, str, bytes]] = []
        at = 0
        for p, side, sents in group:
            rows.append((p.id, p.article_id, side, encode_vectors(vecs[at : at + len(sents)])))
            at += len(sents)
        self.catalog.put_sentence_vectors(model, rows)


def _groups(items: Iterable[_Pending], size: int) -> Iterable[list[_Pending]]:
    group: list[_Pending] = []
    count = 0
    for it in items:
        group.append(it)
        count += len(it.passages)
        if count >= size:
            yield group
            group, count = [], 0
    if group:
        yield group
