#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/diagnose.py); this file holds its documentation.

DOCUMENTATION = r"""
module: diagnose
short_description: Check a Windows node against the documented SSIS and integration runtime failures
version_added: 0.1.0
description:
  - Evaluates the collection's catalog of documented troubleshooting entries for the node's roles. Every entry
    of those roles gets a finding, so an entry without a check never reads as an all-clear; V(pass), V(fail),
    V(unknown) (saying what is missing and how to provide it), or V(not_checked) (an entry without a check, with the
    reason or C(no check implemented yet), and the runbook). Entries of other roles are V(not_applicable) in
    RV(findings) and left out of RV(msg), which ends with a count line (C(N pass, N fail, N unknown, N not checked)).
    An entry whose fix is on no managed node (catalog role C(cloud) only, such as an Azure-SSIS IR setting in Azure
    Data Factory) is V(not_applicable) on every node, with where its fix is and its runbook as evidence; an entry
    whose article puts a step on the self-hosted IR node lists C(shir_node) among its roles and is V(not_checked)
    there when it has no check.
  - The facts are those of a M(irops.remediation.node_facts) task of the same play with O(node_roles), when they
    cover what the checks need (then no round trip); otherwise they are gathered in one read-only round trip (a
    second one when a subset needs it, such as the ACL of the worker certificate's key).
  - The other hosts of the play (C(ansible_play_hosts_all)) that gathered C(irops_node) in this play are read as
    peers, with their roles (those their node_facts task gathered for, else C(irops_node_roles)). The truth comes
    from the nodes. A worker's expected master thumbprint is the master's C(SSLCertThumbprint) in
    C(MasterSettings.config), the master's expected worker thumbprints are the workers' C(WorkerHttpsCertThumbprint),
    the worker account is the worker service's logon account, the master port is the master's C(PortNumber), the
    SSISDB instance the master must name is the C(ssisdb_sql) node's. So run node_facts on every node first (the
    diagnose role does); a check whose peer is not in the play reports V(unknown), naming it.
  - With O(scope=play) and C(run_once), one task checks every host of the play (C(ansible_play_hosts_all)) from the
    facts its M(irops.remediation.node_facts) task gathered in this play, with no round trip, each with the
    settings its node_facts task was given (O(settings) here overrides them for all). A host without such facts
    (unreachable, its gather failed) has every entry of its roles V(unknown), saying so. It shows a summary (nodes by
    status, then the failures grouped by entry with the command that fixes them) and writes the fleet report in
    O(report_dir). This is what C(playbooks/diagnose.yml) and the diagnose role run; see docs/reports.md.
  - It only reads, so it runs in check mode too; an audit is a normal run.
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
  node_roles:
    description:
      - What the node is. Entries for other roles are reported as V(not_applicable).
      - V(ssisdb_sql) is the SQL Server that hosts SSISDB (often the master too).
      - Required with O(scope=node); with O(scope=play) each host's roles are those its node_facts task gathered for.
    type: list
    elements: str
    choices: [scaleout_master, scaleout_worker, shir_node, ssisdb_sql]
  scope:
    description:
      - V(node) checks the task's host (gathering first when this play has not).
      - V(play) checks every host of the play from the facts of their node_facts tasks, writes the fleet report and
        shows a summary; set C(run_once) on the task (the task fails otherwise, before anything runs).
    type: str
    choices: [node, play]
    default: node
  report_dir:
    description:
      - With O(scope=play), the directory on the controller where the fleet report is written (made if missing), as
        C(fleet-report.json), C(fleet-report.xml) (JUnit) and C(fleet-report.html). Each file is written whole and
        then renamed over the old one. Not set, no file is written.
    type: path
  report_formats:
    description:
      - Which files to write in O(report_dir). V(json) follows docs/reports/fleet-report.schema.json, V(junit) has one
        test case per node and entry, V(html) is a self-contained page (the nodes by entries matrix).
    type: list
    elements: str
    choices: [json, junit, html]
    default: [json, junit, html]
  summary:
    description:
      - With O(scope=play), print the summary on the controller's output at the end of the audit. Set V(false) under a
        stdout callback whose output must stay machine-readable; the result's RV(msg) and the reports hold the same.
    type: bool
    default: true
  settings:
    description:
      - Overrides of what the nodes hold, one name per fact; a value given here wins over the node's. None is needed
        when the master, the workers and the SQL Server hosting SSISDB are in the play.
      - C(scaleout_master_port), the master's C(PortNumber); C(scaleout_master_thumbprint), the master's
        C(SSLCertThumbprint).
      - C(scaleout_worker_thumbprints), the worker certificate thumbprints the master's C(Root) store must hold
        (else every worker of the play's C(WorkerHttpsCertThumbprint)).
      - C(scaleout_worker_thumbprint), the worker's own certificate (C(WorkerHttpsCertThumbprint)), and
        C(scaleout_worker_account), the account that must be able to read its private key (else the worker
        service's logon account).
      - C(scaleout_ssisdb_server), the instance that hosts SSISDB, as C(host) or C(host\instance), which
        C(MasterSettings.config) C(SqlServerName) must name (else the C(ssisdb_sql) node's server name).
      - C(shir_certificate_thumbprint), the self-hosted IR remote-access certificate in C(My), whose key
        must be a CSP key capable of key exchange (else the one certificate of C(My) named for the node's FQDN or
        host name), and C(shir_remote_access_host), the host name the nodes
        use for remote access, which the certificate's last SAN DNS name must cover (WCF checks only that one).
      - Values only the operator knows, read by the self-hosted IR checks. C(shir_service_url), the service URL of
        the data factory's region (Integration runtimes > Edit > Nodes > View Service URLs, such as
        C(https://wu2.frontend.clouddatahub.net/)), which the node resolves and probes; without it
        C(shir-cannot-connect-cloud-service) is V(unknown). C(azuressis_windows_auth_account), the Windows
        authentication account of the Execute SSIS Package activity, which needs Log on as a service on the proxy.
      - C(azuressis_oledb_providers), the OLE DB providers the packages run through the self-hosted IR proxy use,
        as ProgIDs (the C(Provider=) of their connection strings, such as C(MSOLEDBSQL) or
        C(Microsoft.ACE.OLEDB.16.0)); each must be registered in the 64-bit and the 32-bit registry views.
        Without it the OLE DB check is unknown. A list or a comma-separated string.
      - C(shir_ha_nodes), the host names of the nodes of a high-availability self-hosted IR (a list; this node's own
        name may be among them), which each node resolves and probes on TCP 8060; else the other hosts of the
        play with the role C(shir_node). C(shir_remote_access_port), the port of remote access from intranet
        (C(dmgcmd -EnableRemoteAccess <port>), 8060 by default); another port makes the high-availability check
        unknown (it probes 8060, the port the article names).
      - Thumbprints are normalised (case, spaces, colons); a bad value fails the task before anything runs,
        naming the setting and the value.
    type: dict
    default: {}
  entries:
    description:
      - Only evaluate these catalog entry ids (and gather only what their checks need).
    type: list
    elements: str
  fail_on_findings:
    description:
      - Fail the task when any check reports V(fail), so a CI pipeline stops on drift. With O(scope=play) the reports
        are written first and the message is one line (how many failures on how many nodes, and which entries).
    type: bool
    default: false
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Gather what the checks of the node's roles need, on every node of the play
  irops.remediation.node_facts:
    node_roles: "{{ irops_node_roles }}"

- name: Diagnose each node with the facts of all of them (no second gather)
  irops.remediation.diagnose:
    node_roles: "{{ irops_node_roles }}"
  register: diagnosis

- name: Show the findings
  ansible.builtin.debug:
    msg: "{{ diagnosis.msg }}"

- name: Or check the whole play at once, write the fleet report and stop a CI pipeline on drift
  irops.remediation.diagnose:
    scope: play
    report_dir: reports
    fail_on_findings: true
  run_once: true
"""

