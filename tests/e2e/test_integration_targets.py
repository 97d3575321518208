"""The integration targets (tests/integration/targets) against one simulated node, in one ansible-playbook run.

tests/integration/integration.yml includes every target; each snapshots what it touches, runs the triad and its
error paths, and restores the snapshot in ``always``. Proven here: the run succeeds (every assert of every target
holds) and the node's state afterwards equals its state before, except for its clock, the modification time of the
hosts file (written back), and the files no module of the collection deletes: the settings_file target's test file
(with the source's keys and values again) and the backup copies hosts_entry and settings_file make beside the files
they change (neither has an option to skip them). The targets leave those files, on a real host too. The
certificate target leaves its test store, empty: certutil -addstore created it, and certutil -delstore deletes
certificates, not stores (no module of the collection deletes a store).
"""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest

import dev
from simulator_control import Simulator

pytestmark = pytest.mark.e2e

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"
NODE = "itest"
TARGETS = ("registry_value", "hosts_entry", "firewall_rule", "http_sslcert", "settings_file", "private_key_access", "certificate")
SCENARIO = "scaleout_master_healthy"  # a certificate with its key in Root, an http.sys binding, a firewall rule
# settings_file_source (tests/integration/targets/settings_file/defaults/main.yml)
# certificate_store (tests/integration/targets/certificate/defaults/main.yml)
TEST_STORE = "IropsIntegration"
SOURCE = "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\MasterSettings.config"


def _comparable(state: dict) -> dict:
    """The state without what any write changes however well it is undone: the simulated clock (it advances with
    every command, tests/simulator/README.md) and the files' modification times (a restored file was written)."""
    state = {key: value for key, value in state.items() if key != "clock"}
    state["files"] = {path: {key: value for key, value in entry.items() if key != "mtime"}
                      for path, entry in state.get("files", {}).items()}
    return state


def _without_leftovers(state: dict, before: dict) -> tuple[dict, list[str]]:
    """The state without the files the run added; returns the names of those files."""
    files = dict(state.get("files", {}))
    new = sorted(path for path in files if path not in before.get("files", {}))
    for path in new:
        del files[path]
    return dict(state, files=files), new


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
        for target in TARGETS:  # each ran its asserts
            assert f"targets/{target} : Assert bad input failed" in output, output[-3000:]
        assert output.count("All assertions passed") >= 20, output[-3000:]
        assert sim.refusals() == [], "the simulator refused commands outside its grammar"
        state = sim.state(NODE)
        after, new = _without_leftovers(state, before)
        names = [path.rsplit("\\", 1)[1].lower() for path in new]
        # What no module of the collection deletes: the settings_file target's test file, and one backup per change
        # of the hosts file (map, unmap) and of the test file (set, remove).
        assert sorted(name.split(".2", 1)[0] for name in names) == [
            "hosts", "hosts", "irops-integration-settings.json", "irops-integration-settings.json",
            "irops-integration-settings.json"], names
        test_file = next(path for path in new if path.lower().endswith("irops-integration-settings.json"))
        assert json.loads(base64.b64decode(state["files"][test_file]["base64"])) == json.loads(
            base64.b64decode(before["files"][SOURCE]["base64"])), "the test file lost or kept a key"
        # The certificate target's test store stays, empty (certutil -delstore deletes certificates, not stores).
        stores = dict(after["cert_stores"]["LocalMachine"])
        assert TEST_STORE not in before["cert_stores"]["LocalMachine"]
        assert stores.pop(TEST_STORE) == [], "the test certificate stayed in the test store"
        after = dict(after, cert_stores=dict(after["cert_stores"], LocalMachine=stores))
        assert _comparable(after) == _comparable(before)
