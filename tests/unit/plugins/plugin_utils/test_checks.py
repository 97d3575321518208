"""Catalog checks over facts parsed from recorded netsh output."""

from __future__ import annotations

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _checks, _netsh
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

MASTER = "3DF10A7C5521980B6E4413A79C028E61F05B3A19"
check = _checks.scaleout_master_sslcert_binding


def facts(name):
    return {"http_sslcert": [b.as_dict() for b in _netsh.parse_show_sslcert(load("netsh", name))]}


@pytest.mark.parametrize("fixture", ["show_sslcert_classic_en-US_assumed.txt", "show_sslcert_classic_de-DE_assumed.txt",
                                     "show_sslcert_2022_en-US_assumed.txt"])
def test_pass_when_the_master_certificate_is_bound_from_root(fixture):
    settings = _checks.validate_settings({"scaleout_master_thumbprint": MASTER.lower()})
    assert check(facts(fixture), settings)[0] == _checks.PASS


def test_fail_when_bound_to_another_certificate():
    settings = _checks.validate_settings({"scaleout_master_thumbprint": "11" * 20})
    status, evidence = check(facts("show_sslcert_classic_en-US_assumed.txt"), settings)
    assert status == _checks.FAIL and MASTER in evidence and "1111" in evidence


def test_fail_when_nothing_is_bound_on_the_port():
    settings = _checks.validate_settings({"scaleout_master_port": 9000, "scaleout_master_thumbprint": MASTER})
    assert check(facts("show_sslcert_classic_en-US_assumed.txt"), settings) == (
        _checks.FAIL, "no http.sys SSL binding on ipport=0.0.0.0:9000")


def test_fail_when_the_store_is_not_root():
    bound = facts("show_sslcert_classic_en-US_assumed.txt")
    bound["http_sslcert"][0]["certificate_store"] = None
    status, evidence = check(bound, _checks.validate_settings({"scaleout_master_thumbprint": MASTER}))
    assert status == _checks.FAIL and "store MY" in evidence


def test_unknown_without_the_expected_thumbprint():
    assert check(facts("show_sslcert_classic_en-US_assumed.txt"), _checks.validate_settings({}))[0] == _checks.UNKNOWN


def test_bad_expected_thumbprint_fails_validation():
    with pytest.raises(InvalidValue, match="settings.scaleout_master_thumbprint"):
        _checks.validate_settings({"scaleout_master_thumbprint": "abc"})
