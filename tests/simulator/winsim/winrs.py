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
4. runs against a copy of the node state and commits it when the script ends, also when
   the client's connection dropped meanwhile (Windows keeps a WinRS shell's process running
   when its client goes away; the output is lost); only a process killed on the client's
   request (Signal or Delete shell during a hang) stops the script where it was.
5. refuses a command line longer than cmd.exe's 8191 characters as Windows does: WinRS starts
   the command through cmd.exe, which prints ``The command line is too long.`` on stderr and
   exits 1 without running anything (transcript in hashicorp/vagrant#3816; the figure 8191 in
   Microsoft's "Command prompt line string limitation" and Raymond Chen's "What is the command
   line length limit?"; WinRb/WinRM#41 measured about 3,040 characters of script, which is
   8191 once encoded with -EncodedCommand).

The outcome's stdout/stderr are lists of lines; the caller joins them with CRLF.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from winsim import bootstrap, heartbeat, powershell, refusal_log
from winsim.node import Node, NodeState
from winsim.tools import ToolContext, ToolRefused, ToolResult, resolve

POWERSHELL_NAMES = ("powershell", "powershell.exe")
SWITCH_OPTIONS = ("-noprofile", "-noninteractive")
EXECUTION_POLICIES = ("unrestricted", "bypass", "remotesigned", "allsigned", "restricted", "default", "undefined")
LOGGED_COMMAND_LINE = 160
COMMAND_LINE_LIMIT = 8191  # characters, cmd.exe's limit (see the module docstring)
TOO_LONG = "The command line is too long."


class Aborted(Exception):
    """The client gave up on a hanging command (Signal terminate or Delete shell)."""


# assumed: each WinRM command (round trip) advances the node's simulated clock by one second
SECONDS_PER_COMMAND = 1.0
MASK = "***"


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

    def __init__(self, node: Node, state: NodeState, entry: dict, stdin: bytes = b"", cancel=None) -> None:
        self.node = node
        self._state = state
        self.entry = entry
        self._stdin_lines = stdin.decode("utf-8", "replace").replace("\r\n", "\n").split("\n") if stdin else []
        if self._stdin_lines and self._stdin_lines[-1] == "":
            self._stdin_lines.pop()
        self._cancel = cancel  # threading.Event set when the client aborts the command
        self.dropped = False  # a drop_connection fault fired: the client will not see the output

    @property
    def state(self) -> NodeState:
        return self._state

    @property
    def fabric(self):
        return self.node.fabric

    def read_stdin_line(self) -> str | None:
        return self._stdin_lines.pop(0) if self._stdin_lines else None

    def cmdlet_fault(self, argv: list[str]):
        """The fault that fires for this cmdlet call, if any (hang waits here; drop raises)."""
        fired = None
        for fault in self.node.faults:
            if fault.check(argv) and fired is None:
                fired = fault
        if fired is None:
            return None
        if fired.action == "hang":
            self._hang(fired.seconds)
            return None
        if fired.action == "drop_connection":
            self.drop_connection()
            return None
        return fired

    def log_cmdlet(self, name: str, argv: list[str], ok: bool) -> None:
        """Record a cmdlet or .NET call (values read from stdin already masked; long values cut)."""
        shown = [a if len(a) <= 200 else a[:200] + "..." for a in argv]
        self.entry["cmdlets"].append({"argv": [name, *shown], "ok": ok})

    def refuse(self, statement: str, reason: str) -> list[str]:
        statement = one_line(statement)
        refusal_log.record(self.node.name, statement, reason)
        self.entry["refused"].append({"statement": statement, "reason": reason})
        return [f"winsim: refused: {statement}", f"winsim: reason: {reason}"]

    def run_native(self, name: str, argv: list[str], statement: str, secret: set | None = None,
                   path: str | None = None) -> powershell.NativeOutcome:
        logged = [name, *(MASK if i in (secret or ()) else a for i, a in enumerate(argv))]
        record: dict = {"argv": logged, "exit_code": None}
        if path:
            record["path"] = path
        self.entry["native"].append(record)
        spec = resolve(name).spec
        if not self._state.tool_installed(spec.name):
            # not installed: PowerShell's CommandNotFoundException; $LASTEXITCODE keeps its value
            record["not_installed"] = True
            del self.entry["native"][-1]
            raise powershell.StatementError(
                f"{name} : The term '{name}' is not recognized as the name of a cmdlet, function, script file, "
                "or operable program. Check the spelling of the name, or if a path was included, verify that "
                "the path is correct and try again.")  # assumed text (PowerShell 5.1)
        fired = None
        for fault in self.node.faults:
            if fault.check(logged) and fired is None:
                fired = fault
        if fired is not None and fired.action == "hang":
            record["fault"] = "hang"
            self._hang(fired.seconds)
            fired = None
        if fired is not None and fired.action == "drop_connection":
            record["fault"] = fired.action
            self.drop_connection()
            fired = None
        if fired is not None:
            record["fault"] = fired.action
            result = ToolResult(exit_code=fired.exit_code).out(fired.stdout).err(fired.stderr)
        else:
            try:
                result = spec.run(list(argv), ToolContext(node_name=self.node.name, state=self._state, host=self))
            except ToolRefused as exc:
                record["refused"] = exc.reason
                raise powershell.StatementRefused(self.refuse(statement, exc.reason)) from None
        record["exit_code"] = result.exit_code
        return powershell.NativeOutcome(result.exit_code, list(result.events))

    def log_invoked(self, text: str) -> None:
        """A script block created and invoked by the script (the runner's script read from stdin):
        the log's ``script`` shows it after the command line's script, as a transcript would."""
        self.entry["script"] = (self.entry["script"] or "") + "\n# [ScriptBlock]::Create:\n" + text

    def drop_connection(self) -> None:
        """The client's connection is lost from here on: the script runs on to its end on the
        node, and the client never sees its output (the server closes the connection)."""
        self.dropped = True

    def _hang(self, seconds: float) -> None:
        """Block this command for ``seconds`` without holding the node lock; Aborted if the client gives up."""
        if self._cancel is None:
            raise powershell.StatementRefused(self.refuse("(hang fault)", "a hang fault needs a command run "
                                                          "through the WinRM server (it is a real-time wait)"))
        self.entry["hung_seconds"] = seconds
        depth = 0
        while True:  # release the node's re-entrant lock completely while waiting
            try:
                self.node.lock.release()
                depth += 1
            except RuntimeError:
                break
        try:
            cancelled = self._cancel.wait(seconds)
        finally:
            for _unused in range(depth):
                self.node.lock.acquire()
        if cancelled:
            raise Aborted()


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


