"""hosts_entry end to end: ansible-playbook over WinRM against the simulated node's hosts file.

The triad, every other line and the encoding kept, a backup on the node and the previous
content in the result, the node's resolver seeing the entry, and bad input refused before
any command runs.
"""

from __future__ import annotations

import base64
import codecs
import re

import pytest
from node_aliases import alias_inventory, leftovers, writes

pytestmark = pytest.mark.e2e

NODE = "missing"
HOSTS = "C:\\Windows\\System32\\drivers\\etc\\hosts"
ORIGINAL = "# platform team\r\n10.0.0.11\tshir-node-01\t# node 1\r\n10.0.0.99    shir-node-02   # old address\r\n"
ADD = {"name": "Hosts entry", "irops.remediation.hosts_entry": {"ip": "10.0.0.12", "names": ["shir-node-02", "SHIR-NODE-02.contoso.com"]}}


def scripts(sim, node: str) -> str:
    return "\n".join(entry.get("script", "") for entry in sim.log(node))


def test_check_mode_reports_drift_and_changes_nothing(sim, playbook):
    sim.put_files(NODE, {HOSTS: ORIGINAL.encode()})
    digest = sim.digest(NODE)
    run = playbook([ADD], NODE, "--check", "--diff")
    result = run.result(NODE)
    assert result["changed"] is True and not result.get("failed"), run.output
    assert result["diff"]["before"] == ORIGINAL and "10.0.0.12" in result["diff"]["after"]
    assert result["previous_content"] == ORIGINAL and result["round_trips"] == 1
    assert "WriteAllBytes" not in scripts(sim, NODE) and sim.digest(NODE) == digest


def test_apply_converges_keeps_every_line_and_a_backup_then_changes_nothing(sim, playbook):
    sim.put_files(NODE, {HOSTS: ORIGINAL.encode()})
    first = playbook([ADD], NODE, "--diff").result(NODE)
    assert first["changed"] is True and not first.get("failed"), first
    assert first["round_trips"] == 2 and first["resolves"]["shir-node-02"] == ["10.0.0.12"]
    after = sim.file_bytes(NODE, HOSTS).decode()
    assert after == ("# platform team\r\n10.0.0.11\tshir-node-01\t# node 1\r\n# old address\r\n"
                     "10.0.0.12\tshir-node-02 SHIR-NODE-02.contoso.com\r\n")
    assert sim.file_bytes(NODE, first["backup_file"]).decode() == ORIGINAL
    assert leftovers(sim, NODE, HOSTS) == [] and first["attempts"] == 1
    digest = sim.digest(NODE)

    second = playbook([ADD], NODE).result(NODE)
    assert second["changed"] is False and second["round_trips"] == 1, second
    assert sim.digest(NODE) == digest


def test_the_default_windows_file_gets_one_line_more(sim, playbook):
    before = sim.file_bytes(NODE, HOSTS)
    result = playbook([{"name": "localhost", "irops.remediation.hosts_entry": {"ip": "127.0.0.1", "names": ["localhost"]}}],
                      NODE).result(NODE)
    assert result["changed"] is True, result
    assert sim.file_bytes(NODE, HOSTS) == before + b"127.0.0.1\tlocalhost\r\n"


def test_a_utf16_file_stays_utf16_with_its_bom(sim, playbook):
    data = codecs.BOM_UTF16_LE + ORIGINAL.encode("utf-16-le")
    sim.put_files(NODE, {HOSTS: data})
    result = playbook([ADD], NODE).result(NODE)
    assert result["encoding"] == "utf-16-le with BOM", result
    written = sim.file_bytes(NODE, HOSTS)
    assert written.startswith(codecs.BOM_UTF16_LE) and "10.0.0.12\tshir-node-02" in written[2:].decode("utf-16-le")


