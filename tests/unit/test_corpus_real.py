"""Real Windows outputs from public sources (tests/unit/test_data/real/, SOURCES.md) through the parsers.

Each file's checks (tests/unit/corpus_real_expected.py) hold what a person reads in the output.
A check the current parser gets wrong is a strict xfail naming the defect class: it turns into a
failure, to be unmarked, the day the parser reads that output right.
"""

from __future__ import annotations

import re

import pytest
from corpus_real_expected import EXPECTED
from fixtures import DATA, load

from ansible_collections.irops.remediation.plugins.plugin_utils import (
    _advfirewall,
    _certutil,
    _icacls,
    _netsh,
    _reg,
    _sc,
)
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult

REAL = DATA / "real"
_LANGUAGE = re.compile(r"_(?:[a-z]{2}-[A-Z]{2}|en)\.txt$")


def _files() -> list[str]:
    return sorted(path.relative_to(REAL).as_posix() for path in REAL.rglob("*.txt"))


def _text(relative: str) -> str:
    tool, name = relative.split("/")
    return load("real/" + tool, name)


def _header(relative: str) -> list[str]:
    header, _sep, _body = (REAL / relative).read_text(encoding="utf-8").partition("#---\n")
    return header.splitlines()


# --------------------------------------------------------------------------- the corpus itself

def test_every_real_output_has_expectations_and_every_expectation_a_file():
    assert sorted(EXPECTED) == _files()


@pytest.mark.parametrize("relative", _files())
def test_every_real_output_names_its_source_windows_and_language(relative):
    header = _header(relative)
    assert header and all(line.startswith("#") for line in header), "comment lines, then '#---'"
    text = "\n".join(header)
    source = r"^# source: (https://\S+|[\w.-]+/[\w.-]+:\S+@[0-9a-f]{40})"
    assert re.search(source, text, re.M), "a URL or owner/repo:path@commit"
    assert re.search(r"^# windows: .+; language: \S+", text, re.M)
    assert "# trimmed:" in text
    assert _LANGUAGE.search(relative), "name the file <form>_<what>_<lang>.txt"


def test_sources_md_lists_every_real_output():
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    missing = [relative for relative in _files() if f"`{relative}`" not in sources]
    assert not missing


# --------------------------------------------------------------------------- the checks

def _key_fields(facts: dict) -> dict:
    return {name: facts[name] for name in ("provider", "provider_type", "key_spec", "exportable", "container",
                                           "unique_name", "key_file")}


def _run(relative: str, kind: str, args: dict):  # noqa: C901  (one branch per check kind)
    text = _text(relative)
    if kind == "certs":
        fields = ("thumbprint", "subject", "issuer", "serial", "not_before", "not_after", "self_signed",
                  "has_private_key")
        return [dict({"index": cert.index}, **{name: cert.as_dict()[name] for name in fields})
                for cert in _certutil.parse_store(text)]
    if kind == "thumbprints":
        return [cert.thumbprint for cert in _certutil.parse_store(text)]
    if kind == "validity":
        return {cert.index: (cert.not_before, cert.not_after) for cert in _certutil.parse_store(text)}
    if kind == "key":
        return {cert.index: _key_fields(cert.as_dict()) for cert in _certutil.parse_store(text)
                if cert.key is not None}
    if kind == "verbose":
        return {index: (block.hashes, block.dns_names) for index, block in _certutil.parse_verbose_store(text).items()}
    if kind == "hresult":
        return _certutil.failure_code(CommandResult("certutil", 1, text, ""))
    if kind == "verify":
        return _certutil.parse_verify(CommandResult("certutil", args["rc"], text, "")).as_dict()
    if kind == "dates":
        printed_dates = re.findall(r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}", text)
        return {printed: _certutil.parse_date(printed) for printed in printed_dates}
    if kind == "bindings":
        return [(b.endpoint.argument, b.certificate_hash, b.app_id, b.certificate_store, b.effective_store)
                for b in _netsh.parse_show_sslcert(text)]
    if kind == "error_code":
        module = {"netsh": _netsh, "sc": _sc}[relative.split("/")[0]]
        return module.error_code(text)
    if kind == "status":
        status = _sc.parse_query(text)
        return None if status is None else {name: getattr(status, name) for name in
                                            ("name", "state", "win32_exit_code", "checkpoint", "wait_hint_ms")}
    if kind == "config":
        config = _sc.parse_qc(text)
        return None if config is None else {name: getattr(config, name) for name in
                                            ("name", "start_mode", "display_name", "binary_path", "account")}
    if kind == "failure":
        return _icacls.failure(CommandResult("icacls", 1, text, ""))
    if kind == "reg_failure":
        return _reg.failure_kind(text)
    if kind == "rules":
        return [(rule.result(), rule.unreadable()) for rule in _advfirewall.parse_show_rule(text)]
    raise AssertionError(f"unknown check kind {kind!r}")


def _compare(relative: str, kind: str, expected, args: dict) -> None:
    if kind == "aces":
        path, texts, readers = expected
        aces = _icacls.parse_acl(_text(relative), path)
        assert ([ace.text for ace in aces], _icacls.readers(aces)) == (texts, readers)
        return
    actual = _run(relative, kind, args)
    if kind == "key":
        assert {index: actual.get(index) for index in expected} == expected
    elif kind == "validity":
        assert {index: actual.get(index) for index in expected} == expected
    elif kind == "verbose":
        assert sorted(actual) == sorted(expected)
        for index, (thumbprint, dns_names) in expected.items():
            hashes, names = actual[index]
            assert thumbprint in hashes and names == dns_names
    elif kind == "verify":
        assert {name: actual[name] for name in expected} == expected
    else:
        assert actual == expected


def _cases():
    for relative, checks in sorted(EXPECTED.items()):
        for number, check in enumerate(checks):
            marks = [pytest.mark.xfail(strict=True, reason=check.xfail)] if check.xfail else []
            yield pytest.param(relative, check, id=f"{relative}::{check.kind}{number}", marks=marks)


@pytest.mark.parametrize(("relative", "check"), list(_cases()))
def test_parser_reads_what_the_output_says(relative, check):
    _compare(relative, check.kind, check.expected, check.args)


def test_the_corpus_meets_its_targets():
    """Issue 11: at least 50 real outputs, at least 15 of them not in English."""
    files = _files()
    not_english = [name for name in files if not re.search(r"_en(-[A-Z]{2})?\.txt$", name)]
    assert len(files) >= 50 and len(not_english) >= 15
