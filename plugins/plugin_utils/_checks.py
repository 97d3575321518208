# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Catalog checks: pure functions over gathered facts, the settings and the other nodes of the play.

A check is called as ``func(facts, settings, context)`` and returns ``(status, evidence)``:

- ``facts`` is this node's ``irops_node`` (``_facts.PROBES`` subsets, ``gather_errors``);
- ``settings`` are the inventory's overrides (``validate_settings``), one name per fact;
- ``context`` is ``{"host": ..., "roles": [this node's roles], "peers": [{"host", "roles", "facts"}],
  "absent": [{"host", "roles"}]}``: every host of the play that gathered ``irops_node`` in this play
  (this node included), and the hosts of the play that did not.

The truth is read from the nodes: a worker's expected master thumbprint is the master's
``SSLCertThumbprint``, the master's expected worker thumbprints are the workers'
``WorkerHttpsCertThumbprint``, the worker account is the worker service's logon account, the master
port is the master's ``PortNumber``. A setting, when given, overrides what the nodes hold. A check is
``unknown`` only when a value is held by a node that is not in the play (the evidence names the role
and the setting to give instead) or a fact could not be read; ``evidence`` says what was seen, in
words an operator can act on, and names only the drift of the check's own entry.

``Check.needs`` maps a node role to the fact subsets a node of that role must gather for the check:
on itself, or as the peer the check reads. ``subsets_for(roles)`` is what node_facts and diagnose
gather, in one round trip (two when a subset has a second stage, such as ``cert_my_key_acl``).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from ansible_collections.irops.remediation.plugins.plugin_utils import _advfirewall, _certutil, _ha, _icacls, _oledb, _secedit, _sysres
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._netsh import IPPORT, Endpoint
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint

PASS, FAIL, NOT_APPLICABLE, UNKNOWN, NOT_CHECKED = "pass", "fail", "not_applicable", "unknown", "not_checked"

MASTER, WORKER, SSISDB_SQL, SHIR = "scaleout_master", "scaleout_worker", "ssisdb_sql", "shir_node"
ROLE_NAMES = {MASTER: "Scale Out Master", WORKER: "Scale Out Worker", SSISDB_SQL: "SQL Server hosting SSISDB",
              SHIR: "self-hosted IR node"}
# docs/reference/products.md, "SSIS Scale Out": MasterSettings.config PortNumber defaults to 8391.
DEFAULT_MASTER_PORT = 8391
VERSIONS = (140, 150, 160)
_THUMBPRINT_SETTINGS = ("scaleout_master_thumbprint", "scaleout_worker_thumbprint", "shir_certificate_thumbprint")

# SHA-1 thumbprint of "DigiCert Global Root G2" (CN=DigiCert Global Root G2, OU=www.digicert.com,
# O=DigiCert Inc, C=US; valid to 2038-01-15), the root the Data Factory service certificate chains
# to (SHIR article, "Couldn't establish a trust relationship..."). Source: the Mozilla CA bundle as
# shipped by certifi 2026.10.18 (cacert.pem, label "DigiCert Global Root G2", "SHA1 Fingerprint:
# df:3c:24:f9:bf:d6:66:76:1b:26:80:73:fe:06:d1:cc:8d:4f:82:a4"), recomputed from its PEM here.
DIGICERT_GLOBAL_ROOT_G2 = "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4"
_HOST_NAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")
_SQL_SERVER = re.compile(r"^[A-Za-z0-9().][A-Za-z0-9_.()-]*(\\[A-Za-z_][A-Za-z0-9_$#]{0,15})?(,\d{1,5})?$")
# sqlcmd -S and MasterSettings.config SqlServerName names for the local computer.
_LOCAL_NAMES = (".", "(local)", "localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Check:
    func: Callable[[dict, dict, dict], tuple]
    needs: dict = field(default_factory=dict)   # role -> fact subsets a node of that role gathers for it

    def subsets(self, roles) -> tuple:
        return tuple(dict.fromkeys(subset for role in roles for subset in self.needs.get(role, ())))


class Unknown(Exception):
    """A value the check needs is not known: the message says which, and how to make it known."""


def _service_url(url) -> str:
    """An https URL with a host name and nothing a command line could misread (the self-hosted IR service URL)."""
    fix = ("give the service URL of the data factory's region as Data Factory shows it (Integration runtimes > Edit > "
           "Nodes > View Service URLs), such as https://wu2.frontend.clouddatahub.net/")
    if not isinstance(url, str) or re.search(r"[\s\x00-\x1f\x7f]", url.strip()):
        raise InvalidValue("settings.shir_service_url", url, fix)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise InvalidValue("settings.shir_service_url", url, fix) from None
    if parts.scheme != "https" or not parts.hostname or not _HOST_NAME.match(parts.hostname) or parts.username \
            or parts.password or (port is not None and not 1 <= port <= 65535):
        raise InvalidValue("settings.shir_service_url", url, fix)
    return url.strip()


def validate_settings(settings: dict) -> dict:
    """Normalise the overrides; bad input fails before anything runs on a node."""
    merged = {k: v for k, v in (settings or {}).items() if v is not None}
    for name in _THUMBPRINT_SETTINGS:
        if name in merged:
            merged[name] = normalize_thumbprint(merged[name], what=f"settings.{name}")
    if "scaleout_worker_thumbprints" in merged:
        value = merged["scaleout_worker_thumbprints"]
        if isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        if not isinstance(value, (list, tuple)):
            raise InvalidValue("settings.scaleout_worker_thumbprints", value,
                               "give a list of the Scale Out Worker certificate thumbprints")
        merged["scaleout_worker_thumbprints"] = list(dict.fromkeys(
            normalize_thumbprint(item, what=f"settings.scaleout_worker_thumbprints[{index}]")
            for index, item in enumerate(value)))
    if "scaleout_master_port" in merged:
        port = merged["scaleout_master_port"]
        try:
            number = int(str(port).strip())
        except ValueError:
            number = 0
        if isinstance(port, bool) or not 1 <= number <= 65535:
            raise InvalidValue("settings.scaleout_master_port", port,
                               "give the Scale Out Master port (MasterSettings.config PortNumber), 1 to 65535")
        merged["scaleout_master_port"] = number
    server = merged.get("scaleout_ssisdb_server")
    if server is not None and (not isinstance(server, str) or not _SQL_SERVER.match(server.strip())):
        raise InvalidValue("settings.scaleout_ssisdb_server", server,
                           "give the SQL Server instance that hosts SSISDB as host or host\\instance, such as SSISSQL01")
    host = merged.get("shir_remote_access_host")
    if host is not None and (not isinstance(host, str) or not _HOST_NAME.match(host)):
        raise InvalidValue("settings.shir_remote_access_host", host,
                           "give the host name the self-hosted IR nodes use for remote access, such as shir01.contoso.local")
    url = merged.get("shir_service_url")
    if url is not None:
        merged["shir_service_url"] = _service_url(url)
    for name in ("scaleout_worker_account", "azuressis_windows_auth_account"):
        if name in merged:
            _icacls.resolve(merged[name], what=f"settings.{name}")
    if "azuressis_oledb_providers" in merged:  # ProgIDs reach reg.exe's command line: a grammar, not quoting alone
        merged["azuressis_oledb_providers"] = _oledb.validate_progids(merged["azuressis_oledb_providers"])
    # SHIR high availability: the HA nodes' names (they reach commands on the node) and the remote-access port
    if _ha.SETTING in merged:
        merged[_ha.SETTING] = _ha.validate_nodes(merged[_ha.SETTING])
    if "shir_remote_access_port" in merged:
        merged["shir_remote_access_port"] = _ha.validate_port(merged["shir_remote_access_port"])
    return merged


# ------------------------------------------------------------------ reading facts, peers and overrides

class _Verdict:
    """What a check saw: problems (fail), unknowns and what is fine. A part that raises ``Unknown``
    adds an unknown; what was seen fails anyway."""

    def __init__(self):
        self.problems, self.unknowns, self.seen = [], [], []

    @contextmanager
    def part(self):
        try:
            yield
        except Unknown as exc:
            self.unknowns.append(str(exc))

    def result(self) -> tuple:
        if self.problems:
            return FAIL, "; ".join(self.problems + self.unknowns + self.seen)
        if self.unknowns:
            return UNKNOWN, "; ".join(self.unknowns + self.seen)
        return PASS, "; ".join(self.seen)


def fact(facts: dict | None, subset: str, where: str = "this node"):
    """The subset of one node's facts, or ``Unknown`` saying why it is not there."""
    facts = facts or {}
    if subset in facts:
        return facts[subset]
    error = (facts.get("gather_errors") or {}).get(subset)
    if error:
        raise Unknown(f"{subset} of {where} could not be read: {error}")
    raise Unknown(f"{where} did not gather {subset} (gather it with irops.remediation.node_facts and the node's "
                  "node_roles, as the diagnose role does)")


def unknown_when_missing(check: Callable) -> Callable:
    """A check whose body reads facts with :func:`fact`: a value that is not known makes it ``unknown``, with
    the reason ``Unknown`` gives, instead of every check catching it."""
    @functools.wraps(check)
    def evaluate(facts: dict, settings: dict, context: dict | None = None) -> tuple:
        try:
            return check(facts, settings, context)
        except Unknown as exc:
            return UNKNOWN, str(exc)
    return evaluate


def _context(context: dict | None) -> dict:
    return context or {"roles": [], "peers": []}


def peers(context: dict | None, role: str) -> list[dict]:
    """The hosts of the play with this role that gathered ``irops_node`` (this node too, when it has it)."""
    return [peer for peer in _context(context).get("peers", ()) if role in (peer.get("roles") or ())]


def _missing_peer(context: dict | None, role: str, setting: str | None) -> Unknown:
    """No host of ``role`` gathered facts in this play: say which, and the ways to fix it."""
    absent = [peer["host"] for peer in _context(context).get("absent", ()) if role in (peer.get("roles") or ())]
    seen = (f"{', '.join(absent)} ({role}) is in the play but gathered no irops_node in it; " if absent
            else f"no {role} host is in the play; ")
    return Unknown(f"{seen}run the play with the {ROLE_NAMES[role]} in it (irops_node_roles [{role}], facts gathered "
                   "first, as the diagnose role does)" + (f" or give settings.{setting}" if setting else ""))


def _is_self(peer: dict, context: dict | None) -> bool:
    return peer.get("host") == _context(context).get("host")


def names_of(peer: dict) -> set:
    """The names a node answers to, lowercased: its host name, FQDN and addresses, and its inventory name."""
    system = (peer.get("facts") or {}).get("system") or {}
    names = {peer.get("host"), system.get("hostname"), system.get("fqdn")}
    names.update(system.get("addresses") or ())
    return {str(name).lower().rstrip(".") for name in names if name}


def _host_matches(host: str | None, peer: dict) -> bool:
    return bool(host) and host.lower().rstrip(".") in names_of(peer)


def _worker_config(facts: dict, where: str = "this node") -> dict:
    config = fact(facts, "scaleout_worker_settings", where)
    if config is None:
        raise Unknown(f"{where} has no WorkerSettings.config under C:\\Program Files\\Microsoft SQL Server\\"
                      "140|150|160\\DTS\\Binn")
    return config


def _lowered(config: dict) -> dict:
    return {str(key).lower(): value for key, value in (config.get("values") or {}).items()}


def _thumbprint_or_none(value):
    try:
        return normalize_thumbprint(value) if value else None
    except InvalidValue:
        return None


def worker_thumbprint(config: dict) -> str | None:
    """WorkerHttpsCertThumbprint, normalised (the facts' ``worker_thumbprint``, else the file's value)."""
    return config.get("worker_thumbprint") or _thumbprint_or_none(_lowered(config).get("workerhttpscertthumbprint"))


def master_endpoint(config: dict) -> tuple:
    """``(host, port)`` of MasterEndpoint (port 443 when an https endpoint names none); Nones when unreadable."""
    if config.get("master_host") is not None or config.get("master_port") is not None:
        return config.get("master_host"), config.get("master_port")
    endpoint = config.get("master_endpoint")
    try:
        parts = urlsplit(endpoint) if isinstance(endpoint, str) else None
        port = parts.port if parts else None
    except ValueError:
        return None, None
    if parts is None or not parts.hostname:
        return None, None
    return parts.hostname, port if port is not None else (443 if parts.scheme.lower() == "https" else None)


def _service_name(config: dict | None, kind: str, services: dict) -> str:
    """The Scale Out service of the node's version: the config file's, else the first installed one."""
    if config and config.get("service"):
        return config["service"]
    if config and config.get("version"):
        return f"SSISScaleOut{kind}{config['version']}"
    installed = [f"SSISScaleOut{kind}{v}" for v in VERSIONS if services.get(f"SSISScaleOut{kind}{v}")]
    return installed[0] if installed else f"SSISScaleOut{kind}{VERSIONS[0]}"


def _master_settings(facts: dict, where: str) -> dict:
    found = fact(facts, "scaleout_master_settings", where)
    if found is None:
        raise Unknown(f"{where} has no MasterSettings.config under C:\\Program Files\\Microsoft SQL Server\\"
                      "140|150|160\\DTS\\Binn")
    return found


def master_port(settings: dict, master: dict | None, context: dict | None) -> tuple:
    """``(port, where it comes from)``: settings.scaleout_master_port, else the master's PortNumber."""
    if settings.get("scaleout_master_port") is not None:
        return settings["scaleout_master_port"], "settings.scaleout_master_port"
    if master is None:
        raise _missing_peer(context, MASTER, "scaleout_master_port")
    found = fact(master["facts"], "scaleout_master_settings", f"the master {master['host']}")
    if found is None:  # scaleout-master-fails reports the missing file; the master would listen on the default
        return DEFAULT_MASTER_PORT, f"the default: {master['host']} has no MasterSettings.config"
    if found.get("port") is None:
        return DEFAULT_MASTER_PORT, f"the default: {found['path']} has no PortNumber"
    return found["port"], f"PortNumber of {master['host']}"


def master_thumbprint(settings: dict, master: dict | None, context: dict | None) -> tuple:
    """``(thumbprint, where it comes from)``: settings.scaleout_master_thumbprint, else the master's
    SSLCertThumbprint, else the certificate bound at its port."""
    if settings.get("scaleout_master_thumbprint"):
        return settings["scaleout_master_thumbprint"], "settings.scaleout_master_thumbprint"
    if master is None:
        raise _missing_peer(context, MASTER, "scaleout_master_thumbprint")
    found = _master_settings(master["facts"], f"the master {master['host']}")
    if found.get("thumbprint"):
        return found["thumbprint"], f"SSLCertThumbprint of {master['host']}"
    port, _source = master_port(settings, master, context)
    bound = _binding(fact(master["facts"], "http_sslcert", f"the master {master['host']}"), port)
    if bound is None:
        raise Unknown(f"{found['path']} on {master['host']} has no valid SSLCertThumbprint and nothing is bound at "
                      f"its port {port}; give settings.scaleout_master_thumbprint")
    return bound["certificate_hash"], f"the certificate bound at {master['host']}:{port}"


def _binding(bindings: list, port: int) -> dict | None:
    endpoint = Endpoint(IPPORT, "0.0.0.0", int(port)).argument
    return next((b for b in bindings or () if b["endpoint"] == endpoint), None)


def master_of_worker(facts: dict, context: dict | None) -> dict | None:
    """The master peer this worker uses: the one whose host name, FQDN or address is MasterEndpoint's host,
    else the only master of the play; None when the play has no master (``Unknown`` when it has several
    and none is named)."""
    masters = peers(context, MASTER)
    if not masters:
        return None
    try:
        host, _port = master_endpoint(_worker_config(facts))
    except Unknown:
        host = None
    named = [peer for peer in masters if _host_matches(host, peer)]
    if named:
        return named[0]
    if len(masters) == 1:
        return masters[0]
    raise Unknown(f"MasterEndpoint host {host} is none of the masters of the play ("
                  + ", ".join(peer["host"] for peer in masters) + "); give settings.scaleout_master_thumbprint "
                  "and settings.scaleout_master_port")


def _ssisdb_peers(context: dict | None) -> list[dict]:
    return peers(context, SSISDB_SQL)


def _unset(name: str, meaning: str) -> str:
    return f"set settings.{name} ({meaning}) to check this"


def _find(certificates: list[dict], thumbprint: str) -> dict | None:
    return next((doc for doc in certificates if doc["thumbprint"] == thumbprint), None)


def _root_evidence(root: list[dict]) -> str:
    """The Root store's size and hygiene findings: evidence for an operator, never a failure on their own."""
    findings = _certutil.hygiene(root)
    text = f"LocalMachine\\Root holds {len(root)} certificate(s)"
    if findings:
        kinds: dict = {}
        for finding in findings:
            kinds[finding["issue"]] = kinds.get(finding["issue"], 0) + 1
        text += " (hygiene: " + ", ".join(f"{count} {issue.replace('_', ' ')}" for issue, count in sorted(kinds.items())) + ")"
    return text


def _me(facts: dict, context: dict | None) -> dict:
    context = _context(context)
    return {"host": context.get("host") or "this node", "roles": list(context.get("roles") or ()), "facts": facts}


# ------------------------------------------------------------------ Scale Out checks

def scaleout_master_sql_server(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """Scale Out Master fails: on the SQL Server hosting SSISDB, Scale Out is enabled in the catalog; on the
    master, MasterSettings.config SqlServerName names the instance that hosts SSISDB."""
    roles = _context(context).get("roles") or ()
    verdict = _Verdict()
    if SSISDB_SQL in roles:
        with verdict.part():
            db = fact(facts, "ssisdb")
            where = f"the SQL Server instance {db.get('server_name') or db.get('instance')}"
            if not db.get("catalog"):
                verdict.problems.append(f"{where} has no SSISDB catalog")
            elif db.get("scaleout_enabled") is True:
                verdict.seen.append(f"Scale Out is enabled in SSISDB on {where}")
            elif db.get("scaleout_enabled") is False:
                verdict.problems.append(f"Scale Out is not enabled in SSISDB on {where} (IS_SCALEOUT_ENABLED False): "
                                        "[catalog].[enable_scaleout] enables it")
            else:
                raise Unknown(f"whether Scale Out is enabled in SSISDB on {where} could not be read")
    if MASTER in roles:
        with verdict.part():
            found = fact(facts, "scaleout_master_settings")
            if found is None:
                verdict.problems.append("no MasterSettings.config under C:\\Program Files\\Microsoft SQL Server\\"
                                        "140|150|160\\DTS\\Binn: the Scale Out Master has no configuration here")
            else:
                _check_sql_server_name(found, facts, settings, context, verdict)
    return verdict.result()


def _sql_parts(name: str) -> tuple:
    """``(host, instance)`` of ``host[\\instance][,port]`` (``tcp:`` prefix allowed), lowercased; the default
    instance is ``mssqlserver``."""
    text = name.strip()
    if text.lower().startswith("tcp:"):
        text = text[4:]
    text = text.split(",", 1)[0]
    host, _sep, instance = text.partition("\\")
    host = host.strip().lower()
    return (host if host in _LOCAL_NAMES else host.rstrip(".")), (instance.strip() or "MSSQLSERVER").lower()


def _check_sql_server_name(found: dict, facts: dict, settings: dict, context: dict | None, verdict: _Verdict) -> None:
    service = found.get("service") or "the Scale Out Master service"
    configured = found.get("sql_server_name") or _lowered(found).get("sqlservername")
    if not configured:
        verdict.problems.append(f"{found['path']} names no SqlServerName: set it to the SQL Server instance that hosts "
                                f"SSISDB and restart {service}")
        return
    host, instance = _sql_parts(str(configured))
    if settings.get("scaleout_ssisdb_server"):
        wanted = settings["scaleout_ssisdb_server"]
        want_host, want_instance = _sql_parts(wanted)
        me_names = names_of(_me(facts, context)) | set(_LOCAL_NAMES)
        same_host = host == want_host or (host in _LOCAL_NAMES and want_host in me_names) or (
            want_host in _LOCAL_NAMES and host in me_names)
        if same_host and instance == want_instance:
            verdict.seen.append(f"SqlServerName {configured} names {wanted} (settings.scaleout_ssisdb_server)")
        else:
            verdict.problems.append(f"SqlServerName {configured} in {found['path']} is not {wanted} "
                                    f"(settings.scaleout_ssisdb_server): set it and restart {service}")
        return
    hosting = _ssisdb_peers(context)
    if not hosting:
        raise _missing_peer(context, SSISDB_SQL, "scaleout_ssisdb_server")
    described = []
    for peer in hosting:
        db = fact(peer["facts"], "ssisdb", f"the SQL Server {peer['host']}")
        server = db.get("server_name") or peer["host"]
        server_host, server_instance = _sql_parts(str(server))
        names = names_of(peer) | {server_host}
        if _is_self(peer, context):
            names |= set(_LOCAL_NAMES)
        if host in names and instance == server_instance and db.get("catalog") is not False:
            verdict.seen.append(f"SqlServerName {configured} names the instance that hosts SSISDB, {server} "
                                f"on {peer['host']}")
            return
        described.append(f"{server} on {peer['host']}")
    local = " (the master itself)" if host in _LOCAL_NAMES else ""
    verdict.problems.append(f"SqlServerName {configured}{local} in {found['path']} does not name the instance that "
                            f"hosts SSISDB ({', '.join(described)}): set it and restart {service}")


def scaleout_worker_registered(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """Scale Out Worker fails: its service runs, and it is registered and online in [catalog].[worker_agents]
    of SSISDB. When the worker's logs were read, the entries their newest errors match are named."""
    del settings
    verdict = _Verdict()
    config = None
    with verdict.part():
        config = _worker_config(facts)
    with verdict.part():
        services = fact(facts, "services")
        name = _service_name(config, "Worker", services)
        service = services.get(name)
        if service is None:
            verdict.problems.append(f"the Scale Out Worker service {name} is not installed")
        elif service.get("state") != "running":
            verdict.problems.append(f"the Scale Out Worker service {name} is {service.get('state')}: start it "
                                    "(irops.remediation.service, state started)")
        else:
            verdict.seen.append(f"{name} is running")
    with verdict.part():
        _check_registration(facts, config, context, verdict)
    _explain_logs(facts, verdict)
    return verdict.result()


def _agent_id(value) -> str | None:
    return str(value).strip().strip("{}").lower() if value else None


def _check_registration(facts: dict, config: dict | None, context: dict | None, verdict: _Verdict) -> None:
    hosting = _ssisdb_peers(context)
    if not hosting:
        raise _missing_peer(context, SSISDB_SQL, None)
    hostname = (fact(facts, "system") or {}).get("hostname")
    agent = _agent_id((config or {}).get("agent_id") or _lowered(config or {}).get("agentid"))
    places = []
    for peer in hosting:
        db = fact(peer["facts"], "ssisdb", f"the SQL Server {peer['host']}")
        server = db.get("server_name") or peer["host"]
        places.append(server)
        for worker in db.get("workers") or ():
            if (hostname and str(worker.get("machine_name") or "").lower() == hostname.lower()) or (
                    agent and _agent_id(worker.get("agent_id")) == agent):
                label = f"{worker.get('machine_name')} (agent {worker.get('agent_id')}) in [catalog].[worker_agents] of {server}"
                if worker.get("online"):
                    verdict.seen.append(f"{label} is online (last online {worker.get('last_online_time')})")
                else:
                    verdict.problems.append(
                        f"{label} is offline: last online {worker.get('last_online_time') or 'never'}, SQL Server time "
                        f"{db.get('now_utc')} (online means within HeartbeatErrorTolerance, 10 minutes, assumed); the "
                        "worker log names the cause (playbooks/triage.yml)")
                return
    who = hostname or "this worker"
    verdict.problems.append(f"{who} (agent {agent or 'unknown'}) is not in [catalog].[worker_agents] of "
                            f"{', '.join(places)}: it has never reached the master; the worker log names the cause "
                            "(playbooks/triage.yml)")


def _explain_logs(facts: dict, verdict: _Verdict) -> None:
    """The catalog entries that the newest errors of the Scale Out logs match (when the logs were read)."""
    logs = facts.get("scaleout_logs") if isinstance(facts, dict) else None
    errors = (logs or {}).get("errors") or []
    if not errors:
        return
    from ansible_collections.irops.remediation.plugins.plugin_utils import _explain  # pylint: disable=import-outside-toplevel

    lines = [str(item.get("line") or "") for item in errors]
    found = _explain.explain(lines, products="scale-out", min_score=0.5)
    if found:
        verdict.seen.append("the newest errors of the Scale Out logs match " + ", ".join(
            f"{item['id']} ({item['runbook']})" for item in found))
    else:
        verdict.seen.append(f"the Scale Out logs hold {len(errors)} error line(s) that match no documented entry")


def _tcp(rule: dict) -> bool:
    return str(rule.get("protocol") or "").lower() in ("tcp", "any")


def scaleout_master_endpoint(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """No endpoint listening. On the master: its service runs and an enabled inbound rule allows TCP to its
    PortNumber (none blocks it). On a worker: MasterEndpoint names the master's port, and the endpoint answers."""
    roles = _context(context).get("roles") or ()
    verdict = _Verdict()
    if MASTER in roles:
        with verdict.part():
            _check_master_listens(facts, settings, context, verdict)
    if WORKER in roles:
        with verdict.part():
            _check_worker_endpoint(facts, settings, context, verdict)
    return verdict.result()


def _check_master_listens(facts: dict, settings: dict, context: dict | None, verdict: _Verdict) -> None:
    port, source = master_port(settings, _me(facts, context), context)
    with verdict.part():
        services = fact(facts, "services")
        found = facts.get("scaleout_master_settings")
        name = _service_name(found, "Master", services)
        service = services.get(name)
        if service is None:
            verdict.problems.append(f"the Scale Out Master service {name} is not installed: nothing listens on {port}")
        elif service.get("state") != "running":
            verdict.problems.append(f"the Scale Out Master service {name} is {service.get('state')}: nothing listens "
                                    f"on port {port}")
        else:
            verdict.seen.append(f"{name} is running")
    rules = (fact(facts, "firewall_inbound") or {}).get("rules") or []
    covering = [rule for rule in rules if rule.get("enabled") and _tcp(rule) and _advfirewall.covers(rule.get("localports"), port)]
    blocking = [rule["name"] for rule in covering if rule.get("action") == "block"]
    allowing = [rule["name"] for rule in covering if rule.get("action") == "allow"]
    if blocking:
        verdict.problems.append(f"the inbound firewall rule(s) {', '.join(blocking)} block TCP port {port} ({source})")
    if not allowing:
        verdict.problems.append(f"no enabled inbound firewall rule allows TCP port {port} ({source}) on the master; "
                                f"{len(rules)} inbound rule(s) read")
    else:
        verdict.seen.append(f"the inbound firewall rule {allowing[0]} allows TCP port {port} ({source})")


def _check_worker_endpoint(facts: dict, settings: dict, context: dict | None, verdict: _Verdict) -> None:
    config = _worker_config(facts)
    host, port = master_endpoint(config)
    if not host or port is None:
        verdict.problems.append(f"MasterEndpoint {config.get('master_endpoint')!r} in {config['path']} names no "
                                "host and port (setup writes https://<master host>:8391)")
        return
    with verdict.part():
        master = master_of_worker(facts, context)
        expected, source = master_port(settings, master, context)
        if port != expected:
            verdict.problems.append(f"MasterEndpoint {config.get('master_endpoint')} names port {port}, but the master "
                                    f"listens on {expected} ({source})")
        else:
            verdict.seen.append(f"MasterEndpoint names the master's port {expected} ({source})")
    reach = fact(facts, "scaleout_master_reach")
    if reach is None:
        raise Unknown("scaleout_master_reach is empty: the worker did not try its MasterEndpoint")
    if not reach.get("resolved"):
        verdict.problems.append(f"the MasterEndpoint host {host} does not resolve on this worker")
    elif not reach.get("reachable"):
        addresses = ", ".join(reach.get("addresses") or ()) or "no address"
        verdict.problems.append(f"nothing answers at {host}:{port} ({addresses}) from this worker: the master does "
                                "not listen there or the network or a firewall blocks the port")
    else:
        verdict.seen.append(f"{host}:{port} answers from this worker")


@unknown_when_missing
def scaleout_worker_trusts_master(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """The three documented causes of "Could not establish trust relationship" on a worker: the
    master certificate is not in LocalMachine\\Root; the host of MasterEndpoint is not among that
    certificate's names; MasterHttpsCertThumbprint names another certificate. The master certificate is
    the master's SSLCertThumbprint (settings.scaleout_master_thumbprint overrides it)."""
    root = fact(facts, "cert_root")
    verdict = _Verdict()
    expected = None
    with verdict.part():
        master = master_of_worker(facts, context)
        expected, source = master_thumbprint(settings, master, context)
        if _find(root, expected) is None:
            verdict.problems.append(f"the Scale Out Master certificate {expected} ({source}) is not in LocalMachine\\Root "
                                    f"({len(root)} certificate(s) there): the worker cannot trust the master")
        else:
            verdict.seen.append(f"the Scale Out Master certificate {expected} ({source}) is in LocalMachine\\Root")
        _note_bound_certificate(master, expected, settings, context, verdict)
    with verdict.part():
        config = _worker_config(facts)
        configured = config.get("master_thumbprint")
        normalized = _thumbprint_or_none(configured)
        if normalized is None:
            verdict.problems.append(f"{config['path']} has no valid MasterHttpsCertThumbprint ({configured!r})")
        elif expected and normalized != expected:
            verdict.problems.append(f"{config['path']} names MasterHttpsCertThumbprint {normalized}, not the Scale Out "
                                    f"Master certificate {expected}")
        cert = fact(facts, "scaleout_master_cert")
        _endpoint_host_check(config.get("master_endpoint"), cert, verdict.problems, verdict.unknowns, verdict.seen)
    return verdict.result()


def _note_bound_certificate(master, expected, settings, context, verdict) -> None:
    """What the master presents, when it is not its SSLCertThumbprint (the master's binding check fails there)."""
    if master is None:
        return
    try:
        port, _source = master_port(settings, master, context)
        bound = _binding(fact(master["facts"], "http_sslcert"), port)
    except Unknown:
        return
    if bound is not None and bound["certificate_hash"] != expected:
        verdict.seen.append(f"note: {master['host']} presents certificate {bound['certificate_hash']} at port {port}, "
                            "not its SSLCertThumbprint (its binding, checked on the master)")


def _endpoint_host_check(endpoint, cert: dict | None, problems: list, unknowns: list, seen: list) -> None:
    """MasterEndpoint's host must be one of the master certificate's names (its SAN DNS names, else its CN)."""
    try:
        host = urlsplit(endpoint).hostname if isinstance(endpoint, str) else None
    except ValueError:
        host = None
    if not host:
        problems.append(f"MasterEndpoint {endpoint!r} names no host (setup writes https://<master host>:8391)")
        return
    if cert is None:
        return  # the certificate the file names is not in Root: reported above
    if cert["dns_names"] is None:
        unknowns.append(f"the names of the master certificate {cert['thumbprint']} could not be read")
        return
    names = cert["dns_names"] or [name for name in [_certutil.common_name(cert["subject"])] if name]
    if not any(_certutil.dns_name_matches(host, name) for name in names) and not _ip_in(host, names):
        problems.append(f"the MasterEndpoint host {host} is not among the names of the master certificate "
                        f"{cert['thumbprint']} ({', '.join(names) or 'none'}): reset MasterEndpoint to one of them")
    else:
        seen.append(f"the MasterEndpoint host {host} is a name of the master certificate")


def _ip_in(host: str, names: list) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(str(address) == str(name).strip() for name in names)


@unknown_when_missing
def scaleout_master_trusts_workers(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """The master's LocalMachine\\Root holds every worker certificate (the workers' WorkerHttpsCertThumbprint,
    or settings.scaleout_worker_thumbprints) and Schannel does not send the list of trusted issuers
    (SendTrustedIssuerList 0 or absent, its default since 2012)."""
    root = fact(facts, "cert_root")
    sent = fact(facts, "schannel")["send_trusted_issuer_list"]
    verdict = _Verdict()
    with verdict.part():
        expected = _worker_thumbprints(settings, context, verdict)
        missing = [t for t in expected if _find(root, t) is None]
        if missing:
            verdict.problems.append("worker certificate(s) not in LocalMachine\\Root: " + ", ".join(missing))
        elif expected:
            verdict.seen.append(f"all {len(expected)} worker certificate(s) are in LocalMachine\\Root")
    if sent not in (None, 0):
        verdict.problems.append(f"SCHANNEL SendTrustedIssuerList is {sent}: Schannel sends the list of trusted issuers "
                                "(the documented fix sets REG_DWORD 0)")
    else:
        verdict.seen.append("SendTrustedIssuerList is " + ("absent (0 by default)" if sent is None else "0"))
    verdict.seen.append(_root_evidence(root))
    return verdict.result()


def _worker_thumbprints(settings: dict, context: dict | None, verdict: _Verdict) -> list:
    if settings.get("scaleout_worker_thumbprints") is not None:
        return list(settings["scaleout_worker_thumbprints"])
    workers = peers(context, WORKER)
    if not workers:
        raise _missing_peer(context, WORKER, "scaleout_worker_thumbprints")
    found = []
    for peer in workers:
        with verdict.part():
            config = _worker_config(peer["facts"], f"the worker {peer['host']}")
            thumbprint = worker_thumbprint(config)
            if thumbprint is None:
                raise Unknown(f"{config['path']} on {peer['host']} names no valid WorkerHttpsCertThumbprint")
            found.append(thumbprint)
    return list(dict.fromkeys(found))


@unknown_when_missing
def scaleout_worker_key_access(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """The account that runs the Scale Out Worker service may read the private key of the worker certificate
    (WorkerHttpsCertThumbprint); settings.scaleout_worker_thumbprint and scaleout_worker_account override them."""
    del context
    thumbprint, account = _worker_identity(facts, settings)
    certificates = fact(facts, "cert_my")["certificates"]
    cert = _find(certificates, thumbprint)
    if cert is None:
        return FAIL, f"the Scale Out Worker certificate {thumbprint} is not in LocalMachine\\My"
    if not cert["has_private_key"]:
        return FAIL, f"the Scale Out Worker certificate {thumbprint} in LocalMachine\\My has no private key"
    doc = _find(fact(facts, "cert_my_key_acl"), thumbprint) or {}
    readers = doc.get("key_access")
    if readers is None:
        why = doc.get("key_file_error") or doc.get("key_file_unknown") or "certutil named no key file"
        return UNKNOWN, f"could not read the ACL of the key of {thumbprint}: {why}"
    principal = _icacls.resolve(account, what="the Scale Out Worker service account")
    account = principal.name
    if not any(principal.matches(reader) for reader in readers):
        acl = _icacls.parse_acl_from(doc.get("key_acl"))
        strange = [ace.text for ace in acl if ace.unknown and principal.matches(ace.account)]
        if strange:  # a right this module does not know: never guess "no access"
            return UNKNOWN, (f"icacls printed rights this module does not know for {account} on the key of "
                             f"{thumbprint}: {', '.join(strange)}; report the text so it can be added to "
                             "plugins/plugin_utils/_icacls.py")
        return FAIL, (f"{account} may not read the private key of the worker certificate {thumbprint} "
                      f"({cert['key_file']}); readers: {', '.join(readers) or 'none'}")
    return PASS, f"{account} may read the private key of the worker certificate {thumbprint}"


def _worker_identity(facts: dict, settings: dict) -> tuple:
    """``(worker certificate thumbprint, service account)``: the settings, else WorkerSettings.config and the
    worker service's logon account (sc.exe qc), else the version's virtual account."""
    thumbprint, account = settings.get("scaleout_worker_thumbprint"), settings.get("scaleout_worker_account")
    config = facts.get("scaleout_worker_settings") if isinstance(facts, dict) else None
    if thumbprint is None:
        try:
            config = _worker_config(facts)
        except Unknown as exc:
            raise Unknown(f"{exc}; or give settings.scaleout_worker_thumbprint") from None
        thumbprint = worker_thumbprint(config)
        if thumbprint is None:
            raise Unknown(f"{config['path']} names no valid WorkerHttpsCertThumbprint; give "
                          "settings.scaleout_worker_thumbprint")
    if account is None:
        services = fact(facts, "services")
        service = services.get(_service_name(config, "Worker", services))
        account = (service or {}).get("account") or (config or {}).get("account")
        if not account:
            raise Unknown("the Scale Out Worker service is not installed and the version's account is not known; "
                          "give settings.scaleout_worker_account")
    return thumbprint, account


@unknown_when_missing
def scaleout_master_sslcert_binding(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """The master's PortNumber is bound in http.sys to its SSLCertThumbprint, from the Root store."""
    port, port_source = master_port(settings, _me(facts, context), context)
    bindings = fact(facts, "http_sslcert")
    endpoint = Endpoint(IPPORT, "0.0.0.0", int(port)).argument
    binding = _binding(bindings, port)
    if binding is None:
        return FAIL, f"no http.sys SSL binding on {endpoint}"
    expected = settings.get("scaleout_master_thumbprint")
    if expected is None:
        found = facts.get("scaleout_master_settings")
        expected = (found or {}).get("thumbprint")
        if expected is None:
            return UNKNOWN, (f"{endpoint} is bound to {binding['certificate_hash']}; "
                             + ("MasterSettings.config names no valid SSLCertThumbprint" if found else
                                "no MasterSettings.config was read")
                             + ": give settings.scaleout_master_thumbprint to compare it with the master certificate")
    if binding["certificate_hash"] != expected:
        return FAIL, (f"{endpoint} is bound to certificate {binding['certificate_hash']}, "
                      f"not to the Scale Out Master certificate {expected}")
    store = binding["certificate_store"] or "MY"
    if store.lower() != "root":
        return FAIL, (f"{endpoint} is bound to the master certificate but names the store {store}; "
                      "setup puts the master certificate in Root (certstorename=Root)")
    return PASS, f"{endpoint} ({port_source}) is bound to the master certificate {expected} in Root"


@unknown_when_missing
def scaleout_worker_remote_registry(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """Cannot open certificate store: Scale Out Manager opens the worker computer's certificate store remotely,
    through the Remote Registry service, which must run and start automatically."""
    del settings, context
    service = fact(facts, "services").get("RemoteRegistry")
    if service is None:
        return FAIL, "the Remote Registry service (RemoteRegistry) is not installed"
    state, start = service.get("state"), service.get("start_type")
    problems = []
    if state != "running":
        problems.append(f"RemoteRegistry is {state}")
    if start not in ("auto", "delayed-auto"):
        problems.append(f"RemoteRegistry starts {start}, not automatically")
    if problems:
        return FAIL, "; ".join(problems) + ": Scale Out Manager cannot open this computer's certificate store remotely"
    return PASS, f"RemoteRegistry is running and starts {start}"


@unknown_when_missing
def scaleout_workers_available(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """Execution doesn't start: at least one worker of [catalog].[worker_agents] is online and enabled."""
    del settings, context
    db = fact(facts, "ssisdb")
    server = db.get("server_name") or db.get("instance")
    if not db.get("catalog"):
        return FAIL, f"{server} has no SSISDB catalog, so no worker agent"
    workers = db.get("workers") or []
    if not workers:
        return FAIL, f"no worker agent is registered in [catalog].[worker_agents] of {server}"
    states = [f"{w.get('machine_name')} ({w.get('agent_id')}): {'online' if w.get('online') else 'offline'} "
              f"(last online {w.get('last_online_time') or 'never'}), {'enabled' if w.get('enabled') else 'disabled'}"
              for w in workers]
    ready = [w for w in workers if w.get("online") and w.get("enabled")]
    text = "; ".join(states) + f" (SQL Server time {db.get('now_utc')}; online within 10 minutes, assumed)"
    if not ready:
        return FAIL, ("no worker agent is online and enabled: " + text
                      + "; enable a named worker (irops.remediation.ssisdb enabled_workers)")
    return PASS, f"{len(ready)} worker agent(s) online and enabled: " + text


@unknown_when_missing
def scaleout_sql_authentication(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """No log: the SQL Server instance that hosts SSISDB allows SQL Server Authentication (mixed mode)."""
    del settings, context
    db = fact(facts, "ssisdb")
    server = db.get("server_name") or db.get("instance")
    allowed = db.get("sql_authentication_allowed")
    if allowed is True:
        return PASS, f"{server} allows SQL Server Authentication (mixed mode)"
    if allowed is None:
        return UNKNOWN, f"whether {server} allows SQL Server Authentication could not be read"
    text = f"{server} runs in Windows Authentication mode: Scale Out logging cannot connect with SQL Server Authentication"
    if db.get("login_mode") == 2 and db.get("restart_pending"):
        text += "; the registry already says LoginMode 2 (mixed): restart SQL Server for it to apply"
    return FAIL, text


def _node_names(facts: dict) -> list:
    system = (facts or {}).get("system") or {}
    return [name for name in (system.get("fqdn"), system.get("hostname")) if name]


def remote_access_certificate(facts: dict) -> tuple:
    """``(certificate or None, why)``: the self-hosted IR's remote-access certificate, found on the node.

    The runtime keeps the thumbprint that ``dmgcmd -EnableRemoteAccess <port> <thumbprint>`` was given where no
    public document says (ASSUMED unreadable), so the certificate is recognised by what the SHIR article requires
    of it: in LocalMachine\\My, named for this node (its subject CN or a SAN DNS name covers the node's FQDN or
    host name, from the ``system`` facts). Exactly one such certificate is the remote-access certificate;
    none or several give None and say which, so the check asks for ``settings.shir_certificate_thumbprint``."""
    certificates = fact(facts, "cert_my")["certificates"]
    names = _node_names(facts)
    if not names:
        return None, "the node's host name was not read (system facts)"

    found = _certutil.named_for(certificates, names)
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, (f"no certificate of LocalMachine\\My ({len(certificates)} there) is named for "
                      f"{' or '.join(names)}")
    return None, (f"{len(found)} certificates of LocalMachine\\My are named for {' or '.join(names)} ("
                  + ", ".join(cert["thumbprint"] for cert in found) + ")")


def _shir_certificate(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """``(thumbprint, certificate, verdict)``: the SHIR remote-access certificate of LocalMachine\\My (the setting's,
    else the one certificate named for the node), and the verdict when there is nothing more to check."""
    if settings.get("shir_certificate_thumbprint") is None:
        cert, why = remote_access_certificate(facts)
        if cert is None:
            meaning = "the remote-access certificate thumbprint of the self-hosted IR"
            return None, None, (UNKNOWN, f"{why}; " + _unset("shir_certificate_thumbprint", meaning))
        return cert["thumbprint"], cert, None
    thumbprint, cert, unknown = _my_certificate(facts, settings, "shir_certificate_thumbprint",
                                                "the remote-access certificate thumbprint of the self-hosted IR")
    if unknown:
        return thumbprint, cert, (UNKNOWN, unknown)
    if cert is None:
        return thumbprint, cert, (FAIL, f"the certificate {thumbprint} is not in LocalMachine\\My")
    return thumbprint, cert, None


def _key_unread(cert: dict, thumbprint: str, what: str) -> str:
    """Why certutil's output did not say the ``what`` of a key (a provider this collection does not know,
    or lines in a language its tables do not know)."""
    unread = cert.get("key_unread") or []
    return (f"certutil's output does not say the {what} of the key of {thumbprint}"
            + (f" (key provider {cert['provider']!r})" if cert.get("provider") else "")
            + (f"; lines not read: {' | '.join(unread)}" if unread else ""))


@unknown_when_missing
def shir_certificate_key_exchange(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """The SHIR remote-access certificate has a private key capable of key exchange (not AT_SIGNATURE), and
    DIAHostService's logon account may read it ("...or the process may not have access rights for the private
    key", the error of shir-certificate-private-key-missing)."""
    thumbprint, cert, verdict = _shir_certificate(facts, settings)
    if verdict:
        return verdict
    if not cert["has_private_key"]:
        return FAIL, f"the certificate {thumbprint} ({cert['subject']}) in LocalMachine\\My has no private key"
    checked = _Verdict()
    if cert["provider_type"] is None or (cert["provider_type"] == "CSP" and cert["key_spec"] is None):
        checked.unknowns.append(_key_unread(cert, thumbprint,
                                            "key provider" if cert["provider_type"] is None else "key spec"))
    elif cert["provider_type"] == "CNG":
        checked.seen.append(f"the certificate {thumbprint} has a CNG key in {cert['provider']} (no key spec); "
                            "a CNG key is shir-certificate-ksp-not-supported")
    elif cert["key_spec"] != _certutil.KEY_EXCHANGE:
        checked.problems.append(f"the private key of {thumbprint} ({cert['subject']}) is {cert['key_spec']}, "
                                f"not {_certutil.KEY_EXCHANGE}: it is not capable of key exchange")
    else:
        checked.seen.append(f"the certificate {thumbprint} has an {_certutil.KEY_EXCHANGE} key in {cert['provider']}")
    if cert["provider_type"] == "CNG":
        # The service cannot be given a CNG key ("Failed to grant Integration Runtime service account the access
        # of to the certificate", shir-certificate-ksp-not-supported): its access is that entry's drift.
        checked.seen.append("its access is read once the key is in a CSP")
        return checked.result()
    with checked.part():
        _shir_service_reads_key(facts, thumbprint, cert, checked)
    return checked.result()


def _shir_service_reads_key(facts: dict, thumbprint: str, cert: dict, verdict: _Verdict) -> None:
    """DIAHostService's logon account (sc.exe qc) may read the key file of the remote-access certificate
    (icacls, the second-stage cert_my_key_acl that Scale Out's worker key check reads too)."""
    account = _shir_service(facts)["account"]
    doc = _find(fact(facts, "cert_my_key_acl"), thumbprint) or {}
    readers = doc.get("key_access")
    if readers is None:
        why = doc.get("key_file_error") or doc.get("key_file_unknown") or "certutil named no key file"
        raise Unknown(f"could not read the ACL of the key of {thumbprint}: {why}")
    try:
        principal = _icacls.resolve(account, what=f"the {SHIR_SERVICE} logon account")
    except InvalidValue as exc:
        raise Unknown(f"sc.exe qc {SHIR_SERVICE} names a logon account this module cannot read: {exc}") from None
    if any(principal.matches(reader) for reader in readers):
        verdict.seen.append(f"{principal.name} ({SHIR_SERVICE}) may read the key of {thumbprint}")
        return
    strange = [ace.text for ace in _icacls.parse_acl_from(doc.get("key_acl")) if ace.unknown
               and principal.matches(ace.account)]
    if strange:  # a right this module does not know: never guess "no access"
        raise Unknown(f"icacls printed rights this module does not know for {principal.name} on the key of "
                      f"{thumbprint}: {', '.join(strange)}")
    verdict.problems.append(f"{principal.name}, the logon account of {SHIR_SERVICE}, may not read the private key of "
                            f"{thumbprint} ({cert['key_file']}; readers: {', '.join(readers) or 'none'}): grant it "
                            "read (irops.remediation.certificate key_readers, or private_key_access)")


def shir_certificate_csp(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """The SHIR remote-access certificate's key is in a CSP, not in a CNG key storage provider."""
    thumbprint, cert, verdict = _shir_certificate(facts, settings)
    if verdict:
        return verdict
    if not cert["has_private_key"]:
        return FAIL, f"the certificate {thumbprint} in LocalMachine\\My has no private key, so no key in a CSP"
    if cert["provider_type"] is None:
        return UNKNOWN, _key_unread(cert, thumbprint, "key provider")
    if cert["provider_type"] != "CSP":
        return FAIL, (f"the private key of {thumbprint} ({cert['subject']}) is in {cert['provider']} (CNG/KSP); "
                      "the self-hosted IR supports CSP keys only")
    return PASS, f"the private key of {thumbprint} is in the CSP {cert['provider']}"


def shir_remote_access_dns_identity(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """WCF compares only the LAST SAN DNS name of the remote-access certificate with the host name
    (the self-hosted IR article's known issue); it must cover the name the nodes use: the node's own FQDN
    (Tcpip Hostname and Domain), or settings.shir_remote_access_host when given."""
    thumbprint, cert, verdict = _shir_certificate(facts, settings)
    if verdict:
        return verdict
    if cert["dns_names"] is None:
        return UNKNOWN, f"the subject alternative names of {thumbprint} could not be read (certutil -v -store My)"
    checked = cert["wcf_dns_name"]
    names = ", ".join(cert["dns_names"]) or "none"
    host, named = settings.get("shir_remote_access_host"), "settings.shir_remote_access_host"
    if host is None:
        try:
            host, named = fact(facts, "system")["fqdn"], "the node's FQDN"
        except Unknown as exc:
            host, named = None, str(exc)
        if host is None:
            return UNKNOWN, (f"WCF checks {checked} (SAN DNS names: {names}); the node's FQDN is not known ({named}: "
                             "a workgroup node has no primary DNS suffix); "
                             + _unset("shir_remote_access_host", "the host name of the self-hosted IR remote access"))
    if checked is None or not _certutil.dns_name_matches(host, checked):
        return FAIL, (f"WCF checks only the last SAN DNS name of {thumbprint}, {checked}, and it does not cover {host} "
                      f"({named}; SAN DNS names: {names}): the certificate's issuer must correct it")
    return PASS, f"the last SAN DNS name of {thumbprint}, {checked}, covers {host} ({named})"


def shir_trusts_digicert_root(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """DigiCert Global Root G2, the root of the Data Factory service certificate, is in LocalMachine\\Root."""
    del settings, context
    root = fact(facts, "cert_root")
    if _find(root, DIGICERT_GLOBAL_ROOT_G2) is None:
        return FAIL, (f"DigiCert Global Root G2 ({DIGICERT_GLOBAL_ROOT_G2}) is not in LocalMachine\\Root "
                      f"({len(root)} certificate(s) there)")
    return PASS, f"DigiCert Global Root G2 ({DIGICERT_GLOBAL_ROOT_G2}) is in LocalMachine\\Root"


def _my_certificate(facts: dict, settings: dict, name: str, meaning: str):
    """``(thumbprint, certificate or None, unknown evidence or None)`` for the certificate a setting names."""
    certificates = fact(facts, "cert_my")["certificates"]
    expected = settings.get(name)
    if expected is None:
        return None, None, f"LocalMachine\\My holds {len(certificates)} certificate(s); " + _unset(name, meaning)
    return expected, _find(certificates, expected), None


# SHIR files and runtimes ------------------------------------------------------------------------------------
# products.md "Registry fixes": .NET Framework 4.7.2 is Release 461808 (461814 on other OS builds); SHIR 5.x needs it.
DOTNET_472_RELEASE = 461808
DOTNET_INSTALLER = ("the .NET Framework 4.7.2 or later offline installer from Microsoft "
                    "(https://dotnet.microsoft.com/download/dotnet-framework; 4.8 is current)")
VCRUNTIME_INSTALLER = ("the Microsoft Visual C++ Redistributable for Visual Studio 2015-2022 (x64), "
                       "vc_redist.x64.exe from https://aka.ms/vs/17/release/vc_redist.x64.exe")


def _shir_install(facts: dict) -> dict:
    install = fact(facts, "shir_install")
    if install is None:
        raise Unknown("no self-hosted IR install was found: no DiacmdPath under HKLM\\SOFTWARE\\Microsoft\\DataTransfer\\"
                      "DataManagementGateway\\ConfigurationManager and no C:\\Program Files\\Microsoft Integration "
                      "Runtime\\5.0|4.0|3.0\\Shared folder")
    return install


@unknown_when_missing
def shir_dotnet_for_version_5(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """Self-hosted IR 5.x needs .NET Framework 4.7.2 or later (Release >= 461808); 4.x does not."""
    del settings, context
    install = _shir_install(facts)
    dotnet = fact(facts, "dotnet")
    release, version = dotnet.get("release"), dotnet.get("version")
    if release is not None:
        seen = f".NET Framework Release {release}" + (f" (Version {version})" if version else "")
    else:
        seen = "no .NET Framework 4.5+ Release value under HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full"
    where = f"the self-hosted IR in {install['folder']}"
    if install.get("major") is None:
        return UNKNOWN, f"the version of {where} could not be told from its folder name; {seen}"
    if install["major"] < 5:
        return PASS, (f"{where} is {install['version']} (4.x and older need no .NET 4.7.2; the upgrade to 5.x does: "
                      f"Release {DOTNET_472_RELEASE} or later); {seen}")
    if release is None or release < DOTNET_472_RELEASE:
        return FAIL, (f"{where} is {install['version']}, which needs .NET Framework 4.7.2 or later (Release >= "
                      f"{DOTNET_472_RELEASE}); {seen}: install {DOTNET_INSTALLER}, then restart the node")
    return PASS, f"{where} is {install['version']}; {seen} >= {DOTNET_472_RELEASE} (4.7.2)"


@unknown_when_missing
def shir_valuetuple_in_gateway(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """System.ValueTuple.dll is in the install folder's Gateway (the documented fix copies it from Gateway\\DataScan)."""
    del settings, context
    install = _shir_install(facts)
    gateway = f"{install['folder']}\\Gateway"
    found = install.get("valuetuple") or {}
    if found.get("gateway") is None:
        return UNKNOWN, (f"whether {gateway}\\System.ValueTuple.dll exists was not read ({install['folder']} is not a "
                         "documented install folder)")
    if found["gateway"]:
        return PASS, f"{gateway}\\System.ValueTuple.dll exists"
    source = (f"copy it from {gateway}\\DataScan, where it is" if found.get("datascan")
              else f"{gateway}\\DataScan\\System.ValueTuple.dll is missing too: repair or reinstall the self-hosted IR")
    return FAIL, f"{gateway}\\System.ValueTuple.dll is missing: {source} (the documented fix copies it from DataScan to Gateway)"


@unknown_when_missing
def azuressis_shir_vcruntime(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """The Visual C++ runtime is installed on the self-hosted IR that proxies for the Azure-SSIS IR: the x64
    runtime in either registry view (the self-hosted IR is 64-bit; that its SSIS executor needs x64 is ASSUMED)."""
    del settings, context
    runtime = fact(facts, "vcruntime")
    seen = "; ".join(f"{arch}: " + (f"{runtime[arch]['version']} ({runtime[arch]['key']})" if runtime[arch]["present"]
                                    else "not installed in either registry view")
                     for arch in ("x64", "x86"))
    if not runtime["x64"]["present"]:
        return FAIL, (f"the Visual C++ 2015-2022 runtime (x64) is not installed ({seen}): install {VCRUNTIME_INSTALLER}")
    return PASS, f"the Visual C++ runtime is installed: {seen}"


@unknown_when_missing
def shir_configurations_file(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """The node's Configurations file exists in %programdata%\\Microsoft\\DataTransfer\\DataManagementGateway."""
    del settings, context
    found = fact(facts, "shir_configurations")
    if found["present"]:
        return PASS, f"the Configurations file exists: {found['path']}"
    return FAIL, ("the Configurations file is missing (" + " and ".join(found["checked"]) + " do not exist): find who "
                  "deleted it (the article points to Netwrix's \"Detect who deleted a file\"), then register the node "
                  "again with an authentication key from Azure Data Factory")
# end of SHIR files and runtimes -----------------------------------------------------------------------------


# SHIR service account: DIAHostService runs, and its logon account holds "Log on as a service" and read/write on
# the data folder (the SHIR article's "Integration runtime registration error"; products.md).
SHIR_SERVICE = "DIAHostService"
SHIR_DATA_FOLDER = "%ProgramData%\\Microsoft\\DataTransfer\\DataManagementGateway"
_SWITCH = ('switch the account with dmgcmd.exe -SwitchServiceAccount "<account>" "<password>" from the Microsoft '
           'Integration Runtime\\<version>\\Shared folder (for LocalSystem: "NT Authority\\System" "", never '
           '"LocalSystem"), which grants both')
# "NT SERVICE\\ALL SERVICES": holding a right through it covers every virtual service account (ASSUMED: the
# default SeServiceLogonRight holder of recent Windows Server; a service logon's token carries it).
ALL_SERVICES_SID = "S-1-5-80-0"
# Rights read/write needs on the folder: full control or modify, or read and write together (icacls.md).
_READ_WRITE = ({"F"}, {"M"})


def _shir_service(facts: dict) -> dict:
    service = fact(facts, "shir_service")
    if service is None:
        raise Unknown(f"{SHIR_SERVICE} is not installed")
    return service


@unknown_when_missing
def shir_service_running(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """The Integration Runtime Service (DIAHostService) is installed and running."""
    del settings, context
    service = fact(facts, "shir_service")
    if service is None:
        return FAIL, (f"the Integration Runtime Service ({SHIR_SERVICE}) is not installed: install the self-hosted "
                      "integration runtime and register it")
    seen = f"{SHIR_SERVICE} is {service['state']}, starts {service['start_type']}, runs as {service['account']}"
    if service["state"] != "running":
        return FAIL, (seen + f": start it (irops.remediation.service name={SHIR_SERVICE} state=started); if it fails "
                      "to start (1069, a logon failure), its account needs the Log on as a service right")
    return PASS, seen


def _holds_right(account: str, right: str, label: str, facts: dict, verdict: _Verdict, fix: str) -> None:
    """Whether the account holds a user right of the local policy (secedit /export): by SID for the accounts whose
    SID is known here, by name otherwise; NT SERVICE\\ALL SERVICES covers every virtual service account."""
    rights = fact(facts, "user_rights")["rights"]
    holders = _secedit.holders(rights, right)
    principal = _icacls.resolve(account, what=f"the account of {right}")
    sids = {sid for sid in (_secedit.sid_of(holder) for holder in holders) if sid}
    names = [holder for holder in holders if _secedit.sid_of(holder) is None]
    shown = ", ".join(holders) or "no account"
    if principal.sid:  # compared by SID (well-known accounts, NT SERVICE\\<service>, a SID), names resolved
        held = principal.sid in sids or any(principal.matches(name) for name in names)
        held = held or (principal.sid.startswith("S-1-5-80-") and ALL_SERVICES_SID in sids)
    else:  # a domain or local account: its SID is not known on the controller, compared by name
        held = any(principal.matches(name) for name in names)
        unmapped = sorted(sid for sid in sids if sid.startswith("S-1-5-21-"))
        if not held and unmapped:
            raise Unknown(f"secedit lists {right} for {', '.join('*' + s for s in unmapped)}; whether one of them is "
                          f"{account} cannot be told here (compare with whoami /user as that account)")
    if held:
        verdict.seen.append(f"{account} holds {label} ({right}: {shown})")
    else:
        verdict.problems.append(f"{account} does not hold {label} ({right} is held by {shown}; group membership "
                                f"not evaluated): {fix}")


def _holds_logon_right(account: str, facts: dict, verdict: _Verdict) -> None:
    _holds_right(account, _secedit.SERVICE_LOGON_RIGHT, "Log on as a service", facts, verdict,
                 f"grant it (irops.remediation.user_right), or {_SWITCH}")


def _has_read_write(account: str, facts: dict, verdict: _Verdict) -> None:
    folder = fact(facts, "shir_data_folder_acl")
    if folder is None:
        raise Unknown(f"{SHIR_DATA_FOLDER} does not exist (the self-hosted IR creates it when it is installed)")
    principal = _icacls.resolve(account, what=f"the {SHIR_SERVICE} logon account")
    aces = [ace for ace in _icacls.parse_acl_from(folder["acl"]) if principal.matches(ace.account)
            and not ace.inherit_only]
    strange = [ace.text for ace in aces if ace.unknown]
    if strange:
        raise Unknown(f"icacls printed rights this module does not know for {account} on {folder['path']}: "
                      f"{', '.join(strange)}")
    denied = [ace.text for ace in aces if ace.deny and ace.right_set & {"F", "M", "W", "R", "RX"}]
    allowed = set().union(*(ace.right_set for ace in aces if not ace.deny)) if aces else set()
    ok = any(need <= allowed for need in _READ_WRITE) or (allowed & {"R", "RX"} and "W" in allowed)
    if ok and not denied:
        verdict.seen.append(f"{account} has read/write on {folder['path']} ("
                            + ", ".join(ace.text for ace in aces) + ")")
        return
    held = ", ".join(ace.text for ace in aces) or "no entry"
    verdict.problems.append(f"{account} lacks read/write on {folder['path']} ({held}): grant it Modify "
                            f"(icacls \"{folder['path']}\" /grant <account>:(OI)(CI)(M)), or {_SWITCH}")


@unknown_when_missing
def shir_service_account(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """DIAHostService's logon account holds Log on as a service (secedit /export) and read/write (Modify or Full
    control) on %ProgramData%\\Microsoft\\DataTransfer\\DataManagementGateway (icacls)."""
    del settings, context
    account = _shir_service(facts)["account"]
    try:
        _icacls.resolve(account, what=f"the {SHIR_SERVICE} logon account")
    except InvalidValue as exc:
        return UNKNOWN, f"sc.exe qc {SHIR_SERVICE} names a logon account this module cannot read: {exc}"
    verdict = _Verdict()
    with verdict.part():
        _holds_logon_right(account, facts, verdict)
    with verdict.part():
        _has_read_write(account, facts, verdict)
    return verdict.result()


# The Azure-SSIS IR article, "Failed to start Named pipe proxy": "check if security policies are correctly assigned
# to the account running self-hosted IR service" (and to the Windows account of the activity). The policies are named
# by the article it links, "Configure a self-hosted IR as a proxy for an Azure-SSIS IR", section "Enable Windows
# authentication for on-premises tasks" (MicrosoftDocs/azure-docs, articles/data-factory/
# self-hosted-integration-runtime-proxy-ssis.md): "Adjust memory quotas for a process" and "Replace a process level
# token" for the self-hosted IR service account ("This should occur automatically when you install your self-hosted
# IR with the default service account"), and "Log on as a service" for the Windows authentication account.
PROXY_SERVICE_RIGHTS = {"SeIncreaseQuotaPrivilege": "Adjust memory quotas for a process",
                        "SeAssignPrimaryTokenPrivilege": "Replace a process level token"}


@unknown_when_missing
def azuressis_proxy_security_policies(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """The account running DIAHostService holds the two policies the proxy's on-premises tasks need, and the
    Windows authentication account the operator names (settings.azuressis_windows_auth_account) holds Log on as a
    service."""
    del context
    account = _shir_service(facts)["account"]
    try:
        _icacls.resolve(account, what=f"the {SHIR_SERVICE} logon account")
    except InvalidValue as exc:
        return UNKNOWN, f"sc.exe qc {SHIR_SERVICE} names a logon account this module cannot read: {exc}"
    verdict = _Verdict()
    for right, label in PROXY_SERVICE_RIGHTS.items():
        with verdict.part():
            _holds_right(account, right, label, facts, verdict,
                         f"assign it to the self-hosted IR service account (irops.remediation.user_right name={right})")
    windows = settings.get("azuressis_windows_auth_account")
    if windows:
        with verdict.part():
            _holds_right(windows, _secedit.SERVICE_LOGON_RIGHT, "Log on as a service", facts, verdict,
                         "assign it to the Windows authentication account of the activity (irops.remediation.user_right)")
    else:
        verdict.seen.append("no Windows authentication account named (settings.azuressis_windows_auth_account), so "
                            "its Log on as a service right was not checked")
    return verdict.result()


@unknown_when_missing
def shir_cloud_service_reachable(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """The node resolves and reaches the service URL of its data factory's region (the SHIR article, "Self-hosted
    integration runtime can't connect to the cloud service"); DIAHostService's state is reported, and fails only
    its own entry (azuressis-shir-offline-2010)."""
    del context
    reach = fact(facts, "shir_cloud_reach")
    service = (facts or {}).get("shir_service")
    state = (f"{SHIR_SERVICE} is {service['state']}" if service else f"{SHIR_SERVICE} is not installed")
    if reach is None:
        meaning = "the service URL of the data factory's region, from Integration runtimes > Edit > Nodes > View Service URLs"
        return UNKNOWN, f"{state}; " + _unset("shir_service_url", meaning)
    target = f"{reach['host']}:{reach['port']}"
    if not reach["resolved"]:
        error = f" ({reach['error']})" if reach["error"] else ""
        return FAIL, (f"{reach['host']} does not resolve on this node{error}"
                      + f": a DNS issue for the network team (the article's \"Remote name could not be resolved\"); "
                      f"{state}")
    if not reach["reachable"]:
        return FAIL, (f"{reach['host']} resolves to {', '.join(reach['addresses'])} but TCP {target} does not answer "
                      "from this node: a firewall rule or a proxy blocks it (check the company network settings and, "
                      f"with a proxy, that it reaches the service endpoint); {state}")
    return PASS, f"{target} resolves to {', '.join(reach['addresses'])} and answers from this node; {state}"


_SHIR_MY = {SHIR: ("cert_my", "system")}


@unknown_when_missing
def shir_localhost_resolves(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """Registration resolves localhost (the SHIR article, "Unable to register the self-hosted IR because of
    localhost"); the documented fix maps localhost to 127.0.0.1 in the hosts file."""
    del settings, context
    found = fact(facts, "localhost_resolution")
    loopback = [a for a in found["addresses"] if a in ("127.0.0.1", "::1")]
    if loopback:
        return PASS, "localhost resolves to " + ", ".join(found["addresses"])
    if found["addresses"]:
        return FAIL, (f"localhost resolves to {', '.join(found['addresses'])}, not to the loopback address: map "
                      "localhost to 127.0.0.1 in the hosts file (irops.remediation.hosts_entry)")
    return FAIL, (f"localhost does not resolve on this node ({found['error']}): map localhost to 127.0.0.1 in the "
                  "hosts file (irops.remediation.hosts_entry)")


# OLE DB providers a package needs (the Azure-SSIS IR article, staging task error 2906 "The requested OLE DB provider
# ... is not registered. If the 64-bit driver is not installed, run the package in 32-bit mode"): the ProgIDs the
# operator names, registered in the 64-bit view (packages run 64-bit by default) and the 32-bit view (32-bit mode).
@unknown_when_missing
def azuressis_oledb_provider_registered(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """Each OLE DB provider of settings.azuressis_oledb_providers is registered in both registry views."""
    del context
    named = settings.get("azuressis_oledb_providers") or []
    if not named:
        return UNKNOWN, ("no OLE DB provider is named: give settings.azuressis_oledb_providers, the providers of the "
                         "packages' OLE DB connection managers (Provider= of their connection strings), such as "
                         "[MSOLEDBSQL, Microsoft.ACE.OLEDB.16.0]")
    found = fact(facts, "oledb_providers")
    if [p.lower() for p in found.get("named") or ()] != [p.lower() for p in named]:
        raise Unknown("oledb_providers was read for " + (", ".join(found.get("named") or ()) or "no provider")
                      + f", not for settings.azuressis_oledb_providers ({', '.join(named)}): gather the facts again "
                      "with the same settings")
    verdict = _Verdict()
    for progid in named:
        provider = found["providers"][progid]
        views = provider["views"]
        missing = [view for view, _switch in _oledb.VIEWS if not views[view]["registered"]]
        present = [f"{view} ({views[view]['dll'] or 'no DLL named'})" for view, _switch in _oledb.VIEWS
                   if views[view]["registered"]]
        if not missing:
            verdict.seen.append(f"{progid} {provider['clsid']} is registered in the " + " and ".join(present))
            continue
        where = ("is not registered (no HKLM\\SOFTWARE\\Classes\\" + progid + "\\CLSID)" if provider["clsid"] is None
                 else f"{provider['clsid']} is not registered in the {' and '.join(missing)} registry view"
                 + ("s" if len(missing) > 1 else "") + (f" (registered in the {' and '.join(present)})" if present else ""))
        package = _oledb.installer(progid)
        fix = (f"install {package}" if package else
               "install the provider's 64-bit redistributable (and its 32-bit one when packages run in 32-bit mode) "
               "from its vendor")
        verdict.problems.append(f"{progid} {where}: {fix}, then run the package again")
    return verdict.result()


# Facts reported on entries that stay manual (the catalog's ``report:``): name -> (needs, render). A report is one
# line appended to a not_checked finding's evidence; it never decides a status.
def _resources_report(facts: dict) -> str:
    found = fact(facts, "system_resources")
    install = (facts or {}).get("shir_install")
    line = "node resources: " + _sysres.describe(found, install.get("folder") if isinstance(install, dict) else None)
    return line + ("; the concurrent jobs limit is a setting of the node in Azure Data Factory (concurrentJobsLimit, "
                   "Integration runtime > Nodes), not kept on the node: compare it with these cores and memory there")


@dataclass(frozen=True)
class Report:
    func: Callable[[dict], str]
    needs: dict = field(default_factory=dict)

    def subsets(self, roles) -> tuple:
        return tuple(dict.fromkeys(subset for role in roles for subset in self.needs.get(role, ())))


REPORTS: dict[str, Report] = {
    "system_resources": Report(_resources_report, needs={SHIR: ("system_resources", "shir_install")}),
}


def report_line(names, facts: dict) -> str:
    """The reports named, each as one line ("; "-joined); a report whose facts are missing says why instead."""
    lines = []
    for name in names or ():
        try:
            lines.append(REPORTS[name].func(facts))
        except Unknown as exc:
            lines.append(f"{name}: {exc}")
    return "; ".join(lines)


# SHIR high availability -------------------------------------------------------------------------------------
# The SHIR article, "Self-hosted integration runtime node/logical self-hosted IR is in Inactive/"Running (Limited)"
# state": "This behavior occurs when nodes can't communicate with each other": TCP 8060 refused (10061), or "No DNS
# entries exist for host" (fix: the same domain, or "the IP to host mapping in all the hosted VM's host files").
_HA_FIX_NAME = ("put the nodes in the same domain, or map the name in this node's hosts file to the address you give "
                "(shir_node_peer_addresses {{{name}: <address>}} of roles/shir_node, tasks/ha.yml; "
                "irops.remediation.hosts_entry)")
_HA_FIX_RULE = ("add an inbound rule allowing TCP {port} (roles/shir_node tasks/ha.yml; irops.remediation."
                "firewall_rule name='Integration Runtime HA 8060' port={port})")


def _ha_peer_of(entry: dict, context: dict | None) -> dict | None:
    """The play's host (with its facts) that a probed peer is: by inventory name, else by the names it answers to."""
    for peer in _context(context).get("peers", ()):
        if _is_self(peer, context):
            continue
        if (entry.get("host") and peer.get("host") == entry["host"]) or _host_matches(entry.get("name"), peer):
            return peer
    return None


def _ha_peer_side(entry: dict, context: dict | None, port: int) -> str:
    """What the peer's own facts say about why it does not answer on the port."""
    peer = _ha_peer_of(entry, context)
    reach = ((peer or {}).get("facts") or {}).get("shir_ha_reach") if peer else None
    if not reach:
        return (f"its own facts are not in this play, so whether its inbound rule allows TCP {port} is not known "
                "here (diagnose it too)")
    said = []
    rules = reach.get("inbound") or {}
    if rules.get("error"):
        said.append(f"its inbound rules could not be read ({rules['error'][:120]})")
    elif rules.get("blocked_by"):
        said.append(f"its inbound rule(s) {', '.join(rules['blocked_by'])} block TCP {port}")
    elif not rules.get("allowed_by"):
        said.append(f"{peer['host']} has no enabled inbound rule allowing TCP {port}: the fix is on {peer['host']} "
                    "(its own finding)")
    if reach.get("listening") is False:
        said.append(f"nothing answers on 127.0.0.1:{port} on {peer['host']} itself (its Integration Runtime Service "
                    "is stopped, or remote access is off or on another port)")
    return "; ".join(said) or (f"{peer['host']} listens and allows TCP {port}: the network between the nodes blocks "
                               "it (ask the network team; telnet <address> 8060 shows it)")


def _ha_own_rule(reach: dict, port: int, verdict: _Verdict) -> None:
    rules = reach.get("inbound") or {}
    if rules.get("error"):
        raise Unknown(f"this node's inbound firewall rules could not be read: {rules['error']}")
    if rules.get("blocked_by"):
        verdict.problems.append(f"the inbound rule(s) {', '.join(rules['blocked_by'])} block TCP {port} on this node: "
                                "the other nodes cannot connect to it; remove or narrow them")
    if not rules.get("allowed_by"):
        verdict.problems.append(f"no enabled inbound firewall rule allows TCP {port} on this node: the other nodes "
                                "cannot connect to it (TCP error code 10061 in their logs); "
                                + _HA_FIX_RULE.format(port=port))
    else:
        verdict.seen.append(f"the inbound rule {rules['allowed_by'][0]} allows TCP {port} on this node")


@unknown_when_missing
def shir_ha_nodes_reachable(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """Every other node of a high-availability self-hosted IR resolves on this node and answers on TCP 8060 from
    it, and this node has an enabled inbound rule allowing TCP 8060 (the SHIR article's "Inactive/Running
    (Limited)": "nodes can't communicate with each other")."""
    port = settings.get("shir_remote_access_port", _ha.HA_PORT)
    reach = fact(facts, "shir_ha_reach")
    if port != _ha.HA_PORT:
        return UNKNOWN, (f"settings.shir_remote_access_port is {port}: the nodes talk on that port, and this check "
                         f"probes only TCP {_ha.HA_PORT}, the port the article and products.md name; probe {port} "
                         "with irops.remediation.tcp_probe from each node")
    me = names_of({"host": _context(context).get("host"), "facts": facts})
    peers = [entry for entry in reach.get("peers") or ()
             if not (entry.get("name") and entry["name"].lower().rstrip(".") in me)]
    if not peers:
        outside = reach.get("outside_play") or []
        if outside:
            return UNKNOWN, (f"{', '.join(outside)} (shir_node) are in the inventory but not in this play: run the "
                             f"play with every high-availability node, or give settings.{_ha.SETTING}")
        return NOT_APPLICABLE, ("no other node of this self-hosted IR is named (settings." + _ha.SETTING + ") or in "
                                "the play with the role shir_node: a single-node IR has no node to communicate with, "
                                "and the article's cause is that \"nodes can't communicate with each other\"; if "
                                "the IR has other nodes, name them in settings." + _ha.SETTING)
    verdict = _Verdict()
    with verdict.part():
        _ha_own_rule(reach, port, verdict)
    if reach.get("listening") is False:
        service = (facts or {}).get("shir_service")
        if service and service.get("state") != "running":  # a stopped node cannot talk to the others: it is Inactive
            verdict.problems.append(f"nothing answers on 127.0.0.1:{port} on this node: {SHIR_SERVICE} is "
                                    f"{service['state']}, so the other nodes cannot reach it (start it: "
                                    "azuressis-shir-offline-2010's fix)")
        else:
            verdict.unknowns.append(f"nothing answers on 127.0.0.1:{port} on this node itself: remote access from "
                                    "intranet is off or uses another port (dmgcmd -EnableRemoteAccess "
                                    f"{port} <thumbprint>; give settings.shir_remote_access_port)")
    for entry in peers:
        name = entry.get("name")
        if not name:
            verdict.unknowns.append(f"{entry.get('host')} was not probed: {entry.get('error')}; give settings."
                                    + _ha.SETTING)
        elif not entry.get("resolved"):
            verdict.problems.append(f"the HA node {name} does not resolve on this node ({entry.get('error')}): "
                                    + _HA_FIX_NAME.format(name=name))
        elif not entry.get("reachable"):
            addresses = ", ".join(entry.get("addresses") or ())
            verdict.problems.append(f"the HA node {name} ({addresses}) does not answer on TCP {port} from this node: "
                                    + _ha_peer_side(entry, context, port))
        else:
            verdict.seen.append(f"{name} ({', '.join(entry.get('addresses') or ())}) answers on TCP {port}")
    return verdict.result()
# end of SHIR high availability --------------------------------------------------------------------------------


# SHIR certificates -------------------------------------------------------------------------------------------
_CHAIN_FIX = ("let the node reach the certificate's AIA and CDP/OCSP URLs over HTTP or LDAP (the network team), or "
              "import the missing issuing CA into LocalMachine\\CA and its root into LocalMachine\\Root")


@unknown_when_missing
def shir_ha_certificate_chain(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """The remote-access (HA) certificate's chain is built and its revocation checked on this node: the SHIR
    article's Certutil -verify -urlfetch. A revocation server that was offline (CRYPT_E_REVOCATION_OFFLINE,
    the article's error) is reported apart from a chain that cannot be built."""
    del context
    thumbprint, cert, verdict = _shir_certificate(facts, settings)
    if verdict:
        return verdict
    chain = fact(facts, "shir_cert_chain")
    if chain is None:
        raise Unknown(f"certutil -verify -urlfetch did not run on {thumbprint}")
    code = f"{chain['error']} {chain['error_name'] or ''}".strip() if chain["error"] else None
    flags = f" ({', '.join(chain['trust_errors'])})" if chain["trust_errors"] else ""
    leftover = (f"; the temporary copy could not be removed ({chain['leftover']}): the certificate module's next run "
                "removes it" if chain.get("leftover") else "")
    status = chain["status"]
    if status == "valid":
        checked = "revocation checked" if chain["revocation"] == "checked" else "self-signed, no revocation to check"
        return PASS, f"certutil -verify -urlfetch built the chain of {thumbprint} ({checked}){leftover}"
    if status == "chain_error":
        return FAIL, (f"the chain of {thumbprint} ({cert['subject']}) cannot be built on this node: "
                      f"{code or 'no error code printed'}{flags}: {_CHAIN_FIX}{leftover}")
    if status == "revocation_offline":
        return FAIL, (f"revocation offline: the chain of {thumbprint} was built, but its revocation could not be checked "
                      f"because the revocation server was offline ({code or 'CRYPT_E_REVOCATION_OFFLINE'}){flags}; "
                      f"let the node reach the CDP/OCSP URLs (the network team){leftover}")
    if status == "revoked":
        return FAIL, f"the certificate {thumbprint} is REVOKED ({code or 'CRYPT_E_REVOKED'}): replace it{leftover}"
    if status == "revocation_not_checked":
        return FAIL, (f"the chain of {thumbprint} was built, but its revocation was not checked "
                      f"({code or 'CRYPT_E_NO_REVOCATION_CHECK'}){flags}: the certificate names no CDP/OCSP URL "
                      f"the node can use{leftover}")
    return UNKNOWN, f"certutil -verify -urlfetch on {thumbprint} did not say whether revocation was checked{flags}{leftover}"
# end of SHIR certificates ------------------------------------------------------------------------------------


CHECKS: dict[str, Check] = {
    "scaleout_master_sql_server": Check(scaleout_master_sql_server, needs={
        MASTER: ("scaleout_master_settings", "system"), SSISDB_SQL: ("ssisdb", "system")}),
    "scaleout_worker_registered": Check(scaleout_worker_registered, needs={
        WORKER: ("services", "scaleout_worker_settings", "system", "scaleout_logs"), SSISDB_SQL: ("ssisdb",)}),
    "scaleout_master_endpoint": Check(scaleout_master_endpoint, needs={
        MASTER: ("scaleout_master_settings", "services", "firewall_inbound", "system"),
        WORKER: ("scaleout_worker_settings", "scaleout_master_reach", "system")}),
    "scaleout_worker_trusts_master": Check(scaleout_worker_trusts_master, needs={
        WORKER: ("cert_root", "scaleout_worker_settings", "scaleout_master_cert", "system"),
        MASTER: ("scaleout_master_settings", "http_sslcert", "system")}),
    "scaleout_worker_key_access": Check(scaleout_worker_key_access, needs={
        WORKER: ("cert_my", "cert_my_key_acl", "scaleout_worker_settings", "services")}),
    "scaleout_master_trusts_workers": Check(scaleout_master_trusts_workers, needs={
        MASTER: ("cert_root", "schannel"), WORKER: ("scaleout_worker_settings",)}),
    "scaleout_master_sslcert_binding": Check(scaleout_master_sslcert_binding, needs={
        MASTER: ("http_sslcert", "scaleout_master_settings")}),
    "scaleout_worker_remote_registry": Check(scaleout_worker_remote_registry, needs={WORKER: ("services",)}),
    "scaleout_workers_available": Check(scaleout_workers_available, needs={SSISDB_SQL: ("ssisdb",)}),
    "scaleout_sql_authentication": Check(scaleout_sql_authentication, needs={SSISDB_SQL: ("ssisdb",)}),
    "shir_certificate_key_exchange": Check(shir_certificate_key_exchange, needs={
        SHIR: ("cert_my", "cert_my_key_acl", "shir_service")}),
    "shir_certificate_csp": Check(shir_certificate_csp, needs=_SHIR_MY),
    "shir_remote_access_dns_identity": Check(shir_remote_access_dns_identity, needs={SHIR: ("cert_my", "system")}),
    "shir_trusts_digicert_root": Check(shir_trusts_digicert_root, needs={SHIR: ("cert_root",)}),
    "shir_ha_certificate_chain": Check(shir_ha_certificate_chain, needs={SHIR: ("cert_my", "shir_cert_chain")}),
    # SHIR files and runtimes
    "shir_dotnet_for_version_5": Check(shir_dotnet_for_version_5, needs={SHIR: ("shir_install", "dotnet")}),
    "shir_valuetuple_in_gateway": Check(shir_valuetuple_in_gateway, needs={SHIR: ("shir_install",)}),
    "azuressis_shir_vcruntime": Check(azuressis_shir_vcruntime, needs={SHIR: ("vcruntime",)}),
    "shir_configurations_file": Check(shir_configurations_file, needs={SHIR: ("shir_configurations",)}),
    "shir_service_running": Check(shir_service_running, needs={SHIR: ("shir_service",)}),
    "shir_localhost_resolves": Check(shir_localhost_resolves, needs={SHIR: ("localhost_resolution",)}),
    "shir_service_account": Check(shir_service_account, needs={
        SHIR: ("shir_service", "user_rights", "shir_data_folder_acl")}),
    "shir_cloud_service_reachable": Check(shir_cloud_service_reachable, needs={
        SHIR: ("shir_service", "shir_cloud_reach")}),
    "azuressis_proxy_security_policies": Check(azuressis_proxy_security_policies, needs={
        SHIR: ("shir_service", "user_rights")}),
    # OLE DB providers (issue 13)
    "azuressis_oledb_provider_registered": Check(azuressis_oledb_provider_registered, needs={SHIR: ("oledb_providers",)}),
    # SHIR high availability
    "shir_ha_nodes_reachable": Check(shir_ha_nodes_reachable, needs={
        SHIR: ("shir_ha_reach", "system", "shir_service")}),
}


# SHIR proxy logs (logs helper, issue 13): the Azure-SSIS IR article's "Timeout when reading from staging" says to read
# the self-hosted IR's logs in C:\ProgramData\SSISTelemetry and its ExecutionLog; the check reads their newest files.
STAGING_READ_TIMEOUT = "azuressis-staging-read-timeout"
_PROXY_PRODUCTS = ("azure-ssis-ir", "shir")


def _explained(lines: list[str]) -> list[dict]:
    from ansible_collections.irops.remediation.plugins.plugin_utils import _explain  # pylint: disable=import-outside-toplevel

    return _explain.explain(lines, products=list(_PROXY_PRODUCTS), min_score=0.5) if lines else []


@unknown_when_missing
def azuressis_staging_read_timeout(facts: dict, settings: dict, context: dict | None = None) -> tuple:
    """Timeout when reading from staging: the newest error lines of the self-hosted IR's Azure-SSIS IR proxy logs
    (the newest file of C:\\ProgramData\\SSISTelemetry and of its ExecutionLog) match none of the entry's
    signatures, as the explain filter matches them; the other documented entries they match are named."""
    del settings, context
    folders = fact(facts, "shir_log_files")["folders"]
    present = [folder for folder in folders if folder["exists"]]
    absent = [folder["path"] for folder in folders if not folder["exists"]]
    # The self-hosted IR writes these logs when it runs on-premises staging tasks: without them no staging task ran
    # here, so none timed out here (a pass that says why, not an unknown on every node that is not a proxy).
    if not present:
        return PASS, (f"{' and '.join(absent)} do not exist: no on-premises staging task has run on this node (it does "
                      "not proxy for the Azure-SSIS IR, or no package has run through it yet), so none timed out here")
    files = [folder["newest"] for folder in present if folder["newest"]]
    seen = [f"{path} does not exist" for path in absent]
    if not files:
        return PASS, "; ".join([f"{', '.join(folder['path'] for folder in present)} hold(s) no log file: no staging "
                                "task is logged here (none has run, or its logs were removed)"] + seen)
    errors = fact(facts, "shir_logs")["errors"]
    problems, others = [], {}
    for path in files:
        lines = [item["line"] for item in errors if item.get("file") == path]
        for found in _explained(lines):
            if found["id"] == STAGING_READ_TIMEOUT:
                problems.append(f"the newest errors of {path} hold \"{found['matched_text']}\": the self-hosted IR "
                                "failed to upload the on-premises data to the staging blob; the lines before it say why "
                                "(irops.remediation.recent_logs node_roles [shir_node], playbooks/triage.yml)")
            else:
                others.setdefault(found["id"], found["runbook"])
    count = f"{len(errors)} error line(s) in the newest log file(s) {', '.join(files)}"
    seen.insert(0, count if problems else count + ', none of them "Timeout when reading from staging"')
    if others:
        seen.append("they match " + ", ".join(f"{entry} ({runbook})" for entry, runbook in others.items()))
    if problems:
        return FAIL, "; ".join(problems + seen)
    return PASS, "; ".join(seen)


CHECKS["azuressis_staging_read_timeout"] = Check(azuressis_staging_read_timeout, needs={
    SHIR: ("shir_log_files", "shir_logs")})
# end of SHIR proxy logs


def subsets_for(roles, checks=None, reports=None) -> list:
    """The fact subsets a node of these roles gathers for the checks and the reports (every check and report by
    default): for the checks that run on it and for those of other nodes that read it as a peer."""
    chosen = list(CHECKS.values() if checks is None else [CHECKS[name] for name in checks])
    chosen += REPORTS.values() if checks is None and reports is None else [REPORTS[name] for name in reports or ()]
    return list(dict.fromkeys(subset for check in chosen for subset in check.subsets(roles)))
