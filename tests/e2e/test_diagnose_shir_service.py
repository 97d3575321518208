"""The SHIR service account entries end to end (issue 13, "Service account and registration"): node_facts then
diagnose through real ansible-playbook over WinRM, with node_roles [shir_node], on the healthy SHIR node and on each
failure scenario of these entries (and the localhost resolution registration needs). Two round trips (the secedit
export written and removed in the first; the second, icacls on the certificate key files the SHIR certificate check
reads), the digest unchanged, and exactly the scenario's entry fails among them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

MINE = ("shir-registration-error-service-account", "azuressis-shir-offline-2010", "shir-register-localhost-dns")
TASKS = [{"name": "Facts", "irops.remediation.node_facts": {"node_roles": ["shir_node"]}},
         {"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": ["shir_node"]}}]
NODE = "healthy"

CASES = {
    "shir_healthy": {},
    "shir_service_stopped": {"azuressis-shir-offline-2010": "DIAHostService is stopped"},
    "shir_data_folder_acl_missing": {
        "shir-registration-error-service-account": "NT SERVICE\\DIAHostService lacks read/write on"},
    "shir_service_account_no_rights": {
        "azuressis-shir-offline-2010": "runs as CONTOSO\\svc-ir",
        "shir-registration-error-service-account": "CONTOSO\\svc-ir does not hold Log on as a service"},
    "shir_localhost_unresolvable": {
        "shir-register-localhost-dns": "localhost does not resolve on this node"},
}


@pytest.mark.parametrize("scenario", sorted(CASES))
def test_each_scenario_fails_exactly_its_entries(sim, playbook, scenario):
    sim.load_scenario(NODE, f"{scenario}:shir01")
    digest = sim.digest(NODE)
    run = playbook(TASKS, NODE, "--check")
    facts, result = run.result(NODE, 0), run.result(NODE, 1)
    assert not facts.get("failed") and not result.get("failed"), run.output
    assert facts["round_trips"] == 2 and result["round_trips"] == 0, run.output
    gathered = facts["ansible_facts"]["irops_node"]
    assert gathered["gather_errors"] == {} and gathered["user_rights"]["leftover"] is None
    findings = {f["id"]: f for f in result["findings"] if f["id"] in MINE}
    failing = {entry: f["evidence"] for entry, f in findings.items() if f["status"] == "fail"}
    assert set(failing) == set(CASES[scenario]), result["msg"]
    assert all(findings[entry]["status"] == "pass" for entry in set(MINE) - set(failing)), result["msg"]
    for entry, text in CASES[scenario].items():
        assert text in failing[entry], failing[entry]
    assert sim.digest(NODE) == digest
