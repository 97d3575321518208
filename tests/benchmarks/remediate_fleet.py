"""Benchmark: audit, dry run, remediate and re-run a fleet of simulated Scale Out masters.

Prints, per stage, the wall time and the WinRM commands (round trips) each node received.
Figures only; nothing is asserted. Run from the repository root after `python3 dev.py test`
has made .venv:

    .venv/bin/python tests/benchmarks/remediate_fleet.py [--nodes 30] [--forks 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import dev  # noqa: E402  pylint: disable=wrong-import-position

SCENARIOS = ("scaleout_master_healthy", "scaleout_master_binding_wrong_cert", "scaleout_master_binding_missing")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=30)
    parser.add_argument("--forks", type=int, default=10)
    options = parser.parse_args()

    nodes = {f"master-{i:03d}": SCENARIOS[i % len(SCENARIOS)] for i in range(options.nodes)}
    with tempfile.TemporaryDirectory() as scratch, dev.simulator(nodes, Path(scratch)) as (base, hosts):
        group = Path(scratch) / "group.yml"
        # the inventory names only roles: every value is read from the masters
        group.write_text(yaml.safe_dump({"windows": {"hosts": {n: {} for n in nodes},
                                                     "vars": {"irops_node_roles": ["scaleout_master"]}}}))
        env = dev.ansible_env(ANSIBLE_FORKS=str(options.forks), ANSIBLE_STDOUT_CALLBACK="ansible.builtin.oneline")

        def log_sizes() -> dict:
            sizes = {}
            for node in nodes:
                with urllib.request.urlopen(f"{base}/_sim/nodes/{node}/log", timeout=10) as response:
                    sizes[node] = len(json.load(response)["log"])
            return sizes

        print(f"{options.nodes} simulated masters ({', '.join(SCENARIOS)} in turn), forks={options.forks}")
        print(f"{'stage':<34}{'wall s':>8}{'trips/node min':>16}{'max':>6}{'mean':>7}")
        for title, playbook, flags in (
            ("audit (diagnose)", "playbooks/diagnose.yml", []),
            ("dry run (--check --diff)", "playbooks/remediate_scaleout_master.yml", ["--check", "--diff"]),
            ("remediate", "playbooks/remediate_scaleout_master.yml", []),
            ("remediate again (no change)", "playbooks/remediate_scaleout_master.yml", []),
        ):
            before = log_sizes()
            start = time.perf_counter()
            run = subprocess.run(["ansible-playbook", "-i", str(hosts), "-i", str(group), str(ROOT / playbook), *flags],
                                 env=env, capture_output=True, text=True, check=False)
            wall = time.perf_counter() - start
            trips = [count - before[node] for node, count in log_sizes().items()]
            print(f"{title:<34}{wall:>8.2f}{min(trips):>16}{max(trips):>6}{statistics.mean(trips):>7.2f}"
                  + ("" if run.returncode == 0 else f"   (exit code {run.returncode})"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
