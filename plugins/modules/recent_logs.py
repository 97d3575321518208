#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/recent_logs.py); this file holds its documentation.

DOCUMENTATION = r"""
module: recent_logs
short_description: Read the last lines of the newest log files in folders of a Windows node
version_added: 0.1.0
description:
  - Lists the newest files of each folder and returns their last lines, so that the
    P(irops.remediation.explain#filter) can name the documented failures they show.
  - By default it reads the documented SSIS Scale Out log folders. Scale Out Master logs are under
    C(<profile>\AppData\Local\SSIS\ScaleOut\Master); Scale Out Worker logs under
    C(<profile>\AppData\Local\SSIS\Cluster\Agent) or C(<profile>\AppData\Local\SSIS\ScaleOut\Agent) (the
    documentation names both). The profile is the service's virtual account profile
    C(C:\Windows\ServiceProfiles\SSISScaleOutWorker140) (and C(...Master140), 150 and 160 for SQL Server
    2019 and 2022), the documented C(C:\Users\SSISScaleOutWorker140), and C(C:\Users\<account>) for each
    account in O(accounts).
  - With O(node_roles=[shir_node]) it reads the logs of the self-hosted IR that proxies for the Azure-SSIS IR, the
    runtime logs in C(C:\ProgramData\SSISTelemetry) and the execution logs of the on-premises staging tasks in
    C(C:\ProgramData\SSISTelemetry\ExecutionLog) (the Azure-SSIS IR article, "Timeout when reading from staging").
  - Two round trips at most, both read-only. The first batches, for every folder,
    C(Test-Path -LiteralPath <folder> -PathType Container) and
    C(Get-ChildItem -LiteralPath <folder> -File | Sort-Object LastWriteTime -Descending | Select-Object -First <newest>).
    The second, only when files were found, batches C(Get-Content -LiteralPath <file> -Tail <lines>) for each file.
  - It never changes the node, so it runs in check mode too.
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
  folders:
    description:
      - The folders to read, as absolute paths (C(C:\...) or C(\\server\share\...)).
      - When omitted, the documented log folders of O(node_roles).
      - Paths are passed with C(-LiteralPath), so wildcard characters in them are plain characters.
    type: list
    elements: str
  node_roles:
    description:
      - Whose documented log folders to read when O(folders) is omitted.
      - C(scaleout_master) and C(scaleout_worker) read the Scale Out folders under the service profiles; C(shir_node)
        reads C(C:\ProgramData\SSISTelemetry) and C(C:\ProgramData\SSISTelemetry\ExecutionLog), where a self-hosted IR
        that proxies for the Azure-SSIS IR writes its logs (O(accounts) and O(versions) do not apply to them).
    type: list
    elements: str
    choices: [scaleout_master, scaleout_worker, shir_node]
    default: [scaleout_master, scaleout_worker]
  accounts:
    description:
      - Accounts that run the Scale Out services, whose profiles may hold the logs when O(folders) is omitted
        (C(CONTOSO\svc_ssis) reads C(C:\Users\svc_ssis\AppData\Local\...); C(NT Service\<name>) reads
        C(C:\Windows\ServiceProfiles\<name>\AppData\Local\...)).
    type: list
    elements: str
    default: []
  versions:
    description:
      - The SQL Server versions of the Scale Out services whose folders are read when O(folders) is omitted
        (140 for SQL Server 2017, 150 for 2019, 160 for 2022).
    type: list
    elements: int
    default: [140, 150, 160]
  newest:
    description:
      - How many files to read per folder, newest first (1 to 100).
    type: int
    default: 3
  lines:
    description:
      - How many lines to read from the end of each file (1 to 10000).
    type: int
    default: 200
  task_id:
    description:
      - The id (a GUID) of a Scale Out task, as M(irops.remediation.ssisdb) returns it for an execution id
        (its C(execution_tasks) result). The Scale Out article, "Error messages aren't helpful",
        says to find the subfolder of C(TasksRootFolder) whose name contains the task id.
      - With O(task_id), O(folders) are the TasksRootFolder(s) to search (the worker's
        C(scaleout_worker_settings.tasks_root_folder) fact); when omitted, the documented defaults
        C(<profile>\AppData\Local\SSIS\ScaleOut\Tasks) and C(<profile>\AppData\Local\SSIS\Cluster\Tasks) of the
        worker service accounts. The files of every matching subfolder are read as above.
      - One more round trip comes first, with C(Get-ChildItem -LiteralPath <root> -Directory -Filter *<task id>*) for every root.
    type: str
notes:
  - A folder that does not exist is reported with RV(folders[].exists=false); that is not an error.
  - The connection user needs read access to the folders; service profiles are readable by local administrators.
seealso:
  - name: Troubleshoot SSIS Scale Out
    description: The "Scale Out Worker fails" entry says to check the error messages in the worker log.
    link: https://learn.microsoft.com/sql/integration-services/scale-out/troubleshooting-scale-out
  - plugin: irops.remediation.explain
    plugin_type: filter
    description: Names the documented entries that the lines show.
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Read the newest Scale Out Worker logs
  irops.remediation.recent_logs:
    node_roles: [scaleout_worker]
  register: worker_logs

- name: Explain the errors they show
  ansible.builtin.debug:
    msg: >-
      {{ worker_logs.folders | map(attribute='files') | flatten | map(attribute='lines') | flatten
         | irops.remediation.explain(products=['scale-out']) }}

- name: The worker service runs as a domain account
  irops.remediation.recent_logs:
    node_roles: [scaleout_worker]
    accounts: ['CONTOSO\svc_ssisworker']

- name: Read the self-hosted IR's Azure-SSIS IR proxy logs (SSISTelemetry and SSISTelemetry\ExecutionLog)
  irops.remediation.recent_logs:
    node_roles: [shir_node]
    newest: 5
    lines: 500
  register: proxy_logs

- name: Explain them against the Azure-SSIS IR and self-hosted IR entries
  ansible.builtin.debug:
    msg: >-
      {{ proxy_logs.folders | map(attribute='files') | flatten | map(attribute='lines') | flatten
         | irops.remediation.explain(products=proxy_logs.products) }}

- name: Read the worker's logs of one Scale Out task (the task id comes from irops.remediation.ssisdb execution_id)
  irops.remediation.recent_logs:
    task_id: 0E4A7C2B-9D1F-4B8E-A6C3-5F2D1E0B9A87
    folders: ["{{ irops_node.scaleout_worker_settings.tasks_root_folder }}"]
  when: irops_node.scaleout_worker_settings.tasks_root_folder | default('', true) | length > 0
"""

