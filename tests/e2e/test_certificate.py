"""certificate end to end: import PFX and .cer files made here into the simulated node's stores."""

from __future__ import annotations

import base64
import json
import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from hostile_passwords import DELIVERED
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


BAD_INPUT = [
    ({"thumbprint": MASTER.thumbprint}, "does not match the file"),
    ({"provider": "Contoso HSM"}, "CSP name"),
    ({"content": "not base64!"}, "base64"),
    ({"state": "absent", "content": None}, "thumbprint"),
]
BAD_TASKS = [pfx_task(**case[0]) for case in BAD_INPUT]  # made once: a PFX's salt differs each time
BAD_KEY_READER = pfx_task(key_readers=["bad\nname"])


@pytest.fixture(scope="module")
def bad_input(bad_input_play):
    """Every bad value of this module as its own task of one ansible-playbook run (tests/e2e/conftest.py), on a
    node whose stores are empty. The PFX is made once, so each task is the same one its test looks up."""
    return bad_input_play("certificate", NODE, BAD_TASKS + [BAD_KEY_READER],
                          lambda sim: with_stores(sim, NODE, {}))


@pytest.mark.xdist_group("bad_input_certificate")
@pytest.mark.parametrize("index", range(len(BAD_INPUT)), ids=[case[1] for case in BAD_INPUT])  # the same ids on each worker
def test_bad_input_changes_nothing(bad_input, index):
    _args, fragment = BAD_INPUT[index]
    case = bad_input.case(BAD_TASKS[index])
    result = case.result
    assert result.get("failed") is True and fragment in result["msg"], result["msg"]
    assert case.digest_after == case.digest_before


# --------------------------------------------------------------------------- issue 10: PFX passwords and bytes
TEMP = "C:\\Windows\\Temp"


def pfx_bytes(made, password: str) -> bytes:
    """A PFX as Windows exports it with this password (the empty one: no encryption, the MAC's password empty)."""
    encryption = (serialization.BestAvailableEncryption(password.encode()) if password
                  else serialization.NoEncryption())
    return pkcs12.serialize_key_and_certificates(b"irops", made.key, made.cert, None, encryption)


def temp_copies(sim) -> list[str]:
    """The module's temporary copies on the node: C:\\Windows\\Temp\\irops certificate <32 hex>.pfx|.cer."""
    pattern = re.compile(re.escape(TEMP) + r"\\irops certificate [0-9a-f]{32}\.(pfx|cer)", re.IGNORECASE)
    return sorted(p for p in sim.state(NODE)["files"] if pattern.fullmatch(p))


def leaked(run, sim, secret: str) -> bool:
    return secret in run.output or secret in json.dumps(run.results, ensure_ascii=False) or secret in str(sim.log(NODE))


