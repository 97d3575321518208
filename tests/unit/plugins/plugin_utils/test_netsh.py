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
    bindings = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_classic_en-US_assumed.txt", crlf=crlf))
    assert [b.endpoint.argument for b in bindings] == ["ipport=0.0.0.0:8391", "ipport=0.0.0.0:443", "ipport=[::]:8443"]
    master = bindings[0]
    assert (master.certificate_hash, master.app_id, master.certificate_store) == (MASTER, MASTER_APP, "Root")
    assert bindings[1].certificate_store is None and bindings[1].effective_store == "MY"
    assert bindings[2].certificate_store == "MY"
    assert len(master.fields) == 13


def test_2022_field_set_with_extended_properties():
    bindings = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_2022_en-US_assumed.txt"))
    assert [b.endpoint.argument for b in bindings] == ["ipport=0.0.0.0:8391", "hostnameport=ssis.contoso.com:443"]
    assert bindings[0].certificate_hash == MASTER and bindings[0].certificate_store == "Root"
    assert bindings[1].endpoint.kind == _netsh.HOSTNAMEPORT and bindings[1].certificate_store == "My"
    # Extended property blocks stay with their binding, apart from its fields; they never open a new one.
    assert ("Receive Window", "1048576") in bindings[0].extended
    assert ("Receive Window", "1048576") not in bindings[0].fields and len(bindings[0].fields) == 25
    assert [b.field_set for b in bindings] == ["2022", "2022"]


def test_german_output_gives_the_same_facts_as_english():
    german = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_classic_de-DE_assumed.txt"))
    english = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_classic_en-US_assumed.txt"))
    assert len(german) == 1
    for attribute in ("endpoint", "certificate_hash", "app_id", "certificate_store"):
        assert getattr(german[0], attribute) == getattr(english[0], attribute)


def test_no_bindings():
    assert _netsh.parse_show_sslcert(load("netsh", "show_sslcert_none_en-US_assumed.txt")) == []


@pytest.mark.parametrize("name, code", [
    ("add_sslcert_error_183_en-US_assumed.txt", 183),
    ("add_sslcert_error_1312_en-US_assumed.txt", 1312),
    ("delete_sslcert_error_2_en-US_assumed.txt", 2),
])
def test_error_codes(name, code):
    text = load("netsh", name)
    assert _netsh.error_code(text) == code
    assert _netsh.parse_show_sslcert(text) == []


@pytest.mark.parametrize("text, code", [
    # the real one-line form (tests/unit/test_data/real/netsh/add_sslcert_logon_session_1312_en-US.txt)
    ("SSL Certificate update failed, Error: 1312 A specified logon session does not exist.", 1312),
    ("SSL Certificate add failed, Error: 183\r\nCannot create a file when that file already exists.", 183),
    # an endpoint in a message is no code: a digit, not a word, stands before its colon
    ("The parameter is incorrect: 0.0.0.0:443", None),
    ("Usage: add sslcert [ipport=]IP Address:port", None),
])
def test_error_code_on_one_line_or_two(text, code):
    assert _netsh.error_code(text) == code


def test_find_binding_compares_addresses_not_text():
    bindings = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_classic_en-US_assumed.txt"))
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


# --------------------------------------------------------------------------- settings by position
CLASSIC_DEFAULTS = {
    "verifyclientcertrevocation": True, "verifyrevocationwithcachedclientcertonly": False, "usagecheck": True,
    "revocationfreshnesstime": 0, "urlretrievaltimeout": 0, "sslctlidentifier": None, "sslctlstorename": None,
    "dsmapperusage": False, "clientcertnegotiation": False,
}
NEWER_DEFAULTS = {name: False for name in (
    "reject", "disablehttp2", "disablequic", "disabletls12", "disabletls13", "disableocspstapling",
    "enabletokenbinding", "logextendedevents", "disablelegacytls", "enablesessionticket", "disablesessionid",
    "enablecachingclienthello")}
