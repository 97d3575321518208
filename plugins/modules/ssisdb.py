#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/ssisdb.py); this file holds its documentation.

DOCUMENTATION = r"""
module: ssisdb
short_description: Read and fix SSIS Scale Out's state in SSISDB with sqlcmd
version_added: 0.1.0
description:
  - Reads the SSIS catalog (SSISDB) of the SQL Server instance on the node with C(sqlcmd), and applies the fixes the
    Scale Out troubleshooting article documents with the catalog's own procedures.
  - "Reads, in one round trip: C(IS_SCALEOUT_ENABLED) and C(MASTER_ADDRESS) from C([catalog].[master_properties]),
    every row of C([catalog].[worker_agents]), C(SERVERPROPERTY('ServerName')),
    C(SERVERPROPERTY('IsIntegratedSecurityOnly')) (the running authentication mode), the server's UTC time, and the
    configured C(LoginMode) from the registry (the instance id from
    C(HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\Instance Names\\SQL), then C(<id>\\MSSQLServer))."
  - A worker is reported online when its C(LastOnlineTime) is within 10 minutes of the server's UTC time (the default
    C(HeartbeatErrorTolerance)). This rule is an assumption; no Microsoft text states it.
  - SQL Server reads C(LoginMode) when its service starts, so a configured mode that differs from the running one is
    reported as RV(restart_pending).
  - "Changes: O(scaleout_enabled=true) runs C([catalog].[enable_scaleout]) (the fix of \"Scale Out Master fails\");
    O(enabled_workers) and O(disabled_workers) run C([catalog].[enable_worker_agent]) and
    C([catalog].[disable_worker_agent]) (\"Execution doesn't start\": at least one worker must be online and enabled);
    O(master_address) runs C([catalog].[update_master_address])."
  - O(execution_id) runs the article's query (\"Error messages aren't helpful\") and returns the task ids, whose folders
    under the worker's C(TasksRootFolder) hold the execution's logs.
  - In check mode only the reads run. After a change the same reads run again to verify it.
  - Every value reaches T-SQL quoted (delimited identifiers, C(N'...') constants, integers, GUIDs) and the query reaches
    sqlcmd as one argument; text values are read back as the hexadecimal of their UTF-16 bytes, so no value can break
    the output's columns.
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
  instance:
    description:
      - The SQL Server instance hosting SSISDB, as C(sqlcmd -S) takes it, C(host[\\instance][,port]).
      - The instance must run on the node the task runs on (its registry is read for C(LoginMode)).
    type: str
    default: .
  database:
    description:
      - The SSIS catalog database.
    type: str
    default: SSISDB
  login:
    description:
      - A SQL Server login for SQL Server authentication (C(sqlcmd -U)), with O(password).
      - Without it the connection user's Windows identity is used (C(sqlcmd -E)).
    type: str
  password:
    description:
      - The password of O(login). It never appears on a command line, in a log or in a result; it travels on standard
        input and sqlcmd reads it from its C(SQLCMDPASSWORD) environment variable.
      - An empty password, and one holding line breaks, tabs or other control characters, cannot be passed this way and
        is refused.
    type: str
  scaleout_enabled:
    description:
      - V(true) ensures Scale Out is enabled (C([catalog].[enable_scaleout]), which needs sysadmin).
      - SSISDB documents no procedure that disables Scale Out, so V(false) is refused.
    type: bool
  enabled_workers:
    description:
      - Workers to enable, by machine name (as in C([catalog].[worker_agents]), case-insensitive) or worker agent id.
      - A name that matches no worker agent fails before any change, naming the known ones.
    type: list
    elements: str
    default: []
  disabled_workers:
    description:
      - Workers to disable, as for O(enabled_workers).
    type: list
    elements: str
    default: []
  master_address:
    description:
      - The Scale Out Master endpoint the workers use, C(https://<host>:<port>) (C([catalog].[update_master_address])).
    type: str
  execution_id:
    description:
      - Read-only. The id of a package execution whose task ids to return in RV(execution_tasks).
    type: int
notes:
  - The catalog procedures need the sysadmin role (or the EXECUTE permission on them); a login without it gets an
    error naming the login, the server and the procedure.
  - The internal tables the execution query reads may change in future SQL Server versions (the article's warning).
  - C(sqlcmd) must be installed on the node (it comes with SQL Server).
seealso:
  - name: Troubleshoot SQL Server Integration Services (SSIS) Scale Out
    description: The documented symptoms and fixes this module applies.
    link: https://learn.microsoft.com/sql/integration-services/scale-out/troubleshooting-scale-out
  - name: sqlcmd utility
    description: The options the module uses.
    link: https://learn.microsoft.com/sql/tools/sqlcmd/sqlcmd-utility
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Read Scale Out's state in SSISDB
  irops.remediation.ssisdb:
  register: ssisdb

- name: Enable Scale Out and the worker SSISWORKER01 ("Scale Out Master fails", "Execution doesn't start")
  irops.remediation.ssisdb:
    scaleout_enabled: true
    enabled_workers: [SSISWORKER01]

- name: Find the task folders of an execution, as a SQL Server login
  irops.remediation.ssisdb:
    instance: SSISMASTER01\SSIS
    login: ssis_admin
    password: "{{ vault_ssis_admin_password }}"
    execution_id: 42
  register: execution
"""

