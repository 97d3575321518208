"""winhttpcertcfg: commands and output."""

from __future__ import annotations

from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _winhttpcertcfg
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult


def test_list_names_the_accounts():
    assert _winhttpcertcfg.parse_accounts(load("winhttpcertcfg", "list_en-US.txt")) == [
        "NT AUTHORITY\\SYSTEM", "BUILTIN\\Administrators", "NT SERVICE\\SSISScaleOutWorker140"]


def test_errors():
    text = load("winhttpcertcfg", "grant_cng_error.txt")
    assert _winhttpcertcfg.error(CommandResult("w", 1, text, "")) == \
        "Error: Access was not successfully obtained for the private key."
    assert "not installed" in _winhttpcertcfg.error(CommandResult("w", -1, "", "not recognized"))
    assert _winhttpcertcfg.error(CommandResult("w", 0, load("winhttpcertcfg", "list_en-US.txt"), "")) is None


def test_commands():
    command = _winhttpcertcfg.grant_command("My", "SSISWORKER01", "NT SERVICE\\SSISScaleOutWorker140")
    assert command.line == "winhttpcertcfg -g -c LOCAL_MACHINE\\My -s SSISWORKER01 -a 'NT SERVICE\\SSISScaleOutWorker140'"
    assert not command.read_only and _winhttpcertcfg.list_command("My", "a b").read_only
    assert _winhttpcertcfg.remove_command("My", "x", "y").line.startswith("winhttpcertcfg -r ")
