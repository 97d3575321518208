"""private_key_access end to end: grant and revoke key access for a service SID on CSP and CNG keys."""

from __future__ import annotations

import pytest
from test_certificate_info import CNG, CSP, KSP, NODE, SERVER, WORKER_SERVICE, make_cert, with_stores

pytestmark = pytest.mark.e2e

WORKER_SID = "S-1-5-80-2381143654-2257828965-1688554798-2842969470-1205468836"
SCHANNEL = "Microsoft RSA SChannel Cryptographic Provider"
OLD = make_cert("SSISWORKER01-OLD")  # a subject that contains the CN of SERVER (CN=SSISWORKER01)


TEMPLATE = make_cert("web01.contoso.local")  # its key enrolled from a certificate template


def stores():
    return {"My": [{"pem": SERVER.pem, "key": {"provider": CSP, "key_spec": "AT_KEYEXCHANGE"}},
                   {"pem": CNG.pem, "key": {"provider": KSP}},
                   # certutil prints "Key Container = <unique name>" then "Simple container name: te-WebServer-..."
                   {"pem": TEMPLATE.pem, "key": {"provider": SCHANNEL, "template": "WebServer"}}]}


def task(thumbprint=SERVER.thumbprint, **args):
    return {"name": "Key access", "irops.remediation.private_key_access": dict(
        {"thumbprint": thumbprint, "account": f"NT SERVICE\\{WORKER_SERVICE}"}, **args)}


def key_file(sim, thumbprint):
    """The key file the simulated Windows keeps for the certificate (what certutil names, never derived)."""
    entry = next(e for e in sim.state(NODE)["cert_stores"]["LocalMachine"]["My"] if e["thumbprint"].upper() == thumbprint)
    return entry["key"]["file"]


def key_acl(sim, thumbprint):
    return sim.state(NODE)["files"][key_file(sim, thumbprint)]["acl"]


def writes(sim):
    """Commands that could change the node: icacls with an operation, winhttpcertcfg -g/-r."""
    return [argv for argv in sim.commands(NODE)
            if (argv[0] == "icacls" and len(argv) > 2) or (argv[0] == "winhttpcertcfg" and argv[1] in ("-g", "-r"))]


@pytest.mark.parametrize("thumbprint", [SERVER.thumbprint, CNG.thumbprint, TEMPLATE.thumbprint],
                         ids=["csp", "cng", "csp-template"])
def test_grant_then_revoke_a_service_sid(sim, playbook, thumbprint):
    with_stores(sim, NODE, stores())
    digest = sim.digest(NODE)
    check = playbook([task(thumbprint)], NODE, "--check", "--diff")
    result = check.result(NODE)
    assert result["changed"] is True and not result.get("failed"), check.output
    assert result["round_trips"] == 2 and sim.digest(NODE) == digest and writes(sim) == []
    assert result["principal"] == {"name": f"NT SERVICE\\{WORKER_SERVICE}", "sid": WORKER_SID}
    assert "SSISScaleOutWorker140:(R)" in result["diff"]["after"] and "SSISScaleOutWorker140" not in result["diff"]["before"]

    run = playbook([task(thumbprint)], NODE, "--diff")
    result = run.result(NODE)
    assert result["changed"] is True and result["after"] == "read" and result["round_trips"] == 3, run.output
    assert result["key_file"] == key_file(sim, thumbprint) and f"*{WORKER_SID}:(R)" in key_acl(sim, thumbprint)
    assert result["principal_shown"] == f"NT SERVICE\\{WORKER_SERVICE}"
    again = playbook([task(thumbprint)], NODE).result(NODE)
    assert again["changed"] is False and again["round_trips"] == 2

    revoke = playbook([task(thumbprint, state="absent")], NODE).result(NODE)
    assert revoke["changed"] is True and revoke["after"] is None
    assert not any(WORKER_SID in ace for ace in key_acl(sim, thumbprint))
    assert playbook([task(thumbprint, state="absent")], NODE).result(NODE)["changed"] is False


