"""Print the WinRM round trips of diagnose and of each Scale Out role, per node, on a healthy and on a drifted node.

    .venv/bin/python tests/benchmarks/scaleout_round_trips.py

For each case, a fresh simulator runs the scenario's nodes (tests/simulator/scenarios/), the inventory naming only
each node's roles. ``diagnose`` is playbooks/diagnose.yml; a role is run as the remediation playbooks run it: the
shared gather play (playbooks/scaleout_gather.yml, one round trip per node, counted apart) then the role on the
nodes of its kind, in check mode and then applied. Figures only; nothing is asserted.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e"), str(ROOT / "tests" / "simulator")]
import dev  # noqa: E402  pylint: disable=wrong-import-position
from scenario_proof import PAIR, Scenario, write_inventory  # noqa: E402  pylint: disable=wrong-import-position
from simulator_control import Simulator  # noqa: E402  pylint: disable=wrong-import-position

# role -> (the node it runs on, the healthy scenario, a scenario where that role has something to fix, extra vars)
CASES = {
    "scaleout_ssisdb": ("master", "scaleout_pair_healthy", "scaleout_sql_windows_auth_only",
                        {"scaleout_ssisdb_allow_sql_restart": True}),
    "scaleout_master": ("master", "scaleout_pair_healthy", "scaleout_pair_binding_wrong_cert", {}),
    "scaleout_worker": ("worker", "scaleout_pair_healthy", "scaleout_worker_master_cert_missing", {}),
}
KIND = {"scaleout_ssisdb": "ssisdb_sql", "scaleout_master": "scaleout_master", "scaleout_worker": "scaleout_worker"}


def _playbook(workdir: Path, role: str) -> Path:
    path = workdir / f"{role}.yml"
    path.write_text(yaml.safe_dump([
        {"ansible.builtin.import_playbook": str(ROOT / "playbooks" / "scaleout_gather.yml")},
        {"name": role, "hosts": f"irops_{KIND[role]}", "gather_facts": False, "roles": [{"role": f"irops.remediation.{role}"}]},
    ], sort_keys=False))
    return path


def measure(scenario: str, role: str, extra: dict) -> dict:
    with tempfile.TemporaryDirectory() as scratch, dev.simulator(
            {node: f"{scenario}:{node}" for node in PAIR}, Path(scratch) / "winsim") as (base, generated):
        inventory = Path(scratch) / "inventory.yml"
        write_inventory(Path(generated), Scenario(scenario, (), PAIR), inventory)
        sim = Simulator(base, inventory)
        env = dev.ansible_env(ANSIBLE_NOCOLOR="1")
        figures = {}
        for name, playbook, flags in (("diagnose", ROOT / "playbooks" / "diagnose.yml", []),
                                      ("gather", ROOT / "playbooks" / "scaleout_gather.yml", []),
                                      ("role, check", _playbook(Path(scratch), role), ["--check"]),
                                      ("role, apply", _playbook(Path(scratch), role), [])):
            before = {node: len(sim.log(node)) for node in PAIR}
            run = subprocess.run(["ansible-playbook", "-i", str(inventory), str(playbook), *flags,
                                  "-e", yaml.safe_dump(extra, default_flow_style=True).strip() if extra else "{}"],
                                 env=env, capture_output=True, text=True, check=False)
            if run.returncode != 0:
                raise SystemExit(f"{scenario} {name}: exit code {run.returncode}\n{run.stdout[-3000:]}")
            figures[name] = {node: len(sim.log(node)) - before[node] for node in PAIR}
        gather = figures["gather"]
        for name in ("role, check", "role, apply"):
            figures[name] = {node: count - gather[node] for node, count in figures[name].items()}
        return figures


def main() -> int:
    dev.stage_collection()
    print("| role (node) | scenario | diagnose (master, worker) | role in check mode | role applied |")
    print("|---|---|---|---|---|")
    for role, (node, healthy, drifted, extra) in CASES.items():
        for scenario in (healthy, drifted):
            figures = measure(scenario, role, extra)
            diagnose = ", ".join(str(figures["diagnose"][n]) for n in PAIR)
            print(f"| {role} ({node}) | {scenario} | {diagnose} | {figures['role, check'][node]} | "
                  f"{figures['role, apply'][node]} |", flush=True)
    print("\nA role's figures exclude the shared gather play (one round trip per node, in every remediation "
          "playbook).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
