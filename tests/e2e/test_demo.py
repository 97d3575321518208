"""The README's main job stays green: `python3 dev.py demo`, the fleet of tests/simulator/scenarios/demo_fleet.yml."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import dev

pytestmark = pytest.mark.e2e

# Each node's documented failures (demo_fleet.yml names the single-failure scenario of each): found in the first
# audit, passing in the last. The HA pair's closed port 8060 is seen from both ends: shir-ha-01 lacks the inbound
# rule, shir-ha-02 cannot reach it (its finding points at shir-ha-01's fix).
FAILURES = {
    "ssis-master-01": {"scaleout-http-request-error"},
    "ssis-sql-01": {"scaleout-master-fails"},
    "ssis-worker-01": set(),
    "ssis-worker-02": {"scaleout-no-endpoint-listening"},
    "ssis-worker-03": {"scaleout-cannot-open-certificate-store"},
    "ssis-worker-fr-01": {"scaleout-trust-relationship"},     # a fr-FR node: certutil's French output
    "shir-ha-01": {"shir-node-inactive-limited"},
    "shir-ha-02": {"shir-node-inactive-limited"},
    "shir-03": {"azuressis-shir-offline-2010"},
    "shir-04": {"shir-register-localhost-dns"},
    "shir-05": {"shir-could-not-load-assembly"},
    "shir-06": set(),
}
ROUND_TRIPS = re.compile(r"^    per node, WinRM round trips / tasks changed: (.*)$", re.M)


def _report(folder: str) -> dict:
    path = dev.DEMO_REPORTS / folder / "fleet-report.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _failing(report: dict) -> dict:
    failing = {row["node"]: set() for row in report["nodes"]}
    for finding in report["findings"]:
        if finding["status"] == "fail":
            failing[finding["node"]].add(finding["id"])
    return failing


def test_demo_runs_to_a_clean_audit():
    run = subprocess.run([sys.executable, str(dev.ROOT / "dev.py"), "demo"], cwd=dev.ROOT, capture_output=True,
                         text=True, check=False, env=dev.ansible_env(ANSIBLE_NOCOLOR="1"))
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-5000:]
    assert set(dev.DEMO_NODES) == set(FAILURES)
    first, last = _report("1-audit"), _report("5-audit")
    assert _failing(first) == FAILURES
    assert _failing(last) == {node: set() for node in FAILURES}
    assert first["counts"]["unknown"] == last["counts"]["unknown"] == 0
    # every node lists every entry of its roles, in both audits
    for report in (first, last):
        for row in report["nodes"]:
            assert sum(row["counts"].values()) == len({f["id"] for f in report["findings"] if f["node"] == row["node"]}) > 0
    for kind in ("fleet-report.xml", "fleet-report.html"):
        assert (dev.DEMO_REPORTS / "1-audit" / kind).stat().st_size > 0

    stages = re.split(r"^=== ", output, flags=re.M)
    assert len(stages) == 6, output
    # the audit: the summary once, one read per node (two where the second depends on the first), nothing changed
    assert stages[1].count("Fleet audit: 12 node(s)") == 1 and "Failures by documented entry:" in stages[1]
    assert "No documented failure found; every check could tell." in stages[5]
    for stage in (stages[1], stages[5]):
        trips = dict(item.split() for item in ROUND_TRIPS.search(stage)[1].split(", "))
        assert set(trips) == set(FAILURES) and set(trips.values()) <= {"1/0", "2/0"}, trips
    assert "node state digests after the dry run: unchanged on all 12 nodes" in stages[2]
    changed_again = dict(item.split() for item in ROUND_TRIPS.search(stages[4])[1].split(", "))
    assert all(value.endswith("/0") for value in changed_again.values()), changed_again
    assert "UNKNOWN" not in output and "Traceback" not in output
    assert "Demo complete: 10 documented failures found" in output
