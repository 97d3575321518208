"""The .NET file calls a guarded file replacement needs: [IO.File]::Copy (never overwrites),
[IO.File]::Delete (no error for a missing file), [BitConverter]::ToString (exact, case-free hex
for comparing contents with -eq), and injected faults on .NET calls."""

from __future__ import annotations

import pytest
from winsim_helpers import make_node, parse_batch, run

from winsim.node import parse_faults

NODE = {"node": {"directories": ["C:\\", "C:\\D", "C:\\Locked"],
                 "files": {"C:\\D\\a.txt": {"text": "alpha"}, "C:\\D\\b.txt": {"text": "beta"},
                           "C:\\D\\ro.txt": {"text": "ro", "acl": ["*S-1-5-32-544:(DENY)(W,D)"]},
                           "C:\\Locked\\x.txt": {"text": "x", "acl": ["*S-1-5-18:(F)"], "protected": True}}}}


@pytest.fixture
def node():
    return make_node(NODE)


def call(node, line: str) -> dict:
    """A .NET expression in the runner's form (docs/dev/remote-execution.md): an exception is caught."""
    script = ("$ErrorActionPreference = 'Continue'\n'##irops begin 1'\n$LASTEXITCODE = 0\n"
              f"try {{ {line} | ForEach-Object {{ 'O ' + $_ }} }} catch {{ 'E ' + $_; $LASTEXITCODE = 1 }}\n"
              "'##irops end 1 ' + $LASTEXITCODE\nexit 0")
    outcome = run(node, script)
    assert outcome.exit_code == 0 and outcome.stderr == [], outcome
    [result] = parse_batch(outcome.stdout)
    return result


def test_copy_creates_the_destination_only_when_it_does_not_exist(node):
    assert call(node, "[IO.File]::Copy('C:\\D\\a.txt', 'C:\\D\\c.txt')") == {"number": 1, "out": [], "err": [], "rc": 0}
    assert node.state.read_file("C:\\D\\c.txt") == b"alpha"
    before = node.digest()
    result = call(node, "[IO.File]::Copy('C:\\D\\a.txt', 'C:\\D\\b.txt')")
    assert result["err"] == ['Exception calling "Copy" with "2" argument(s): "The file \'C:\\D\\b.txt\' already exists."']
    assert node.digest() == before and node.state.read_file("C:\\D\\b.txt") == b"beta"


@pytest.mark.parametrize("source, destination, message", [
    ("C:\\D\\none.txt", "C:\\D\\n.txt", "Could not find file 'C:\\D\\none.txt'."),
    ("C:\\D\\a.txt", "C:\\Nope\\n.txt", "Could not find a part of the path 'C:\\Nope\\n.txt'."),
    ("C:\\Locked\\x.txt", "C:\\D\\n.txt", "Access to the path 'C:\\Locked\\x.txt' is denied."),
])
def test_copy_errors_change_nothing(node, source, destination, message):
    before = node.digest()
    result = call(node, f"[IO.File]::Copy('{source}', '{destination}')")
    assert message in result["err"][0] and result["rc"] == 1
    assert node.digest() == before


def test_delete_removes_a_file_and_ignores_a_missing_one(node):
    assert call(node, "[IO.File]::Delete('C:\\D\\a.txt')")["err"] == []
    assert not node.state.is_file("C:\\D\\a.txt")
    before = node.digest()
    assert call(node, "[IO.File]::Delete('C:\\D\\a.txt')") == {"number": 1, "out": [], "err": [], "rc": 0}
    assert "Could not find a part of the path" in call(node, "[IO.File]::Delete('C:\\Nope\\a.txt')")["err"][0]
    assert "is denied" in call(node, "[IO.File]::Delete('C:\\D\\ro.txt')")["err"][0]
    assert node.digest() == before


def test_bitconverter_hex_is_exact_and_compares_with_eq(node):
    assert run(node, "[BitConverter]::ToString([IO.File]::ReadAllBytes('C:\\D\\a.txt'))").stdout == ["61-6C-70-68-61"]
    assert run(node, "[BitConverter]::ToString([Convert]::FromBase64String(''))").stdout == [""]
    # -eq ignores case, which base64 does not survive ('YQ==' is 'a', 'yq==' is not): hex does
    same = run(node, "$r = [Convert]::ToBase64String([Convert]::FromBase64String('YQ==')) -eq 'yq=='\n$r")
    assert same.stdout == ["True"]
    exact = run(node, "$r = [IO.File]::Exists('C:\\D\\a.txt') -and "
                      "[BitConverter]::ToString([IO.File]::ReadAllBytes('C:\\D\\a.txt')) -eq '61-6C-70-68-61'\n$r")
    assert exact.stdout == ["True"]
    absent = run(node, "$r = [IO.File]::Exists('C:\\D\\z.txt') -and "
                       "[BitConverter]::ToString([IO.File]::ReadAllBytes('C:\\D\\z.txt')) -eq ''\n$r")
    assert absent.stdout == ["False"] and absent.stderr == []  # -and stops before the read


def test_a_fail_fault_makes_a_dotnet_call_throw_and_change_nothing(node):
    node.set_faults(parse_faults([{"match": ["[IO.File]::WriteAllBytes"], "stderr": "There is not enough space on the disk."}]))
    before = node.digest()
    line = "[IO.File]::WriteAllBytes('C:\\D\\n.txt', [Convert]::FromBase64String('AA=='))"
    result = call(node, line)
    assert result["err"] == ['Exception calling "WriteAllBytes" with "2" argument(s): "There is not enough space on the disk."']
    assert node.digest() == before
    [entry] = node.log_snapshot()
    assert entry["cmdlets"][-1] == {"argv": ["[IO.File]::WriteAllBytes", "C:\\D\\n.txt", "<1 bytes>"], "ok": False}
    assert call(node, line)["err"] == [] and node.state.read_file("C:\\D\\n.txt") == b"\x00"  # one occurrence
