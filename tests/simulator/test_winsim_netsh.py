"""`netsh http ... sslcert` emulation: layouts, messages, exit codes, state changes.

Texts marked "assumed" in winsim/tools/netsh.py are asserted here too, so a change to an
assumption is a visible test change.
"""

from __future__ import annotations

import pytest
from winsim_helpers import make_node, run, run_one

MASTER = "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b"
OTHER = "bd89861c7801c45be44fb59fadc9198889b77f45"
APPID = "{fbd80bfd-9ab6-5dc8-a84b-37651993b139}"
ADD = f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER} appid='{APPID}' certstorename=Root"

CLASSIC_BLOCK = [
    "    IP:port                      : 0.0.0.0:8391",
    f"    Certificate Hash             : {MASTER}",
    f"    Application ID               : {APPID}",
    "    Certificate Store Name       : Root",
    "    Verify Client Certificate Revocation : Enabled",
    "    Verify Revocation Using Cached Client Certificate Only : Disabled",
    "    Usage Check                  : Enabled",
    "    Revocation Freshness Time    : 0",
    "    URL Retrieval Timeout        : 0",
    "    Ctl Identifier               : (null)",
    "    Ctl Store Name               : (null)",
    "    DS Mapper Usage              : Disabled",
    "    Negotiate Client Certificate : Disabled",
]
HEADER = ["", "SSL Certificate bindings:", "-------------------------", ""]


def test_show_all_classic_layout():
    result = run_one(make_node(), "netsh http show sslcert")
    assert result == {"number": 1, "out": HEADER + CLASSIC_BLOCK + [""], "err": [], "rc": 0}


def test_show_one_endpoint_and_keywords_are_case_insensitive():
    node = make_node()
    assert run_one(node, "netsh http show sslcert ipport=0.0.0.0:8391")["out"] == HEADER + CLASSIC_BLOCK + [""]
    assert run_one(node, "NETSH Http SHOW SslCert IPPORT=0.0.0.0:8391")["out"] == HEADER + CLASSIC_BLOCK + [""]
    assert run_one(node, "netsh.exe http show sslcert ipport=0.0.0.0:8391")["rc"] == 0


def test_show_missing_endpoint_assumed_layout():
    result = run_one(make_node(), "netsh http show sslcert ipport=0.0.0.0:9999")
    assert result["rc"] == 1
    assert result["out"] == HEADER + ["The system cannot find the file specified.", ""]  # assumed


def test_show_without_bindings_assumed_layout():
    result = run_one(make_node("scaleout_master_binding_missing"), "netsh http show sslcert")
    assert result == {"number": 1, "out": HEADER, "err": [], "rc": 0}  # assumed


def test_show_several_bindings_blank_line_between_blocks_and_sni_label():
    node = make_node()
    run_one(node, f"netsh http add sslcert hostnameport=www.contoso.com:443 certhash={MASTER} appid='{APPID}' certstorename=Root")
    out = run_one(node, "netsh http show sslcert")["out"]
    assert out[:4] == HEADER
    assert out[4:17] == CLASSIC_BLOCK and out[17] == ""
    assert out[18] == "    Hostname:port                : www.contoso.com:443"
    assert out[21] == "    Certificate Store Name       : Root"
    assert out[-1] == ""
    sni = run_one(node, "netsh http show sslcert hostnameport=WWW.contoso.com:443")
    assert sni["rc"] == 0 and sni["out"][4] == "    Hostname:port                : www.contoso.com:443"


def test_add_success_and_state():
    node = make_node("scaleout_master_binding_missing")
    result = run_one(node, ADD)
    assert result == {"number": 1, "out": ["", "SSL Certificate successfully added", ""], "err": [], "rc": 0}
    [binding] = node.snapshot()["state"]["http_ssl_bindings"]
    assert binding["ipport"] == "0.0.0.0:8391" and binding["certhash"] == MASTER
    assert binding["appid"] == APPID and binding["certstorename"] == "Root"


