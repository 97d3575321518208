"""certificate_verify end to end: chain and revocation results keyed on the revocation line."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from test_certificate_info import ROOT, _KEY, Made, make_cert, with_stores

pytestmark = pytest.mark.e2e
NODE = "missing"
PATH = "C:\\Windows\\Temp\\leaf.cer"


def leaf_with_crl(url: str) -> Made:
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "crl-leaf")]))
               .issuer_name(ROOT.cert.subject).public_key(_KEY.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=3000)).not_valid_after(now + datetime.timedelta(days=300))
               .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                   [x509.UniformResourceIdentifier(url)], None, None, None)]), critical=False))
    return Made(builder.sign(_KEY, hashes.SHA256()), _KEY)


def place(sim, made: Made, trusted: bool = True, locale: str | None = None, listeners: tuple = ()):
    """Put ``made`` at PATH on the node; ``listeners``: TCP ports the node itself listens on (a loopback CRL)."""
    import base64
    state = with_stores(sim, NODE, {"Root": [{"pem": ROOT.pem}] if trusted else []}, locale=locale)
    state["files"][PATH] = {"base64": base64.b64encode(made.der).decode()}
    state["network"]["listeners"] += [{"port": port} for port in listeners]
    sim.load_state(NODE, state)


VERIFY = {"name": "Verify", "irops.remediation.certificate_verify": {"path": PATH}}


@pytest.mark.parametrize("locale", [None, "de-DE"])
def test_revocation_offline_is_not_success(sim, playbook, locale):
    place(sim, leaf_with_crl("http://crl.nowhere.invalid/root.crl"), locale=locale)
    digest = sim.digest(NODE)
    run = playbook([VERIFY], NODE, "--check")
    result = run.result(NODE)
    assert result["completed"] is True and result["chain_built"] is True, run.output
    assert result["status"] == "revocation_offline" and result["revocation_offline"] is True
    assert result["revocation_checked"] is False and result["error"] == "0x80092013"
    assert sim.digest(NODE) == digest and result["round_trips"] == 1


# The CRL is on the node itself: 127.0.0.1 always resolves and loopback skips the firewall, so only
# the node's own listener on port 80 makes it reachable (tests/simulator/winsim/network.py).
LOOPBACK_CRL = "http://127.0.0.1/root.crl"


def assert_read_only(sim, run, digest):
    """One certutil -verify round trip that changed nothing on the node."""
    assert sim.digest(NODE) == digest, run.output
    assert sim.commands(NODE) == [["certutil", "-verify", "-urlfetch", PATH]]
    assert not run.result(NODE)["changed"] and run.result(NODE)["round_trips"] == 1


@pytest.mark.parametrize("locale", [None, "de-DE"])
def test_revocation_checked_is_valid(sim, playbook, locale):
    place(sim, leaf_with_crl(LOOPBACK_CRL), locale=locale, listeners=(80,))
    digest = sim.digest(NODE)
    sim.clear_log(NODE)
    run = playbook([VERIFY], NODE, "--check")
    result = run.result(NODE)
    assert result["status"] == "valid" and result["revocation"] == "checked", run.output
    assert result["revocation_checked"] is True and result["chain_built"] is True and result["completed"] is True
    assert result["revoked"] is False and result["revocation_offline"] is False and result["error"] is None
    assert_read_only(sim, run, digest)


@pytest.mark.parametrize("locale", [None, "de-DE"])
def test_revoked(sim, playbook, locale):
    # a fresh leaf (random serial) per test: the simulator's revoked set is process-wide and never shrinks
    made = leaf_with_crl(LOOPBACK_CRL)
    place(sim, made, locale=locale, listeners=(80,))
    network = sim.network({"revoked": [made.thumbprint]})
    assert made.thumbprint.lower() in network["revoked"]
    digest = sim.digest(NODE)
    sim.clear_log(NODE)
    run = playbook([VERIFY], NODE, "--check")
    result = run.result(NODE)
    assert result["status"] == "revoked" and result["revocation"] == "revoked", run.output
    assert result["revoked"] is True and result["chain_built"] is True and result["revocation_checked"] is False
    # certutil completes successfully for a revoked leaf (tests/unit/test_data/real/certutil/verify_revoked_*)
    assert result["completed"] is True and result["error"] == "0x80092010"  # CRYPT_E_REVOKED
    assert "CERT_TRUST_IS_REVOKED" in result["trust_errors"]
    assert not result.get("failed"), "a finding, not a task failure (module docs)"
    assert_read_only(sim, run, digest)


def test_no_crl_and_self_signed_and_untrusted(sim, playbook):
    place(sim, make_cert("no-crl", issuer=ROOT))
    assert playbook([VERIFY], NODE).result(NODE)["status"] == "revocation_not_checked"
    place(sim, ROOT)
    result = playbook([VERIFY], NODE).result(NODE)
    assert (result["status"], result["revocation"]) == ("valid", "not_applicable")
    place(sim, make_cert("no-crl", issuer=ROOT), trusted=False)
    result = playbook([VERIFY], NODE).result(NODE)
    assert result["status"] == "chain_error" and result["chain_built"] is False
    # the root is in no store: the issuer is missing (CERT_E_CHAINING), as in verify_partial_chain_offline_en-US.txt
    assert result["error"] == "0x800B010A" and "CERT_TRUST_IS_PARTIAL_CHAIN" in result["trust_errors"]


def test_missing_file(sim, playbook):
    with_stores(sim, NODE, {})
    result = playbook([VERIFY], NODE).result(NODE)
    assert result["status"] == "file_not_found" and not result.get("failed")
