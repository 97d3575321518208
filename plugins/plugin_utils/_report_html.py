# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report (schema ``irops.remediation/fleet-report/v1``) as one self-contained HTML page.

The page is a matrix: a row per node, a column per catalog entry (grouped by product), a cell per
finding, coloured and lettered by status. The table is rendered here, so the page reads without
JavaScript; the inline script adds the filters (product, status, kept in the URL fragment, e.g.
``#product=shir&status=fail,unknown&cell=<node>/<entry>``) and the panel that shows a cell's evidence,
signature, fix command and runbook. Nothing is fetched: CSS and JS are inline and a
Content-Security-Policy allows only those two blocks (by hash), so a string that escaped its
escaping still could not run or load anything.

Standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json

DEFAULT_STATUSES = ("fail", "unknown", "not_checked", "pass")
LETTERS = {"fail": "F", "unknown": "U", "not_checked": "N", "pass": "P"}
LABELS = {"fail": "fail", "unknown": "unknown", "not_checked": "not checked", "pass": "pass"}

# JSON inside <script>: these characters cannot break out of the element (or, for U+2028/9, out of
# a JavaScript string in older engines) once written as \\u escapes; json.loads reads them back as is.
_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))

_CSS = """
[hidden]{display:none!important}
:root{--fail:#c62828;--unknown:#f2a600;--not_checked:#9e9e9e;--pass:#2e7d32;--line:#d0d0d0}
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:12px 16px;color:#1a1a1a}
h1{font-size:18px;margin:0 0 4px}
#summary{margin:0 0 8px}
.k{display:inline-block;min-width:1.4em;text-align:center;border-radius:3px;font-weight:600;padding:0 3px}
.s-fail{background:var(--fail);color:#fff}.s-unknown{background:var(--unknown);color:#000}
.s-not_checked{background:var(--not_checked);color:#000}.s-pass{background:var(--pass);color:#fff}
.s-other{background:#5c6bc0;color:#fff}
#filters{display:flex;flex-wrap:wrap;gap:4px 18px;margin:0 0 10px;padding:6px 8px;background:#f4f4f4;border-radius:4px}
#filters fieldset{border:0;margin:0;padding:0}#filters legend{float:left;font-weight:600;margin-right:6px}
#filters label{margin-right:8px;white-space:nowrap}
.wrap{overflow:auto;max-height:calc(100vh - 120px);border:1px solid var(--line)}
table{border-collapse:collapse}
th,td{border:1px solid var(--line);padding:0}
thead th{position:sticky;background:#fafafa;z-index:2}
thead tr:first-child th{top:0;height:22px}thead tr:nth-child(2) th{top:23px}
th.product{padding:2px 6px;text-align:center}
th.entry{vertical-align:bottom;padding:4px 2px;font-weight:500;font-family:ui-monospace,Consolas,monospace;font-size:11px}
th.entry span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
th.corner{left:0;z-index:3;text-align:left;padding:2px 6px}
tbody th{position:sticky;left:0;background:#fff;z-index:1;text-align:left;font-weight:400;padding:3px 6px;min-width:180px;max-width:280px}
.node{font-weight:600}.roles{color:#555;font-size:11px}.counts{font-size:11px}
.error{color:var(--fail);font-size:11px;white-space:pre-wrap;overflow-wrap:anywhere}
td{width:22px;height:22px;text-align:center}
td button{all:unset;cursor:pointer;display:block;width:100%;height:100%;min-height:22px;font-weight:700;font-size:11px}
td button:focus-visible,td.sel{outline:3px solid #1565c0;outline-offset:-3px}
td.na{background:repeating-linear-gradient(45deg,#fff,#fff 3px,#f1f1f1 3px,#f1f1f1 6px)}
td.off{opacity:.15}
.empty{padding:16px;background:#f4f4f4;border-radius:4px}
#panel{position:fixed;top:0;right:0;bottom:0;width:min(460px,90vw);overflow:auto;background:#fff;
 border-left:1px solid #999;box-shadow:-4px 0 12px rgba(0,0,0,.15);padding:12px 16px;z-index:5}
#panel h2{font-size:15px;margin:0 24px 6px 0;overflow-wrap:anywhere}#panel dt{font-weight:600;margin-top:8px}
#panel dd{margin:2px 0 0}#panel pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;padding:6px;margin:0}
#close{position:absolute;top:8px;right:10px;font-size:16px}
"""

