"""Files on the node: paths, the documented cmdlet/expression forms, and the replace sequence."""

from __future__ import annotations

import base64

import pytest

from ansible_collections.irops.remediation.plugins.plugin_utils import _files
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult
from noderunner import node_runner
from winsim.node import parse_faults

WORKER = "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config"


@pytest.mark.parametrize("path", [WORKER, "C:\\Windows\\System32\\drivers\\etc\\hosts", "D:\\it's\\a.json"])
def test_paths(path):
    assert _files.validate_path(path) == path


@pytest.mark.parametrize("path, fragment", [
    ("WorkerSettings.config", "absolute path"), ("\\\\server\\share\\x", "absolute path"), ("C:\\dir\\", "name a file"),
    ("C:\\a\\\\b", "empty parts"), ("C:\\a\\*.config", "cannot hold"), ("C:\\a\\b:stream", "cannot hold"),
    ('C:\\a\\"b"', "cannot hold"), ("C:\\a\\b.", "end with a space or a dot"), ("C:\\a\nb", "line breaks"),
])
def test_bad_paths_are_refused_with_the_value(path, fragment):
    with pytest.raises(InvalidValue) as error:
        _files.validate_path(path)
    assert fragment in str(error.value) and repr(path) in str(error.value)


def test_the_documented_forms():
    exists, read = _files.read_commands(WORKER)
    assert exists.line == f"Test-Path -LiteralPath '{WORKER}' -PathType Leaf" and exists.read_only
    assert read.line == f"[Convert]::ToBase64String([IO.File]::ReadAllBytes('{WORKER}'))" and read.read_only
    write = _files.write_command("C:\\x.irops-1.tmp", b"\x00\xff")
    assert write.line == "[IO.File]::WriteAllBytes('C:\\x.irops-1.tmp', [Convert]::FromBase64String('AP8='))"
    assert not write.read_only
    assert _files.copy_command("C:\\a", "C:\\b").line == "Copy-Item -LiteralPath C:\\a -Destination C:\\b -Force"
    assert _files.move_command("C:\\a b", "C:\\c").line == "Move-Item -LiteralPath 'C:\\a b' -Destination C:\\c -Force"
    assert _files.unchanged_condition("C:\\a", b"a\xca").line == (
        "test: [IO.File]::Exists('C:\\a') -and [BitConverter]::ToString([IO.File]::ReadAllBytes('C:\\a')) -eq '61-CA'")
    assert _files.unchanged_condition("C:\\a", None).line == "test: -not [IO.File]::Exists('C:\\a')"
    assert _files.restore_command("C:\\b", "C:\\a").line == "[IO.File]::Copy('C:\\b', 'C:\\a')"
    assert _files.delete_command("C:\\t").line == "[IO.File]::Delete('C:\\t')"


def test_backup_and_temporary_names_carry_this_runs_token():
    assert _files.backup_path("C:\\etc\\hosts", "3f9a1c2b7d4e", now=0) == "C:\\etc\\hosts.19700101T000000Z.3f9a1c2b7d4e.bak"
    assert _files.temp_path("C:\\etc\\hosts", "3f9a1c2b7d4e") == "C:\\etc\\hosts.irops-3f9a1c2b7d4e.tmp"
    first, second = _files.Replacement(WORKER, b"a", b"b"), _files.Replacement(WORKER, b"a", b"b")
    assert first.temp != second.temp and first.backup != second.backup
    assert len(first.backup) - len(WORKER) <= _files.EDIT_SUFFIX_ROOM
    assert _files.validate_path(first.backup) and _files.validate_path(first.temp)


def _result(command, rc=0, stdout="", stderr=""):
    return CommandResult(command.line, rc, stdout, stderr)


def test_parse_read():
    exists, read = _files.read_commands(WORKER)
    assert _files.parse_read(_result(exists, stdout="False\n"), _result(read, 1, stderr="Could not find file")) is None
    data = b'{\r\n  "a": 1\r\n}'
    assert _files.parse_read(_result(exists, stdout="True\n"), _result(read, stdout=base64.b64encode(data).decode() + "\n")) == data
    with pytest.raises(RemediationError):
        _files.parse_read(_result(exists, stdout="True\n"), _result(read, 1, stderr="Access to the path is denied."))


# --------------------------------------------------------------------------- edits on a simulated node

FOLDER = "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn"
STALE = WORKER + ".irops-new"


def scenario(files: dict) -> dict:
    return {"node": {"directories": ["C:\\", "C:\\Program Files", "C:\\Program Files\\Microsoft SQL Server",
                                     "C:\\Program Files\\Microsoft SQL Server\\140",
                                     "C:\\Program Files\\Microsoft SQL Server\\140\\DTS", FOLDER],
                     "files": files}}


