"""OLE DB providers and node resources end to end (issue 13): node_facts then diagnose with node_roles [shir_node]
and settings.azuressis_oledb_providers, through real ansible-playbook over WinRM. On shir_oledb_provider_missing
(MSOLEDBSQL registered only in the 32-bit view) the OLE DB entry is the only failure; on shir_healthy it passes;
the three manual entries show the node's memory, processors and drives; nothing on a node changes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

SETTINGS = {"azuressis_oledb_providers": ["MSOLEDBSQL"]}
TASKS = [{"name": "Facts", "irops.remediation.node_facts": {"node_roles": ["shir_node"], "settings": SETTINGS}},
         {"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": ["shir_node"], "settings": SETTINGS}}]
OLEDB = "azuressis-oledb-provider-not-registered"
REPORTED = ("shir-out-of-memory", "shir-concurrent-jobs-limit", "shir-setup-failed")


def test_the_missing_64_bit_provider_is_the_only_failure_and_manual_entries_show_resources(sim, playbook):
    hosts = {"healthy": "shir_healthy:shir01", "missing": "shir_oledb_provider_missing:shir01"}
    for host, scenario in hosts.items():
        sim.load_scenario(host, scenario)
    digests = {host: sim.digest(host) for host in hosts}
    run = playbook(TASKS, ":".join(hosts))
    for host in hosts:
        facts, result = run.result(host, 0), run.result(host, 1)
        assert not facts.get("failed") and not result.get("failed"), run.output
        # the CLSID in the first round trip, the class keys of both views in the second; diagnose reuses them
        assert facts["round_trips"] == 2 and result["round_trips"] == 0 and result["facts_reused"] is True
        assert facts["ansible_facts"]["irops_node"]["gather_errors"] == {}, facts
        findings = {f["id"]: f for f in result["findings"]}
        failing = sorted(entry for entry, f in findings.items() if f["status"] == "fail")
        assert failing == ([OLEDB] if host == "missing" else []), result["msg"]
        for entry in REPORTED:
            assert findings[entry]["status"] == "not_checked"
            assert "node resources: memory 16.0 GiB, 7.0 GiB available" in findings[entry]["evidence"], findings[entry]
            assert "8 logical processors" in findings[entry]["evidence"]
            assert "C: 45.0 GiB free of 127.0 GiB" in findings[entry]["evidence"]
        assert sim.digest(host) == digests[host], f"{host}: diagnose changed the node"
    healthy = {f["id"]: f for f in run.result("healthy", 1)["findings"]}[OLEDB]
    assert healthy["status"] == "pass" and "64-bit (C:\\Windows\\system32\\msoledbsql.dll)" in healthy["evidence"]
    missing = {f["id"]: f for f in run.result("missing", 1)["findings"]}[OLEDB]["evidence"]
    assert "not registered in the 64-bit registry view (registered in the 32-bit" in missing
    assert "msoledbsql.msi" in missing


def test_without_providers_the_check_is_unknown_naming_the_setting(sim, playbook):
    sim.load_scenario("healthy", "shir_healthy:shir01")
    run = playbook([{"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": ["shir_node"]}}], "healthy")
    result = run.result("healthy", 0)
    # the second round trip is the certificate's key ACL and chain, not the providers (none named)
    assert result["round_trips"] == 2 and not result.get("failed"), run.output
    finding = {f["id"]: f for f in result["findings"]}[OLEDB]
    assert finding["status"] == "unknown" and "settings.azuressis_oledb_providers" in finding["evidence"]


def test_a_hostile_progid_fails_before_anything_runs(sim, playbook):
    sim.load_scenario("healthy", "shir_healthy:shir01")
    bad = {"azuressis_oledb_providers": ["MSOLEDBSQL'; reg delete HKLM\\SOFTWARE /f #"]}
    run = playbook([{"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": ["shir_node"], "settings": bad}}],
                   "healthy")
    result = run.result("healthy", 0)
    assert result.get("failed") and "settings.azuressis_oledb_providers[0]" in result["msg"] and "ProgID" in result["msg"]
    assert sim.log("healthy") == []
