"""The shir_node role's service account tasks (tasks/service_account.yml, issue 13) end to end: on
shir_service_account_no_rights (DIAHostService stopped, running as CONTOSO\\svc-ir without Log on as a service) the
role grants the right and starts the service; check mode changes nothing; a second run changes nothing; with an
account in the inventory it switches with dmgcmd instead."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

NODE = "healthy"
SVC_SID = "S-1-5-21-3623811015-3361044348-30300820-1105"
ROLE = {"name": "Service account",
        "ansible.builtin.include_role": {"name": "irops.remediation.shir_node", "tasks_from": "service_account"}}


def test_the_role_grants_the_right_and_starts_the_service(sim, playbook):
    sim.load_scenario(NODE, "shir_service_account_no_rights:shir01")
    digest = sim.digest(NODE)
    run = playbook([ROLE], NODE, "--check")
    assert run.rc == 0 and "failed=0" in run.output, run.output
    assert sim.digest(NODE) == digest
    run = playbook([ROLE], NODE)
    assert run.rc == 0 and "failed=0" in run.output, run.output
    state = sim.state(NODE)
    assert "SeServiceLogonRight" in state["accounts"]["CONTOSO\\svc-ir"]["rights"]
    assert state["services"]["DIAHostService"]["state"] in ("running", "start_pending")
    assert [a for a in sim.commands(NODE) if a[:1] == ["dmgcmd"]] == []
    again = playbook([ROLE], NODE)
    assert "changed=0 " in again.output.split("PLAY RECAP")[1], again.output


def test_an_account_in_the_inventory_is_switched_with_dmgcmd(sim, playbook):
    sim.load_scenario(NODE, "shir_service_account_no_rights:shir01")
    run = playbook([ROLE], NODE, vars={"shir_node_service_account_name": "NT Authority\\System"})
    assert run.rc == 0 and "failed=0" in run.output, run.output
    assert sim.state(NODE)["services"]["DIAHostService"]["account"] == "LocalSystem"
    assert [a for a in sim.commands(NODE) if a[:1] == ["dmgcmd"]] == [
        ["dmgcmd", "-SwitchServiceAccount", "NT Authority\\System", ""]]
