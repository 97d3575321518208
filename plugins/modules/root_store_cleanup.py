#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/root_store_cleanup.py); this file holds its documentation.

DOCUMENTATION = r"""
module: root_store_cleanup
short_description: Report root-store hygiene findings and delete only the certificates listed
version_added: 0.1.0
description:
  - Reads a LocalMachine store (C(Root) by default) with C(certutil -store) and reports the certificates that
    are not self-signed (intermediate or leaf certificates in a root store), expired, or that share their
    subject with another certificate of the store. A cluttered root store can make a server send a trusted
    issuer list too large for the TLS handshake, the cause behind the SSIS Scale Out "HTTP request forbidden"
    entry.
  - Deletes, with C(certutil -delstore), only the thumbprints given in O(remove_thumbprints) that are present.
    It never deletes a certificate because of a finding; review the findings, then list what to delete.
  - In check mode only the read runs.
extends_documentation_fragment:
  - irops.remediation.attributes
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - ansible.builtin.action_common_attributes.flow
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  store_name:
    description:
      - The LocalMachine store.
    type: str
    default: Root
  remove_thumbprints:
    description:
      - The SHA-1 thumbprints of the certificates to delete. Thumbprints not in the store are reported in
        RV(not_present) and are not an error.
    type: list
    elements: str
    default: []
notes:
  - The connection user must be a local administrator of the node.
  - Deleting a root certificate that something still chains to breaks that trust; the findings are hints, not verdicts.
seealso:
  - module: irops.remediation.certificate_info
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Audit the root store
  irops.remediation.root_store_cleanup:
  register: root_audit

- name: Remove two reviewed certificates
  irops.remediation.root_store_cleanup:
    remove_thumbprints:
      - BD89861C7801C45BE44FB59FADC9198889B77F45
      - 29385C8A39C63665A6B47C9870A72CAD65628530
"""

RETURN = r"""
store:
  description: The store.
  returned: always
  type: str
  sample: LocalMachine\Root
findings:
  description: One entry per certificate and issue (V(not_self_signed), V(expired), V(duplicate_subject)), read before any deletion.
  returned: always
  type: list
  elements: dict
  sample: [{thumbprint: 29385C8A39C63665A6B47C9870A72CAD65628530, subject: CN=shir01.contoso.local, issue: not_self_signed,
            detail: "issued by CN=Contoso Root CA, O=Contoso: an intermediate or leaf certificate in a root store"}]
removed:
  description: The listed thumbprints that were (in check mode, would be) deleted.
  returned: always
  type: list
  elements: str
not_present:
  description: The listed thumbprints that were not in the store.
  returned: always
  type: list
  elements: str
documented_symptoms:
  description: The catalog entries named by O(documented_entry), none when it is not given; what this drift causes.
    Scale Out Master is one cause of "HTTP request forbidden").
  returned: when a listed certificate is (or would be) removed
  type: list
  elements: dict
round_trips:
  description: How many times the task sent commands to the node.
  returned: always
  type: int
msg:
  description: A summary.
  returned: always
  type: str
"""