def execute(node: Node, command: str, arguments: str, stdin: bytes, shell_id: str, command_id: str,
            cancel=None) -> ProcessOutcome:
    """Run one WinRS command on ``node``; log it; commit its state changes unless dropped.

    ``cancel`` (a threading.Event) is set by the server when the client aborts a hanging command:
    the state as it was before the hanging native command is committed (what ran stays done).
    Once the node's lock is released, a Scale Out Worker service the command started heartbeats to
    its master's SSISDB (heartbeat.py: the only change one node makes to another)."""
    with node.lock:
        before = node.state
    outcome = _execute(node, command, arguments, stdin, shell_id, command_id, cancel)
    heartbeat.after_command(node, before)
    return outcome


def _execute(node: Node, command: str, arguments: str, stdin: bytes, shell_id: str, command_id: str,
             cancel=None) -> ProcessOutcome:
    with node.lock:
        entry: dict = {"shell_id": shell_id, "command_id": command_id, "script": None,
                       "bootstrap": None, "native": [], "cmdlets": [], "refused": [], "stdin_bytes": len(stdin),
                       "exit_code": None, "dropped": False}
        state = node.state.copy()
        state.advance(SECONDS_PER_COMMAND)
        host = NodeHost(node, state, entry, stdin, cancel)
        try:
            command_line = f"{command or ''} {arguments or ''}".strip()
            entry["command_line_chars"] = len(command_line)
            if len(command_line) > COMMAND_LINE_LIMIT:
                entry["command_line_length"] = len(command_line)
                node.state = state
                entry["exit_code"] = 1
                node.add_log(entry)
                return ProcessOutcome([], [TOO_LONG], 1)
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
        except Aborted:
            entry["aborted"] = True
            node.state = state
            node.add_log(entry)
            return ProcessOutcome([], [], -1, dropped=True)
        node.state = state
        entry["exit_code"] = outcome.exit_code
        if host.dropped:
            entry["dropped"] = True
            outcome.dropped = True
        node.add_log(entry)
        return outcome
