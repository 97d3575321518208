#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/user_right.py); this file holds its documentation.

DOCUMENTATION = r"""
module: user_right
short_description: Grant or remove a user right (such as Log on as a service) with secedit
version_added: 0.1.0
description:
  - Adds accounts to, or removes them from, one user right of the node's local security policy, such as
    C(SeServiceLogonRight) (Log on as a service), which the self-hosted integration runtime's C(DIAHostService)
    account needs (the SHIR article's "Integration runtime registration error").
  - Reads the current holders with C(secedit /export /areas USER_RIGHTS) (a temporary template, read and removed
    in the same script). In check mode only this runs; the result and C(--diff) show the holders before and after.
  - Applies with C(secedit /configure /db <new database> /cfg <template> /areas USER_RIGHTS /quiet), where the
    template holds ONLY that right's line, the current holders as secedit wrote them plus or minus the accounts
    given, so no other right is touched; the whole policy is never rewritten.
  - One script on the node writes the templates, configures, configures the previous holders again if that
    failed, exports again to verify and removes every temporary file. If the verification shows anything else
    than planned (or another right changed), the previous holders are configured again and the task fails.
  - Accounts whose SID the controller knows (well-known accounts, C(NT SERVICE\<service>) virtual accounts, SIDs)
    are written as C(*SID) and compared by SID. Domain and local accounts are written by name; secedit maps them
    to their SID on the node. When the right lists SIDs the controller cannot name, whether a named account is
    one of them is only known after the apply; the task warns in check mode and reports no change when
    C(secedit) left the holders as they were.
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
  name:
    description:
      - The constant name of the right as Microsoft documents it in "User Rights Assignment"
        (C(SeServiceLogonRight), C(SeBatchLogonRight), C(SeImpersonatePrivilege), ...); the case is not significant.
    type: str
    required: true
  accounts:
    description:
      - The accounts to add or remove, as C(DOMAIN\user), C(.\user), C(NT SERVICE\<service>), a well-known account
        (C(NT AUTHORITY\SYSTEM), C(BUILTIN\Administrators)) or a SID (C(S-1-5-...) or C(*S-1-5-...)).
      - Refused before anything runs - names holding what a security template cannot carry (C(,) C(=) C(;) C(")
        C(%) C([) C(]), line breaks and other control characters) or no account name holds (C(/) C(:) C(|) C(+) C(*)
        C(?) C(<) C(>)); give such an account's SID instead.
    type: list
    elements: str
    required: true
  action:
    description:
      - V(add) grants the right to the accounts, V(remove) takes it from them. Other holders stay.
      - Default V(add). Not together with O(state).
    type: str
    choices: [add, remove]
  state:
    description:
      - V(present) is O(action=add), V(absent) is O(action=remove).
    type: str
    choices: [present, absent]
  exclusive:
    description:
      - Only V(false) is supported - the module never replaces every holder of a right.
    type: bool
    default: false
notes:
  - The connection user must be a local administrator of the node.
  - A right that a domain Group Policy sets is set again at the next policy refresh.
  - That a right listed in the template replaces that right's holders and leaves the others untouched is how
    C(secedit /configure) is commonly used (SecurityPolicyDsc); Microsoft's page does not say it in words.
seealso:
  - name: secedit /configure
    description: Microsoft documentation of secedit /configure.
    link: https://learn.microsoft.com/windows-server/administration/windows-commands/secedit-configure
  - name: User Rights Assignment
    description: The constant names of the user rights.
    link: https://learn.microsoft.com/windows/security/threat-protection/security-policy-settings/user-rights-assignment
  - module: irops.remediation.shir_service_account
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Let the self-hosted IR account log on as a service
  irops.remediation.user_right:
    name: SeServiceLogonRight
    accounts: ['CONTOSO\svc-ir']
    action: add
    documented_entry: [shir-registration-error-service-account]

- name: Take a right from an account given by its SID
  irops.remediation.user_right:
    name: SeBatchLogonRight
    accounts: ['S-1-5-21-3623811015-3361044348-30300820-1105']
    state: absent
"""

RETURN = r"""
name:
  description: The right, spelled as Microsoft documents it.
  returned: always
  type: str
  sample: SeServiceLogonRight
accounts:
  description: The accounts given.
  returned: always
  type: list
  elements: str
  sample: ['CONTOSO\svc-ir']
before:
  description: The holders before the task, as secedit wrote them (C(*SID) or a name).
  returned: always
  type: list
  elements: str
  sample: ['*S-1-5-80-2309424314-4000424941-3690464367-1726909705-3288450713']
after:
  description: The holders after the task as secedit exports them (in check mode, the line that would be written).
  returned: always
  type: list
  elements: str
  sample: ['*S-1-5-80-2309424314-4000424941-3690464367-1726909705-3288450713', '*S-1-5-21-3623811015-3361044348-30300820-1105']
documented_symptoms:
  description: The catalog entries named by O(documented_entry), none when it is not given; what this drift causes.
  returned: when a change is needed
  type: list
  elements: dict
  sample: []
round_trips:
  description: How many times the task sent commands to the node.
  returned: always
  type: int
  sample: 2
msg:
  description: What was found and what was (or would be) done.
  returned: always
  type: str
  sample: "SeServiceLogonRight: it will be granted to CONTOSO\\svc-ir"
"""
