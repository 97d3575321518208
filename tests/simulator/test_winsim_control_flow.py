"""Control flow in the PowerShell subset: variables, comparisons, while, try/finally, script blocks.

These are the constructs a change needs to keep its undo on the node, in the same script as the
change (docs/dev/remote-execution.md), with PowerShell 5.1's semantics.
"""

from __future__ import annotations

import base64

import pytest
from winsim_helpers import make_node, run

from winsim.powershell import ScriptRefused, parse


@pytest.mark.parametrize("expression, expected", [
    ("1 -eq 1", "True"),
    ("'ABC' -eq 'abc'", "True"),  # the default operators ignore case
    ("'abc' -ne 'abd'", "True"),
    ("2 -lt '10'", "True"),  # the left operand's type decides: 10 is converted to a number
    ("'2' -lt '10'", "False"),  # ... and here both are strings
    ("5 -ge 5", "True"),
    ("$null -eq $null", "True"),
    ("$null -eq 0", "False"),
    ("1 -eq 'x'", "False"),
    ("1 -eq 1 -and 2 -eq 3", "False"),
    ("1 -eq 2 -or 2 -eq 2", "True"),
    ("-not 1 -eq 1", "False"),  # -not binds tighter: (-not 1) -eq 1 -> $false -eq 1 -> False
    ("'a' + 'b' -eq 'AB'", "True"),  # + binds tighter than -eq
])
def test_comparison_and_logical_operators(expression, expected):
    outcome = run(make_node(), f"$r = {expression}\n$r")
    assert outcome.stdout == [expected], outcome


def test_variables_hold_expressions_and_command_output():
    node = make_node()
    outcome = run(node, "$n = 1\n$n = $n + 1\n$n\n$h = Test-Path -LiteralPath 'C:\\Windows'\n$h")
    assert outcome.stdout == ["2", "True"], outcome


def test_reading_a_variable_before_any_assignment_is_refused():
    with pytest.raises(ScriptRefused, match=r"variable \$later"):
        parse("$later\n$later = 1")


def test_while_runs_until_its_condition_is_false_and_start_sleep_moves_the_clock():
    node = make_node("scaleout_pair_healthy:worker")
    name = "SSISScaleOutWorker140"
    run(node, f"sc.exe stop {name}")
    before = node.state.clock
    script = "\n".join([
        "$polls = 0",
        f"$state = sc.exe query {name}",
        "while ($LASTEXITCODE -eq 0 -and $polls -lt 50) {",
        "  $polls = $polls + 1",
        "  Start-Sleep -Seconds 1",
        f"  sc.exe query {name} 2>&1 | ForEach-Object {{ if ('' + $_ -like 'x') {{ }} }}",
        "}",
    ])
    with pytest.raises(ScriptRefused):  # -like is outside the subset: refused before anything runs
        parse(script)
    script = "\n".join([
        "$n = 0",
        "while ($n -lt 5) {",
        "  $n = $n + 1",
        "  Start-Sleep -Seconds 2",
        "}",
        "$n",
    ])
    outcome = run(node, script)
    assert outcome.stdout == ["5"], outcome
    assert node.state.clock - before >= 10


def test_finally_runs_after_an_error_and_after_exit():
    node = make_node()
    outcome = run(node, "\n".join([
        "try {",
        "  try { [IO.File]::ReadAllBytes('C:\\missing.bin') } finally { 'undo 1' }",
        "} catch { 'caught' }",
        "try { 'body'; exit 3 } finally { 'undo 2' }",
        "'never'",
    ]))
    assert outcome.stdout == ["undo 1", "caught", "body", "undo 2"], outcome
    assert outcome.exit_code == 3


def test_a_script_block_read_from_standard_input_runs_in_the_same_scope():
    node = make_node()
    inner = "$seen = [Console]::In.ReadLine()\n'inner ' + $seen\nexit 7"
    line = base64.b64encode(inner.encode("utf-8")).decode("ascii")
    outer = ("$irops_script = [Console]::In.ReadLine()\n"
             ". ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($irops_script))))")
    outcome = run(node, outer, stdin=f"{line}\nsecond line\n".encode())
    assert outcome.stdout == ["inner second line"], outcome
    assert outcome.exit_code == 7


def test_a_script_block_outside_the_subset_is_refused_when_it_is_created_and_nothing_of_it_runs(allow_refusals):
    node = make_node()
    before = node.state.digest()
    inner = "Remove-Item 'C:\\Windows' -Force -Recurse\nnetsh ipport=$(whoami)"
    line = base64.b64encode(inner.encode("utf-8")).decode("ascii")
    outer = ("$s = [Console]::In.ReadLine()\n"
             ". ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($s))))\n"
             "'after'")
    outcome = run(node, outer, stdin=f"{line}\n".encode())
    assert outcome.stdout == ["after"], outcome
    assert any("refused" in line for line in outcome.stderr)
    assert node.state.digest() == before
    assert [r for r in allow_refusals() if "variable expansion" in r["reason"]]
