"""The SHIR certificate entries end to end (issue 13, "Certificates"): diagnose through real ansible-playbook over
WinRM, node_roles [shir_node], on the healthy SHIR node and on each failure scenario: the remote-access key readable by
DIAHostService's logon account, its chain verified with certutil -verify -urlfetch (revocation offline reported apart),
the last SAN DNS name compared with the node's FQDN. Two round trips (the second: icacls on the key files and the
verify of a temporary copy removed in the same script), the digest unchanged, exactly the scenario's entry fails."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

SHIR01 = "29385C8A39C63665A6B47C9870A72CAD65628530"
MINE = ("shir-certificate-private-key-missing", "shir-certificate-ksp-not-supported", "shir-ha-certificate-chain",
        "shir-remote-access-dns-identity")
NODE = "healthy"

CASES = {
    "shir_healthy": {},
    "shir_remote_cert_key_not_readable": {
        "shir-certificate-private-key-missing": "NT SERVICE\\DIAHostService, the logon account of DIAHostService, "
                                                "may not read the private key of " + SHIR01},
    "shir_remote_cert_chain_broken": {
        "shir-ha-certificate-chain": "cannot be built on this node: 0x800B010A CERT_E_CHAINING"},
    "shir_remote_cert_revocation_offline": {
        "shir-ha-certificate-chain": "revocation offline: the chain of " + SHIR01 + " was built"},
}


def diagnose(playbook, settings: dict):
    task = {"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": ["shir_node"], "settings": settings,
                                                               "entries": list(MINE)}}
    run = playbook([task], NODE, "--check")
    return run, run.result(NODE)


@pytest.mark.parametrize("scenario", sorted(CASES))
def test_each_scenario_fails_exactly_its_entries(sim, playbook, scenario):
    sim.load_scenario(NODE, f"{scenario}:shir01")
    digest = sim.digest(NODE)
    run, result = diagnose(playbook, {"shir_certificate_thumbprint": SHIR01})
    assert not result.get("failed"), run.output
    assert result["round_trips"] == 2, run.output
    findings = {f["id"]: f for f in result["findings"] if f["id"] in MINE}
    failing = {entry: f["evidence"] for entry, f in findings.items() if f["status"] == "fail"}
    assert set(failing) == set(CASES[scenario]), {e: (f["status"], f["evidence"]) for e, f in findings.items()}
    assert all(findings[entry]["status"] == "pass" for entry in set(MINE) - set(failing)), result["msg"]
    for entry, text in CASES[scenario].items():
        assert text in failing[entry], failing[entry]
    assert "the node's FQDN" in findings["shir-remote-access-dns-identity"]["evidence"]
    assert sim.digest(NODE) == digest  # the temporary copy verified was removed in the same script
    verifies = [argv for argv in sim.commands(NODE) if argv[:3] == ["certutil", "-verify", "-urlfetch"]]
    assert len(verifies) == 1 and verifies[0][3].startswith("C:\\Windows\\Temp\\irops certificate ")


def test_without_the_thumbprint_the_certificate_named_for_the_node_is_verified(sim, playbook):
    """No setting needed: the remote-access certificate is the one certificate of My named for the node's FQDN."""
    sim.load_scenario(NODE, "shir_healthy:shir01")
    run, result = diagnose(playbook, {})
    findings = {f["id"]: f for f in result["findings"] if f["id"] in MINE}
    assert findings["shir-ha-certificate-chain"]["status"] == "pass", findings["shir-ha-certificate-chain"]
    assert len([argv for argv in sim.commands(NODE) if "-verify" in argv]) == 1
