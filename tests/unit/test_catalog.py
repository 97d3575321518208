"""The catalog's data: every entry complete, checks and fixes that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks, _facts

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = _catalog.load()
REQUIRED_TEXT = ("id", "title", "cause")
NODE_ROLES = {"scaleout_master", "scaleout_worker", "shir_node", "ssisdb_sql", "cloud"}


def test_catalog_is_not_empty_and_ids_are_unique():
    ids = [e.id for e in ENTRIES]
    assert ids and len(ids) == len(set(ids))


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_entry_is_complete(entry):
    for name in REQUIRED_TEXT:
        assert str(getattr(entry, name)).strip(), f"{entry.id}: {name} is empty"
    assert re.match(r"^[a-z0-9]+(-[a-z0-9]+)+$", entry.id)
    assert entry.id.startswith({"scale-out": "scaleout-", "azure-ssis-ir": "azuressis-", "shir": "shir-"}[entry.product])
    assert entry.symptoms and entry.resolution
    assert set(entry.node_roles) <= NODE_ROLES and entry.node_roles
    assert entry.automation in _catalog.AUTOMATION_LEVELS
    for signature in entry.signatures:
        assert signature["lang"] in ("en", "fr") and signature["text"].strip()
    if entry.automation == "manual":
        assert entry.manual_reason, f"{entry.id}: a manual entry says why it cannot be automated"
    else:
        assert entry.check in _checks.CHECKS, f"{entry.id}: check {entry.check!r} is not in _checks.CHECKS"
        assert set(_checks.CHECKS[entry.check].needs) <= set(_facts.PROBES)
    if entry.automation == "automated":
        module = entry.fix["module"]
        assert module.startswith("irops.remediation.")
        assert (ROOT / "plugins" / "action" / (module.split(".")[-1] + ".py")).exists()
        assert (ROOT / entry.fix["playbook"]).exists()
        task = yaml.safe_load(entry.fix["task"])
        assert module in task[0], f"{entry.id}: the fix task does not use {module}"


def test_every_check_is_used_by_an_entry():
    used = {e.check for e in ENTRIES if e.check}
    assert set(_checks.CHECKS) <= used
