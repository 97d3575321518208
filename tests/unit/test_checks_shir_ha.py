"""The SHIR high-availability slice of issue 13 ("Inactive / Running (Limited)", shir-node-inactive-limited): which
other nodes a node probes (the gather input shir_ha_peers, from the settings or the play), the check over facts
shaped as node_facts returns them with the play's peers in context, hostile names refused before anything runs, and
the gather against a simulated pair that shares one network (one round trip, the digest unchanged)."""

from __future__ import annotations

import copy

import pytest
from noderunner import NodeAction
from winsim_helpers import make_node

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks, _facts, _gathering, _ha
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandRunner
from winsim.network import Fabric

ENTRY = "shir-node-inactive-limited"


def run(facts, settings=None, context=None):
    return _checks.CHECKS["shir_ha_nodes_reachable"].func(facts, _checks.validate_settings(settings or {}), context)


def peer(name, resolved=True, reachable=True, host=None, addresses=("10.0.1.12",)):
    return {"name": name, "host": host, "resolved": resolved, "addresses": list(addresses) if resolved else [],
            "error": None if resolved else "Exception calling \"GetHostAddresses\" with \"1\" argument(s): "
                                           "\"No such host is known\"", "reachable": reachable}


def facts_of(*peers, allowed=("Integration Runtime HA",), blocked=(), listening=True, hostname="SHIR01",
             source="settings.shir_ha_nodes", outside=()):
    return {"system": {"hostname": hostname, "domain": "contoso.local", "fqdn": f"{hostname}.contoso.local"},
            "shir_ha_reach": {"port": 8060, "source": source, "peers": list(peers), "outside_play": list(outside),
                              "listening": listening if peers else None,
                              "inbound": {"allowed_by": list(allowed), "blocked_by": list(blocked), "error": None}},
            "gather_errors": {}}


def context(own, *others):
    """This node (shir01) and the other hosts of the play, each with its facts."""
    return {"host": "shir01", "roles": ["shir_node"],
            "peers": [{"host": "shir01", "roles": ["shir_node"], "facts": own}]
            + [{"host": host, "roles": ["shir_node"], "facts": facts} for host, facts in others],
            "absent": []}


# ------------------------------------------------------------------ the catalog names the check

def test_the_entry_names_the_check_and_the_check_gathers_in_the_first_stage():
    entry = next(e for e in _catalog.load() if e.id == ENTRY)
    assert entry.check == "shir_ha_nodes_reachable" and entry.automation == "automated"
    assert set(_checks.subsets_for(["shir_node"], ["shir_ha_nodes_reachable"])) == {"shir_ha_reach", "system", "shir_service"}
    assert _facts.PROBES["shir_ha_reach"].follow_up is None and _facts.inputs_of(["shir_ha_reach"]) == [_ha.INPUT]


# ------------------------------------------------------------------ the check

def test_every_peer_resolves_and_answers_and_the_rule_is_there_passes():
    status, evidence = run(facts_of(peer("SHIR02")))
    assert status == "pass", evidence
    assert "SHIR02 (10.0.1.12) answers on TCP 8060" in evidence and "Integration Runtime HA allows TCP 8060" in evidence


def test_a_name_that_does_not_resolve_fails_naming_it_and_the_fix_from_an_address_the_operator_gives():
    status, evidence = run(facts_of(peer("SHIR02", resolved=False, reachable=False)))
    assert status == "fail"
    assert "the HA node SHIR02 does not resolve on this node" in evidence and "No such host is known" in evidence
    assert "shir_node_peer_addresses {SHIR02: <address>}" in evidence and "same domain" in evidence


def test_a_peer_that_does_not_answer_fails_and_its_own_facts_say_why():
    own = facts_of(peer("SHIR02", reachable=False, host="shir02"))
    theirs = facts_of(peer("SHIR01", host="shir01", addresses=("10.0.1.11",)), allowed=(), hostname="SHIR02")
    status, evidence = run(own, context=context(own, ("shir02", theirs)))
    assert status == "fail"
    assert "SHIR02 (10.0.1.12) does not answer on TCP 8060 from this node" in evidence
    assert "shir02 has no enabled inbound rule allowing TCP 8060: the fix is on shir02" in evidence
    # a peer named by the settings is found in the play by the names it answers to
    own = facts_of(peer("shir02.contoso.local", reachable=False))
    status, evidence = run(own, context=context(own, ("shir02", theirs)))
    assert "the fix is on shir02" in evidence
    # and a peer whose facts are not in the play is said to be unknown on that side
    status, evidence = run(own)
    assert status == "fail" and "its own facts are not in this play" in evidence


