"""Passwords reach the Windows program exactly, or are refused before anything runs (issue 10).

The controller's model of Windows PowerShell 5.1 and the C runtime (``_quoting``) is checked
against hand-worked cases, and every encoding against the simulator's own, separately written
model (``winsim.nativeargs``), which is what the end-to-end tests run against.
"""

from __future__ import annotations

import pytest
from hostile_passwords import DELIVERED, REFUSED

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import (
    Secret, SecretData, crt_split, crt_token, delivered, need_quotes, ps51_command_line, verbatim_pieces,
)
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command, Expression, build_script
from winsim import nativeargs


def simulator_delivers(pieces: list[str]) -> list[str]:
    """The simulator's model: the pieces as the elements of an array variable read from stdin."""
    return nativeargs.program_argv([nativeargs.Argument([(piece, True) for piece in pieces])])[0]


# --------------------------------------------------------------------------- the model, by hand
@pytest.mark.parametrize("values, line", [
    (["a", "", "b"], "a b"),                      # an empty value is dropped
    (["a b"], '"a b"'),
    (['a"b c"d'], 'a"b c"d'),                     # whitespace inside the value's own quotes
    (['a\\"b c'], 'a\\"b c'),                     # every " counts, escaped or not (5.1 has no escape awareness)
    (["a b\\"], '"a b\\"'),                       # trailing backslashes are not doubled
    (["a\u00a0b"], '"a\u00a0b"'),                 # .NET whitespace, not only space and tab
])
def test_powershell_51_command_line(values, line):
    assert ps51_command_line(values) == line


@pytest.mark.parametrize("line, argv", [
    ('"a b\\"', ['a b"']), ('"a b\\\\"', ["a b\\"]), ('a\\\\b', ["a\\\\b"]), ('a\\"b', ['a"b']),
    ('""', [""]), ('"a""b"', ['a"b']), (' x\t y ', ["x", "y"]),
])
def test_c_runtime_split(line, argv):
    assert crt_split(line) == argv


@pytest.mark.parametrize("value, token", [
    ("", '""'), (" ", '" "'), ("plain", "plain"), ("a b\\", '"a b\\\\"'), ("a\\\\ b\\\\", '"a\\\\ b\\\\\\\\"'),
    ('"', '\\"'), ('a"b c', '"a\\"b c"'), ('a\\"b', 'a\\\\\\"b'), ("C:\\x\\", "C:\\x\\"), ("a\u00a0b", "a\u00a0b"),
])
def test_c_runtime_token(value, token):
    assert crt_token(value) == token
    assert crt_split(token) == [value]


def test_pieces_are_cut_only_where_powershell_would_otherwise_add_quotes():
    assert verbatim_pieces('"a b"') == ['"a b"']                   # the space is inside the quotes
    assert verbatim_pieces('"a\\"b c"') == ['"a\\"b', 'c"']        # after \" PowerShell counts 2 quotes
    assert verbatim_pieces('"x y\\"z  w"') == ['"x', 'y\\"z  w"']  # an early cut puts the two spaces inside
    assert verbatim_pieces('"a\\"  b"') is None                    # nowhere to cut before the two spaces
    for pieces in (['"a\\"b', 'c"'], ['"x', 'y\\"z  w"']):
        assert not any(need_quotes(piece) for piece in pieces)


def test_the_plain_forms_are_exactly_what_windows_mangles():
    """What the defect did: each password passed as a plain argument is lost or changed."""
    assert delivered([""]) == []                 # certutil -p then takes the next word as the password
    assert delivered(["a b\\"]) == ['a b"']       # sc.exe stores a wrong password
    assert delivered(['a"b c']) == ["ab c"]
    assert delivered(['a"b"c d']) == ["abc d"]


# --------------------------------------------------------------------------- the hostile set
@pytest.mark.parametrize("name", sorted(DELIVERED))
def test_every_hostile_password_is_delivered_exactly(name):
    value = DELIVERED[name]
    secret = Secret(value)
    line = secret.stdin_line()
    assert "\t".join(secret.pieces) == line and "\n" not in line and all(secret.pieces)
    assert " ".join(secret.pieces) == crt_token(value)      # PowerShell rejoins the pieces with one space
    assert delivered(secret.pieces) == [value]               # the controller's model
    assert simulator_delivers(line.split("\t")) == [value]   # the simulator's, written separately
    assert value not in repr(secret) or value == ""


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_undeliverable_passwords_are_refused_with_the_reason_and_without_the_value(name):
    value, reason = REFUSED[name]
    with pytest.raises(InvalidValue) as error:
        Secret(value, what="password")
    message = str(error.value)
    assert reason in message and "(value hidden)" in message
    assert value not in message and "Pa" not in message.replace("PowerShell", "") and "word!" not in message


def test_refused_passwords_really_cannot_be_delivered_by_the_simple_forms():
    """The refusal is not a shortcut: the plain value and the unsplit token both arrive changed."""
    for value in ('Pa"ss  word!', 'Pa"ss\u00a0wo rd'):
        assert delivered([value]) != [value] and delivered([crt_token(value)]) != [value]
        assert simulator_delivers([crt_token(value)]) != [value]


# --------------------------------------------------------------------------- on the wire
def test_the_script_reads_each_secret_line_and_splits_it_into_an_array():
    config = Command("sc.exe", ("config", "Svc", "obj=", "CONTOSO\\svc", "password=", Secret('a"b c')), read_only=False)
    write = Expression("[IO.File]::WriteAllBytes({0}, [Convert]::FromBase64String({1}))",
                       ("C:\\Windows\\Temp\\x.pfx", SecretData(b"\x30\x82PFX")), read_only=False)
    script, stdin = build_script([write, config])
    lines = script.splitlines()
    assert lines[1] == "$irops_secret_1 = [Console]::In.ReadLine()"
    assert lines[2] == '$irops_secret_2 = [Console]::In.ReadLine() -split "`t"'
    assert "[Convert]::FromBase64String($irops_secret_1)" in script and "password= $irops_secret_2 2>&1" in script
    assert stdin == b'MIJQRlg=\n"a\\"b\tc"\n'
    assert "MIJQRlg" not in script and "MIJQRlg" not in write.line and "SecretData(***)" == repr(write.values[1])


def test_results_name_the_variables_the_script_really_used():
    """With two secrets in a batch, the password is $irops_secret_2: the logged and returned line says so."""
    from ansible_collections.irops.remediation.plugins.plugin_utils._runner import parse_script_output

    write = Expression("[IO.File]::WriteAllBytes({0}, [Convert]::FromBase64String({1}))",
                       ("C:\\Windows\\Temp\\x.pfx", SecretData(b"PFX")), read_only=False)
    config = Command("sc.exe", ("config", "Svc", "password=", Secret("pw")), read_only=False)
    results, _stray = parse_script_output([write, config], "##irops begin 1\n##irops end 1 0\n"
                                                           "##irops begin 2\nO ok\n##irops end 2 0\n")
    assert results[0].command.endswith("FromBase64String($irops_secret_1))")
    assert results[1].command == "sc.exe config Svc password= $irops_secret_2"
    assert "$irops_secret_2 = [Console]::In.ReadLine()" in build_script([write, config])[0]
