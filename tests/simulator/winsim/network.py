"""The network between simulated nodes: name resolution and TCP reachability.

A :class:`Fabric` belongs to one simulator process: it sees every node and a DNS table
(the union of the ``network.dns`` sections of the nodes' scenarios) plus external hosts
(``network.hosts``: an address and the ports something listens on there), and the
thumbprints that certificate revocation lists name (``network.revoked``).

Name resolution on a node, in order (assumed order, as Windows' resolver):
1. the node's hosts file (``C:\\Windows\\System32\\drivers\\etc\\hosts``), case-insensitive;
2. ``localhost`` -> 127.0.0.1, unless the node's ``network.localhost_resolves`` is false
   (the SHIR seed's "A non-recoverable error occurred during a database lookup");
3. the node's own host name -> its own addresses;
4. the DNS table (names compared case-insensitively; a short name also matches
   ``<name>.<anything>`` entries only when written in full, so use full entries), except the
   names of the node's ``network.dns_missing``: the DNS server that node asks has no record of
   them (its own view, as for a node in another domain), so they fail as an unknown name does
   (``[System.Net.Dns]::GetHostAddresses``: "No such host is known", SocketException 11001, the
   text the SHIR seed quotes; Test-NetConnection: its resolution warning and ``False``).

A TCP port is reachable when the target node listens on it (``network.listeners``, and
the listener's service, if named, is running) and, unless the connection is loopback, the
target's firewall admits inbound TCP on that port.  An address claimed by several nodes
is served by the first of them by node name (assumed; give each node its own address).
"""

from __future__ import annotations

import ipaddress
import re
import threading
from dataclasses import dataclass, field

from winsim.node import HOSTS_PATH, NodeState

LOOPBACK = ("127.0.0.1", "::1")


def hosts_entries(state: NodeState) -> list[tuple[str, str]]:
    """(address, name) pairs of the node's hosts file (comments and bad lines ignored)."""
    entry = state.fs.get(HOSTS_PATH)
    if entry is None or entry.is_dir:
        return []
    text = entry.content.decode("latin-1")
    pairs = []
    for line in re.split(r"\r\n|\n|\r", text):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        try:
            ipaddress.ip_address(words[0])
        except ValueError:
            continue
        pairs.extend((words[0], name) for name in words[1:])
    return pairs


@dataclass
class Fabric:
    nodes: dict = field(default_factory=dict)  # name -> Node
    dns: dict = field(default_factory=dict)  # lower name -> address
    external: dict = field(default_factory=dict)  # address -> set of listening ports
    revoked: set = field(default_factory=set)  # thumbprints a CRL lists as revoked

    # serialises merges and snapshots: the control API merges while commands read (reads are single
    # dict/set look-ups, atomic under the GIL)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add_scenario_network(self, network: dict, origin: str) -> None:
        """Merge a scenario's ``network:`` section; a DNS conflict raises before anything is merged."""
        with self.lock:
            merged = dict(self.dns)
            for name, address in (network.get("dns") or {}).items():
                lowered = str(name).lower()
                if merged.get(lowered, str(address)) != str(address):
                    raise ValueError(f"scenario {origin}: DNS name {name!r} -> {address}, but another scenario says "
                                     f"{merged[lowered]}")
                merged[lowered] = str(address)
            self.dns.update(merged)
            self.revoked.update(str(t).lower() for t in network.get("revoked") or [])
            for address, spec in (network.get("hosts") or {}).items():
                ports = set((spec or {}).get("ports") or [])
                self.external.setdefault(str(address), set()).update(ports)

    def to_json(self) -> dict:
        """The merged network in the shape of a scenario ``network:`` section (sorted)."""
        with self.lock:
            return {"dns": dict(sorted(self.dns.items())),
                    "hosts": {address: {"ports": sorted(ports)} for address, ports in sorted(self.external.items())},
                    "revoked": sorted(self.revoked)}

    def resolve(self, state: NodeState, name: str) -> str | None:
        lowered = name.strip().rstrip(".").lower()
        try:
            return str(ipaddress.ip_address(lowered))
        except ValueError:
            pass
        for address, host in hosts_entries(state):
            if host.lower() == lowered:
                return address
        if lowered == "localhost":
            return "127.0.0.1" if state.network.localhost_resolves else None
        if lowered == state.hostname.lower() and state.network.ip_addresses:
            return state.network.ip_addresses[0]
        if lowered == state.hostname.lower():
            return "127.0.0.1"
        if lowered in state.network.dns_missing:
            return None
        return self.dns.get(lowered)

    def target_state(self, address: str) -> NodeState | None:
        for name in sorted(self.nodes):
            state = self.nodes[name].state  # the committed state: a consistent snapshot, no lock needed
            if address in state.network.ip_addresses:
                return state
        return None

    def reachable(self, source: NodeState, address: str, port: int) -> bool:
        if address in LOOPBACK or address in source.network.ip_addresses:
            return listens(source, port)
        target = self.target_state(address)
        if target is None:
            return port in self.external.get(address, set())
        return listens(target, port) and target.firewall.admits_inbound("TCP", port)


def listens(state: NodeState, port: int) -> bool:
    for listener_port, service_name in state.network.listeners:
        if listener_port != port:
            continue
        if not service_name:
            return True
        service = state.services.get(service_name)
        if service is not None and service.state == "running":
            return True
    return False
