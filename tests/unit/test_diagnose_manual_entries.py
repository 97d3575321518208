"""diagnose and the manual entries of the two Azure articles: on a self-hosted IR node (which may proxy for the
Azure-SSIS IR) every manual entry of its role is not_checked with its reason and runbook, never missing; an entry
whose fix is on no managed node (role ``cloud`` only) is not_applicable there, with where its fix is as evidence.

Which entries concern the self-hosted IR node is the catalog's ``node_roles``, pinned here with the articles' words."""

from __future__ import annotations

import pytest

from ansible_collections.irops.remediation.plugins.plugin_utils import _findings as findings_of
from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks

ROLES = ["shir_node"]
AZURE = [e for e in _catalog.load() if e.product in ("azure-ssis-ir", "shir")]
# Azure-SSIS IR entries whose article text puts a step on the self-hosted IR that proxies for it:
AZURE_SSIS_ON_SHIR = {
    "azuressis-shir-offline-2010",              # "Make sure your Self-Hosted integration runtime is installed and started"
    "azuressis-oledb-provider-not-registered",  # "providers ... are installed on Self-Hosted integration runtime machine"
    "azuressis-shir-assembly-mismatch",         # "download and reinstall the latest Self-hosted integration runtime"
    "azuressis-named-pipe-proxy",               # "security policies are correctly assigned to the account running
                                                #  self-hosted IR service" (assigned on the SHIR machine)
    "azuressis-shir-vcredist-missing",          # "Visual C++ runtime is installed on Self-Hosted integration runtime machine"
    "azuressis-staging-read-timeout",           # "check SHIR logs in C:\ProgramData\SSISTelemetry folder"
}
# ... and those whose fix the article puts elsewhere, though they involve the proxy (they stay `cloud`):
CLOUD_THOUGH_PROXY = {
    # "Make sure your Azure-SSIS integration runtime is configured with Self-Hosted integration runtime": a setting
    # of the Azure-SSIS IR in Data Factory, nothing on the self-hosted IR node
    "azuressis-data-proxy-not-configured",
    # "a connection manager is used on a component which hasn't supported ConnectByProxy": package design; the
    # execution log is "in SSMS report or in the log folder you specified in SSIS package execution activity"
    "azuressis-connect-by-proxy-unsupported",
}


def _findings(facts=None) -> dict:
    context = {"host": "shir01", "roles": ROLES, "absent": [], "peers": []}
    return {e.id: findings_of.evaluate(e, ROLES, facts or {"gather_errors": {}}, {}, context) for e in _catalog.load()}


def test_the_azure_ssis_entries_that_concern_the_self_hosted_ir_node():
    on_shir = {e.id for e in AZURE if e.product == "azure-ssis-ir" and "shir_node" in e.node_roles}
    assert on_shir == AZURE_SSIS_ON_SHIR
    for entry in (e for e in AZURE if e.id in CLOUD_THOUGH_PROXY):
        assert list(entry.node_roles) == ["cloud"], entry.id


@pytest.mark.parametrize("entry", [e for e in AZURE if e.automation == "manual" and "shir_node" in e.node_roles],
                         ids=lambda e: e.id)
def test_a_manual_entry_of_the_node_is_not_checked_with_its_reason_and_runbook(entry):
    finding = _findings()[entry.id]
    assert finding["status"] == _checks.NOT_CHECKED
    assert " ".join(entry.manual_reason.split()) in finding["evidence"]
    assert f"follow {entry.runbook}" in finding["evidence"]


@pytest.mark.parametrize("entry", [e for e in AZURE if list(e.node_roles) == ["cloud"]], ids=lambda e: e.id)
def test_a_cloud_only_entry_is_not_applicable_and_says_where_its_fix_is(entry):
    finding = _findings()[entry.id]
    assert finding["status"] == _checks.NOT_APPLICABLE
    assert finding["evidence"].startswith("cloud side, on no managed node: ")
    assert " ".join(entry.manual_reason.split()) in finding["evidence"] and entry.runbook in finding["evidence"]


def test_the_summary_lists_every_entry_of_the_role_and_no_cloud_only_one():
    findings = list(_findings().values())
    counts = {status: sum(1 for f in findings if f["status"] == status) for status in findings_of.ORDER}
    msg = findings_of.node_summary(sorted(findings, key=lambda f: (findings_of.ORDER[f["status"]], f["id"])), counts)
    listed = {line.split()[1] for line in msg.splitlines()[:-1]}
    assert listed == {e.id for e in _catalog.load() if "shir_node" in e.node_roles}
    assert not {e.id for e in AZURE if list(e.node_roles) == ["cloud"]} & listed


@pytest.mark.parametrize("entry", [e for e in AZURE if e.automation == "manual"], ids=lambda e: e.id)
def test_a_manual_reason_says_where_the_fix_is(entry):
    """A reason names the place an operator acts: Azure (portal, Data Factory, the activity, custom setup, Entra ID),
    the package, a workstation, a network trace or team, or the node with the tool or installer it needs."""
    places = ("Azure", "Data Factory", "package", "SSMS", "workstation", "network", "Control Panel", "installer",
              "MSI", "Local Security Policy", "trigger", "node")
    reason = " ".join(entry.manual_reason.split())
    assert any(place in reason for place in places), entry.id
    assert len(entry.resolution) >= 1 and all(step.strip() for step in entry.resolution)
