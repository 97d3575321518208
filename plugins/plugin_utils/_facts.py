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

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil, _icacls, _reg
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._netsh import parse_show_sslcert, show_command
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command, CommandResult, CommandRunner

# shared/reference/products.md "Registry fixes" and the Scale Out article, "HTTP request forbidden".
SCHANNEL_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
SEND_TRUSTED_ISSUER_LIST = "SendTrustedIssuerList"


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


def _store_docs(result: CommandResult, store: str, machine_guid: str | None = None) -> list[dict]:
    """Every certificate of a ``certutil -store`` run (keys as in ``_certutil.StoreCert.as_dict``)."""
    if not result.ok:
        if _certutil.failure_code(result) == _certutil.CRYPT_E_NOT_FOUND:
            return []  # an empty store
        raise ValueError(f"certutil -store {store} exited {result.rc}: {result.output.strip()[:300]}")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    docs = []
    for cert in _certutil.parse_store(result.stdout):
        doc = cert.as_dict(machine_guid)
        doc["expired"] = cert.expired(now)
        docs.append(doc)
    return docs


def _parse_root(results: list[CommandResult]) -> list[dict]:
    return _store_docs(results[0], "Root")


_GUID_KEY = _reg.parse_key_path(_certutil.MACHINE_GUID_KEY)


def _parse_my(results: list[CommandResult]) -> dict:
    """LocalMachine\\My and the machine GUID, which names CSP key files."""
    shown, guid = results
    value = _reg.parse_query(guid.stdout, "MachineGuid") if guid.ok else None
    machine_guid = value.data if value is not None and isinstance(value.data, str) else None
    return {"machine_guid": machine_guid, "certificates": _store_docs(shown, "My", machine_guid)}


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


def _key_files(facts: dict) -> list[str]:
    return list(dict.fromkeys(doc["key_file"] for doc in facts["cert_my"]["certificates"] if doc["key_file"]))


def _key_acl_commands(facts: dict) -> list[Command]:
    return [_icacls.show_command(path) for path in _key_files(facts)]


def _parse_key_acl(facts: dict, results: list[CommandResult]) -> dict:
    """Per key file of LocalMachine\\My: the accounts that may read it, its ACEs, or why it could not be read."""
    acls = {}
    for path, result in zip(_key_files(facts), results):
        if result.ok:
            aces = _icacls.parse_acl(result.stdout, path)
            acls[path] = {"readers": _icacls.readers(aces), "acl": [ace.text for ace in aces], "error": None}
        else:
            acls[path] = {"readers": None, "acl": None, "error": _icacls.failure(result)}
    return acls


PROBES: dict[str, Probe] = {
    "http_sslcert": Probe(lambda: [show_command()], _parse_sslcert),
    # certutil -store Root: the trusted roots (Scale Out trust, the SHIR's DigiCert root).
    "cert_root": Probe(lambda: [_certutil.store_command("Root")], _parse_root),
    # certutil -store My and the MachineGuid reg query, as _certutil.gather does.
    "cert_my": Probe(lambda: [_certutil.store_command("My"), _reg.query_command(_GUID_KEY, "MachineGuid")], _parse_my),
    "schannel": Probe(lambda: [_reg.query_command(_reg.parse_key_path(SCHANNEL_KEY), SEND_TRUSTED_ISSUER_LIST)],
                      _parse_schannel),
    # Second stage: icacls on every key file cert_my names (one more round trip, only when there is one).
    "cert_my_key_acl": Probe(lambda: [], requires=("cert_my",), follow_up=_key_acl_commands, finish=_parse_key_acl),
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


def gather(runner: CommandRunner, subsets: list[str]) -> tuple[dict, dict]:
    """Return ``(facts, errors)``: facts per subset, and why a subset could not be read.

    Round trips: one for every subset's first-stage commands, batched; one more, batching
    the follow-up commands of every requested second-stage subset, when there are any.
    """
    names = validate_subsets(subsets)
    plan = [(name, PROBES[name].commands()) for name in names]
    commands = [command for _name, chunk in plan for command in chunk]
    results = runner.run(commands) if commands else []
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
        except ValueError as exc:
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
    follow = [command for _name, chunk in staged for command in chunk]
    results = runner.run(follow) if follow else []
    offset = 0
    for name, chunk in staged:
        part = results[offset:offset + len(chunk)]
        offset += len(chunk)
        try:
            facts[name] = PROBES[name].finish(facts, part)
        except ValueError as exc:
            errors[name] = str(exc)
    return facts, errors
