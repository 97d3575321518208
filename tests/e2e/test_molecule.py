"""``molecule test`` for each role scenario of molecule/ (scaleout_master, scaleout_worker, shir_node).

Each scenario's create starts the simulated nodes with a documented fault (tests/simulator/scenarios/), converge
applies the role with its gather as the shipped playbooks do, molecule's idempotence step requires changed=0 on the
second converge, verify asserts through the collection's read-only modules (node_facts, diagnose) that the fault's
catalog entries now pass, and destroy stops the simulator. Molecule runs with dev.ansible_env, so the collection it
uses is the staged copy of this tree (molecule.yml sets prerun false: molecule does not install its own).
"""

from __future__ import annotations

import subprocess

import pytest

import dev

pytestmark = pytest.mark.e2e

SCENARIOS = ("scaleout_master", "scaleout_worker", "shir_node")


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_molecule_scenario_passes(scenario):
    env = dev.ansible_env(ANSIBLE_NOCOLOR="1", NO_COLOR="1", ANSIBLE_FORCE_COLOR="0")
    env.pop("IROPS_MOLECULE_INVENTORY", None)  # the simulator's inventory, never an operator's
    proc = subprocess.run(["molecule", "test", "-s", scenario], cwd=dev.ROOT, env=env, capture_output=True, text=True,
                          check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    for step in ("create", "converge", "idempotence", "verify", "destroy"):
        assert f"{step}: Executed: Successful" in output or f"{step}] Executed: Successful" in output, step
