"""One simulated node under several inventory names, for plays that race on it (not a test module)."""

from __future__ import annotations

from pathlib import Path

import yaml

# What a play does to a file on the node: the cmdlets and .NET calls that write, copy, move or remove.
WRITES = ("[IO.File]::WriteAllBytes", "Move-Item", "Copy-Item", "[IO.File]::Copy", "[IO.File]::Delete")


def alias_inventory(sim, node: str, host_vars: dict, path: Path) -> list[str]:
    """Write an inventory whose hosts (group ``aliases``) all reach ``node``, each with its own
    variables; return the flags that add it to ansible-playbook's inventory."""
    connection = yaml.safe_load(Path(sim.inventory).read_text())["all"]["children"]["windows"]["hosts"][node]
    hosts = {name: dict(connection, **variables) for name, variables in host_vars.items()}
    path.write_text(yaml.safe_dump({"all": {"children": {"aliases": {"hosts": hosts}}}}, sort_keys=False))
    return ["-i", str(path), "--forks", str(len(hosts))]


def writes(sim, node: str) -> list[str]:
    """Every writing call the node ran, by name, in order."""
    return [call["argv"][0] for entry in sim.log(node) for call in entry.get("cmdlets", []) if call["argv"][0] in WRITES]


def leftovers(sim, node: str, path: str) -> list[str]:
    """Temporary files of ours (``<path>.irops-<id>.tmp``) on the node."""
    prefix = (path + ".irops-").lower()
    return [name for name in sim.state(node)["files"] if name.lower().startswith(prefix) and name.lower().endswith(".tmp")]
