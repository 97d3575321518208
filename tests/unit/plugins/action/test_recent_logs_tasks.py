"""recent_logs task_id: the article's "find the subfolder name that contains [task ID] under
TasksRootFolder", run by the collection's real runner against a simulated node (no WinRM)."""

from __future__ import annotations

import pytest
import winsim
from noderunner import node_runner

from ansible_collections.irops.remediation.plugins.plugin_utils import _logs as recent_logs
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

TASK = "0E4A7C2B-9D1F-4B8E-A6C3-5F2D1E0B9A87"
OTHER = "11111111-2222-3333-4444-555555555555"
ROOT = "C:\\Windows\\ServiceProfiles\\SSISScaleOutWorker140\\AppData\\Local\\SSIS\\ScaleOut\\Tasks"
CUSTOM = "D:\\Scale Out [tasks]"


def _scenario(root: str) -> dict:
    return {"node": {"hostname": "SSISWORKER01", "files": {
        f"{root}\\{TASK}_1\\log.txt": {"text": "Task started\r\nError: the package failed\r\n"},
        f"{root}\\{OTHER}_1\\log.txt": {"text": "another task\r\n"},
    }}}


@pytest.mark.parametrize("root, folders", [(ROOT, None), (CUSTOM, [CUSTOM])])
def test_the_task_folder_is_found_and_read(root, folders):
    runner, _node = node_runner(_scenario(root))
    roots = folders or recent_logs.task_folders(versions=[140])
    found, _roots = recent_logs.find_task_folders(runner, roots, TASK)
    assert found == [f"{root}\\{TASK}_1"]
    entries = recent_logs.collect(runner, found, 3, 50)
    assert entries[0]["files"][0]["lines"] == ["Task started", "Error: the package failed"]
    assert runner.round_trips == 3  # the task subfolders, their newest files, the tails
    assert winsim.refusals() == []


def test_no_folder_for_another_task():
    runner, _node = node_runner(_scenario(ROOT))
    found, _roots = recent_logs.find_task_folders(runner, [ROOT], "99999999-2222-3333-4444-555555555555")
    assert found == []


@pytest.mark.parametrize("bad", ["*", "..\\x", "0E4A7C2B", "' ; Remove-Item C:\\ ; '"])
def test_a_task_id_must_be_a_guid(bad):
    with pytest.raises(InvalidValue, match="task_id"):
        recent_logs.validate_task_id(bad)


def test_default_task_roots_are_the_documented_ones():
    assert recent_logs.task_folders(versions=[140])[:2] == [
        ROOT, "C:\\Windows\\ServiceProfiles\\SSISScaleOutWorker140\\AppData\\Local\\SSIS\\Cluster\\Tasks"]
