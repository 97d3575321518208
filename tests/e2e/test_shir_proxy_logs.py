"""The self-hosted IR's Azure-SSIS IR proxy logs end to end (C:\\ProgramData\\SSISTelemetry and its ExecutionLog):
playbooks/triage.yml explains their newest errors, and diagnose's azuressis-staging-read-timeout check reads them,
through real ansible-playbook over WinRM against SHIR01 of shir_proxy_staging_timeout and of shir_healthy."""

from __future__ import annotations

import json

import pytest
from test_triage import triage

pytestmark = pytest.mark.e2e

ENTRY = "azuressis-staging-read-timeout"
EXECUTION_LOG = "C:\\ProgramData\\SSISTelemetry\\ExecutionLog"
NEWEST = EXECUTION_LOG + "\\6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f.log"
SHIR = json.dumps({"irops_node_roles": ["shir_node"]})
TASKS = [{"name": "Facts", "irops.remediation.node_facts": {"node_roles": ["shir_node"]}},
         {"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": ["shir_node"]}}]


def test_triage_explains_the_staging_timeout_of_the_proxy_logs(sim):
    sim.load_scenario("missing", "shir_proxy_staging_timeout:shir01")
    sim.load_scenario("wrong", "shir_healthy:shir01")
    before = {node: sim.digest(node) for node in ("missing", "wrong")}
    sim.clear_log("missing")
    rc, output, shown = triage(sim, "--limit", "missing:wrong", "--check", "-e", SHIR)
    assert rc == 0, output
    found = shown["missing"]["explanation"]
    assert [entry["id"] for entry in found] == [ENTRY], output
    assert found[0]["matched_text"] == "Timeout when reading from staging"
    assert found[0]["runbook"] == f"docs/runbooks/{ENTRY}.md" and found[0]["resolution"]
    # both folders exist; the runtime log and both execution logs are read (3 + 2 + 3 lines)
    assert shown["missing"]["logs"].startswith("2 of 2 folder(s) exist; 8 line(s) read from 3 file(s)"), output
    # a self-hosted IR that does not proxy for the Azure-SSIS IR has neither folder
    assert shown["wrong"] == {"logs": "0 of 2 folder(s) exist; 0 line(s) read from 0 file(s)",
                              "explanation": "No documented error in these logs."}
    assert {node: sim.digest(node) for node in before} == before
    assert len(sim.log("missing")) == 2, "the listing of both folders, then the three files"


def test_diagnose_fails_the_entry_only_where_the_newest_errors_show_it(sim, playbook):
    sim.load_scenario("missing", "shir_proxy_staging_timeout:shir01")
    sim.load_scenario("wrong", "shir_healthy:shir01")
    sim.load_scenario("v2022", "shir_proxy_staging_timeout:shir01")
    # on v2022 a newer execution log ends well: the timeout is no longer among the newest errors
    sim.put_files("v2022", {EXECUTION_LOG + "\\9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b.log": (
        b"2025-01-06 08:58:00.000 [Information] Staging task started.\r\n"
        b"2025-01-06 08:59:00.000 [Warning] Retry 1 of 3: the staging blob answered slowly.\r\n"
        b"2025-01-06 08:59:30.000 [Information] Staging task succeeded.\r\n")})
    hosts = ("missing", "wrong", "v2022")
    before = {node: sim.digest(node) for node in hosts}
    run = playbook(TASKS, ":".join(hosts), "--check")
    verdicts = {}
    for host in hosts:
        facts, result = run.result(host, 0), run.result(host, 1)
        assert not facts.get("failed") and not result.get("failed"), run.output
        assert facts["ansible_facts"]["irops_node"]["gather_errors"] == {}, facts
        assert result["facts_reused"] is True and result["round_trips"] == 0
        verdicts[host] = next(f for f in result["findings"] if f["id"] == ENTRY)
    # the listing in the first stage; the files, in the second, only where there are some
    tails = {host: [c["argv"] for entry in sim.log(host) for c in entry.get("cmdlets", []) if c["argv"][:1] == ["Get-Content"]]
             for host in hosts}
    assert tails["missing"] and not tails["wrong"], tails

    assert verdicts["missing"]["status"] == "fail", verdicts["missing"]
    assert NEWEST in verdicts["missing"]["evidence"] and "staging blob" in verdicts["missing"]["evidence"]
    assert verdicts["missing"]["runbook"] == f"docs/runbooks/{ENTRY}.md"

    assert verdicts["wrong"]["status"] == "pass", verdicts["wrong"]  # no staging task ran there: none timed out
    assert ("C:\\ProgramData\\SSISTelemetry and C:\\ProgramData\\SSISTelemetry\\ExecutionLog do not exist: no on-premises "
            "staging task has run on this node") in verdicts["wrong"]["evidence"]

    # on the node that does not proxy, every manual entry of its role is listed as not checked, with its reason;
    # the Azure-SSIS IR entries whose fix is in Azure are not applicable, saying so
    findings = {f["id"]: f for f in run.result("wrong", 1)["findings"]}
    assert findings["azuressis-shir-assembly-mismatch"]["status"] == "not_checked"
    assert "NOT_CHECKED azuressis-shir-assembly-mismatch" in run.result("wrong", 1)["msg"]
    assert findings["azuressis-data-proxy-not-configured"]["status"] == "not_applicable"
    assert findings["azuressis-data-proxy-not-configured"]["evidence"].startswith("cloud side, on no managed node")

    assert verdicts["v2022"]["status"] == "pass", verdicts["v2022"]
    assert "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b.log" in verdicts["v2022"]["evidence"]
    assert {node: sim.digest(node) for node in hosts} == before
