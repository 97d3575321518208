"""Issue 13: what the simulated node answers for the OLE DB provider keys (the WOW64 registry views of
HKLM\\SOFTWARE\\Classes) and for Get-CimInstance (memory, logical processors, fixed drives)."""

from __future__ import annotations

import pytest
from winsim_helpers import make_node, run_one

from winsim.readonly import is_read_only

CLSID = "{5A23DE84-1D7B-4A16-8DED-B29C09CB648D}"
PROVIDER = f"'HKLM\\SOFTWARE\\Classes\\CLSID\\{CLSID}\\OLE DB Provider'"


def test_the_progid_key_is_shared_and_the_class_key_is_per_view():
    """Registry Keys Affected by WOW64 (Windows 7+): Classes shared, Classes\\CLSID redirected."""
    node = make_node("shir_oledb_provider_missing:shir01")
    for switch in ("/reg:64", "/reg:32"):
        shared = run_one(node, f"reg query HKLM\\SOFTWARE\\Classes\\MSOLEDBSQL\\CLSID /ve {switch}")
        assert shared["rc"] == 0 and shared["out"][2] == f"    (Default)    REG_SZ    {CLSID}"
    missing = run_one(node, f"reg query {PROVIDER} /ve /reg:64")
    assert missing["rc"] == 1 and missing["err"] == ["ERROR: The system was unable to find the specified registry key or value."]
    found = run_one(node, f"reg query {PROVIDER} /ve /reg:32")
    assert found["rc"] == 0 and found["out"][1].startswith("HKEY_LOCAL_MACHINE\\SOFTWARE\\Classes\\WOW6432Node\\CLSID")
    healthy = make_node("shir_healthy:shir01")
    dll = run_one(healthy, f"reg query 'HKLM\\SOFTWARE\\Classes\\CLSID\\{CLSID}\\InprocServer32' /ve /reg:64")
    assert dll["out"][2] == "    (Default)    REG_SZ    C:\\Windows\\system32\\msoledbsql.dll"


def test_other_software_keys_keep_their_wow6432node_view():
    node = make_node("shir_healthy:shir01")
    result = run_one(node, "reg query HKLM\\SOFTWARE\\Microsoft\\VisualStudio\\14.0\\VC\\Runtimes\\x64 /v Version /reg:32")
    assert result["rc"] == 0 and "v14.40.33810.00" in result["out"][2]


@pytest.mark.parametrize("cim_class, prop, expected", [
    ("Win32_OperatingSystem", "TotalVisibleMemorySize", ["16776740"]),
    ("Win32_OperatingSystem", "FreePhysicalMemory", ["7340032"]),
    ("Win32_ComputerSystem", "NumberOfLogicalProcessors", ["8"]),
    ("Win32_LogicalDisk -Filter DriveType=3", "DeviceID", ["C:", "D:"]),
    ("Win32_LogicalDisk -Filter DriveType=3", "FreeSpace", ["48318382080", "63350767616"]),
])
def test_get_ciminstance_reads_the_scenario_hardware(cim_class, prop, expected):
    node = make_node("shir_healthy:shir01")
    result = run_one(node, f"Get-CimInstance -ClassName {cim_class} | Select-Object -ExpandProperty {prop}")
    assert result == {"number": 1, "out": expected, "err": [], "rc": 0}


def test_defaults_and_refusals(allow_refusals):
    node = make_node("scaleout_master_healthy")
    assert run_one(node, "Get-CimInstance -ClassName Win32_LogicalDisk -Filter DriveType=3 | "
                         "Select-Object -ExpandProperty DeviceID")["out"] == ["C:"]
    run_one(node, "Get-CimInstance -ClassName Win32_Process | Select-Object -ExpandProperty Name")
    run_one(node, "Get-CimInstance -ClassName Win32_LogicalDisk -Filter DriveType=4 | Select-Object -ExpandProperty DeviceID")
    assert [r["reason"] for r in allow_refusals()] == [
        "Get-CimInstance -ClassName Win32_Process is not emulated",
        "Get-CimInstance -Filter 'DriveType=4' on Win32_LogicalDisk is not emulated (only DriveType=3 on Win32_LogicalDisk)"]
    assert is_read_only(["Get-CimInstance", "-ClassName", "Win32_OperatingSystem"])


def test_bad_hardware_is_rejected():
    from winsim.cim import load
    with pytest.raises(ValueError, match="free_memory_kb"):
        load({"memory_kb": 1, "free_memory_kb": 2})
    with pytest.raises(ValueError, match="drives"):
        load({"drives": [{"drive": "C:", "size": 1, "free": 2}]})
