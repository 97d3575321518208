"""The SHIR service account slice of issue 13: DIAHostService, "Log on as a service" read with secedit /export, the
DataManagementGateway folder ACL. Parsers over the secedit template (UTF-16 LE as secedit writes it, hostile
account names), the checks over facts shaped as node_facts returns them (pass, fail, unknown), and the gather
against the simulated node (one round trip, the temporary export removed, the digest unchanged)."""

from __future__ import annotations

import codecs
import copy

import pytest
from noderunner import node_runner

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks, _facts, _icacls, _secedit
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult

DIAHOST_SID = _icacls.service_sid("DIAHostService")
SVC_IR_SID = "S-1-5-21-3623811015-3361044348-30300820-1105"
FOLDER = "C:\\ProgramData\\Microsoft\\DataTransfer\\DataManagementGateway"

TEMPLATE = (
    "[Unicode]\r\nUnicode=yes\r\n[System Access]\r\nSeServiceLogonRight = *S-1-1-0\r\n"
    "[Privilege Rights]\r\n"
    "SeNetworkLogonRight = *S-1-1-0,*S-1-5-32-544,*S-1-5-32-545,*S-1-5-32-551\r\n"
    f"SeServiceLogonRight = *S-1-5-80-0,*{DIAHOST_SID},CONTOSO\\svc-sql\r\n"
    "SeDenyNetworkLogonRight = Guest\r\n"
    "SeBatchLogonRight = \r\n"
    "[Version]\r\nsignature=\"$CHICAGO$\"\r\nRevision=1\r\n")


def export_results(text: str, encoding: str = "utf-16-le", rc: int = 0) -> list[CommandResult]:
    """The four results of _secedit.export_commands for a template written in ``encoding`` (with its BOM)."""
    import base64
    bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else b""
    data = base64.b64encode(bom + text.encode(encoding)).decode("ascii")
    return [CommandResult("secedit /export ...", rc, "", ""), CommandResult("Test-Path", 0, "True", ""),
            CommandResult("ReadAllBytes", 0, data, ""), CommandResult("Remove-Item", 0, "", "")]


# ------------------------------------------------------------------ secedit parser

def test_the_template_gives_each_right_its_holders_as_written():
    rights = _secedit.parse_export(export_results(TEMPLATE))
    assert _secedit.holders(rights, "SeServiceLogonRight") == ["*S-1-5-80-0", "*" + DIAHOST_SID, "CONTOSO\\svc-sql"]
    assert _secedit.holders(rights, "seservicelogonright") == _secedit.holders(rights, "SeServiceLogonRight")
    assert _secedit.holders(rights, "SeDenyNetworkLogonRight") == ["Guest"]
    assert _secedit.holders(rights, "SeBatchLogonRight") == [] and _secedit.holders(rights, "SeDebugPrivilege") == []
    # a right of another section is not a user right
    assert len(_secedit.holders(rights, "SeServiceLogonRight")) == 3


def test_utf8_and_ansi_templates_read_too():
    assert _secedit.parse_export(export_results(TEMPLATE, "utf-8")) == _secedit.parse_export(export_results(TEMPLATE))


@pytest.mark.parametrize("name", [
    "CONTOSO\\svc ir", "CONTOSO\\svc'ir", "CONTOSO\\Ünïcødé", "CONTOSO\\$(Remove-Item C:\\)", "CONTOSO\\svc;ir",
    "CONTOSO\\a`b", "  CONTOSO\\padded  "])
def test_hostile_account_names_are_data(name):
    text = TEMPLATE.replace("CONTOSO\\svc-sql", name)
    holders = _secedit.holders(_secedit.parse_export(export_results(text)), "SeServiceLogonRight")
    assert holders[-1] == name.strip() and len(holders) == 3


def test_quoted_names_and_spaces_around_commas():
    text = "[Privilege Rights]\nSeServiceLogonRight = \"CONTOSO\\svc ir\" , *S-1-5-19 ,\n"
    assert _secedit.parse_template(text) == {"SeServiceLogonRight": ["CONTOSO\\svc ir", "*S-1-5-19"]}


def test_sid_entries_and_names():
    assert _secedit.sid_of("*s-1-5-80-0") == "S-1-5-80-0"
    assert _secedit.sid_of("Guest") is None and _secedit.sid_of("*Guest") is None


