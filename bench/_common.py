"""Small helpers shared by the bench scripts (not a test module, not part of the package)."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
XQUAD = Path(os.environ.get("XQUAD_DIR", SHARED / "data" / "xquad"))
RMRB = SHARED / "data" / "rmrb-zh"
SEEDS = ROOT / "seeds"
BENCH_DATA = ROOT / "data" / "bench"


CHINESE_ONLY_SHARE = 0.3  # the default mix of the bench corpora (bench/corpus.py)


def label(n: int, chinese_only: float = CHINESE_ONLY_SHARE) -> str:
    """``1000k``; a corpus of another mix says so: ``1000k-zh98`` (98% Chinese-only)."""
    size = f"{n // 1000}k" if n % 1000 == 0 else str(n)
    return size if chinese_only == CHINESE_ONLY_SHARE else f"{size}-zh{round(chinese_only * 100)}"


def setup() -> None:
    """Project first on sys.path (before bench/, whose index.py would shadow the package)."""
    while str(ROOT) in sys.path:
        sys.path.remove(str(ROOT))
    sys.path.insert(0, str(ROOT))
    for key, value in (
        ("HF_HUB_OFFLINE", "1"),
        ("TRANSFORMERS_OFFLINE", "1"),
        ("ANONYMIZED_TELEMETRY", "False"),
        ("GRADIO_ANALYTICS_ENABLED", "False"),
    ):
        os.environ.setdefault(key, value)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident set size in MB of this process (or of its waited-for children)."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{date.today()}, {platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GB, "
        f"python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}"
    )


def load_note() -> str:
    return f"load average now {os.getloadavg()[0]:.2f} (another process may share the 2 cores)"


class TimedEmbedder:
    """Wraps an Embedder; adds up the seconds and texts of every encode call (and, with
    ``kept`` a list, keeps the passage texts it was given: what an index run embedded)."""

    def __init__(self, inner: Any, kept: list[str] | None = None) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.texts = 0
        self.kept = kept

    @property
    def model_id(self) -> str:
        return str(self.inner.model_id)

    @property
    def dimension(self) -> int:
        return int(self.inner.dimension)

    def embed_queries(self, texts: Sequence[str]) -> Any:
        return self._time(self.inner.embed_queries, texts)

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False
    ) -> Any:
        if self.kept is not None:
            self.kept.extend(texts)
        return self._time(
            lambda t: self.inner.embed_passages(t, batch_size=batch_size, progress=progress), texts
        )

    def _time(self, fn: Any, texts: Sequence[str]) -> Any:
        start = time.perf_counter()
        out = fn(texts)
        self.seconds += time.perf_counter() - start
        self.texts += len(texts)
        return out