RETURN = r"""
findings:
  description:
    - With O(scope=node), one finding per catalog entry (of the node's roles or not), failures first.
    - With O(scope=play), one per node of the play and entry of its roles (no V(not_applicable) ones), without C(cause);
      C(fix) is null for a manual entry.
  returned: always
  type: list
  elements: dict
  sample:
    - id: scaleout-http-request-error
      node: ssis-master-01
      title: HTTP request error
      product: scale-out
      status: fail
      evidence: ipport=0.0.0.0:8391 is bound to certificate BD89..., not to the Scale Out Master certificate AD2D...
      signature: "System.ServiceModel.CommunicationException: An error occurred while making the HTTP request to ..."
      cause: The Scale Out Master certificate is not bound in http.sys to the master port.
      fix:
        module: irops.remediation.http_sslcert
        playbook: irops.remediation.remediate_scaleout_master
        command: ansible-playbook irops.remediation.remediate_scaleout_master --limit ssis-master-01
      runbook: docs/runbooks/scaleout-http-request-error.md
counts:
  description: How many findings have each status (with O(scope=play), over the fleet and without V(not_applicable)).
  returned: always
  type: dict
  sample: {fail: 1, unknown: 0, not_checked: 1, pass: 2, not_applicable: 56}
msg:
  description: One line per finding of the node's roles, for people, then the count line.
  returned: always
  type: str
  sample: "FAIL    scaleout-http-request-error (HTTP request error): no http.sys SSL binding on ipport=0.0.0.0:8391\n0 pass, 1 fail, 0 unknown, 0 not checked"
nodes:
  description: With O(scope=play), every host of the play with its roles, whether its facts were gathered, why not, and its counts.
  returned: with scope=play
  type: list
  elements: dict
  sample:
    - {node: ssis-master-01, roles: [scaleout_master], gathered: true, error: null, counts: {fail: 1, unknown: 0, not_checked: 0, pass: 3}}
reports:
  description: With O(scope=play) and O(report_dir), each report written (V(json), V(junit), V(html)) and its path.
  returned: with scope=play
  type: dict
  sample: {json: /home/ops/irops-reports/fleet-report.json, junit: /home/ops/irops-reports/fleet-report.xml}
facts_reused:
  description: Whether the facts of a node_facts task of this play were used (no round trip).
  returned: with scope=node
  type: bool
  sample: true
ansible_facts:
  description: The facts gathered for the checks, as M(irops.remediation.node_facts) returns them; only when this task gathered them.
  returned: when the task gathered
  type: dict
  sample: {irops_node: {http_sslcert: [], gather_errors: {}, gathered: {roles: [scaleout_master], subsets: [http_sslcert]}}}
round_trips:
  description: How many times the task sent commands to the node (0 with facts of this play or no check to run; 1; 2 with a second stage).
  returned: always
  type: int
  sample: 0
"""
