"""The fault matrix: every change, with a fault at each of its steps, loses nothing.

For each case a reference node runs the change without faults; the commands it ran that
change the node (the simulator classifies them, `GET /_sim/nodes/<n>/commands`) are the
steps. Then one node per (step, fault) runs the same change with the fault injected at that
step: `fail` (the command fails and changes nothing) and `drop_connection` (the client loses
the connection there; the script runs on to its end on the node, as on Windows). All nodes of
a case run in one ansible-playbook, forks 20.

"Nothing lost": afterwards, the part of the node the change is about is either exactly what
it was before or exactly what the fault-free run made of it - never less, never a mix. And a
task that did not reach the wanted state never reports success.

`tests/benchmarks/hardening.py` prints the same matrix as figures.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import yaml

import dev
from simulator_control import Simulator

pytestmark = pytest.mark.e2e

MASTER_THUMB = "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b"
WORKER_THUMB = "21f5f6b3697e9ef46e28b0fb7aae5320fa53d878"
WORKER_CONFIG = "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config"
HOSTS = "C:\\Windows\\System32\\drivers\\etc\\hosts"
SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
FAULTS = ("fail", "drop_connection")


def binding(state: dict, endpoint: str = "0.0.0.0:8391"):
    return next((b for b in state.get("http_ssl_bindings", []) if b.get("ipport") == endpoint), None)


def rules(state: dict, name: str):
    return sorted((r for r in state["firewall"]["rules"] if r["name"].lower() == name.lower()),
                  key=lambda r: json.dumps(r, sort_keys=True))


def service_running(state: dict, name: str) -> str:
    spec = next(s for key, s in state["services"].items() if key.lower() == name.lower())
    return "running" if spec["state"] in ("running", "start_pending") else spec["state"]


def file_text(state: dict, path: str):
    entry = next((f for key, f in state.get("files", {}).items() if key.lower() == path.lower()), None)
    return None if entry is None else json.dumps(entry.get("text", entry.get("base64")))


def registry_value(state: dict, key: str, name: str):
    full = key.replace("HKLM\\", "HKEY_LOCAL_MACHINE\\", 1).lower()  # the state names hives in full
    values = next((v for k, v in state.get("registry", {}).items() if k.lower() == full), {})
    return next((v for k, v in values.items() if k.lower() == name.lower()), None)


def key_acl(state: dict, thumbprint: str):
    entry = next(e for e in state["cert_stores"]["LocalMachine"]["My"] if e["thumbprint"].lower() == thumbprint)
    return sorted(state["files"][entry["key"]["file"]]["acl"])


@dataclass
class Case:
    id: str
    scenario: str
    task: dict
    part: Callable[[dict], object]  # the part of the node state the change is about
    prepare: Callable[[dict], dict] | None = None  # edits the starting state
    keeps: Callable[[object, object], bool] | None = None  # what the fault-free change must keep of before


SETTINGS = {"clientcertnegotiation": True, "sslctlidentifier": "IropsCtl", "sslctlstorename": "Root",
            "verifyclientcertrevocation": False, "revocationfreshnesstime": 600, "disablelegacytls": True,
            "disablehttp2": True}


def _binding_with_settings(state: dict) -> dict:
    """The master's binding, in the wrong store and with settings an operator chose: a rebind
    must carry every one of them."""
    found = binding(state)
    found["certstorename"] = "My"
    found["settings"] = dict(found.get("settings", {}), **SETTINGS)
    return state


def _same_settings(before, wanted) -> bool:
    return before["settings"] == wanted["settings"] and wanted["certstorename"] == "Root"


def _duplicate_rules(state: dict) -> dict:
    state["firewall"]["rules"].append({"name": "SSIS Scale Out Master", "direction": "in", "action": "allow",
                                       "protocol": "TCP", "localport": "8392", "remoteport": "Any",
                                       "enabled": True, "profiles": ["domain", "private", "public"]})
    return state


CASES = [
    Case("http_sslcert-rebind", "scaleout_master_binding_wrong_cert",
         {"irops.remediation.http_sslcert": {"ip_port": "0.0.0.0:8391", "certificate_hash": MASTER_THUMB,
                                             "certificate_store": "Root"}}, binding),
    Case("http_sslcert-rebind-settings", "scaleout_master_binding_2022",
         {"irops.remediation.http_sslcert": {"ip_port": "0.0.0.0:8391", "certificate_hash": MASTER_THUMB,
                                             "certificate_store": "Root"}}, binding,
         prepare=_binding_with_settings, keeps=_same_settings),
    Case("http_sslcert-add", "scaleout_master_binding_missing",
         {"irops.remediation.http_sslcert": {"ip_port": "0.0.0.0:8391", "certificate_hash": MASTER_THUMB,
                                             "certificate_store": "Root"}}, binding),
    Case("http_sslcert-delete", "scaleout_master_healthy",
         {"irops.remediation.http_sslcert": {"ip_port": "0.0.0.0:8391", "state": "absent"}}, binding),
    Case("firewall_rule-set", "scaleout_pair_healthy:master",
         {"irops.remediation.firewall_rule": {"name": "SSIS Scale Out Master", "port": 8392}},
         lambda s: rules(s, "SSIS Scale Out Master")),
    Case("firewall_rule-replace", "scaleout_pair_healthy:master",
         {"irops.remediation.firewall_rule": {"name": "SSIS Scale Out Master", "port": 8391}},
         lambda s: rules(s, "SSIS Scale Out Master"), prepare=_duplicate_rules),
    Case("service-restart", "scaleout_pair_healthy:worker",
         {"irops.remediation.service": {"name": "SSISScaleOutWorker140", "state": "restarted"}},
         lambda s: service_running(s, "SSISScaleOutWorker140")),
    Case("registry_value", "scaleout_master_sends_trusted_issuer_list:master",
         {"irops.remediation.registry_value": {"path": SCHANNEL, "name": "SendTrustedIssuerList", "type": "dword",
                                               "data": 0}},
         lambda s: registry_value(s, SCHANNEL, "SendTrustedIssuerList")),
    Case("settings_file", "scaleout_pair_healthy:worker",
         {"irops.remediation.settings_file": {"path": WORKER_CONFIG,
                                              "settings": {"MasterEndpoint": "https://ssis-master-01.contoso.com:8391"}}},
         lambda s: file_text(s, WORKER_CONFIG)),
    Case("hosts_entry", "scaleout_pair_healthy:worker",
         {"irops.remediation.hosts_entry": {"ip": "10.0.0.12", "names": ["shir-node-02"]}},
         lambda s: file_text(s, HOSTS)),
    Case("private_key_access", "scaleout_worker_no_key_access:worker",
         {"irops.remediation.private_key_access": {"thumbprint": WORKER_THUMB,
                                                   "account": "NT SERVICE\\SSISScaleOutWorker140"}},
         lambda s: key_acl(s, WORKER_THUMB)),
]


def run_play(inventory: Path, hosts: list[str], task: dict, workdir: Path) -> dict:
    """One play over ``hosts``; returns each host's registered result (a dict)."""
    out = workdir / "results"
    out.mkdir(exist_ok=True)
    play = [{"name": "fault matrix", "hosts": ",".join(hosts), "gather_facts": False, "tasks": [
        dict({"name": "Change"}, **task, register="irops_result", ignore_errors=True, ignore_unreachable=True),
        {"name": "Save", "delegate_to": "localhost", "ansible.builtin.copy": {
            "content": "{{ irops_result | to_json }}", "dest": f"{out}/{{{{ inventory_hostname }}}}.json", "mode": "0600"}}]}]
    path = workdir / "play.yml"
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    proc = subprocess.run(["ansible-playbook", "-f", "20", "-i", str(inventory), str(path)],
                          env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)
    results = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
    missing = set(hosts) - set(results)
    assert not missing, proc.stdout[-4000:] + proc.stderr[-2000:]
    return results


