"""Benchmark: the fleet audit with this collection against the same probes as plain raw tasks, side by side.

    .venv/bin/python tests/benchmarks/fleet_audit.py [--sizes 10,50,200] [--forks 20] [--repeat 3] [--baseline-repeat 1]

For each fleet size, one simulator process (tests/simulator/winsim) serves the nodes, a mix cycling through
KINDS (healthy and faulty Scale Out masters with SSISDB, Scale Out workers, self-hosted IR nodes). The
inventory names only each node's roles (``irops_node_roles``), and for the self-hosted IR the values an
operator gives (diagnose_settings: the service URL, the OLE DB providers, the HA nodes). Three playbooks run
against the same fleet: the floor and the collection ``--repeat`` times per size (3: they take seconds and their
CPU varies by a few ms per node from run to run), the baseline ``--baseline-repeat`` times (1: minutes at 200 nodes):

floor
    one ``ansible.builtin.raw`` task (``sc.exe query RemoteRegistry``): what any Ansible task costs per node.
collection
    ``playbooks/diagnose.yml`` as it is in the repository at run time.
baseline
    what an operator writes without the collection. It is generated from the collection's own probes: one
    node of each kind is audited first on a simulator of its own, and the script node_facts sent it (the
    simulator logs every round trip's script) is split into its commands at the runner's
    ``'##irops begin N'`` / ``'##irops end N'`` markers, with the runner's output tagging taken off
    (``certutil -store My``, ``Test-Path -LiteralPath ...``, ``[IO.File]::ReadAllBytes(...)``). The baseline has
    one play per role set (an operator targets a group per kind of node, so no host skips another kind's
    tasks), and in it: one ``ansible.builtin.raw`` task per command (registered; ``changed_when: false``,
    ``failed_when: false`` so that it runs to the end as the audit does), one ``ansible.builtin.set_fact``
    per command (its first line, by ``regex_search``, standing for the value an operator would parse), and
    one ``ansible.builtin.assert`` per check of ``_checks.CHECKS`` that applies to the role set, over the
    values of the subsets the check reads. A command whose text differs between kinds of one role set
    (a thumbprint, a key file, a temporary file name) is templated from a host variable, as an operator
    templates it from a fact read before. Why this is fair: the baseline sends every node exactly the
    commands the collection sent a node of its kind, second-stage reads included (tests/e2e/test_fleet_audit_baseline.py
    checks this against the simulator's command log), and does no more than read and compare them; its
    asserts check less than the collection's checks do. Plays run one after another, so at small fleets
    the baseline's wall time also pays for the forks a play leaves idle; CPU and round trips do not.

Figures, per run: wall time (``time.monotonic`` around ``subprocess.run`` of ansible-playbook); WinRM round trips
per node (the simulator log's sequence number per node, before and after; min, max, mean); controller CPU
seconds, user + system, from ``resource.getrusage(RUSAGE_CHILDREN)`` before and after the run: it counts
ansible-playbook and its forked workers once they are reaped. The simulator is also a child of this script, but
it is only reaped when its fleet is done, so none of its CPU is in these figures. Output goes to a stdout
callback that prints nothing (written to a scratch folder), so the console is not measured.
Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]
import dev  # noqa: E402  pylint: disable=wrong-import-position
from scenario_proof import SHIR_SETTINGS  # noqa: E402  pylint: disable=wrong-import-position

MASTER_AND_SQL = ("scaleout_master", "ssisdb_sql")
# (simulator node spec, roles), in the order the fleet cycles through them: healthy and faulty nodes of each product.
KINDS = (
    ("scaleout_pair_healthy:master", MASTER_AND_SQL),
    ("scaleout_pair_healthy:worker", ("scaleout_worker",)),
    ("shir_healthy:shir01", ("shir_node",)),
    ("shir_healthy:shir02", ("shir_node",)),
    ("scaleout_pair_binding_wrong_cert:master", MASTER_AND_SQL),
    ("shir_service_stopped:shir01", ("shir_node",)),
)
# The operator names the HA nodes: otherwise every self-hosted IR node of the play is a peer of every other.
SETTINGS = dict(SHIR_SETTINGS, shir_ha_nodes=["SHIR01", "SHIR02"])
FLOOR_COMMAND = "sc.exe query RemoteRegistry"

# The runner's blocks (plugins/plugin_utils/_runner.py build_script) and its output tagging around a command.
_BLOCK = re.compile(r"^'##irops begin (\d+)'\n(.*?)\n'##irops end \1 ' \+ \$LASTEXITCODE$", re.S | re.M)
_TAGGED = re.compile(r"^(?P<command>.+?) 2>&1 \| ForEach-Object \{ if \(\$_ -is \[System\.Management\.Automation\.ErrorRecord\]\)")
_EXPRESSION = re.compile(r"^try \{ (?P<command>.+) \| ForEach-Object \{ 'O ' \+ \$_ \} \} catch \{ 'E ' \+ \$_; \$LASTEXITCODE = 1 \}$")
_UUID = re.compile(r"[0-9a-f]{32}")

QUIET_CALLBACK = '''
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    """Prints nothing but the totals, so that the console is not what is measured."""
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "bench_quiet"

    def v2_playbook_on_stats(self, stats):
        totals = {name: sum(getattr(stats, key).values())
                  for name, key in (("ok", "ok"), ("failed", "failures"), ("unreachable", "dark"), ("skipped", "skipped"))}
        print(" ".join(f"{key}={value}" for key, value in totals.items()))
'''


def fleet(size: int) -> dict[str, tuple]:
    """node name -> (simulator spec, roles), cycling through KINDS."""
    return {f"node-{i:03d}": KINDS[i % len(KINDS)] for i in range(size)}


def role_set(roles) -> str:
    return "bench_" + "_".join(roles)


def probe_commands(script: str) -> list[str]:
    """The commands of one node_facts script, as an operator would type each one."""
    commands = []
    for _index, body in _BLOCK.findall(script):
        statement = body.split("\n")[-1]
        found = _EXPRESSION.match(statement) or _TAGGED.match(statement)
        # A block of another shape is kept whole: one raw task per probe block.
        commands.append(found.group("command") if found else body)
    return commands


def _get(base: str, path: str):
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return json.load(response)


def last_seq(base: str, nodes) -> dict:
    """The sequence number of each node's last WinRM command (the log keeps the last 10000 only)."""
    sequences = {}
    for node in nodes:
        log = _get(base, f"/_sim/nodes/{node}/log")["log"]
        sequences[node] = log[-1]["seq"] if log else 0
    return sequences


