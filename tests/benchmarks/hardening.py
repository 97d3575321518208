"""Hardening figures: hostile values, faults at every step, passwords, command-line length, secrets.

Everything goes through the real stack (ansible-playbook -> winrm -> pywinrm -> the simulated
node) and prints figures; nothing is asserted (the tests assert: tests/e2e/test_fault_matrix.py,
test_hardening.py, test_passwords.py). Run from the repository root after `python3 dev.py test`
has made .venv:

    .venv/bin/python tests/benchmarks/hardening.py [--skip-faults]

Sections:
1. Hostile values: each free-text option of each module gets every value of the hostile set
   (one simulated node per value, one play per option). A value is *refused* when the task
   fails before any command that changes the node; *accepted* otherwise. An *injection* is an
   accepted value after which the simulator refused a command (the value changed the shape of
   what was sent), ran a program the module never runs, or the file the module edits gained
   more than the one entry it manages.
2. Faults: the fault matrix of tests/e2e/test_fault_matrix.py (a fail and a dropped connection
   at every step of every change): scenarios per change and those that lost anything.
3. Passwords: every password of tests/e2e/test_passwords.py set through `service` (what sc.exe
   received) and imported with a PFX through `certificate`: delivered intact, refused up front
   with a reason, or neither (a failure).
4. Secrets (passwords and the PFX's base64) found in -vvvv output, task results and the nodes'
   logs.
5. The longest WinRS command line any of these flows sent, against cmd.exe's 8191.
"""

from __future__ import annotations

import argparse
import base64
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e"), str(ROOT / "tests" / "simulator"), str(ROOT / "tests" / "unit")]
import dev  # noqa: E402  pylint: disable=wrong-import-position
from simulator_control import Simulator  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, str(dev.stage_collection()))

HOSTILE = {
    "single quote": "a'b", "double quote": 'a"b', "semicolon": "a;calc", "subexpression": "$(calc)",
    "variable": "$env:PATH", "backtick": "a`nb", "pipe": "a|calc", "ampersand": "a&calc",
    "line break": "a\r\nb", "line feed": "a\nb", "stop-parsing": "--% a", "typographic quotes": "\u2018a\u2019\u201cb\u201d",
    "10 KB": "x" * 10240, "leading dash": "-Force", "wildcard": "a*?[b]", "UNC": "\\\\evil\\share\\x",
    "parent path": "..\\..\\Windows\\win.ini", "braces": "{a}", "percent": "%PATH%", "NUL": "a\x00b",
    "non-ASCII": "p\u00e4ss\u20ac\u5bc6", "spaces": "a b  c ", "trailing backslash": "a b\\",
    "angle brackets": "<a>&amp;</a>", "CDATA end": "]]>", "JSON breaker": '", "x": "', "empty": "",
}
SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
WORKER_CONFIG = "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config"
HOSTS = "C:\\Windows\\System32\\drivers\\etc\\hosts"
V = "{{ hostile_b64 | b64decode }}"

