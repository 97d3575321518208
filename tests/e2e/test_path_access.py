"""path_access end to end: ansible-playbook over WinRM against the simulated node's ACLs (icacls).

The documented fix of the SHIR article's "Integration runtime registration error" on the
shir_data_folder_acl_missing scenario (diagnose's shir_service_account passes after it), the triad, removal,
the ACL saved and restored in the same script when the grant fails, a deny entry and bad input refused before
any change.
"""

from __future__ import annotations

import pytest
from node_aliases import writes

pytestmark = pytest.mark.e2e

NODE = "missing"
DATA = "C:\\ProgramData\\Microsoft\\DataTransfer\\DataManagementGateway"
ACCOUNT = "NT SERVICE\\DIAHostService"
SID = "S-1-5-80-2309424314-4000424941-3690464367-1726909705-3288450713"
GRANT = {"name": "Grant", "irops.remediation.path_access": {
    "path": "%ProgramData%\\Microsoft\\DataTransfer\\DataManagementGateway", "account": ACCOUNT, "rights": "M",
    "documented_entry": ["shir-registration-error-service-account"]}}
DIAGNOSE = [{"name": "Facts", "irops.remediation.node_facts": {"node_roles": ["shir_node"]}},
            {"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": ["shir_node"]}}]
FOLDER = "C:\\Data"


def finding(run, host, entry):
    return next(f for f in run.result(host, 1)["findings"] if f["id"] == entry)


def acl(sim, path):
    return next(d for d in sim.state(NODE)["directories"] if isinstance(d, dict) and d["path"].lower() == path.lower())


def test_the_documented_fix_of_the_registration_error_then_diagnose_passes(sim, playbook):
    sim.load_scenario(NODE, "shir_data_folder_acl_missing:shir01")
    before = playbook(DIAGNOSE, NODE)
    entry = finding(before, NODE, "shir-registration-error-service-account")
    assert entry["status"] == "fail" and "read/write" in entry["evidence"], before.output
    digest = sim.digest(NODE)

    check = playbook([GRANT], NODE, "--check", "--diff").result(NODE)
    assert check["changed"] is True and not check.get("failed"), check
    assert check["path"] == DATA and check["round_trips"] == 2  # the variable, then the ACL
    inherited = [t for t in check["acl_before"] if ":(I)" in t]
    assert check["acl_before"] == [f"{ACCOUNT}:(OI)(CI)(RX)"] + inherited and inherited
    assert check["acl_after"] == [f"{ACCOUNT}:(OI)(CI)(M)"] + inherited
    assert [s["id"] for s in check["documented_symptoms"]] == ["shir-registration-error-service-account"]
    assert "(OI)(CI)(RX)" in check["diff"]["before"] and "(OI)(CI)(M)" in check["diff"]["after"]
    assert sim.digest(NODE) == digest

    first = playbook([GRANT], NODE).result(NODE)
    assert first["changed"] is True and not first.get("failed"), first
    assert first["round_trips"] == 3 and first["acl_after"] == [f"{ACCOUNT}:(OI)(CI)(M)"] + inherited
    assert acl(sim, DATA)["acl"] == [f"*{SID}:(OI)(CI)(M)"]
    assert not [f for f in sim.state(NODE)["files"] if "irops-acl-" in f]  # the saved ACL was removed
    commands = [" ".join(c) for c in sim.commands(NODE)]
    assert any(f"/grant *{SID}:(OI)(CI)(M)" in c for c in commands), commands
    digest = sim.digest(NODE)

    second = playbook([GRANT], NODE).result(NODE)
    assert second["changed"] is False and second["round_trips"] == 2, second
    assert sim.digest(NODE) == digest
    after = playbook(DIAGNOSE, NODE)
    entry = finding(after, NODE, "shir-registration-error-service-account")
    assert entry["status"] == "pass", (entry, after.output)


