#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/hosts_entry.py); this file holds its documentation.

DOCUMENTATION = r"""
module: hosts_entry
short_description: Map host names to an address in a Windows node's hosts file
version_added: 0.1.0
description:
  - Ensures that host names resolve to an address through the node's hosts file, or that they no longer do.
  - The documented uses are the self-hosted integration runtime's high-availability nodes, which must resolve each
    other's names, and C(localhost) on nodes where it does not resolve ("A non-recoverable error occurred during a
    database lookup").
  - Windows takes the first line that holds a name, so the names are removed from lines that map them to another
    address of the same IP family. Missing names join the first line of the address; otherwise a line is appended.
  - Every other line, comment, spacing and line ending, and the file's encoding (with or without byte order mark,
    UTF-8, UTF-16 or the Windows ANSI code page) are kept.
  - A change is one script on the node, which runs only if the file still holds exactly the bytes the task read (or
    still does not exist). The file is copied to C(<path>.<UTC time>.<run id>.bak) beside it, the new content is
    written beside the file under a name of this run and moved over it, then the file is read back to verify. If the
    file changed in between (another play, task or program editing it), nothing is written and the entry is planned
    again on the new content, up to 4 times (RV(attempts)); then the task fails and writes nothing.
  - If a step fails, the file stays as it was, byte for byte (if a failed move left no file, the copy is put back),
    and this run's temporary file is removed; a temporary file the task did not write is never moved or removed.
    The previous content is returned in RV(previous_content).
  - In check mode only the file is read; the diff shows the whole file before and after.
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
  ip:
    description:
      - The IPv4 or IPv6 address. Required when O(state=present).
      - An IPv6 address may carry a zone, C(%) and an interface number or name of letters, digits, C(.), C(_) and
        C(-) (V(fe80::1%12)). Anything else (spaces, line breaks, C(#), other signs) is refused before anything runs.
      - With O(state=absent), limits the removal to lines of this address; without O(names), every line of the
        address goes.
    type: str
  names:
    description:
      - The host names. Required when O(state=present). Compared case-insensitively.
      - DNS host names (letters, digits, C(-), C(_) and dots, at most 253 characters and 63 per label); an address is
        not a name. Anything else is refused before anything runs.
    type: list
    elements: str
    default: []
    aliases: [name]
  state:
    description:
      - V(present) makes the names resolve to O(ip) through the file; V(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
  path:
    description:
      - The hosts file.
    type: str
    default: C:\Windows\System32\drivers\etc\hosts
notes:
  - The connection user must be a local administrator of the node.
  - The replaced file takes the permissions its folder passes on; the backup keeps the old file's content.
  - The file may be up to 10 MiB; the content travels on the standard input of the script, not on a command line.
  - Lines that lose all their names are removed; a comment they carried stays on its own line.
seealso:
  - module: irops.remediation.tcp_probe
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Self-hosted integration runtime HA nodes resolve each other
  irops.remediation.hosts_entry:
    ip: "{{ hostvars[item].shir_node_address }}"
    names: ["{{ item }}", "{{ item }}.contoso.com"]
  loop: "{{ groups['shir_nodes'] }}"

- name: Make localhost resolve
  irops.remediation.hosts_entry:
    ip: 127.0.0.1
    names: [localhost]

- name: Remove an old mapping
  irops.remediation.hosts_entry:
    names: [ssis-master-old]
    state: absent
"""

RETURN = r"""
path:
  description: The hosts file.
  returned: always
  type: str
  sample: C:\Windows\System32\drivers\etc\hosts
ip:
  description: The address, in canonical form.
  returned: when the file exists or is created
  type: str
  sample: 10.0.0.12
names:
  description: The host names.
  returned: when the file exists or is created
  type: list
  elements: str
  sample: [shir-node-02, shir-node-02.contoso.com]
resolves:
  description: The addresses the file gives each name after the task, first match first.
  returned: when the file exists or is created
  type: dict
  sample: {shir-node-02: [10.0.0.12]}
encoding:
  description: The file's encoding, kept as it was.
  returned: when the file exists or is created
  type: str
  sample: utf-8
backup_file:
  description: The copy of the file made before the change.
  returned: when the file was changed
  type: str
  sample: C:\Windows\System32\drivers\etc\hosts.20260105T093000Z.3f9a1c2b7d4e.bak
previous_content:
  description: The whole file before the change, to restore it if needed.
  returned: when a change is needed
  type: str
  sample: "# hosts\r\n10.0.0.11 shir-node-01\r\n"
previous_content_base64:
  description: The file's exact bytes before the change, base64-encoded, to restore it byte for byte.
  returned: when a change is needed
  type: str
  sample: "IyBob3N0cw0KMTAuMC4wLjExIHNoaXItbm9kZS0wMQ0K"
documented_symptoms:
  description: The catalog entries named by O(documented_entry), none when it is not given; what this drift causes.
  returned: when a change is needed
  type: list
  elements: dict
  sample: []
attempts:
  description: How many times the task planned the entry; more than 1 when the file changed on the node between the
    task's read and its write, so the entry was planned again on the new content.
  returned: always
  type: int
  sample: 1
round_trips:
  description: How many times the task sent commands to the node (1 without a change, 2 with one, one more for each
    new plan after the file changed meanwhile).
  returned: always
  type: int
  sample: 2
msg:
  description: What was found and what was (or would be) done.
  returned: always
  type: str
  sample: "C:\\Windows\\System32\\drivers\\etc\\hosts: will map 10.0.0.12 shir-node-02"
"""
