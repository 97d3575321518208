from __future__ import annotations

import pytest

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint

WANT = "3DF10A7C5521980B6E4413A79C028E61F05B3A19"


@pytest.mark.parametrize("value", [
    WANT,
    WANT.lower(),
    "3d f1 0a 7c 55 21 98 0b 6e 44 13 a7 9c 02 8e 61 f0 5b 3a 19",
    "3D:F1:0A:7C:55:21:98:0B:6E:44:13:A7:9C:02:8E:61:F0:5B:3A:19",
    "\u200e3df10a7c5521980b6e4413a79c028e61f05b3a19",          # copied from the certificate dialog
    "\ufeff3DF10A7C5521980B6E4413A79C028E61F05B3A19\u200f",
    "  3df10a7c5521980b6e4413a79c028e61f05b3a19\r\n",
    "3d\u00a0f1 0a7c5521980b6e4413a79c028e61f05b3a19",
])
def test_accepts_the_forms_operators_paste(value):
    assert normalize_thumbprint(value) == WANT


@pytest.mark.parametrize("value, detail", [
    ("3DF10A7C5521980B6E4413A79C028E61F05B3A1", "39 characters"),
    ("3DF10A7C5521980B6E4413A79C028E61F05B3A19AA", "42 characters"),
    ("ZZF10A7C5521980B6E4413A79C028E61F05B3A19", "'Z'"),
    ("", "0 characters"),
])
def test_rejects_with_the_value_and_the_fix(value, detail):
    with pytest.raises(InvalidValue) as error:
        normalize_thumbprint(value, what="certificate_hash")
    message = str(error.value)
    assert message.startswith("certificate_hash ")
    assert repr(value) in message and detail in message and "40 hexadecimal digits" in message


def test_rejects_non_strings():
    with pytest.raises(InvalidValue):
        normalize_thumbprint(None)
