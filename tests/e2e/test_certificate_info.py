"""certificate_info end to end: real certificates made here (cryptography), loaded into the
simulated node's stores, read back over WinRM with certutil and icacls."""

from __future__ import annotations

import copy
import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

pytestmark = pytest.mark.e2e

NODE = "missing"  # scaleout_master_binding_missing: a master whose state the tests replace
WORKER_SERVICE = "SSISScaleOutWorker140"
CSP = "Microsoft Enhanced RSA and AES Cryptographic Provider"
KSP = "Microsoft Software Key Storage Provider"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Made:
    """A certificate made for a test: PEM, DER, PFX and thumbprint."""

    def __init__(self, cert, key):
        self.cert, self.key = cert, key
        self.pem = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
        self.der = cert.public_bytes(serialization.Encoding.DER)
        self.thumbprint = cert.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S303 - the Windows thumbprint

    def pfx(self, password: str) -> bytes:
        return pkcs12.serialize_key_and_certificates(b"irops", self.key, self.cert, None,
                                                     serialization.BestAvailableEncryption(password.encode()))


def make_cert(cn: str, dns=(), issuer: Made | None = None, days=(-3000, 3650)) -> Made:
    """Valid from 2018-ish: the simulated node's clock is in the past (2025-01-06)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    builder = (x509.CertificateBuilder().subject_name(name)
               .issuer_name(issuer.cert.subject if issuer else name).public_key(_KEY.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now + datetime.timedelta(days=days[0]))
               .not_valid_after(now + datetime.timedelta(days=days[1])))
    if dns:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(d) for d in dns]), critical=False)
    return Made(builder.sign(_KEY, hashes.SHA256()), _KEY)


def with_stores(sim, node, stores: dict, locale: str | None = None, service: str | None = WORKER_SERVICE) -> dict:
    """Replace the node's LocalMachine stores (scenario form) and optionally its locale; add the worker service."""
    state = copy.deepcopy(sim.state(node))
    state.pop("clock", None)
    for name in ("My", "Root", "CA"):
        state["cert_stores"]["LocalMachine"][name] = []
    for name, entries in stores.items():
        state["cert_stores"]["LocalMachine"][name] = entries
    if locale:
        state["locale"] = locale
    if service:
        template = copy.deepcopy(next(iter(state["services"].values())))
        template.update(display_name="SQL Server Integration Services Scale Out Worker 14.0", state="stopped")
        state["services"][service] = template
    sim.load_state(node, state)
    return state


SERVER = make_cert("SSISWORKER01", dns=("ssisworker01", "ssisworker01.contoso.local"))
CNG = make_cert("shir01.contoso.local")
ROOT = make_cert("Contoso Test Root")
LEAF = make_cert("leaf.contoso.local", issuer=ROOT)
EXPIRED = make_cert("Old Root", days=(-4000, -1000))
TWIN = make_cert("Contoso Test Root")


def my_store():
    return {"My": [
        {"pem": SERVER.pem, "key": {"provider": CSP, "key_spec": "AT_KEYEXCHANGE",
                                    "grant": [f"NT SERVICE\\{WORKER_SERVICE}:(R)"]}},
        {"pem": CNG.pem, "key": {"provider": KSP, "exportable": True}},
        {"pem": ROOT.pem},
    ]}


INFO = {"name": "Certificates", "irops.remediation.certificate_info": {"store_name": "My"}}


def by_thumbprint(result):
    return {c["thumbprint"]: c for c in result["certificates"]}


