"""certificate end to end: import PFX and .cer files made here into the simulated node's stores."""

from __future__ import annotations

import base64

import pytest
from test_certificate_info import CNG, CSP, KSP, NODE, SERVER, make_cert, with_stores

pytestmark = pytest.mark.e2e

PASSWORD = "Pfx-S3cret'quote"
MASTER = make_cert("SSISMASTER01", dns=("ssismaster01", "ssismaster01.contoso.local"))


def entry(sim, store, thumbprint):
    found = [e for e in sim.state(NODE)["cert_stores"]["LocalMachine"][store] if e["thumbprint"].upper() == thumbprint]
    return found[0] if found else None


def pfx_task(made=SERVER, **args):
    """An import task; an argument given as None is left out."""
    merged = dict({"content": base64.b64encode(made.pfx(PASSWORD)).decode(), "password": PASSWORD, "store_name": "My",
                   "key_spec": "key_exchange", "provider": CSP}, **args)
    return {"name": "Import", "irops.remediation.certificate": {k: v for k, v in merged.items() if v is not None}}


def test_import_pfx_with_key_exchange_and_a_csp_check_apply_again(sim, playbook):
    with_stores(sim, NODE, {})
    digest = sim.digest(NODE)
    check = playbook([pfx_task()], NODE, "--check", "--diff")
    result = check.result(NODE)
    assert result["changed"] is True and result["round_trips"] == 1 and not result.get("failed"), check.output
    assert sim.digest(NODE) == digest and entry(sim, "My", SERVER.thumbprint) is None
    assert "AT_KEYEXCHANGE" in result["diff"]["after"]

    run = playbook([pfx_task()], NODE)
    result = run.result(NODE)
    assert result["changed"] is True and result["round_trips"] == 2 and not result.get("failed"), run.output
    key = entry(sim, "My", SERVER.thumbprint)["key"]
    assert (key["provider"], key["kind"], key["key_spec"]) == (CSP, "csp", "AT_KEYEXCHANGE")
    assert result["dns_names"] == ["ssisworker01", "ssisworker01.contoso.local"]
    assert result["wcf_dns_name"] == "ssisworker01.contoso.local" and result["key"]["provider_type"] == "CSP"
    assert not [p for p in sim.state(NODE)["files"] if "irops certificate" in p]  # the copy was removed
    digest = sim.digest(NODE)
    again = playbook([pfx_task()], NODE).result(NODE)
    assert again["changed"] is False and again["round_trips"] == 1
    assert sim.digest(NODE) == digest


def test_repair_a_cng_key_into_a_csp(sim, playbook):
    with_stores(sim, NODE, {"My": [{"pem": SERVER.pem, "key": {"provider": KSP}}]})
    run = playbook([pfx_task()], NODE)
    result = run.result(NODE)
    assert result["changed"] is True and any("CNG" in r for r in result["reasons"]), run.output
    assert result["before"]["provider_type"] == "CNG" and result["after"]["provider_type"] == "CSP"
    assert entry(sim, "My", SERVER.thumbprint)["key"]["kind"] == "csp"
    imports = [argv for argv in sim.commands(NODE) if "-importpfx" in argv]
    assert imports and "-f" in imports[0] and "AT_KEYEXCHANGE" in imports[0][-1] and CSP in imports[0]


def test_signature_key_is_reimported_as_key_exchange(sim, playbook):
    with_stores(sim, NODE, {"My": [{"pem": SERVER.pem, "key": {"provider": CSP, "key_spec": "AT_SIGNATURE"}}]})
    result = playbook([pfx_task(provider=None)], NODE).result(NODE)
    assert result["changed"] is True and "key spec is AT_SIGNATURE" in result["msg"]
    assert entry(sim, "My", SERVER.thumbprint)["key"]["key_spec"] == "AT_KEYEXCHANGE"


