"""One settings object for the whole project: environment variables, overridden by CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path


def _default_data_dir() -> Path:
    return Path(os.environ.get("ARCHIVE_QA_DATA_DIR") or "data").expanduser()


def _default_model_cache() -> Path:
    explicit = os.environ.get("ARCHIVE_QA_MODEL_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "archive-qa" / "models"


def _env_int(name: str) -> int | None:
    raw = os.environ.get(name)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    """Where data lives, which model embeds, which Chroma to talk to.

    Every field has an environment variable (read by :meth:`from_env`) and a CLI flag.
    """

    data_dir: Path = field(default_factory=_default_data_dir)
    # ``None`` means the bundled multilingual-e5-small, converted once into ``model_cache``.
    model: str | None = field(default_factory=lambda: os.environ.get("ARCHIVE_QA_MODEL") or None)
    model_cache: Path = field(default_factory=_default_model_cache)
    device: str = field(default_factory=lambda: os.environ.get("ARCHIVE_QA_DEVICE") or "cpu")
    # "none" (fp32, the default) or "int8" (torch dynamic quantization: faster, less faithful).
    quantize: str = field(
        default_factory=lambda: (os.environ.get("ARCHIVE_QA_QUANTIZE") or "none").strip().lower()
    )
    chroma_host: str | None = field(
        default_factory=lambda: os.environ.get("ARCHIVE_QA_CHROMA_HOST") or None
    )
    chroma_port: int = field(default_factory=lambda: _env_int("ARCHIVE_QA_CHROMA_PORT") or 8000)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from the environment, with non-``None`` overrides (CLI flags) on top."""
        base = cls()
        given = {k: v for k, v in overrides.items() if v is not None}
        if "data_dir" in given:
            given["data_dir"] = Path(str(given["data_dir"])).expanduser()
        if "model_cache" in given:
            given["model_cache"] = Path(str(given["model_cache"])).expanduser()
        return replace(base, **given)  # type: ignore[arg-type]
