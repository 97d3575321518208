"""certutil: label-free parsing of -store and -verify (English, French, German), commands."""

from __future__ import annotations

import hashlib
import re

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Secret
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult

WORKER = "21F5F6B3697E9EF46E28B0FB7AAE5320FA53D878"
GUID = "4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"


@pytest.mark.parametrize("name", ["store_my_csp_en-US_assumed.txt", "store_my_csp_fr-FR_assumed.txt"])
def test_csp_key_facts_are_the_same_in_every_language(name):
    [cert] = _certutil.parse_store(load("certutil", name))
    facts = cert.as_dict()
    assert facts["thumbprint"] == WORKER and facts["subject"] == "CN=SSISWORKER01" == facts["issuer"]
    assert facts["self_signed"] is True and facts["has_private_key"] is True
    assert facts["not_before"] == "2024-12-01T00:00:00" and facts["not_after"] == "2034-12-01T00:00:00"
    assert facts["provider"] == "Microsoft Enhanced RSA and AES Cryptographic Provider"
    assert facts["provider_type"] == "CSP" and facts["key_spec"] == "AT_KEYEXCHANGE" and facts["exportable"] is False
    # the unique container name certutil printed ("Unique container name:" / "Nom de conteneur unique :")
    assert facts["key_file"] == ("C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\"
                                 "d5740cb02e36540d989569e770ecfa85_" + GUID)


def test_cng_key_uses_the_printed_unique_name_and_has_no_key_spec():
    [cert] = _certutil.parse_store(load("certutil", "store_my_cng_en-US_assumed.txt"))
    facts = cert.as_dict()
    assert facts["provider_type"] == "CNG" and facts["key_spec"] is None
    assert facts["provider"] == _certutil.KSP and facts["self_signed"] is False
    assert facts["key_file"].startswith(_certutil.CNG_KEY_DIR + "\\") and facts["key_file"].endswith("_" + GUID)
    assert facts["key_file"].rsplit("\\", 1)[1] == facts["unique_name"]


def test_signature_key_and_exportable_key():
    [cert] = _certutil.parse_store(load("certutil", "store_my_signature_en-US_assumed.txt"))
    assert cert.key.key_spec == "AT_SIGNATURE"
    text = load("certutil", "store_my_csp_en-US_assumed.txt").replace("Private key is NOT exportable\r\n", "")
    assert _certutil.parse_store(text)[0].key.exportable is True


@pytest.mark.parametrize("name", ["store_root_en-US_assumed.txt", "store_root_de-DE_assumed.txt"])
def test_certificate_without_key(name):
    certs = _certutil.parse_store(load("certutil", name))
    assert certs and all(not c.has_private_key and c.as_dict()["key_file"] is None for c in certs)
    assert certs[0].as_dict()["provider"] is None


def test_german_dates_and_hex_pairs_with_spaces():
    text = load("certutil", "store_root_de-DE_assumed.txt")
    [cert] = _certutil.parse_store(text)[:1]
    spaced = text.replace(cert.thumbprint.lower(), " ".join(cert.thumbprint[i:i + 2] for i in range(0, 40, 2)))
    assert _certutil.parse_store(spaced)[0].thumbprint == cert.thumbprint
    assert cert.not_after.startswith("2034-12-01")


@pytest.mark.parametrize("text, iso", [
    ("6/1/2024 12:00 AM", "2024-06-01T00:00:00"), ("12/31/2034 1:05 PM", "2034-12-31T13:05:00"),
    ("01/06/2024 00:00", "2024-06-01T00:00:00"), ("01.06.2024 18:30", "2024-06-01T18:30:00"),
    ("2024/06/01 7:00", "2024-06-01T07:00:00"), ("not a date", None), ("31/31/2024 00:00", None),
])
def test_dates(text, iso):
    assert _certutil.parse_date(text) == iso


