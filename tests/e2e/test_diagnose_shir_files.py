"""SHIR files and runtimes end to end: node_facts then diagnose with node_roles [shir_node], through real
ansible-playbook over WinRM, on shir_healthy and on each scenario whose drift is one of these entries. The
healthy node passes all four; each drifted node fails exactly its entry among them; nothing on a node changes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

ENTRIES = ("shir-version-5-dotnet-472", "shir-could-not-load-assembly", "azuressis-shir-vcredist-missing",
           "shir-authentication-key-missing")
TASKS = [{"name": "Facts", "irops.remediation.node_facts": {"node_roles": ["shir_node"]}},
         {"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": ["shir_node"]}}]
# scenario (SHIR01 of each pair) -> the one entry among ENTRIES that fails on it
SCENARIOS = {
    "shir_healthy": None,
    "shir_dotnet_471": "shir-version-5-dotnet-472",
    "shir_valuetuple_missing": "shir-could-not-load-assembly",
    "shir_vcredist_missing": "azuressis-shir-vcredist-missing",
    "shir_configurations_missing": "shir-authentication-key-missing",
    "shir_version_4": None,   # a 4.x install on .NET 4.7.1: the .NET check passes, naming the version
}
HOSTS = ("healthy", "missing", "wrong", "v2022")


def mine(result: dict) -> dict:
    return {f["id"]: f for f in result["findings"] if f["id"] in ENTRIES}


@pytest.mark.parametrize("group", [("shir_healthy", "shir_dotnet_471", "shir_valuetuple_missing"),
                                   ("shir_vcredist_missing", "shir_configurations_missing", "shir_version_4")])
def test_each_scenario_fails_exactly_its_entry_and_nothing_changes(sim, playbook, group):
    hosts = dict(zip(HOSTS, group))
    for host, scenario in hosts.items():
        sim.load_scenario(host, f"{scenario}:shir01")
    digests = {host: sim.digest(host) for host in hosts}
    run = playbook(TASKS, ":".join(hosts))
    for host, scenario in hosts.items():
        facts, result = run.result(host, 0), run.result(host, 1)
        assert not facts.get("failed") and not result.get("failed"), run.output
        assert facts["round_trips"] == 2 and result["round_trips"] == 0 and result["facts_reused"] is True
        assert facts["ansible_facts"]["irops_node"]["gather_errors"] == {}, facts
        found = mine(result)
        assert set(found) == set(ENTRIES), result["msg"]
        failing = {entry for entry, f in found.items() if f["status"] != "pass"}
        expected = SCENARIOS[scenario]
        assert failing == ({expected} if expected else set()), (scenario, found)
        for entry, f in found.items():
            assert f["evidence"], (scenario, entry)
        assert sim.digest(host) == digests[host], f"{scenario}: diagnose changed the node"
    if "shir_dotnet_471" in group:
        evidence = mine(run.result("missing", 1))["shir-version-5-dotnet-472"]["evidence"]
        assert "461308" in evidence and ".NET Framework 4.7.2" in evidence and "installer" in evidence
    if "shir_version_4" in group:
        evidence = mine(run.result("wrong", 1))["shir-version-5-dotnet-472"]["evidence"]
        assert "4.0" in evidence and "461308" in evidence
    if "shir_vcredist_missing" in group:
        evidence = mine(run.result("healthy", 1))["azuressis-shir-vcredist-missing"]["evidence"]
        assert "vc_redist.x64.exe" in evidence
