"""1,000 questions in one `ask --questions` run (the real model, one process), hostile lines
among them: every line gets one JSON answer or one clear error, in order."""

from __future__ import annotations

import json
import re
from itertools import cycle, islice
from pathlib import Path

import pytest

from tests.qa.test_answers import data_dir  # noqa: F401  (seeds indexed with the real model)
from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_a_thousand_questions_in_one_batch(
    data_dir: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dev = [json.loads(line) for line in (ROOT / "tests" / "qa" / "dev_seeds.jsonl").open()]
    hostile = [
        {"question": "x" * 100_000, "id": "long"},
        {"question": "\x00\x07\x1b\t", "id": "controls"},
        {"question": "<img src=x onerror=alert(1)> 锦州电炉厂试制成功了什么？", "id": "html"},
    ]
    items = [*hostile, *({**q, "id": i} for i, q in enumerate(islice(cycle(dev), 997)))]
    lines = [json.dumps(q, ensure_ascii=False) for q in items]
    lines.insert(500, "")  # blank lines are skipped
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")

    code = main(["ask", "--questions", str(questions), "--json", "--data-dir", str(data_dir)])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1  # some lines could not be asked; all the others were answered
    assert len(out) == 1000
    assert [o["id"] for o in out] == [q["id"] for q in items]  # order and extra fields kept
    assert out[0]["error"].startswith("the question is 100,000 characters long")
    assert out[1]["error"].startswith("the question is empty")
    assert "error" not in out[2] and "电子轰击炉" in out[2]["answer"]
    answered = out[3:]
    assert all("error" not in o for o in answered)
    assert sum(o["answerable"] for o in answered) / len(answered) > 0.5
    for o in (o for o in answered if o["answerable"]):
        # every marker points to a citation, every citation is used
        assert {int(n) for n in re.findall(r"\[(\d+)\]", o["answer"])} == {
            c["n"] for c in o["citations"]
        }
