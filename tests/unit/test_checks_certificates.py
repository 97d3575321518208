"""The certificate checks over facts parsed from recorded certutil, reg and icacls output:
pass, fail and unknown for each, and the settings they compare with."""

from __future__ import annotations

import pytest
from fixtures import load
from test_facts_stages import FakeRunner, _worker_settings

from ansible_collections.irops.remediation.plugins.plugin_utils import _checks, _facts, _icacls
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

MASTER = "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"
WORKER = "21F5F6B3697E9EF46E28B0FB7AAE5320FA53D878"
SHIR01 = "29385C8A39C63665A6B47C9870A72CAD65628530"
NOT_FOUND = (1, "", load("reg", "query_not_found_en-US_assumed.txt"))
ROOT = load("certutil", "store_root_en-US_assumed.txt")


def _root_with(*thumbprints: str, issuer: str = "CN=SSISMASTER01") -> str:
    """The recorded Root store, with one copy of its certificate block per thumbprint."""
    header, block = ROOT.split("================ Certificate 0 ================", 1)
    body, footer = block.split("CertUtil:", 1)
    blocks = []
    for index, thumbprint in enumerate(thumbprints):
        copy = body.replace(MASTER.lower(), thumbprint.lower()).replace("Issuer: CN=SSISMASTER01", f"Issuer: {issuer}")
        blocks.append(f"================ Certificate {index} ================" + copy)
    return header + "".join(blocks) + "CertUtil:" + footer


MASTER_V = load("certutil", "store_v_my_san_en-US_assumed.txt").replace("My ", "Root ", 1)  # SAN SSISMASTER01(.contoso.local)


def worker_config(endpoint="https://SSISMASTER01:8391", thumbprint=MASTER.lower()) -> str:
    """WorkerSettings.config as setup writes it (shared/reference/products.md keys), JSON."""
    return ('{\r\n  "DisplayName": "SSISWORKER01",\r\n  "MasterEndpoint": "' + endpoint + '",\r\n'
            '  "MasterHttpsCertThumbprint": "' + thumbprint + '",\r\n  "StoreLocation": "LocalMachine"\r\n}')


def gathered(subsets, root=ROOT, my="store_my_csp_en-US_assumed.txt", acl="key_file_en-US_assumed.txt", schannel=NOT_FOUND,
             config=None, verbose_root=MASTER_V) -> dict:
    runner = FakeRunner({
        **_worker_settings(140, config if config is not None else worker_config()),
        "-v -store Root": (0, verbose_root, ""), "-v -store My": (0, load("certutil", "store_v_my_csp_en-US_assumed.txt"), ""),
        "-store Root": (0, root, ""), "-store My": (0, load("certutil", my), ""),
        "MachineGuid": (0, load("reg", "query_machine_guid_en-US_assumed.txt"), ""), "SendTrustedIssuerList": schannel,
        "icacls": (0, load("icacls", acl), ""),
    })
    facts, errors = _facts.gather(runner, subsets)
    assert errors == {}
    # sc.exe qc of the worker service (facts subset "services"): its logon account is the one
    # whose key access the secure-channel check reads.
    facts["services"] = {"SSISScaleOutWorker140": {"state": "running", "start_type": "auto",
                                                   "account": "NT Service\\SSISScaleOutWorker140"}}
    return facts


def settings(**given):
    return _checks.validate_settings(given)


# --------------------------------------------------------------- scaleout-trust-relationship (worker)

TRUST = ["cert_root", "scaleout_master_cert"]


def test_worker_trusts_master_pass_fail_unknown():
    check = _checks.scaleout_worker_trusts_master
    facts = gathered(TRUST)
    status, evidence = check(facts, settings(scaleout_master_thumbprint=MASTER.lower()))
    assert status == _checks.PASS and "MasterEndpoint host ssismaster01 is a name of the master certificate" in evidence
    status, evidence = check(gathered(TRUST, root=_root_with(WORKER)), settings(scaleout_master_thumbprint=MASTER))
    assert status == _checks.FAIL and MASTER in evidence and "not in LocalMachine\\Root" in evidence
    status, evidence = check(facts, settings())
    assert status == _checks.UNKNOWN and "settings.scaleout_master_thumbprint" in evidence