def test_add_existing_binding_is_error_183():
    node = make_node()
    before = node.digest()
    result = run_one(node, ADD)
    assert result["rc"] == 1
    assert result["out"] == ["", "SSL Certificate add failed, Error: 183",
                             "Cannot create a file when that file already exists.", ""]
    assert node.digest() == before


@pytest.mark.parametrize("command", [
    # not in the named store (default store MY when certstorename is omitted)
    f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER} appid='{APPID}'",
    f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER} appid='{APPID}' certstorename=My",
    f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={OTHER} appid='{APPID}' certstorename=Root",
    f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER} appid='{APPID}' certstorename=NoSuchStore",
])
def test_add_certificate_missing_from_store_is_error_1312(command):
    node = make_node("scaleout_master_binding_missing")
    result = run_one(node, command)
    assert result["rc"] == 1
    assert result["out"] == ["", "SSL Certificate add failed, Error: 1312",
                             "A specified logon session does not exist. It may already have been terminated.", ""]
    assert node.snapshot()["state"]["http_ssl_bindings"] == []


def test_add_certificate_without_private_key_is_error_1312():
    node = make_node({"node": {"cert_stores": {"LocalMachine": {"My": [
        {"cert": "scaleout_master_old"}]}}}})
    result = run_one(node, f"netsh http add sslcert ipport=0.0.0.0:443 certhash={OTHER} appid='{APPID}'")
    assert result["rc"] == 1 and result["out"][1] == "SSL Certificate add failed, Error: 1312"


def test_add_hash_and_store_name_case_insensitive_store_name_printed_as_given():
    node = make_node("scaleout_master_binding_missing")
    result = run_one(node, f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER.upper()} "
                           f"appid='{APPID.upper()}' certstorename=ROOT")
    assert result["rc"] == 0
    out = run_one(node, "netsh http show sslcert ipport=0.0.0.0:8391")["out"]
    assert f"    Certificate Hash             : {MASTER}" in out  # stored and printed lower-case
    assert f"    Application ID               : {APPID}" in out
    assert "    Certificate Store Name       : ROOT" in out


def test_add_without_store_prints_null_and_uses_my():
    node = make_node({"node": {"cert_stores": {"LocalMachine": {"MY": [
        {"cert": "scaleout_master_old", "key": True}]}}}})
    assert run_one(node, f"netsh http add sslcert ipport=0.0.0.0:443 certhash={OTHER} appid='{APPID}'")["rc"] == 0
    out = run_one(node, "netsh http show sslcert ipport=0.0.0.0:443")["out"]
    assert "    Certificate Store Name       : (null)" in out


def test_add_documented_settings_are_stored_and_shown():
    node = make_node("scaleout_master_binding_missing")
    result = run_one(node, ADD + " clientcertnegotiation=enable verifyclientcertrevocation=disable "
                                 "revocationfreshnesstime=60 sslctlstorename=Root")
    assert result["rc"] == 0
    out = run_one(node, "netsh http show sslcert ipport=0.0.0.0:8391")["out"]
    assert "    Negotiate Client Certificate : Enabled" in out
    assert "    Verify Client Certificate Revocation : Disabled" in out
    assert "    Revocation Freshness Time    : 60" in out
    assert "    Ctl Store Name               : Root" in out


@pytest.mark.parametrize("command", [
    f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER[:-1]} appid='{APPID}' certstorename=Root",
    f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER[:-1]}g appid='{APPID}' certstorename=Root",
    f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER} appid={APPID[1:-1]} certstorename=Root",
    f"netsh http add sslcert ipport=0.0.0.0 certhash={MASTER} appid='{APPID}' certstorename=Root",
    f"netsh http add sslcert ipport=300.0.0.0:8391 certhash={MASTER} appid='{APPID}' certstorename=Root",
    f"netsh http add sslcert ipport=0.0.0.0:70000 certhash={MASTER} appid='{APPID}' certstorename=Root",
    f"netsh http add sslcert ipport=0.0.0.0:8391 appid='{APPID}' certstorename=Root",
    f"netsh http add sslcert ipport=0.0.0.0:8391 hostnameport=a.b:443 certhash={MASTER} appid='{APPID}'",
    f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER} appid='{APPID}' usagecheck=maybe",
    "netsh http delete sslcert ipport=localhost:8391",
])
def test_bad_parameters_are_the_parameter_is_incorrect(command):
    node = make_node("scaleout_master_binding_missing")
    before = node.digest()
    result = run_one(node, command)
    assert result["rc"] == 1  # netsh exits 1, not 87 (assumed)
    assert result["out"] == ["", "The parameter is incorrect.", ""]
    assert node.digest() == before


