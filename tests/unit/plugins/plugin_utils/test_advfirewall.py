"""netsh advfirewall firewall: rule names, profiles, commands and the positional parser."""

from __future__ import annotations

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _advfirewall
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError

MASTER = _advfirewall.wanted_rule("SSIS Scale Out Master", "in", "tcp", 8391, "allow", _advfirewall.PROFILES, True)


@pytest.mark.parametrize("crlf", [True, False])
def test_english_rule(crlf):
    rules = _advfirewall.parse_show_rule(load("advfirewall", "show_rule_en-US.txt", crlf=crlf))
    assert len(rules) == 1 and _advfirewall.same(rules[0], MASTER)
    assert rules[0].result() == {"name": "SSIS Scale Out Master", "enabled": True, "direction": "in",
                                 "profiles": ["domain", "private", "public"], "protocol": "TCP", "localport": "8391",
                                 "action": "allow"}
    assert rules[0].display() == "in TCP 8391 allow profiles=domain,private,public enabled=yes"


def test_german_rule_gives_the_same_facts():
    german = _advfirewall.parse_show_rule(load("advfirewall", "show_rule_de-DE.txt"))
    english = _advfirewall.parse_show_rule(load("advfirewall", "show_rule_en-US.txt"))
    assert german == english and not german[0].unreadable()


def test_two_rules_of_one_name_and_a_rule_without_port_lines():
    first, second = _advfirewall.parse_show_rule(load("advfirewall", "show_rule_two_en-US.txt"))
    assert (first.enabled, first.profiles, first.localport, first.action) == (False, ("public",), "8060", "allow")
    assert (second.direction, second.protocol, second.localport, second.action) == ("out", "ANY", "Any", "block")
    assert second.profiles == ("domain", "private")
    assert _advfirewall.restorable(first) and not _advfirewall.restorable(second)


def test_no_rule():
    text = load("advfirewall", "show_rule_none_en-US.txt")
    assert _advfirewall.parse_show_rule(text) == [] and _advfirewall.no_rule(text, 1)
    assert not _advfirewall.no_rule(load("advfirewall", "show_rule_en-US.txt"), 1)


def test_values_in_an_unknown_language_are_reported_not_guessed():
    rules = _advfirewall.parse_show_rule(load("advfirewall", "show_rule_unknown_language.txt"))
    assert rules[0].protocol == "TCP" and rules[0].localport == "8391"
    assert rules[0].unreadable() == ["enabled 'Jawel'", "direction 'Binnenkomend'", "profiles 'Domein'", "action 'Toestaan'"]
    with pytest.raises(RemediationError) as error:
        _advfirewall.check_readable(rules)
    assert "Binnenkomend" in str(error.value) and "Nothing was changed" in str(error.value)


@pytest.mark.parametrize("values, expected", [
    (["any"], ("domain", "private", "public")), (["Public", "domain"], ("domain", "public")), ("private", ("private",)),
    ([], ("domain", "private", "public")),
])
def test_profiles(values, expected):
    assert _advfirewall.normalize_profiles(values) == expected


def test_bad_profile():
    with pytest.raises(InvalidValue) as error:
        _advfirewall.normalize_profiles(["office"])
    assert "office" in str(error.value)


@pytest.mark.parametrize("name", ["SSIS Scale Out Master", "Integration Runtime (TCP 8060)", "a/b-c_d.e"])
def test_rule_names(name):
    assert _advfirewall.validate_rule_name(name) == name


@pytest.mark.parametrize("name", ["all", "ALL", "rule; netsh advfirewall reset", "Bob's rule", 'say "hi"', " lead", "x" * 256, "a`b", "$x"])
def test_bad_rule_names_are_refused_with_the_value(name):
    with pytest.raises(InvalidValue) as error:
        _advfirewall.validate_rule_name(name)
    assert repr(name)[:100] in str(error.value)


def test_commands():
    assert _advfirewall.show_command("SSIS Scale Out Master").line == \
        "netsh advfirewall firewall show rule 'name=SSIS Scale Out Master'"
    add = _advfirewall.add_command(MASTER)
    assert add.line == ("netsh advfirewall firewall add rule 'name=SSIS Scale Out Master' dir=in action=allow "
                        "protocol=TCP localport=8391 profile=any enable=yes") and not add.read_only
    narrow = _advfirewall.wanted_rule("IR", "out", "udp", 8060, "block", ("domain", "private"), False)
    assert _advfirewall.add_command(narrow).args[5:] == ("dir=out", "action=block", "protocol=UDP", "localport=8060",
                                                         "profile=domain,private", "enable=no")
    assert _advfirewall.delete_command("IR").line == "netsh advfirewall firewall delete rule name=IR"
