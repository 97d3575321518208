"""Host names and addresses, the probe's output, and line-preserving hosts file edits."""

from __future__ import annotations

import codecs

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _files, _hosts
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue


@pytest.mark.parametrize("value, expected", [
    ("ssis-master-01.contoso.com", "ssis-master-01.contoso.com"), ("SHIR_NODE", "SHIR_NODE"), ("localhost", "localhost"),
    ("10.0.0.5", "10.0.0.5"), ("[::1]", "::1"), ("FE80::0:1", "fe80::1"), ("host.example.", "host.example"),
])
def test_hosts(value, expected):
    assert _hosts.validate_host(value) == expected


@pytest.mark.parametrize("value", ["master;calc", "a'b", 'a"b', "a b", "-lead.example", "x" * 64 + ".com", "", "a..b", "$(calc)"])
def test_bad_hosts_are_refused_with_the_value(value):
    with pytest.raises(InvalidValue) as error:
        _hosts.validate_host(value, what="host")
    assert repr(value)[:100] in str(error.value) and "host" in str(error.value)


@pytest.mark.parametrize("port", [0, 70000, -1, True, "8391"])
def test_bad_ports(port):
    with pytest.raises(InvalidValue) as error:
        _hosts.validate_port(port)
    assert "1 to 65535" in str(error.value) and repr(port) in str(error.value)


def test_probe_commands_and_output():
    assert _hosts.probe_command("ssis-master-01", 8391).line == \
        "Test-NetConnection -ComputerName ssis-master-01 -Port 8391 -InformationLevel Quiet"
    assert _hosts.probe_command("ssis-master-01", 8391).is_cmdlet
    assert _hosts.resolve_command("ssis-master-01").line == "[System.Net.Dns]::GetHostAddresses('ssis-master-01')"
    assert _hosts.parse_probe("True\n") is True and _hosts.parse_probe("WARNING: TCP connect failed\nFalse\n") is False
    assert _hosts.parse_probe("") is None
    assert _hosts.parse_addresses("10.0.0.5\nfe80::1\nnot an address\n") == ["10.0.0.5", "fe80::1"]


def test_decode_keeps_bom_codec_and_line_ending():
    text, encoding = _files.decode(codecs.BOM_UTF16_LE + "10.0.0.1 a\r\n".encode("utf-16-le"))
    assert text == "10.0.0.1 a\r\n" and encoding.codec == "utf-16-le" and encoding.newline == "\r\n"
    assert encoding.encode(text).startswith(codecs.BOM_UTF16_LE)
    text, encoding = _files.decode(b"# caf\xe9\n10.0.0.1 a\n")  # not UTF-8: Windows ANSI
    assert encoding.codec == "cp1252" and "\u00e9" in text and encoding.newline == "\n"
    assert encoding.encode(text) == b"# caf\xe9\n10.0.0.1 a\n"
    assert _files.decode(codecs.BOM_UTF8 + b"x")[1].bom == codecs.BOM_UTF8


def test_adding_to_the_default_file_keeps_every_line():
    text = load("hosts", "default_windows.txt")
    after = _hosts.ensure_present(text, "127.0.0.1", ["localhost"], "\r\n")
    assert after.startswith(text) and after[len(text):] == "127.0.0.1\tlocalhost\r\n"
    assert _hosts.entries(after) == [("127.0.0.1", ["localhost"])]
    assert _hosts.ensure_present(after, "127.0.0.1", ["LOCALHOST"], "\r\n") == after  # names compare without case


def test_a_file_without_final_newline_gets_one_before_the_new_line_only():
    assert _hosts.ensure_present("10.0.0.1 a", "10.0.0.2", ["b"], "\r\n") == "10.0.0.1 a\r\n10.0.0.2 b"


@pytest.mark.parametrize("crlf", [True, False])
def test_missing_names_join_the_existing_line_before_its_comment(crlf):
    text = load("hosts", "shir_nodes.txt", crlf=crlf)
    newline = "\r\n" if crlf else "\n"
    after = _hosts.ensure_present(text, "10.0.0.11", ["shir-node-01", "SHIR01"], newline)
    assert "10.0.0.11\tshir-node-01 shir-node-01.contoso.com SHIR01\t# node 1" + newline in after
    assert after.replace(" SHIR01", "") == text


def test_a_name_mapped_elsewhere_moves_and_other_families_stay():
    text = load("hosts", "shir_nodes.txt")
    after = _hosts.ensure_present(text, "10.0.0.22", ["shir-node-02"], "\r\n")
    assert _hosts.resolves_to(after, "shir-node-02") == ["fe80::12", "10.0.0.22"]
    assert "10.0.0.12" not in after  # the line lost its only name
    assert "# master" in after and "not-an-entry line" in after and "# managed by the platform team" in after


def test_a_removed_line_keeps_its_comment():
    text = load("hosts", "shir_nodes.txt")
    after = _hosts.ensure_present(text, "10.0.0.21", ["ssis-master-01"], "\r\n")
    assert "\r\n# master\r\n" in after and _hosts.resolves_to(after, "ssis-master-01") == ["10.0.0.21"]


