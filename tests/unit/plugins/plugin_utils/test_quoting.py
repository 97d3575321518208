"""The one quoting function, against hostile values (docs/dev/remote-execution.md, Quoting)."""

from __future__ import annotations

import pytest

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import command_line, quote_argument


@pytest.mark.parametrize("value", ["0.0.0.0:8391", "certhash=3DF10A7C", "C:\\Program_Files\\x.cer", "My", "a-b"])
def test_plain_values_stay_bare(value):
    assert quote_argument(value) == value


@pytest.mark.parametrize("value, quoted", [
    ("appid={8f3e2b94-1c55-4d0e-9a7b-2f6c1d9e0a11}", "'appid={8f3e2b94-1c55-4d0e-9a7b-2f6c1d9e0a11}'"),
    ("NT SERVICE\\SSISScaleOutWorker140", "'NT SERVICE\\SSISScaleOutWorker140'"),
    ("O'Brien", "'O''Brien'"),
    ("a;b", "'a;b'"),
    ("$(Remove-Item C:\\)", "'$(Remove-Item C:\\)'"),
    ("`whoami`", "'`whoami`'"),
    ("a|b&c", "'a|b&c'"),
    ("@splat", "'@splat'"),
    ("--%", "'--%'"),
    ("-f", "'-f'"),
    ("x,y", "'x,y'"),
    ("", "''"),
    ("Zertifikat für Müller", "'Zertifikat für Müller'"),
    ("\u2018smart\u2019", "'\u2018\u2018smart\u2019\u2019'"),
    ("\u201aa\u201b", "'\u201a\u201aa\u201b\u201b'"),
    ("日本語 サーバー", "'日本語 サーバー'"),
])
def test_hostile_values_are_single_quoted(value, quoted):
    assert quote_argument(value) == quoted


@pytest.mark.parametrize("value", ["two\nlines", "cr\rhere", "tab\there", "nul\x00", "sep\u2028x", "bell\x07"])
def test_control_characters_are_refused_with_the_value_named(value):
    with pytest.raises(InvalidValue) as error:
        quote_argument(value, what="account")
    assert "account" in str(error.value) and "control characters" in str(error.value)


def test_double_quote_is_refused():
    with pytest.raises(InvalidValue, match=r'double quote'):
        quote_argument('say "hi"', what="subject")


def test_non_string_is_refused():
    with pytest.raises(InvalidValue):
        quote_argument(8391)


def test_single_quoted_text_round_trips_through_powershell_rules():
    """Undo the quoting the way PowerShell's tokenizer does: a doubled quote char is one char."""
    value = "it's \u2018a\u2019 $x; `y` {z}"
    token = quote_argument(value)
    assert token[0] == token[-1] == "'"
    inner, out, i = token[1:-1], [], 0
    while i < len(inner):
        out.append(inner[i])
        i += 2 if inner[i] in "'\u2018\u2019\u201a\u201b" else 1
    assert "".join(out) == value


def test_command_line_quotes_every_argument_and_checks_the_program_name():
    assert command_line("netsh", "http", "add", "appid={x}") == "netsh http add 'appid={x}'"
    with pytest.raises(ValueError):
        command_line("netsh; rm", "x")


def test_a_spaced_value_ending_in_a_backslash_goes_to_native_programs_as_its_c_runtime_token():
    """'C:\\a b\\' would reach the program as C:\\a b" (PowerShell 5.1 writes "C:\\a b\\"): the
    token with the backslash doubled, in single quotes, is passed verbatim and read back exactly."""
    from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import native_argument

    assert native_argument("C:\\Program Files\\", what="path") == "'\"C:\\Program Files\\\\\"'"
    assert native_argument("C:\\Temp\\") == "C:\\Temp\\"
    assert native_argument("a b") == "'a b'"
    assert quote_argument("C:\\Program Files\\") == "'C:\\Program Files\\'"
    assert command_line("reg", "query", "HKLM\\SOFTWARE\\My Key\\") == "reg query '\"HKLM\\SOFTWARE\\My Key\\\\\"'"
    assert command_line("Get-ChildItem", "C:\\Program Files\\", native=False) == "Get-ChildItem 'C:\\Program Files\\'"


def test_an_empty_native_argument_is_a_quoted_empty_string():
    """PowerShell 5.1 drops '' when it calls a native program; it passes '""' verbatim."""
    from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import native_argument

    assert native_argument("") == "'\"\"'"
    assert command_line("dmgcmd", "-SwitchServiceAccount", "NT Authority\\System", "") == \
        "dmgcmd '-SwitchServiceAccount' 'NT Authority\\System' '\"\"'"
    assert command_line("Get-Content", "", native=False) == "Get-Content ''"
