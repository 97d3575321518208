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
  - A binding with another certificate, store or application id is replaced with one
    C(netsh http update sslcert) that carries the wanted certificate, store and application id and
    every other setting of the binding it replaces (client certificate negotiation, the CTL identifier
    and store, the revocation settings, C(usagecheck), C(dsmapperusage) and, on builds that print them,
    the newer flags such as C(disablelegacytls) and C(disablehttp2)). The Microsoft netsh-http reference
    documents the same keywords for C(add sslcert) and C(update sslcert). There is no delete, so the
    endpoint is never without a binding.
  - A new binding is one C(netsh http add sslcert); O(state=absent) is one C(netsh http delete sslcert).
    The write and a verifying C(netsh http show sslcert) go in one round trip; the task reports what
    that show found. If the write fails, the error says exactly what that show found (RV(node_state),
    RV(after)), normally the binding the node had, with every setting, since nothing was deleted.
    Nothing is ever restored, as there is no second write.
  - If a setting of the binding cannot be written with netsh, the rebind is refused before any change.
    C(Enable Caching Client Hello) (newer builds) has no netsh keyword, and a field the parser cannot
    place (an unknown value word, or a field set with another number of fields) cannot be carried either.
    The message names the setting and what to do.
  - If the connection drops while the write runs (Windows keeps running the command), the binding is
    read again once in a new round trip. When it is the wanted one the task succeeds with a warning and
    RV(connection_lost); otherwise it fails saying what the node has, or that its state is unknown when
    the second read fails too.
  - The binding is read with C(netsh http show sslcert) and parsed without reading a label. Fields are
    known by their position in the documented field order (classic, or the longer set of newer builds),
    and the enable/disable words (C(Enabled)/C(Disabled), C(Set)/C(Not Set)) through a table per display
    language (English attested; German and French assumed). A word in no table is reported with its text.
  - In check mode only C(netsh http show sslcert) runs; the result says what would change and
    which documented symptom the drift causes.
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
  - Only the certificate, store and application id are compared with the options; every other setting is
    kept as the node has it. A new binding gets netsh's defaults.
  - C(netsh http update sslcert) replacing the whole record (settings not given returning to their
    defaults) is an assumption, not documented; carrying every setting explicitly makes the result the
    same either way.
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
           certificate_store: Root, non_default_settings: {clientcertnegotiation: true, sslctlidentifier: ContosoCtl},
           field_set: classic, unmapped: []}
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
    settings:
      description:
        - Every other setting netsh printed, by its C(netsh http add|update sslcert) keyword
          (C(verifyclientcertrevocation), C(verifyrevocationwithcachedclientcertonly), C(usagecheck),
          C(revocationfreshnesstime), C(urlretrievaltimeout), C(sslctlidentifier), C(sslctlstorename),
          C(dsmapperusage), C(clientcertnegotiation); on newer builds also C(reject), C(disablehttp2),
          C(disablequic), C(disabletls12), C(disabletls13), C(disableocspstapling), C(enabletokenbinding),
          C(logextendedevents), C(disablelegacytls), C(enablesessionticket), C(disablesessionid) and
          C(enablecachingclienthello), which has no netsh keyword).
        - V(true)/V(false) for C(Enabled)/C(Disabled) and C(Set)/C(Not Set), numbers, strings, null for C((null)).
      type: dict
    non_default_settings:
      description: The entries of RV(before.settings) that differ from netsh's defaults (also shown in the diff).
      type: dict
    unmapped:
      description:
        - Fields the parser could not place, each with C(position) (1 is the endpoint line), C(label),
          C(value) and C(reason). A binding with any is never rebound.
      type: list
      elements: dict
    field_set:
      description: C(classic) or C(2022) (the longer set of newer builds), or null for a field count neither has.
      type: str
    fields:
      description: Every line of the binding as netsh printed it, as [label, value] pairs in the node's language.
      type: list
      elements: list
    extended_properties:
      description: The [label, value] lines of the C(Extended Properties) blocks newer builds print.
      type: list
      elements: list
after:
  description:
    - The binding the node has after the task as the verifying show read it, or null when there is none.
    - In check mode, the binding the task would make (for a rebind, with the settings of RV(before)).
    - On failure, what the node has now (null when it is unknown, see RV(node_state)).
  returned: always
  type: dict
  sample: {certificate_hash: AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B, app_id: "{8f3e2b94-1c55-4d0e-9a7b-2f6c1d9e0a11}",
           certificate_store: Root, non_default_settings: {clientcertnegotiation: true, sslctlidentifier: ContosoCtl}}
node_state:
  description:
    - What the node has after a change was attempted. V(as_wanted) the binding asked for, with every
      setting of the one it replaced; V(unchanged) exactly what it had before (RV(before)); V(changed)
      something else, described in the message; V(unknown) the binding could not be read back.
  returned: when a change was attempted, and when a rebind was refused
  type: str
  sample: unchanged
connection_lost:
  description: The connection dropped during the change; the binding was read again in a new round trip.
  returned: when the connection dropped and the re-read found the wanted binding
  type: bool
  sample: true
documented_symptoms:
  description: The catalog entries named by O(documented_entry), none when it is not given; what this drift causes.
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
