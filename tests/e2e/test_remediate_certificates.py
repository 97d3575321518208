"""The certificate entries end to end, through real ansible-playbook and the simulated nodes: diagnose finds
the documented failure of each broken scenario (and passes on its healthy twin), the remediation playbook
changes nothing in check mode, fixes it once, changes nothing the second time, and diagnose then passes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

import dev

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CERTS = ROOT / "tests" / "simulator" / "certs"
MASTER = "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"
WORKER = "21F5F6B3697E9EF46E28B0FB7AAE5320FA53D878"
SHIR01 = "29385C8A39C63665A6B47C9870A72CAD65628530"
DIGICERT_G2 = "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4"
PASSWORD = "Shir-Pfx-S3cret"
NODE, TWIN = "missing", "healthy"
WORKER_SETTINGS = {"scaleout_master_thumbprint": MASTER, "scaleout_worker_thumbprint": WORKER}
MASTER_SETTINGS = {"scaleout_master_thumbprint": MASTER, "scaleout_worker_thumbprints": [WORKER]}
SHIR_SETTINGS = {"shir_certificate_thumbprint": SHIR01}


def cer(tmp_path: Path, name: str) -> str:
    """The scenario certificate ``name`` as a PEM certificate file without its key."""
    cert = x509.load_pem_x509_certificate((CERTS / f"{name}.pem").read_bytes())
    path = tmp_path / f"{name}.cer"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


def pfx(tmp_path: Path, name: str) -> str:
    data = (CERTS / f"{name}.pem").read_bytes()
    cert = x509.load_pem_x509_certificate(data)
    key = serialization.load_pem_private_key(data, None)
    path = tmp_path / f"{name}.pfx"
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"shir", key, cert, None,
                                                           serialization.BestAvailableEncryption(PASSWORD.encode())))
    return str(path)


def diagnose(playbook, hosts: str, roles: list, settings: dict, entries: list) -> dict:
    task = {"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": roles, "settings": settings,
                                                               "entries": entries}}
    run = playbook([task], hosts, "--check")
    return {host: run.result(host) for host in hosts.split(":")}


def finding(result: dict, entry_id: str) -> dict:
    return next(f for f in result["findings"] if f["id"] == entry_id)


def run_playbook(sim, tmp_path: Path, playbook: str, group: str, host_vars: dict, *flags: str) -> tuple[dict, str]:
    """Run a playbook of the collection with NODE in ``group`` and its role in irops_node_roles (what the Scale Out
    playbooks group hosts by); return the recap of NODE and the output."""
    inventory = tmp_path / "groups.yml"
    roles = {"scaleout_workers": ["scaleout_worker"], "scaleout_masters": ["scaleout_master"],
             "shir_nodes": ["shir_node"]}.get(group, [])
    inventory.write_text(yaml.safe_dump({group: {"hosts": {NODE: dict(host_vars, irops_node_roles=roles)}}}))
    proc = subprocess.run(["ansible-playbook", "-i", str(sim.inventory), "-i", str(inventory), str(ROOT / playbook),
                           *flags], env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True,
                          check=False)
    output = proc.stdout + proc.stderr
    match = re.search(rf"^{NODE}\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", output, re.M)
    assert proc.returncode == 0 and match, output
    return {"ok": int(match.group(1)), "changed": int(match.group(2)), "failed": int(match.group(3))}, output


def remediate_cycle(sim, playbook_run) -> list[int]:
    """--check (no change in state, changed reported), apply, apply again (changed=0); round trips of each."""
    trips = []
    digest = sim.digest(NODE)
    sim.clear_log(NODE)
    recap, output = playbook_run("--check", "--diff")
    assert recap["changed"] > 0 and sim.digest(NODE) == digest, output
    trips.append(len(sim.log(NODE)))
    sim.clear_log(NODE)
    recap, output = playbook_run("--diff")
    assert recap["changed"] > 0 and recap["failed"] == 0, output
    trips.append(len(sim.log(NODE)))
    sim.clear_log(NODE)
    repaired = sim.digest(NODE)
    recap, output = playbook_run()
    assert recap["changed"] == 0, output
    assert sim.digest(NODE) == repaired
    trips.append(len(sim.log(NODE)))
    return trips


# ------------------------------------------------------------------------------------ Scale Out worker

WORKER_ENTRIES = ["scaleout-trust-relationship", "scaleout-secure-channel"]


@pytest.mark.parametrize("scenario, failing", [
    ("scaleout_worker_master_cert_missing", "scaleout-trust-relationship"),
    ("scaleout_endpoint_host_not_in_cert", "scaleout-trust-relationship"),  # MasterEndpoint host not a name of the cert
    ("scaleout_worker_thumbprint_mismatch", "scaleout-trust-relationship"),  # MasterHttpsCertThumbprint: the old cert
    ("scaleout_worker_no_key_access", "scaleout-secure-channel"),
])
def test_worker_trust_and_key_access_diagnosed_and_fixed(sim, playbook, tmp_path, scenario, failing):
    sim.load_scenario(NODE, f"{scenario}:worker")
    sim.load_scenario(TWIN, "scaleout_pair_healthy:worker")
    digests = {node: sim.digest(node) for node in (NODE, TWIN)}
    results = diagnose(playbook, f"{NODE}:{TWIN}", ["scaleout_worker"], WORKER_SETTINGS, WORKER_ENTRIES)
    broken = finding(results[NODE], failing)
    assert broken["status"] == "fail" and broken["fix"]["playbook"] == "irops.remediation.remediate_scaleout_worker"
    assert (MASTER if failing == "scaleout-trust-relationship" else "SSISScaleOutWorker140") in broken["evidence"]
    assert [finding(results[TWIN], e)["status"] for e in WORKER_ENTRIES] == ["pass", "pass"]
    for node in (NODE, TWIN):
        # certutil -store Root/My, MachineGuid and WorkerSettings.config; then icacls on the worker key file and
        # the master certificate the file names, with its SAN: two round trips
        assert results[node]["round_trips"] == 2 and len(sim.log(node)) == 2
        assert sim.digest(node) == digests[node]
    assert any(argv[0].lower() == "icacls" for argv in sim.commands(NODE))

    host_vars = {"scaleout_worker_master_endpoint": "https://SSISMASTER01:8391",
                 "scaleout_worker_master_thumbprint": MASTER,
                 "scaleout_worker_master_certificate_src": cer(tmp_path, "scaleout_master"),
                 "scaleout_worker_thumbprint": WORKER}
    trips = remediate_cycle(sim, lambda *flags: run_playbook(
        sim, tmp_path, "playbooks/remediate_scaleout_worker.yml", "scaleout_workers", host_vars, *flags))
    # nothing to do 7: the facts 1, the worker service 1, Remote Registry 1, settings file 1, Root store 1, key ACL 2
    assert trips[2] == 7, trips
    after = diagnose(playbook, NODE, ["scaleout_worker"], WORKER_SETTINGS, WORKER_ENTRIES)[NODE]
    assert [finding(after, e)["status"] for e in WORKER_ENTRIES] == ["pass", "pass"], after["msg"]


def test_worker_restart_after_a_trust_repair(sim, tmp_path):
    sim.load_scenario(NODE, "scaleout_worker_master_cert_missing:worker")
    host_vars = {"scaleout_worker_master_endpoint": "https://SSISMASTER01:8391",
                 "scaleout_worker_master_certificate_src": cer(tmp_path, "scaleout_master")}
    recap, output = run_playbook(sim, tmp_path, "playbooks/remediate_scaleout_worker.yml", "scaleout_workers", host_vars)
    assert "RUNNING HANDLER [irops.remediation.scaleout_worker : Restart Scale Out Worker]" in output
    assert "scaleout-trust-relationship" in output or recap["changed"] == 2
    assert any(argv[:2] == ["sc.exe", "start"] or argv[:2] == ["sc", "start"] for argv in sim.commands(NODE))


# ------------------------------------------------------------------------------------ Scale Out master

@pytest.mark.parametrize("scenario, evidence", [
    ("scaleout_master_worker_cert_missing", f"worker certificate(s) not in LocalMachine\\Root: {WORKER}"),
    ("scaleout_master_sends_trusted_issuer_list", "SendTrustedIssuerList is 1"),
])
def test_master_trust_diagnosed_and_fixed(sim, playbook, tmp_path, scenario, evidence):
    sim.load_scenario(NODE, f"{scenario}:master")
    sim.load_scenario(TWIN, "scaleout_pair_healthy:master")
    entries = ["scaleout-http-request-forbidden", "scaleout-http-request-error"]
    results = diagnose(playbook, f"{NODE}:{TWIN}", ["scaleout_master"], MASTER_SETTINGS, entries)
    broken = finding(results[NODE], "scaleout-http-request-forbidden")
    assert broken["status"] == "fail" and evidence in broken["evidence"], broken
    assert "LocalMachine\\Root holds" in broken["evidence"]
    assert broken["fix"]["module"] == "irops.remediation.certificate"
    assert broken["fix"]["playbook"] == "irops.remediation.remediate_scaleout_master"
    assert finding(results[TWIN], "scaleout-http-request-forbidden")["status"] == "pass"
    for node in (NODE, TWIN):
        assert results[node]["round_trips"] == 1 and len(sim.log(node)) == 1
        assert finding(results[node], "scaleout-http-request-error")["status"] == "pass"

    host_vars = {"scaleout_master_thumbprint": MASTER, "scaleout_master_gather_facts": False,
                 "scaleout_master_worker_certificates": [{"src": cer(tmp_path, "scaleout_worker"), "thumbprint": WORKER}]}
    trips = remediate_cycle(sim, lambda *flags: run_playbook(
        sim, tmp_path, "playbooks/remediate_scaleout_master.yml", "scaleout_masters", host_vars, *flags))
    # nothing to do: the firewall rule, the binding, the Root store, the registry value, one read each
    assert trips[2] == 4, trips
    after = diagnose(playbook, NODE, ["scaleout_master"], MASTER_SETTINGS, entries)[NODE]
    assert finding(after, "scaleout-http-request-forbidden")["status"] == "pass", after["msg"]
    registry = sim.state(NODE)["registry"]
    schannel = next((v for k, v in registry.items() if k.lower().endswith("\\control\\securityproviders\\schannel")), {})
    # absent means 0 (the default since Windows Server 2012): an absent value is left absent
    assert schannel.get("SendTrustedIssuerList", {"data": 0})["data"] == 0
    if scenario == "scaleout_master_worker_cert_missing":
        assert "SendTrustedIssuerList" not in schannel


def test_master_trust_without_worker_thumbprints_is_unknown(sim, playbook):
    sim.load_scenario(NODE, "scaleout_pair_healthy:master")
    result = diagnose(playbook, NODE, ["scaleout_master"], {}, ["scaleout-http-request-forbidden"])[NODE]
    found = finding(result, "scaleout-http-request-forbidden")
    assert found["status"] == "unknown" and "settings.scaleout_worker_thumbprints" in found["evidence"]


def test_bad_worker_thumbprint_fails_before_any_command(sim, playbook):
    task = {"name": "Bad", "irops.remediation.diagnose": {
        "node_roles": ["scaleout_master"], "settings": {"scaleout_worker_thumbprints": [WORKER, "not-a-thumbprint"]}}}
    result = playbook([task], NODE).result(NODE)
    assert result.get("failed") and "settings.scaleout_worker_thumbprints[1] 'not-a-thumbprint'" in result["msg"]
    assert sim.log(NODE) == []


# ------------------------------------------------------------------------------------ self-hosted IR

SHIR_ENTRIES = ["shir-certificate-private-key-missing", "shir-certificate-ksp-not-supported"]


@pytest.mark.parametrize("scenario, failing, evidence", [
    ("shir_remote_cert_cng_key", "shir-certificate-ksp-not-supported", "Microsoft Software Key Storage Provider"),
    ("shir_remote_cert_signature_key", "shir-certificate-private-key-missing", "AT_SIGNATURE"),
])
def test_shir_certificate_diagnosed_and_fixed(sim, playbook, tmp_path, scenario, failing, evidence):
    sim.load_scenario(NODE, f"{scenario}:shir01")
    sim.load_scenario(TWIN, "shir_healthy:shir01")
    results = diagnose(playbook, f"{NODE}:{TWIN}", ["shir_node"], SHIR_SETTINGS, SHIR_ENTRIES)
    broken = finding(results[NODE], failing)
    assert broken["status"] == "fail" and evidence in broken["evidence"], broken
    assert broken["fix"]["playbook"] == "irops.remediation.remediate_shir_node"
    assert [finding(results[TWIN], e)["status"] for e in SHIR_ENTRIES] == ["pass", "pass"]
    for node in (NODE, TWIN):
        assert results[node]["round_trips"] == 2 and len(sim.log(node)) == 2  # icacls on the key (issue 13)

    host_vars = {"shir_node_certificate_src": pfx(tmp_path, "shir01_remote"), "shir_node_certificate_password": PASSWORD,
                 "shir_node_certificate_thumbprint": SHIR01}
    trips = remediate_cycle(sim, lambda *flags: run_playbook(
        sim, tmp_path, "playbooks/remediate_shir_node.yml", "shir_nodes", host_vars, *flags))
    # The whole shir_node role runs on the node (tests/benchmarks/scenario_table.py gives the per-scenario figures):
    # its gather play 2, the service account, proxy policies, data folder and service tasks, the HA decision (from the gather), and the
    # certificate: check mode plans the import and its key grant in one read; the apply imports, grants, reads back
    # and removes the orphaned key file (2 more); a second run reads the certificate and its key ACL (1 more).
    assert trips == [8, 10, 9], trips
    after = diagnose(playbook, NODE, ["shir_node"], SHIR_SETTINGS, SHIR_ENTRIES)[NODE]
    assert [finding(after, e)["status"] for e in SHIR_ENTRIES] == ["pass", "pass"], after["msg"]


def test_shir_pfx_password_is_not_logged(sim, tmp_path):
    sim.load_scenario(NODE, "shir_remote_cert_signature_key:shir01")
    host_vars = {"shir_node_certificate_src": pfx(tmp_path, "shir01_remote"), "shir_node_certificate_password": PASSWORD}
    _recap, output = run_playbook(sim, tmp_path, "playbooks/remediate_shir_node.yml", "shir_nodes", host_vars, "-v")
    assert PASSWORD not in output
    assert all(PASSWORD not in " ".join(argv) for argv in sim.commands(NODE))


def test_shir_digicert_root_diagnosed_and_fixed(sim, playbook, tmp_path):
    """shir_adf_root_missing lacks DigiCert Global Root G2 in Root, which its healthy twin holds."""
    entry = "shir-trust-relationship-adf-certificate"
    sim.load_scenario(NODE, "shir_adf_root_missing:shir01")
    sim.load_scenario(TWIN, "shir_healthy:shir01")
    before = diagnose(playbook, f"{NODE}:{TWIN}", ["shir_node"], {}, [entry])
    assert finding(before[NODE], entry)["status"] == "fail" and DIGICERT_G2 in finding(before[NODE], entry)["evidence"]
    assert finding(before[TWIN], entry)["status"] == "pass"
    assert before[NODE]["round_trips"] == 1

    root_file = cer(tmp_path, "digicert_global_root_g2")  # the operator's DigiCertGlobalRootG2.crt
    trips = remediate_cycle(sim, lambda *flags: run_playbook(
        sim, tmp_path, "playbooks/remediate_shir_node.yml", "shir_nodes", {"shir_node_digicert_root_src": root_file},
        *flags))
    # the whole shir_node role as above, the root: 1 to read, 2 to add and verify
    assert trips == [10, 11, 10], trips
    after = diagnose(playbook, NODE, ["shir_node"], {}, [entry])[NODE]
    assert finding(after, entry)["status"] == "pass"


@pytest.mark.parametrize("locale", [None, "fr-FR"])
def test_shir_remote_access_dns_identity_is_the_last_san_name(sim, playbook, locale):
    """The SHIR article: WCF checks only the last SAN DNS name ("DNS Name= microsoft.com.com" is not valid)."""
    from test_certificate_info import make_cert, with_stores

    bad = make_cert("shir01.contoso.local", dns=("shir01.contoso.local", "microsoft.com.com"))
    good = make_cert("shir01.contoso.local", dns=("microsoft.com.com", "*.contoso.local"))
    entry = ["shir-remote-access-dns-identity"]
    statuses, evidence = [], []
    for made in (bad, good):
        key = {"provider": "Microsoft Enhanced RSA and AES Cryptographic Provider"}
        with_stores(sim, NODE, {"My": [{"pem": made.pem, "key": key}]}, locale=locale)
        digest = sim.digest(NODE)
        result = diagnose(playbook, NODE, ["shir_node"], {"shir_certificate_thumbprint": made.thumbprint,
                                                          "shir_remote_access_host": "shir01.contoso.local"}, entry)[NODE]
        found = finding(result, entry[0])
        statuses.append(found["status"])
        evidence.append(found["evidence"])
        assert result["round_trips"] == 1 and sim.digest(NODE) == digest
    assert statuses == ["fail", "pass"], evidence
    assert "only the last SAN DNS name" in evidence[0] and "microsoft.com.com" in evidence[0]
    assert "*.contoso.local" in evidence[1]
