"""icacls: ACL parsing in English and French, account resolution by SID, commands."""

from __future__ import annotations

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _icacls
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

KEY = "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\1f33be65a1c5fbcfff8a10147809592d_4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
WORKER_SID = "S-1-5-80-2381143654-2257828965-1688554798-2842969470-1205468836"


def test_service_sid_follows_the_documented_derivation():
    # TrustedInstaller's SID is published: it checks the derivation.
    assert _icacls.service_sid("TrustedInstaller") == "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"


@pytest.mark.parametrize("name", ["key_file_en-US_assumed.txt", "key_file_fr-FR_assumed.txt"])
def test_key_file_acl_same_facts_in_english_and_french(name):
    aces = _icacls.parse_acl(load("icacls", name), KEY)
    assert [ace.rights for ace in aces] == ["F", "F", "R"]
    readers = _icacls.readers(aces)
    assert len(readers) == 3 and readers[2] == "NT SERVICE\\SSISScaleOutWorker140"
    system = _icacls.resolve("NT AUTHORITY\\SYSTEM")
    assert _icacls.access_of(aces, system) == "full_control"
    assert _icacls.access_of(aces, _icacls.resolve("NT SERVICE\\SSISScaleOutWorker140")) == "read"
    assert _icacls.access_of(aces, _icacls.resolve("S-1-5-20")) is None


def test_missing_file_has_no_acl_and_an_error_line():
    text = load("icacls", "key_file_missing_en-US_assumed.txt")
    assert _icacls.parse_acl(text, KEY) == []


@pytest.mark.parametrize("value, name, sid", [
    ("NT SERVICE\\SSISScaleOutWorker140", "NT SERVICE\\SSISScaleOutWorker140", WORKER_SID),
    ("nt authority\\system", "NT AUTHORITY\\SYSTEM", "S-1-5-18"),
    ("AUTORITE NT\\Syst\u00e8me", "NT AUTHORITY\\SYSTEM", "S-1-5-18"),
    ("*S-1-5-20", "NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20"),
    ("S-1-5-21-1-2-3-1001", "S-1-5-21-1-2-3-1001", "S-1-5-21-1-2-3-1001"),
    ("CONTOSO\\svc-ir", "CONTOSO\\svc-ir", None),
])
def test_resolve(value, name, sid):
    principal = _icacls.resolve(value)
    assert (principal.name, principal.sid) == (name, sid)


@pytest.mark.parametrize("value", ["", "a:b", "x\ny", 'a"b', "DOM\\u*", 5])
def test_bad_accounts_are_refused(value):
    with pytest.raises(InvalidValue) as error:
        _icacls.resolve(value)
    assert repr(value) in str(error.value)


def test_commands_name_accounts_by_sid_when_known():
    worker = _icacls.resolve("NT SERVICE\\SSISScaleOutWorker140")
    assert _icacls.grant_command(KEY, worker, "read").line == f"icacls {KEY} /grant:r '*{WORKER_SID}:(R)'"
    user = _icacls.resolve("CONTOSO\\svc ir")
    assert _icacls.grant_command(KEY, user, "full_control").line == f"icacls {KEY} /grant:r 'CONTOSO\\svc ir:(F)'"
    assert _icacls.remove_command(KEY, worker).line == f"icacls {KEY} /remove:g '*{WORKER_SID}'"


def test_deny_and_inherited_aces():
    text = (f"{KEY} *S-1-5-20:(DENY)(R)\r\n" + " " * (len(KEY) + 1) + "BUILTIN\\Users:(I)(RX)\r\n"
            + " " * (len(KEY) + 1) + "CONTOSO\\a:(R,W)\r\n\r\nSuccessfully processed 1 files; Failed processing 0 files\r\n")
    aces = _icacls.parse_acl(text, KEY)
    assert aces[0].deny and aces[1].inherited and aces[2].allows_read
    assert _icacls.readers(aces) == ["BUILTIN\\Users", "CONTOSO\\a"]
    assert _icacls.access_of(aces, _icacls.resolve("BUILTIN\\Users")) is None  # inherited only
    assert aces[0].text == "*S-1-5-20:(DENY)(R)"


