"""What happens on the simulated node when WinRS starts a process.

The WS-Management layer (``wsman.py``) hands over the WinRS command line, the bytes sent
on stdin and the node.  This module:

1. accepts only ``PowerShell [-NoProfile] [-NonInteractive] [-ExecutionPolicy P]
   -EncodedCommand <base64 of UTF-16-LE>`` (what ansible-core's winrm plugin sends,
   ansible/plugins/shell/powershell.py ``_encode_script``) and decodes the script;
2. runs it: Ansible's bootstrap wrapper through ``bootstrap.py``, anything else through
   the PowerShell subset in ``powershell.py``;
3. applies injected faults to native commands and records every native command, its
   argv and exit code, and every refusal in the node's log;
4. runs against a copy of the node state and commits it only when the command
   completes, so a dropped connection leaves no trace.

The outcome's stdout/stderr are lists of lines; the caller joins them with CRLF.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from winsim import bootstrap, powershell, refusal_log
from winsim.node import Node, NodeState
from winsim.tools import ToolContext, ToolRefused, ToolResult, resolve

POWERSHELL_NAMES = ("powershell", "powershell.exe")
SWITCH_OPTIONS = ("-noprofile", "-noninteractive")
EXECUTION_POLICIES = ("unrestricted", "bypass", "remotesigned", "allsigned", "restricted", "default", "undefined")
LOGGED_COMMAND_LINE = 160


class DropConnection(Exception):
    """A drop_connection fault fired: the HTTP connection is closed without a reply."""


class CommandLineRefused(Exception):
    pass


@dataclass
class ProcessOutcome:
    stdout: list[str]
    stderr: list[str]
    exit_code: int
    dropped: bool = False


def one_line(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


class NodeHost:
    """The node as the PowerShell interpreter and the bootstrap actions see it."""

    def __init__(self, node: Node, state: NodeState, entry: dict) -> None:
        self.node = node
        self._state = state
        self.entry = entry

    @property
    def state(self) -> NodeState:
        return self._state

    def refuse(self, statement: str, reason: str) -> list[str]:
        statement = one_line(statement)
        refusal_log.record(self.node.name, statement, reason)
        self.entry["refused"].append({"statement": statement, "reason": reason})
        return [f"winsim: refused: {statement}", f"winsim: reason: {reason}"]

    def run_native(self, name: str, argv: list[str], statement: str) -> powershell.NativeOutcome:
        full = [name, *argv]
        record: dict = {"argv": full, "exit_code": None}
        self.entry["native"].append(record)
        fired = None
        for fault in self.node.faults:
            if fault.check(full) and fired is None:
                fired = fault
        if fired is not None:
            record["fault"] = fired.action
            if fired.action == "drop_connection":
                raise DropConnection()
            result = ToolResult(exit_code=fired.exit_code).out(fired.stdout).err(fired.stderr)
        else:
            spec = resolve(name).spec
            try:
                result = spec.run(list(argv), ToolContext(node_name=self.node.name, state=self._state))
            except ToolRefused as exc:
                record["refused"] = exc.reason
                raise powershell.StatementRefused(self.refuse(statement, exc.reason)) from None
        record["exit_code"] = result.exit_code
        return powershell.NativeOutcome(result.exit_code, list(result.events))


def decode_command_line(command: str, arguments: str) -> str:
    """The script of a ``PowerShell ... -EncodedCommand <b64>`` command line."""
    words = f"{command or ''} {arguments or ''}".split()
    if not words or words[0].lower() not in POWERSHELL_NAMES:
        raise CommandLineRefused("only PowerShell -EncodedCommand command lines are emulated")
    k = 1
    while k < len(words) - 2:
        option = words[k].lower()
        if option in SWITCH_OPTIONS:
            k += 1
        elif option == "-executionpolicy" and words[k + 1].lower() in EXECUTION_POLICIES:
            k += 2
        else:
            raise CommandLineRefused(f"PowerShell option {words[k]!r} is not emulated")
    if len(words) - k != 2 or words[k].lower() != "-encodedcommand":
        raise CommandLineRefused("the command line must end with -EncodedCommand <base64>")
    try:
        raw = base64.b64decode(words[k + 1], validate=True)
        return raw.decode("utf-16-le")
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise CommandLineRefused(f"-EncodedCommand is not base64 of UTF-16-LE text: {exc}") from None


def execute(node: Node, command: str, arguments: str, stdin: bytes, shell_id: str, command_id: str) -> ProcessOutcome:
    """Run one WinRS command on ``node``; log it; commit its state changes unless dropped."""
    with node.lock:
        entry: dict = {"shell_id": shell_id, "command_id": command_id, "script": None,
                       "bootstrap": None, "native": [], "refused": [], "stdin_bytes": len(stdin),
                       "exit_code": None, "dropped": False}
        state = node.state.copy()
        host = NodeHost(node, state, entry)
        try:
            try:
                script = decode_command_line(command, arguments)
            except CommandLineRefused as exc:
                line = f"{command} {arguments or ''}".strip()
                if len(line) > LOGGED_COMMAND_LINE:
                    line = line[:LOGGED_COMMAND_LINE] + "..."
                outcome = ProcessOutcome([], host.refuse(line, str(exc)), 1)
            else:
                wrapper = bootstrap.classify(script)
                if wrapper is not None:
                    result = bootstrap.run(wrapper, stdin, host, entry)
                else:
                    entry["script"] = script
                    result = powershell.run_script(script, host)
                outcome = ProcessOutcome(result.stdout, result.stderr, result.exit_code)
        except DropConnection:
            entry["dropped"] = True
            node.add_log(entry)
            return ProcessOutcome([], [], -1, dropped=True)
        node.state = state
        entry["exit_code"] = outcome.exit_code
        node.add_log(entry)
        return outcome
