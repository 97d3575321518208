"""Helpers shared by the simulator's own tests (not a test module)."""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.request

from winsim import winrs
from winsim.node import Node
from winsim.scenario import load_scenario

POWERSHELL = "PowerShell"
TAG_PIPE = ("2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) "
            "{ 'E ' + $_ } else { 'O ' + $_ } }")


def batch(*commands: str, prefix: str = "") -> str:
    """A script shaped like docs/dev/remote-execution.md for the given command lines (a cmdlet or a
    .NET call is preceded by ``$LASTEXITCODE = 0``, a native program by ``-1``); ``prefix``: lines
    before the batch (e.g. reading stdin)."""
    lines = ["$ErrorActionPreference = 'Continue'"] + ([prefix] if prefix else [])
    for number, command in enumerate(commands, 1):
        cmdlet = re.match(r"^[A-Z][a-z]+-[A-Za-z]+ ", command) or command.startswith("[")
        lines += [f"'##irops begin {number}'", "$LASTEXITCODE = 0" if cmdlet else "$LASTEXITCODE = -1",
                  f"{command} {TAG_PIPE}", f"'##irops end {number} ' + $LASTEXITCODE"]
    lines.append("exit 0")
    return "\n".join(lines)


def encoded_arguments(script: str) -> list[str]:
    b64 = base64.b64encode(script.encode("utf-16-le")).decode("ascii")
    return ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Unrestricted", "-EncodedCommand", b64]


def make_node(scenario: object = "scaleout_master_healthy", name: str = "node1") -> Node:
    return Node(name, scenario, load_scenario)


def run(node: Node, script: str, stdin: bytes = b"") -> winrs.ProcessOutcome:
    """Run a script on a node the way a WinRS Command + Receive would."""
    return winrs.execute(node, POWERSHELL, " ".join(encoded_arguments(script)), stdin, "shell", "command")


def parse_batch(stdout: list[str]) -> list[dict]:
    """Split batch output into per-command {out, err, rc}; a missing end marker is an error."""
    results, current = [], None
    for line in stdout:
        if m := re.fullmatch(r"##irops begin (\d+)", line):
            current = {"number": int(m.group(1)), "out": [], "err": [], "rc": None}
        elif m := re.fullmatch(r"##irops end (\d+) (-?\d+)", line):
            assert current is not None and current["number"] == int(m.group(1)), line
            current["rc"] = int(m.group(2))
            results.append(current)
            current = None
        elif current is not None and line.startswith("O "):
            current["out"].append(line[2:])
        elif current is not None and line.startswith("E "):
            current["err"].append(line[2:])
        else:
            raise AssertionError(f"untagged output line {line!r}")
    assert current is None, "missing end marker"
    return results


def run_one(node: Node, command: str, stdin: bytes = b"", prefix: str = "") -> dict:
    """Run one command in a batch; return {out, err, rc} (rc 1 for a cmdlet with error lines, as the runner)."""
    outcome = run(node, batch(command, prefix=prefix), stdin)
    assert outcome.exit_code == 0, outcome
    [result] = parse_batch(outcome.stdout)
    return result


def run_many(node: Node, *commands: str) -> list[dict]:
    outcome = run(node, batch(*commands))
    assert outcome.exit_code == 0, outcome
    return parse_batch(outcome.stdout)


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy


def control(handle, method: str, path: str, body: object = None, raw: bytes | None = None) -> tuple[int, dict]:
    """Call the control API of a running simulator (``handle.url``): (HTTP status, JSON reply)."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(f"{handle.url}/_sim/{path}", data=data, method=method)
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
