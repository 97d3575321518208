"""The integration targets (tests/integration/targets) against one simulated node, in one ansible-playbook run.

tests/integration/integration.yml includes every target; each snapshots what it touches, runs the triad and its
error paths, and restores the snapshot in ``always``. Proven here: the run succeeds (every assert of every target
holds) and the node's state afterwards equals its state before, except for its clock, the modification time of the
hosts file (written back) and the backup copies hosts_entry makes beside the file it changes (hosts_entry has no option to skip them; the targets leave them, as on a real host).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import dev
from simulator_control import Simulator

pytestmark = pytest.mark.e2e

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"
NODE = "itest"
SCENARIO = "scaleout_master_healthy"  # a certificate with its key in Root, an http.sys binding, a firewall rule


def _comparable(state: dict) -> dict:
    """The state without what any write changes however well it is undone: the simulated clock (it advances with
    every command, tests/simulator/README.md) and the files' modification times (a restored file was written)."""
    state = {key: value for key, value in state.items() if key != "clock"}
    state["files"] = {path: {key: value for key, value in entry.items() if key != "mtime"}
                      for path, entry in state.get("files", {}).items()}
    return state


def _without_new_backups(state: dict, before: dict) -> tuple[dict, list[str]]:
    files = dict(state.get("files", {}))
    new = sorted(path for path in files if path not in before.get("files", {}))
    backups = [path for path in new if path.lower().endswith(".bak")]
    for path in backups:
        del files[path]
    return dict(state, files=files), backups


def test_integration_targets_restore_the_node(tmp_path):
    with dev.simulator({NODE: SCENARIO}, tmp_path / "winsim") as (base, inventory):
        sim = Simulator(base, Path(inventory))
        before = sim.state(NODE)
        proc = subprocess.run(["ansible-playbook", "-i", str(inventory), str(INTEGRATION / "integration.yml"),
                               "-e", json.dumps({"irops_integration_hosts": NODE})],
                              env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)
        output = proc.stdout + proc.stderr
        assert proc.returncode == 0, output[-6000:]
        assert "failed=0" in output and "unreachable=0" in output, output[-3000:]
        for target in ("registry_value", "hosts_entry", "firewall_rule", "http_sslcert"):  # each ran its asserts
            assert f"targets/{target} : Assert bad input failed" in output, output[-3000:]
        assert output.count("All assertions passed") >= 16, output[-3000:]
        assert sim.refusals() == [], "the simulator refused commands outside its grammar"
        after, backups = _without_new_backups(sim.state(NODE), before)
        assert backups, "hosts_entry changed the hosts file twice and should have left its backups"
        assert all(Path(path.replace("\\", "/")).name.lower().startswith("hosts.") for path in backups), backups
        assert _comparable(after) == _comparable(before)
