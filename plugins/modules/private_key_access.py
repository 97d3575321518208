#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/private_key_access.py); this file holds its documentation.

DOCUMENTATION = r"""
module: private_key_access
short_description: Grant or revoke an account's access to a certificate's private key
version_added: 0.1.0
description:
  - Ensures that an account has (or has not) Read or Full control on the private key of a certificate in a
    LocalMachine store, by changing the ACL of the key file.
  - This is the documented fix for the SSIS Scale Out entry "Could not establish secure channel for SSL/TLS";
    the Scale Out Worker service account (C(NT SERVICE\SSISScaleOutWorker140) by default) must be able to read
    the worker certificate's private key.
  - Works for CSP keys (files in C(%ProgramData%\Microsoft\Crypto\RSA\MachineKeys)) and CNG keys (files in
    C(%ProgramData%\Microsoft\Crypto\Keys)); the key file is found with C(certutil -store).
  - O(method=acl) (and V(auto)) uses C(icacls) on the key file, which needs no extra tool. O(method=winhttpcertcfg)
    uses C(winhttpcertcfg -g) / C(-r) as the troubleshooting article does; that tool is not part of Windows, grants
    Read only, and cannot handle CNG keys, so the task refuses it for a CNG key before changing anything.
  - C(winhttpcertcfg -s) finds the certificate by a piece of its subject (the subject CN is given), not by thumbprint,
    so any certificate of the store whose subject contains that string can be the one changed. With
    O(method=winhttpcertcfg) the task reads the whole store and refuses, before changing anything, when the CN is
    also in another certificate's subject (C(CN=SSISWORKER01) and C(CN=SSISWORKER01-OLD)), naming those
    certificates; use O(method=acl) then. Whatever the method, the key file's ACL is read back to verify the change.
  - Accounts are given by name or SID. Well-known accounts and C(NT SERVICE\<service>) virtual accounts are sent to
    C(icacls) as their SID, so a localised node (C(AUTORITE NT\Système)) needs no translated names.
  - In check mode only the reads run; the result and the diff show the ACL before and the ACL that would result.
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
  thumbprint:
    description:
      - The SHA-1 thumbprint of the certificate whose private key is meant.
    type: str
    required: true
  store_name:
    description:
      - The LocalMachine store that holds the certificate.
    type: str
    default: My
  account:
    description:
      - The account, such as C(NT SERVICE\SSISScaleOutWorker140), C(CONTOSO\svc-ir), C(NT AUTHORITY\SYSTEM),
        or a SID (C(S-1-5-20), with or without a leading C(*)).
    type: str
    required: true
  access:
    description:
      - The access wanted when O(state=present). V(read) is satisfied by an existing Full control ACE.
      - A grant replaces the account's explicit allow ACE on the key file (C(icacls /grant:r)).
    type: str
    choices: [read, full_control]
    default: read
  state:
    description:
      - V(present) grants O(access); V(absent) removes the account's explicit allow ACEs on the key file.
      - Access through a group or an inherited ACE is not removed; the result shows the ACL.
    type: str
    choices: [present, absent]
    default: present
  method:
    description:
      - How the ACL is changed. V(auto) and V(acl) use C(icacls) on the key file; V(winhttpcertcfg) uses that tool,
        which must be installed on the node, handles CSP keys only, grants Read only, and is refused when the
        certificate's CN is also part of another certificate's subject in the store.
    type: str
    choices: [auto, acl, winhttpcertcfg]
    default: auto
notes:
  - The connection user must be a local administrator of the node.
  - Restart the service that uses the key (for example C(SSISScaleOutWorker140)) after granting access.
seealso:
  - module: irops.remediation.certificate_info
  - name: Troubleshoot SSIS Scale Out
    description: The "Could not establish secure channel for SSL/TLS" entry this module fixes.
    link: https://learn.microsoft.com/sql/integration-services/scale-out/troubleshooting-scale-out
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Let the Scale Out Worker service read its certificate's key
  irops.remediation.private_key_access:
    thumbprint: "{{ worker_thumbprint }}"
    account: NT SERVICE\SSISScaleOutWorker140

- name: The same with the tool the article names (CSP keys only)
  irops.remediation.private_key_access:
    thumbprint: "{{ worker_thumbprint }}"
    account: NT SERVICE\SSISScaleOutWorker140
    method: winhttpcertcfg

- name: Revoke a domain account's access
  irops.remediation.private_key_access:
    thumbprint: "{{ worker_thumbprint }}"
    account: CONTOSO\old-svc
    state: absent
"""

RETURN = r"""
thumbprint:
  description: The certificate's thumbprint, upper case.
  returned: always
  type: str
subject:
  description: The certificate's subject.
  returned: always
  type: str
key_file:
  description: The private key file whose ACL is meant.
  returned: always
  type: str
provider_type:
  description: C(CSP) or C(CNG).
  returned: always
  type: str
principal:
  description: The account as resolved on the controller.
  returned: always
  type: dict
  sample: {name: NT SERVICE\SSISScaleOutWorker140, sid: S-1-5-80-2381143654-2257828965-1688554798-2842969470-1205468836}
  contains:
    name:
      description: The account name (the English name for a well-known account).
      type: str
    sid:
      description: The SID, or null for a domain or local account (icacls resolves it on the node).
      type: str
principal_shown:
  description: The account as the node names it in the key file's ACL, after the task.
  returned: when the account has an ACE on the key file
  type: str
before:
  description: The access the account had (V(read), V(full_control) or null).
  returned: always
  type: str
after:
  description: The access the account has after the task (in check mode, would have).
  returned: always
  type: str
acl_before:
  description: The key file's ACEs before the task, as icacls prints them.
  returned: always
  type: list
  elements: str
acl_after:
  description: The key file's ACEs after the task (in check mode, the planned ones).
  returned: always
  type: list
  elements: str
method:
  description: The tool that made the change (V(acl) or V(winhttpcertcfg)).
  returned: when changed and not in check mode
  type: str
winhttpcertcfg_matched:
  description: The subject winhttpcertcfg printed under C(Matching certificate:), the certificate it acted on.
  returned: when O(method=winhttpcertcfg) made a change
  type: str
  sample: CN=SSISWORKER01
documented_symptoms:
  description: The catalog entries named by O(documented_entry), none when it is not given; what this drift causes.
  returned: when a change is needed
  type: list
  elements: dict
round_trips:
  description: How many times the task sent commands to the node.
  returned: always
  type: int
  sample: 2
msg:
  description: What was found and what was (or would be) done.
  returned: always
  type: str
"""