def test_worker_trusts_master_fails_on_an_endpoint_host_outside_the_certificate_names():
    """Fix 2 of the article: the host name in the master endpoint must be among the certificate's names."""
    facts = gathered(TRUST, config=worker_config(endpoint="https://ssis-master.contoso.local:8391"))
    status, evidence = _checks.scaleout_worker_trusts_master(facts, settings(scaleout_master_thumbprint=MASTER))
    assert status == _checks.FAIL
    assert "host ssis-master.contoso.local is not among the names of the master certificate" in evidence
    assert "SSISMASTER01, SSISMASTER01.contoso.local" in evidence


def test_worker_trusts_master_fails_on_another_configured_thumbprint():
    """Fix 3: MasterHttpsCertThumbprint must be the master certificate's thumbprint."""
    other = "BD89" + "0" * 36
    facts = gathered(TRUST, config=worker_config(thumbprint=other))
    status, evidence = _checks.scaleout_worker_trusts_master(facts, settings(scaleout_master_thumbprint=MASTER))
    assert status == _checks.FAIL and f"names MasterHttpsCertThumbprint {other}, not the Scale Out Master" in evidence


def test_worker_trusts_master_without_a_settings_file_is_unknown():
    facts = gathered(TRUST)
    facts.update(scaleout_worker_settings=None, scaleout_master_cert=None)
    status, evidence = _checks.scaleout_worker_trusts_master(facts, settings(scaleout_master_thumbprint=MASTER))
    assert status == _checks.UNKNOWN and "no WorkerSettings.config" in evidence


@pytest.mark.parametrize("name", ["store_root_de-DE_assumed.txt"])
def test_worker_trusts_master_in_german(name):
    facts = gathered(TRUST, root=load("certutil", name))
    assert _checks.scaleout_worker_trusts_master(facts, settings(scaleout_master_thumbprint=MASTER))[0] == _checks.PASS


# --------------------------------------------------------------- scaleout-http-request-forbidden (master)

def test_master_trusts_workers_pass_with_root_evidence():
    facts = gathered(["cert_root", "schannel"], root=_root_with(MASTER, WORKER))
    status, evidence = _checks.scaleout_master_trusts_workers(facts, settings(scaleout_worker_thumbprints=[WORKER]))
    assert status == _checks.PASS, evidence
    assert "SendTrustedIssuerList is absent" in evidence and "Root holds 2 certificate(s)" in evidence
    assert "(hygiene: 2 duplicate subject)" in evidence  # two blocks of one subject: reported, not a failure


def test_master_trusts_workers_fails_on_a_missing_worker_certificate():
    facts = gathered(["cert_root", "schannel"])
    status, evidence = _checks.scaleout_master_trusts_workers(facts, settings(scaleout_worker_thumbprints=[WORKER]))
    assert status == _checks.FAIL and f"not in LocalMachine\\Root: {WORKER}" in evidence


def test_master_trusts_workers_fails_when_schannel_sends_the_issuer_list_even_without_settings():
    sent = (0, load("reg", "query_send_trusted_issuer_list_1_en-US_assumed.txt"), "")
    facts = gathered(["cert_root", "schannel"], root=_root_with(MASTER, WORKER), schannel=sent)
    status, evidence = _checks.scaleout_master_trusts_workers(facts, settings())
    assert status == _checks.FAIL and "SendTrustedIssuerList is 1" in evidence
    # what could not be compared is said too, after the failure
    assert evidence.index("SendTrustedIssuerList is 1") < evidence.index("settings.scaleout_worker_thumbprints")


def test_master_trusts_workers_zero_passes_and_missing_setting_is_unknown():
    zero = (0, load("reg", "query_dword_en-US_assumed.txt"), "")
    facts = gathered(["cert_root", "schannel"], root=_root_with(MASTER, WORKER), schannel=zero)
    assert _checks.scaleout_master_trusts_workers(facts, settings(scaleout_worker_thumbprints=WORKER))[0] == _checks.PASS
    status, evidence = _checks.scaleout_master_trusts_workers(facts, settings())
    assert status == _checks.UNKNOWN and "SendTrustedIssuerList is 0" in evidence
    assert "no scaleout_worker host is in the play" in evidence and "settings.scaleout_worker_thumbprints" in evidence


