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
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import command_line

display = Display()

_BEGIN = re.compile(r"^##irops begin (\d+)$")
_END = re.compile(r"^##irops end (\d+) (-?\d+)$")
_ERROR_RECORD = "System.Management.Automation.ErrorRecord"


_CMDLET = re.compile(r"^[A-Z][a-z]+-[A-Za-z]+$")


@dataclass(frozen=True)
class Command:
    """A native program or a cmdlet: a constant name, arguments quoted on use, and for a
    cmdlet optional constant pipeline stages (see docs/dev/remote-execution.md)."""

    executable: str
    args: tuple = ()
    read_only: bool = True
    pipeline: tuple = ()

    @property
    def is_cmdlet(self) -> bool:
        return bool(_CMDLET.match(self.executable))

    @property
    def line(self) -> str:
        return command_line(self.executable, *self.args, pipeline=self.pipeline)


@dataclass(frozen=True)
class CommandResult:
    command: str
    rc: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.rc == 0

    @property
    def output(self) -> str:
        """stdout then stderr, for error messages: Windows tools print errors on either."""
        return "\n".join(part for part in (self.stdout.strip(), self.stderr.strip()) if part)


class RemoteCommandError(RemediationError):
    """The node did not run a script to the end; ``result`` holds what did come back."""


def build_script(commands: list[Command]) -> str:
    lines = ["$ErrorActionPreference = 'Continue'"]
    for index, command in enumerate(commands, start=1):
        lines += [
            f"'##irops begin {index}'",
            # A cmdlet never sets $LASTEXITCODE; a native program always does.
            "$LASTEXITCODE = 0" if command.is_cmdlet else "$LASTEXITCODE = -1",
            f"{command.line} 2>&1 | ForEach-Object {{ if ($_ -is [{_ERROR_RECORD}]) {{ 'E ' + $_ }} else {{ 'O ' + $_ }} }}",
            f"'##irops end {index} ' + $LASTEXITCODE",
        ]
    lines.append("exit 0")
    return "\n".join(lines)


def parse_script_output(commands: list[Command], stdout: str) -> tuple[list[CommandResult], list[str]]:
    """Split a batch's stdout into one result per command that finished.

    Returns the results in order and the lines found outside any command's markers.
    """
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
            results.append(CommandResult(command.line, rc, _join(out), _join(err)))
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
        script = build_script(commands)
        self.round_trips += 1
        display.vvvv(f"irops: round trip {self.round_trips}, {len(commands)} command(s):", host=self._host)
        for command in commands:
            display.vvvv(f"irops:   {command.line}", host=self._host)
        try:
            raw = self._action._low_level_execute_command(script, sudoable=False)
        except AnsibleConnectionFailure:
            raise
        except Exception as exc:  # transport errors from pywinrm/requests/psrp surface as plain exceptions
            raise AnsibleConnectionFailure(
                f"the connection to the node failed while it ran: {'; '.join(c.line for c in commands)} "
                f"({type(exc).__name__}: {exc}). If any of these commands changes the node, its state is "
                "unknown: re-run the task in check mode to see it."
            ) from exc
        results, stray = parse_script_output(commands, raw.get("stdout", ""))
        self.commands_run.extend(r.command for r in results)
        for result in results:
            display.vvvvv(f"irops:   rc={result.rc} {result.command}\n{result.output}", host=self._host)
        if len(results) != len(commands):
            missing = [c.line for c in commands[len(results):]]
            raise RemoteCommandError(
                f"the node did not finish these commands: {missing}. PowerShell exit code {raw.get('rc')}; "
                f"its output: {_excerpt(raw.get('stderr', ''), stray)}",
                result={"partial_results": [r.__dict__ for r in results]},
            )
        return results

    def run_one(self, command: Command) -> CommandResult:
        return self.run([command])[0]


def _excerpt(stderr: str, stray: list[str]) -> str:
    text = "\n".join(stray + [stderr.strip()]).strip()
    return text[:2000] if text else "(none)"
