"""The simulated node's control API (tests/simulator/README.md), for end-to-end tests and benchmarks."""

from __future__ import annotations

import base64
import json
import urllib.request
from pathlib import Path


class Simulator:
    """The simulator's control API (tests/simulator/README.md)."""

    def __init__(self, base: str, inventory: Path):
        self.base, self.inventory = base, inventory
        self.swapped: set = set()  # nodes given another scenario by load_scenario

    def _call(self, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method="GET" if body is None else "POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    def state(self, node: str) -> dict:
        return self._call(f"/_sim/nodes/{node}/state")["state"]

    def digest(self, node: str) -> str:
        return self._call(f"/_sim/nodes/{node}/state")["digest"]

    def log(self, node: str) -> list:
        """One entry per WinRM command (round trip) the node received."""
        return self._call(f"/_sim/nodes/{node}/log")["log"]

    def commands(self, node: str) -> list[list[str]]:
        """argv of every native command the node ran, in order."""
        return [command["argv"] for entry in self.log(node) for command in entry.get("native", [])]

    def reset(self, node: str) -> None:
        self._call(f"/_sim/nodes/{node}/reset", {})

    def load_state(self, node: str, state: dict) -> None:
        """Replace the node's state (the shape of ``state(node)``); faults stay."""
        self._call(f"/_sim/nodes/{node}/state", {"state": state})

    def load_scenario(self, node: str, scenario: str) -> None:
        """Give the node another scenario's state (its network joins the fabric) for this test;
        the ``sim`` fixture gives the node its own scenario back before the next test."""
        self.swapped.add(node)
        self._call(f"/_sim/nodes/{node}/state", {"scenario": scenario})

    def network(self, section: dict) -> dict:
        """Merge a scenario ``network:`` section (dns, hosts, revoked) into the process-wide fabric."""
        return self._call("/_sim/network", section)

    def put_files(self, node: str, files: dict) -> None:
        """Add or replace files on the node: Windows path -> bytes."""
        state = self.state(node)
        state["files"] = dict(state.get("files", {}), **{path: {"base64": base64.b64encode(data).decode()}
                                                         for path, data in files.items()})
        self.load_state(node, state)

    def file_bytes(self, node: str, path: str) -> bytes | None:
        """A file's bytes on the node (the path compared case-insensitively, as Windows does), or None."""
        for name, spec in self.state(node)["files"].items():
            if name.lower() == path.lower():
                return base64.b64decode(spec["base64"])
        return None

    def clear_log(self, node: str) -> None:
        self._call(f"/_sim/nodes/{node}/log/clear", {})

    def clear_refusals(self) -> None:
        self._call("/_sim/refusals/clear", {})

    def fault(self, node: str, spec: dict) -> None:
        """Replace the node's faults with this one."""
        self._call(f"/_sim/nodes/{node}/faults", [spec])

    def faults(self, node: str) -> list:
        """The node's faults with their counters (``seen``, ``fired``)."""
        return self._call(f"/_sim/nodes/{node}/faults")["faults"]

    def recorded_commands(self, node: str) -> list:
        """Every native command, cmdlet and .NET call with ``read_only`` (the simulator's classification)."""
        return self._call(f"/_sim/nodes/{node}/commands")["commands"]

    def refusals(self) -> list:
        return self._call("/_sim/refusals")["refusals"]
