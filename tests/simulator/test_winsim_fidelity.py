"""Fidelity: each tool's output parses into the same fields as the reference samples
(reference_samples/, written from windows-tools.md), with the same exit code; certutil's outputs
are compared with the real ones of tests/unit/test_data/real/certutil/ (the end of this module).

The extractor keeps every line's structure: its label (text before ``:`` or `` = ``, or the
whole line), and the *shape* of its values - thumbprints, GUIDs, hex numbers, numbers, dates
and machine-specific names are reduced to placeholders - so samples need not carry the
random parts (serial numbers, container names) of the simulator's certificates.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from winsim_helpers import make_node, run_one

from winsim import certs

SAMPLES = Path(__file__).resolve().parent / "reference_samples"
SHAPES = [
    (re.compile(r"\b[0-9a-f]{32}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<UNIQUE>"),
    (re.compile(r"\bte-[0-9a-f-]{36}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I),
     "<GUID>"),
    (re.compile(r"\b[0-9a-f]{40}\b", re.I), "<HASH40>"),
    (re.compile(r"\b[0-9a-f]{16,39}\b", re.I), "<HEX>"),
    (re.compile(r"\b\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2} [AP]M\b"), "<DATE>"),
    (re.compile(r"\b0x[0-9a-f]+\b", re.I), "<0x>"),
    (re.compile(r"-?\b\d+\b"), "<N>"),
]


def shape(text: str) -> str:
    for pattern, token in SHAPES:
        text = pattern.sub(token, text)
    return text


def fields(lines: list[str]) -> list[tuple[str, str]]:
    """(label, value shape) per line; a line without a label is ('', shape of the line)."""
    result = []
    for line in lines:
        line = line.rstrip()
        match = re.match(r"^(\s*[^:=]+?)\s*(?::|\s=)\s*(.*)$", line)
        if match and not re.match(r"^\s*[A-Z]:\\", line):
            result.append((match.group(1).rstrip(), shape(match.group(2))))
        else:
            result.append(("", shape(line)))
    return result


def sample(name: str) -> tuple[dict, list[str]]:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    header, _sep, body = text.partition("\n----\n")
    meta = {}
    for line in header.splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith(" "):
            meta[key.strip()] = value.strip()
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return meta, lines


SHIR01 = "29385c8a39c63665a6b47c9870a72cad65628530"


def pfx_free_verify_node():
    cert = certs.load_named("shir01_remote", with_key=False)[0]
    return make_node({"node": {"directories": ["C:\\", "C:\\Temp"],
                               "cert_stores": {"LocalMachine": {"Root": [{"cert": "contoso_root_ca"}]}},
                               "files": {"C:\\Temp\\shir.cer": {"base64": base64.b64encode(cert.der).decode()}}}})


def key_file(node, thumbprint):
    return node.state.find_certificate("LocalMachine", "My", thumbprint).key.file


CASES = [
    ("reg_query_dword.txt", "scaleout_master_sends_trusted_issuer_list:master",
     "reg query HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL /v SendTrustedIssuerList", "out"),
    ("reg_query_missing.txt", "scaleout_pair_healthy:master", "reg query HKLM\\SOFTWARE\\Nope /v X", "err"),
    ("sc_query_running.txt", "scaleout_pair_healthy:master", "sc.exe query SSISScaleOutMaster140", "out"),
    ("sc_qc.txt", "scaleout_pair_healthy:master", "sc.exe qc SSISScaleOutMaster140", "out"),
    ("sc_query_missing.txt", "scaleout_pair_healthy:master", "sc.exe query NoSuchService", "out"),
    ("winhttpcertcfg_list.txt", "scaleout_pair_healthy:worker",
     "winhttpcertcfg -l -c LOCAL_MACHINE\\My -s SSISWORKER01", "out"),
    ("icacls_key_file.txt", "scaleout_pair_healthy:worker",
     lambda node: f"icacls {key_file(node, '21f5f6b3697e9ef46e28b0fb7aae5320fa53d878')}", "out"),
    ("netsh_show_sslcert_classic.txt", "scaleout_master_healthy", "netsh http show sslcert", "out"),
    ("netsh_show_sslcert_2022.txt", "scaleout_master_binding_2022", "netsh http show sslcert", "out"),
    ("netsh_advfirewall_show_rule.txt", "scaleout_pair_healthy:master",
     "netsh advfirewall firewall show rule 'name=SSIS Scale Out Master'", "out"),
    ("sqlcmd_worker_agents.txt", "scaleout_pair_healthy:master",
     "sqlcmd -S . -E -h -1 -W -s '|' -Q 'SET NOCOUNT ON; SELECT WorkerAgentId, IsEnabled, MachineName FROM "
     "SSISDB.catalog.worker_agents'", "out"),
]


@pytest.mark.parametrize("name, scenario, command, stream", CASES, ids=[c[0] for c in CASES])
def test_output_parses_into_the_same_fields_as_the_reference_sample(name, scenario, command, stream):
    meta, expected = sample(name)
    node = scenario() if callable(scenario) else make_node(scenario)
    line = command(node) if callable(command) else command
    result = run_one(node, line)
    assert fields(result[stream]) == fields(expected)
    assert result["rc"] == int(meta.get("exit_code", "0"))


def test_every_sample_is_used_and_names_its_source():
    used = {case[0] for case in CASES}
    on_disk = {p.name for p in SAMPLES.glob("*.txt")}
    assert on_disk == used
    for name in on_disk:
        meta, lines = sample(name)
        assert meta.get("source") and meta.get("command") and lines, name


def test_the_extractor_sees_a_changed_field():
    _meta, expected = sample("sc_query_running.txt")
    changed = [line.replace("4  RUNNING", "1  STOPPED") for line in expected]
    assert fields(changed) != fields(expected)
    assert fields([line.replace("WAIT_HINT", "WAIT-HINT") for line in expected]) != fields(expected)


# --------------------------------------------------------------------------- certutil against real outputs
# Every form of certutil output the simulator emulates is compared with a real output of the corpus
# (tests/unit/test_data/real/certutil/, SOURCES.md there names each page): the same lines in the same
# order, each with the same label (English, as the real outputs are) and a value of the same kind.
# Lines a real output prints from certificate extensions the simulated certificates do not carry
# (a certificate template, a CA version) are left out of the real side, and only those.
REAL = Path(__file__).resolve().parents[1] / "unit" / "test_data" / "real" / "certutil"
EXTENSION_LINES = ("Template", "CA Version", "Certificate Template Name (Certificate Type)")
KINDS = [
    (r"0x[0-9a-f]{8} \((WIN32: \d+|-?\d+) [A-Z_]+\)", "<ERROR>"),
    (r"[0-9a-f]{32}_[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "<UNIQUE>"),
    (r"te-[\w-]+-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "<TEMPLATE CONTAINER>"),
    (r"\{?[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\}?", "<GUID>"),
    (r"[0-9a-f]{40}", "<HASH40>"),
    (r"(?:[0-9a-f]{2})+", "<HEX>"),
    (r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4} \d{1,2}:\d{2}( [AP]M)?", "<DATE>"),
    (r"https?://\S+", "<URL>"),
    (r"Microsoft [\w. ]*Cryptographic Provider( v1\.0)?", "<CSP>"),
    (r"Microsoft Software Key Storage Provider", "<KSP>"),
    (r"Other Name:[^,]*(, DNS Name=.*)?|DNS Name=.*", "<SAN>"),
    (r"([A-Z]+=[^,]*)(, [A-Z]+=[^,]*)*", "<DN>"),
]


def kind(value: str) -> str:
    value = value.strip()
    return next((token for pattern, token in KINDS if re.fullmatch(pattern, value, re.I)), value)


def line_shape(line: str) -> tuple:
    """(indent, label, kind of value) of a certutil line; a line without a label is its own text, its
    hex values, numbers and names reduced as above."""
    indent = len(line) - len(line.lstrip(" "))
    text = line.strip()
    for pattern, token in KINDS[:1]:
        text = re.sub(pattern, token, text, flags=re.I)
    if re.fullmatch(r"CertUtil: -\w+ command FAILED: <ERROR>", text):
        return indent, "CertUtil: -<verb> command FAILED:", "<ERROR>"
    if re.fullmatch(r"CertUtil: -\w+ command completed successfully\.", text):
        return indent, "CertUtil: -<verb> command completed successfully.", ""
    if text.startswith("CertUtil: "):
        return indent, "CertUtil: <message>", ""
    if re.fullmatch(r"Leaf certificate is REVOKED \(Reason=\d+\)", text):
        return indent, "Leaf certificate is REVOKED (Reason=<N>)", ""
    if re.fullmatch(r"=+ Certificate \d+ =+", text):
        return indent, "=== Certificate <N> ===", ""
    if re.fullmatch(r"[A-Z]+=[^,]*", text):  # one part of a name, on its own line (-verify header)
        return indent, "<name part>", ""
    if re.fullmatch(r"[A-Z]+=[^,]*(, [A-Z]+=[^,]*)+", text):  # a whole name on its own line
        return indent, "<name>", ""
    if re.fullmatch(r"(\d+\.)+\d+ [\w ]+", text):  # an enhanced key usage: OID and name
        return indent, "<OID> <name>", ""
    if text.endswith("<ERROR>") and not text.startswith("ERROR:"):
        return indent, "<message>", "<ERROR>"
    found = re.match(r"^(CertContext\[\d+\]\[\d+\]): dwInfoStatus=[0-9a-f]+ dwErrorStatus=[0-9a-f]+$", text)
    if found:
        return indent, found.group(1), "dwInfoStatus=<hex> dwErrorStatus=<hex>"
    found = re.match(r"^(\w+\.dw(?:Info|Error)Status) = (CERT_TRUST_\w+) \(0x[0-9a-f]+\)$", text)
    if found:
        return indent, found.group(1), found.group(2)
    found = re.match(r"^(Verified|Failed) \"([^\"]+?)( \(\d+\))?\" Time: 0( \S+)?$", text)
    if found:
        return indent, found.group(1), found.group(2).split(" (")[0]
    found = re.match(r"^(Application)\[\d+\] = ([\d.]+) (.*)$", text)
    if found:
        return indent, found.group(1), "<OID> <name>"
    found = re.match(r"^(CRL) [0-9a-f]+:$", text)
    if found:
        return indent, "CRL <number>:", ""
    found = re.match(r"^\[\d+\.\d+\] (.*)$", text)
    if found:
        return indent, "[n.n]", kind(found.group(1))
    found = re.match(r"^([^:=]*?[^:= ])\s?(:|=| =)\s*(.*)$", text)
    if found and not text.startswith(("CertUtil: The ", "CertUtil: A ", "ERROR: Verifying")):
        return indent, found.group(1), kind(found.group(3))
    if re.fullmatch(r"[\w ]+ \"[^\"]+\"", text):  # the store header line: My "Personal"
        return indent, "<store> \"<title>\"", ""
    return indent, text, ""


def real_lines(name: str) -> list[str]:
    body = (REAL / name).read_text(encoding="utf-8").partition("#---\n")[2]
    return body.rstrip("\n").split("\n")


def block(lines: list[str], number: int) -> list[str]:
    """The lines of certificate block ``number`` (from its header to the line before the next block or the end)."""
    starts = [k for k, line in enumerate(lines) if re.fullmatch(r"=+ Certificate \d+ =+", line)]
    start = starts[number]
    end = starts[number + 1] - 1 if number + 1 < len(starts) else len(lines)
    return [line for line in lines[start:end] if not line.startswith("CertUtil:")]


def without_extension_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line_shape(line)[1] not in EXTENSION_LINES]


def shapes(lines: list[str]) -> list[tuple]:
    """The shapes of the lines; a name printed one part a line, or a list of enhanced key usages, counts once
    whatever its number of lines."""
    result = []
    for shape in (line_shape(line) for line in lines):
        if not (shape[1] in ("<name part>", "<OID> <name>") and result and result[-1] == shape):
            result.append(shape)
    return result


def sim_node(stores: dict) -> object:
    return make_node({"node": {"cert_stores": {"LocalMachine": stores}}})


WEB_KEY = {"provider": "Microsoft RSA SChannel Cryptographic Provider", "template": "CVI-WebServer"}
STORE_FORMS = [
    # (real file, its block, simulated node, command, the simulated block)
    ("store_my_csp_guid_container_en-US.txt", 0, "scaleout_pair_healthy:worker",
     "certutil -store My 21f5f6b3697e9ef46e28b0fb7aae5320fa53d878", 0),  # self-signed, a CSP key from a PFX
    ("store_user_my_csp_template_and_cng_en-US.txt", 1, "shir_remote_cert_cng_key:shir01",
     "certutil -store My 29385c8a39c63665a6b47c9870a72cad65628530", 0),  # issued, a CNG key
    ("store_my_csp_template_schannel_en-US.txt", 0, lambda: sim_node({"My": [{"cert": "shir01_remote", "key": WEB_KEY}]}),
     "certutil -store My", 0),  # issued, a CSP key enrolled from a template
    ("store_enterprise_root_en-US.txt", 0, "scaleout_pair_healthy:worker", "certutil -store Root", 0),  # no key
    ("store_my_csp_template_signature_en-US.txt", 0, lambda: sim_node({"My": [{"cert": "shir01_remote", "key": {
        "provider": "Microsoft Enhanced Cryptographic Provider v1.0", "key_spec": "AT_SIGNATURE",
        "template": "CVICodeSigning"}}]}), "certutil -store My", 0),  # AT_SIGNATURE: "Signature test passed"
]


@pytest.mark.parametrize("real, number, scenario, command, simulated", STORE_FORMS, ids=[f[0] for f in STORE_FORMS])
def test_certutil_store_blocks_have_the_lines_of_a_real_one(real, number, scenario, command, simulated):
    node = scenario() if callable(scenario) else make_node(scenario)
    result = run_one(node, command)
    assert result["rc"] == 0
    assert shapes(block(result["out"], simulated)) == shapes(without_extension_lines(block(real_lines(real), number)))


def test_certutil_store_frames_its_blocks_as_a_real_listing():
    """The store header line, a blank line between blocks only, the completion line right after the last block
    (store_my_csp_templates_and_ca_cng_en-US.txt)."""
    real = real_lines("store_my_csp_templates_and_ca_cng_en-US.txt")
    node = sim_node({"My": [{"cert": "shir01_remote", "key": WEB_KEY}, {"cert": "scaleout_worker", "key": True},
                            {"cert": "shir02_remote", "key": WEB_KEY}]})
    out = run_one(node, "certutil -store My")["out"]

    def frame(lines):
        return [(line_shape(line) if not line or line.startswith(("My ", "=", "CertUtil:")) else None) for line in lines]
    assert [f for f in frame(out) if f] == [f for f in frame(real) if f]
    assert out[-1] == real[-1] == "CertUtil: -store command completed successfully."
    blocks = [out.index(f"================ Certificate {n} ================") for n in (1, 2)]
    assert [k for k, line in enumerate(out) if not line] == [start - 1 for start in blocks]


def test_certutil_failures_are_the_real_lines():
    # a wrong PFX password: the same two lines as importpfx_invalid_password_en-US.txt
    node = make_node({"node": {"directories": ["C:\\", "C:\\Temp"]}})
    cert, key = certs.load_named("shir01_remote")
    node.state.write_file("C:\\Temp\\shir.pfx", certs.make_pfx(cert, key, "S3cret!"))
    wrong = run_one(node, "certutil -p $p -importpfx My 'C:\\Temp\\shir.pfx'", stdin=b"wrong\n",
                    prefix="$p = [Console]::In.ReadLine()")
    assert wrong["out"] == real_lines("importpfx_invalid_password_en-US.txt")
    # a store or certificate not found: the store header, the FAILED line, the message (viewstore_enterprise_my_not_found)
    missing = run_one(make_node("scaleout_pair_healthy:worker"), "certutil -store Root 21f5f6b3697e9ef46e28b0fb7aae5320fa53d878")
    assert shapes(missing["out"]) == shapes(real_lines("viewstore_enterprise_my_not_found_en-US.txt"))


def verify_node(roots=("contoso_root_ca",)):
    """A node with the certificate shir01_remote at C:\\Temp\\shir.cer and ``roots`` in Root."""
    node = pfx_free_verify_node()
    node.state.cert_stores["LocalMachine"]["Root"] = [certs.StoreEntry(certs.load_named(name, with_key=False)[0])
                                                      for name in roots]
    return node


def trace(lines: list[str]) -> list[tuple]:
    """The trace and verdict of -verify output, without the -urlfetch retrieval sections (compared on their own)."""
    inside, kept = False, []
    for line in lines:
        if line.startswith("  ----------------  Certificate AIA"):
            inside = True
        if not inside:
            kept.append(line)
        if line == "  --------------------------------":
            inside = False
    return shapes(without_extension_lines(kept))


def test_certutil_verify_of_a_partial_chain_with_revocation_offline_is_the_real_one():
    """verify_partial_chain_offline_en-US.txt: the issuer is missing and the CRL cannot be fetched."""
    out = run_one(verify_node(roots=()), "certutil -verify 'C:\\Temp\\shir.cer'")["out"]
    assert trace(out) == trace(real_lines("verify_partial_chain_offline_en-US.txt"))


def test_certutil_verify_header_flags_and_root_element_are_the_real_ones():
    """-verify -urlfetch of a leaf under a trusted root: the header and flags of verify_leaf_passed_en-US.txt,
    the root element with its retrieval sections as in verify_urlfetch_ca_passed_en-US.txt."""
    out = run_one(verify_node(), "certutil -verify -urlfetch 'C:\\Temp\\shir.cer'")["out"]
    leaf = real_lines("verify_leaf_passed_en-US.txt")
    flags = leaf.index("dwFlags = CA_VERIFY_FLAGS_CONSOLE_TRACE (0x20000000)")
    assert out[out.index(leaf[flags]):][:6] == leaf[flags:flags + 6]
    assert shapes(out[:out.index("")]) == shapes(leaf[:leaf.index("")])  # Issuer / Subject / serial header
    urlfetch = real_lines("verify_urlfetch_ca_passed_en-US.txt")
    root = "CertContext[0][1]: dwInfoStatus=10c dwErrorStatus=0"
    assert shapes(out[out.index(root):out.index("Exclude leaf cert:")]) == shapes(
        without_extension_lines(urlfetch[urlfetch.index(root):urlfetch.index("Exclude leaf cert:")]))


def test_certutil_verify_that_passes_ends_as_the_real_one(sim):
    """The CRL is fetched: the end of verify_leaf_passed_en-US.txt, from the chain hashes on."""
    network = {"dns": {"pki.contoso.local": "10.0.9.9"}, "hosts": {"10.0.9.9": {"ports": [80]}}}
    node = sim({"n": {"network": network, "node": verify_node().state.to_json()}}).node("n")
    out = run_one(node, "certutil -verify -urlfetch 'C:\\Temp\\shir.cer'")["out"]
    leaf = real_lines("verify_leaf_passed_en-US.txt")
    assert shapes(out[out.index("Exclude leaf cert:"):]) == shapes(leaf[leaf.index("Exclude leaf cert:"):])
    assert out[-2:] == leaf[-2:] == ["Leaf certificate revocation check passed",
                                     "CertUtil: -verify command completed successfully."]


def test_certutil_verify_of_a_revoked_leaf_ends_as_the_real_one(sim):
    """verify_revoked_excerpt_en-US.txt from the chain hashes on, and the revoked flag of
    verify_revoked_trace_excerpt_en-US.txt."""
    network = {"dns": {"pki.contoso.local": "10.0.9.9"}, "hosts": {"10.0.9.9": {"ports": [80]}}, "revoked": [SHIR01]}
    node = sim({"n": {"network": network, "node": verify_node().state.to_json()}}).node("n")
    out = run_one(node, "certutil -verify -urlfetch 'C:\\Temp\\shir.cer'")["out"]
    revoked = real_lines("verify_revoked_excerpt_en-US.txt")
    assert shapes(out[out.index("Exclude leaf cert:"):]) == shapes(without_extension_lines(revoked))
    flag = real_lines("verify_revoked_trace_excerpt_en-US.txt")[0]
    assert flag == "ChainContext.dwErrorStatus = CERT_TRUST_IS_REVOKED (0x4)" and flag in out


def test_the_certutil_comparison_sees_a_changed_line():
    real = real_lines("store_my_csp_template_schannel_en-US.txt")
    swapped = [line.replace("  Simple container name:", "  Unique container name:") for line in real]
    assert shapes(swapped) != shapes(real)
    assert shapes([line.replace("Private key is NOT exportable", "Private key is not exportable") for line in real]) \
        != shapes(real)
    assert shapes(["CertContext[0][0]: dwInfoStatus=2 dwErrorStatus=0"]) == shapes(
        ["CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=1000040"])