def test_not_found_in_french_is_known_by_its_hresult():
    text = load("certutil", "store_not_found_fr-FR_assumed.txt")
    result = CommandResult("certutil -store My x", -2146885628, text, "")
    assert _certutil.parse_store(text) == [] and _certutil.failure_code(result) == _certutil.CRYPT_E_NOT_FOUND
    assert _certutil.failure_code(CommandResult("x", -2146885628, "", "")) == _certutil.CRYPT_E_NOT_FOUND


@pytest.mark.parametrize("name, revocation, chain, error", [
    ("real/certutil/verify_leaf_passed_en-US.txt", "checked", True, None),
    ("real/certutil/verify_partial_chain_offline_en-US.txt", "offline", False, "0x800B010A"),
    ("real/certutil/verify_revoked_excerpt_en-US.txt", "revoked", True, "0x80092010"),
    ("certutil/verify_offline_de-DE_assumed.txt", "offline", True, "0x80092013"),
    ("certutil/verify_revoked_fr-FR_assumed.txt", "revoked", True, "0x80092010"),
    ("certutil/verify_untrusted_en-US_assumed.txt", "unknown", False, "0x800B0109"),
])
def test_verify_keys_on_its_lines_not_the_exit_code(name, revocation, chain, error):
    """certutil completes successfully (exit code 0) whatever it found: revoked, offline, a chain not built."""
    tool, _sep, file = name.rpartition("/")
    verdict = _certutil.parse_verify(CommandResult("certutil -verify", 0, load(tool, file), ""))
    assert verdict.revocation == revocation and verdict.chain_built is chain and verdict.completed
    assert verdict.as_dict()["revocation_offline"] is (revocation == "offline") and verdict.as_dict()["error"] == error


def test_commands():
    assert _certutil.store_command("Root").line == "certutil -store Root"
    assert _certutil.store_command("My", "ad:2d" + "0" * 36).line == "certutil -store My ad2d" + "0" * 36
    command = _certutil.importpfx_command("My", "C:\\Temp\\a b.pfx", Secret("p'w"), "Microsoft Enhanced Cryptographic "
                                          "Provider v1.0", "AT_KEYEXCHANGE", False)
    assert command.line == ("certutil -f -p $irops_secret_1 -csp 'Microsoft Enhanced Cryptographic Provider v1.0' "
                            "-importpfx My 'C:\\Temp\\a b.pfx' 'AT_KEYEXCHANGE,NoExport'")
    assert "p'w" not in command.line and not command.read_only
    assert _certutil.delstore_command("Root", WORKER).line == "certutil -delstore Root " + WORKER.lower()
    assert _certutil.verify_command("C:\\a.cer").line == "certutil -verify -urlfetch C:\\a.cer"
    with pytest.raises(InvalidValue, match="store name"):
        _certutil.store_command("Root; calc")


@pytest.mark.parametrize("provider, kind", [
    ("Microsoft Software Key Storage Provider", "cng"), ("Microsoft Platform Crypto Provider", "cng"),
    ("Microsoft RSA SChannel Cryptographic Provider", "csp"), ("Contoso HSM", None), (None, None),
])
def test_provider_kind(provider, kind):
    assert _certutil.provider_kind(provider) == kind


def test_a_serial_number_of_40_hex_digits_is_not_the_thumbprint():
    text = load("certutil", "store_my_csp_en-US_assumed.txt").replace("39b1b0b632b7baba2fbbb7b935b2b900", "ab" * 20)
    [cert] = _certutil.parse_store(text)
    assert cert.thumbprint == WORKER and cert.serial == "ab" * 20


def test_root_store_hygiene_findings():
    facts = [{"thumbprint": "A", "subject": "CN=R", "issuer": "CN=R", "self_signed": True, "expired": False},
             {"thumbprint": "B", "subject": "CN=R", "issuer": "CN=R", "self_signed": True, "expired": True,
              "not_after": "2020-01-01T00:00:00"},
             {"thumbprint": "C", "subject": "CN=L", "issuer": "CN=R", "self_signed": False, "expired": False}]
    found = {(f["thumbprint"], f["issue"]) for f in _certutil.hygiene(facts)}
    assert found == {("A", "duplicate_subject"), ("B", "duplicate_subject"), ("B", "expired"), ("C", "not_self_signed")}


