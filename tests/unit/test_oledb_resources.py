"""Issue 13, "Files and runtimes": the OLE DB providers the operator names (both registry views) and the node's
memory, processors and fixed drives, reported on the manual SHIR entries. Outputs are the samples in
test_data/reg and test_data/sysres (all *_assumed: no published transcript of these keys or commands was found)."""

from __future__ import annotations

import pytest
from fixtures import load
from test_facts_stages import FakeRunner

from ansible_collections.irops.remediation.plugins.plugin_utils import _checks, _facts, _gathering, _oledb, _sysres
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

MSOLEDBSQL = "{5A23DE84-1D7B-4A16-8DED-B29C09CB648D}"
NOT_FOUND = (1, "", load("reg", "query_not_found_en-US_assumed.txt"))
PROGID = (0, load("reg", "query_progid_clsid_en-US_assumed.txt"), "")
DESCRIPTION = (0, load("reg", "query_oledb_provider_de-DE_assumed.txt"), "")
DLL = (0, load("reg", "query_inprocserver32_en-US_assumed.txt"), "")


def _class_answers(views=("/reg:64", "/reg:32")) -> dict:
    answers = {}
    for switch in ("/reg:64", "/reg:32"):
        present = switch in views
        answers[f"OLE DB Provider' /ve {switch}"] = DESCRIPTION if present else NOT_FOUND
        answers[f"InprocServer32' /ve {switch}"] = DLL if present else NOT_FOUND
    return answers


def _gather(names, answers):
    runner = FakeRunner(answers)
    facts, errors = _facts.gather(runner, ["oledb_providers"], {"oledb_providers": names})
    return runner, facts, errors


# ---------------------------------------------------------------- settings: the ProgID grammar

@pytest.mark.parametrize("value, expected", [
    (["MSOLEDBSQL", "Microsoft.ACE.OLEDB.16.0"], ["MSOLEDBSQL", "Microsoft.ACE.OLEDB.16.0"]),
    ("MSOLEDBSQL, msoledbsql ,SQLNCLI11", ["MSOLEDBSQL", "SQLNCLI11"]),   # a string; the same ProgID once
    (["MSOLEDBSQL19", "OraOLEDB.Oracle", "MSOLEDBSQL.1"], ["MSOLEDBSQL19", "OraOLEDB.Oracle", "MSOLEDBSQL.1"]),
])
def test_progids_are_validated_and_kept_once(value, expected):
    assert _checks.validate_settings({"azuressis_oledb_providers": value})["azuressis_oledb_providers"] == expected


@pytest.mark.parametrize("hostile", [
    "MSOLEDBSQL\\CLSID", "..\\..\\SYSTEM", "MSOLEDBSQL /f", "MSOLEDBSQL'; Remove-Item C:\\ -Recurse #",
    "MSOLEDBSQL\" /reg:32", "MSOLEDBSQL\r\nreg delete HKLM", "$env:TEMP", "1MSOLEDBSQL", "Microsoft..ACE",
    "Microsoft.ACE.", "MS_OLEDB", "MSOLEDBSQL%PATH%", "A" * 40, "", "-MSOLEDBSQL", "MSOLEDB SQL",
])
def test_hostile_progids_are_refused_naming_the_value_and_the_fix(hostile):
    with pytest.raises(InvalidValue) as raised:
        _checks.validate_settings({"azuressis_oledb_providers": ["MSOLEDBSQL", hostile]})
    message = str(raised.value)
    assert "settings.azuressis_oledb_providers" in message and "ProgID" in message
    assert repr(hostile) in message or hostile in message


@pytest.mark.parametrize("value", [[], 42, {"MSOLEDBSQL": True}, [None]])
def test_not_a_list_of_progids_is_refused(value):
    with pytest.raises(InvalidValue, match="settings.azuressis_oledb_providers"):
        _checks.validate_settings({"azuressis_oledb_providers": value})


def test_the_gather_input_comes_from_the_settings():
    settings = _checks.validate_settings({"azuressis_oledb_providers": "MSOLEDBSQL"})
    assert _gathering.inputs_for(["oledb_providers"], settings, {}, "shir01") == {"oledb_providers": ["MSOLEDBSQL"]}
    assert _gathering.inputs_for(["oledb_providers"], {}, {}, "shir01") == {"oledb_providers": []}


