"""Scenarios: the initial state (and optional faults) of simulated nodes, in YAML.

A scenario file describes one node or a group of nodes that see each other on a network
(format documented in ``tests/simulator/README.md``)::

    description: free text
    extends: other_scenario     # optional: start from that scenario, deep-merge this one over it
    node:                       # one node: a NodeState in its JSON form (node.py); every key optional
      hostname: SSISMASTER01
    faults: []                  # see node.Fault
    network:                    # optional, shared by every node of the simulator
      dns: {SSISMASTER01.contoso.local: 10.0.0.11}
      hosts: {10.0.0.99: {ports: [443]}}   # machines outside the simulator
      revoked: [<thumbprint>]   # certificates a CRL lists as revoked (certutil -verify)

    # or, for several nodes:
    nodes:
      master: {node: {...}, faults: [...]}
      worker: {node: {...}}

A scenario is referred to by name (``scaleout_master_healthy`` ->
``<scenario dir>/scaleout_master_healthy.yml``), a node of a group as ``name:role``
(``scaleout_pair_healthy:worker``), by a path to a ``.yml``/``.yaml``/``.json`` file, or
given inline as a mapping of the same shape.  ``extends`` merges mappings key by key,
replaces lists, and deletes a key whose value is null.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from winsim.node import Fault, NodeState, parse_faults

DEFAULT_SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TOP_KEYS = {"description", "extends", "node", "nodes", "faults", "network"}


@dataclass
class LoadedScenario:
    name: str
    description: str
    state: NodeState
    faults: list[Fault]
    network: dict = field(default_factory=dict)


class ScenarioError(ValueError):
    """A scenario could not be found or is malformed."""


def available_scenarios(scenario_dirs: list[Path] | None = None) -> list[str]:
    names = set()
    for directory in scenario_dirs or [DEFAULT_SCENARIO_DIR]:
        for path in Path(directory).glob("*.yml"):
            names.add(path.stem)
    return sorted(names)


def _locate(ref: str, scenario_dirs: list[Path]) -> Path:
    candidate = Path(ref)
    if candidate.suffix in (".yml", ".yaml", ".json") and candidate.is_file():
        return candidate
    if not _NAME.match(ref):
        raise ScenarioError(f"scenario {ref!r}: not a scenario name or an existing .yml/.json file")
    for directory in scenario_dirs:
        path = Path(directory) / f"{ref}.yml"
        if path.is_file():
            return path
    raise ScenarioError(
        f"scenario {ref!r} not found in {', '.join(str(d) for d in scenario_dirs)}; "
        f"available: {', '.join(available_scenarios(scenario_dirs)) or 'none'}")


def merge(base: object, patch: object) -> object:
    """Deep merge for ``extends``: mappings merge, null deletes, anything else replaces."""
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(base)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif key in result:
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def read_document(ref: str, dirs: list[Path], _seen: tuple = ()) -> tuple[str, dict]:
    """The scenario document of a name or path, with ``extends`` resolved."""
    path = _locate(ref, dirs)
    name = path.stem
    if name in _seen:
        raise ScenarioError(f"scenario {name}: extends itself through {' -> '.join(_seen)}")
    return name, resolve_extends(name, _parse_file(path), dirs, _seen + (name,))


_parsed: dict = {}
_states: dict = {}


def _parse_file(path: Path) -> object:
    """Parse a scenario file (cached by path, size and modification time: YAML parsing is slow)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _parsed:
        text = path.read_text(encoding="utf-8")
        try:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it
            _parsed[key] = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=loader)  # noqa: S506
        except (yaml.YAMLError, json.JSONDecodeError) as exc:
            raise ScenarioError(f"scenario {path}: cannot parse: {exc}") from exc
    return copy.deepcopy(_parsed[key])