def test_a_peer_that_listens_and_allows_the_port_points_at_the_network():
    own = facts_of(peer("SHIR02", reachable=False, host="shir02"))
    theirs = facts_of(peer("SHIR01", host="shir01"), hostname="SHIR02")
    status, evidence = run(own, context=context(own, ("shir02", theirs)))
    assert status == "fail" and "the network between the nodes blocks it" in evidence


def test_this_nodes_own_missing_or_blocking_rule_fails_even_when_every_peer_answers():
    status, evidence = run(facts_of(peer("SHIR02"), allowed=()))
    assert status == "fail"
    assert "no enabled inbound firewall rule allows TCP 8060 on this node" in evidence
    assert "irops.remediation.firewall_rule" in evidence
    status, evidence = run(facts_of(peer("SHIR02"), blocked=("Block 8000-9000",)))
    assert status == "fail" and "Block 8000-9000 block TCP 8060" in evidence


def test_the_entry_naming_this_node_itself_is_not_a_peer():
    # the operator lists every node; this node drops its own name (its host name or FQDN)
    status, evidence = run(facts_of(peer("SHIR01", addresses=("10.0.1.11",)), peer("shir02.contoso.local")))
    assert status == "pass" and "SHIR01" not in evidence.split("answers")[0]
    status, evidence = run(facts_of(peer("shir01.contoso.local", addresses=("10.0.1.11",))))
    assert status == "not_applicable", evidence


def test_a_single_node_ir_is_not_applicable_in_the_articles_words():
    status, evidence = run(facts_of(source="play"))
    assert status == "not_applicable"
    assert "nodes can't communicate with each other" in evidence and "settings.shir_ha_nodes" in evidence


def test_ha_nodes_of_the_inventory_outside_the_play_make_it_unknown():
    status, evidence = run(facts_of(source="play", outside=["shir02"]))
    assert status == "unknown" and "shir02 (shir_node) are in the inventory but not in this play" in evidence


def test_another_remote_access_port_is_unknown():
    status, evidence = run(facts_of(peer("SHIR02")), {"shir_remote_access_port": 8061})
    assert status == "unknown" and "probes only TCP 8060" in evidence
    assert run(facts_of(peer("SHIR02")), {"shir_remote_access_port": "8060"})[0] == "pass"


def test_nothing_listening_on_8060_here_is_unknown_unless_something_fails():
    status, evidence = run(facts_of(peer("SHIR02"), listening=False))
    assert status == "unknown" and "nothing answers on 127.0.0.1:8060 on this node itself" in evidence
    assert run(facts_of(peer("SHIR02", reachable=False), listening=False))[0] == "fail"


def test_missing_or_unreadable_facts_are_unknown():
    facts = facts_of(peer("SHIR02"))
    del facts["shir_ha_reach"]
    assert run(facts)[0] == "unknown"
    facts = facts_of(peer("SHIR02"))
    facts["shir_ha_reach"]["inbound"] = {"allowed_by": [], "blocked_by": [], "error": "netsh printed nothing"}
    status, evidence = run(facts)
    assert status == "unknown" and "netsh printed nothing" in evidence


# ------------------------------------------------------------------ settings: names reach the node's commands

@pytest.mark.parametrize("name", [
    "SHIR02; Remove-Item C:\\", "$(whoami)", "shir02`n", "a b", "shir02'", "shir02\"", "-ComputerName", "10.0.1.12",
    "x" * 64, "", "shir02\r\n127.0.0.1 evil", "@(1)", "shir02|calc"])
def test_hostile_names_are_refused_before_anything_runs(name):
    with pytest.raises(InvalidValue, match="settings.shir_ha_nodes"):
        _checks.validate_settings({"shir_ha_nodes": ["SHIR01", name]})


