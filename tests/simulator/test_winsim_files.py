"""Files and folders: the cmdlet forms of docs/dev/remote-execution.md, .NET file calls, the hosts
file, Windows path rules and the stdin secret form."""

from __future__ import annotations

import base64

import pytest
from winsim_helpers import make_node, run, run_many, run_one

from winsim.cmdlets import MESSAGES

LOGS = {
    "node": {
        "directories": ["C:\\", "C:\\Logs", "C:\\Logs\\Sub", "C:\\Windows\\Temp"],
        "files": {
            "C:\\Logs\\old.log": {"text": "a\r\nb\r\n", "mtime": "2025-01-01T00:00:00Z"},
            "C:\\Logs\\new.log": {"text": "line1\r\nline2\r\nline3\r\n", "mtime": "2025-01-05T00:00:00Z"},
            "C:\\Logs\\mid.txt": {"text": "x", "mtime": "2025-01-03T00:00:00Z"},
            "C:\\Logs\\Sub\\deep.log": {"text": "deep", "mtime": "2025-01-06T00:00:00Z"},
            "C:\\Secret\\locked.txt": {"text": "no", "acl": ["*S-1-5-18:(F)"], "protected": True},
        },
    },
}


@pytest.fixture
def node():
    return make_node(LOGS)


@pytest.mark.parametrize("command, out", [
    ("Test-Path -LiteralPath 'C:\\Logs\\new.log'", ["True"]),
    ("Test-Path -LiteralPath 'c:/LOGS/NEW.LOG'", ["True"]),  # case-insensitive, both separators
    ("Test-Path -LiteralPath 'C:\\Logs\\new.log' -PathType Leaf", ["True"]),
    ("Test-Path -LiteralPath 'C:\\Logs\\new.log' -PathType Container", ["False"]),
    ("Test-Path -LiteralPath 'C:\\Logs' -PathType Container", ["True"]),
    ("Test-Path -LiteralPath 'C:\\Logs\\none.log'", ["False"]),
    ("Test-Path -LiteralPath 'C:\\Logs\\a*b'", ["False"]),  # literal: a wildcard means nothing
    ("Test-Path -LiteralPath 'C:\\Windows\\System32\\drivers\\etc\\hosts'", ["True"]),
])
def test_test_path(node, command, out):
    assert run_one(node, command) == {"number": 1, "out": out, "err": [], "rc": 0}


def test_newest_files_of_a_folder(node):
    command = ("Get-ChildItem -LiteralPath 'C:\\Logs' -File -ErrorAction SilentlyContinue | Sort-Object LastWriteTime "
               "-Descending | Select-Object -First 2 -ExpandProperty FullName")
    assert run_one(node, command)["out"] == ["C:\\Logs\\new.log", "C:\\Logs\\mid.txt"]
    missing = run_one(node, command.replace("C:\\Logs", "C:\\Nope"))
    assert missing == {"number": 1, "out": [], "err": [], "rc": 0}  # SilentlyContinue: no error line


def test_directory_listing_forms(node):
    assert run_one(node, "Get-ChildItem -LiteralPath 'C:\\Logs' -Name")["out"] == [
        "Sub", "mid.txt", "new.log", "old.log"]
    assert run_one(node, "Get-ChildItem -LiteralPath 'C:\\Logs' -Recurse -Filter '*.log' -Name")["out"] == [
        "new.log", "old.log", "Sub\\deep.log"]
    assert run_one(node, "Get-ChildItem -LiteralPath 'C:\\Logs' -Directory")["out"] == ["Sub"]  # FileInfo -> name
    missing = run_one(node, "Get-ChildItem -LiteralPath 'C:\\Nope' -File")
    assert missing["err"] == [MESSAGES["not_found"].format(path="C:\\Nope")] and missing["out"] == []


