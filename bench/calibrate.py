"""Fit the answer-or-abstain decision (qa/calibration.json) and report it on held-out questions.

    .venv/bin/python bench/calibrate.py                 # collect, fit, report, plot
    .venv/bin/python bench/calibrate.py --reuse         # refit from the saved records
    .venv/bin/python bench/calibrate.py --reuse --report  # the shipped decision's figures
    .venv/bin/python bench/calibrate.py --reuse --refresh nearmiss dialogues  # re-ask those

1. Collects one record per question (evidence features, whether the best passage is right,
   what the answer would hold) from: the seeds + May 1946 index (tests/qa/dev_seeds.jsonl,
   dev_month.jsonl, nearmiss.jsonl; and the follow-up turns of dialogues.jsonl and
   dialogue_nearmiss.jsonl, asked in their conversations) and XQuAD in every setting
   (qa/evaluate.py). Indexes are built once under data/bench/ and reused (indexing is
   incremental).
2. Fits two logistic regressions (scikit-learn) on the *dev* records only: best passage in
   the asker's language, and across languages. The label is "the best passage holds the
   answer": answering on a wrong passage is what a student must not get.
3. Picks the threshold on dev with the best expected value (a right answer +1, a wrong one
   -``--cost``, 1 by default; XQuAD, the month and the near misses weighing alike), writes the
   model, prints the test figures (XQuAD articles held out, the test halves of the dev sets,
   the seeds set, which no fit sees) and draws the precision/recall curves.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.evidence import FEATURES, Evidence  # noqa: E402

DEV_SETS = ("dev_seeds.jsonl", "dev_month.jsonl", "nearmiss.jsonl")
DIALOGUE_SETS = ("dialogues.jsonl", "dialogue_nearmiss.jsonl")
CROSS_ONLY = ("untranslated",)


def collect(data_dir: Path, scratch: Path, xquad: Path) -> list[dict[str, Any]]:
    from index.build import Indexer
    from index.embedding import load_embedder
    from index.settings import Settings
    from qa.evaluate import xquad_records
    from qa.service import Assistant

    settings = Settings(data_dir=data_dir)
    embedder = load_embedder(settings)
    report = Indexer(settings, embedder).run([ROOT / "seeds"], progress=True)
    print(f"seeds + month index: {report.articles} articles, {report.passages} passages")
    assistant = Assistant.open(settings, embedder)
    rows = collect_sets(assistant, [n.removesuffix(".jsonl") for n in DEV_SETS])
    rows += collect_dialogues(assistant)
    for setting, records in xquad_records(
        xquad, settings, embedder, scratch, progress=True
    ).items():
        for r in records:
            rows.append(_row(r, f"xquad_{setting}", r.split))
    return rows


def _assistant(data_dir: Path) -> Any:
    from index.settings import Settings
    from qa.service import Assistant

    return Assistant.open(Settings(data_dir=data_dir))


def collect_sets(assistant: Any, names: list[str]) -> list[dict[str, Any]]:
    """Records of the single-question sets ``names`` ("dev_month", "nearmiss"...)."""
    from qa.evaluate import ask_all, read_gold

    rows = []
    for name in names:
        items = read_gold(ROOT / "tests" / "qa" / f"{name}.jsonl")
        for r in ask_all(assistant, items, progress=True):
            split = r.split or "test"  # the seeds set has no split: held out, never fitted
            rows.append(_row(r, name, split))
    return rows


def collect_dialogues(assistant: Any) -> list[dict[str, Any]]:
    """Records of the dialogue sets' follow-up turns, each asked in its conversation (the
    first turns stand alone, like the other sets' questions)."""
    from qa.dialogue_eval import ask_dialogues, read_dialogues

    rows = []
    for name in DIALOGUE_SETS:
        groups = ask_dialogues(assistant, read_dialogues(ROOT / "tests" / "qa" / name), True)
        rows += [_row(r, name.removesuffix(".jsonl"), r.split) for r in groups["follow-ups"]]
    return rows


