"""T-SQL quoting (plugins/plugin_utils/_tsql.py) against hostile values, and the one-line
stdin secret (_quoting.SecretLine) that carries a SQL password."""

from __future__ import annotations

import pytest

from ansible_collections.irops.remediation.plugins.plugin_utils import _tsql
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import SecretLine
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import build_script
from hostile import HOSTILE, embedded
from hostile_passwords import DELIVERED

CONTROL = {"line feed", "trailing line feed", "CRLF", "carriage return", "line separator", "next line",
           "vertical tab", "tab", "NUL"}


def unquote_identifier(text: str) -> str:
    """T-SQL's reading of a delimited identifier ("Database identifiers"), written independently."""
    assert text[0] == "[" and text[-1] == "]"
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        if body[i] == "]":
            assert body[i + 1] == "]", f"a lone ] ends the identifier early in {text!r}"
            i += 1
        out.append(body[i])
        i += 1
    return "".join(out)


def unquote_string(text: str) -> str:
    assert text.startswith("N'") and text.endswith("'")
    body, out, i = text[2:-1], [], 0
    while i < len(body):
        if body[i] == "'":
            assert body[i + 1] == "'", f"a lone ' ends the constant early in {text!r}"
            i += 1
        out.append(body[i])
        i += 1
    return "".join(out)


@pytest.mark.parametrize("label, value", sorted(embedded("W'K]01", "x").items()))
def test_string_literal_reads_back_or_is_refused(label, value):
    if any(label.startswith(name + " ") for name in CONTROL):
        with pytest.raises(InvalidValue) as error:
            _tsql.string_literal(value, "machine name")
        assert "machine name" in str(error.value) and "control characters" in str(error.value)
        return
    assert unquote_string(_tsql.string_literal(value)) == value


@pytest.mark.parametrize("label, value", sorted(embedded("SSIS]DB", "[x").items()))
def test_identifier_reads_back_or_is_refused(label, value):
    if any(label.startswith(name + " ") for name in CONTROL) or value == "" or len(value) > 128:
        with pytest.raises(InvalidValue):
            _tsql.identifier(value, "database")
        return
    assert unquote_identifier(_tsql.identifier(value)) == value


@pytest.mark.parametrize("value, quoted", [
    ("SSISDB", "[SSISDB]"), ("a]b", "[a]]b]"), ("]]", "[]]]]]"), ("[x", "[[x]"), ("a'b", "[a'b]"),
])
def test_identifier_examples(value, quoted):
    assert _tsql.identifier(value) == quoted


@pytest.mark.parametrize("value, quoted", [
    ("O'Brien", "N'O''Brien'"), ("", "N''"), ("'; DROP TABLE x; --", "N'''; DROP TABLE x; --'"),
    ('a"b', "N'a\"b'"), ("\u2019", "N'\u2019'"),
])
def test_string_literal_examples(value, quoted):
    assert _tsql.string_literal(value) == quoted


@pytest.mark.parametrize("value, text", [(42, "42"), ("42", "42"), (-1, "-1"), (0, "0"), (2**63 - 1, str(2**63 - 1))])
def test_integers(value, text):
    assert _tsql.integer(value) == text


@pytest.mark.parametrize("value", [True, 1.5, "1; DROP", "0x10", "", None, 2**63, "1e3", " ", "4 2"])
def test_integers_refused(value):
    with pytest.raises(InvalidValue):
        _tsql.integer(value, "execution_id")


def test_integer_range():
    with pytest.raises(InvalidValue) as error:
        _tsql.integer(2**31, "x", maximum=_tsql.INT_MAX)
    assert "2147483647" in str(error.value)


@pytest.mark.parametrize("value", ["5d5f6b3a-2b1c-4e0d-9a7f-0c3e2b1a4d5e", "{5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E}"])
def test_guids(value):
    assert _tsql.guid(value) == "5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E"
    assert _tsql.guid_literal(value) == "N'5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E'"


@pytest.mark.parametrize("value", list(HOSTILE.values()) + ["5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5", 5])
def test_guids_refused(value):
    with pytest.raises(InvalidValue):
        _tsql.guid(value, "worker")
    assert not _tsql.is_guid(value)


# ------------------------------------------------------------------ SecretLine
@pytest.mark.parametrize("label", sorted(k for k in DELIVERED if DELIVERED[k]))
def test_secret_line_carries_the_value_as_is(label):
    value = DELIVERED[label]
    secret = SecretLine(value)
    script, stdin = build_script([_Uses(secret)])
    if len(value) > 3:
        assert value not in script
    assert stdin.decode("utf-8") == value + "\n"
    assert "$irops_secret_1 = [Console]::In.ReadLine()" in script.splitlines()
    assert repr(secret) == "SecretLine(***)"


@pytest.mark.parametrize("value, reason", [("", "cannot be empty"), ("a\nb", "control characters"),
                                           ("a\tb", "control characters"), ("a\x00", "control characters")])
def test_secret_line_refuses_what_a_line_cannot_carry_without_showing_it(value, reason):
    with pytest.raises(InvalidValue) as error:
        SecretLine(value + "S3cret!" if value else value)
    assert reason in str(error.value) and "S3cret" not in str(error.value) and "(value hidden)" in str(error.value)


class _Uses:
    """A statement that only reads the secret (the runner duck-types its commands)."""

    read_only = True
    is_cmdlet = True
    hide_output = False

    def __init__(self, secret):
        self.secrets = [secret]

    def statement(self, names):
        return [f"$null = {names[0]}"]
