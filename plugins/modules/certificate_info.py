#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/certificate_info.py); this file holds its documentation.

DOCUMENTATION = r"""
module: certificate_info
short_description: Report the certificates of a Windows store with their private key facts and key access
version_added: 0.1.0
description:
  - Lists every certificate of a LocalMachine certificate store (or one thumbprint, or those whose subject
    contains a text) with C(certutil -store), and reads the ACL of each private key file with C(icacls).
  - For each certificate it returns the thumbprint, subject, issuer, validity, whether it is self-signed and
    has a private key, the key provider and its type (CSP or CNG), the key spec, whether the key is exportable,
    the key file and the accounts allowed to read it.
  - These are the facts behind the documented SSIS Scale Out and self-hosted IR certificate failures
    (a worker service that cannot read its key, a CNG key or an AT_SIGNATURE key where a CSP key-exchange key
    is needed, a master certificate missing from Root).
  - The output is parsed by the shape of its values and the order of its lines, so the node's display
    language does not matter.
  - With O(hygiene=true) it also reports trust-store findings (meant for C(Root)) that
    M(irops.remediation.root_store_cleanup) can act on.
  - Read-only; it runs in check mode.
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
  store_name:
    description:
      - The store, such as V(My), V(Root), V(CA) or V(WebHosting).
    type: str
    default: My
  store_location:
    description:
      - The store location. Only the machine stores are read.
    type: str
    choices: [LocalMachine]
    default: LocalMachine
  thumbprint:
    description:
      - Report only this certificate (SHA-1 thumbprint; spaces, colons and invisible marks are removed).
    type: str
  subject:
    description:
      - Report only the certificates whose subject contains this text (case-insensitive).
    type: str
  key_access:
    description:
      - Read the ACL of every private key file (one more round trip, batching C(icacls) on all key files).
    type: bool
    default: true
  dns_names:
    description:
      - Read the subject alternative names with C(certutil -v -store) in the same round trip, for
        RV(certificates[].dns_names) and RV(certificates[].wcf_dns_name).
      - The verbose listing is a few kilobytes per certificate; set V(false) for a large store when the names
        are not needed.
    type: bool
    default: true
  hygiene:
    description:
      - Report certificates that are not self-signed, expired, or share a subject with another certificate
        of the store, in RV(hygiene). Nothing is removed.
    type: bool
    default: false
  export:
    description:
      - Return the certificate itself (O(thumbprint) required) in RV(exported), read with certutil's output-file form
        C(certutil -store <store> <thumbprint> <file>) and the file's bytes, in the same round trip as the listing,
        so that another node can trust it with M(irops.remediation.certificate) O(irops.remediation.certificate#module:content)
        and no file is copied by hand.
      - The file is a temporary copy in C(C:\Windows\Temp), removed by the same script, so the node is as before
        (in check mode too). A copy left by a dropped connection is removed by the next run of M(irops.remediation.certificate) on that node.
      - Only the certificate (public) is exported, never its private key.
    type: bool
    default: false
notes:
  - The connection user must be a local administrator of the node.
  - C(certutil -store) does not print the subject alternative names; C(certutil -v -store) does, in the node's
    language. The names are read under the extension's OID (2.5.29.17, never translated) from the entries whose
    label holds the acronym DNS (C(DNS Name=), C(Nom DNS=), C(DNS-Name=)).
  - Dates are the node's local time as certutil prints them; RV(certificates[].expired) compares them
    with the controller's UTC clock.
  - The key file is named by the unique container name (C(<32 hex>_<machine GUID>)) certutil prints, whichever
    line it is on (C(Key Container =) for a CSP key enrolled from a template, C(Unique container name:) otherwise).
    It is never derived from the container name; when certutil prints no unique name,
    RV(certificates[].key_file) is null and RV(certificates[].key_file_unknown) says what is missing.
  - certutil prints the key lines in the node's language. Words this collection's tables do not know are listed
    in RV(certificates[].key_unread), and what they could have said (exportable, key spec, provider) is null.
seealso:
  - module: irops.remediation.private_key_access
  - module: irops.remediation.certificate
  - name: certutil
    description: Microsoft documentation of certutil.
    link: https://learn.microsoft.com/windows-server/administration/windows-commands/certutil
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: What does the worker certificate look like, and who can read its key?
  irops.remediation.certificate_info:
    store_name: My
    subject: SSISWORKER01
  register: worker_cert

- name: Audit the trusted root store
  irops.remediation.certificate_info:
    store_name: Root
    key_access: false
    dns_names: false
    hygiene: true
  register: roots

- name: Which host name does WCF check for the self-hosted IR remote access certificate?
  irops.remediation.certificate_info:
    thumbprint: "{{ shir_certificate_thumbprint }}"
    key_access: false
  register: shir_cert

- name: Show it
  ansible.builtin.debug:
    msg: "WCF checks {{ shir_cert.certificates[0].wcf_dns_name }} (SAN: {{ shir_cert.certificates[0].dns_names }})"
"""