def _row(r: Any, source: str, split: str) -> dict[str, Any]:
    return {
        "source": source,
        "split": split,
        "lang": r.lang,
        "question": r.question,
        "answerable": r.answerable,
        "rank": r.rank,
        "top_right": r.top_right,
        "would_hit": r.would_hit,
        "would_fact": r.would_fact,
        "kind": r.kind,
        "evidence": None if r.evidence is None else asdict(r.evidence),
    }


# Fitted apart, on the dialogue follow-ups only (the other sets never follow a conversation).
CONVERSATION = "follows"


def _features(group: str) -> list[str]:
    return [
        f
        for f in FEATURES
        if f not in ("own_language", CONVERSATION) and (group == "cross" or f not in CROSS_ONLY)
    ]


def _vector(row: dict[str, Any], names: list[str]) -> list[float]:
    # Records collected before a feature existed lack it: its default (``follows``: no).
    return [float(row["evidence"].get(n, 0.0)) for n in names]


def _group(row: dict[str, Any]) -> str:
    return "own" if row["evidence"]["own_language"] else "cross"


def fit(rows: list[dict[str, Any]], cost: float, c: float) -> dict[str, Any]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    out: dict[str, Any] = {}
    for group in ("own", "cross"):
        names = _features(group)
        rows_dev = [r for r in rows if r["evidence"] and r["split"] == "dev" and _group(r) == group]
        dev = [r for r in rows_dev if _family(r["source"]) != "dialogues"]
        x = np.array([_vector(r, names) for r in dev])
        y = np.array([r["top_right"] for r in dev])
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        # Each family weighs alike: XQuAD's thousands of questions would otherwise drown the
        # month's and the near misses' few hundred.
        counts: dict[str, int] = {}
        for r in dev:
            counts[_family(r["source"])] = counts.get(_family(r["source"]), 0) + 1
        weight = np.array([len(dev) / (len(counts) * counts[_family(r["source"])]) for r in dev])
        model = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, y, weight)
        p = model.predict_proba((x - mean) / scale)[:, 1]
        ok = np.array([_may_answer(r) for r in dev], dtype=bool)
        threshold = _threshold(p, y, ok, weight, cost)
        follows = [r for r in rows_dev if r["evidence"].get(CONVERSATION)]
        z = model.decision_function((np.array([_vector(r, names) for r in follows]) - mean) / scale)
        offset = _offset(z, np.array([r["top_right"] for r in follows]), c)
        out[group] = {
            "features": [*names, CONVERSATION],
            "coef": [*(round(float(v), 6) for v in model.coef_[0]), round(offset, 6)],
            "intercept": round(float(model.intercept_[0]), 6),
            "mean": [*(round(float(v), 6) for v in mean), 0.0],
            "scale": [*(round(float(v), 6) for v in scale), 1.0],
            "threshold": round(float(threshold), 4),
            "dev_questions": len(dev),
            "dev_positives": int(y.sum()),
            "follow_up_questions": len(follows),
            "follow_up_positives": sum(r["top_right"] for r in follows),
            "C": c,
            "wrong_answer_cost": cost,
        }
    return out


def _offset(z: Any, y: Any, c: float) -> float:
    """The weight of following the conversation: the shift of the fitted model's log-odds
    that best explains the follow-ups' outcomes (maximum likelihood, with the fit's L2
    penalty 1/(2C)), the rest of the model held fixed. A feature that is 1 only on follow-ups
    fitted with the rest would let their few dozen questions move the whole model."""
    import numpy as np

    if not len(y):
        return 0.0
    b = 0.0
    for _ in range(50):  # Newton's method on a concave one-dimensional objective
        p = 1.0 / (1.0 + np.exp(-(z + b)))
        grad = float((y - p).sum()) - b / c
        hess = -float((p * (1 - p)).sum()) - 1.0 / c
        step = grad / hess
        b -= step
        if abs(step) < 1e-9:
            break
    return b


def _may_answer(row: dict[str, Any]) -> bool:
    """Not ruled out before the model (qa/decision.py ``ruled_out``: its years and numbers
    met, its office named, the later outcome it asks about reported, the holder of the role
    it asks about named)."""
    from qa.decision import ruled_out

    if "may_answer" not in row:
        row["may_answer"] = not ruled_out(_evidence(row))
    return bool(row["may_answer"])


