#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/service.py); this file holds its documentation.

DOCUMENTATION = r"""
module: service
short_description: Start, stop or restart a Windows service and set its start mode and logon account with sc.exe
version_added: 0.1.0
description:
  - Ensures a service's state (C(sc.exe start), C(sc.exe stop)), start mode and logon account (C(sc.exe config)).
  - The documented fixes end with a service restart after a configuration change (Scale Out Master and Worker,
    the self-hosted integration runtime C(DIAHostService), SQL Server after a C(LoginMode) change). Use it from a
    handler so the restart happens once, only when something changed.
  - V(restarted) restarts the service exactly once per run and reports what it did in RV(actions); a stopped
    service is started.
  - The task waits through pending states (C(START_PENDING), C(STOP_PENDING)) by polling C(sc.exe query), a tenth
    of the service's wait hint apart (1 to 10 seconds), up to O(timeout) seconds.
  - The self-hosted integration runtime's registration depends on the account C(DIAHostService) runs as; changing
    it is supported with O(username) and O(password). The password travels on the command's standard input; it
    never appears in a command line, a log, the result or an error.
  - The service is read with C(sc.exe qc) and C(sc.exe query), parsed by the shape of the values, so the node's
    display language does not matter. In check mode only these two run.
  - A service that does not exist is an error that names it.
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
      - The service name (C(SSISScaleOutWorker140), C(DIAHostService)), not its display name.
    type: str
    required: true
  state:
    description:
      - V(started) and V(stopped) are idempotent; V(restarted) stops and starts the service every time it runs.
      - At least one of O(state), O(start_mode) and O(username) is required.
    type: str
    choices: [started, stopped, restarted]
  start_mode:
    description:
      - V(auto), V(delayed) (automatic, delayed start), V(manual) or V(disabled).
    type: str
    choices: [auto, delayed, manual, disabled]
  username:
    description:
      - The logon account, as C(DOMAIN\user), C(.\user), C(user@domain), a virtual account (C(NT SERVICE\<service>)),
        a group managed service account (ending in C($)) or a built-in account (C(LocalSystem),
        C(NT AUTHORITY\NetworkService), C(NT AUTHORITY\LocalService)).
      - Compared case-insensitively, with the built-in aliases folded (C(NT AUTHORITY\SYSTEM) is C(LocalSystem)).
      - The new account takes effect the next time the service starts.
    type: str
  password:
    description:
      - The password of O(username). Required when the account changes to one that has a password (not a built-in,
        virtual or group managed service account).
      - It reaches C(sc.exe) exactly, spaces, trailing backslashes, double quotes and non-ASCII characters
        included. Refused before anything runs, with the reason (never the value) - control characters (line
        breaks, tabs), and the rare password with a space in which, after a double quote, two spaces in a row or
        a no-break space cannot be kept together through Windows PowerShell 5.1.
    type: str
  update_password:
    description:
      - V(on_account_change) sets the password only when the account changes (a password cannot be read back, so
        it is not compared).
      - V(always) sets it on every run and reports a change every time.
    type: str
    choices: [always, on_account_change]
    default: on_account_change
  timeout:
    description:
      - Seconds to wait for the service to leave a pending state, from 1 to 3600.
    type: int
    default: 60
notes:
  - The connection user must be a local administrator of the node.
  - Restarting the Scale Out Worker after editing C(WorkerSettings.config) is the documented way to apply the edit.
  - For the self-hosted integration runtime, Microsoft documents C(dmgcmd -SwitchServiceAccount) to change the
    account; this module sets the account with C(sc.exe config obj= password=), which changes the same setting.
seealso:
  - name: sc.exe config
    description: Microsoft documentation of sc.exe config.
    link: https://learn.microsoft.com/windows-server/administration/windows-commands/sc-config
  - name: Starting a Service
    description: The wait-hint polling rule this module follows.
    link: https://learn.microsoft.com/windows/win32/services/starting-a-service
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Make sure the Scale Out Worker runs and starts with Windows
  irops.remediation.service:
    name: SSISScaleOutWorker140
    state: started
    start_mode: auto

# In a role's handlers/main.yml: runs once, only when a task notified it.
- name: Restart Scale Out Worker
  irops.remediation.service:
    name: SSISScaleOutWorker140
    state: restarted
    timeout: 120

- name: Run the self-hosted integration runtime as a domain account
  irops.remediation.service:
    name: DIAHostService
    username: CONTOSO\svc-ir
    password: "{{ shir_service_password }}"
    state: restarted
"""

RETURN = r"""
name:
  description: The service name.
  returned: always
  type: str
  sample: SSISScaleOutWorker140
display_name:
  description: The display name as the node shows it (in the node's language).
  returned: always
  type: str
  sample: SQL Server Integration Services Scale Out Worker 14.0
before:
  description: The service before the task.
  returned: always
  type: dict
  sample: {state: RUNNING, start_mode: manual, username: NT Service\SSISScaleOutWorker140}
  contains:
    state:
      description: The SCM state (C(RUNNING), C(STOPPED), C(START_PENDING), C(STOP_PENDING), C(PAUSED), ...).
      type: str
    start_mode:
      description: V(auto), V(delayed), V(manual), V(disabled) (or C(boot), C(system) for drivers).
      type: str
    username:
      description: The logon account as C(sc.exe qc) prints it.
      type: str
after:
  description: The service after the task (in check mode, what the task would leave).
  returned: always
  type: dict
  sample: {state: RUNNING, start_mode: auto, username: NT Service\SSISScaleOutWorker140}
actions:
  description: The control actions taken (or, in check mode, to take), in order; C([stop, start]) for a restart.
  returned: always
  type: list
  elements: str
  sample: [stop, start]
polls:
  description: How many C(sc.exe query) round trips were spent waiting through pending states.
  returned: always
  type: int
  sample: 2
documented_symptoms:
  description: The catalog entries named by O(documented_entry), none when it is not given; what this drift causes.
  returned: when a change is needed
  type: list
  elements: dict
  sample: []
round_trips:
  description: How many times the task sent commands to the node (reads, changes and polls).
  returned: always
  type: int
  sample: 1
msg:
  description: What was found and what was (or would be) done.
  returned: always
  type: str
  sample: "service SSISScaleOutWorker140 (RUNNING): it will be restarted once (stopped, then started)"
"""
