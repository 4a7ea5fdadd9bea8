"""/reading-list: the browser's reading list, edited and turned into one handout link.

The list is kept in the browser (localStorage, see ui/listjs.py): no account, nothing stored on
the server. The page reorders it (buttons, so keyboard and phone work alike), takes a title, a
note and questions (one per line), and asks the server to *encode* it (POST /handout/link: the
server keeps nothing, it only writes the link, qa/handout.py), then shows the link to copy or
open. What the teacher types is put into the page as text (``textContent``), never as HTML.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from qa.handout import Handout, HandoutError, link
from ui.listjs import STORE
from ui.render import CSS

LIST_CSS = """
.aqa-rl-items{padding:0;list-style:none;counter-reset:n}
.aqa-rl-items li{display:flex;gap:8px;align-items:center;flex-wrap:wrap;
border-bottom:1px solid #ddd;padding:8px 0;overflow-wrap:anywhere}
.aqa-rl-items li span{flex:1 1 12em}
.aqa-rl-items button,.aqa-rl-make{font:inherit;padding:4px 10px;border-radius:6px;
border:1px solid #555;background:#fff;color:#111;cursor:pointer}
.aqa-rl-make{border-color:#0b3d91;background:#0b3d91;color:#fff;padding:8px 14px}
button:focus-visible,input:focus-visible,textarea:focus-visible{outline:2px solid #1a56c4;
outline-offset:2px}
label{display:block;margin:10px 0 4px;font-weight:bold}
input[type=text],textarea{width:100%;box-sizing:border-box;font:inherit;padding:6px}
.aqa-rl-out{margin:12px 0;overflow-wrap:anywhere}
.aqa-rl-error{color:#8a1c00}
"""

_SCRIPT = """<script>
(function () {
  var KEY = '__STORE__';
  var ol = document.getElementById('aqa-rl-items');
  function load() {
    try { var l = JSON.parse(localStorage.getItem(KEY) || '[]'); return Array.isArray(l) ? l : []; }
    catch (e) { return []; }
  }
  function save(list) { localStorage.setItem(KEY, JSON.stringify(list)); draw(); }
  function button(text, label, fn) {
    var b = document.createElement('button');
    b.type = 'button'; b.textContent = text; b.setAttribute('aria-label', label);
    b.addEventListener('click', fn); return b;
  }
  function draw() {
    var list = load();
    ol.textContent = '';
    document.getElementById('aqa-rl-empty').hidden = list.length > 0;
    list.forEach(function (it, i) {
      var li = document.createElement('li');
      var span = document.createElement('span');
      var part = it.id.indexOf('#') >= 0 ? ', ' + it.id.split('#').pop() : '';
      var when = ' (' + (it.date || '?') + part + ')';
      span.textContent = (i + 1) + '. ' + (it.title || it.id) + when;
      li.appendChild(span);
      li.appendChild(button('↑', 'Move up / 上移: ' + (it.title || it.id), function () {
        if (i > 0) { var l = load(); l.splice(i - 1, 0, l.splice(i, 1)[0]); save(l); }
      }));
      li.appendChild(button('↓', 'Move down / 下移: ' + (it.title || it.id), function () {
        var l = load(); if (i < l.length - 1) { l.splice(i + 1, 0, l.splice(i, 1)[0]); save(l); }
      }));
      li.appendChild(button('✕', 'Remove / 移除: ' + (it.title || it.id), function () {
        var l = load(); l.splice(i, 1); save(l);
      }));
      ol.appendChild(li);
    });
  }
  var title = document.getElementById('aqa-rl-title');
  var note = document.getElementById('aqa-rl-note');
  var questions = document.getElementById('aqa-rl-questions');
  ['title', 'note', 'questions'].forEach(function (f) {
    var el = document.getElementById('aqa-rl-' + f);
    el.value = localStorage.getItem(KEY + '-' + f) || '';
    el.addEventListener('input', function () { localStorage.setItem(KEY + '-' + f, el.value); });
  });
  document.getElementById('aqa-rl-make').addEventListener('click', function () {
    var out = document.getElementById('aqa-rl-out');
    out.textContent = 'Working… / 正在生成…';
    fetch('/handout/link', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({title: title.value, note: note.value,
        questions: questions.value.split('\\n'),
        passages: load().map(function (it) { return it.id; })})})
    .then(function (r) { return r.json(); })
    .then(function (d) {
      out.textContent = '';
      if (d.error) {
        var p = document.createElement('p'); p.className = 'aqa-rl-error';
        p.setAttribute('role', 'alert'); p.textContent = d.error; out.appendChild(p); return;
      }
      var label = document.createElement('label');
      label.setAttribute('for', 'aqa-rl-link'); label.textContent = 'The handout link / 讲义链接';
      var input = document.createElement('input');
      input.type = 'text'; input.readOnly = true; input.id = 'aqa-rl-link'; input.value = d.url;
      var a = document.createElement('a');
      a.href = d.url; a.target = '_blank'; a.id = 'aqa-rl-open';
      a.textContent = 'Open the handout / 打开讲义 (' + d.url.length + ' characters / 字符)';
      out.appendChild(label); out.appendChild(input); out.appendChild(a);
      input.select();
    })
    .catch(function () { out.textContent = 'The server did not answer / 服务器无响应'; });
  });
  draw();
})();
</script>"""


def reading_list_page() -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Reading list — archive-qa</title><style>{CSS}{LIST_CSS}</style></head><body>"
        '<nav class="aqa-nav" aria-label="Links / 链接"><a href="/">Chat / 问答</a> · '
        '<a href="/browse">Browse the archive / 浏览档案</a></nav><main>'
        "<h1>Reading list / 阅读清单</h1>"
        "<p>Passages you added with “Add to reading list / 加入阅读清单”, kept in this "
        "browser only. Put them in order, give the handout a title, a note and questions, "
        "then make one link for the class. / 清单只保存在本浏览器中。</p>"
        '<ol id="aqa-rl-items" class="aqa-rl-items" aria-label="Passages / 段落"></ol>'
        '<p id="aqa-rl-empty">The list is empty: add passages from the chat’s sources or from '
        "a passage page. / 清单为空。</p>"
        '<label for="aqa-rl-title">Title / 标题</label>'
        '<input type="text" id="aqa-rl-title" maxlength="200">'
        '<label for="aqa-rl-note">Note for the class / 给学生的说明</label>'
        '<textarea id="aqa-rl-note" rows="4" maxlength="1500"></textarea>'
        '<label for="aqa-rl-questions">Questions, one per line / 问题（每行一个）</label>'
        '<textarea id="aqa-rl-questions" rows="4"></textarea>'
        '<p><button type="button" id="aqa-rl-make" class="aqa-rl-make">'
        "Make the handout link / 生成讲义链接</button></p>"
        '<div id="aqa-rl-out" class="aqa-rl-out" aria-live="polite"></div>'
        f"{_SCRIPT.replace('__STORE__', STORE)}</main></body></html>"
    )


def _strings(value: Any, limit: int) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value[:limit] if isinstance(v, str))


def mount(app: FastAPI) -> None:
    """GET /reading-list (the page) and POST /handout/link (a list in, its link out)."""

    @app.get("/reading-list", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        return HTMLResponse(reading_list_page())

    @app.post("/handout/link")
    async def make_link(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "not a reading list"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": "not a reading list"}, status_code=400)
        h = Handout(
            str(body.get("title", ""))[:1000],
            str(body.get("note", ""))[:5000],
            _strings(body.get("passages"), 200),
            _strings(body.get("questions"), 100),
        )
        origin = request.headers.get("origin", "")
        base = origin if origin.startswith(("http://", "https://")) else str(request.base_url)
        try:
            return JSONResponse({"url": link(base, h)})
        except HandoutError as exc:
            return JSONResponse({"error": f"{exc} / 无法生成链接"}, status_code=400)
