"""Warm time to answer in the real browser, from Enter in the chat's question box to the answer
shown in the chat, on the seeds + May 1946 index (issue H; target p50 <= 1 s).

    .venv/bin/python bench/browser_latency.py --data-dir /tmp/monthdata [--questions 40] [--verbose]
    .venv/bin/python bench/browser_latency.py [--questions 40]   # indexes seeds/ in a scratch dir
    .venv/bin/python bench/browser_latency.py --data-dir DIR --between new-topic

Starts ``archive-qa serve --data-dir DIR --host 127.0.0.1 --port PORT`` on a free port (or uses
``--url``), then drives Debian's chromium (headless, 1280x900, never downloaded) with
Playwright. Without --data-dir it first runs ``archive-qa index seeds/ --data-dir TMP`` (the two
bilingual seeds and the 447 articles of May 1946), with its progress bar.

Questions: ``tests/qa/dev_month.jsonl`` and ``tests/qa/dev_seeds.jsonl``, English and Chinese
alternating (the "lang" field, else the app's own ``detect_language``), spread evenly over both
files; ``--warmup`` (3) other questions are asked first and not counted.

Every question is a first turn. By default (``--between reload``) the page is reloaded before
each question and the bench waits until it is ready (question box shown, the page's own load
event answered by the server); ``--between new-topic`` presses "New topic / 新话题" instead and
keeps one page, whose chat then grows by three messages per question.

The timer runs in the page, with ``performance.now()`` (nothing of Playwright's round trips is
in it): it starts in a capturing keydown listener when Enter goes down in the question box, and
each mark is taken after the next frame is painted (``requestAnimationFrame`` then
``setTimeout 0``) once a MutationObserver sees the page change:

- answer shown: the newest bot message of the chat is there and is no longer the temporary
  "⏳ Working… / 正在查找…" line (the answer replaces it in one update: no streaming);
- sources shown: the sources panel holds the new answer's group ("Sources for / 出处：...",
  with its cards ``aqa-t{turn}-c{n}``);
- working line shown: the question and the "Working…" line in the chat (Gradio's unqueued
  ``pending`` step);
- answer received: the ``process_completed`` message of the queued ``respond`` event read off
  Gradio's event stream (window.fetch is wrapped to read a copy of the stream); its
  ``output.duration`` is the server's own time in ``respond`` (``converse``, i.e. the ask,
  then the timeline and the cards' HTML, with Gradio's pre- and postprocessing): "server
  respond" below.

Prints p50 / p95 / max of each, English and Chinese apart and together (``--verbose``: one line
per question). The server is stopped and the browser closed on errors and Ctrl-C too.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import math
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _common import ROOT, load_note, machine, median, percentile, setup

setup()

CHROMIUM = "/usr/bin/chromium"
# As tests/ui/test_browser.py launches it.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BOX_LABEL = "Question / 问题 (Enter sends / 回车发送)"
NEW_TOPIC_BUTTON = "New topic / 新话题"
NEW_TOPIC_LINE = "— New topic / 新话题 —"
WORKING = "Working… / 正在查找…"
QUESTION_FILES = [
    ROOT / "tests" / "qa" / "dev_month.jsonl",
    ROOT / "tests" / "qa" / "dev_seeds.jsonl",
]

# Installed in every page before Gradio's scripts: the Enter time, the page's marks, and a copy
# of Gradio's event stream (its "process_completed" messages).
WATCH = """
(() => {
  const S = window.__aqaBench = {armed: false, completed: 0};
  const WORKING = __WORKING__;
  window.addEventListener('keydown', (e) => {
    if (S.armed && S.enter === null && e.key === 'Enter') S.enter = performance.now();
  }, true);
  const shown = (key) => {  // after the next frame is painted
    if (S[key + 'Seen']) return;
    S[key + 'Seen'] = true;
    S[key + 'Dom'] = performance.now();  // in the page's DOM, not yet painted
    requestAnimationFrame(() => setTimeout(() => { S[key] = performance.now(); }, 0));
  };
  const check = () => {
    if (!S.armed || S.enter === null) return;
    const chat = document.querySelector('[aria-label="chatbot conversation"]');
    const bots = chat ? chat.querySelectorAll('[data-testid="bot"]') : [];
    if (bots.length > S.bots0) {
      const last = bots[bots.length - 1].textContent || '';
      if (last.includes(WORKING)) shown('working');
      else if (last.trim()) {
        if (!S.answerSeen) {
          S.answerText = last;
          S.noSources = last.trim().startsWith('⚠');  // refused: the panel is not updated
        }
        shown('answer');
      }
    }
    const head = document.querySelector('#aqa-sources .aqa-group h2.aqa-for');
    if (head && (head !== S.head0 || head.textContent !== S.head0text)) {
      if (!S.sourcesSeen) {  // the newest group's cited cards (earlier groups are folded below)
        S.cards = head.closest('.aqa-group').querySelectorAll('[id^="aqa-t"]').length;
      }
      shown('sources');
    }
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true,
                                                 characterData: true});
  const read = async (stream) => {
    const reader = stream.getReader();
    const text = new TextDecoder();
    let buf = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
      buf += text.decode(value, {stream: true});
      let cut;
      while ((cut = buf.indexOf('\\n\\n')) >= 0) {
        const chunk = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        for (const line of chunk.split('\\n')) {
          if (!line.startsWith('data:')) continue;
          let m;
          try { m = JSON.parse(line.slice(5)); } catch (e) { continue; }
          if (m.msg !== 'process_completed') continue;
          S.completed += 1;
          if (S.armed && S.enter !== null && S.received === null) {
            S.received = performance.now();
            S.duration = m.output && typeof m.output.duration === 'number'
              ? m.output.duration * 1000 : null;
          }
        }
      }
    }
  };
  const fetch0 = window.fetch;
  window.fetch = async function (...args) {
    const res = await fetch0.apply(this, args);
    const url = String((args[0] && args[0].url) || args[0]);
    if (url.includes('/queue/data') && res.body) read(res.clone().body).catch(() => {});
    return res;
  };
  window.__aqaArm = () => {
    const chat = document.querySelector('[aria-label="chatbot conversation"]');
    const head = document.querySelector('#aqa-sources .aqa-group h2.aqa-for');
    Object.assign(S, {
      armed: true, enter: null, working: null, answer: null, sources: null, received: null,
      duration: null, workingSeen: false, answerSeen: false, sourcesSeen: false,
      answerDom: null, sourcesDom: null, answerText: '', noSources: false, cards: 0,
      bots0: chat ? chat.querySelectorAll('[data-testid="bot"]').length : 0,
      head0: head, head0text: head ? head.textContent : null,
    });
  };
})();
""".replace("__WORKING__", json.dumps(WORKING))

DONE = "() => { const S = window.__aqaBench; return S.answer !== null && S.answer !== undefined "
DONE += "&& (S.sources !== null || S.noSources); }"
RESULT = """() => { const S = window.__aqaBench; S.armed = false;
  const since = (t) => (t === null || t === undefined) ? null : t - S.enter;
  return {answer: since(S.answer), sources: S.noSources ? null : since(S.sources),
          working: since(S.working), received: since(S.received), server: S.duration,
          answerDom: since(S.answerDom), sourcesDom: S.noSources ? null : since(S.sourcesDom),
          cards: S.cards, text: S.answerText}; }"""
MEASURES = [
    ("answer shown", "answer"),
    ("sources shown", "sources"),
    ("working line shown", "working"),
    ("answer received (event stream)", "received"),
    ("server respond (Gradio duration)", "server"),
    ("received -> answer shown", "render"),
    ("sources - answer, in the DOM", "gap"),
]


def detect_language(text: str) -> str:
    """The app's own rule (qa.answer), imported when called: mypy, which puts bench/ first on
    its path, would read the package's ``index`` imports as bench/index.py."""
    return str(importlib.import_module("qa.answer").detect_language(text))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def archive_qa() -> list[str]:
    """The `archive-qa` command of the Python running this script."""
    exe = Path(sys.executable).parent / "archive-qa"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ui"]


