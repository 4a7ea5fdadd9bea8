"""The dialogue dev set: conversations whose later turns cannot be answered alone.

``tests/qa/dialogues.jsonl`` holds one conversation per line::

    {"id": "en-01", "lang": "en", "split": "dev",
     "turns": [{"question": "...", "gold": ["..."]}, {"question": "...", "gold": ["..."]}]}

Each conversation is asked turn by turn with its memory (:meth:`Assistant.converse`); the
figures are those of the single-question sets (qa/evaluate.py: recall@5, fact, answer rate)
for the first turns and for the follow-ups, and, to show that the follow-ups need the
conversation, for the follow-ups asked alone. A turn with ``"answerable": false`` (and no
gold) is a follow-up the archive does not answer (``tests/qa/dialogue_nearmiss.jsonl``): its
figure is the share answered anyway, ``false_answers``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.dialogue import Memory
from qa.evaluate import GoldQuestion, Record, answered_as, metrics, record
from qa.service import Assistant, remember


@dataclass(frozen=True)
class Dialogue:
    id: str
    lang: str
    split: str
    turns: tuple[GoldQuestion, ...]


def is_dialogue_file(path: Path) -> bool:
    """Does the file's first line hold a conversation (a ``turns`` list)?"""
    with Path(path).open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                try:
                    return isinstance(json.loads(line).get("turns"), list)
                except (ValueError, AttributeError):
                    return False
    return False


def read_dialogues(path: Path) -> list[Dialogue]:
    out: list[Dialogue] = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            lang, split = str(obj.get("lang", "")), str(obj.get("split", ""))
            turns = tuple(
                GoldQuestion(
                    str(t["question"]),
                    tuple(t["gold"]),
                    bool(t.get("answerable", True)),
                    lang,
                    split,
                    str(t.get("kind", "")),
                )
                for t in obj["turns"]
            )
            if not turns:
                raise ValueError("no turns")
            out.append(Dialogue(str(obj.get("id", n)), lang, split, turns))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a dialogue line ({exc})") from None
    return out


def ask_dialogues(
    assistant: Assistant, dialogues: list[Dialogue], progress: bool = False
) -> dict[str, list[Record]]:
    """Records of the first turns, the follow-ups (with the conversation), and the
    follow-ups asked alone; each follow-up record's ``tags`` say what was searched."""
    from tqdm import tqdm

    out: dict[str, list[Record]] = defaultdict(list)
    for d in tqdm(dialogues, desc="dialogues", disable=not progress):
        memory = Memory()
        for i, turn in enumerate(d.turns):
            resolved, considered = assistant.consider_turn(turn.question, memory)
            composed, answer = answered_as(assistant, considered)
            memory = remember(resolved, answer, assistant.romanise).memory
            r = record(turn, answer, considered.evidence, composed)
            r.tags = {"id": d.id, "searched": resolved.searched}
            out["first turns" if i == 0 else "follow-ups"].append(r)
            if i:
                out["follow-ups asked alone"].append(record(turn, assistant.ask(turn.question)))
    return out


def evaluate_dialogues(assistant: Assistant, path: Path, progress: bool = False) -> dict[str, Any]:
    """Figures per kind of turn, over all and per language and split."""
    groups = ask_dialogues(assistant, read_dialogues(path), progress)
    figures: dict[str, Any] = {}
    for kind, records in groups.items():
        by: dict[str, list[Record]] = defaultdict(list)
        for r in records:
            by[r.lang].append(r)
            if r.split:
                by[f"{r.lang}/{r.split}"].append(r)
        figures[kind] = {"all": _short(records), **{k: _short(v) for k, v in sorted(by.items())}}
    rewritten = [r for r in groups.get("follow-ups", []) if r.tags["searched"] != r.question]
    figures["follow-ups rewritten"] = len(rewritten)
    return figures


def _short(records: list[Record]) -> dict[str, Any]:
    m = metrics(records)
    keep = ["questions", "recall@1", "recall@5", "fact", "answer_hit", "answer_rate"]
    if m["unanswerable"]:  # follow-ups the archive does not answer (dialogue_nearmiss.jsonl)
        keep = ["questions", "answerable", "unanswerable", *keep[1:], "false_answers"]
    return {k: m[k] for k in keep if m[k] is not None}  # none of recall when none answerable
