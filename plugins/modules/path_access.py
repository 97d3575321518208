#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/path_access.py); this file holds its documentation.

DOCUMENTATION = r"""
module: path_access
short_description: Grant an account rights on a folder or file of a Windows node with icacls
version_added: 0.1.0
description:
  - Ensures that an account holds at least O(rights) on a folder or file through an explicit entry of its ACL
    (C(icacls <path> /grant <account>:(OI)(CI)(M))), or (O(state=absent)) that it holds no explicit allow entry
    (C(icacls <path> /remove:g <account>)).
  - The documented use is the self-hosted integration runtime's "Integration runtime registration error"
    (UnauthorizedAccessException), fixed by giving the Integration Runtime Service (DIAHostService) logon account
    read/write on C(%ProgramData%\Microsoft\DataTransfer\DataManagementGateway).
  - Nothing changes when an explicit allow entry of the account already gives at least O(rights) with at least the
    O(inheritance) flags (V(F) includes every right, V(M) includes V(RX), V(R), V(W) and V(D), V(RX) includes V(R)).
    Inherited entries do not count. A grant adds to the account's explicit rights (C(/grant), not C(/grant:r)), so
    it never takes a right away.
  - Accounts are named to icacls by SID where the controller knows it (well-known accounts, C(NT SERVICE\<service>),
    a SID), which works in every display language; other accounts by name.
  - A change is one script on the node. The path's ACL is saved first (C(icacls <path> /save <temp file>) in
    C(C:\Windows\Temp)); if the grant or removal fails, C(icacls <folder> /restore <temp file>) puts it back in the
    same script. The saved ACL is then read back, the temporary file removed and the ACL read again. If icacls
    reported success but the ACL read back does not give what was asked, the saved ACL is restored in one more
    round trip and the task fails.
  - An entry that denies the account part of O(rights) makes the task fail before any change, as a grant cannot
    override it.
  - In check mode only the ACL is read.
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
    details: The ACL entries before and after, one per line as icacls prints them (in check mode, as planned).
options:
  path:
    description:
      - The absolute path of a folder or file on the node (V(C:\\ProgramData\\Microsoft\\DataTransfer\\DataManagementGateway)).
        It must exist, and may not be a drive's root.
      - It may start with one of the machine-wide variables V(%ProgramData%), V(%ProgramFiles%),
        V(%ProgramFiles(x86\)%), V(%SystemRoot%), V(%windir%), V(%SystemDrive%), whose value is read on the node
        (C([Environment]::ExpandEnvironmentVariables), one more round trip). Any other C(%) is refused, per-user
        variables such as C(%TEMP%), C(%APPDATA%) or C(%USERPROFILE%) too, because they would name the connection
        user's folders, not the service account's.
    type: str
    required: true
  account:
    description:
      - The account, as C(DOMAIN\name), C(NT SERVICE\<service>), C(NT AUTHORITY\SYSTEM) or a SID (C(S-1-5-...)).
      - For the self-hosted IR, the logon account of DIAHostService (C(sc.exe qc DIAHostService); the fact
        C(irops_node.shir_service.account)), by default C(NT SERVICE\DIAHostService).
    type: str
    required: true
  rights:
    description:
      - The simple rights of icacls (learn.microsoft.com icacls) - V(R) read, V(RX) read and execute, V(W) write,
        V(M) modify, V(F) full control. Required with O(state=present).
    type: str
    choices: [R, RX, W, M, F]
  inheritance:
    description:
      - The inheritance flags of the entry - V(OI) object inherit (files below get it), V(CI) container inherit
        (folders below get it), V(NP) no propagation beyond the children, V(IO) inherit only (not the folder itself).
      - Not given, V([OI, CI]) for a folder (the folder and everything below it) and none for a file. Flags on a file
        are refused.
      - With O(state=absent) not used.
    type: list
    elements: str
    choices: [OI, CI, NP, IO]
  state:
    description:
      - V(present) grants at least O(rights); V(absent) removes every explicit allow entry of the account (deny and
        inherited entries stay).
    type: str
    choices: [present, absent]
    default: present
notes:
  - The connection user must be allowed to change the path's permissions (a local administrator).
  - The entries icacls prints with rights or flags this module does not know make it fail without a change, rather
    than guess what they give.
seealso:
  - module: irops.remediation.private_key_access
  - module: irops.remediation.diagnose
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Self-hosted IR - the service account may write in its data folder
  irops.remediation.path_access:
    path: '%ProgramData%\Microsoft\DataTransfer\DataManagementGateway'
    account: "{{ irops_node.shir_service.account }}"
    rights: M
    documented_entry: [shir-registration-error-service-account]

- name: Read-only access to one file
  irops.remediation.path_access:
    path: D:\app\settings.json
    account: CONTOSO\svc-reader
    rights: R

- name: Remove an account's explicit entries
  irops.remediation.path_access:
    path: D:\app
    account: CONTOSO\old-admin
    state: absent
"""

RETURN = r"""
path:
  description: The path, with a leading variable replaced by its value on the node.
  returned: always
  type: str
  sample: C:\ProgramData\Microsoft\DataTransfer\DataManagementGateway
path_given:
  description: The path as given.
  returned: always
  type: str
  sample: '%ProgramData%\Microsoft\DataTransfer\DataManagementGateway'
principal:
  description: The account as given and its SID when the controller knows it.
  returned: always
  type: dict
  sample: {name: NT SERVICE\DIAHostService, sid: S-1-5-80-2309424314-4000424941-3690464367-1726909705-3288450713}
principal_shown:
  description: How icacls printed the account, or null when no entry names it.
  returned: always
  type: str
  sample: NT SERVICE\DIAHostService
rights:
  description: The rights asked for; null with O(state=absent).
  returned: always
  type: str
  sample: M
inheritance:
  description: The inheritance flags of the entry (the default for a folder is OI and CI).
  returned: always
  type: list
  elements: str
  sample: [OI, CI]
acl_before:
  description: The ACL's entries before the task, as icacls printed them.
  returned: always
  type: list
  elements: str
  sample: ["NT SERVICE\\DIAHostService:(OI)(CI)(RX)", "BUILTIN\\Administrators:(I)(OI)(CI)(F)"]
acl_after:
  description: The entries after the task, read back (in check mode, as planned).
  returned: always
  type: list
  elements: str
  sample: ["NT SERVICE\\DIAHostService:(OI)(CI)(M)", "BUILTIN\\Administrators:(I)(OI)(CI)(F)"]
documented_symptoms:
  description: The catalog entries named by O(documented_entry), none when it is not given; what this drift causes.
  returned: when a change is needed
  type: list
  elements: dict
  sample: []
round_trips:
  description: How many times the task sent commands to the node (1 without a change, 2 with one, 1 more for a
    leading variable).
  returned: always
  type: int
  sample: 2
msg:
  description: What was found and what was (or would be) done.
  returned: always
  type: str
  sample: "NT SERVICE\\DIAHostService was granted (OI)(CI)(M) on C:\\ProgramData\\Microsoft\\DataTransfer\\DataManagementGateway"
"""