def write_steps(control: Simulator, node: str) -> list[dict]:
    """The commands of the fault-free run that change the node, as fault matches."""
    steps, seen = [], {}
    for command in control.recorded_commands(node):
        # a native command by its verb words; a cmdlet or .NET call by its name alone, since its
        # arguments hold names that differ per run (a temporary file's random part)
        native = not (command["argv"][0].startswith("[") or "-" in command["argv"][0])
        words = [w.lower() for w in command["argv"][:4 if native else 1]]
        key = tuple(words)
        seen[key] = seen.get(key, 0) + 1
        if not command["read_only"]:
            steps.append({"match": command["argv"][:len(words)], "occurrence": seen[key], "argv": command["argv"]})
    return steps


def run_case(case: Case, workdir: Path) -> list[dict]:
    """Run the matrix of one case; return one row per faulted node (see the module docstring)."""
    reference = {"ref": case.scenario}
    with dev.simulator(reference, workdir / "ref") as (base, inventory):
        control = Simulator(base, Path(inventory))
        if case.prepare:
            control.load_state("ref", case.prepare(control.state("ref")))
        before = case.part(control.state("ref"))
        control.clear_log("ref")
        result = run_play(Path(inventory), ["ref"], case.task, workdir / "ref")["ref"]
        assert not result.get("failed") and not result.get("unreachable"), result
        wanted = case.part(control.state("ref"))
        steps = write_steps(control, "ref")
    assert wanted is not None or before is not None, "the case reads nothing: a matrix that cannot fail"
    assert case.keeps is None or case.keeps(before, wanted), (before, wanted)
    assert steps, f"{case.id}: the fault-free run changed nothing"
    nodes = {f"n{i}_{fault}": case.scenario for i in range(len(steps)) for fault in FAULTS}
    rows = []
    with dev.simulator(nodes, workdir / "matrix") as (base, inventory):
        control = Simulator(base, Path(inventory))
        for name in nodes:
            if case.prepare:
                control.load_state(name, case.prepare(control.state(name)))
            index, fault = name[1:].split("_", 1)
            step = steps[int(index)]
            spec = {"match": step["match"], "occurrence": step["occurrence"], "action": fault}
            if fault == "fail":
                spec.update(exit_code=5, stdout="Access is denied.\r\n")
            control.fault(name, spec)
        results = run_play(Path(inventory), list(nodes), case.task, workdir / "matrix")
        for name in nodes:
            index, fault = name[1:].split("_", 1)
            after = case.part(control.state(name))
            fired = any(f["fired"] for f in control.faults(name))
            result = results[name]
            reported_ok = not result.get("failed") and not result.get("unreachable")
            rows.append({"case": case.id, "step": " ".join(steps[int(index)]["argv"][:6]), "fault": fault,
                         "fired": fired, "kept": after in (before, wanted), "at": "before" if after == before else
                         "wanted" if after == wanted else "OTHER", "truthful": after == wanted or not reported_ok,
                         "msg": result.get("msg", "")[:300]})
    return rows


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_fault_at_any_step_loses_nothing(case, tmp_path):
    rows = run_case(case, tmp_path)
    lost = [row for row in rows if not row["kept"] or not row["truthful"]]
    assert not lost, json.dumps(lost, indent=1)
    assert all(row["fired"] for row in rows), [row for row in rows if not row["fired"]]
