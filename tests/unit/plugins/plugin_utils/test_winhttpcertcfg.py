"""winhttpcertcfg: commands and output."""

from __future__ import annotations

from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _winhttpcertcfg
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult


def test_list_names_the_accounts():
    assert _winhttpcertcfg.parse_accounts(load("winhttpcertcfg", "list_en-US_assumed.txt")) == [
        "NT AUTHORITY\\SYSTEM", "BUILTIN\\Administrators", "NT SERVICE\\SSISScaleOutWorker140"]


def test_errors():
    text = load("winhttpcertcfg", "grant_cng_error_assumed.txt")
    assert _winhttpcertcfg.error(CommandResult("w", 1, text, "")) == \
        "Error: Access was not successfully obtained for the private key."
    assert "not installed" in _winhttpcertcfg.error(CommandResult("w", -1, "", "not recognized"))
    assert _winhttpcertcfg.error(CommandResult("w", 0, load("winhttpcertcfg", "list_en-US_assumed.txt"), "")) is None


def test_commands():
    command = _winhttpcertcfg.grant_command("My", "SSISWORKER01", "NT SERVICE\\SSISScaleOutWorker140")
    assert command.line == "winhttpcertcfg -g -c LOCAL_MACHINE\\My -s SSISWORKER01 -a 'NT SERVICE\\SSISScaleOutWorker140'"
    assert not command.read_only and _winhttpcertcfg.list_command("My", "a b").read_only
    assert _winhttpcertcfg.remove_command("My", "x", "y").line.startswith("winhttpcertcfg -r ")


def cert(thumbprint: str, subject: str) -> dict:
    return {"thumbprint": thumbprint, "subject": subject}


WORKER = cert("21F5F6B3" + "0" * 32, "CN=SSISWORKER01")
STORE = [
    WORKER,
    cert("BD89861C" + "0" * 32, "CN=SSISWORKER01-OLD"),
    cert("AAAAAAAA" + "0" * 32, "CN=ssisworker01.contoso.local, O=Contoso"),  # case does not matter
    cert("CCCCCCCC" + "0" * 32, "CN=Backup, OU=SSISWorker01 keys"),  # any part of the subject
    cert("AD2DAEA5" + "0" * 32, "CN=SSISMASTER01"),
    cert("DDDDDDDD" + "0" * 32, None),
]


def test_s_is_the_cn_or_the_whole_subject():
    assert _winhttpcertcfg.subject_argument("CN=SSISWORKER01, OU=Data, O=Contoso") == "SSISWORKER01"
    assert _winhttpcertcfg.subject_argument("O=Contoso, OU=Data") == "O=Contoso, OU=Data"


def test_every_other_certificate_whose_subject_contains_the_string_is_matched_too():
    also = _winhttpcertcfg.also_matched("SSISWORKER01", STORE, WORKER["thumbprint"].lower())
    assert [doc["subject"] for doc in also] == ["CN=SSISWORKER01-OLD", "CN=ssisworker01.contoso.local, O=Contoso",
                                                "CN=Backup, OU=SSISWorker01 keys"]
    assert _winhttpcertcfg.also_matched("SSISWORKER01-OLD", STORE, STORE[1]["thumbprint"]) == []
    assert _winhttpcertcfg.also_matched("SSISMASTER01", STORE, STORE[4]["thumbprint"]) == []


def test_the_matching_certificate_the_tool_acted_on():
    assert _winhttpcertcfg.matched_subject(load("winhttpcertcfg", "list_en-US_assumed.txt")) == "CN=SSISWORKER01"
    assert _winhttpcertcfg.matched_subject(load("winhttpcertcfg", "grant_cng_error_assumed.txt")) == \
        "CN=shir01.contoso.local, OU=Data, O=Contoso"
    assert _winhttpcertcfg.matched_subject("Error:  Unable to find or obtain a context for requested certificate") is None