# ---------------------------------------------------------------- the probe

def test_a_provider_in_both_views_costs_one_read_then_four():
    runner, facts, errors = _gather(["MSOLEDBSQL"], {"MSOLEDBSQL\\CLSID /ve": PROGID, **_class_answers()})
    assert errors == {} and runner.round_trips == 2
    assert runner.batches[0] == ["reg query HKLM\\SOFTWARE\\Classes\\MSOLEDBSQL\\CLSID /ve"]
    assert runner.batches[1] == [
        f"reg query 'HKLM\\SOFTWARE\\Classes\\CLSID\\{MSOLEDBSQL}\\OLE DB Provider' /ve /reg:64",
        f"reg query 'HKLM\\SOFTWARE\\Classes\\CLSID\\{MSOLEDBSQL}\\InprocServer32' /ve /reg:64",
        f"reg query 'HKLM\\SOFTWARE\\Classes\\CLSID\\{MSOLEDBSQL}\\OLE DB Provider' /ve /reg:32",
        f"reg query 'HKLM\\SOFTWARE\\Classes\\CLSID\\{MSOLEDBSQL}\\InprocServer32' /ve /reg:32"]
    provider = facts["oledb_providers"]["providers"]["MSOLEDBSQL"]
    assert provider["clsid"] == MSOLEDBSQL
    assert provider["views"]["64-bit"] == {"registered": True, "description": "Microsoft OLE DB Driver for SQL Server",
                                           "dll": "C:\\Windows\\system32\\msoledbsql.dll"}
    assert provider["views"]["32-bit"]["registered"] is True


def test_nothing_named_nothing_read_and_no_second_round_trip():
    runner, facts, errors = _gather([], {})
    assert errors == {} and runner.round_trips == 0
    assert facts["oledb_providers"] == {"named": [], "providers": {}}


def test_a_progid_that_is_not_registered_needs_no_second_round_trip():
    runner, facts, errors = _gather(["Microsoft.ACE.OLEDB.16.0"], {"CLSID /ve": NOT_FOUND})
    assert errors == {} and runner.round_trips == 1
    provider = facts["oledb_providers"]["providers"]["Microsoft.ACE.OLEDB.16.0"]
    assert provider["clsid"] is None and not any(view["registered"] for view in provider["views"].values())


def test_a_reg_error_other_than_not_found_is_a_gather_error():
    _runner, facts, errors = _gather(["MSOLEDBSQL"], {"CLSID /ve": (1, "", "ERROR: Access is denied.")})
    assert "oledb_providers" not in facts and "Access is denied" in errors["oledb_progids"]


# ---------------------------------------------------------------- the check

def _facts_for(views_by_progid: dict) -> dict:
    providers = {}
    for progid, views in views_by_progid.items():
        providers[progid] = {"clsid": None if views is None else MSOLEDBSQL,
                             "views": {view: {"registered": bool(views) and view in views, "description": None,
                                              "dll": f"C:\\{view}.dll" if views and view in views else None}
                                       for view in ("64-bit", "32-bit")}}
    return {"oledb_providers": {"named": list(views_by_progid), "providers": providers}}


def _check(views_by_progid: dict):
    settings = {"azuressis_oledb_providers": list(views_by_progid)}
    return _checks.CHECKS["azuressis_oledb_provider_registered"].func(_facts_for(views_by_progid), settings, None)


def test_check_passes_listing_what_was_found():
    status, evidence = _check({"MSOLEDBSQL": ("64-bit", "32-bit")})
    assert status == _checks.PASS and "MSOLEDBSQL" in evidence and "64-bit (C:\\64-bit.dll)" in evidence


def test_check_fails_naming_the_missing_view_and_the_installer():
    status, evidence = _check({"MSOLEDBSQL": ("32-bit",)})
    assert status == _checks.FAIL
    assert "not registered in the 64-bit registry view (registered in the 32-bit" in evidence
    assert "msoledbsql.msi" in evidence


def test_check_fails_for_an_unregistered_provider_of_another_vendor_with_the_generic_fix():
    status, evidence = _check({"MSOLEDBSQL": ("64-bit", "32-bit"), "OraOLEDB.Oracle": None})
    assert status == _checks.FAIL and "OraOLEDB.Oracle is not registered" in evidence
    assert "64-bit redistributable" in evidence and "32-bit mode" in evidence and "vendor" in evidence
    assert "MSOLEDBSQL" in evidence  # what was found is still said


