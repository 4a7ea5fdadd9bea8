"""The dense store: one Chroma collection per language side, one record per passage side.

Record ids are ``<passage-id>|en`` (collection ``passages_en``) and ``<passage-id>|zh``
(``passages_zh``); metadata carries the passage id, article id, side and the date as an
integer (YYYYMMDD) for range filters; the text itself is only in the catalog. One collection
per side because Chroma's metadata filter makes a search cost grow with the collection (a
``side`` filter made each search ~10x slower at 54k vectors; docs/benchmarks.md). An index
from before (one ``passages`` collection) is copied over, vectors and all, the first time it
is opened. Embedded (``PersistentClient`` under the data directory) by default, a
``chroma run`` server when a host is configured.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import Vectors
from index.settings import Settings

SIDES = ("en", "zh")
COLLECTIONS = {side: f"passages_{side}" for side in SIDES}
LEGACY_COLLECTION = "passages"
# Collection metadata key: the mark of the last indexing run that finished (index/build.py
# compares it with the catalog's to skip checking every id).
CLEAN_MARK = "clean_run"
# How wide the HNSW search looks (Chroma's default is 100). Chroma replays the part of its log
# past the last persisted point into the graph at each open, so the graph differs from one
# process to the next; at 100 the 50 nearest of a month question differed between two
# processes for 53 of 150 questions, and answers at the decision's threshold flipped. At 400
# the lists are exact on the month and on 20k and 100k real-vector indexes
# (bench/hnsw_ef.py), for ~0.9 ms more per search at 100k.
EF_SEARCH = 400


class StoreError(RuntimeError):
    """Chroma cannot be reached or holds an incompatible collection; message is one line."""


@dataclass(frozen=True)
class Hit:
    passage_id: str
    side: str
    score: float  # cosine similarity


def date_int(iso: str) -> int:
    return int(iso.replace("-", "")) if iso else 0


def _client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        path = Path(settings.data_dir) / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        hint = (
            "is `chroma run` up there?"
            if settings.chroma_host
            else f"rebuild the index with `archive-qa index --rebuild --data-dir "
            f"{settings.data_dir} [PATH ...]`"
        )
        raise StoreError(f"cannot open {_where(settings)}: {_first_line(exc)}; {hint}") from None


def forget_clients() -> None:
    """Drop Chroma's per-path client cache (after moving a broken data folder away, a new
    client on the same path must not reuse the broken one)."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def _where(settings: Settings) -> str:
    if settings.chroma_host:
        return f"the Chroma server {settings.chroma_host}:{settings.chroma_port}"
    return f"the Chroma data in {Path(settings.data_dir) / 'chroma'}"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def warm(settings: Settings) -> None:
    """Make Chroma read each side's vector index now (one nearest-neighbour query with a
    stored vector): it reads it at the first query otherwise, ~2.6 GB at 1M passages. Run
    while the model loads, it takes the reading out of the cold start. Does nothing when
    there is no index or Chroma fails: opening the store proper reports that."""
    with contextlib.suppress(Exception):
        client = _client(settings)
        names = {c.name for c in client.list_collections()}
        for name in COLLECTIONS.values():
            if name in names:
                col = client.get_collection(name, embedding_function=None)
                got = col.get(limit=1, include=["embeddings"])
                if len(got["embeddings"]) > 0:
                    col.query(query_embeddings=got["embeddings"][:1], n_results=1, include=[])


def _widen_search(col: Any) -> None:
    """An index made before :data:`EF_SEARCH` gets it (a setting, no rebuild); an index
    that cannot be written (a read-only copy) is searched as it is."""
    hnsw = (col.configuration_json or {}).get("hnsw") or {}
    if hnsw.get("ef_search", EF_SEARCH) < EF_SEARCH:
        # Chroma 1.5.9 warns "legacy embedding function config" after modifying a collection
        # made without an embedding function (ours: we embed ourselves); nothing is wrong.
        with contextlib.suppress(Exception), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            col.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})


