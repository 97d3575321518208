"""The Scale Out Worker's heartbeat: the one place where a node of the fabric changes another's SSISDB.

A Scale Out Worker service reports to its master every ``AgentHeartbeatInterval`` of its
WorkerSettings.config (default 00:01:00, products.md), and the master records the time in SSISDB,
``catalog.worker_agents.LastOnlineTime``; a worker the master does not know registers on its first
heartbeat with ``IsEnabled`` 0 (products.md "SSIS Scale Out"). How the master writes it is not
documented: ASSUMED here, the time written is the clock of the node hosting SSISDB ("now" of the
server, which the online rule compares with), as ``yyyy-mm-dd hh:mm:ss.000``.

When a heartbeat succeeds (:func:`why_not` returns None). A worker node W (a node of the same simulator
fabric) with a WorkerSettings.config of version v (140/150/160) and its service ``SSISScaleOutWorker<v>``
running or starting, and:
1. the MasterEndpoint ``https://host:port`` resolves on W (``Fabric.resolve``: hosts file, own name, DNS)
   to a simulated node M, and W reaches M on that port (M listens, the listener's service runs, M's
   firewall admits it: ``Fabric.reachable``);
2. M has a MasterSettings.config whose PortNumber is that port and its ``SSISScaleOutMaster<v>`` runs;
3. M binds the port in http.sys (``0.0.0.0:port`` or ``<address>:port``) to a certificate of its stores
   ("HTTP request error" otherwise);
4. that certificate is in W's LocalMachine\\Root ("Could not establish trust relationship", fix 1), the
   endpoint host is one of its DNS names or common names (fix 2), and W's MasterHttpsCertThumbprint names
   it (fix 3);
5. W's WorkerHttpsCertThumbprint names a certificate of W's LocalMachine\\My with a private key whose file
   the worker service account (``NT SERVICE\\SSISScaleOutWorker<v>``, or the service's account) may read
   ("Could not establish secure channel");
6. that certificate is in M's LocalMachine\\Root, and M's Schannel does not send the trusted issuer list
   (SendTrustedIssuerList 1) ("HTTP request forbidden", fixes 1 and 3);
7. M's MasterSettings SqlServerName (``host[\\instance][,port]``) resolves on M to a simulated node S (M
   itself included) with that SQL Server instance running and holding SSISDB.
Then S's SSISDB gets W's row (``MachineName`` = W's host name) with ``LastOnlineTime`` = now.

When it is written:
- when a worker service starts (:func:`after_command`, called once per WinRM command by winrs.py: a
  worker service that was stopped before the command and runs or starts after it). The write goes to
  S's committed state under S's lock, after W's command committed (one node lock held at a time);
- when SSISDB is read on S (:func:`on_catalog_read`, called by sqlcmd before it runs a query), for every
  worker that runs since a start the simulator saw (the service's ``started_at``): ``LastOnlineTime`` =
  the last heartbeat, ``started_at`` + k x AgentHeartbeatInterval, no later than S's now.
A worker a scenario loads as running has no ``started_at``: the scenario's LastOnlineTime is its last
heartbeat, and it heartbeats again only once restarted. So a scenario can describe a worker that runs
but stopped heartbeating (``scaleout_worker_offline``); the articles' fixes end with "restart the Scale
Out Worker service", which is what brings it back here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

from winsim import security

VERSIONS = (140, 150, 160)
SETTINGS = "C:\\Program Files\\Microsoft SQL Server\\{}\\DTS\\Binn\\{}Settings.config"
SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
DEFAULT_INTERVAL = 60.0  # AgentHeartbeatInterval 00:01:00 (products.md)
RUNNING = ("running", "start_pending")
_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?$")
_GUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")


def _settings(state, kind: str) -> tuple[int, dict] | None:
    """(version, {lower-case key: value}) of the first Master/WorkerSettings.config, or None."""
    for version in VERSIONS:
        entry = state.fs.get(SETTINGS.format(version, kind))
        if entry is None or entry.is_dir:
            continue
        try:
            values = json.loads(entry.content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            return None
        return (version, {str(k).lower(): v for k, v in values.items()}) if isinstance(values, dict) else None
    return None


def _thumb(value) -> str:
    return re.sub(r"[^0-9a-f]", "", str(value or "").lower())


def interval_seconds(value) -> float:
    """A .NET TimeSpan text (``00:01:00``, ``1.00:00:00``) in seconds; the default when unreadable."""
    match = _TIMESPAN.match(str(value or "").strip())
    if not match:
        return DEFAULT_INTERVAL
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    return float(total) if total > 0 else DEFAULT_INTERVAL


def time_text(clock: float) -> str:
    return dt.datetime.fromtimestamp(clock, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.000")


def _node_at(fabric, source_node, source_state, address: str):
    """The simulated node serving ``address`` as seen from a node (itself for loopback and its own addresses)."""
    if address in ("127.0.0.1", "::1") or address in source_state.network.ip_addresses:
        return source_node
    for name in sorted(fabric.nodes):
        if address in fabric.nodes[name].state.network.ip_addresses:
            return fabric.nodes[name]
    return None


def _certificate(state, store: str, thumbprint: str):
    return state.find_certificate("LocalMachine", store, thumbprint) if thumbprint else None


def worker_service(state):
    """(version, settings, service) of the node's Scale Out Worker, or None when it has none."""
    found = _settings(state, "Worker")
    if found is None:
        return None
    version, values = found
    service = state.services.get(f"SSISScaleOutWorker{version}")
    return (version, values, service) if service is not None else None