def add_line(line: bytes):
    """A plan that appends ``line`` to the file unless it already holds it."""
    def plan(old):
        if old is not None and line in old:
            return _files.Plan(None, {"changed": False})
        return _files.Plan((old or b"") + line, {"changed": True, "planned_on": old})
    return plan


def our_files(node) -> list:
    return sorted(path for path in node.snapshot()["state"]["files"] if path.lower().startswith(WORKER.lower() + "."))


def test_an_edit_keeps_a_copy_writes_beside_and_verifies_in_one_round_trip_more():
    runner, node = node_runner(scenario({WORKER: {"text": "a=1\r\n"}}))
    result = _files.edit_file(runner, WORKER, add_line(b"b=2\r\n"), check_mode=False)
    assert node.state.read_file(WORKER) == b"a=1\r\nb=2\r\n" and runner.round_trips == 2
    assert node.state.read_file(result["backup_file"]) == b"a=1\r\n" and result["attempts"] == 1
    assert our_files(node) == [result["backup_file"]]  # this run's temporary file went with the move


def test_check_mode_plans_on_one_read_and_sends_nothing_else():
    runner, node = node_runner(scenario({WORKER: {"text": "a=1\r\n"}}), check_mode=True)
    before = node.digest()
    result = _files.edit_file(runner, WORKER, add_line(b"b=2\r\n"), check_mode=True)
    assert result == {"changed": True, "planned_on": b"a=1\r\n", "attempts": 1} and runner.round_trips == 1
    assert node.digest() == before


def test_a_file_changed_between_the_read_and_the_write_is_planned_again_and_both_edits_stay():
    def other_writer(number, node):
        if number == 2:  # after this task's read, before its write
            node.state.write_file(WORKER, b"a=1\r\nother=1\r\n")

    runner, node = node_runner(scenario({WORKER: {"text": "a=1\r\n"}}), other_writer)
    result = _files.edit_file(runner, WORKER, add_line(b"b=2\r\n"), check_mode=False)
    assert node.state.read_file(WORKER) == b"a=1\r\nother=1\r\nb=2\r\n"
    assert result["attempts"] == 2 and result["planned_on"] == b"a=1\r\nother=1\r\n" and runner.round_trips == 3
    assert node.state.read_file(result["backup_file"]) == b"a=1\r\nother=1\r\n"


def test_the_guard_compares_bytes_exactly_where_base64_would_differ_only_in_case():
    # 'a' is YQ== and 0xCA is yq==: PowerShell's -eq ignores case, so a base64 guard would let this through
    def other_writer(number, node):
        if number == 2:
            node.state.write_file(WORKER, b"\xca")

    runner, node = node_runner(scenario({WORKER: {"text": "a"}}), other_writer)
    result = _files.edit_file(runner, WORKER, add_line(b"!"), check_mode=False)
    assert result["attempts"] == 2 and node.state.read_file(WORKER) == b"\xca!"


def test_a_file_created_meanwhile_is_not_overwritten():
    def other_writer(number, node):
        if number == 2:
            node.state.write_file(WORKER, b"theirs\r\n")

    runner, node = node_runner(scenario({}), other_writer)
    result = _files.edit_file(runner, WORKER, add_line(b"ours\r\n"), check_mode=False)
    assert node.state.read_file(WORKER) == b"theirs\r\nours\r\n" and result["attempts"] == 2


def test_a_file_that_keeps_changing_is_left_to_the_other_writer_after_max_attempts():
    def other_writer(number, node):
        if number >= 2:
            node.state.write_file(WORKER, f"theirs={number}\r\n".encode())

    runner, node = node_runner(scenario({WORKER: {"text": "a=1\r\n"}}), other_writer)
    with pytest.raises(RemediationError) as error:
        _files.edit_file(runner, WORKER, add_line(b"ours\r\n"), check_mode=False)
    assert "changed on the node each time" in str(error.value) and "wrote nothing" in str(error.value)
    assert error.value._result["changed"] is False and error.value._result["attempts"] == _files.MAX_ATTEMPTS
    assert runner.round_trips == 1 + _files.MAX_ATTEMPTS
    assert node.state.read_file(WORKER) == f"theirs={1 + _files.MAX_ATTEMPTS}\r\n".encode() and our_files(node) == []


@pytest.mark.parametrize("fault", [
    {"match": ["[IO.File]::WriteAllBytes"], "stderr": "There is not enough space on the disk."},
    {"match": ["Move-Item"], "stderr": "The process cannot access the file because it is being used by another process."},
])
def test_a_failed_write_or_move_leaves_the_file_byte_identical_and_never_moves_a_stale_temporary_file(fault):
    original = b"\xef\xbb\xbf{\r\n  \"a\": 1\r\n}"
    runner, node = node_runner(scenario({WORKER: {"base64": base64.b64encode(original).decode()},
                                         STALE: {"text": "{\"stale\": true}"}}))
    node.set_faults(parse_faults([fault]))
    with pytest.raises(RemediationError) as error:
        _files.edit_file(runner, WORKER, add_line(b"\r\n// new"), check_mode=False)
    message = str(error.value)
    assert node.state.read_file(WORKER) == original and "unchanged, byte for byte" in message
    assert fault["stderr"] in message and error.value._result["changed"] is False
    assert node.state.read_file(STALE) == b'{"stale": true}'  # not ours: neither moved nor removed
    leftovers = [p for p in our_files(node) if p.lower() != STALE.lower()]
    assert [p for p in leftovers if p.endswith(".tmp")] == []  # this run's temporary file was removed
    assert len(leftovers) == 1 and node.state.read_file(leftovers[0]) == original  # the backup