def test_the_node_resolves_the_new_entry(sim, playbook):
    sim.put_files(NODE, {HOSTS: ORIGINAL.encode()})
    probe = {"name": "Probe", "irops.remediation.tcp_probe": {"host": "shir-node-02", "port": 8060}}
    assert playbook([probe], NODE).result(NODE)["addresses"] == ["10.0.0.99"]
    playbook([ADD], NODE)
    assert playbook([probe], NODE).result(NODE)["addresses"] == ["10.0.0.12"]


def test_absent_removes_the_names_once_and_keeps_comments(sim, playbook):
    sim.put_files(NODE, {HOSTS: ORIGINAL.encode()})
    remove = {"name": "Remove", "irops.remediation.hosts_entry": {"names": ["shir-node-02"], "state": "absent"}}
    first = playbook([remove], NODE).result(NODE)
    assert first["changed"] is True and first["resolves"] == {"shir-node-02": []}, first
    assert sim.file_bytes(NODE, HOSTS).decode() == "# platform team\r\n10.0.0.11\tshir-node-01\t# node 1\r\n# old address\r\n"
    assert playbook([remove], NODE).result(NODE)["changed"] is False


BAD_INPUT = [
    ({"ip": "10.0.0.300"}, "IPv4 address", "'10.0.0.300'"),
    ({"names": ["shir-node-02; Remove-Item C:\\"]}, "host name", "shir-node-02; Remove-Item"),
    ({"names": ["shir'node"]}, "host name", "\"shir'node\""),
    ({"names": ['shir"node']}, "host name", "'shir\"node'"),
    ({"names": []}, "at least one host name", "[]"),
    ({"path": "hosts"}, "absolute path", "'hosts'"),
]
INJECTION = [  # issue 10
    ({"ip": "fe80::1%eth0\r\n10.6.6.6 shir-node-01"}, "ip", "zone after '%'"),
    ({"ip": "fe80::1%eth0 shir-node-01"}, "ip", "zone after '%'"),
    ({"ip": "fe80::1%eth0#"}, "ip", "zone after '%'"),
    ({"names": ["shir-node-02\n10.6.6.6 shir-node-01"]}, "names", "host name"),
    ({"names": ["shir-node-02\n"]}, "names", "host name"),
    ({"names": ["10.6.6.6"]}, "names", "give the address in ip"),
]


def bad_task(args, name="Bad") -> dict:
    return {"name": name, "irops.remediation.hosts_entry": dict(ADD["irops.remediation.hosts_entry"], **args)}


@pytest.fixture(scope="module")
def bad_input(bad_input_play):
    """Every bad value of this module as its own task of one ansible-playbook run (tests/e2e/conftest.py), on a
    node with ORIGINAL as its hosts file (the values are refused before anything runs, so before any read)."""
    tasks = [bad_task(case[0]) for case in BAD_INPUT] + [bad_task(case[0], "Injection") for case in INJECTION]
    return bad_input_play("hosts_entry", NODE, tasks, lambda sim: sim.put_files(NODE, {HOSTS: ORIGINAL.encode()}))


@pytest.mark.xdist_group("bad_input_hosts_entry")
@pytest.mark.parametrize("args, fragment, shown", BAD_INPUT)
def test_bad_input_fails_before_any_command(bad_input, args, fragment, shown):
    bad_input.case(bad_task(args)).assert_refused_before_any_command(fragment, shown)


# --------------------------------------------------------------------------- issue 10

@pytest.mark.xdist_group("bad_input_hosts_entry")
@pytest.mark.parametrize("args, field, fragment", INJECTION)
def test_a_value_that_would_add_a_hosts_line_is_refused_before_anything_runs(bad_input, args, field, fragment):
    case = bad_input.case(bad_task(args, "Injection"))
    result = case.result
    value = args[field] if field == "ip" else args[field][0]
    assert result.get("failed") is True and result["msg"].startswith(f"{field} {value!r} is not valid: "), result["msg"]
    assert fragment in result["msg"]
    case.assert_untouched()


