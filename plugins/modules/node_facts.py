#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/node_facts.py); this file holds its documentation.

DOCUMENTATION = r"""
module: node_facts
short_description: Gather the facts the remediation checks need from a Windows node
version_added: 0.1.0
description:
  - Runs read-only documented Windows commands on the node, all in one round trip (two with
    V(cert_my_key_acl), V(scaleout_master_cert) or V(scaleout_master_reach), whose commands depend on what the first one
    read; the three share that second round trip), and returns what they report as the fact C(irops_node).
  - Every subset costs 36 commands in the first round trip; the second holds one C(icacls) per key file, three reads of
    the master certificate and the two commands of the reach probe, on a node that needs them.
  - Use it instead of fact gathering (C(gather_facts=false)); it needs no PowerShell module on the node.
  - It only reads, so it runs in check mode too.
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
      - Gather exactly the subsets the checks of these roles need, on this node and as the peer other nodes' checks
        read (a master's C(MasterSettings.config) for its workers' checks, a worker's C(WorkerSettings.config) for
        its master's), added to O(gather_subset).
      - M(irops.remediation.diagnose) in the same play reuses these facts without a round trip when they cover
        what its checks need, and reads the facts of the other hosts of the play as peers.
    type: list
    elements: str
    choices: [scaleout_master, scaleout_worker, shir_node, ssisdb_sql]
  gather_subset:
    description:
      - Which facts to gather. V(all) gathers every subset; the default is V(all) without O(node_roles), none with it.
      - V(http_sslcert) reads every http.sys SSL binding (C(netsh http show sslcert)).
      - V(cert_root) reads LocalMachine\Root (C(certutil -store Root)); V(cert_my) reads LocalMachine\My and
        the machine GUID (the unique container names of its keys end with it); V(schannel) reads
        C(SendTrustedIssuerList) under C(HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL)
        (null when absent).
      - V(cert_my) also reads the subject alternative names (C(certutil -v -store My)).
      - V(scaleout_worker_settings) reads the first C(WorkerSettings.config) found under
        C(C:\Program Files\Microsoft SQL Server\140|150|160\DTS\Binn) (null when there is none).
      - V(cert_my_key_acl) reads the ACL of every private key file of LocalMachine\My (C(icacls)); it needs
        V(cert_my) (added when not asked for) and costs a second round trip when My holds a private key.
      - V(scaleout_master_cert) reads the certificate that C(WorkerSettings.config) names as
        C(MasterHttpsCertThumbprint) from LocalMachine\Root, with its subject alternative names; it needs
        V(scaleout_worker_settings) and shares the second round trip.
      - V(scaleout_master_settings) reads the first C(MasterSettings.config) found under the same folders (null
        when there is none).
      - V(system) reads the host name and primary DNS suffix (C(reg query
        HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters), values C(Hostname) and C(Domain)).
      - V(services) reads state, start type and account (C(sc.exe query) and C(sc.exe qc)) of
        C(SSISScaleOutMaster140|150|160), C(SSISScaleOutWorker140|150|160), C(RemoteRegistry) and C(MSSQLSERVER);
        a service that is not installed is null.
      - V(firewall_inbound) reads every inbound rule (C(netsh advfirewall firewall show rule name=all dir=in)).
      - V(scaleout_master_reach) resolves and probes, from the node, the host and port of the C(MasterEndpoint)
        of C(WorkerSettings.config) (the commands of M(irops.remediation.tcp_probe)); it needs
        V(scaleout_worker_settings) and shares the second round trip; null when the node has no endpoint.
      - V(shir_install) reads the self-hosted IR install (C(DiacmdPath) under
        C(HKLM\SOFTWARE\Microsoft\DataTransfer\DataManagementGateway\ConfigurationManager), else the first of
        C(C:\Program Files\Microsoft Integration Runtime\5.0|4.0|3.0) with a C(Shared) folder) and whether
        C(System.ValueTuple.dll) is in its C(Gateway) and C(Gateway\DataScan) (C(Test-Path)); null without one.
      - V(dotnet) reads C(Release) and C(Version) of C(HKLM\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full).
      - V(vcruntime) reads the Visual C++ 2015-2022 runtime keys C(HKLM\SOFTWARE\[WOW6432Node\]Microsoft\VisualStudio\14.0\VC\Runtimes\x64|x86)
        (both registry views).
      - V(shir_configurations) tests whether the self-hosted IR's C(Configurations) file exists in
        C(C:\ProgramData\Microsoft\DataTransfer\DataManagementGateway) (or the SHIR article's spelling C(Data Transfer)).
      - V(shir_service) reads state, start type and logon account of C(DIAHostService) (C(sc.exe query) and
        C(sc.exe qc)), null when it is not installed; V(user_rights) exports the user rights of the local policy
        (C(secedit /export /areas USER_RIGHTS /cfg) to a temporary file in C(C:\Windows\Temp) that the same
        script reads and removes); V(shir_data_folder_acl) reads the ACL of
        C(C:\ProgramData\Microsoft\DataTransfer\DataManagementGateway) (C(icacls)), null when it does not exist.
      - V(shir_cloud_reach) resolves and probes, from the node, the host and port of O(settings) C(shir_service_url)
        (the commands of M(irops.remediation.tcp_probe)); null when no URL is given.
      - V(oledb_progids) reads the class id of each OLE DB provider of O(settings) C(azuressis_oledb_providers)
        (C(reg query HKLM\SOFTWARE\Classes\<ProgID>\CLSID /ve), a key both registry views share);
        V(oledb_providers) then reads, in a second round trip and only for the ProgIDs found, the provider's
        C(OLE DB Provider) and C(InprocServer32) keys in the 64-bit and the 32-bit view (C(/reg:64), C(/reg:32)).
      - V(system_resources) reads total and available physical memory, logical processors and the size and free
        space of each fixed drive (C(Get-CimInstance) of C(Win32_OperatingSystem), C(Win32_ComputerSystem),
        C(Win32_LogicalDisk -Filter DriveType=3)) and the C(%ProgramData%) folder.
      - V(shir_ha_reach) resolves and probes on TCP 8060, from the node, every other node of a high-availability
        self-hosted IR (the commands of M(irops.remediation.tcp_probe)), probes C(127.0.0.1:8060), and reads which
        enabled inbound rules allow or block TCP 8060 (the command of V(firewall_inbound), run once for both). The
        other nodes are C(shir_ha_nodes) of O(settings), else the other hosts of the play whose
        C(irops_node_roles) holds C(shir_node), each by the name this node probed it by earlier in the run, else
        the C(system) FQDN or host name it reported earlier in the run, else its inventory name (hosts gather at
        the same time, so the first gather of a play uses the inventory name). It runs in the first round trip, two commands
        per peer and one more; none without a peer.
    type: list
    elements: str
  settings:
    description:
      - The values the operator gives that some subsets read (the same option, with the same checks, as
        M(irops.remediation.diagnose)'s O(irops.remediation.diagnose#module:settings)); the other settings are ignored here.
      - M(irops.remediation.diagnose) reuses the facts only when they were read with the same values.
    type: dict
    default: {}
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Gather what the checks of the host's roles need (then diagnose needs no round trip)
  irops.remediation.node_facts:
    node_roles: "{{ irops_node_roles }}"

- name: Read the http.sys SSL bindings
  irops.remediation.node_facts:
    gather_subset: [http_sslcert]

- name: Show the certificate bound to the Scale Out Master port
  ansible.builtin.debug:
    msg: "{{ ansible_facts.irops_node.http_sslcert | selectattr('endpoint', 'eq', 'ipport=0.0.0.0:8391') }}"
"""

