"""The scaleout_logs fact subset: the newest file of each documented worker log folder, and its error
lines, read by the collection's real runner from a simulated node (no WinRM)."""

from __future__ import annotations

import pytest
import winsim
from noderunner import node_runner

from ansible_collections.irops.remediation.plugins.plugin_utils import _facts, _gathering
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

AGENT = "C:\\Windows\\ServiceProfiles\\SSISScaleOutWorker140\\AppData\\Local\\SSIS\\Cluster\\Agent"
# A log written for this test (assumed layout); the exception text is the article's.
ENDPOINT = ("2025-01-06 08:01:00 [Error] System.ServiceModel.EndpointNotFoundException: There was no endpoint "
            "listening at https://SSISMASTER01:8391/ClusterManagement/ that could accept the message.")


def _node(files: dict) -> dict:
    return {"node": {"hostname": "SSISWORKER01", "files": {path: {"text": text} for path, text in files.items()}}}


def test_the_newest_worker_log_errors_are_read_in_the_shared_second_round_trip():
    runner, _node_ = node_runner(_node({
        f"{AGENT}\\WorkerAgent_1.log": "2025-01-06 08:00:00 [Info] started\r\n" + ENDPOINT + "\r\n",
    }))
    facts, errors = _facts.gather(runner, ["scaleout_logs"])
    assert errors == {}
    assert facts["scaleout_logs"] == {"files": [f"{AGENT}\\WorkerAgent_1.log"],
                                      "errors": [{"file": f"{AGENT}\\WorkerAgent_1.log", "line": ENDPOINT}]}
    assert runner.round_trips == 2
    assert winsim.refusals() == []


def test_no_log_folder_costs_no_second_round_trip():
    runner, _node_ = node_runner(_node({}))
    facts, errors = _facts.gather(runner, ["scaleout_logs"])
    assert errors == {} and facts["scaleout_logs"] == {"files": [], "errors": []}
    assert runner.round_trips == 1


def test_an_unknown_subset_fails_before_any_command():
    runner, _node_ = node_runner(_node({}))
    with pytest.raises(InvalidValue, match="gather_subset.*scaleout_log_files"):
        _gathering.gather(runner, ["scaleout_logs", "no_such_subset"], ["scaleout_worker"], None)
    assert runner.round_trips == 0
