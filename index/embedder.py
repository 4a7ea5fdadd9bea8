"""The one embedding interface the project uses (index and qa both go through it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class ModelUnavailable(RuntimeError):
    """The configured embedding model cannot be loaded; the message is one line for the user."""


@runtime_checkable
class Embedder(Protocol):
    """Turns questions and passages into L2-normalised float32 vectors."""

    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False
    ) -> Vectors: ...