def test_worker_thumbprints_are_normalised_and_a_bad_one_is_named():
    assert settings(scaleout_worker_thumbprints=[WORKER.lower(), WORKER, "21 f5" + WORKER[4:]])[
        "scaleout_worker_thumbprints"] == [WORKER]
    with pytest.raises(InvalidValue, match=r"settings.scaleout_worker_thumbprints\[1\] 'nope'"):
        settings(scaleout_worker_thumbprints=[WORKER, "nope"])
    with pytest.raises(InvalidValue, match="settings.scaleout_worker_thumbprints"):
        settings(scaleout_worker_thumbprints={"a": 1})


# --------------------------------------------------------------- scaleout-secure-channel (worker key ACL)

def test_worker_key_access_pass():
    facts = gathered(["cert_my_key_acl"])
    status, evidence = _checks.scaleout_worker_key_access(facts, settings(scaleout_worker_thumbprint=WORKER))
    assert status == _checks.PASS and "NT SERVICE\\SSISScaleOutWorker140 may read" in evidence


def test_worker_key_access_fail_names_the_readers():
    facts = gathered(["cert_my_key_acl"], acl="key_file_no_worker_en-US_assumed.txt")
    status, evidence = _checks.scaleout_worker_key_access(facts, settings(scaleout_worker_thumbprint=WORKER))
    assert status == _checks.FAIL and "MachineKeys" in evidence and "BUILTIN\\Administrators" in evidence


def test_worker_key_access_other_account_and_by_sid():
    facts = gathered(["cert_my_key_acl"])
    other = settings(scaleout_worker_thumbprint=WORKER, scaleout_worker_account="NT SERVICE\\SSISScaleOutWorker150")
    assert _checks.scaleout_worker_key_access(facts, other)[0] == _checks.FAIL
    system = settings(scaleout_worker_thumbprint=WORKER, scaleout_worker_account="S-1-5-18")
    assert _checks.scaleout_worker_key_access(facts, system)[0] == _checks.PASS
    with pytest.raises(InvalidValue, match="settings.scaleout_worker_account"):
        settings(scaleout_worker_account="a:b")


def test_worker_key_access_unknown_and_missing_certificate():
    facts = gathered(["cert_my_key_acl"])
    status, evidence = _checks.scaleout_worker_key_access(facts, settings())
    assert status == _checks.UNKNOWN and "settings.scaleout_worker_thumbprint" in evidence
    status, evidence = _checks.scaleout_worker_key_access(facts, settings(scaleout_worker_thumbprint=MASTER))
    assert status == _checks.FAIL and "not in LocalMachine\\My" in evidence
    unreadable = dict(facts, cert_my_key_acl=[dict(facts["cert_my_key_acl"][0], key_access=None,
                                                   key_file_error="file not found")])
    status, evidence = _checks.scaleout_worker_key_access(unreadable, settings(scaleout_worker_thumbprint=WORKER))
    assert status == _checks.UNKNOWN and "file not found" in evidence


@pytest.mark.parametrize("ace, status", [
    ("NT SERVICE\\SSISScaleOutWorker140:(RX,W)", _checks.PASS),  # a mixed list of rights (issue 11): a reader
    ("NT SERVICE\\SSISScaleOutWorker140:(W,Rc)", _checks.FAIL),  # read control is no read of the key
    ("NT SERVICE\\SSISScaleOutWorker140:(R,Qx)", _checks.PASS),  # R reads, whatever Qx adds to an allow ACE
    ("NT SERVICE\\SSISScaleOutWorker140:(W,Qx)", _checks.UNKNOWN),  # Qx may or may not read: not guessed
])
def test_worker_key_access_reads_every_printed_form_of_rights(ace, status):
    facts = gathered(["cert_my_key_acl"])
    doc = facts["cert_my_key_acl"][0]
    acl = [text for text in doc["key_acl"] if "SSISScaleOutWorker140" not in text] + [ace]
    aces = _icacls.parse_acl_from(acl)
    facts["cert_my_key_acl"] = [dict(doc, key_acl=acl, key_access=_icacls.readers(aces))]
    verdict, evidence = _checks.scaleout_worker_key_access(facts, settings(scaleout_worker_thumbprint=WORKER))
    assert verdict == status
    assert status != _checks.UNKNOWN or "(W,Qx)" in evidence


