#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/tcp_probe.py); this file holds its documentation.

DOCUMENTATION = r"""
module: tcp_probe
short_description: Test whether a Windows node can reach a host and TCP port
version_added: 0.1.0
description:
  - Resolves O(host) the way the node does (C([System.Net.Dns]::GetHostAddresses), the resolver .NET services such
    as the Scale Out Worker and the self-hosted integration runtime use, which reads the hosts file, then DNS) and tests the
    TCP port with C(Test-NetConnection -ComputerName <host> -Port <port> -InformationLevel Quiet), in one round trip.
  - Use it to check the documented connectivity requirements, for example a Scale Out Worker reaching the master
    port (8391 by default), or self-hosted integration runtime nodes reaching each other on TCP 8060.
  - It never changes the node and runs in check mode too. It does not fail when the port is unreachable; test
    RV(reachable) (for example with C(failed_when)).
extends_documentation_fragment:
  - irops.remediation.attributes
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - ansible.builtin.action_common_attributes.flow
attributes:
  check_mode:
    support: full
    details: Read-only; it runs the same way in check mode.
  diff_mode:
    support: none
options:
  host:
    description:
      - The host name or IP address to reach, as the node would use it.
    type: str
    required: true
  port:
    description:
      - The TCP port, from 1 to 65535.
    type: int
    required: true
  timeout:
    description:
      - Seconds within which the node must reach the port, from 1 to 600.
      - C(Test-NetConnection) has no timeout of its own; an unanswered connection ends after Windows' TCP connect
        timeout (about 21 seconds). The module times the round trip and reports the port unreachable when the answer
        came later than O(timeout); it cannot stop the test earlier.
    type: int
    default: 30
notes:
  - C(Test-NetConnection) needs Windows Server 2012 R2 or later.
  - The measured time includes the WinRM round trip (usually well under a second).
seealso:
  - name: Test-NetConnection
    description: Microsoft documentation of Test-NetConnection.
    link: https://learn.microsoft.com/powershell/module/nettcpip/test-netconnection
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Can this worker reach the Scale Out Master?
  irops.remediation.tcp_probe:
    host: ssis-master-01.contoso.com
    port: 8391
  register: master_port

- name: Fail when the master port is unreachable
  ansible.builtin.assert:
    that: master_port.reachable
    fail_msg: "{{ master_port.msg }}"

- name: Self-hosted IR high availability nodes talk on TCP 8060
  irops.remediation.tcp_probe:
    host: "{{ item }}"
    port: 8060
    timeout: 10
  loop: "{{ groups['shir_nodes'] | difference([inventory_hostname]) }}"
"""

RETURN = r"""
host:
  description: The host as given (an IP address in canonical form).
  returned: always
  type: str
  sample: ssis-master-01.contoso.com
port:
  description: The TCP port.
  returned: always
  type: int
  sample: 8391
resolved:
  description: Whether the node could resolve O(host).
  returned: always
  type: bool
  sample: true
addresses:
  description: Every address the node resolved O(host) to, in the resolver's order.
  returned: always
  type: list
  elements: str
  sample: [10.0.0.5]
address:
  description: The first resolved address, or null.
  returned: always
  type: str
  sample: 10.0.0.5
reachable:
  description: Whether the node connected to the port within O(timeout) seconds.
  returned: always
  type: bool
  sample: true
elapsed_seconds:
  description: How long the round trip took, measured on the controller.
  returned: always
  type: float
  sample: 0.412
timeout:
  description: The timeout applied.
  returned: always
  type: int
  sample: 30
round_trips:
  description: How many times the task sent commands to the node (always 1).
  returned: always
  type: int
  sample: 1
msg:
  description: The answer in words, with the likely cause when the port is unreachable.
  returned: always
  type: str
  sample: "ssis-master-01.contoso.com (10.0.0.5):8391 is reachable from the node (0.412 s)"
"""