def test_the_names_are_a_list_each_once_and_the_port_a_number():
    assert _checks.validate_settings({"shir_ha_nodes": "SHIR01, shir02.contoso.local., shir01"})["shir_ha_nodes"] == [
        "SHIR01", "shir02.contoso.local"]
    with pytest.raises(InvalidValue, match="settings.shir_ha_nodes"):
        _checks.validate_settings({"shir_ha_nodes": {"SHIR01": 1}})
    for bad in (0, 65536, "x", True):
        with pytest.raises(InvalidValue, match="shir_remote_access_port"):
            _checks.validate_settings({"shir_remote_access_port": bad})


# ------------------------------------------------------------------ the gather input: which peers

def play_vars(host, hosts, roles=None, facts=None, outside=(), own=None):
    roles = roles or {}
    hostvars = {name: {"irops_node_roles": roles.get(name, ["shir_node"])} for name in list(hosts) + list(outside)}
    for name, node in (facts or {}).items():
        hostvars[name]["irops_node"] = node
    task_vars = {"hostvars": hostvars, "ansible_play_hosts_all": list(hosts),
                 "groups": {"all": list(hosts) + list(outside)}, "inventory_hostname": host}
    if own is not None:
        task_vars["irops_node"] = own
    return task_vars


def build(settings, task_vars, host):
    return _gathering.inputs_for(["shir_ha_reach"], _checks.validate_settings(settings), task_vars, host)[_ha.INPUT]


def test_the_settings_name_the_peers_first():
    value = build({"shir_ha_nodes": ["shir01", "SHIR02"]}, play_vars("shir01", ["shir01", "shir02"]), "shir01")
    assert value == {"source": "settings.shir_ha_nodes", "peers": [{"name": "SHIR02", "host": None}],
                     "outside_play": []}


def test_else_the_plays_other_shir_nodes_by_inventory_name_or_reported_name():
    hosts = ["shir01", "shir02", "shir03", "sql01"]
    value = build({}, play_vars("shir01", hosts, roles={"sql01": ["ssisdb_sql"]}), "shir01")
    assert value == {"source": "play", "peers": [{"name": "shir02", "host": "shir02"},
                                                 {"name": "shir03", "host": "shir03"}], "outside_play": []}
    reported = {"shir02": {"system": {"hostname": "SHIR02", "fqdn": "SHIR02.contoso.local"}},
                "shir03": {"system": {"hostname": "SHIR03", "fqdn": None}}}
    value = build({}, play_vars("shir01", hosts, roles={"sql01": ["ssisdb_sql"]}, facts=reported), "shir01")
    assert [p["name"] for p in value["peers"]] == ["SHIR02.contoso.local", "SHIR03"]


def test_a_peer_keeps_the_name_it_was_first_probed_by_so_diagnose_reuses_the_facts():
    hosts = ["shir01", "shir02"]
    first = build({}, play_vars("shir01", hosts), "shir01")
    own = {"gathered": {"inputs": {_ha.INPUT: first}}}
    reported = {"shir02": {"system": {"hostname": "SHIR02", "fqdn": "SHIR02.contoso.local"}}}
    again = build({}, play_vars("shir01", hosts, facts=reported, own=own), "shir01")
    assert again == first
    node = {"gathered": {"play": "p", "subsets": ["shir_ha_reach"], "inputs": {_ha.INPUT: first}}}
    assert _gathering.covers(node, ["shir_ha_reach"], "p", {_ha.INPUT: again})


def test_ha_nodes_outside_the_play_are_listed_and_unusable_inventory_names_not_probed():
    value = build({}, play_vars("shir01", ["shir01", "bad name"], outside=["shir09"]), "shir01")
    assert value["outside_play"] == ["shir09"]
    assert value["peers"] == [{"name": None, "host": "bad name"}]
    assert _ha.commands(value) == []
    facts = _ha.parse(value, [])
    assert facts["peers"][0]["error"].startswith("the inventory name 'bad name'") and facts["listening"] is None


# ------------------------------------------------------------------ against a simulated pair

def pair(scenario):
    """The two nodes of a SHIR scenario on one network (as the simulator's server builds them)."""
    fabric = Fabric()
    nodes = {}
    for role in ("shir01", "shir02"):
        node = make_node(f"{scenario}:{role}", role)
        node.fabric = fabric
        fabric.nodes[role] = node
        fabric.add_scenario_network(node.network, role)
        nodes[role] = node
    return nodes