def _state_from(node_doc: dict) -> NodeState:
    """NodeState.from_json, cached by the document (a node is a copy of the cached state)."""
    key = json.dumps(node_doc, sort_keys=True, default=str)
    cached = _states.get(key)
    if cached is None:
        cached = NodeState.from_json(node_doc)
        if len(_states) > 256:
            _states.clear()
        _states[key] = cached
    return cached.copy()


def resolve_extends(name: str, doc: object, dirs: list[Path], seen: tuple = ()) -> dict:
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise ScenarioError(f"scenario {name}: the document must be a mapping")
    unknown = set(doc) - TOP_KEYS
    if unknown:
        raise ScenarioError(f"scenario {name}: unknown top-level keys {sorted(unknown)} "
                            "(expected description, extends, node, nodes, faults, network)")
    if "node" in doc and "nodes" in doc:
        raise ScenarioError(f"scenario {name}: give node: (one node) or nodes: (a group), not both")
    if "extends" not in doc:
        return doc
    base_name = doc["extends"]
    if not isinstance(base_name, str):
        raise ScenarioError(f"scenario {name}: extends must be a scenario name")
    _base, base = read_document(base_name, dirs, seen)
    patch = {k: v for k, v in doc.items() if k != "extends"}
    merged = merge(base, patch)
    if "description" in doc:
        merged["description"] = doc["description"]
    return merged


def roles(ref: str, scenario_dirs: list[Path] | None = None) -> list[str]:
    """The node roles of a group scenario ([] for a one-node scenario)."""
    dirs = [Path(d) for d in (scenario_dirs or [DEFAULT_SCENARIO_DIR])]
    _name, doc = read_document(ref, dirs)
    return sorted(doc.get("nodes") or {})


def load_scenario(ref: object, scenario_dirs: list[Path] | None = None) -> LoadedScenario:
    """Load a scenario by name (``name`` or ``name:role``), path or inline mapping; ScenarioError if invalid."""
    dirs = [Path(d) for d in (scenario_dirs or [DEFAULT_SCENARIO_DIR])]
    role = None
    if isinstance(ref, dict):
        name, doc = "(inline)", resolve_extends("(inline)", ref, dirs)
    elif isinstance(ref, (str, Path)):
        text = str(ref)
        if ":" in text and not Path(text).is_file() and _NAME.match(text.rpartition(":")[0]):
            text, role = text.rpartition(":")[0], text.rpartition(":")[2]
        name, doc = read_document(text, dirs)
    else:
        raise ScenarioError(f"a scenario is a name, a path or a mapping, not {type(ref).__name__}")
    network = doc.get("network") or {}
    if not isinstance(network, dict) or not set(network) <= {"dns", "hosts", "revoked"}:
        raise ScenarioError(f"scenario {name}: network has dns:, hosts: and revoked: only")
    if "nodes" in doc:
        group = doc["nodes"]
        if not isinstance(group, dict) or not group:
            raise ScenarioError(f"scenario {name}: nodes must map roles to {{node: ..., faults: ...}}")
        if role is None:
            raise ScenarioError(f"scenario {name} describes several nodes; pick one as {name}:<role> "
                                f"(roles: {', '.join(sorted(group))})")
        if role not in group:
            raise ScenarioError(f"scenario {name} has no role {role!r} (roles: {', '.join(sorted(group))})")
        member = group[role] or {}
        if not isinstance(member, dict) or not set(member) <= {"node", "faults"}:
            raise ScenarioError(f"scenario {name}:{role}: give node: and faults:")
        node_doc, faults_doc = member.get("node") or {}, member.get("faults")
        name = f"{name}:{role}"
    else:
        if role is not None:
            raise ScenarioError(f"scenario {name} describes one node; it has no role {role!r}")
        node_doc, faults_doc = doc.get("node") or {}, doc.get("faults")
    try:
        state = _state_from(node_doc)
        faults = parse_faults(faults_doc)
    except ValueError as exc:
        raise ScenarioError(f"scenario {name}: {exc}") from exc
    return LoadedScenario(name=name, description=str(doc.get("description", "")), state=state, faults=faults,
                          network=copy.deepcopy(network))
