"""The PowerShell subset: tokenizing, parsing, refusing, and running like powershell.exe."""

from __future__ import annotations

import pytest
from winsim_helpers import batch, make_node, parse_batch, run, run_one

from winsim import powershell
from winsim.node import parse_faults
from winsim.powershell import Pipeline, ScriptRefused, parse


def args_of(script: str) -> list[str]:
    [statement] = parse(script)
    assert isinstance(statement, Pipeline) and statement.commands
    return [a.value for a in statement.commands[0].args]


# --------------------------------------------------------------------------- tokenizer
@pytest.mark.parametrize("script, expected", [
    ("netsh http show sslcert", ["http", "show", "sslcert"]),
    ("netsh  http\tshow\u00a0sslcert", ["http", "show", "sslcert"]),  # tab and NBSP are whitespace
    ("netsh 'it''s'", ["it's"]),
    ("netsh 'a b'", ["a b"]),
    ("netsh \u2018it\u2019\u2019s\u2019", ["it\u2019s"]),  # typographic quotes are single quotes
    ("netsh \u201aa\u201b", ["a"]),
    ("netsh 'a\u2019'b'", ["a'b"]),  # a mixed pair is an escaped quote; the second char is kept
    ("netsh appid='{4dc3e181-e14b-4a21-b022-59fc669b0914}'", ["appid={4dc3e181-e14b-4a21-b022-59fc669b0914}"]),
    ("netsh a'b c'd", ["ab cd"]),
    ('netsh "a""b"', ['a"b']),
    ('netsh "tab`there"', ["tab\there"]),
    ('netsh \u201cdouble\u201d', ["double"]),
    ("netsh a#b # comment", ["a#b"]),
    ("netsh ipport=0.0.0.0:8391", ["ipport=0.0.0.0:8391"]),
    ("netsh C:\\Program_Files\\x.txt", ["C:\\Program_Files\\x.txt"]),
])
def test_arguments_are_tokenized_like_powershell(script, expected):
    assert args_of(script) == expected


def test_parameters_and_redirection_are_recognised():
    [statement] = parse("Remove-Item 'C:\\x' -Force -Recurse")
    command = statement.commands[0]
    assert [(a.value, a.parameter) for a in command.args] == [("C:\\x", False), ("-Force", True), ("-Recurse", True)]
    [statement] = parse("netsh http show sslcert 2>&1")
    assert statement.commands[0].merge_stderr is True
    assert [a.value for a in statement.commands[0].args] == ["http", "show", "sslcert"]


def test_statements_split_on_newlines_and_semicolons():
    statements = parse("'a'; 'b'\n# a comment\n\n'c' # trailing\r\nexit 0;")
    assert [s.text for s in statements] == ["'a'", "'b'", "'c'", "exit 0"]


def test_runner_batch_parses_to_the_expected_statements():
    statements = parse(batch("netsh http show sslcert"))
    kinds = [type(s).__name__ for s in statements]
    assert kinds == ["Assignment", "Pipeline", "Assignment", "Pipeline", "Pipeline", "Exit"]
    pipe = statements[3]
    assert [c.name for c in pipe.commands] == ["netsh", "ForEach-Object"]
    assert isinstance(pipe.commands[1].args[0], powershell.ScriptBlock)