def gather_pair(scenario, settings=None):
    """node_facts' gather on each node with the play's two hosts; the check of each with the other as its peer."""
    nodes = pair(scenario)
    needs = _checks.subsets_for(["shir_node"], ["shir_ha_nodes_reachable"])
    settings = _checks.validate_settings({"shir_ha_nodes": ["SHIR01", "SHIR02"]} if settings is None else settings)
    gathered = {}
    for host, node in nodes.items():
        before = node.state.digest()
        action = NodeAction(node)
        runner = CommandRunner(action, check_mode=True)
        inputs = _gathering.inputs_for(needs, settings, play_vars(host, list(nodes)), host)
        gathered[host] = _gathering.gather(runner, needs, ["shir_node"], "play", inputs)
        assert gathered[host]["gather_errors"] == {} and action.calls == 1
        assert node.state.digest() == before
    verdicts = {}
    for host in nodes:
        ctx = {"host": host, "roles": ["shir_node"], "absent": [],
               "peers": [{"host": name, "roles": ["shir_node"], "facts": facts} for name, facts in gathered.items()]}
        verdicts[host] = _checks.CHECKS["shir_ha_nodes_reachable"].func(gathered[host], settings, ctx)
    return gathered, verdicts


def test_the_healthy_pair_passes_on_both_nodes():
    gathered, verdicts = gather_pair("shir_healthy")
    assert {host: status for host, (status, _e) in verdicts.items()} == {"shir01": "pass", "shir02": "pass"}, verdicts
    reach = gathered["shir01"]["shir_ha_reach"]
    assert reach["listening"] is True and reach["inbound"]["allowed_by"] == ["Integration Runtime HA"]
    # SHIR01 is this host's inventory name (case aside): not probed
    assert [(p["name"], p["addresses"], p["reachable"]) for p in reach["peers"]] == [("SHIR02", ["10.0.1.12"], True)]


def test_port_8060_closed_on_shir01_fails_there_and_on_the_node_that_cannot_reach_it():
    _gathered, verdicts = gather_pair("shir_ha_port_8060_closed")
    (own, own_text), (other, other_text) = verdicts["shir01"], verdicts["shir02"]
    assert own == "fail" and "no enabled inbound firewall rule allows TCP 8060 on this node" in own_text
    assert "SHIR02 (10.0.1.12) answers on TCP 8060" in own_text
    assert other == "fail" and "SHIR01 (10.0.1.11) does not answer on TCP 8060 from this node" in other_text
    assert "shir01 has no enabled inbound rule allowing TCP 8060: the fix is on shir01" in other_text


def test_a_peer_name_unresolvable_fails_only_on_the_node_that_cannot_resolve_it():
    _gathered, verdicts = gather_pair("shir_ha_peer_name_unresolvable")
    assert verdicts["shir02"][0] == "pass", verdicts["shir02"]
    status, evidence = verdicts["shir01"]
    assert status == "fail" and "the HA node SHIR02 does not resolve on this node" in evidence
    assert "No such host is known" in evidence
    # the play's names: each node probes the other by its inventory name, which this simulated DNS knows too
    _gathered, verdicts = gather_pair("shir_ha_peer_name_unresolvable", {})
    assert verdicts["shir01"][0] == "fail" and "shir02 does not resolve" in verdicts["shir01"][1]


def test_a_hosts_entry_with_the_operators_address_makes_it_resolve():
    nodes = pair("shir_ha_peer_name_unresolvable")
    node = nodes["shir01"]
    state = copy.deepcopy(node.state.to_json())
    assert node.fabric.resolve(node.state, "SHIR02") is None
    from winsim.node import HOSTS_PATH, NodeState
    import base64
    state["files"][HOSTS_PATH] = {"base64": base64.b64encode(b"10.0.1.12\tSHIR02\r\n").decode()}
    assert node.fabric.resolve(NodeState.from_json(state), "SHIR02") == "10.0.1.12"


def test_a_stopped_service_leaves_this_node_unreachable_and_says_so():
    facts = facts_of(peer("SHIR02"), listening=False)
    facts["shir_service"] = {"state": "stopped", "start_type": "auto", "account": "NT SERVICE\\DIAHostService"}
    status, evidence = run(facts)
    assert status == "fail" and "DIAHostService is stopped" in evidence and "azuressis-shir-offline-2010" in evidence
