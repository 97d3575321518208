"""`ansible-galaxy collection build` gives an artifact that installs and works, without test, demo or unreleased
changelog files, and that refers to no path outside the repository."""

from __future__ import annotations

import subprocess
import tarfile

import pytest

import dev

pytestmark = pytest.mark.quality


def test_built_collection_installs_and_documents_every_module(tmp_path):
    env = dev.ansible_env()
    artifact = dev.build_collection(tmp_path)
    with tarfile.open(artifact) as tar:
        names = tar.getnames()
    assert "plugins/action/http_sslcert.py" in names and "catalog/scale_out.yml" in names
    assert not [n for n in names if n.startswith(("tests/", ".venv", ".build", "dev.py", ".ci"))]
    # Neither the demo fleet nor the unreleased changelog fragments ship (galaxy.yml build_ignore); the
    # released changelog does.
    assert not [n for n in names if n.split("/")[0] == "demo" or n.startswith("changelogs/fragments")], names
    assert "changelogs/changelog.yaml" in names
    # No shipped file refers to a path outside the repository (the shared notes of the project's workspace).
    with tarfile.open(artifact) as tar:
        outside = sorted(member.name for member in tar.getmembers() if member.isfile()
                         and any(ref in tar.extractfile(member).read() for ref in (b"shared/", b"/work/")))
    assert outside == [], outside

    installed = tmp_path / "installed"
    # --force: the source tree is already on the configured collections path.
    subprocess.run(["ansible-galaxy", "collection", "install", "--force", str(artifact), "-p", str(installed)],
                   env=env, check=True, capture_output=True, text=True)
    env["ANSIBLE_COLLECTIONS_PATH"] = str(installed)
    for module in ("http_sslcert", "node_facts", "diagnose", "recent_logs", "registry_value", "service",
                   "firewall_rule", "hosts_entry", "settings_file", "tcp_probe", "certificate", "certificate_info",
                   "certificate_verify", "private_key_access", "root_store_cleanup", "ssisdb",
                   "user_right", "shir_service_account", "file_copy", "path_access"):
        run = subprocess.run(["ansible-doc", f"irops.remediation.{module}"], env=env, check=True,
                             capture_output=True, text=True)
        doc = run.stdout + run.stderr
        assert "OPTIONS" in doc and "EXAMPLES" in doc and "RETURN VALUES" in doc, doc
    # The installed copy finds its catalog data.
    check = subprocess.run(
        ["python", "-c", "from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog; "
                         "print(len(_catalog.load()))"],
        env=dict(env, PYTHONPATH=str(installed)), check=True, capture_output=True, text=True)
    assert int(check.stdout) >= 1
