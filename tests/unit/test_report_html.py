"""The fleet report's HTML page, read as a string and as a parsed tree (the browser test runs its script)."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest

from ansible_collections.irops.remediation.plugins.plugin_utils import _report_html
from fleet_report_sample import FRENCH, HOSTILE_IMG, HOSTILE_SCRIPT, NODES, parse, sample

REPORT = sample()
PAGE = _report_html.render(REPORT)
TREE, PROBLEMS = parse(PAGE)


def _matrix_rows():
    return [tr for tr in TREE.by_id("matrix").iter("tr") if "data-node" in tr.attrs]


def test_the_page_is_well_formed():
    assert PAGE.startswith("<!DOCTYPE html>")
    assert PROBLEMS == []
    assert [e.attrs.get("charset") for e in TREE.iter("meta") if "charset" in e.attrs] == ["utf-8"]


def test_nothing_is_fetched_from_anywhere():
    assert not re.search(r"https?:|//[a-z0-9]|@import|url\(", PAGE, re.I)
    assert not [e.tag for e in TREE.iter() if e.tag in ("link", "img", "iframe", "object", "embed", "source", "base")]
    assert not [e.attrs for e in TREE.iter() if {"src", "href", "action"} & set(e.attrs)]
    scripts = list(TREE.iter("script"))
    assert [s.attrs.get("type") for s in scripts] == ["application/json", None]  # the data, then the one inline script


def test_the_policy_allows_exactly_the_inline_style_and_script():
    policy = next(e.attrs["content"] for e in TREE.iter("meta") if e.attrs.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy

    def digest(element):
        return "'sha256-" + base64.b64encode(hashlib.sha256(element.text().encode()).digest()).decode() + "'"

    assert f"style-src {digest(next(TREE.iter('style')))};" in policy
    assert f"script-src {digest(list(TREE.iter('script'))[1])};" in policy


def test_every_node_entry_and_finding_is_in_the_matrix():
    rows = _matrix_rows()
    assert [tr.attrs["data-node"] for tr in rows] == list(NODES)
    heads = [th for th in TREE.iter("th") if "entry" in th.classes()]
    assert [(th.attrs["data-entry"], th.attrs["title"]) for th in heads] == [(e["id"], e["title"]) for e in REPORT["entries"]]
    products = [(th.attrs["data-product"], th.text(), th.attrs["colspan"]) for th in TREE.iter("th") if "product" in th.classes()]
    assert products == [("scale-out", "SSIS Scale Out", "3"), ("azure-ssis-ir", "Azure-SSIS integration runtime", "1"),
                        ("shir", "Self-hosted integration runtime", "3")]
    letters = {"fail": "F", "unknown": "U", "not_checked": "N", "pass": "P"}
    expected = {(f["node"], f["id"]): f["status"] for f in REPORT["findings"]}
    found = {}
    for tr in rows:
        cells = list(tr.iter("td"))
        assert len(cells) == len(heads), "a cell for every column, empty where the entry is not of the node's roles"
        for td in cells:
            if "data-status" in td.attrs:
                status = td.attrs["data-status"]
                found[(tr.attrs["data-node"], td.attrs["data-entry"])] = status
                assert td.classes() == {f"s-{status}"} and td.text() == letters[status]
                assert next(td.iter("button")).attrs["aria-label"].endswith(": " + status.replace("_", " "))
            else:
                assert td.classes() == {"na"} and td.text() == ""
    assert found == expected
    assert set(expected.values()) == set(letters)


def test_a_node_that_was_not_gathered_shows_its_error():
    row = next(tr for tr in _matrix_rows() if tr.attrs["data-node"] == "shir-node-02")
    assert "data-error" in row.attrs
    error = next(e for e in row.iter("div") if "error" in e.classes())
    assert error.text() == "error: " + NODES["shir-node-02"][1]
    assert {td.attrs.get("data-status") for td in row.iter("td") if "data-status" in td.attrs} == {"unknown"}


def test_the_summary_line_counts_nodes_and_statuses():
    summary = re.sub(r"\s+", " ", TREE.by_id("summary").text())
    assert summary.startswith(f"{len(NODES)} nodes \u00b7 ")
    for status, count in REPORT["counts"].items():
        assert f"{status.replace('_', ' ')} {count}" in summary
    assert summary.endswith("generated 2026-11-30T01:02:03Z \u00b7 irops.remediation 1.0.0")


@pytest.mark.parametrize("hostile", [HOSTILE_IMG, HOSTILE_SCRIPT, "<img", "</script><script>"])
def test_hostile_strings_never_reach_the_page_as_markup(hostile):
    assert hostile not in PAGE
    assert PAGE.count("</script") == 2  # the ends of the two script elements, nothing inside the data
    assert not list(TREE.iter("img"))


def test_hostile_strings_show_as_text_where_the_table_shows_them():
    title = next(th.attrs["title"] for th in TREE.iter("th") if th.attrs.get("data-entry") == "shir-ha-port-8060")
    assert title.endswith(HOSTILE_IMG)  # the parser unescaped the attribute: it was text, not an element
    assert html_escaped(HOSTILE_IMG) in PAGE


def html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def test_the_embedded_report_reads_back_as_the_input():
    data = TREE.by_id("report-data")
    assert data.tag == "script" and data.attrs["type"] == "application/json"
    assert json.loads(data.text()) == REPORT
    assert FRENCH in data.text()  # readable in the file, not \\u-escaped
    assert "\u2028" not in data.text() and "\\u2028" in data.text()


def test_an_empty_fleet_says_so():
    report = dict(REPORT, nodes=[], entries=[], findings=[], counts={"pass": 0, "fail": 0, "unknown": 0, "not_checked": 0})
    tree, problems = parse(_report_html.render(report))
    assert problems == []
    assert tree.by_id("matrix") is None
    assert "No nodes in this report" in next(p for p in tree.iter("p") if "empty" in p.classes()).text()
    assert tree.by_id("summary").text().startswith("0 nodes")
    assert json.loads(tree.by_id("report-data").text()) == report


def test_a_report_with_no_optional_parts_still_renders():
    finding = {"node": "n1", "id": "x-1", "title": "T", "product": "other-product", "status": "weird", "evidence": "e"}
    tree, problems = parse(_report_html.render({"findings": [finding]}))
    assert problems == []
    assert [tr.attrs["data-node"] for tr in tree.by_id("matrix").iter("tr") if "data-node" in tr.attrs] == ["n1"]
    cell = next(td for td in tree.iter("td") if "data-status" in td.attrs)
    assert cell.classes() == {"s-other"} and cell.attrs["data-product"] == "other-product"
