#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/shir_service_account.py); this file holds its documentation.

DOCUMENTATION = r"""
module: shir_service_account
short_description: Switch the self-hosted integration runtime's service account with dmgcmd -SwitchServiceAccount
version_added: 0.1.0
description:
  - Changes the account the Integration Runtime Service (C(DIAHostService)) logs on as, exactly as the SHIR article
    requires ("Integration runtime registration error") - C(dmgcmd.exe -SwitchServiceAccount "<account>" "<password>")
    from the installed C(Microsoft Integration Runtime\<version>\Shared) folder, and C("NT Authority\System" "") for
    the LocalSystem account. dmgcmd grants the account what the service needs and restarts the service.
  - Reads C(sc.exe qc DIAHostService) and C(sc.exe query DIAHostService) first, with the install folder (the
    C(DiacmdPath) registry value's folder, else C(C:\Program Files\Microsoft Integration Runtime\5.0), C(4.0) or
    C(3.0)). Nothing changes when the service already logs on as O(account) (compared case-insensitively,
    C(NT Authority\System) being C(LocalSystem) as C(sc.exe qc) prints it). In check mode only these reads run.
  - After the switch, C(sc.exe qc) and C(sc.exe query) verify the account and that the service runs.
  - If dmgcmd fails and the previous account has no password (C(LocalSystem), C(NT AUTHORITY\LocalService),
    C(NT AUTHORITY\NetworkService), C(NT SERVICE\<service>), a group managed service account ending in C($)), the
    same script on the node switches back to it. Otherwise the error says plainly that the previous account
    could not be restored without its password.
  - The password travels on the command's standard input; it never appears in a command line, a log, the result
    or an error.
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
  account:
    description:
      - The new logon account - C(DOMAIN\user), C(.\user), C(user@domain), C(NT Authority\System) for
        LocalSystem, C(NT SERVICE\DIAHostService) (the default virtual account) or another built-in account.
      - C(LocalSystem) (and C(.\LocalSystem)) is refused before anything runs - the article says not to use that
        format; give C(NT Authority\System).
    type: str
    required: true
  password:
    description:
      - The password of O(account); required for an account that has one (not for the built-in, virtual or group
        managed service accounts, which get the empty argument C("")).
      - It reaches dmgcmd exactly, spaces, trailing backslashes, double quotes and non-ASCII characters included.
        Refused before anything runs, with the reason (never the value) - control characters (line breaks,
        tabs), and the rare password with a space in which, after a double quote, two spaces in a row or a
        no-break space cannot be kept together through Windows PowerShell 5.1.
      - A password cannot be read back, so it is not compared - the same account with another password is left
        as it is.
    type: str
  timeout:
    description:
      - Seconds to wait for the service to leave C(START_PENDING) after dmgcmd restarted it (C(sc.exe query) polled
        a tenth of the wait hint apart), from 1 to 3600; a service that does not run then fails the task.
    type: int
    default: 60
notes:
  - The connection user must be a local administrator of the node.
  - The article switches the account on a freshly installed runtime and registers it afterwards (a clean
    uninstall and install first when the account was changed in the Services console).
  - C(dmgcmd.exe) is not on the C(PATH), so it runs from the install's Shared folder, found from C(DiacmdPath) or the
    documented install folders, with the call operator of PowerShell (C(& '<Shared>\dmgcmd.exe' -SwitchServiceAccount ...)).
seealso:
  - module: irops.remediation.user_right
  - module: irops.remediation.service
  - name: Troubleshoot self-hosted integration runtime
    description: The SHIR article, "Integration runtime registration error".
    link: https://learn.microsoft.com/azure/data-factory/self-hosted-integration-runtime-troubleshoot-guide
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Run the self-hosted IR as a domain account
  irops.remediation.shir_service_account:
    account: CONTOSO\svc-ir
    password: "{{ shir_service_password }}"
    documented_entry: [shir-registration-error-service-account]

- name: Run it as LocalSystem (the documented form, never LocalSystem)
  irops.remediation.shir_service_account:
    account: NT Authority\System
"""

RETURN = r"""
name:
  description: The service, C(DIAHostService).
  returned: always
  type: str
  sample: DIAHostService
account:
  description: The account asked for (C(NT Authority\System) for the LocalSystem spellings).
  returned: always
  type: str
  sample: CONTOSO\svc-ir
shared_folder:
  description: The installed runtime's Shared folder, where dmgcmd.exe is.
  returned: always
  type: str
  sample: C:\Program Files\Microsoft Integration Runtime\5.0\Shared
before:
  description: The logon account (as C(sc.exe qc) prints it) and state before the task.
  returned: always
  type: dict
  sample: {account: NT SERVICE\DIAHostService, state: RUNNING}
after:
  description: The logon account and state after the task (in check mode, what the task would leave).
  returned: always
  type: dict
  sample: {account: CONTOSO\svc-ir, state: RUNNING}
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
  sample: DIAHostService now logs on as CONTOSO\svc-ir (was NT SERVICE\DIAHostService) and is running
"""