# What the *_settings_* fixtures hold (written by the simulator; the test values of this project).
CHANGED = {
    "verifyclientcertrevocation": False, "verifyrevocationwithcachedclientcertonly": True, "usagecheck": False,
    "revocationfreshnesstime": 3600, "urlretrievaltimeout": 15000, "sslctlidentifier": "ContosoCtl",
    "sslctlstorename": "CA", "dsmapperusage": True, "clientcertnegotiation": True,
}
SIM_MASTER = "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"
SIM_APP = "{fbd80bfd-9ab6-5dc8-a84b-37651993b139}"


@pytest.mark.parametrize("name", ["show_sslcert_classic_en-US_assumed.txt", "show_sslcert_classic_de-DE_assumed.txt"])
def test_classic_settings_are_typed_by_position(name):
    binding = _netsh.parse_show_sslcert(load("netsh", name))[0]
    assert binding.field_set == "classic" and binding.unmapped == []
    assert binding.settings == CLASSIC_DEFAULTS and binding.non_default_settings() == {}
    assert binding.carry_problems() == []


def test_2022_defaults_include_set_not_set_words():
    binding = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_2022_en-US_assumed.txt"))[0]
    assert binding.settings == dict(CLASSIC_DEFAULTS, **NEWER_DEFAULTS) and binding.unmapped == []


@pytest.mark.parametrize("locale", ["en-US", "de-DE", "fr-FR"])
def test_2022_settings_in_every_language_give_the_same_typed_values(locale):
    master, sni = _netsh.parse_show_sslcert(load("netsh", f"show_sslcert_2022_settings_{locale}_assumed.txt"))
    assert (master.certificate_hash, master.app_id, master.certificate_store) == (SIM_MASTER, SIM_APP, "Root")
    assert master.settings == {**CLASSIC_DEFAULTS, **NEWER_DEFAULTS, **CHANGED, "disablelegacytls": True,
                               "disablehttp2": True}
    assert master.unmapped == [] and master.field_set == "2022" and len(master.extended) == 5
    assert sni.endpoint.argument == "hostnameport=ssis.contoso.com:443" and sni.certificate_store is None
    assert sni.non_default_settings() == {}


def test_classic_french_settings():
    [binding] = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_classic_settings_fr-FR_assumed.txt"))
    assert binding.field_set == "classic"
    assert binding.non_default_settings() == {"clientcertnegotiation": True, "sslctlidentifier": "ContosoCtl",
                                              "sslctlstorename": "CA"}


def test_an_unknown_value_word_is_reported_with_its_text_not_guessed():
    text = load("netsh", "show_sslcert_classic_en-US_assumed.txt").replace(
        "Negotiate Client Certificate : Disabled", "Negotiate Client Certificate : Habilitado", 1)
    binding = _netsh.parse_show_sslcert(text)[0]
    assert "clientcertnegotiation" not in binding.settings
    [entry] = binding.unmapped
    assert (entry["position"], entry["label"], entry["value"]) == (13, "Negotiate Client Certificate", "Habilitado")
    assert "Negotiate Client Certificate" in entry["reason"] and "en-US" in entry["reason"]
    [problem] = [p for p in binding.carry_problems() if "Habilitado" in p]
    assert "field 13" in problem
    with pytest.raises(_netsh.CannotCarry):
        _netsh.update_command(binding, MASTER, MASTER_APP, "Root")


def test_a_number_field_with_a_word_is_unmapped():
    text = load("netsh", "show_sslcert_classic_en-US_assumed.txt").replace(
        "Revocation Freshness Time    : 0", "Revocation Freshness Time    : Enabled", 1)
    [entry] = _netsh.parse_show_sslcert(text)[0].unmapped
    assert entry["value"] == "Enabled" and "not an unsigned number" in entry["reason"]