def write_inventory(path: Path, nodes: dict, host_vars: dict | None = None) -> Path:
    """The group windows with each node's roles, a child group per role set, and the operator's settings."""
    hosts = {name: dict({"irops_node_roles": list(roles)}, **(host_vars or {}).get(name, {}))
             for name, (_spec, roles) in nodes.items()}
    children = {}
    for name, (_spec, roles) in nodes.items():
        children.setdefault(role_set(roles), {"hosts": {}})["hosts"][name] = {}
    path.write_text(yaml.safe_dump({"windows": {"hosts": hosts, "children": children,
                                                "vars": {"diagnose_settings": SETTINGS}}}))
    return path


def quiet_env(scratch: Path, forks: int) -> dict:
    plugins = scratch / "callback_plugins"
    plugins.mkdir(exist_ok=True)
    (plugins / "bench_quiet.py").write_text(QUIET_CALLBACK)
    return dev.ansible_env(ANSIBLE_FORKS=str(forks), ANSIBLE_STDOUT_CALLBACK="bench_quiet",
                           ANSIBLE_CALLBACK_PLUGINS=str(plugins), ANSIBLE_NOCOLOR="1")


def run_playbook(env: dict, inventories, playbook: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, controller CPU seconds, the run) of one ansible-playbook."""
    args = ["ansible-playbook", *[a for inventory in inventories for a in ("-i", str(inventory))], str(playbook)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    run = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, run


def capture(scratch: Path, forks: int) -> dict[str, list[str]]:
    """simulator spec -> the commands node_facts sent a node of that kind in playbooks/diagnose.yml."""
    nodes = {f"capture-{i}": kind for i, kind in enumerate(KINDS)}
    folder = scratch / "capture"
    with dev.simulator({name: spec for name, (spec, _roles) in nodes.items()}, folder) as (base, hosts):
        inventory = write_inventory(folder / "roles.yml", nodes)
        _wall, _cpu, run = run_playbook(quiet_env(scratch, forks), [hosts, inventory], ROOT / "playbooks" / "diagnose.yml")
        if run.returncode != 0:
            raise SystemExit(f"diagnose.yml failed on the capture fleet:\n{run.stdout}{run.stderr}")
        return {spec: [command for entry in _get(base, f"/_sim/nodes/{name}/log")["log"]
                       for command in probe_commands(entry.get("script") or "")]
                for name, (spec, _roles) in nodes.items()}


def _subsets_by_command(roles) -> dict[str, list[str]]:
    """A first-stage command (temporary file names blanked) -> the fact subsets that send it, from _facts.PROBES."""
    sys.path.insert(0, str(dev.stage_collection()))
    # pylint: disable=import-outside-toplevel,import-error  # the staged collection is importable only now
    from ansible_collections.irops.remediation.plugins.plugin_utils import _checks, _facts, _gathering

    subsets = _facts.validate_subsets(_checks.subsets_for(list(roles)))
    inputs = _gathering.inputs_for(subsets, SETTINGS, {}, "node")
    found: dict = {}
    for subset in subsets:
        probe = _facts.PROBES[subset]
        for command in probe.commands(*probe.given(inputs)):
            found.setdefault(_UUID.sub("X", command.line), []).append(subset)
    return found


def _checks_for(roles) -> dict[str, tuple]:
    # pylint: disable=import-outside-toplevel,import-error
    from ansible_collections.irops.remediation.plugins.plugin_utils import _checks

    return {name: check.subsets(roles) for name, check in _checks.CHECKS.items() if check.subsets(roles)}


def _unsafe_for_jinja(command: str) -> bool:
    return any(marker in command for marker in ("{{", "{%", "{#"))


def baseline(captured: dict[str, list[str]], nodes: dict) -> tuple[list, dict]:
    """(the baseline playbook, host variables per node): see the module docstring."""
    plays, host_vars = [], {}
    by_roles: dict = {}
    for spec, roles in KINDS:
        by_roles.setdefault(tuple(roles), []).append(spec)
    for roles, specs in by_roles.items():
        lists = [captured[spec] for spec in specs]
        subsets_of = _subsets_by_command(roles)
        tasks, facts, mapped = [], [], {}
        for position in range(max(len(commands) for commands in lists)):
            here = {spec: captured[spec][position] for spec in specs if position < len(captured[spec])}
            if any(_unsafe_for_jinja(command) for command in here.values()):
                raise ValueError(f"a probe looks like a Jinja template: {here}")
            name = f"bench_{position}"
            task = {"name": f"probe {position}", "changed_when": False, "failed_when": False, "register": f"{name}_result"}
            if len(here) == len(specs) and len(set(here.values())) == 1:
                task["ansible.builtin.raw"] = next(iter(here.values()))
            else:  # differs between kinds: templated, as from a fact read before
                task["ansible.builtin.raw"] = "{{ bench_probe_%d }}" % position  # pylint: disable=consider-using-f-string
                for node, (spec, _roles) in nodes.items():
                    if spec in here:
                        host_vars.setdefault(node, {})[f"bench_probe_{position}"] = here[spec]
                if len(here) < len(specs):
                    task["when"] = f"bench_probe_{position} is defined"
            tasks.append(task)
            fact = {"name": f"value {position}", "ansible.builtin.set_fact": {
                name: "{{ %s_result.stdout | default('') | regex_search('\\\\S[^\\\\r\\\\n]*') | default('', true) }}" % name}}
            if "when" in task:
                fact["when"] = task["when"]
            facts.append(fact)
            for subset in subsets_of.get(_UUID.sub("X", lists[0][position]) if position < len(lists[0]) else "", ()):
                mapped.setdefault(subset, []).append(name)
        asserts = []
        for check, subsets in _checks_for(roles).items():
            values = [value for subset in subsets for value in mapped.get(subset, ())]
            that = [f"{value} | default('') is string" for value in dict.fromkeys(values)] or ["inventory_hostname is string"]
            asserts.append({"name": f"check {check}", "ansible.builtin.assert": {"that": that, "quiet": True},
                            "failed_when": False})
        plays.append({"name": f"Audit {', '.join(roles)} without the collection", "hosts": role_set(roles),
                      "gather_facts": False, "tasks": tasks + facts + asserts})
    return plays, host_vars


def raw_commands(plays: list, host_vars: dict, node: str, roles) -> list[str]:
    """The commands the baseline's raw tasks send ``node``, in order, its host variables filled in."""
    variables = host_vars.get(node, {})
    commands = []
    for play in plays:
        if play["hosts"] != role_set(roles):
            continue
        for task in play["tasks"]:
            command = task.get("ansible.builtin.raw")
            templated = re.fullmatch(r"\{\{ (bench_probe_\d+) \}\}", command or "")
            if templated and templated.group(1) not in variables:
                continue  # skipped: `when` says the variable is defined
            if command is not None:
                commands.append(variables[templated.group(1)] if templated else command)
    return commands


