"""http_sslcert end to end: ansible-playbook over WinRM against the simulated node.

The triad for each case (check mode leaves the node untouched, apply converges, apply again
changes nothing), plus bad input, a rebind that keeps every setting of the binding it
replaces (classic and 2022 field sets), faults during the update (a failure, a dropped
connection, a dropped re-read), a setting netsh cannot carry, and verbose output.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

MASTER = "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"
OLD = "BD89861C7801C45BE44FB59FADC9198889B77F45"
BIND = {"name": "Bind the master certificate", "irops.remediation.http_sslcert": {
    "ip_port": "0.0.0.0:8391", "certificate_hash": MASTER, "certificate_store": "Root",
    "documented_entry": ["scaleout-http-request-error"]}}


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
    if before_hash:  # every setting of the binding a rebind replaces, typed, and the fields as printed
        assert ["Negotiate Client Certificate", "Disabled"] in result["before"]["fields"]
        assert result["before"]["settings"]["clientcertnegotiation"] is False
        assert result["after"]["settings"] == result["before"]["settings"]
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
    assert result["round_trips"] == 2  # show; then update (or add) + verifying show in one script
    verb = "update" if node == "wrong" else "add"
    assert [argv[:4] for argv in writes(sim, node)] == [["netsh", "http", verb, "sslcert"]]
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


BAD_INPUT = [
    ({"certificate_hash": "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F0"}, "40 hexadecimal digits"),
    ({"ip_port": "0.0.0.0:70000"}, "from 1 to 65535"),
    ({"ip_port": "0.0.0.0:0"}, "from 1 to 65535"),
    ({"ip_port": "0.0.0.0;calc:8391"}, "IPv4 or bracketed IPv6"),
    ({"certificate_store": "Root'; Remove-Item C:\\"}, "store name"),
    ({"app_id": "{8391}"}, "GUID"),
]


def bad_task(args) -> dict:
    return {"name": "Bad input", "irops.remediation.http_sslcert": dict(BIND["irops.remediation.http_sslcert"], **args)}


@pytest.fixture(scope="module")
def bad_input(bad_input_play):
    """Every bad value of this module as its own task of one ansible-playbook run (tests/e2e/conftest.py)."""
    return bad_input_play("http_sslcert", "wrong", [bad_task(case[0]) for case in BAD_INPUT])


@pytest.mark.xdist_group("bad_input_http_sslcert")
@pytest.mark.parametrize("args, fragment", BAD_INPUT)
def test_bad_input_fails_before_any_command(bad_input, args, fragment):
    case = bad_input.case(bad_task(args))
    result = case.result
    assert result.get("failed") is True
    assert fragment in result["msg"] and repr(next(iter(args.values()))) in result["msg"]
    assert case.commands("wrong") == [] and case.digest_after == case.digest_before


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


# --------------------------------------------------------------------------- every setting survives a rebind
# The settings a rebind used to reset (simulator state keys; netsh keywords in the results).
CLASSIC_SETTINGS = {"clientcertnegotiation": True, "sslctlidentifier": "ContosoCtl", "sslctlstorename": "CA",
                    "verifyclientcertrevocation": False, "revocationfreshnesstime": 3600}
NEWER_SETTINGS = {"disablelegacytls": True, "disablehttp2": True}
UPDATE = "netsh http update sslcert"
FAIL_1312 = {"match": UPDATE, "occurrence": 1, "exit_code": 1,
             "stdout": "\r\nSSL Certificate update failed, Error: 1312\r\n"
                       "A specified logon session does not exist. It may already have been terminated.\r\n\r\n"}


def with_settings(sim, field_set, extra=None):
    """The 'wrong' node (bound to OLD) with non-default settings on its binding, on a classic or 2022 build."""
    state = sim.state("wrong")
    state["netsh_field_set"] = field_set
    settings = dict(CLASSIC_SETTINGS, **(NEWER_SETTINGS if field_set == "2022" else {}), **(extra or {}))
    state["http_ssl_bindings"][0]["settings"].update(settings)
    sim.load_state("wrong", state)
    return binding(sim, "wrong")


def set_faults(sim, node, faults):
    sim._call(f"/_sim/nodes/{node}/faults", faults)  # conftest's fault() sets only one


def expected_keywords(field_set):
    """The non-default settings as the task reports them (netsh keywords)."""
    return dict(CLASSIC_SETTINGS, **(NEWER_SETTINGS if field_set == "2022" else {}))


@pytest.mark.parametrize("field_set", ["classic", "2022"])
def test_rebind_keeps_every_setting_check_mode_apply_and_again(sim, playbook, field_set):
    old = with_settings(sim, field_set)
    digest = sim.digest("wrong")

    check = playbook([BIND], "wrong", "--check", "--diff").result("wrong")
    assert check["changed"] is True and sim.digest("wrong") == digest and writes(sim, "wrong") == []
    assert check["before"]["non_default_settings"] == expected_keywords(field_set)
    assert check["after"]["settings"] == check["before"]["settings"]
    assert "clientcertnegotiation=enable" in check["msg"] and "netsh http update sslcert" in check["msg"]

    run = playbook([BIND], "wrong", "--diff")
    result = run.result("wrong")
    assert result["changed"] is True and not result.get("failed"), run.output
    new = binding(sim, "wrong")
    assert new["certhash"].upper() == MASTER and new["certstorename"] == "Root" and new["appid"] == old["appid"]
    assert new["settings"] == old["settings"]  # every setting, the newer flags included
    assert result["after"]["settings"] == result["before"]["settings"]
    assert result["after"]["non_default_settings"] == expected_keywords(field_set)
    assert result["node_state"] == "as_wanted" and result["round_trips"] == 2
    # one write, no delete: there was never a moment without a binding
    [update] = writes(sim, "wrong")
    assert update[:4] == ["netsh", "http", "update", "sslcert"] and "clientcertnegotiation=enable" in update
    # the diff shows the settings that differ from netsh's defaults, on both sides
    for side in ("before", "after"):
        assert "  clientcertnegotiation: enable\n" in result["diff"][side]
        assert "  sslctlidentifier: ContosoCtl\n" in result["diff"][side]
        assert ("  disablelegacytls: enable\n" in result["diff"][side]) == (field_set == "2022")
    assert "  usagecheck:" not in result["diff"]["after"]  # at its default

    digest = sim.digest("wrong")
    again = playbook([BIND], "wrong").result("wrong")
    assert again["changed"] is False and again["round_trips"] == 1 and sim.digest("wrong") == digest


@pytest.mark.parametrize("field_set", ["classic", "2022"])
def test_failed_update_leaves_the_old_binding_with_every_setting(sim, playbook, field_set):
    old = with_settings(sim, field_set)
    sim.fault("wrong", FAIL_1312)
    digest = sim.digest("wrong")
    result = playbook([BIND], "wrong").result("wrong")
    assert result.get("failed") is True and result["changed"] is False
    assert sim.digest("wrong") == digest and binding(sim, "wrong") == old
    assert result["node_state"] == "unchanged" and "restored" not in result
    assert "1312" in result["msg"] and "not in LocalMachine\\Root" in result["msg"]
    assert (f"still has the previous binding on ipport=0.0.0.0:8391, unchanged (certificate {OLD} "
            "from store Root") in result["msg"]
    assert "clientcertnegotiation=enable" in result["msg"]
    assert result["after"]["settings"] == result["before"]["settings"]
    assert result["after"]["certificate_hash"] == OLD
    assert result["round_trips"] == 2  # the show in the update's batch says what the node has: no third trip
    assert [argv[:3] for argv in writes(sim, "wrong")] == [["netsh", "http", "update"]]


def test_dropped_connection_during_the_update_reads_the_binding_again(sim, playbook):
    # Windows keeps running a WinRS command whose client went away: the update completes on the node.
    old = with_settings(sim, "2022")
    sim.fault("wrong", {"match": UPDATE, "occurrence": 1, "action": "drop_connection"})
    run = playbook([BIND], "wrong")
    result = run.result("wrong")
    assert not result.get("failed") and result["changed"] is True, run.output
    assert result["connection_lost"] is True and result["round_trips"] == 3
    assert "connection to the node was lost" in result["warnings"][0]
    assert "has the wanted binding, with every setting of the previous one" in result["warnings"][0]
    new = binding(sim, "wrong")
    assert new["certhash"].upper() == MASTER and new["settings"] == old["settings"]
    assert result["after"]["settings"] == result["before"]["settings"]
    assert playbook([BIND], "wrong").result("wrong")["changed"] is False


def test_dropped_connection_during_a_failing_update_reports_the_old_binding(sim, playbook):
    old = with_settings(sim, "2022")
    sim.fault("wrong", {"match": UPDATE, "occurrence": 1, "action": "drop_connection"})
    digest = sim.digest("wrong")
    # the master certificate is not in My: netsh itself fails the update (1312) in the dropped script
    task = {"name": "Bind from My", "irops.remediation.http_sslcert": dict(
        BIND["irops.remediation.http_sslcert"], certificate_store="My")}
    result = playbook([task], "wrong").result("wrong")
    assert result.get("failed") is True and result["changed"] is False
    assert sim.digest("wrong") == digest and binding(sim, "wrong") == old
    assert result["node_state"] == "unchanged" and result["round_trips"] == 3
    assert "connection to the node was lost" in result["msg"]
    assert "Read again in a new round trip: The node still has the previous binding" in result["msg"]


def test_dropped_connection_and_a_dropped_reread_say_the_state_is_unknown(sim, playbook):
    with_settings(sim, "classic")
    # show #1 is the first read, #2 the verifying show of the dropped batch, #3 the re-read
    set_faults(sim, "wrong", [{"match": UPDATE, "occurrence": 1, "action": "drop_connection"},
                              {"match": "netsh http show sslcert", "occurrence": 3, "action": "drop_connection"}])
    result = playbook([BIND], "wrong").result("wrong")
    assert result.get("failed") is True and result["node_state"] == "unknown"
    assert "Reading the binding again failed too" in result["msg"] and "is unknown" in result["msg"]
    assert result["before"]["non_default_settings"] == expected_keywords("classic") and result["after"] is None


def test_a_setting_netsh_cannot_carry_refuses_the_rebind_before_any_change(sim, playbook):
    old = with_settings(sim, "2022", {"enablecachingclienthello": True})
    digest = sim.digest("wrong")
    for flags in ((), ("--check",)):
        result = playbook([BIND], "wrong", *flags).result("wrong")
        assert result.get("failed") is True and result["changed"] is False and result["node_state"] == "unchanged"
        assert "'Enable Caching Client Hello' is set and netsh http update sslcert has no keyword" in result["msg"]
        assert "nothing was changed" in result["msg"] and "HttpSetServiceConfiguration" in result["msg"]
        assert result["round_trips"] == 1
    assert writes(sim, "wrong") == [] and sim.digest("wrong") == digest and binding(sim, "wrong") == old


def test_failed_add_reports_nothing_bound_as_before(sim, playbook):
    sim.fault("missing", {"match": "netsh http add sslcert", "occurrence": 1, "exit_code": 1,
                          "stdout": FAIL_1312["stdout"].replace("update", "add")})
    digest = sim.digest("missing")
    result = playbook([BIND], "missing").result("missing")
    assert result.get("failed") is True and result["changed"] is False and result["node_state"] == "unchanged"
    assert "Nothing is bound on ipport=0.0.0.0:8391, as before." in result["msg"] and "restored" not in result
    assert sim.digest("missing") == digest and result["round_trips"] == 2


def test_dropped_connection_during_an_add_reports_the_binding_read_again(sim, playbook):
    sim.fault("missing", {"match": "netsh http add sslcert", "occurrence": 1, "action": "drop_connection"})
    result = playbook([BIND], "missing").result("missing")
    assert not result.get("failed") and result["connection_lost"] is True
    assert result["after"]["certificate_hash"] == MASTER == binding(sim, "missing")["certhash"].upper()
