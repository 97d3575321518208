"""http_sslcert: what the task reports after its one write, from what the verifying show printed.

The runner is a stand-in that answers each round trip from a script of results (or raises what
a dropped connection raises), so the cases real Windows could produce and the simulator does not
(an update that reports success but loses a setting) are covered too. Show outputs come from the
fixtures in tests/unit/test_data/netsh.
"""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleConnectionFailure
from fixtures import load

from ansible_collections.irops.remediation.plugins.action import http_sslcert
from ansible_collections.irops.remediation.plugins.plugin_utils import _netsh
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult

NEW = "3DF10A7C5521980B6E4413A79C028E61F05B3A19"
OLD_TEXT = load("netsh", "show_sslcert_2022_settings_en-US_assumed.txt")
OLD_HASH = "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b"
ENDPOINT = _netsh.parse_ip_port("0.0.0.0:8391")
UPDATED = "\r\nSSL Certificate successfully updated\r\n\r\n"  # public scripts test for this line
FAILED = ("\r\nSSL Certificate update failed, Error: 1312\r\n"
          "A specified logon session does not exist. It may already have been terminated.\r\n\r\n")


class Runner:
    """Answers round trip N with answers[N]: a list of (rc, stdout) per command, or an exception."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent: list[list[str]] = []

    def run(self, commands):
        self.sent.append([c.line for c in commands])
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert len(answer) == len(commands)
        return [CommandResult(c.line, rc, out, "") for c, (rc, out) in zip(commands, answer)]

    def run_one(self, command):
        return self.run([command])[0]


def apply(runner):
    before = _netsh.find_binding(_netsh.parse_show_sslcert(OLD_TEXT), ENDPOINT)
    want = {"certificate_hash": NEW, "certificate_store": "Root", "app_id": before.app_id}
    command, planned = http_sslcert._plan(ENDPOINT, before, want)
    action = object.__new__(http_sslcert.ActionModule)
    return before, action._apply(runner, ENDPOINT, before, planned, command)


def rebound(text: str) -> str:
    return text.replace(OLD_HASH, NEW.lower(), 1)


def test_update_that_keeps_every_setting_is_the_wanted_state():
    runner = Runner([(0, UPDATED), (0, rebound(OLD_TEXT))])
    before, (after, notes) = apply(runner)
    assert after.certificate_hash == NEW and after.settings == before.settings and notes == []
    [[update, show]] = runner.sent
    assert update.startswith("netsh http update sslcert ipport=0.0.0.0:8391 certhash=" + NEW)
    assert "clientcertnegotiation=enable" in update and "disablelegacytls=enable" in update
    assert show == "netsh http show sslcert"


def test_update_reported_as_success_that_lost_a_setting_is_a_failure_naming_it():
    # A Windows whose update ignored a carried keyword: the show says so, and the task says what the node has.
    lost = rebound(OLD_TEXT).replace("Negotiate Client Certificate : Enabled", "Negotiate Client Certificate : Disabled", 1)
    with pytest.raises(RemediationError) as error:
        apply(Runner([(0, UPDATED), (0, lost)]))
    result, message = error.value._result, str(error.value)
    assert result["node_state"] == "changed" and result["changed"] is True
    assert result["after"]["settings"]["clientcertnegotiation"] is False
    assert "reported success" in message and "clientcertnegotiation: enable -> disable" in message
    assert f"certificate_hash: {OLD_HASH.upper()} -> {NEW}" in message  # changed from before
    assert "restored" not in result


def test_failed_update_with_the_old_binding_shown_is_unchanged():
    with pytest.raises(RemediationError) as error:
        apply(Runner([(1, FAILED), (0, OLD_TEXT)]))
    result, message = error.value._result, str(error.value)
    assert result["node_state"] == "unchanged" and result["changed"] is False
    assert result["after"] == result["before"]
    assert "still has the previous binding" in message and "1312" in message


def test_failed_verifying_show_is_unknown():
    with pytest.raises(RemediationError) as error:
        apply(Runner([(0, UPDATED), (1, "boom\r\n")]))
    assert error.value._result["node_state"] == "unknown" and error.value._result["after"] is None
    assert "is unknown" in str(error.value)


def test_gone_binding_is_described_as_gone():
    with pytest.raises(RemediationError) as error:
        apply(Runner([(1, FAILED), (0, load("netsh", "show_sslcert_none_en-US_assumed.txt"))]))
    assert error.value._result["node_state"] == "changed"
    assert "Nothing is bound on ipport=0.0.0.0:8391 now" in str(error.value)


def test_dropped_connection_then_reread_of_the_wanted_binding_succeeds_with_a_warning():
    runner = Runner(AnsibleConnectionFailure("the connection to the node failed"), [(0, rebound(OLD_TEXT))])
    _before, (after, notes) = apply(runner)
    assert after.certificate_hash == NEW and len(runner.sent) == 2 and runner.sent[1] == ["netsh http show sslcert"]
    assert "connection to the node was lost" in notes[0] and "with every setting of the previous one" in notes[0]


def test_dropped_connection_and_dropped_reread_is_unknown():
    runner = Runner(AnsibleConnectionFailure("first"), AnsibleConnectionFailure("second"))
    with pytest.raises(RemediationError) as error:
        apply(runner)
    assert error.value._result["node_state"] == "unknown" and len(runner.sent) == 2
    assert "Reading the binding again failed too" in str(error.value)


def test_refusal_names_the_setting_and_changes_nothing():
    text = load("netsh", "show_sslcert_2022_caching_client_hello_en-US_assumed.txt")
    before = _netsh.find_binding(_netsh.parse_show_sslcert(text), ENDPOINT)
    with pytest.raises(RemediationError) as error:
        http_sslcert._plan(ENDPOINT, before, {"certificate_hash": NEW, "certificate_store": "Root",
                                              "app_id": before.app_id})
    assert error.value._result["node_state"] == "unchanged" and error.value._result["changed"] is False
    assert "'Enable Caching Client Hello' is set" in str(error.value)
    assert "HttpSetServiceConfiguration" in str(error.value)
