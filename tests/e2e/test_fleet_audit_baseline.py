"""The fleet audit benchmark's baseline (tests/benchmarks/fleet_audit.py) sends each node the commands the collection
sent it: one node of each kind is audited with playbooks/diagnose.yml, the baseline is built from the scripts it
received, and its raw commands, sent one per round trip through ansible-playbook, make the simulator run the same
native commands, cmdlets and .NET calls in the same order, none refused. No timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import dev
from simulator_control import Simulator

sys.path.insert(0, str(dev.ROOT / "tests" / "benchmarks"))
import fleet_audit  # noqa: E402  pylint: disable=wrong-import-position

pytestmark = pytest.mark.e2e


# What the runner's short command line runs to read its script from stdin (_runner.BOOTSTRAP): not a probe.
RUNNER_BOOTSTRAP = {"[Console]::In.ReadLine", "[Convert]::FromBase64String", "[Text.Encoding]::UTF8.GetString", "[ScriptBlock]::Create"}


def _ran(sim: Simulator, node: str) -> list:
    # sorted: the log lists a round trip's native commands before its cmdlets, not in the order they ran
    return sorted((command["kind"], command["argv"]) for command in sim.recorded_commands(node))


def test_baseline_runs_the_collection_s_probes(tmp_path):
    nodes = {f"kind-{index}": kind for index, kind in enumerate(fleet_audit.KINDS)}
    with dev.simulator({name: spec for name, (spec, _roles) in nodes.items()}, tmp_path / "winsim") as (base, hosts):
        sim = Simulator(base, Path(hosts))
        env = fleet_audit.quiet_env(tmp_path, 20)
        audit = subprocess.run(["ansible-playbook", "-i", str(hosts), "-i", str(fleet_audit.write_inventory(tmp_path / "roles.yml", nodes)),
                                str(dev.ROOT / "playbooks" / "diagnose.yml")], env=env, capture_output=True, text=True, check=False)
        assert audit.returncode == 0, audit.stdout + audit.stderr
        collection = {name: [command for command in _ran(sim, name) if command[1][0] not in RUNNER_BOOTSTRAP] for name in nodes}
        captured = {spec: [command for entry in sim.log(name) for command in fleet_audit.probe_commands(entry.get("script") or "")]
                    for name, (spec, _roles) in nodes.items()}
        for name in nodes:
            sim.clear_log(name)
        sim.clear_refusals()

        plays, host_vars = fleet_audit.baseline(captured, nodes)
        assert yaml.safe_load(yaml.safe_dump(plays, sort_keys=False)) == plays
        # The resolved commands of each node, one raw round trip each (one task looping: the generated plays run their
        # tasks one play after another, too slow for this tier; the benchmark runs them).
        sends = {name: fleet_audit.raw_commands(plays, host_vars, name, roles) for name, (_spec, roles) in nodes.items()}
        inventory = tmp_path / "sends.yml"
        inventory.write_text(yaml.safe_dump({"windows": {"hosts": {name: {"bench_commands": sends[name]} for name in nodes}}}))
        playbook = tmp_path / "sends_play.yml"
        playbook.write_text(yaml.safe_dump([{"name": "Baseline probes", "hosts": "windows", "gather_facts": False, "tasks": [
            {"name": "Probe", "ansible.builtin.raw": "{{ item }}", "loop": "{{ bench_commands }}", "changed_when": False,
             "failed_when": False}]}], sort_keys=False))
        run = subprocess.run(["ansible-playbook", "-i", str(hosts), "-i", str(inventory), str(playbook)],
                             env=env, capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "unreachable=0" in run.stdout and "failed=0" in run.stdout, run.stdout
        for name in nodes:
            assert len(sim.log(name)) == len(sends[name])  # one round trip per command
            ran = _ran(sim, name)
            assert ran == collection[name], (name, [c for c in ran if c not in collection[name]],
                                             [c for c in collection[name] if c not in ran])
        assert not sim.refusals()