def test_a_failed_export_or_no_file_or_no_template_is_an_error():
    with pytest.raises(ValueError, match="exited 5"):
        _secedit.parse_export(export_results(TEMPLATE, rc=5))
    missing = export_results(TEMPLATE)
    missing[1] = CommandResult("Test-Path", 0, "False", "")
    with pytest.raises(ValueError, match="wrote no file"):
        _secedit.parse_export(missing)
    with pytest.raises(ValueError, match="no security template"):
        _secedit.parse_export(export_results("garbage", "utf-8"))


def test_the_export_is_one_batch_that_removes_its_file():
    commands = _secedit.export_commands("C:\\Windows\\Temp\\irops-secedit-x.inf")
    lines = [command.line for command in commands]
    assert lines[0] == "secedit /export /areas USER_RIGHTS /cfg C:\\Windows\\Temp\\irops-secedit-x.inf /quiet"
    assert lines[-1] == "[IO.File]::Delete('C:\\Windows\\Temp\\irops-secedit-x.inf')"
    assert all(command.read_only for command in commands)
    first, second = _secedit.export_commands(), _secedit.export_commands()
    assert first[0].line != second[0].line  # a fresh name each gather: no run reads another's file


# ------------------------------------------------------------------ checks

def healthy() -> dict:
    return {
        "gather_errors": {},
        "shir_service": {"name": "DIAHostService", "state": "running", "start_type": "auto",
                         "account": "NT SERVICE\\DIAHostService"},
        "user_rights": {"rights": {"SeServiceLogonRight": ["*" + DIAHOST_SID]}},
        "shir_data_folder_acl": {"path": FOLDER, "acl": [
            "NT SERVICE\\DIAHostService:(OI)(CI)(M)", "NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)",
            "BUILTIN\\Administrators:(I)(OI)(CI)(F)", "BUILTIN\\Users:(I)(OI)(CI)(RX)"]},
    }


def run(name, facts):
    return _checks.CHECKS[name].func(facts, {}, {"host": "shir01", "roles": ["shir_node"], "peers": []})


def test_healthy_passes_and_says_what_it_saw():
    status, evidence = run("shir_service_running", healthy())
    assert status == "pass" and "DIAHostService is running" in evidence and "NT SERVICE\\DIAHostService" in evidence
    status, evidence = run("shir_service_account", healthy())
    assert status == "pass", evidence
    assert "holds Log on as a service" in evidence and "has read/write on" in evidence


def test_stopped_or_absent_service_fails_with_the_fix():
    facts = healthy()
    facts["shir_service"]["state"] = "stopped"
    status, evidence = run("shir_service_running", facts)
    assert status == "fail" and "DIAHostService is stopped" in evidence and "state=started" in evidence
    assert run("shir_service_account", facts)[0] == "pass"  # its own entry's drift only
    facts["shir_service"] = None
    status, evidence = run("shir_service_running", facts)
    assert status == "fail" and "not installed" in evidence
    assert run("shir_service_account", facts)[0] == "unknown"


def test_missing_right_fails_naming_account_holders_and_fix():
    facts = healthy()
    facts["shir_service"]["account"] = "CONTOSO\\svc-ir"
    facts["shir_data_folder_acl"]["acl"][0] = "CONTOSO\\svc-ir:(OI)(CI)(M)"
    status, evidence = run("shir_service_account", facts)
    assert status == "fail", evidence
    assert "CONTOSO\\svc-ir does not hold Log on as a service" in evidence and DIAHOST_SID in evidence
    assert "dmgcmd.exe -SwitchServiceAccount" in evidence and '"NT Authority\\System" ""' in evidence
    assert "has read/write" in evidence  # what is fine is said too


def test_a_domain_account_held_by_name_passes_and_an_unmapped_domain_sid_is_unknown():
    facts = healthy()
    facts["shir_service"]["account"] = "CONTOSO\\svc-ir"
    facts["shir_data_folder_acl"]["acl"][0] = "CONTOSO\\svc-ir:(OI)(CI)(F)"
    facts["user_rights"]["rights"]["SeServiceLogonRight"] = ["contoso\\SVC-IR"]
    assert run("shir_service_account", facts)[0] == "pass"
    facts["user_rights"]["rights"]["SeServiceLogonRight"] = ["*" + SVC_IR_SID]
    status, evidence = run("shir_service_account", facts)
    assert status == "unknown" and SVC_IR_SID in evidence and "CONTOSO\\svc-ir" in evidence


