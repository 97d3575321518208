"""WinRM over HTTPS with certificate validation, end to end (issue 14): real ansible-playbook -> winrm
connection plugin -> pywinrm -> requests -> TLS -> the simulated node, whose server certificate is issued
by a test CA the simulator makes at start-up (tests/simulator/winsim/tls.py, ``--https``).

One simulator, two playbook runs: with the inventory the simulator wrote (scheme https, validation on,
``ansible_winrm_ca_trust_path`` its CA) node_facts and certificate_info pass; with a CA that did not issue
the server certificate the same play stops at the TLS handshake with a certificate verification error, and
no command reaches the node."""

from __future__ import annotations

import json
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from simulator_control import Simulator
from winsim.tls import write_ca

import dev

pytestmark = pytest.mark.e2e

NODE = "master"
MASTER_CERT = "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"  # scenario scaleout_master_healthy, in Root


class HttpsSimulator(Simulator):
    """The control API over the same TLS port, trusting the simulator's CA."""

    def __init__(self, base: str, inventory: Path, ca: Path):
        super().__init__(base, inventory)
        self.context = ssl.create_default_context(cafile=str(ca))

    def _call(self, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method="GET" if body is None else "POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10, context=self.context) as response:
            text = response.read().decode()
        return json.loads(text) if text else None


def _play(out: Path) -> list:
    return [{"name": "Over HTTPS", "hosts": NODE, "gather_facts": False, "tasks": [
        {"name": "Read the node", "irops.remediation.node_facts": {}, "register": "facts"},
        {"name": "Read the Root store", "irops.remediation.certificate_info": {"store_name": "Root", "key_access": False},
         "register": "certs"},
        {"name": "Save", "ansible.builtin.copy": {"content": "{{ {'facts': facts, 'certs': certs} | to_json }}",
                                                  "dest": f"{out}/{{{{ inventory_hostname }}}}.json", "mode": "0600"},
         "delegate_to": "localhost"}]}]


def test_winrm_over_https_validates_the_server_certificate(tmp_path):
    with dev.simulator({NODE: "scaleout_master_healthy"}, tmp_path / "winsim", https=True) as (base, inventory):
        host = yaml.safe_load(Path(inventory).read_text())["all"]["children"]["windows"]["hosts"][NODE]
        ca = Path(host["ansible_winrm_ca_trust_path"])
        assert base.startswith("https://")
        assert (host["ansible_winrm_scheme"], host["ansible_winrm_server_cert_validation"]) == ("https", "validate")
        assert ca == tmp_path / "winsim" / "tls" / "ca.pem" and ca.is_file()
        sim = HttpsSimulator(base, Path(inventory), ca)
        # the port speaks TLS only: a plain HTTP request gets no reply
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            urllib.request.urlopen(f"http://127.0.0.1:{host['ansible_port']}/_sim/refusals", timeout=10)

        out = tmp_path / "results"
        out.mkdir()
        play = tmp_path / "play.yml"
        play.write_text(yaml.safe_dump(_play(out), sort_keys=False))
        env = dev.ansible_env(ANSIBLE_NOCOLOR="1")
        before = sim.digest(NODE)
        good = subprocess.run(["ansible-playbook", "-i", str(inventory), str(play)],
                              env=env, capture_output=True, text=True, check=False)
        assert good.returncode == 0, good.stdout + good.stderr
        result = json.loads((out / f"{NODE}.json").read_text())
        assert result["facts"]["ansible_facts"]["irops_node"]["system"]["hostname"] == "SSISMASTER01"
        assert MASTER_CERT in [cert["thumbprint"] for cert in result["certs"]["certificates"]]
        trips = len(sim.log(NODE))
        assert trips >= 2  # both modules ran their commands over the TLS connection
        assert sim.digest(NODE) == before

        # the same play, trusting a CA that did not issue the server certificate
        (out / f"{NODE}.json").unlink()
        other = write_ca(tmp_path / "other-ca.pem", "another test CA")
        bad = subprocess.run(["ansible-playbook", "-i", str(inventory), str(play),
                              "-e", f"ansible_winrm_ca_trust_path={other}"],
                             env=env, capture_output=True, text=True, check=False)
        output = bad.stdout + bad.stderr
        assert bad.returncode == 4, output  # 4: a host was unreachable
        assert "UNREACHABLE!" in output
        assert "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed" in output, output
        assert not (out / f"{NODE}.json").exists()
        assert len(sim.log(NODE)) == trips  # nothing reached the node
        assert host["ansible_password"] not in output
        assert sim.refusals() == []