# Reads the embedded report; never writes a report string as markup (textContent only).
_JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var statuses = data.statuses && data.statuses.length ? data.statuses : ["fail", "unknown", "not_checked", "pass"];
  var products = Array.prototype.map.call(document.querySelectorAll("th.product"), function (th) { return th.dataset.product; });
  var findings = {};
  (data.findings || []).forEach(function (f) { var k = f.node + "\\n" + f.id; if (!(k in findings)) { findings[k] = f; } });
  var form = document.getElementById("filters");
  var table = document.getElementById("matrix");
  var panel = document.getElementById("panel");
  var state = {product: [], status: [], cell: null};

  function readHash() {
    var s = {product: [], status: [], cell: null};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var i = pair.indexOf("="), key = pair.slice(0, i), raw = pair.slice(i + 1);
      if (i < 0) { return; }
      try {
        if (key === "product" || key === "status") {
          var known = key === "product" ? products : statuses;
          s[key] = raw.split(",").map(decodeURIComponent).filter(function (v) { return known.indexOf(v) >= 0; });
        } else if (key === "cell" && raw.indexOf("/") > 0) {
          s.cell = raw.split("/").slice(0, 2).map(decodeURIComponent);
        }
      } catch (e) { /* a malformed escape in a hand-edited link: ignore that key */ }
    });
    return s;
  }

  function writeHash() {
    var parts = [];
    ["product", "status"].forEach(function (key) {
      if (state[key].length) { parts.push(key + "=" + state[key].map(encodeURIComponent).join(",")); }
    });
    if (state.cell) { parts.push("cell=" + state.cell.map(encodeURIComponent).join("/")); }
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (location.hash !== hash) { location.replace(hash || "#"); }
  }

  function selected(key) {
    var boxes = form.querySelectorAll("input[name=" + key + "]"), on = [];
    boxes.forEach(function (b) { if (b.checked) { on.push(b.value); } });
    return on.length === boxes.length ? [] : on;  // all (or none) ticked: no filter
  }

  function apply() {
    form.querySelectorAll("input").forEach(function (b) {
      var list = state[b.name];
      b.checked = !list.length || list.indexOf(b.value) >= 0;
    });
    if (!table) { showPanel(); return; }
    var prodOn = function (p) { return !state.product.length || state.product.indexOf(p) >= 0; };
    var statOn = function (s) { return !state.status.length || state.status.indexOf(s) >= 0; };
    var filtering = state.product.length || state.status.length;
    var heads = table.querySelectorAll("th.entry"), used = {};
    var rows = table.tBodies[0].rows, shownRows = 0, shownCols = 0;
    Array.prototype.forEach.call(rows, function (tr) {
      var match = tr.dataset.error !== undefined && statOn("unknown") && !state.product.length;
      Array.prototype.forEach.call(tr.cells, function (td) {
        if (td.dataset.status === undefined || !prodOn(td.dataset.product)) { return; }
        if (statOn(td.dataset.status)) { match = true; }
      });
      tr.hidden = filtering && !match;
      if (tr.hidden) { return; }
      shownRows += 1;
      Array.prototype.forEach.call(tr.cells, function (td) {
        var on = td.dataset.status !== undefined && statOn(td.dataset.status);
        td.classList.toggle("off", td.dataset.status !== undefined && !on);
        if (on) { used[td.dataset.entry] = true; }
      });
    });
    var colOn = {};
    heads.forEach(function (th) {
      var on = prodOn(th.dataset.product) && (!state.status.length || used[th.dataset.entry] === true);
      colOn[th.dataset.entry] = on;
      th.hidden = !on;
      if (on) { shownCols += 1; }
    });
    table.querySelectorAll("th.product").forEach(function (th) {
      var n = 0;
      heads.forEach(function (e) { if (e.dataset.product === th.dataset.product && colOn[e.dataset.entry]) { n += 1; } });
      th.hidden = n === 0;
      th.colSpan = Math.max(n, 1);
    });
    Array.prototype.forEach.call(rows, function (tr) {
      Array.prototype.forEach.call(tr.cells, function (td) {
        if (td.dataset.entry !== undefined) { td.hidden = !colOn[td.dataset.entry]; }
      });
    });
    document.getElementById("shown").textContent = filtering
      ? "Showing " + shownRows + " of " + rows.length + " nodes, " + shownCols + " of " + heads.length + " entries."
      : "";
    showPanel();
  }

  function field(dl, name, value, pre) {
    if (value === null || value === undefined || value === "") { return; }
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = name;
    var box = pre ? document.createElement("pre") : dd;
    box.textContent = String(value);
    if (pre) { dd.appendChild(box); }
    dl.appendChild(dt);
    dl.appendChild(dd);
  }

  function showPanel() {
    table && table.querySelectorAll("td.sel").forEach(function (td) { td.classList.remove("sel"); });
    var f = state.cell && findings[state.cell[0] + "\\n" + state.cell[1]];
    if (!f) { panel.hidden = true; return; }
    var h = panel.querySelector("h2"), dl = panel.querySelector("dl");
    h.textContent = f.node + " \\u2014 " + f.id;
    dl.textContent = "";
    dl.dataset.status = f.status;
    field(dl, "Title", f.title);
    field(dl, "Status", f.status);
    field(dl, "Evidence", f.evidence, true);
    field(dl, "Signature", f.signature, true);
    if (f.fix) {
      field(dl, "Fix command", f.fix.command, true);
      field(dl, "Fix playbook", f.fix.playbook);
    } else {
      field(dl, "Fix", "Manual: the evidence and the runbook say what to do.");
    }
    field(dl, "Runbook", f.runbook || "", true);
    panel.hidden = false;
    table && table.querySelectorAll("td[data-status]").forEach(function (td) {
      if (td.parentNode.dataset.node === f.node && td.dataset.entry === f.id) { td.classList.add("sel"); }
    });
  }

  form.addEventListener("change", function () {
    state.product = selected("product");
    state.status = selected("status");
    writeHash();
    apply();
  });
  if (table) {
    table.addEventListener("click", function (ev) {
      var td = ev.target.closest("td[data-status]");
      if (!td) { return; }
      state.cell = [td.parentNode.dataset.node, td.dataset.entry];
      writeHash();
      showPanel();
    });
  }
  function closePanel() { state.cell = null; writeHash(); showPanel(); }
  document.getElementById("close").addEventListener("click", closePanel);
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape" && state.cell) { closePanel(); } });
  window.addEventListener("hashchange", function () { state = readHash(); apply(); });
  form.hidden = false;
  state = readHash();
  apply();
  document.body.dataset.js = "ready";
}());
"""


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


# Only the two inline blocks below may apply; no request may leave the page (default-src 'none').
_CSP = f"default-src 'none'; style-src {_csp_hash(_CSS)}; script-src {_csp_hash(_JS)}; base-uri 'none'; form-action 'none'"


def _e(value) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def _status_class(status) -> str:
    return f"s-{status}" if status in LETTERS else "s-other"


def embed_json(report: dict) -> str:
    """The report as JSON that is safe inside a <script> element and parses back to the same value."""
    text = json.dumps(report, ensure_ascii=False)
    for char, escape in _JSON_ESCAPES:  # str.replace: str.translate with a mapping took 0.45 s of 0.76 on 200 x 60
        text = text.replace(char, escape)
    return text


def _columns(report: dict) -> tuple[list[tuple[str, str]], list[dict]]:
    """Products in the report's order (then any a finding names), and the entries grouped by them."""
    names = dict(report.get("products") or {})
    entries = [dict(entry) for entry in report.get("entries") or []]
    known = {entry.get("id") for entry in entries}
    for finding in report.get("findings") or []:  # a finding of an entry the list lacks still gets a column
        if finding.get("id") not in known:
            known.add(finding.get("id"))
            entries.append({"id": finding.get("id"), "title": finding.get("title"), "product": finding.get("product")})
    for entry in entries:
        names.setdefault(entry.get("product"), entry.get("product") or "other")
    ordered = [entry for product in names for entry in entries if entry.get("product") == product]
    used = [(product, name) for product, name in names.items() if any(e.get("product") == product for e in ordered)]
    return used, ordered


