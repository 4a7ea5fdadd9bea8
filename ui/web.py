"""The web chat (Gradio) and the permanent passage pages, one FastAPI app."""

from __future__ import annotations

import html
import logging
import os
import re
from typing import Any
from urllib.parse import quote

from index.settings import Settings
from index.vectors import StoreError
from qa.answer import GLOSS_LABEL, Answer, detect_language
from qa.dialogue import Memory, replay
from qa.service import Assistant, QuestionError
from ui import browse, handout, readinglist, render
from ui.listjs import ADD_JS

EXAMPLES = [
    "What did the Jinzhou Electric Furnace Factory trial-produce in 1965?",
    "锦州电炉厂在1965年试制成功了什么？",
    "How many kinds of metals do rare earth metals include?",
    "食品公司用猪牛羊的废物制成了什么？",
]


def gloss_lines(citations: list[Any], language: str = "en") -> list[str]:
    """The word-by-word glosses of the quoted Chinese-only passages (an English asker's): the
    label, then ``[n] gloss`` for each. ``citations``: Citations or their dicts."""
    rows = []
    for c in citations:
        n, gloss = (c["n"], c.get("gloss", "")) if isinstance(c, dict) else (c.n, c.gloss)
        if gloss:
            rows.append(f"[{n}] {gloss}")
    return [f"{GLOSS_LABEL.get(language, GLOSS_LABEL['en'])}:", *rows] if rows else []


NEW_TOPIC = "— New topic / 新话题 —"


def answer_text(answer: Answer, searched: str = "") -> str:
    """The chat's answer: what was searched (a rewritten follow-up), the answer, its
    citations titled in the asker's language, the glosses."""
    lines = [f"{SEARCHING[answer.language]}{searched}", ""] if searched else []
    lines.append(answer.answer)
    other = "zh" if answer.language == "en" else "en"
    for c in answer.citations:
        title = c.title.get(answer.language) or c.title.get(other) or c.passage_id
        lines.append(f"[{c.n}] {title} ({c.date})")
    glosses = gloss_lines(answer.citations, answer.language)
    if glosses:
        lines += ["", *glosses]
    return "\n".join(lines)


def export_markdown(answers: list[dict[str, Any]], base_url: str = "") -> str:
    """The conversation as Markdown: each question, its answer, every citation with its link."""
    out = ["# archive-qa conversation", ""]
    for a in answers:
        out += [f"## {a['question']}", "", a["answer"], ""]
        for c in a["citations"]:
            title = c["title"]["en"] or c["title"]["zh"]
            link = base_url + render.passage_link(c["passage_id"])
            cite = render.citation_text(title, c["date"], c["page"], c["passage_id"])
            out.append(f"- [{c['n']}] {cite} <{link}>")
        glosses = gloss_lines(a["citations"], a.get("language", "en"))
        if glosses:
            out += ["", glosses[0], "", *(f"- {row}" for row in glosses[1:])]
        out.append("")
    return "\n".join(out)


# Questions answered at once. The questions in flight share model calls (qa/coalesce.py), so
# more of them at once means bigger, cheaper batches: with 40 students x 5 questions on the
# 100k-passage index the server spent 92 ms of CPU per question at 2, 70 at 8, 64 at 16, 50 at
# 32 and 48, 56 at 64 (bench/load.py, docs/benchmarks.md). 32 leaves 8 of the server's 40
# worker threads for passage pages. Gradio's own GRADIO_DEFAULT_CONCURRENCY_LIMIT overrides it.
CONCURRENCY = 32
# Questions waiting beyond this get "queue full" at once instead of an ever longer wait; 100 is
# over twice a class of 40 with one question each in flight.
QUEUE_MAX = 100
UNAVAILABLE = (
    "The archive cannot be searched right now; please ask again in a moment. / "
    "暂时无法检索档案，请稍后再问。"
)
log_error = logging.getLogger("archive-qa")
UPLOAD_ROUTES = ("/upload", "/upload_progress")
WORKING = "⏳ Working… / 正在查找…"


def origin(request: Any) -> str:
    """The address the asker's browser used (``http://host:port``), for absolute links."""
    headers = {k.lower(): v for k, v in dict(getattr(request, "headers", None) or {}).items()}
    if headers.get("origin", "").startswith(("http://", "https://")):
        return str(headers["origin"]).rstrip("/")
    scheme = headers.get("x-forwarded-proto", "http")
    host = headers.get("x-forwarded-host") or headers.get("host") or "127.0.0.1:7860"
    return f"{scheme}://{host}"


def said(role: str, text: str) -> dict[str, str]:
    """A chat message. Gradio's Chatbot shows message content as (sanitised) HTML even with
    Markdown off, which would turn an article's ``<img src=x>`` into an image: the text is
    escaped so that it shows exactly as written."""
    return {"role": role, "content": html.escape(text, quote=False)}


