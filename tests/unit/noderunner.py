"""The collection's real CommandRunner against a simulated node, without WinRM (not a test module).

The runner builds its script and standard input as for a real node; the fake action hands
them to the simulator the way WinRS would (``PowerShell ... -EncodedCommand <bootstrap>`` with
the script on stdin). ``before_round_trip(number, node)`` lets a test act as another writer
between two round trips of the same task.
"""

from __future__ import annotations

from types import SimpleNamespace

from winsim_helpers import make_node, run

from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandRunner


class NodeAction:
    def __init__(self, node, before_round_trip=None):
        self.node = node
        self.before_round_trip = before_round_trip
        self.calls = 0
        self._play_context = SimpleNamespace(remote_addr=node.name)
        self._connection = None

    def _low_level_execute_command(self, cmd, sudoable=False, in_data=None):
        del sudoable
        self.calls += 1
        if self.before_round_trip is not None:
            self.before_round_trip(self.calls, self.node)
        outcome = run(self.node, cmd, in_data or b"")
        return {"rc": outcome.exit_code, "stdout": "".join(line + "\r\n" for line in outcome.stdout),
                "stderr": "\r\n".join(outcome.stderr)}


def node_runner(scenario, before_round_trip=None, check_mode: bool = False):
    """(runner, node) for a node of ``scenario`` (a name or an inline mapping)."""
    node = make_node(scenario)
    return CommandRunner(NodeAction(node, before_round_trip), check_mode=check_mode), node
