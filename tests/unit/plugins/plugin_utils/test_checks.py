"""Catalog checks over facts parsed from recorded netsh output: the master port and certificate come from
MasterSettings.config (facts subset scaleout_master_settings), settings override them."""

from __future__ import annotations

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _checks, _netsh
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

MASTER = "3DF10A7C5521980B6E4413A79C028E61F05B3A19"


CONFIG = "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\MasterSettings.config"


def facts(name, thumbprint=MASTER, port=8391):
    master_settings = {"path": CONFIG, "version": 140, "service": "SSISScaleOutMaster140",
                       "values": {"PortNumber": port, "SSLCertThumbprint": thumbprint}, "port": port,
                       "thumbprint": thumbprint, "sql_server_name": None}
    return {"http_sslcert": [b.as_dict() for b in _netsh.parse_show_sslcert(load("netsh", name))],
            "scaleout_master_settings": master_settings, "gather_errors": {}}


def check(facts, settings):
    context = {"host": "m", "roles": ["scaleout_master"], "peers": []}
    return _checks.scaleout_master_sslcert_binding(facts, settings, context)


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


def test_the_master_settings_file_gives_port_and_thumbprint():
    status, evidence = check(facts("show_sslcert_classic_en-US_assumed.txt"), _checks.validate_settings({}))
    assert status == _checks.PASS and "ipport=0.0.0.0:8391 (PortNumber of m)" in evidence
    status, evidence = check(facts("show_sslcert_classic_en-US_assumed.txt", thumbprint="22" * 20), _checks.validate_settings({}))
    assert status == _checks.FAIL and "2222" in evidence
    assert check(facts("show_sslcert_classic_en-US_assumed.txt", port=9000), _checks.validate_settings({}))[0] == _checks.FAIL


def test_unknown_without_the_expected_thumbprint():
    no_thumbprint = facts("show_sslcert_classic_en-US_assumed.txt", thumbprint=None)
    status, evidence = check(no_thumbprint, _checks.validate_settings({}))
    assert status == _checks.UNKNOWN and "settings.scaleout_master_thumbprint" in evidence
    unread = {"http_sslcert": no_thumbprint["http_sslcert"], "gather_errors": {"scaleout_master_settings": "boom"}}
    status, evidence = check(unread, _checks.validate_settings({}))
    assert status == _checks.UNKNOWN and "scaleout_master_settings of the master m could not be read: boom" in evidence


def test_bad_expected_thumbprint_fails_validation():
    with pytest.raises(InvalidValue, match="settings.scaleout_master_thumbprint"):
        _checks.validate_settings({"scaleout_master_thumbprint": "abc"})
