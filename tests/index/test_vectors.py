"""The per-side Chroma collections, and the copy of an older single-collection index."""

from __future__ import annotations

from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings

from index.build import Indexer
from index.settings import Settings
from index.store import open_index
from index.vectors import COLLECTIONS, LEGACY_COLLECTION
from tests.conftest import SEED_FILES
from tests.fakes import HashEmbedder

ROOT = Path(__file__).resolve().parents[2]


def test_older_single_collection_index_is_copied_without_re_embedding(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    Indexer(settings, HashEmbedder()).run(list(SEED_FILES), progress=False)
    embedder = HashEmbedder()
    query = embedder.embed_queries(["rare earth metals"])[0]
    before = open_index(settings, embedder).vectors.search(query, 10)
    # Turn the store back into the older layout: every record in one "passages" collection.
    client = chromadb.PersistentClient(
        str(tmp_path / "data" / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    legacy = client.create_collection(
        LEGACY_COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
    )
    for name in COLLECTIONS.values():
        got = client.get_collection(name).get(include=["embeddings", "documents", "metadatas"])
        legacy.add(
            ids=got["ids"],
            embeddings=got["embeddings"],
            documents=got["documents"],
            metadatas=got["metadatas"],
        )
        client.delete_collection(name)
    assert legacy.count() == 27 * 2

    store = open_index(settings, embedder).vectors
    names = {c.name: c.count() for c in client.list_collections()}
    assert names == {"passages_en": 27, "passages_zh": 27}
    after = store.search(query, 10)
    assert [(h.passage_id, h.side) for h in after] == [(h.passage_id, h.side) for h in before]
    assert store.search(query, 5, side="zh") and all(
        h.side == "zh" for h in store.search(query, 5, side="zh")
    )
    # and nothing needs embedding again
    report = Indexer(settings, HashEmbedder()).run(list(SEED_FILES), progress=False)
    assert report.unchanged == 2 and report.updated == 0
