"""Where article files come from: files, folders of files, and the archive's monthly .7z files.

fangj/rmrb publishes People's Daily as one folder per month (``example/1946年05月/``) and one
7z file per month (``7z/1946年05月.7z``). Both are read as published: a .7z is read with py7zr
(pure Python: no 7z program), in memory, never extracted to disk, so a member's name cannot
place a file anywhere. A member's catalog path is ``<archive path>/<member name>``, under the
archive's own path, so a member dropped from a newer copy of the archive leaves the index as a
deleted file would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ARTICLE_SUFFIXES = (".txt", ".md")
ARCHIVE_SUFFIXES = (".7z",)
MAX_FILE_BYTES = 20 * 1024 * 1024  # as index.reader's; a bigger member is reported too large


class ArchiveError(ValueError):
    """An archive that cannot be read; ``str()`` is a one-line reason."""


def _hidden(f: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in f.relative_to(root).parts)


def discover(
    paths: Sequence[Path],
) -> tuple[list[Path], list[Path], list[dict[str, str]]]:
    """Article files and .7z archives under ``paths`` (each sorted), and the paths that do not
    exist."""
    files: list[Path] = []
    archives: list[Path] = []
    missing: list[dict[str, str]] = []
    for p in paths:
        if p.is_file():
            (archives if p.suffix.lower() in ARCHIVE_SUFFIXES else files).append(p.resolve())
        elif p.is_dir():
            for f in sorted(p.rglob("*")):
                if not f.is_file() or _hidden(f, p):
                    continue
                if f.suffix.lower() in ARTICLE_SUFFIXES:
                    files.append(f.resolve())
                elif f.suffix.lower() in ARCHIVE_SUFFIXES:
                    archives.append(f.resolve())
        else:
            missing.append({"path": str(p), "error": "no such file or directory"})
    return sorted(set(files)), sorted(set(archives)), missing


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def in_archive(key: str) -> Path | None:
    """The archive a catalog path lies in (``<archive>.7z/<member>``), or ``None``."""
    for parent in Path(key).parents:
        if parent.suffix.lower() in ARCHIVE_SUFFIXES:
            return parent
    return None


def still_there(key: str) -> bool:
    """Whether the file (or the archive holding the member) a catalog path names exists."""
    if Path(key).exists():
        return True
    archive = in_archive(key)
    return archive is not None and archive.is_file()


class _Capped:
    """A py7zr writer that keeps at most ``limit`` bytes (a larger member is reported too
    large, not held in memory)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, s: bytes | bytearray) -> int:
        if self.size <= self.limit:
            self.parts.append(bytes(s[: self.limit + 1 - self.size]))
        self.size += len(s)
        return len(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None


def archive_members(path: Path) -> Iterator[tuple[str, bytes | None, int]]:
    """(member name, bytes, size) of every article file in a .7z, in name order; bytes are
    ``None`` when the member is larger than :data:`MAX_FILE_BYTES`. Raises
    :class:`ArchiveError` (one line) for a damaged, truncated or encrypted archive."""
    import py7zr
    from py7zr.io import WriterFactory

    class Factory(WriterFactory):
        def __init__(self) -> None:
            self.products: dict[str, _Capped] = {}

        def create(self, filename: str) -> Any:
            self.products[filename] = product = _Capped(MAX_FILE_BYTES)
            return product

    factory = Factory()
    try:
        with py7zr.SevenZipFile(path, mode="r") as archive:
            if archive.needs_password():
                raise ArchiveError("encrypted archive (a password is needed)")
            names = [
                info.filename
                for info in archive.list()
                if not info.is_directory
                and Path(info.filename).suffix.lower() in ARTICLE_SUFFIXES
                and not any(part.startswith(".") for part in Path(info.filename).parts)
            ]
            if names:
                archive.extract(targets=names, factory=factory)
    except ArchiveError:
        raise
    except Exception as exc:  # py7zr raises many kinds for damaged data; any is one line
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ArchiveError(f"cannot read 7z archive: {reason[:200]}") from None
    for name in sorted(names):
        got = factory.products.get(name)
        if got is None:
            raise ArchiveError(f"cannot read 7z archive: member {name!r} was not extracted")
        yield name, None if got.size > MAX_FILE_BYTES else b"".join(got.parts), got.size
