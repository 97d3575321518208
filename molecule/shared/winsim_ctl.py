"""Start or stop the simulated Windows nodes for a molecule scenario (its create and destroy steps).

start: runs ``python -m winsim`` (tests/simulator) as dev.py simulator() does, detached, with the nodes of a documented
fault scenario; waits for the port file; writes the inventory converge and verify read, with each host's
``irops_node_roles``; keeps the simulator's pid in the scenario's ephemeral directory.
stop: ends that pid (only it) and removes the pid file.

Used only with the simulator: against real hosts, skip create and destroy and give the inventory (molecule/README.md).
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml


def start(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    port_file, generated, pid_file = workdir / "winsim.port", workdir / "winsim-hosts.yml", workdir / "winsim.pid"
    if pid_file.exists():
        print(json.dumps({"changed": False, "pid": int(pid_file.read_text())}))
        return 0
    port_file.unlink(missing_ok=True)
    roles = json.loads(args.roles)
    command = [sys.executable, "-m", "winsim", "--port", "0", "--port-file", str(port_file), "--inventory", str(generated)]
    for node in roles:
        command += ["--node", f"{node}={args.scenario}:{node}"]
    env = dict(os.environ, PYTHONPATH=str(Path(args.project) / "tests" / "simulator"))
    with open(workdir / "winsim.log", "ab") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    while not (port_file.exists() and port_file.read_text().strip()):
        if process.poll() is not None or time.monotonic() > deadline:
            process.terminate()
            print(f"the simulator did not start (exit code {process.poll()}); see {workdir / 'winsim.log'}", file=sys.stderr)
            return 1
        time.sleep(0.05)
    pid_file.write_text(str(process.pid))
    inventory = yaml.safe_load(generated.read_text())
    hosts = inventory["all"]["children"]["windows"]["hosts"]
    for node, node_roles in roles.items():
        hosts[node]["irops_node_roles"] = list(node_roles)
    inventory["all"]["children"]["windows"].setdefault("vars", {}).update(json.loads(args.vars))
    Path(args.inventory).write_text(yaml.safe_dump(inventory, sort_keys=False))
    print(json.dumps({"changed": True, "pid": process.pid}))
    return 0


def stop(args: argparse.Namespace) -> int:
    pid_file = Path(args.workdir) / "winsim.pid"
    if not pid_file.exists():
        print(json.dumps({"changed": False}))
        return 0
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            os.kill(pid, 0)     # raises once the simulator has exited
            time.sleep(0.1)
    except ProcessLookupError:
        pass
    pid_file.unlink()
    print(json.dumps({"changed": True, "pid": pid}))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--project", default=".")
    parser.add_argument("--scenario", default="")
    parser.add_argument("--roles", default="{}", help="JSON: node -> its roles (irops_node_roles)")
    parser.add_argument("--vars", default="{}", help="JSON: variables of the windows group (the operator's settings)")
    parser.add_argument("--inventory", default="")
    args = parser.parse_args()
    return start(args) if args.action == "start" else stop(args)


if __name__ == "__main__":
    sys.exit(main())
