"""Open an existing index for reading: catalog, Chroma vectors and the lexical index together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.build import catalog_path, load_lexical
from index.catalog import Catalog
from index.embedder import Embedder
from index.lexical import LexicalIndex
from index.settings import Settings
from index.vectors import VectorStore


class IndexMissing(RuntimeError):
    """No index in the data directory; the message says which command builds one."""


@dataclass
class OpenIndex:
    catalog: Catalog
    vectors: VectorStore
    lexical: LexicalIndex


def open_catalog(settings: Settings) -> Catalog:
    path = catalog_path(settings)
    if not path.exists():
        raise IndexMissing(
            f"no index in {Path(settings.data_dir)}: run `archive-qa index seeds/ "
            f"--data-dir {settings.data_dir}` first"
        )
    return Catalog(path)


def open_index(settings: Settings, embedder: Embedder) -> OpenIndex:
    catalog = open_catalog(settings)
    vectors = VectorStore(settings, embedder.model_id, embedder.dimension)
    return OpenIndex(catalog, vectors, load_lexical(settings, catalog))
