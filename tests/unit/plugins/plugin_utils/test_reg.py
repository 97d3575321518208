"""reg.exe: key paths, typed comparison, command building and the label-free parser."""

from __future__ import annotations

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _l10n, _reg
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"


@pytest.mark.parametrize("path", [
    SCHANNEL,
    "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL",
    "hklm:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\",
    "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL",
    "Registry::HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL",
])
def test_key_path_forms(path):
    key = _reg.parse_key_path(path)
    assert key.argument == SCHANNEL
    assert key.long_name.startswith("HKEY_LOCAL_MACHINE\\SYSTEM")


@pytest.mark.parametrize("path, fragment", [
    ("HKXX\\SOFTWARE\\Contoso", "root key 'HKXX'"),
    ("HKLM:\\", "below the root key"),
    ("HKLM", "below the root key"),
    ("SOFTWARE\\Contoso", "root key 'SOFTWARE'"),
    ("HKLM\\SOFTWARE\\\\Contoso", "empty key name"),
    ('HKLM\\SOFTWARE\\Con"toso', "double quote"),
    ("HKLM\\SOFTWARE\\Con\ntoso", "line breaks"),
    ("", "give a registry key"),
])
def test_bad_key_paths_name_the_value(path, fragment):
    with pytest.raises(InvalidValue) as error:
        _reg.parse_key_path(path)
    assert fragment in str(error.value) and repr(path) in str(error.value)


@pytest.mark.parametrize("data, number", [(0, 0), ("0", 0), ("0x0", 0), ("0X1f", 31), ("0x1F", 31), (4294967295, 4294967295)])
def test_dword_data_is_a_number_however_written(data, number):
    assert _reg.normalize_data("dword", data) == _reg.RegValue("REG_DWORD", number)


@pytest.mark.parametrize("type_name, data, fragment", [
    ("dword", 4294967296, "0 to 4294967295"),
    ("dword", -1, "0 to 4294967295"),
    ("dword", "zero", "whole number"),
    ("dword", True, "instead of true or false"),
    ("dword", [1], "whole number"),
    ("qword", 2 ** 64, "64 bits"),
    ("string", ["a"], "takes a string"),
    ("multi_string", "a", None),
    ("multi_string", ["a", ""], "empty string"),
    ("multi_string", [1, 2], "list of strings"),
    ("binary", "fe34z0", "hexadecimal bytes"),
    ("binary", "abc", "hexadecimal bytes"),
    ("binary", [256], "hexadecimal bytes"),
])
def test_wrong_data_for_the_type_is_refused_with_the_value(type_name, data, fragment):
    if fragment is None:
        assert _reg.normalize_data(type_name, data).data == (data,)
        return
    with pytest.raises(InvalidValue) as error:
        _reg.normalize_data(type_name, data)
    assert fragment in str(error.value) and "data" in str(error.value)


def test_binary_data_forms_agree():
    forms = ["fe340ead", "FE 34 0E AD", "fe,34,0e,ad", "0xFE340EAD", [0xFE, 0x34, 0x0E, 0xAD]]
    assert {_reg.normalize_data("binary", form).data for form in forms} == {bytes.fromhex("fe340ead")}


def test_comparison_is_by_type_and_typed_data():
    dword = _reg.normalize_data("dword", "0x0")
    assert _reg.same(_reg.parse_query(load("reg", "query_dword_en-US_assumed.txt"), "SendTrustedIssuerList"), dword)
    assert not _reg.same(_reg.RegValue("REG_SZ", "0"), dword)
    assert not _reg.same(_reg.RegValue("REG_QWORD", 0), dword)
    multi = _reg.normalize_data("multi_string", ["b", "a"])
    assert not _reg.same(_reg.RegValue("REG_MULTI_SZ", ("a", "b")), multi)
    assert _reg.same(_reg.RegValue("REG_MULTI_SZ", ("a", "b")), multi, ignore_order=True)
    assert _reg.same(None, None) and not _reg.same(None, dword) and not _reg.same(dword, None)


@pytest.mark.parametrize("crlf", [True, False])
def test_dword(crlf):
    value = _reg.parse_query(load("reg", "query_dword_en-US_assumed.txt", crlf=crlf), "SendTrustedIssuerList")
    assert value == _reg.RegValue("REG_DWORD", 0)
    assert value.result() == {"type": "dword", "data": 0}
    assert value.display() == "REG_DWORD 0x0 (0)"


