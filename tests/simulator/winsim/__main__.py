"""Command line: ``python -m winsim --port 0 --node NAME=SCENARIO [...]``.

Prints ``winsim listening on http://127.0.0.1:<port>`` once it accepts connections,
optionally writes the port (``--port-file``) and an Ansible inventory (``--inventory``),
and runs until SIGTERM or SIGINT. ``--https DIR`` serves WinRM over TLS instead, with a
server certificate issued by a test CA made at start-up in DIR (``DIR/ca.pem``; the
inventory then validates the certificate against it).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from winsim import DEFAULT_PASSWORD, DEFAULT_USER, start_in_thread
from winsim.scenario import ScenarioError


def _node(text: str) -> tuple[str, str]:
    name, sep, scenario = text.partition("=")
    if not sep or not name or not scenario:
        raise argparse.ArgumentTypeError(f"expected NAME=SCENARIO, got {text!r}")
    return name, scenario


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="winsim", description="Simulated Windows nodes over WinRM.")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--node", type=_node, action="append", required=True, metavar="NAME=SCENARIO",
                        help="a node and its scenario (name in the scenario directory, or a .yml path)")
    parser.add_argument("--user", default=DEFAULT_USER, help=f"Basic auth user (default {DEFAULT_USER})")
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Basic auth password")
    parser.add_argument("--port-file", type=Path, help="write the bound port to this file")
    parser.add_argument("--inventory", type=Path, help="write an Ansible YAML inventory to this file")
    parser.add_argument("--https", type=Path, metavar="DIR",
                        help="serve WinRM over HTTPS: write a test CA (DIR/ca.pem) and the server certificate it issues "
                             "(SAN 127.0.0.1, localhost) into DIR; the inventory validates against DIR/ca.pem")
    parser.add_argument("--ssh", type=Path, metavar="DIR",
                        help="each node also answers SSH (PowerShell as its DefaultShell) on a port of its own; host and "
                             "client keys and known_hosts are written into DIR; the inventory gets group windows_ssh")
    parser.add_argument("--scenario-dir", type=Path, action="append",
                        help="where scenario names are looked up (default: tests/simulator/scenarios)")
    args = parser.parse_args(argv)

    names = [name for name, _scenario in args.node]
    if len(set(names)) != len(names):
        parser.error("each --node name must be unique")
    try:
        handle = start_in_thread(dict(args.node), port=args.port, user=args.user, password=args.password,
                                 scenario_dirs=args.scenario_dir, tls_dir=args.https, ssh_dir=args.ssh)
    except (ScenarioError, ValueError, OSError) as exc:
        print(f"winsim: cannot start: {exc}", file=sys.stderr)
        return 2

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    # The inventory first: a caller that waits for the port file may read the inventory at once.
    if args.inventory:
        handle.write_inventory(args.inventory)
    if args.port_file:
        args.port_file.write_text(f"{handle.port}\n", encoding="utf-8")
    print(f"winsim listening on {handle.url}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        handle.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