# module option -> (scenario, task arguments with V where the hostile value goes, tools it may run)
FIELDS = {  # noqa: E501
    "http_sslcert.ip_port": ("scaleout_master_healthy", {"ip_port": V, "state": "absent"}, {"netsh"}),
    "http_sslcert.hostname_port": ("scaleout_master_healthy", {"hostname_port": V, "state": "absent"}, {"netsh"}),
    "http_sslcert.certificate_store": ("scaleout_master_healthy", {
        "ip_port": "0.0.0.0:8391", "certificate_hash": "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b",
        "certificate_store": V}, {"netsh"}),
    "http_sslcert.app_id": ("scaleout_master_healthy", {
        "ip_port": "0.0.0.0:8391", "certificate_hash": "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b",
        "certificate_store": "Root", "app_id": V}, {"netsh"}),
    "firewall_rule.name": ("scaleout_pair_healthy:master", {"name": V, "port": 8391}, {"netsh"}),
    "registry_value.path": ("scaleout_master_healthy", {"path": V, "name": "X", "type": "string", "data": "1"}, {"reg"}),
    "registry_value.name": ("scaleout_master_healthy", {"path": SCHANNEL, "name": V, "type": "string", "data": "1"},
                            {"reg"}),
    "registry_value.data": ("scaleout_master_healthy", {"path": SCHANNEL, "name": "IropsTest", "type": "string",
                                                        "data": V}, {"reg"}),
    "service.name": ("scaleout_pair_healthy:worker", {"name": V, "state": "started"}, {"sc.exe"}),
    "service.username": ("scaleout_pair_healthy:worker", {"name": "SSISScaleOutWorker140", "username": V,
                                                          "password": "x"}, {"sc.exe"}),
    "hosts_entry.ip": ("scaleout_pair_healthy:worker", {"ip": V, "names": ["shir-node-02"]}, set()),
    "hosts_entry.names": ("scaleout_pair_healthy:worker", {"ip": "10.0.0.12", "names": [V]}, set()),
    "settings_file.key": ("scaleout_pair_healthy:worker", {"path": WORKER_CONFIG, "settings": "{{ {hostile_b64 | b64decode: '1'} }}"},
                          set()),  # Ansible templates values, not keys: the dict is built by a template
    "settings_file.value": ("scaleout_pair_healthy:worker", {"path": WORKER_CONFIG, "settings": {"MasterEndpoint": V}},
                            set()),
    "settings_file.path": ("scaleout_pair_healthy:worker", {"path": V, "settings": {"MasterEndpoint": "x"}}, set()),
    "private_key_access.account": ("scaleout_worker_no_key_access:worker", {
        "thumbprint": "21f5f6b3697e9ef46e28b0fb7aae5320fa53d878", "account": V}, {"certutil", "icacls"}),
    "recent_logs.folders": ("scaleout_pair_healthy:worker", {"folders": [V]}, set()),
    "tcp_probe.host": ("scaleout_pair_healthy:worker", {"host": V, "port": 8391}, set()),
    "certificate_info.store_name": ("scaleout_master_healthy", {"store_name": V}, {"certutil"}),
}


def value_inventory(path: Path, name: str, values: dict) -> None:
    """Host vars ``<name>_b64`` holding each host's value in base64: tasks decode it with the
    ``b64decode`` filter, whose result Ansible does not template again, so no value is mangled."""
    lines = ["all:", "  hosts:"]
    for host, value in values.items():
        lines += [f"    {host}:", f"      {name}_b64: '{base64.b64encode(value.encode()).decode()}'"]
    path.write_text("\n".join(lines) + "\n")


def check_delivered(results: dict) -> None:
    """Fail loudly if a task never saw its value (the inventory did not load)."""
    for host, found in results.items():
        for result in found:
            if "is undefined" in str(result.get("msg", "")):
                raise SystemExit(f"hardening.py: {host}: {result['msg']}")


def play(inventories: list, hosts: list, tasks: list, workdir: Path, *flags: str) -> tuple:
    import yaml  # pylint: disable=import-outside-toplevel

    out = workdir / "results"
    out.mkdir(parents=True, exist_ok=True)
    names = [f"r{i}" for i in range(len(tasks))]
    body = [dict(t, register=n, ignore_errors=True, ignore_unreachable=True) for t, n in zip(tasks, names)]
    body.append({"name": "Save", "ansible.builtin.copy": {
        "content": "{{ [" + ", ".join(names) + "] | to_json }}", "dest": f"{out}/{{{{ inventory_hostname }}}}.json",
        "mode": "0600"}, "delegate_to": "localhost", "check_mode": False})
    path = workdir / "play.yml"
    path.write_text(yaml.safe_dump([{"name": "hardening", "hosts": ",".join(hosts), "gather_facts": False,
                                     "tasks": body}], sort_keys=False))
    args = ["ansible-playbook", "-f", "20", str(path), *flags]
    for inventory in inventories:
        args[1:1] = ["-i", str(inventory)]
    proc = subprocess.run(args, env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)
    results = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
    return results, proc.stdout + proc.stderr


COMMAND_LINES: list = []
INJECTIONS: list = []
NEITHER: list = []