def test_worker_key_access_without_a_key_fails():
    facts = gathered(["cert_my_key_acl"], my="store_my_csp_en-US_assumed.txt")
    facts["cert_my"]["certificates"][0]["has_private_key"] = False
    assert _checks.scaleout_worker_key_access(facts, settings(scaleout_worker_thumbprint=WORKER))[0] == _checks.FAIL


# --------------------------------------------------------------- SHIR remote-access certificate

@pytest.mark.parametrize("my, key_exchange, csp", [
    ("store_my_csp_en-US_assumed.txt", _checks.PASS, _checks.PASS),
    ("store_my_csp_fr-FR_assumed.txt", _checks.PASS, _checks.PASS),
    ("store_my_signature_en-US_assumed.txt", _checks.FAIL, _checks.PASS),
    ("store_my_cng_en-US_assumed.txt", _checks.PASS, _checks.FAIL),
])
def test_shir_certificate_checks(my, key_exchange, csp):
    facts = shir_facts(my)
    thumbprint = facts["cert_my"]["certificates"][0]["thumbprint"]
    given = settings(shir_certificate_thumbprint=thumbprint)
    assert _checks.shir_certificate_key_exchange(facts, given)[0] == key_exchange
    assert _checks.shir_certificate_csp(facts, given)[0] == csp


def shir_facts(my="store_my_csp_en-US_assumed.txt", reader="NT SERVICE\\DIAHostService:(R)",
               account="NT SERVICE\\DIAHostService") -> dict:
    """My with its key ACLs, ``reader`` added to each key file's ACL, and DIAHostService running as ``account``."""
    facts = gathered(["cert_my", "cert_my_key_acl"], my=my)
    for doc in facts["cert_my_key_acl"]:
        acl = doc["key_acl"] + ([reader] if reader else [])
        doc.update(key_acl=acl, key_access=_icacls.readers(_icacls.parse_acl_from(acl)))
    facts["shir_service"] = {"name": "DIAHostService", "state": "running", "start_type": "auto", "account": account}
    return facts


@pytest.mark.parametrize("reader, account, status", [
    ("NT SERVICE\\DIAHostService:(R)", "NT SERVICE\\DIAHostService", _checks.PASS),
    (None, "NT SERVICE\\DIAHostService", _checks.FAIL),
    ("CONTOSO\\svc-ir:(R)", "CONTOSO\\svc-ir", _checks.PASS),  # a domain account, compared by name
    ("NT SERVICE\\DIAHostService:(R)", "CONTOSO\\svc-ir", _checks.FAIL),  # the service runs as another account
    ("NT SERVICE\\DIAHostService:(W,Qx)", "NT SERVICE\\DIAHostService", _checks.UNKNOWN),  # rights not known
])
def test_shir_key_must_be_readable_by_the_service_logon_account(reader, account, status):
    facts = shir_facts(reader=reader, account=account)
    thumbprint = facts["cert_my"]["certificates"][0]["thumbprint"]
    verdict, evidence = _checks.shir_certificate_key_exchange(facts, settings(shir_certificate_thumbprint=thumbprint))
    assert verdict == status, evidence
    if status == _checks.FAIL:
        assert f"{account}, the logon account of DIAHostService, may not read" in evidence and "key_readers" in evidence


def test_shir_key_readers_unknown_without_the_service_or_the_acl():
    facts = shir_facts()
    thumbprint = facts["cert_my"]["certificates"][0]["thumbprint"]
    given = settings(shir_certificate_thumbprint=thumbprint)
    facts["shir_service"] = None
    status, evidence = _checks.shir_certificate_key_exchange(facts, given)
    assert status == _checks.UNKNOWN and "DIAHostService is not installed" in evidence
    facts = shir_facts()
    facts["cert_my_key_acl"][0].update(key_access=None, key_acl=None, key_file_error="Access is denied.")
    status, evidence = _checks.shir_certificate_key_exchange(facts, given)
    assert status == _checks.UNKNOWN and "Access is denied." in evidence


