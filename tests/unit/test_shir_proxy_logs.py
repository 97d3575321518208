"""The self-hosted IR's Azure-SSIS IR proxy logs: the shir_log_files / shir_logs fact subsets read by the collection's
real runner from simulated nodes (no WinRM), recent_logs' shir_node folders, and the azuressis-staging-read-timeout
check over facts: fail, pass and unknown."""

from __future__ import annotations

import copy

import pytest
import winsim
from noderunner import node_runner

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks, _facts, _logs

TELEMETRY = "C:\\ProgramData\\SSISTelemetry"
EXECUTION_LOG = TELEMETRY + "\\ExecutionLog"
RUNTIME = TELEMETRY + "\\SSISTelemetry_20250106.log"
NEWEST = EXECUTION_LOG + "\\6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f.log"
ENTRY = "azuressis-staging-read-timeout"
CHECK = _checks.CHECKS["azuressis_staging_read_timeout"].func


def check(facts: dict) -> tuple:
    return CHECK(facts, {}, None)


# --------------------------------------------------------------------------- the folders and the facts

def test_shir_node_folders_are_the_two_ssistelemetry_folders_and_their_products():
    assert _logs.default_folders(["shir_node"]) == [TELEMETRY, EXECUTION_LOG]
    assert _logs.default_folders(["shir_node"], accounts=["CONTOSO\\svc"], versions=[140]) == [TELEMETRY, EXECUTION_LOG]
    both = _logs.default_folders(["scaleout_worker", "shir_node"], versions=[140])
    assert both[-2:] == [TELEMETRY, EXECUTION_LOG] and len(both) == 4 + 2
    assert _logs.products_for(["shir_node"]) == ["azure-ssis-ir", "shir"]
    assert _logs.products_for(["scaleout_master", "scaleout_worker", "shir_node"]) == ["scale-out", "azure-ssis-ir", "shir"]


def test_the_entry_names_the_check_and_the_folders_its_article_names():
    entry = next(e for e in _catalog.load() if e.id == ENTRY)
    assert entry.check == "azuressis_staging_read_timeout" and entry.automation == "check-only"
    assert all(folder in " ".join(entry.resolution) for folder in (TELEMETRY, EXECUTION_LOG))


def test_the_newest_file_of_each_folder_and_its_error_lines_in_the_second_round_trip():
    runner, _node = node_runner("shir_proxy_staging_timeout:shir01")
    facts, errors = _facts.gather(runner, ["shir_logs"])
    assert errors == {} and runner.round_trips == 2
    assert facts["shir_log_files"] == {"folders": [{"path": TELEMETRY, "exists": True, "newest": RUNTIME},
                                                   {"path": EXECUTION_LOG, "exists": True, "newest": NEWEST}]}
    # the older execution log is not read; "Timeout" counts as an error line though it says neither error nor fail
    assert facts["shir_logs"] == {"files": [RUNTIME, NEWEST], "errors": [
        {"file": NEWEST, "line": "2025-01-06 08:52:13.480 [Error] Timeout when reading from staging"}]}
    assert winsim.refusals() == []


def test_a_node_that_does_not_proxy_costs_no_second_round_trip():
    runner, _node = node_runner("shir_healthy:shir01")
    facts, errors = _facts.gather(runner, ["shir_logs"])
    assert errors == {} and runner.round_trips == 1
    assert facts["shir_log_files"] == {"folders": [{"path": TELEMETRY, "exists": False, "newest": None},
                                                   {"path": EXECUTION_LOG, "exists": False, "newest": None}]}
    assert facts["shir_logs"] == {"files": [], "errors": []}
    assert check(facts)[0] == _checks.PASS  # no staging task ran here, so none timed out here


