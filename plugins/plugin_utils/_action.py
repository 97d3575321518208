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


# Every action takes them (plugins/doc_fragments/attributes.py documents them). command_timeout: seconds
# one round trip may take before the runner closes the connection, which stops the script on the node.
COMMAND_TIMEOUT = {"type": "int", "default": 300}
# documented_entry: the catalog entries (ids) whose documented failure the task's drift causes; the
# result's documented_symptoms name exactly these. Not given: the task claims none (the module alone
# cannot know why it runs: a certificate in Root may be a Scale Out or a self-hosted IR fix).
DOCUMENTED_ENTRY = {"type": "list", "elements": "str", "default": []}

# What works for the one write that needs another identity than the connection's network logon: the PFX
# import (the double hop, plugins/action/certificate.py). Named by the become refusal and the double-hop error.
# Source: ansible.windows win_certificate_store's notes ("Some actions on PKCS12 certificates and keys may fail
# with the error 'the specified network password is not correct', either use CredSSP or Kerberos with credential
# delegation, or use become to bypass these restrictions") and its examples (become_method runas, become_user
# SYSTEM); that module runs inside Ansible's module wrapper, where runas works. Not exercised by this
# collection's tests (the simulator serves neither CredSSP nor delegation, and ansible.windows is not installed).
OTHER_IDENTITY = (
    "connect with CredSSP (ansible_winrm_transport: credssp) or Kerberos with delegation "
    "(ansible_winrm_kerberos_delegation: true), or import the PFX as the node's SYSTEM account by other means, "
    "such as ansible.windows.win_certificate_store with become_method: runas and become_user: SYSTEM")
BECOME_REFUSED = (
    "{action} does not support become: it sends documented Windows commands straight through the connection, "
    "and Ansible's runas become works only inside its module wrapper, so the commands would run as the "
    "connection user, not as become_user. Remove become from this task (and from the play, block or inventory "
    "that sets it): every module of this collection runs as the connection user, who must be a local "
    "administrator of the node. For the one write that needs another identity, a PFX import refused by the "
    "double-hop limit, " + OTHER_IDENTITY + ". Nothing was run on the node.")
# ansible-core's own refusal (ActionBase.run) says only "This action (<name>) does not support async."
ASYNC_REFUSED = (
    "{action} does not support async: it runs on the controller and sends its commands to the node itself, "
    "so Ansible's async wrapper cannot run it in the background. Remove async and poll from this task; "
    "command_timeout bounds each round trip to the node. Nothing was run on the node.")


class NodeAction(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = True
    _supports_check_mode = True
    _supports_async = False

    argument_spec: dict = {}
    constraints: dict = {}

    def run(self, tmp=None, task_vars=None):
        refuse_unsupported_keywords(self._task, self._play_context)
        result = super().run(tmp, task_vars)
        del tmp
        spec = dict(self.argument_spec, command_timeout=COMMAND_TIMEOUT, documented_entry=DOCUMENTED_ENTRY)
        _validation, args = self.validate_argument_spec(argument_spec=spec, **self.constraints)
        timeout = args.pop("command_timeout")
        self._documented_entries = documented_entries(args.pop("documented_entry"))
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
        """The catalog entries the task named in ``documented_entry``: what its drift causes.

        Exactly those, in the order given; none when the task names none. The entries whose fix
        merely uses this module are not claimed: one module serves several documented fixes.
        """
        return [entry.summary() for entry in getattr(self, "_documented_entries", ())]

    @abstractmethod
    def execute(self, args: dict, runner: CommandRunner, task_vars: dict) -> dict:
        """Do the work; return the result keys. Raise RemediationError to fail."""


def refuse_unsupported_keywords(task, play_context) -> None:
    """Fail a task that sets become or async, before anything runs: neither would do what it says."""
    action = getattr(task, "action", None) or "this module"
    if getattr(play_context, "become", False) or getattr(task, "become", False):
        raise RemediationError(BECOME_REFUSED.format(action=action))
    if getattr(task, "async_val", 0):
        raise RemediationError(ASYNC_REFUSED.format(action=action))


def documented_entries(ids) -> tuple:
    """The catalog entries of ``documented_entry``, each once; an unknown id fails before any command."""
    entries = []
    for index, entry_id in enumerate(ids or ()):
        try:
            entry = _catalog.by_id(str(entry_id).strip())
        except KeyError:
            prefix = str(entry_id).split("-", maxsplit=1)[0]
            known = ", ".join(e.id for e in _catalog.load() if e.id.split("-", maxsplit=1)[0] == prefix)
            hint = f", such as {known}" if known else "; ids start with scaleout-, azuressis- or shir-"
            raise InvalidValue(f"documented_entry[{index}]", entry_id,
                               "give the id of a catalog entry (catalog/*.yml)" + hint) from None
        if entry not in entries:
            entries.append(entry)
    return tuple(entries)