def test_full_control_on_a_french_node_for_a_well_known_account(sim, playbook):
    with_stores(sim, NODE, stores(), locale="fr-FR")
    grant = task(account="NT AUTHORITY\\NETWORK SERVICE", access="full_control")
    run = playbook([grant], NODE)
    result = run.result(NODE)
    assert result["changed"] is True and result["after"] == "full_control", run.output
    assert result["principal_shown"] == "AUTORITE NT\\SERVICE R\u00c9SEAU" and result["principal"]["sid"] == "S-1-5-20"
    assert "*S-1-5-20:(F)" in key_acl(sim, SERVER.thumbprint)
    assert playbook([grant], NODE).result(NODE)["changed"] is False


def test_winhttpcertcfg_when_asked(sim, playbook):
    state = with_stores(sim, NODE, stores())
    state["tools"] = sorted(set(state.get("tools") or []) | {"winhttpcertcfg"})
    sim.load_state(NODE, state)
    run = playbook([task(method="winhttpcertcfg")], NODE)
    result = run.result(NODE)
    assert result["changed"] is True and result["method"] == "winhttpcertcfg", run.output
    assert any(argv[0] == "winhttpcertcfg" for argv in sim.commands(NODE))
    assert f"*{WORKER_SID}:(R)" in key_acl(sim, SERVER.thumbprint)


def test_winhttpcertcfg_refuses_a_cng_key_before_any_change(sim, playbook):
    with_stores(sim, NODE, stores())
    digest = sim.digest(NODE)
    result = playbook([task(CNG.thumbprint, method="winhttpcertcfg")], NODE).result(NODE)
    assert result.get("failed") is True and "CNG key" in result["msg"] and "method=acl" in result["msg"]
    assert sim.digest(NODE) == digest


def test_winhttpcertcfg_not_installed(sim, playbook):
    with_stores(sim, NODE, stores())
    result = playbook([task(method="winhttpcertcfg")], NODE).result(NODE)
    assert result.get("failed") is True and "not installed" in result["msg"]


ERRORS = [
    ({"account": "CONTOSO\\nobody"}, "not mapped"),
    ({"thumbprint": "00" * 20}, "is not in LocalMachine\\My"),
    ({"account": "a\"b"}, "give an account"),
]


@pytest.fixture(scope="module")
def errors(bad_input_play):
    """Every value of ERRORS as its own task of one ansible-playbook run (tests/e2e/conftest.py), on the stores()."""
    return bad_input_play("private_key_access", NODE, [task(**case[0]) for case in ERRORS],
                          lambda sim: with_stores(sim, NODE, stores()))


@pytest.mark.xdist_group("bad_input_private_key_access")
@pytest.mark.parametrize("args, fragment", ERRORS)
def test_errors_are_clear(errors, args, fragment):
    result = errors.case(task(**args)).result
    assert result.get("failed") is True and fragment in result["msg"], result["msg"]


def test_certificate_without_key(sim, playbook):
    with_stores(sim, NODE, {"My": [{"pem": SERVER.pem}]})
    result = playbook([task()], NODE).result(NODE)
    assert result.get("failed") is True and "has no private key" in result["msg"]


