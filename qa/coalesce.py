"""Questions asked at the same moment share one model call (the web server's many students).

Embedding one short question costs about as much as embedding eight: most of a call on the CPU
is per-layer overhead, not arithmetic. :class:`CoalescingEmbedder` wraps an :class:`Embedder`;
each single question from any thread goes into a queue, and one thread embeds whatever is
waiting in one call. A question alone is not delayed (it is taken at once); questions arriving
while a call runs go together into the next one. Measured with bench/load.py
(docs/benchmarks.md, "Concurrent students").
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future

import numpy as np

from index.embedder import Embedder, Vectors

MAX_BATCH = 32


class CoalescingEmbedder:
    """An :class:`Embedder` whose single-question calls from concurrent threads are batched."""

    def __init__(self, inner: Embedder, max_batch: int = MAX_BATCH) -> None:
        self.inner = inner
        self.max_batch = max_batch
        self.calls = 0  # model calls made for single questions (for tests and benchmarks)
        self.questions = 0
        self._queue: queue.SimpleQueue[tuple[str, Future[Vectors]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()
        self._model = threading.Lock()  # held around every model call

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False
    ) -> Vectors:
        return self.inner.embed_passages(texts, batch_size=batch_size, progress=progress)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        if isinstance(texts, str):
            raise TypeError("pass a sequence of texts, not one string")
        if len(texts) > self.max_batch:  # already a batch (evaluation, centroids)
            with self._model:
                return self.inner.embed_queries(texts)
        # A few texts (a question and its pseudo-query) join the queue one by one: the model
        # is only ever called from one thread at a time (its tokenizer's padding settings are
        # shared state: two calls at once fail with "Unable to create tensor").
        waiting: list[Future[Vectors]] = []
        for text in texts:
            done: Future[Vectors] = Future()
            self._queue.put((text, done))
            waiting.append(done)
        self._ensure_thread()
        return np.stack([done.result() for done in waiting])

    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="archive-qa-embed", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            jobs = [self._queue.get()]
            while len(jobs) < self.max_batch:
                try:
                    jobs.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                with self._model:
                    vectors = np.asarray(self.inner.embed_queries([text for text, _ in jobs]))
            except BaseException as exc:  # each waiting caller gets the error, the thread lives
                for _, done in jobs:
                    done.set_exception(exc)
                continue
            self.calls += 1
            self.questions += len(jobs)
            for (_, done), vector in zip(jobs, vectors, strict=True):
                done.set_result(vector)