def _nodes(report: dict) -> list[dict]:
    nodes = [dict(node) for node in report.get("nodes") or []]
    known = {node.get("node") for node in nodes}
    for finding in report.get("findings") or []:
        if finding.get("node") not in known:
            known.add(finding.get("node"))
            nodes.append({"node": finding.get("node"), "roles": [], "error": None, "counts": {}})
    return nodes


def _counts(report: dict, statuses: list[str]) -> dict:
    if report.get("counts"):
        return report["counts"]
    counts = dict.fromkeys(statuses, 0)
    for finding in report.get("findings") or []:
        counts[finding.get("status")] = counts.get(finding.get("status"), 0) + 1
    return counts


def _key(status, count=None) -> str:
    label = LABELS.get(status, status)
    letter = LETTERS.get(status, "?")
    tail = "" if count is None else f" {_e(count)}"
    return f'<span class="k {_status_class(status)}" title="{_e(label)}">{_e(letter)}</span> {_e(label)}{tail}'


def _summary(report: dict, statuses: list[str], node_count: int) -> str:
    counts = _counts(report, statuses)
    collection = report.get("collection") or {}
    parts = [f"{node_count} node{'' if node_count == 1 else 's'}"]
    parts += [_key(status, counts.get(status, 0)) for status in statuses]
    parts += [f"generated {_e(report.get('generated') or 'at an unknown time')}",
              f"{_e(collection.get('name') or 'irops.remediation')} {_e(collection.get('version') or '')}".rstrip()]
    return " &middot; ".join(parts)


