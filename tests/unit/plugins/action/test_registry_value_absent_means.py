"""registry_value absent_means: an absent value Windows reads as the wanted data is no drift.

The action runs its real runner against a simulated node (tests/unit/noderunner.py): the healthy
master has no SendTrustedIssuerList value, which Windows reads as 0 since Windows Server 2012
(docs/reference/products.md "Registry fixes").
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from noderunner import node_runner

from ansible_collections.irops.remediation.plugins.action import registry_value
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
ARGS = {"path": SCHANNEL, "name": "SendTrustedIssuerList", "type": "dword", "data": 0, "state": "present",
        "ignore_order": False, "absent_means": None}


def execute(args, check_mode, scenario="scaleout_master_healthy"):
    runner, node = node_runner(scenario, check_mode=check_mode)
    action = registry_value.ActionModule.__new__(registry_value.ActionModule)
    action._task = SimpleNamespace(check_mode=check_mode)
    action._documented_entries = ()
    return action.execute(dict(ARGS, **args), runner, {}), node


@pytest.mark.parametrize("check_mode", [True, False])
def test_absent_and_meaning_the_wanted_data_is_no_change(check_mode):
    result, node = execute({"absent_means": 0}, check_mode)
    assert result["changed"] is False and result["before"] is None and result["after"] is None
    assert result["absent_means"] == {"type": "dword", "data": 0}
    assert "absent, which Windows reads as REG_DWORD 0x0 (0)" in result["msg"]
    assert result["diff"]["before"] == result["diff"]["after"] == ""


def test_without_absent_means_an_absent_value_is_still_a_drift():
    result, _node = execute({}, True)
    assert result["changed"] is True and result["after"] == {"type": "dword", "data": 0}


def test_absent_meaning_other_data_is_a_drift():
    result, _node = execute({"absent_means": 1}, True)
    assert result["changed"] is True and "absent; it will be set to REG_DWORD 0x0 (0)" in result["msg"]


def test_a_present_value_is_compared_as_usual():
    result, _node = execute({"absent_means": 0}, True, "scaleout_master_sends_trusted_issuer_list:master")
    assert result["changed"] is True and result["before"]["data"] == 1


def test_absent_means_is_validated_as_the_type_and_only_with_present():
    with pytest.raises(InvalidValue) as error:
        execute({"absent_means": "zero"}, True)
    assert "absent_means 'zero'" in str(error.value)
    with pytest.raises(InvalidValue) as error:
        execute({"absent_means": 0, "state": "absent", "data": None, "type": None}, True)
    assert "only used with state=present" in str(error.value)
