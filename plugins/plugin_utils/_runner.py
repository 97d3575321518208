# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run native Windows commands on the node through the task's connection.

One round trip sends one PowerShell script holding one or more commands, shaped as
docs/dev/remote-execution.md describes, and returns each command's true exit code,
stdout and stderr. Read-only probes are batched into a single round trip; in check mode
the runner refuses to send a command that changes state, as a last line of defence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ansible.errors import AnsibleConnectionFailure, AnsibleError
from ansible.utils.display import Display

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import StdinValue, command_line, quote_string

display = Display()

_BEGIN = re.compile(r"^##irops begin (\d+)$")
_END = re.compile(r"^##irops end (\d+) (-?\d+)$")
_ERROR_RECORD = "System.Management.Automation.ErrorRecord"


_CMDLET = re.compile(r"^[A-Z][a-z]+-[A-Za-z]+$")
_TAG_LINES = f"ForEach-Object {{ if ($_ -is [{_ERROR_RECORD}]) {{ 'E ' + $_ }} else {{ 'O ' + $_ }} }}"


@dataclass(frozen=True)
class Command:
    """A native program or a cmdlet: a constant name, arguments quoted on use, and for a
    cmdlet optional constant pipeline stages (see docs/dev/remote-execution.md)."""

    executable: str
    args: tuple = ()
    read_only: bool = True
    pipeline: tuple = ()
    hide_output: bool = False  # its stdout is never logged nor returned in an error (e.g. certificate bytes)

    @property
    def is_cmdlet(self) -> bool:
        return bool(_CMDLET.match(self.executable))

    @property
    def secrets(self) -> list:
        """The arguments that travel on standard input (:class:`StdinValue`), in order."""
        return [arg for arg in self.args if isinstance(arg, StdinValue)]

    def render(self, secret_names: tuple = ()) -> str:
        return command_line(self.executable, *self.args, pipeline=self.pipeline, secret_names=secret_names,
                            native=not self.is_cmdlet)

    @property
    def line(self) -> str:
        """The command as logged: secrets appear as the variables that carry them."""
        return self.render(tuple(f"$irops_secret_{i}" for i in range(1, len(self.secrets) + 1)))

    def statement(self, secret_names: tuple) -> list[str]:
        # A cmdlet never sets $LASTEXITCODE; a native program always does.
        reset = "$LASTEXITCODE = 0" if self.is_cmdlet else "$LASTEXITCODE = -1"
        return [reset, f"{self.render(secret_names)} 2>&1 | {_TAG_LINES}"]


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


def build_script(commands: list) -> tuple[str, bytes | None]:
    """The script for one round trip, and the standard input that carries its secrets: one line
    per :class:`StdinValue`, read into ``$irops_secret_<n>`` before any command runs."""
    lines = ["$ErrorActionPreference = 'Continue'"]
    secrets = [secret for command in commands for secret in command.secrets]
    body: list[str] = []
    for index, (command, names) in enumerate(zip(commands, secret_names(commands)), start=1):
        body += [f"'##irops begin {index}'", *command.statement(names), f"'##irops end {index} ' + $LASTEXITCODE"]
    lines += [secret.read_statement(f"$irops_secret_{i}") for i, secret in enumerate(secrets, start=1)]
    lines += body + ["exit 0"]
    stdin = "".join(secret.stdin_line() + "\n" for secret in secrets).encode("utf-8") if secrets else None
    return "\n".join(lines), stdin


def secret_names(commands: list) -> list[tuple]:
    """For each command, the names of the variables that carry its secrets in the batch's script."""
    names, count = [], 0
    for command in commands:
        names.append(tuple(f"$irops_secret_{count + i}" for i in range(1, len(command.secrets) + 1)))
        count += len(command.secrets)
    return names


def parse_script_output(commands: list[Command], stdout: str) -> tuple[list[CommandResult], list[str]]:
    """Split a batch's stdout into one result per command that finished.

    Returns the results in order and the lines found outside any command's markers.
    """
    names = secret_names(commands)
    results: list[CommandResult] = []
    stray: list[str] = []
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
            results.append(CommandResult(command.render(names[current - 1]), rc, _join(out), _join(err),
                                         command.hide_output))
            current = None
        elif current is not None and line[:1] in ("O", "E"):
            (out if line[0] == "O" else err).append(line[2:])
        else:
            stray.append(line)
    return results, stray


def _join(lines: list[str]) -> str:
    return "\n".join(lines) + ("\n" if lines else "")


class CommandRunner:
    """Runs commands for one action on one host and counts its round trips."""

    def __init__(self, action, check_mode: bool):
        self._action = action
        self._check_mode = check_mode
        self._host = getattr(action._play_context, "remote_addr", None)
        self.round_trips = 0
        self.commands_run: list[str] = []

    def run(self, commands: list[Command]) -> list[CommandResult]:
        """Run ``commands`` in one round trip; every command runs, whatever the others return."""
        if not commands:
            return []
        if self._check_mode:
            writes = [c.line for c in commands if not c.read_only]
            if writes:
                raise AnsibleError(f"refusing to change the node in check mode: {writes}")
        script, stdin = build_script(commands)
        self.round_trips += 1
        display.vvvv(f"irops: round trip {self.round_trips}, {len(commands)} command(s):", host=self._host)
        for command, names in zip(commands, secret_names(commands)):  # as in the script, with its variables
            display.vvvv(f"irops:   {command.render(names)}", host=self._host)
        try:
            raw = self._action._low_level_execute_command(script, sudoable=False, in_data=stdin)
        except AnsibleConnectionFailure:
            raise
        except Exception as exc:  # transport errors from pywinrm/requests/psrp surface as plain exceptions
            raise AnsibleConnectionFailure(
                f"the connection to the node failed while it ran: "
                f"{'; '.join(c.render(n) for c, n in zip(commands, secret_names(commands)))} "
                f"({type(exc).__name__}: {exc}). If any of these commands changes the node, its state is "
                "unknown: re-run the task in check mode to see it."
            ) from exc
        results, stray = parse_script_output(commands, raw.get("stdout", ""))
        self.commands_run.extend(r.command for r in results)
        for result in results:
            output = result.shown()["stdout"] if result.hide_output else result.output
            display.vvvvv(f"irops:   rc={result.rc} {result.command}\n{output}", host=self._host)
        if len(results) != len(commands):
            missing = [c.render(n) for c, n in zip(commands, secret_names(commands))][len(results):]
            raise RemoteCommandError(
                f"the node did not finish these commands: {missing}. PowerShell exit code {raw.get('rc')}; "
                f"its output: {_excerpt(raw.get('stderr', ''), stray)}",
                result={"partial_results": [r.shown() for r in results]},
            )
        return results

    def run_one(self, command: Command) -> CommandResult:
        return self.run([command])[0]


def _excerpt(stderr: str, stray: list[str]) -> str:
    text = "\n".join(stray + [stderr.strip()]).strip()
    return text[:2000] if text else "(none)"