def test_the_undo_puts_the_copy_back_only_where_a_half_failed_move_left_no_file():
    replacement = _files.Replacement(WORKER, b"old", b"new")
    undo = list(replacement.change().undo)
    # Move-Item -Force deletes the target before it renames: a failure in between leaves no file
    runner, node = node_runner(scenario({replacement.backup: {"text": "old"}, replacement.temp: {"text": "new"}}))
    restore, cleanup = runner.run(undo)
    assert restore.ok and cleanup.ok and node.state.read_file(WORKER) == b"old"
    assert not node.state.is_file(replacement.temp) and node.state.read_file(replacement.backup) == b"old"
    # a move that failed cleanly left the file: the copy is not put over it
    runner, node = node_runner(scenario({WORKER: {"text": "theirs"}, replacement.backup: {"text": "old"},
                                         replacement.temp: {"text": "new"}}))
    restore, cleanup = runner.run(undo)
    assert not restore.ok and "already exists" in restore.stderr and cleanup.ok
    assert node.state.read_file(WORKER) == b"theirs" and not node.state.is_file(replacement.temp)


def test_a_failed_guard_runs_no_step_and_an_undo_that_touches_nothing():
    outcome_runner, node = node_runner(scenario({WORKER: {"text": "theirs"}}))
    replacement = _files.Replacement(WORKER, b"old", b"new")
    before = node.state.read_file(WORKER)
    outcome = outcome_runner.run_change(replacement.change())
    assert outcome.steps[0].stdout == "False\n" and outcome.steps[1:] == [None, None, None]
    assert node.state.read_file(WORKER) == before and our_files(node) == []
    assert _files.parse_read(*outcome.verify) == b"theirs"


def test_content_larger_than_the_cap_is_refused_before_any_change():
    runner, node = node_runner(scenario({WORKER: {"text": "a"}}))
    before = node.digest()
    with pytest.raises(RemediationError) as error:
        _files.edit_file(runner, WORKER, lambda old: _files.Plan(b"x" * (_files.MAX_FILE_BYTES + 1), {}), check_mode=False)
    assert "at most 10485760 bytes" in str(error.value) and "Nothing was changed" in str(error.value)
    assert runner.round_trips == 1 and node.digest() == before


def test_content_far_beyond_a_command_line_is_written_intact():
    data = bytes(range(256)) * 200  # 51,200 bytes: the script is far longer than 8191 characters
    runner, node = node_runner(scenario({WORKER: {"text": "a"}}))
    _files.edit_file(runner, WORKER, lambda old: _files.Plan(data if old != data else None, {}), check_mode=False)
    assert node.state.read_file(WORKER) == data


# --------------------------------------------------------------------------- hostile paths (issue 10)

from hostile import embedded  # noqa: E402

PATH_VALUES = embedded("C:\\Data\\", ".json")


@pytest.mark.parametrize("value", PATH_VALUES.values(), ids=PATH_VALUES.keys())
def test_hostile_paths_are_refused_or_reach_the_node_exactly(value):
    try:
        _files.validate_edit_path(value)
    except InvalidValue as error:
        message = str(error)
        assert message.startswith("path ") and repr(value)[:60] in message and "is not valid: " in message
        return
    # accepted: the node's PowerShell reads exactly this path, for the file and this run's names beside it
    replacement = _files.Replacement(value, b"old", b"new")
    for path in (value, replacement.temp, replacement.backup):
        runner, node = node_runner({"node": {"directories": ["C:\\", "C:\\Data"], "files": {path: {"text": "here"}}}})
        assert _files.parse_read(*runner.run(_files.read_commands(path))) == b"here"
        assert [c["argv"][:3] for c in node.commands() if c["argv"][0] == "Test-Path"] == [["Test-Path", "-LiteralPath", path]]


def test_names_too_long_for_the_backup_beside_them_are_refused():
    name = "C:\\Data\\" + "n" * (255 - _files.EDIT_SUFFIX_ROOM)
    assert _files.validate_edit_path(name) == name
    with pytest.raises(InvalidValue, match="adds 34 to the file's name"):
        _files.validate_edit_path(name + "n")
    with pytest.raises(InvalidValue, match="devices"):
        _files.validate_path("C:\\Data\\nul.json")