RETURN = r"""
instance:
  description: The instance as given to sqlcmd.
  returned: always
  type: str
  sample: .
server_name:
  description: SERVERPROPERTY('ServerName').
  returned: always
  type: str
  sample: SSISMASTER01
instance_id:
  description: The instance id from the registry's Instance Names key, or null.
  returned: always
  type: str
  sample: MSSQL14.MSSQLSERVER
login_mode:
  description: The configured LoginMode (1 Windows only, 2 mixed), or null when the registry has none.
  returned: always
  type: int
  sample: 2
sql_authentication_allowed:
  description: Whether the running server allows SQL Server authentication (IsIntegratedSecurityOnly = 0).
  returned: always
  type: bool
  sample: true
restart_pending:
  description: Whether the configured LoginMode differs from the running mode (SQL Server needs a restart).
  returned: always
  type: bool
  sample: false
catalog:
  description: Whether the catalog database exists.
  returned: always
  type: bool
  sample: true
scaleout_enabled:
  description: IS_SCALEOUT_ENABLED of [catalog].[master_properties] (after the task), or null without a catalog.
  returned: always
  type: bool
  sample: true
master_address:
  description: MASTER_ADDRESS of [catalog].[master_properties] (after the task), or null.
  returned: always
  type: str
  sample: https://SSISMASTER01:8391
now_utc:
  description: The server's current UTC time (SYSUTCDATETIME()), C(YYYY-MM-DD hh:mm:ss).
  returned: always
  type: str
  sample: "2025-01-06 09:00:00"
workers:
  description: Every row of [catalog].[worker_agents] (after the task).
  returned: always
  type: list
  elements: dict
  contains:
    agent_id:
      description: WorkerAgentId, upper case.
      type: str
    machine_name:
      description: MachineName.
      type: str
    display_name:
      description: DisplayName.
      type: str
    enabled:
      description: IsEnabled.
      type: bool
    last_online_time:
      description: LastOnlineTime in UTC, C(YYYY-MM-DD hh:mm:ss), or null.
      type: str
    online:
      description: LastOnlineTime within 10 minutes of now_utc (an assumed rule).
      type: bool
  sample: [{agent_id: 5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E, machine_name: SSISWORKER01, display_name: SSISWORKER01,
            enabled: true, last_online_time: "2025-01-06 08:59:45", online: true}]
execution_tasks:
  description: The tasks of O(execution_id) (the article's query); the task id names the log folder.
  returned: when O(execution_id) is given
  type: list
  elements: dict
  contains:
    task_id:
      description: TaskId of [internal].[tasks].
      type: str
  sample: [{task_id: 9F1C2B3A-4D5E-4F60-8A7B-6C5D4E3F2A1B}]
documented_symptoms:
  description: The catalog entries whose documented symptom this drift causes.
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
  sample: "SSISDB on SSISMASTER01: [catalog].[enable_scaleout]: enable Scale Out"
"""
