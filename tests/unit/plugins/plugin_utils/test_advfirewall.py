"""netsh advfirewall firewall: rule names, profiles, commands and the positional parser."""

from __future__ import annotations

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _advfirewall, _l10n
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult

MASTER = _advfirewall.wanted_rule("SSIS Scale Out Master", "in", "tcp", 8391, "allow", _advfirewall.PROFILES, True)


@pytest.mark.parametrize("crlf", [True, False])
def test_english_rule(crlf):
    rules = _advfirewall.parse_show_rule(load("advfirewall", "show_rule_en-US_assumed.txt", crlf=crlf))
    assert len(rules) == 1 and _advfirewall.same(rules[0], MASTER)
    assert rules[0].result() == {"name": "SSIS Scale Out Master", "enabled": True, "direction": "in",
                                 "profiles": ["domain", "private", "public"], "protocol": "TCP", "localport": "8391",
                                 "action": "allow"}
    assert rules[0].display() == "in TCP 8391 allow profiles=domain,private,public enabled=yes"


def test_german_rule_gives_the_same_facts():
    german = _advfirewall.parse_show_rule(load("advfirewall", "show_rule_de-DE_assumed.txt"))
    english = _advfirewall.parse_show_rule(load("advfirewall", "show_rule_en-US_assumed.txt"))
    assert german == english and not german[0].unreadable()


def test_two_rules_of_one_name_and_a_rule_without_port_lines():
    first, second = _advfirewall.parse_show_rule(load("advfirewall", "show_rule_two_en-US_assumed.txt"))
    assert (first.enabled, first.profiles, first.localport, first.action) == (False, ("public",), "8060", "allow")
    assert (second.direction, second.protocol, second.localport, second.action) == ("out", "ANY", "Any", "block")
    assert second.profiles == ("domain", "private")
    assert _advfirewall.restorable(first) and not _advfirewall.restorable(second)


def test_no_rule():
    text = load("advfirewall", "show_rule_none_en-US_assumed.txt")
    assert _advfirewall.parse_show_rule(text) == [] and _advfirewall.no_rule(text, 1)
    assert not _advfirewall.no_rule(load("advfirewall", "show_rule_en-US_assumed.txt"), 1)


SHOW = "netsh advfirewall firewall show rule 'name=SSIS Scale Out Master'"


def shown(fixture: str, rc: int) -> CommandResult:
    return CommandResult(SHOW, rc, load("advfirewall", fixture), "")


@pytest.mark.parametrize("fixture", ["show_rule_none_en-US_assumed.txt", "show_rule_none_de-DE.txt", "show_rule_none_fr-FR_assumed.txt"])
def test_the_no_match_message_in_a_known_language_is_no_rule(fixture):
    assert _advfirewall.no_rule(load("advfirewall", fixture), 1)
    assert _advfirewall.read_show(shown(fixture, 1), "SSIS Scale Out Master") == []


def test_no_output_at_all_with_exit_code_1_is_no_rule():
    assert _advfirewall.no_rule("", 1) and _advfirewall.no_rule("\r\n\r\n", 1)
    assert _advfirewall.read_show(CommandResult(SHOW, 1, "\r\n", ""), "SSIS Scale Out Master") == []


@pytest.mark.parametrize("fixture, rc, named", [
    ("show_rule_elevation_en-US_assumed.txt", 1, "requires elevation"),       # an error, not an answer
    ("show_rule_none_unknown_language_assumed.txt", 1, "Geen regels"),        # a language the table does not know
    ("show_rule_truncated_en-US_assumed.txt", 0, "Profiles:"),               # a block too short to be a rule
    ("show_rule_en-US_assumed.txt", 1, "SSIS Scale Out Master"),              # rule blocks, yet a failing exit code
])
def test_output_that_is_not_recognisably_no_rule_is_never_absent(fixture, rc, named):
    text = load("advfirewall", fixture)
    assert not _advfirewall.no_rule(text, rc)
    with pytest.raises(RemediationError) as error:
        _advfirewall.read_show(shown(fixture, rc), "SSIS Scale Out Master")
    message = str(error.value)
    assert named in message and "not taken as absent" in message and f"exit code {rc}" in message


def test_a_rule_block_of_another_name_is_not_taken_for_absent():
    with pytest.raises(RemediationError) as error:
        _advfirewall.read_show(shown("show_rule_en-US_assumed.txt", 0), "SSIS Scale Out Worker")
    assert "whose name reads 'SSIS Scale Out Master'" in str(error.value)


def test_the_error_names_at_most_500_characters_of_the_text():
    text = "x" * 2000
    with pytest.raises(RemediationError) as error:
        _advfirewall.read_show(CommandResult(SHOW, 1, text, ""), "SSIS Scale Out Master")
    assert "x" * 500 in str(error.value) and "x" * 501 not in str(error.value)


def test_read_show_gives_the_rules_of_the_name():
    (rule,) = _advfirewall.read_show(shown("show_rule_de-DE_assumed.txt", 0), "ssis scale out master")
    assert _advfirewall.same(rule, MASTER)
    assert len(_advfirewall.read_show(shown("show_rule_two_en-US_assumed.txt", 0), "Integration Runtime HA")) == 2


def test_a_published_german_output_of_two_rules_for_any_protocol():
    outbound, inbound = _advfirewall.read_show(shown("show_rule_two_de-DE.txt", 0), "VagrantWinNFSd-1.4.0")
    assert (outbound.direction, inbound.direction) == ("out", "in")  # "Aus", "Eingehend"
    assert outbound.protocol == inbound.protocol == "ANY" and outbound.localport == "Any"
    assert outbound.profiles == _advfirewall.PROFILES and outbound.action == "allow" and outbound.enabled is True
    assert not outbound.unreadable() and not _advfirewall.restorable(outbound)


def test_values_in_an_unknown_language_are_reported_not_guessed():
    rules = _advfirewall.parse_show_rule(load("advfirewall", "show_rule_unknown_language_assumed.txt"))
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


def test_every_word_of_the_localisation_table_is_read_and_a_word_outside_it_is_reported():
    """The parser reads the words of plugins/plugin_utils/_l10n.py (the simulator prints the same
    table); "Ausgehend" was once accepted for outbound as a guess, but the published German output
    prints "Aus" and no source shows "Ausgehend": it is reported, not read."""
    for concept, meaning in (("Out", "out"), ("In", "in")):
        for word in _l10n.words(_l10n.ADVFIREWALL, concept).values():
            assert _advfirewall._DIRECTION[word.casefold()] == meaning
    text = load("advfirewall", "show_rule_two_de-DE.txt").replace("Aus\r\n", "Ausgehend\r\n", 1)
    rule = _advfirewall.parse_show_rule(text)[0]
    assert rule.direction is None and rule.unreadable() == ["direction 'Ausgehend'"]
