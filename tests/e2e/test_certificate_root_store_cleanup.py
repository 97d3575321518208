"""root_store_cleanup end to end: findings always, deletion only of listed thumbprints."""

from __future__ import annotations

import pytest
from test_certificate_info import EXPIRED, LEAF, NODE, ROOT, TWIN, with_stores

pytestmark = pytest.mark.e2e


def roots(sim):
    return {e["thumbprint"].upper() for e in sim.state(NODE)["cert_stores"]["LocalMachine"]["Root"]}


def cleanup(*thumbprints):
    return {"name": "Clean", "irops.remediation.root_store_cleanup": {
        "remove_thumbprints": list(thumbprints), "documented_entry": ["scaleout-http-request-forbidden"]}}


def test_report_only_never_deletes(sim, playbook):
    with_stores(sim, NODE, {"Root": [{"pem": ROOT.pem}, {"pem": LEAF.pem}, {"pem": EXPIRED.pem}, {"pem": TWIN.pem}]})
    digest = sim.digest(NODE)
    result = playbook([cleanup()], NODE).result(NODE)
    assert result["changed"] is False and len(result["findings"]) == 4 and result["round_trips"] == 1
    assert sim.digest(NODE) == digest


def test_removes_only_listed_present_thumbprints_check_then_apply_then_again(sim, playbook):
    with_stores(sim, NODE, {"Root": [{"pem": ROOT.pem}, {"pem": LEAF.pem}, {"pem": EXPIRED.pem}]})
    digest = sim.digest(NODE)
    task = cleanup(LEAF.thumbprint.lower(), "00" * 20)
    check = playbook([task], NODE, "--check", "--diff").result(NODE)
    assert check["changed"] is True and check["removed"] == [LEAF.thumbprint] and check["not_present"] == ["00" * 20]
    assert sim.digest(NODE) == digest and LEAF.thumbprint in check["diff"]["before"]
    assert [e["id"] for e in check["documented_symptoms"]] == ["scaleout-http-request-forbidden"]
    run = playbook([task], NODE)
    result = run.result(NODE)
    assert result["changed"] is True and result["round_trips"] == 2, run.output
    assert roots(sim) == {ROOT.thumbprint, EXPIRED.thumbprint}
    again = playbook([task], NODE).result(NODE)
    assert again["changed"] is False and again["round_trips"] == 1 and "documented_symptoms" not in again


def test_bad_thumbprint_fails_before_any_command(sim, playbook):
    result = playbook([cleanup("not-a-thumbprint")], NODE).result(NODE)
    assert result.get("failed") is True and "40 hexadecimal digits" in result["msg"]
    assert sim.commands(NODE) == []
