"""The next release's notes, as antsibull-changelog writes them, list every module, filter, role and playbook.

antsibull-changelog lists a module or a filter in "New Modules" / "New Plugins" when its ``version_added`` is the
release's version, and a role or playbook in "New Roles" / "New Playbooks" from the ``add object.<type>`` entries
of a fragment. The release runs on a copy of the files git would ship, in a temporary directory: the real
``changelogs/changelog.yaml``, ``CHANGELOG.rst`` and fragments are never touched.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import dev

pytestmark = pytest.mark.quality


def shipped_copy(target: Path) -> Path:
    """The files git tracks or would track (not ignored), copied to ``target``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=dev.ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = dev.ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def filter_names() -> set[str]:
    return {yaml.safe_load(p.read_text())["DOCUMENTATION"]["name"] for p in (dev.ROOT / "plugins/filter").glob("*.yml")}


def test_the_next_release_lists_every_module_filter_role_and_playbook(tmp_path):
    real = {p: p.read_bytes() for p in (dev.ROOT / "changelogs").rglob("*") if p.is_file()}
    real[dev.ROOT / "CHANGELOG.rst"] = (dev.ROOT / "CHANGELOG.rst").read_bytes()
    copy = shipped_copy(tmp_path / "remediation")
    env = dev.ansible_env()
    env.pop("ANSIBLE_COLLECTIONS_PATH")  # antsibull-changelog loads the copy's plugins, never the staged worktree
    version = yaml.safe_load((copy / "galaxy.yml").read_text())["version"]

    lint = subprocess.run(["antsibull-changelog", "lint"], cwd=copy, env=env, capture_output=True, text=True,
                          check=False)
    assert lint.returncode == 0 and not lint.stdout.strip(), lint.stdout + lint.stderr
    release = subprocess.run(["antsibull-changelog", "release", "--date", "2026-01-01"], cwd=copy, env=env,
                             capture_output=True, text=True, check=False)
    assert release.returncode == 0, release.stdout + release.stderr

    changes = yaml.safe_load((copy / "changelogs/changelog.yaml").read_text())
    ours = changes["releases"][version]
    listed = {
        "module": {m["name"] for m in ours.get("modules", [])},
        "filter": {f["name"] for f in ours.get("plugins", {}).get("filter", [])},
        "role": {r["name"] for r in ours.get("objects", {}).get("role", [])},
        "playbook": {p["name"] for p in ours.get("objects", {}).get("playbook", [])},
    }
    shipped = {
        "module": {p.stem for p in (dev.ROOT / "plugins/modules").glob("*.py")},
        "filter": filter_names(),
        "role": {p.name for p in (dev.ROOT / "roles").iterdir() if (p / "tasks").is_dir()},
        "playbook": {p.stem for p in (dev.ROOT / "playbooks").glob("*.yml")},
    }
    assert listed == shipped
    assert len(shipped["module"]) >= 20 and "explain" in shipped["filter"]

    notes = (copy / "CHANGELOG.rst").read_text()
    section = notes[notes.index(f"v{version}\n"):]
    for heading in ("New Modules", "New Plugins", "New Roles", "New Playbooks"):
        assert f"\n{heading}\n" in section, heading
    for kind, names in shipped.items():
        for name in names:
            assert f"\n- {name} - " in section, (kind, name)

    # A first release fixes nothing a user had: its notes hold no Bugfixes or Security Fixes.
    if set(changes["releases"]) == {version}:
        assert not {"bugfixes", "security_fixes"} & set(ours.get("changes", {})), ours.get("changes", {}).keys()

    # The real changelog is untouched.
    assert {p: p.read_bytes() for p in real} == real
