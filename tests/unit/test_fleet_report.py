"""The fleet report: one document from the findings of every node, and its JSON, JUnit XML and terminal forms.

The nodes are the Scale Out master and worker of test_checks_scaleout (facts as node_facts parses them), checked
by the real checks of the catalog; the JSON must hold to docs/reports/fleet-report.schema.json and the JUnit XML
to the Jenkins JUnit rules (tests/unit/test_data/reports/junit.xsd).
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from test_checks_scaleout import MASTER_ROLES, WORKER_ROLES, master_node, worker_node

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks, _findings

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "reports" / "fleet-report.schema.json").read_text())
JUNIT = xmlschema.XMLSchema(str(Path(__file__).parent / "test_data" / "reports" / "junit.xsd"))
HOSTILE = "<script>alert(1)</script> & \"quoted\" \x1b[31mred\x1b[0m NUL\x00 \u00e9chec \u2028"


def _fleet(worker_facts=None, error_host=True) -> dict:
    """A master, a worker (drifted when asked), and a host whose facts were not gathered."""
    entries = _catalog.load()
    nodes = {"ssis-master-01": (MASTER_ROLES, master_node()), "ssis-worker-01": (WORKER_ROLES, worker_facts or worker_node())}
    peers = [{"host": host, "roles": roles, "facts": facts} for host, (roles, facts) in nodes.items()]
    rows = []
    for host, (roles, facts) in nodes.items():
        context = {"host": host, "roles": roles, "peers": peers, "absent": []}
        rows.append({"node": host, "roles": roles, "error": None,
                     "findings": _findings.node_findings(entries, roles, facts, {}, context)})
    if error_host:
        reason = "no facts were gathered for it in this play " + HOSTILE
        rows.append({"node": "ssis-worker-02", "roles": WORKER_ROLES, "error": reason,
                     "findings": [_findings.unreachable(e, "ssis-worker-02", reason) for e in entries
                                  if "scaleout_worker" in e.node_roles]})
    return _findings.fleet_document(rows, entries, "0.1.0", "2026-11-30T01:02:03Z")


def _drifted_worker() -> dict:
    facts = worker_node()
    facts["cert_root"] = []           # the master certificate is not trusted: scaleout-trust-relationship
    facts["services"]["RemoteRegistry"] = dict(facts["services"]["RemoteRegistry"], state="stopped")
    return facts


def test_the_json_report_holds_to_its_documented_schema():
    document = _fleet(_drifted_worker())
    jsonschema.validate(json.loads(json.dumps(document)), SCHEMA, format_checker=jsonschema.FormatChecker())
    assert document["schema"] == SCHEMA["properties"]["schema"]["const"]


def test_a_report_that_breaks_the_schema_is_refused_by_it():
    # the schema is not a rubber stamp: a status or a fix path it does not know is refused
    document = json.loads(json.dumps(_fleet()))
    document["findings"][0]["status"] = "not_applicable"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)
    document = json.loads(json.dumps(_fleet(_drifted_worker())))
    fixable = next(f for f in document["findings"] if f["fix"] and f["fix"].get("command"))
    fixable["fix"]["command"] = "ansible-playbook playbooks/remediate_scaleout_worker.yml"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)


def test_every_node_lists_every_entry_of_its_roles_once():
    document = _fleet(_drifted_worker())
    for row in document["nodes"]:
        listed = sorted(f["id"] for f in document["findings"] if f["node"] == row["node"])
        expected = sorted(e.id for e in _catalog.load() if set(e.node_roles) & set(row["roles"]))
        assert listed == expected, row["node"]
        assert sum(row["counts"].values()) == len(listed)
    unreachable = next(r for r in document["nodes"] if r["node"] == "ssis-worker-02")
    assert unreachable["gathered"] is False and unreachable["counts"][_checks.UNKNOWN] == sum(unreachable["counts"].values())


def test_a_drifted_worker_fails_the_entries_of_its_own_drift_with_the_installed_fix():
    document = _fleet(_drifted_worker())
    failing = {(f["node"], f["id"]): f for f in document["findings"] if f["status"] == _checks.FAIL}
    assert set(failing) == {("ssis-worker-01", "scaleout-trust-relationship"),
                            ("ssis-worker-01", "scaleout-cannot-open-certificate-store")}
    fix = failing[("ssis-worker-01", "scaleout-trust-relationship")]["fix"]
    assert fix["command"] == "ansible-playbook irops.remediation.remediate_scaleout_worker --limit ssis-worker-01"


def test_every_fix_is_an_installed_playbook_never_a_repository_path():
    for entry in _catalog.load():
        fix = _findings.fix_of(entry, "node-1")
        if fix is None:
            assert not entry.fix
            continue
        if "playbook" in fix:
            name = fix["playbook"].split(".")[-1]
            assert fix["playbook"] == f"irops.remediation.{name}" and (ROOT / "playbooks" / f"{name}.yml").is_file()
            assert fix["command"] == f"ansible-playbook irops.remediation.{name} --limit node-1"
            assert "/" not in fix["command"]


def test_the_junit_report_is_valid_and_has_one_case_per_node_and_entry():
    document = _fleet(_drifted_worker())
    document["findings"][0]["evidence"] = HOSTILE     # what a node printed, control characters and all
    text = _findings.junit_xml(document)
    JUNIT.validate(text)
    root = ET.fromstring(text)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [r["node"] for r in document["nodes"]]
    assert sum(len(s.findall("testcase")) for s in suites) == len(document["findings"])
    assert int(root.get("failures")) == document["counts"]["fail"] == len(root.findall(".//failure"))
    assert int(root.get("errors")) == document["counts"]["unknown"] == len(root.findall(".//error"))
    assert len(root.findall(".//skipped")) == document["counts"]["not_checked"]
    first = root.find(".//testcase")
    shown = ET.tostring(first, encoding="unicode")
    assert "\\x1b[31mred" in shown and "\\x00" in shown and "<script>" not in shown   # escaped, never raw
    failure = next(c for c in root.iter("testcase") if c.find("failure") is not None and "trust" in c.get("name"))
    assert "fix: ansible-playbook irops.remediation.remediate_scaleout_worker --limit ssis-worker-01" in failure.find("failure").text


def test_the_terminal_summary_counts_nodes_and_groups_failures_by_entry():
    document = _fleet(_drifted_worker())
    summary = _findings.terminal_summary(document, {"json": "/r/fleet-report.json", "junit": "/r/fleet-report.xml"})
    lines = summary.splitlines()
    assert lines[0] == f"Fleet audit: 3 node(s), {len(document['entries'])} documented entries of their roles"
    assert lines[1].split() == ["node", "roles", "fail", "unknown", "not", "checked", "pass"]
    worker = next(line for line in lines if line.startswith("ssis-worker-01 "))
    assert worker.split()[1:] == ["scaleout_worker"] + [str(document["nodes"][1]["counts"][s]) for s in _findings.STATUSES]
    assert "Failures by documented entry:" in lines
    title = _catalog.by_id("scaleout-trust-relationship").title
    assert f"  scaleout-trust-relationship: {title} (1 node(s))" in lines
    assert "    fix: ansible-playbook irops.remediation.remediate_scaleout_worker --limit ssis-worker-01" in lines
    assert "Could not tell by documented entry:" in lines          # the host that was not read
    assert lines[-1] == "Reports: /r/fleet-report.json, /r/fleet-report.xml"


def test_a_clean_fleet_says_so():
    summary = _findings.terminal_summary(_fleet(error_host=False))
    assert "No documented failure found; every check could tell." in summary
    assert "Failures by documented entry:" not in summary


def test_reports_are_written_whole_into_the_directory(tmp_path):
    document = _fleet(_drifted_worker())
    written = _findings.write_reports(document, str(tmp_path / "reports"), ["json", "junit", "html"])
    assert sorted(os.listdir(tmp_path / "reports")) == ["fleet-report.html", "fleet-report.json", "fleet-report.xml"]
    assert json.loads(Path(written["json"]).read_text(encoding="utf-8")) == json.loads(json.dumps(document))
    JUNIT.validate(written["junit"])
    assert "ssis-worker-01" in Path(written["html"]).read_text(encoding="utf-8")


def test_a_fleet_wide_drift_stays_a_few_lines_of_summary():
    # 40 workers without the master certificate: one evidence shared by all, names capped, the rest in the reports
    entries = _catalog.load()
    master = {"host": "ssis-master-01", "roles": MASTER_ROLES, "facts": master_node()}
    workers = [{"host": f"w{i:02d}", "roles": WORKER_ROLES, "facts": _drifted_worker()} for i in range(40)]
    rows = []
    for peer in [master, *workers]:
        context = {"host": peer["host"], "roles": peer["roles"], "peers": [master, *workers], "absent": []}
        rows.append({"node": peer["host"], "roles": peer["roles"], "error": None,
                     "findings": _findings.node_findings(entries, peer["roles"], peer["facts"], {}, context)})
    document = _findings.fleet_document(rows, entries, "0.1.0", "2026-11-30T01:02:03Z")
    summary = _findings.terminal_summary(document)
    lines = summary.splitlines()
    block = lines[lines.index("Failures by documented entry:"):]
    trust = block.index(next(line for line in block if line.startswith("  scaleout-trust-relationship: ")))
    assert block[trust].endswith("(40 node(s))")
    evidence, fix = block[trust + 1], block[trust + 2]
    assert evidence.startswith("    w00,w01,") and ",... (30 more in the reports): " in evidence
    assert fix == "    fix: ansible-playbook irops.remediation.remediate_scaleout_worker --limit " \
        "w00,w01,w02,w03,w04,w05,w06,w07,w08,w09,... (30 more in the reports)"
    assert len(lines) < 60