def why_not(fabric, worker_state, source_node=None):
    """``(None, (sql node, instance name))`` when a heartbeat of this worker succeeds now, else
    ``(reason, None)``: the first condition of the module docstring that does not hold."""
    found = worker_service(worker_state)
    if found is None:
        return "no Scale Out Worker (settings file and service)", None
    version, values, service = found
    if service.state not in RUNNING:
        return f"{service.name} is {service.state}", None
    endpoint = str(values.get("masterendpoint") or "")
    match = re.match(r"^https?://(\[[^\]]+\]|[^:/]+)(?::(\d+))?", endpoint, re.IGNORECASE)
    if not match:
        return f"MasterEndpoint {endpoint!r} is not a URL", None
    host = match.group(1).strip("[]")
    port = int(match.group(2)) if match.group(2) else (443 if endpoint.lower().startswith("https") else 80)
    if fabric is None:
        return "no network", None
    address = fabric.resolve(worker_state, host)
    if address is None:
        return f"{host} does not resolve on the worker", None
    master_node = _node_at(fabric, source_node, worker_state, address)
    if master_node is None:
        return f"no simulated node has {address}", None
    master = master_node.state if master_node is not source_node else worker_state
    if not fabric.reachable(worker_state, address, port):
        return f"{address}:{port} is not reachable from the worker", None
    master_settings = _settings(master, "Master")
    if master_settings is None:
        return f"{master.hostname} has no MasterSettings.config", None
    master_version, master_values = master_settings
    if str(master_values.get("portnumber", 8391)).strip() != str(port):
        return f"the master listens on PortNumber {master_values.get('portnumber')}, not {port}", None
    master_service = master.services.get(f"SSISScaleOutMaster{master_version}")
    if master_service is None or master_service.state != "running":
        return f"SSISScaleOutMaster{master_version} does not run on {master.hostname}", None
    binding = master.ssl_bindings.get("ipport", f"0.0.0.0:{port}") or master.ssl_bindings.get("ipport", f"{address}:{port}")
    if binding is None:
        return f"no http.sys SSL binding for port {port} on {master.hostname}", None
    master_cert = _certificate(master, binding.certstorename or "My", binding.certhash)
    if master_cert is None:
        return f"the certificate bound to port {port} is not in {master.hostname}'s store", None
    if _certificate(worker_state, "Root", master_cert.thumbprint) is None:
        return "the master certificate is not in the worker's Root", None
    names = {n.lower() for n in master_cert.cert.dns_names + master_cert.cert.common_names}
    if host.lower() not in names:
        return f"the endpoint host {host} is not among the master certificate's names", None
    if _thumb(values.get("masterhttpscertthumbprint")) != master_cert.thumbprint:
        return "MasterHttpsCertThumbprint does not name the master certificate", None
    worker_cert = _certificate(worker_state, "My", _thumb(values.get("workerhttpscertthumbprint")))
    if worker_cert is None or worker_cert.key is None:
        return "WorkerHttpsCertThumbprint names no certificate with a key in the worker's My", None
    account_sids = {security.service_sid(service.name)}
    account_sid = worker_state.lookup_account(service.account)
    if account_sid:
        account_sids.add(account_sid)
    if worker_state.fs.get(worker_cert.key.file) is None or not security.allows(
            worker_state.fs.effective_acl(worker_cert.key.file), account_sids, "r"):
        return f"{service.account} may not read the worker certificate's key", None
    if _certificate(master, "Root", worker_cert.thumbprint) is None:
        return "the worker certificate is not in the master's Root", None
    sends = master.registry.get(SCHANNEL, "SendTrustedIssuerList")
    if sends is not None and sends.data == 1:
        return "the master's Schannel sends the trusted issuer list", None
    return _catalog(fabric, master_node, master, master_values)


