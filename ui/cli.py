"""The `archive-qa` command line: index, passages, ask, chat, serve, eval."""

from __future__ import annotations

import argparse
import contextlib
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
    g.add_argument(
        "--quantize",
        choices=["none", "int8"],
        help="int8 embeds faster, less faithfully [ARCHIVE_QA_QUANTIZE, default none]",
    )
    g.add_argument("--chroma-host", help="use a `chroma run` server [ARCHIVE_QA_CHROMA_HOST]")
    g.add_argument("--chroma-port", type=int, help="its port [ARCHIVE_QA_CHROMA_PORT, 8000]")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archive-qa",
        description="Cited, offline question answering over a bilingual People's Daily archive.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "index", help="index article files, folders and monthly .7z archives (incremental)"
    )
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="files, folders or the archive's monthly .7z files (default: seeds/)",
    )
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
    p.add_argument(
        "--questions",
        type=Path,
        help="file of questions: one per line, or JSON lines with a 'question' field "
        "(other fields are echoed back)",
    )
    p.add_argument("--k", type=int, default=5, help="passages to cite or list (default 5)")
    p.add_argument("--from", dest="date_from", help="earliest date YYYY-MM-DD (or YYYY, YYYY-MM)")
    p.add_argument("--to", dest="date_to", help="latest date YYYY-MM-DD (or YYYY, YYYY-MM)")
    p.add_argument("--json", action="store_true", help="one JSON line per answer")
    _common(p)

    p = sub.add_parser(
        "chat",
        help="a conversation in the terminal: follow-up questions read with the earlier turns",
        description="Ask, then follow up ('What else did it make?', 'And in 1966?', "
        "'石英玻璃厂呢？'). Line editing and history with the arrow keys. Type /new for a new "
        "topic, /quit (or Ctrl-D) to leave.",
    )
    p.add_argument("--k", type=int, default=5, help="passages to cite or list (default 5)")
    p.add_argument("--from", dest="date_from", help="earliest date YYYY-MM-DD (or YYYY, YYYY-MM)")
    p.add_argument("--to", dest="date_to", help="latest date YYYY-MM-DD (or YYYY, YYYY-MM)")
    _common(p)

    p = sub.add_parser(
        "handout",
        help="a class handout from passage ids: its link (and its Markdown or PDF)",
        description="Passages in the order given, a title, a note for the class and questions "
        "become one link that opens a printable handout in the web chat (/handout). The link "
        "holds everything; it needs no server state.",
    )
    p.add_argument(
        "ids", nargs="+", metavar="ID", help="passage ids, e.g. '001_46162b52d6e248d1#p9'"
    )
    p.add_argument("--title", required=True, help="the handout's title")
    p.add_argument("--note", default="", help="a note for the class")
    p.add_argument(
        "--question", action="append", default=[], help="a question for the students (repeat)"
    )
    p.add_argument("--md", type=Path, help="also write the handout as Markdown to this file")
    p.add_argument("--pdf", type=Path, help="also write the handout as an A4 PDF to this file")
    p.add_argument(
        "--base-url",
        default="http://127.0.0.1:7860",
        help="the web chat's address, for the links (default http://127.0.0.1:7860)",
    )
    _common(p)

    p = sub.add_parser("serve", help="serve the web chat (Gradio) and passage pages")
    p.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument(
        "--auth",
        metavar="USER:PASS",
        default=os.environ.get("ARCHIVE_QA_AUTH"),
        help="ask for this user and password (HTTP Basic) on every page [ARCHIVE_QA_AUTH]; "
        "use HTTPS in front of it beyond 127.0.0.1",
    )
    _common(p)

    p = sub.add_parser("eval", help="measure retrieval and answers against gold data")
    p.add_argument(
        "file",
        nargs="?",
        type=Path,
        help='JSON lines {"question", "gold", "answerable"}, or dialogues {"turns": [...]}',
    )
    p.add_argument("--xquad", type=Path, help="run the XQuAD benchmark from this folder instead")
    p.add_argument("--scratch", type=Path, help="scratch folder for the XQuAD indexes")
    p.add_argument("--limit", type=int, help="XQuAD: only this many questions (a quick look)")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    _common(p)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        data_dir=getattr(args, "data_dir", None),
        model=getattr(args, "model", None),
        model_cache=getattr(args, "model_cache", None),
        device=getattr(args, "device", None),
        quantize=getattr(args, "quantize", None),
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
    for broken, kept in indexer.set_aside:
        print(f"{broken} was unreadable: moved aside to {kept.name}, rebuilding", file=sys.stderr)
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
        months = report.sources
        if len(months) > 1 or any(name.lower().endswith(".7z") for name in months):
            for name, c in sorted(months.items()):
                print(
                    f"  {Path(name).name}: added {c['added']}, updated {c['updated']}, "
                    f"unchanged {c['unchanged']}, skipped {c['skipped']}"
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


def cmd_handout(args: argparse.Namespace, settings: Settings) -> int:
    from index.store import open_catalog
    from qa.dictionary import open_dictionary
    from qa.handout import Handout, HandoutError, gather, link
    from ui.handout import handout_markdown

    h = Handout(args.title, args.note, tuple(args.ids), tuple(args.question))
    try:
        r = gather(open_catalog(settings), h)
        url = link(args.base_url, r.handout)
    except HandoutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if r.missing:
        print(
            f"error: no passage {', '.join(map(repr, r.missing))} in {settings.data_dir}",
            file=sys.stderr,
        )
        return 1
    base = args.base_url.rstrip("/")
    dictionary = open_dictionary(settings.model_cache) if args.md or args.pdf else None
    if args.md:
        args.md.write_text(handout_markdown(r, base, dictionary), encoding="utf-8")
        print(f"wrote {args.md}", file=sys.stderr)
    if args.pdf:
        from ui.handout_pdf import handout_pdf

        args.pdf.write_bytes(handout_pdf(r, base, dictionary))
        print(f"wrote {args.pdf}", file=sys.stderr)
    print(url)
    return 0


def _question_lines(path: Path) -> list[dict[str, Any]]:
    from index.reader import ArticleError, decode

    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the questions file ({exc.strerror})") from None
    except ArticleError as exc:
        raise ValueError(f"{path}: not a questions file ({exc})") from None
    items: list[dict[str, Any]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: invalid JSON ({exc.msg})") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
                raise ValueError(f"{path}:{n}: a JSON line needs a 'question' string")
            items.append(obj)
        else:
            items.append({"question": line.strip()})
    return items


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from qa.service import Assistant, QuestionError

    if bool(args.question) == bool(args.questions):
        print("error: give a QUESTION or --questions FILE (one of them)", file=sys.stderr)
        return 2
    items = _question_lines(args.questions) if args.questions else [{"question": args.question}]
    assistant = Assistant.open(settings)
    failed = 0
    from tqdm import tqdm

    # A progress bar for long batches when a person watches (stderr is a terminal).
    quiet = len(items) < 20 or not sys.stderr.isatty()
    for item in tqdm(items, desc="asking", unit="q", disable=quiet, leave=False):
        try:
            answer = assistant.ask(
                item["question"], k=args.k, date_from=args.date_from, date_to=args.date_to
            )
        except QuestionError as exc:
            failed += 1
            if args.json:
                print(json.dumps({**item, "error": str(exc)}, ensure_ascii=False))
            else:
                print(f"error: {exc}", file=sys.stderr)
            continue
        if args.json:
            extra = {k: v for k, v in item.items() if k != "question"}
            print(json.dumps({**extra, **answer.to_dict()}, ensure_ascii=False))
        else:
            if len(items) > 1:
                print(f"Q: {answer.question}")
            print(answer.render_text())
            if len(items) > 1:
                print()
    return 1 if failed else 0


NEW_TOPIC_COMMANDS = ("/new", "/new topic", "/新话题", "新话题")
QUIT_COMMANDS = ("/quit", "/exit", "/q")


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from qa.dialogue import Memory
    from qa.service import Assistant, QuestionError

    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    print("loading the index and the model ...", file=sys.stderr)
    assistant = Assistant.open(settings)
    print(
        "Ask in English or Chinese; follow up with 'What else did it make?', 'And in 1966?', "
        "'它后来怎么样了？'. /new starts a new topic, /quit (or Ctrl-D) leaves.",
        file=sys.stderr,
    )
    memory = Memory()
    prompt = "? " if sys.stdin.isatty() else ""  # piped questions: answers only, no prompts
    while True:
        try:
            line = input(prompt).strip()
        except EOFError:
            print(file=sys.stderr)
            return 0
        if not line:
            continue
        if line.lower() in QUIT_COMMANDS:
            return 0
        if line.lower() in NEW_TOPIC_COMMANDS:
            memory = Memory()
            print("(new topic / 新话题)")
            continue
        try:
            resolved, answer = assistant.converse(
                line, memory, k=args.k, date_from=args.date_from, date_to=args.date_to
            )
        except QuestionError as exc:
            print(f"error: {exc}", file=sys.stderr)
            continue
        memory = resolved.memory
        if resolved.rewritten:
            print(f"{searching_label(answer.language)}{resolved.searched}")
        print(answer.render_text())
        print()


def searching_label(language: str) -> str:
    return "检索：" if language == "zh" else "Searching: "


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from ui.auth import AuthError, parse_credentials
    from ui.web import serve

    try:
        auth = parse_credentials(args.auth) if args.auth else None
    except AuthError as exc:
        print(f"archive-qa: {exc}", file=sys.stderr)
        return 2
    guarded = " (password required)" if auth else ""
    print(f"serving on http://{args.host}:{args.port}{guarded} (Ctrl-C stops)", file=sys.stderr)
    serve(settings, args.host, args.port, auth)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    import tempfile

    from qa.dialogue_eval import evaluate_dialogues, is_dialogue_file
    from qa.evaluate import evaluate_file, run_xquad
    from qa.service import Assistant

    if bool(args.file) == bool(args.xquad):
        print("error: give a FILE or --xquad FOLDER (one of them)", file=sys.stderr)
        return 2
    if args.xquad:
        embedder = _embedder(settings)
        with tempfile.TemporaryDirectory(prefix="archive-qa-xquad-") as tmp:
            scratch = args.scratch or Path(tmp)
            figures = run_xquad(
                args.xquad,
                settings,
                embedder,
                scratch,
                limit=args.limit,
                progress=sys.stderr.isatty(),
            )
    elif not args.file.is_file():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return 2
    elif is_dialogue_file(args.file):
        figures = evaluate_dialogues(Assistant.open(settings), args.file, sys.stderr.isatty())
    else:
        figures = evaluate_file(Assistant.open(settings), args.file)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        _print_figures(figures)
    return 0


def _print_figures(figures: dict[str, Any], indent: str = "") -> None:
    for key, value in figures.items():
        if isinstance(value, dict):
            print(f"{indent}{key}:")
            _print_figures(value, indent + "  ")
        else:
            print(f"{indent}{key}: {value}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = settings_from(args)
    from index.catalog import CatalogError
    from index.embedder import ModelUnavailable
    from index.store import IndexMissing
    from index.vectors import StoreError

    handlers = {
        "index": cmd_index,
        "passages": cmd_passages,
        "ask": cmd_ask,
        "chat": cmd_chat,
        "eval": cmd_eval,
        "serve": cmd_serve,
        "handout": cmd_handout,
    }
    try:
        return handlers[args.command](args, settings)
    except (ModelUnavailable, StoreError, CatalogError, IndexMissing, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except KeyboardInterrupt:
        print(
            "interrupted: the index is left usable; run the same command again to finish",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
