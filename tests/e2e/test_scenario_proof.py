"""Every Scale Out and self-hosted IR failure scenario of the simulator, proven end to end (tests/e2e/scenario_proof.py):
diagnose names its documented entry and nothing unrelated, check mode shows the drift and changes no
node, the apply fixes it, and a second apply changes nothing. The healthy scenarios give only passes
and no change."""

from __future__ import annotations

import pytest

from scenario_proof import SCALE_OUT, SHIR, explain, prove

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("scenario", SCALE_OUT + SHIR, ids=[s.name for s in SCALE_OUT + SHIR])
def test_scenario_is_diagnosed_shown_fixed_and_stays_fixed(scenario, tmp_path):
    proof = prove(scenario, tmp_path)
    assert all(proof.columns().values()) and not proof.notes, explain(proof)
