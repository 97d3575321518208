"""Scenarios: the initial state (and optional faults) of a simulated node, in YAML.

A scenario file is a mapping with three keys (format documented in
``tests/simulator/README.md``)::

    description: free text
    node:        # a NodeState in its JSON form (see node.py); every key optional
      hostname: SSISMASTER01
      cert_stores: {LocalMachine: {Root: [{thumbprint: ..., subject: ..., has_private_key: true}]}}
      http_ssl_bindings: [{ipport: 0.0.0.0:8391, certhash: ..., appid: '{...}', certstorename: Root}]
    faults: []   # see node.Fault

A scenario is referred to by name (``scaleout_master_healthy`` ->
``<scenario dir>/scaleout_master_healthy.yml``), by a path to a ``.yml``/``.yaml``/``.json``
file, or given inline as a mapping of the same shape.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from winsim.node import Fault, NodeState, parse_faults

DEFAULT_SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class LoadedScenario:
    name: str
    description: str
    state: NodeState
    faults: list[Fault]


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


def load_scenario(ref: object, scenario_dirs: list[Path] | None = None) -> LoadedScenario:
    """Load a scenario by name, path or inline mapping; ScenarioError if it is invalid."""
    dirs = [Path(d) for d in (scenario_dirs or [DEFAULT_SCENARIO_DIR])]
    if isinstance(ref, dict):
        name, doc = "(inline)", ref
    elif isinstance(ref, (str, Path)):
        path = _locate(str(ref), dirs)
        name = path.stem
        text = path.read_text(encoding="utf-8")
        try:
            doc = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (yaml.YAMLError, json.JSONDecodeError) as exc:
            raise ScenarioError(f"scenario {path}: cannot parse: {exc}") from exc
    else:
        raise ScenarioError(f"a scenario is a name, a path or a mapping, not {type(ref).__name__}")
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise ScenarioError(f"scenario {name}: the document must be a mapping")
    unknown = set(doc) - {"description", "node", "faults"}
    if unknown:
        raise ScenarioError(f"scenario {name}: unknown top-level keys {sorted(unknown)} "
                            "(expected description, node, faults)")
    try:
        state = NodeState.from_json(doc.get("node") or {})
        faults = parse_faults(doc.get("faults"))
    except ValueError as exc:
        raise ScenarioError(f"scenario {name}: {exc}") from exc
    return LoadedScenario(name=name, description=str(doc.get("description", "")), state=state, faults=faults)