RETURN = r"""
exported:
  description: The certificate O(thumbprint) names, when O(export=true); null when the store does not hold it.
  returned: when O(export=true)
  type: dict
  contains:
    thumbprint:
      description: Its thumbprint.
      type: str
    subject:
      description: Its subject.
      type: str
    content:
      description: The certificate (DER) in base64, as M(irops.remediation.certificate) O(irops.remediation.certificate#module:content) takes it.
      type: str
    pem:
      description: The same certificate in PEM.
      type: str
    warning:
      description: Present when the temporary copy could not be removed.
      type: str
      returned: when the removal failed
store:
  description: The store read.
  returned: always
  type: str
  sample: LocalMachine\My
machine_guid:
  description:
    - The machine GUID (C(HKLM\SOFTWARE\Microsoft\Cryptography) MachineGuid), or null when it could not be read.
    - The unique container names of machine keys end with it.
  returned: always
  type: str
  sample: 4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
certificates:
  description: The certificates found, in store order.
  returned: always
  type: list
  elements: dict
  contains:
    thumbprint:
      description: SHA-1 thumbprint, upper case.
      type: str
      sample: 21F5F6B3697E9EF46E28B0FB7AAE5320FA53D878
    subject:
      description: The subject as certutil prints it.
      type: str
      sample: CN=SSISWORKER01
    issuer:
      description: The issuer as certutil prints it.
      type: str
    serial:
      description: The serial number (hex).
      type: str
    not_before:
      description: Start of validity, ISO 8601, node local time.
      type: str
      sample: "2024-12-01T00:00:00"
    not_after:
      description: End of validity, ISO 8601, node local time.
      type: str
      sample: "2034-12-01T00:00:00"
    expired:
      description: Whether RV(certificates[].not_after) is past (controller clock), or null when the date was not understood.
      type: bool
    self_signed:
      description: Whether the subject equals the issuer.
      type: bool
    has_private_key:
      description: Whether the store holds a private key for the certificate.
      type: bool
    dns_names:
      description:
        - Subject alternative DNS names in certificate order; an empty list when the certificate has none.
        - Null when O(dns_names=false), or when the verbose listing did not show the certificate.
      type: list
      elements: str
    wcf_dns_name:
      description:
        - The name WCF compares with the endpoint host name - the last SAN DNS name (the known issue of the
          self-hosted IR article), or the subject CN when the certificate has no SAN DNS name.
        - Null when RV(certificates[].dns_names) is.
      type: str
    provider:
      description: The key provider name, or null without a key.
      type: str
      sample: Microsoft Enhanced RSA and AES Cryptographic Provider
    provider_type:
      description:
        - C(CSP) (CryptoAPI) or C(CNG) (a key storage provider), or null without a key.
        - Null too when the provider is not one this collection knows, or its line could not be read.
      type: str
      sample: CSP
    key_spec:
      description:
        - C(AT_KEYEXCHANGE) or C(AT_SIGNATURE) for a CSP key, read from certutil's key test line
          (C(Encryption test passed) / C(Signature test passed)); null for CNG keys and without a key.
        - Null too when the key test line could not be read.
      type: str
      sample: AT_KEYEXCHANGE
    exportable:
      description:
        - Whether the private key can be exported (C(Private key is NOT exportable) says it cannot;
          C(Private key is NOT plain text exportable) means it can, encrypted).
        - Null when certutil printed a line in a language this collection's tables do not know.
      type: bool
    container:
      description:
        - The key container the certificate names, by its simple name; null when certutil names none (an empty
          C(Key Container =), or no key provider information).
      type: str
    unique_name:
      description: The unique container name, C(<32 hex>_<machine GUID>), when certutil printed it.
      type: str
    key_file:
      description:
        - The key file (MachineKeys for CSP keys, Crypto\Keys for CNG keys), named by RV(certificates[].unique_name).
        - Null when certutil printed no unique container name or an unknown provider; see
          RV(certificates[].key_file_unknown).
      type: str
    key_file_unknown:
      description: Why RV(certificates[].key_file) is null for a certificate with a key (what certutil did not say).
      type: str
    key_unread:
      description: The key lines certutil printed in words this collection's tables do not know.
      type: list
      elements: str
    key_access:
      description: Accounts allowed to read the key file, as icacls names them (localised for well-known groups).
      returned: when O(key_access=true) and the certificate has a key
      type: list
      elements: str
      sample: [NT AUTHORITY\SYSTEM, BUILTIN\Administrators, NT SERVICE\SSISScaleOutWorker140]
    key_acl:
      description: The key file's ACEs as icacls prints them.
      returned: when O(key_access=true) and the certificate has a key
      type: list
      elements: str
    key_file_error:
      description: What icacls said when the key file could not be read.
      returned: when icacls failed
      type: str
hygiene:
  description: Trust-store findings, one per certificate and issue.
  returned: when O(hygiene=true)
  type: list
  elements: dict
  sample: [{thumbprint: 29385C8A39C63665A6B47C9870A72CAD65628530, subject: CN=shir01.contoso.local,
            issue: not_self_signed, detail: "issued by CN=Contoso Root CA, O=Contoso: ..."}]
round_trips:
  description: How many times the task sent commands to the node.
  returned: always
  type: int
  sample: 2
msg:
  description: A summary.
  returned: always
  type: str
"""
