"""The irops.remediation.explain filter plugin: its arguments, its errors, and its documentation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.irops.remediation.plugins.filter.explain import FilterModule, explain

DOC = Path(__file__).resolve().parents[2] / "plugins" / "filter" / "explain.yml"
TEXT = "System.Net.WebException: The remote server returned an error: (403) Forbidden."


def test_the_filter_is_registered():
    assert FilterModule().filters() == {"explain": explain}


def test_text_lines_and_none():
    assert explain(TEXT)[0]["id"] == "scaleout-http-request-forbidden"
    assert explain(["10:00 [Error] System.Net.WebException:", "The remote server returned an error: (403) Forbidden."])[0][
        "id"] == "scaleout-http-request-forbidden"
    assert explain(None) == [] and explain("no error here") == []


def test_products_as_a_list_or_a_comma_separated_string():
    assert explain(TEXT, products=["shir"]) == []
    assert explain(TEXT, products="shir, scale-out")[0]["id"] == "scaleout-http-request-forbidden"
    with pytest.raises(AnsibleFilterError, match=r"unknown product\(s\) \['scaleout'\]"):
        explain(TEXT, products="scaleout")


@pytest.mark.parametrize("value,message", [({"msg": TEXT}, "expects error text"), (42, "expects error text")])
def test_bad_input_says_what_to_pass(value, message):
    with pytest.raises(AnsibleFilterError, match=message):
        explain(value)


@pytest.mark.parametrize("limit", [0, -1, "x", True])
def test_bad_limit(limit):
    with pytest.raises(AnsibleFilterError, match="limit"):
        explain(TEXT, limit=limit)


def test_min_score():
    assert explain(TEXT, min_score="1") and explain("ErrorCode: 2906", min_score=0.6) == []
    with pytest.raises(AnsibleFilterError, match="min_score"):
        explain(TEXT, min_score="high")


def test_documentation_names_every_result_key():
    doc = yaml.safe_load(DOC.read_text(encoding="utf-8"))
    assert doc["DOCUMENTATION"]["name"] == "explain"
    documented = set(doc["RETURN"]["_value"]["contains"])
    produced = set(explain(TEXT)[0]) | set(explain("The request limit for the database is 90 and has been reached.")[0])
    assert produced - {"fix"} <= documented and "fix" in documented
    assert set(doc["DOCUMENTATION"]["options"]) == {"_input", "products", "limit", "min_score"}


@pytest.mark.parametrize("plugin", [("filter", "irops.remediation.explain"), ("module", "irops.remediation.recent_logs")])
def test_ansible_doc_renders(plugin):
    import subprocess  # pylint: disable=import-outside-toplevel

    import dev  # pylint: disable=import-outside-toplevel

    kind, name = plugin
    run = subprocess.run(["ansible-doc", "-t", kind, name], env=dev.ansible_env(ANSIBLE_NOCOLOR="1"),
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0 and "EXAMPLES" in run.stdout and "RETURN VALUES" in run.stdout, run.stdout + run.stderr
    assert "[WARNING]" not in run.stderr and "[ERROR]" not in run.stderr, run.stderr
