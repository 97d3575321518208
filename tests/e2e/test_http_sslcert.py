"""http_sslcert end to end: ansible-playbook over WinRM against the simulated node.

The triad for each case (check mode leaves the node untouched, apply converges, apply again
changes nothing), plus bad input, rollback on a failed add, and secrets-free verbose output.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

MASTER = "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"
OLD = "BD89861C7801C45BE44FB59FADC9198889B77F45"
BIND = {"name": "Bind the master certificate", "irops.remediation.http_sslcert": {
    "ip_port": "0.0.0.0:8391", "certificate_hash": MASTER, "certificate_store": "Root"}}


def binding(sim, node, endpoint="0.0.0.0:8391"):
    found = [b for b in sim.state(node)["http_ssl_bindings"] if b.get("ipport") == endpoint]
    return found[0] if found else None


def writes(sim, node):
    return [argv for argv in sim.commands(node) if argv[:2] != ["netsh", "http"] or argv[2] != "show"]


@pytest.mark.parametrize("node, before_hash", [("wrong", OLD), ("missing", None)])
def test_check_mode_reports_drift_and_changes_nothing(sim, playbook, node, before_hash):
    digest = sim.digest(node)
    run = playbook([BIND], node, "--check", "--diff")
    result = run.result(node)
    assert result["changed"] is True and not result.get("failed"), run.output
    assert (result["before"] or {}).get("certificate_hash") == before_hash
    if before_hash:  # every printed field of the binding a rebind would replace, as a way back
        assert ["Negotiate Client Certificate", "Disabled"] in result["before"]["fields"]
    assert result["after"]["certificate_hash"] == MASTER
    assert [s["id"] for s in result["documented_symptoms"]] == ["scaleout-http-request-error"]
    assert MASTER in result["diff"]["after"] and "http.sys SSL binding" in result["diff"]["before_header"]
    assert sim.digest(node) == digest
    assert writes(sim, node) == [] and result["round_trips"] == 1


@pytest.mark.parametrize("node", ["wrong", "missing"])
def test_apply_converges_then_changes_nothing(sim, playbook, node):
    first = playbook([BIND], node, "--diff")
    result = first.result(node)
    assert result["changed"] is True and not result.get("failed"), first.output
    bound = binding(sim, node)
    assert bound["certhash"].upper() == MASTER and bound["certstorename"].lower() == "root"
    assert result["round_trips"] == 2  # show; then delete + add + verifying show in one script
    digest = sim.digest(node)

    second = playbook([BIND], node)
    again = second.result(node)
    assert again["changed"] is False and again["round_trips"] == 1, second.output
    assert sim.digest(node) == digest


def test_rebind_keeps_the_existing_app_id(sim, playbook):
    app_id = binding(sim, "wrong")["appid"].lower()
    result = playbook([BIND], "wrong").result("wrong")
    assert result["after"]["app_id"] == app_id == binding(sim, "wrong")["appid"].lower()


def test_healthy_node_and_2022_field_set_need_nothing(sim, playbook):
    run = playbook([BIND], "healthy:v2022")
    for node in ("healthy", "v2022"):
        assert run.result(node)["changed"] is False, run.output
        assert run.result(node)["round_trips"] == 1


@pytest.mark.parametrize("args, fragment", [
    ({"certificate_hash": "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F0"}, "40 hexadecimal digits"),
    ({"ip_port": "0.0.0.0:70000"}, "from 1 to 65535"),
    ({"ip_port": "0.0.0.0:0"}, "from 1 to 65535"),
    ({"ip_port": "0.0.0.0;calc:8391"}, "IPv4 or bracketed IPv6"),
    ({"certificate_store": "Root'; Remove-Item C:\\"}, "store name"),
    ({"app_id": "{8391}"}, "GUID"),
])
def test_bad_input_fails_before_any_command(sim, playbook, args, fragment):
    task = {"name": "Bad input", "irops.remediation.http_sslcert": dict(BIND["irops.remediation.http_sslcert"], **args)}
    digest = sim.digest("wrong")
    result = playbook([task], "wrong").result("wrong")
    assert result.get("failed") is True
    assert fragment in result["msg"] and repr(next(iter(args.values()))) in result["msg"]
    assert sim.commands("wrong") == [] and sim.digest("wrong") == digest


def test_failed_add_restores_the_previous_binding(sim, playbook):
    sim.fault("wrong", {"match": "netsh http add sslcert", "occurrence": 1, "exit_code": 1,
                        "stdout": "\r\nSSL Certificate add failed, Error: 1312\r\n"
                                  "A specified logon session does not exist. It may already have been terminated.\r\n\r\n"})
    digest = sim.digest("wrong")
    result = playbook([BIND], "wrong").result("wrong")
    assert result.get("failed") is True and result["restored"] is True
    assert "1312" in result["msg"] and "not in LocalMachine\\Root" in result["msg"]
    assert "previous binding (certificate " + OLD + ") was restored" in result["msg"]
    assert binding(sim, "wrong")["certhash"].upper() == OLD
    assert sim.digest("wrong") == digest
    adds = [argv for argv in sim.commands("wrong") if argv[:3] == ["netsh", "http", "add"]]
    assert len(adds) == 2 and OLD.lower() in " ".join(adds[1]).lower()


def test_absent_deletes_once(sim, playbook):
    task = {"name": "Remove", "irops.remediation.http_sslcert": {"ip_port": "0.0.0.0:8391", "state": "absent"}}
    first = playbook([task], "healthy").result("healthy")
    assert first["changed"] is True and binding(sim, "healthy") is None
    second = playbook([task], "healthy").result("healthy")
    assert second["changed"] is False


def test_verbose_output_names_every_command_it_ran(sim, playbook):
    run = playbook([BIND], "missing", "-vvvv")
    assert "irops: round trip 1, 1 command(s):" in run.output
    assert "irops:   netsh http show sslcert" in run.output
    assert "'appid={" in run.output  # the quoted app id, as sent


def test_dropped_connection_during_the_change_is_reported_as_unreachable(sim, playbook):
    sim.fault("missing", {"match": "netsh http add sslcert", "occurrence": 1, "action": "drop_connection"})
    run = playbook([BIND], "missing")
    assert "UNREACHABLE" in run.output and "its state is unknown" in run.output, run.output
    assert binding(sim, "missing") is None