def _evidence(row: dict[str, Any]) -> Evidence:
    """The record's evidence as the assistant had it (JSON lists back to tuples; a field
    added since the records were collected takes its default)."""
    e = {k: v for k, v in row["evidence"].items() if k in Evidence.__dataclass_fields__}
    for k in ("wanted_years", "found_years"):
        e[k] = tuple(e.get(k, ()))
    return Evidence(**e)


def _family(source: str) -> str:
    """XQuAD's settings count as one family of questions, like the month and the near misses;
    so do the two dialogue sets' follow-ups."""
    if source.startswith("xquad"):
        return "xquad"
    return "dialogues" if source.startswith("dialogue") else source


def _threshold(p: Any, y: Any, ok: Any, weight: Any, cost: float) -> float:
    """The threshold with the best expected value on dev: a right answer counts +1, a wrong
    one -``cost`` (a wrong answer with a citation is worse than "the archive does not say"),
    an abstention 0; each family of questions (XQuAD, the month, the near misses) weighs
    alike."""
    import numpy as np

    best, best_value = 1.0, 0.0
    for t in np.round(np.arange(0.05, 0.96, 0.01), 2):
        answered = ok & (p >= t)
        value = float((weight * answered * (y - cost * (1 - y))).sum())
        if value > best_value:
            best, best_value = float(t), value
    return best


def decide(rows: list[dict[str, Any]], calibration: dict[str, Any]) -> None:
    """Mark each row answered or not under ``calibration`` (what the assistant would do)."""
    from qa.decision import Calibration, Model

    cal = Calibration(Model.from_dict(calibration["own"]), Model.from_dict(calibration["cross"]))
    for r in rows:
        if r["evidence"] is None:
            r["answered"], r["p"] = False, 0.0
            continue
        e = _evidence(r)
        r["p"] = cal.probability(e)
        r["answered"] = cal.supports(e)


def figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per source, language and split: answered, right, fact, abstained (as the README's
    eval, from the records and the decision)."""
    from collections import defaultdict

    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[(r["source"], r["lang"], r["split"])].append(r)
    out: dict[str, Any] = {}
    for (source, lang, split), rs in sorted(groups.items()):
        ans = [r for r in rs if r["answerable"]]
        un = [r for r in rs if not r["answerable"]]

        def mean(xs: list[float]) -> float | None:
            return round(sum(xs) / len(xs), 4) if xs else None

        out[f"{source} {lang}/{split}"] = {
            "n": len(rs),
            "recall@1": mean([float(r["rank"] == 1) for r in ans]),
            "recall@5": mean([float(r["rank"] is not None and r["rank"] <= 5) for r in ans]),
            "answer_rate": mean([float(r["answered"]) for r in ans]),
            "fact": mean([float(r["answered"] and r["would_fact"]) for r in ans]),
            "answer_hit": mean([float(r["answered"] and r["would_hit"]) for r in ans]),
            "abstention": mean([float(not r["answered"]) for r in un]),
            "wrong_answered": mean([float(r["answered"] and not r["top_right"]) for r in rs]),
        }
    return out


def curve(rows: list[dict[str, Any]], group: str, split: str) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) of one group's split: precision = answers on the right
    passage / answers; recall = answers on the right passage / questions whose best passage
    is right."""
    rs = [r for r in rows if r["evidence"] and r["split"] == split and _group(r) == group]
    positives = sum(r["top_right"] for r in rs) or 1
    out = []
    for t in [i / 100 for i in range(1, 100)]:
        answered = [r for r in rs if _may_answer(r) and r["p"] >= t]
        right = sum(r["top_right"] for r in answered)
        out.append((t, right / len(answered) if answered else 1.0, right / positives))
    return out


