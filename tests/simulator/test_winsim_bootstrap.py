"""Ansible's bootstrap wrapper actions, driven with the exact script and stdin ansible-core builds."""

from __future__ import annotations

import base64
import hashlib

import pytest
from winsim_helpers import make_node, run

from ansible.executor.powershell.module_manifest import _bootstrap_powershell_script
from ansible.plugins.loader import shell_loader

TEMP = "C:\\Users\\irops\\AppData\\Local\\Temp"
SHELL = shell_loader.get("powershell")


def wrapper_call(action: str, params: dict, *, data: bytes | None = None, strict: bool = False,
                 preserve_rc: bool = False) -> tuple[str, bytes]:
    """(script as decoded from -EncodedCommand, stdin) exactly as the winrm plugin sends them."""
    script, stdin = _bootstrap_powershell_script(action, params, has_input=data is not None)
    parts = SHELL._encode_script(script, as_list=True, strict_mode=strict, preserve_rc=preserve_rc)
    decoded = base64.b64decode(parts[-1]).decode("utf-16-le")
    if data is not None:
        stdin += b"".join(base64.b64encode(data[i:i + 250000]) + b"\r\n" for i in range(0, len(data), 250000))
    return decoded, stdin


def test_mkdtemp_put_fetch_remove_round_trip():
    node = make_node()
    before = node.digest()
    script, stdin = wrapper_call("powershell_mkdtemp.ps1", {"Directory": "%TEMP%", "Name": "ansible-tmp-1"},
                                 strict=True, preserve_rc=True)
    made = run(node, script, stdin)
    assert (made.stdout, made.exit_code) == ([f"{TEMP}\\ansible-tmp-1"], 0)

    payload = bytes(range(256)) * 3000  # 768000 bytes: several put pieces and fetch chunks
    target = f"{TEMP}\\ansible-tmp-1\\payload.bin"
    script, stdin = wrapper_call("winrm_put_file.ps1", {"Path": target}, data=payload)
    put = run(node, script, stdin)
    assert put.exit_code == 0 and put.stdout == ['{"sha1":"%s"}' % hashlib.sha1(payload).hexdigest()]

    fetched = b""
    for offset in (0, 524288):
        script, stdin = wrapper_call("winrm_fetch_file.ps1", {"Path": target, "BufferSize": 524288, "Offset": offset},
                                     strict=True)
        chunk = run(node, script, stdin)
        assert chunk.exit_code == 0
        fetched += base64.b64decode(chunk.stdout[0])
    assert fetched == payload

    script, stdin = wrapper_call("winrm_fetch_file.ps1", {"Path": TEMP, "BufferSize": 10, "Offset": 0}, strict=True)
    assert run(node, script, stdin).stdout == ["[DIR]"]

    removal = base64.b64decode(SHELL.remove(f"{TEMP}\\ansible-tmp-1", recurse=True).split()[-1]).decode("utf-16-le")
    assert run(node, removal).exit_code == 0
    assert node.digest() == before
    actions = [e["bootstrap"]["action"] for e in node.log_snapshot() if e["bootstrap"]]
    assert actions == ["powershell_mkdtemp.ps1", "winrm_put_file.ps1", "winrm_fetch_file.ps1",
                       "winrm_fetch_file.ps1", "winrm_fetch_file.ps1"]


def test_put_empty_file_and_missing_parent():
    node = make_node()
    script, stdin = wrapper_call("winrm_put_file.ps1", {"Path": f"{TEMP}\\empty.txt"}, data=b"")
    assert run(node, script, stdin).stdout == ['{"sha1":"%s"}' % hashlib.sha1(b"").hexdigest()]
    script, stdin = wrapper_call("winrm_put_file.ps1", {"Path": "C:\\no\\such\\dir\\f.txt"}, data=b"x")
    failed = run(node, script, stdin)
    assert failed.exit_code == 1 and "Could not find a part of the path" in failed.stderr[0]


def test_fetch_missing_file_fails_with_stderr():
    script, stdin = wrapper_call("winrm_fetch_file.ps1", {"Path": "C:\\nope.txt", "BufferSize": 10, "Offset": 0},
                                 strict=True)
    missing = run(make_node(), script, stdin)
    assert (missing.exit_code, missing.stdout, missing.stderr) == (1, [], ["C:\\nope.txt does not exist"])


def test_mkdtemp_existing_directory_fails():
    node = make_node()
    script, stdin = wrapper_call("powershell_mkdtemp.ps1", {"Directory": "%TEMP%", "Name": "x"},
                                 strict=True, preserve_rc=True)
    assert run(node, script, stdin).exit_code == 0
    again = run(node, script, stdin)
    assert again.exit_code == 1 and "already exists" in again.stderr[0]


def test_other_bootstrap_actions_and_tampered_wrappers_are_refused(allow_refusals):
    node = make_node()
    script, stdin = wrapper_call("powershell_expand_user.ps1", {"Path": "~"}, strict=True)
    refused = run(node, script, stdin)
    assert refused.exit_code == 1 and "not emulated" in refused.stderr[1]
    script, stdin = wrapper_call("powershell_mkdtemp.ps1", {"Directory": "%TEMP%", "Name": "y"})
    tampered = run(node, script.replace("$splat = @{}", "$splat = @{}; Remove-Item C:\\ -Recurse"), stdin)
    assert tampered.exit_code == 1 and tampered.stderr[0].startswith("winsim: refused:")
    assert len(allow_refusals()) == 2


@pytest.mark.parametrize("stdin", [b"", b"not json\n\0\0\0\0\n{}", b'{"name":"other","script":""}\n\0\0\0\0\n{}'])
def test_malformed_bootstrap_input_is_refused(allow_refusals, stdin):
    script, _stdin = wrapper_call("powershell_mkdtemp.ps1", {"Directory": "%TEMP%", "Name": "z"})
    outcome = run(make_node(), script, stdin)
    assert outcome.exit_code == 1 and outcome.stderr[0].startswith("winsim: refused: ansible bootstrap wrapper")