def hostile_values(scratch: Path) -> None:
    print("\n1. Hostile values per option (one simulated node per value)")
    print(f"{'option':<34}{'tried':>6}{'refused':>9}{'accepted':>10}{'injections':>12}")
    total = {"tried": 0, "refused": 0, "accepted": 0, "injections": 0}
    for option, (scenario, args, tools) in FIELDS.items():
        module = option.split(".", maxsplit=1)[0]
        hosts = {f"h{i}": value for i, value in enumerate(HOSTILE.values())}
        workdir = scratch / option
        with dev.simulator({h: scenario for h in hosts}, workdir) as (base, inventory):
            control = Simulator(base, Path(inventory))
            extra = workdir / "hostile.yml"
            value_inventory(extra, "hostile", hosts)
            before = {h: control.state(h) for h in hosts}
            results, _output = play([inventory, extra], list(hosts), [{"name": option, f"irops.remediation.{module}": args}],
                                    workdir)
            check_delivered(results)
            refusals = control.refusals()
            row = {"tried": len(hosts), "refused": 0, "accepted": 0, "injections": 0}
            for host in hosts:
                log = control.log(host)
                COMMAND_LINES.extend(e.get("command_line_chars", 0) for e in log)
                wrote = [c for c in control.recorded_commands(host) if not c["read_only"]]
                result = (results.get(host) or [{}])[0]
                if result.get("failed") and not wrote:
                    row["refused"] += 1
                    continue
                row["accepted"] += 1
                ran = {c["argv"][0].lower() for e in log for c in e.get("native", [])}
                after = control.state(host)
                # a refusal for a form the simulator does not emulate (a UNC path) is a gap of the
                # simulator, not an injection: the value arrived as one quoted argument
                broke = [r for r in refusals if r["node"] == host and "not emulated" not in r["reason"]]
                injected = (bool(broke) or bool(ran - tools - {"certutil", "reg"})
                            or _file_grew(before[host], after, hosts[host]))
                if injected:
                    INJECTIONS.append((option, hosts[host][:60], sorted(ran), [r['reason'] for r in refusals if r['node'] == host][:2]))
                row["injections"] += injected
            for key in total:
                total[key] += row[key]
        print(f"{option:<34}{row['tried']:>6}{row['refused']:>9}{row['accepted']:>10}{row['injections']:>12}")
    print(f"{'all':<34}{total['tried']:>6}{total['refused']:>9}{total['accepted']:>10}{total['injections']:>12}")
    for option, value, ran, reasons in INJECTIONS:
        print(f"  injection: {option} = {value!r}: ran {ran}; simulator refusals {reasons}")


def _file_grew(before: dict, after: dict, value: str) -> bool:
    """The hosts file gained more than one line, or WorkerSettings.config stopped being one JSON
    object or changed a key other than the one named by the value."""
    def text(state, path):
        entry = next((f for k, f in state.get("files", {}).items() if k.lower() == path.lower()), None)
        if entry is None:
            return None
        return entry.get("text") or base64.b64decode(entry.get("base64", "")).decode("utf-8-sig", "replace")

    old, new = text(before, HOSTS) or "", text(after, HOSTS) or ""
    if len([line for line in new.splitlines() if line not in old.splitlines()]) > 1:
        return True
    old, new = text(before, WORKER_CONFIG), text(after, WORKER_CONFIG)
    if old != new:
        try:
            old_keys, new_keys = json.loads(old), json.loads(new)
        except ValueError:
            return True
        changed = {k for k in set(old_keys) | set(new_keys) if old_keys.get(k) != new_keys.get(k)}
        return not changed <= {value, "MasterEndpoint"}
    return False


def faults(scratch: Path) -> None:
    from test_fault_matrix import CASES, run_case  # pylint: disable=import-outside-toplevel

    print("\n2. Faults: a fail and a dropped connection at every step of every change")
    print(f"{'change':<26}{'steps':>6}{'scenarios':>11}{'fired':>7}{'lost':>6}{'untruthful':>12}")
    for case in CASES:
        rows = run_case(case, scratch / case.id)
        print(f"{case.id:<26}{len(rows) // 2:>6}{len(rows):>11}{sum(r['fired'] for r in rows):>7}"
              f"{sum(not r['kept'] for r in rows):>6}{sum(not r['truthful'] for r in rows):>12}")


