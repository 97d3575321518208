"""secedit /configure's template (user_right): only the one right's line, holders written as given or as *SID,
hostile account names refused or written so that the template's structure cannot change."""

from __future__ import annotations

import codecs

import pytest
from hostile import embedded

from ansible_collections.irops.remediation.plugins.plugin_utils import _secedit
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

DIAHOST = "*S-1-5-80-2309424314-4000424941-3690464367-1726909705-3288450713"


def text_of(data: bytes) -> str:
    assert data.startswith(codecs.BOM_UTF16_LE)
    return data[2:].decode("utf-16-le")


def test_the_template_holds_only_that_rights_line_and_reads_back():
    data = _secedit.template_bytes("seservicelogonright", [DIAHOST, "CONTOSO\\svc-ir"])
    text = text_of(data)
    assert text.split("\r\n") == ["[Unicode]", "Unicode=yes", "[Version]", 'signature="$CHICAGO$"', "Revision=1",
                                  "[Privilege Rights]", f"SeServiceLogonRight = {DIAHOST},CONTOSO\\svc-ir", ""]
    assert _secedit.parse_template(text) == {"SeServiceLogonRight": [DIAHOST, "CONTOSO\\svc-ir"]}


def test_no_holder_is_an_empty_value_which_reads_as_none():
    text = text_of(_secedit.template_bytes("SeBatchLogonRight", []))
    assert "SeBatchLogonRight = \r\n" in text
    assert _secedit.parse_template(text) == {"SeBatchLogonRight": []}


def test_a_sid_with_or_without_its_star_is_written_as_star_sid():
    assert _secedit.validate_holder("s-1-5-32-544") == "*S-1-5-32-544"
    assert _secedit.validate_holder("*S-1-5-32-544") == "*S-1-5-32-544"


@pytest.mark.parametrize("value", ["CONTOSO\\svc-ir", "svc-ir", ".\\svc-ir", "svc-ir@contoso.local",
                                   "NT SERVICE\\DIAHostService", "CONTOSO\\svc ir", "pässwörd-Konto"])
def test_account_names_are_written_as_given(value):
    assert _secedit.validate_holder(value) == value


@pytest.mark.parametrize("value", ['CONTOSO\\a"b', "CONTOSO\\a,b", "CONTOSO\\a=b", "CONTOSO\\a\nb", "CONTOSO\\a;b",
                                   "CONTOSO\\a\r\nSeDebugPrivilege = *S-1-1-0", "a%PATH%b", "[Privilege Rights]",
                                   " CONTOSO\\svc", "CONTOSO\\svc ", "A\\B\\C", "\\svc", "CONTOSO\\", "", "  ",
                                   "a\u2028b", "a\x00b", "a\tb"])
def test_hostile_names_are_refused_with_the_value_and_the_fix(value):
    with pytest.raises(InvalidValue) as caught:
        _secedit.template_bytes("SeServiceLogonRight", [value])
    assert "SID" in caught.value.message or "account" in caught.value.message


@pytest.mark.parametrize("label,value", sorted(embedded("CONTOSO\\svc", "x").items()))
def test_every_hostile_value_is_refused_or_stays_one_holder_on_one_line(label, value):
    try:
        data = _secedit.template_bytes("SeServiceLogonRight", [DIAHOST, value])
    except InvalidValue:
        return
    text = text_of(data)
    assert text.count("\r\n") == 7 and "\n" not in text.replace("\r\n", ""), label
    assert _secedit.parse_template(text) == {"SeServiceLogonRight": [DIAHOST, value]}, label


@pytest.mark.parametrize("value", ["SeServiceLogon", "Log on as a service", "SeServiceLogonRight\n", "Se*",
                                   "SeServiceLogonRight = Guest", 5, None])
def test_only_documented_right_names(value):
    with pytest.raises(InvalidValue) as caught:
        _secedit.validate_right(value)
    assert "SeServiceLogonRight" in caught.value.message


def test_configure_command_names_only_the_user_rights_area():
    command = _secedit.configure_command("C:\\Windows\\Temp\\x.sdb", "C:\\Windows\\Temp\\x.inf")
    assert command.line == ("secedit /configure /db C:\\Windows\\Temp\\x.sdb /cfg C:\\Windows\\Temp\\x.inf "
                            "/areas USER_RIGHTS /quiet")
    assert not command.read_only
