"""The dense store: one Chroma collection, one record per language side of a passage.

Record ids are ``<passage-id>|en`` and ``<passage-id>|zh``; metadata carries the passage id,
article id, side and the date as an integer (YYYYMMDD) for range filters. Embedded
(``PersistentClient`` under the data directory) by default, a ``chroma run`` server when a
host is configured.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import Vectors
from index.settings import Settings

COLLECTION = "passages"


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


class VectorStore:
    def __init__(
        self, settings: Settings, model_id: str, dimension: int, *, reset_on_mismatch: bool = False
    ) -> None:
        self._client = _client(settings)
        self.where = _where(settings)
        self.model_id = model_id
        self.dimension = dimension
        try:
            self._col = self._client.get_or_create_collection(
                COLLECTION,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"model_id": model_id, "dimension": dimension},
            )
        except Exception as exc:
            raise StoreError(f"cannot open Chroma collection: {str(exc).splitlines()[0]}") from None
        meta = self._col.metadata or {}
        if meta.get("model_id") not in (None, model_id) and reset_on_mismatch:
            self.reset()
        elif meta.get("model_id") not in (None, model_id):
            raise StoreError(
                f"the index was built with embedding model {meta.get('model_id')!r}, "
                f"not {model_id!r}: run `archive-qa index --rebuild` or set --model back"
            )
        self._max_batch = int(self._client.get_max_batch_size())

    def reset(self) -> None:
        """Drop every record (a rebuild with another model starts from an empty collection)."""
        with contextlib.suppress(Exception):
            self._client.delete_collection(COLLECTION)
        self._col = self._client.get_or_create_collection(
            COLLECTION,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"model_id": self.model_id, "dimension": self.dimension},
        )

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

    def count(self) -> int:
        with self._reachable():
            return int(self._col.count())

    def delete_article(self, article_id: str) -> None:
        with self._reachable():
            self._col.delete(where={"article_id": article_id})

    def add(
        self,
        ids: Sequence[str],
        vectors: Vectors,
        documents: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        for start in range(0, len(ids), self._max_batch):
            end = start + self._max_batch
            with self._reachable():
                self._col.upsert(
                    ids=list(ids[start:end]),
                    embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                    documents=list(documents[start:end]),
                    metadatas=list(metadatas[start:end]),
                )

    def all_ids(self) -> set[str]:
        with self._reachable():
            got = self._col.get(include=[])
        return set(got["ids"])

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
        clauses: list[dict[str, Any]] = []
        if side:
            clauses.append({"side": side})
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
        n = self.count()
        if n == 0:
            return []
        with self._reachable():
            res = self._col.query(
                query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
                n_results=min(k, n),
                where=where,
                include=["metadatas", "distances"],
            )
        hits: list[Hit] = []
        for meta, dist in zip(res["metadatas"][0], res["distances"][0], strict=True):
            hits.append(
                Hit(passage_id=str(meta["passage_id"]), side=str(meta["side"]), score=1 - dist)
            )
        return hits
