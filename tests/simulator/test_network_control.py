"""The control API's network endpoint: GET / POST /_sim/network (README "Network", "Control API")."""

from __future__ import annotations

import base64

import pytest
from winsim_helpers import control, run_one

import winsim
from winsim import certs

SHIR01 = "29385c8a39c63665a6b47c9870a72cad65628530"  # shir01_remote: CRL http://pki.contoso.local/crl/contoso-root.crl
VERIFY = "certutil -verify -urlfetch 'C:\\Temp\\shir.cer'"
# tests/unit/test_data/real/certutil/verify_revoked_excerpt_en-US.txt
REVOKED_LINE = "The certificate is revoked. 0x80092010 (-2146885616 CRYPT_E_REVOKED)"


def verify_scenario() -> dict:
    """A node trusting the Contoso root with shir01's certificate (issued by it, with a CRL URL) in C:\\Temp."""
    der = certs.load_named("shir01_remote")[0].der
    return {"node": {"directories": ["C:\\", "C:\\Temp"],
                     "cert_stores": {"LocalMachine": {"Root": [{"cert": "contoso_root_ca"}]}},
                     "files": {"C:\\Temp\\shir.cer": {"base64": base64.b64encode(der).decode()}}}}


def test_get_shows_the_union_of_the_scenarios_network_sections(sim):
    handle = sim(winsim.group_nodes("shir_healthy"))
    status, doc = control(handle, "GET", "network")
    assert status == 200
    # shir_healthy.yml's dns (names lower-cased: resolution is case-insensitive) and its external host
    assert doc == {"dns": {"shir01": "10.0.1.11", "shir01.contoso.local": "10.0.1.11",
                           "shir02": "10.0.1.12", "shir02.contoso.local": "10.0.1.12",
                           "wu2.frontend.clouddatahub.net": "192.0.2.80"},
                   "hosts": {"192.0.2.80": {"ports": [443]}}, "revoked": []}


def test_post_merges_and_replies_like_get(sim):
    handle = sim({"n": {"network": {"hosts": {"10.0.9.9": {"ports": [443]}}}, **verify_scenario()}})
    status, doc = control(handle, "POST", "network", {
        "dns": {"PKI.contoso.local": "10.0.9.9"}, "hosts": {"10.0.9.9": {"ports": [8080, 80]}},
        "revoked": [SHIR01.upper()]})
    assert status == 200
    assert doc == {"dns": {"pki.contoso.local": "10.0.9.9"}, "hosts": {"10.0.9.9": {"ports": [80, 443, 8080]}},
                   "revoked": [SHIR01]}
    assert control(handle, "GET", "network") == (200, doc)
    # merging is idempotent; an empty section changes nothing; GET's reply is itself a valid body
    assert control(handle, "POST", "network", doc) == (200, doc)
    assert control(handle, "POST", "network", {}) == (200, doc)


def test_a_revoked_thumbprint_makes_certutil_verify_report_crypt_e_revoked(sim):
    handle = sim({"n": verify_scenario()})
    node = handle.node("n")
    offline = run_one(node, VERIFY)
    assert offline["rc"] == 0 and any("CRYPT_E_REVOCATION_OFFLINE" in line for line in offline["out"])

    control(handle, "POST", "network", {"dns": {"pki.contoso.local": "10.0.9.9"}, "hosts": {"10.0.9.9": {"ports": [80]}}})
    checked = run_one(node, VERIFY)
    assert checked["rc"] == 0 and "Leaf certificate revocation check passed" in checked["out"]

    control(handle, "POST", "network", {"revoked": [SHIR01.upper()]})  # Windows shows thumbprints upper-case
    revoked = run_one(node, VERIFY)
    assert revoked["rc"] == 0  # a revoked leaf still "completed successfully" (real: verify_revoked_excerpt_en-US.txt)
    assert REVOKED_LINE in revoked["out"] and "Leaf certificate is REVOKED (Reason=0)" in revoked["out"]


def test_a_loopback_crl_is_reachable_when_the_node_listens(sim):
    # the CRL host resolves through the node's hosts file to itself; only the listener makes it answer
    scenario = verify_scenario()
    scenario["node"]["files"]["C:\\Windows\\System32\\drivers\\etc\\hosts"] = {"text": "127.0.0.1 pki.contoso.local\r\n"}
    handle = sim({"n": scenario})
    node = handle.node("n")
    control(handle, "POST", "network", {"revoked": [SHIR01]})
    assert any("CRYPT_E_REVOCATION_OFFLINE" in line for line in run_one(node, VERIFY)["out"])
    state = node.snapshot()["state"]
    state["network"]["listeners"] = [{"port": 80}]
    assert control(handle, "POST", "nodes/n/state", {"state": state})[0] == 200
    assert REVOKED_LINE in run_one(node, VERIFY)["out"]


@pytest.mark.parametrize("body, named", [
    (None, "network: section"),
    ([SHIR01], "network: section"),
    ({"dns": {}, "routes": {}, "firewall": 1}, "'firewall', 'routes'"),
    ({"revoked": SHIR01}, repr(SHIR01)),
    ({"revoked": ["29385c8a39c63665a6b47c9870a72cad6562853"]}, "'29385c8a39c63665a6b47c9870a72cad6562853'"),
    ({"revoked": ["zz385c8a39c63665a6b47c9870a72cad65628530"]}, "'zz385c8a39c63665a6b47c9870a72cad65628530'"),
    ({"revoked": [12345]}, "12345"),
    ({"dns": {"pki.contoso.local": "pki.example"}}, "'pki.example'"),
    ({"dns": {"pki.contoso.local": 167774473}}, "167774473"),
    ({"dns": ["pki.contoso.local"]}, "['pki.contoso.local']"),
    ({"hosts": {"10.0.9.9": [80]}}, "[80]"),
    ({"hosts": {"10.0.9.9": {"ports": [80, 70000, "443"]}}}, "70000, '443'"),
    ({"hosts": {"10.0.9.9": {"ports": 80}}}, "80"),
    ({"hosts": {"pki": {"ports": [80]}}}, "'pki'"),
])
def test_bad_bodies_are_400_naming_the_bad_value_and_merge_nothing(sim, body, named):
    handle = sim({"n": verify_scenario()})
    before = control(handle, "GET", "network")
    status, doc = control(handle, "POST", "network", body)
    assert status == 400 and named in doc["error"], doc
    assert control(handle, "GET", "network") == before


def test_a_dns_name_cannot_move_and_a_rejected_section_merges_nothing(sim):
    handle = sim({"n": {"network": {"dns": {"pki.contoso.local": "10.0.9.9"}}, **verify_scenario()}})
    status, doc = control(handle, "POST", "network", {"dns": {"new.contoso.local": "10.0.9.8",
                                                              "PKI.contoso.local": "10.0.9.10"},
                                                      "revoked": [SHIR01]})
    assert status == 400 and "'PKI.contoso.local'" in doc["error"] and "10.0.9.9" in doc["error"]
    assert control(handle, "GET", "network")[1] == {"dns": {"pki.contoso.local": "10.0.9.9"}, "hosts": {},
                                                    "revoked": []}


def test_a_body_that_is_not_json_is_400(sim):
    handle = sim({"n": verify_scenario()})
    status, doc = control(handle, "POST", "network", raw=b"revoked: [abc]")
    assert status == 400 and "not JSON" in doc["error"]
