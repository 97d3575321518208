"""The batch script and the parsing of what comes back (docs/dev/remote-execution.md)."""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils._runner import (
    Command, build_script, parse_script_output,
)

SHOW = Command("netsh", ("http", "show", "sslcert"))
DELETE = Command("netsh", ("http", "delete", "sslcert", "ipport=0.0.0.0:8391"), read_only=False)


def test_script_shape():
    script, stdin = build_script([SHOW, DELETE])
    assert stdin is None
    lines = script.splitlines()
    assert lines[0] == "$ErrorActionPreference = 'Continue'"
    assert lines[1:4] == ["'##irops begin 1'", "$LASTEXITCODE = -1",
                          "netsh http show sslcert 2>&1 | ForEach-Object { if ($_ -is "
                          "[System.Management.Automation.ErrorRecord]) { 'E ' + $_ } else { 'O ' + $_ } }"]
    assert lines[4] == "'##irops end 1 ' + $LASTEXITCODE"
    assert lines[-2:] == ["'##irops complete'", "exit 0"] and len(lines) == 11
    # Ansible's WinRM shell strips lines and drops blank ones: the script must survive that.
    assert all(line == line.strip() and line for line in lines)


def test_output_is_split_per_command_with_streams_apart():
    stdout = "\r\n".join([
        "'ignored banner'", "##irops begin 1", "O ", "O SSL Certificate bindings:", "O", "##irops end 1 0",
        "##irops begin 2", "O ", "O SSL Certificate deletion failed, Error: 2",
        "E some stderr line", "##irops end 2 1", ""])
    results, stray = parse_script_output([SHOW, DELETE], stdout)
    assert [r.rc for r in results] == [0, 1]
    assert results[0].stdout == "\nSSL Certificate bindings:\n\n"
    assert results[1].stderr == "some stderr line\n" and "Error: 2" in results[1].stdout
    assert results[1].command == "netsh http delete sslcert ipport=0.0.0.0:8391"
    assert stray == ["'ignored banner'"]


def test_a_command_that_never_ended_is_not_a_result():
    results, _stray = parse_script_output([SHOW, DELETE], "##irops begin 1\nO x\n##irops end 1 0\n##irops begin 2\nO partial\n")
    assert len(results) == 1


def test_a_command_that_could_not_start_reports_minus_one():
    results, _stray = parse_script_output([SHOW], "##irops begin 1\n##irops end 1 -1\n")
    assert results[0].rc == -1 and not results[0].ok


def test_cmdlets_get_bare_parameters_quoted_values_and_constant_stages():
    from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param

    listing = Command("Get-ChildItem", (Param("-LiteralPath"), "C:\\Users\\x y\\Agent", Param("-File")),
                      pipeline=("Sort-Object LastWriteTime -Descending", "Select-Object -First 3 -ExpandProperty FullName"))
    assert listing.is_cmdlet and not SHOW.is_cmdlet
    assert listing.line == ("Get-ChildItem -LiteralPath 'C:\\Users\\x y\\Agent' -File | Sort-Object LastWriteTime "
                            "-Descending | Select-Object -First 3 -ExpandProperty FullName")
    script = build_script([listing])[0].splitlines()
    assert script[2] == "$LASTEXITCODE = 0"


def test_a_cmdlet_with_error_records_fails():
    listing = Command("Get-Content", ("C:\\missing.log",))
    results, _stray = parse_script_output([listing], "##irops begin 1\nE Cannot find path\n##irops end 1 0\n")
    assert results[0].rc == 1 and "Cannot find path" in results[0].stderr


def test_parameter_names_and_stages_are_checked():
    import pytest

    from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param, command_line

    with pytest.raises(ValueError):
        Param("-Path; calc")
    with pytest.raises(ValueError):
        command_line("Get-Content", "x", pipeline=("Out-File $(calc)",))


