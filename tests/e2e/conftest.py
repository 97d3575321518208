"""End-to-end harness: real ansible-playbook -> winrm connection plugin -> pywinrm -> HTTP ->
the simulated Windows node (tests/simulator), started once per test session."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

import dev
from simulator_control import Simulator

NODES = {
    "healthy": "scaleout_master_healthy",
    "missing": "scaleout_master_binding_missing",
    "wrong": "scaleout_master_binding_wrong_cert",
    "v2022": "scaleout_master_binding_2022",
}


@dataclass
class PlaybookRun:
    rc: int
    output: str
    results: dict  # host -> [result of task 1, result of task 2, ...]

    def result(self, host: str, index: int = 0) -> dict:
        return self.results[host][index]


@pytest.fixture(scope="session")
def simulator(tmp_path_factory):
    with dev.simulator(NODES, tmp_path_factory.mktemp("winsim")) as (base, inventory):
        yield Simulator(base, Path(inventory))


@pytest.fixture
def sim(simulator):
    """The simulator with every node back at its scenario's state; no command refused."""
    for node in NODES:
        if node in simulator.swapped:
            simulator._call(f"/_sim/nodes/{node}/state", {"scenario": NODES[node]})
        simulator.reset(node)
    simulator.swapped.clear()
    simulator.clear_refusals()  # a refusal fails the test that caused it, not the ones after it
    yield simulator
    assert simulator.refusals() == [], "the simulator refused commands outside its grammar"


@pytest.fixture
def playbook(sim, tmp_path):
    """Run tasks on hosts with real ansible-playbook; return each task's registered result."""

    def run(tasks: list[dict], hosts: str, *flags: str, vars: dict | None = None) -> PlaybookRun:
        out = tmp_path / "results"
        out.mkdir(exist_ok=True)
        wrapped = [dict(task, register=f"irops_result_{i}", ignore_errors=True) for i, task in enumerate(tasks)]
        names = [f"irops_result_{i}" for i in range(len(tasks))]
        wrapped.append({
            "name": "Save the results on the controller",
            "ansible.builtin.copy": {
                "content": "{{ [" + ", ".join(names) + "] | to_json }}",
                "dest": f"{out}/{{{{ inventory_hostname }}}}.json",
                "mode": "0600",
            },
            "delegate_to": "localhost",
            "check_mode": False,
            "diff": False,
        })
        play = [{"name": "e2e", "hosts": hosts, "gather_facts": False, "vars": vars or {}, "tasks": wrapped}]
        path = tmp_path / "play.yml"
        path.write_text(yaml.safe_dump(play, sort_keys=False))
        proc = subprocess.run(["ansible-playbook", "-i", str(sim.inventory), str(path), *flags],
                              env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True,
                              check=False)
        results = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
        return PlaybookRun(proc.returncode, proc.stdout + proc.stderr, results)

    return run
