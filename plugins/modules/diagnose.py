#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/diagnose.py); this file holds its documentation.

DOCUMENTATION = r"""
module: diagnose
short_description: Check a Windows node against the documented SSIS and integration runtime failures
version_added: 0.1.0
description:
  - Evaluates every check of the collection's catalog of documented troubleshooting entries that
    applies to the node's roles, from facts gathered in one read-only round trip (a second one,
    batching C(icacls) on the private key files C(certutil -store My) names, only when a check of
    the node's roles reads key ACLs, such as the Scale Out Worker's key access check).
  - Each finding names the documented entry, its status (V(pass), V(fail), V(unknown),
    V(not_applicable)), the evidence seen on the node, and the fix to run.
  - It only reads, so it runs in check mode too; an audit is a normal run.
extends_documentation_fragment:
  - irops.remediation.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
options:
  node_roles:
    description:
      - What the node is. Entries for other roles are reported as V(not_applicable).
    type: list
    elements: str
    required: true
    choices: [scaleout_master, scaleout_worker, shir_node, ssisdb_sql]
  settings:
    description:
      - The values the node should have, which checks compare with what they read.
      - C(scaleout_master_port) (default C(8391)) and C(scaleout_master_thumbprint) (the Scale Out
        Master certificate's thumbprint; without it the binding check and the worker's trust check
        report V(unknown)).
      - C(scaleout_worker_thumbprints), a list of the Scale Out Worker certificate thumbprints the
        master's C(Root) store must hold (without it the master's trust check reports V(unknown)
        unless C(SendTrustedIssuerList) fails it anyway).
      - C(scaleout_worker_thumbprint), the worker's own certificate (WorkerHttpsCertThumbprint), and
        C(scaleout_worker_account) (default C(NT SERVICE\SSISScaleOutWorker140)), the account that
        must be able to read its private key.
      - C(shir_certificate_thumbprint), the self-hosted IR remote-access certificate in C(My), whose key
        must be a CSP key capable of key exchange, and C(shir_remote_access_host), the host name the nodes
        use for remote access, which the certificate's last SAN DNS name must cover (WCF checks only that one).
      - On a worker, the trust check also reads C(WorkerSettings.config) (SQL Server 2017, 2019 or 2022 path);
        its C(MasterHttpsCertThumbprint) must be C(scaleout_master_thumbprint), and the host of its
        C(MasterEndpoint) must be a name of that certificate in C(Root).
      - Thumbprints are normalised (case, spaces, colons); a bad one fails the task before anything runs,
        naming the setting and the value.
    type: dict
    default: {}
  entries:
    description:
      - Only evaluate these catalog entry ids.
    type: list
    elements: str
  fail_on_findings:
    description:
      - Fail the task when any check reports V(fail), so a CI pipeline stops on drift.
    type: bool
    default: false
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Diagnose a Scale Out master
  irops.remediation.diagnose:
    node_roles: [scaleout_master]
    settings:
      scaleout_master_port: 8391
      scaleout_master_thumbprint: "{{ scaleout_master_thumbprint }}"
  register: diagnosis

- name: Show the findings
  ansible.builtin.debug:
    msg: "{{ diagnosis.msg }}"
"""

RETURN = r"""
findings:
  description: One finding per catalog entry with a check, failures first.
  returned: always
  type: list
  elements: dict
  sample:
    - id: scaleout-http-request-error
      title: HTTP request error
      product: scale-out
      status: fail
      evidence: no http.sys SSL binding on ipport=0.0.0.0:8391
      signature: "System.ServiceModel.CommunicationException: An error occurred while making the HTTP request to ..."
      cause: The Scale Out Master certificate is not bound in http.sys to the master port.
      fix: {module: irops.remediation.http_sslcert, playbook: playbooks/remediate_scaleout_master.yml}
counts:
  description: How many findings have each status.
  returned: always
  type: dict
  sample: {fail: 1, unknown: 0, pass: 0, not_applicable: 0}
msg:
  description: One line per applicable finding, for people.
  returned: always
  type: str
  sample: "FAIL    scaleout-http-request-error (HTTP request error): no http.sys SSL binding on ipport=0.0.0.0:8391"
ansible_facts:
  description: The facts gathered for the checks, as M(irops.remediation.node_facts) returns them.
  returned: always
  type: dict
  sample: {irops_node: {http_sslcert: [], gather_errors: {}}}
round_trips:
  description: How many times the task sent commands to the node (1; 2 when key ACLs were read; 0 when no check applies).
  returned: always
  type: int
  sample: 1
"""