def test_all_services_covers_a_virtual_account_only():
    facts = healthy()
    facts["user_rights"]["rights"]["SeServiceLogonRight"] = ["*S-1-5-80-0"]
    assert run("shir_service_account", facts)[0] == "pass"
    facts["shir_service"]["account"] = "CONTOSO\\svc-ir"
    facts["shir_data_folder_acl"]["acl"][0] = "CONTOSO\\svc-ir:(OI)(CI)(M)"
    assert run("shir_service_account", facts)[0] == "fail"


def test_localsystem_is_compared_by_sid():
    facts = healthy()
    facts["shir_service"]["account"] = "LocalSystem"
    facts["user_rights"]["rights"]["SeServiceLogonRight"] = ["*S-1-5-18"]
    status, evidence = run("shir_service_account", facts)
    assert status == "pass", evidence  # SYSTEM's inherited Full control is read/write


@pytest.mark.parametrize("acl, status", [
    (["NT SERVICE\\DIAHostService:(OI)(CI)(RX)"], "fail"),
    (["NT SERVICE\\DIAHostService:(OI)(CI)(R,W)"], "pass"),
    (["NT SERVICE\\DIAHostService:(OI)(CI)(F)"], "pass"),
    (["*" + DIAHOST_SID + ":(OI)(CI)(M)"], "pass"),
    (["NT SERVICE\\DIAHostService:(OI)(CI)(M)", "NT SERVICE\\DIAHostService:(DENY)(W)"], "fail"),
    (["NT SERVICE\\DIAHostService:(OI)(CI)(IO)(M)"], "fail"),
    (["BUILTIN\\Users:(OI)(CI)(M)"], "fail"),
    (["NT SERVICE\\DIAHostService:(OI)(CI)(ZZ)"], "unknown"),
])
def test_the_folder_needs_read_and_write(acl, status):
    facts = healthy()
    facts["shir_data_folder_acl"]["acl"] = acl
    found, evidence = run("shir_service_account", facts)
    assert found == status, evidence
    if status == "fail":
        assert "lacks read/write on " + FOLDER in evidence and "/grant" in evidence


def test_no_folder_or_facts_not_read_are_unknown():
    facts = healthy()
    facts["shir_data_folder_acl"] = None
    status, evidence = run("shir_service_account", facts)
    assert status == "unknown" and "does not exist" in evidence
    facts = healthy()
    del facts["user_rights"]
    facts["gather_errors"] = {"user_rights": "'secedit /export ...' exited 5: Access is denied."}
    status, evidence = run("shir_service_account", facts)
    assert status == "unknown" and "Access is denied" in evidence
    facts = healthy()
    del facts["shir_service"]
    assert run("shir_service_running", facts)[0] == "unknown"


def test_catalog_wiring():
    assert _catalog.by_id("shir-registration-error-service-account").check == "shir_service_account"
    assert _catalog.by_id("azuressis-shir-offline-2010").check == "shir_service_running"
    assert {"shir_service", "user_rights", "shir_data_folder_acl"} <= set(_checks.subsets_for(["shir_node"]))


# ------------------------------------------------------------------ gather against the simulated node

SUBSETS = ["shir_service", "user_rights", "shir_data_folder_acl"]


def gather(scenario):
    runner, node = node_runner(scenario)
    before = node.state.digest()
    facts, errors = _facts.gather(runner, SUBSETS)
    assert errors == {} and runner.round_trips == 1
    assert node.state.digest() == before  # the temporary export is gone
    assert not [path for path in node.state.fs.to_json()[1] if "irops-secedit" in path]
    return dict(facts, gather_errors=errors)


def test_gathered_on_the_healthy_node_every_entry_passes():
    facts = gather("shir_healthy:shir01")
    assert facts["shir_service"]["account"] == "NT SERVICE\\DIAHostService"
    assert facts["user_rights"]["leftover"] is None
    assert "*" + DIAHOST_SID in facts["user_rights"]["rights"]["SeServiceLogonRight"]
    assert run("shir_service_running", facts)[0] == "pass"
    assert run("shir_service_account", facts)[0] == "pass"


@pytest.mark.parametrize("scenario, running, account", [
    ("shir_service_stopped", "fail", "pass"),
    ("shir_data_folder_acl_missing", "pass", "fail"),
    ("shir_service_account_no_rights", "fail", "fail"),
])
def test_gathered_on_each_failure_the_entry_fails(scenario, running, account):
    facts = gather(f"{scenario}:shir01")
    assert (run("shir_service_running", facts)[0], run("shir_service_account", facts)[0]) == (running, account)


