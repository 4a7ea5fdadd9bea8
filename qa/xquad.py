"""XQuAD (SQuAD-layout English + professional Chinese translation) as archive articles.

Each of the 48 Wikipedia articles becomes one bilingual archive file in the seed format: the
English paragraphs, ``<hr />``, ``Original:`` and the Chinese paragraphs (the title as the
Chinese headline). Questions keep the index of their article and paragraph.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

XQUAD_DATE = "2000-01-01"


@dataclass(frozen=True)
class XQuestion:
    article: int
    paragraph: int
    lang: str
    question: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class XQuad:
    titles: list[str]
    en: list[list[str]]  # article -> paragraphs
    zh: list[list[str]]
    questions: list[XQuestion]

    def article_id(self, i: int) -> str:
        return f"xquad_{i:02d}"


def load(folder: Path) -> XQuad:
    folder = Path(folder)
    try:
        en = json.loads((folder / "xquad.en.json").read_text(encoding="utf-8"))["data"]
        zh = json.loads((folder / "xquad.zh.json").read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(
            f"{folder}: not an XQuAD folder (xquad.en.json, xquad.zh.json): {exc}"
        ) from None
    if len(en) != len(zh):
        raise ValueError(f"{folder}: English and Chinese files are not parallel")
    questions: list[XQuestion] = []
    for lang, data in (("en", en), ("zh", zh)):
        for i, art in enumerate(data):
            for j, para in enumerate(art["paragraphs"]):
                for qa in para["qas"]:
                    answers = tuple(dict.fromkeys(a["text"] for a in qa["answers"]))
                    questions.append(XQuestion(i, j, lang, qa["question"], answers))
    return XQuad(
        titles=[a["title"].replace("_", " ") for a in en],
        en=[[" ".join(p["context"].split()) for p in a["paragraphs"]] for a in en],
        zh=[[" ".join(p["context"].split()) for p in a["paragraphs"]] for a in zh],
        questions=questions,
    )


def write_articles(
    x: XQuad,
    out: Path,
    articles: range | None = None,
    *,
    sides: tuple[str, ...] = ("en", "zh"),
) -> list[Path]:
    """Write articles (all, or the given indices) as archive files; returns their paths.

    ``sides``: both (the bilingual seed format), ``("zh",)`` (the raw untranslated layout,
    as the real archive is) or ``("en",)`` (an English-only article)."""
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i in articles if articles is not None else range(len(x.titles)):
        body_en = "\n\n".join(x.en[i])
        body_zh = "\n".join(f"    {p}" for p in x.zh[i])
        header = f"Title: {x.titles[i]}\nAuthor:\nDate: {XQUAD_DATE}\nPage: 1\n\n"
        original = f"### {x.titles[i]}\n\n{XQUAD_DATE}\n第1版()\n专栏：\n\n"
        if sides == ("zh",):
            text = f"{original}{body_zh}\n"
        elif sides == ("en",):
            text = f"{header}{body_en}\n"
        else:
            text = (
                f"{header}{body_en}\n\n<hr />\n\nOriginal:\n\n{original}"
                f"    {x.titles[i]}\n{body_zh}\n"
            )
        path = out / f"{x.article_id(i)}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
