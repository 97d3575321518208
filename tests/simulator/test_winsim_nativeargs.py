"""Native arguments: how Windows PowerShell 5.1 builds the command line and how the program
splits it again (winsim/nativeargs.py), on their own and through the interpreter to the tools."""

from __future__ import annotations

import pytest
from winsim_helpers import make_node, run, run_one

from winsim import certs, nativeargs
from winsim.nativeargs import Argument, command_line, crt_split, need_quotes, program_argv
from winsim.services import password_digest


def ps_to_program(*values) -> list[str]:
    """What a program's argv holds for ``program <value> <value> ...`` (a list is an array)."""
    arguments = [Argument([(v, False) for v in value]) if isinstance(value, list) else Argument.of(value)
                 for value in values]
    return program_argv(arguments)[0]


# --------------------------------------------------------------------------- PowerShell 5.1's side
@pytest.mark.parametrize("value, quoted", [
    ("plain", False), ("a b", True), ("a\tb", True), ("a\u00a0b", True), ("a\u3000b", True),
    ('a"b c"d', False),   # the space is inside the value's own quotes
    ('"a b"', False), ('a"b c', False), ('a\\"b c', False),  # no escape awareness: \" toggles too
    ('a"b"c d', True), ("", False), ("a\u200bb", False),  # U+200B is not whitespace for .NET
])
def test_need_quotes_is_the_legacy_scan(value, quoted):
    assert need_quotes(value) is quoted


def test_empty_values_are_dropped_and_arrays_become_several_arguments():
    line, secret = command_line([Argument.of("a"), Argument.of(""), Argument([("x y", True), ("", True), ("z", True)]),
                                 Argument.of("b")])
    assert line == 'a "x y" z b'
    assert secret == [False, False] + [True] * 5 + [False, True, False, False]


# --------------------------------------------------------------------------- the C runtime's side
@pytest.mark.parametrize("line, argv", [
    ('a b\tc', ["a", "b", "c"]),
    ('"a b" c', ["a b", "c"]),
    ('a\\\\b', ["a\\\\b"]),                       # backslashes not before a quote are literal
    ('a\\"b', ['a"b']),                           # 2n+1 backslashes + quote: n backslashes and a quote
    ('a\\\\"b c"', ['a\\b c']),                   # 2n backslashes + quote: n backslashes, the quote toggles
    ('"a\\\\\\"b"', ['a\\"b']),
    ('""', [""]), ('"" x', ["", "x"]),
    ('"a""b"', ['a"b']),                          # ucrt: "" inside quotes is a literal quote, still quoted
    ('"a""b c"', ['a"b c']),
    ('ab"c d', ["abc d"]),                        # an unterminated quote runs to the end
    ('  ', []),
])
def test_crt_split(line, argv):
    assert [arg for arg, _start, _end in crt_split(line)] == argv


# --------------------------------------------------------------------------- both, issue #1995 and friends
@pytest.mark.parametrize("values, argv", [
    (("one \"two three\" four",), ["one two", "three four"]),          # PowerShell/PowerShell#13482
    ((' "this is" "a test" ',), [" this", "is a", "test "]),           # PowerShell/PowerShell#13482
    (("test \\",), ['test "']),                                        # PowerShell/PowerShell#4358
    (("test \\\\",), ["test \\"]),
    (("test \\\\\\",), ['test \\"']),
    (('a"b c"d', 'a"b c"d'), ["ab cd", "ab cd"]),                      # the source comment's example
    (("", "x"), ["x"]),                                                # #1995 / #4661: '' is dropped
    (('""',), [""]),                                                   # '""' is the empty argument
    (('{"key":"value"}',), ["{key:value}"]),                           # #1995: embedded " are not escaped
    (("C:\\Program Files\\",), ['C:\\Program Files"']),
    ((["a", "b c", ""],), ["a", "b c"]),
    ((["\"x", "y\""],), ["x y"]),                                      # array elements rejoined with a space
])
def test_powershell_then_the_c_runtime(values, argv):
    assert ps_to_program(*values) == argv


def test_a_secret_stays_masked_whatever_the_splitting_does():
    # 'a b\' from stdin: PowerShell writes "a b\" and the program reads a b" plus the rest of the line
    argv, masked = program_argv([Argument.of("password="), Argument.of("a b\\", True), Argument.of("next")])
    assert argv == ["password=", 'a b" next'] and masked == {1}
    argv, masked = program_argv([Argument([('"x', True), ('y"', True)]), Argument.of("z")])
    assert argv == ["x y", "z"] and masked == {0}
    argv, masked = program_argv([Argument.of('x" "y', True)])
    assert argv == ["x y"] and masked == {0}
    argv, masked = program_argv([Argument.of('"a b" c', True), Argument.of("z")])  # one secret read as two arguments
    assert argv == ["a", "b c", "z"] and masked == {0, 1}
    argv, masked = program_argv([Argument.of('a"b c', True)])
    assert len(argv) == 1 and masked == {0}


def test_a_nul_character_is_not_emulated():
    assert "NUL" in nativeargs.unsupported([Argument.of("a\0b")])
    assert nativeargs.unsupported([Argument.of("a b")]) == ""


# --------------------------------------------------------------------------- through the interpreter
def native_argv(node) -> list[str]:
    return node.log_snapshot()[-1]["native"][0]["argv"]


@pytest.mark.parametrize("argument, argv", [
    ("''", []),                                       # dropped: show every binding
    ("'\"\"'", [""]),
    ("'C:\\a b\\'", ['C:\\a b"']),
    ("'a\"b'", ["ab"]),
])
def test_mangled_arguments_reach_the_tool_mangled(allow_refusals, argument, argv):
    """netsh refuses positional words, but the argv it was given is in the log."""
    node = make_node()
    run(node, "$LASTEXITCODE = -1\nnetsh http show sslcert " + argument)
    assert native_argv(node) == ["netsh", "http", "show", "sslcert", *argv]


