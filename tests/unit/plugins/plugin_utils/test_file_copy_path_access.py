"""The pieces file_copy and path_access read and decide with (issue 13): certutil -hashfile output in both
layouts, and which explicit icacls entries already give at least the rights asked for."""

from __future__ import annotations

import pytest

from ansible_collections.irops.remediation.plugins.plugin_utils import _files, _icacls
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult

HASH = "768a813668695ef2483b2bde7cf5d1b2db0423a0d3e63e498f3ab6f2eb13ea3a"


def result(stdout, rc=0):
    return CommandResult("certutil -hashfile C:\\x SHA256", rc, stdout, "")


@pytest.mark.parametrize("stdout", [
    f"SHA256 hash of C:\\x:\n{HASH}\nCertUtil: -hashfile command completed successfully.\n",
    "SHA256 hash of file C:\\x:\n" + " ".join(HASH[i:i + 2] for i in range(0, 64, 2)).upper()
    + "\nCertUtil: -hashfile command completed successfully.\n",          # the byte-pair layout of older builds
    f"Hachage SHA256 de C:\\x\u00a0:\n{HASH}\nCertUtil: -hashfile La commande s'est termin\u00e9e correctement.\n",
])
def test_the_hash_is_read_by_its_shape_in_any_layout_and_language(stdout):
    assert _files.parse_hash(result(stdout)) == HASH


@pytest.mark.parametrize("stdout, rc", [
    ("CertUtil: -hashfile command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\n", -2147024894),
    (f"SHA256 hash of C:\\x:\n{HASH}\n", 1),
    (f"SHA256 hash of C:\\{HASH}:\n{HASH[:-1]}\n", 0),   # a 64-hex file name is not the hash line
])
def test_no_hash_is_guessed(stdout, rc):
    with pytest.raises(RemediationError):
        _files.parse_hash(result(stdout, rc))


SERVICE = _icacls.resolve("NT SERVICE\\DIAHostService")


@pytest.mark.parametrize("aces, rights, flags, covered", [
    (["NT SERVICE\\DIAHostService:(OI)(CI)(M)"], "M", ("OI", "CI"), True),
    (["NT SERVICE\\DIAHostService:(OI)(CI)(F)"], "M", ("OI", "CI"), True),
    (["NT SERVICE\\DIAHostService:(OI)(CI)(RX)"], "M", ("OI", "CI"), False),
    (["NT SERVICE\\DIAHostService:(M)"], "M", ("OI", "CI"), False),               # the folder only, not below
    (["NT SERVICE\\DIAHostService:(OI)(CI)(IO)(M)"], "M", ("OI", "CI"), False),   # not the folder itself
    (["NT SERVICE\\DIAHostService:(I)(OI)(CI)(M)"], "M", ("OI", "CI"), False),    # inherited does not count
    ([f"*{SERVICE.sid}:(OI)(CI)(M)"], "RX", ("OI", "CI"), True),                  # by SID
    (["NT SERVICE\\Other:(OI)(CI)(F)"], "R", (), False),
])
def test_explicit_entries_that_give_at_least_the_rights(aces, rights, flags, covered):
    parsed = _icacls.parse_acl_from(aces)
    assert bool(_icacls.explicit_allows(parsed, SERVICE, rights, flags)) is covered


def test_an_unknown_right_is_not_guessed_and_a_deny_is_found():
    with pytest.raises(_icacls.UnknownRights):
        _icacls.explicit_allows(_icacls.parse_acl_from(["NT SERVICE\\DIAHostService:(OI)(CI)(Q)"]), SERVICE, "M", ())
    deny = _icacls.parse_acl_from(["NT SERVICE\\DIAHostService:(DENY)(W)", "NT SERVICE\\DIAHostService:(OI)(CI)(M)"])
    assert [ace.text for ace in _icacls.denied(deny, SERVICE, "M")] == ["NT SERVICE\\DIAHostService:(DENY)(W)"]
    assert _icacls.denied(deny, SERVICE, "R") == []


@pytest.mark.parametrize("verb, flags, rights", [("/grant", ("OI", "XX"), "M"), ("/deny", (), "M"),
                                                 ("/grant", (), "M) /T /C (F"), ("/grant", (), "GA")])
def test_a_permission_is_built_from_constants_only(verb, flags, rights):
    with pytest.raises(ValueError):
        _icacls.permission_command("C:\\Data", verb, SERVICE, rights, flags)
