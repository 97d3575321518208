# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gathering ``irops_node`` for node roles, reusing it within a play, and finding the play's other nodes.

node_facts and diagnose share this: both gather the subsets the checks of the node's roles need
(``_checks.subsets_for``) in one round trip (two with a second stage), and record what they gathered in
``irops_node.gathered`` (``play``, ``roles``, ``subsets``). diagnose reuses the facts of a node_facts task of
the same play when they cover what it needs (no round trip), and reads every other host of the play that
gathered ``irops_node`` in it as a peer.
"""

from __future__ import annotations

from typing import Callable

from ansible_collections.irops.remediation.plugins.plugin_utils import _facts, _ha

# How each gather input (_facts.Probe.inputs) is built: ``builder(settings, task_vars, host)`` from the validated
# settings of node_facts / diagnose and the play (task_vars: hostvars, ansible_play_hosts_all). A subset that reads
# an input registers its builder here, next to where the input is defined.
INPUT_BUILDERS: dict[str, Callable[[dict, dict, str], object]] = {
    # the service URL of the data factory's region (shir_cloud_reach), as the operator gives it
    "shir_service_url": lambda settings, task_vars, host: settings.get("shir_service_url"),
    # OLE DB providers (_facts oledb_progids/oledb_providers): the ProgIDs of settings.azuressis_oledb_providers,
    # already validated by _checks.validate_settings (a grammar: they reach reg.exe's command line)
    "oledb_providers": lambda settings, task_vars, host: list(settings.get("azuressis_oledb_providers") or ()),
}
# The other nodes of a high-availability self-hosted IR (shir_ha_reach): settings.shir_ha_nodes, else the play's
# other shir_node hosts (_ha.py says by which name).
INPUT_BUILDERS[_ha.INPUT] = _ha.peers_input


def play_id(task) -> str | None:
    """The play the task belongs to (facts of an earlier play of the run are not reused as current)."""
    try:
        play = task.get_play()
    except AttributeError:
        return None
    return getattr(play, "_uuid", None) if play is not None else None


def expand(subsets) -> list:
    """The subsets with the subsets they require, each once (an unknown name fails: _facts.validate_subsets)."""
    return _facts.validate_subsets(list(subsets))


def inputs_for(subsets, settings: dict, task_vars: dict, host: str) -> dict:
    """The gather inputs these subsets read, built from the settings and the play (INPUT_BUILDERS)."""
    return {name: INPUT_BUILDERS[name](settings or {}, task_vars or {}, host) for name in _facts.inputs_of(list(subsets))}


def gather(runner, subsets, roles, play, inputs: dict | None = None, settings: dict | None = None) -> dict:
    """``irops_node`` for these subsets: facts, ``gather_errors`` and ``gathered`` (with the inputs it read and the
    validated settings it was given, which a play-wide diagnose applies to this node)."""
    wanted = expand(subsets)
    facts, errors = _facts.gather(runner, wanted, inputs) if wanted else ({}, {})
    return dict(facts, gather_errors=errors, gathered={"play": play, "roles": list(roles or ()), "subsets": wanted,
                                                       "inputs": dict(inputs or {}), "settings": dict(settings or {})})


def _node_of(variables) -> dict | None:
    if not hasattr(variables, "get"):
        return None
    node = variables.get("irops_node")
    if node is None:
        node = (variables.get("ansible_facts") or {}).get("irops_node")
    return node if hasattr(node, "get") else None


def current(node, play) -> bool:
    """Whether ``irops_node`` was gathered in this play."""
    return node is not None and play is not None and (node.get("gathered") or {}).get("play") == play


def covers(node, subsets, play, inputs: dict | None = None) -> bool:
    """Whether ``irops_node`` was gathered in this play with every one of ``subsets``, and with the same value of
    each input they read (facts read for other OLE DB providers do not answer for these)."""
    if not current(node, play):
        return False
    gathered = node.get("gathered") or {}
    if not set(expand(subsets)) <= set(gathered.get("subsets") or ()):
        return False
    before = gathered.get("inputs") or {}
    return all(before.get(name) == value for name, value in (inputs or {}).items())


def own_facts(task_vars: dict):
    return _node_of(task_vars)


def _play_node(hostvars, name: str, play) -> tuple:
    """``(peer, absent)`` for one host of the play: its facts gathered in this play with their roles, or its roles.

    The facts are read untemplated (``HostVars.raw_get``) when hostvars offers it: facts are data, never templates,
    and templating a host's whole ``irops_node`` again was most of a play-wide diagnose's cost (0.55 s of 0.76 s
    for 200 nodes). ``irops_node_roles`` is an inventory value, which may be a template: it is read templated."""
    raw_get = getattr(hostvars, "raw_get", None)
    try:
        raw = raw_get(name) if callable(raw_get) else hostvars[name]
    except (KeyError, TypeError):
        raw = {}
    node = _node_of(raw)
    if current(node, play):
        gathered_roles = list((node.get("gathered") or {}).get("roles") or ())
        if gathered_roles:
            return {"host": name, "roles": gathered_roles, "facts": node}, None
    try:
        variables = hostvars[name]
    except (KeyError, TypeError):
        variables = {}
    declared = list(variables.get("irops_node_roles") or ()) if hasattr(variables, "get") else []
    if current(node, play):
        return {"host": name, "roles": declared, "facts": node}, None
    return None, {"host": name, "roles": declared}


def peers(task_vars: dict, host: str, roles, facts: dict, play) -> tuple:
    """``(peers, absent)``: every host of the play (``ansible_play_hosts_all``) that gathered ``irops_node`` in
    this play, as ``{"host", "roles", "facts"}`` (this one with ``facts``), and the hosts that did not."""
    hostvars = task_vars.get("hostvars") or {}
    hosts = list(task_vars.get("ansible_play_hosts_all") or [host])
    if host not in hosts:
        hosts.append(host)
    found, absent = [], []
    for name in hosts:
        if name == host:
            found.append({"host": name, "roles": list(roles), "facts": facts})
            continue
        peer, missing = _play_node(hostvars, name, play)
        (found if peer else absent).append(peer or missing)
    return found, absent


def play_nodes(task_vars: dict, play) -> tuple:
    """``(gathered, absent)`` over every host of the play, each read from hostvars once: the hosts whose
    ``irops_node`` was gathered in this play (``{"host", "roles", "facts"}``), and the others (``{"host", "roles"}``)."""
    hostvars = task_vars.get("hostvars") or {}
    found, absent = [], []
    for name in task_vars.get("ansible_play_hosts_all") or ():
        peer, missing = _play_node(hostvars, name, play)
        (found if peer else absent).append(peer or missing)
    return found, absent


# SHIR certificates: the remote-access certificate whose chain shir_cert_chain verifies (validated settings).
INPUT_BUILDERS["shir_certificate_thumbprint"] = lambda settings, task_vars, host: settings.get("shir_certificate_thumbprint")