def test_ipv6_endpoint_is_canonical():
    node = make_node({"node": {"cert_stores": {"LocalMachine": {"My": [
        {"cert": "scaleout_master_old", "key": True}]}}}})
    assert run_one(node, f"netsh http add sslcert ipport=[0:0::0]:443 certhash={OTHER} appid='{APPID}'")["rc"] == 0
    assert run_one(node, "netsh http show sslcert ipport=[::]:443")["out"][4] == \
        "    IP:port                      : [::]:443"


def test_delete_success_and_missing_is_error_2():
    node = make_node()
    assert run_one(node, "netsh http delete sslcert ipport=0.0.0.0:8391") == {
        "number": 1, "out": ["", "SSL Certificate successfully deleted", ""], "err": [], "rc": 0}
    assert node.snapshot()["state"]["http_ssl_bindings"] == []
    missing = run_one(node, "netsh http delete sslcert ipport=0.0.0.0:8391")
    assert missing["rc"] == 1
    assert missing["out"] == ["", "SSL Certificate deletion failed, Error: 2",
                              "The system cannot find the file specified.", ""]


def test_update_replaces_existing_binding_and_needs_one():
    node = make_node("scaleout_master_binding_wrong_cert")
    command = ADD.replace(" add ", " update ")
    result = run_one(node, command)
    assert result["out"] == ["", "SSL Certificate successfully updated", ""]  # assumed text
    assert node.snapshot()["state"]["http_ssl_bindings"][0]["certhash"] == MASTER
    missing = run_one(make_node("scaleout_master_binding_missing"), command)
    assert missing["rc"] == 1
    assert missing["out"] == ["", "SSL Certificate update failed, Error: 2",  # assumed text
                              "The system cannot find the file specified.", ""]


def test_remove_and_readd_is_idempotent_for_the_digest():
    node = make_node()
    before = node.digest()
    run_one(node, "netsh http delete sslcert ipport=0.0.0.0:8391")
    assert node.digest() != before
    run_one(node, ADD)
    assert node.digest() == before


def test_2022_field_set():
    out = run_one(make_node("scaleout_master_binding_2022"), "netsh http show sslcert ipport=0.0.0.0:8391")["out"]
    assert out[4:17] == CLASSIC_BLOCK
    assert out[17:20] == ["    Reject Connections           : Disabled",
                          "    Disable HTTP2                : Not Set",
                          "    Disable QUIC                 : Not Set"]
    assert "    Enable Caching Client Hello  : Not Set" in out
    assert out.count("    Extended Properties:") == 2  # assumed blocks
    assert "        PropertyId                   : 0" in out
    assert out[-1] == ""


def test_german_labels():
    node = make_node({"node": {
        "locale": "de-DE",
        "cert_stores": {"LocalMachine": {"Root": [{"cert": "scaleout_master", "key": True}]}},
        "http_ssl_bindings": [{"ipport": "0.0.0.0:8391", "certhash": MASTER, "appid": APPID, "certstorename": "Root"}],
    }})
    out = run(node, "netsh http show sslcert").stdout
    assert f"    Zertifikathash               : {MASTER}" in out  # attested label
    assert f"    Anwendungs-ID                : {APPID}" in out  # attested label
    assert out[1] == "SSL-Zertifikatbindungen:" and out[2] == "-" * len(out[1])  # assumed


