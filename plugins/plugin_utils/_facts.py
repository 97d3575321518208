# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only facts about a node, gathered in one round trip.

Each subset is one or more read-only commands and a parser. ``gather`` batches every
requested subset into a single script, so a diagnose run costs one round trip per host.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._netsh import parse_show_sslcert, show_command
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command, CommandResult, CommandRunner


@dataclass(frozen=True)
class Probe:
    commands: Callable[[], list[Command]]
    parse: Callable[[list[CommandResult]], object]


def _parse_sslcert(results: list[CommandResult]) -> list[dict]:
    result = results[0]
    if not result.ok:
        raise ValueError(f"netsh http show sslcert exited {result.rc}: {result.output}")
    return [binding.as_dict() for binding in parse_show_sslcert(result.stdout)]


PROBES: dict[str, Probe] = {
    "http_sslcert": Probe(lambda: [show_command()], _parse_sslcert),
}


def validate_subsets(subsets: list[str]) -> list[str]:
    unknown = [s for s in subsets if s not in PROBES]
    if unknown:
        raise InvalidValue("gather_subset", unknown, "choose from " + ", ".join(sorted(PROBES)))
    return list(dict.fromkeys(subsets))


def gather(runner: CommandRunner, subsets: list[str]) -> tuple[dict, dict]:
    """Return ``(facts, errors)``: facts per subset, and why a subset could not be read."""
    plan = [(name, PROBES[name].commands()) for name in validate_subsets(subsets)]
    results = runner.run([command for _name, commands in plan for command in commands])
    facts: dict = {}
    errors: dict = {}
    offset = 0
    for name, commands in plan:
        chunk = results[offset:offset + len(commands)]
        offset += len(commands)
        try:
            facts[name] = PROBES[name].parse(chunk)
        except ValueError as exc:
            errors[name] = str(exc)
    return facts, errors