def test_check_is_unknown_without_providers_naming_the_setting():
    status, evidence = _checks.CHECKS["azuressis_oledb_provider_registered"].func({}, {}, None)
    assert status == _checks.UNKNOWN and "settings.azuressis_oledb_providers" in evidence


def test_check_is_unknown_when_the_facts_were_read_for_other_providers():
    facts = _facts_for({"MSOLEDBSQL": ("64-bit", "32-bit")})
    status, evidence = _checks.CHECKS["azuressis_oledb_provider_registered"].func(
        facts, {"azuressis_oledb_providers": ["SQLNCLI11"]}, None)
    assert status == _checks.UNKNOWN and "same settings" in evidence


def test_installers_of_the_microsoft_providers():
    assert "msoledbsql.msi" in _oledb.installer("MSOLEDBSQL.1")
    assert "accessdatabaseengine" in _oledb.installer("Microsoft.ACE.OLEDB.16.0").lower()
    assert _oledb.installer("OraOLEDB.Oracle") is None


# ---------------------------------------------------------------- system resources

def _sysres_runner(drive_ids="logical_disk_device_id_assumed.txt", program_data="C:\\ProgramData") -> FakeRunner:
    return FakeRunner({
        "TotalVisibleMemorySize": (0, load("sysres", "total_visible_memory_size_assumed.txt"), ""),
        "FreePhysicalMemory": (0, load("sysres", "free_physical_memory_assumed.txt"), ""),
        "NumberOfLogicalProcessors": (0, load("sysres", "number_of_logical_processors_assumed.txt"), ""),
        "DeviceID": (0, load("sysres", drive_ids), ""),
        "Property Size": (0, load("sysres", "logical_disk_size_assumed.txt"), ""),
        "FreeSpace": (0, load("sysres", "logical_disk_free_space_assumed.txt"), ""),
        "ExpandEnvironmentVariables": (0, program_data + "\r\n", "")})


def test_system_resources_in_one_round_trip():
    runner = _sysres_runner()
    facts, errors = _facts.gather(runner, ["system_resources"])
    assert errors == {} and runner.round_trips == 1 and len(runner.batches[0]) == 7
    assert runner.batches[0][3] == ("Get-CimInstance -ClassName Win32_LogicalDisk -Filter DriveType=3 | "
                                    "Select-Object -ExpandProperty DeviceID")
    found = facts["system_resources"]
    assert found["memory"] == {"total_bytes": 16776740 * 1024, "available_bytes": 7340032 * 1024}
    assert found["logical_processors"] == 8 and found["program_data_drive"] == "C:"
    assert found["drives"] == [{"drive": "C:", "total_bytes": 136365211648, "free_bytes": 48318382080},
                               {"drive": "D:", "total_bytes": 68718424064, "free_bytes": 63350767616}]


def test_drives_that_do_not_line_up_are_a_gather_error():
    runner = _sysres_runner()
    runner.answers["DeviceID"] = (0, "C:\r\n", "")
    _facts_found, errors = _facts.gather(runner, ["system_resources"])
    assert "do not line up" in errors["system_resources"]


def test_the_report_line_names_memory_processors_drives_and_folders():
    facts, _errors = _facts.gather(_sysres_runner(), ["system_resources"])
    facts["shir_install"] = {"folder": "D:\\Program Files\\Microsoft Integration Runtime\\5.0"}
    line = _checks.report_line(["system_resources"], facts)
    assert line.startswith("node resources: memory 16.0 GiB, 7.0 GiB available (43%); 8 logical processors")
    assert "C: 45.0 GiB free of 127.0 GiB (35%), D: 59.0 GiB free of 64.0 GiB (92%)" in line
    assert "%ProgramData% (C:\\ProgramData) is on C:" in line and "5.0) is on D:" in line
    assert "concurrentJobsLimit" in line and "not kept on the node" in line


def test_the_report_says_why_when_its_facts_are_missing():
    line = _checks.report_line(["system_resources"], {"gather_errors": {"system_resources": "boom"}})
    assert line == "system_resources: system_resources of this node could not be read: boom"
    assert _sysres.drive_of("\\\\server\\share") is None