def test_a_stale_temporary_file_of_an_earlier_run_is_never_moved_over_the_hosts_file(sim, playbook):
    # An earlier run's leftover that this account cannot overwrite: a run that wrote to the same
    # fixed name would fail to write it and then move it over the real file.
    stale = HOSTS + ".irops-new"
    state = sim.state(NODE)
    state["files"][HOSTS] = {"base64": base64.b64encode(ORIGINAL.encode()).decode()}
    state["files"][stale] = {"base64": base64.b64encode(b"10.6.6.6 shir-node-02\r\n").decode(),
                             "acl": ["*S-1-5-32-544:(DENY)(W)"]}
    sim.load_state(NODE, state)
    result = playbook([ADD], NODE).result(NODE)
    assert result["changed"] is True and not result.get("failed"), result
    assert sim.file_bytes(NODE, HOSTS).decode() == ("# platform team\r\n10.0.0.11\tshir-node-01\t# node 1\r\n"
                                                    "# old address\r\n10.0.0.12\tshir-node-02 SHIR-NODE-02.contoso.com\r\n")
    assert sim.file_bytes(NODE, stale) == b"10.6.6.6 shir-node-02\r\n"  # not ours: left alone
    assert leftovers(sim, NODE, HOSTS) == []


def test_a_failed_write_leaves_the_hosts_file_byte_identical(sim, playbook):
    original = codecs.BOM_UTF16_LE + ORIGINAL.encode("utf-16-le")
    stale = HOSTS + ".irops-new"
    sim.put_files(NODE, {HOSTS: original, stale: b"10.6.6.6 shir-node-02\r\n"})
    sim.fault(NODE, {"match": ["[IO.File]::WriteAllBytes"], "stderr": "There is not enough space on the disk."})
    result = playbook([ADD], NODE).result(NODE)
    assert result.get("failed") is True and "There is not enough space on the disk." in result["msg"], result
    assert "unchanged, byte for byte" in result["msg"] and result["changed"] is False
    assert sim.file_bytes(NODE, HOSTS) == original
    assert sim.file_bytes(NODE, stale) == b"10.6.6.6 shir-node-02\r\n" and leftovers(sim, NODE, HOSTS) == []


def test_a_hosts_file_far_larger_than_a_command_line_is_written_intact(sim, playbook):
    lines = "".join(f"10.1.{i // 250}.{i % 250 + 1}\tbatch-node-{i:04d}.contoso.com\t# rack {i % 40}\r\n" for i in range(1200))
    sim.put_files(NODE, {HOSTS: lines.encode()})
    assert len(lines) > 50_000
    result = playbook([ADD], NODE).result(NODE)
    assert result["changed"] is True and not result.get("failed"), result
    assert sim.file_bytes(NODE, HOSTS) == (lines + "10.0.0.12\tshir-node-02 SHIR-NODE-02.contoso.com\r\n").encode()


def test_two_inventory_names_of_one_node_keep_each_others_entries(sim, playbook, tmp_path):
    sim.put_files(NODE, {HOSTS: ORIGINAL.encode()})
    names = {f"alias_{i}": {"irops_ip": f"10.0.5.{i}", "irops_name": f"shir-node-1{i}"} for i in range(1, 5)}
    flags = alias_inventory(sim, NODE, names, tmp_path / "aliases.yml")
    task = {"name": "Hosts entry", "irops.remediation.hosts_entry": {"ip": "{{ irops_ip }}", "names": ["{{ irops_name }}"]}}
    run = playbook([task], "aliases", *flags)
    final = sim.file_bytes(NODE, HOSTS).decode()
    for alias, wanted in names.items():
        result = run.result(alias)
        assert result["changed"] is True and not result.get("failed"), result
        assert re.search(rf"^{re.escape(wanted['irops_ip'])}[ \t]+{wanted['irops_name']}\r$", final, re.M), (alias, final)
        # what the task reports it replaced is what the node held before its write
        assert sim.file_bytes(NODE, result["backup_file"]).decode() == result["previous_content"]
    assert final.startswith(ORIGINAL) and final.count("\r\n") == ORIGINAL.count("\r\n") + len(names)
    assert leftovers(sim, NODE, HOSTS) == [] and writes(sim, NODE).count("Move-Item") == len(names)