def test_full_control_already_satisfies_modify_and_absent_removes(sim, playbook):
    sim.put_files(NODE, {FOLDER + "\\a.txt": b"x"})
    state = sim.state(NODE)
    state["directories"] = [d for d in state["directories"] if (d if isinstance(d, str) else d["path"]) != FOLDER] + [
        {"path": FOLDER, "acl": ["*S-1-5-20:(OI)(CI)(F)"]}]
    sim.load_state(NODE, state)
    grant = {"name": "Grant", "irops.remediation.path_access": {"path": FOLDER, "account": "NT AUTHORITY\\NetworkService",
                                                                "rights": "M"}}
    assert playbook([grant], NODE).result(NODE)["changed"] is False
    remove = {"name": "Remove", "irops.remediation.path_access": {"path": FOLDER, "account": "S-1-5-20", "state": "absent"}}
    result = playbook([remove], NODE).result(NODE)
    assert result["changed"] is True and all(":(I)" in t for t in result["acl_after"]), result
    assert playbook([remove], NODE).result(NODE)["changed"] is False
    on_file = {"name": "File", "irops.remediation.path_access": {"path": FOLDER + "\\a.txt", "account": "S-1-5-20",
                                                                 "rights": "R"}}
    result = playbook([on_file], NODE).result(NODE)
    assert result["changed"] is True and result["inheritance"] == [], result
    assert any(t.endswith(":(R)") and "NETWORK SERVICE" in t.upper() for t in result["acl_after"]), result


def test_a_failed_grant_restores_the_saved_acl_in_the_same_script(sim, playbook):
    sim.load_scenario(NODE, "shir_data_folder_acl_missing:shir01")
    sim.fault(NODE, {"match": ["icacls", DATA, "/grant"], "exit_code": 5, "stderr": "Access is denied."})
    result = playbook([GRANT], NODE).result(NODE)
    assert result.get("failed") is True and "restored" in result["msg"] and result["changed"] is False, result
    assert acl(sim, DATA)["acl"] == [f"*{SID}:(OI)(CI)(RX)"]
    assert not [f for f in sim.state(NODE)["files"] if "irops-acl-" in f]
    assert any("/restore" in " ".join(c) for c in sim.commands(NODE))


def test_a_deny_entry_fails_before_any_change(sim, playbook):
    state = sim.state(NODE)
    state["directories"] = [d for d in state["directories"] if (d if isinstance(d, str) else d["path"]) != FOLDER] + [
        {"path": FOLDER, "acl": ["*S-1-5-20:(DENY)(W)"]}]
    sim.load_state(NODE, state)
    digest = sim.digest(NODE)
    grant = {"name": "Grant", "irops.remediation.path_access": {"path": FOLDER, "account": "S-1-5-20", "rights": "M"}}
    result = playbook([grant], NODE).result(NODE)
    assert result.get("failed") is True and "deny" in result["msg"] and "(DENY)(W)" in result["msg"], result
    assert sim.digest(NODE) == digest and writes(sim, NODE) == []


BAD_INPUT = [
    ({"path": "%TEMP%\\x"}, "per-user variables"),
    ({"path": "%ProgramData%\\a%PATH%"}, "hold no other %"),
    ({"path": "Data"}, "absolute path"),
    ({"path": "C:\\Data'; Remove-Item C:\\ -Recurse; '"}, "cannot hold"),
    ({"account": "CONTOSO\\svc\"; whoami"}, "account"),
    ({"account": "a:(F)"}, "account"),
    ({"rights": "FULL"}, "rights"),
    ({"inheritance": ["OI", "XX"]}, "inheritance"),
]
MISSING = {"name": "Missing", "irops.remediation.path_access": {"path": "C:\\NoSuch", "account": "S-1-5-20", "rights": "M"}}


def bad_task(args) -> dict:
    return {"name": "Bad", "irops.remediation.path_access": dict({"path": FOLDER, "account": "S-1-5-20", "rights": "M"}, **args)}


@pytest.fixture(scope="module")
def bad_input(bad_input_play):
    """Every bad value of this module as its own task of one ansible-playbook run (tests/e2e/conftest.py)."""
    return bad_input_play("path_access", NODE, [bad_task(case[0]) for case in BAD_INPUT] + [MISSING])


@pytest.mark.xdist_group("bad_input_path_access")
@pytest.mark.parametrize("args, fragment", BAD_INPUT)
def test_bad_input_fails_before_any_command(bad_input, args, fragment):
    bad_input.case(bad_task(args)).assert_refused_before_any_command(fragment)


@pytest.mark.xdist_group("bad_input_path_access")
def test_a_missing_path_fails_before_any_change(bad_input):
    case = bad_input.case(MISSING)
    result = case.result
    assert result.get("failed") is True and "does not exist" in result["msg"], result
    assert case.digest_after == case.digest_before and writes(case, NODE) == []
