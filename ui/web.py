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


def build_app(assistant: Assistant) -> Any:
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse

    def respond(question: str, history: list[dict[str, Any]], date_from: str, date_to: str):
        history = list(history or [])
        try:
            answer = assistant.ask(
                question, date_from=date_from.strip() or None, date_to=date_to.strip() or None
            )
        except QuestionError as exc:
            history += [
                {"role": "user", "content": question[:2000]},
                {"role": "assistant", "content": f"⚠ {exc}"},
            ]
            return history, "", ""
        history += [
            {"role": "user", "content": answer.question},
            {"role": "assistant", "content": answer_text(answer)},
        ]
        return history, render.cards(answer), ""

    with gr.Blocks(title="archive-qa") as demo:
        gr.Markdown("## archive-qa — People's Daily archive / 人民日报档案问答")
        chat = gr.Chatbot(label="Chat / 对话", render_markdown=False, height=420)
        box = gr.Textbox(label="Question / 问题 (Enter sends / 回车发送)", lines=1)
        with gr.Row():
            date_from = gr.Textbox(label="From / 起 (YYYY-MM-DD)", value="")
            date_to = gr.Textbox(label="To / 止 (YYYY-MM-DD)", value="")
        gr.Examples(EXAMPLES, inputs=box, label="Examples / 示例")
        cards = gr.HTML(label="Sources / 出处")
        box.submit(respond, [box, chat, date_from, date_to], [chat, cards, box], api_name="ask")

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
