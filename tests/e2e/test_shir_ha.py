"""The SHIR high-availability entry end to end (issue 13, "Name resolution and ports": shir-node-inactive-limited):
two simulated nodes of a HA pair, node_facts then diagnose through real ansible-playbook over WinRM, then the
shir_node role's tasks/ha.yml (the inbound rule for TCP 8060, a hosts entry from the address the operator gives):
check mode changes nothing, the apply fixes the entry, a second apply changes nothing."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

import dev

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ENTRY = "shir-node-inactive-limited"
# two nodes of the session's simulator, given the scenario's shir01 and shir02 for each test
FIRST, SECOND = "healthy", "missing"
NODES = {FIRST: "shir01", SECOND: "shir02"}
SETTINGS = {"shir_ha_nodes": ["SHIR01", "SHIR02"]}
HA_VARS = {"shir_node_ha_nodes": ["SHIR01", "SHIR02"],
           "shir_node_peer_addresses": {"SHIR01": "10.0.1.11", "SHIR02": "10.0.1.12"}}


def play(sim, tmp_path, tasks, *flags, play_vars=None):
    """Run tasks on both nodes (roles from an inventory of host vars); per host: the results and the recap."""
    inventory = tmp_path / "roles.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {host: {"irops_node_roles": ["shir_node"]}
                                                           for host in NODES}}}))
    out = tmp_path / "results"
    out.mkdir(exist_ok=True)
    for old in out.glob("*.json"):
        old.unlink()
    names = [f"irops_result_{i}" for i in range(len(tasks))]
    wrapped = [dict(task, register=name) for task, name in zip(tasks, names)]
    wrapped.append({"name": "Save the results", "ansible.builtin.copy": {
        "content": "{{ [" + ", ".join(names) + "] | to_json }}", "dest": f"{out}/{{{{ inventory_hostname }}}}.json",
        "mode": "0600"}, "delegate_to": "localhost", "check_mode": False, "diff": False})
    path = tmp_path / "play.yml"
    path.write_text(yaml.safe_dump([{"name": "ha", "hosts": f"{FIRST}:{SECOND}", "gather_facts": False,
                                     "vars": play_vars or {}, "tasks": wrapped}], sort_keys=False))
    proc = subprocess.run(["ansible-playbook", "-i", str(sim.inventory), "-i", str(inventory), str(path), *flags],
                          env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    # changed without the task that saves the results (it writes a new file each run)
    recap = {host: dict(zip(("ok", "changed", "failed"), (int(m[0]), int(m[1]) - 1, int(m[2])))) for host, *m in re.findall(
        r"^(\w+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", output, re.M)}
    results = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
    return results, recap, output


DIAGNOSE = [{"name": "Facts", "irops.remediation.node_facts": {"node_roles": ["shir_node"], "settings": SETTINGS}},
            {"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": ["shir_node"], "settings": SETTINGS}}]
FIX = [{"name": "HA fixes",
        "ansible.builtin.include_role": {"name": "irops.remediation.shir_node", "tasks_from": "ha"}}]


def diagnose(sim, tmp_path):
    """Per host: (the finding of the entry, the ids of every failing finding); one round trip each, facts reused."""
    results, _recap, output = play(sim, tmp_path, DIAGNOSE, "--check")
    found = {}
    for host in NODES:
        facts, result = results[host]
        # two: the second stage reads the remote-access key ACL and verifies its chain
        assert facts["round_trips"] == 2 and result["facts_reused"] and result["round_trips"] == 0, output
        assert facts["ansible_facts"]["irops_node"]["gather_errors"] == {}, output
        finding = next(f for f in result["findings"] if f["id"] == ENTRY)
        found[host] = (finding, {f["id"] for f in result["findings"] if f["status"] == "fail"})
    return found


def load(sim, scenario):
    for host, role in NODES.items():
        sim.load_scenario(host, f"{scenario}:{role}")
    return {host: sim.digest(host) for host in NODES}


def test_the_healthy_pair_passes_on_both_nodes_and_the_fixes_change_nothing(sim, tmp_path):
    digests = load(sim, "shir_healthy")
    found = diagnose(sim, tmp_path)
    assert {host: (f["status"], failing) for host, (f, failing) in found.items()} == {
        FIRST: ("pass", set()), SECOND: ("pass", set())}, found
    assert "SHIR02 (10.0.1.12) answers on TCP 8060" in found[FIRST][0]["evidence"]
    # the scenario's own rule "Integration Runtime HA" already allows 8060: no second rule, no hosts entry
    _results, recap, output = play(sim, tmp_path, FIX, play_vars=HA_VARS)
    assert all(recap[host]["changed"] == 0 for host in NODES), output
    assert {host: sim.digest(host) for host in NODES} == digests


def test_port_8060_closed_on_shir01_is_named_and_the_inbound_rule_fixes_it(sim, tmp_path):
    digests = load(sim, "shir_ha_port_8060_closed")
    found = diagnose(sim, tmp_path)
    (own, own_failing), (other, other_failing) = found[FIRST], found[SECOND]
    # shir01 fails for its own missing rule; shir02 for the node it cannot reach, and says the fix is on shir01
    assert own["status"] == "fail" and own_failing == {ENTRY}, own
    assert "no enabled inbound firewall rule allows TCP 8060 on this node" in own["evidence"]
    assert other["status"] == "fail" and other_failing == {ENTRY}, other
    assert "SHIR01 (10.0.1.11) does not answer on TCP 8060 from this node" in other["evidence"]
    assert f"{FIRST} has no enabled inbound rule allowing TCP 8060: the fix is on {FIRST}" in other["evidence"]

    _results, recap, output = play(sim, tmp_path, FIX, "--check", "--diff", play_vars=HA_VARS)
    assert recap[FIRST]["changed"] == 1 and recap[SECOND]["changed"] == 0, output
    assert {host: sim.digest(host) for host in NODES} == digests
    results, recap, output = play(sim, tmp_path, FIX, play_vars=HA_VARS)
    assert recap[FIRST]["changed"] == 1 and recap[SECOND]["changed"] == 0, output
    rules = [r for r in sim.state(FIRST)["firewall"]["rules"] if r["name"] == "Integration Runtime HA 8060"]
    assert len(rules) == 1 and str(rules[0]["localport"]) == "8060" and rules[0]["action"] == "allow", rules
    fixed = {host: sim.digest(host) for host in NODES}
    _results, recap, output = play(sim, tmp_path, FIX, play_vars=HA_VARS)
    assert all(recap[host]["changed"] == 0 for host in NODES), output
    assert {host: sim.digest(host) for host in NODES} == fixed
    found = diagnose(sim, tmp_path)
    assert {host: (f["status"], failing) for host, (f, failing) in found.items()} == {
        FIRST: ("pass", set()), SECOND: ("pass", set())}, found


def test_a_peer_name_that_does_not_resolve_is_mapped_from_the_address_given(sim, tmp_path):
    digests = load(sim, "shir_ha_peer_name_unresolvable")
    found = diagnose(sim, tmp_path)
    (own, own_failing), (other, _other_failing) = found[FIRST], found[SECOND]
    assert own["status"] == "fail" and own_failing == {ENTRY}, own
    assert "the HA node SHIR02 does not resolve on this node" in own["evidence"]
    assert "No such host is known" in own["evidence"] and "shir_node_peer_addresses" in own["evidence"]
    assert other["status"] == "pass", other

    # without an address for SHIR02 nothing is written: an address is never guessed
    _results, recap, output = play(sim, tmp_path, FIX, play_vars=dict(HA_VARS, shir_node_peer_addresses={}))
    assert all(recap[host]["changed"] == 0 for host in NODES), output
    assert {host: sim.digest(host) for host in NODES} == digests

    _results, recap, output = play(sim, tmp_path, FIX, "--check", "--diff", play_vars=HA_VARS)
    assert recap[FIRST]["changed"] == 1 and recap[SECOND]["changed"] == 0, output
    assert {host: sim.digest(host) for host in NODES} == digests
    _results, recap, output = play(sim, tmp_path, FIX, play_vars=HA_VARS)
    assert recap[FIRST]["changed"] == 1 and recap[SECOND]["changed"] == 0, output
    hosts = sim.file_bytes(FIRST, "C:\\Windows\\System32\\drivers\\etc\\hosts") or b""
    # only SHIR02, the name that did not resolve there; SHIR01 (itself) resolves and gets no line
    assert re.search(rb"^10\.0\.1\.12\s+SHIR02\s*$", hosts, re.M) and b"SHIR01" not in hosts, hosts
    assert sim.digest(SECOND) == digests[SECOND]
    fixed = {host: sim.digest(host) for host in NODES}
    _results, recap, output = play(sim, tmp_path, FIX, play_vars=HA_VARS)
    assert all(recap[host]["changed"] == 0 for host in NODES), output
    assert {host: sim.digest(host) for host in NODES} == fixed
    found = diagnose(sim, tmp_path)
    assert {host: (f["status"], failing) for host, (f, failing) in found.items()} == {
        FIRST: ("pass", set()), SECOND: ("pass", set())}, found