def test_get_content_tail_raw_and_type(node):
    assert run_one(node, "Get-Content -LiteralPath 'C:\\Logs\\new.log' -Tail 2 -ErrorAction SilentlyContinue")[
        "out"] == ["line2", "line3"]
    assert run_one(node, "Get-Content -LiteralPath 'C:\\Logs\\new.log' -Tail 0")["out"] == []
    assert run_one(node, "Get-Content -LiteralPath 'C:\\Logs\\none.log' -Tail 5 -ErrorAction SilentlyContinue") == {
        "number": 1, "out": [], "err": [], "rc": 0}
    raw = run(node, "Get-Content -LiteralPath 'C:\\Logs\\new.log' -Raw").stdout
    assert raw == ["line1\r\nline2\r\nline3\r\n"]
    assert run(node, "type C:\\Logs\\old.log").stdout == ["a", "b"]
    missing = run_one(node, "Get-Content -LiteralPath 'C:\\Logs\\none.log'")
    assert missing["err"] == ["Cannot find path 'C:\\Logs\\none.log' because it does not exist."]


def test_get_content_decodes_like_windows_powershell(node):
    run_one(node, "[IO.File]::WriteAllBytes('C:\\Logs\\enc.txt', [Convert]::FromBase64String('"
            + base64.b64encode("caf\u00e9\r\n".encode("cp1252")).decode() + "'))")
    assert run_one(node, "Get-Content -LiteralPath 'C:\\Logs\\enc.txt'")["out"] == ["caf\u00e9"]  # ANSI
    run_one(node, "[IO.File]::WriteAllBytes('C:\\Logs\\enc.txt', [Convert]::FromBase64String('"
            + base64.b64encode(b"\xef\xbb\xbf" + "caf\u00e9".encode()).decode() + "'))")
    assert run_one(node, "Get-Content -LiteralPath 'C:\\Logs\\enc.txt'")["out"] == ["caf\u00e9"]  # BOM: UTF-8


def test_exact_bytes_round_trip_write_beside_then_replace_and_keep_a_copy(node):
    content = b"\x00\x01binary\r\n\xff"
    b64 = base64.b64encode(content).decode()
    results = run_many(
        node,
        "[Convert]::ToBase64String([IO.File]::ReadAllBytes('C:\\Logs\\new.log'))",
        f"[IO.File]::WriteAllBytes('C:\\Logs\\new.log.tmp', [Convert]::FromBase64String('{b64}'))",
        "Copy-Item -LiteralPath 'C:\\Logs\\new.log' -Destination 'C:\\Logs\\new.log.bak' -Force",
        "Move-Item -LiteralPath 'C:\\Logs\\new.log.tmp' -Destination 'C:\\Logs\\new.log' -Force",
        "[Convert]::ToBase64String([IO.File]::ReadAllBytes('C:\\Logs\\new.log'))",
    )
    assert [r["rc"] for r in results] == [0, 0, 0, 0, 0] and all(not r["err"] for r in results)
    assert base64.b64decode(results[0]["out"][0]) == b"line1\r\nline2\r\nline3\r\n"
    assert base64.b64decode(results[4]["out"][0]) == content
    assert node.state.read_file("C:\\Logs\\new.log.bak") == b"line1\r\nline2\r\nline3\r\n"
    assert not node.state.is_file("C:\\Logs\\new.log.tmp")
    # Copy-Item keeps the time of the copied file
    assert node.state.fs.get("C:\\Logs\\new.log.bak").mtime == node.state.fs.get("C:\\Logs\\old.log").mtime + 4 * 86400


def test_move_without_force_onto_an_existing_file_fails_and_changes_nothing(node):
    before = node.digest()
    result = run_one(node, "Move-Item -LiteralPath 'C:\\Logs\\old.log' -Destination 'C:\\Logs\\new.log'")
    assert result["err"] == [MESSAGES["exists"]]
    assert node.digest() == before


def test_dotnet_exceptions_end_the_statement_and_reach_stderr(node):
    outcome = run(node, "$LASTEXITCODE = 0\n[Convert]::ToBase64String([IO.File]::ReadAllBytes('C:\\Logs\\no.bin'))"
                        " 2>&1 | ForEach-Object { 'O ' + $_ }\n'after ' + $?")
    assert outcome.stdout == ["after False"]
    assert outcome.stderr[0] == ('Exception calling "ReadAllBytes" with "1" argument(s): '
                                 "\"Could not find file 'C:\\Logs\\no.bin'.\"")
    parent = run(node, "[IO.File]::WriteAllBytes('C:\\No\\x.bin', [Convert]::FromBase64String('AA=='))")
    assert "Could not find a part of the path 'C:\\No\\x.bin'." in parent.stderr[0]
    denied = run(node, "[Convert]::ToBase64String([IO.File]::ReadAllBytes('C:\\Secret\\locked.txt'))")
    assert "Access to the path 'C:\\Secret\\locked.txt' is denied." in denied.stderr[0]
    bad = run(node, "[Convert]::FromBase64String('***')")
    assert "not a valid Base-64 string" in bad.stderr[0]


