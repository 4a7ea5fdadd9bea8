"""The web chat (Gradio) and the permanent passage pages, one FastAPI app."""

from __future__ import annotations

from typing import Any

from index.settings import Settings
from qa.answer import Answer
from qa.service import Assistant, QuestionError
from ui import render

EXAMPLES = [
    "What did the Jinzhou Electric Furnace Factory trial-produce in 1965?",
    "锦州电炉厂在1965年试制成功了什么？",
    "How many kinds of metals do rare earth metals include?",
    "食品公司用猪牛羊的废物制成了什么？",
]


def answer_text(answer: Answer) -> str:
    lines = [answer.answer]
    for c in answer.citations:
        lines.append(f"[{c.n}] {c.title['en'] or c.title['zh']} ({c.date}) {c.passage_id}")
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
        out.append("")
    return "\n".join(out)


def build_app(assistant: Assistant) -> Any:
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse

    def respond(
        question: str,
        history: list[dict[str, Any]],
        date_from: str,
        date_to: str,
        log: list[dict[str, Any]],
    ) -> tuple[list[dict[str, Any]], str, str, list[dict[str, Any]]]:
        history = list(history or [])
        log = list(log or [])
        try:
            answer = assistant.ask(
                question, date_from=date_from.strip() or None, date_to=date_to.strip() or None
            )
        except QuestionError as exc:
            history += [
                {"role": "user", "content": question[:2000]},
                {"role": "assistant", "content": f"⚠ {exc}"},
            ]
            return history, "", "", log
        history += [
            {"role": "user", "content": answer.question},
            {"role": "assistant", "content": answer_text(answer)},
        ]
        log.append(answer.to_dict())
        return history, render.cards(answer), "", log

    def on_load(
        request: gr.Request,
    ) -> tuple[list[dict[str, Any]], str, list[dict[str, Any]]]:
        q = request.query_params.get("q", "") if request else ""
        if not q.strip():
            return [], "", []
        history, cards_html, _, log = respond(q, [], "", "", [])
        return history, cards_html, log

    # Gradio injects the request by the parameter's type, which postponed annotations hide.
    on_load.__annotations__["request"] = gr.Request

    def export(log: list[dict[str, Any]]) -> str | None:
        if not log:
            return None
        import tempfile

        with tempfile.NamedTemporaryFile(
            "w", suffix=".md", prefix="archive-qa-", delete=False, encoding="utf-8"
        ) as f:
            f.write(export_markdown(log))
            return f.name

    with gr.Blocks(title="archive-qa") as demo:
        gr.Markdown("## archive-qa — People's Daily archive / 人民日报档案问答")
        log_state = gr.State([])
        chat = gr.Chatbot(label="Chat / 对话", render_markdown=False, height=420)
        box = gr.Textbox(label="Question / 问题 (Enter sends / 回车发送)", lines=1)
        with gr.Row():
            date_from = gr.Textbox(label="From / 起 (YYYY-MM-DD)", value="")
            date_to = gr.Textbox(label="To / 止 (YYYY-MM-DD)", value="")
        gr.Examples(EXAMPLES, inputs=box, label="Examples / 示例")
        cards = gr.HTML(label="Sources / 出处")
        with gr.Row():
            export_btn = gr.Button("Export conversation (Markdown) / 导出对话")
            export_file = gr.File(label="Download / 下载", interactive=False)
        box.submit(
            respond,
            [box, chat, date_from, date_to, log_state],
            [chat, cards, box, log_state],
            api_name="ask",
        )
        export_btn.click(export, [log_state], [export_file], api_name="export")
        demo.load(on_load, None, [chat, cards, log_state])

    app = FastAPI()

    @app.get("/passage/{pid:path}", response_class=HTMLResponse)
    def passage(pid: str) -> HTMLResponse:
        catalog = assistant.index.catalog
        p = catalog.passage(pid)
        article = catalog.article(p.article_id) if p else None
        if p is None or article is None:
            return HTMLResponse(render.not_found_page(pid), status_code=404)
        return HTMLResponse(render.passage_page(article, catalog.passages_of(p.article_id), pid))

    return gr.mount_gradio_app(app, demo, path="/")


def serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    app = build_app(Assistant.open(settings))
    uvicorn.run(app, host=host, port=port, log_level="warning")
