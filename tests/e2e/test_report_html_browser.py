"""The fleet report's HTML page in a real browser (Debian's chromium, headless): its script runs, filters
from the URL fragment, opens a cell's details, and runs nothing from the report's strings.

Three chromium launches in all: the page as opened, a filtered view with a cell open, a screenshot.
The screenshot and the page are kept in .build/artifacts/ for a person to look at.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import dev
from ansible_collections.irops.remediation.plugins.plugin_utils import _report_html
from fleet_report_sample import FRENCH, HOSTILE_IMG, HOSTILE_SCRIPT, NODES, parse, sample

pytestmark = pytest.mark.e2e

ARTIFACTS = dev.BUILD / "artifacts"
REPORT = sample()
LETTERS = {"fail": "F", "unknown": "U", "not_checked": "N", "pass": "P"}
FILTERED = "#product=scale-out,shir&status=fail,unknown&cell=shir-node-01/shir-ha-port-8060"


def _chromium(tmp: Path, *args: str) -> str:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.fail("chromium is not on PATH: install the Debian package chromium (apt-get install chromium); "
                    "`python3 dev.py test` installs it when it runs as root on Debian")
    run = subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                          f"--user-data-dir={tmp / 'profile'}", *args], capture_output=True, text=True, timeout=90, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


@pytest.fixture(scope="module")
def page() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "fleet-report.html"
    path.write_text(_report_html.render(REPORT), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def doms(page, tmp_path_factory):
    """The DOM after the script ran: opened plainly, and opened on FILTERED."""
    tmp = tmp_path_factory.mktemp("chromium")
    return {view: parse(_chromium(tmp, "--dump-dom", page.as_uri() + view))[0] for view in ("", FILTERED)}


def _rows(tree):
    return [tr for tr in tree.by_id("matrix").iter("tr") if "data-node" in tr.attrs]


def _status_cells(tr):
    return [td for td in tr.iter("td") if "data-status" in td.attrs]


def _ran_safely(tree):
    body = next(tree.iter("body"))
    assert body.attrs.get("data-js") == "ready", "the page's script did not run to its end"
    assert "data-pwned" not in body.attrs and not list(tree.iter("img")), "a report string ran as markup"


def test_the_page_as_opened_shows_every_node_and_finding(doms):
    tree = doms[""]
    _ran_safely(tree)
    assert "hidden" not in tree.by_id("filters").attrs and "hidden" in tree.by_id("panel").attrs
    rows = _rows(tree)
    assert [tr.attrs["data-node"] for tr in rows] == list(NODES)
    assert not [tr for tr in rows if "hidden" in tr.attrs]
    columns = len(REPORT["entries"])
    expected = {(f["node"], f["id"]): f["status"] for f in REPORT["findings"]}
    shown = {}
    for tr in rows:
        assert len(list(tr.iter("td"))) == columns and not [td for td in tr.iter("td") if "hidden" in td.attrs]
        for td in _status_cells(tr):
            status = td.attrs["data-status"]
            assert td.classes() == {f"s-{status}"} and td.text() == LETTERS[status]
            shown[(tr.attrs["data-node"], td.attrs["data-entry"])] = status
    assert shown == expected
    assert tree.by_id("shown").text() == ""


def test_the_fragment_filters_by_product_and_status_and_opens_a_cell(doms):
    tree = doms[FILTERED]
    _ran_safely(tree)
    wanted_products, wanted_statuses = {"scale-out", "shir"}, {"fail", "unknown"}
    matching = [f for f in REPORT["findings"] if f["product"] in wanted_products and f["status"] in wanted_statuses]
    nodes = {f["node"] for f in matching}
    entries = {f["id"] for f in matching}
    rows = _rows(tree)
    assert {tr.attrs["data-node"] for tr in rows if "hidden" not in tr.attrs} == nodes
    heads = [th for th in tree.iter("th") if "entry" in th.classes()]
    assert {th.attrs["data-entry"] for th in heads if "hidden" not in th.attrs} == entries
    groups = {th.attrs["data-product"]: "hidden" in th.attrs for th in tree.iter("th") if "product" in th.classes()}
    assert groups == {"scale-out": False, "azure-ssis-ir": True, "shir": False}
    for tr in rows:
        if "hidden" in tr.attrs:
            continue
        visible = [td for td in tr.iter("td") if "hidden" not in td.attrs]
        assert {td.attrs["data-entry"] for td in visible} == entries
        for td in _status_cells(tr):
            dimmed = "off" in td.classes()
            assert dimmed == (td.attrs["data-status"] not in wanted_statuses), (tr.attrs["data-node"], td.attrs)
    assert tree.by_id("shown").text() == f"Showing {len(nodes)} of {len(NODES)} nodes, {len(entries)} of {len(heads)} entries."
    panel = tree.by_id("panel")
    assert "hidden" not in panel.attrs
    finding = next(f for f in REPORT["findings"] if (f["node"], f["id"]) == ("shir-node-01", "shir-ha-port-8060"))
    assert next(panel.iter("h2")).text() == "shir-node-01 \u2014 shir-ha-port-8060"
    fields = dict(zip([dt.text() for dt in panel.iter("dt")], [dd.text() for dd in panel.iter("dd")]))
    assert fields["Evidence"] == finding["evidence"] and HOSTILE_IMG in fields["Evidence"] and HOSTILE_SCRIPT in fields["Evidence"]
    assert fields["Fix command"] == finding["fix"]["command"] and fields["Runbook"] == finding["runbook"]
    assert fields["Signature"] == finding["signature"] and fields["Status"] == "fail"
    selected = [td for td in tree.iter("td") if "sel" in td.classes()]
    assert [td.attrs["data-entry"] for td in selected] == ["shir-ha-port-8060"]


def test_a_screenshot_of_the_page_with_a_cell_open(page, tmp_path):
    """A person looks at this one: French evidence open in the panel, over the whole matrix."""
    shot = ARTIFACTS / "fleet-report.png"
    shot.unlink(missing_ok=True)
    french = next(f for f in REPORT["findings"] if f["evidence"] == FRENCH)
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,900", f"{page.as_uri()}#cell={french['node']}/{french['id']}")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
