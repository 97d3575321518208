"""Real certificates: certutil, icacls on key files and winhttpcertcfg."""

from __future__ import annotations

import hashlib
import re

import pytest
from winsim_helpers import make_node, run_one

from winsim import certs, security
from winsim.tools.certutil import TEXT
from winsim.tools.winhttpcertcfg import MESSAGES as WHC

MASTER = "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b"
WORKER = "21f5f6b3697e9ef46e28b0fb7aae5320fa53d878"
SHIR01 = "29385c8a39c63665a6b47c9870a72cad65628530"
ROOT_CA = "c9e8a5cb179de6b1d8733ef6c7063f954259224e"
WORKER_SID = security.service_sid("SSISScaleOutWorker140")


def test_thumbprints_are_the_sha1_of_the_der_and_fields_come_from_the_certificate():
    cert, key = certs.load_named("scaleout_master")
    assert cert.thumbprint == MASTER == hashlib.sha1(cert.der).hexdigest()
    assert cert.subject == "CN=SSISMASTER01" and cert.dns_names == ["SSISMASTER01", "SSISMASTER01.contoso.local"]
    assert cert.not_after.year == 2034 and key is not None
    shir, _key = certs.load_named("shir01_remote")
    assert shir.subject == "CN=shir01.contoso.local, OU=Data, O=Contoso" and shir.issuer == "CN=Contoso Root CA, O=Contoso"
    assert security.service_sid("SSISScaleOutWorker140").startswith("S-1-5-80-")


def test_store_listing_with_csp_key():
    node = make_node("scaleout_pair_healthy:worker")
    result = run_one(node, f"certutil -store My {WORKER}")
    out = result["out"]
    assert result["rc"] == 0 and out[0] == 'My "Personal"'
    assert out[1] == "================ Certificate 0 ================"
    assert f"Cert Hash(sha1): {WORKER}" in out and "Subject: CN=SSISWORKER01" in out
    key = node.state.find_certificate("LocalMachine", "My", WORKER).key
    # a CSP key not enrolled from a template (tests/unit/test_data/real/certutil/store_my_csp_guid_container_en-US.txt)
    assert out[out.index(f"Cert Hash(sha1): {WORKER}") + 1:][:5] == [
        f"  Key Container = {key.container}", f"  Unique container name: {key.unique_name}",
        "  Provider = Microsoft Enhanced RSA and AES Cryptographic Provider", "Private key is NOT exportable",
        "Encryption test passed"]
    assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", key.container)
    assert key.file == "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\" + key.unique_name
    # the unique name is the simulator's own value, not a hash of the container name that a parser could redo
    assert key.unique_name.split("_")[0] != hashlib.md5(key.container.lower().encode()).hexdigest()
    assert out[-1] == "CertUtil: -store command completed successfully."
    assert " NotAfter: 12/1/2034 12:00 AM" in out


def test_a_csp_key_enrolled_from_a_template_prints_its_unique_name_as_the_key_container():
    # tests/unit/test_data/real/certutil/store_my_csp_template_schannel_en-US.txt: Key Container = <unique name>,
    # then Simple container name: te-<template>-<guid>; a CNG key enrolled from a template keeps the other form
    # (store_my_cng_template_en-US.txt)
    node = make_node({"node": {"cert_stores": {"LocalMachine": {"My": [
        {"cert": "scaleout_worker", "key": {"provider": "Microsoft RSA SChannel Cryptographic Provider",
                                            "template": "CVI-WebServer"}},
        {"cert": "shir01_remote", "key": {"provider": "Microsoft Software Key Storage Provider",
                                          "template": "OCSPResponseSigning"}}]}}}})
    out = run_one(node, "certutil -store My")["out"]
    csp = node.state.find_certificate("LocalMachine", "My", WORKER).key
    cng = node.state.find_certificate("LocalMachine", "My", SHIR01).key
    assert re.fullmatch(r"te-CVI-WebServer-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", csp.container)
    assert out[out.index(f"Cert Hash(sha1): {WORKER}") + 1:][:3] == [
        f"  Key Container = {csp.unique_name}", f"  Simple container name: {csp.container}",
        "  Provider = Microsoft RSA SChannel Cryptographic Provider"]
    assert out[out.index(f"Cert Hash(sha1): {SHIR01}") + 1:][:2] == [
        f"  Key Container = {cng.container}", f"  Unique container name: {cng.unique_name}"]
    assert csp.file.endswith("\\MachineKeys\\" + csp.unique_name) and cng.file.endswith("\\Keys\\" + cng.unique_name)


