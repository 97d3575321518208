"""documented_entry: the task names the entries its drift causes; the module claims nothing by itself."""

from __future__ import annotations

import pytest

from ansible_collections.irops.remediation.plugins.action import certificate
from ansible_collections.irops.remediation.plugins.plugin_utils import _action, _catalog
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue


def test_the_named_entries_exactly_in_order_and_once():
    entries = _action.documented_entries(["scaleout-http-request-forbidden", "scaleout-trust-relationship",
                                          "scaleout-http-request-forbidden"])
    assert [e.id for e in entries] == ["scaleout-http-request-forbidden", "scaleout-trust-relationship"]


def test_none_given_claims_none():
    assert _action.documented_entries([]) == () and _action.documented_entries(None) == ()


def test_an_action_without_documented_entry_reports_no_symptom():
    """Today a certificate task in a master's Root would have named the self-hosted IR entries too."""
    action = certificate.ActionModule.__new__(certificate.ActionModule)
    assert action.documented_symptoms() == []
    action._documented_entries = _action.documented_entries(["scaleout-http-request-forbidden"])
    assert [s["id"] for s in action.documented_symptoms()] == ["scaleout-http-request-forbidden"]
    assert action.documented_symptoms()[0] == _catalog.by_id("scaleout-http-request-forbidden").summary()


@pytest.mark.parametrize("value, hint", [
    ("scaleout-http-request-forbiden", "scaleout-http-request-forbidden"),
    ("http-request-forbidden", "ids start with scaleout-, azuressis- or shir-"),
])
def test_an_unknown_id_fails_naming_it_and_the_known_ones(value, hint):
    with pytest.raises(InvalidValue) as error:
        _action.documented_entries(["scaleout-secure-channel", value])
    assert f"documented_entry[1] {value!r} is not valid" in str(error.value) and hint in str(error.value)
