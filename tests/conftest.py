"""Shared fixtures: the real embedding model (loaded once), a real `chroma run` server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from index.embedder import Embedder
from index.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
# The two bilingual seed articles (seeds/ also holds the May 1946 month, which only the tests
# that need it index: see tests/qa/conftest.py).
SEED_FILES = tuple(sorted((ROOT / "seeds").glob("*.txt")))
MONTH = ROOT / "seeds" / "rmrb-1946-05"


def copy_seeds(folder: Path) -> Path:
    """The two bilingual seed articles copied into ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in SEED_FILES:
        shutil.copy(f, folder / f.name)
    return folder


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    from index.embedding import load_embedder

    return load_embedder(Settings())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_chroma(path: Path, port: int) -> subprocess.Popen[bytes]:
    """A real `chroma run` on 127.0.0.1:``port`` with its data in ``path``, listening."""
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    assert exe, "the chroma command is missing from the venv"
    log = open(path.with_suffix(".log"), "ab")  # noqa: SIM115  (closed with the process)
    proc = subprocess.Popen(
        [exe, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        if proc.poll() is not None:
            pytest.fail(f"chroma run exited: {path.with_suffix('.log').read_text()[-500:]}")
        time.sleep(0.1)
    proc.kill()
    pytest.fail("chroma run did not listen within 30 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process by its PID (SIGTERM, then SIGKILL)."""
    if proc.poll() is None:
        os.kill(proc.pid, 15)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A real `chroma run` on 127.0.0.1, stopped by its PID afterwards."""
    port = free_port()
    proc = start_chroma(tmp_path / "srv", port)
    try:
        yield "127.0.0.1", port
    finally:
        stop(proc)
