"""playbooks/scaleout_add_worker.yml and playbooks/remediate_scaleout.yml across two simulated nodes: the master
(also ssisdb_sql) and a worker. Each certificate is read from the node that holds it; nothing is copied by hand.

Both playbooks read the issue-12 node facts (system, scaleout_master_settings, ...) and use
irops.remediation.ssisdb: these tests are skipped until node_facts has those subsets and plugins/action/ssisdb.py
exists."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

import dev
from ansible_collections.irops.remediation.plugins.plugin_utils import _facts

ROOT = Path(__file__).resolve().parents[2]
READY = ((ROOT / "plugins" / "action" / "ssisdb.py").exists()
         and {"system", "scaleout_master_settings", "ssisdb"} <= set(_facts.PROBES))
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not READY, reason="needs the issue-12 node facts and irops.remediation.ssisdb")]

MASTER, WORKER = "missing", "healthy"
MASTER_CERT = "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"
WORKER_CERT = "21F5F6B3697E9EF46E28B0FB7AAE5320FA53D878"
CONFIG = "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config"


def run(sim, tmp_path, playbook, *flags):
    inventory = tmp_path / "roles.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {
        MASTER: {"irops_node_roles": ["scaleout_master", "ssisdb_sql"]},
        WORKER: {"irops_node_roles": ["scaleout_worker"]}}}}))
    proc = subprocess.run(["ansible-playbook", "-i", str(sim.inventory), "-i", str(inventory), str(ROOT / playbook),
                           "--limit", f"{MASTER}:{WORKER}", *flags],
                          env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    recap = {host: dict(zip(("ok", "changed", "failed"), map(int, m)))
             for host, *m in re.findall(r"^(\w+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", output, re.M)}
    assert proc.returncode == 0, output
    return recap, output


def worker_restarts(sim):
    return [c["argv"][1].lower() for e in sim.log(WORKER) for c in e.get("native", [])
            if c["argv"][0].lower() in ("sc.exe", "sc") and c["argv"][1].lower() in ("start", "stop")
            and c.get("exit_code") == 0 and c["argv"][2].lower() == "ssisscaleoutworker140"]


def roots(sim, node):
    return {e["thumbprint"].upper() for e in sim.state(node)["cert_stores"]["LocalMachine"]["Root"]}


def test_a_worker_not_connected_is_connected_once(sim, tmp_path):
    sim.load_scenario(MASTER, "scaleout_worker_not_connected:master")
    sim.load_scenario(WORKER, "scaleout_worker_not_connected:worker")
    digests = {n: sim.digest(n) for n in (MASTER, WORKER)}
    recap, output = run(sim, tmp_path, "playbooks/scaleout_add_worker.yml", "--check", "--diff")
    assert recap[WORKER]["changed"] > 0 and {n: sim.digest(n) for n in digests} == digests, output
    sim.clear_log(WORKER)
    recap, output = run(sim, tmp_path, "playbooks/scaleout_add_worker.yml", "--diff")
    assert MASTER_CERT in roots(sim, WORKER) and WORKER_CERT in roots(sim, MASTER), output
    settings = json.loads(sim.file_bytes(WORKER, CONFIG))
    assert settings["MasterEndpoint"].lower().startswith("https://ssismaster01") and settings["MasterEndpoint"].endswith(":8391")
    assert settings["MasterHttpsCertThumbprint"].upper() == MASTER_CERT
    assert worker_restarts(sim) == ["stop", "start"], output
    agents = sim.state(MASTER)["sql"]["instances"]["MSSQLSERVER"]["ssisdb"]["worker_agents"]
    assert [a["IsEnabled"] for a in agents] == [1]
    fixed = {n: sim.digest(n) for n in digests}
    sim.clear_log(WORKER)
    recap, output = run(sim, tmp_path, "playbooks/scaleout_add_worker.yml")
    assert recap[WORKER]["changed"] == 0 and worker_restarts(sim) == [], output
    assert {n: sim.digest(n) for n in digests} == fixed


@pytest.mark.parametrize("scenario, restarted", [
    ("scaleout_pair_healthy", False),
    ("scaleout_pair_binding_missing", True),          # a master-side fix: the worker restarts once
    ("scaleout_worker_master_cert_missing", True),    # a worker-side fix: its own handler restarts it once
])
def test_remediate_scaleout_restarts_each_worker_at_most_once(sim, tmp_path, scenario, restarted):
    sim.load_scenario(MASTER, f"{scenario}:master")
    sim.load_scenario(WORKER, f"{scenario}:worker")
    digests = {n: sim.digest(n) for n in (MASTER, WORKER)}
    recap, output = run(sim, tmp_path, "playbooks/remediate_scaleout.yml", "--check")
    assert {n: sim.digest(n) for n in digests} == digests, output
    assert (sum(r["changed"] for r in recap.values()) == 0) == (scenario == "scaleout_pair_healthy"), output
    sim.clear_log(WORKER)
    recap, output = run(sim, tmp_path, "playbooks/remediate_scaleout.yml")
    assert worker_restarts(sim) == (["stop", "start"] if restarted else []), output
    recap, output = run(sim, tmp_path, "playbooks/remediate_scaleout.yml")
    assert sum(r["changed"] for r in recap.values()) == 0, output
