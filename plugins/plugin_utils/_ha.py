# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""High availability of the self-hosted IR: which other nodes this node must reach, and reaching them.

The SHIR article, "Self-hosted integration runtime node/logical self-hosted IR is in Inactive/"Running (Limited)"
state": "This behavior occurs when nodes can't communicate with each other"; the logs show either "TCP error code
10061: No connection could be made ... [address]:8060" (the port is refused: telnet <address> 8060) or "No DNS
entries exist for host ... No such host is known" (the name does not resolve: put the nodes in the same domain, or
"Add the IP to host mapping in all the hosted VM's host files"). products.md: the nodes talk on TCP 8060
(net.tcp://<node>:8060/ExternalService.svc/...), the port ``dmgcmd -EnableRemoteAccess <port>`` sets.

The other nodes are a gather input (``_facts.Probe.inputs``), ``shir_ha_peers``, built by :func:`peers_input` in
this order:

1. ``settings.shir_ha_nodes``, the names the operator gives (validated host names), less the inventory name of this
   host; the check also drops the entry that names this node (its host name or FQDN);
2. else every other host of the play (``ansible_play_hosts_all``) whose ``irops_node_roles`` holds ``shir_node``,
   each by
   a. the name this node already probed it by in an earlier gather (the inputs recorded in its ``irops_node``), so
      that node_facts and diagnose of one play probe the same names and diagnose reuses the facts;
   b. else the name the peer reported, ``hostvars[peer].irops_node.system.fqdn`` then ``.hostname``, when its facts
      were gathered earlier in the run;
   c. else its ``inventory_hostname``.
   Hosts gather in parallel (node_facts runs on every host at once), so in the first gather of a play (b) is
   usually absent and (c) is what is probed: name the hosts in the inventory by the names the nodes reach each
   other by, or give ``settings.shir_ha_nodes``.

For each peer the node runs what irops.remediation.tcp_probe runs (``_hosts.resolve_command`` and
``_hosts.probe_command`` on port 8060), and probes 127.0.0.1:8060 (whether the Integration Runtime Service listens on
the HA port at all: ``dmgcmd -EnableRemoteAccess`` makes it listen; that it listens on the loopback address too,
WCF's default wildcard binding, is ASSUMED). No command depends on another fact: all run in the first round trip.
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _advfirewall, _hosts
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command, CommandResult

# products.md "Self-hosted integration runtime": high availability nodes talk on TCP 8060.
HA_PORT = 8060
INPUT = "shir_ha_peers"
SETTING = "shir_ha_nodes"
ROLE = "shir_node"
LOOPBACK = "127.0.0.1"
# How many peers one gather probes (two commands each): a bound on what one list can cost, not a product limit.
MAX_PEERS = 32


def validate_nodes(value, what: str = "settings." + SETTING) -> list:
    """The HA nodes' host names: a list (or a comma-separated string) of DNS host names, each once."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)):
        raise InvalidValue(what, value, "give a list of the host names of the self-hosted IR's high-availability "
                                        "nodes, such as [SHIR01.contoso.local, SHIR02.contoso.local]")
    if len(value) > MAX_PEERS:
        raise InvalidValue(what, f"{len(value)} names", f"give at most {MAX_PEERS} nodes")
    names: dict = {}
    for index, item in enumerate(value):
        name = _hosts.validate_hostname(item, f"{what}[{index}]")
        names.setdefault(name.lower(), name)
    return list(names.values())


def validate_port(value, what: str = "settings.shir_remote_access_port") -> int:
    """The remote-access port the nodes use (dmgcmd -EnableRemoteAccess <port>)."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if isinstance(value, bool) or not 1 <= number <= 65535:
        raise InvalidValue(what, value, "give the port of the self-hosted IR's remote access from intranet "
                                        f"(dmgcmd -EnableRemoteAccess <port>; {HA_PORT} by default), 1 to 65535")
    return number


def _get(variables, name: str):
    try:
        return variables.get(name) if hasattr(variables, "get") else None
    except Exception:  # pylint: disable=broad-except  # a host var that does not template is as good as absent
        return None


def _node(variables):
    node = _get(variables, "irops_node")
    if node is None:
        node = (_get(variables, "ansible_facts") or {}).get("irops_node")
    return node if hasattr(node, "get") else None


def _usable(name) -> str | None:
    """A name a probe may carry (a host name or an address), None when it is neither."""
    try:
        return _hosts.validate_host(name, "name") if name else None
    except InvalidValue:
        return None


def _earlier_names(task_vars: dict) -> dict:
    """inventory host -> the name this node probed it by in an earlier gather of the run."""
    node = _node(task_vars) or {}
    before = ((node.get("gathered") or {}).get("inputs") or {}).get(INPUT) or {}
    return {peer.get("host"): peer.get("name") for peer in (before.get("peers") or ())
            if hasattr(peer, "get") and peer.get("host") and peer.get("name")}


def _reported_name(variables) -> str | None:
    system = (_node(variables) or {}).get("system") or {}
    for key in ("fqdn", "hostname"):
        name = _usable(system.get(key))
        if name:
            return name
    return None


def _has_role(variables) -> bool:
    roles = _get(variables, "irops_node_roles") or ()
    return ROLE in (list(roles) if isinstance(roles, (list, tuple)) else [roles])


def peers_input(settings: dict, task_vars: dict, host: str) -> dict:
    """The gather input ``shir_ha_peers``: ``{"source", "peers": [{"name", "host"}], "outside_play": [hosts]}``
    (module docstring for the order). ``host`` is the inventory name of a peer of the play, None for a name the
    settings give; ``name`` is None for a host whose every name is unusable in a command (then not probed)."""
    named = (settings or {}).get(SETTING)
    if named:
        peers = [{"name": name, "host": None} for name in validate_nodes(named)
                 if name.lower() != str(host).lower()]
        return {"source": "settings." + SETTING, "peers": peers, "outside_play": []}
    hostvars = (task_vars or {}).get("hostvars") or {}
    play = [str(name) for name in (task_vars or {}).get("ansible_play_hosts_all") or ()]
    inventory = [str(name) for name in ((task_vars or {}).get("groups") or {}).get("all") or ()]
    earlier = _earlier_names(task_vars or {})

    def variables(name):
        try:
            return hostvars[name]
        except (KeyError, TypeError):
            return {}

    peers = []
    for name in play:
        if name == host or not _has_role(variables(name)):
            continue
        probed = _usable(earlier.get(name)) or _reported_name(variables(name)) or _usable(name)
        peers.append({"name": probed, "host": name})
    outside = [name for name in inventory if name not in play and name != host and _has_role(variables(name))]
    return {"source": "play", "peers": peers[:MAX_PEERS], "outside_play": outside}


def _probed(value) -> list:
    return [peer for peer in ((value or {}).get("peers") or ()) if peer.get("name")]


def commands(value) -> list[Command]:
    """Per peer with a name: the resolve and the TCP probe of tcp_probe on 8060; then 127.0.0.1:8060 (when there is
    a peer: a single node has no HA traffic to read)."""
    peers = _probed(value)
    found = [command for peer in peers for command in _hosts.reach_commands(peer["name"], HA_PORT)]
    return found + [_hosts.probe_command(LOOPBACK, HA_PORT)] if peers else []


def parse(value, results: list[CommandResult]) -> dict:
    """What this node saw of each peer: ``resolved`` and ``addresses`` (or the resolver's ``error``), ``reachable``
    on 8060; and whether it answers on 127.0.0.1:8060 itself (``listening``; None with no peer)."""
    value = value or {}
    found, offset = [], 0
    for peer in value.get("peers") or ():
        entry = {"name": peer.get("name"), "host": peer.get("host"), "resolved": None, "addresses": [],
                 "error": None, "reachable": None}
        if peer.get("name"):
            reach = _hosts.parse_reach(peer["name"], HA_PORT, results[offset:offset + 2])
            offset += 2
            entry.update({key: reach[key] for key in ("resolved", "addresses", "reachable", "error")})
        else:
            entry["error"] = f"the inventory name {peer.get('host')!r} is neither a host name nor an address"
        found.append(entry)
    listening = _hosts.probe_answer(results[offset]) if offset else None
    return {"port": HA_PORT, "source": value.get("source"), "peers": found,
            "outside_play": list(value.get("outside_play") or ()), "listening": listening}


def inbound(rules: list, port: int = HA_PORT) -> dict:
    """The enabled inbound rules that allow and that block TCP to ``port`` (firewall_inbound's rules)."""
    covering = [rule for rule in rules or () if rule.get("enabled")
                and str(rule.get("protocol") or "").lower() in ("tcp", "any") and _advfirewall.covers(rule.get("localports"), port)]
    return {"allowed_by": [rule["name"] for rule in covering if rule.get("action") == "allow"],
            "blocked_by": [rule["name"] for rule in covering if rule.get("action") == "block"]}