def test_a_whole_store_in_two_round_trips(sim, playbook):
    with_stores(sim, NODE, my_store())
    run = playbook([INFO], NODE)
    result = run.result(NODE)
    assert not result.get("failed"), run.output
    assert result["round_trips"] == 2 and result["changed"] is False
    certs = by_thumbprint(result)
    server, cng, bare = certs[SERVER.thumbprint], certs[CNG.thumbprint], certs[ROOT.thumbprint]
    assert server["subject"] == "CN=SSISWORKER01" and server["self_signed"] is True and server["has_private_key"]
    assert (server["provider"], server["provider_type"], server["key_spec"], server["exportable"]) == \
        (CSP, "CSP", "AT_KEYEXCHANGE", False)
    assert server["key_file"].startswith("C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\")
    assert f"NT SERVICE\\{WORKER_SERVICE}" in server["key_access"] and "NT AUTHORITY\\SYSTEM" in server["key_access"]
    assert (cng["provider_type"], cng["key_spec"], cng["exportable"]) == ("CNG", None, True)
    assert cng["key_file"].startswith("C:\\ProgramData\\Microsoft\\Crypto\\Keys\\")
    assert f"NT SERVICE\\{WORKER_SERVICE}" not in cng["key_access"]
    assert bare["has_private_key"] is False and bare["key_file"] is None and bare["expired"] is False
    # SAN from certutil -v -store, in the same first round trip
    assert server["dns_names"] == ["ssisworker01", "ssisworker01.contoso.local"]
    assert server["wcf_dns_name"] == "ssisworker01.contoso.local"
    assert (cng["dns_names"], cng["wcf_dns_name"]) == ([], "shir01.contoso.local")  # no SAN: WCF compares the CN
    first = [entry.get("native", []) for entry in sim.log(NODE)][0]
    certutil_runs = [c["argv"][:3] for c in first if c["argv"][0] == "certutil"]
    assert certutil_runs == [["certutil", "-store", "My"], ["certutil", "-v", "-store"]]
    state_keys = {e["thumbprint"].upper(): e.get("key") for e in sim.state(NODE)["cert_stores"]["LocalMachine"]["My"]}
    assert server["key_file"] == state_keys[SERVER.thumbprint]["file"] and cng["key_file"] == state_keys[CNG.thumbprint]["file"]


def test_the_key_file_of_a_template_enrolled_csp_key_is_the_unique_name_certutil_prints(sim, playbook):
    """certutil prints "Key Container = <unique name>" and "Simple container name: te-<template>-<guid>" for
    such a key (tests/unit/test_data/real/certutil/store_my_csp_template_*): the key file is that unique name."""
    key = {"provider": "Microsoft RSA SChannel Cryptographic Provider", "template": "WebServer",
           "grant": [f"NT SERVICE\\{WORKER_SERVICE}:(R)"]}
    with_stores(sim, NODE, {"My": [{"pem": SERVER.pem, "key": key}]})
    run = playbook([INFO], NODE)
    [server] = run.result(NODE)["certificates"]
    [entry] = sim.state(NODE)["cert_stores"]["LocalMachine"]["My"]
    assert server["container"] == entry["key"]["container"] and server["container"].startswith("te-WebServer-"), run.output
    assert server["unique_name"] == entry["key"]["unique_name"] and server["key_file"] == entry["key"]["file"]
    assert server["key_file_unknown"] is None and server["key_unread"] == []
    assert f"NT SERVICE\\{WORKER_SERVICE}" in server["key_access"]


def test_one_round_trip_without_key_access_and_check_mode_changes_nothing(sim, playbook):
    with_stores(sim, NODE, my_store())
    digest = sim.digest(NODE)
    args = {"thumbprint": SERVER.thumbprint.lower(), "key_access": False, "dns_names": False}
    task = {"name": "One", "irops.remediation.certificate_info": args}
    run = playbook([task], NODE, "--check")
    result = run.result(NODE)
    assert [c["thumbprint"] for c in result["certificates"]] == [SERVER.thumbprint], run.output
    assert result["round_trips"] == 1 and "key_access" not in result["certificates"][0]
    assert result["certificates"][0]["dns_names"] is None and "-v" not in [a for c in sim.commands(NODE) for a in c]
    assert sim.digest(NODE) == digest


@pytest.mark.parametrize("locale", [None, "fr-FR"])
def test_the_last_san_dns_name_is_the_one_wcf_checks(sim, playbook, locale):
    """The self-hosted IR article: WCF validates only the last SAN DNS name ("DNS Name= microsoft.com.com")."""
    bad = make_cert("shir.contoso.com", dns=("*.contoso.com", "shir.contoso.com", "microsoft.com.com"))
    with_stores(sim, NODE, {"My": [{"pem": SERVER.pem}, {"pem": bad.pem}]}, locale=locale)
    task = {"name": "SAN", "irops.remediation.certificate_info": {"thumbprint": bad.thumbprint, "key_access": False}}
    run = playbook([task], NODE, "--check")
    [cert] = run.result(NODE)["certificates"]
    assert cert["dns_names"] == ["*.contoso.com", "shir.contoso.com", "microsoft.com.com"], run.output
    assert cert["wcf_dns_name"] == "microsoft.com.com" and run.result(NODE)["round_trips"] == 1


def test_subject_filter_and_unknown_thumbprint(sim, playbook):
    with_stores(sim, NODE, my_store())
    tasks = [{"name": "Filter", "irops.remediation.certificate_info": {"subject": "contoso.local", "key_access": False}},
             {"name": "Absent", "irops.remediation.certificate_info": {"thumbprint": "00" * 20}}]
    run = playbook(tasks, NODE)
    assert [c["thumbprint"] for c in run.result(NODE, 0)["certificates"]] == [CNG.thumbprint], run.output
    assert run.result(NODE, 1)["certificates"] == [] and not run.result(NODE, 1).get("failed")


@pytest.mark.parametrize("locale", ["fr-FR", "de-DE"])
def test_a_localised_node_gives_the_same_facts(sim, playbook, locale):
    with_stores(sim, NODE, my_store())
    english = by_thumbprint(playbook([INFO], NODE).result(NODE))
    with_stores(sim, NODE, my_store(), locale=locale)
    run = playbook([INFO], NODE)
    local = by_thumbprint(run.result(NODE))
    assert local.keys() == english.keys(), run.output
    for thumbprint, facts in english.items():
        for name, value in facts.items():
            if name not in ("key_access", "key_acl"):
                assert local[thumbprint][name] == value, (name, run.output)
        if facts.get("key_access"):
            assert len(local[thumbprint]["key_access"]) == len(facts["key_access"])
    assert f"NT SERVICE\\{WORKER_SERVICE}" in local[SERVER.thumbprint]["key_access"]


def test_root_store_hygiene(sim, playbook):
    with_stores(sim, NODE, {"Root": [{"pem": ROOT.pem}, {"pem": LEAF.pem}, {"pem": EXPIRED.pem}, {"pem": TWIN.pem}]})
    digest = sim.digest(NODE)
    task = {"name": "Audit", "irops.remediation.certificate_info": {"store_name": "Root", "hygiene": True}}
    run = playbook([task], NODE)
    findings = {(f["thumbprint"], f["issue"]) for f in run.result(NODE)["hygiene"]}
    assert findings == {(LEAF.thumbprint, "not_self_signed"), (EXPIRED.thumbprint, "expired"),
                        (ROOT.thumbprint, "duplicate_subject"), (TWIN.thumbprint, "duplicate_subject")}, run.output
    assert sim.digest(NODE) == digest and run.result(NODE)["round_trips"] == 1


BAD_INPUT = [
    ({"thumbprint": "12AB"}, "40 hexadecimal digits"),
    ({"store_name": "Root; calc"}, "store name"),
]


@pytest.fixture(scope="module")
def bad_input(bad_input_play):
    """Every bad value of this module as its own task of one ansible-playbook run (tests/e2e/conftest.py)."""
    return bad_input_play("certificate_info", NODE, [{"name": "Bad", "irops.remediation.certificate_info": case[0]}
                                                     for case in BAD_INPUT])


@pytest.mark.xdist_group("bad_input_certificate_info")
@pytest.mark.parametrize("args, fragment", BAD_INPUT)
def test_bad_input_fails_before_any_command(bad_input, args, fragment):
    case = bad_input.case({"name": "Bad", "irops.remediation.certificate_info": args})
    result = case.result
    assert result.get("failed") is True and fragment in result["msg"]
    assert case.commands(NODE) == []