def test_master_cer_from_the_controller_into_root(sim, playbook, tmp_path):
    with_stores(sim, NODE, {})
    cer = tmp_path / "master.cer"
    cer.write_bytes(MASTER.der)
    task = {"name": "Trust the master", "irops.remediation.certificate": {
        "src": str(cer), "store_name": "Root", "thumbprint": MASTER.thumbprint}}
    run = playbook([task], NODE)
    assert run.result(NODE)["changed"] is True, run.output
    assert entry(sim, "Root", MASTER.thumbprint)["has_private_key"] is False
    assert playbook([task], NODE).result(NODE)["changed"] is False


def test_pfx_already_on_the_node(sim, playbook):
    state = with_stores(sim, NODE, {})
    state["files"]["C:\\Windows\\Temp\\worker.pfx"] = {"base64": base64.b64encode(SERVER.pfx(PASSWORD)).decode()}
    sim.load_state(NODE, state)
    task = pfx_task(content=None, path="C:\\Windows\\Temp\\worker.pfx")
    run = playbook([task], NODE)
    assert run.result(NODE)["changed"] is True, run.output
    assert entry(sim, "My", SERVER.thumbprint)["key"]["kind"] == "csp"
    assert "C:\\Windows\\Temp\\worker.pfx" in sim.state(NODE)["files"]  # the user's file stays


def test_wrong_password_fails_clearly_and_the_password_appears_nowhere(sim, playbook):
    with_stores(sim, NODE, {})
    digest = sim.digest(NODE)
    wrong = "Wr0ng-Passw0rd!"
    run = playbook([pfx_task(password=wrong)], NODE, "-vvvv")
    result = run.result(NODE)
    assert result.get("failed") is True and "password does not open" in result["msg"], run.output
    assert wrong not in run.output and PASSWORD not in run.output and wrong not in str(result)
    assert sim.digest(NODE) == digest


def test_password_refused_over_a_network_logon_explains_the_double_hop(sim, playbook):
    with_stores(sim, NODE, {})
    sim.fault(NODE, {"match": "certutil -f -p", "occurrence": 1, "exit_code": -2147024810,
                     "stdout": "CertUtil: -importPFX command FAILED: 0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD)\r\n"
                               "CertUtil: The specified network password is not correct.\r\n"})
    run = playbook([pfx_task()], NODE, "-vvvv")
    result = run.result(NODE)
    assert result.get("failed") is True and "double-hop" in result["msg"] and "CredSSP" in result["msg"], run.output
    assert PASSWORD not in run.output and PASSWORD not in str(result)
    assert "$irops_secret_1" in run.output  # the command as logged names the variable, not the value
    assert entry(sim, "My", SERVER.thumbprint) is None


def test_absent_deletes_only_the_thumbprint_given(sim, playbook):
    with_stores(sim, NODE, {"Root": [{"pem": MASTER.pem}, {"pem": CNG.pem}]})
    task = {"name": "Remove", "irops.remediation.certificate": {"store_name": "Root", "state": "absent",
                                                                "thumbprint": MASTER.thumbprint}}
    first = playbook([task], NODE).result(NODE)
    assert first["changed"] is True and entry(sim, "Root", MASTER.thumbprint) is None
    assert entry(sim, "Root", CNG.thumbprint) is not None
    second = playbook([task], NODE).result(NODE)
    assert second["changed"] is False and second["round_trips"] == 1


@pytest.mark.parametrize("args, fragment", [
    ({"thumbprint": MASTER.thumbprint}, "does not match the file"),
    ({"provider": "Contoso HSM"}, "CSP name"),
    ({"content": "not base64!"}, "base64"),
    ({"state": "absent", "content": None}, "thumbprint"),
])
def test_bad_input_changes_nothing(sim, playbook, args, fragment):
    with_stores(sim, NODE, {})
    digest = sim.digest(NODE)
    result = playbook([pfx_task(**args)], NODE).result(NODE)
    assert result.get("failed") is True and fragment in result["msg"], result["msg"]
    assert sim.digest(NODE) == digest