def test_facts_are_not_shared_between_copies():
    facts = healthy()
    copy.deepcopy(facts)["user_rights"]["rights"].clear()
    assert facts["user_rights"]["rights"]


def test_an_export_that_could_not_be_removed_is_reported_with_the_rights():
    results = export_results(TEMPLATE)
    results[3] = CommandResult("[IO.File]::Delete(...)", 1, "", "Access to the path is denied.")
    facts = _facts.PROBES["user_rights"].parse(results)
    assert facts["rights"]["SeServiceLogonRight"] and "Access to the path is denied." in facts["leftover"]


# ------------------------------------------------------------------ localhost (shir-register-localhost-dns)

def test_localhost_resolution_passes_on_loopback_and_fails_with_the_resolver_error():
    ok = {"localhost_resolution": {"addresses": ["::1", "127.0.0.1"], "error": None}}
    assert _checks.shir_localhost_resolves(ok, {}, None) == (_checks.PASS, "localhost resolves to ::1, 127.0.0.1")
    error = "A non-recoverable error occurred during a database lookup"
    verdict, evidence = _checks.shir_localhost_resolves(
        {"localhost_resolution": {"addresses": [], "error": error}}, {}, None)
    assert verdict == _checks.FAIL and error in evidence and "127.0.0.1 in the hosts file" in evidence


def test_localhost_to_another_address_fails_and_missing_facts_are_unknown():
    facts = {"localhost_resolution": {"addresses": ["10.0.0.5"], "error": None}}
    assert _checks.shir_localhost_resolves(facts, {}, None)[0] == _checks.FAIL
    assert _checks.shir_localhost_resolves({}, {}, None)[0] == _checks.UNKNOWN


# ------------------------------------------------------------------ "Failed to start Named pipe proxy"

PROXY_RIGHTS = ["SeIncreaseQuotaPrivilege", "SeAssignPrimaryTokenPrivilege"]


def proxy_healthy() -> dict:
    facts = healthy()
    facts["user_rights"]["rights"].update({right: ["*" + DIAHOST_SID, "*S-1-5-19", "*S-1-5-20"] for right in PROXY_RIGHTS})
    return facts


def test_the_proxy_policies_of_the_service_account_pass_and_say_which():
    status, evidence = run("azuressis_proxy_security_policies", proxy_healthy())
    assert status == "pass", evidence
    assert "holds Adjust memory quotas for a process" in evidence and "holds Replace a process level token" in evidence
    assert "settings.azuressis_windows_auth_account" in evidence  # what was not checked is said


@pytest.mark.parametrize("missing", PROXY_RIGHTS)
def test_a_missing_proxy_policy_fails_naming_it_and_the_fix(missing):
    facts = proxy_healthy()
    facts["user_rights"]["rights"][missing] = ["*S-1-5-19"]
    status, evidence = run("azuressis_proxy_security_policies", facts)
    assert status == "fail" and "does not hold" in evidence and missing in evidence
    assert f"irops.remediation.user_right name={missing}" in evidence
    assert run("shir_service_account", facts)[0] == "pass"  # the other entry's drift is not this one's


def test_the_windows_authentication_account_needs_log_on_as_a_service():
    settings = _checks.validate_settings({"azuressis_windows_auth_account": "CONTOSO\\ssis-runner"})
    context = {"host": "shir01", "roles": ["shir_node"], "peers": []}
    check = _checks.CHECKS["azuressis_proxy_security_policies"].func
    status, evidence = check(proxy_healthy(), settings, context)
    assert status == "fail" and "CONTOSO\\ssis-runner does not hold Log on as a service" in evidence
    facts = proxy_healthy()
    facts["user_rights"]["rights"]["SeServiceLogonRight"].append("CONTOSO\\ssis-runner")
    assert check(facts, settings, context)[0] == "pass"


def test_a_hostile_windows_authentication_account_is_refused_up_front():
    with pytest.raises(Exception, match="settings.azuressis_windows_auth_account"):
        _checks.validate_settings({"azuressis_windows_auth_account": "CONTOSO\\a\nb"})


@pytest.mark.parametrize("scenario, status", [("shir_healthy", "pass"), ("shir_proxy_policies_missing", "fail")])
def test_gathered_proxy_policies(scenario, status):
    facts = gather(f"{scenario}:shir01")
    assert run("azuressis_proxy_security_policies", facts)[0] == status
    assert run("shir_service_account", facts)[0] == "pass"