@pytest.mark.parametrize("script, reason", [
    ('netsh "$(Remove-Item C:\\x)"', "subexpressions"),
    ('netsh "$env:TEMP"', "variable expansion"),
    ("netsh appid={4dc3e181-e14b-4a21-b022-59fc669b0914}", "bare '{'"),
    ("netsh (Get-Date)", "bare '('"),
    ("netsh @args", "'@'"),
    ("netsh $name", "variable expansion"),
    ("netsh --% http show", "stop-parsing"),
    ("netsh http show sslcert && del x", "'&&'"),
    ("netsh http show sslcert || del x", "'||'"),
    ("netsh http `\nshow sslcert", "backtick"),
    ("netsh a`b", "backtick"),
    ("netsh a,b", "','"),
    ("netsh http show sslcert > C:\\out.txt", "2>&1"),
    ("netsh http show sslcert 2>$null", "2>&1"),
    ("netsh http show sslcert *>&1", "2>&1"),
    ("& netsh http", "'&'"),
    (". C:\\evil.ps1", "'.'"),
    ("foreach ($x in 1) { 'a' }", "foreach"),
    ("try { 'a' } finally { 'b' } finally { 'c' }", "one finally block"),
    ("try { 'a' }", "needs a catch or a finally"),
    ("finally { 'b' }", "without a preceding try"),
    ("& ([IO.File]::ReadAllBytes('C:\\x'))", "only before ([ScriptBlock]::Create"),
    ("do { 'a' } while ($true)", "'do' keyword"),
    ("'a' -like 'b'", "operator -like"),
    ("try { 'a' } catch [System.IO.IOException] { 'b' }", "typed catch"),
    ("catch { 'b' }", "without a preceding try"),
    ("function f { }", "function"),
    ("<# block #> netsh", "block comments"),
    ("netsh 'unterminated", "unterminated"),
    ("$x = 1; $x.Length", "member access"),
    ("netsh $y", "variable expansion"),
    ("$p = [Console]::In.ReadLine(); netsh a$p", "variable expansion"),
    ("$env:Path", "scoped or drive"),
    ("[Console]::WriteLine('x')", "[console]::WriteLine is not supported"),
    ("[Diagnostics.Process]::Start('calc')", "type [diagnostics.process]"),
    ("[IO.File]::ReadAllBytes('a', 'b')", "takes 1 argument"),
    ("[IO.File]::ReadAllBytes('a').Length", "token '.'"),
    ("'a' | Out-File C:\\x", "piping an expression"),
    ("'a' -f 'b'", "operator -f"),
    ("$_.Exception", "member access"),
    ("netsh http show sslcert }", "unexpected '}'"),
    ("'a' 'b'", "after a statement"),
    ("Write-Output @'\nx\n'@", "'@'"),
    ("netsh \"a`", "unterminated"),
    ("'ok'\nnetsh ipport=$(whoami)", "variable expansion"),
])
def test_hostile_or_unsupported_syntax_is_refused(script, reason):
    with pytest.raises(ScriptRefused) as caught:
        parse(script)
    assert reason in caught.value.reason


def test_a_parse_refusal_runs_nothing_and_is_recorded(allow_refusals):
    node = make_node("scaleout_master_binding_missing")
    before = node.digest()
    outcome = run(node, "netsh http add sslcert ipport=0.0.0.0:8391 "
                        "certhash=ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b "
                        "appid='{fbd80bfd-9ab6-5dc8-a84b-37651993b139}' certstorename=Root\n"
                        "netsh http delete sslcert ipport=$(whoami)")
    assert outcome.exit_code == 1
    assert outcome.stdout == []
    assert outcome.stderr[0] == "winsim: refused: netsh http delete sslcert ipport=$(whoami)"
    assert node.digest() == before  # the valid first statement did not run either
    [refusal] = allow_refusals()
    assert refusal["node"] == "node1" and "ipport=$(whoami)" in refusal["statement"]
    assert node.log_snapshot()[-1]["refused"][0]["statement"] == refusal["statement"]


def test_unknown_command_is_refused_at_run_time_and_the_script_goes_on(allow_refusals):
    node = make_node()
    outcome = run(node, batch("Invoke-Expression 'netsh http show sslcert'", "netsh http show sslcert"))
    first, second = parse_batch(outcome.stdout)
    assert first == {"number": 1, "out": [], "err": [], "rc": 0}  # never ran: the 0 set before a cmdlet stays
    assert second["rc"] == 0 and second["out"][1] == "SSL Certificate bindings:"
    assert "winsim: refused: Invoke-Expression 'netsh http show sslcert'" in outcome.stderr[0]
    assert len(allow_refusals()) == 1