def test_verify_of_a_self_signed_leaf_has_no_revocation_check():
    text = ("Issuer:\r\n    CN=SSISMASTER01\r\nSubject:\r\n    CN=SSISMASTER01\r\nCert Serial Number: 01\r\n\r\n"
            "Verified Issuance Policies: None\r\nVerified Application Policies:\r\n    All\r\n"
            "CertUtil: -verify command completed successfully.\r\n")
    verdict = _certutil.parse_verify(CommandResult("certutil -verify", 0, text, ""))
    assert verdict.revocation == "not_applicable" and verdict.chain_built is True


# --------------------------------------------------------------------------- -v -store: subject alternative names
MASTER = "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"


@pytest.mark.parametrize("name", ["store_v_my_san_en-US_assumed.txt", "store_v_my_san_fr-FR_assumed.txt"])
def test_san_dns_names_are_the_same_in_english_and_french(name):
    cert = _certutil.StoreCert(0, MASTER, subject="CN=SSISMASTER01")  # what the -store block of the same node gives
    _certutil.attach_dns_names([cert], load("certutil", name))
    facts = cert.as_dict()
    assert facts["dns_names"] == ["SSISMASTER01", "SSISMASTER01.contoso.local"]  # the IP address entry is not a DNS name
    assert facts["wcf_dns_name"] == "SSISMASTER01.contoso.local"


def test_german_root_store_blocks_keep_their_own_names_and_a_ca_has_none():
    blocks = _certutil.parse_verbose_store(load("certutil", "store_v_root_de-DE_assumed.txt"))
    assert sorted(blocks) == [0, 1, 2]
    assert blocks[0].dns_names == []
    assert blocks[1].dns_names == ["SSISWORKER01", "SSISWORKER01.contoso.local"]
    assert blocks[2].dns_names == ["shir01.contoso.local"]
    assert WORKER in blocks[1].hashes


def test_last_dns_name_is_what_wcf_checks_and_other_san_entries_are_skipped():
    block = _certutil.parse_verbose_store(load("certutil", "store_v_wcf_last_dns_en-US_assumed.txt"))[0]
    assert block.dns_names == ["*.contoso.com", "shir.contoso.com", "microsoft.com.com"]
    # spaced hex pairs (older builds); the Key Id sha1 is a 40-hex value too, which is why hashes is a set
    assert "5F6E7D8C9BAAB9C8D7E6F504132231404F5E6D7C" in block.hashes
    assert "112233445566778899AABBCCDDEEFF0011223344" in block.hashes
    assert _certutil.wcf_dns_name(block.dns_names, "CN=shir.contoso.com, OU=Data, O=Contoso") == "microsoft.com.com"


def test_a_block_is_used_only_for_the_certificate_with_its_number_and_thumbprint():
    terse = _certutil.parse_store(load("certutil", "store_my_csp_en-US_assumed.txt"))
    verbose = load("certutil", "store_v_my_san_en-US_assumed.txt")  # block 0 holds another certificate
    _certutil.attach_dns_names(terse, verbose)
    assert terse[0].dns_names is None and terse[0].as_dict()["wcf_dns_name"] is None


def test_wcf_name_falls_back_to_the_subject_cn_without_san_dns_names():
    assert _certutil.common_name("CN=shir01.contoso.local, OU=Data, O=Contoso") == "shir01.contoso.local"
    assert _certutil.wcf_dns_name([], "CN=Contoso Root CA, O=Contoso") == "Contoso Root CA"
    assert _certutil.wcf_dns_name([], "O=Contoso,CN=host.contoso.local") == "host.contoso.local"
    assert _certutil.wcf_dns_name([], "O=Contoso") is None