def test_an_empty_stdin_variable_is_dropped_like_powershell_does():
    node = make_node()
    result = run_one(node, "netsh http show sslcert $p", stdin=b"\n", prefix="$p = [Console]::In.ReadLine()")
    assert result["rc"] == 0 and "SSL Certificate bindings:" in result["out"]
    assert native_argv(node) == ["netsh", "http", "show", "sslcert"]


def sc_node():
    return make_node({"node": {"accounts": {"CONTOSO\\svc-ir": {"sid": "S-1-5-21-1-2-3-1105", "rights": []}},
                               "services": {"DIAHostService": {"state": "stopped"}}}})


def recorded_password(node) -> str:
    return node.state.services.get("DIAHostService").password_sha256


@pytest.mark.parametrize("password, received", [
    ("plain", "plain"),
    ("a b", "a b"),
    ("a b\\", 'a b"'),                  # the case: sc.exe stores a wrong password, silently
    ('a"b', "ab"),
    ("", None),                         # dropped: sc.exe sees password= without a value
])
def test_sc_exe_records_the_password_it_received(allow_refusals, password, received):
    node = sc_node()
    stdin = (password + "\n").encode()
    outcome = run(node, "$p = [Console]::In.ReadLine()\n$LASTEXITCODE = -1\n"
                        "sc.exe config DIAHostService obj= CONTOSO\\svc-ir password= $p", stdin)
    if received is None:
        assert "each option takes one value" in outcome.stderr[1] and recorded_password(node) == ""
        return
    assert outcome.stdout == ["[SC] ChangeServiceConfig SUCCESS"], outcome
    assert recorded_password(node) == password_digest(received)
    assert native_argv(node)[-1] == "***" and password not in repr(node.log_snapshot())
    assert node.state.to_json()["services"]["DIAHostService"]["password_sha256"] == password_digest(received)
    assert not allow_refusals()


def test_split_stdin_line_is_an_array_whose_elements_are_separate_arguments():
    node = sc_node()
    # the token "a\"b  c" cut where its whitespace would be outside PowerShell's quote count
    stdin = '"x\t\\"y  z"\n'.encode()
    result = run_one(node, "sc.exe config DIAHostService obj= CONTOSO\\svc-ir password= $p", stdin=stdin,
                     prefix="$p = [Console]::In.ReadLine() -split \"`t\"")
    assert result["rc"] == 0, result
    assert recorded_password(node) == password_digest('x "y  z')
    assert native_argv(node) == ["sc.exe", "config", "DIAHostService", "obj=", "CONTOSO\\svc-ir", "password=", "***"]
    assert "y  z" not in repr(node.log_snapshot())


def test_split_with_a_literal_delimiter_and_what_is_refused(allow_refusals):
    outcome = run(make_node(), "$p = 'a b' -split ' '\n$p")
    assert outcome.stdout == ["a", "b"], outcome
    for script in ("$p = [Console]::In.ReadLine() -split '.'", "$p = [Console]::In.ReadLine() -split $x",
                   "$p = 'a' -split ''"):
        outcome = run(make_node(), script)
        assert outcome.exit_code == 1 and "refused" in outcome.stderr[0], script


def test_certutil_gets_the_empty_password_only_as_a_quoted_empty_argument(allow_refusals):
    node = make_node({"node": {"directories": ["C:\\", "C:\\Temp"]}})
    cert, key = certs.load_named("shir01_remote")
    node.state.write_file("C:\\Temp\\shir.pfx", certs.make_pfx(cert, key, ""))
    # as the issue says: the empty $p is dropped, so -p takes -importpfx as the password
    dropped = run(node, "$p = [Console]::In.ReadLine()\n$LASTEXITCODE = -1\n"
                        "certutil -f -p $p -importpfx My 'C:\\Temp\\shir.pfx'", b"\n")
    assert native_argv(node) == ["certutil", "-f", "-p", "-importpfx", "My", "C:\\Temp\\shir.pfx"]
    assert "certutil without an emulated verb" in dropped.stderr[1]
    allow_refusals()  # forget that refusal; the next form must not be refused
    quoted = run_one(node, "certutil -f -p $p -importpfx My 'C:\\Temp\\shir.pfx'", stdin=b'""\n',
                     prefix="$p = [Console]::In.ReadLine() -split \"`t\"")
    assert quoted["rc"] == 0, quoted
    assert native_argv(node)[3] == "***"


def test_certutil_reads_a_mangled_pfx_password_as_a_wrong_one_and_the_token_as_the_right_one():
    node = make_node({"node": {"directories": ["C:\\", "C:\\Temp"]}})
    cert, key = certs.load_named("shir01_remote")
    node.state.write_file("C:\\Temp\\shir.pfx", certs.make_pfx(cert, key, 'a"b"c d'))
    before = node.digest()
    plain = run_one(node, "certutil -f -p $p -importpfx My 'C:\\Temp\\shir.pfx'", stdin=b'a"b"c d\n',
                    prefix="$p = [Console]::In.ReadLine()")
    assert plain["rc"] == -2147024810 and "ERROR_INVALID_PASSWORD" in plain["out"][0]  # it got abc d
    assert node.digest() == before
    token = run_one(node, "certutil -f -p $p -importpfx My 'C:\\Temp\\shir.pfx'", stdin=b'"a\\"b\\"c d"\n',
                    prefix="$p = [Console]::In.ReadLine() -split \"`t\"")
    assert token["rc"] == 0, token
