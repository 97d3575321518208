#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/firewall_rule.py); this file holds its documentation.

DOCUMENTATION = r"""
module: firewall_rule
short_description: Open or close a TCP or UDP port in Windows Firewall with netsh advfirewall
version_added: 0.1.0
description:
  - Ensures one inbound or outbound Windows Firewall rule, identified by its name, for one TCP or UDP port, with
    C(netsh advfirewall firewall show|add|delete rule).
  - The documented uses are the SSIS Scale Out master port (8391 by default, inbound on the master) and the
    self-hosted integration runtime's high-availability port (TCP 8060 between the nodes).
  - A rule that differs is replaced (delete, then add) and read back to verify it. If the add fails, the previous
    rules are added back and the task fails with the reason. Several rules with the same name are replaced by one.
  - C(netsh) prints rule labels and values such as Yes/No, In/Out and the profile names in the node's display
    language. The module reads the fields by position and knows the values in English, German and French; a rule
    printed in another language is reported, never guessed, and nothing is changed.
  - In check mode only C(show rule) runs.
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
      - The rule name. Letters, digits, spaces, underscores, dots, commas, parentheses, brackets, slashes and the
        characters C(+), C(:), C(@), C(#) and C(-), at most 255 characters; not C(all).
    type: str
    required: true
  direction:
    description:
      - V(in) for inbound traffic, V(out) for outbound.
    type: str
    choices: [in, out]
    default: in
  protocol:
    description:
      - The protocol of the port.
    type: str
    choices: [tcp, udp]
    default: tcp
  port:
    description:
      - The local port, from 1 to 65535. Required when O(state=present).
    type: int
  action:
    description:
      - What the rule does with matching traffic.
    type: str
    choices: [allow, block]
    default: allow
  profiles:
    description:
      - The firewall profiles the rule applies to, any of V(domain), V(private), V(public), or V(any) for all three.
    type: list
    elements: str
    default: [any]
  enabled:
    description:
      - Whether the rule is enabled.
    type: bool
    default: true
  state:
    description:
      - V(present) ensures exactly one rule of this name with these values; V(absent) deletes every rule of this name.
    type: str
    choices: [present, absent]
    default: present
notes:
  - The connection user must be a local administrator of the node.
  - Only the fields above are compared. Rules of the same name for programs, services or remote addresses are
    replaced by a plain port rule.
seealso:
  - name: Netsh AdvFirewall Firewall Commands
    description: Microsoft documentation of netsh advfirewall firewall add, delete and show rule.
    link: https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2008-R2-and-2008/dd734783(v=ws.10)
  - module: irops.remediation.tcp_probe
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Let Scale Out Workers reach the master port
  irops.remediation.firewall_rule:
    name: SSIS Scale Out Master
    port: "{{ scaleout_master_port | default(8391) }}"
    profiles: [domain, private]

- name: Self-hosted integration runtime high availability between nodes
  irops.remediation.firewall_rule:
    name: Integration Runtime HA (TCP 8060)
    port: 8060

- name: Remove an old rule
  irops.remediation.firewall_rule:
    name: SSIS Scale Out Master (old)
    state: absent
"""

RETURN = r"""
name:
  description: The rule name.
  returned: always
  type: str
  sample: SSIS Scale Out Master
before:
  description: Every rule of this name before the task (usually none or one).
  returned: always
  type: list
  elements: dict
  sample: [{name: SSIS Scale Out Master, enabled: true, direction: in, profiles: [domain, private, public],
            protocol: TCP, localport: "8391", action: allow}]
  contains:
    enabled:
      description: Whether the rule is enabled (null when printed in an unknown language).
      type: bool
    direction:
      description: V(in) or V(out).
      type: str
    profiles:
      description: The profiles the rule applies to.
      type: list
      elements: str
    protocol:
      description: C(TCP), C(UDP), C(ANY) or another protocol as netsh printed it.
      type: str
    localport:
      description: The local port(s) as netsh printed them, or C(Any).
      type: str
    action:
      description: V(allow), V(block) or V(bypass).
      type: str
after:
  description: Every rule of this name after the task (in check mode, what the task would leave).
  returned: always
  type: list
  elements: dict
  sample: [{name: SSIS Scale Out Master, enabled: true, direction: in, profiles: [domain, private],
            protocol: TCP, localport: "8391", action: allow}]
restored:
  description: Whether the previous rules were added back after a failed change.
  returned: on failure after a change was attempted
  type: bool
  sample: true
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
  sample: 2
msg:
  description: What was found and what was (or would be) done.
  returned: always
  type: str
  sample: "firewall rule 'SSIS Scale Out Master': absent; it will be added (in TCP 8391 allow profiles=domain,private enabled=yes)"
"""