def test_verbose_store_command():
    command = _certutil.store_command("My", MASTER, verbose=True)
    assert command.executable == "certutil" and command.read_only
    assert [str(a) for a in command.args] == ["-v", "-store", "My", MASTER.lower()]


# --------------------------------------------------------------------------- words (localisation as data)
def _body(source: str) -> str:
    return load("real/certutil", source.partition("real:certutil/")[2], crlf=False)


WORD_ENTRIES = [(concept, language, text, source) for concept, languages in _certutil.WORDS.items()
                for language, (text, source) in languages.items()]


@pytest.mark.parametrize("concept, language, text, source", WORD_ENTRIES,
                         ids=[f"{entry[0]}:{entry[1]}" for entry in WORD_ENTRIES])
def test_every_word_names_its_source_and_a_real_output_holds_it(concept, language, text, source):
    assert re.fullmatch(r"real:certutil/[\w.-]+\.txt|assumed", source)
    if source != _certutil.ASSUMED:
        assert _certutil._norm(text) in _certutil._norm(_body(source))


def test_the_source_check_can_fail():
    body = _certutil._norm(_body("real:certutil/store_root_fr-FR.txt"))
    assert _certutil._norm("Aucune information sur le fournisseur de clé") in body
    assert _certutil._norm("Aucune information de fournisseur de clé") not in body  # the simulator's former guess


def test_every_concept_has_the_three_languages_but_the_clock_markers():
    for concept, languages in _certutil.WORDS.items():
        assert set(languages) == (set(_certutil.LANGUAGES) if concept not in ("am", "pm") else {"en-US"}), concept


# --------------------------------------------------------------------------- key lines
GUID_CONTAINER = load("real/certutil", "store_my_csp_guid_container_en-US.txt")
UNIQUE = "8e5a57f198ccf38cb4e07149dcca663d_55a42ce9-5197-498f-a203-54bfba68824d"


def _first_key(text: str) -> dict:
    return _certutil.parse_store(text)[0].as_dict()


def test_the_key_file_is_the_unique_name_certutil_printed_and_never_a_derived_one():
    facts = _first_key(GUID_CONTAINER)
    assert facts["key_file"] == _certutil.CSP_KEY_DIR + "\\" + UNIQUE and facts["key_file_unknown"] is None
    # the same output without the unique name: the key file is unknown, and says what is missing
    without = GUID_CONTAINER.replace(f"  Unique container name: {UNIQUE}\r\n", "", 1)
    facts = _first_key(without)
    assert facts["key_file"] is None and facts["unique_name"] is None
    assert "no unique container name" in facts["key_file_unknown"]
    assert "{BCFFCA5D-B870-4CC2-A8E9-10A641CA58D0}" in facts["key_file_unknown"]
    md5 = hashlib.md5("{bcffca5d-b870-4cc2-a8e9-10a641ca58d0}".encode()).hexdigest()
    assert md5 not in repr(facts)


def test_two_different_unique_names_make_the_key_file_unknown():
    other = "00000000000000000000000000000000_55a42ce9-5197-498f-a203-54bfba68824d"
    text = GUID_CONTAINER.replace(f"  Unique container name: {UNIQUE}\r\n",
                                  f"  Unique container name: {UNIQUE}\r\n  Unique container name: {other}\r\n", 1)
    facts = _first_key(text)
    assert facts["key_file"] is None and UNIQUE in facts["key_file_unknown"] and other in facts["key_file_unknown"]


def test_an_unknown_provider_is_named_and_no_folder_is_guessed():
    facts = _first_key(GUID_CONTAINER.replace("Microsoft Enhanced Cryptographic Provider v1.0", "Contoso HSM", 1))
    assert facts["provider"] == "Contoso HSM" and facts["provider_type"] is None and facts["key_file"] is None
    assert "'Contoso HSM'" in facts["key_file_unknown"]


