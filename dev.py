"""The project's two entry points, for a machine that has only Python 3.11, pip and git.

    python3 dev.py demo   simulated Windows nodes with documented faults: diagnosed,
                          remediated in check mode (nothing changes), remediated, diagnosed clean
    python3 dev.py test   every test, in tiers that stop at the first failing one: unit and
                          simulator; end to end over WinRM (two workers); molecule (the roles'
                          scenarios); ansible-lint, ansible-test sanity and the build. Arguments
                          go to pytest instead. The HTML report's browser test and the SSH test
                          need Debian's chromium and openssh-client: run as root on Debian, test
                          installs them with apt-get when they are missing.

Each command first makes .venv/ with the pinned requirements (again only when a requirements
file changed) and re-runs itself inside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BUILD = ROOT / ".build"
COLLECTIONS = BUILD / "collections"            # ansible_collections/irops/remediation -> ROOT (a link)
SANITY_TREE = BUILD / "sanity"                 # a copy: ansible-test refuses a linked tree
SIMULATOR = ROOT / "tests" / "simulator"
# The controller pins (requirements-controller.txt, which includes the collection's requirements.txt); the tests' file
# includes it. requirements.txt alone is what an execution environment installs (docs/execution-environment.md).
REQUIREMENTS = {"demo": ["requirements-controller.txt", "tests/simulator/requirements.txt"], "test": ["requirements-dev.txt"]}
DEMO_NODES = {  # inventory name: node of tests/simulator/scenarios/demo_fleet.yml (roles in demo/inventory.yml)
    "ssis-master-01": "demo_fleet:master",
    "ssis-sql-01": "demo_fleet:sql",
    "ssis-worker-01": "demo_fleet:worker",
    "ssis-worker-02": "demo_fleet:worker02",
    "ssis-worker-03": "demo_fleet:worker03",
    "ssis-worker-fr-01": "demo_fleet:worker_fr",
    "shir-ha-01": "demo_fleet:shir01",
    "shir-ha-02": "demo_fleet:shir02",
    "shir-03": "demo_fleet:shir03",
    "shir-04": "demo_fleet:shir04",
    "shir-05": "demo_fleet:shir05",
    "shir-06": "demo_fleet:shir06",
}
DEMO_PLAYBOOK = "irops.remediation.remediate"


# ---------------------------------------------------------------- environment

def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _requirements_digest(files: list[str]) -> str:
    digest = hashlib.sha256()

    def add(path: Path) -> None:
        digest.update(path.read_bytes())
        for line in path.read_text().splitlines():  # follow "-r other.txt", at any depth
            if line.startswith("-r "):
                add(path.parent / line[3:].split("#", 1)[0].strip())

    for name in files:
        add(ROOT / name)
    return digest.hexdigest()


def ensure_venv(command: str) -> None:
    """Create .venv with the command's requirements; re-run this script inside it."""
    files = REQUIREMENTS[command]
    stamp = VENV / f".installed-{command}"
    wanted = _requirements_digest(files)
    if not (stamp.exists() and stamp.read_text() == wanted):
        if not _venv_python().exists():
            print(f"dev.py: creating {VENV.name}/", flush=True)
            venv.EnvBuilder(with_pip=True).create(VENV)
        print(f"dev.py: installing {', '.join(files)} (first run only)", flush=True)
        args = [str(_venv_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        for name in files:
            args += ["-r", str(ROOT / name)]
        subprocess.run(args, check=True)
        stamp.write_text(wanted)
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(_venv_python()), [str(_venv_python()), str(ROOT / "dev.py"), *sys.argv[1:]])


def stage_collection() -> Path:
    """Make ROOT importable as irops.remediation; return the collections path for Ansible."""
    link = COLLECTIONS / "ansible_collections" / "irops" / "remediation"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        if link.exists():
            shutil.rmtree(link)
        link.symlink_to(ROOT, target_is_directory=True)
    return COLLECTIONS


def stage_sanity_tree() -> Path:
    """Copy the files git would ship (tracked and untracked, not ignored) for ansible-test."""
    target = SANITY_TREE / "ansible_collections" / "irops" / "remediation"
    if target.exists():
        shutil.rmtree(target)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    # ansible-test reads the file list from git when the tree is a repository of its own.
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run(["git", "add", "-A"], cwd=target, check=True)
    return target


def provide_pip_bootstrap() -> None:
    """Put tests/quality/get_pip_standin.py where ansible-test looks for its pip bootstrap."""
    import ansible_test  # pylint: disable=import-outside-toplevel  # only the test venv has it

    source = Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
    version = re.search(r"pip='([0-9.]+)'", source.read_text()).group(1)
    cache = Path.home() / ".ansible" / "test" / "cache" / f"get_pip_{version.replace('.', '_')}.py"
    cache.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "tests" / "quality" / "get_pip_standin.py", cache)


