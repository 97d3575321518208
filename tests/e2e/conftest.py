"""End-to-end harness: real ansible-playbook -> winrm connection plugin -> pywinrm -> HTTP ->
the simulated Windows node (tests/simulator), started once per test session."""

from __future__ import annotations

import base64
import json
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

import dev

NODES = {
    "healthy": "scaleout_master_healthy",
    "missing": "scaleout_master_binding_missing",
    "wrong": "scaleout_master_binding_wrong_cert",
    "v2022": "scaleout_master_binding_2022",
}


class Simulator:
    """The simulator's control API (tests/simulator/README.md)."""

    def __init__(self, base: str, inventory: Path):
        self.base, self.inventory = base, inventory
        self.swapped: set = set()  # nodes given another scenario by load_scenario

    def _call(self, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method="GET" if body is None else "POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    def state(self, node: str) -> dict:
        return self._call(f"/_sim/nodes/{node}/state")["state"]

    def digest(self, node: str) -> str:
        return self._call(f"/_sim/nodes/{node}/state")["digest"]

    def log(self, node: str) -> list:
        """One entry per WinRM command (round trip) the node received."""
        return self._call(f"/_sim/nodes/{node}/log")["log"]

    def commands(self, node: str) -> list[list[str]]:
        """argv of every native command the node ran, in order."""
        return [command["argv"] for entry in self.log(node) for command in entry.get("native", [])]

    def reset(self, node: str) -> None:
        self._call(f"/_sim/nodes/{node}/reset", {})

    def load_state(self, node: str, state: dict) -> None:
        """Replace the node's state (the shape of ``state(node)``); faults stay."""
        self._call(f"/_sim/nodes/{node}/state", {"state": state})

    def load_scenario(self, node: str, scenario: str) -> None:
        """Give the node another scenario's state (its network joins the fabric) for this test;
        the ``sim`` fixture gives the node its own scenario back before the next test."""
        self.swapped.add(node)
        self._call(f"/_sim/nodes/{node}/state", {"scenario": scenario})

    def network(self, section: dict) -> dict:
        """Merge a scenario ``network:`` section (dns, hosts, revoked) into the process-wide fabric."""
        return self._call("/_sim/network", section)

    def put_files(self, node: str, files: dict) -> None:
        """Add or replace files on the node: Windows path -> bytes."""
        state = self.state(node)
        state["files"] = dict(state.get("files", {}), **{path: {"base64": base64.b64encode(data).decode()}
                                                         for path, data in files.items()})
        self.load_state(node, state)

    def file_bytes(self, node: str, path: str) -> bytes | None:
        """A file's bytes on the node (the path compared case-insensitively, as Windows does), or None."""
        for name, spec in self.state(node)["files"].items():
            if name.lower() == path.lower():
                return base64.b64decode(spec["base64"])
        return None

    def clear_log(self, node: str) -> None:
        self._call(f"/_sim/nodes/{node}/log/clear", {})

    def clear_refusals(self) -> None:
        self._call("/_sim/refusals/clear", {})

    def fault(self, node: str, spec: dict) -> None:
        """Replace the node's faults with this one."""
        self._call(f"/_sim/nodes/{node}/faults", [spec])

    def refusals(self) -> list:
        return self._call("/_sim/refusals")["refusals"]


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
