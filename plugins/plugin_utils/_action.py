# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base class of every action in this collection.

An action validates its arguments before anything reaches the node, runs documented
Windows commands through :class:`CommandRunner`, and reports the round trips it made.
Subclasses declare ``argument_spec`` (and the usual ``mutually_exclusive``-style
constraints) and implement :meth:`execute`.
"""

from __future__ import annotations

from abc import abstractmethod

from ansible.plugins.action import ActionBase

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandRunner


# Every action takes it (plugins/doc_fragments/attributes.py documents it): seconds one round
# trip may take before the runner closes the connection, which stops the script on the node.
COMMAND_TIMEOUT = {"type": "int", "default": 300}


class NodeAction(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = True
    _supports_check_mode = True
    _supports_async = False

    argument_spec: dict = {}
    constraints: dict = {}

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        spec = dict(self.argument_spec, command_timeout=COMMAND_TIMEOUT)
        _validation, args = self.validate_argument_spec(argument_spec=spec, **self.constraints)
        timeout = args.pop("command_timeout")
        if not 1 <= timeout <= 86400:
            raise InvalidValue("command_timeout", timeout, "give the seconds one round trip to the node may take, "
                               "from 1 to 86400")
        task_timeout = getattr(self._task, "timeout", None) or 0
        if task_timeout:  # end a second before the task's timeout, so the message about the node is ours
            timeout = min(timeout, max(1, task_timeout - 1))
        runner = CommandRunner(self, check_mode=bool(self._task.check_mode), timeout=timeout)
        try:
            result.update(self.execute(args, runner, task_vars or {}))
        except RemediationError as exc:
            exc._result = dict(exc._result, round_trips=runner.round_trips, commands=runner.commands_run)
            raise
        result["round_trips"] = runner.round_trips
        result.setdefault("changed", False)
        return result

    def documented_symptoms(self) -> list[dict]:
        """The catalog entries whose documented fix this module applies: what a drift causes."""
        name = "irops.remediation." + type(self).__module__.rsplit(".", 1)[-1]
        return [entry.summary() for entry in _catalog.fixed_by(name)]

    @abstractmethod
    def execute(self, args: dict, runner: CommandRunner, task_vars: dict) -> dict:
        """Do the work; return the result keys. Raise RemediationError to fail."""
