"""The `archive-qa` command line: index, passages, ask."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from index.settings import Settings


def _common(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("settings (each also an environment variable)")
    g.add_argument("--data-dir", help="index directory [ARCHIVE_QA_DATA_DIR, default ./data]")
    g.add_argument(
        "--model",
        help="sentence-transformers model name or directory "
        "[ARCHIVE_QA_MODEL, default: bundled multilingual-e5-small]",
    )
    g.add_argument("--model-cache", help="converted-model cache [ARCHIVE_QA_MODEL_CACHE]")
    g.add_argument("--device", help="torch device: cpu, cuda, ... [ARCHIVE_QA_DEVICE, default cpu]")
    g.add_argument("--chroma-host", help="use a `chroma run` server [ARCHIVE_QA_CHROMA_HOST]")
    g.add_argument("--chroma-port", type=int, help="its port [ARCHIVE_QA_CHROMA_PORT, 8000]")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archive-qa",
        description="Cited, offline question answering over a bilingual People's Daily archive.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("index", help="index article files (incremental)")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: seeds/)")
    p.add_argument("--rebuild", action="store_true", help="re-embed every file")
    p.add_argument("--json", action="store_true", help="print one JSON summary object")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar (default: when stderr is a terminal)",
    )
    _common(p)

    p = sub.add_parser("passages", help="print an article's indexed passages")
    p.add_argument("article_id", help="article id (the file name without extension)")
    p.add_argument("--json", action="store_true", help="one JSON object per passage")
    _common(p)

    p = sub.add_parser("ask", help="answer a question from the archive, with citations")
    p.add_argument("question", nargs="?", help="the question, English or Chinese")
    p.add_argument("--k", type=int, default=5, help="passages to cite or list (default 5)")
    p.add_argument("--from", dest="date_from", help="earliest date YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", help="latest date YYYY-MM-DD")
    p.add_argument("--json", action="store_true", help="one JSON line per answer")
    _common(p)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        data_dir=getattr(args, "data_dir", None),
        model=getattr(args, "model", None),
        model_cache=getattr(args, "model_cache", None),
        device=getattr(args, "device", None),
        chroma_host=getattr(args, "chroma_host", None),
        chroma_port=getattr(args, "chroma_port", None),
    )


def _embedder(settings: Settings) -> Any:
    from index.embedding import load_embedder

    return load_embedder(settings)


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from index.build import Indexer

    paths = args.paths or [Path("seeds")]
    indexer = Indexer(settings, _embedder(settings), rebuild=args.rebuild)
    report = indexer.run(paths, progress=args.progress)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(
            f"indexed {report.articles} articles, {report.passages} passages "
            f"(added {report.added}, updated {report.updated}, removed {report.removed}, "
            f"unchanged {report.unchanged}, skipped {len(report.skipped)}) "
            f"in {report.seconds:.1f} s -> {settings.data_dir}"
        )
        for s in report.skipped:
            print(f"skipped {s['path']}: {s['error']}", file=sys.stderr)
    return 1 if report.skipped else 0


def cmd_passages(args: argparse.Namespace, settings: Settings) -> int:
    from index.store import open_catalog

    catalog = open_catalog(settings)
    passages = catalog.passages_of(args.article_id)
    if not passages:
        print(f"error: no article {args.article_id!r} in {settings.data_dir}", file=sys.stderr)
        return 1
    for p in passages:
        if args.json:
            print(json.dumps(p.to_dict(), ensure_ascii=False))
        else:
            print(f"[{p.id}]  {p.date}  page {p.page}")
            if p.text_en:
                print(f"  EN: {p.text_en}")
            if p.text_zh:
                print(f"  ZH: {p.text_zh}")
            print()
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from qa.service import Assistant

    if not args.question:
        print("error: give a QUESTION", file=sys.stderr)
        return 2
    assistant = Assistant.open(settings)
    answer = assistant.ask(args.question, k=args.k, date_from=args.date_from, date_to=args.date_to)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(answer.render_text())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = settings_from(args)
    from index.catalog import CatalogError
    from index.embedder import ModelUnavailable
    from index.store import IndexMissing
    from index.vectors import StoreError

    handlers = {"index": cmd_index, "passages": cmd_passages, "ask": cmd_ask}
    try:
        return handlers[args.command](args, settings)
    except (ModelUnavailable, StoreError, CatalogError, IndexMissing, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "interrupted: the index is left usable; run the same command again to finish",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
