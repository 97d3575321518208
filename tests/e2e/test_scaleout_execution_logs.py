"""playbooks/scaleout_execution_logs.yml: "Error messages aren't helpful", end to end over WinRM. The task id of an
execution comes from SSISDB on the master (the article's T-SQL), its log folder from the worker's TasksRootFolder."""

from __future__ import annotations

import json
import subprocess

import pytest

import dev
from scenario_proof import PAIR, Scenario, write_inventory

pytestmark = pytest.mark.e2e

TASK = "9F1C2B3A-4D5E-4F60-8A7B-6C5D4E3F2A1B"


def _run(tmp_path, *extra: str) -> subprocess.CompletedProcess:
    nodes = {node: f"scaleout_pair_healthy:{node}" for node in PAIR}
    with dev.simulator(nodes, tmp_path / "winsim") as (_base, generated):
        inventory = tmp_path / "inventory.yml"
        write_inventory(generated, Scenario("scaleout_pair_healthy", (), PAIR), inventory)
        return subprocess.run(["ansible-playbook", "-i", str(inventory),
                               str(dev.ROOT / "playbooks" / "scaleout_execution_logs.yml"), *extra],
                              env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)


def test_the_logs_of_an_execution_come_from_the_worker_that_ran_it(tmp_path):
    run = _run(tmp_path, "-e", "scaleout_execution_id=42", "--check")
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-4000:]
    assert f"{TASK}_1\\\\ExecutionLog.txt" in out
    assert "DTS_E_OLEDBERROR" in out
    assert "changed=0" in out and "changed=1" not in out


def test_an_unknown_execution_says_so(tmp_path):
    run = _run(tmp_path, "-e", "scaleout_execution_id=7")
    assert run.returncode == 0, run.stdout[-4000:]
    assert "SSISDB has no task for execution 7" in run.stdout


def test_a_bad_execution_id_fails_before_anything_runs(tmp_path):
    run = _run(tmp_path, "-e", json.dumps({"scaleout_execution_id": "42; DROP"}))
    assert run.returncode != 0
    assert "Give the execution id" in run.stdout
