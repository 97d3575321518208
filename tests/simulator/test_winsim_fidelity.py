"""Fidelity: each tool's output parses into the same fields as the reference samples
(reference_samples/, written from windows-tools.md), with the same exit code.

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
    ("certutil_store_csp.txt", "scaleout_pair_healthy:worker",
     "certutil -store My 21f5f6b3697e9ef46e28b0fb7aae5320fa53d878", "out"),
    ("certutil_store_cng.txt", "shir_remote_cert_cng_key:shir01",
     "certutil -store My 29385c8a39c63665a6b47c9870a72cad65628530", "out"),
    ("certutil_store_not_found.txt", "scaleout_pair_healthy:worker",
     "certutil -store Root 21f5f6b3697e9ef46e28b0fb7aae5320fa53d878", "out"),
    ("certutil_verify_offline.txt", pfx_free_verify_node, "certutil -verify -urlfetch 'C:\\Temp\\shir.cer'", "out"),
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