# Words in no table (made up for this test, in the place of a language the tables do not hold): the
# unique name is still read by its shape; what the other lines say is unknown, and they are reported.
UNKNOWN_WORDS = GUID_CONTAINER.replace("  Key Container = ", "  Contenitore chiavi = ", 1).replace(
    "  Unique container name: ", "  Nome univoco: ", 1).replace("  Provider = ", "  Fornitore = ", 1).replace(
    "Private key is NOT exportable\r\nEncryption test passed", "La chiave privata NON è esportabile\r\nTest superato", 1)


def test_words_no_table_knows_are_reported_not_guessed():
    facts = _first_key(UNKNOWN_WORDS)
    assert facts["unique_name"] == UNIQUE and facts["provider"] is None and facts["key_file"] is None
    assert facts["exportable"] is None and facts["key_spec"] is None and facts["container"] is None
    assert "Fornitore = Microsoft Enhanced Cryptographic Provider v1.0" in facts["key_unread"]
    assert "La chiave privata NON è esportabile" in facts["key_unread"]
    assert "no key provider line" in facts["key_file_unknown"]


def test_a_known_not_exportable_line_wins_over_a_line_not_read():
    text = GUID_CONTAINER.replace("Private key is NOT exportable\r\n", "Private key is NOT exportable\r\nPeut-être\r\n", 1)
    facts = _first_key(text)
    assert facts["exportable"] is False and facts["key_unread"] == ["Peut-être"]


def test_lines_without_a_key_make_no_key_and_layout_lines_are_no_words():
    no_key = load("real/certutil", "store_enterprise_ca_no_key_en-US.txt")  # No key provider information, Missing stored keyset
    assert _certutil.parse_store(no_key)[0].key is None
    dump = _first_key(load("real/certutil", "dump_p12_ca_key_not_plain_text_exportable_en-US.txt"))
    assert dump["key_unread"] == [] and dump["exportable"] is True and dump["provider_type"] == "CNG"
    assert "no unique container name" in dump["key_file_unknown"]


# --------------------------------------------------------------------------- dates and -verify
@pytest.mark.parametrize("text, iso", [
    ("2001-05-09 8:19 PM", "2001-05-09T20:19:00"), ("1997-01-10 4:00 AM", "1997-01-10T04:00:00"),
    ("2024-06-01 12:00 AM", "2024-06-01T00:00:00"), ("2024-06-01 12:30 PM", "2024-06-01T12:30:00"),
    ("6/1/2024 13:00 PM", None), ("2024-06-01 8:19 nachm.", None),  # a marker no table holds: not read as 24-hour
])
def test_a_12_hour_clock_whichever_field_comes_first(text, iso):
    assert _certutil.parse_date(text) == iso


def test_verify_flag_values_are_no_error_and_trust_flags_are_read():
    passed = _certutil.parse_verify(CommandResult("certutil -verify", 0, load("real/certutil", "verify_leaf_passed_en-US.txt"), ""))
    assert passed.error is None and passed.revocation == "checked" and passed.trust_errors == []
    flags = _certutil.parse_verify(CommandResult("certutil -scinfo", 0,
                                                 load("real/certutil", "scinfo_chain_offline_revocation_de-DE.txt"), ""))
    assert flags.error is None and flags.revocation == "offline" and not flags.chain_built
    assert "CERT_TRUST_IS_PARTIAL_CHAIN" in flags.as_dict()["trust_errors"]


def test_a_passing_verify_in_words_no_table_holds_is_not_checked():
    text = load("real/certutil", "verify_leaf_passed_en-US.txt").replace(
        "Leaf certificate revocation check passed", "Controllo di revoca superato")  # made-up words
    verdict = _certutil.parse_verify(CommandResult("certutil -verify", 0, text, ""))
    assert verdict.revocation == "unknown" and verdict.chain_built and verdict.error is None
