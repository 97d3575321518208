# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run native Windows commands on the node through the task's connection.

One round trip sends one PowerShell script holding one or more commands, shaped as
docs/dev/remote-execution.md describes, and returns each command's true exit code,
stdout and stderr. Read-only probes are batched into a single round trip; in check mode
the runner refuses to send a command that changes state, as a last line of defence.

The script travels on standard input, behind a short constant command line, because WinRS
starts every command through cmd.exe, which refuses command lines over 8191 characters.
A change (:class:`Change`) carries its own undo in the same script, so a failed step is
undone on the node even when the connection drops before the output comes back.
"""

from __future__ import annotations

import base64
import re
import threading
from dataclasses import dataclass, field

from ansible.errors import AnsibleConnectionFailure, AnsibleError
from ansible.utils.display import Display

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import StdinValue, command_line, quote_string

display = Display()

_BEGIN = re.compile(r"^##irops begin (\d+)$")
_END = re.compile(r"^##irops end (\d+) (-?\d+)$")
_ERROR_RECORD = "System.Management.Automation.ErrorRecord"


_COMPLETE = "##irops complete"
_CMDLET = re.compile(r"^[A-Z][a-z]+-[A-Za-z]+$")
_TAG_LINES = f"ForEach-Object {{ if ($_ -is [{_ERROR_RECORD}]) {{ 'E ' + $_ }} else {{ 'O ' + $_ }} }}"
# A cmdlet reports failure only through error records: the tagging block also sets the exit
# code, so a guard on the node ($LASTEXITCODE -ne 0) sees the failure as the runner does.
_TAG_CMDLET_LINES = (f"ForEach-Object {{ if ($_ -is [{_ERROR_RECORD}]) {{ $LASTEXITCODE = 1; 'E ' + $_ }} "
                     "else { 'O ' + $_ } }")
# cmd.exe's limit on the command line WinRS starts (docs/dev/remote-execution.md)
COMMAND_LINE_LIMIT = 8191
# The command line of every round trip: read the script from the first line of standard
# input (base64 of its UTF-8 text) and run it in this scope; its secrets follow on stdin.
BOOTSTRAP = ("$irops_script = [Console]::In.ReadLine()\n"
             ". ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($irops_script))))")


@dataclass(frozen=True)
class Command:
    """A native program or a cmdlet: a constant name, arguments quoted on use, and for a
    cmdlet optional constant pipeline stages (see docs/dev/remote-execution.md)."""

    executable: str
    args: tuple = ()
    read_only: bool = True
    pipeline: tuple = ()
    hide_output: bool = False  # its stdout is never logged nor returned in an error (e.g. certificate bytes)
    folder: str | None = None  # a native program not on the PATH: run from this folder (& '<folder>\<name>.exe')
    # A round trip renders each command three times (deduplication, the script, naming each result) and asks for
    # its secrets more often: both are kept on the instance (measured: a fifth of node_facts' own CPU).
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    @property
    def is_cmdlet(self) -> bool:
        return bool(_CMDLET.match(self.executable))

    @property
    def secrets(self) -> list:
        """The arguments that travel on standard input (:class:`StdinValue`), in order."""
        if "secrets" not in self._memo:
            self._memo["secrets"] = [arg for arg in self.args if isinstance(arg, StdinValue)]
        return self._memo["secrets"]

    def render(self, secret_names: tuple = ()) -> str:
        key = ("line", tuple(secret_names))
        if key not in self._memo:
            self._memo[key] = command_line(self.executable, *self.args, pipeline=self.pipeline, secret_names=secret_names,
                                           native=not self.is_cmdlet, folder=self.folder)
        return self._memo[key]

    @property
    def line(self) -> str:
        """The command as logged: secrets appear as the variables that carry them."""
        return self.render(tuple(f"$irops_secret_{i}" for i in range(1, len(self.secrets) + 1)))

    def statement(self, secret_names: tuple) -> list[str]:
        # A cmdlet never sets $LASTEXITCODE; a native program always does.
        if self.is_cmdlet:
            return ["$LASTEXITCODE = 0", f"{self.render(secret_names)} 2>&1 | {_TAG_CMDLET_LINES}"]
        return ["$LASTEXITCODE = -1", f"{self.render(secret_names)} 2>&1 | {_TAG_LINES}"]


@dataclass(frozen=True)
class Expression:
    """A constant .NET expression of our own code; ``{0}``, ``{1}``... are string values,
    single-quoted on use, or :class:`StdinValue` values, which become the variables that carry
    them. A .NET exception is caught and reported as exit code 1."""

    template: str
    values: tuple = ()
    read_only: bool = True
    hide_output: bool = False
    is_cmdlet = True

    @property
    def secrets(self) -> list:
        return [value for value in self.values if isinstance(value, StdinValue)]

    def render(self, secret_names: tuple = ()) -> str:
        names = iter(secret_names)
        return self.template.format(*[next(names) if isinstance(value, StdinValue) else quote_string(value, what="path")
                                      for value in self.values])

    @property
    def line(self) -> str:
        return self.render(tuple(f"$irops_secret_{i}" for i in range(1, len(self.secrets) + 1)))

    def statement(self, secret_names: tuple) -> list[str]:
        return ["$LASTEXITCODE = 0",
                f"try {{ {self.render(secret_names)} | ForEach-Object {{ 'O ' + $_ }} }} "
                "catch { 'E ' + $_; $LASTEXITCODE = 1 }"]


@dataclass(frozen=True)
class Condition:
    """A constant boolean .NET expression of our own code (values quoted as in
    :class:`Expression`). As a step of a :class:`Change` it fails (exit code 1) when false, so
    the steps after it do not run: a change applies only if the node is as it was planned on."""

    template: str
    values: tuple = ()
    read_only = True
    is_cmdlet = True
    hide_output = False
    secrets: tuple = ()

    def render(self, secret_names: tuple = ()) -> str:
        del secret_names
        return "test: " + Expression(self.template, self.values).line

    @property
    def line(self) -> str:
        return self.render()

    def statement(self, secret_names: tuple) -> list[str]:
        del secret_names
        expression = Expression(self.template, self.values).line
        return ["$LASTEXITCODE = 0",
                f"try {{ $irops_test = {expression} }} catch {{ 'E ' + $_; $irops_test = $false }}",
                "if ($irops_test) { 'O True' } else { 'O False'; $LASTEXITCODE = 1 }"]


@dataclass(frozen=True)
class Retry:
    """A command run again, ``pause`` seconds apart and at most ``attempts`` times, while it
    exits with ``code`` (a service still stopping refuses to start): the wait happens on the
    node, inside the script, so no status read between two round trips can break it."""

    command: Command
    code: int
    attempts: int
    pause: int = 1
    read_only = False
    is_cmdlet = False
    hide_output = False

    @property
    def secrets(self) -> list:
        return self.command.secrets

    def render(self, secret_names: tuple = ()) -> str:
        return f"{self.command.render(secret_names)} (again while it exits {self.code}, up to {self.attempts} times)"

    @property
    def line(self) -> str:
        return self.render(tuple(f"$irops_secret_{i}" for i in range(1, len(self.secrets) + 1)))

    def statement(self, secret_names: tuple) -> list[str]:
        _reset, run = self.command.statement(secret_names)
        return ["$irops_try = 0", f"$LASTEXITCODE = {int(self.code)}",
                f"while ($irops_try -lt {int(self.attempts)} -and $LASTEXITCODE -eq {int(self.code)}) {{",
                f"if ($irops_try -gt 0) {{ Start-Sleep -Seconds {int(self.pause)} }}",
                "$irops_try = $irops_try + 1", "$LASTEXITCODE = -1", run, "}"]


@dataclass(frozen=True)
class Change:
    """Steps that change the node, run in order, each only if every earlier one succeeded;
    ``undo`` runs in a ``finally`` block of the same script when some step succeeded but not
    all of them (a failed step or an error cut the steps short), so the node is put back even
    if nobody reads the output; ``verify`` (read-only) always runs last."""

    steps: tuple
    undo: tuple = ()
    verify: tuple = ()

    @property
    def commands(self) -> list:
        return [*self.steps, *self.undo, *self.verify]


@dataclass
class ChangeOutcome:
    """What came back: one result per step (None for a step that did not run), the undo's
    results (None when it was not needed), the verifying reads."""

    steps: list
    undo: list | None
    verify: list = field(default_factory=list)

    @property
    def completed(self) -> bool:
        return all(result is not None and result.ok for result in self.steps)

    @property
    def failed(self):
        """The first step that failed, or None."""
        return next((r for r in self.steps if r is not None and not r.ok), None)


@dataclass(frozen=True)
class CommandResult:
    command: str
    rc: int
    stdout: str
    stderr: str
    hide_output: bool = False

    def shown(self) -> dict:
        """The result as it may appear in a log or a failed task's result."""
        shown = dict(self.__dict__)
        if self.hide_output:
            shown["stdout"] = f"({len(self.stdout)} characters not shown)"
        return shown

    @property
    def ok(self) -> bool:
        return self.rc == 0

    @property
    def output(self) -> str:
        """stdout then stderr, for error messages: Windows tools print errors on either."""
        return "\n".join(part for part in (self.stdout.strip(), self.stderr.strip()) if part)


