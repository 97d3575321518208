"""user_right end to end (issue 13): SeServiceLogonRight granted to DIAHostService's account of
shir_service_account_no_rights with secedit /configure, through real ansible-playbook over WinRM: check mode reads
only, the grant touches only that right, a second apply changes nothing, a failed configure leaves the rights as
they were, and no temporary template or database stays on the node."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

NODE = "healthy"
SVC = "CONTOSO\\svc-ir"
SVC_SID = "S-1-5-21-3623811015-3361044348-30300820-1105"
DIAHOST_SID = "S-1-5-80-2309424314-4000424941-3690464367-1726909705-3288450713"
GRANT = {"name": "Grant", "irops.remediation.user_right": {
    "name": "SeServiceLogonRight", "accounts": [SVC], "action": "add",
    "documented_entry": ["shir-registration-error-service-account"]}}


def rights(sim) -> dict:
    return {name: sorted(spec["rights"]) for name, spec in sim.state(NODE)["accounts"].items()}


def temp_files(sim) -> list:
    return [path for path in sim.state(NODE)["files"] if "irops-secedit-" in path]


def test_check_mode_reports_the_grant_and_changes_nothing(sim, playbook):
    sim.load_scenario(NODE, "shir_service_account_no_rights:shir01")
    digest = sim.digest(NODE)
    run = playbook([GRANT], NODE, "--check", "--diff")
    result = run.result(NODE)
    assert result["changed"] and not result.get("failed"), run.output
    assert result["before"] == ["*" + DIAHOST_SID] and result["after"] == ["*" + DIAHOST_SID, SVC]
    assert result["round_trips"] == 1
    assert [s["id"] for s in result["documented_symptoms"]] == ["shir-registration-error-service-account"]
    assert sim.digest(NODE) == digest


def test_the_grant_touches_only_that_right_and_a_second_run_changes_nothing(sim, playbook):
    sim.load_scenario(NODE, "shir_service_account_no_rights:shir01")
    before = rights(sim)
    run = playbook([GRANT, GRANT], NODE)
    first, second = run.result(NODE, 0), run.result(NODE, 1)
    assert first["changed"] and not first.get("failed"), run.output
    assert sorted(first["after"]) == ["*" + SVC_SID, "*" + DIAHOST_SID] and first["round_trips"] == 2
    # secedit lists the account as its SID, which the controller cannot name: the second run tells by configuring
    # the same holders again, which secedit leaves as they were (a warning in check mode says so)
    assert not second["changed"] and not second.get("failed") and second["round_trips"] == 2, run.output
    assert "already held it" in second["msg"]
    after = rights(sim)
    assert after[SVC] == ["SeServiceLogonRight"]
    assert {k: v for k, v in after.items() if k != SVC} == {k: v for k, v in before.items() if k != SVC}
    assert temp_files(sim) == []
    configures = [argv for argv in sim.commands(NODE) if argv[:2] == ["secedit", "/configure"]]
    assert len(configures) == 2 and configures[0][-3:] == ["/areas", "USER_RIGHTS", "/quiet"]


def test_a_failed_configure_leaves_the_rights_as_they_were(sim, playbook):
    sim.load_scenario(NODE, "shir_service_account_no_rights:shir01")
    before = rights(sim)
    sim.fault(NODE, {"match": ["secedit", "/configure"], "action": "fail", "exit_code": 5,
                     "stderr": "Access is denied."})
    run = playbook([GRANT], NODE)
    result = run.result(NODE)
    assert result.get("failed") and "exit code 5" in result["msg"], run.output
    assert "previous holders were configured again" in result["msg"]
    assert rights(sim) == before and temp_files(sim) == []
    configures = [argv for argv in sim.commands(NODE) if argv[:2] == ["secedit", "/configure"]]
    assert len(configures) == 2 and configures[1][3].endswith("-old.sdb")


def test_removing_gives_the_holders_back_and_a_name_no_account_has_fails_before_any_change(sim, playbook):
    sim.load_scenario(NODE, "shir_service_account_no_rights:shir01")
    before = rights(sim)
    remove = {"name": "Remove", "irops.remediation.user_right": {
        "name": "SeServiceLogonRight", "accounts": [f"*{SVC_SID}"], "state": "absent"}}
    run = playbook([GRANT, remove], NODE)
    assert run.result(NODE, 1)["changed"] and run.result(NODE, 1)["after"] == ["*" + DIAHOST_SID], run.output
    again = playbook([remove], NODE).result(NODE)
    assert not again["changed"] and again["round_trips"] == 1
    assert rights(sim) == before
    hostile = {"name": "Hostile", "irops.remediation.user_right": {
        "name": "SeServiceLogonRight", "accounts": ["CONTOSO\\a,*S-1-5-32-544"]}}
    digest = sim.digest(NODE)
    run = playbook([hostile], NODE)
    assert run.result(NODE)["failed"] and "','" in run.result(NODE)["msg"], run.output
    assert run.result(NODE)["round_trips"] == 0 and sim.digest(NODE) == digest


def test_an_account_given_by_its_sid_is_idempotent_in_one_read(sim, playbook):
    sim.load_scenario(NODE, "shir_service_account_no_rights:shir01")
    grant = {"name": "Grant", "irops.remediation.user_right": {"name": "seservicelogonright", "accounts": [SVC_SID]}}
    run = playbook([grant, grant], NODE)
    assert run.result(NODE, 0)["changed"] and run.result(NODE, 0)["name"] == "SeServiceLogonRight", run.output
    assert not run.result(NODE, 1)["changed"] and run.result(NODE, 1)["round_trips"] == 1
    digest = sim.digest(NODE)
    assert not playbook([grant], NODE, "--check").result(NODE)["changed"] and sim.digest(NODE) == digest
