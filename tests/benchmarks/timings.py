"""Print the wall-clock figures the tests used to assert (the tests now assert only behaviour):

    .venv/bin/python tests/benchmarks/timings.py [--repeat 5]

- explain on a large log: 3000 worker-log lines, one documented error, the unrelated corpus
  (tests/unit/test_explain.py::test_a_large_log_is_explained; it used to assert under 5 s);
- building 200 simulated nodes of one scenario and their digests
  (tests/simulator/test_winsim_node.py; under 2 s);
- one WinRM round trip, pywinrm on one shell, a one-command batch, averaged over 50
  (tests/simulator/test_winsim_wsman.py; under 30 ms);
- a hang fault of 1.5 s on a command: how long the client waits for it
  (tests/simulator/test_winsim_faults.py; at least 1.4 s);
- a command hung past the client's timeout and then aborted: how soon the node logs it
  (tests/simulator/test_winsim_faults.py; under 5 s).

Each figure is the median of --repeat runs with its minimum and maximum. Timings depend on the
machine and its load; nothing here fails on a slow figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "unit"), str(ROOT / "tests" / "simulator")]
import dev  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, str(dev.stage_collection()))
import winrm  # noqa: E402  pylint: disable=wrong-import-position
from winrm.exceptions import WinRMOperationTimeoutError  # noqa: E402  pylint: disable=wrong-import-position
from winsim_helpers import batch, encoded_arguments, make_node  # noqa: E402  pylint: disable=wrong-import-position

import winsim  # noqa: E402  pylint: disable=wrong-import-position
from winsim.node import parse_faults  # noqa: E402  pylint: disable=wrong-import-position

MASTER = "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b"
APPID = "{fbd80bfd-9ab6-5dc8-a84b-37651993b139}"
ADD = f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER} appid='{APPID}' certstorename=Root"


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def explain_large_log() -> float:
    from ansible_collections.irops.remediation.plugins.plugin_utils import _explain  # pylint: disable=import-outside-toplevel
    from test_explain import large_log  # pylint: disable=import-outside-toplevel

    text = large_log()
    return timed(lambda: _explain.explain(text))


def two_hundred_nodes() -> float:
    return timed(lambda: {make_node(name=f"n{i}").digest() for i in range(200)})


def protocol(handle, node: str, **timeouts) -> winrm.Protocol:
    return winrm.Protocol(handle.endpoint(node), transport="basic", username=winsim.DEFAULT_USER,
                          password=winsim.DEFAULT_PASSWORD, proxy=None, ca_trust_path=None, **timeouts)


def round_trip() -> float:
    handle = winsim.start_in_thread({"master01": "scaleout_master_healthy"})
    try:
        proto = protocol(handle, "master01")
        shell = proto.open_shell(codepage=65001)
        arguments = encoded_arguments(batch("netsh http show sslcert ipport=0.0.0.0:8391"))

        def once():
            command = proto.run_command(shell, "PowerShell", arguments)
            proto.get_command_output(shell, command)
            proto.cleanup_command(shell, command)

        once()
        average = timed(lambda: [once() for _attempt in range(50)]) / 50
        proto.close_shell(shell)
        return average
    finally:
        handle.stop()


def hang_fault() -> float:
    handle = winsim.start_in_thread({"m": "scaleout_master_binding_missing"})
    try:
        handle.node("m").set_faults(parse_faults([{"match": "netsh http add sslcert", "action": "hang", "seconds": 1.5}]))
        proto = protocol(handle, "m", operation_timeout_sec=1, read_timeout_sec=3)
        shell = proto.open_shell(codepage=65001)
        command = proto.run_command(shell, "PowerShell", encoded_arguments(batch(ADD)))
        return timed(lambda: proto.get_command_output(shell, command))
    finally:
        handle.stop()


def abort_logged() -> float:
    handle = winsim.start_in_thread({"m": "scaleout_master_healthy"})
    try:
        node = handle.node("m")
        node.set_faults(parse_faults([{"match": ["netsh", "http", "add"], "action": "hang", "seconds": 60}]))
        proto = protocol(handle, "m", operation_timeout_sec=1, read_timeout_sec=3)
        shell = proto.open_shell(codepage=65001)
        command = proto.run_command(shell, "PowerShell", encoded_arguments(
            batch("netsh http delete sslcert ipport=0.0.0.0:8391", ADD)))
        try:
            proto._raw_get_command_output(shell, command)  # pylint: disable=protected-access
        except WinRMOperationTimeoutError:
            pass
        started = time.perf_counter()
        proto.cleanup_command(shell, command)
        while not node.log_snapshot() and time.perf_counter() - started < 30:
            time.sleep(0.005)
        return time.perf_counter() - started
    finally:
        handle.stop()


FIGURES = (
    ("explain, 3000-line log + unrelated corpus", explain_large_log, "was asserted < 5 s"),
    ("200 simulated nodes built, digests", two_hundred_nodes, "was asserted < 2 s"),
    ("WinRM round trip, one shell (mean of 50)", round_trip, "was asserted < 0.03 s"),
    ("client wait for a 1.5 s hang fault", hang_fault, "was asserted >= 1.4 s"),
    ("abort of a hung command -> node log entry", abort_logged, "was asserted < 5 s"),
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each figure (default 5)")
    args = parser.parse_args(argv)
    for title, measure, note in FIGURES:
        runs = [measure() for _run in range(args.repeat)]
        print(f"{title:45s} median {statistics.median(runs):8.4f} s  (min {min(runs):.4f}, max {max(runs):.4f}; "
              f"{note})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