def test_fault_injected_failure_leaves_state_unchanged():
    from winsim.node import parse_faults

    node = make_node("scaleout_master_binding_missing")
    node.set_faults(parse_faults([{"match": ["netsh", "http", "add", "sslcert"], "occurrence": 2,
                                   "exit_code": 1,
                                   "stdout": "SSL Certificate add failed, Error: 5\r\nAccess is denied.\r\n"}]))
    first = run_one(node, ADD)
    assert first["rc"] == 0
    run_one(node, "netsh http delete sslcert ipport=0.0.0.0:8391")
    before = node.digest()
    second = run_one(node, ADD)
    assert second == {"number": 1, "out": ["SSL Certificate add failed, Error: 5", "Access is denied."],
                      "err": [], "rc": 1}
    assert node.digest() == before
    assert run_one(node, ADD)["rc"] == 0  # only the 2nd occurrence fails
    assert node.log_snapshot()[-2]["native"][0]["fault"] == "fail"


# --------------------------------------------------------------------------- every documented keyword
# netsh-http.md (2025 edition) documents these keywords for both `add sslcert` and `update sslcert`.
CLASSIC_KEYWORDS = ("verifyclientcertrevocation=disable verifyrevocationwithcachedclientcertonly=enable "
                    "usagecheck=disable revocationfreshnesstime=3600 urlretrievaltimeout=15000 "
                    "sslctlidentifier=ContosoCtl sslctlstorename=CA dsmapperusage=enable clientcertnegotiation=enable")
NEWER_KEYWORDS = ("reject=enable disablehttp2=enable disablequic=enable disabletls12=enable disabletls13=enable "
                  "disableocspstapling=enable enabletokenbinding=enable logextendedevents=enable "
                  "disablelegacytls=enable enablesessionticket=enable disablesessionid=enable")
CLASSIC_SET = [
    "    Verify Client Certificate Revocation : Disabled",
    "    Verify Revocation Using Cached Client Certificate Only : Enabled",
    "    Usage Check                  : Disabled",
    "    Revocation Freshness Time    : 3600",
    "    URL Retrieval Timeout        : 15000",
    "    Ctl Identifier               : ContosoCtl",
    "    Ctl Store Name               : CA",
    "    DS Mapper Usage              : Enabled",
    "    Negotiate Client Certificate : Enabled",
]


def node_2022(scenario="scaleout_master_binding_wrong_cert"):
    node = make_node(scenario)
    state = node.snapshot()["state"]
    state["netsh_field_set"] = "2022"
    return make_node({"node": state})


def shown(node):
    return run_one(node, "netsh http show sslcert ipport=0.0.0.0:8391")["out"]


def test_add_takes_every_classic_keyword_and_show_prints_them():
    node = make_node("scaleout_master_binding_missing")
    assert run_one(node, f"{ADD} {CLASSIC_KEYWORDS}")["rc"] == 0
    assert shown(node)[8:17] == CLASSIC_SET


def test_add_on_a_2022_build_takes_the_newer_keywords():
    node = node_2022("scaleout_master_binding_missing")
    assert run_one(node, f"{ADD} {CLASSIC_KEYWORDS} {NEWER_KEYWORDS}")["rc"] == 0
    out = shown(node)
    assert out[8:17] == CLASSIC_SET
    # Reject prints Enabled/Disabled, the newer flags Set / Not Set ([SAMPLES], [TLS-BLOG], [HOST-TRANSCRIPT]);
    # Enable Caching Client Hello has no keyword and stays Not Set.
    assert out[17:29] == [
        "    Reject Connections           : Enabled",
        "    Disable HTTP2                : Set",
        "    Disable QUIC                 : Set",
        "    Disable TLS1.2               : Set",
        "    Disable TLS1.3               : Set",
        "    Disable OCSP Stapling        : Set",
        "    Enable Token Binding         : Set",
        "    Log Extended Events          : Set",
        "    Disable Legacy TLS Versions  : Set",
        "    Enable Session Ticket        : Set",
        "    Disable Session ID           : Set",
        "    Enable Caching Client Hello  : Not Set",
    ]
    settings = node.snapshot()["state"]["http_ssl_bindings"][0]["settings"]
    assert settings["rejectconnections"] is True and settings["disablelegacytls"] is True
    assert settings["enablecachingclienthello"] is False


