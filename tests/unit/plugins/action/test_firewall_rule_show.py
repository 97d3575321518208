"""firewall_rule: what the action makes of 'show rule' before and after a change.

"Absent" decides what the module does next (add a rule, or report "already absent"), so it is
read only from the no-match message or no output; any other text fails, naming it.
"""

from __future__ import annotations

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.action import firewall_rule
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult

NAME = "SSIS Scale Out Master"
SHOW = f"netsh advfirewall firewall show rule 'name={NAME}'"


@pytest.mark.parametrize("fixture, rc", [
    ("show_rule_elevation_en-US_assumed.txt", 1),
    ("show_rule_none_unknown_language_assumed.txt", 1),
    ("show_rule_truncated_en-US_assumed.txt", 0),
])
def test_unreadable_output_is_an_error_not_an_absent_rule(fixture, rc):
    with pytest.raises(RemediationError) as error:
        firewall_rule._parse_show(CommandResult(SHOW, rc, load("advfirewall", fixture), ""), NAME)
    assert load("advfirewall", fixture).strip()[:40] in str(error.value)


@pytest.mark.parametrize("fixture", ["show_rule_none_en-US_assumed.txt", "show_rule_none_de-DE.txt"])
def test_the_no_match_message_is_an_absent_rule(fixture):
    assert firewall_rule._parse_show(CommandResult(SHOW, 1, load("advfirewall", fixture), ""), NAME) == []