@pytest.mark.parametrize("command, reason", [
    ("netsh.com http show sslcert", "no emulated executable"),
    ("cmd /c netsh", "no emulated executable"),
    ("netsh advfirewall show allprofiles", "only `netsh advfirewall firewall"),
    ("netsh wlan show profiles", "only `netsh http"),
    ("Get-ChildItem -LiteralPath 'C:\\' | Out-File C:\\x.txt", "only ForEach-Object"),
    ("Test-Path -LiteralPath 'relative'", "relative"),
    ("Get-ChildItem -LiteralPath 'C:\\' -Depth 2", "-Depth"),
    ("Get-Content -Path 'C:\\*.txt'", "wildcard"),
    ("Test-NetConnection -ComputerName a", "InformationLevel Quiet"),
    ("netsh http show sslcert ipport=0.0.0.0:1 foo=bar", "keyword 'foo'"),
    ("'x' | netsh", "piping an expression"),
])
def test_unsupported_commands_and_arguments_are_refused(allow_refusals, command, reason):
    node = make_node()
    outcome = run(node, batch(command))
    assert outcome.stderr[0].startswith("winsim: refused: ")
    assert reason in outcome.stderr[1]
    assert allow_refusals()


def test_pipe_into_anything_but_foreach_object_is_refused(allow_refusals):
    outcome = run(make_node(), "netsh http show sslcert | Out-File C:\\x.txt")
    assert outcome.exit_code == 1
    assert "only ForEach-Object" in outcome.stderr[1]


# --------------------------------------------------------------------------- semantics
def test_expression_statements_write_lines():
    outcome = run(make_node(), "'a' + 'b'\n\"c`td\"\n'n=' + 5\n$LASTEXITCODE = 7\n'rc ' + $LASTEXITCODE")
    assert outcome.stdout == ["ab", "c\td", "n=5", "rc 7"]
    assert outcome.exit_code == 0


def test_exit_codes_follow_powershell_exe():
    node = make_node()
    assert run(node, "exit 3").exit_code == 3
    assert run(node, "'x'").exit_code == 0
    # the last statement failed: 1; a failing statement followed by a good one: 0
    assert run(node, "netsh http show sslcert ipport=0.0.0.0:1").exit_code == 1
    assert run(node, "netsh http show sslcert ipport=0.0.0.0:1\n'x'").exit_code == 0
    assert run(node, "netsh http delete sslcert ipport=0.0.0.0:1\nexit $LASTEXITCODE").exit_code == 1
    assert run(node, "$LASTEXITCODE = 5; exit $LASTEXITCODE").exit_code == 5
    assert run(node, "exit").exit_code == 0


def test_native_output_without_pipeline_goes_to_stdout_with_crlf_lines():
    outcome = run(make_node(), "netsh http show sslcert")
    assert outcome.stdout[:4] == ["", "SSL Certificate bindings:", "-------------------------", ""]


def test_stderr_lines_become_error_records_with_2to1_and_stay_in_order():
    node = make_node()
    node.set_faults(parse_faults([{"match": ["netsh"], "action": "fail", "exit_code": 5,
                                   "stdout": "first\r\n", "stderr": "oops 1\r\noops 2\r\n"}]))
    result = run_one(node, "netsh http show sslcert")
    assert result == {"number": 1, "out": ["first"], "err": ["oops 1", "oops 2"], "rc": 5}


def test_without_2to1_stderr_goes_to_the_script_stderr():
    node = make_node()
    node.set_faults(parse_faults([{"match": "netsh", "stdout": "o", "stderr": "e", "exit_code": 2}]))
    outcome = run(node, "netsh http show sslcert | ForEach-Object { 'got ' + $_ }\n'rc ' + $LASTEXITCODE")
    assert outcome.stdout == ["got o", "rc 2"]
    assert outcome.stderr == ["e"]


def test_error_action_stop_terminates_on_native_stderr_under_2to1():
    node = make_node()
    node.set_faults(parse_faults([{"match": "netsh", "stderr": "bad thing", "exit_code": 1}]))
    outcome = run(node, "$ErrorActionPreference = 'Stop'\nnetsh http show sslcert 2>&1 | ForEach-Object { 'x' }\n'after'")
    assert outcome.exit_code == 1
    assert outcome.stdout == []
    assert outcome.stderr == ["netsh : bad thing"]


