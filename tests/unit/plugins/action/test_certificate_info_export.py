"""certificate_info export: the certificate's bytes read from the node that holds it, with certutil's
output-file form; the temporary copy is gone after the round trip, so the node's state is unchanged."""

from __future__ import annotations

import base64
import hashlib
from types import SimpleNamespace

import pytest
from noderunner import node_runner

from ansible_collections.irops.remediation.plugins.action import certificate, certificate_info
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

WORKER = "21F5F6B3697E9EF46E28B0FB7AAE5320FA53D878"
ARGS = {"store_name": "My", "store_location": "LocalMachine", "thumbprint": WORKER, "subject": None,
        "key_access": False, "dns_names": False, "hygiene": False, "export": True}


def execute(args, check_mode=True, scenario="scaleout_pair_healthy:worker"):
    runner, node = node_runner(scenario, check_mode=check_mode)
    action = certificate_info.ActionModule.__new__(certificate_info.ActionModule)
    action._task = SimpleNamespace(check_mode=check_mode)
    digest = node.state.digest()
    result = action.execute(dict(ARGS, **args), runner, {})
    return result, runner, node.state.digest() == digest


@pytest.mark.parametrize("check_mode", [True, False])
def test_the_certificate_travels_in_one_round_trip_and_the_node_is_unchanged(check_mode):
    result, runner, unchanged = execute({}, check_mode)
    exported = result["exported"]
    der = base64.b64decode(exported["content"])
    assert hashlib.sha1(der).hexdigest().upper() == WORKER and exported["subject"] == "CN=SSISWORKER01"
    assert certificate.load_source(exported["pem"].encode(), None, "pem")["thumbprint"] == WORKER
    assert runner.round_trips == 1 and unchanged
    assert any(str(c).startswith(f"certutil -store My {WORKER.lower()} 'C:\\Windows\\Temp\\irops certificate ")
               for c in runner.commands_run)
    assert "warning" not in exported


def test_a_certificate_not_in_the_store_exports_nothing():
    result, _runner, unchanged = execute({"store_name": "Root"})
    assert result["exported"] is None and result["certificates"] == [] and unchanged
    assert "not in the store, nothing exported" in result["msg"]


def test_export_needs_a_thumbprint():
    with pytest.raises(InvalidValue) as error:
        execute({"thumbprint": None})
    assert "export True is not valid: export reads one certificate: give its thumbprint" in str(error.value)
