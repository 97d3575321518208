"""node_facts end to end (issue 12): real ansible-playbook over WinRM reads what each node of a Scale Out
holds (host name, settings files, services, inbound firewall, the master's reach from the worker) in one
round trip, two on a worker (the shared second stage), and changes nothing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from simulator_control import Simulator
from winsim.scenario import roles

import dev

pytestmark = pytest.mark.e2e

MASTER_CERT = "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"
WORKER_CERT = "21F5F6B3697E9EF46E28B0FB7AAE5320FA53D878"


def gather(scenario: str, workdir: Path) -> tuple[dict, dict, dict]:
    """Start a simulator with every node of ``scenario``, run node_facts on all of them; return each
    host's registered result, the state digests before and after."""
    nodes = _nodes(scenario)
    with dev.simulator(nodes, workdir / "winsim") as (base, inventory):
        sim = Simulator(base, Path(inventory))
        before = {node: sim.digest(node) for node in nodes}
        out = workdir / "results"
        out.mkdir()
        play = [{"name": "Facts", "hosts": "all", "gather_facts": False, "tasks": [
            {"name": "Read the node", "irops.remediation.node_facts": {}, "register": "facts"},
            {"name": "Save", "ansible.builtin.copy": {"content": "{{ facts | to_json }}",
                                                      "dest": f"{out}/{{{{ inventory_hostname }}}}.json", "mode": "0600"},
             "delegate_to": "localhost"}]}]
        path = workdir / "play.yml"
        path.write_text(yaml.safe_dump(play, sort_keys=False))
        proc = subprocess.run(["ansible-playbook", "-i", str(inventory), str(path)],
                              env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        after = {node: sim.digest(node) for node in nodes}
        assert sim.refusals() == []
    return {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}, before, after


def _nodes(scenario: str) -> dict:
    """Every node of a group scenario, named by its role."""
    return {role: f"{scenario}:{role}" for role in roles(scenario)}


def test_the_healthy_pair_reads_as_it_is(tmp_path):
    results, before, after = gather("scaleout_pair_healthy", tmp_path)
    assert before == after
    master, worker = results["master"], results["worker"]
    assert (master["round_trips"], worker["round_trips"]) == (1, 2)
    facts = master["ansible_facts"]["irops_node"]
    assert facts["gather_errors"] == {}
    assert facts["system"] == {"hostname": "SSISMASTER01", "domain": "contoso.local", "fqdn": "SSISMASTER01.contoso.local"}
    settings = facts["scaleout_master_settings"]
    assert (settings["version"], settings["service"], settings["port"], settings["thumbprint"],
            settings["sql_server_name"]) == (140, "SSISScaleOutMaster140", 8391, MASTER_CERT, "SSISMASTER01")
    services = facts["services"]
    assert services["SSISScaleOutMaster140"] == {"state": "running", "start_type": "auto",
                                                 "account": "NT Service\\SSISScaleOutMaster140"}
    assert services["RemoteRegistry"]["state"] == "running" and services["MSSQLSERVER"]["state"] == "running"
    assert services["SSISScaleOutWorker140"] is None and services["SSISScaleOutMaster150"] is None
    assert {"name": "SSIS Scale Out Master", "enabled": True, "action": "allow", "protocol": "TCP",
            "localports": "8391"} in facts["firewall_inbound"]["rules"]
    assert facts["scaleout_worker_settings"] is None and facts["scaleout_master_reach"] is None

    facts = worker["ansible_facts"]["irops_node"]
    assert facts["gather_errors"] == {}
    assert facts["system"]["hostname"] == "SSISWORKER01" and facts["scaleout_master_settings"] is None
    found = facts["scaleout_worker_settings"]
    assert (found["version"], found["service"], found["account"], found["master_host"], found["master_port"],
            found["worker_thumbprint"], found["agent_id"]) == (
        140, "SSISScaleOutWorker140", "NT Service\\SSISScaleOutWorker140", "SSISMASTER01", 8391, WORKER_CERT,
        "5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E")
    assert facts["scaleout_master_reach"] == {"host": "SSISMASTER01", "port": 8391, "resolved": True,
                                              "addresses": ["10.0.0.11"], "reachable": True, "error": None}
    assert facts["services"]["SSISScaleOutWorker140"]["state"] == "running"
    assert facts["services"]["RemoteRegistry"] == {"state": "running", "start_type": "auto",
                                                   "account": "NT AUTHORITY\\LocalService"}
    assert facts["firewall_inbound"] == {"rules": []}
    assert facts["scaleout_master_cert"]["thumbprint"] == MASTER_CERT


def test_ssisdb_on_its_own_sql_server(tmp_path):
    results, before, after = gather("scaleout_ssisdb_separate_sql", tmp_path)
    assert before == after
    assert {host: result["round_trips"] for host, result in results.items()} == {"master": 1, "worker": 2, "sql": 1}
    master = results["master"]["ansible_facts"]["irops_node"]
    sql = results["sql"]["ansible_facts"]["irops_node"]
    assert master["scaleout_master_settings"]["sql_server_name"] == "SSISSQL01"
    assert master["services"]["MSSQLSERVER"] is None
    assert sql["system"]["fqdn"] == "SSISSQL01.contoso.local"
    assert sql["services"]["MSSQLSERVER"]["state"] == "running" and sql["scaleout_master_settings"] is None
    assert [rule["localports"] for rule in sql["firewall_inbound"]["rules"]] == ["1433"]
    assert all(result["ansible_facts"]["irops_node"]["gather_errors"] == {} for result in results.values())