_REF = re.compile(r"\[(\d{1,2})\]")


def said_answer(text: str, turn: int, cited: int) -> dict[str, str]:
    """The assistant's answer as a chat message: escaped like :func:`said`, each ``[n]`` of its
    ``cited`` citations a link to card n of answer ``turn`` in the sources panel (the page's
    script brings the card into view and marks it)."""

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if not 1 <= n <= cited:
            return m.group(0)
        target = render.card_id(turn, n)
        return f'<a class="aqa-ref" href="#{target}" aria-label="Source {n} / 出处 {n}">[{n}]</a>'

    message = said("assistant", text)
    message["content"] = _REF.sub(link, message["content"])
    return message


def message_text(message: dict[str, Any]) -> str:
    """A chat message's text: Gradio gives it back as a string or as a list of parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


SEARCHING = {"en": "Searching: ", "zh": "检索："}


def memory_of(history: list[dict[str, Any]], log: list[dict[str, Any]] | None = None) -> Memory:
    """The conversation's memory, rebuilt from the user turns since the last "New topic"; the
    article in focus and the person it is about are those remembered after the last answer in
    ``log`` when it answered the last of them (a log from before they were kept: its first
    source and the person its quotes name)."""
    questions: list[str] = []
    for message in history or []:
        text = message_text(message)
        if message.get("role") == "assistant" and text == NEW_TOPIC:
            questions = []
        elif message.get("role") == "user":
            questions.append(html.unescape(text))  # said() escaped it
    last = (log or [{}])[-1]
    articles: tuple[str, ...] = ()
    quotes = ("", "")
    if questions and last.get("asked") == questions[-1] and "focus" in last:
        focus = tuple(str(a) for a in last.get("focus") or ())
        return replay(questions, detect_language, focus, person=str(last.get("person") or ""))
    if questions and last.get("asked") == questions[-1]:
        shown = last.get("citations") or last.get("related") or []
        articles = (str(shown[0]["article_id"]),) if shown else ()
        if last.get("answerable"):
            cited = [c.get("quote") or {} for c in last.get("citations") or []]
            quotes = (
                " ".join(str(q.get("en", "")) for q in cited),
                " ".join(str(q.get("zh", "")) for q in cited),
            )
    return replay(questions, detect_language, articles, quotes)


def share_link(base_url: str, question: str) -> str:
    return f"{base_url}/?q={quote(question.strip(), safe='')}"


# The page's layout: chat and sources side by side on a desktop, stacked on a phone (Gradio's
# columns wrap below their min_width); the sources panel scrolls on its own beside the chat.
PAGE_CSS = """
#aqa-main{align-items:flex-start}
#aqa-sources-col{flex-direction:column !important;flex-wrap:nowrap !important}
#aqa-sources-col>*{width:100%}
@media (min-width:1000px){
  #aqa-sources-col{position:sticky;top:8px;max-height:calc(100vh - 16px);overflow-y:auto}
}
.aqa-ref{font-weight:bold;text-decoration:underline}
.aqa-card.aqa-marked{outline:3px solid #a8410a;outline-offset:2px;background:#fff8f0}
.aqa-card:focus{outline:3px solid #a8410a}
.aqa-for{font-size:1em;margin:8px 0 4px}
#aqa-new-topic{flex-grow:0;align-self:flex-end;margin-bottom:6px}
*:focus-visible{outline:3px solid #1a56c4 !important;outline-offset:2px}
h1{font-size:1.5rem !important}
footer a,footer button,footer .show-api,footer .run-history,footer .settings{
  color:#3f3f46 !important}
"""
# An answer's [n] link brings card n into view and marks it (unfolding earlier answers' cards).
PAGE_HEAD = (
    ADD_JS
    + """<script>
document.addEventListener('click', function (e) {
  var a = e.target.closest && e.target.closest('a.aqa-ref');
  if (!a) return;
  var card = document.getElementById((a.getAttribute('href') || '').slice(1));
  if (!card) return;
  e.preventDefault();
  for (var d = card.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
  document.querySelectorAll('.aqa-card.aqa-marked').forEach(function (c) {
    c.classList.remove('aqa-marked');
  });
  card.classList.add('aqa-marked');
  card.scrollIntoView({block: 'start', behavior: 'smooth'});
  card.focus({preventScroll: true});
}, true);
</script>"""
)
# A timeline bar's click: its period goes to the server, which asks the question again.
TIMELINE_JS = """element.addEventListener('click', function (e) {
  var b = e.target.closest && e.target.closest('button[data-from]');
  if (b) trigger('click', {date_from: b.dataset.from, date_to: b.dataset.to});
});"""


# What an answer updates: the chat, the sources panel, the question box, the log, the
# question's link, the timeline, the sources panel's groups.
Out = tuple[list[dict[str, Any]], str, str, list[dict[str, Any]], str, str, list[str]]


def build_app(assistant: Assistant, auth: tuple[str, str] | None = None) -> Any:
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse, PlainTextResponse

    def pending(question: str, history: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Shown at once: the question and a "working" line that the answer replaces."""
        return [
            *(history or []),
            said("user", question[:2000]),
            said("assistant", WORKING),
        ]

    def respond(
        question: str,
        history: list[dict[str, Any]],
        date_from: str,
        date_to: str,
        log: list[dict[str, Any]],
        groups: list[str],
        request: gr.Request,
    ) -> Out:
        """The answer to ``question`` in the conversation so far: the chat, the sources panel,
        the question box, the log, the question's link, the timeline, the panel's groups."""
        history = list(history or [])
        if len(history) >= 2 and message_text(history[-1]) == WORKING:
            history = history[:-2]
        log, groups = list(log or []), list(groups or [])
        panel = render.sources_panel(groups)
        try:
            resolved, answer = assistant.converse(
                question,
                memory_of(history, log),
                date_from=date_from.strip() or None,
                date_to=date_to.strip() or None,
            )
        except QuestionError as exc:
            history += [said("user", question[:2000]), said("assistant", f"⚠ {exc}")]
            return history, panel, "", log, "", "", groups
        except StoreError as exc:
            # The question stays in the box, to ask again once the store is back.
            log_error.warning("ask failed: %s", exc)
            history += [
                said("user", question[:2000]),
                said("assistant", f"⚠ {UNAVAILABLE} ({exc})"),
            ]
            return history, panel, question, log, "", "", groups
        searched = resolved.searched if resolved.rewritten else ""
        remembered = resolved.memory
        log.append(
            {
                **answer.to_dict(),
                "asked": resolved.asked,
                "focus": list(remembered.articles),
                "person": remembered.person,
            }
        )
        turn = len(log)
        history += [
            said("user", resolved.asked),
            said_answer(answer_text(answer, searched), turn, len(answer.citations)),
        ]
        groups = [*groups, render.source_group(answer, assistant.dictionary, turn)]
        groups = groups[-render.PANEL_ANSWERS :]
        timeline = render.timeline_html(
            assistant.timeline(answer), date_from.strip(), date_to.strip()
        )
        link = share_link(origin(request), answer.question)
        return (
            history,
            render.sources_panel(groups),
            "",
            log,
            link,
            timeline,
            groups,
        )

    def on_load(request: gr.Request) -> Any:
        """A question link (``/?q=``) is answered at once; otherwise nothing changes (a
        question typed while the page loaded is not wiped out)."""
        q = request.query_params.get("q", "") if request else ""
        if not q.strip():
            return tuple(gr.skip() for _ in outputs)
        return respond(q, [], "", "", [], [], request)

    def choose_period(evt: gr.EventData, log: list[dict[str, Any]]) -> tuple[str, str, str]:
        """A timeline bar chosen: its period becomes the date filter and the last question is
        asked again (as it was searched: it stands alone)."""
        data = evt._data if isinstance(evt._data, dict) else {}
        last = log[-1]["question"] if log else ""
        return str(data.get("date_from", "")), str(data.get("date_to", "")), last

    def new_topic(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Later questions are read on their own; the chat so far stays on the screen."""
        history = list(history or [])
        if history and message_text(history[-1]) != NEW_TOPIC:
            history.append(said("assistant", NEW_TOPIC))
        return history

    def export(log: list[dict[str, Any]], request: gr.Request) -> str | None:
        if not log:
            return None
        import tempfile

        with tempfile.NamedTemporaryFile(
            "w", suffix=".md", prefix="archive-qa-", delete=False, encoding="utf-8"
        ) as f:
            f.write(export_markdown(log, origin(request)))
            return f.name

    # Gradio injects the request by the parameter's type, which postponed annotations hide.
    for fn in (respond, on_load, export):
        fn.__annotations__["request"] = gr.Request
    choose_period.__annotations__["evt"] = gr.EventData

    with gr.Blocks(title="archive-qa") as demo:
        gr.Markdown("# archive-qa — People's Daily archive / 人民日报档案问答")
        gr.HTML(
            '<nav class="aqa-links"><a href="/browse">Browse the archive by date / 按日期浏览档案'
            '</a> · <a href="/reading-list" target="_blank">Reading list / 阅读清单'
            '<span class="aqa-rl-count"></span></a></nav>',
            padding=False,
        )
        log_state = gr.State([])
        groups_state = gr.State([])
        with gr.Row(elem_id="aqa-main"):
            with gr.Column(scale=1, min_width=360, elem_id="aqa-chat-col"):
                # No "share" button: it would post the conversation to Hugging Face.
                chat = gr.Chatbot(
                    label="Chat / 对话",
                    render_markdown=False,
                    height=420,
                    buttons=["copy", "copy_all"],
                    # "New topic" is a line of its own, not the end of the answer before it.
                    group_consecutive_messages=False,
                )
                with gr.Row(equal_height=False):
                    box = gr.Textbox(
                        label="Question / 问题 (Enter sends / 回车发送)",
                        lines=1,
                        scale=5,
                        min_width=200,
                    )
                    topic_btn = gr.Button(
                        "New topic / 新话题",
                        scale=0,
                        min_width=110,
                        size="sm",
                        elem_id="aqa-new-topic",
                    )
                with gr.Row():
                    date_from = gr.Textbox(label="From / 起 (YYYY-MM-DD)", value="", min_width=120)
                    date_to = gr.Textbox(label="To / 止 (YYYY-MM-DD)", value="", min_width=120)
                gr.Examples(EXAMPLES, inputs=box, label="Examples / 示例")
                share = gr.Textbox(
                    label="Link to this question (copy button on the right) / "
                    "本问题链接（右侧复制）",
                    interactive=False,
                    buttons=["copy"],
                    elem_id="aqa-share",
                )
                with gr.Accordion("Export conversation / 导出对话", open=False):
                    export_btn = gr.Button("Export as Markdown / 导出为 Markdown", size="sm")
                    export_file = gr.File(label="Download / 下载", interactive=False)
            with gr.Column(scale=1, min_width=360, elem_id="aqa-sources-col"):
                timeline = gr.HTML(
                    "", js_on_load=TIMELINE_JS, elem_id="aqa-timeline", padding=False
                )
                cards = gr.HTML(
                    '<p class="aqa-for">Sources appear here / 出处显示在这里</p>',
                    js_on_load=None,
                    elem_id="aqa-sources",
                )
        outputs = [chat, cards, box, log_state, share, timeline, groups_state]
        inputs = [box, chat, date_from, date_to, log_state, groups_state]
        box.submit(pending, [box, chat], [chat], queue=False, api_visibility="private").then(
            respond, inputs, outputs, api_name="ask"
        )
        timeline.click(
            choose_period, [log_state], [date_from, date_to, box], api_visibility="private"
        ).then(pending, [box, chat], [chat], queue=False, api_visibility="private").then(
            respond, inputs, outputs, api_visibility="private"
        )
        topic_btn.click(new_topic, [chat], [chat], queue=False, api_visibility="private")
        export_btn.click(export, [log_state], [export_file], api_name="export")
        demo.load(on_load, None, outputs, api_visibility="private")
    limit = int(os.environ.get("GRADIO_DEFAULT_CONCURRENCY_LIMIT", CONCURRENCY))
    demo.queue(default_concurrency_limit=limit, max_size=QUEUE_MAX)

    app = FastAPI()

    @app.get("/passage/{pid:path}", response_class=HTMLResponse)
    def passage(pid: str) -> HTMLResponse:
        catalog = assistant.index.catalog
        p = catalog.passage(pid)
        article = catalog.article(p.article_id) if p else None
        if p is None or article is None:
            return HTMLResponse(render.not_found_page(pid), status_code=404)
        passages = catalog.passages_of(p.article_id)
        page = render.passage_page(article, passages, pid, assistant.dictionary)
        return HTMLResponse(page)

    browse.mount(app, assistant)
    handout.mount(app, assistant)
    readinglist.mount(app)

    @app.middleware("http")
    async def no_uploads(request: Any, call_next: Any) -> Any:
        # The chat takes no files: Gradio's upload route would store anything sent to it.
        if request.url.path.rstrip("/").endswith(UPLOAD_ROUTES):
            return PlainTextResponse("uploads are not accepted\n", status_code=403)
        return await call_next(request)

    app = gr.mount_gradio_app(app, demo, path="/", css=PAGE_CSS, head=PAGE_HEAD)
    if auth is not None:
        from ui.auth import BasicAuth

        app.add_middleware(BasicAuth, user=auth[0], password=auth[1])
    return app


def serve(settings: Settings, host: str, port: int, auth: tuple[str, str] | None = None) -> None:
    import uvicorn

    from qa.coalesce import CoalescingEmbedder

    # Students asking at the same moment share one model call for their questions.
    app = build_app(Assistant.open(settings, wrap=CoalescingEmbedder), auth)
    uvicorn.run(app, host=host, port=port, log_level="warning")
