"""SHIR files and runtimes: the facts (install folder and version, .NET Release, Visual C++ runtime in both
registry views, System.ValueTuple.dll, the Configurations file) as the simulated node's tools print them and as
hand-written edge cases, and the four checks over facts dicts: pass, fail and unknown."""

from __future__ import annotations

import copy

import pytest
from fixtures import load
from test_facts_stages import FakeRunner
from winsim_helpers import make_node, run_many

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks, _facts
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult

SUBSETS = ["shir_install", "dotnet", "vcruntime", "shir_configurations"]
ROOT = "C:\\Program Files\\Microsoft Integration Runtime"
WOW = "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\VisualStudio\\14.0\\VC\\Runtimes"
CONFIGURATIONS = "C:\\ProgramData\\Microsoft\\DataTransfer\\DataManagementGateway\\Configurations"
NOT_FOUND = {lang: (1, "", load("reg", f"query_not_found_{lang}_assumed.txt")) for lang in ("en-US", "de-DE", "fr-FR")}
CHECKS = {"shir-version-5-dotnet-472": "shir_dotnet_for_version_5",
          "shir-could-not-load-assembly": "shir_valuetuple_in_gateway",
          "azuressis-shir-vcredist-missing": "azuressis_shir_vcruntime",
          "shir-authentication-key-missing": "shir_configurations_file"}


class SimRunner:
    """Runs each round trip's commands on a simulated node (a few per script: the simulator enforces cmd.exe's
    8191-character limit on the encoded command line these helpers use)."""

    def __init__(self, node):
        self.node, self.batches = node, []

    def run(self, commands):
        self.batches.append([command.line for command in commands])
        results = [r for i in range(0, len(commands), 3)
                   for r in run_many(self.node, *[command.line for command in commands[i:i + 3]])]
        return [CommandResult(command.line, r["rc"], "\r\n".join(r["out"]), "\r\n".join(r["err"]))
                for command, r in zip(commands, results)]


def gather_from(scenario: str) -> dict:
    runner = SimRunner(make_node(scenario))
    facts, errors = _facts.gather(runner, SUBSETS)
    assert errors == {} and len(runner.batches) == 1
    return dict(facts, gather_errors=errors)


def statuses(facts: dict) -> dict:
    return {entry: _checks.CHECKS[name].func(facts, {}, None)[0] for entry, name in CHECKS.items()}


# --------------------------------------------------------------------------- facts from the simulated node

def test_the_healthy_node_has_a_5x_install_net_48_both_runtimes_and_its_configurations():
    facts = gather_from("shir_healthy:shir01")
    assert facts["shir_install"] == {
        "folder": f"{ROOT}\\5.0", "version": "5.0", "major": 5,
        "diacmd_path": f"{ROOT}\\5.0\\Shared\\diacmd.exe", "valuetuple": {"gateway": True, "datascan": True}}
    assert facts["dotnet"] == {"release": 528040, "version": "4.8.03761"}
    for arch in ("x64", "x86"):
        assert facts["vcruntime"][arch]["present"] and facts["vcruntime"][arch]["key"] == f"{WOW}\\{arch}"
        assert facts["vcruntime"][arch]["views"]["64-bit"] is None
    assert facts["shir_configurations"]["present"] and facts["shir_configurations"]["path"] == CONFIGURATIONS
    assert set(statuses(facts).values()) == {"pass"}


@pytest.mark.parametrize("scenario, failing", [
    ("shir_dotnet_471", "shir-version-5-dotnet-472"),
    ("shir_valuetuple_missing", "shir-could-not-load-assembly"),
    ("shir_vcredist_missing", "azuressis-shir-vcredist-missing"),
    ("shir_configurations_missing", "shir-authentication-key-missing"),
    ("shir_version_4", None),
])
def test_each_scenario_fails_exactly_its_entry(scenario, failing):
    found = statuses(gather_from(f"{scenario}:shir01"))
    assert {entry for entry, status in found.items() if status != "pass"} == ({failing} if failing else set())
    assert statuses(gather_from(f"{scenario}:shir02")) == dict.fromkeys(CHECKS, "pass")


def test_a_4x_install_is_read_from_the_4_0_folder():
    facts = gather_from("shir_version_4:shir01")
    assert facts["shir_install"]["folder"] == f"{ROOT}\\4.0" and facts["shir_install"]["major"] == 4
    assert facts["dotnet"]["release"] == 461308
    status, evidence = _checks.shir_dotnet_for_version_5(facts, {}, None)
    assert status == "pass" and "4.0" in evidence and "461308" in evidence


def test_a_node_without_shir_has_no_install_and_everything_else_is_none_or_false():
    facts = gather_from("scaleout_master_healthy")
    assert facts["shir_install"] is None
    assert not facts["vcruntime"]["x64"]["present"] and not facts["shir_configurations"]["present"]


# --------------------------------------------------------------------------- parsers, hand-written outputs