def test_absent_by_names_and_by_address():
    text = load("hosts", "shir_nodes.txt")
    no_alias = _hosts.ensure_absent(text, "10.0.0.11", ["shir-node-01.contoso.com"])
    assert "10.0.0.11\tshir-node-01\t# node 1" in no_alias
    no_node2 = _hosts.ensure_absent(text, None, ["SHIR-NODE-02"])
    assert _hosts.resolves_to(no_node2, "shir-node-02") == []
    no_master = _hosts.ensure_absent(text, "10.0.0.20", [])
    assert _hosts.resolves_to(no_master, "ssis-master-01") == [] and "# master" in no_master
    assert _hosts.ensure_absent(text, "10.9.9.9", []) == text
    assert _hosts.ensure_absent(text, "10.0.0.12", ["not-there"]) == text


def test_commented_out_entries_are_not_entries():
    assert _hosts.entries(load("hosts", "default_windows.txt")) == []


# --------------------------------------------------------------------------- hostile values (issue 10)

from hostile import embedded  # noqa: E402

BEFORE = "# platform team\r\n10.0.0.11\tshir-node-01\t# node 1\r\n"
IP_VALUES = {**embedded("10.0.0.", "1"), **{f"zone: {k}": v for k, v in embedded("fe80::1%", "").items()},
             **{f"zone: {k}": v for k, v in embedded("fe80::1%eth", "0").items()}}
NAME_VALUES = embedded("shir", "node")


def refused(validate, value, field) -> bool:
    """True when ``validate`` refuses ``value`` naming the field, the value and a fix; False when it accepts."""
    try:
        validate(value)
    except InvalidValue as error:
        message = str(error)
        assert message.startswith(f"{field} ") and repr(value)[:100] in message and "is not valid: " in message
        assert len(message.split("is not valid: ", 1)[1]) > 20  # the fix
        return True
    return False


def assert_one_entry_more(ip, names):
    after = _hosts.ensure_present(BEFORE, ip, names, "\r\n")
    assert after.startswith(BEFORE) and after.count("\n") == BEFORE.count("\n") + 1 and after.endswith("\r\n")
    assert _hosts.entries(after) == _hosts.entries(BEFORE) + [(ip, names)]
    assert _hosts.resolves_to(after, names[0]) == [ip]


@pytest.mark.parametrize("value", IP_VALUES.values(), ids=IP_VALUES.keys())
def test_hostile_addresses_are_refused_or_written_as_one_field(value):
    if not refused(_hosts.validate_ip, value, "ip"):
        ip = _hosts.validate_ip(value)
        assert_one_entry_more(ip, ["shir-node-02"])


@pytest.mark.parametrize("value", NAME_VALUES.values(), ids=NAME_VALUES.keys())
def test_hostile_names_are_refused_or_written_as_one_field(value):
    if not refused(lambda v: _hosts.validate_hostname(v, what="names"), value, "names"):
        assert_one_entry_more("10.0.0.12", [_hosts.validate_hostname(value)])


def test_the_zone_injection_of_issue_10_is_refused():
    # ipaddress accepts any text after '%', a line break included: it would write a second hosts line
    for value in ("fe80::1%eth0\r\n10.6.6.6 shir-node-01", "fe80::1%eth0 shir-node-01", "fe80::1%eth0#x", "fe80::1%"):
        with pytest.raises(InvalidValue, match="zone|IPv6"):
            _hosts.validate_ip(value)
    assert _hosts.validate_ip("FE80::1%12") == "fe80::1%12" and _hosts.validate_ip("fe80::1%eth0.5") == "fe80::1%eth0.5"


def test_a_name_with_a_trailing_line_break_is_refused():
    # '$' in a Python pattern also matches before a final newline: the old check let this through
    for value in ("shir-node-02\n", "shir-node-02\r\n", "shir-node-02.\n"):
        with pytest.raises(InvalidValue):
            _hosts.validate_hostname(value)


def test_an_address_is_not_a_host_name():
    for value in ("10.6.6.6", "10.6.6.6."):
        with pytest.raises(InvalidValue, match="give the address in ip"):
            _hosts.validate_hostname(value)


def test_only_cr_and_lf_end_hosts_lines():
    # str.splitlines also splits at U+2028, U+0085, form feed...: a comment would hold an entry
    text = "# note \u2028 10.6.6.6 victim\r\n10.0.0.1 a\r\n"
    assert _hosts.entries(text) == [("10.0.0.1", ["a"])]
    assert _hosts.ensure_present(text, "10.0.0.2", ["b"], "\r\n") == text + "10.0.0.2 b\r\n"


def test_an_edit_that_would_add_entries_nobody_asked_for_is_stopped():
    with pytest.raises(Exception, match="nothing was written"):
        _hosts.check_entries(BEFORE, BEFORE + "10.6.6.6 victim\r\n", "10.0.0.12", ["shir-node-02"])
    _hosts.check_entries(BEFORE, BEFORE + "10.0.0.12\tshir-node-02\r\n", "10.0.0.12", ["shir-node-02"])
