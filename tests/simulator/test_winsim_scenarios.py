"""The scenario library: every scenario loads, and each documented failure differs from its
healthy scenario exactly where its documented cause says (a declared list of differences
compared to a structural diff of the node states)."""

from __future__ import annotations

import re

import pytest
from winsim_helpers import make_node, run, run_one

import winsim
from winsim import security
from winsim.scenario import ScenarioError, available_scenarios, load_scenario, roles
from winsim.statediff import diff

MASTER = "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b"
WORKER = "21f5f6b3697e9ef46e28b0fb7aae5320fa53d878"
OLD = "bd89861c7801c45be44fb59fadc9198889b77f45"
SHIR01 = "29385c8a39c63665a6b47c9870a72cad65628530"
BINN = "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn"
GATEWAY = "C:\\Program Files\\Microsoft Integration Runtime\\5.0\\Gateway"
SHIR_ROOT = "C:\\Program Files\\Microsoft Integration Runtime"
VC_RUNTIMES = "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\VisualStudio\\14.0\\VC\\Runtimes"
MACHINE_KEYS = "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\*"
CNG_KEYS = "C:\\ProgramData\\Microsoft\\Crypto\\Keys\\*"

# failure scenario -> (healthy scenario, {role: [expected difference path patterns]})
EXPECTED = {
    "scaleout_worker_master_cert_missing": ("scaleout_pair_healthy", {
        "worker": [f"cert_stores.LocalMachine.Root[{MASTER}]"]}),
    "scaleout_master_worker_cert_missing": ("scaleout_pair_healthy", {
        "master": [f"cert_stores.LocalMachine.Root[{WORKER}]"]}),
    "scaleout_pair_binding_missing": ("scaleout_pair_healthy", {
        "master": ["http_ssl_bindings[0.0.0.0:8391]"]}),
    "scaleout_pair_binding_wrong_cert": ("scaleout_pair_healthy", {
        "master": ["http_ssl_bindings[0.0.0.0:8391].certhash", f"cert_stores.LocalMachine.Root[{OLD}]",
                   f"files.{MACHINE_KEYS}"]}),  # the old certificate and its key file
    "scaleout_endpoint_host_not_in_cert": ("scaleout_pair_healthy", {
        "worker": [f"files.{BINN}\\WorkerSettings.config.base64"]}),
    "scaleout_worker_thumbprint_mismatch": ("scaleout_pair_healthy", {
        "worker": [f"files.{BINN}\\WorkerSettings.config.base64"]}),
    "scaleout_worker_not_connected": ("scaleout_pair_healthy", {
        "master": [f"cert_stores.LocalMachine.Root[{WORKER}]",
                   "sql.instances.MSSQLSERVER.ssisdb.worker_agents[*].IsEnabled"],
        "worker": [f"cert_stores.LocalMachine.Root[{MASTER}]", f"files.{BINN}\\WorkerSettings.config.base64",
                   f"files.{MACHINE_KEYS}.acl[*{security.service_sid('SSISScaleOutWorker140')}:(R)]"]}),
    "scaleout_worker_no_key_access": ("scaleout_pair_healthy", {
        "worker": [f"files.{MACHINE_KEYS}.acl[*{security.service_sid('SSISScaleOutWorker140')}:(R)]"]}),
    "scaleout_master_port_closed": ("scaleout_pair_healthy", {
        "master": ["firewall.rules[SSIS Scale Out Master]"]}),
    "scaleout_worker_remote_registry_stopped": ("scaleout_pair_healthy", {
        "worker": ["services.RemoteRegistry.state", "services.RemoteRegistry.start_type"]}),
    "scaleout_worker_service_stopped": ("scaleout_pair_healthy", {
        "worker": ["services.SSISScaleOutWorker140.state"]}),
    "scaleout_worker_endpoint_port_wrong": ("scaleout_pair_healthy", {
        "worker": [f"files.{BINN}\\WorkerSettings.config.base64"]}),
    "scaleout_master_sql_server_name_wrong": ("scaleout_pair_healthy", {
        "master": [f"files.{BINN}\\MasterSettings.config.base64"]}),
    "scaleout_worker_offline": ("scaleout_pair_healthy", {
        "master": ["sql.instances.MSSQLSERVER.ssisdb.worker_agents[*].LastOnlineTime"]}),
    "scaleout_disabled": ("scaleout_pair_healthy", {
        "master": ["sql.instances.MSSQLSERVER.ssisdb.master_properties.IS_SCALEOUT_ENABLED"]}),
    "scaleout_no_enabled_worker": ("scaleout_pair_healthy", {
        "master": ["sql.instances.MSSQLSERVER.ssisdb.worker_agents[*].IsEnabled"]}),
    "scaleout_sql_windows_auth_only": ("scaleout_pair_healthy", {
        "master": ["registry.HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\MSSQL14.MSSQLSERVER\\"
                   "MSSQLServer.LoginMode.data",
                   # the service was started with it, so it is also the running mode (winsim/sqldb.py)
                   "sql.instances.MSSQLSERVER.running_login_mode"]}),
    "scaleout_master_sends_trusted_issuer_list": ("scaleout_pair_healthy", {
        "master": ["registry.HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL."
                   "SendTrustedIssuerList"]}),
    "shir_remote_cert_cng_key": ("shir_healthy", {
        "shir01": [f"cert_stores.LocalMachine.My[{SHIR01}].key.*", f"files.{MACHINE_KEYS}", f"files.{CNG_KEYS}"]}),
    "shir_remote_cert_signature_key": ("shir_healthy", {
        "shir01": [f"cert_stores.LocalMachine.My[{SHIR01}].key.key_spec"]}),
    "shir_dotnet_471": ("shir_healthy", {
        "shir01": ["registry.HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full.Release.data",
                   "registry.HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full.Version.data"]}),
    "shir_valuetuple_missing": ("shir_healthy", {
        "shir01": [f"files.{GATEWAY}\\System.ValueTuple.dll"]}),
    # SHIR files and runtimes
    "shir_vcredist_missing": ("shir_healthy", {
        "shir01": [f"registry.{VC_RUNTIMES}\\x64", f"registry.{VC_RUNTIMES}\\x86"]}),
    "shir_configurations_missing": ("shir_healthy", {
        "shir01": ["files.C:\\ProgramData\\Microsoft\\DataTransfer\\DataManagementGateway\\Configurations"]}),
    "shir_version_4": ("shir_healthy", {
        "shir01": ["registry.HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full.Release.data",
                   "registry.HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full.Version.data",
                   "registry.HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\DataTransfer\\DataManagementGateway\\"
                   "ConfigurationManager.DiacmdPath.data",
                   "services.DIAHostService.binary_path", "shir.version",
                   f"files.{SHIR_ROOT}\\5.0\\*", f"files.{SHIR_ROOT}\\4.0\\*",
                   f"directories[{SHIR_ROOT}\\5.0*]", f"directories[{SHIR_ROOT}\\4.0*]"]}),
    "shir_service_account_no_rights": ("shir_healthy", {
        "shir01": ["accounts.CONTOSO\\svc-ir", "services.DIAHostService.account", "services.DIAHostService.state"]}),
    "shir_service_stopped": ("shir_healthy", {
        "shir01": ["services.DIAHostService.state"]}),
    "shir_cloud_service_unreachable": ("shir_healthy", {
        "shir01": ["files.C:\\Windows\\System32\\drivers\\etc\\hosts.*"]}),
    "shir_proxy_policies_missing": ("shir_healthy", {
        "shir01": ["accounts.NT SERVICE\\DIAHostService.rights[*]"]}),
    # OLE DB providers (issue 13): MSOLEDBSQL's 64-bit class key (and its two subkeys) gone on shir01
    "shir_oledb_provider_missing": ("shir_healthy", {
        "shir01": ["registry.HKEY_LOCAL_MACHINE\\SOFTWARE\\Classes\\CLSID\\{5A23DE84-1D7B-4A16-8DED-B29C09CB648D}*"]}),
    "shir_data_folder_acl_missing": ("shir_healthy", {
        # a directory list item is compared whole: the data folder's item, its ACL one of Modify vs read and execute
        "shir01": ["directories[{\"acl\": [\"*S-1-5-80-*:(OI)(CI)(M)\"], \"path\": *DataManagementGateway\"}]",
                   "directories[{\"acl\": [\"*S-1-5-80-*:(OI)(CI)(RX)\"], \"path\": *DataManagementGateway\"}]"]}),
    "shir_localhost_unresolvable": ("shir_healthy", {
        "shir01": ["network.localhost_resolves"]}),
    "shir_adf_root_missing": ("shir_healthy", {
        "shir01": ["cert_stores.LocalMachine.Root[df3c24f9bfd666761b268073fe06d1cc8d4f82a4]"]}),
    "shir_ha_port_8060_closed": ("shir_healthy", {
        "shir01": ["firewall.rules[Integration Runtime HA]"]}),
    # SHIR01's DNS view has no record of SHIR02 (the DNS table of the fabric still has it for SHIR02 itself)
    "shir_ha_peer_name_unresolvable": ("shir_healthy", {
        "shir01": ["network.dns_missing"]}),
    # SHIR certificates
    # the remote-access key file without NT SERVICE\DIAHostService:(R) (its ACL is the default machine-key one)
    "shir_remote_cert_key_not_readable": ("shir_healthy", {
        "shir01": [f"files.{MACHINE_KEYS}"]}),
    # the issuing CA (Contoso Root CA) missing from Root: certutil -verify -urlfetch cannot build the chain
    "shir_remote_cert_chain_broken": ("shir_healthy", {
        "shir01": ["cert_stores.LocalMachine.Root[c9e8a5cb179de6b1d8733ef6c7063f954259224e]"]}),
    # a hosts-file entry sends the CRL host to an address nothing answers on: revocation offline
    "shir_remote_cert_revocation_offline": ("shir_healthy", {
        "shir01": ["files.C:\\Windows\\System32\\drivers\\etc\\hosts.*"]}),
    # SHIR01 proxies for the Azure-SSIS IR: its SSISTelemetry runtime log and two ExecutionLog files, the newest
    # ending with "Timeout when reading from staging" (the files create their folders)
    "shir_proxy_staging_timeout": ("shir_healthy", {
        "shir01": ["directories[C:\\ProgramData\\SSISTelemetry]",
                   "directories[C:\\ProgramData\\SSISTelemetry\\ExecutionLog]",
                   "files.C:\\ProgramData\\SSISTelemetry\\SSISTelemetry_20250106.log",
                   "files.C:\\ProgramData\\SSISTelemetry\\ExecutionLog\\*.log"]}),
}
HEALTHY = {"scaleout_pair_healthy", "scaleout_ssisdb_separate_sql", "shir_healthy"}


