"""The collection is ready for an execution environment (docs/execution-environment.md).

requirements.txt lists exactly what the plugins import; `ansible-builder create` runs on the example of
docs/execution-environment.md (pointed at this collection's tarball); then, without a container engine, the steps
of the generated Containerfile that concern this collection run here with the scripts `create` wrote: the galaxy
stage's install from the tarball in the build context, and the builder stage's introspection of what was installed.
`ansible-builder build` (podman or docker) and installing ansible.windows from Galaxy are not exercised.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tarfile

import pytest
import yaml
from packaging.requirements import Requirement

import dev

pytestmark = pytest.mark.quality

DOC = dev.ROOT / "docs" / "execution-environment.md"
NOT_IMPORTED = {"pywinrm": "ansible-core's winrm connection imports it"}  # listed for the connection, said in its comment


def _requirements(path):
    """(requirement, comment) of each requirement line of a pip requirements file."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        spec, _sep, comment = line.partition("#")
        if spec.strip():
            lines.append((spec.strip(), comment.strip()))
    return lines


def _third_party_imports():
    """Top-level modules that plugins/** import, other than the standard library and Ansible's."""
    found = {}
    for path in sorted((dev.ROOT / "plugins").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("__future__", "ansible", "ansible_collections"):
                    found.setdefault(top, set()).add(str(path.relative_to(dev.ROOT)))
    return found


def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def test_requirements_list_what_the_plugins_import():
    listed = _requirements(dev.ROOT / "requirements.txt")
    names = {_canonical(Requirement(spec).name): (Requirement(spec), comment) for spec, comment in listed}
    distributions = importlib.metadata.packages_distributions()
    imported = {}
    for module, files in _third_party_imports().items():
        for distribution in distributions.get(module, [module]):
            imported[_canonical(distribution)] = files
    assert imported, "the scan found no third-party import: the scan is broken"
    assert set(names) == set(imported) | set(NOT_IMPORTED), (imported, names)
    for name, (requirement, comment) in names.items():
        assert name not in ("ansible", "ansible-core"), "the execution environment or the controller provides ansible-core"
        assert requirement.specifier and all(s.operator == ">=" for s in requirement.specifier), f"{requirement}: lower bounds only"
        assert comment, f"{requirement} says what needs it"
        if name in NOT_IMPORTED:
            assert "not imported" in comment, comment
        else:
            assert any(path in comment for path in imported[name]), (comment, imported[name])
    # The controller pins include the collection's requirements; dev.py installs them for the demo and the tests.
    assert ("-r requirements.txt", "") in _requirements(dev.ROOT / "requirements-controller.txt")
    assert "requirements-controller.txt" in dev.REQUIREMENTS["demo"]
    assert ("-r requirements-controller.txt", "") in _requirements(dev.ROOT / "requirements-dev.txt")


def _example():
    """The execution-environment.yml of docs/execution-environment.md (the one block with `version: 3`)."""
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)]
    examples = [b for b in blocks if isinstance(b, dict) and b.get("version") == 3]
    assert len(examples) == 1, blocks
    return examples[0]


def test_ansible_builder_create_gives_a_context_with_this_collection_and_its_requirements(tmp_path):
    env = dev.ansible_env()
    artifact = dev.build_collection(tmp_path)
    with tarfile.open(artifact) as tar:
        shipped = set(tar.getnames())
    assert {"meta/execution-environment.yml", "requirements.txt"} <= shipped  # ansible-builder reads them from the artifact
    declared = yaml.safe_load((dev.ROOT / "meta" / "execution-environment.yml").read_text(encoding="utf-8"))
    assert declared["dependencies"] == {"python": "requirements.txt"}  # no system package (no bindep.txt)

    # The docs' example, with the tarball name of this build (the example names a version)
    definition = _example()
    text = re.sub(r"irops-remediation-[0-9][^/\s]*\.tar\.gz", artifact.name, yaml.safe_dump(definition))
    (tmp_path / "execution-environment.yml").write_text(text, encoding="utf-8")
    context = tmp_path / "context"
    create = subprocess.run(["ansible-builder", "create", "--file", "execution-environment.yml", "--context", str(context),
                             "--output-filename", "Containerfile"],
                            cwd=tmp_path, env=env, check=False, capture_output=True, text=True)
    assert create.returncode == 0, create.stdout + create.stderr

    build = context / "_build"
    galaxy = yaml.safe_load((build / "requirements.yml").read_text(encoding="utf-8"))["collections"]
    names = [c["name"] for c in galaxy]
    assert "ansible.windows" in names
    ours = [c for c in galaxy if c["name"].endswith(artifact.name)]
    assert len(ours) == 1 and ours[0]["type"] == "file", galaxy
    assert (build / ours[0]["name"]).read_bytes() == artifact.read_bytes()  # copied into the context
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    assert "ansible-galaxy collection install" in containerfile and "-r requirements.yml" in containerfile
    assert "WORKDIR /build" in containerfile and "COPY _build /build" in containerfile
    assert "introspect.py introspect" in containerfile
    assert "ansible-core>=2.19,<2.20" in containerfile  # the core the collection requires

    # The galaxy stage, for this collection only (ansible.windows would come from Galaxy): the same install,
    # from the context's _build directory as the Containerfile's WORKDIR, of this collection's requirements.yml entry.
    collections = tmp_path / "usr-share-ansible" / "collections"
    (build / "requirements-offline.yml").write_text(yaml.safe_dump({"collections": ours}), encoding="utf-8")
    subprocess.run(["ansible-galaxy", "collection", "install", "-r", "requirements-offline.yml",
                    "--collections-path", str(collections)],
                   # only the target on the collections path, as in the image (the source tree is staged on env's)
                   cwd=build, env=dict(env, ANSIBLE_GALAXY_DISABLE_GPG_VERIFY="1", ANSIBLE_COLLECTIONS_PATH=str(collections)),
                   check=True, capture_output=True, text=True)
    assert (collections / "ansible_collections" / "irops" / "remediation" / "MANIFEST.json").exists()

    # The builder stage's introspection, with the script `create` wrote and the user's requirements it passes.
    pip_out, bindep_out = tmp_path / "pip.txt", tmp_path / "bindep.txt"
    user = [f"--user-pip={build / 'requirements.txt'}"] if "--user-pip=requirements.txt" in containerfile else []
    subprocess.run([sys.executable, str(build / "scripts" / "introspect.py"), "introspect", str(collections), *user,
                    f"--write-bindep={bindep_out}", f"--write-pip={pip_out}"],
                   env=env, check=True, capture_output=True, text=True)
    ours_pip = sorted(line.split("  # from collection", 1)[0] for line in pip_out.read_text(encoding="utf-8").splitlines()
                      if line.endswith("# from collection irops.remediation"))
    # introspect.py leaves PyYAML out of every collection's list (its EXCLUDE_REQUIREMENTS: "already present in
    # image"; ansible-core requires it): the rest of requirements.txt goes into the image.
    assert ours_pip == sorted(spec for spec, _comment in _requirements(dev.ROOT / "requirements.txt")
                              if Requirement(spec).name.lower() != "pyyaml")
    system = bindep_out.read_text(encoding="utf-8") if bindep_out.exists() else ""
    assert "irops.remediation" not in system  # no system package: see docs/execution-environment.md