def floor_playbook() -> list:
    return [{"name": "One raw task", "hosts": "windows", "gather_facts": False,
             "tasks": [{"name": "Query a service", "ansible.builtin.raw": FLOOR_COMMAND, "changed_when": False}]}]


def measure(size: int, forks: int, repeat: int, captured: dict, scratch: Path, baseline_repeat: int = 1) -> list[dict]:
    nodes = fleet(size)
    folder = scratch / f"fleet-{size}"
    rows = []
    with dev.simulator({name: spec for name, (spec, _roles) in nodes.items()}, folder) as (base, hosts):
        plays, host_vars = baseline(captured, nodes)
        inventory = write_inventory(folder / "roles.yml", nodes, host_vars)
        (folder / "floor.yml").write_text(yaml.safe_dump(floor_playbook(), sort_keys=False))
        (folder / "baseline.yml").write_text(yaml.safe_dump(plays, sort_keys=False, width=1000))
        env = quiet_env(scratch, forks)
        for attempt in range(repeat):
            runs = [("floor", folder / "floor.yml"), ("collection", ROOT / "playbooks" / "diagnose.yml")]
            if attempt < baseline_repeat:  # minutes at 200 nodes; the two others take seconds and vary more
                runs.append(("baseline", folder / "baseline.yml"))
            for title, playbook in runs:
                before = last_seq(base, nodes)
                wall, cpu, run = run_playbook(env, [hosts, inventory], playbook)
                trips = [count - before[node] for node, count in last_seq(base, nodes).items()]
                rows.append({"size": size, "run": title, "wall": wall, "cpu": cpu, "trips": trips, "code": run.returncode,
                             "totals": run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-300:]})
    return rows


