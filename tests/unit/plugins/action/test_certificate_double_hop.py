"""The certificate module's double-hop error recommends only what works for a PFX import (issue 14, item 2).

become is refused by every module of the collection (plugins/plugin_utils/_action.py), so the error must not
recommend it; the end-to-end test tests/e2e/test_certificate.py provokes the error itself.
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.action.certificate import DOUBLE_HOP
from ansible_collections.irops.remediation.plugins.plugin_utils._action import BECOME_REFUSED


def test_the_double_hop_error_names_what_works_and_not_become():
    assert "ansible_winrm_transport: credssp" in DOUBLE_HOP
    assert "ansible_winrm_kerberos_delegation: true" in DOUBLE_HOP
    assert "become_user: SYSTEM" in DOUBLE_HOP and "ansible.windows.win_certificate_store" in DOUBLE_HOP
    assert "use become" not in DOUBLE_HOP and "become is not supported by this collection's modules" in DOUBLE_HOP


def test_the_become_refusal_names_the_same_remedies():
    assert "ansible_winrm_transport: credssp" in BECOME_REFUSED and "double-hop" in BECOME_REFUSED