def test_access_denied_for_cmdlets(node):
    result = run_one(node, "Get-Content -LiteralPath 'C:\\Secret\\locked.txt'")
    assert result["err"] == ["Access to the path 'C:\\Secret\\locked.txt' is denied."]


def test_environment_expansion_is_explicit(node):
    assert run(node, "[Environment]::ExpandEnvironmentVariables('%ProgramData%\\Microsoft\\%NOPE%')").stdout == [
        "C:\\ProgramData\\Microsoft\\%NOPE%"]
    # cmdlets do not expand %VAR%: such a path is relative, and refused
    assert run_one(node, "Test-Path -LiteralPath 'C:\\%ProgramData%'")["out"] == ["False"]


def test_hosts_file_is_a_normal_file(node):
    out = run_one(node, "Get-Content -LiteralPath 'C:\\Windows\\System32\\drivers\\etc\\hosts'")["out"]
    assert "# localhost name resolution is handled within DNS itself." in out


def test_stdin_secret_is_passed_to_the_tool_and_masked_in_the_log():
    node = make_node("scaleout_master_healthy")
    result = run_one(node, "netsh http show sslcert $p", stdin=b"ipport=0.0.0.0:8391\r\n",
                     prefix="$p = [Console]::In.ReadLine()")
    assert result["rc"] == 0 and "    IP:port                      : 0.0.0.0:8391" in result["out"]
    [entry] = node.log_snapshot()
    assert entry["native"][0]["argv"] == ["netsh", "http", "show", "sslcert", "***"]
    assert "ipport=0.0.0.0:8391" not in repr(entry)
    assert entry["stdin_bytes"] == 21


def test_try_catch_form_of_dotnet_expressions(node):
    """The runner's form for .NET expressions: try { expr | ForEach-Object {...} } catch { 'E ' + $_; ... }."""
    def expression(line):
        script = ("$ErrorActionPreference = 'Continue'\n'##irops begin 1'\n$LASTEXITCODE = 0\n"
                  f"try {{ {line} | ForEach-Object {{ 'O ' + $_ }} }} catch {{ 'E ' + $_; $LASTEXITCODE = 1 }}\n"
                  "'##irops end 1 ' + $LASTEXITCODE\nexit 0")
        outcome = run(node, script)
        assert outcome.exit_code == 0 and outcome.stderr == [], outcome
        return outcome.stdout[1:-1], outcome.stdout[-1]

    out, end = expression("[Convert]::ToBase64String([IO.File]::ReadAllBytes('C:\\Logs\\old.log'))")
    assert out == ["O " + base64.b64encode(b"a\r\nb\r\n").decode()] and end == "##irops end 1 0"
    out, end = expression("[Convert]::ToBase64String([IO.File]::ReadAllBytes('C:\\Logs\\no.log'))")
    assert out == ['E Exception calling "ReadAllBytes" with "1" argument(s): "Could not find file '
                   "'C:\\Logs\\no.log'.\""] and end == "##irops end 1 1"


def test_dns_lookup_expression(sim):
    import winsim

    handle = sim(winsim.group_nodes("shir_localhost_unresolvable"))
    ok = run(handle.node("shir02"), "[System.Net.Dns]::GetHostAddresses('shir01.contoso.local') | "
                                    "ForEach-Object { 'O ' + $_ }")
    assert ok.stdout == ["O 10.0.1.11"]
    broken = run(handle.node("shir01"), "try { [System.Net.Dns]::GetHostAddresses('localhost') | ForEach-Object "
                                        "{ 'O ' + $_ } } catch { 'E ' + $_ }")
    assert broken.stdout == ['E Exception calling "GetHostAddresses" with "1" argument(s): "A non-recoverable error '
                             'occurred during a database lookup"']
    unknown = run(handle.node("shir02"), "[System.Net.Dns]::GetHostAddresses('nowhere')")
    assert "No such host is known" in unknown.stderr[0]