def _catalog(fabric, master_node, master, master_values):
    """Where the master keeps SSISDB: the instance its SqlServerName names (``host[\\instance][,port]``)."""
    server = str(master_values.get("sqlservername") or "").strip()
    if not server:
        return "MasterSettings.config names no SqlServerName", None
    host_part, _sep, instance_name = server.partition(",")[0].partition("\\")
    instance_name = instance_name or "MSSQLSERVER"
    if host_part in (".", "(local)", "localhost") or host_part.lower() == master.hostname.lower():
        sql_node = master_node
    else:
        address = fabric.resolve(master, host_part)
        sql_node = _node_at(fabric, master_node, master, address) if address else None
        if sql_node is None:
            return f"SqlServerName {server} does not resolve to a simulated node", None
    sql = sql_node.state if sql_node is not master_node else master
    instance = next((spec for name, spec in sql.sql.get("instances", {}).items()
                     if name.lower() == instance_name.lower()), None)
    service = sql.services.get("MSSQLSERVER" if instance_name.upper() == "MSSQLSERVER" else f"MSSQL${instance_name}")
    if instance is None or service is None or service.state != "running":
        return f"SQL Server {server} does not run on {sql.hostname}", None
    if "ssisdb" not in instance:
        return f"SQL Server {server} has no SSISDB", None
    return None, (sql_node, next(n for n in sql.sql["instances"] if n.lower() == instance_name.lower()))


def record(instance: dict, worker_state, when: float) -> None:
    """Write the worker's heartbeat into an SSISDB instance document: its row's LastOnlineTime (never
    moved back), or a new row with IsEnabled 0 when the worker is not registered yet."""
    _version, values, service = worker_service(worker_state)
    agents = instance["ssisdb"]["worker_agents"]
    text = time_text(when)
    for row in agents:
        if str(row.get("MachineName", "")).lower() == worker_state.hostname.lower():
            if str(row.get("LastOnlineTime") or "") < text:
                row["LastOnlineTime"] = text
            return
    agent_id = str(values.get("agentid") or "")
    if not _GUID.match(agent_id):  # assumed: a worker without AgentId gets one derived from its name
        agent_id = str(uuid.uuid5(uuid.NAMESPACE_DNS, worker_state.hostname.lower()))
    agents.append({"WorkerAgentId": agent_id.upper(), "IsEnabled": 0,
                   "DisplayName": str(values.get("displayname") or worker_state.hostname),
                   "Description": str(values.get("description") or ""), "MachineName": worker_state.hostname,
                   "Tags": "", "UserAccount": service.account, "LastOnlineTime": text})


def _started(before, after) -> bool:
    """A worker service that runs or starts after the command and was started by it: it did not run before,
    or it was stopped and started again within the command (a restart in one script: a newer start time)."""
    found = worker_service(after)
    if found is None or found[2].state not in RUNNING:
        return False
    previous = before.services.get(found[2].name) if before is not None else None
    return previous is None or previous.state not in RUNNING or found[2].started_at > previous.started_at


def after_command(node, before) -> None:
    """Called by winrs.py after each committed WinRM command of ``node``: a worker service that started
    heartbeats now (to S's committed state, under S's lock)."""
    if node.fabric is None or not _started(before, node.state):
        return
    reason, target = why_not(node.fabric, node.state, node)
    if reason is not None:
        return
    sql_node, instance_name = target
    with sql_node.lock:
        state = sql_node.state.copy()
        record(state.sql["instances"][instance_name], node.state, state.clock)
        sql_node.state = state


def on_catalog_read(host, state, instance_name: str, instance: dict) -> None:
    """Called by sqlcmd on the SQL node before a query: every worker of the fabric that runs since a
    start the simulator saw and whose heartbeat lands in this instance gets its last heartbeat."""
    fabric = getattr(host, "fabric", None)
    if fabric is None or "ssisdb" not in instance:
        return
    this = host.node
    for name in sorted(fabric.nodes):
        other = fabric.nodes[name]
        worker_state = state if other is this else other.state
        found = worker_service(worker_state)
        if found is None or found[2].state not in RUNNING or not found[2].started_at:
            continue
        reason, target = why_not(fabric, worker_state, other)
        if reason is not None or target[0] is not this or target[1] != instance_name:
            continue
        started = found[2].started_at
        if state.clock < started:
            continue
        interval = interval_seconds(found[1].get("agentheartbeatinterval"))
        record(instance, worker_state, started + ((state.clock - started) // interval) * interval)