def test_a_field_set_nobody_showed_keeps_the_classic_settings_and_reports_the_rest():
    # A 2022 block with one more field appended: the newer fields can no longer be placed by position.
    text = load("netsh", "show_sslcert_2022_en-US_assumed.txt").replace(
        "    Enable Caching Client Hello  : Not Set\r\n",
        "    Enable Caching Client Hello  : Not Set\r\n    Some Future Flag             : Not Set\r\n", 1)
    binding = _netsh.parse_show_sslcert(text)[0]
    assert binding.field_set is None and binding.settings == CLASSIC_DEFAULTS
    assert [u["position"] for u in binding.unmapped] == list(range(14, 27))
    assert binding.unmapped[-1]["label"] == "Some Future Flag" and "meaning is unknown" in binding.unmapped[-1]["reason"]
    assert _netsh.parse_show_sslcert(load("netsh", "show_sslcert_2022_en-US_assumed.txt"))[1].unmapped == []


def test_update_carries_every_setting_of_the_binding_it_replaces():
    current = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_2022_settings_de-DE_assumed.txt"))[0]
    command = _netsh.update_command(current, MASTER, SIM_APP, "Root")
    assert not command.read_only
    assert command.line == (
        f"netsh http update sslcert ipport=0.0.0.0:8391 certhash={MASTER} 'appid={SIM_APP}' certstorename=Root "
        "verifyclientcertrevocation=disable verifyrevocationwithcachedclientcertonly=enable usagecheck=disable "
        "revocationfreshnesstime=3600 urlretrievaltimeout=15000 sslctlidentifier=ContosoCtl sslctlstorename=CA "
        "dsmapperusage=enable clientcertnegotiation=enable reject=disable disablehttp2=enable disablequic=disable "
        "disabletls12=disable disabletls13=disable disableocspstapling=disable enabletokenbinding=disable "
        "logextendedevents=disable disablelegacytls=enable enablesessionticket=disable disablesessionid=disable")
    planned = _netsh.replaced(current, MASTER, SIM_APP, "Root")
    assert planned.settings == current.settings and planned.certificate_hash == MASTER


def test_update_on_a_classic_build_carries_only_the_keywords_it_knows():
    current = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_classic_settings_fr-FR_assumed.txt"))[0]
    line = _netsh.update_command(current, MASTER, SIM_APP, "Root").line
    assert "clientcertnegotiation=enable sslctlidentifier" not in line  # show order, not grouping
    assert "sslctlidentifier=ContosoCtl sslctlstorename=CA dsmapperusage=disable clientcertnegotiation=enable" in line
    assert "disablelegacytls" not in line and "reject" not in line


def test_null_texts_are_left_out_rather_than_written():
    current = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_classic_en-US_assumed.txt"))[0]
    line = _netsh.update_command(current, MASTER, MASTER_APP, "Root").line
    assert "sslctl" not in line and "(null)" not in line
    assert line.endswith("dsmapperusage=disable clientcertnegotiation=disable")


def test_enable_caching_client_hello_set_cannot_be_carried():
    current = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_2022_caching_client_hello_en-US_assumed.txt"))[0]
    assert current.settings["enablecachingclienthello"] is True and current.unmapped == []
    with pytest.raises(_netsh.CannotCarry) as error:
        _netsh.update_command(current, MASTER, SIM_APP, "Root")
    assert error.value.problems == ["'Enable Caching Client Hello' is set and netsh http update sslcert "
                                    "has no keyword for it"]
    # Not Set (the default) is no obstacle: an update leaves it Not Set.
    default = _netsh.parse_show_sslcert(load("netsh", "show_sslcert_2022_en-US_assumed.txt"))[0]
    assert "enablecachingclienthello" not in _netsh.update_command(default, MASTER, SIM_APP, "Root").line


def test_value_words_have_one_meaning_across_languages():
    seen = {}
    for words in _netsh.VALUE_WORDS.values():
        for word, value in words.items():
            assert seen.setdefault(word.casefold(), value) == value
