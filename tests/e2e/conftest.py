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


# ---------------------------------------------------------------- bad input: one playbook run per test module

@dataclass
class BadInputCase:
    """One task of a cached bad-input run, with what the node saw while that task ran (snapshots taken by the
    play itself, between tasks, through the control API): the same questions a test asks ``sim``."""
    result: dict
    entries: list          # the node's log entries (round trips) received during this task
    digest_before: str
    digest_after: str
    refused: list          # commands the simulator refused during this task
    node: str

    def log(self, node: str) -> list:
        assert node == self.node, f"this case ran on {self.node}"
        return self.entries

    def commands(self, node: str) -> list[list[str]]:
        return [command["argv"] for entry in self.log(node) for command in entry.get("native", [])]

    def assert_untouched(self) -> None:
        """The node received no round trip during this task and its state did not change."""
        assert self.entries == [] and self.digest_after == self.digest_before, self.entries

    def assert_refused_before_any_command(self, *fragments: str) -> None:
        """The task failed with every fragment in its message, before anything reached the node."""
        message = self.result.get("msg", "")
        assert self.result.get("failed") is True and all(fragment in message for fragment in fragments), message
        self.assert_untouched()


class BadInputRun:
    """The results of one ansible-playbook run of many tasks (each ``ignore_errors``), looked up by task."""

    def __init__(self, output: str, cases: dict):
        self.output, self.cases = output, cases

    def case(self, task: dict) -> BadInputCase:
        key = json.dumps(task, sort_keys=True)
        assert key in self.cases, f"this task was not in the cached run: {task}\n{self.output[-3000:]}"
        found = self.cases[key]
        assert found.refused == [], "the simulator refused commands outside its grammar"
        return found


def _fresh(simulator) -> None:
    """Every node back at its scenario's state, no refusal (what the ``sim`` fixture does before a test)."""
    for node in NODES:
        if node in simulator.swapped:
            simulator._call(f"/_sim/nodes/{node}/state", {"scenario": NODES[node]})  # pylint: disable=protected-access
        simulator.reset(node)
    simulator.swapped.clear()
    simulator.clear_refusals()


def _snapshot(index: int) -> dict:
    """A task that records, on the controller, the node's state digest, log length and the refusal count."""
    def get(path: str) -> str:
        return (f"(lookup('ansible.builtin.url', irops_sim ~ '{path}', split_lines=False, use_proxy=False)"
                " | from_json)")
    node = "/_sim/nodes/' ~ inventory_hostname ~ '"
    return {"name": f"Snapshot {index}", "ansible.builtin.set_fact": {f"irops_snap_{index}": (
        "{{ {'digest': " + get(node + "/state") + ".digest, 'log': " + get(node + "/log") + ".log | length, "
        "'refusals': " + get("/_sim/refusals") + ".refusals | length} }}")}}


@pytest.fixture(scope="session")
def bad_input_play(simulator, tmp_path_factory):
    """Run many bad-input tasks on one node in ONE ansible-playbook run, once per key (a test module's cases):
    ``bad_input_play(key, node, tasks, setup)`` -> BadInputRun. ``setup(simulator)`` prepares the nodes (after
    every node is reset); each task runs with ``ignore_errors`` between snapshots of the node, so a case's
    digest, log and refusals are its own. The run happens once per pytest-xdist worker that gets one of the
    module's cases (at most twice with -n 2). The tests are marked ``xdist_group`` with the key for
    ``--dist loadgroup``, which would give them to one worker; pytest-xdist 3.8.0 here does not group them."""
    cache: dict = {}

    def run(key: str, node: str, tasks: list[dict], setup=None, *flags: str) -> BadInputRun:
        if key in cache:
            return cache[key]
        unique = list({json.dumps(task, sort_keys=True): task for task in tasks}.values())
        _fresh(simulator)
        if setup is not None:
            setup(simulator)
        workdir = tmp_path_factory.mktemp(f"bad-{key}")
        steps = [_snapshot(0)]
        for i, task in enumerate(unique):
            steps += [dict(task, register=f"irops_result_{i}", ignore_errors=True), _snapshot(i + 1)]
        results = "[" + ", ".join(f"irops_result_{i}" for i in range(len(unique))) + "]"
        snaps = "[" + ", ".join(f"irops_snap_{i}" for i in range(len(unique) + 1)) + "]"
        steps.append({"name": "Save the results on the controller", "ansible.builtin.copy": {
            "content": "{{ {'results': " + results + ", 'snaps': " + snaps + "} | to_json }}",
            "dest": f"{workdir}/results.json", "mode": "0600"},
            "delegate_to": "localhost", "check_mode": False, "diff": False})
        play = [{"name": f"bad input: {key}", "hosts": node, "gather_facts": False,
                 "vars": {"irops_sim": simulator.base}, "tasks": steps}]
        path = workdir / "play.yml"
        path.write_text(yaml.safe_dump(play, sort_keys=False))
        proc = subprocess.run(["ansible-playbook", "-i", str(simulator.inventory), str(path), *flags],
                              env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)
        output = proc.stdout + proc.stderr
        saved = workdir / "results.json"
        assert saved.exists(), f"the bad-input play did not finish (exit code {proc.returncode})\n{output[-3000:]}"
        data = json.loads(saved.read_text())
        log, refusals = simulator.log(node), simulator.refusals()
        cases = {}
        for i, task in enumerate(unique):
            before, after = data["snaps"][i], data["snaps"][i + 1]
            assert before["digest"] and after["digest"], data["snaps"]
            cases[json.dumps(task, sort_keys=True)] = BadInputCase(
                data["results"][i], log[before["log"]:after["log"]], before["digest"], after["digest"],
                refusals[before["refusals"]:after["refusals"]], node)
        cache[key] = BadInputRun(output, cases)
        _fresh(simulator)  # the next test starts from the scenarios, as after any test
        return cache[key]

    return run
