"""What a person reads in each real output of tests/unit/test_data/real/ (see SOURCES.md there).

Every value below was read off the output by hand, not produced by the parsers. A check whose
expected value the current parser does not produce carries ``xfail``: the defect class, so the
test flips (strict xfail) when the parser is fixed. ``test_corpus_real.py`` runs the checks.

Check kinds (``kind``, then the expected value and any arguments):

- certutil ``certs``: per certificate block, a dict of ``StoreCert.as_dict()`` fields;
  ``key``: {block index: key fields of ``as_dict()``}; ``verbose``: {block: (thumbprint, SAN DNS
  names)} from ``parse_verbose_store``;
  ``hresult``: the first HRESULT of a failure; ``verify``: fields of ``parse_verify(...).as_dict()``
  for exit code ``rc``; ``dates``: {printed date: ISO} through ``parse_date``.
- netsh ``bindings``: (endpoint, hash, app id, store, effective store) per binding; ``error_code``.
- sc ``status`` (``parse_query``), ``config`` (``parse_qc``), ``error_code``.
- icacls ``aces``: (path, ACE texts, readers); ``failure``: the one-line failure text.
- advfirewall ``rules``: ``Rule.result()`` per rule and the values it could not read.
- reg ``reg_failure``: ``failure_kind`` (absent, denied or other).
"""

from __future__ import annotations

from dataclasses import dataclass, field

CSP = "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\"
CNG = "C:\\ProgramData\\Microsoft\\Crypto\\Keys\\"
KSP = "Microsoft Software Key Storage Provider"
ENH = "Microsoft Enhanced Cryptographic Provider v1.0"
SCH = "Microsoft RSA SChannel Cryptographic Provider"

# Defect classes the real outputs reveal (the reasons of strict xfails): none is open now; a new one goes here.


@dataclass(frozen=True)
class Check:
    kind: str
    expected: object
    xfail: str | None = None
    args: dict = field(default_factory=dict)


def cert(index, thumbprint, subject, issuer, serial, not_before, not_after, self_signed, has_key):
    return {"index": index, "thumbprint": thumbprint, "subject": subject, "issuer": issuer, "serial": serial,
            "not_before": not_before, "not_after": not_after, "self_signed": self_signed, "has_private_key": has_key}


def key(provider, provider_type, key_spec, exportable, container, unique_name, key_file):
    return {"provider": provider, "provider_type": provider_type, "key_spec": key_spec, "exportable": exportable,
            "container": container, "unique_name": unique_name, "key_file": key_file}


CVI_GUID = "f0a99c17-76d3-498a-97de-2992c06105fd"
CVI_CA = "CN=CVI Issuing CA 1, DC=corp, DC=cvilab, DC=local"
CVI_ROOT = "CN=CVI Root CA, DC=corp, DC=cvilab, DC=local"
PKI_SRV = "CN=PKI-SRV01.corp.cvilab.local"
VPN_GUID = "5834bfa9-1c4a-44a8-a128-c2267f712336"
AZURE_GUID = "55a42ce9-5197-498f-a203-54bfba68824d"
AZURE_CRP = "DC=Windows Azure CRP Certificate Generator"
COMODO = "CN=COMODO RSA Certification Authority, O=COMODO CA Limited, L=Salford, S=Greater Manchester, C=GB"
MS_ROOT_AUTH = "CN=Microsoft Root Authority, OU=Microsoft Corporation, OU=Copyright (c) 1997 Microsoft Corp."
ECC_2018 = ("CN=Microsoft ECC Product Root Certificate Authority 2018, O=Microsoft Corporation, L=Redmond, "
            "S=Washington, C=US")
VERISIGN_TS = ("OU=NO LIABILITY ACCEPTED, (c)97 VeriSign, Inc., OU=VeriSign Time Stamping Service Root, "
               "OU=VeriSign, Inc., O=VeriSign Trust Network")


def _template_csp(unique, simple, provider, exportable, key_spec="AT_KEYEXCHANGE"):
    return key(provider, "CSP", key_spec, exportable, simple, unique, CSP + unique)