def test_winhttpcertcfg_refuses_a_subject_that_matches_two_certificates(sim, playbook):
    """winhttpcertcfg -s SSISWORKER01 matches CN=SSISWORKER01-OLD too (a substring of the subject),
    and the old certificate comes first in the store: the tool would change the old key. The
    module refuses before any change, naming the other certificate; method=acl grants on the
    key of the thumbprint asked for, and on no other."""
    state = with_stores(sim, NODE, {"My": [{"pem": OLD.pem, "key": {"provider": CSP, "key_spec": "AT_KEYEXCHANGE"}},
                                           {"pem": SERVER.pem, "key": {"provider": CSP, "key_spec": "AT_KEYEXCHANGE"}}]})
    state["tools"] = sorted(set(state.get("tools") or []) | {"winhttpcertcfg"})
    sim.load_state(NODE, state)
    digest = sim.digest(NODE)
    for flags in ((), ("--check",)):
        result = playbook([task(method="winhttpcertcfg")], NODE, *flags).result(NODE)
        assert result.get("failed") is True, result
        assert OLD.thumbprint in result["msg"] and "CN=SSISWORKER01-OLD" in result["msg"], result["msg"]
        assert "method=acl" in result["msg"] and "Nothing was changed" in result["msg"]
        assert writes(sim) == [] and not any(argv[0] == "winhttpcertcfg" for argv in sim.commands(NODE))
        assert sim.digest(NODE) == digest

    granted = playbook([task(method="acl")], NODE).result(NODE)
    assert granted["changed"] is True and not granted.get("failed") and granted["after"] == "read", granted
    assert f"*{WORKER_SID}:(R)" in key_acl(sim, SERVER.thumbprint)
    assert not any(WORKER_SID in ace for ace in key_acl(sim, OLD.thumbprint))


def test_winhttpcertcfg_with_a_subject_only_its_certificate_has(sim, playbook):
    """CN=SSISWORKER01-OLD is looked up with -s SSISWORKER01-OLD, which CN=SSISWORKER01 does
    not contain: one certificate, so the tool is used, and the grant is verified on its key."""
    state = with_stores(sim, NODE, {"My": [{"pem": SERVER.pem, "key": {"provider": CSP, "key_spec": "AT_KEYEXCHANGE"}},
                                           {"pem": OLD.pem, "key": {"provider": CSP, "key_spec": "AT_KEYEXCHANGE"}}]})
    state["tools"] = sorted(set(state.get("tools") or []) | {"winhttpcertcfg"})
    sim.load_state(NODE, state)
    result = playbook([task(OLD.thumbprint, method="winhttpcertcfg")], NODE).result(NODE)
    assert result["changed"] is True and not result.get("failed") and result["method"] == "winhttpcertcfg", result
    assert result["winhttpcertcfg_matched"] == "CN=SSISWORKER01-OLD" and result["round_trips"] == 3
    assert f"*{WORKER_SID}:(R)" in key_acl(sim, OLD.thumbprint)
    assert not any(WORKER_SID in ace for ace in key_acl(sim, SERVER.thumbprint))


def test_a_change_that_cannot_be_read_back_is_not_reported_as_done(sim, playbook):
    """The removal runs, but the verifying 'icacls <key file>' fails (a fault; icacls' access
    denied text and exit code 5 as the simulator's icacls table has them): the task fails
    instead of reporting an unverified removal. (The message on stderr, the summary on stdout.)"""
    with_stores(sim, NODE, {"My": [{"pem": SERVER.pem, "key": {
        "provider": CSP, "key_spec": "AT_KEYEXCHANGE", "grant": [f"NT SERVICE\\{WORKER_SERVICE}:(R)"]}}]})
    entry = sim.state(NODE)["cert_stores"]["LocalMachine"]["My"][0]
    path = entry["key"]["file"]
    # occurrence 1: the read; 2: 'icacls <file> /remove ...' (same first words); 3: the verifying read
    sim.fault(NODE, {"match": ["icacls", path], "occurrence": 3, "exit_code": 5, "stderr": f"{path}: Access is denied.\r\n",
                     "stdout": "\r\nSuccessfully processed 0 files; Failed processing 1 files\r\n"})
    result = playbook([task(state="absent")], NODE).result(NODE)
    assert result.get("failed") is True and "could not be read back" in result["msg"], result
    assert result["changed"] is True  # the removal itself ran
    assert not any(WORKER_SID in ace for ace in key_acl(sim, SERVER.thumbprint))
