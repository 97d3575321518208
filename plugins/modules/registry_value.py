#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/registry_value.py); this file holds its documentation.

DOCUMENTATION = r"""
module: registry_value
short_description: Set or remove one registry value with reg.exe
version_added: 0.1.0
description:
  - Ensures that a registry value has the given type and data, or that it does not exist, with
    C(reg query), C(reg add) and C(reg delete).
  - The documented fixes it applies include C(SendTrustedIssuerList) = 0 and C(ClientAuthTrustMode) under
    C(HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL), C(SchUseStrongCrypto) and
    C(SystemDefaultTlsVersions) = 1 for the .NET Framework, and the SQL Server authentication mode (C(LoginMode)).
  - Values are compared by type and typed data, not as text, so C(0x0) equals C(0) and the case of hex
    digits does not matter. A value of another type is replaced.
  - The value is read with C(reg query), whose type and data do not depend on the node's display language.
  - In check mode only C(reg query) runs. After a change the value is read again to verify it.
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
      - The registry key, starting with a root key reg.exe knows (C(HKLM), C(HKCU), C(HKCR), C(HKU), C(HKCC)
        or their long names).
      - The PowerShell drive form (C(HKLM:\SOFTWARE\...)) is accepted as well.
      - A missing key is created by C(reg add), with any missing parent keys.
    type: str
    required: true
    aliases: [key]
  name:
    description:
      - The value name. An empty string names the key's default value.
    type: str
    required: true
    aliases: [value]
  type:
    description:
      - The value type. Required when O(state=present).
    type: str
    choices: [binary, dword, expand_string, multi_string, qword, string]
  data:
    description:
      - The data. Required when O(state=present).
      - V(dword) and V(qword) take a number, decimal or C(0x) hexadecimal (as a number or a string).
      - V(string) and V(expand_string) take a string; C(%VARIABLES%) in an V(expand_string) are stored unexpanded.
      - V(multi_string) takes a list of strings (a single string is a list of one).
      - V(binary) takes hexadecimal bytes (C(fe340ead), C(fe 34 0e ad), C(fe,34,0e,ad)) or a list of numbers 0-255.
    type: raw
  state:
    description:
      - V(present) ensures the value with this type and data; V(absent) deletes the value (not the key).
    type: str
    choices: [present, absent]
    default: present
  ignore_order:
    description:
      - For a V(multi_string), compare the elements regardless of their order.
      - By default a different order is a change, because Windows reads such lists in order.
    type: bool
    default: false
  absent_means:
    description:
      - What Windows reads when the value is absent (its documented default), in the form of O(data) for O(type).
      - When the value is absent and this equals O(data), the task reports no change and writes nothing; a value
        that is present is compared as usual.
      - For example C(SendTrustedIssuerList) is 0 when absent since Windows Server 2012, so O(absent_means=0)
        leaves a healthy master untouched.
      - Only with O(state=present).
    type: raw
notes:
  - The connection user must be a local administrator of the node to change HKLM.
  - Changes to SCHANNEL and to the .NET Framework settings take effect after a restart of the node or of the
    service concerned; a C(LoginMode) change needs a restart of the SQL Server service.
  - reg.exe reports a missing key and a missing value with the same message; both read as V(absent).
  - A V(string) that holds a space and ends with a backslash cannot be passed to reg.exe from PowerShell 5.1
    intact and is refused.
seealso:
  - name: reg add
    description: Microsoft documentation of reg add.
    link: https://learn.microsoft.com/windows-server/administration/windows-commands/reg-add
  - name: reg query
    description: Microsoft documentation of reg query.
    link: https://learn.microsoft.com/windows-server/administration/windows-commands/reg-query
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Do not send the list of trusted issuers (SCHANNEL), the documented client certificate fix
  irops.remediation.registry_value:
    path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL
    name: SendTrustedIssuerList
    type: dword
    data: 0
    absent_means: 0  # the default since Windows Server 2012: an absent value is left absent
    documented_entry: [scaleout-http-request-forbidden]

- name: Let .NET Framework 4 use TLS 1.2 (64-bit and 32-bit views)
  irops.remediation.registry_value:
    path: "{{ item }}"
    name: SchUseStrongCrypto
    type: dword
    data: 1
  loop:
    - HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319
    - HKLM:\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319

- name: Mixed-mode authentication for the default SQL Server 2022 instance
  irops.remediation.registry_value:
    path: HKLM\SOFTWARE\Microsoft\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQLServer
    name: LoginMode
    type: dword
    data: 2
  notify: Restart SQL Server

- name: Remove a value
  irops.remediation.registry_value:
    path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL
    name: ClientAuthTrustMode
    state: absent
"""

RETURN = r"""
path:
  description: The key as reg.exe was given it.
  returned: always
  type: str
  sample: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL
name:
  description: The value name (empty for the default value).
  returned: always
  type: str
  sample: SendTrustedIssuerList
before:
  description: The value before the task, or null when it did not exist.
  returned: always
  type: dict
  sample: {type: dword, data: 1}
  contains:
    type:
      description: The value type, as the O(type) option names it (or the C(REG_) name of a type the module does not set).
      type: str
    data:
      description: The data, typed; a number, a string, a list of strings, or lower-case hex for V(binary).
      type: raw
after:
  description: The value after the task (in check mode, the value the task would set), or null.
  returned: always
  type: dict
  sample: {type: dword, data: 0}
absent_means:
  description: What Windows reads for the absent value (O(absent_means)), typed.
  returned: when the value is absent and O(absent_means) already equals O(data)
  type: dict
  sample: {type: dword, data: 0}
documented_symptoms:
  description: The catalog entries named by O(documented_entry), none when it is not given; what this drift causes.
  returned: when a change is needed
  type: list
  elements: dict
  sample: []
round_trips:
  description: How many times the task sent commands to the node (1 without a change, 2 with one).
  returned: always
  type: int
  sample: 1
msg:
  description: What was found and what was (or would be) done.
  returned: always
  type: str
  sample: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\SendTrustedIssuerList: REG_DWORD 0x1 (1) will be set to REG_DWORD 0x0 (0)"
"""