class VectorStore:
    def __init__(
        self, settings: Settings, model_id: str, dimension: int, *, reset_on_mismatch: bool = False
    ) -> None:
        self._client = _client(settings)
        self.where = _where(settings)
        self.model_id = model_id
        self.dimension = dimension
        try:
            self._cols = self._open_collections()
            self._migrate_legacy()
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"cannot open Chroma collection: {_first_line(exc)}") from None
        known = {(c.metadata or {}).get("model_id") for c in self._cols.values()} - {None}
        other = sorted(str(m) for m in known - {model_id})
        if other and reset_on_mismatch:
            self.reset()
        elif other:
            raise StoreError(
                f"the index was built with embedding model {other[0]!r}, "
                f"not {model_id!r}: run `archive-qa index --rebuild` or set --model back"
            )
        self._max_batch = int(self._client.get_max_batch_size())

    def _open_collections(self) -> dict[str, Any]:
        cols = {
            side: self._client.get_or_create_collection(
                name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
                metadata={"model_id": self.model_id, "dimension": self.dimension},
            )
            for side, name in COLLECTIONS.items()
        }
        for col in cols.values():
            _widen_search(col)
        return cols

    def _migrate_legacy(self) -> None:
        """Copy an older single-collection index into the per-side collections (no
        re-embedding), then drop it. Safe to interrupt: the copy is an upsert, redone next
        time, and the old collection goes only after every record is copied."""
        if LEGACY_COLLECTION not in {c.name for c in self._client.list_collections()}:
            return
        old = self._client.get_collection(LEGACY_COLLECTION)
        total = int(old.count())
        for start in range(0, total, 1000):
            got = old.get(include=["embeddings", "metadatas"], limit=1000, offset=start)
            for side, col in self._cols.items():
                keep = [i for i, m in enumerate(got["metadatas"]) if m.get("side") == side]
                if keep:
                    col.upsert(
                        ids=[got["ids"][i] for i in keep],
                        embeddings=np.asarray([got["embeddings"][i] for i in keep], np.float32),
                        metadatas=[got["metadatas"][i] for i in keep],
                    )
        self._client.delete_collection(LEGACY_COLLECTION)

    def reset(self) -> None:
        """Drop every record (a rebuild with another model starts from empty collections)."""
        for name in (*COLLECTIONS.values(), LEGACY_COLLECTION):
            with contextlib.suppress(Exception):
                self._client.delete_collection(name)
        self._cols = self._open_collections()

    @contextlib.contextmanager
    def _reachable(self) -> Iterator[None]:
        """Any failure of Chroma (a server gone away, a broken file) as one StoreError line;
        the client reconnects by itself once the server is back."""
        try:
            yield
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"{self.where} is not reachable: {_first_line(exc)}") from None

    def clean_mark(self) -> str | None:
        """The mark the last finished indexing run left on every side's collection (as they
        were opened), or ``None`` when there is none or the sides differ."""
        marks = {(col.metadata or {}).get(CLEAN_MARK) for col in self._cols.values()}
        mark = marks.pop() if len(marks) == 1 else None
        return str(mark) if mark else None

    def set_clean_mark(self, mark: str) -> None:
        """Leave ``mark`` on every collection (collection metadata: ~1 ms, where ``count()``
        took ~1 s per collection at a million vectors)."""
        with self._reachable():
            for col in self._cols.values():
                col.modify(metadata={**(col.metadata or {}), CLEAN_MARK: mark})

    def count(self) -> int:
        with self._reachable():
            return sum(int(col.count()) for col in self._cols.values())

    def delete_article(self, article_id: str) -> None:
        with self._reachable():
            for col in self._cols.values():
                col.delete(where={"article_id": article_id})

    def add(
        self, ids: Sequence[str], vectors: Vectors, metadatas: Sequence[dict[str, Any]]
    ) -> None:
        """Upsert records; each goes to its side's collection (``metadata["side"]``).

        No documents: the catalog holds the text, and Chroma's full-text index of documents
        took half of each upsert (16,851 records: 17-20 s with documents, 9 s without)."""
        array = np.asarray(vectors, dtype=np.float32)
        for side, col in self._cols.items():
            rows = [i for i, m in enumerate(metadatas) if m["side"] == side]
            for start in range(0, len(rows), self._max_batch):
                part = rows[start : start + self._max_batch]
                with self._reachable():
                    col.upsert(
                        ids=[ids[i] for i in part],
                        embeddings=array[part],
                        metadatas=[metadatas[i] for i in part],
                    )

    def all_ids(self) -> set[str]:
        out: set[str] = set()
        with self._reachable():
            for col in self._cols.values():
                out.update(col.get(include=[])["ids"])
        return out

    def search(
        self,
        vector: Vectors,
        k: int,
        *,
        side: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        article_id: str | None = None,
    ) -> list[Hit]:
        """The ``k`` nearest records of one side (or of each side, merged by score)."""
        hits: list[Hit] = []
        for name in [side] if side else list(self._cols):
            hits += self.search_many(
                [vector], k, side=name, date_from=date_from, date_to=date_to, article_id=article_id
            )[0]
        hits.sort(key=lambda h: -h.score)
        return hits[:k]

    def search_many(
        self,
        vectors: Sequence[Vectors],
        k: int,
        *,
        side: str,
        date_from: str | None = None,
        date_to: str | None = None,
        article_id: str | None = None,
    ) -> list[list[Hit]]:
        """The ``k`` nearest records of ``side`` for each query vector, in one Chroma call.
        Passage ids come from the record ids (no metadata read)."""
        clauses: list[dict[str, Any]] = []
        if date_from:
            clauses.append({"date": {"$gte": date_int(date_from)}})
        if date_to:
            clauses.append({"date": {"$lte": date_int(date_to)}})
        if article_id:
            clauses.append({"article_id": article_id})
        where: dict[str, Any] | None = None
        if len(clauses) == 1:
            where = clauses[0]
        elif clauses:
            where = {"$and": clauses}
        queries = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
        with self._reachable():
            # Chroma returns fewer than k when the collection (or filter) holds fewer.
            res = self._cols[side].query(
                query_embeddings=queries, n_results=k, where=where, include=["distances"]
            )
        return [
            [
                Hit(rid.rsplit("|", 1)[0], side, 1 - float(dist))
                for rid, dist in zip(ids, dists, strict=True)
            ]
            for ids, dists in zip(res["ids"], res["distances"], strict=True)
        ]
