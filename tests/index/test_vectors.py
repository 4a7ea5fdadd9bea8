"""The per-side Chroma collections, and the copy of an older single-collection index."""

from __future__ import annotations

import warnings
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings

from index.build import Indexer
from index.settings import Settings
from index.store import open_index
from index.vectors import COLLECTIONS, EF_SEARCH, LEGACY_COLLECTION
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


def test_an_index_searches_wide_enough_to_be_the_same_in_every_process(tmp_path: Path) -> None:
    """New collections get EF_SEARCH; one made with Chroma's default (100) gets it on open."""
    settings = Settings(data_dir=tmp_path / "data")
    Indexer(settings, HashEmbedder()).run(list(SEED_FILES[:1]), progress=False)
    client = chromadb.PersistentClient(
        str(tmp_path / "data" / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )

    def widths() -> set[int]:
        return {
            client.get_collection(name, embedding_function=None).configuration_json["hnsw"][
                "ef_search"
            ]
            for name in COLLECTIONS.values()
        }

    assert widths() == {EF_SEARCH} and EF_SEARCH > 100
    with warnings.catch_warnings():  # Chroma's "legacy embedding function config"
        warnings.simplefilter("ignore", DeprecationWarning)
        for name in COLLECTIONS.values():
            col = client.get_collection(name, embedding_function=None)
            col.modify(configuration={"hnsw": {"ef_search": 100}})
    assert widths() == {100}
    open_index(settings, HashEmbedder())
    assert widths() == {EF_SEARCH}
