#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/certificate_verify.py); this file holds its documentation.

DOCUMENTATION = r"""
module: certificate_verify
short_description: Check a certificate's chain and revocation status with certutil -verify -urlfetch
version_added: 0.1.0
description:
  - Runs C(certutil -verify -urlfetch) on a certificate file on the node, the check the self-hosted IR
    troubleshooting article documents, and reports whether the chain was built to a trusted root and whether
    revocation was checked, could not be checked because the revocation server was offline, or found the
    certificate revoked.
  - certutil reports success even when revocation was offline (C(CRYPT_E_REVOCATION_OFFLINE)), so the result keys
    on the revocation line and its error code, not on the exit code. Output in any display language is understood.
  - Read-only; it runs in check mode and never fails because of what it finds (use C(failed_when) on RV(status)).
extends_documentation_fragment:
  - irops.remediation.attributes
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - ansible.builtin.action_common_attributes.flow
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
options:
  path:
    description:
      - The certificate file (C(.cer)) on the node.
    type: str
    required: true
notes:
  - A self-signed certificate has no revocation check; its RV(revocation) is V(not_applicable).
seealso:
  - module: irops.remediation.certificate_info
  - name: certutil
    description: Microsoft documentation of certutil -verify.
    link: https://learn.microsoft.com/windows-server/administration/windows-commands/certutil
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Check the remote-access certificate of a self-hosted IR node
  irops.remediation.certificate_verify:
    path: C:\Temp\shir.cer
  register: chain
  failed_when: chain.status not in ['valid']
"""

RETURN = r"""
status:
  description:
    - V(valid), V(revocation_offline), V(revocation_not_checked), V(revoked), V(chain_error), V(file_not_found), or
      V(revocation_unknown) when the chain was built but certutil's output does not say the revocation state in words
      this collection knows (see RV(output)).
  returned: always
  type: str
  sample: revocation_offline
chain_built:
  description: Whether the chain was built to a trusted root, within its validity period.
  returned: always
  type: bool
revocation:
  description: V(checked), V(offline), V(revoked), V(not_checked) (no revocation information), V(not_applicable) (self-signed) or V(unknown).
  returned: always
  type: str
revocation_checked:
  description: Whether revocation was checked and the certificate is not revoked.
  returned: always
  type: bool
revocation_offline:
  description: Whether the revocation server could not be reached.
  returned: always
  type: bool
revoked:
  description: Whether the certificate is revoked.
  returned: always
  type: bool
error:
  description:
    - The error code certutil printed on a chain or revocation line (C(0x800B010A), C(0x80092013)...), the chain's
      first; null when it printed none. The flag values of its trace (C(dwFlags = ... (0x20000000))) are no error.
  returned: always
  type: str
trust_errors:
  description:
    - The trust-status error flags certutil printed for the chain and its elements (C(CERT_TRUST_IS_PARTIAL_CHAIN),
      C(CERT_TRUST_IS_OFFLINE_REVOCATION)...); they alone can say that the chain was not built or revocation was
      offline.
  returned: always
  type: list
  elements: str
completed:
  description: Whether certutil exited with 0 (which does not mean revocation was checked).
  returned: always
  type: bool
path:
  description: The file checked.
  returned: always
  type: str
output:
  description: certutil's output lines.
  returned: always
  type: list
  elements: str
round_trips:
  description: How many times the task sent commands to the node.
  returned: always
  type: int
  sample: 1
msg:
  description: A summary.
  returned: always
  type: str
"""
