"""The scaleout_worker role end to end: a settings change restarts the Scale Out Worker once,
through its handler; a run that changes nothing restarts nothing; check mode changes nothing."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

import dev

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]

NODE = "missing"
CONFIG = "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config"
ENDPOINT = "https://ssis-master-01.contoso.com:8391"
ORIGINAL = ('{\r\n    "MasterEndpoint": "https://ssis-master-old:8391",\r\n    "MasterHttpsCertThumbprint": '
            '"59358a03ae8a040fd272086cc24fade3db60a987",\r\n    "HeartbeatErrorTollerance": "00:10:00",\r\n'
            '    "MaxTaskCount": 10\r\n}\r\n')
ROLE_VARS = {"scaleout_worker_master_endpoint": ENDPOINT,
             "scaleout_worker_master_thumbprint": "135ecc829aaaf3647605a7f67604990e8df4aab4",
             "scaleout_worker_settings": {"HeartbeatErrorTolerance": "00:15:00"}}


@pytest.fixture
def worker_node(sim):
    sim.put_files(NODE, {CONFIG: ORIGINAL.encode()})
    state = sim.state(NODE)
    state["services"] = dict(state.get("services", {}), SSISScaleOutWorker140={
        "display_name": "SQL Server Integration Services Scale Out Worker 14.0", "start_type": "auto",
        "state": "running", "account": "NT Service\\SSISScaleOutWorker140", "start_seconds": 1, "stop_seconds": 1})
    sim.load_state(NODE, state)
    return sim


def run_role(sim, tmp_path, *flags):
    play = [{"name": "Scale Out Worker", "hosts": NODE, "gather_facts": False, "vars": ROLE_VARS,
             "roles": ["irops.remediation.scaleout_worker"]}]
    path = tmp_path / "worker.yml"
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    proc = subprocess.run(["ansible-playbook", "-i", str(sim.inventory), str(path), *flags],
                          env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def sc_controls(sim) -> list[str]:
    """The stops and starts sc.exe carried out (a start refused while the service still stops is not one)."""
    return [c["argv"][1].lower() for e in sim.log(NODE) for c in e.get("native", [])
            if c["argv"][0].lower() in ("sc.exe", "sc") and c["argv"][1].lower() in ("start", "stop")
            and c.get("exit_code") == 0]


def config_json(sim) -> dict:
    data = sim.file_bytes(NODE, CONFIG)
    assert data is not None, "the settings file is gone"
    return json.loads(data)


def recap(output: str) -> dict:
    match = re.search(rf"^{NODE}\s*:\s*ok=(\d+)\s+changed=(\d+).*failed=(\d+)", output, re.M)
    assert match, output
    return {"ok": int(match.group(1)), "changed": int(match.group(2)), "failed": int(match.group(3))}


def test_check_mode_reports_the_change_and_the_restart_and_changes_nothing(worker_node, tmp_path):
    digest = worker_node.digest(NODE)
    rc, output = run_role(worker_node, tmp_path, "--check", "--diff")
    assert rc == 0, output
    assert "RUNNING HANDLER [irops.remediation.scaleout_worker : Restart Scale Out Worker]" in output
    assert recap(output)["changed"] == 2 and sc_controls(worker_node) == []
    assert worker_node.digest(NODE) == digest


def test_a_change_restarts_the_worker_once_and_a_second_run_not_at_all(worker_node, tmp_path):
    rc, output = run_role(worker_node, tmp_path, "--diff")
    # ok counts the role's argument validation, the facts, the worker service, Remote Registry, the settings task
    # and the handler
    assert rc == 0 and recap(output) == {"ok": 6, "changed": 2, "failed": 0}, output
    assert output.count("RUNNING HANDLER [irops.remediation.scaleout_worker : Restart Scale Out Worker]") == 1
    assert sc_controls(worker_node) == ["stop", "start"]
    settings = config_json(worker_node)
    assert settings["MasterEndpoint"] == ENDPOINT and settings["HeartbeatErrorTollerance"] == "00:15:00"
    assert "HeartbeatErrorTolerance" not in settings and settings["MaxTaskCount"] == 10
    service = next(s for n, s in worker_node.state(NODE)["services"].items() if n.lower() == "ssisscaleoutworker140")
    assert service["state"] == "running"
    digest = worker_node.digest(NODE)

    rc, output = run_role(worker_node, tmp_path)
    assert rc == 0 and recap(output) == {"ok": 5, "changed": 0, "failed": 0}, output
    assert "RUNNING HANDLER" not in output
    assert sc_controls(worker_node) == ["stop", "start"]  # still only the first run's restart
    assert worker_node.digest(NODE) == digest


REMOTE_REGISTRY = ROOT / "tests" / "simulator" / "scenarios" / "scaleout_worker_remote_registry_stopped.yml"


@pytest.mark.skipif(not REMOTE_REGISTRY.exists(), reason="scenario scaleout_worker_remote_registry_stopped not here yet")
def test_remote_registry_is_started_on_the_worker_and_named_for_its_entry(sim, tmp_path):
    """Cannot open certificate store, fix 2: Scale Out Manager opens the worker's store remotely."""
    sim.load_scenario(NODE, "scaleout_worker_remote_registry_stopped:worker")
    digest = sim.digest(NODE)
    rc, output = run_role(sim, tmp_path, "--check", "-v")
    assert rc == 0 and sim.digest(NODE) == digest, output
    task = output.split("TASK [irops.remediation.scaleout_worker : Keep the Remote Registry service running and automatic]")[1]
    task = task.split("TASK [")[0]
    assert "changed:" in task and '"id": "scaleout-cannot-open-certificate-store"' in task, task
    rc, output = run_role(sim, tmp_path)
    service = next(s for n, s in sim.state(NODE)["services"].items() if n.lower() == "remoteregistry")
    assert rc == 0 and (service["state"], service["start_type"]) == ("running", "auto"), output
    rc, output = run_role(sim, tmp_path, "-v")
    assert recap(output)["changed"] == 0, output
