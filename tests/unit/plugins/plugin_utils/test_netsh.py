"""netsh http sslcert: endpoint validation and the label-free parser, on recorded outputs."""

from __future__ import annotations

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _netsh
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

MASTER = "3DF10A7C5521980B6E4413A79C028E61F05B3A19"
MASTER_APP = "{8f3e2b94-1c55-4d0e-9a7b-2f6c1d9e0a11}"


@pytest.mark.parametrize("crlf", [True, False])
def test_classic_english_output(crlf):
    bindings = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_classic_en-US.txt", crlf=crlf))
    assert [b.endpoint.argument for b in bindings] == ["ipport=0.0.0.0:8391", "ipport=0.0.0.0:443", "ipport=[::]:8443"]
    master = bindings[0]
    assert (master.certificate_hash, master.app_id, master.certificate_store) == (MASTER, MASTER_APP, "Root")
    assert bindings[1].certificate_store is None and bindings[1].effective_store == "MY"
    assert bindings[2].certificate_store == "MY"
    assert len(master.fields) == 13


def test_2022_field_set_with_extended_properties():
    bindings = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_2022_en-US.txt"))
    assert [b.endpoint.argument for b in bindings] == ["ipport=0.0.0.0:8391", "hostnameport=ssis.contoso.com:443"]
    assert bindings[0].certificate_hash == MASTER and bindings[0].certificate_store == "Root"
    assert bindings[1].endpoint.kind == _netsh.HOSTNAMEPORT and bindings[1].certificate_store == "My"
    # Extended property blocks stay with their binding; they never open a new one.
    assert ("Receive Window", "1048576") in bindings[0].fields


def test_german_output_gives_the_same_facts_as_english():
    german = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_classic_de-DE.txt"))
    english = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_classic_en-US.txt"))
    assert len(german) == 1
    for attribute in ("endpoint", "certificate_hash", "app_id", "certificate_store"):
        assert getattr(german[0], attribute) == getattr(english[0], attribute)


def test_no_bindings():
    assert _netsh.parse_show_sslcert(load("netsh", "show_sslcert_none_en-US.txt")) == []


@pytest.mark.parametrize("name, code", [
    ("add_sslcert_error_183_en-US.txt", 183),
    ("add_sslcert_error_1312_en-US.txt", 1312),
    ("delete_sslcert_error_2_en-US.txt", 2),
])
def test_error_codes(name, code):
    text = load("netsh", name)
    assert _netsh.error_code(text) == code
    assert _netsh.parse_show_sslcert(text) == []


def test_find_binding_compares_addresses_not_text():
    bindings = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_classic_en-US.txt"))
    assert _netsh.find_binding(bindings, _netsh.parse_ip_port("[0:0::0]:8443")) is bindings[2]
    assert _netsh.find_binding(bindings, _netsh.parse_ip_port("0.0.0.0:8392")) is None


@pytest.mark.parametrize("value, fragment", [
    ("0.0.0.0:0", "from 1 to 65535"),
    ("0.0.0.0:70000", "from 1 to 65535"),
    ("0.0.0.0", "ADDRESS:PORT"),
    ("0.0.0.0:84a", "from 1 to 65535"),
    ("master:8391", "for a host name use hostname_port"),
    ("0.0.0.0;calc:8391", "IPv4 or bracketed IPv6"),
])
def test_bad_ip_port_is_refused_with_the_value(value, fragment):
    with pytest.raises(InvalidValue) as error:
        _netsh.parse_ip_port(value)
    assert repr(value) in str(error.value) and fragment in str(error.value)


@pytest.mark.parametrize("value", ["host name:443", "a'b:443", "x;y:443", "-bad.example:443"])
def test_bad_hostname_port(value):
    with pytest.raises(InvalidValue):
        _netsh.parse_hostname_port(value)


def test_app_id_forms_and_stable_default():
    assert _netsh.normalize_app_id("8F3E2B94-1C55-4D0E-9A7B-2F6C1D9E0A11") == MASTER_APP
    with pytest.raises(InvalidValue):
        _netsh.normalize_app_id("{not-a-guid}")
    endpoint = _netsh.parse_ip_port("0.0.0.0:8391")
    assert _netsh.stable_app_id(endpoint) == _netsh.stable_app_id(_netsh.parse_ip_port("0.0.0.0:8391"))
    assert _netsh.stable_app_id(endpoint) != _netsh.stable_app_id(_netsh.parse_ip_port("0.0.0.0:8392"))


def test_commands_quote_the_app_id_braces():
    endpoint = _netsh.parse_ip_port("0.0.0.0:8391")
    add = _netsh.add_command(endpoint, MASTER, MASTER_APP, "Root")
    assert add.line == f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER} 'appid={MASTER_APP}' certstorename=Root"
    assert not add.read_only and _netsh.show_command().read_only
