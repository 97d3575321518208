"""The fleet audit end to end (playbooks/diagnose.yml run as the installed collection's irops.remediation.diagnose):
a Scale Out master and worker with a wrong binding, a self-hosted IR node whose service is stopped, and a host that
cannot be reached, through real ansible-playbook over WinRM. One play: each node is read once (round trips counted
on the simulator), one task checks them all, prints the summary, writes the three reports and fails the CI gate."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema
import yaml

import dev

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "reports" / "fleet-report.schema.json").read_text())
JUNIT = xmlschema.XMLSchema(str(ROOT / "tests" / "unit" / "test_data" / "reports" / "junit.xsd"))
# session nodes given other scenarios for this test; "lost" is an inventory host nothing listens for
SCENARIOS = {"healthy": "scaleout_pair_binding_wrong_cert:master", "missing": "scaleout_pair_binding_wrong_cert:worker",
             "wrong": "shir_service_stopped:shir01"}
ROLES = {"healthy": ["scaleout_master", "ssisdb_sql"], "missing": ["scaleout_worker"], "wrong": ["shir_node"],
         "lost": ["scaleout_worker"]}


def test_one_read_per_node_one_check_for_the_fleet_reports_and_the_gate(sim, tmp_path):
    for node, scenario in SCENARIOS.items():
        sim.load_scenario(node, scenario)
        sim.clear_log(node)
    inventory = yaml.safe_load(sim.inventory.read_text())
    hosts = inventory["all"]["children"]["windows"]["hosts"]
    hosts["lost"] = dict(hosts["healthy"], ansible_port=1)          # refused at once: unreachable
    for host, roles in ROLES.items():
        hosts[host]["irops_node_roles"] = roles
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump(inventory))
    playbook = tmp_path / "audit.yml"
    playbook.write_text(yaml.safe_dump([
        {"name": "scope play needs run_once", "hosts": "healthy", "gather_facts": False, "tasks": [
            {"name": "Bad", "irops.remediation.diagnose": {"scope": "play"}, "ignore_errors": True}]},
        {"ansible.builtin.import_playbook": "irops.remediation.diagnose"}], sort_keys=False))
    reports = tmp_path / "reports"
    run = subprocess.run(["ansible-playbook", "-i", str(tmp_path / "hosts.yml"), str(playbook), "-e",
                          json.dumps({"diagnose_report_dir": str(reports), "diagnose_fail_on_findings": True}),
                          "-l", ",".join(ROLES)],
                         env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)
    output = run.stdout + run.stderr

    assert "set run_once: true on the task" in output
    # the gate: the play fails (4: a host was also unreachable), saying how many failures on how many nodes and
    # which entries, without pages of findings (they are in the reports)
    assert run.returncode == 4, output
    assert "2 documented failure(s) on 2 node(s): azuressis-shir-offline-2010, scaleout-http-request-error" in output
    assert output.count('"findings"') == 0, output

    # one gather per node; the check of the whole fleet adds no round trip (the worker and the self-hosted IR node
    # have a second stage: the ACL of their certificates' keys, read once the certificates are known)
    trips = {node: len(sim.log(node)) for node in SCENARIOS}
    assert trips == {"healthy": 1, "missing": 2, "wrong": 2}, trips

    document = json.loads((reports / "fleet-report.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert sorted(row["node"] for row in document["nodes"]) == sorted(ROLES)
    lost = next(row for row in document["nodes"] if row["node"] == "lost")
    assert lost["gathered"] is False and "no facts were gathered" in lost["error"]
    assert lost["counts"]["unknown"] == sum(lost["counts"].values()) > 0
    failing = sorted((f["node"], f["id"]) for f in document["findings"] if f["status"] == "fail")
    assert ("healthy", "scaleout-http-request-error") in failing and ("wrong", "azuressis-shir-offline-2010") in failing
    fix = next(f["fix"] for f in document["findings"] if (f["node"], f["id"]) == ("healthy", "scaleout-http-request-error"))
    assert fix["command"] == "ansible-playbook irops.remediation.remediate_scaleout_master --limit healthy"

    JUNIT.validate(str(reports / "fleet-report.xml"))
    suites = ET.parse(reports / "fleet-report.xml").getroot().findall("testsuite")
    assert sum(len(s.findall("testcase")) for s in suites) == len(document["findings"])
    html = (reports / "fleet-report.html").read_text(encoding="utf-8")
    assert "scaleout-http-request-error" in html and "http://" not in html.split("<body", 1)[1]

    # the summary a person reads, once, at the end of the play
    assert output.count("Fleet audit: 4 node(s)") == 1
    assert "    fix: ansible-playbook irops.remediation.remediate_scaleout_master --limit healthy" in output
    assert f"Reports: {reports / 'fleet-report.json'}" in output
