"""Measure the simulator at scale: 200 nodes in one process, round-trip time and memory.

    python tests/simulator/bench_scale.py [--nodes 200] [--round-trips 400]

Starts the simulator in its own process with N nodes (the scenario library's nodes, cycled),
as dev.py and the e2e tests do, and times WinRM round trips with the real pywinrm client
(one shell per node, one batch of four read-only probes per round trip, spread over all
nodes; then on one node; then an empty script to show the HTTP cost).  Then builds the same
nodes in this process to time the node's own work without HTTP and to measure the memory the
nodes take.  Timings depend on the machine; the tests assert none of them.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import winrm  # noqa: E402

import winsim  # noqa: E402
from winsim.scenario import available_scenarios, roles  # noqa: E402
from winsim_helpers import batch, encoded_arguments  # noqa: E402

PROBES = ("netsh http show sslcert", "sc.exe query WinRM",
          "reg query HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL",
          "Test-Path -LiteralPath 'C:\\Windows\\System32\\drivers\\etc\\hosts'")


def rss_mib() -> float:
    """Current resident set size (Linux /proc), else the peak from getrusage."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scenario_refs() -> list[str]:
    refs = []
    for name in available_scenarios():
        refs += [f"{name}:{role}" for role in roles(name)] or [name]
    return refs


def server_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def time_round_trips(port: int, names: list[str], count: int, script: str) -> list[float]:
    shells = {}
    for name in names:
        proto = winrm.Protocol(f"http://127.0.0.1:{port}/wsman/{name}", transport="basic",
                               username=winsim.DEFAULT_USER, password=winsim.DEFAULT_PASSWORD, proxy=None,
                               ca_trust_path=None)
        shells[name] = (proto, proto.open_shell(codepage=65001))
    times = []
    for k in range(count):
        proto, shell = shells[names[k % len(names)]]
        t0 = time.perf_counter()
        command = proto.run_command(shell, "PowerShell", encoded_arguments(script))
        _out, _err, rc = proto.get_command_output(shell, command)
        proto.cleanup_command(shell, command)
        times.append((time.perf_counter() - t0) * 1000)
        if rc != 0:
            raise SystemExit(f"round trip failed with exit code {rc}")
    for proto, shell in shells.values():
        proto.close_shell(shell)
    return sorted(times)


def summary(values: list[float]) -> str:
    return (f"median {statistics.median(values):.2f} ms, p95 {values[int(len(values) * 0.95)]:.2f} ms, "
            f"max {values[-1]:.2f} ms")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--round-trips", type=int, default=400)
    args = parser.parse_args(argv)
    refs = scenario_refs()
    nodes = {f"n{i:03d}": refs[i % len(refs)] for i in range(args.nodes)}
    names = sorted(nodes)
    script = batch(*PROBES)

    # 1. the simulator in its own process (as dev.py and the e2e tests run it), pywinrm here
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        command = [sys.executable, str(HERE / "winsim_server.py"), "--port", "0", "--port-file", str(port_file)]
        for name, ref in nodes.items():
            command += ["--node", f"{name}={ref}"]
        start = time.perf_counter()
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        try:
            while not (port_file.exists() and port_file.read_text().strip()):
                if server.poll() is not None or time.perf_counter() - start > 60:
                    raise SystemExit("the simulator did not start")
                time.sleep(0.02)
            startup = time.perf_counter() - start
            port = int(port_file.read_text())
            idle = server_rss_mib(server.pid)
            remote = time_round_trips(port, names, args.round_trips, script)
            single = time_round_trips(port, names[:1], args.round_trips // 2, script)
            empty = time_round_trips(port, names[:20], args.round_trips // 2, "exit 0")
            used = server_rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=10)

    # 2. the node's own work, in this process (no HTTP, no XML)
    base = rss_mib()
    handle = winsim.start_in_thread(nodes)
    grown = rss_mib() - base
    try:
        direct = []
        for k in range(args.round_trips):
            node = handle.node(names[k % len(names)])
            t0 = time.perf_counter()
            winsim.winrs.execute(node, "PowerShell", " ".join(encoded_arguments(script)), b"", "bench", "bench")
            direct.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        for name in names:
            handle.node(name).digest()
        digest_ms = (time.perf_counter() - t0) * 1000 / len(names)
    finally:
        handle.stop()
    direct.sort()
    refused = winsim.refusals()
    print(f"nodes: {args.nodes} ({len(refs)} distinct scenario nodes, cycled); server process up in {startup:.2f} s")
    print(f"memory of the server process: {idle:.1f} MiB resident with {args.nodes} nodes idle, {used:.1f} MiB after "
          f"{args.round_trips + args.round_trips // 2} round trips (logs kept); nodes alone: {grown:.1f} MiB "
          f"({grown * 1024 / args.nodes:.0f} KiB a node, scenario states shared until changed)")
    print(f"WinRM round trip, pywinrm client -> server process, a 4-command read-only batch: {summary(remote)}")
    print(f"  the same batch, one node and one shell (a playbook's view of one host): {summary(single)}")
    print(f"  an empty script (exit 0), the same three HTTP requests (Command, Receive, Signal): {summary(empty)}")
    print(f"  the node's own work for the batch (parse, run, commit, log): {summary(direct)}")
    print(f"state digest: {digest_ms:.2f} ms a node")
    print(f"refusals: {len(refused)}")
    return 0 if not refused else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