@pytest.mark.parametrize("name, fixture, expected", [
    ("LastSeen", "query_qword_en-US_assumed.txt", _reg.RegValue("REG_QWORD", 0x1DC4F2A8E33F2A0)),
    ("Data", "query_binary_en-US_assumed.txt", _reg.RegValue("REG_BINARY", bytes.fromhex("fe340ead"))),
    ("security packages", "query_multi_sz_en-US_assumed.txt",
     _reg.RegValue("REG_MULTI_SZ", ("kerberos", "msv1_0", "schannel", "wdigest", "tspkg", "pku2u"))),
    ("Path", "query_expand_sz_en-US_assumed.txt", _reg.RegValue("REG_EXPAND_SZ", "%systemroot%\\system32")),
    ("Comment", "query_sz_empty_en-US_assumed.txt", _reg.RegValue("REG_SZ", "")),
    ("SqlProgramDir", "query_sz_spaces_en-US_assumed.txt", _reg.RegValue("REG_SZ", "C:\\Program Files\\Microsoft SQL Server")),
])
def test_every_type(name, fixture, expected):
    assert _reg.parse_query(load("reg", fixture), name) == expected


def test_binary_result_is_lower_case_hex():
    assert _reg.parse_query(load("reg", "query_binary_en-US_assumed.txt"), "Data").result() == {"type": "binary", "data": "fe340ead"}


def test_the_localised_default_value_is_found_by_its_shape():
    assert _reg.parse_query(load("reg", "query_default_de-DE_assumed.txt"), "") == _reg.RegValue("REG_SZ", "Contoso Agent")


def test_a_value_line_for_another_name_is_not_taken():
    assert _reg.parse_query(load("reg", "query_dword_en-US_assumed.txt"), "SendTrustedIssuer") is None


@pytest.mark.parametrize("fixture, kind", [
    ("query_not_found_en-US_assumed.txt", "absent"),
    ("query_not_found_de-DE_assumed.txt", "absent"),
    ("query_not_found_fr-FR_assumed.txt", "absent"),
    ("add_denied_en-US_assumed.txt", "denied"),
])
def test_failures_in_three_languages(fixture, kind):
    text = load("reg", fixture)
    assert _reg.failure_kind(text) == kind
    assert _reg.parse_query(text, "SendTrustedIssuerList") is None


def test_the_french_text_with_its_typographic_apostrophe():
    assert _reg.failure_kind("ERREUR : le syst\u00e8me n\u2019a pas trouv\u00e9 la cl\u00e9 ou la valeur "
                             "de Registre sp\u00e9cifi\u00e9e.") == "absent"


def test_a_failure_in_a_language_no_table_knows_is_not_taken_for_absent():
    # Dutch (no source in plugins/plugin_utils/_l10n.py): "other", so the caller reports the text
    assert _reg.failure_kind("FOUT: het systeem kan de opgegeven registersleutel of waarde niet vinden.") == "other"
    # and each table sentence is recognised as the simulated node prints it
    for kind, concept in (("absent", "not_found"), ("denied", "denied")):
        for text in _l10n.words(_l10n.REG, concept).values():
            assert _reg.failure_kind(text) == kind


def test_commands():
    key = _reg.parse_key_path(SCHANNEL)
    assert _reg.query_command(key, "SendTrustedIssuerList").line == f"reg query {SCHANNEL} /v SendTrustedIssuerList"
    assert _reg.query_command(key, "").line == f"reg query {SCHANNEL} /ve"
    add = _reg.add_command(key, "SendTrustedIssuerList", _reg.normalize_data("dword", "0x0"))
    assert add.line == f"reg add {SCHANNEL} /v SendTrustedIssuerList /t REG_DWORD /d 0 /f" and not add.read_only
    assert _reg.delete_command(key, "X").line == f"reg delete {SCHANNEL} /v X /f"


def test_values_with_spaces_and_quotes_are_single_quoted():
    key = _reg.parse_key_path("HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\MSSQL16.X\\MSSQLServer")
    add = _reg.add_command(key, "Login Mode", _reg.normalize_data("string", "it's"))
    assert add.args[1] == "HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\MSSQL16.X\\MSSQLServer"
    assert "'HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\MSSQL16.X\\MSSQLServer' /v 'Login Mode'" in add.line
    assert add.line.endswith("/d 'it''s' /f")


def test_multi_string_and_binary_and_empty_data():
    key = _reg.parse_key_path("HKLM\\SOFTWARE\\MyCo")
    multi = _reg.add_command(key, "MRU", _reg.normalize_data("multi_string", ["fax", "mail"]))
    assert multi.args[-3:] == ("/d", "fax\\0mail", "/f")
    tricky = _reg.add_command(key, "MRU", _reg.normalize_data("multi_string", ["a\\0b", "c"]))
    assert tricky.args[-5:] == ("/s", "|", "/d", "a\\0b|c", "/f")
    binary = _reg.add_command(key, "Data", _reg.normalize_data("binary", "FE 34 0E AD"))
    assert binary.args[-3:] == ("/d", "fe340ead", "/f")
    # PowerShell 5.1 drops an empty native argument: empty data is written by leaving /d out.
    assert "/d" not in _reg.add_command(key, "Comment", _reg.normalize_data("string", "")).args
    assert "/d" not in _reg.add_command(key, "Blob", _reg.normalize_data("binary", "")).args
