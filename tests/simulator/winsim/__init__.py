"""winsim: a simulated Windows node for end-to-end tests of ``irops.remediation``.

A WS-Management (WinRM) server on 127.0.0.1 whose nodes run a strict PowerShell subset
and emulated Windows tools (netsh, certutil, winhttpcertcfg, icacls, reg, sc.exe, sqlcmd,
dmgcmd) against in-memory state with real X.509 certificates.  See
``tests/simulator/README.md`` for the start command, scenarios, faults and control API.

Python API for tests::

    import winsim
    with winsim.start_in_thread({"master01": "scaleout_master_healthy"}) as sim:
        sim.port, sim.endpoint("master01"), sim.node("master01").digest()
        sim.write_inventory(path)
    winsim.refusals()  # must be [] at the end of a test run
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from winsim.inventory import write_inventory
from winsim.network import Fabric
from winsim.node import Node
from winsim.refusal_log import clear_refusals, refusals
from winsim.scenario import load_scenario, roles
from winsim.tls import CA_FILE, make_tls_dir, server_context
from winsim.wsman import DEFAULT_PASSWORD, DEFAULT_USER, SimServer

__all__ = ["DEFAULT_PASSWORD", "DEFAULT_USER", "ServerHandle", "build_server", "clear_refusals",
           "group_nodes", "refusals", "start_in_thread"]


def build_server(nodes: dict[str, object], *, port: int = 0, user: str = DEFAULT_USER,
                 password: str = DEFAULT_PASSWORD, scenario_dirs: list | None = None,
                 tls_dir: str | Path | None = None, ssh_dir: str | Path | None = None) -> SimServer:
    """Create (bind, not start) a server for ``nodes``: name -> scenario name, path or mapping.

    With ``tls_dir`` it serves WinRM over HTTPS: a test CA and the server certificate it issued are
    written there first (winsim/tls.py; clients trust ``<tls_dir>/ca.pem``). With ``ssh_dir`` each node
    also answers SSH on a port of its own (winsim/sshd.py; keys and known_hosts written there)."""
    dirs = [Path(d) for d in scenario_dirs] if scenario_dirs else None

    def loader(ref: object):
        return load_scenario(ref, dirs)

    built = {}
    fabric = Fabric()
    for name, scenario in nodes.items():
        if not isinstance(name, str) or not _valid_node_name(name):
            raise ValueError(f"node name {name!r}: use letters, digits, '-', '_' and '.' "
                             "(it becomes an inventory host name and a URL path segment)")
        node = Node(name, scenario, loader)
        node.fabric = fabric
        fabric.nodes[name] = node
        fabric.add_scenario_network(node.network, f"{name}={scenario if isinstance(scenario, str) else '(inline)'}")
        built[name] = node
    context = None
    if tls_dir is not None:
        make_tls_dir(tls_dir)
        context = server_context(tls_dir)
    server = SimServer(port, built, user, password, dirs, ssl_context=context)
    server.ca_path = Path(tls_dir) / CA_FILE if tls_dir is not None else None
    if ssh_dir is not None:
        from winsim.sshd import SSHFrontDoor  # pylint: disable=import-outside-toplevel  # asyncssh: only for SSH
        try:
            server.ssh = SSHFrontDoor(built, user, ssh_dir)
        except BaseException:
            server.server_close()
            raise
    return server


def group_nodes(scenario: str, prefix: str = "", scenario_dirs: list | None = None) -> dict[str, str]:
    """Every node of a group scenario: ``{prefix + role: "scenario:role"}``."""
    return {prefix + role: f"{scenario}:{role}" for role in roles(scenario, scenario_dirs)}


def _valid_node_name(name: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}", name) is not None


class ServerHandle:
    """A running simulator: ``.port``, ``.url``, ``.node(name)``, ``.stop()``."""

    def __init__(self, server: SimServer) -> None:
        self.server = server
        self.port: int = server.server_address[1]
        self.ca_path: Path | None = server.ca_path  # the CA to trust when it serves HTTPS, else None
        self.scheme = "http" if self.ca_path is None else "https"
        self.url = f"{self.scheme}://127.0.0.1:{self.port}"
        self.user = server.user
        self.password = server.password
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"winsim:{self.port}", daemon=True)
        self._thread.start()

    @property
    def nodes(self) -> dict[str, Node]:
        return self.server.nodes

    def node(self, name: str) -> Node:
        return self.server.nodes[name]

    def endpoint(self, name: str) -> str:
        """The WinRM URL of a node, as pywinrm wants it."""
        return f"{self.url}/wsman/{name}"

    def write_inventory(self, path: str | Path) -> Path:
        return write_inventory(path, self.port, sorted(self.server.nodes), self.user, self.password,
                               ca_trust_path=self.ca_path, ssh=self.server.ssh)

    def stop(self) -> None:
        if self.server.ssh is not None:
            self.server.ssh.stop()
        self.server.shutdown()
        self.server.server_close()
        self.server.close_all_connections()
        self._thread.join(timeout=5)

    def __enter__(self) -> "ServerHandle":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def start_in_thread(nodes: dict[str, object], *, port: int = 0, user: str = DEFAULT_USER,
                    password: str = DEFAULT_PASSWORD, scenario_dirs: list | None = None,
                    tls_dir: str | Path | None = None, ssh_dir: str | Path | None = None) -> ServerHandle:
    """Start a simulator serving ``nodes`` in a background thread; returns its handle.
    ``tls_dir``: serve WinRM over HTTPS with a test CA written there; ``ssh_dir``: SSH too (see ``build_server``)."""
    return ServerHandle(build_server(nodes, port=port, user=user, password=password,
                                     scenario_dirs=scenario_dirs, tls_dir=tls_dir, ssh_dir=ssh_dir))
