"""The reading list's "Add" buttons and their script, shared by the chat's cards and the passage
pages. The list lives in the browser (localStorage ``aqa-reading-list``: passage id, title,
date), never on the server; /reading-list edits it and turns it into a handout link.
"""

from __future__ import annotations

import html

ADD_LABEL = "Add to reading list / 加入阅读清单"
STORE = "aqa-reading-list"


def add_button(pid: str, title: str, date: str) -> str:
    """A button that adds passage ``pid`` to the browser's reading list."""

    def attr(text: str) -> str:
        return html.escape(text, quote=True)

    return (
        f'<button type="button" class="aqa-add" data-pid="{attr(pid)}" '
        f'data-title="{attr(title[:200])}" data-date="{attr(date)}">{ADD_LABEL}</button>'
    )


# Delegated, so that it serves cards the chat adds later. Shows the count on the button and on
# any ".aqa-rl-count" (the chat's "Reading list" link).
ADD_JS = (
    """<script>
(function () {
  var KEY = '"""
    + STORE
    + """';
  function load() {
    try { var l = JSON.parse(localStorage.getItem(KEY) || '[]'); return Array.isArray(l) ? l : []; }
    catch (e) { return []; }
  }
  function show(n) {
    document.querySelectorAll('.aqa-rl-count').forEach(function (el) {
      el.textContent = n ? ' (' + n + ')' : '';
    });
  }
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('button.aqa-add');
    if (!b) return;
    var list = load();
    if (!list.some(function (it) { return it.id === b.dataset.pid; })) {
      list.push({id: b.dataset.pid, title: b.dataset.title || '', date: b.dataset.date || ''});
      localStorage.setItem(KEY, JSON.stringify(list));
    }
    b.textContent = 'Added / 已加入 (' + list.length + ')';
    b.setAttribute('aria-pressed', 'true');
    show(list.length);
  }, true);
  // The chat draws its "Reading list" link after the page loads: watch until it is there,
  // then follow the list's changes in other tabs (the storage event) only.
  function ready() {
    if (!document.querySelector('.aqa-rl-count')) return;
    watch.disconnect();
    show(load().length);
  }
  var watch = new MutationObserver(ready);
  watch.observe(document.documentElement, {childList: true, subtree: true});
  ready();
  window.addEventListener('storage', function (e) { if (e.key === KEY) show(load().length); });
})();
</script>"""
)

ADD_CSS = """
.aqa-add{margin:6px 0;padding:4px 10px;border:1px solid #3b63a8;border-radius:6px;
background:#fff;color:#0b3d91;cursor:pointer;font:inherit;font-size:.9em}
.aqa-add:hover{background:#eef3ff}
.aqa-add:focus-visible{outline:2px solid #1a56c4;outline-offset:2px}
.aqa-add[aria-pressed=true]{background:#e8f5e9;border-color:#2e7d32;color:#1b5e20}
"""
