#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/certificate.py); this file holds its documentation.

DOCUMENTATION = r"""
module: certificate
short_description: Ensure a certificate, and its private key as wanted, is or is not in a Windows store
version_added: 0.1.0
description:
  - Ensures that a certificate is in a LocalMachine store (C(certutil -importpfx) for a PFX, C(certutil -addstore)
    for a certificate file), or that it is not (C(certutil -delstore)).
  - For a PFX, present means the certificate is in the store with its private key, in the requested provider and
    with the requested key spec and exportability. A certificate whose key is missing, has the wrong key spec, or
    sits in a CNG provider when a CSP is requested is repaired by importing the PFX again
    (C(certutil -f -p ... -csp <provider> -importpfx <store> <file> AT_KEYEXCHANGE)), the documented fix for the
    self-hosted IR errors about a key that is not capable of key exchange or a CNG (KSP) key.
  - Also the documented fix for SSIS Scale Out trust errors, to import the master certificate (a .cer) into each
    worker's C(Root) store, and the worker certificate into the master's C(Root) store.
  - The file is parsed on the controller first, so its thumbprint, subject, DNS names and expiry are known
    before anything changes, and a wrong password fails before anything runs on the node.
  - The password and the file's bytes travel on the standard input of the remote command, never in a command
    line, a log or a result (a PFX holds the encrypted private key).
  - A file from the controller (O(src)) or inline (O(content)) is written to C(C:\Windows\Temp) as
    C(irops certificate <32 hex digits>.pfx) (or C(.cer)) in the same round trip as the import, and removed in
    that round trip whatever the import returns. A copy left behind by a run whose connection dropped is removed
    by the next run (RV(leftovers_removed)).
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
  path:
    description:
      - A C(.pfx) or C(.cer) file on the node (absolute path). It is read, not removed.
      - One of O(path), O(src) and O(content) is required when O(state=present).
    type: str
  src:
    description:
      - A C(.pfx) or C(.cer) file on the controller (looked up like the C(copy) module's C(src)).
    type: path
  content:
    description:
      - The bytes of a C(.pfx) or C(.cer) file, base64-encoded.
    type: str
  password:
    description:
      - The PFX password. Required for a PFX; an empty string for a PFX exported without a password.
      - It reaches C(certutil -p) exactly, spaces, trailing backslashes, double quotes and non-ASCII characters
        included. Refused before anything runs, with the reason (never the value) - control characters (line
        breaks, tabs), and the rare password with a space in which, after a double quote, two spaces in a row or
        a no-break space cannot be kept together through Windows PowerShell 5.1.
    type: str
  store_name:
    description:
      - The store, such as V(My), V(Root) or V(CA).
    type: str
    default: My
  store_location:
    description:
      - The store location. Only the machine stores are managed.
    type: str
    choices: [LocalMachine]
    default: LocalMachine
  state:
    description:
      - V(present) imports the certificate (and repairs its key); V(absent) deletes it from the store.
      - V(absent) deletes only the certificate given by O(thumbprint); its key container stays.
    type: str
    choices: [present, absent]
    default: present
  thumbprint:
    description:
      - The certificate's SHA-1 thumbprint. Required when O(state=absent).
      - When O(state=present), the task fails before any change if the file's certificate has another thumbprint.
    type: str
  key_spec:
    description:
      - For a PFX, the key spec wanted. V(key_exchange) is C(AT_KEYEXCHANGE), which SSIS Scale Out and the
        self-hosted IR need; V(signature) is C(AT_SIGNATURE); V(keep) leaves it to certutil on import and
        does not check it.
    type: str
    choices: [key_exchange, signature, keep]
    default: keep
  provider:
    description:
      - For a PFX, the key provider wanted, a CSP name (C(Microsoft Enhanced RSA and AES Cryptographic Provider))
        or V(ksp) for the Microsoft Software Key Storage Provider (CNG). Unset, the provider is not checked and
        certutil's default is used on import.
    type: str
  exportable:
    description:
      - For a PFX, whether the key must be exportable. V(false) imports with C(NoExport). Unset, not checked, and a
        re-import (to repair the key spec or provider) keeps the present key's exportability, which
        C(certutil -store) shows (C(Private key is NOT exportable)); a key whose exportability certutil's output does
        not say fails before any change, asking for this option.
    type: bool
  key_readers:
    description:
      - For a PFX, accounts that must read the private key (C(NT SERVICE\DIAHostService), C(DOMAIN\name), a SID).
        A missing read grant is added with C(icacls <key file> /grant:r <account>:(R)); after a re-import, which
        creates a new key file, it is granted on the new one in the round trip that follows the verified import.
      - Empty, the key's ACL is neither read nor changed.
    type: list
    elements: str
    default: []
notes:
  - The connection user must be a local administrator of the node.
  - Importing a PFX over WinRM with NTLM (or Kerberos without delegation) can fail with "The specified network
    password is not correct" although the password is right (the double-hop limit); the error then says so and
    names the remedies (CredSSP, Kerberos with delegation, or an import run as the node's SYSTEM account by
    C(ansible.windows.win_certificate_store) with C(become_method=runas), as that module's notes document).
    C(become) on this module's task is refused, like on every module of the collection.
  - Re-importing over a certificate whose key is wrong creates a new key container. Its readers are granted read
    again (O(key_readers)), and the key file of the replaced key, orphaned, is removed once the verifying
    C(certutil -store) shows the certificate with the wanted key in another file (RV(orphaned_key_file)). A failed
    import or verification leaves that file in place.
  - Check mode reports the same RV(steps) the apply runs.
seealso:
  - module: irops.remediation.certificate_info
  - module: irops.remediation.private_key_access
  - name: certutil
    description: Microsoft documentation of certutil -importPFX, -addstore and -delstore.
    link: https://learn.microsoft.com/windows-server/administration/windows-commands/certutil
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Import the worker certificate with a key-exchange key in a CSP
  irops.remediation.certificate:
    src: files/SSISWORKER01.pfx
    password: "{{ worker_pfx_password }}"
    store_name: My
    key_spec: key_exchange
    provider: Microsoft Enhanced RSA and AES Cryptographic Provider

- name: The self-hosted IR remote-access certificate, with a CSP key DIAHostService can read
  irops.remediation.certificate:
    src: files/shir01.pfx
    password: "{{ shir_pfx_password }}"
    key_spec: key_exchange
    provider: Microsoft Enhanced RSA and AES Cryptographic Provider
    key_readers:
      - NT SERVICE\DIAHostService

- name: Trust the Scale Out Master certificate on a worker
  irops.remediation.certificate:
    path: C:\Program Files\Microsoft SQL Server\140\DTS\Binn\SSISScaleOutMaster.cer
    store_name: Root

- name: Remove an old master certificate
  irops.remediation.certificate:
    store_name: Root
    thumbprint: BD89861C7801C45BE44FB59FADC9198889B77F45
    state: absent
"""