def ansible_test_sanity() -> subprocess.CompletedProcess:
    """Run ``ansible-test sanity`` on a staged copy of the collection, in its own virtualenvs."""
    tree = stage_sanity_tree()
    provide_pip_bootstrap()
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return subprocess.run(["ansible-test", "sanity", "--venv", "--python", python, "--color", "no"],
                          cwd=tree, env=ansible_env(), capture_output=True, text=True, check=False)


def build_collection(output: Path) -> Path:
    """``ansible-galaxy collection build`` of this repository into ``output``; the artifact's path."""
    subprocess.run(["ansible-galaxy", "collection", "build", str(ROOT), "--output-path", str(output)],
                   env=ansible_env(), check=True, capture_output=True, text=True)
    return next(output.glob("irops-remediation-*.tar.gz"))


def ansible_env(**extra: str) -> dict:
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(stage_collection()),
        ANSIBLE_HOST_KEY_CHECKING="False",
        ANSIBLE_NOCOLOR=env.get("ANSIBLE_NOCOLOR", "0"),
        ANSIBLE_RETRY_FILES_ENABLED="False",
        ANSIBLE_LOCAL_TEMP=str(BUILD / "ansible-tmp"),
        PATH=f"{_venv_python().parent}{os.pathsep}{env.get('PATH', '')}",
    )
    env.update(extra)
    return env


# ---------------------------------------------------------------- simulator

