# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Findings: one catalog entry evaluated on one node, and the fleet report made of them (internal use only).

``evaluate`` turns an entry and a node's facts into a finding; ``node_findings`` does it for every entry of the
catalog, ordered (failures first). ``fleet_document`` gathers the findings of every node of a play into the
fleet report document (JSON schema ``docs/reports/fleet-report.schema.json``, id ``SCHEMA``), from which
``terminal_summary`` and ``junit_xml`` are written (``_report_html.render`` writes the HTML matrix).
``write_reports`` writes the chosen formats into one directory, each file replaced whole.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET

from ansible_collections.irops.remediation.plugins.plugin_utils import _checks

SCHEMA = "irops.remediation/fleet-report/v1"
COLLECTION = "irops.remediation"
# Order of a node's findings and of the report's status columns: what needs a person first.
ORDER = {_checks.FAIL: 0, _checks.UNKNOWN: 1, _checks.NOT_CHECKED: 2, _checks.PASS: 3, _checks.NOT_APPLICABLE: 4}
STATUSES = (_checks.FAIL, _checks.UNKNOWN, _checks.NOT_CHECKED, _checks.PASS)   # what a node of the entry's roles gets
REPORT_FILES = {"json": "fleet-report.json", "junit": "fleet-report.xml", "html": "fleet-report.html"}
PRODUCT_NAMES = {"scale-out": "SSIS Scale Out", "azure-ssis-ir": "Azure-SSIS integration runtime",
                 "shir": "Self-hosted integration runtime"}


def fix_of(entry, host: str | None) -> dict | None:
    """The entry's fix as an installed collection runs it: ``ansible-playbook irops.remediation.<playbook>``
    limited to the node (never a path into the repository), and the module that applies it; None when manual."""
    if not entry.fix:
        return None
    fix = {"module": entry.fix.get("module")}
    playbook = entry.fix.get("playbook")
    if playbook:
        name = f"{COLLECTION}.{os.path.splitext(os.path.basename(playbook))[0]}"
        fix["playbook"] = name
        fix["command"] = f"ansible-playbook {name}" + (f" --limit {host}" if host else "")
    return fix


def evaluate(entry, roles, node, settings, context) -> dict:
    """The finding of one entry on a node of ``roles`` whose facts are ``node``."""
    finding = entry.summary()
    finding["node"] = context.get("host")
    finding["fix"] = fix_of(entry, context.get("host"))
    finding["runbook"] = entry.runbook
    why = (" ".join(entry.manual_reason.split()) if entry.automation == "manual" and entry.manual_reason
           else f"no check implemented yet (automation: {entry.automation})")
    if not set(entry.node_roles) & set(roles):
        # An entry of no managed node (cloud only: Azure, the pipeline, the package) is not this node's; its evidence
        # still says where its fix is, so that the finding is never a bare "not applicable".
        evidence = (f"cloud side, on no managed node: {why}; follow {entry.runbook}" if set(entry.node_roles) == {"cloud"}
                    else f"applies to {', '.join(entry.node_roles)}")
        finding.update(status=_checks.NOT_APPLICABLE, evidence=evidence)
        return finding
    if not entry.check:
        report = _checks.report_line(entry.report, node)
        finding.update(status=_checks.NOT_CHECKED, evidence=f"{why}; follow {entry.runbook}" + (f"; {report}" if report else ""))
        return finding
    try:
        status, evidence = _checks.CHECKS[entry.check].func(node, settings, context)
    except _checks.Unknown as exc:
        status, evidence = _checks.UNKNOWN, str(exc)
    finding.update(status=status, evidence=evidence)
    return finding


def unreachable(entry, host: str, reason: str) -> dict:
    """The finding of an entry of a node whose facts were not gathered: unknown, saying why."""
    finding = entry.summary()
    finding.update(node=host, fix=fix_of(entry, host), runbook=entry.runbook, status=_checks.UNKNOWN,
                   evidence=f"not checked on this node: {reason}")
    return finding


def node_findings(entries, roles, node, settings, context) -> list[dict]:
    findings = [evaluate(entry, roles, node, settings, context) for entry in entries]
    findings.sort(key=lambda f: (ORDER[f["status"]], f["id"]))
    return findings


def counts(findings) -> dict:
    counted = dict.fromkeys(ORDER, 0)
    for finding in findings:
        counted[finding["status"]] += 1
    return counted