RETURN = r"""
folders:
  description: One entry per folder read, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The folder.
      type: str
      sample: C:\Windows\ServiceProfiles\SSISScaleOutWorker140\AppData\Local\SSIS\Cluster\Agent
    exists:
      description: Whether the folder exists.
      type: bool
    files:
      description: Its newest files, newest first, each with its last lines.
      type: list
      elements: dict
      contains:
        path:
          description: The file's full path.
          type: str
        lines:
          description: The last lines of the file, oldest first.
          type: list
          elements: str
        error:
          description: Why the file could not be read.
          type: str
          returned: when it could not be read
    error:
      description: Why the folder could not be listed.
      type: str
      returned: when it could not be listed
  sample:
    - path: C:\Windows\ServiceProfiles\SSISScaleOutWorker140\AppData\Local\SSIS\Cluster\Agent
      exists: true
      files:
        - path: C:\Windows\ServiceProfiles\SSISScaleOutWorker140\AppData\Local\SSIS\Cluster\Agent\WorkerAgent_20240301.log
          lines: ["2024-03-01 10:22:33.123 [Error] System.ServiceModel.Security.SecurityNegotiationException: ..."]
task_id:
  description: The task id searched for, upper case, when O(task_id) was given.
  returned: when O(task_id) is given
  type: str
  sample: 0E4A7C2B-9D1F-4B8E-A6C3-5F2D1E0B9A87
task_roots:
  description: The TasksRootFolder(s) searched, when no subfolder holds the task id.
  returned: when O(task_id) is given and no subfolder matched
  type: list
  elements: str
products:
  description:
    - The catalog products whose entries the documented folders read can show, for the
      P(irops.remediation.explain#filter)'s C(products) (C(scale-out) for the Scale Out folders; C(azure-ssis-ir) and
      C(shir) for the self-hosted IR's proxy logs).
    - Empty when O(folders) names the folders, since they may hold any product's logs.
  returned: always
  type: list
  elements: str
  sample: [azure-ssis-ir, shir]
round_trips:
  description: How many times the task sent commands to the node (1, or 2 when files were found).
  returned: always
  type: int
  sample: 2
msg:
  description: How many folders exist and how many lines were read.
  returned: always
  type: str
  sample: "1 of 18 folder(s) exist; 200 line(s) read from 1 file(s): C:\\Users\\svc\\AppData\\Local\\SSIS\\Cluster\\Agent"
"""