def plot(rows: list[dict[str, Any]], calibration: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), dpi=110)
    for ax, group, title in zip(
        axes, ("own", "cross"), ("passage in the asker's language", "across languages"), strict=True
    ):
        for split, style in (("dev", "--"), ("test", "-")):
            pts = curve(rows, group, split)
            ax.plot([r for _, _, r in pts], [p for _, p, _ in pts], style, label=split)
        t = calibration[group]["threshold"]
        pts = curve(rows, group, "test")
        near = min(pts, key=lambda x: abs(x[0] - t))
        ax.plot([near[2]], [near[1]], "o", color="crimson", label=f"operating point (p >= {t:.2f})")
        ax.set_title(title)
        ax.set_xlabel("recall (right best passages answered)")
        ax.set_ylabel("precision (answers on the right passage)")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0.4, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left")
    fig.suptitle("Answer-or-abstain decision: precision/recall by threshold (bench/calibrate.py)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data-dir", type=Path, default=ROOT / "data" / "bench" / "seeds-month")
    ap.add_argument("--scratch", type=Path, default=ROOT / "data" / "bench" / "xquad")
    ap.add_argument("--xquad", type=Path, default=ROOT.parent / "shared" / "data" / "xquad")
    ap.add_argument(
        "--records", type=Path, default=ROOT / "data" / "bench" / "calibration-records.json"
    )
    ap.add_argument("--reuse", action="store_true", help="refit from the saved records")
    ap.add_argument(
        "--refresh",
        nargs="+",
        default=[],
        choices=[*(n.removesuffix(".jsonl") for n in DEV_SETS), "dialogues"],
        help="with --reuse: ask these sets again (a minute each, on --data-dir) and replace "
        "their records; 'dialogues' is both dialogue sets",
    )
    ap.add_argument(
        "--cost", type=float, default=1.0, help="a wrong answer's cost (a right one is +1)"
    )
    ap.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--out", type=Path, default=ROOT / "qa" / "calibration.json")
    ap.add_argument("--plot", type=Path, default=ROOT / "docs" / "calibration.png")
    ap.add_argument("--dry-run", action="store_true", help="fit and report, write nothing")
    ap.add_argument(
        "--report",
        action="store_true",
        help="report the decision already in --out on the records: fit and write nothing",
    )
    args = ap.parse_args()
    if args.reuse:
        rows = json.loads(args.records.read_text(encoding="utf-8"))
        if args.refresh:
            rows = [r for r in rows if _family(r["source"]) not in args.refresh]
            assistant = _assistant(args.data_dir)
            rows += collect_sets(assistant, [n for n in args.refresh if n != "dialogues"])
            if "dialogues" in args.refresh:
                rows += collect_dialogues(assistant)
            args.records.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    else:
        rows = collect(args.data_dir, args.scratch, args.xquad)
        args.records.parent.mkdir(parents=True, exist_ok=True)
        args.records.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    if args.report:
        calibration = json.loads(args.out.read_text(encoding="utf-8"))
    else:
        calibration = fit(rows, args.cost, args.C)
    decide(rows, calibration)
    for group in ("own", "cross"):
        m = calibration[group]
        print(
            f"{group}: threshold {m['threshold']}, dev {m['dev_questions']} questions, "
            f"coef {dict(zip(m['features'], m['coef'], strict=True))}"
        )
    print(
        f"{'group':44} {'n':>5} "
        + " ".join(f"{h:>6}" for h in ("r@1", "r@5", "ans", "fact", "hit", "abst", "wrong"))
    )
    for key, f in figures(rows).items():
        cells = [
            f[k]
            for k in (
                "recall@1",
                "recall@5",
                "answer_rate",
                "fact",
                "answer_hit",
                "abstention",
                "wrong_answered",
            )
        ]
        print(
            f"{key:44} {f['n']:5d} "
            + " ".join(f"{'-' if v is None else f'{v:.3f}':>6}" for v in cells)
        )
    for group in ("own", "cross"):
        print(f"\n{group} test: threshold precision recall")
        for t, p, r in curve(rows, group, "test")[::10]:
            print(f"  {t:.2f} {p:.3f} {r:.3f}")
    if not (args.dry_run or args.report):
        args.out.write_text(json.dumps(calibration, indent=1) + "\n", encoding="utf-8")
        plot(rows, calibration, args.plot)
        print(f"wrote {args.out} and {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