def test_an_empty_password_pfx_and_a_hostile_password_pfx_import_and_nothing_shows(sim, playbook):
    """The shir_node role's default password is empty; the hostile one holds every troublesome character."""
    hostile = DELIVERED["127-characters"]
    with_stores(sim, NODE, {})
    empty_pfx, hostile_pfx = pfx_bytes(SERVER, ""), pfx_bytes(MASTER, hostile)
    tasks = [pfx_task(content=base64.b64encode(empty_pfx).decode(), password=""),
             pfx_task(made=MASTER, content=base64.b64encode(hostile_pfx).decode(), password=hostile)]
    run = playbook(tasks, NODE, "-vvvv")
    for index, made in enumerate((SERVER, MASTER)):
        result = run.result(NODE, index)
        assert result["changed"] is True and not result.get("failed"), (index, result.get("msg"), run.output[-3000:])
        assert entry(sim, "My", made.thumbprint)["key"]["kind"] == "csp"
    assert temp_copies(sim) == []
    for data in (empty_pfx, hostile_pfx):
        encoded = base64.b64encode(data).decode()
        for chunk in (encoded[:48], encoded[len(encoded) // 2:][:48], encoded[-48:]):
            assert not leaked(run, sim, chunk)  # the PFX (the encrypted key) is nowhere, not even in part
    assert not leaked(run, sim, hostile) and not leaked(run, sim, hostile[:40])
    imports = [argv for argv in sim.commands(NODE) if "-importpfx" in argv]
    assert len(imports) == 2 and all(argv[argv.index("-p") + 1] == "***" for argv in imports)
    writes = [c["argv"] for e in sim.log(NODE) for c in e["cmdlets"] if c["argv"][0] == "[IO.File]::WriteAllBytes"]
    assert len(writes) == 2 and all(argv[1].startswith(TEMP) and argv[2].endswith("bytes>") for argv in writes)


def test_a_failed_import_removes_its_copy_in_the_same_round_trip_and_shows_no_pfx(sim, playbook):
    with_stores(sim, NODE, {})
    sim.fault(NODE, {"match": "certutil -f -p", "occurrence": 1, "exit_code": -2146885630,
                     "stdout": "CertUtil: -importPFX command FAILED: 0x80092002 (-2146885630 CRYPT_E_BAD_ENCODE)\r\n"})
    data = pfx_bytes(SERVER, PASSWORD)
    run = playbook([pfx_task(content=base64.b64encode(data).decode())], NODE, "-vvvv")
    result = run.result(NODE)
    assert result.get("failed") is True and "CRYPT_E_BAD_ENCODE" in result["msg"], run.output[-3000:]
    assert temp_copies(sim) == [] and entry(sim, "My", SERVER.thumbprint) is None
    [removing] = [e for e in sim.log(NODE) if "Remove-Item" in (e["script"] or "")]
    assert any("-importpfx" in c["argv"] for c in removing["native"])  # in the failed import's own round trip
    assert result["round_trips"] == 2
    assert not leaked(run, sim, base64.b64encode(data).decode()[:48]) and not leaked(run, sim, PASSWORD)


LEFT_BEHIND = f"{TEMP}\\irops certificate 0123456789abcdef0123456789abcdef.pfx"
NOT_OURS = (f"{TEMP}\\irops certificate notes.txt", f"{TEMP}\\other.pfx")


def test_a_copy_left_by_a_dropped_run_is_removed_by_the_next_change(sim, playbook):
    with_stores(sim, NODE, {})
    sim.put_files(NODE, {LEFT_BEHIND: pfx_bytes(SERVER, PASSWORD), **{p: b"keep" for p in NOT_OURS}})
    result = playbook([pfx_task()], NODE).result(NODE)
    assert result["changed"] is True and not result.get("failed"), result
    assert result["leftovers_removed"] == [LEFT_BEHIND] and result["round_trips"] == 2
    assert temp_copies(sim) == [] and all(sim.file_bytes(NODE, p) == b"keep" for p in NOT_OURS)


def test_a_copy_left_behind_is_removed_even_when_nothing_else_changes(sim, playbook):
    with_stores(sim, NODE, {"My": [{"pem": SERVER.pem, "key": {"provider": CSP, "key_spec": "AT_KEYEXCHANGE"}}]})
    sim.put_files(NODE, {LEFT_BEHIND: b"left by a run whose connection dropped"})
    check = playbook([pfx_task()], NODE, "--check").result(NODE)
    assert check["changed"] is True and check["leftovers_removed"] == [LEFT_BEHIND] and temp_copies(sim) == [LEFT_BEHIND]
    result = playbook([pfx_task()], NODE).result(NODE)
    assert result["changed"] is True and "earlier run" in result["msg"] and temp_copies(sim) == []
    assert playbook([pfx_task()], NODE).result(NODE)["changed"] is False


# --------------------------------------------------------------------------- issue 13: re-import, orphan, key readers
def key_files(sim, since=()) -> list[str]:
    """The key files on the node (MachineKeys, Crypto\\Keys) that are not in ``since``."""
    folders = ("c:\\programdata\\microsoft\\crypto\\rsa\\machinekeys\\", "c:\\programdata\\microsoft\\crypto\\keys\\")
    return sorted(p for p in sim.state(NODE)["files"] if p not in since and p.lower().startswith(folders))


READER = "NT SERVICE\\SSISScaleOutWorker140"  # the service with_stores adds


@pytest.mark.parametrize("exportable, expected", [(None, False), (True, True), (False, False)])
def test_a_reimport_keeps_the_keys_exportability_unless_told(sim, playbook, exportable, expected):
    """The scenario key is not exportable; a repair of its key spec keeps that unless exportable says otherwise."""
    key = {"provider": CSP, "key_spec": "AT_SIGNATURE", "exportable": False}
    with_stores(sim, NODE, {"My": [{"pem": SERVER.pem, "key": key}]})
    result = playbook([pfx_task(exportable=exportable)], NODE).result(NODE)
    assert result["changed"] is True and not result.get("failed"), result.get("msg")
    assert entry(sim, "My", SERVER.thumbprint)["key"]["exportable"] is expected
    assert result["before"]["exportable"] is False and result["key"]["exportable"] is expected
    [imported] = [argv for argv in sim.commands(NODE) if "-importpfx" in argv]
    assert ("NoExport" in imported[-1]) is (not expected)


def test_a_reimport_removes_the_orphaned_key_file_and_check_mode_plans_the_same_steps(sim, playbook):
    with_stores(sim, NODE, {"My": [{"pem": SERVER.pem, "key": {"provider": KSP}}]})
    old = entry(sim, "My", SERVER.thumbprint)["key"]["file"]
    others = [p for p in key_files(sim) if p != old]
    task = pfx_task(key_readers=[READER])
    digest = sim.digest(NODE)
    check = playbook([task], NODE, "--check", "--diff").result(NODE)
    assert check["changed"] is True and sim.digest(NODE) == digest, check.get("msg")
    run = playbook([task], NODE).result(NODE)
    assert run["changed"] is True and not run.get("failed"), run.get("msg")
    assert check["steps"] == run["steps"] and len(run["steps"]) == 3, (check["steps"], run["steps"])
    assert run["steps"][1] == f"grant {READER} read on the new private key file"
    assert run["steps"][2] == f"remove the orphaned key file {old} of the replaced key"
    assert run["orphaned_key_file"] == {"path": old, "removed": True} and run["round_trips"] == 3
    [new] = key_files(sim, others)
    assert new != old and new == run["key"]["key_file"] and old not in sim.state(NODE)["files"]
    assert any(READER in ace for ace in run["key_acl"])
    again = playbook([task], NODE).result(NODE)
    assert again["changed"] is False and again["steps"] == [] and again["round_trips"] == 2  # store read, icacls


def test_a_missing_read_grant_alone_is_planned_and_granted_without_a_reimport(sim, playbook):
    with_stores(sim, NODE, {"My": [{"pem": SERVER.pem, "key": {"provider": CSP, "key_spec": "AT_KEYEXCHANGE"}}]})
    keyfile = entry(sim, "My", SERVER.thumbprint)["key"]["file"]
    files = key_files(sim)
    task = pfx_task(key_readers=[READER])
    check = playbook([task], NODE, "--check").result(NODE)
    run = playbook([task], NODE).result(NODE)
    assert check["steps"] == run["steps"] == [f"grant {READER} read on the private key file {keyfile}"], run
    assert run["changed"] is True and not [argv for argv in sim.commands(NODE) if "-importpfx" in argv]
    assert key_files(sim) == files
    assert playbook([task], NODE).result(NODE)["changed"] is False


def test_a_failed_import_keeps_the_old_key_file(sim, playbook):
    with_stores(sim, NODE, {"My": [{"pem": SERVER.pem, "key": {"provider": KSP}}]})
    old, files = entry(sim, "My", SERVER.thumbprint)["key"]["file"], key_files(sim)
    sim.fault(NODE, {"match": "certutil -f -p", "occurrence": 1, "exit_code": -2146885630,
                     "stdout": "CertUtil: -importPFX command FAILED: 0x80092002 (-2146885630 CRYPT_E_BAD_ENCODE)\r\n"})
    result = playbook([pfx_task(key_readers=[READER])], NODE).result(NODE)
    assert result.get("failed") is True and f"the previous key file {old} was left in place" in result["msg"]
    assert old in files and key_files(sim) == files and entry(sim, "My", SERVER.thumbprint)["key"]["kind"] == "cng"


@pytest.mark.xdist_group("bad_input_certificate")
def test_bad_key_reader_fails_before_anything_runs(bad_input):
    case = bad_input.case(BAD_KEY_READER)
    result = case.result
    assert result.get("failed") is True and "key_readers[0]" in result["msg"]
    assert case.log(NODE) == []