def test_secrets_travel_on_stdin_never_in_the_script():
    from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param, Secret

    password = "S3cr3t; $(calc) 'x'"
    config = Command("sc.exe", ("config", "DIAHostService", "obj=", "CONTOSO\\svc-ir", "password=", Secret(password)),
                     read_only=False)
    script, stdin = build_script([SHOW, config])
    assert password not in script and "S3cr3t" not in script and "S3cr3t" not in config.line
    assert stdin == ('"' + password + '"\n').encode()  # its C runtime token, in one piece
    assert script.splitlines()[1] == '$irops_secret_1 = [Console]::In.ReadLine() -split "`t"'
    assert "obj= CONTOSO\\svc-ir password= $irops_secret_1 2>&1" in script
    assert "S3cr3t" not in repr(config)
    assert Param("-p") == "-p"


def test_secret_validation_never_shows_the_value():
    import pytest

    from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
    from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Secret

    for bad in ('Zq"  9x', "Zq\n9x", "Zq\t9x"):
        with pytest.raises(InvalidValue) as error:
            Secret(bad, what="password")
        assert "Zq" not in str(error.value) and "9x" not in str(error.value) and "(value hidden)" in str(error.value)


def test_expressions_are_caught_and_quote_their_values():
    from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Expression

    read = Expression("[Convert]::ToBase64String([IO.File]::ReadAllBytes({0}))", ("C:\\Windows\\System32\\drivers\\etc\\hosts",))
    script = build_script([read])[0].splitlines()
    assert script[2] == "$LASTEXITCODE = 0"
    assert script[3] == ("try { [Convert]::ToBase64String([IO.File]::ReadAllBytes('C:\\Windows\\System32\\drivers\\etc\\hosts'))"
                         " | ForEach-Object { 'O ' + $_ } } catch { 'E ' + $_; $LASTEXITCODE = 1 }")
    results, _stray = parse_script_output([read], "##irops begin 1\nE Could not find file\n##irops end 1 1\n")
    assert results[0].rc == 1


def test_the_script_travels_on_stdin_behind_a_constant_short_command_line():
    import base64

    from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Secret
    from ansible_collections.irops.remediation.plugins.plugin_utils._runner import (
        BOOTSTRAP, COMMAND_LINE_LIMIT, transport,
    )

    big = [Command("reg", ("query", "HKLM\\SOFTWARE\\" + "x" * 200 + str(i))) for i in range(100)]
    secret = Secret("p w")
    config = Command("sc.exe", ("config", "svc", "password=", secret), read_only=False)
    script, secrets = build_script(big + [config])
    line, stdin = transport(script, secrets)
    assert line == BOOTSTRAP and len(script) > COMMAND_LINE_LIMIT
    first, rest = stdin.split(b"\n", 1)
    assert base64.b64decode(first).decode("utf-8") == script
    assert rest == secret.stdin_line().encode() + b"\n" and b"p w" not in first


def test_a_change_guards_each_step_and_undoes_in_finally():
    from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Change, Condition

    test = Condition("[IO.File]::Exists({0})", ("C:\\a b.txt",))
    step = Command("netsh", ("advfirewall", "firewall", "set", "rule", "name=x", "new", "localport=1"), read_only=False)
    undo = Command("netsh", ("advfirewall", "firewall", "add", "rule", "name=x"), read_only=False)
    script, _stdin = build_script(Change((test, step), undo=(undo,), verify=(SHOW,)))
    lines = script.splitlines()
    assert "try {" in lines and "} finally {" in lines
    # the second step runs only if the first succeeded; the undo only if the steps did not all succeed
    assert lines[lines.index("'##irops begin 2'") - 1] == "if ($irops_ok) {"
    assert lines[lines.index("'##irops begin 3'") - 1] == "if ($irops_some -and -not $irops_done) {"
    assert "$irops_test = [IO.File]::Exists('C:\\a b.txt')" in script
    # the verifying read comes after the finally block
    assert lines.index("'##irops begin 4'") > lines.index("} finally {")


def test_a_change_outcome_names_steps_that_did_not_run():
    from ansible_collections.irops.remediation.plugins.plugin_utils._runner import parse_markers

    commands = [SHOW, DELETE, SHOW]
    found, _stray, complete = parse_markers(commands, "##irops begin 1\nO x\n##irops end 1 1\n##irops begin 3\n"
                                                      "##irops end 3 0\n##irops complete\n")
    assert sorted(found) == [1, 3] and complete
    _found, _stray, complete = parse_markers(commands, "##irops begin 1\n##irops end 1 0\n")
    assert not complete