def report(rows: list[dict], forks: int) -> None:
    print(f"\nforks={forks}; nodes cycle through " + ", ".join(f"{spec} ({'+'.join(roles)})" for spec, roles in KINDS))
    print(f"{'size':>5} | {'run':<10} | {'wall s':>7} | {'trips/node mean':>15} | {'min':>4} | {'max':>4} | {'CPU s':>7} | "
          f"{'CPU ms/node':>11} | ansible totals")
    for row in rows:
        size = row["size"]
        print(f"{size:>5} | {row['run']:<10} | {row['wall']:>7.2f} | {statistics.mean(row['trips']):>15.2f} | "
              f"{min(row['trips']):>4} | {max(row['trips']):>4} | {row['cpu']:>7.2f} | {1000 * row['cpu'] / size:>11.1f} | "
              + row["totals"] + ("" if row["code"] == 0 else f" (exit code {row['code']})"))
    print("\nratios (means over the runs above: --repeat for floor and collection, --baseline-repeat for baseline):")
    for size in dict.fromkeys(row["size"] for row in rows):
        ran = {run for run in ("floor", "collection", "baseline") if any(r["size"] == size and r["run"] == run for r in rows)}
        mean = {run: {key: statistics.mean(r[key] if key != "trips" else statistics.mean(r["trips"])
                                           for r in rows if r["size"] == size and r["run"] == run)
                      for key in ("wall", "cpu", "trips")} for run in ran}
        against = (f"baseline/collection wall {mean['baseline']['wall'] / mean['collection']['wall']:.2f}x, "
                   f"trips {mean['baseline']['trips'] / mean['collection']['trips']:.1f}x, "
                   f"CPU {mean['baseline']['cpu'] / mean['collection']['cpu']:.2f}x; ") if "baseline" in ran else "no baseline run; "
        print(f"{size:>5} nodes: {against}"
              f"collection CPU per node / floor CPU per node {mean['collection']['cpu'] / mean['floor']['cpu']:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50,200", help="fleet sizes, comma-separated")
    parser.add_argument("--forks", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the floor and the collection per size")
    parser.add_argument("--baseline-repeat", type=int, default=1, help="runs of the baseline per size (at most --repeat; 0: none)")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",") if size.strip()]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        captured = capture(Path(scratch), options.forks)
        print("probes per node, from the collection's scripts: "
              + ", ".join(f"{spec} {len(commands)}" for spec, commands in captured.items()), flush=True)
        for size in sizes:
            rows += measure(size, options.forks, options.repeat, captured, Path(scratch), options.baseline_repeat)
            print(f"{size} nodes measured", flush=True)
    report(rows, options.forks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