def test_store_not_found_and_no_key():
    node = make_node("scaleout_pair_healthy:worker")
    missing = run_one(node, f"certutil -store Root {WORKER}")
    assert missing["rc"] == -2146885628
    assert missing["out"][-2:] == ["CertUtil: -store command FAILED: 0x80092004 (-2146885628 CRYPT_E_NOT_FOUND)",
                                   "CertUtil: Cannot find object or property."]
    root = run_one(node, "certutil -store Root")["out"]
    assert "No key provider information" in root


def test_store_with_an_output_file_saves_the_certificate_der():
    """certutil -store <store> <CertId> <OutputFile> (certutil.md): the listing, and the certificate in the file."""
    node = make_node("scaleout_pair_healthy:worker")
    digest_files = dict(node.state.fs.entries)
    path = "C:\\Windows\\Temp\\worker.cer"
    result = run_one(node, f"certutil -store My {WORKER} '{path}'")
    assert result["rc"] == 0 and f"Cert Hash(sha1): {WORKER}" in result["out"]
    assert result["out"][-1] == "CertUtil: -store command completed successfully."
    saved = node.state.fs.get(path).content
    assert hashlib.sha1(saved).hexdigest() == WORKER
    again = run_one(node, f"certutil -store My {WORKER} '{path}'")
    assert again["rc"] == -2147024816 and again["out"][-2:] == [
        "CertUtil: -store command FAILED: 0x80070050 (WIN32: 80 ERROR_FILE_EXISTS)", "CertUtil: The file exists."]
    assert run_one(node, f"certutil -f -store My {WORKER} '{path}'")["rc"] == 0
    missing = run_one(node, f"certutil -store My {WORKER} 'C:\\NoSuchFolder\\w.cer'")
    assert missing["rc"] == -2147024893 and "ERROR_PATH_NOT_FOUND" in missing["out"][-2]
    absent = run_one(node, f"certutil -store Root {WORKER} 'C:\\Windows\\Temp\\other.cer'")
    assert absent["rc"] == -2146885628 and node.state.fs.get("C:\\Windows\\Temp\\other.cer") is None
    assert set(node.state.fs.entries) - set(digest_files) == {next(k for k in node.state.fs.entries
                                                                   if k not in digest_files)}


def pfx_node(password="S3cret!", with_chain=False):
    node = make_node({"node": {"directories": ["C:\\", "C:\\Temp"]}})
    cert, key = certs.load_named("shir01_remote")
    chain = [certs.load_named("contoso_root_ca")[0]] if with_chain else []
    node.state.write_file("C:\\Temp\\shir.pfx", certs.make_pfx(cert, key, password, chain))
    node.state.write_file("C:\\Temp\\root.cer", certs.load_named("contoso_root_ca")[0].der)
    return node


