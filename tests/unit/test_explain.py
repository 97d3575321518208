"""explain: error text -> catalog entries, best first (plugins/plugin_utils/_explain.py).

Three kinds of input:
- every documented signature (English and French), turned into a real-looking message: its
  placeholders replaced by concrete values, wrapped over CRLF lines between other log lines;
- recorded-style messages in tests/unit/test_data/messages/ (worker logs, pipeline output,
  SSISDB operation messages, event logs), each naming the entry it must find first;
- a corpus of unrelated error texts (messages/unrelated.txt), for which nothing may match.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _explain

MESSAGES = Path(__file__).parent / "test_data" / "messages"
ENTRIES = _catalog.load()
SIGNATURES = [(entry, signature) for entry in ENTRIES for signature in entry.signatures]

# Concrete values for the articles' placeholders, as they appear in real messages.
GUID = "{3F0C2A4E-9B1D-4C7A-8E2F-5D6B7A8C9E01}"
VALUES = {
    "[Machine Name]": "SSISMASTER01.contoso.local", "[MachineName]": "ssis-master-02.corp.contoso.com",
    "[nom_machine]": "SSISMAITRE01", "[Port]": "8391", "[port]": "8391",
    "{GUID}": GUID, "***": r"\\contosossis.file.core.windows.net\packages\Sales\Load Customers.dtsx",
    "XXXXX": "92693b45-b4bf-4fc8-89da-2d3dc56f27c3", "XXXXXXXXX": "cc7b13ffcd2ddd51",
    "[version]": "4.0.3.0", "[assembly]": "Npgsql", "[activity id]": "92693b45-b4bf-4fc8-89da-2d3dc56f27c3",
    "[IP address]": "10.20.4.15", "[node]": "shirnode02.fabrikam.com", "[primary node]": "shirnode01.fabrikam.com",
    "[duration]": "00:00:01.0156250", "[address]": "10.20.4.11", "[host]": "azranlcir01r1",
    "[expected DNS name]": "shir01.fabrikam.com", "[DNS claim]": "fabrikam.com",
    "[certificate subject]": "shir01.fabrikam.com, OU=Data, O=Fabrikam", "[time]": "3/2/2024 11:04:19 PM +00:00",
    "<certificate name>": "CN=shir01.fabrikam.com",
}
# "..." and "[...]" stand for different things; the word before says which.
ELLIPSIS = {"connection": "LocalHost.AdventureWorks2019", "name": r"\\fs01\share\in put.csv", "file": r"D:\Data\orders.csv",
            "Runtime": "'OnPremProxyIR'", "is": "90", "status:": "Canceled", "guid": "6a1e2f3b-0c4d-4e5f-8a9b-0c1d2e3f4a5b",
            "provider": "'Microsoft.ACE.OLEDB.16.0'", "Version=": "12.2.0.0", "at": "Data Flow Task",
            "with": 'the following error message: "', "Source": "[2]", "Runtime\":": "SsisIR (West Europe)"}
_PLACEHOLDER = re.compile(r"\[[^\[\]]*\]|\{[A-Za-z][A-Za-z0-9 _-]*\}|<[A-Za-z][^<>]*>|\.\.\.|\*{3,}|\bX{3,}\b")


def concrete(signature: str) -> str:
    """The signature as a product would print it: placeholders replaced by values."""
    def value(found: re.Match) -> str:
        token = found.group()
        if token in VALUES:
            return VALUES[token]
        before = signature[:found.start()].rstrip(" '\"\\").split()
        previous = before[-1] if before else ""
        if previous.endswith("Runtime\":") or previous.endswith("Runtime':"):
            return ELLIPSIS["Runtime\":"]
        if found.end() == len(signature):          # "...": the article cut the message off here
            return " (see the inner exception for details)"
        for key, replacement in ELLIPSIS.items():
            if previous.endswith(key):
                return replacement
        return "7"                                 # a duration, a count: "executionDuration": ...,
    return _PLACEHOLDER.sub(value, signature)


def as_log(message: str) -> str:
    """Wrap a message over CRLF lines between other log lines, as a worker log or an event log shows it."""
    wrapped = "\r\n ".join(textwrap.wrap(message, 70, break_long_words=False, break_on_hyphens=False))
    return ("2024-03-01 10:21:58.004 [Information] Service starting.\r\n"
            f"2024-03-01 10:22:33.123 [Error] {wrapped}\r\n"
            "   at System.Runtime.CompilerServices.TaskAwaiter.ThrowForNonSuccess(Task task)\r\n"
            "2024-03-01 10:23:33.140 [Information] Retrying in 60 seconds.\r\n")


def load_message(path: Path) -> tuple[list[str], str]:
    """A fixture: comment header with '# expect: <id>' lines, '#---', then the text."""
    header, separator, body = path.read_text(encoding="utf-8").partition("#---\n")
    assert separator, f"{path.name} has no '#---' line after its header"
    expected = re.findall(r"^# expect: (\S+)$", header, re.M)
    # ansible-test rejects typographic quotes in files: the fixtures write them as \u2019 escapes.
    body = re.sub(r"\\u(201[89cd])", lambda m: chr(int(m.group(1), 16)), body)
    return expected, body


def unrelated_corpus() -> list[str]:
    _expected, body = load_message(MESSAGES / "unrelated.txt")
    return [block.strip() for block in body.split("#===\n") if block.strip()]


@pytest.mark.parametrize("entry,signature", SIGNATURES,
                         ids=[f"{e.id}-{s['lang']}-{i}" for i, (e, s) in enumerate(SIGNATURES)])
def test_every_documented_signature_finds_its_entry_first(entry, signature):
    message = as_log(concrete(signature["text"]))
    results = _explain.explain(message)
    assert results, f"nothing matched:\n{message}"
    assert results[0]["id"] == entry.id, [(r["id"], r["score"]) for r in results]
    assert results[0]["score"] == 1.0
    assert results[0]["product"] == entry.product and results[0]["runbook"] == f"docs/runbooks/{entry.id}.md"
    assert results[0]["resolution"] and results[0]["cause"]


def test_french_signatures_exist_for_every_french_entry():
    french = [e.id for e in ENTRIES if "fr" in e.source_heading and any(s["lang"] == "fr" for s in e.signatures)]
    assert len(french) == 6, french   # the French article quotes six error messages (and five "Cas")


@pytest.mark.parametrize("path", sorted(p for p in MESSAGES.iterdir() if p.name not in ("unrelated.txt", "README.md")),
                         ids=lambda p: p.name)
def test_recorded_messages_find_the_right_entry_first(path):
    expected, text = load_message(path)
    assert expected, f"{path.name}: no '# expect:' line"
    results = _explain.explain(text)
    assert [r["id"] for r in results][:len(expected)] == expected, [(r["id"], r["score"]) for r in results]
    assert results[0]["matched_text"] and results[0]["matched_signature"]


@pytest.mark.parametrize("text", unrelated_corpus(), ids=lambda t: t[:40])
def test_unrelated_error_text_matches_nothing(text):
    assert _explain.explain(text) == []


def test_the_corpus_of_unrelated_text_is_large_enough():
    corpus = unrelated_corpus()
    assert len(corpus) >= 40
    assert _explain.explain("\n".join(corpus)) == []


def test_placeholders_take_guids_paths_and_any_quotes():
    template = "The connection {} isn't found"
    for name in ("'Sales'", '"{3F0C2A4E-9B1D-4C7A-8E2F-5D6B7A8C9E01}"', "\u201cLocalHost.AdventureWorks2019\u201d",
                 "'C:\\Program Files\\Contoso\\a b.conmgr'", '\\"Sales\\"'):
        assert _explain.explain(template.format(name))[0]["id"] == "azuressis-connection-not-found", name
    # A quoted placeholder needs a quoted value: this is another message.
    assert _explain.explain("The connection string 'Default' is not found.") == []


def test_line_breaks_case_accents_and_contractions_do_not_matter():
    text = ("SYSTEM.SERVICEMODEL.ENDPOINTNOTFOUNDEXCEPTION : Il n'existait pas de point de terminaison a l'ecoute\r\n"
            "sur https://ssismaitre01:8391/ClusterManagement/ pouvant accepter le message.")
    assert _explain.explain(text)[0]["id"] == "scaleout-no-endpoint-listening"
    # The article writes "There isn't"; Windows prints "There is not".
    assert _explain.explain("There is not enough space on the disk.")[0]["id"] == "azuressis-disk-full"
    assert _explain.words("Couldn't can't won't isn\u2019t") == ["could", "not", "cannot", "will", "not", "is", "not"]
    assert _explain.words('"Exit code: -1.\\n", \u00c9CHEC \u0153uvre') == ["exit", "code", "1", "echec", "oeuvre"]


def test_a_truncated_message_is_a_partial_match_ranked_below_whole_ones():
    full = concrete(_catalog.by_id("azuressis-named-pipe-proxy").signatures[0]["text"])
    results = _explain.explain(full[:full.index("pipe")])
    assert results[0]["id"] == "azuressis-named-pipe-proxy"
    assert 0.5 < results[0]["score"] < 1.0


def test_one_documented_text_inside_a_longer_one_ranks_the_longer_entry_first():
    registration = ("The Integration Runtime (Self-hosted) node has encountered an error during registration. "
                    "Cannot connect to the Integration Runtime (Self-hosted) Host Service.")
    ids = [r["id"] for r in _explain.explain(registration)]
    assert ids[:2] == ["shir-registration-error-service-account", "shir-cannot-connect-cloud-service"]
    only_first = "The Integration Runtime (Self-hosted) node has encountered an error during registration."
    assert _explain.explain(only_first)[0]["id"] == "shir-cannot-connect-cloud-service"


def test_error_code_alone_returns_the_entries_that_document_it():
    results = _explain.explain("ErrorCode: 2906")
    assert {r["id"] for r in results} == {"azuressis-oledb-provider-not-registered", "azuressis-shir-assembly-mismatch",
                                          "azuressis-named-pipe-proxy", "azuressis-shir-vcredist-missing"}
    assert {r["score"] for r in results} == {_explain.CODE_SCORE}
    assert [r["id"] for r in _explain.explain("-1073741819")] == ["azuressis-executor-exit-code-1073741819"]
    assert [r["id"] for r in _explain.explain("Code:300004")] == ["azuressis-load-file-failed-300004"]
    assert [r["id"] for r in _explain.explain("HTTP (403)")] == ["scaleout-http-request-forbidden"]
    assert _explain.explain("4711") == []


def test_most_recent_occurrence_is_shown_and_counted():
    first = "System.Net.WebException: The remote server returned an error: (403) Forbidden."
    log = "\n".join([f"10:0{i}:00 [Error] {first} attempt {i}" for i in range(1, 4)])
    result = _explain.explain(log)[0]
    assert result["id"] == "scaleout-http-request-forbidden" and result["occurrences"] == 3
    assert result["matched_text"] == first


def test_products_limit_and_min_score():
    # The self-hosted IR's message; the Scale Out entry documents the same sentences as two exceptions.
    text = ("The underlying connection was closed: Could not establish trust relationship "
            "for the SSL/TLS secure channel. The remote certificate is invalid according to the validation procedure.")
    assert [r["id"] for r in _explain.explain(text)] == ["shir-trust-relationship-adf-certificate",
                                                         "scaleout-trust-relationship"]
    assert [r["id"] for r in _explain.explain(text, products="scale-out")] == ["scaleout-trust-relationship"]
    assert [r["id"] for r in _explain.explain(text, products=["shir", "azure-ssis-ir"])] == [
        "shir-trust-relationship-adf-certificate"]
    assert len(_explain.explain(text, limit=1)) == 1
    assert [r["id"] for r in _explain.explain(text, min_score=0.95)] == ["shir-trust-relationship-adf-certificate"]
    with pytest.raises(ValueError, match="unknown product"):
        _explain.explain(text, products="scaleout")


def test_lines_none_and_empty_text():
    lines = ["2024-03-01 [Error] Cannot open certificate store", "on the machine."]
    assert _explain.explain(lines)[0]["id"] == "scaleout-cannot-open-certificate-store"
    assert _explain.explain(None) == [] and _explain.explain("") == [] and _explain.explain("   \n") == []
    with pytest.raises(TypeError):
        _explain.explain({"msg": "x"})


def test_every_signature_compiles_to_words():
    for entry, signature in SIGNATURES:
        pattern = _explain.compile_signature(signature["text"], signature["lang"])
        assert pattern.words and len(pattern.gaps) == len(pattern.fragments) - 1 == len(pattern.quoted), entry.id


def large_log() -> str:
    """3000 lines of worker-log noise with the secure-channel error in the middle, then the unrelated corpus
    (tests/benchmarks/timings.py times explain on it)."""
    noise = [f"2024-03-01 10:{i // 60:02d}:{i % 60:02d}.000 [Information] [WorkerAgent] Task {i} completed in {i} ms."
             for i in range(3000)]
    error = concrete(_catalog.by_id("scaleout-secure-channel").signatures[0]["text"])
    return "\n".join(noise[:1500] + [error] + noise[1500:] + unrelated_corpus())


def test_a_large_log_is_explained():
    results = _explain.explain(large_log())
    assert results[0]["id"] == "scaleout-secure-channel"