def test_shir_certificate_evidence():
    given = settings(shir_certificate_thumbprint=SHIR01)
    status, evidence = _checks.shir_certificate_key_exchange(gathered(["cert_my"], my="store_my_signature_en-US_assumed.txt"), given)
    assert status == _checks.FAIL and "AT_SIGNATURE" in evidence and "key exchange" in evidence
    status, evidence = _checks.shir_certificate_csp(gathered(["cert_my"], my="store_my_cng_en-US_assumed.txt"), given)
    assert status == _checks.FAIL and "Microsoft Software Key Storage Provider" in evidence and "CSP keys only" in evidence


def test_shir_certificate_missing_no_key_and_unknown():
    facts = gathered(["cert_my"])
    for check in (_checks.shir_certificate_key_exchange, _checks.shir_certificate_csp):
        status, evidence = check(facts, settings())
        assert status == _checks.UNKNOWN and "settings.shir_certificate_thumbprint" in evidence
        assert check(facts, settings(shir_certificate_thumbprint=SHIR01))[0] == _checks.FAIL  # not in My
    facts["cert_my"]["certificates"][0]["has_private_key"] = False
    for check in (_checks.shir_certificate_key_exchange, _checks.shir_certificate_csp):
        status, evidence = check(facts, settings(shir_certificate_thumbprint=WORKER))
        assert status == _checks.FAIL and "no private key" in evidence
    with pytest.raises(InvalidValue, match="settings.shir_certificate_thumbprint"):
        settings(shir_certificate_thumbprint="xyz")


# --------------------------------------------------------------- shir-trust-relationship-adf-certificate

def test_digicert_global_root_g2():
    status, evidence = _checks.shir_trusts_digicert_root(gathered(["cert_root"]), settings())
    assert status == _checks.FAIL and _checks.DIGICERT_GLOBAL_ROOT_G2 in evidence
    root = _root_with(MASTER, _checks.DIGICERT_GLOBAL_ROOT_G2)
    assert _checks.shir_trusts_digicert_root(gathered(["cert_root"], root=root), settings())[0] == _checks.PASS


# --------------------------------------------------------------- shir-remote-access-dns-identity (WCF: last SAN name)

WCF = "5F6E7D8C9BAAB9C8D7E6F504132231404F5E6D7C"  # SAN *.contoso.com, shir.contoso.com, then " microsoft.com.com"


def wcf_facts() -> dict:
    """My as certutil -store and -v -store print it for the certificate of the article's example."""
    runner = FakeRunner({"-v -store My": (0, load("certutil", "store_v_wcf_last_dns_en-US_assumed.txt"), ""),
                         "-store My": (0, load("certutil", "store_my_wcf_last_dns_en-US_assumed.txt"), ""),
                         "MachineGuid": (0, load("reg", "query_machine_guid_en-US_assumed.txt"), "")})
    facts, errors = _facts.gather(runner, ["cert_my"])
    assert errors == {}
    return facts


def test_shir_dns_identity_fails_when_the_last_san_name_does_not_cover_the_host():
    facts = wcf_facts()
    given = settings(shir_certificate_thumbprint=WCF, shir_remote_access_host="shir.contoso.com")
    status, evidence = _checks.shir_remote_access_dns_identity(facts, given)
    assert status == _checks.FAIL and "only the last SAN DNS name" in evidence and "microsoft.com.com" in evidence


def test_shir_dns_identity_passes_with_a_wildcard_last_name_and_is_unknown_without_the_host():
    facts = wcf_facts()
    cert = facts["cert_my"]["certificates"][0]
    cert.update(dns_names=["shir.contoso.com", "*.contoso.com"], wcf_dns_name="*.contoso.com")
    given = settings(shir_certificate_thumbprint=WCF, shir_remote_access_host="SHIR.contoso.com")
    assert _checks.shir_remote_access_dns_identity(facts, given)[0] == _checks.PASS
    status, evidence = _checks.shir_remote_access_dns_identity(facts, settings(shir_certificate_thumbprint=WCF))
    assert status == _checks.UNKNOWN and "WCF checks *.contoso.com" in evidence and "shir_remote_access_host" in evidence
    cert["dns_names"] = None  # the verbose listing did not show it
    assert _checks.shir_remote_access_dns_identity(facts, given)[0] == _checks.UNKNOWN


