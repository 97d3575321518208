"""firewall_rule end to end: ansible-playbook over WinRM against the simulated node's netsh advfirewall.

The triad, verification after adding, duplicates replaced by one rule, deletion, the rule
actually opening the port (seen by tcp_probe from another node), and bad input refused
before any command runs.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

NODE = "healthy"
RULE = "SSIS Scale Out Master"


def task(**args) -> dict:
    return {"name": "Firewall rule", "irops.remediation.firewall_rule": args}


OPEN = task(name=RULE, port=8391, profiles=["domain", "private"])


def set_rules(sim, node: str, rules: list, **state_changes) -> None:
    state = sim.state(node)
    state["firewall"] = {"enabled": True, "rules": rules}
    state.update(state_changes)
    sim.load_state(node, state)


def rules_named(sim, node: str, name: str = RULE) -> list:
    return [r for r in sim.state(node)["firewall"]["rules"] if r["name"].lower() == name.lower()]


def netsh_verbs(sim, node: str) -> list[str]:
    return [argv[3].lower() for argv in sim.commands(node) if argv[:3] == ["netsh", "advfirewall", "firewall"]]


def test_check_mode_reports_drift_and_changes_nothing(sim, playbook):
    set_rules(sim, NODE, [])
    digest = sim.digest(NODE)
    run = playbook([OPEN], NODE, "--check", "--diff")
    result = run.result(NODE)
    assert result["changed"] is True and not result.get("failed"), run.output
    assert result["before"] == [] and result["after"][0]["localport"] == "8391"
    assert "in TCP 8391 allow profiles=domain,private enabled=yes" in result["diff"]["after"]
    assert result["round_trips"] == 1 and netsh_verbs(sim, NODE) == ["show"]
    assert sim.digest(NODE) == digest


def test_apply_converges_verifies_then_changes_nothing(sim, playbook):
    set_rules(sim, NODE, [])
    first = playbook([OPEN], NODE, "--diff").result(NODE)
    assert first["changed"] is True and not first.get("failed"), first
    assert first["round_trips"] == 2 and netsh_verbs(sim, NODE) == ["show", "add", "show"]
    (rule,) = rules_named(sim, NODE)
    assert (rule["direction"], rule["action"], rule["protocol"].upper(), rule["localport"]) == ("in", "allow", "TCP", "8391")
    assert sorted(rule["profiles"]) == ["domain", "private"] and rule["enabled"] is True
    digest = sim.digest(NODE)

    second = playbook([OPEN], NODE).result(NODE)
    assert second["changed"] is False and second["round_trips"] == 1, second
    assert sim.digest(NODE) == digest


def test_a_different_rule_and_duplicates_are_replaced_by_one(sim, playbook):
    set_rules(sim, NODE, [
        {"name": RULE, "direction": "in", "action": "allow", "protocol": "TCP", "localport": "8392"},
        {"name": RULE, "direction": "in", "action": "block", "protocol": "TCP", "localport": "8391"},
        {"name": "Other rule", "direction": "in", "action": "allow", "protocol": "TCP", "localport": "443"},
    ])
    result = playbook([OPEN], NODE).result(NODE)
    assert result["changed"] is True and len(result["before"]) == 2 and len(result["after"]) == 1, result
    assert [r["localport"] for r in rules_named(sim, NODE)] == ["8391"]
    assert len(rules_named(sim, NODE, "Other rule")) == 1


def test_a_german_node_reads_the_same_rule(sim, playbook):
    set_rules(sim, NODE, [{"name": RULE, "direction": "in", "action": "allow", "protocol": "TCP", "localport": "8391",
                           "profiles": ["domain", "private"]}], locale="de-DE")
    result = playbook([OPEN], NODE).result(NODE)
    assert result["changed"] is False and not result.get("failed"), result


def test_absent_deletes_every_rule_of_the_name_once(sim, playbook):
    set_rules(sim, NODE, [{"name": RULE, "localport": "8391"}, {"name": RULE, "localport": "8392"}])
    remove = task(name=RULE, state="absent")
    first = playbook([remove], NODE).result(NODE)
    assert first["changed"] is True and first["after"] == [] and rules_named(sim, NODE) == [], first
    second = playbook([remove], NODE).result(NODE)
    assert second["changed"] is False and second["round_trips"] == 1


def test_the_rule_opens_the_port_for_another_node(sim, playbook):
    set_rules(sim, NODE, [], network={"ip_addresses": ["10.0.0.20"], "listeners": [{"port": 8391}]})
    probe = {"name": "Probe", "irops.remediation.tcp_probe": {"host": "10.0.0.20", "port": 8391}}
    assert playbook([probe], "missing").result("missing")["reachable"] is False
    assert playbook([OPEN], NODE).result(NODE)["changed"] is True
    assert playbook([probe], "missing").result("missing")["reachable"] is True


def test_one_rule_is_changed_in_place_and_keeps_what_the_module_does_not_manage(sim, playbook):
    set_rules(sim, NODE, [{"name": RULE, "direction": "in", "action": "allow", "protocol": "TCP", "localport": "8392",
                           "remoteport": "50000"}])
    result = playbook([OPEN], NODE).result(NODE)
    assert result["changed"] is True and not result.get("failed") and result["round_trips"] == 2, result
    [rule] = rules_named(sim, NODE)
    assert rule["localport"] == "8391" and rule["remoteport"] == "50000"  # delete + add would have lost it
    assert [argv[3] for argv in sim.commands(NODE) if argv[3] != "show"] == ["set"]


def test_a_failed_set_leaves_the_rule_as_it_was_and_says_what_the_node_has(sim, playbook):
    set_rules(sim, NODE, [{"name": RULE, "direction": "in", "action": "allow", "protocol": "TCP", "localport": "8392"}])
    digest = sim.digest(NODE)
    sim.fault(NODE, {"match": "netsh advfirewall firewall set", "exit_code": 1,
                     "stdout": "\r\nThe requested operation requires elevation (Run as administrator).\r\n\r\n"})
    result = playbook([OPEN], NODE).result(NODE)
    assert result.get("failed") is True and result["changed"] is False, result
    assert "The node now has" in result["msg"] and "8392" in result["msg"], result["msg"]
    assert sim.digest(NODE) == digest


def test_a_failed_replace_of_duplicates_is_undone_on_the_node_in_the_same_script(sim, playbook):
    duplicates = [{"name": RULE, "direction": "in", "action": "allow", "protocol": "TCP", "localport": port}
                  for port in ("8392", "8393")]
    set_rules(sim, NODE, duplicates)
    sim.fault(NODE, {"match": "netsh advfirewall firewall add", "occurrence": 1, "exit_code": 1,
                     "stdout": "\r\nThe requested operation requires elevation (Run as administrator).\r\n\r\n"})
    result = playbook([OPEN], NODE).result(NODE)
    assert result.get("failed") is True and result["undone"] is True and result["round_trips"] == 2, result
    assert "added back on the node" in result["msg"], result["msg"]
    assert sorted(r["localport"] for r in rules_named(sim, NODE)) == ["8392", "8393"]


def test_a_dropped_connection_during_a_replace_still_leaves_rules_on_the_node(sim, playbook):
    duplicates = [{"name": RULE, "direction": "in", "action": "allow", "protocol": "TCP", "localport": port}
                  for port in ("8392", "8393")]
    set_rules(sim, NODE, duplicates)
    sim.fault(NODE, {"match": "netsh advfirewall firewall delete", "action": "drop_connection"})
    run = playbook([OPEN], NODE)
    assert "UNREACHABLE" in run.output, run.output
    assert [r["localport"] for r in rules_named(sim, NODE)] == ["8391"]  # the script ran on to its end


def test_a_german_node_without_the_rule_adds_it(sim, playbook):
    """'Keine Regeln stimmen mit den angegebenen Kriterien überein.' (the published German
    no-match message, which the simulator prints) reads as no rule."""
    set_rules(sim, NODE, [], locale="de-DE")
    result = playbook([OPEN], NODE).result(NODE)
    assert result["changed"] is True and not result.get("failed") and result["before"] == [], result
    assert netsh_verbs(sim, NODE) == ["show", "add", "show"] and len(rules_named(sim, NODE)) == 1


def test_a_show_that_answers_with_an_error_is_not_an_absent_rule(sim, playbook):
    """'show rule' answers with an error (fault: exit code 1 and netsh's elevation message, as
    published for 'add rule' in LAB02-Research/HASS.Agent#48) while the rule exists: the task
    fails naming the text; it neither adds a duplicate nor reports the rule absent."""
    set_rules(sim, NODE, [{"name": RULE, "direction": "in", "action": "allow", "protocol": "TCP", "localport": "8392"}])
    digest = sim.digest(NODE)
    sim.fault(NODE, {"match": "netsh advfirewall firewall show", "count": 2, "exit_code": 1,
                     "stdout": "The requested operation requires elevation (Run as administrator).\r\n\r\n"})
    for wanted in (OPEN, task(name=RULE, state="absent")):
        result = playbook([wanted], NODE).result(NODE)
        assert result.get("failed") is True and "requires elevation" in result["msg"], result
        assert "not taken as absent" in result["msg"]
    assert netsh_verbs(sim, NODE) == ["show", "show"] and sim.digest(NODE) == digest


BAD_INPUT = [
    ({"port": 0}, "1 to 65535", "0"),
    ({"port": 70000}, "1 to 65535", "70000"),
    ({"name": "Scale Out; netsh advfirewall reset"}, "rule name", "'Scale Out; netsh advfirewall reset'"),
    ({"name": "Master's port"}, "rule name", "\"Master's port\""),
    ({"name": 'Master "port"'}, "rule name", "'Master \"port\"'"),
    ({"profiles": ["office"]}, "domain, private, public", "office"),
]


def bad_task(args) -> dict:
    return task(**dict(OPEN["irops.remediation.firewall_rule"], **args))


@pytest.fixture(scope="module")
def bad_input(bad_input_play):
    """Every bad value of this module as its own task of one ansible-playbook run (tests/e2e/conftest.py)."""
    return bad_input_play("firewall_rule", NODE, [bad_task(case[0]) for case in BAD_INPUT])


@pytest.mark.xdist_group("bad_input_firewall_rule")
@pytest.mark.parametrize("args, fragment, shown", BAD_INPUT)
def test_bad_input_fails_before_any_command(bad_input, args, fragment, shown):
    bad_input.case(bad_task(args)).assert_refused_before_any_command(fragment, shown)
