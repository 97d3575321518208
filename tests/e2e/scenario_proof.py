"""The end-to-end proof of a documented failure scenario, through the real stack.

For one scenario of the simulator (tests/simulator/scenarios/), on its own simulator process
(the nodes of a scenario share host names with other scenarios, so each gets its own fabric):

1. ``playbooks/diagnose.yml``: the failing entries must be exactly the scenario's documented ones
   (nothing unrelated fails) and no check is unknown -> *diagnosed*; for a scenario with ``locales``, the
   same nodes switched to each of those display languages (fr-FR) must give every entry the same status;
2. the remediation playbook with ``--check --diff``: every node's state digest is unchanged, a drifted
   scenario reports its drift as changes and a healthy one ``changed=0`` -> *inert*;
3. the remediation playbook: it succeeds, and ``diagnose`` then finds no failure -> *fixed*;
4. the remediation playbook again: ``changed=0`` on every node -> *idempotent* (an apply that already reported
   ``changed=0`` and left every state digest as it was counts as that second apply).

A *check-only* entry (its fix is an installer or a person's action, catalog ``automation: check-only``) is
proven the same way, except that the remediation playbook must change nothing (check mode shows no change
and the apply makes none) and *fixed* means that the finding names the installer or action the scenario
expects, and that it still fails after the apply: the collection does not pretend to have fixed it.

The inventory names only each host's roles (``irops_node_roles``) and the connection; every other
value is read from the nodes. ``tests/e2e/test_scenario_proof.py`` asserts the four columns for each
scenario; ``tests/benchmarks/scenario_table.py`` prints them as the table of the issue notes, with
the WinRM round trips each phase cost per node.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

import dev
from simulator_control import Simulator

MASTER_AND_SQL = ("scaleout_master", "ssisdb_sql")


@dataclass(frozen=True)
class Scenario:
    name: str
    entries: tuple                      # the entries diagnose must report as failing; () for a healthy scenario
    roles: dict                         # node -> its roles (the only thing the inventory says about it)
    playbook: str = "playbooks/remediate_scaleout.yml"
    extra_vars: dict = field(default_factory=dict)  # the operator's explicit choices the fix needs
    check_only: str = ""                # for a check-only entry: what its finding must name (installer, action)
    settings: dict = field(default_factory=dict)    # the values the operator gives diagnose (diagnose_settings)
    files: dict = field(default_factory=dict)       # node -> {host var: a file the operator holds, made by FILES}
    locales: tuple = ()                 # display languages whose nodes must give the same findings as the scenario's


PAIR = {"master": list(MASTER_AND_SQL), "worker": ["scaleout_worker"]}

SCALE_OUT = (
    Scenario("scaleout_pair_healthy", (), PAIR),
    Scenario("scaleout_ssisdb_separate_sql", (),
             {"master": ["scaleout_master"], "worker": ["scaleout_worker"], "sql": ["ssisdb_sql"]}),
    Scenario("scaleout_disabled", ("scaleout-master-fails",), PAIR),
    Scenario("scaleout_master_sql_server_name_wrong", ("scaleout-master-fails",), PAIR),
    Scenario("scaleout_worker_service_stopped", ("scaleout-worker-fails",), PAIR),
    # The only worker is offline, so no execution can start either: both entries are this drift's.
    Scenario("scaleout_worker_offline", ("scaleout-worker-fails", "scaleout-execution-does-not-start"), PAIR),
    Scenario("scaleout_master_port_closed", ("scaleout-no-endpoint-listening",), PAIR),
    Scenario("scaleout_worker_endpoint_port_wrong", ("scaleout-no-endpoint-listening",), PAIR),
    Scenario("scaleout_worker_master_cert_missing", ("scaleout-trust-relationship",), PAIR),
    Scenario("scaleout_worker_thumbprint_mismatch", ("scaleout-trust-relationship",), PAIR),
    Scenario("scaleout_endpoint_host_not_in_cert", ("scaleout-trust-relationship",), PAIR),
    Scenario("scaleout_worker_no_key_access", ("scaleout-secure-channel",), PAIR),
    Scenario("scaleout_master_worker_cert_missing", ("scaleout-http-request-forbidden",), PAIR),
    Scenario("scaleout_master_sends_trusted_issuer_list", ("scaleout-http-request-forbidden",), PAIR),
    Scenario("scaleout_pair_binding_missing", ("scaleout-http-request-error",), PAIR),
    Scenario("scaleout_pair_binding_wrong_cert", ("scaleout-http-request-error",), PAIR),
    Scenario("scaleout_worker_remote_registry_stopped", ("scaleout-cannot-open-certificate-store",), PAIR),
    # Which worker runs packages is the operator's choice: the fix enables the one named.
    Scenario("scaleout_no_enabled_worker", ("scaleout-execution-does-not-start",), PAIR,
             extra_vars={"scaleout_ssisdb_enable_workers": ["SSISWORKER01"]}),
    # Allowing SQL Server authentication takes effect when SQL Server restarts: the operator allows it.
    Scenario("scaleout_sql_windows_auth_only", ("scaleout-no-log",), PAIR,
             extra_vars={"scaleout_ssisdb_allow_sql_restart": True}),
)


# The files an operator holds for a fix (a PFX and its password, a root certificate), made from the simulator's
# certificates (tests/simulator/certs) into the proof's folder.
CERTS = dev.ROOT / "tests" / "simulator" / "certs"
PFX_PASSWORD = "Pfx-proof-1"


def _pfx(name: str):
    def make(folder: Path) -> str:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.serialization import pkcs12
        data = (CERTS / f"{name}.pem").read_bytes()
        path = folder / f"{name}.pfx"
        path.write_bytes(pkcs12.serialize_key_and_certificates(
            name.encode(), serialization.load_pem_private_key(data, None), x509.load_pem_x509_certificate(data), None,
            serialization.BestAvailableEncryption(PFX_PASSWORD.encode())))
        return str(path)
    return make


def _cer(name: str):
    def make(folder: Path) -> str:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        path = folder / f"{name}.cer"
        cert = x509.load_pem_x509_certificate((CERTS / f"{name}.pem").read_bytes())
        path.write_bytes(cert.public_bytes(serialization.Encoding.DER))
        return str(path)
    return make


FILES = {"shir01_remote.pfx": _pfx("shir01_remote"), "digicert_global_root_g2.cer": _cer("digicert_global_root_g2"),
         "pfx password": lambda folder: PFX_PASSWORD}

SHIR_PAIR = {"shir01": ["shir_node"], "shir02": ["shir_node"]}
SHIR_PFX = {"shir01": {"shir_node_certificate_src": "shir01_remote.pfx", "shir_node_certificate_password": "pfx password"}}
SHIR_PLAYBOOK = "playbooks/remediate_shir_node.yml"


# The values the operator gives diagnose for a self-hosted IR: the service URL of the data factory's region, and the
# OLE DB providers its packages use (on the proxy for the Azure-SSIS IR).
SHIR_SETTINGS = {"shir_service_url": "https://wu2.frontend.clouddatahub.net/", "azuressis_oledb_providers": ["MSOLEDBSQL"]}


def _shir(name: str, entries: tuple = (), **kwargs) -> Scenario:
    return Scenario(name, entries, SHIR_PAIR, playbook=SHIR_PLAYBOOK, settings=SHIR_SETTINGS, locales=("fr-FR",),
                    **kwargs)


SHIR = (
    _shir("shir_healthy"),
    # A stopped Integration Runtime Service also leaves the node unreachable to the other HA node: both entries.
    _shir("shir_service_stopped", ("azuressis-shir-offline-2010", "shir-node-inactive-limited")),
    # An account set in the Services console has none of what the installer gave NT SERVICE\DIAHostService: the logon
    # right and the data folder, the proxy's policies, read on the certificate's key; and the service cannot start.
    _shir("shir_service_account_no_rights", ("shir-registration-error-service-account", "azuressis-shir-offline-2010",
                                             "shir-node-inactive-limited", "azuressis-named-pipe-proxy",
                                             "shir-certificate-private-key-missing")),
    _shir("shir_data_folder_acl_missing", ("shir-registration-error-service-account",)),
    _shir("shir_valuetuple_missing", ("shir-could-not-load-assembly",)),
    _shir("shir_ha_port_8060_closed", ("shir-node-inactive-limited",)),
    # Which address a peer name maps to is the operator's to say.
    _shir("shir_ha_peer_name_unresolvable", ("shir-node-inactive-limited",),
          extra_vars={"shir_node_peer_addresses": {"SHIR02": "10.0.1.12"}}),
    _shir("shir_proxy_policies_missing", ("azuressis-named-pipe-proxy",)),
    _shir("shir_localhost_unresolvable", ("shir-register-localhost-dns",)),
    _shir("shir_remote_cert_signature_key", ("shir-certificate-private-key-missing",), files=SHIR_PFX),
    _shir("shir_remote_cert_cng_key", ("shir-certificate-ksp-not-supported",), files=SHIR_PFX),
    # the key not readable by the service: granted without a PFX, on the certificate found for the node
    _shir("shir_remote_cert_key_not_readable", ("shir-certificate-private-key-missing",)),
    _shir("shir_adf_root_missing", ("shir-trust-relationship-adf-certificate",),
          files={"shir01": {"shir_node_digicert_root_src": "digicert_global_root_g2.cer"}}),
    # check-only: the fix is an installer, or a person's action, that the finding names
    _shir("shir_dotnet_471", ("shir-version-5-dotnet-472",), check_only=".NET Framework 4.7.2 or later offline installer"),
    _shir("shir_version_4"),
    _shir("shir_vcredist_missing", ("azuressis-shir-vcredist-missing",), check_only="vc_redist.x64.exe"),
    _shir("shir_configurations_missing", ("shir-authentication-key-missing",), check_only="register the node again"),
    _shir("shir_remote_cert_chain_broken", ("shir-ha-certificate-chain",), check_only="import the missing issuing CA"),
    _shir("shir_remote_cert_revocation_offline", ("shir-ha-certificate-chain",), check_only="revocation offline"),
    _shir("shir_proxy_staging_timeout", ("azuressis-staging-read-timeout",), check_only="the lines before it say why"),
    _shir("shir_oledb_provider_missing", ("azuressis-oledb-provider-not-registered",), check_only="msoledbsql.msi"),
    _shir("shir_cloud_service_unreachable", ("shir-cannot-connect-cloud-service",), check_only="firewall rule or a proxy"),
)


@dataclass
class Phase:
    rc: int
    output: str
    changed: dict          # host -> changed count of the PLAY RECAP
    round_trips: dict      # host -> WinRM commands the node received during the phase


@dataclass
class Proof:
    scenario: Scenario
    found: dict = field(default_factory=dict)        # host -> failing entries (first diagnose)
    after: dict = field(default_factory=dict)        # host -> failing entries (diagnose after the fix)
    statuses: dict = field(default_factory=dict)     # host -> {entry: status} (first diagnose)
    evidence: dict = field(default_factory=dict)     # (host, entry) -> evidence of each failing entry (first diagnose)
    localised: dict = field(default_factory=dict)    # locale -> host -> {entry: status}, the nodes in that locale
    phases: dict = field(default_factory=dict)       # name -> Phase
    digests_unchanged: bool = False
    notes: list = field(default_factory=list)

    @property
    def failing(self) -> set:
        return {entry for entries in self.found.values() for entry in entries}

    @property
    def unknown(self) -> dict:
        """host -> entries diagnose could not tell (first run): none when the inventory names roles and the
        nodes hold every value."""
        return {host: sorted(i for i, status in statuses.items() if status == "unknown")
                for host, statuses in self.statuses.items() if "unknown" in statuses.values()}

    @property
    def diagnosed(self) -> bool:
        return (self.phases["diagnose"].rc == 0 and self.failing == set(self.scenario.entries)
                and not self.unknown and not self.locale_differences)

    @property
    def locale_differences(self) -> dict:
        """locale -> host -> {entry: (status, status in that locale)} where a localised node differs."""
        differences = {}
        for locale, hosts in self.localised.items():
            for host, statuses in hosts.items():
                changed = {entry: (self.statuses.get(host, {}).get(entry), status) for entry, status in statuses.items()
                           if self.statuses.get(host, {}).get(entry) != status}
                if changed or set(statuses) != set(self.statuses.get(host, {})):
                    differences.setdefault(locale, {})[host] = changed or "other entries"
            if self.phases[f"diagnose_{locale}"].rc != 0:
                differences.setdefault(locale, {})["rc"] = self.phases[f"diagnose_{locale}"].rc
        return differences

    @property
    def inert(self) -> bool:
        check = self.phases["check"]
        # a drifted scenario shows its drift as changes; a healthy one, or a check-only drift, shows none
        changes = sum(check.changed.values())
        shows_drift = changes > 0 if self.scenario.entries and not self.scenario.check_only else changes == 0
        return check.rc == 0 and self.digests_unchanged and shows_drift

    @property
    def fixed(self) -> bool:
        if self.phases["apply"].rc != 0 or self.phases["diagnose_after"].rc != 0:
            return False
        if self.scenario.check_only:  # the finding names the way out, and nothing pretends it is fixed
            named = all(self.scenario.check_only in text for text in self.evidence.values()) and self.evidence
            still = {entry for entries in self.after.values() for entry in entries} == set(self.scenario.entries)
            return bool(named) and still and not sum(self.phases["apply"].changed.values())
        return not any(self.after.values())

    @property
    def idempotent(self) -> bool:
        again = self.phases["apply_again"]
        return again.rc == 0 and not any(again.changed.values())

    def columns(self) -> dict:
        return {"diagnosed": self.diagnosed, "inert": self.inert, "fixed": self.fixed, "idempotent": self.idempotent}


_RECAP = re.compile(r"^(\S+)\s*:\s*ok=\d+\s+changed=(\d+)", re.MULTILINE)


def write_inventory(generated: Path, scenario: Scenario, target: Path) -> None:
    inventory = yaml.safe_load(generated.read_text())
    hosts = inventory["all"]["children"]["windows"]["hosts"]
    for host, roles in scenario.roles.items():
        hosts[host]["irops_node_roles"] = list(roles)
        for variable, name in scenario.files.get(host, {}).items():
            hosts[host][variable] = FILES[name](target.parent)
    target.write_text(yaml.safe_dump(inventory, sort_keys=False))


def prove(scenario: Scenario, workdir: Path | None = None) -> Proof:
    """Run the four phases on a fresh simulator for the scenario; never raises for a failed phase."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix=f"proof-{scenario.name}-"))
    nodes = {node: f"{scenario.name}:{node}" for node in scenario.roles}
    proof = Proof(scenario)
    with dev.simulator(nodes, workdir / "winsim") as (base, generated):
        inventory = workdir / "inventory.yml"
        write_inventory(Path(generated), scenario, inventory)
        sim = Simulator(base, inventory)
        env = dev.ansible_env(ANSIBLE_NOCOLOR="1", ANSIBLE_FORKS="10")
        reports = workdir / "reports"
        extra_vars = dict(scenario.extra_vars, diagnose_report_dir=str(reports), diagnose_report_formats=["json"])
        if scenario.settings:
            extra_vars.update(diagnose_settings=scenario.settings, shir_node_settings=scenario.settings)
        extra = ["-e", json.dumps(extra_vars)] if extra_vars else []
        diagnose = dev.ROOT / "playbooks" / "diagnose.yml"

        def run(name: str, playbook: Path, *flags: str) -> Phase:
            before = {node: len(sim.log(node)) for node in nodes}
            proc = subprocess.run(["ansible-playbook", "-i", str(inventory), str(playbook), *extra, *flags],
                                  env=env, capture_output=True, text=True, check=False)
            phase = Phase(proc.returncode, proc.stdout + proc.stderr,
                          {host: int(count) for host, count in _RECAP.findall(proc.stdout)},
                          {node: len(sim.log(node)) - before[node] for node in nodes})
            proof.phases[name] = phase
            return phase

        def findings() -> tuple[dict, dict]:
            """Per node, from the fleet report the audit wrote: the failing entries and every entry's status."""
            failing, statuses, first = {}, {}, not proof.statuses
            report = reports / "fleet-report.json"
            listed = json.loads(report.read_text())["findings"] if report.exists() else []
            for finding in listed:
                statuses.setdefault(finding["node"], {})[finding["id"]] = finding["status"]
                if finding["status"] == "fail":
                    failing.setdefault(finding["node"], []).append(finding["id"])
                    if first:
                        proof.evidence[(finding["node"], finding["id"])] = finding["evidence"]
            for node in statuses:
                failing[node] = sorted(failing.get(node, []))
            report.unlink(missing_ok=True)
            return failing, statuses

        remediate = dev.ROOT / scenario.playbook
        run("diagnose", diagnose)
        proof.found, proof.statuses = findings()
        for locale in scenario.locales:  # the same nodes, displaying another language: the same findings
            saved = {node: sim.state(node) for node in nodes}
            for node, state in saved.items():
                sim.load_state(node, dict({k: v for k, v in state.items() if k != "clock"}, locale=locale))
            run(f"diagnose_{locale}", diagnose)
            _failing, proof.localised[locale] = findings()
            for node, state in saved.items():
                sim.load_state(node, {k: v for k, v in state.items() if k != "clock"})
        start = {node: sim.digest(node) for node in nodes}
        run("check", remediate, "--check", "--diff")
        proof.digests_unchanged = {node: sim.digest(node) for node in nodes} == start
        applied = run("apply", remediate, "--diff")
        unchanged = {node: sim.digest(node) for node in nodes} == start
        run("diagnose_after", diagnose)
        proof.after, _statuses = findings()
        if applied.rc == 0 and not sum(applied.changed.values()) and unchanged:
            # an apply that reported no change and left every node as it was is already the second apply: running
            # it again would replay the same run on the same state
            proof.phases["apply_again"] = applied
        else:
            run("apply_again", remediate)
        refused = sim.refusals()
        if refused:
            proof.notes.append(f"the simulator refused {len(refused)} command(s): {refused[:3]}")
    return proof