def test_shir_dns_identity_defaults_to_the_nodes_fqdn_and_the_setting_overrides_it():
    facts = wcf_facts()
    facts["system"] = {"hostname": "shir", "domain": "contoso.com", "fqdn": "shir.contoso.com"}
    status, evidence = _checks.shir_remote_access_dns_identity(facts, settings(shir_certificate_thumbprint=WCF))
    assert status == _checks.FAIL and "shir.contoso.com (the node's FQDN" in evidence
    facts["cert_my"]["certificates"][0].update(dns_names=["microsoft.com.com", "*.contoso.com"],
                                               wcf_dns_name="*.contoso.com")
    status, evidence = _checks.shir_remote_access_dns_identity(facts, settings(shir_certificate_thumbprint=WCF))
    assert status == _checks.PASS and "the node's FQDN" in evidence
    given = settings(shir_certificate_thumbprint=WCF, shir_remote_access_host="shir.fabrikam.com")
    status, evidence = _checks.shir_remote_access_dns_identity(facts, given)
    assert status == _checks.FAIL and "settings.shir_remote_access_host" in evidence
    facts["system"] = {"hostname": "shir", "domain": None, "fqdn": None}  # a workgroup node
    status, evidence = _checks.shir_remote_access_dns_identity(facts, settings(shir_certificate_thumbprint=WCF))
    assert status == _checks.UNKNOWN and "workgroup" in evidence


@pytest.mark.parametrize("host", ["shir contoso", "-shir.contoso.com", "a" * 64 + ".com", 42])
def test_shir_remote_access_host_is_validated(host):
    with pytest.raises(InvalidValue, match="settings.shir_remote_access_host"):
        settings(shir_remote_access_host=host)


@pytest.mark.parametrize("host, name, matches", [
    ("shir.contoso.com", "SHIR.contoso.com.", True), ("shir.contoso.com", "*.contoso.com", True),
    ("a.shir.contoso.com", "*.contoso.com", False), ("contoso.com", "*.contoso.com", False),
    ("shir.contoso.com", "microsoft.com.com", False),
])
def test_dns_name_matches_one_wildcard_label(host, name, matches):
    from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil
    assert _certutil.dns_name_matches(host, name) is matches


def test_key_checks_are_unknown_when_certutil_does_not_say_the_provider_or_key_spec():
    """Key lines in words the tables do not know: the checks say what is missing, they do not guess."""
    given = settings(shir_certificate_thumbprint=SHIR01, scaleout_worker_thumbprint=WORKER)
    facts = gathered(["cert_my"], my="store_my_signature_en-US_assumed.txt")
    cert = facts["cert_my"]["certificates"][0]
    cert.update(provider=None, provider_type=None, key_spec=None, key_unread=["Fornitore = Contoso"])
    for check in (_checks.shir_certificate_key_exchange, _checks.shir_certificate_csp):
        status, evidence = check(facts, given)
        assert status == _checks.UNKNOWN and "key provider" in evidence and "Fornitore = Contoso" in evidence
    cert.update(provider="Microsoft Enhanced Cryptographic Provider v1.0", provider_type="CSP", key_unread=["Test ok"])
    status, evidence = _checks.shir_certificate_key_exchange(facts, given)
    assert status == _checks.UNKNOWN and "key spec" in evidence and "Test ok" in evidence
    facts = gathered(["cert_my_key_acl"])
    facts["cert_my_key_acl"][0].update(key_file=None, key_access=None, key_acl=None,
                                       key_file_unknown="certutil printed no unique container name for this key")
    status, evidence = _checks.scaleout_worker_key_access(facts, given)
    assert status == _checks.UNKNOWN and "no unique container name" in evidence