def node_summary(findings: list[dict], counted: dict) -> str:
    """One node's findings, one line each (not applicable ones left out), then the counts."""
    lines = []
    for f in findings:
        if f["status"] == _checks.NOT_APPLICABLE:
            continue
        line = f"{f['status'].upper():7} {f['id']} ({f['title']}): {f['evidence']}"
        if f["status"] == _checks.FAIL and f["fix"] and f["fix"].get("command"):
            line += f" -> fix: {f['fix']['command']}"
        lines.append(line)
    if not lines:
        lines.append("no catalog entry applies to these node roles")
    shown = (_checks.PASS, _checks.FAIL, _checks.UNKNOWN, _checks.NOT_CHECKED)
    lines.append(", ".join(f"{counted[status]} {status.replace('_', ' ')}" for status in shown))
    return "\n".join(lines)


# ---------------------------------------------------------------- the fleet report

def fleet_document(nodes: list[dict], entries, version: str, generated: str) -> dict:
    """The fleet report: ``nodes`` is ``[{"node", "roles", "error", "findings"}]`` in play order; a node lists every
    entry of its roles (``not_applicable`` findings are left out: they are not the node's)."""
    listed, rows, seen = [], [], set()
    for node in nodes:
        mine = [f for f in node["findings"] if f["status"] != _checks.NOT_APPLICABLE]
        listed.extend(mine)
        seen.update(f["id"] for f in mine)
        counted = counts(mine)
        rows.append({"node": node["node"], "roles": list(node["roles"]), "gathered": node.get("error") is None,
                     "error": node.get("error"), "counts": {status: counted[status] for status in STATUSES}})
    total = counts(listed)
    return {
        "schema": SCHEMA,
        "generated": generated,
        "collection": {"name": COLLECTION, "version": version},
        "statuses": list(STATUSES),
        "products": dict(PRODUCT_NAMES),
        "counts": {status: total[status] for status in STATUSES},
        "nodes": rows,
        "entries": [{"id": e.id, "title": e.title, "product": e.product, "automation": e.automation, "runbook": e.runbook}
                    for e in entries if e.id in seen],
        "findings": [{key: f[key] for key in ("node", "id", "title", "product", "status", "evidence", "signature",
                                              "fix", "runbook")} for f in listed],
    }


def _width(values, least: int) -> int:
    return max([least, *(len(str(v)) for v in values)])


# A fleet-wide drift (the same setting missing on 200 nodes) stays a few lines: nodes with the same evidence share
# one line, at most SUMMARY_EVIDENCE different evidences are shown per entry and SUMMARY_NODES names per line;
# the reports list every node.
SUMMARY_EVIDENCE = 5
SUMMARY_NODES = 10


def _names(found: list, most: int) -> str:
    names = [f["node"] for f in found]
    return ",".join(names) if len(names) <= most else ",".join(names[:most]) + f",... ({len(names) - most} more in the reports)"


def _evidence_lines(found: list) -> list:
    by_evidence: dict[str, list] = {}
    for finding in found:
        by_evidence.setdefault(finding["evidence"], []).append(finding)
    lines = [f"    {_names(same, SUMMARY_NODES)}: {evidence}" for evidence, same in list(by_evidence.items())[:SUMMARY_EVIDENCE]]
    rest = sum(len(same) for same in list(by_evidence.values())[SUMMARY_EVIDENCE:])
    if rest:
        lines.append(f"    ... {rest} more node(s) with other evidence (see the reports)")
    return lines


def terminal_summary(document: dict, written: dict | None = None) -> str:
    """What a person reads at the end of the audit: nodes x status counts, then the failures and the unknowns
    grouped by entry, each with the nodes it was found on and the command that fixes it."""
    rows = document["nodes"]
    name_width = _width((r["node"] for r in rows), 4)
    roles_width = _width((",".join(r["roles"]) for r in rows), 5)
    header = f"{'node':<{name_width}}  {'roles':<{roles_width}}" + "".join(f"  {s.replace('_', ' '):>11}" for s in STATUSES)
    lines = [f"Fleet audit: {len(rows)} node(s), {len(document['entries'])} documented entries of their roles", header]
    for row in rows:
        line = f"{row['node']:<{name_width}}  {','.join(row['roles']):<{roles_width}}"
        line += "".join(f"  {row['counts'][s]:>11}" for s in STATUSES)
        lines.append(line + (f"  ({row['error']})" if row["error"] else ""))
    total = document["counts"]
    lines.append(f"{'all':<{name_width}}  {'':<{roles_width}}" + "".join(f"  {total[s]:>11}" for s in STATUSES))
    for status, title in ((_checks.FAIL, "Failures"), (_checks.UNKNOWN, "Could not tell")):
        by_entry: dict[str, list] = {}
        for finding in document["findings"]:
            if finding["status"] == status:
                by_entry.setdefault(finding["id"], []).append(finding)
        if not by_entry:
            continue
        lines.append("")
        lines.append(f"{title} by documented entry:")
        for entry_id, found in by_entry.items():
            lines.append(f"  {entry_id}: {found[0]['title']} ({len(found)} node(s))")
            lines.extend(_evidence_lines(found))
            fix = found[0]["fix"]
            if status == _checks.FAIL:
                if fix and fix.get("playbook"):
                    lines.append(f"    fix: ansible-playbook {fix['playbook']} --limit {_names(found, SUMMARY_NODES)}")
                else:
                    lines.append(f"    fix: by hand, {found[0]['runbook']}")
    if not total[_checks.FAIL] and not total[_checks.UNKNOWN]:
        lines.append("")
        lines.append("No documented failure found; every check could tell.")
    if written:
        lines.append("")
        lines.append("Reports: " + ", ".join(written[kind] for kind in REPORT_FILES if kind in written))
    return "\n".join(lines)


