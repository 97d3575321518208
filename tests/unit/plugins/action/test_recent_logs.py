"""recent_logs: the documented folders, the cmdlet forms it sends, and what it makes of the answers.

The runner is replaced by a small stand-in that answers the three cmdlet forms of
docs/dev/remote-execution.md from a dictionary of files, and refuses anything else.
"""

from __future__ import annotations

import pytest

from ansible_collections.irops.remediation.plugins.plugin_utils import _logs as recent_logs
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult

WORKER = "C:\\Windows\\ServiceProfiles\\SSISScaleOutWorker140\\AppData\\Local\\SSIS\\Cluster\\Agent"


class Node:
    """Files by path -> (modification order, lines); answers like Windows PowerShell 5.1."""

    def __init__(self, files: dict):
        self.files = files
        self.round_trips: list[list[str]] = []

    def _folders(self):
        return {path.rsplit("\\", 1)[0].lower() for path in self.files}

    def run(self, commands):
        if not commands:
            return []
        self.round_trips.append([c.line for c in commands])
        return [self._one(c) for c in commands]

    def _one(self, command):
        args = list(command.args)
        path = args[args.index("-LiteralPath") + 1]
        if command.executable == "Test-Path":
            assert args[2:] == ["-PathType", "Container"]
            return CommandResult(command.line, 0, str(path.lower() in self._folders()) + "\n", "")
        if command.executable == "Get-ChildItem":
            assert args[2:] == ["-File", "-ErrorAction", "SilentlyContinue"]
            assert command.pipeline[0] == "Sort-Object LastWriteTime -Descending"
            count = int(command.pipeline[1].split()[2])
            inside = [p for p in self.files if p.rsplit("\\", 1)[0].lower() == path.lower()]
            inside.sort(key=lambda p: self.files[p][0], reverse=True)
            return CommandResult(command.line, 0, "".join(p + "\n" for p in inside[:count]), "")
        if command.executable == "Get-Content":
            assert args[2] == "-Tail" and args[4:] == ["-ErrorAction", "SilentlyContinue"]
            lines = self.files[path][1][-int(args[3]):]
            return CommandResult(command.line, 0, "".join(line + "\n" for line in lines), "")
        raise AssertionError(f"not a documented form: {command.line}")


def test_default_folders_are_the_documented_ones():
    folders = recent_logs.default_folders(["scaleout_master", "scaleout_worker"], versions=[140])
    assert folders == [
        "C:\\Windows\\ServiceProfiles\\SSISScaleOutMaster140\\AppData\\Local\\SSIS\\ScaleOut\\Master",
        "C:\\Users\\SSISScaleOutMaster140\\AppData\\Local\\SSIS\\ScaleOut\\Master",
        WORKER,
        "C:\\Windows\\ServiceProfiles\\SSISScaleOutWorker140\\AppData\\Local\\SSIS\\ScaleOut\\Agent",
        "C:\\Users\\SSISScaleOutWorker140\\AppData\\Local\\SSIS\\Cluster\\Agent",
        "C:\\Users\\SSISScaleOutWorker140\\AppData\\Local\\SSIS\\ScaleOut\\Agent",
    ]
    every = recent_logs.default_folders(["scaleout_worker"], accounts=["CONTOSO\\svc_ssis", "NT Service\\Custom"])
    assert len(every) == 3 * 4 + 2 * 2 and len(set(every)) == len(every)
    assert "C:\\Users\\svc_ssis\\AppData\\Local\\SSIS\\ScaleOut\\Agent" in every
    assert "C:\\Windows\\ServiceProfiles\\Custom\\AppData\\Local\\SSIS\\Cluster\\Agent" in every
    assert "C:\\Windows\\ServiceProfiles\\SSISScaleOutWorker160\\AppData\\Local\\SSIS\\Cluster\\Agent" in every