def passwords_and_secrets(scratch: Path) -> None:
    """Sections 3 and 5: every password through sc.exe and through a PFX import, at -vvvv."""
    import hashlib  # pylint: disable=import-outside-toplevel

    from hostile_passwords import DELIVERED, REFUSED  # pylint: disable=import-outside-toplevel
    from test_certificate import pfx_bytes  # pylint: disable=import-outside-toplevel
    from test_certificate_info import make_cert  # pylint: disable=import-outside-toplevel

    passwords = {**DELIVERED, **{name: value for name, (value, _reason) in REFUSED.items()}}
    names = sorted(passwords)
    hosts = {f"p{i}": name for i, name in enumerate(names)}
    made = {host: make_cert(f"IROPS-PFX-{i}") for i, host in enumerate(hosts)}
    pfx = {host: base64.b64encode(pfx_bytes(made[host], passwords[name])).decode() for host, name in hosts.items()}
    workdir = scratch / "passwords"
    with dev.simulator({h: "scaleout_pair_healthy:worker" for h in hosts}, workdir) as (base, inventory):
        control = Simulator(base, Path(inventory))
        extra = workdir / "passwords.yml"
        value_inventory(extra, "secret", {host: passwords[name] for host, name in hosts.items()})
        pfx_inventory = workdir / "pfx.yml"
        pfx_inventory.write_text("all:\n  hosts:\n" + "".join(f"    {h}:\n      pfx: {pfx[h]}\n" for h in hosts))
        # the worker's account may log on as a service; sc.exe records the SHA-256 of what it received
        account = {"name": "SSISScaleOutWorker140", "username": "CONTOSO\\svc-ssis", "password": "{{ secret_b64 | b64decode }}",
                   "update_password": "always"}
        certificate = {"content": "{{ pfx }}", "password": "{{ secret_b64 | b64decode }}", "store_name": "My", "key_spec": "key_exchange"}
        tasks = [{"name": "Account", "irops.remediation.service": account},
                 {"name": "PFX", "irops.remediation.certificate": certificate}]
        for host in hosts:
            state = control.state(host)
            state["accounts"] = dict(state.get("accounts", {}), **{"CONTOSO\\svc-ssis": {
                "sid": "S-1-5-21-3623811015-3361044348-30300820-1105", "rights": ["SeServiceLogonRight"]}})
            control.load_state(host, state)
        results, output = play([inventory, extra, pfx_inventory], list(hosts), tasks, workdir, "-vvvv")
        check_delivered(results)
        counts = {"sc.exe": [0, 0, 0], "certutil -importpfx": [0, 0, 0]}  # intact, refused up front, neither
        leaks = {"-vvvv output": 0, "task results": 0, "node logs": 0}
        for host, name in hosts.items():
            value = passwords[name]
            log = control.log(host)
            COMMAND_LINES.extend(e.get("command_line_chars", 0) for e in log)
            state = control.state(host)
            service = state["services"]["SSISScaleOutWorker140"]
            account, pfx_result = results[host]
            refused = name in REFUSED
            intact = service.get("password_sha256") == hashlib.sha256(value.encode()).hexdigest()
            outcome = 0 if intact and not refused else 1 if refused and account.get("failed") else 2
            counts["sc.exe"][outcome] += 1
            if outcome == 2:
                NEITHER.append(("sc.exe", name, account.get("msg", "")[:200]))
            imported = any(e["thumbprint"].upper() == made[host].thumbprint
                           for e in state["cert_stores"]["LocalMachine"]["My"])
            outcome = 0 if imported and not refused else 1 if refused and pfx_result.get("failed") else 2
            counts["certutil -importpfx"][outcome] += 1
            if outcome == 2:
                NEITHER.append(("certutil", name, pfx_result.get("msg", "")[:200]))
            for secret in ([value] if len(value) >= 5 else []) + [pfx[host]]:
                leaks["-vvvv output"] += secret in output
                leaks["task results"] += secret in json.dumps(results[host], ensure_ascii=False)
                leaks["node logs"] += secret in json.dumps(log, ensure_ascii=False)
    print("\n3. Passwords: the hostile set, each set through sc.exe and used for a PFX import")
    print(f"{'tool':<22}{'tried':>6}{'intact':>8}{'refused up front':>18}{'neither':>9}")
    for tool, (intact, refused, neither) in counts.items():
        print(f"{tool:<22}{len(hosts):>6}{intact:>8}{refused:>18}{neither:>9}")
    for tool, name, msg in NEITHER:
        print(f"  neither: {tool}, password {name!r}: {msg}")
    print("\n4. Secrets (passwords of 5+ characters and each PFX's base64) found, at -vvvv:")
    print("   " + ", ".join(f"{where}: {count}" for where, count in leaks.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-faults", action="store_true", help="leave out the fault matrix (the slowest part)")
    parser.add_argument("--skip-hostile", action="store_true", help="leave out the hostile values")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        if not options.skip_hostile:
            hostile_values(Path(scratch))
        if not options.skip_faults:
            faults(Path(scratch))
        passwords_and_secrets(Path(scratch))
        print(f"\n5. Longest WinRS command line sent: {max(COMMAND_LINES or [0])} characters (cmd.exe's limit: 8191)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
