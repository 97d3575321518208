"""Files on the node: paths, the documented cmdlet/expression forms, and the replace sequence."""

from __future__ import annotations

import base64

import pytest

from ansible_collections.irops.remediation.plugins.plugin_utils import _files
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult, build_script

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
    write = _files.write_command("C:\\x.irops-new", b"\x00\xff")
    assert write.line == "[IO.File]::WriteAllBytes('C:\\x.irops-new', [Convert]::FromBase64String('AP8='))"
    assert not write.read_only
    assert _files.copy_command("C:\\a", "C:\\b").line == "Copy-Item -LiteralPath C:\\a -Destination C:\\b -Force"
    assert _files.move_command("C:\\a b", "C:\\c").line == "Move-Item -LiteralPath 'C:\\a b' -Destination C:\\c -Force"
    script = build_script(_files.replace_commands(WORKER, b"{}", "C:\\w.bak"))[0]
    assert "try { [IO.File]::WriteAllBytes(" in script and script.count("##irops begin") == 5


def test_backup_names_carry_the_utc_time():
    assert _files.backup_path("C:\\etc\\hosts", now=0) == "C:\\etc\\hosts.19700101T000000Z.bak"
    assert _files.temp_path("C:\\etc\\hosts") == "C:\\etc\\hosts.irops-new"


def _result(command, rc=0, stdout="", stderr=""):
    return CommandResult(command.line, rc, stdout, stderr)


def test_parse_read():
    exists, read = _files.read_commands(WORKER)
    assert _files.parse_read(_result(exists, stdout="False\n"), _result(read, 1, stderr="Could not find file")) is None
    data = b'{\r\n  "a": 1\r\n}'
    assert _files.parse_read(_result(exists, stdout="True\n"), _result(read, stdout=base64.b64encode(data).decode() + "\n")) == data
    with pytest.raises(RemediationError):
        _files.parse_read(_result(exists, stdout="True\n"), _result(read, 1, stderr="Access to the path is denied."))


def test_content_too_large_for_one_command_line_is_refused_before_any_change():
    with pytest.raises(RemediationError) as error:
        _files.replace_commands(WORKER, b"x" * (_files.MAX_WRITE_BYTES + 1), None)
    assert "Nothing was changed" in str(error.value)


class FakeRunner:
    """Plays the node: a file system of one file, with a failing step if asked."""

    def __init__(self, content: bytes, fail: str | None = None):
        self.files = {WORKER: content}
        self.fail = fail
        self.batches = []

    def run(self, commands):
        self.batches.append([c.line for c in commands])
        results = []
        for command in commands:
            verb = command.line.split()[0].split("(")[0]
            if self.fail and self.fail in command.line:
                results.append(_result(command, 1, stderr="Access to the path is denied."))
                self.fail = None
            elif verb == "Copy-Item":
                self.files[command.args[3]] = self.files[command.args[1]]
                results.append(_result(command))
            elif verb == "Move-Item" and command.args[1] not in self.files:
                results.append(_result(command, 1, stderr=f"Cannot find path '{command.args[1]}' because it does not exist."))
            elif verb == "Move-Item":
                self.files[command.args[3]] = self.files.pop(command.args[1])
                results.append(_result(command))
            elif "WriteAllBytes" in command.line:
                self.files[command.values[0]] = base64.b64decode(command.values[1])
                results.append(_result(command))
            elif verb == "Test-Path":
                results.append(_result(command, stdout=f"{command.args[1] in self.files}\n"))
            else:
                data = self.files.get(command.values[0])
                results.append(_result(command, stdout=base64.b64encode(data).decode() + "\n") if data is not None
                               else _result(command, 1, stderr="Could not find file"))
        return results


def test_replacement_keeps_a_copy_and_verifies():
    runner = FakeRunner(b"old")
    outcome = _files.Replacement(runner, WORKER, b"old", b"new").run()
    assert runner.files[WORKER] == b"new" and runner.files[outcome["backup_file"]] == b"old"
    assert len(runner.batches) == 1 and _files.temp_path(WORKER) not in runner.files


def test_a_failed_backup_undoes_the_change():
    runner = FakeRunner(b"old", fail="Copy-Item")
    with pytest.raises(RemediationError) as error:
        _files.Replacement(runner, WORKER, b"old", b"new").run()
    assert runner.files[WORKER] == b"old" and error.value._result == {"changed": False, "restored": True}
    assert "the change was undone" in str(error.value) and len(runner.batches) == 2


def test_a_failed_write_leaves_the_file_unchanged():
    runner = FakeRunner(b"old", fail="WriteAllBytes")
    with pytest.raises(RemediationError) as error:
        _files.Replacement(runner, WORKER, b"old", b"new").run()
    assert runner.files[WORKER] == b"old" and "The file is unchanged" in str(error.value)