def _filters(products: list[tuple[str, str]], statuses: list[str]) -> str:
    boxes = "".join(f'<label><input type="checkbox" name="product" value="{_e(p)}" checked> {_e(name)}</label>'
                    for p, name in products)
    marks = "".join(f'<label><input type="checkbox" name="status" value="{_e(s)}" checked> {_key(s)}</label>' for s in statuses)
    return (f'<form id="filters" hidden><fieldset><legend>Product</legend>{boxes}</fieldset>'
            f'<fieldset><legend>Status</legend>{marks}</fieldset></form>')


def _row(node: dict, entries: list[dict], cells: dict, statuses: list[str]) -> str:
    name = node.get("node")
    counts = node.get("counts") or {}
    order = [s for s in statuses if s in counts] + [s for s in counts if s not in statuses]
    shown = " ".join(f'<span class="k {_status_class(s)}" title="{_e(LABELS.get(s, s))}">{_e(LETTERS.get(s, "?"))}'
                     f' {_e(counts[s])}</span>' for s in order if counts[s])
    error = node.get("error")
    head = (f'<th scope="row"><div class="node">{_e(name)}</div>'
            f'<div class="roles">{_e(", ".join(map(str, node.get("roles") or [])) or "no roles")}</div>'
            f'<div class="counts">{shown}</div>'
            + (f'<div class="error">error: {_e(error)}</div>' if error else "") + "</th>")
    out = [f'<tr data-node="{_e(name)}"' + (' data-error=""' if error else "") + f">{head}"]
    for entry in entries:
        finding = cells.get((name, entry.get("id")))
        data = f'data-entry="{_e(entry.get("id"))}" data-product="{_e(entry.get("product"))}"'
        if finding is None:
            out.append(f'<td class="na" {data}></td>')
            continue
        status = finding.get("status")
        label = f"{name} / {entry.get('id')}: {LABELS.get(status, status)}"
        out.append(f'<td class="{_status_class(status)}" data-status="{_e(status)}" {data}>'
                   f'<button type="button" aria-label="{_e(label)}" title="{_e(label)}">{_e(LETTERS.get(status, "?"))}</button></td>')
    out.append("</tr>")
    return "".join(out)


def _matrix(nodes: list[dict], products: list[tuple[str, str]], entries: list[dict], findings: list[dict], statuses: list[str]) -> str:
    cells = {}
    for finding in findings:
        cells.setdefault((finding.get("node"), finding.get("id")), finding)
    groups = "".join(f'<th class="product" data-product="{_e(p)}" colspan="{sum(e.get("product") == p for e in entries)}">{_e(name)}</th>'
                     for p, name in products)
    heads = "".join(f'<th class="entry" scope="col" data-entry="{_e(e.get("id"))}" data-product="{_e(e.get("product"))}"'
                    f' title="{_e(e.get("title"))}"><span>{_e(e.get("id"))}</span></th>' for e in entries)
    body = "\n".join(_row(node, entries, cells, statuses) for node in nodes)
    return (f'<div class="wrap"><table id="matrix"><thead><tr><th class="corner" rowspan="2">Node</th>{groups}</tr>'
            f"<tr>{heads}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>")


def render(report: dict) -> str:
    """One HTML document for the fleet report: open it from disk, it needs nothing else."""
    statuses = list(report.get("statuses") or DEFAULT_STATUSES)
    products, entries = _columns(report)
    nodes = _nodes(report)
    if not nodes:
        body = ('<p class="empty">No nodes in this report: the play that wrote it ran on no host '
                "(check the inventory and the <code>--limit</code> pattern).</p>")
    else:
        body = _matrix(nodes, products, entries, report.get("findings") or [], statuses)
        if not entries:
            body = '<p class="empty">No catalog entry applies to the roles of these nodes.</p>' + body
    collection = report.get("collection") or {}
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{_e(collection.get('name') or 'irops.remediation')} {_e(collection.get('version') or '')}">
<title>Fleet matrix &middot; {_e(report.get('generated') or '')}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>Fleet matrix</h1>
<p id="summary">{_summary(report, statuses, len(nodes))}</p>
{_filters(products, statuses)}
<p id="shown" aria-live="polite"></p>
<noscript><p>Filters and cell details (evidence, fix) need JavaScript; the matrix below reads without it.</p></noscript>
{body}
<aside id="panel" hidden aria-live="polite"><button type="button" id="close" aria-label="Close">&times;</button><h2></h2><dl></dl></aside>
<script type="application/json" id="report-data">{embed_json(report)}</script>
<script>{_JS}</script>
</body>
</html>
"""