def build_index(data: Path) -> None:
    cmd = [*archive_qa(), "index", "seeds/", "--data-dir", str(data), "--progress"]
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)


@contextlib.contextmanager
def server(data: Path, log: Path) -> Iterator[str]:
    """`archive-qa serve` over ``data`` on a free port; yields its URL once / answers 200."""
    port = free_port()
    cmd = [*archive_qa(), "serve", "--data-dir", str(data), "--host", "127.0.0.1"]
    cmd += ["--port", str(port)]
    print("$", " ".join(cmd), flush=True)
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                tail = log.read_text(errors="replace")[-2000:]
                raise SystemExit(f"server exited ({proc.returncode}):\n{tail}")
            if time.monotonic() > deadline:
                raise SystemExit("server did not answer within 300 s")
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            time.sleep(0.5)
        yield url
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def questions(n: int, warmup: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(warm-up, measured) questions as (lang, question): English and Chinese alternating,
    each language's questions taken evenly over both files."""
    by_lang: dict[str, list[str]] = {"en": [], "zh": []}
    for path in QUESTION_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                q = row["question"]
                by_lang[row.get("lang") or detect_language(q)].append(q)
    half = math.ceil(n / 2)
    picked: dict[str, list[str]] = {}
    rest: dict[str, list[str]] = {}
    for lang, qs in by_lang.items():
        if len(qs) <= half:
            picked[lang] = qs
        else:  # evenly over the whole list, first and last included
            picked[lang] = [qs[round(i * (len(qs) - 1) / max(half - 1, 1))] for i in range(half)]
        rest[lang] = [q for q in qs if q not in picked[lang]]
    measured = [
        (lang, q)
        for pair in zip(picked["en"], picked["zh"], strict=False)
        for lang, q in zip(("en", "zh"), pair, strict=True)
    ][:n]
    spare = [
        (lang, q)
        for pair in zip(rest["en"], rest["zh"], strict=False)
        for lang, q in zip(("en", "zh"), pair, strict=True)
    ]
    return spare[:warmup], measured


def ready_page(page: Any, url: str) -> None:
    """The chat loaded afresh: question box shown, the page's load event answered."""
    page.goto(url + "/")
    page.get_by_label(BOX_LABEL).wait_for(timeout=60_000)
    page.wait_for_function(
        "() => window.__aqaBench && window.__aqaBench.completed >= 1", timeout=60_000
    )


def new_topic(page: Any) -> None:
    """Press "New topic" (when the chat holds anything) and wait for its line."""
    bots = page.locator('[aria-label="chatbot conversation"] [data-testid="bot"]')
    if bots.count() == 0:
        return
    page.get_by_role("button", name=NEW_TOPIC_BUTTON).click()
    page.wait_for_function(
        """(line) => { const b = document.querySelectorAll(
             '[aria-label="chatbot conversation"] [data-testid="bot"]');
           return b.length && b[b.length - 1].textContent.includes(line); }""",
        arg=NEW_TOPIC_LINE,
        timeout=30_000,
    )


def ask(page: Any, url: str, question: str, between: str, timeout_s: float) -> dict[str, Any]:
    """One first-turn question; the page's marks in ms after Enter."""
    if between == "reload":
        ready_page(page, url)
    else:
        new_topic(page)
    box = page.get_by_label(BOX_LABEL)
    box.fill(question)
    page.evaluate("window.__aqaArm()")
    box.press("Enter")
    page.wait_for_function(DONE, timeout=timeout_s * 1000)
    marks: dict[str, Any] = page.evaluate(RESULT)
    if marks["received"] is not None and marks["answer"] is not None:
        marks["render"] = marks["answer"] - marks["received"]
    else:
        marks["render"] = None
    if marks["sourcesDom"] is not None and marks["answerDom"] is not None:
        marks["gap"] = marks["sourcesDom"] - marks["answerDom"]
    else:
        marks["gap"] = None
    return marks


def close_quietly(browser: Any) -> None:
    """Close the browser; after Ctrl-C its driver may be gone already."""
    with contextlib.suppress(Exception):
        browser.close()


def row(name: str, lang: str, values: list[float]) -> str:
    if not values:
        return f"| {name} | {lang} | 0 | - | - | - |"
    return (
        f"| {name} | {lang} | {len(values)} | {median(values):.0f} | "
        f"{percentile(values, 0.95):.0f} | {max(values):.0f} |"
    )


def report(results: list[tuple[str, str, dict[str, Any]]]) -> None:
    print("| measure (ms after Enter) | lang | n | p50 | p95 | max |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, key in MEASURES:
        langs = ("en", "zh", "all") if key in ("answer", "sources") else ("all",)
        for lang in langs:
            vals = [
                float(m[key])
                for qlang, _, m in results
                if m.get(key) is not None and lang in (qlang, "all")
            ]
            print(row(name, lang, vals))
    answers = [m["answer"] for _, _, m in results if m.get("answer") is not None]
    if answers:
        p50 = median(answers)
        verdict = "met" if p50 <= 1000 else "NOT met"
        print(f"target: answer shown p50 <= 1000 ms: {verdict} ({p50:.0f} ms)")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data-dir", type=Path, help="an index of seeds/ (default: build one)")
    ap.add_argument("--url", help="use this running server instead of starting one")
    ap.add_argument("--questions", type=int, default=40, help="measured questions (default 40)")
    ap.add_argument("--warmup", type=int, default=3, help="uncounted questions first (default 3)")
    ap.add_argument(
        "--between",
        choices=["reload", "new-topic"],
        default="reload",
        help="before each question: reload the page (default) or press New topic",
    )
    ap.add_argument("--timeout", type=float, default=60, help="seconds per question (default 60)")
    ap.add_argument("--chromium", default=CHROMIUM, help=f"browser binary (default {CHROMIUM})")
    ap.add_argument("--verbose", "-v", action="store_true", help="one line per question")
    args = ap.parse_args()
    # A plain `kill` stops the server and the browser too (finally blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    warm, measured = questions(args.questions, args.warmup)
    print(machine())
    with (
        tempfile.TemporaryDirectory(prefix="browser-latency-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        if args.url:
            url = args.url.rstrip("/")
        else:
            data = args.data_dir
            if data is None:
                data = Path(tmp) / "data"
                build_index(data)
            url = stack.enter_context(server(data, Path(tmp) / "serve.log"))
        from playwright.sync_api import sync_playwright

        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=args.chromium, args=ARGS, headless=True)
        stack.callback(close_quietly, browser)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(WATCH)
        page = context.new_page()
        ready_page(page, url)  # loaded once: scripts cached, the server's first page served
        results: list[tuple[str, str, dict[str, Any]]] = []
        failed: list[str] = []
        streak = 0  # failures in a row
        for i, (lang, q) in enumerate([*warm, *measured]):
            counted = i >= len(warm)
            try:
                marks = ask(page, url, q, args.between, args.timeout)
            except Exception as exc:  # a timeout: noted, the run goes on (not three in a row)
                why = (str(exc).splitlines() or [type(exc).__name__])[0]
                failed.append(f"{lang} {q[:50]}: {why}")
                print(f"  FAILED {failed[-1]}", file=sys.stderr, flush=True)
                if not counted or streak >= 2:  # a warm-up, or the third in a row
                    raise
                streak += 1
                continue
            streak = 0
            if counted:
                results.append((lang, q, marks))
            if args.verbose:

                def ms(key: str, m: dict[str, Any] = marks) -> str:
                    return "-" if m.get(key) is None else f"{m[key]:.0f}"

                tag = "" if counted else " (warm-up)"
                print(
                    f"{ms('answer'):>6} ms answer  {ms('sources'):>6} sources  "
                    f"{ms('working'):>5} working  {ms('received'):>5} received  "
                    f"{ms('server'):>5} server  {marks['cards']:>2} cards  {lang}  "
                    f"{q[:50]}{tag}",
                    flush=True,
                )
    how = "page reloaded" if args.between == "reload" else "New topic pressed"
    print(
        f"\n{len(results)} questions ({sum(lang == 'en' for lang, _, _ in results)} en, "
        f"{sum(lang == 'zh' for lang, _, _ in results)} zh), {len(warm)} warm-up, {how} before "
        f"each; chromium headless 1280x900; timer: performance.now() in the page"
    )
    refused = sum(1 for _, _, m in results if str(m.get("text", "")).strip().startswith("⚠"))
    uncited = sum(1 for _, _, m in results if not m.get("cards"))
    print(
        f"answers without cited cards (abstained): {uncited}; refused (⚠): {refused}; "
        f"failed: {len(failed)}"
    )
    report(results)
    print(load_note())
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # the server and the browser are stopped by then
        sys.exit("interrupted")
