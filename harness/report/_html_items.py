"""report.html's table of every prediction, for thousands of them: the rows travel as JSON in a
non-executable <script type="application/json"> block, and the page's script shows one page of
PAGE_ROWS at a time, filtered by model, task and text. It builds rows with createElement and
textContent only, never HTML from data, so the data cannot inject markup; the JSON has every
"<", ">" and "&" escaped, so no data can close the block.
"""

from __future__ import annotations

import json
from typing import Any

from harness.report._cells import shown_invisible
from harness.report._html_text import esc, prediction_text, score_lines

PAGE_ROWS = 100
HEAD = ("model", "task", "id", "item", "gold", "prediction", "answer", "scores")


def item_rows(predictions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One compact record per prediction: what each column of the table shows."""
    return [{"m": p["model"], "t": p["task"], "i": p["id"], "q": " ".join((p.get("fields") or {}).values()),
             "g": p.get("references") or [], "p": prediction_text(p), "f": p.get("error") is not None,
             "a": p.get("answer") or "", "s": score_lines(p)} for p in predictions]


def embedded_json(value: Any) -> str:
    """JSON safe inside a <script> block: no "<", ">" or "&" that could end it or start markup;
    control and bidi characters in its strings arrive as the same \\uXXXX text `esc` shows."""
    text = json.dumps(_visible(value), ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _visible(value: Any) -> Any:
    if isinstance(value, str):
        return shown_invisible(value, keep="\t\n\r")
    if isinstance(value, list):
        return [_visible(v) for v in value]
    if isinstance(value, dict):
        return {k: _visible(v) for k, v in value.items()}
    return value


def _options(label: str, element_id: str, values: list[str]) -> str:
    options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
    return f'<label>{esc(label)} <select id="{element_id}"><option value="">all</option>{options}</select></label>'


def items_section(predictions: list[dict[str, Any]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in HEAD)
    filters = (
        '<div class="filters"><label>filter <input id="filter-text" type="search" placeholder="text in any column"></label>'
        + _options("model", "filter-model", list(dict.fromkeys(p["model"] for p in predictions)))
        + _options("task", "filter-task", list(dict.fromkeys(p["task"] for p in predictions)))
        + '<button id="page-previous" type="button">previous</button><span id="page-label"></span>'
        + '<button id="page-next" type="button">next</button>'
        + f'<span id="filter-count">{len(predictions)} items</span></div>'
    )
    return (f'<section id="items"><h2>All items</h2>{filters}'
            f'<table id="item-table" data-page-rows="{PAGE_ROWS}"><thead><tr>{head}</tr></thead><tbody></tbody></table>'
            f'<script type="application/json" id="item-data">{embedded_json(item_rows(predictions))}</script>'
            "</section>")


SCRIPT = """
(function () {
  var rows = JSON.parse(document.getElementById("item-data").textContent);
  var table = document.getElementById("item-table");
  var body = table.tBodies[0];
  var size = parseInt(table.getAttribute("data-page-rows"), 10);
  var text = document.getElementById("filter-text");
  var model = document.getElementById("filter-model");
  var task = document.getElementById("filter-task");
  var count = document.getElementById("filter-count");
  var label = document.getElementById("page-label");
  var previous = document.getElementById("page-previous");
  var next = document.getElementById("page-next");
  var page = 0, kept = rows;
  var wanted = new URLSearchParams(location.hash.slice(1));
  if (wanted.has("q")) { text.value = wanted.get("q"); }
  if (wanted.has("model")) { model.value = wanted.get("model"); }
  if (wanted.has("task")) { task.value = wanted.get("task"); }
  rows.forEach(function (r) {
    r.all = [r.m, r.t, r.i, r.q, r.g.join(" "), r.p, r.a, r.s].join("\\n").toLowerCase();
  });
  function div(cls, value) {
    var d = document.createElement("div");
    d.className = cls;
    d.textContent = value;
    return d;
  }
  function cell(tr, child) {
    var td = document.createElement("td");
    if (typeof child === "string") { td.textContent = child; } else { td.appendChild(child); }
    tr.appendChild(td);
  }
  function gold(refs) {
    var box = document.createElement("div");
    if (!refs.length) { box.appendChild(div("note", "(unanswerable)")); return box; }
    box.appendChild(div("ref", refs[0]));
    if (refs.length > 1) {
      var more = document.createElement("details");
      var summary = document.createElement("summary");
      summary.textContent = (refs.length - 1) + " more";
      more.appendChild(summary);
      refs.slice(1).forEach(function (ref) { more.appendChild(div("ref", ref)); });
      box.appendChild(more);
    }
    return box;
  }
  function show() {
    var pages = Math.max(1, Math.ceil(kept.length / size));
    page = Math.min(page, pages - 1);
    body.textContent = "";
    kept.slice(page * size, (page + 1) * size).forEach(function (r) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-model", r.m);
      tr.setAttribute("data-task", r.t);
      cell(tr, r.m); cell(tr, r.t); cell(tr, r.i); cell(tr, div("text", r.q)); cell(tr, gold(r.g));
      cell(tr, div(r.f ? "text failed" : "text", r.p)); cell(tr, div("text", r.a)); cell(tr, div("scores", r.s));
      body.appendChild(tr);
    });
    label.textContent = "page " + (page + 1) + " of " + pages;
    previous.disabled = page === 0;
    next.disabled = page >= pages - 1;
    count.textContent = kept.length + " of " + rows.length + " items shown";
  }
  function apply() {
    var needle = text.value.trim().toLowerCase();
    kept = rows.filter(function (r) {
      return (!model.value || r.m === model.value) && (!task.value || r.t === task.value) &&
             (!needle || r.all.indexOf(needle) !== -1);
    });
    page = 0;
    show();
  }
  text.addEventListener("input", apply);
  model.addEventListener("change", apply);
  task.addEventListener("change", apply);
  previous.addEventListener("click", function () { page -= 1; show(); });
  next.addEventListener("click", function () { page += 1; show(); });
  apply();
  document.documentElement.setAttribute("data-filter-ready", "1");
})();
"""
