"""private_key_access method=winhttpcertcfg: refused when its -s string matches another certificate."""

from __future__ import annotations

import pytest

from ansible_collections.irops.remediation.plugins.action import private_key_access
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import RemediationError

WORKER = {"thumbprint": "21F5F6B3" + "0" * 32, "subject": "CN=SSISWORKER01"}
OLD = {"thumbprint": "BD89861C" + "0" * 32, "subject": "CN=SSISWORKER01-OLD"}
MASTER = {"thumbprint": "AD2DAEA5" + "0" * 32, "subject": "CN=SSISMASTER01"}


def test_a_subject_that_matches_another_certificate_is_refused_naming_it():
    with pytest.raises(RemediationError) as error:
        private_key_access._refuse_ambiguous_subject(WORKER, [OLD, MASTER], WORKER["thumbprint"], "My")
    message = str(error.value)
    assert OLD["thumbprint"] in message and "CN=SSISWORKER01-OLD" in message and MASTER["thumbprint"] not in message
    assert "method=acl" in message and "Nothing was changed" in message and "-s SSISWORKER01" in message


def test_a_subject_only_its_certificate_has_is_not_refused():
    private_key_access._refuse_ambiguous_subject(OLD, [WORKER, MASTER], OLD["thumbprint"], "My")
