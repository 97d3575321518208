# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generate docs/runbooks/ from the catalog: one page per entry, and an index.

    .venv/bin/python docs/generate_runbooks.py           write the pages (and delete stale ones)
    .venv/bin/python docs/generate_runbooks.py --check   only say whether the pages are up to date

The pages are never edited by hand: edit catalog/*.yml and run this again.
tests/unit/test_runbooks.py fails when the files on disk differ from what ``render()`` produces.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNBOOKS = ROOT / "docs" / "runbooks"
GENERATOR = "docs/generate_runbooks.py"
ROLE_NAMES = {
    "scaleout_master": "Scale Out Master",
    "scaleout_worker": "Scale Out Worker",
    "shir_node": "Self-hosted IR node",
    "ssisdb_sql": "SQL Server hosting SSISDB",
    "cloud": "Cloud side (Azure, the pipeline or the package)",
}
LANGUAGES = {"en": "English", "fr": "French"}
INVENTORY = "inventory.yml"
_PUNCTUATION_AFTER_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")


def _catalog():
    """The catalog loader, importable from a source checkout too (dev.py stages the collection)."""
    try:
        from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog as catalog
    except ImportError:
        sys.path.insert(0, str(ROOT))
        import dev  # pylint: disable=import-outside-toplevel

        sys.path.insert(0, str(dev.stage_collection()))
        from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog as catalog
    return catalog


def _checks():
    """The checks (their per-role fact subsets and descriptions), once ``_catalog()`` made them importable."""
    _catalog()
    from ansible_collections.irops.remediation.plugins.plugin_utils import _checks as checks  # pylint: disable=import-outside-toplevel

    return checks


def md(text: str) -> str:
    """Catalog prose as Markdown text: one line, no HTML, no accidental emphasis or escapes."""
    text = " ".join(str(text).split())
    text = _PUNCTUATION_AFTER_BACKSLASH.sub(r"\\\\", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("*", "\\*").replace("`", "\\`")


def cell(text: str) -> str:
    return md(text).replace("|", "\\|")


def code_span(text: str) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    return f"{fence}{' ' if fence == '``' else ''}{text}{' ' if fence == '``' else ''}{fence}"


def _short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."


def _playbook_fqcn(path: str) -> str:
    return "irops.remediation." + Path(path).stem


def _implemented(entry) -> str:
    if entry.fix:
        return "check and fix"
    if entry.check:
        return "check"
    return "documented steps" if entry.automation == "manual" else "not yet"


def _check_section(entry) -> list[str]:
    """What the audit checks for the entry, and which facts it reads from a node of each role."""
    if not entry.check:
        return []
    check = _checks().CHECKS[entry.check]
    doc = " ".join((check.func.__doc__ or "").split("\n\n")[0].split())
    lines = ["## Check", "",
             f"The audit runs the check `{entry.check}` on every node of the entry's roles: "
             f"`ansible-playbook -i {INVENTORY} irops.remediation.diagnose`. {md(doc)}", "",
             "It reads these facts (`irops.remediation.node_facts` subsets), from the node itself and from the other "
             "nodes of the play it compares with; the inventory names only each host's roles (`irops_node_roles`):", ""]
    lines += [f"- {md(ROLE_NAMES[role])}: " + ", ".join(f"`{subset}`" for subset in subsets)
              for role, subsets in check.needs.items()]
    return lines + [""]


def _fix_section(entry) -> list[str]:
    lines = ["## Fix", ""]
    if entry.fix:
        playbook = _playbook_fqcn(entry.fix["playbook"])
        lines += [
            f"Automated by `{entry.fix['module']}` (playbook `{entry.fix['playbook']}`). See what would change, then apply:",
            "",
            "```sh",
            f"ansible-playbook -i {INVENTORY} {playbook} --check --diff",
            f"ansible-playbook -i {INVENTORY} {playbook} --diff",
            "```",
            "",
            "Or as a task in your own play:",
            "",
            "```yaml",
            entry.fix["task"].rstrip(),
            "```",
            "",
        ]
        if entry.check:
            lines += [f"The audit finds this failure (check `{entry.check}`): "
                      f"`ansible-playbook -i {INVENTORY} irops.remediation.diagnose`.", ""]
        return lines
    if entry.automation == "manual":
        lines += [f"Not automated: {md(entry.manual_reason)}", "", "Follow the documented steps below.", ""]
        return lines
    planned = "a check and a fix" if entry.automation == "automated" else "a check"
    if entry.check and entry.automation == "automated":
        lines += [f"Automation level: **{entry.automation}**. The check exists (above); the fix is not implemented "
                  "yet, so follow the documented steps below."]
    elif entry.check:
        lines += [f"Automation level: **{entry.automation}**. The check exists (above); the fix is the documented "
                  "steps below."]
    else:
        lines += [f"Automation level: **{entry.automation}**. The collection is meant to provide {planned} for this "
                  "entry; they are not implemented yet, so follow the documented steps below."]
    if entry.manual_reason:
        lines += ["", f"Why the fix stays manual: {md(entry.manual_reason)}"]
    return lines + [""]


def _signature_section(entry) -> list[str]:
    if not entry.signatures:
        return ["## Error messages", "",
                "The article quotes no error message for this entry; recognise it by its symptoms.", ""]
    lines = ["## Error messages", "",
             "As the article quotes them. `[...]`, `{...}`, `<...>`, `'...'`, `***` and `XXXXX` stand for real values "
             "(host names, ports, GUIDs, paths).", ""]
    for signature in entry.signatures:
        lines += [f"{LANGUAGES[signature['lang']]}:", "", "```text", " ".join(signature["text"].split()), "```", ""]
    if entry.error_codes:
        lines += ["Error codes: " + ", ".join(code_span(code) for code in entry.error_codes), ""]
    return lines


def _source_line(entry, product) -> str:
    parts = []
    for lang in ("en", "fr"):
        for heading in entry.headings(lang):
            article = product.article.get(lang, product.source.get(lang, ""))
            parts.append(f"*{md(article)}* ({LANGUAGES[lang]}, `{product.source[lang]}`): \"{md(heading)}\"")
    return "Source: " + "; ".join(parts) + "."


def entry_page(entry, product) -> str:
    roles = ", ".join(ROLE_NAMES[role] for role in entry.node_roles)
    lines = [
        f"<!-- Generated by {GENERATOR} from catalog/{entry.catalog_file}: edit the catalog, not this page. -->",
        "",
        f"# {md(entry.title)}",
        "",
        f"- Entry: `{entry.id}`",
        f"- Product: {md(product.name)}",
        f"- Where: {md(roles)}",
        f"- Automation: {entry.automation} (implemented: {_implemented(entry)})",
        f"- {_source_line(entry, product)}",
        "",
        "## Symptoms",
        "",
        *[f"- {md(symptom)}" for symptom in entry.symptoms],
        "",
        *_signature_section(entry),
        "## Cause",
        "",
        md(entry.cause),
        "",
        *_check_section(entry),
        *_fix_section(entry),
        "## Documented steps",
        "",
        *[f"{number}. {md(step)}" for number, step in enumerate(entry.resolution, start=1)],
        "",
    ]
    if entry.investigate:
        lines += [
            "## Investigate",
            "",
            f"`{entry.investigate['module']}` reads the newest log files of the nodes (the documented folders of each "
            "host's `irops_node_roles`), and the `explain` filter names the documented entries their errors match:",
            "",
            "```sh",
            f"ansible-playbook -i {INVENTORY} {_playbook_fqcn(entry.investigate['playbook'])}",
            "```",
            "",
        ]
    lines += ["[All runbooks](README.md)", ""]
    return "\n".join(lines)


def _counts_table(entries, products) -> list[str]:
    """Entries per product and level, and what exists: a check, a fix, the reason of a manual entry."""
    levels = ("automated", "check-only", "manual")
    lines = ["| product | entries | " + " | ".join(levels) + " | checked | fixed | manual with reason |",
             "|---|---:|" + "---:|" * (len(levels) + 3)]

    def row(name: str, mine: list) -> str:
        counts = [sum(1 for e in mine if e.automation == level) for level in levels]
        counts += [sum(1 for e in mine if e.check), sum(1 for e in mine if e.fix),
                   sum(1 for e in mine if e.automation == "manual" and (e.manual_reason or "").strip())]
        return f"| {name} | {len(mine)} | " + " | ".join(str(count) for count in counts) + " |"

    lines += [row(cell(product.name), [e for e in entries if e.product == product.product]) for product in products]
    lines.append(row("**all**", list(entries)))
    return lines


def index_page(entries, products, guidance) -> str:
    lines = [
        f"<!-- Generated by {GENERATOR} from catalog/*.yml: edit the catalog, not this page. -->",
        "",
        "# Runbooks",
        "",
        "One page per documented troubleshooting entry of the SSIS Scale Out, Azure-SSIS integration runtime and "
        "self-hosted integration runtime articles, generated from the catalog (`catalog/`) that the checks, the "
        "`explain` filter and the diagnose reports read too.",
        "",
        "Holding an error message? Let the collection find the entry:",
        "",
        "```sh",
        "ansible-playbook irops.remediation.triage -e triage_file=/path/to/error.txt",
        f"ansible-playbook -i {INVENTORY} irops.remediation.triage    # the newest Scale Out and SHIR proxy logs of the nodes",
        "```",
        "",
        "```yaml",
        "- name: Explain an error",
        "  ansible.builtin.debug:",
        "    msg: \"{{ error_text | irops.remediation.explain }}\"",
        "```",
        "",
        "Automation levels: **automated** (a check and a fix), **check-only** (a check; the fix needs a person or an "
        "installer), **manual** (the page says why). *Checked* counts the entries whose check exists today, *fixed* those "
        "whose fix exists, *manual with reason* the manual entries whose page says why no command on a node fixes them.",
        "",
        *_counts_table(entries, products),
        "",
        "## By product",
        "",
    ]
    for product in products:
        articles = "; ".join(f"*{md(title)}* ({LANGUAGES[lang]})" for lang, title in product.article.items())
        lines += [f"### {md(product.name)}", "", f"From {articles}; data in `catalog/{product.catalog_file}`.", "",
                  "| entry | title | where | automation | implemented |", "|---|---|---|---|---|"]
        for entry in (e for e in entries if e.product == product.product):
            roles = ", ".join(ROLE_NAMES[role] for role in entry.node_roles)
            lines.append(f"| [{entry.id}]({entry.id}.md) | {cell(entry.title)} | {cell(roles)} | {entry.automation} | "
                         f"{_implemented(entry)} |")
        lines.append("")
        for item in (g for g in guidance if g.product == product.product):
            lines += [f"General guidance, \"{md(item.title)}\" (not a failure):", "",
                      *[f"{number}. {md(step)}" for number, step in enumerate(item.steps, start=1)], ""]
    lines += ["## By node role", ""]
    for role, name in ROLE_NAMES.items():
        lines += [f"### {md(name)}", ""]
        lines += [f"- [{entry.id}]({entry.id}.md): {md(entry.title)} ({entry.automation})"
                  for entry in entries if role in entry.node_roles]
        lines.append("")
    lines += ["## By error signature", "",
              "Every error message the articles quote, alphabetically; the runbook has the full text.", "",
              "| error signature | language | entry |", "|---|---|---|"]
    rows = sorted(((" ".join(s["text"].split()), s["lang"], entry) for entry in entries for s in entry.signatures),
                  key=lambda row: (row[0].casefold(), row[2].id))
    lines += [f"| {code_span(_short(text))} | {lang} | [{entry.id}]({entry.id}.md) |" for text, lang, entry in rows]
    lines += ["", "### By error code", "", "| code | entries |", "|---|---|"]
    codes: dict = {}
    for entry in entries:
        for code in entry.error_codes:
            codes.setdefault(code, []).append(entry)
    for code in sorted(codes, key=str.casefold):
        lines.append(f"| {code_span(code)} | " + ", ".join(f"[{e.id}]({e.id}.md)" for e in codes[code]) + " |")
    lines += ["", "### Entries without a quoted error message", "",
              "These are recognised by their symptoms; `explain` cannot find them from a message.", ""]
    lines += [f"- [{entry.id}]({entry.id}.md): {md(entry.symptoms[0])}" for entry in entries if not entry.signatures]
    return "\n".join(lines) + "\n"


def render() -> dict:
    """File name (in docs/runbooks/) -> content, for every page."""
    catalog = _catalog()
    entries, products, guidance = catalog.load(), catalog.products(), catalog.guidance()
    by_product = {product.product: product for product in products}
    ordered = tuple(sorted(products, key=lambda p: catalog.PRODUCTS.index(p.product)))
    ordered_entries = tuple(e for p in ordered for e in entries if e.product == p.product)
    pages = {f"{entry.id}.md": entry_page(entry, by_product[entry.product]) for entry in ordered_entries}
    pages["README.md"] = index_page(ordered_entries, ordered, guidance)
    return pages


def differences(pages: dict) -> list[str]:
    """File names whose content on disk differs from ``pages``, or that should not be there."""
    present = {path.name for path in RUNBOOKS.glob("*.md")} if RUNBOOKS.is_dir() else set()
    changed = [name for name, text in pages.items()
               if name not in present or (RUNBOOKS / name).read_text(encoding="utf-8") != text]
    return sorted(changed + sorted(present - set(pages)))


def write(pages: dict) -> list[str]:
    stale = differences(pages)
    RUNBOOKS.mkdir(parents=True, exist_ok=True)
    for name in stale:
        if name in pages:
            (RUNBOOKS / name).write_text(pages[name], encoding="utf-8")
        else:
            (RUNBOOKS / name).unlink()
    return stale


def main(argv: list) -> int:
    pages = render()
    if "--check" in argv:
        stale = differences(pages)
        for name in stale:
            print(f"out of date: docs/runbooks/{name}")
        return 1 if stale else 0
    for name in write(pages):
        print(f"wrote docs/runbooks/{name}" if name in pages else f"deleted docs/runbooks/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
