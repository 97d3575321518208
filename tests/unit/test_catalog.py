"""The catalog's data: every entry complete, checks and fixes that exist (schema: catalog/README.md)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks, _facts

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = _catalog.load()
PREFIX = {"scale-out": "scaleout-", "azure-ssis-ir": "azuressis-", "shir": "shir-"}
FILES = {"scale_out.yml": "scale-out", "azure_ssis_ir.yml": "azure-ssis-ir", "shir.yml": "shir"}
ENTRY_KEYS = {"id", "title", "source_heading", "node_roles", "symptoms", "signatures", "error_codes", "cause",
              "resolution", "automation", "manual_reason", "check", "fix", "investigate", "report"}
DOCUMENT_KEYS = {"product", "name", "article", "source", "guidance", "entries"}
# The typographic quotes ansible-test's no-smart-quotes rejects; the catalog writes ASCII quotes.
SMART_QUOTES = re.compile("[\u2018\u2019\u201c\u201d]")


def _raw_documents():
    return {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "catalog").glob("*.yml"))}


def _action_exists(module: str) -> bool:
    return module.startswith("irops.remediation.") and (ROOT / "plugins" / "action" / (module.split(".")[-1] + ".py")).exists()


def test_one_file_per_product_with_known_keys_only():
    documents = _raw_documents()
    assert {name: doc["product"] for name, doc in documents.items()} == FILES
    for name, document in documents.items():
        assert set(document) <= DOCUMENT_KEYS, name
        assert set(document["source"]) <= {"en", "fr"} and document["source"]["en"].endswith(".md")
        assert document["name"] and set(document["article"]) == set(document["source"])
        for raw in document["entries"]:
            assert set(raw) <= ENTRY_KEYS, f"{name}: {raw['id']} has unknown keys {set(raw) - ENTRY_KEYS}"
        for item in document.get("guidance", ()):
            assert set(item) == {"title", "source_heading", "steps"} and item["steps"]


def test_catalog_files_use_ascii_quotes():
    for path in (ROOT / "catalog").iterdir():
        text = path.read_text(encoding="utf-8")
        assert not SMART_QUOTES.search(text), f"{path.name}: write typographic quotes as ASCII ' and \""


def test_readme_counts_are_the_catalogs():
    readme = (ROOT / "catalog" / "README.md").read_text(encoding="utf-8")
    for name, product in FILES.items():
        count = sum(1 for e in ENTRIES if e.product == product)
        assert re.search(rf"^\| `{re.escape(name)}` \| `{product}` \| .* \| {count} \|$", readme, re.M), name


def test_catalog_is_not_empty_and_ids_are_unique():
    ids = [e.id for e in ENTRIES]
    assert ids and len(ids) == len(set(ids))


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_entry_is_complete(entry):
    for name in ("id", "title", "cause"):
        assert isinstance(getattr(entry, name), str) and getattr(entry, name).strip(), f"{entry.id}: {name} is empty"
    assert re.match(r"^[a-z0-9]+(-[a-z0-9]+)+$", entry.id)
    assert entry.id.startswith(PREFIX[entry.product])
    assert entry.symptoms and entry.resolution
    assert all(isinstance(text, str) and text.strip() for text in entry.symptoms + entry.resolution), entry.id
    assert set(entry.node_roles) <= set(_catalog.NODE_ROLES) and entry.node_roles
    assert entry.automation in _catalog.AUTOMATION_LEVELS
    assert entry.headings("en"), f"{entry.id}: source_heading.en maps the entry to its article heading"
    assert set(entry.source_heading) <= set(entry.source), f"{entry.id}: a heading in a language the file has no source for"
    for signature in entry.signatures:
        assert set(signature) == {"lang", "text"}
        assert signature["lang"] in entry.source and isinstance(signature["text"], str) and signature["text"].strip()
    for code in entry.error_codes:
        assert code in " ".join(s["text"] for s in entry.signatures), f"{entry.id}: error code {code} is in no signature"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_automation_level_is_backed_by_what_exists(entry):
    """`automation` is the level an entry is meant to have; `check` and `fix` appear when implemented."""
    if entry.automation == "manual":
        assert entry.manual_reason and entry.manual_reason.strip(), f"{entry.id}: a manual entry says why"
        assert not entry.check and not entry.fix, f"{entry.id}: a manual entry has no check or fix"
    if entry.check is not None:
        assert entry.check in _checks.CHECKS, f"{entry.id}: check {entry.check!r} is not in _checks.CHECKS"
        needs = _checks.CHECKS[entry.check].needs
        assert needs and set(needs) <= set(_catalog.NODE_ROLES) - {"cloud"}, f"{entry.id}: needs are per node role"
        assert set(entry.node_roles) & set(needs), f"{entry.id}: the check reads nothing of the entry's own roles"
        for role, subsets in needs.items():
            assert set(subsets) <= set(_facts.PROBES), f"{entry.id}: {role} needs {subsets}"
    if entry.fix:
        assert entry.automation == "automated" and entry.check, f"{entry.id}: a fix comes with its check"
        module = entry.fix["module"]
        assert _action_exists(module), f"{entry.id}: no action for {module}"
        assert (ROOT / entry.fix["playbook"]).exists(), f"{entry.id}: no playbook {entry.fix['playbook']}"
        task = yaml.safe_load(entry.fix["task"])
        assert module in task[0], f"{entry.id}: the fix task does not use {module}"
        used = [key for item in task for key in item if key.count(".") == 2]
        assert entry.fix_modules == tuple(dict.fromkeys([module] + used)), entry.id
        for name in entry.fix_modules:
            assert _action_exists(name), f"{entry.id}: the fix task uses {name}, which is not an action of this collection"
            assert entry in _catalog.fixed_by(name), f"{entry.id}: not listed under {name}"
    if entry.investigate:
        assert _action_exists(entry.investigate["module"]) and (ROOT / entry.investigate["playbook"]).exists()


def test_every_check_is_used_by_an_entry():
    used = {e.check for e in ENTRIES if e.check}
    assert set(_checks.CHECKS) <= used


def test_ten_of_the_eleven_scale_out_entries_have_a_check():
    """Issue 12: every Scale Out entry whose drift a node holds has a check; the one that is an investigation
    says why and where to look (the ssisdb module's execution_id lookup, playbooks/triage.yml)."""
    scale_out = [e for e in ENTRIES if e.product == "scale-out"]
    unchecked = [e.id for e in scale_out if not e.check]
    assert len(scale_out) == 11 and unchecked == ["scaleout-error-messages-not-helpful"]
    investigation = _catalog.by_id("scaleout-error-messages-not-helpful")
    assert investigation.automation == "manual"
    reason = " ".join(investigation.manual_reason.split())
    assert "irops.remediation.ssisdb" in reason and "execution_id" in reason and "task_id" in reason
    assert investigation.investigate == {"module": "irops.remediation.ssisdb",
                                         "playbook": "playbooks/scaleout_execution_logs.yml"}


@pytest.mark.parametrize("entry_id, check, automation", [
    ("scaleout-master-fails", "scaleout_master_sql_server", "automated"),
    ("scaleout-worker-fails", "scaleout_worker_registered", "automated"),
    ("scaleout-no-endpoint-listening", "scaleout_master_endpoint", "automated"),
    ("scaleout-trust-relationship", "scaleout_worker_trusts_master", "automated"),
    ("scaleout-secure-channel", "scaleout_worker_key_access", "automated"),
    ("scaleout-http-request-forbidden", "scaleout_master_trusts_workers", "automated"),
    ("scaleout-http-request-error", "scaleout_master_sslcert_binding", "automated"),
    ("scaleout-cannot-open-certificate-store", "scaleout_worker_remote_registry", "automated"),
    ("scaleout-execution-does-not-start", "scaleout_workers_available", "automated"),
    ("scaleout-no-log", "scaleout_sql_authentication", "automated"),
])
def test_scale_out_checks(entry_id, check, automation):
    entry = _catalog.by_id(entry_id)
    assert (entry.check, entry.automation) == (check, automation)
    if automation == "check-only":
        assert entry.manual_reason, f"{entry_id}: a check-only entry says why its fix stays manual"


def test_the_certificate_store_entry_is_the_worker_computer():
    """The article: Scale Out Manager opens the worker computer's store remotely (Remote Registry there)."""
    entry = _catalog.by_id("scaleout-cannot-open-certificate-store")
    assert entry.node_roles == ("scaleout_worker",)
    assert "worker computer" in entry.cause and "Remote Registry" in entry.cause


def test_the_implemented_entry_is_unchanged():
    entry = _catalog.by_id("scaleout-http-request-error")
    assert entry.check == "scaleout_master_sslcert_binding"
    assert entry.fix["module"] == "irops.remediation.http_sslcert"
    assert entry.fix["playbook"] == "playbooks/remediate_scaleout_master.yml"


def test_fixed_by_lists_an_entry_under_every_module_its_fix_uses():
    """documented_symptoms of a module come from every task of the fix, not only fix.module."""
    forbidden = _catalog.by_id("scaleout-http-request-forbidden")
    assert forbidden.fix["module"] == "irops.remediation.certificate"
    assert forbidden.fix_modules == ("irops.remediation.certificate", "irops.remediation.root_store_cleanup",
                                     "irops.remediation.registry_value")
    assert forbidden in _catalog.fixed_by("irops.remediation.certificate")
    assert [e.id for e in _catalog.fixed_by("irops.remediation.registry_value")] == [
        "scaleout-http-request-forbidden", "scaleout-no-log"]
    assert {e.id for e in _catalog.fixed_by("irops.remediation.private_key_access")} == {"scaleout-secure-channel"}
    assert {e.id for e in _catalog.fixed_by("irops.remediation.service")} == {
        "scaleout-master-fails", "scaleout-worker-fails", "scaleout-trust-relationship", "scaleout-secure-channel",
        "scaleout-cannot-open-certificate-store", "scaleout-no-log"}
    assert _catalog.fixed_by("irops.remediation.no_such_module") == []


@pytest.mark.parametrize("module, ids", [
    ("irops.remediation.certificate", {"scaleout-trust-relationship", "scaleout-http-request-forbidden",
                                       "shir-certificate-private-key-missing", "shir-certificate-ksp-not-supported",
                                       "shir-trust-relationship-adf-certificate"}),
    ("irops.remediation.private_key_access", {"scaleout-secure-channel"}),
    ("irops.remediation.root_store_cleanup", {"scaleout-http-request-forbidden"}),
    ("irops.remediation.settings_file", {"scaleout-master-fails", "scaleout-no-endpoint-listening",
                                         "scaleout-trust-relationship"}),
    ("irops.remediation.http_sslcert", {"scaleout-http-request-error"}),
])
def test_every_certificate_module_names_its_documented_symptoms(module, ids):
    assert {e.id for e in _catalog.fixed_by(module)} == ids


def test_fix_modules_of_a_fix_without_task_is_its_module(tmp_path):
    entry = _catalog.Entry(id="shir-x", product="shir", title="X", node_roles=("shir_node",), symptoms=("s",),
                           signatures=(), cause="c", resolution=("r",), automation="automated",
                           fix={"module": "irops.remediation.certificate"})
    assert entry.fix_modules == ("irops.remediation.certificate",)
    assert dataclasses.replace(entry, fix={}).fix_modules == ()


def test_guidance_is_loaded():
    titles = {g.title for g in _catalog.guidance()}
    assert titles == {"Where to find logs for troubleshooting", "Gather self-hosted IR logs from Azure Data Factory"}


def test_a_missing_key_names_the_file_and_the_entry(tmp_path):
    (tmp_path / "x.yml").write_text("product: shir\nsource: {en: a.md}\nentries:\n  - id: shir-x\n    title: X\n")
    with pytest.raises(ValueError, match=r"catalog/x.yml: entry 'shir-x' has no node_roles, symptoms"):
        _catalog.load.__wrapped__(str(tmp_path))


def test_named_reports_exist_and_only_on_entries_without_a_check():
    """An entry's ``report`` names facts of _checks.REPORTS, shown on its not_checked finding (issue 13): the three
    SHIR entries whose fix stays manual show the node's memory, processors and drives."""
    reported = {entry.id: entry.report for entry in _catalog.load() if entry.report}
    assert reported == {"shir-out-of-memory": ("system_resources",), "shir-concurrent-jobs-limit": ("system_resources",),
                        "shir-setup-failed": ("system_resources",)}
    for entry_id, names in reported.items():
        entry = _catalog.by_id(entry_id)
        assert set(names) <= set(_checks.REPORTS) and entry.check is None and entry.automation == "manual"