def _answers(**overrides):
    """Every read of the subsets, absent unless overridden (keys: a piece of the command line)."""
    answers = dict(overrides)
    answers.setdefault("Test-Path", (0, "False", ""))
    answers.setdefault("reg query", NOT_FOUND["en-US"])
    return answers


@pytest.mark.parametrize("lang", sorted(NOT_FOUND))
def test_absent_keys_and_files_are_none_or_false_in_every_language(lang):
    runner = FakeRunner(_answers(**{"reg query": NOT_FOUND[lang]}))
    facts, errors = _facts.gather(runner, SUBSETS)
    assert errors == {} and runner.round_trips == 1
    assert facts["shir_install"] is None
    assert facts["dotnet"] == {"release": None, "version": None}
    assert facts["vcruntime"]["x64"] == {"present": False, "version": None, "key": None,
                                         "views": {"64-bit": None, "32-bit": None}}
    assert facts["shir_configurations"] == {"present": False, "path": None,
                                            "checked": list(_facts.SHIR_CONFIGURATIONS_PATHS)}


def test_without_diacmdpath_the_first_documented_folder_with_shared_is_the_install():
    runner = FakeRunner(_answers(**{f"{ROOT}\\4.0\\Shared": (0, "True", ""),
                                    f"{ROOT}\\4.0\\Gateway\\DataScan": (0, "True", "")}))
    facts, _errors = _facts.gather(runner, ["shir_install"])
    assert facts["shir_install"] == {"folder": f"{ROOT}\\4.0", "version": "4.0", "major": 4, "diacmd_path": None,
                                     "valuetuple": {"gateway": False, "datascan": True}}


def test_a_diacmdpath_outside_the_documented_folders_gives_the_version_but_no_file_facts():
    query = ("\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\DataTransfer\\DataManagementGateway\\ConfigurationManager\r\n"
             "    DiacmdPath    REG_SZ    D:\\IR\\5.0\\Shared\\diacmd.exe\r\n\r\n")
    facts, _errors = _facts.gather(FakeRunner(_answers(**{"DiacmdPath": (0, query, "")})), ["shir_install"])
    assert facts["shir_install"]["folder"] == "D:\\IR\\5.0" and facts["shir_install"]["major"] == 5
    assert facts["shir_install"]["valuetuple"] == {"gateway": None, "datascan": None}
    assert _checks.shir_valuetuple_in_gateway(facts, {}, None)[0] == "unknown"


def test_a_runtime_key_with_installed_0_is_not_present_and_the_other_view_is_read():
    zero = (f"\r\n{WOW}\\x64\r\n    Installed    REG_DWORD    0x0\r\n    Version    REG_SZ    v14.40.33810.00\r\n\r\n")
    native = ("\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\VisualStudio\\14.0\\VC\\Runtimes\\x64\r\n"
              "    Installed    REG_DWORD    0x1\r\n    Version    REG_SZ    v14.38.33135.00\r\n\r\n")
    runner = FakeRunner(_answers(**{"WOW6432Node\\Microsoft\\VisualStudio\\14.0\\VC\\Runtimes\\x64": (0, zero, ""),
                                    "Microsoft\\VisualStudio\\14.0\\VC\\Runtimes\\x64": (0, native, "")}))
    facts, _errors = _facts.gather(runner, ["vcruntime"])
    x64 = facts["vcruntime"]["x64"]
    assert x64["present"] and x64["version"] == "v14.38.33135.00" and x64["views"]["32-bit"]["installed"] == 0


def test_unreadable_outputs_go_to_gather_errors_not_exceptions():
    runner = FakeRunner(_answers(**{"Test-Path": (1, "", "Access is denied"),
                                    "reg query": (1, "", load("reg", "add_denied_en-US_assumed.txt"))}))
    facts, errors = _facts.gather(runner, SUBSETS)
    assert set(errors) == set(SUBSETS) and facts == {}
    facts = dict(facts, gather_errors=errors)
    for entry, status in statuses(facts).items():
        assert status == "unknown", entry


def test_the_subsets_cost_one_round_trip_and_this_many_commands():
    runner = FakeRunner(_answers())
    _facts.gather(runner, SUBSETS)
    # shir_install 1 + 3 x 3, dotnet 1, vcruntime 4, shir_configurations 2
    assert runner.round_trips == 1 and len(runner.batches[0]) == 17


# --------------------------------------------------------------------------- checks over facts dicts

def healthy() -> dict:
    return {"gather_errors": {},
            "shir_install": {"folder": f"{ROOT}\\5.0", "version": "5.0", "major": 5,
                             "diacmd_path": f"{ROOT}\\5.0\\Shared\\diacmd.exe",
                             "valuetuple": {"gateway": True, "datascan": True}},
            "dotnet": {"release": 528040, "version": "4.8.03761"},
            "vcruntime": {arch: {"present": True, "version": "v14.40.33810.00", "key": f"{WOW}\\{arch}",
                                 "views": {}} for arch in ("x64", "x86")},
            "shir_configurations": {"present": True, "path": CONFIGURATIONS, "checked": [CONFIGURATIONS]}}