@pytest.mark.parametrize("account", ["", "a\\b\\c", "x:y", "..", "a\"b"])
def test_bad_account_names_fail_before_anything_runs(account):
    with pytest.raises(InvalidValue, match="accounts"):
        recent_logs.profile_folders(account)


def test_commands_are_the_documented_cmdlet_forms():
    test_path, listing = recent_logs.listing_commands("C:\\Users\\svc ssis\\AppData\\Local\\SSIS\\Cluster\\Agent", 3)
    assert test_path.line == "Test-Path -LiteralPath 'C:\\Users\\svc ssis\\AppData\\Local\\SSIS\\Cluster\\Agent' -PathType Container"
    assert listing.line == ("Get-ChildItem -LiteralPath 'C:\\Users\\svc ssis\\AppData\\Local\\SSIS\\Cluster\\Agent' -File "
                            "-ErrorAction SilentlyContinue | Sort-Object LastWriteTime -Descending "
                            "| Select-Object -First 3 -ExpandProperty FullName")
    tail = recent_logs.tail_command("C:\\Logs\\O'Brien [1].log", 200)
    assert tail.line == "Get-Content -LiteralPath 'C:\\Logs\\O''Brien [1].log' -Tail 200 -ErrorAction SilentlyContinue"
    assert all(c.read_only and c.is_cmdlet for c in (test_path, listing, tail))


def test_two_round_trips_newest_files_first_last_lines_only():
    node = Node({
        WORKER + "\\WorkerAgent_1.log": (1, ["old"]),
        WORKER + "\\WorkerAgent_3.log": (3, [f"line {i}" for i in range(10)]),
        WORKER + "\\WorkerAgent_2.log": (2, ["a", "b"]),
        "C:\\Elsewhere\\x.log": (9, ["not read"]),
    })
    entries = recent_logs.collect(node, [WORKER, "C:\\Missing"], newest=2, lines=3)
    assert len(node.round_trips) == 2 and len(node.round_trips[0]) == 4 and len(node.round_trips[1]) == 2
    assert entries[0]["exists"] and not entries[1]["exists"] and entries[1]["files"] == []
    assert [f["path"].rsplit("\\", 1)[1] for f in entries[0]["files"]] == ["WorkerAgent_3.log", "WorkerAgent_2.log"]
    assert entries[0]["files"][0]["lines"] == ["line 7", "line 8", "line 9"]


def test_no_second_round_trip_without_files():
    node = Node({})
    entries = recent_logs.collect(node, [WORKER], newest=3, lines=200)
    assert len(node.round_trips) == 1 and entries == [{"path": WORKER, "exists": False, "files": []}]


def test_listed_names_outside_the_folder_are_ignored():
    exists = CommandResult("Test-Path", 0, "True\n", "")
    listing = CommandResult("Get-ChildItem", 0, "C:\\Windows\\win.ini\n" + WORKER + "\\a.log\n\n", "")
    entry = recent_logs.parse_listing(WORKER, exists, listing)
    assert [f["path"] for f in entry["files"]] == [WORKER + "\\a.log"]


def test_a_failed_probe_is_reported_not_hidden():
    exists = CommandResult("Test-Path", 1, "", "Access is denied\n")
    entry = recent_logs.parse_listing(WORKER, exists, CommandResult("Get-ChildItem", 0, "", ""))
    assert entry["exists"] is False and "Access is denied" in entry["error"]


@pytest.mark.parametrize("path", ["Logs", "relative\\dir", "C:", "C:\\a\"b", "C:\\a\nb"])
def test_bad_folders_fail_before_anything_runs(path):
    with pytest.raises(InvalidValue, match="folders"):
        recent_logs.validate_folder(path)


def test_good_folders():
    assert recent_logs.validate_folder("C:\\Logs\\") == "C:\\Logs"
    assert recent_logs.validate_folder("C:\\") == "C:\\"
    assert recent_logs.validate_folder("\\\\fs01\\logs\\ssis") == "\\\\fs01\\logs\\ssis"