def test_grant_failure_text_in_german():
    from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult
    text = load("icacls", "grant_no_mapping_de-DE_assumed.txt")
    assert "CONTOSO\\nobody" in _icacls.failure(CommandResult("icacls", 1332, "", text))


def _listing(*aces):
    """An icacls listing of KEY with these ACE texts (the layout of the real corpus outputs)."""
    pad = " " * (len(KEY) + 1)
    lines = [f"{KEY} {aces[0]}"] + [pad + ace for ace in aces[1:]]
    return "\r\n".join(lines + ["", "Successfully processed 1 files; Failed processing 0 files", ""])


@pytest.mark.parametrize("ace, reads", [
    # mixed case as icacls prints it (os-win's functional test asserts "(W,Rc)"; puppetlabs acl's acceptance
    # tests "(Rc,RD,WEA,DC)", "(S,AD,X,WA)", "(D,REA,WEA,RA,WA)")
    ("CONTOSO\\svc:(W,Rc)", False),
    ("CONTOSO\\svc:(RX,W)", True),
    ("CONTOSO\\svc:(OI)(CI)(Rc,RD,WEA,DC)", True),
    ("CONTOSO\\svc:(S,AD,X,WA)", False),
    ("CONTOSO\\svc:(GR,GE)", True),
    ("CONTOSO\\svc:(OI)(CI)(IO)(F)", False),  # inherit-only: nothing on the object itself
    ("CONTOSO\\svc:(I)(RX)", True),
])
def test_mixed_case_and_specific_rights_are_read_not_dropped(ace, reads):
    aces = _icacls.parse_acl(_listing("NT AUTHORITY\\SYSTEM:(F)", ace), KEY)
    assert [a.text for a in aces] == ["NT AUTHORITY\\SYSTEM:(F)", ace]
    assert not aces[1].unknown
    assert ("CONTOSO\\svc" in _icacls.readers(aces)) is reads


def test_a_deny_of_write_does_not_hide_a_reader_and_a_deny_of_read_does():
    aces = _icacls.parse_acl(_listing("CONTOSO\\a:(DENY)(W)", "CONTOSO\\b:(OI)(CI)(DENY)(Rc,S,RA,WA)",
                                      "CONTOSO\\c:(DENY)(RD)", "CONTOSO\\a:(R)", "CONTOSO\\b:(R)", "CONTOSO\\c:(R)"), KEY)
    assert _icacls.readers(aces) == ["CONTOSO\\a", "CONTOSO\\b"]


def test_an_unknown_right_is_reported_never_guessed():
    aces = _icacls.parse_acl(_listing("NT AUTHORITY\\SYSTEM:(F)", "CONTOSO\\svc:(R,Zz)", "CONTOSO\\x:(QQ)(R)"), KEY)
    assert [ace.unknown for ace in aces] == [(), ("Zz",), ("QQ",)]
    assert _icacls.unreadable(aces) == ["CONTOSO\\svc:(R,Zz)", "CONTOSO\\x:(QQ)(R)"]
    with pytest.raises(_icacls.UnknownRights) as error:
        _icacls.access_of(aces, _icacls.resolve("CONTOSO\\svc"))
    assert "CONTOSO\\svc:(R,Zz)" in str(error.value)
    assert _icacls.access_of(aces, _icacls.resolve("NT AUTHORITY\\SYSTEM")) == "full_control"


def test_inherit_only_full_control_is_no_access_to_the_object():
    aces = _icacls.parse_acl(_listing("CONTOSO\\svc:(OI)(CI)(IO)(F)"), KEY)
    assert _icacls.access_of(aces, _icacls.resolve("CONTOSO\\svc")) is None