def test_importpfx_with_stdin_password_csp_key_exchange():
    node = pfx_node(with_chain=True)
    result = run_one(node, "certutil -f -p $p -importpfx My 'C:\\Temp\\shir.pfx' AT_KEYEXCHANGE",
                     stdin=b"S3cret!\r\n", prefix="$p = [Console]::In.ReadLine()")
    assert result["rc"] == 0, result
    assert result["out"] == ['Certificate "shir01.contoso.local" added to store.',
                             'Certificate "Contoso Root CA" added to store.', "",
                             "CertUtil: -importPFX command completed successfully."]
    entry = node.state.find_certificate("LocalMachine", "My", SHIR01)
    assert entry.key.kind == "csp" and entry.key.key_spec == "AT_KEYEXCHANGE" and entry.key.exportable
    assert entry.key.file.startswith("C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\")
    assert node.state.find_certificate("LocalMachine", "Root", ROOT_CA) is not None
    assert node.log_snapshot()[-1]["native"][0]["argv"][3] == "***"


def test_importpfx_wrong_password_fails_and_changes_nothing():
    node = pfx_node()
    before = node.digest()
    result = run_one(node, "certutil -p $p -importpfx 'C:\\Temp\\shir.pfx'", stdin=b"wrong\n",
                     prefix="$p = [Console]::In.ReadLine()")
    assert result["rc"] == -2147024810
    assert result["out"] == ["CertUtil: -importPFX command FAILED: 0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD)",
                             "CertUtil: The specified network password is not correct."]
    assert node.digest() == before


def test_importpfx_ksp_signature_noexport_and_existing():
    node = pfx_node()
    result = run_one(node, "certutil -p $p -csp 'Microsoft Software Key Storage Provider' -importpfx My "
                           "'C:\\Temp\\shir.pfx' NoExport", stdin=b"S3cret!\n", prefix="$p = [Console]::In.ReadLine()")
    assert result["rc"] == 0
    key = node.state.find_certificate("LocalMachine", "My", SHIR01).key
    assert key.kind == "cng" and key.key_spec is None and not key.exportable
    assert key.file.startswith("C:\\ProgramData\\Microsoft\\Crypto\\Keys\\")
    listing = run_one(node, f"certutil -store My {SHIR01}")["out"]
    assert "  Provider = Microsoft Software Key Storage Provider" in listing
    assert any(line.startswith("  Unique container name: ") and line.endswith(node.state.machine_guid)
               for line in listing)
    again = run_one(node, "certutil -p $p -importpfx My 'C:\\Temp\\shir.pfx'", stdin=b"S3cret!\n",
                    prefix="$p = [Console]::In.ReadLine()")
    assert again["rc"] == -2146885627  # CRYPT_E_EXISTS without -f
    signature = run_one(node, "certutil -f -p $p -importpfx My 'C:\\Temp\\shir.pfx' AT_SIGNATURE", stdin=b"S3cret!\n",
                        prefix="$p = [Console]::In.ReadLine()")
    assert signature["rc"] == 0
    assert node.state.find_certificate("LocalMachine", "My", SHIR01).key.key_spec == "AT_SIGNATURE"
    assert "Signature test passed" in run_one(node, f"certutil -store My {SHIR01}")["out"]
    bad = run_one(node, "certutil -f -p $p -csp 'Acme Provider' -importpfx 'C:\\Temp\\shir.pfx'", stdin=b"S3cret!\n",
                  prefix="$p = [Console]::In.ReadLine()")
    assert bad["rc"] == -2146893799


def test_addstore_delstore():
    node = pfx_node()
    added = run_one(node, "certutil -addstore Root 'C:\\Temp\\root.cer'")
    assert added["rc"] == 0 and added["out"] == ["Signature matches Public Key",
                                                 'Certificate "Contoso Root CA" added to store.',
                                                 "CertUtil: -addstore command completed successfully."]
    assert run_one(node, "certutil -addstore Root 'C:\\Temp\\root.cer'")["out"][1] == \
        'Certificate "Contoso Root CA" already in store.'
    assert run_one(node, "certutil -addstore Root 'C:\\Temp\\none.cer'")["rc"] == -2147024894
    deleted = run_one(node, f"certutil -delstore Root {ROOT_CA}")
    assert deleted["rc"] == 0 and "Deleting Certificate 0" in deleted["out"]
    assert run_one(node, f"certutil -delstore Root {ROOT_CA}")["rc"] == -2146885628


def test_repairstore_sets_the_key_file_acl():
    node = make_node("scaleout_pair_healthy:worker")
    key_file = node.state.find_certificate("LocalMachine", "My", WORKER).key.file
    sddl = "D:PAI(A;;GA;;;BA)(A;;GA;;;SY)"
    assert run_one(node, f"certutil -repairstore My {WORKER} '{sddl}'")["rc"] == 0
    acl = node.state.fs.effective_acl(key_file)
    assert {a.sid for a in acl} == {security.ADMINISTRATORS, security.SYSTEM}
    assert run_one(node, f"certutil -repairstore Root {MASTER}")["rc"] == -2146893802  # no key: NTE_BAD_KEYSET


def verify_node(network=None, clock=None):
    return make_node({"network": network or {}, "node": {
        "directories": ["C:\\", "C:\\Temp"],
        **({"clock": clock} if clock else {}),
        "cert_stores": {"LocalMachine": {"Root": [{"cert": "contoso_root_ca"}]}},
        "files": {"C:\\Temp\\shir.cer": {"base64": __import__("base64").b64encode(
            certs.load_named("shir01_remote")[0].der).decode()}}}})


def test_verify_urlfetch_revocation_offline_still_completes_successfully():
    node = verify_node()
    result = run_one(node, "certutil -verify -urlfetch 'C:\\Temp\\shir.cer'")
    assert result["rc"] == 0
    assert result["out"][-1] == "CertUtil: -verify command completed successfully."
    revocation = [line for line in result["out"] if line.startswith("ERROR:")]
    assert revocation[0].startswith("ERROR: Verifying leaf certificate revocation status returned")
    assert "ChainContext.dwErrorStatus = CERT_TRUST_IS_OFFLINE_REVOCATION (0x1000000)" in result["out"]
    assert "0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)" in revocation[0]


def test_verify_urlfetch_online_passes_and_revoked_fails(sim):
    network = {"dns": {"pki.contoso.local": "10.0.9.9"}, "hosts": {"10.0.9.9": {"ports": [80]}}}
    handle = sim({"n": {"network": network, "node": verify_node().state.to_json()}})
    node = handle.node("n")
    result = run_one(node, "certutil -verify -urlfetch 'C:\\Temp\\shir.cer'")
    assert "Leaf certificate revocation check passed" in result["out"] and result["rc"] == 0
    handle.server.nodes["n"].fabric.revoked.add(SHIR01)
    revoked = run_one(node, "certutil -verify -urlfetch 'C:\\Temp\\shir.cer'")
    # tests/unit/test_data/real/certutil/verify_revoked_excerpt_en-US.txt: a revoked leaf still completes
    assert revoked["rc"] == 0 and revoked["out"][-4:] == [
        "------------------------------------", "Certificate is REVOKED", "Leaf certificate is REVOKED (Reason=0)",
        "CertUtil: -verify command completed successfully."]
    assert "The certificate is revoked. 0x80092010 (-2146885616 CRYPT_E_REVOKED)" in revoked["out"]
    assert "  Element.dwErrorStatus = CERT_TRUST_IS_REVOKED (0x4)" in revoked["out"]


def test_verify_untrusted_chain_and_expired():
    node = make_node({"node": {"directories": ["C:\\", "C:\\Temp"], "files": {"C:\\Temp\\shir.cer": {
        "base64": __import__("base64").b64encode(certs.load_named("shir01_remote")[0].der).decode()}}}})
    # tests/unit/test_data/real/certutil/verify_partial_chain_offline_en-US.txt: the issuer is missing, and still
    # "completed successfully"
    partial = run_one(node, "certutil -verify -urlfetch 'C:\\Temp\\shir.cer'")
    assert partial["rc"] == 0 and "ChainContext.dwErrorStatus = CERT_TRUST_IS_PARTIAL_CHAIN (0x10000)" in partial["out"]
    assert "Missing Issuer: CN=Contoso Root CA, O=Contoso" in partial["out"]
    assert ("A certificate chain could not be built to a trusted root authority. 0x800b010a (-2146762486 "
            "CERT_E_CHAINING)") in partial["out"]
    assert partial["out"][-1] == "CertUtil: -verify command completed successfully."
    expired = run_one(verify_node(clock="2027-01-01T00:00:00Z"), "certutil -verify 'C:\\Temp\\shir.cer'")
    assert expired["rc"] == 0 and "  Element.dwErrorStatus = CERT_TRUST_IS_NOT_TIME_VALID (0x1)" in expired["out"]
    assert any(line.endswith("0x800b0101 (-2146762495 CERT_E_EXPIRED)") for line in expired["out"])


@pytest.mark.parametrize("locale, label", [("fr-FR", "Hach. cert. (sha1) : "),  # real: store_root_fr-FR.txt
                                           ("de-DE", "Zertifikathash(sha1): ")])  # assumed
def test_certutil_labels_are_localised(locale, label):
    node = make_node({"node": {"locale": locale, "cert_stores": {"LocalMachine": {"My": [
        {"cert": "scaleout_worker", "key": True}]}}}})
    out = run_one(node, "certutil -store My")["out"]
    assert label + WORKER in out
    assert out[-1] == TEXT["completed"][locale].format(verb="store")


# --------------------------------------------------------------------------- icacls
def test_icacls_on_a_key_file_grant_and_remove():
    node = make_node("scaleout_pair_healthy:worker")
    key_file = node.state.find_certificate("LocalMachine", "My", WORKER).key.file
    out = run_one(node, f"icacls {key_file}")["out"]
    assert out[0] == f"{key_file} NT AUTHORITY\\SYSTEM:(F)"
    assert out[1:3] == [" " * (len(key_file) + 1) + "BUILTIN\\Administrators:(F)",
                        " " * (len(key_file) + 1) + "NT SERVICE\\SSISScaleOutWorker140:(R)"]
    assert out[-1] == "Successfully processed 1 files; Failed processing 0 files"
    removed = run_one(node, f"icacls {key_file} /remove 'NT SERVICE\\SSISScaleOutWorker140'")
    assert removed["out"] == [f"processed file: {key_file}", "Successfully processed 1 files; Failed processing 0 files"]
    assert not security.allows(node.state.fs.effective_acl(key_file), {WORKER_SID}, "r")
    run_one(node, f"icacls {key_file} /grant '*{WORKER_SID}:(R)'")
    assert security.allows(node.state.fs.effective_acl(key_file), {WORKER_SID}, "r")
    run_one(node, f"icacls {key_file} /grant 'NT SERVICE\\SSISScaleOutWorker140:(F)'")
    assert run_one(node, f"icacls {key_file}")["out"][2].endswith("NT SERVICE\\SSISScaleOutWorker140:(F)")


def test_icacls_errors_and_inheritance():
    node = make_node({"node": {"directories": ["C:\\", "C:\\Data"], "files": {"C:\\Data\\a.txt": {"text": "x"}}}})
    missing = run_one(node, "icacls C:\\Data\\none.txt")
    assert missing["rc"] == 2 and missing["err"] == ["C:\\Data\\none.txt: The system cannot find the file specified."]
    unknown = run_one(node, "icacls C:\\Data\\a.txt /grant 'CONTOSO\\nobody:(R)'")
    assert unknown["rc"] == 1332
    shown = run_one(node, "icacls C:\\Data")["out"]
    assert shown[0] == "C:\\Data BUILTIN\\Administrators:(I)(OI)(CI)(F)"
    assert run_one(node, "icacls C:\\Data\\a.txt")["out"][0] == "C:\\Data\\a.txt BUILTIN\\Administrators:(I)(F)"


@pytest.mark.parametrize("locale, admins, summary", [
    ("fr-FR", "BUILTIN\\Administrateurs", "1 fichiers correctement trait\u00e9s"),
    ("de-DE", "VORDEFINIERT\\Administratoren", "1 Dateien erfolgreich verarbeitet")])
def test_icacls_group_names_and_summary_are_localised(locale, admins, summary):
    node = make_node({"node": {"locale": locale}})
    out = run_one(node, "icacls C:\\Windows\\Temp")["out"]
    assert out[0] == f"C:\\Windows\\Temp {admins}:(I)(OI)(CI)(F)"
    assert out[-1].startswith(summary)


# --------------------------------------------------------------------------- winhttpcertcfg
LIST = "winhttpcertcfg -l -c LOCAL_MACHINE\\My -s SSISWORKER01"


def test_winhttpcertcfg_list_grant_remove():
    node = make_node("scaleout_pair_healthy:worker")
    out = run_one(node, LIST)["out"]
    assert out[:3] == ["Microsoft (R) WinHTTP Certificate Configuration Tool",
                       "Copyright (C) Microsoft Corporation 2001.", ""]
    assert out[3:6] == [WHC["matching"], "CN=SSISWORKER01", ""]
    assert out[6] == WHC["accounts"] and "    NT SERVICE\\SSISScaleOutWorker140" in out
    already = run_one(node, LIST.replace("-l", "-g") + " -a 'NT SERVICE\\SSISScaleOutWorker140'")
    assert already["out"][6:8] == [WHC["already"], "    NT SERVICE\\SSISScaleOutWorker140"]
    run_one(node, LIST.replace("-l", "-r") + " -a 'NT SERVICE\\SSISScaleOutWorker140'")
    assert "    NT SERVICE\\SSISScaleOutWorker140" not in run_one(node, LIST)["out"]
    granted = run_one(node, LIST.replace("-l", "-g") + " -a 'NT SERVICE\\SSISScaleOutWorker140'")
    assert granted["rc"] == 0 and granted["out"][6] == WHC["granting"]


def test_winhttpcertcfg_errors_and_cng_keys():
    node = make_node({"node": {"tools": ["winhttpcertcfg"], "cert_stores": {"LocalMachine": {"My": [
        {"cert": "shir01_remote", "key": {"provider": "Microsoft Software Key Storage Provider"}}]}}}})
    cng = run_one(node, "winhttpcertcfg -l -c LOCAL_MACHINE\\My -s shir01")
    assert cng["rc"] == 1 and cng["out"][-2] == WHC["no_access"]
    none = run_one(node, "winhttpcertcfg -l -c LOCAL_MACHINE\\My -s nothing")
    assert none["out"][-2] == WHC["no_context"]


def test_winhttpcertcfg_is_absent_unless_installed():
    result = run_one(make_node(), LIST)
    assert result["rc"] == -1 and result["out"] == []
    assert result["err"] == []  # the CommandNotFound error is statement-terminating: not in the pipeline


@pytest.mark.parametrize("locale, dns_label", [("en-US", "DNS Name="), ("fr-FR", "Nom DNS="), ("de-DE", "DNS-Name=")])
def test_verbose_store_prints_the_x509_dump_with_the_san_extension(locale, dns_label):
    node = make_node({"node": {"locale": locale, "cert_stores": {"LocalMachine": {"My": [
        {"cert": "scaleout_worker", "key": True}]}}}})
    result = run_one(node, "certutil -v -store My")
    out = result["out"]
    assert result["rc"] == 0 and out[1] == TEXT["cert_header"][locale].format(n=0)
    san = out.index("    2.5.29.17: Flags = 0, Length = 32")  # the OID line is never translated
    assert out[san + 1] == "    " + TEXT["ext_san"][locale]
    assert out[san + 2:san + 4] == ["        " + dns_label + "SSISWORKER01", "        " + dns_label + "SSISWORKER01.contoso.local"]
    assert out[san + 4].endswith("=10.0.0.21") and "DNS" not in out[san + 4]
    assert TEXT["hash"][locale].format(v=WORKER) in out
    assert out.index(TEXT["x509"][locale]) < out.index(TEXT["extensions"][locale].format(v=4)) < san
    assert out[-1] == TEXT["completed"][locale].format(verb="store")
    # the key lines of -store follow the dump
    assert out.index(TEXT["hash"][locale].format(v=WORKER)) < out.index(TEXT["provider"][locale].format(v=certs.DEFAULT_CSP))


def test_verbose_flag_only_with_store(allow_refusals):
    node = make_node("scaleout_pair_healthy:worker")
    assert run_one(node, "certutil -v -store My")["rc"] == 0
    run_one(node, "certutil -v -delstore My 00")
    assert [r["reason"] for r in allow_refusals()] == ["-v is emulated with -store only"]
    assert node.state.find_certificate("LocalMachine", "My", WORKER) is not None
