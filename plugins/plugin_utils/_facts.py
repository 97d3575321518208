# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only facts about a node, gathered in one round trip (two when a follow-up is needed).

Each subset is one or more read-only commands and a parser. ``gather`` batches every
requested subset into a single script, so a diagnose run costs one round trip per host.

Some facts can only be asked for once others are known: the ACL of a private key file is
read from a path that ``certutil -store My`` names. Such a subset declares the subsets it
``requires`` and a ``follow_up`` that builds its commands from their facts; ``gather`` runs
the follow-ups of every requested subset together, in ONE second round trip, and only when
at least one of them has a command to run (no key file, no second round trip).

Round trips: one for the first stage (every subset's ``commands``); one more when a
requested subset has a ``follow_up`` that returns commands.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Callable

from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil, _files, _reg, _settings
from ansible_collections.irops.remediation.plugins.plugin_utils import _ssisdb
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._netsh import parse_show_sslcert, show_command
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command, CommandResult, CommandRunner
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint

# docs/reference/products.md "Registry fixes" and the Scale Out article, "HTTP request forbidden".
SCHANNEL_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
SEND_TRUSTED_ISSUER_LIST = "SendTrustedIssuerList"
# docs/reference/products.md: WorkerSettings.config under ...\\140\\DTS\\Binn; SQL Server 2019/2022 use 150/160.
WORKER_SETTINGS_PATHS = tuple(f"C:\\Program Files\\Microsoft SQL Server\\{version}\\DTS\\Binn\\WorkerSettings.config"
                              for version in (140, 150, 160))


@dataclass(frozen=True)
class Probe:
    """A fact subset.

    ``commands`` and ``parse`` are the first stage (batched with every other subset's).
    A second-stage subset names the subsets it ``requires``; its ``follow_up`` gets their
    parsed facts and returns the commands to run (possibly none), and ``finish`` gets the
    same facts and those commands' results and returns the subset's facts. Follow-ups of
    every subset run in one round trip after the first stage.
    """

    commands: Callable[[], list[Command]]
    parse: Callable[[list[CommandResult]], object] | None = None
    requires: tuple = ()
    follow_up: Callable[[dict], list[Command]] | None = None
    finish: Callable[[dict, list[CommandResult]], object] | None = None


def _parse_sslcert(results: list[CommandResult]) -> list[dict]:
    result = results[0]
    if not result.ok:
        raise ValueError(f"netsh http show sslcert exited {result.rc}: {result.output}")
    return [binding.as_dict() for binding in parse_show_sslcert(result.stdout)]


def _parse_root(results: list[CommandResult]) -> list[dict]:
    return _certutil.parse_read(results)[0]


def _parse_my(results: list[CommandResult]) -> dict:
    """LocalMachine\\My with the SAN DNS names, and the machine GUID (the unique names of its keys end with it)."""
    certificates, machine_guid = _certutil.parse_read(results)
    return {"machine_guid": machine_guid, "certificates": certificates}


def _parse_schannel(results: list[CommandResult]) -> dict:
    """SendTrustedIssuerList: its data, or None when the value (or the key) is absent."""
    result = results[0]
    if not result.ok:
        if _reg.failure_kind(result.output) == "absent":
            return {"send_trusted_issuer_list": None, "type": None}
        raise ValueError(f"reg query {SCHANNEL_KEY} /v {SEND_TRUSTED_ISSUER_LIST} exited {result.rc}: "
                         f"{result.output.strip()[:300]}")
    value = _reg.parse_query(result.stdout, SEND_TRUSTED_ISSUER_LIST)
    if value is None:
        return {"send_trusted_issuer_list": None, "type": None}
    return {"send_trusted_issuer_list": value.data, "type": value.type_name}


def _key_acl_commands(facts: dict) -> list[Command]:
    return _certutil.key_acl_commands(facts["cert_my"]["certificates"])


def _my_key_access(facts: dict, results: list[CommandResult]) -> list[dict]:
    """LocalMachine\\My again, each certificate with who may read its key (``key_access``, ``key_acl``)."""
    certificates = copy.deepcopy(facts["cert_my"]["certificates"])
    _certutil.attach_key_access(certificates, results)
    return certificates


def _worker_settings_commands() -> list[Command]:
    return [command for path in WORKER_SETTINGS_PATHS for command in _files.read_commands(path)]


def _parse_worker_settings(results: list[CommandResult]) -> dict | None:
    """The first WorkerSettings.config found (SQL Server 2017, 2019, 2022): its path, top-level values
    and the two the trust check reads (keys matched case-insensitively, values as written), or None
    when the node has none."""
    for index, path in enumerate(WORKER_SETTINGS_PATHS):
        data = _files.parse_read(*results[2 * index:2 * index + 2])
        if data is not None:
            text, _encoding = _files.decode(data)
            values = _settings.load(text).values()
            lowered = {key.lower(): value for key, value in values.items()}
            return {"path": path, "values": values, "master_endpoint": lowered.get("masterendpoint"),
                    "master_thumbprint": lowered.get("masterhttpscertthumbprint")}
    return None


def _configured_master_thumbprint(facts: dict) -> str | None:
    found = facts["scaleout_worker_settings"]
    try:
        return normalize_thumbprint(found["master_thumbprint"]) if found else None
    except InvalidValue:
        return None


def _master_cert_commands(facts: dict) -> list[Command]:
    thumbprint = _configured_master_thumbprint(facts)
    return _certutil.read_commands("Root", thumbprint, dns_names=True) if thumbprint else []


def _parse_master_cert(facts: dict, results: list[CommandResult]) -> dict | None:
    """The Root certificate the worker's MasterHttpsCertThumbprint names, with its SAN DNS names; None
    when the file names none or Root does not hold it."""
    if not results:
        return None
    certificates = _certutil.parse_read(results)[0]
    return certificates[0] if certificates else None


PROBES: dict[str, Probe] = {
    "http_sslcert": Probe(lambda: [show_command()], _parse_sslcert),
    # certutil -store Root: the trusted roots (Scale Out trust, the SHIR's DigiCert root).
    "cert_root": Probe(lambda: _certutil.read_commands("Root"), _parse_root),
    # certutil -store My (and -v -store My for the SAN DNS names) with the MachineGuid reg query.
    "cert_my": Probe(lambda: _certutil.read_commands("My", dns_names=True), _parse_my),
    "schannel": Probe(lambda: [_reg.query_command(_reg.parse_key_path(SCHANNEL_KEY), SEND_TRUSTED_ISSUER_LIST)],
                      _parse_schannel),
    "scaleout_worker_settings": Probe(_worker_settings_commands, _parse_worker_settings),
    # Second stage (one more round trip, shared, only when there is something to read):
    # icacls on every key file cert_my names; the master certificate the worker's file names, with its SAN.
    "cert_my_key_acl": Probe(lambda: [], requires=("cert_my",), follow_up=_key_acl_commands, finish=_my_key_access),
    "scaleout_master_cert": Probe(lambda: [], requires=("scaleout_worker_settings",), follow_up=_master_cert_commands,
                                  finish=_parse_master_cert),
    # SSISDB through sqlcmd on an ssisdb_sql node (default instance, Windows authentication): _ssisdb.py.
    "ssisdb": Probe(_ssisdb.probe_commands, _ssisdb.parse_probe),
}


def validate_subsets(subsets: list[str]) -> list[str]:
    """The subsets, each once, with the subsets they require first."""
    unknown = [s for s in subsets if s not in PROBES]
    if unknown:
        raise InvalidValue("gather_subset", unknown, "choose from " + ", ".join(sorted(PROBES)))
    ordered: list[str] = []
    for name in subsets:
        ordered.extend(need for need in PROBES[name].requires if need not in ordered)
        if name not in ordered:
            ordered.append(name)
    return ordered


def _run_once_each(runner: CommandRunner, commands: list[Command]) -> list[CommandResult]:
    """One round trip (none for no command) in which a command several subsets share, such as the
    MachineGuid query of cert_root and cert_my, runs once; every subset still gets its result."""
    distinct: dict = {}
    for command in commands:
        distinct.setdefault(command.line, command)
    if not distinct:
        return []
    by_line = dict(zip(distinct, runner.run(list(distinct.values()))))
    return [by_line[command.line] for command in commands]


def gather(runner: CommandRunner, subsets: list[str]) -> tuple[dict, dict]:
    """Return ``(facts, errors)``: facts per subset, and why a subset could not be read.

    Round trips: one for every subset's first-stage commands, batched; one more, batching
    the follow-up commands of every requested second-stage subset, when there are any.
    """
    names = validate_subsets(subsets)
    plan = [(name, PROBES[name].commands()) for name in names]
    results = _run_once_each(runner, [command for _name, chunk in plan for command in chunk])
    facts: dict = {}
    errors: dict = {}
    offset = 0
    for name, chunk in plan:
        probe = PROBES[name]
        part = results[offset:offset + len(chunk)]
        offset += len(chunk)
        if probe.parse is None:
            continue
        try:
            facts[name] = probe.parse(part)
        except (ValueError, RemediationError) as exc:
            errors[name] = str(exc)

    staged = []
    for name in names:
        probe = PROBES[name]
        if probe.follow_up is None:
            continue
        missing = [need for need in probe.requires if need not in facts]
        if missing:
            errors[name] = "needs " + "; ".join(f"{need}: {errors.get(need, 'not gathered')}" for need in missing)
            continue
        staged.append((name, probe.follow_up(facts)))
    results = _run_once_each(runner, [command for _name, chunk in staged for command in chunk])
    offset = 0
    for name, chunk in staged:
        part = results[offset:offset + len(chunk)]
        offset += len(chunk)
        try:
            facts[name] = PROBES[name].finish(facts, part)
        except (ValueError, RemediationError) as exc:
            errors[name] = str(exc)
    return facts, errors
