"""Open an existing index for reading: catalog, Chroma vectors and the lexical index together."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
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
    settings: Settings
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def refresh(self) -> bool:
        """Follow a re-index made by another process (``archive-qa index`` while the app
        serves, or several serve processes sharing one data directory and Chroma server):
        when the catalog's generation differs from the lexical index's, load or rebuild the
        lexical index. True when it changed. One SQLite read when nothing changed."""
        if self.catalog.stamp() == self.lexical.stamp:
            return False
        with self._lock:
            if self.catalog.stamp() == self.lexical.stamp:
                return False
            lexical = load_lexical(self.settings, self.catalog, self.lexical)
            self.lexical = lexical
            return True


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
    return OpenIndex(catalog, vectors, load_lexical(settings, catalog), settings)
