"""A French-locale self-hosted IR node gives the same findings as an English one (issue 13, "Proof").

Each SHIR scenario of the simulator is diagnosed twice on the same node, once with its own locale (en-US) and
once with fr-FR, through real ansible-playbook over WinRM: node_facts then diagnose, node_roles [shir_node],
the settings the operator would give. Every entry of the node's roles must get the same status in both, and no
subset may fail to read in either: a tool whose French output a parser cannot read shows up here as an
unknown or a gather error, never as a silent pass.
"""

from __future__ import annotations

import copy

import pytest

from scenario_proof import SHIR

pytestmark = pytest.mark.e2e

NODE = "healthy"


def _diagnose(sim, playbook, scenario, node, locale):
    sim.load_scenario(NODE, f"{scenario.name}:{node}")
    if locale:
        state = copy.deepcopy(sim.state(NODE))
        state.pop("clock", None)
        state["locale"] = locale
        sim.load_state(NODE, state)
    settings = scenario.settings
    run = playbook([{"name": "Facts", "irops.remediation.node_facts": {"node_roles": ["shir_node"],
                                                                      "settings": settings}},
                    {"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": ["shir_node"],
                                                                      "settings": settings}}], NODE, "--check")
    facts, result = run.result(NODE, 0), run.result(NODE, 1)
    assert not facts.get("failed") and not result.get("failed"), run.output
    return facts["ansible_facts"]["irops_node"]["gather_errors"], {f["id"]: f for f in result["findings"]}


@pytest.mark.parametrize("scenario", SHIR, ids=[s.name for s in SHIR])
def test_french_node_gives_the_english_findings(sim, playbook, scenario):
    node = next(iter(scenario.roles))
    errors_en, english = _diagnose(sim, playbook, scenario, node, None)
    errors_fr, french = _diagnose(sim, playbook, scenario, node, "fr-FR")
    assert errors_en == {} and errors_fr == {}, (errors_en, errors_fr)
    differing = {entry: (english[entry]["status"], french[entry]["status"], french[entry]["evidence"])
                 for entry in english if english[entry]["status"] != french[entry]["status"]}
    assert not differing, differing
    assert not [entry for entry, f in french.items() if f["status"] == "unknown"], french