def matches(path: str, pattern: str) -> bool:
    """``*`` matches anything (also nothing); every other character is literal."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), path) is not None


# The README demo's fleet (and the earlier two-node cluster): several failures at once, each the drift of one
# scenario above (tests/e2e/test_demo.py).
DEMO = {"demo_scaleout_cluster", "demo_fleet"}
SINGLE_NODE = {"scaleout_master_healthy", "scaleout_master_binding_missing", "scaleout_master_binding_wrong_cert",
               "scaleout_master_binding_2022"}


def test_the_library_is_complete_and_every_scenario_loads():
    names = set(available_scenarios())
    assert names == set(EXPECTED) | HEALTHY | SINGLE_NODE | DEMO
    for name in sorted(names):
        for role in roles(name) or [None]:
            loaded = load_scenario(f"{name}:{role}" if role else name)
            assert loaded.description.strip(), name
            assert len(loaded.state.digest()) == 64


@pytest.mark.parametrize("failure", sorted(EXPECTED))
def test_failure_differs_from_healthy_exactly_where_documented(failure):
    healthy, expected = EXPECTED[failure]
    assert roles(failure) == roles(healthy)
    for role in roles(healthy):
        before = load_scenario(f"{healthy}:{role}").state.to_json()
        after = load_scenario(f"{failure}:{role}").state.to_json()
        found = diff(before, after)
        patterns = expected.get(role, [])
        unexplained = [p for p in found if not any(matches(p, pattern) for pattern in patterns)]
        assert unexplained == [], f"{failure}:{role} differs where its documented cause does not say"
        unused = [pattern for pattern in patterns if not any(matches(p, pattern) for p in found)]
        assert unused == [], f"{failure}:{role} does not differ where its documented cause says"


def test_group_scenarios_need_a_role_and_extends_merges():
    with pytest.raises(ScenarioError, match="pick one"):
        load_scenario("scaleout_pair_healthy")
    with pytest.raises(ScenarioError, match="no role"):
        load_scenario("scaleout_pair_healthy:nobody")
    with pytest.raises(ScenarioError, match="pick one"):
        load_scenario({"extends": "scaleout_pair_healthy"})


# --------------------------------------------------------------------------- behaviour of the failures
def test_failures_show_up_through_the_tools(sim):
    handle = sim({**winsim.group_nodes("scaleout_master_port_closed", "closed-"),
                  **winsim.group_nodes("shir_localhost_unresolvable", "lh-"),
                  **winsim.group_nodes("shir_ha_port_8060_closed", "ha-")})
    tnc = "Test-NetConnection -ComputerName {0} -Port {1} -InformationLevel Quiet -WarningAction SilentlyContinue"
    assert run_one(handle.node("closed-worker"), tnc.format("SSISMASTER01", 8391))["out"] == ["False"]
    assert run_one(handle.node("lh-shir01"), tnc.format("localhost", 8060))["out"] == ["False"]
    assert run_one(handle.node("lh-shir02"), tnc.format("localhost", 8060))["out"] == ["True"]
    assert run_one(handle.node("ha-shir02"), tnc.format("shir01.contoso.local", 8060))["out"] == ["False"]
    assert run_one(handle.node("ha-shir01"), tnc.format("shir02.contoso.local", 8060))["out"] == ["True"]


def test_a_node_specific_dns_view_fails_as_an_unknown_name_does_and_the_hosts_file_still_wins(sim):
    """shir01's DNS has no record of SHIR02: GetHostAddresses throws .NET's "No such host is known" (the SHIR seed's
    text) and Test-NetConnection warns and prints False, as for any unknown name (winsim/cmdlets.py)."""
    handle = sim(winsim.group_nodes("shir_ha_peer_name_unresolvable", "un-"))
    resolve = "try {{ [System.Net.Dns]::GetHostAddresses('{0}') | ForEach-Object {{ 'O ' + $_ }} }} catch {{ 'E ' + $_ }}"
    tnc = "Test-NetConnection -ComputerName {0} -Port 8060 -InformationLevel Quiet"
    first, second = handle.node("un-shir01"), handle.node("un-shir02")
    for name in ("SHIR02", "shir02.contoso.local"):
        assert run(first, resolve.format(name)).stdout == [
            'E Exception calling "GetHostAddresses" with "1" argument(s): "No such host is known"']
        assert run(first, tnc.format(name)).stdout == [f"WARNING: Name resolution of {name} failed", "False"]
    # the other names, and the other node's view, are untouched
    assert run(first, resolve.format("SHIR01")).stdout == ["O 10.0.1.11"]
    assert run(second, resolve.format("SHIR02")).stdout == ["O 10.0.1.12"]
    assert run(second, tnc.format("SHIR01")).stdout == ["True"]
    # the hosts file comes first: a mapping the operator gives makes the name resolve and the port answer
    first.state.fs.write("C:\\Windows\\System32\\drivers\\etc\\hosts", b"10.0.1.12 SHIR02\r\n")
    assert run(first, tnc.format("SHIR02")).stdout == ["True"]


def test_remote_registry_and_sql_failures_through_the_tools():
    node = make_node("scaleout_worker_remote_registry_stopped:worker")
    assert "        STATE              : 1  STOPPED" in run_one(node, "sc.exe query RemoteRegistry")["out"]
    sql = make_node("scaleout_disabled:master")
    out = run_one(sql, "sqlcmd -S . -E -h -1 -W -Q \"SET NOCOUNT ON; SELECT property_value FROM "
                       "SSISDB.catalog.master_properties WHERE property_name = 'IS_SCALEOUT_ENABLED'\"")
    assert out is not None


@pytest.mark.parametrize("name", sorted(HEALTHY | set(EXPECTED)))
def test_every_state_dump_loads_back_unchanged(name):
    import json

    from winsim.node import NodeState

    for role in roles(name):
        state = load_scenario(f"{name}:{role}").state
        again = NodeState.from_json(json.loads(json.dumps(state.to_json())))
        assert again.to_json() == state.to_json() and again.digest() == state.digest()