def test_invalid_error_action_preference_is_a_statement_error():
    outcome = run(make_node(), "$ErrorActionPreference = 'Sometimes'\n'next'")
    assert outcome.stdout == ["next"]
    assert "ActionPreference" in outcome.stderr[0]


def test_strict_mode_makes_unset_lastexitcode_an_error():
    outcome = run(make_node(), "Set-StrictMode -Version Latest\n'rc ' + $LASTEXITCODE")
    assert outcome.exit_code == 1
    assert outcome.stderr[0] == "The variable '$LASTEXITCODE' cannot be retrieved because it has not been set."
    assert run(make_node(), "'rc ' + $LASTEXITCODE").stdout == ["rc "]


def test_ansible_preserve_rc_suffix():
    suffix = ("If (-not $?) { If (Get-Variable LASTEXITCODE -ErrorAction SilentlyContinue) "
              "{ exit $LASTEXITCODE } Else { exit 1 } }")
    node = make_node()
    assert run(node, "netsh http delete sslcert ipport=0.0.0.0:1\n" + suffix).exit_code == 1
    assert run(node, "Remove-Item 'C:\\nothing' -Force\n" + suffix).exit_code == 1
    assert run(node, "'fine'\n" + suffix).exit_code == 0


def test_remove_item_semantics():
    node = make_node({"node": {"files": {"C:\\work\\a\\f.txt": {"text": "x"}}, "directories": ["C:\\", "C:\\empty"]}})
    outcome = run(node, "Remove-Item 'C:\\work' -Force")
    assert outcome.exit_code == 1 and "NonInteractive" in outcome.stderr[0]
    assert outcome.stderr[1] == "At line:1 char:1"
    assert run(node, "Remove-Item 'c:/WORK' -Force -Recurse;").exit_code == 0
    assert not node.state.is_file("C:\\work\\a\\f.txt") and not node.state.is_dir("C:\\work")
    missing = run(node, "Remove-Item 'C:\\work' -Force")
    assert missing.stderr[0] == "Remove-Item : Cannot find path 'C:\\work' because it does not exist."
    assert run(node, "Remove-Item 'C:\\empty' -Force").exit_code == 0


def test_remove_item_refuses_what_it_does_not_emulate(allow_refusals):
    for script in ("Remove-Item 'C:\\*' -Force", "Remove-Item 'C:\\' -Force -Recurse", "Remove-Item x -Force",
                   "Remove-Item C:\\x -Force", "Remove-Item 'C:\\x'", "Remove-Item 'C:\\x' -Force -WhatIf",
                   "netsh http show sslcert ipport=x;Remove-Item C:\\Users -Force -Recurse"):
        assert run(make_node(), script).stderr[0].startswith("winsim: refused:"), script


def test_parenthesised_expression_inside_a_block_is_refused(allow_refusals):
    node = make_node()
    outcome = run(node, "netsh http show sslcert ipport=0.0.0.0:8391 2>&1 | ForEach-Object "
                        "{ if (-not ($_ -is [System.Management.Automation.ErrorRecord])) { 'O' } }")
    # -not of a parenthesised expression is outside the subset: refused at parse time
    assert outcome.stderr and outcome.stderr[0].startswith("winsim: refused:")


def test_tool_names_resolve_case_insensitively_with_or_without_exe(monkeypatch):
    from winsim import tools

    assert tools.resolve("NETSH").spec.name == "netsh"
    assert tools.resolve("Netsh.EXE").spec.name == "netsh"
    assert tools.resolve("netsh.exe.exe").spec is None
    registry = dict(tools._load())
    registry["sc"] = tools.ToolSpec("sc", lambda argv, ctx: tools.ToolResult(), bare_name_resolves=False,
                                    shadowed_by="the Set-Content alias")
    monkeypatch.setattr(tools, "_registry", registry)
    assert tools.resolve("sc.exe").spec.name == "sc"
    bare = tools.resolve("sc")
    assert bare.spec is None and "Set-Content" in bare.reason