def test_error_lines_are_the_last_ones_of_each_file():
    lines = "".join(f"2025-01-06 08:{i:02d}:00.000 [Error] Could not upload part {i}\r\n" for i in range(30))
    runner, _node = node_runner({"node": {"files": {EXECUTION_LOG + "\\a.log": {"text": lines}}}})
    facts, _errors = _facts.gather(runner, ["shir_logs"])
    found = facts["shir_logs"]["errors"]
    assert len(found) == _facts.MAX_LOG_ERRORS and found[-1]["line"].endswith("part 29")
    assert facts["shir_log_files"]["folders"][0]["exists"] is True  # the parent folder exists, with no file
    assert facts["shir_log_files"]["folders"][0]["newest"] is None


# --------------------------------------------------------------------------- the check

def _facts_with(errors: list[dict], folders=None) -> dict:
    folders = folders or [{"path": TELEMETRY, "exists": True, "newest": RUNTIME},
                          {"path": EXECUTION_LOG, "exists": True, "newest": NEWEST}]
    files = [f["newest"] for f in folders if f["newest"]]
    return {"shir_log_files": {"folders": folders}, "shir_logs": {"files": files, "errors": errors}}


def test_fails_when_the_newest_errors_hold_the_staging_timeout():
    status, evidence = check(_facts_with([{"file": NEWEST, "line": "08:52 [Error] Timeout when reading from staging"}]))
    assert status == _checks.FAIL
    assert NEWEST in evidence and '"Timeout when reading from staging"' in evidence and "staging blob" in evidence


def test_passes_when_the_files_hold_no_such_error_and_names_what_else_they_show():
    status, evidence = check(_facts_with([]))
    assert status == _checks.PASS and "0 error line(s)" in evidence and NEWEST in evidence
    offline = ("Staging task status: Failed. Staging task error: ErrorCode: 2010, ErrorMessage: The Self-hosted "
               "Integration Runtime 'OnPremIR' is offline")
    status, evidence = check(_facts_with([{"file": RUNTIME, "line": offline}]))
    assert status == _checks.PASS
    assert "azuressis-shir-offline-2010 (docs/runbooks/azuressis-shir-offline-2010.md)" in evidence


def test_only_the_newest_file_of_a_folder_counts():
    facts = _facts_with([{"file": EXECUTION_LOG + "\\older.log", "line": "[Error] Timeout when reading from staging"}])
    assert check(facts)[0] == _checks.PASS


@pytest.mark.parametrize("folders, says", [
    ([{"path": TELEMETRY, "exists": False, "newest": None}, {"path": EXECUTION_LOG, "exists": False, "newest": None}],
     "do not exist: no on-premises staging task has run on this node"),
    ([{"path": TELEMETRY, "exists": True, "newest": None}, {"path": EXECUTION_LOG, "exists": False, "newest": None}],
     f"{TELEMETRY} hold(s) no log file"),
])
def test_no_proxy_log_passes_saying_why(folders, says):
    """Without these logs no staging task ran on the node, so the symptom cannot be this node's: a pass that says
    why, not an unknown on every self-hosted IR that is not a proxy."""
    status, evidence = check(_facts_with([], folders))
    assert status == _checks.PASS and says in evidence


def test_a_missing_folder_is_named_when_the_other_one_is_read():
    facts = _facts_with([], [{"path": TELEMETRY, "exists": True, "newest": RUNTIME},
                             {"path": EXECUTION_LOG, "exists": False, "newest": None}])
    status, evidence = check(facts)
    assert status == _checks.PASS and f"{EXECUTION_LOG} does not exist" in evidence


def test_logs_not_gathered_or_unreadable_are_unknown():
    status, evidence = check({})
    assert status == _checks.UNKNOWN and "did not gather shir_log_files" in evidence
    facts = _facts_with([])
    del facts["shir_logs"]
    facts["gather_errors"] = {"shir_logs": "Get-Content failed"}
    status, evidence = check(copy.deepcopy(facts))
    assert status == _checks.UNKNOWN and "shir_logs of this node could not be read: Get-Content failed" in evidence