@contextlib.contextmanager
def simulator(nodes: dict[str, str], workdir: Path, https: bool = False, ssh: bool = False):
    """Start the simulated Windows node server; yield (base_url, inventory_path).

    ``https``: WinRM over TLS with a test CA the simulator writes to ``workdir/tls/ca.pem``; the inventory
    validates the server certificate against it (the control API under the base URL is then HTTPS too).
    ``ssh``: each node also answers SSH (keys in ``workdir/ssh``; inventory group ``windows_ssh``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    port_file, inventory = workdir / "port", workdir / "hosts.yml"
    port_file.unlink(missing_ok=True)
    args = [sys.executable, "-m", "winsim", "--port", "0", "--port-file", str(port_file), "--inventory", str(inventory)]
    for name, scenario in nodes.items():
        args += ["--node", f"{name}={scenario}"]
    if https:
        args += ["--https", str(workdir / "tls")]
    if ssh:
        args += ["--ssh", str(workdir / "ssh")]
    env = dict(os.environ, PYTHONPATH=str(SIMULATOR))
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the simulator did not start (exit code {process.poll()})")
            time.sleep(0.05)
        yield f"{'https' if https else 'http'}://127.0.0.1:{port_file.read_text().strip()}", inventory
    finally:
        process.terminate()
        process.wait(timeout=10)


def _sim_get(base: str, path: str):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return json.load(response)


# ---------------------------------------------------------------- commands

DEMO_REPORTS = BUILD / "demo" / "reports"     # the audits' fleet reports (JSON, JUnit XML, HTML), one folder each


def _recap(output: str) -> dict:
    """host -> changed count, from ansible-playbook's PLAY RECAP."""
    return {host: int(changed) for host, changed in re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", output, re.M)}


def _short(output: str) -> str:
    """ansible-playbook's output without what says nothing in a demo: play banners, runs of empty lines and the
    recap, which the demo prints per node (the summary, the changed tasks, their diffs, failures and warnings stay)."""
    kept: list[str] = []
    for line in output.split("PLAY RECAP", 1)[0].splitlines():
        if line.startswith("PLAY [") or (not line.strip() and (not kept or not kept[-1].strip())):
            continue
        kept.append(line)
    return "\n".join(kept).strip("\n")


def demo() -> int:
    ensure_venv("demo")
    workdir = BUILD / "demo"
    if workdir.exists():
        shutil.rmtree(workdir)
    # ok and skipped results are not shown: a changed task, a diff, a failure and the audit's summary are
    env = ansible_env(ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default", ANSIBLE_DISPLAY_SKIPPED_HOSTS="False",
                      ANSIBLE_DISPLAY_OK_HOSTS="False", ANSIBLE_FORKS=str(len(DEMO_NODES)))
    with simulator(DEMO_NODES, workdir) as (base, hosts):
        inventory = ["-i", str(hosts), "-i", str(ROOT / "demo" / "inventory.yml")]

        def digests() -> dict:
            return {node: _sim_get(base, f"/_sim/nodes/{node}/state")["digest"] for node in DEMO_NODES}

        def round_trips() -> dict:
            return {node: len(_sim_get(base, f"/_sim/nodes/{node}/log")["log"]) for node in DEMO_NODES}

        def play(title: str, playbook: str, *flags: str) -> str:
            """Run an installed-collection playbook (as an operator would) and print what it did."""
            print(f"\n=== {title}\n    ansible-playbook {playbook} {' '.join(flags)}".rstrip(), flush=True)
            before = round_trips()
            run = subprocess.run(["ansible-playbook", *inventory, playbook, *flags], check=False,
                                 env=env, capture_output=True, text=True)
            print(_short(run.stdout + run.stderr))
            trips = {node: count - before[node] for node, count in round_trips().items()}
            changed = _recap(run.stdout)
            print("    per node, WinRM round trips / tasks changed: "
                  + ", ".join(f"{n} {c}/{changed.get(n, 0)}" for n, c in trips.items()))
            if run.returncode != 0:
                raise SystemExit(f"dev.py: {playbook} failed (exit code {run.returncode})")
            return run.stdout

        def audit(title: str, folder: str) -> dict:
            reports = DEMO_REPORTS / folder
            play(title, "irops.remediation.diagnose", "-e", f"diagnose_report_dir={reports}")
            return json.loads((reports / "fleet-report.json").read_text(encoding="utf-8"))["counts"]

        print(f"{len(DEMO_NODES)} simulated Windows nodes at {base} (tests/simulator/scenarios/demo_fleet.yml); "
              "the inventory, demo/inventory.yml, names only their roles")
        found = audit("1. Audit: which documented failures does each node have?", "1-audit")
        start = digests()
        play("2. Dry run: what would the fixes change? (check mode, diff)", DEMO_PLAYBOOK, "--check", "--diff")
        if digests() != start:
            raise SystemExit("dev.py: check mode changed a node")
        print(f"    node state digests after the dry run: unchanged on all {len(start)} nodes")
        play("3. Remediate", DEMO_PLAYBOOK)
        again = play("4. Remediate again: nothing is left to change", DEMO_PLAYBOOK)
        if any(_recap(again).values()):
            raise SystemExit("dev.py: the second run changed something")
        final = audit("5. Audit again", "5-audit")
        if final["fail"] or final["unknown"]:
            raise SystemExit("dev.py: a documented failure is still present, or a check could not tell")
    print(f"\nDemo complete: {found['fail']} documented failures found, shown in check mode without changes, fixed once, "
          f"audited clean. Reports (JSON, JUnit XML, HTML): {DEMO_REPORTS}/1-audit and {DEMO_REPORTS}/5-audit")
    return 0


# The whole test command, in tiers that fail fast: a tier runs only if the ones before passed.
# End-to-end tests run on two workers (CI has two cores); each worker starts its own simulator.
TIERS = (
    ("unit and simulator", ["tests/unit", "tests/simulator", "-m", "not e2e and not quality", "-x"]),
    ("end to end over WinRM", ["tests/e2e", "tests/simulator", "-m", "e2e", "-n", "2", "--ignore", "tests/e2e/test_molecule.py"]),
    # molecule's scenarios keep their simulators in one ephemeral folder per scenario: one worker, in turn
    ("molecule: the roles' scenarios", ["tests/e2e/test_molecule.py", "-m", "e2e"]),
    ("quality: ansible-lint, ansible-test sanity, build", ["tests/quality", "-m", "quality"]),
)


def ensure_debian_package(binary: str, package: str, why: str) -> None:
    """Install a Debian package that a test runs (``binary`` from ``package``) when it is missing and allowed to.

    Only as root on a system with apt-get and /etc/debian_version; elsewhere say what to install (the test that
    needs it then fails saying so). ``apt-get update`` runs only when the install fails without it (a fresh image
    has no package lists).
    """
    if shutil.which(binary):
        return
    if not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") and Path("/etc/debian_version").exists()):
        print(f"dev.py: {binary} is missing; {why} (Debian: apt-get install {package})", flush=True)
        return
    print(f"dev.py: installing Debian's {package} with apt-get: {why}", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", package]
    if subprocess.run(install, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
        subprocess.run(install, env=env, check=False)


def test(pytest_args: list[str]) -> int:
    ensure_venv("test")
    stage_collection()
    ensure_debian_package("chromium", "chromium", "the HTML report's browser test runs it headless")
    ensure_debian_package("ssh", "openssh-client", "the SSH connection test runs Ansible's ssh connection")
    env = ansible_env()
    if pytest_args:
        return subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT, env=env, check=False).returncode
    for number, (title, args) in enumerate(TIERS, start=1):
        print(f"\ndev.py test: tier {number} of {len(TIERS)}, {title}", flush=True)
        started = time.monotonic()
        code = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env, check=False).returncode
        print(f"dev.py test: tier {number} took {time.monotonic() - started:.0f} s (exit code {code})", flush=True)
        if code != 0:
            return code
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__.strip())
        return 2
    return demo() if argv[0] == "demo" else test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
