"""SSH with the PowerShell shell, end to end (issue 14): real ansible-playbook -> ssh connection plugin -> the
OpenSSH client -> the simulated node's SSH server (tests/simulator/winsim/sshd.py, asyncssh), which runs the
command as a Win32-OpenSSH node with PowerShell as its DefaultShell would, through the same PowerShell emulation
WinRS uses.

One simulator, one playbook run: each node is read over WinRM and over SSH with node_facts and certificate_info,
and the two must give the same answer. The en-US node does. The fr-FR node does not (xfail, strict): nothing in
the SSH path sets the console to UTF-8, so its accented output arrives in the OEM code page (850, assumed) and
the French certutil lines are lost; the collection's runner would have to set the output encoding itself."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from simulator_control import Simulator

import dev

pytestmark = pytest.mark.e2e

NODES = {"master": "scaleout_master_healthy", "fr": "demo_fleet:worker_fr"}
MASTER_CERT = "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"  # scenario scaleout_master_healthy, in Root


def _same_node(result: dict) -> dict:
    """A result with the SSH host's inventory name replaced by the WinRM host's."""
    return json.loads(json.dumps(result).replace("-ssh", ""))


@pytest.fixture(scope="module")
def over_both(tmp_path_factory):
    """Run node_facts and certificate_info on every node over WinRM and over SSH, in one playbook."""
    work = tmp_path_factory.mktemp("ssh")
    out = work / "results"
    out.mkdir()
    play = [{"name": "WinRM and SSH", "hosts": "all", "gather_facts": False, "tasks": [
        {"name": "Read the node", "irops.remediation.node_facts": {}, "register": "facts"},
        {"name": "Read the stores", "irops.remediation.certificate_info": {"store_name": "{{ 'Root' if 'master' in "
                                                                           "inventory_hostname else 'My' }}"},
         "register": "certs"},
        {"name": "Save", "ansible.builtin.copy": {"content": "{{ {'facts': facts, 'certs': certs} | to_json }}",
                                                  "dest": f"{out}/{{{{ inventory_hostname }}}}.json", "mode": "0600"},
         "delegate_to": "localhost"}]}]
    (work / "play.yml").write_text(yaml.safe_dump(play, sort_keys=False))
    with dev.simulator(NODES, work / "winsim", ssh=True) as (base, inventory):
        hosts = yaml.safe_load(Path(inventory).read_text())["all"]["children"]["windows_ssh"]["hosts"]
        run = subprocess.run(["ansible-playbook", "-i", str(inventory), str(work / "play.yml")],
                             env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)
        # the OpenSSH client checks the host key: with a known_hosts that lacks it, it refuses to connect
        master = hosts["master-ssh"]
        (work / "empty_known_hosts").write_text("")
        stranger = subprocess.run(["ssh", "-o", f"UserKnownHostsFile={work / 'empty_known_hosts'}", "-o",
                                   "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                                   "-i", master["ansible_ssh_private_key_file"], "-p", str(master["ansible_port"]),
                                   f"{master['ansible_user']}@127.0.0.1", "hostname"],
                                  capture_output=True, text=True, check=False, timeout=60)
        sim = Simulator(base, Path(inventory))
        logs, refusals = {node: sim.log(node) for node in NODES}, sim.refusals()
    yield {"run": run, "results": {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")},
           "hosts": hosts, "stranger": stranger, "logs": logs, "refusals": refusals}


def test_ssh_with_the_powershell_shell_reads_an_en_us_node_as_winrm_does(over_both):
    run, results = over_both["run"], over_both["results"]
    assert "master-ssh" in results and "master" in results, run.stdout + run.stderr
    over_ssh, over_winrm = results["master-ssh"], results["master"]
    assert _same_node(over_ssh) == _same_node(over_winrm)
    facts = over_ssh["facts"]["ansible_facts"]["irops_node"]
    assert facts["gather_errors"] == {} and facts["system"]["hostname"] == "SSISMASTER01"
    assert facts["scaleout_master_settings"]["thumbprint"] == MASTER_CERT
    assert MASTER_CERT in [cert["thumbprint"] for cert in over_ssh["certs"]["certificates"]]
    # the SSH host's commands reached the node through SSH sessions, the WinRM host's through WinRS shells
    sessions = {entry["shell_id"].startswith("ssh-") for entry in over_both["logs"]["master"]}
    assert sessions == {True, False}
    host = over_both["hosts"]["master-ssh"]
    assert (host["ansible_connection"], host["ansible_shell_type"]) == ("ssh", "powershell")
    assert over_both["stranger"].returncode == 255
    assert "Host key verification failed" in over_both["stranger"].stderr
    assert over_both["refusals"] == []


@pytest.mark.xfail(strict=True, reason="over SSH the node's output is in its OEM code page (assumed 850 for fr-FR): "
                                       "accented French certutil and icacls lines arrive garbled")
def test_ssh_reads_a_fr_fr_node_as_winrm_does(over_both):
    results = over_both["results"]
    assert _same_node(results["fr-ssh"]["certs"]) == _same_node(results["fr"]["certs"])
