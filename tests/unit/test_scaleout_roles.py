"""The roles and playbooks as data: every task of a changing module names the catalog entry its drift
causes (documented_entry, an id of the catalog), and the filters they read other nodes' facts with."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.irops.remediation.plugins.filter import scaleout
from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog

ROOT = Path(__file__).resolve().parents[2]
READ_ONLY = {"irops.remediation.node_facts", "irops.remediation.certificate_info", "irops.remediation.diagnose",
             "irops.remediation.recent_logs", "irops.remediation.certificate_verify", "irops.remediation.tcp_probe"}
# Every role and playbook of the collection. Some have no changing task of their own: read-only ones (diagnose,
# triage, execution logs) and playbooks that only apply a role.
FILES = sorted([*(ROOT / "roles").glob("*/tasks/*.yml"), *(ROOT / "roles").glob("*/handlers/main.yml"),
                *(ROOT / "playbooks").glob("*.yml")])
WITHOUT_CHANGING_TASKS = {"roles/diagnose/tasks/main.yml", "roles/shir_node/tasks/main.yml",
                          "playbooks/diagnose.yml", "playbooks/triage.yml",
                          "playbooks/scaleout_execution_logs.yml", "playbooks/remediate_scaleout_master.yml",
                          "playbooks/remediate_scaleout_worker.yml", "playbooks/remediate_shir_node.yml",
                          "playbooks/remediate_scaleout.yml", "playbooks/scaleout_gather.yml", "playbooks/remediate.yml"}


def tasks(document):
    for item in document if isinstance(document, list) else []:
        if not isinstance(item, dict):
            continue
        for key in ("tasks", "pre_tasks", "post_tasks", "handlers", "block"):
            yield from tasks(item.get(key))
        yield item


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_changing_task_names_its_entry(path):
    found = 0
    for task in tasks(yaml.safe_load(path.read_text())):
        module = next((k for k in task if k.startswith("irops.remediation.")), None)
        if module is None or module in READ_ONLY:
            continue
        args = task[module]
        if module == "irops.remediation.ssisdb" and not set(args) & {"scaleout_enabled", "enabled_workers", "disabled_workers"}:
            continue  # a read
        assert "documented_entry" in args, f"{path.name}: {task['name']}"
        entries = args["documented_entry"]
        if isinstance(entries, str):  # a template of a list
            entries = yaml.safe_load(entries.strip("{} "))
        assert entries and all(_catalog.by_id(e) for e in entries), task["name"]
        found += 1
    assert bool(found) is (str(path.relative_to(ROOT)) not in WITHOUT_CHANGING_TASKS), "changing tasks found: %d" % found


MASTER_FACTS = {
    "system": {"hostname": "SSISMASTER01", "domain": "contoso.local", "fqdn": "SSISMASTER01.contoso.local"},
    "scaleout_master_settings": {"port": 8391, "thumbprint": "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"},
    "cert_root": [{"thumbprint": "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B", "subject": "CN=SSISMASTER01",
                   "dns_names": ["SSISMASTER01", "SSISMASTER01.contoso.local"]}],
}


@pytest.mark.parametrize("current, endpoint", [
    ("SSISMASTER01", "https://SSISMASTER01:8391"),                       # the worker's host is a name: kept
    ("ssis-master.contoso.local", "https://SSISMASTER01.contoso.local:8391"),  # an alias not in the cert: the FQDN
    (None, "https://SSISMASTER01.contoso.local:8391"),
])
def test_the_master_endpoint_is_a_name_of_the_certificate_and_the_master_port(current, endpoint):
    assert scaleout.scaleout_master_endpoint(MASTER_FACTS, current) == endpoint


def test_the_master_endpoint_is_unknown_without_the_facts():
    assert scaleout.scaleout_master_endpoint(None) == ""
    assert scaleout.scaleout_master_endpoint(dict(MASTER_FACTS, cert_root=[])) == ""
    assert scaleout.scaleout_master_endpoint(dict(MASTER_FACTS, scaleout_master_settings=None)) == ""


def test_hosts_with_role_reads_irops_node_roles():
    hostvars = {"m": {"irops_node_roles": ["scaleout_master", "ssisdb_sql"]}, "w": {"irops_node_roles": ["scaleout_worker"]},
                "x": {}}
    assert scaleout.hosts_with_role(["m", "w", "x"], "ssisdb_sql", hostvars) == ["m"]
    assert scaleout.hosts_with_role(["m", "w", "x"], "scaleout_worker", hostvars) == ["w"]


@pytest.mark.parametrize("rules, admits", [
    ([{"enabled": True, "action": "allow", "protocol": "TCP", "localports": "8391"}], True),
    ([{"enabled": True, "action": "allow", "protocol": "TCP", "localports": "8000-9000"}], True),
    ([{"enabled": True, "action": "allow", "protocol": "TCP", "localports": "Any"}], True),
    ([{"enabled": False, "action": "allow", "protocol": "TCP", "localports": "8391"}], False),
    ([{"enabled": True, "action": "allow", "protocol": "UDP", "localports": "8391"}], False),
    ([], False),
])
def test_firewall_admits(rules, admits):
    assert scaleout.firewall_admits({"rules": rules}, 8391) is admits
    assert scaleout.firewall_admits(None, 8391) is None
