"""secedit /export of the node's user rights: a UTF-16 LE security template ([MS-GPSB] 2.2.6) written to the /cfg
file, every holder as *SID; a read-only form (the policy is never changed); /configure of USER_RIGHTS replaces the
listed rights' holders only; every other form refused."""

from __future__ import annotations

import codecs

import pytest
from winsim_helpers import make_node, run_one

from winsim import security
from winsim.readonly import is_read_only

SHIR = "shir_healthy:shir01"
CFG = "C:\\Windows\\Temp\\rights.inf"
DIAHOST = security.service_sid("DIAHostService")


def export(node, *extra):
    return run_one(node, " ".join(["secedit /export /areas USER_RIGHTS /cfg", CFG, *extra]))


def template(node) -> str:
    data = node.state.fs.read(CFG)
    assert data.startswith(codecs.BOM_UTF16_LE)
    return data[2:].decode("utf-16-le")


def test_the_template_lists_who_holds_each_right():
    node = make_node(SHIR)
    result = export(node, "/quiet")
    assert (result["rc"], result["out"], result["err"]) == (0, [], [])
    lines = template(node).split("\r\n")
    assert lines[:3] == ["[Unicode]", "Unicode=yes", "[Privilege Rights]"]
    assert f"SeServiceLogonRight = *{DIAHOST}" in lines
    assert lines[-4:] == ["[Version]", 'signature="$CHICAGO$"', "Revision=1", ""]


def test_the_no_rights_scenario_leaves_the_switched_account_out():
    node = make_node("shir_service_account_no_rights:shir01")
    export(node)
    assert "SeServiceLogonRight = *" + DIAHOST + "\r\n" in template(node)
    assert "S-1-5-21-3623811015-3361044348-30300820-1105" not in template(node)


def test_without_quiet_it_says_where_its_log_is_and_the_state_changes_only_by_the_file():
    node = make_node(SHIR)
    before = node.state.to_json()
    result = export(node)
    assert result["out"][1] == "The task has completed successfully." and result["rc"] == 0
    after = node.state.to_json()
    assert set(after["files"]) - set(before["files"]) == {CFG}
    assert {k: v for k, v in after.items() if k not in ("files", "clock")} == \
        {k: v for k, v in before.items() if k not in ("files", "clock")}


def test_a_missing_folder_fails():
    node = make_node(SHIR)
    result = run_one(node, "secedit /export /areas USER_RIGHTS /cfg C:\\nowhere\\rights.inf")
    assert result["rc"] == 3 and "C:\\nowhere\\rights.inf" in " ".join(result["err"])


@pytest.mark.parametrize("command", [
    "secedit /export /areas SECURITYPOLICY /cfg C:\\Windows\\Temp\\x.inf",
    "secedit /export /areas BOGUS /cfg C:\\Windows\\Temp\\x.inf",
    "secedit /export /areas USER_RIGHTS",
])
def test_other_forms_are_refused(allow_refusals, command):
    assert run_one(make_node(SHIR), command)["rc"] == -1


def test_only_the_export_is_read_only():
    assert is_read_only(["secedit", "/export", "/areas", "USER_RIGHTS", "/cfg", CFG])
    assert not is_read_only(["secedit", "/configure", "/db", "x.sdb", "/cfg", CFG])


# ---------------------------------------------------------------------------------------------- /configure
SVC_SID = "S-1-5-21-3623811015-3361044348-30300820-1105"
INF = "C:\\Windows\\Temp\\grant.inf"
SDB = "C:\\Windows\\Temp\\grant.sdb"


def put_template(node, line: str, encoding: str = "utf-16") -> None:
    text = "\r\n".join(["[Unicode]", "Unicode=yes", "[Version]", 'signature="$CHICAGO$"', "Revision=1",
                        "[Privilege Rights]", line, ""])
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le") if encoding == "utf-16" else text.encode("utf-8")
    node.state.fs.write(INF, data)


def configure(node, *extra):
    return run_one(node, " ".join(["secedit /configure /db", SDB, "/cfg", INF, "/areas USER_RIGHTS", *extra]))


def rights(node) -> dict:
    return {name: sorted(spec["rights"]) for name, spec in node.state.accounts.items()}


@pytest.mark.parametrize("holder", ["CONTOSO\\svc-ir", "*" + SVC_SID, "svc-ir"])
def test_configure_replaces_only_the_listed_rights_holders(holder):
    node = make_node("shir_service_account_no_rights:shir01")
    node.state.accounts["CONTOSO\\svc-ir"]["rights"] = ["SeBatchLogonRight"]
    before = rights(node)
    put_template(node, f"SeServiceLogonRight = *{DIAHOST},{holder}")
    result = configure(node, "/quiet")
    assert (result["rc"], result["out"], result["err"]) == (0, [], [])
    after = rights(node)
    assert after["CONTOSO\\svc-ir"] == ["SeBatchLogonRight", "SeServiceLogonRight"]
    assert {k: v for k, v in after.items() if k != "CONTOSO\\svc-ir"} == \
        {k: v for k, v in before.items() if k != "CONTOSO\\svc-ir"}
    assert node.state.fs.is_file(SDB)
    export(node)
    assert f"SeServiceLogonRight = *{SVC_SID},*{DIAHOST}\r\n" in template(node)


def test_configure_of_a_line_without_a_holder_leaves_no_holder_and_a_utf8_template_reads_too():
    node = make_node(SHIR)
    put_template(node, "SeServiceLogonRight = ", encoding="utf-8")
    assert configure(node)["out"][1] == "The task has completed successfully."
    assert all("SeServiceLogonRight" not in spec["rights"] for spec in node.state.accounts.values())


def test_configure_of_a_well_known_sid_adds_it():
    node = make_node(SHIR)
    put_template(node, f"SeServiceLogonRight = *{DIAHOST},*S-1-5-20")
    assert configure(node, "/quiet")["rc"] == 0
    export(node)
    assert f"SeServiceLogonRight = *{DIAHOST},*S-1-5-20\r\n" in template(node) or \
        f"SeServiceLogonRight = *S-1-5-20,*{DIAHOST}\r\n" in template(node)


def test_a_name_without_a_sid_fails_the_whole_configure_and_changes_nothing():
    node = make_node(SHIR)
    before = node.state.to_json()
    put_template(node, f"SeServiceLogonRight = *{DIAHOST},CONTOSO\\nobody")
    result = configure(node, "/quiet")
    assert result["rc"] == 1 and "No mapping between account names" in " ".join(result["err"])
    after = node.state.to_json()
    assert {k: v for k, v in after.items() if k not in ("files", "clock")} == \
        {k: v for k, v in before.items() if k not in ("files", "clock")}


def test_a_template_that_does_not_exist_fails_with_an_exit_code():
    node = make_node(SHIR)
    result = configure(node, "/quiet")
    assert result["rc"] == 1 and INF in " ".join(result["err"]) and not node.state.fs.is_file(SDB)


@pytest.mark.parametrize("command", [
    "secedit /configure /db C:\\Windows\\Temp\\x.sdb /cfg C:\\Windows\\Temp\\x.inf",
    "secedit /configure /db C:\\Windows\\Temp\\x.sdb /areas USER_RIGHTS",
    "secedit /configure /db C:\\Windows\\Temp\\x.sdb /cfg C:\\Windows\\Temp\\x.inf /areas SECURITYPOLICY",
    "secedit /import /db C:\\Windows\\Temp\\x.sdb /cfg C:\\Windows\\Temp\\x.inf",
])
def test_other_configure_forms_are_refused(allow_refusals, command):
    assert run_one(make_node(SHIR), command)["rc"] == -1
