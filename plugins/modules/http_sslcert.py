#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/http_sslcert.py); this file holds its documentation.

DOCUMENTATION = r"""
module: http_sslcert
short_description: Bind a certificate to an http.sys SSL endpoint with netsh
version_added: 0.1.0
description:
  - Ensures that an http.sys SSL binding (C(netsh http add sslcert)) exists for an IP:port or
    host name:port endpoint with the given certificate, certificate store and application id,
    or that no binding exists.
  - This is the documented fix for the SSIS Scale Out entry "HTTP request error"
    (C(System.ServiceModel.CommunicationException) ... C(not configured properly with HTTP.SYS)).
    The Scale Out Master certificate must be bound to the master port with C(certstorename=Root).
  - A binding with another certificate, store or application id is replaced the documented way,
    C(netsh http delete sslcert) then C(netsh http add sslcert). If the add fails, the previous
    binding is put back and the task fails with the reason; the result says whether it was restored.
  - The binding is read with C(netsh http show sslcert) and parsed by the shape of its values,
    so the node's display language does not matter.
  - In check mode only C(netsh http show sslcert) runs; the result says what would change and
    which documented symptom the drift causes.
extends_documentation_fragment:
  - irops.remediation.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  ip_port:
    description:
      - The IP endpoint, C(ADDRESS:PORT). C(0.0.0.0) binds every IPv4 address; IPv6 addresses go in
        brackets (C([::]:443)).
      - Exactly one of O(ip_port) and O(hostname_port) is required.
    type: str
  hostname_port:
    description:
      - An SNI endpoint, C(HOSTNAME:PORT).
    type: str
  certificate_hash:
    description:
      - The SHA-1 thumbprint of the certificate to bind.
      - Upper or lower case, with or without spaces or colons; the invisible marks that the Windows
        certificate dialog adds when a thumbprint is copied are removed.
      - Required when O(state=present).
    type: str
  certificate_store:
    description:
      - The LocalMachine certificate store that holds the certificate (C(certstorename)).
      - SSIS Scale Out keeps the master certificate in C(Root).
      - A binding made without C(certstorename) shows C((null)) and uses C(MY); both compare equal to C(My).
    type: str
    default: My
  app_id:
    description:
      - The application id (a GUID, braces optional).
      - When omitted, an existing binding keeps its application id and a new binding gets an id
        derived from the endpoint, so repeated runs agree.
    type: str
  state:
    description:
      - V(present) ensures the binding; V(absent) deletes any binding on the endpoint.
    type: str
    choices: [present, absent]
    default: present
notes:
  - The connection user must be a local administrator of the node.
  - Only the certificate, store and application id are compared and restored. Other binding
    settings (client certificate negotiation, revocation checks) are reset to the netsh defaults
    by a rebind, as in the documented fix; their previous values are returned in RV(before).
seealso:
  - name: netsh http commands
    description: Microsoft documentation of netsh http add/delete/show sslcert.
    link: https://learn.microsoft.com/windows-server/networking/technologies/netsh/netsh-http
  - name: Troubleshoot SSIS Scale Out
    description: The "HTTP request error" entry this module fixes.
    link: https://learn.microsoft.com/sql/integration-services/scale-out/troubleshooting-scale-out
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Bind the Scale Out Master certificate to the master port
  irops.remediation.http_sslcert:
    ip_port: 0.0.0.0:8391
    certificate_hash: "{{ scaleout_master_thumbprint }}"
    certificate_store: Root

- name: Bind with a fixed application id
  irops.remediation.http_sslcert:
    ip_port: 0.0.0.0:8391
    certificate_hash: 3D:F1:0A:7C:55:21:98:0B:6E:44:13:A7:9C:02:8E:61:F0:5B:3A:19
    certificate_store: Root
    app_id: "{8f3e2b94-1c55-4d0e-9a7b-2f6c1d9e0a11}"

- name: Remove an SNI binding
  irops.remediation.http_sslcert:
    hostname_port: ssis.contoso.com:443
    state: absent
"""

RETURN = r"""
endpoint:
  description: The endpoint as netsh names it.
  returned: always
  type: str
  sample: ipport=0.0.0.0:8391
before:
  description: The binding before the task, or null when there was none.
  returned: always
  type: dict
  sample: {certificate_hash: 3DF10A7C5521980B6E4413A79C028E61F05B3A19, app_id: "{8f3e2b94-1c55-4d0e-9a7b-2f6c1d9e0a11}",
           certificate_store: Root}
  contains:
    certificate_hash:
      description: The bound certificate's thumbprint, upper case.
      type: str
    app_id:
      description: The application id, braced and lower case.
      type: str
    certificate_store:
      description: The store name as netsh printed it (C(MY) when it printed C((null))).
      type: str
    fields:
      description:
        - Every line of the binding as netsh printed it, as [label, value] pairs in the node's language,
          so settings that a rebind resets can be restored by hand.
      type: list
      elements: list
after:
  description: The binding after the task (in check mode, the binding the task would make), or null.
  returned: always
  type: dict
  sample: {certificate_hash: 3DF10A7C5521980B6E4413A79C028E61F05B3A19, app_id: "{8f3e2b94-1c55-4d0e-9a7b-2f6c1d9e0a11}",
           certificate_store: Root}
restored:
  description: Whether the previous binding was put back after a failed replacement.
  returned: on failure after a change was attempted
  type: bool
  sample: true
documented_symptoms:
  description: The catalog entries whose documented symptom this drift causes.
  returned: when a change is needed
  type: list
  elements: dict
  sample: [{id: scaleout-http-request-error, title: HTTP request error, product: scale-out}]
round_trips:
  description: How many times the task sent commands to the node.
  returned: always
  type: int
  sample: 1
msg:
  description: What was found and what was (or would be) done.
  returned: always
  type: str
  sample: "ipport=0.0.0.0:8391: no binding; certificate 3DF10A7C5521980B6E4413A79C028E61F05B3A19 from Root will be bound"
"""