RETURN = r"""
ansible_facts:
  description: The gathered facts.
  returned: always
  type: dict
  contains:
    irops_node:
      description:
        - Facts per subset, and C(gather_errors) naming any subset that could not be read and why.
        - C(gathered) says for which C(roles) and C(subsets) they were gathered, and in which C(play).
        - C(cert_root) is a list of certificates, C(cert_my) a dict with C(machine_guid) and C(certificates),
          each certificate with the keys of the certificates that M(irops.remediation.certificate_info) returns;
          C(cert_my_key_acl) is C(cert_my)'s certificates with C(key_access) and C(key_acl).
        - C(scaleout_worker_settings) is C(path), C(version), C(service), C(account), C(values) (the file's top-level
          keys), C(master_endpoint), C(master_host), C(master_port), C(master_thumbprint) (as written),
          C(worker_thumbprint) (normalized), C(tasks_root_folder) and C(agent_id); C(scaleout_master_settings) is
          C(path), C(version), C(service), C(values), C(port), C(thumbprint) (normalized) and C(sql_server_name);
          C(scaleout_master_cert) one certificate; each is null when the node has none.
        - C(system) is C(hostname), C(domain) and C(fqdn) (null without a domain); C(services) maps each service
          name to null or C(state), C(start_type) and C(account); C(firewall_inbound) is C(rules), each with
          C(name), C(enabled), C(action), C(protocol) and C(localports); C(scaleout_master_reach) is C(host),
          C(port), C(resolved), C(addresses) and C(reachable).
        - C(shir_install) is C(folder), C(version) (V(5.0), V(4.0), ...), C(major), C(diacmd_path) and C(valuetuple)
          (C(gateway) and C(datascan), each true, false, or null when not read); C(dotnet) is C(release) and C(version) (null
          when absent); C(vcruntime) maps C(x64) and C(x86) to C(present), C(version), C(key) and C(views) (each
          registry view's key, null when absent); C(shir_configurations) is C(present), C(path) and C(checked).
        - C(shir_service) is C(name), C(state), C(start_type) and C(account); C(user_rights) is C(rights), each
          right name mapped to its holders as secedit wrote them (C(*S-1-5-...) or a name), and C(leftover), why the
          temporary export could not be removed (null when it was); C(shir_data_folder_acl)
          is C(path) and C(acl), the ACEs as icacls printed them.
        - C(shir_ha_reach) is C(port) (8060), C(source) (V(settings.shir_ha_nodes) or V(play)), C(peers) (each
          C(name), C(host) (its inventory name, null for a name of the settings), C(resolved), C(addresses),
          C(error) (the resolver's) and C(reachable)), C(outside_play) (C(shir_node) hosts of the inventory that are
          not in the play), C(listening) (127.0.0.1:8060 answers; null without a peer) and C(inbound)
          (C(allowed_by) and C(blocked_by), the enabled inbound rules covering TCP 8060, and C(error)).
      type: dict
      sample:
        http_sslcert:
          - endpoint: ipport=0.0.0.0:8391
            certificate_hash: 3DF10A7C5521980B6E4413A79C028E61F05B3A19
            app_id: "{8f3e2b94-1c55-4d0e-9a7b-2f6c1d9e0a11}"
            certificate_store: Root
            fields: [["IP:port", "0.0.0.0:8391"]]
        gather_errors: {}
round_trips:
  description: How many times the task sent commands to the node (1, or 2 with a second-stage subset).
  returned: always
  type: int
  sample: 1
"""