EXPECTED: dict[str, list[Check]] = {
    # ------------------------------------------------------------------ certutil -store
    "certutil/store_user_my_csp_template_and_cng_en-US.txt": [
        Check("certs", [
            cert(0, "A50337AB015D5612B7DC4C1E759D201E74CC2A93",
                 "E=winfed@deverett.info, CN=WinFed, OU=Users, OU=Corp, DC=corp, DC=deverett, DC=info",
                 "CN=corp-DEDC0-CA, DC=corp, DC=deverett, DC=info", "32000000265259d0069fa6f205000000000026",
                 "2017-12-08T20:07:00", "2018-12-08T20:07:00", False, True),
            cert(1, "37378A1B06DCEF1B4D4753F7D21E4F20B18FBFEC", "CN=WinFed@deverett.info",
                 "CN=Microsoft VPN root CA gen 1", "367fbdd7e6e4103dec9b91f93959ac56",
                 "2017-12-08T18:24:00", "2017-12-08T19:29:00", False, True)]),
        Check("key", {0: _template_csp("a890fd7fbbfc072f8fe045e680c501cf_" + VPN_GUID,
                                       "te-User-c7bcc4bd-0498-4411-af44-da2257f54387", ENH, True)}),
        Check("key", {1: key(KSP, "CNG", None, False, "31685cae-af6f-48fb-ac37-845c69b4c097",
                             "bf4097e20d4480b8d6ebc139c9360f02_" + VPN_GUID,
                             CNG + "bf4097e20d4480b8d6ebc139c9360f02_" + VPN_GUID)}),
    ],
    "certutil/store_my_csp_template_schannel_en-US.txt": [
        Check("certs", [cert(0, "E0046EA8C9D051F976C47FF60246CF3F488AD4F8", PKI_SRV, CVI_CA,
                             "44000000030d20ca71500ba5c4000000000003", "2026-05-22T17:45:00", "2027-04-25T19:36:00",
                             False, True)]),
        Check("key", {0: _template_csp("a547eac941e3a6e7ae8e70257435eee5_" + CVI_GUID,
                                       "te-CVI-WebServer-f00259a7-e599-4167-965d-0298e0b61c88", SCH, False)}),
    ],
    "certutil/store_my_csp_template_enhanced_en-US.txt": [
        Check("certs", [cert(0, "7BFF83B595815DD3EC80E4E658B4B73CB67A7E1E",
                             "CN=Svc Autoenroll, OU=Service Accounts, DC=corp, DC=cvilab, DC=local", CVI_CA,
                             "440000000911304cdb8a83f133000000000009", "2026-05-28T15:14:00", "2027-04-25T19:36:00",
                             False, True)]),
        Check("key", {0: _template_csp("ce9bd3f51b49e9f605ed02f7c971f605_" + CVI_GUID,
                                       "te-CVI-ServiceAccount-9f57fc06-547c-49c2-932d-7374d22c5bae", ENH, True)}),
    ],
    "certutil/store_my_csp_template_signature_en-US.txt": [
        Check("certs", [cert(0, "7FA17DBE13F3C0F3FF3E60AF8528C4EDB48D96CE", "CN=PKI Admin", CVI_CA,
                             "4400000005b4922c2e24e100eb000000000005", "2026-05-24T12:53:00", "2027-04-25T19:36:00",
                             False, True)]),
        Check("key", {0: _template_csp("203caffb941a0d6ca37a704567e68714_" + CVI_GUID,
                                       "te-CVICodeSigning-c6a99d8c-20e6-4939-a873-bdddaf747842", ENH, False,
                                       "AT_SIGNATURE")}),
    ],
    "certutil/store_my_csp_templates_and_ca_cng_en-US.txt": [
        Check("certs", [
            cert(0, "56195DB06F786CE07A5EB9F52E83B92531D522FB", PKI_SRV, CVI_CA,
                 "4400000004de07084d1f319d8e000000000004", "2026-05-17T20:44:00", "2027-04-25T19:36:00", False, True),
            cert(1, "5137A597DE2C3085EC5816C7F11EDC18CFCDBAF8", CVI_CA, CVI_ROOT,
                 "5800000002f7714edc7f317c46000000000002", "2026-04-25T19:26:00", "2027-04-25T19:36:00", False, True),
            cert(2, "4463A1A9A66692F76E49190A5FA5B900EDE2A3BF", PKI_SRV, CVI_CA,
                 "440000000395ff46642751bb82000000000003", "2026-05-17T20:44:00", "2027-04-25T19:36:00", False, True)]),
        Check("key", {0: _template_csp("c331eac02d8b30f9c3b8d755edc095ac_" + CVI_GUID,
                                       "te-CVI-WebServer-d1955e87-3348-4fc3-b3ce-5e86db91ec46", SCH, False),
                      2: _template_csp("dde0604492fa91e4516bad250cf47793_" + CVI_GUID,
                                       "te-Machine-5dfad181-2f91-46a7-9673-6ba4bd96e8ba", SCH, False)}),
        Check("key", {1: key(KSP, "CNG", None, True, "CVI Issuing CA 1", "b52f658bb3f263e6f529f3a0187c63bc_" + CVI_GUID,
                             CNG + "b52f658bb3f263e6f529f3a0187c63bc_" + CVI_GUID)}),
    ],
    "certutil/store_my_csp_guid_container_en-US.txt": [
        Check("certs", [
            cert(0, "E6CC21E72B8357BD5A0990DB7DED3421F3F8B9AA", AZURE_CRP, AZURE_CRP, "40d7e4a080d857b7418f88e767a9c405",
                 "2026-08-02T23:16:00", "2027-08-02T23:16:00", True, True),
            cert(1, "9DDB6E9C7B19D0C0707F281C0FC8732F44D95296", CVI_CA, CVI_ROOT,
                 "3300000003f2e7053357ab3c58000000000003", "2026-06-20T18:27:00", "2031-06-20T18:37:00", False, True),
            cert(2, "5F3779D4D2E353546583CFEB1F133176801544A3", AZURE_CRP, AZURE_CRP, "5a3820df9ba8f2ac417b47056047898e",
                 "2026-08-02T22:59:00", "2027-08-02T22:59:00", True, True)]),
        Check("key", {0: key(ENH, "CSP", "AT_KEYEXCHANGE", False, "{BCFFCA5D-B870-4CC2-A8E9-10A641CA58D0}",
                             "8e5a57f198ccf38cb4e07149dcca663d_" + AZURE_GUID,
                             CSP + "8e5a57f198ccf38cb4e07149dcca663d_" + AZURE_GUID),
                      1: key(KSP, "CNG", None, True, "CVI Issuing CA 1", "b52f658bb3f263e6f529f3a0187c63bc_" + AZURE_GUID,
                             CNG + "b52f658bb3f263e6f529f3a0187c63bc_" + AZURE_GUID),
                      2: key(ENH, "CSP", "AT_KEYEXCHANGE", False, "{2E4B42A3-896C-4DC2-A9D9-23BDF003A3F6}",
                             "a4e5a235c32ea0ae2b439a3b4c125fc5_" + AZURE_GUID,
                             CSP + "a4e5a235c32ea0ae2b439a3b4c125fc5_" + AZURE_GUID)}),
    ],
    "certutil/store_my_cng_template_en-US.txt": [
        Check("certs", [cert(4, "23F6CB9AD02185A3C33F3A7B1B2EF71622150FCB", PKI_SRV, CVI_CA,
                             "440000000ba5579effd72b412500000000000b", "2026-05-30T12:25:00", "2026-06-13T12:25:00",
                             False, True)]),
        Check("key", {4: key(KSP, "CNG", None, False, "te-OCSPResponseSigning-151f19a3-0da7-46cb-b941-68950767d92e",
                             "afc01196953219ab9274d1ddfb19d695_" + CVI_GUID,
                             CNG + "afc01196953219ab9274d1ddfb19d695_" + CVI_GUID)}),
    ],
    "certutil/store_my_csp_container_inconsistent_en-US.txt": [
        Check("certs", [cert(9, "6304015FD0F78ED5AE56D3850940B62055E65B3B", "CN=host.example.com",
                             "CN=Let's Encrypt Authority X3, O=Let's Encrypt, C=US",
                             "fa4e3fbab3233f766ae01309389d34d8e075", "2019-06-21T13:14:00", "2019-09-19T13:14:00",
                             False, True)]),
        Check("key", {9: key(ENH, "CSP", "AT_KEYEXCHANGE", True, None,
                             "fc1e3851f429ea606d6ff1e01a5229f1_aac1ff8f-089f-4a50-9ad1-45c6050250aa",
                             CSP + "fc1e3851f429ea606d6ff1e01a5229f1_aac1ff8f-089f-4a50-9ad1-45c6050250aa")}),
    ],
    "certutil/store_enterprise_root_en-US.txt": [
        Check("certs", [cert(0, "B805E6AB548F6E7C57D3989F61DE7FE6A51031D1", CVI_ROOT, CVI_ROOT,
                             "26373e51a6ab669340c47caef2232ce1", "2026-04-25T18:15:00", "2046-04-25T18:25:00",
                             True, False)]),
    ],
    "certutil/store_enterprise_ca_no_key_en-US.txt": [
        Check("certs", [cert(0, "5137A597DE2C3085EC5816C7F11EDC18CFCDBAF8", CVI_CA, CVI_ROOT,
                             "5800000002f7714edc7f317c46000000000002", "2026-04-25T19:26:00", "2027-04-25T19:36:00",
                             False, False)]),
    ],
    "certutil/store_enterprise_ca_key_without_prov_info_en-US.txt": [
        Check("certs", [cert(0, "5137A597DE2C3085EC5816C7F11EDC18CFCDBAF8", CVI_CA, CVI_ROOT,
                             "5800000002f7714edc7f317c46000000000002", "2026-04-25T19:26:00", "2027-04-25T19:36:00",
                             False, True)]),
        Check("key", {0: key(KSP, "CNG", None, True, None, "b52f658bb3f263e6f529f3a0187c63bc_" + CVI_GUID,
                             CNG + "b52f658bb3f263e6f529f3a0187c63bc_" + CVI_GUID)}),
    ],
    "certutil/store_root_fr-FR.txt": [
        Check("certs", [
            cert(2, "AFE5D244A8D1194230FF479FE2F897BBCD7A8CB4", COMODO, COMODO, "4caaf9cadb636fe01ff74ed85b03869d",
                 "2010-01-19T02:00:00", "2038-01-19T01:59:00", True, False),
            cert(3, "A43489159A520F0D93D032CCAF37E7FE20A8B419", MS_ROOT_AUTH, MS_ROOT_AUTH,
                 "c1008b3c3c8811d13ef663ecdf40", "1997-01-10T09:00:00", "2020-12-31T09:00:00", True, False)]),
    ],
    "certutil/store_root_ca_version_fr-FR.txt": [
        Check("certs", [cert(13, "06F1AA330B927B753A40E68CDF22E34BCBEF3352", ECC_2018, ECC_2018,
                             "14982666dc7ccd8f4053677bb999ec85", "2018-02-27T22:42:00", "2043-02-27T22:50:00",
                             True, False)]),
    ],
    "certutil/store_root_verisign_fr-FR.txt": [
        Check("certs", [cert(11, "18F7C1FCC3090203FD5BAA2F861A754976C8DD25", VERISIGN_TS, VERISIGN_TS,
                             "4a19d2388c82591ca55d735f155ddca3", "1997-05-12T02:00:00", "2004-01-08T01:59:00",
                             True, False)]),
    ],
    "certutil/store_root_win11_yyyy-mm-dd_en.txt": [
        Check("thumbprints", ["CDD4EEAE6000AC7F40C3802C171E30148030C072", "C99AEBB42C674EE7C3B5CFBEAB349C7312DEF4C5",
                              "BE36A4562FB2EE05DBB3D32323ADF445084ED656", "A43489159A520F0D93D032CCAF37E7FE20A8B419",
                              "92B46C76E13054E104F230517E6E504D43AB10B5", "8F43288AD272F3103B6FB1428485EA3014C0BCFE",
                              "7F88CD7223F3C813818C994614A89C99FA3B5247", "3B1EFD3A66EA28B16697394703A72CA340A05BD5",
                              "3679CA35668772304D30A5FB873B0FA77BB70D54", "31F9FC8BA3805986B721EA7295C65B3A44534274",
                              "245C97DF7514E7CF2DF8BE72AE957B9E04741E85", "18F7C1FCC3090203FD5BAA2F861A754976C8DD25",
                              "06F1AA330B927B753A40E68CDF22E34BCBEF3352", "0119E81BE9A14CD8E22F40AC118C687ECBA3F4D8"]),
        Check("validity", {1: ("2026-03-28T09:13:00", "2026-04-27T09:13:00"),
                           3: ("1997-01-10T04:00:00", "2020-12-31T04:00:00")}),
        Check("validity", {0: ("2001-05-09T20:19:00", "2021-05-09T20:28:00"),
                           2: ("1996-12-31T21:00:00", "2020-12-31T20:59:00")}),
    ],
    "certutil/viewstore_enterprise_my_not_found_en-US.txt": [Check("hresult", 0x80070002)],
    # ------------------------------------------------------------------ certutil -dump
    "certutil/dump_p12_ca_key_not_plain_text_exportable_en-US.txt": [
        Check("certs", [
            cert(0, "5137A597DE2C3085EC5816C7F11EDC18CFCDBAF8", CVI_CA, CVI_ROOT, "5800000002f7714edc7f317c46000000000002",
                 "2026-04-25T19:26:00", "2027-04-25T19:36:00", False, True),
            cert(1, "B805E6AB548F6E7C57D3989F61DE7FE6A51031D1", CVI_ROOT, CVI_ROOT, "26373e51a6ab669340c47caef2232ce1",
                 "2026-04-25T18:15:00", "2046-04-25T18:25:00", True, False)]),
        # exportable: certutil -backup had just exported it; no unique container name printed, so no key file
        Check("key", {0: key(KSP, "CNG", None, True, None, None, None)}),
    ],
    # ------------------------------------------------------------------ certutil -v
    "certutil/store_v_my_csp_signature_machine_en-US.txt": [
        Check("verbose", {0: ("FF2771BD5BD1F7086AB96FB9532B594ED8619C3B", [])}),
    ],
    "certutil/store_v_excerpt_de-DE.txt": [
        Check("dates", {"19.07.2021 12:47": "2021-07-19T12:47:00", "19.07.2022 13:07": "2022-07-19T13:07:00"}),
    ],
    # ------------------------------------------------------------------ certutil errors
    "certutil/importpfx_invalid_password_en-US.txt": [Check("hresult", 0x80070056)],
    "certutil/addstore_invalid_parameter_en-US.txt": [Check("hresult", 0x80070057)],
    # ------------------------------------------------------------------ certutil -verify
    "certutil/verify_urlfetch_ca_passed_en-US.txt": [
        Check("verify", {"chain_built": True, "revocation": "checked", "completed": True}, None, {"rc": 0}),
        Check("verify", {"error": None}, None, {"rc": 0}),
    ],
    "certutil/verify_leaf_passed_en-US.txt": [
        Check("verify", {"chain_built": True, "revocation": "checked", "completed": True}, None, {"rc": 0}),
        Check("verify", {"error": None}, None, {"rc": 0}),
    ],
    "certutil/verify_ocsp_signing_tail_en-US.txt": [
        Check("verify", {"chain_built": True, "revocation": "checked", "error": None, "completed": True}, None,
              {"rc": 0}),
    ],
    "certutil/verify_revoked_excerpt_en-US.txt": [
        Check("verify", {"revocation": "revoked", "revoked": True, "error": "0x80092010", "completed": True}, None,
              {"rc": 0}),
    ],
    "certutil/verify_revoked_trace_excerpt_en-US.txt": [
        Check("verify", {"revocation": "revoked", "revoked": True, "error": "0x80092010", "completed": True}, None,
              {"rc": 0}),
    ],
    "certutil/verify_partial_chain_offline_en-US.txt": [
        Check("verify", {"chain_built": False, "revocation": "offline", "error": "0x800B010A", "completed": True}, None,
              {"rc": 0}),
    ],
    "certutil/scinfo_chain_offline_revocation_de-DE.txt": [
        Check("verify", {"revocation": "offline", "chain_built": False}, None, {"rc": 0}),
        Check("dates", {"14.06.2015 20:47": "2015-06-14T20:47:00", "13.06.2016 20:47": "2016-06-13T20:47:00"}),
    ],
    # ------------------------------------------------------------------ netsh http
    "netsh/show_sslcert_hostnameport_adfs_en-US.txt": [
        Check("bindings", [
            ("hostnameport=sts.margiestravel.com:443", "2D125F4D735DEF823178E8F17E6579D04FB97B7A",
             "{5d89a20c-beab-4389-9447-324788eb944a}", "my", "my"),
            ("hostnameport=sts.margiestravel.com:49443", "2D125F4D735DEF823178E8F17E6579D04FB97B7A",
             "{5d89a20c-beab-4389-9447-324788eb944a}", "my", "my")]),
    ],
    "netsh/show_sslcert_redacted_hash_ipv6_en-US.txt": [
        Check("bindings", [
            ("ipport=0.0.0.0:443", None, "{4dc3e181-e14b-4a21-b022-59fc669b0914}", "WebHosting", "WebHosting"),
            ("ipport=[::]:443", None, "{ba195980-cd49-458b-9e23-c84ee0adcd75}", "MY", "MY")]),
    ],
    "netsh/show_sslcert_null_store_en-US.txt": [
        Check("bindings", [("ipport=0.0.0.0:443", "5226DC6C54559761CD471B86EB51C096252C90F2",
                            "{4dc3e181-e14b-4a21-b022-59fc669b0914}", None, "MY")]),
    ],
    "netsh/add_sslcert_logon_session_1312_en-US.txt": [Check("error_code", 1312)],
    "netsh/add_sslcert_missing_parameters_en-US.txt": [Check("error_code", None)],
    # ------------------------------------------------------------------ sc.exe
    "sc/start_running_ru-RU.txt": [
        Check("status", {"name": "GoodbyeDPI", "state": "RUNNING", "win32_exit_code": 0, "checkpoint": 0,
                         "wait_hint_ms": 0}),
    ],
    "sc/start_running_en-US.txt": [
        Check("status", {"name": "GoodbyeDPI", "state": "RUNNING", "win32_exit_code": 0, "checkpoint": 0,
                         "wait_hint_ms": 0}),
    ],
    "sc/start_pending_zh-CN.txt": [
        Check("status", {"name": "PcapDNSProxyService", "state": "START_PENDING", "win32_exit_code": 0,
                         "checkpoint": 0, "wait_hint_ms": 2000}),
    ],
    "sc/start_pending_checkpoint_zh-CN.txt": [
        Check("status", {"name": "PcapDNSProxyService", "state": "START_PENDING", "win32_exit_code": 0,
                         "checkpoint": 2, "wait_hint_ms": 1000}),
    ],
    "sc/qc_network_service_en-US.txt": [
        Check("config", {"name": "G Suite Password Sync", "start_mode": "auto", "display_name": "G Suite Password Sync",
                         "binary_path": '"C:\\Program Files\\Google\\G Suite Password Sync\\password_sync_service.exe"',
                         "account": "NT AUTHORITY\\NetworkService"}),
    ],
    "sc/open_failed_1060_en-US.txt": [Check("error_code", 1060)],
    "sc/start_open_failed_1060_en-US.txt": [Check("error_code", 1060)],
    "sc/start_open_failed_1060_hyperhide_en-US.txt": [Check("error_code", 1060)],
    "sc/config_failed_1072_en-US.txt": [Check("error_code", 1072)],
    "sc/open_failed_1060_ru-RU.txt": [Check("error_code", 1060)],
    "sc/open_failed_1060_zh-CN.txt": [Check("error_code", 1060)],
    "sc/open_failed_1060_second_zh-CN.txt": [Check("error_code", 1060)],
    "sc/open_failed_1060_apollo_zh-CN.txt": [Check("error_code", 1060)],
    "sc/start_failed_1056_zh-CN.txt": [Check("error_code", 1056)],
    "sc/query_failed_1060_es-ES.txt": [Check("error_code", 1060)],
    "sc/query_failed_1060_de-DE.txt": [Check("error_code", 1060), Check("status", None)],
    "sc/query_failed_1060_fr-FR.txt": [Check("error_code", 1060), Check("status", None)],
    # ------------------------------------------------------------------ icacls
    "icacls/show_file_inherited_en-US.txt": [
        Check("aces", ("test.txt",
                       ["BUILTIN\\Administrators:(I)(F)", "NT AUTHORITY\\SYSTEM:(I)(F)", "BUILTIN\\Users:(I)(RX)",
                        "NT AUTHORITY\\Authenticated Users:(I)(M)"],
                       ["BUILTIN\\Administrators", "NT AUTHORITY\\SYSTEM", "BUILTIN\\Users",
                        "NT AUTHORITY\\Authenticated Users"])),
    ],
    "icacls/show_file_after_sddl_en-US.txt": [
        Check("aces", ("test.txt",
                       ["BUILTIN\\Administrators:(I)(F)", "NT AUTHORITY\\SYSTEM:(I)(F)", "BUILTIN\\Users:(I)(RX)"],
                       ["BUILTIN\\Administrators", "NT AUTHORITY\\SYSTEM", "BUILTIN\\Users"])),
    ],
    "icacls/show_root_servercore_ltsc2022_en-US.txt": [
        # CREATOR OWNER:(OI)(CI)(IO)(F) is inherit-only (no access to C:\ itself) and (CI)(AD) reads nothing.
        Check("aces", ("C:\\\\",
                       ["BUILTIN\\Administrators:(OI)(CI)(F)", "NT AUTHORITY\\SYSTEM:(OI)(CI)(F)",
                        "CREATOR OWNER:(OI)(CI)(IO)(F)", "BUILTIN\\Users:(OI)(CI)(RX)", "BUILTIN\\Users:(CI)(AD)",
                        "BUILTIN\\Users:(CI)(IO)(WD)", "Everyone:(RX)"],
                       ["BUILTIN\\Administrators", "NT AUTHORITY\\SYSTEM", "BUILTIN\\Users", "Everyone"])),
    ],
    "icacls/show_folder_and_file_aks_en-US.txt": [
        Check("aces", ("c:\\k",
                       ["NT AUTHORITY\\Authenticated Users:(I)(M)", "NT AUTHORITY\\Authenticated Users:(I)(OI)(CI)(IO)(M)",
                        "NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)", "BUILTIN\\Administrators:(I)(OI)(CI)(F)",
                        "BUILTIN\\Users:(I)(OI)(CI)(RX)"],
                       ["NT AUTHORITY\\Authenticated Users", "NT AUTHORITY\\SYSTEM", "BUILTIN\\Administrators",
                        "BUILTIN\\Users"])),
    ],
    "icacls/verify_not_canonical_en-US.txt": [
        Check("aces", ("C:\\Program Files\\osquery", [], [])),
    ],
    "icacls/grant_no_mapping_de-DE.txt": [
        Check("failure", "Administrators: Zuordnungen von Kontennamen und Sicherheitskennungen wurden nicht "
                         "durchgeführt.; 0 Dateien erfolgreich verarbeitet, bei 1 Dateien ist ein "
                         "Verarbeitungsfehler aufgetreten."),
    ],
    # ------------------------------------------------------------------ reg.exe
    "reg/query_not_found_en-US.txt": [Check("reg_failure", "absent")],
    "reg/invalid_option_reg32_en-US.txt": [Check("reg_failure", "other")],
    # ------------------------------------------------------------------ netsh advfirewall
    "advfirewall/show_rule_verbose_en-US.txt": [
        Check("rules", [({"name": "http", "enabled": True, "direction": "in",
                          "profiles": ["domain", "private", "public"], "protocol": "TCP", "localport": "80",
                          "action": "allow"}, [])]),
    ],
}
