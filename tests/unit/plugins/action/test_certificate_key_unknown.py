"""certificate and private_key_access on a key whose facts certutil's output did not say: refused, naming
what is missing, before any change (never a re-import or a grant on a guessed key file)."""

from __future__ import annotations

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.action import certificate, private_key_access
from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import RemediationError

SOURCE = {"thumbprint": "E6CC21E72B8357BD5A0990DB7DED3421F3F8B9AA", "pfx": True}
WANT = {"provider": None, "key_spec": _certutil.KEY_EXCHANGE, "exportable": False}


def _current(text: str) -> dict:
    return _certutil.parse_store(text)[0].as_dict()


def test_a_key_read_in_full_is_compared():
    current = _current(load("real/certutil", "store_my_csp_guid_container_en-US.txt"))  # AT_KEYEXCHANGE, not exportable
    assert certificate._problems(current, SOURCE, WANT) == []
    assert certificate._problems(current, SOURCE, dict(WANT, exportable=True)) == ["its key is not exportable"]


def test_a_key_whose_lines_are_not_read_is_refused_not_reimported():
    text = load("real/certutil", "store_my_csp_guid_container_en-US.txt").replace(
        "Private key is NOT exportable\r\nEncryption test passed", "Zeile A\r\nZeile B", 1)  # words no table holds
    current = _current(text)
    assert current["exportable"] is None and current["key_spec"] is None
    with pytest.raises(RemediationError) as error:
        certificate._problems(current, SOURCE, WANT)
    message = str(error.value)
    assert "its key spec" in message and "whether its key is exportable" in message and "Zeile A | Zeile B" in message
    assert "nothing was changed" in message
    assert certificate._problems(current, SOURCE, dict(WANT, key_spec=None, exportable=None)) == []


def test_private_key_access_refuses_a_key_file_certutil_did_not_name():
    text = load("real/certutil", "dump_p12_ca_key_not_plain_text_exportable_en-US.txt")  # a key, no unique name
    cert = dict(_current(text), key_acl=None)
    with pytest.raises(RemediationError, match="is not known: certutil printed no unique container name"):
        private_key_access._one_key([cert], cert["thumbprint"], "My")