def table(proofs: list[Proof]) -> str:
    """The markdown table of the issue notes: scenario -> entry -> the four columns, and round trips."""
    lines = ["| scenario | entry | diagnosed | inert | fixed | idempotent | round trips: diagnose / check / apply |",
             "|---|---|---|---|---|---|---|"]
    for proof in proofs:
        marks = {name: "yes" if ok else "**no**" for name, ok in proof.columns().items()}
        trips = " / ".join(", ".join(f"{n} {c}" for n, c in proof.phases[p].round_trips.items())
                           for p in ("diagnose", "check", "apply"))
        lines.append(f"| {proof.scenario.name} | {', '.join(proof.scenario.entries) or '(healthy)'} | "
                     f"{marks['diagnosed']} | {marks['inert']} | {marks['fixed']} | {marks['idempotent']} | {trips} |")
    return "\n".join(lines)


def explain(proof: Proof) -> str:
    """What went wrong, for an assertion message."""
    parts = [f"scenario {proof.scenario.name}: {proof.columns()}",
             f"expected failing: {sorted(proof.scenario.entries)}; diagnose failed: {proof.found}; "
             f"unknown: {proof.unknown}; differing in another locale: {proof.locale_differences}",
             f"after the fix: {proof.after}", *proof.notes]
    for name, phase in proof.phases.items():
        if phase.rc != 0 or name in ("check", "apply_again"):
            parts.append(f"--- {name} (rc {phase.rc}, changed {phase.changed})\n{phase.output[-4000:]}")
    return "\n".join(parts)
