"""shir_service_account end to end (issue 13): DIAHostService switched with dmgcmd -SwitchServiceAccount through
real ansible-playbook over WinRM: check mode reads only, LocalSystem's documented form arrives as two arguments
(the second empty), hostile passwords arrive intact and never appear in output or the node's log, a second run
changes nothing, a failed switch is switched back when the previous account has no password."""

from __future__ import annotations

import json

import pytest
from hostile_passwords import DELIVERED, LONG_127

from winsim import services

pytestmark = pytest.mark.e2e

NODE = "healthy"
ENTRY = ["shir-registration-error-service-account"]


def task(account, password=None, name="Switch"):
    args = {"account": account, "documented_entry": ENTRY}
    if password is not None:
        args["password"] = password
    return {"name": name, "irops.remediation.shir_service_account": args}


def service(sim) -> dict:
    return sim.state(NODE)["services"]["DIAHostService"]


def dmgcmd_calls(sim) -> list:
    return [argv for argv in sim.commands(NODE) if argv[:1] == ["dmgcmd"]]


def test_check_mode_reads_only_and_local_system_gets_two_arguments_the_second_empty(sim, playbook):
    sim.load_scenario(NODE, "shir_service_account_no_rights:shir01")
    digest = sim.digest(NODE)
    run = playbook([task("NT AUTHORITY\\SYSTEM")], NODE, "--check", "--diff")
    result = run.result(NODE)
    assert result["changed"] and result["round_trips"] == 1 and not result.get("failed"), run.output
    assert result["before"] == {"account": "CONTOSO\\svc-ir", "state": "STOPPED"}
    assert result["shared_folder"] == "C:\\Program Files\\Microsoft Integration Runtime\\5.0\\Shared"
    assert sim.digest(NODE) == digest and dmgcmd_calls(sim) == []
    run = playbook([task("NT AUTHORITY\\SYSTEM"), task("localsystem", name="Again")], NODE)
    first, second = run.result(NODE, 0), run.result(NODE, 1)
    assert first["changed"] and first["after"] == {"account": "LocalSystem", "state": "RUNNING"}, run.output
    assert not second["changed"] or second.get("failed")
    assert 'Do not use this format: dmgcmd.exe -SwitchServiceAccount "LocalSystem" ""' in second["msg"]
    assert dmgcmd_calls(sim) == [["dmgcmd", "-SwitchServiceAccount", "NT Authority\\System", ""]]
    again = playbook([task("nt authority\\system")], NODE).result(NODE)
    assert not again["changed"] and again["round_trips"] == 1 and len(dmgcmd_calls(sim)) == 1


@pytest.mark.parametrize("label", ["127-characters", "empty", "quote-then-space", "powershell-injection",
                                   "space-then-trailing-backslash", "chinese"])
def test_a_hostile_password_reaches_dmgcmd_intact_and_is_never_shown(sim, playbook, label):
    password = DELIVERED[label]
    sim.load_scenario(NODE, "shir_service_account_no_rights:shir01")  # the node knows CONTOSO\svc-ir
    run = playbook([task("NT Authority\\System", name="First"), task("CONTOSO\\svc-ir", password)], NODE, "-vvvv")
    result = run.result(NODE, 1)
    assert result["changed"] and not result.get("failed"), run.output
    assert service(sim)["account"] == "CONTOSO\\svc-ir"
    assert service(sim)["password_sha256"] == services.password_digest(password)
    if len(password) >= 3:
        assert password not in run.output and password not in json.dumps(result, ensure_ascii=False)
        assert password not in json.dumps(sim.log(NODE), ensure_ascii=False)
    assert LONG_127 not in run.output


def test_a_failed_switch_goes_back_to_the_virtual_account_in_the_same_script(sim, playbook):
    sim.load_scenario(NODE, "shir_healthy:shir01")
    before = service(sim)
    sim.fault(NODE, {"match": ["dmgcmd", "-SwitchServiceAccount"], "action": "fail", "exit_code": 1,
                     "stdout": "The account name 'CONTOSO\\svc-ir' is invalid."})
    run = playbook([task("CONTOSO\\svc-ir", "S3cret!")], NODE)
    result = run.result(NODE)
    assert result.get("failed") and "switched back in the same script" in result["msg"], run.output
    assert dmgcmd_calls(sim)[-1] == ["dmgcmd", "-SwitchServiceAccount", "NT SERVICE\\DIAHostService", ""]
    assert service(sim)["account"] == before["account"]


def test_a_failed_switch_from_a_password_account_says_it_cannot_be_restored(sim, playbook):
    sim.load_scenario(NODE, "shir_service_account_no_rights:shir01")
    sim.fault(NODE, {"match": ["dmgcmd", "-SwitchServiceAccount"], "action": "fail", "exit_code": 1})
    result = playbook([task("NT SERVICE\\DIAHostService")], NODE).result(NODE)
    assert result.get("failed") and "could not be restored without its password" in result["msg"]
    assert len(dmgcmd_calls(sim)) == 1


def test_an_account_with_a_password_needs_it_and_nothing_runs_without(sim, playbook):
    sim.load_scenario(NODE, "shir_healthy:shir01")
    digest = sim.digest(NODE)
    result = playbook([task("CONTOSO\\svc-ir")], NODE).result(NODE)
    assert result.get("failed") and "needs its password" in result["msg"] and result["round_trips"] == 0
    assert sim.digest(NODE) == digest