class RemoteCommandError(RemediationError):
    """The node did not run a script to the end; ``result`` holds what did come back."""


def build_script(commands) -> tuple[str, bytes | None]:
    """The script for one round trip (a list of commands, or a :class:`Change`), and the
    standard input that carries its secrets: one line per :class:`StdinValue`, read into
    ``$irops_secret_<n>`` before any command runs."""
    ordered = commands.commands if isinstance(commands, Change) else list(commands)
    secrets = [secret for command in ordered for secret in command.secrets]
    names = dict(enumerate(secret_names(ordered), start=1))

    def blocks(items, first: int) -> list[list[str]]:
        return [[f"'##irops begin {index}'", *command.statement(names[index]), f"'##irops end {index} ' + $LASTEXITCODE"]
                for index, command in enumerate(items, start=first)]

    if isinstance(commands, Change):
        body = _change_body(commands, blocks)
    else:
        body = [line for block in blocks(commands, 1) for line in block]
    lines = ["$ErrorActionPreference = 'Continue'"]
    lines += [secret.read_statement(f"$irops_secret_{i}") for i, secret in enumerate(secrets, start=1)]
    lines += body + [f"'{_COMPLETE}'", "exit 0"]
    stdin = "".join(secret.stdin_line() + "\n" for secret in secrets).encode("utf-8") if secrets else None
    return "\n".join(lines), stdin