def test_the_catalog_wires_the_four_entries_truthfully():
    entries = {e.id: e for e in _catalog.load()}
    for entry_id, check in CHECKS.items():
        assert entries[entry_id].check == check and "shir_node" in entries[entry_id].node_roles
    assert entries["shir-could-not-load-assembly"].automation == "automated"   # the copy is the documented fix
    for entry_id in ("shir-version-5-dotnet-472", "azuressis-shir-vcredist-missing", "shir-authentication-key-missing"):
        assert entries[entry_id].automation == "check-only" and entries[entry_id].manual_reason
    assert "installer" in entries["shir-version-5-dotnet-472"].manual_reason
    assert "vc_redist.x64.exe" in entries["azuressis-shir-vcredist-missing"].manual_reason


def test_healthy_facts_pass_every_check():
    assert statuses(healthy()) == dict.fromkeys(CHECKS, "pass")


@pytest.mark.parametrize("release, status", [(461308, "fail"), (461807, "fail"), (461808, "pass"), (461814, "pass"),
                                             (None, "fail")])
def test_dotnet_on_5x_needs_release_461808(release, status):
    facts = healthy()
    facts["dotnet"] = {"release": release, "version": None}
    found, evidence = _checks.shir_dotnet_for_version_5(facts, {}, None)
    assert found == status
    if status == "fail":
        assert ".NET Framework 4.7.2" in evidence and "installer" in evidence and "5.0" in evidence
        assert (str(release) if release else "no .NET Framework") in evidence


def test_dotnet_on_4x_passes_and_unknowns_name_what_is_missing():
    facts = healthy()
    facts["shir_install"].update(folder=f"{ROOT}\\4.0", version="4.0", major=4)
    facts["dotnet"] = {"release": 461308, "version": "4.7.02558"}
    assert _checks.shir_dotnet_for_version_5(facts, {}, None)[0] == "pass"
    facts = healthy()
    facts["shir_install"] = None
    status, evidence = _checks.shir_dotnet_for_version_5(facts, {}, None)
    assert status == "unknown" and "no self-hosted IR install" in evidence and "DiacmdPath" in evidence
    facts = healthy()
    del facts["dotnet"]
    facts["gather_errors"] = {"dotnet": "reg query exited 5"}
    status, evidence = _checks.shir_dotnet_for_version_5(facts, {}, None)
    assert status == "unknown" and "dotnet" in evidence and "exited 5" in evidence


def test_valuetuple_missing_names_the_copy_from_datascan():
    facts = healthy()
    facts["shir_install"]["valuetuple"]["gateway"] = False
    status, evidence = _checks.shir_valuetuple_in_gateway(facts, {}, None)
    assert status == "fail" and f"{ROOT}\\5.0\\Gateway\\System.ValueTuple.dll is missing" in evidence
    assert f"copy it from {ROOT}\\5.0\\Gateway\\DataScan" in evidence
    facts["shir_install"]["valuetuple"]["datascan"] = False
    status, evidence = _checks.shir_valuetuple_in_gateway(facts, {}, None)
    assert status == "fail" and "DataScan\\System.ValueTuple.dll is missing too" in evidence
    facts = healthy()
    del facts["shir_install"]
    status, evidence = _checks.shir_valuetuple_in_gateway(facts, {}, None)
    assert status == "unknown" and "did not gather shir_install" in evidence


def test_vcruntime_needs_x64_and_names_the_installer():
    facts = healthy()
    facts["vcruntime"]["x64"] = {"present": False, "version": None, "key": None, "views": {}}
    status, evidence = _checks.azuressis_shir_vcruntime(facts, {}, None)
    assert status == "fail" and "vc_redist.x64.exe" in evidence and "x86: v14.40.33810.00" in evidence
    facts = healthy()
    facts["vcruntime"]["x86"] = {"present": False, "version": None, "key": None, "views": {}}
    status, evidence = _checks.azuressis_shir_vcruntime(facts, {}, None)
    assert status == "pass" and "x86: not installed" in evidence
    facts = healthy()
    del facts["vcruntime"]
    assert _checks.azuressis_shir_vcruntime(facts, {}, None)[0] == "unknown"


def test_configurations_missing_names_the_paths_read_and_what_to_do():
    facts = healthy()
    facts["shir_configurations"] = {"present": False, "path": None, "checked": list(_facts.SHIR_CONFIGURATIONS_PATHS)}
    status, evidence = _checks.shir_configurations_file(facts, {}, None)
    assert status == "fail" and all(path in evidence for path in _facts.SHIR_CONFIGURATIONS_PATHS)
    assert "who deleted" in evidence and "register the node again" in evidence
    status, evidence = _checks.shir_configurations_file(healthy(), {}, None)
    assert status == "pass" and CONFIGURATIONS in evidence
    facts = copy.deepcopy(healthy())
    del facts["shir_configurations"]
    assert _checks.shir_configurations_file(facts, {}, None)[0] == "unknown"
