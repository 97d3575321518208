"""Fixtures for the simulator's tests: every test must end without refusals unless it asks for them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

if str(Path(__file__).resolve().parent) not in sys.path:  # also without pytest.ini's pythonpath
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import winsim  # noqa: E402


@pytest.fixture(autouse=True)
def _no_refusals(request):
    winsim.clear_refusals()
    yield
    if "allow_refusals" not in request.fixturenames:
        assert winsim.refusals() == [], "the simulator refused something during this test"


@pytest.fixture
def allow_refusals():
    """Request this fixture in tests that provoke refusals on purpose; returns the accessor."""
    yield winsim.refusals
    winsim.clear_refusals()


@pytest.fixture
def sim():
    """Factory: ``sim({"name": "scenario"})`` starts a simulator that stops after the test."""
    handles = []

    def start(nodes, **kwargs):
        handle = winsim.start_in_thread(nodes, **kwargs)
        handles.append(handle)
        return handle

    yield start
    for handle in handles:
        handle.stop()