def secret_names(commands: list) -> list[tuple]:
    """For each command, the names of the variables that carry its secrets in the round trip's script."""
    names, count = [], 0
    for command in commands:
        names.append(tuple(f"$irops_secret_{count + i}" for i in range(1, len(command.secrets) + 1)))
        count += len(command.secrets)
    return names


def _change_body(change: Change, blocks) -> list[str]:
    """Steps guarded by ``$irops_ok``; the undo in ``finally`` unless every step succeeded."""
    steps = blocks(change.steps, 1)
    undo = blocks(change.undo, len(change.steps) + 1)
    verify = blocks(change.verify, len(change.steps) + len(change.undo) + 1)
    lines = ["$irops_ok = $true", "$irops_done = $false", "$irops_some = $false", "try {"]
    for index, block in enumerate(steps):
        guarded = [*block, "if ($LASTEXITCODE -eq 0) { $irops_some = $true } else { $irops_ok = $false }"]
        lines += guarded if index == 0 else ["if ($irops_ok) {", *guarded, "}"]
    lines += ["if ($irops_ok) { $irops_done = $true }", "} finally {"]
    if undo:  # only when some step changed the node and not every step did
        lines += ["if ($irops_some -and -not $irops_done) {", *[line for block in undo for line in block], "}"]
    lines += ["}"]
    return lines + [line for block in verify for line in block]


def transport(script: str, stdin: bytes | None) -> tuple[str, bytes]:
    """The constant command line and the standard input that carry ``script``."""
    line = base64.b64encode(script.encode("utf-8")).decode("ascii") + "\n"
    return BOOTSTRAP, line.encode("ascii") + (stdin or b"")


def parse_script_output(commands: list[Command], stdout: str) -> tuple[list[CommandResult], list[str]]:
    """Split a batch's stdout into one result per command that finished.

    Returns the results in order and the lines found outside any command's markers.
    """
    found, stray, _complete = parse_markers(commands, stdout)
    return [found[i] for i in sorted(found)], stray


def parse_markers(commands: list, stdout: str) -> tuple[dict, list[str], bool]:
    """Results by command number (1-based), stray lines, and whether the script reached its end."""
    names = secret_names(commands)
    results: dict[int, CommandResult] = {}
    stray: list[str] = []
    complete = False
    current: int | None = None
    out: list[str] = []
    err: list[str] = []
    for line in stdout.splitlines():
        begin, end = _BEGIN.match(line), _END.match(line)
        if begin:
            current, out, err = int(begin.group(1)), [], []
        elif end and current is not None and int(end.group(1)) == current:
            command, rc = commands[current - 1], int(end.group(2))
            if command.is_cmdlet and err and rc == 0:
                rc = 1  # a cmdlet reports failure only through error records
            results[current] = CommandResult(command.render(names[current - 1]), rc, _join(out), _join(err),
                                             command.hide_output)
            current = None
        elif current is not None and line[:1] in ("O", "E"):
            (out if line[0] == "O" else err).append(line[2:])
        elif current is None and line == _COMPLETE:
            complete = True
        else:
            stray.append(line)
    return results, stray, complete


def _join(lines: list[str]) -> str:
    return "\n".join(lines) + ("\n" if lines else "")