def junit_xml(document: dict) -> str:
    """JUnit XML: one testsuite per node, one testcase per node x entry (classname: the product). A failure is a
    ``failure``, an unknown an ``error`` (the check could not run to a verdict), a not_checked entry ``skipped``;
    the evidence and the fix are the message and text. Valid against tests/unit/test_data/reports/junit.xsd."""
    suites = ET.Element("testsuites", name="irops.remediation fleet audit")
    by_node: dict[str, list] = {}
    for finding in document["findings"]:
        by_node.setdefault(finding["node"], []).append(finding)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for row in document["nodes"]:
        found = by_node.get(row["node"], [])
        numbers = {"tests": len(found), "failures": row["counts"][_checks.FAIL], "errors": row["counts"][_checks.UNKNOWN],
                   "skipped": row["counts"][_checks.NOT_CHECKED]}
        for key, value in numbers.items():
            totals[key] += value
        suite = ET.SubElement(suites, "testsuite", name=_xml_text(row["node"]), hostname=_xml_text(row["node"]),
                              timestamp=document["generated"],
                              time="0", **{key: str(value) for key, value in numbers.items()})
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="roles", value=",".join(row["roles"]))
        if row["error"]:
            ET.SubElement(properties, "property", name="error", value=_xml_text(row["error"]))
        for finding in found:
            case = ET.SubElement(suite, "testcase", name=f"{finding['id']}: {finding['title']}",
                                 classname=f"{COLLECTION}.{finding['product']}", time="0")
            evidence, text = _xml_text(finding["evidence"]), _xml_text(_case_text(finding))
            if finding["status"] == _checks.FAIL:
                ET.SubElement(case, "failure", message=evidence, type="documented failure").text = text
            elif finding["status"] == _checks.UNKNOWN:
                ET.SubElement(case, "error", message=evidence, type="unknown").text = text
            elif finding["status"] == _checks.NOT_CHECKED:
                ET.SubElement(case, "skipped", message=evidence)
            else:
                ET.SubElement(case, "system-out").text = evidence
    suites.attrib.update(tests=str(totals["tests"]), failures=str(totals["failures"]), errors=str(totals["errors"]))
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + ET.tostring(suites, encoding="unicode") + "\n"


# Characters XML 1.0 cannot hold at all, even escaped (its Char production): a node's output may carry them (an ANSI
# colour code, a NUL); they are written as \xNN so the report stays well-formed and says what was there.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(value) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def _case_text(finding: dict) -> str:
    lines = [finding["evidence"]]
    if finding.get("signature"):
        lines.append(f"documented error: {finding['signature']}")
    if finding.get("fix") and finding["fix"].get("command"):
        lines.append(f"fix: {finding['fix']['command']}")
    lines.append(f"runbook: {finding['runbook']} (in the {COLLECTION} collection)")
    return "\n".join(lines)


def _html(document: dict) -> str:
    from ansible_collections.irops.remediation.plugins.plugin_utils import _report_html  # pylint: disable=import-outside-toplevel

    return _report_html.render(document)


def write_reports(document: dict, directory: str, formats) -> dict:
    """Write the report in each format into ``directory`` (made if missing); each file is written to a temporary
    file beside it and renamed over the old one, so a reader never sees half a report. Returns kind -> path."""
    renderers = {"json": lambda d: json.dumps(d, indent=2, ensure_ascii=False) + "\n", "junit": junit_xml,
                 "html": _html}
    directory = os.path.abspath(os.path.expanduser(directory))
    os.makedirs(directory, exist_ok=True)
    written = {}
    for kind in formats:
        path = os.path.join(directory, REPORT_FILES[kind])
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{REPORT_FILES[kind]}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(renderers[kind](document))
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        written[kind] = path
    return written