RETURN = r"""
thumbprint:
  description: The certificate's thumbprint, upper case.
  returned: always
  type: str
subject:
  description: The certificate's subject (from the file; from the store for O(state=absent)).
  returned: when known
  type: str
dns_names:
  description: The subject alternative DNS names of the file's certificate.
  returned: when O(state=present)
  type: list
  elements: str
wcf_dns_name:
  description:
    - The name WCF checks against the endpoint host name - the last SAN DNS name, or the subject CN when the
      certificate has no SAN DNS name.
  returned: when O(state=present)
  type: str
not_after:
  description: The certificate's expiry (UTC, ISO 8601).
  returned: when O(state=present)
  type: str
store:
  description: The store.
  returned: always
  type: str
  sample: LocalMachine\My
before:
  description: The certificate as certutil showed it before (keys as in M(irops.remediation.certificate_info)), or null.
  returned: always
  type: dict
after:
  description: The certificate after the task, or null.
  returned: when not in check mode
  type: dict
key:
  description: The key facts after the task (has_private_key, provider, provider_type, key_spec, exportable, key_file).
  returned: when O(state=present) and not in check mode
  type: dict
reasons:
  description: Why the certificate is (re)imported.
  returned: when a change is needed
  type: list
  elements: str
  sample: ["its key is in Microsoft Software Key Storage Provider (CNG), not in Microsoft Enhanced RSA and AES Cryptographic Provider"]
documented_symptoms:
  description: The catalog entries named by O(documented_entry), none when it is not given; what this drift causes.
  returned: when a change is needed
  type: list
  elements: dict
leftovers_removed:
  description:
    - Temporary copies of certificate files (C(C:\Windows\Temp\irops certificate <32 hex digits>.pfx)) an earlier
      run left behind, removed by this run (or, in check mode, that would be). Their removal is a change.
  returned: when there were any
  type: list
  elements: str
steps:
  description:
    - Every change the task makes, in order - in check mode what the apply will do, and the same list when it applies.
  returned: when O(state=present)
  type: list
  elements: str
  sample:
    - import 29385C8A39C63665A6B47C9870A72CAD65628530 with its private key into LocalMachine\My (certutil -importpfx;
      Microsoft Enhanced RSA and AES Cryptographic Provider, AT_KEYEXCHANGE; exportable)
    - grant NT SERVICE\DIAHostService read on the new private key file
    - remove the orphaned key file C:\ProgramData\Microsoft\Crypto\Keys\<32 hex>_<machine GUID> of the replaced key
orphaned_key_file:
  description: The key file of the replaced key, and whether it was removed after the re-import.
  returned: when a re-import replaced a key whose file certutil named
  type: dict
key_acl:
  description: The ACL of the key file as icacls printed it after a grant.
  returned: when read was granted to O(key_readers)
  type: list
  elements: str
round_trips:
  description: How many times the task sent commands to the node.
  returned: always
  type: int
  sample: 1
msg:
  description: What was found and what was (or would be) done.
  returned: always
  type: str
"""