class CommandRunner:
    """Runs commands for one action on one host and counts its round trips.

    ``timeout``: seconds one round trip may take. A round trip that takes longer is abandoned:
    the connection is closed, which ends the script on the node (Windows ends a WinRS shell's
    processes when the shell is deleted), and AnsibleConnectionFailure says so.
    """

    def __init__(self, action, check_mode: bool, timeout: int | None = None):
        self._action = action
        self._check_mode = check_mode
        self._timeout = timeout
        self._host = getattr(action._play_context, "remote_addr", None)
        self.round_trips = 0
        self.commands_run: list[str] = []

    def run(self, commands: list[Command]) -> list[CommandResult]:
        """Run ``commands`` in one round trip; every command runs, whatever the others return."""
        if not commands:
            return []
        found = self._round_trip(commands, commands)
        if len(found) != len(commands):
            missing = [c.line for i, c in enumerate(commands, 1) if i not in found]
            raise RemoteCommandError(
                f"the node did not finish these commands: {missing}",
                result={"partial_results": [found[i].shown() for i in sorted(found)]})
        return [found[i] for i in sorted(found)]

    def run_one(self, command: Command) -> CommandResult:
        return self.run([command])[0]

    def run_change(self, change: Change) -> ChangeOutcome:
        """Run a :class:`Change` in one round trip (steps, undo on failure, verify)."""
        commands = change.commands
        found = self._round_trip(change, commands)
        n_steps, n_undo = len(change.steps), len(change.undo)
        steps = [found.get(i) for i in range(1, n_steps + 1)]
        undo_numbers = range(n_steps + 1, n_steps + n_undo + 1)
        undo = [found[i] for i in undo_numbers if i in found] if any(i in found for i in undo_numbers) else None
        verify = [found[i] for i in range(n_steps + n_undo + 1, len(commands) + 1) if i in found]
        if len(verify) != len(change.verify):
            raise RemoteCommandError(
                "the node did not finish the verifying reads after the change",
                result={"partial_results": [found[i].shown() for i in sorted(found)]})
        return ChangeOutcome(steps, undo, verify)

    def _round_trip(self, script_items, commands: list) -> dict:
        if self._check_mode:
            writes = [c.line for c in commands if not c.read_only]
            if writes:
                raise AnsibleError(f"refusing to change the node in check mode: {writes}")
        script, secrets = build_script(script_items)
        command_line, stdin = transport(script, secrets)
        self.round_trips += 1
        display.vvvv(f"irops: round trip {self.round_trips}, {len(commands)} command(s):", host=self._host)
        shown = [c.render(n) for c, n in zip(commands, secret_names(commands))]  # as in the script
        for line in shown:
            display.vvvv(f"irops:   {line}", host=self._host)
        raw = self._execute(command_line, stdin, shown)
        found, stray, complete = parse_markers(commands, raw.get("stdout", ""))
        self.commands_run.extend(found[i].command for i in sorted(found))
        for number in sorted(found):
            result = found[number]
            output = result.shown()["stdout"] if result.hide_output else result.output
            display.vvvvv(f"irops:   rc={result.rc} {result.command}\n{output}", host=self._host)
        if not complete:
            raise RemoteCommandError(
                f"the script did not run to its end on the node (PowerShell exit code {raw.get('rc')}); "
                f"commands that finished: {[found[i].command for i in sorted(found)]}; its output: "
                f"{_excerpt(raw.get('stderr', ''), stray)}",
                result={"partial_results": [found[i].shown() for i in sorted(found)]})
        return found

    def _execute(self, command_line: str, stdin: bytes, shown: list) -> dict:
        """One round trip through the task's connection, bounded by the runner's timeout."""
        outcome: dict = {}

        def call():
            try:
                outcome["raw"] = self._action._low_level_execute_command(command_line, sudoable=False, in_data=stdin)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                outcome["error"] = exc

        if self._timeout:
            worker = threading.Thread(target=call, name="irops-round-trip", daemon=True)
            worker.start()
            worker.join(self._timeout)
            if worker.is_alive():
                try:
                    self._action._connection.close()
                except Exception as exc:  # noqa: BLE001 - closing is best effort; the error below says what matters
                    display.vvvv(f"irops: closing the connection after a timeout failed: {exc}", host=self._host)
                raise AnsibleConnectionFailure(
                    f"the node did not answer within command_timeout={self._timeout} seconds while it ran: "
                    f"{'; '.join(shown)}. The connection was closed, which stops the script on "
                    "the node; re-run the task in check mode to see the node's state, or raise command_timeout.")
        else:
            call()
        if "error" in outcome:
            exc = outcome["error"]
            if isinstance(exc, AnsibleConnectionFailure):
                raise exc
            if not isinstance(exc, Exception):
                raise exc
            # transport errors from pywinrm/requests/psrp surface as plain exceptions
            raise AnsibleConnectionFailure(
                f"the connection to the node failed while it ran: {'; '.join(shown)} "
                f"({type(exc).__name__}: {exc}). A script that started keeps running on the node to its end "
                "(its undo included); re-run the task in check mode to see the node's state."
            ) from exc
        return outcome["raw"]


def _excerpt(stderr: str, stray: list[str]) -> str:
    text = "\n".join(stray + [stderr.strip()]).strip()
    return text[:2000] if text else "(none)"
