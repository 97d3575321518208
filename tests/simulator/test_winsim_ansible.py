"""Real Ansible against the simulator: ansible-playbook over WinRM, and the winrm plugin's file transfer."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

import winsim

SIMULATOR_DIR = Path(__file__).resolve().parent
MASTER = "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

TRANSFER_ACTION = '''
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    """Throwaway test action: temp dir, put_file, fetch_file, cleanup; no module runs."""

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        tmpdir = self._make_tmp_path()
        remote = self._connection._shell.join_path(tmpdir, "payload.bin")
        self._transfer_file(self._task.args["src"], remote)
        self._connection.fetch_file(remote, self._task.args["dest"])
        self._remove_tmp_path(tmpdir)
        result.update(changed=False, remote=remote)
        return result
'''


def get_json(url: str) -> dict:
    with OPENER.open(url, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def cli_simulator(tmp_path):
    """The simulator started as documented: PYTHONPATH=tests/simulator python -m winsim ..."""
    inventory = tmp_path / "inventory.yml"
    env = dict(os.environ, PYTHONPATH=str(SIMULATOR_DIR))
    process = subprocess.Popen(
        [sys.executable, "-m", "winsim", "--port", "0", "--node", "master01=scaleout_master_healthy",
         "--node", "master02=scaleout_master_binding_missing", "--inventory", str(inventory)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    line = process.stdout.readline()
    match = re.fullmatch(r"winsim listening on (http://127\.0\.0\.1:\d+)\n", line)
    if not match:
        process.kill()
        pytest.fail(f"simulator did not start: {line!r} {process.stderr.read()}")
    yield match.group(1), inventory
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def ansible_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(NO_PROXY="127.0.0.1", no_proxy="127.0.0.1", ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"), ANSIBLE_HOME=str(tmp_path / "ansible-home"),
               ANSIBLE_RETRY_FILES_ENABLED="0",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return env


@pytest.mark.e2e
def test_ansible_playbook_raw_and_file_transfer(cli_simulator, tmp_path):
    url, inventory = cli_simulator
    digests = {n: get_json(f"{url}/_sim/nodes/{n}/state")["digest"] for n in ("master01", "master02")}
    (tmp_path / "action_plugins").mkdir()
    (tmp_path / "action_plugins" / "sim_transfer.py").write_text(TRANSFER_ACTION)
    payload = os.urandom(600_000)  # several put pieces and two fetch chunks
    (tmp_path / "payload.bin").write_bytes(payload)
    (tmp_path / "play.yml").write_text(textwrap.dedent(f"""\
        - hosts: windows
          gather_facts: false
          tasks:
            - name: read the SSL bindings
              ansible.builtin.raw: netsh http show sslcert
              register: bindings
            - name: the output is what netsh prints
              ansible.builtin.assert:
                that:
                  - bindings.rc == 0
                  - >-
                    ('    Certificate Hash             : {MASTER}' in bindings.stdout_lines)
                    if inventory_hostname == 'master01' else
                    (bindings.stdout_lines == ['', 'SSL Certificate bindings:', '-------------------------', ''])
            - name: transfer a file there and back
              sim_transfer:
                src: "{{{{ playbook_dir }}}}/payload.bin"
                dest: "{{{{ playbook_dir }}}}/back-{{{{ inventory_hostname }}}}.bin"
        """))
    result = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), "play.yml"],
                            cwd=tmp_path, env=ansible_env(tmp_path), capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"master01\s*: ok=3 ", result.stdout) and re.search(r"master02\s*: ok=3 ", result.stdout)
    for node in ("master01", "master02"):
        assert (tmp_path / f"back-{node}.bin").read_bytes() == payload
        # the temp directory is gone again: the node is exactly as before
        assert get_json(f"{url}/_sim/nodes/{node}/state")["digest"] == digests[node]
        log = get_json(f"{url}/_sim/nodes/{node}/log")["log"]
        assert log[0]["script"] == "netsh http show sslcert"
        assert [e["bootstrap"]["action"] for e in log if e["bootstrap"]] == [
            "powershell_mkdtemp.ps1", "winrm_put_file.ps1", "winrm_fetch_file.ps1", "winrm_fetch_file.ps1"]
    assert get_json(f"{url}/_sim/refusals") == {"refusals": []}


def test_winrm_connection_plugin_put_and_fetch_directly(sim, tmp_path, monkeypatch):
    from ansible.errors import AnsibleError
    from ansible.playbook.play_context import PlayContext
    from ansible.plugins.loader import connection_loader

    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # plain http: no CA bundle warning
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    handle = sim({"master01": "scaleout_master_healthy"})
    connection = connection_loader.get("winrm", PlayContext(), None)
    connection.set_options(var_options={
        "ansible_host": "127.0.0.1", "ansible_port": handle.port, "ansible_user": handle.user,
        "ansible_password": handle.password, "ansible_winrm_transport": "basic",
        "ansible_winrm_scheme": "http", "ansible_winrm_path": "/wsman/master01",
        "_extras": {}})
    source = tmp_path / "in.txt"
    source.write_bytes("grüße\r\n".encode() * 1000)
    remote = "C:\\Users\\irops\\AppData\\Local\\Temp\\in.txt"
    try:
        connection.put_file(str(source), remote)
        connection.fetch_file(remote, str(tmp_path / "out.txt"))
        assert (tmp_path / "out.txt").read_bytes() == source.read_bytes()
        with pytest.raises(AnsibleError):
            connection.fetch_file("C:\\missing.txt", str(tmp_path / "missing.txt"))
        rc, stdout, _stderr = connection.exec_command("netsh http show sslcert ipport=0.0.0.0:8391")
        assert rc == 0 and MASTER in stdout.decode()
    finally:
        connection.close()
    state = handle.node("master01").snapshot()["state"]
    assert remote in state["files"]
    assert winsim.refusals() == []