@pytest.mark.parametrize("keyword", NEWER_KEYWORDS.split())
def test_a_classic_build_refuses_the_newer_keywords_as_an_incorrect_parameter(keyword):
    node = make_node("scaleout_master_binding_missing")
    before = node.digest()
    result = run_one(node, f"{ADD} {keyword}")
    assert result["rc"] == 1 and result["out"] == ["", "The parameter is incorrect.", ""]  # assumed
    assert node.digest() == before
    updated = make_node("scaleout_master_binding_wrong_cert")
    before = updated.digest()
    assert run_one(updated, f"{ADD.replace(' add ', ' update ')} {keyword}")["out"] == \
        ["", "The parameter is incorrect.", ""]
    assert updated.digest() == before


def test_enable_caching_client_hello_has_no_keyword_and_is_refused_not_guessed(allow_refusals):
    node = node_2022()
    before = node.digest()
    result = run_one(node, ADD.replace(" add ", " update ") + " enablecachingclienthello=enable")
    assert result["rc"] == -1 and node.digest() == before  # the statement did not run
    [refusal] = allow_refusals()
    assert "'enablecachingclienthello' is not emulated" in refusal["reason"]


def test_update_carrying_every_setting_keeps_them_and_changes_the_certificate():
    node = node_2022()
    update = f"netsh http update sslcert ipport=0.0.0.0:8391 certhash={MASTER} appid='{APPID}' certstorename=Root"
    assert run_one(node, f"{ADD.replace(' add ', ' update ')} {CLASSIC_KEYWORDS} disablelegacytls=enable")["rc"] == 0
    result = run_one(node, f"{update} {CLASSIC_KEYWORDS} disablelegacytls=enable")
    assert result["out"] == ["", "SSL Certificate successfully updated", ""]
    out = shown(node)
    assert out[5] == f"    Certificate Hash             : {MASTER}"
    assert out[8:17] == CLASSIC_SET and "    Disable Legacy TLS Versions  : Set" in out


def test_update_replaces_the_whole_record_settings_not_given_return_to_defaults():
    node = make_node("scaleout_master_binding_wrong_cert")
    update = ADD.replace(" add ", " update ")
    assert run_one(node, f"{update} {CLASSIC_KEYWORDS}")["rc"] == 0
    assert run_one(node, update)["rc"] == 0
    assert shown(node)[4:17] == CLASSIC_BLOCK  # assumed: a whole-record replacement


def test_failed_update_leaves_the_old_record_intact():
    node = node_2022()
    assert run_one(node, f"{ADD.replace(' add ', ' update ')} {CLASSIC_KEYWORDS} disablehttp2=enable")["rc"] == 0
    before, digest = shown(node), node.digest()
    # the certificate is not in My: error 1312, nothing changes
    result = run_one(node, f"netsh http update sslcert ipport=0.0.0.0:8391 certhash={OTHER} appid='{APPID}' "
                           f"certstorename=My {CLASSIC_KEYWORDS}")
    assert result["out"] == ["", "SSL Certificate update failed, Error: 1312",  # assumed text
                             "A specified logon session does not exist. It may already have been terminated.", ""]
    assert node.digest() == digest and shown(node) == before
    # a bad value anywhere in the command: nothing changes either
    assert run_one(node, f"{ADD.replace(' add ', ' update ')} revocationfreshnesstime=-1")["rc"] == 1
    assert node.digest() == digest


@pytest.mark.parametrize("locale, words", [
    ("de-DE", ("Deaktiviert", "Festgelegt", "Nicht festgelegt")),  # assumed translations
    ("fr-FR", ("Désactivé", "Défini", "Non défini")),  # assumed translations
])
def test_newer_flags_are_localised(locale, words):
    state = node_2022().snapshot()["state"]
    state["locale"] = locale
    state["http_ssl_bindings"][0]["settings"] = {"disablelegacytls": True}
    out = shown(make_node({"node": state}))
    disabled, set_, not_set = words
    assert out[17].endswith(f" : {disabled}")  # Reject Connections
    assert out[18].endswith(f" : {not_set}") and out[25].endswith(f" : {set_}")  # Disable HTTP2, Legacy TLS
