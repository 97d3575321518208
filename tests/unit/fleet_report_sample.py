"""Fleet reports (schema irops.remediation/fleet-report/v1, /work contract) for the HTML report tests (not a test module).

``sample()`` is a small realistic fleet: three products, all four statuses, a node whose facts could not
be gathered, French evidence and hostile strings where a report carries free text. ``large()`` is a
synthetic fleet for the render benchmark.
"""

from __future__ import annotations

from html.parser import HTMLParser

# Markup that would run or load something if a string reached the page unescaped.
HOSTILE_IMG = '<img src=x onerror="document.body.dataset.pwned=1">'
HOSTILE_SCRIPT = "</script><script>document.body.dataset.pwned=2</script>"
FRENCH = ("Le certificat \u00ab CN=SSIS-MASTER01 \u00bb li\u00e9 \u00e0 0.0.0.0:8391 a expir\u00e9 le 12/10/2026 ; "
          "\u00e9chec de l'\u00e9tablissement de la relation d'approbation pour le canal s\u00e9curis\u00e9 SSL/TLS.")

PRODUCTS = {"scale-out": "SSIS Scale Out", "azure-ssis-ir": "Azure-SSIS integration runtime",
            "shir": "Self-hosted integration runtime"}
ENTRIES = [
    ("scaleout-http-request-error", "scale-out", "HTTP request error when the master's certificate binding is wrong", True),
    ("scaleout-worker-cert-not-trusted", "scale-out", "Worker can't trust the master's certificate", True),
    ("scaleout-ssisdb-permissions", "scale-out", 'Master service account lacks SSISDB permissions "quoted" & <tagged>', False),
    ("azuressis-vnet-join", "azure-ssis-ir", "Azure-SSIS IR can't join the virtual network", False),
    ("shir-ha-port-8060", "shir", "HA nodes can't reach each other on port 8060 " + HOSTILE_IMG, True),
    ("shir-cert-expired", "shir", "The SHIR's TLS certificate has expired", True),
    ("shir-proxy-auth", "shir", "The proxy refuses the SHIR's credentials", False),
]
ROLE_ENTRIES = {
    "scaleout_master": ["scaleout-http-request-error", "scaleout-ssisdb-permissions"],
    "scaleout_worker": ["scaleout-worker-cert-not-trusted"],
    "azure_ssis_ir": ["azuressis-vnet-join"],
    "shir_node": ["shir-ha-port-8060", "shir-cert-expired", "shir-proxy-auth"],
}
# node -> roles, error, {entry: (status, evidence)}; entries of the roles that are not listed pass.
NODES = {
    "ssis-master-01": (["scaleout_master", "ssisdb_sql"], None, {
        "scaleout-http-request-error": ("fail", "0.0.0.0:8391 is bound to bd89 (CN=OLD-SSISMASTER01), not 5f2a"),
        "scaleout-ssisdb-permissions": ("not_checked", "Manual check: run the T-SQL in the runbook as sysadmin."),
    }),
    "ssis-worker-01": (["scaleout_worker"], None, {"scaleout-worker-cert-not-trusted": ("fail", FRENCH)}),
    "ssis-worker-02": (["scaleout_worker"], None, {}),
    "azure-ir-01": (["azure_ssis_ir"], None, {"azuressis-vnet-join": ("not_checked", "Checked in the Azure portal.")}),
    "shir-node-01": (["shir_node"], None, {
        "shir-ha-port-8060": ("fail", "Evidence with markup: " + HOSTILE_IMG + " and " + HOSTILE_SCRIPT + "\nsecond line \u2028 & done"),
        "shir-proxy-auth": ("unknown", "The proxy answered 407 to the probe; the credentials could not be read."),
    }),
    "shir-node-02": (["shir_node"], "unreachable: WinRM 5986 timed out " + HOSTILE_IMG, {}),
}


def sample() -> dict:
    entries = [{"id": i, "title": t, "product": p, "automation": "automated" if auto else "manual",
                "runbook": f"docs/runbooks/{i}.md"} for i, p, t, auto in ENTRIES]
    by_id = {entry["id"]: entry for entry in entries}
    findings, nodes = [], []
    for name, (roles, error, special) in NODES.items():
        counts = dict.fromkeys(("pass", "fail", "unknown", "not_checked"), 0)
        for role in roles:
            for entry_id in ROLE_ENTRIES.get(role, []):
                entry = by_id[entry_id]
                status, evidence = special.get(entry_id, ("pass", f"{entry_id} is as documented."))
                if error:
                    status, evidence = "unknown", f"The facts of {name} could not be gathered: {error}"
                counts[status] += 1
                automated = entry["automation"] == "automated"
                playbook = "irops.remediation.remediate_" + entry["product"].replace("-", "_")
                findings.append({
                    "node": name, "id": entry_id, "title": entry["title"], "product": entry["product"], "status": status,
                    "evidence": evidence, "signature": "An error occurred while sending the HTTP request." if status == "fail" else None,
                    "fix": {"playbook": playbook, "command": f"ansible-playbook {playbook} --limit {name}"} if automated else None,
                    "runbook": entry["runbook"]})
        nodes.append({"node": name, "roles": roles, "gathered": error is None, "error": error, "counts": counts})
    totals = {status: sum(node["counts"][status] for node in nodes) for status in ("pass", "fail", "unknown", "not_checked")}
    return {"schema": "irops.remediation/fleet-report/v1", "generated": "2026-11-30T01:02:03Z",
            "collection": {"name": "irops.remediation", "version": "1.0.0"},
            "statuses": ["fail", "unknown", "not_checked", "pass"], "products": dict(PRODUCTS), "counts": totals,
            "nodes": nodes, "entries": entries, "findings": findings}


def large(node_count: int = 200, entry_count: int = 60) -> dict:
    """Every node has every entry; statuses rotate; evidence is a sentence or two."""
    products = list(PRODUCTS)
    statuses = ["pass", "pass", "pass", "fail", "unknown", "not_checked"]
    entries = [{"id": f"entry-{i:03d}", "title": f"Entry {i} title", "product": products[i % 3], "automation": "automated",
                "runbook": f"docs/runbooks/entry-{i:03d}.md"} for i in range(entry_count)]
    findings = [{"node": f"node-{n:03d}", "id": e["id"], "title": e["title"], "product": e["product"],
                 "status": statuses[(n + i) % len(statuses)], "evidence": FRENCH, "signature": None,
                 "fix": {"playbook": "p", "command": f"ansible-playbook p --limit node-{n:03d}"}, "runbook": e["runbook"]}
                for n in range(node_count) for i, e in enumerate(entries)]
    nodes = [{"node": f"node-{n:03d}", "roles": ["shir_node"], "gathered": True, "error": None, "counts": {}} for n in range(node_count)]
    return {"schema": "irops.remediation/fleet-report/v1", "generated": "2026-11-30T01:02:03Z",
            "collection": {"name": "irops.remediation", "version": "1.0.0"}, "statuses": ["fail", "unknown", "not_checked", "pass"],
            "products": dict(PRODUCTS), "counts": {}, "nodes": nodes, "entries": entries, "findings": findings}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    """An element of a parsed page: tag, attributes, children (elements and text)."""

    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.children = tag, attrs, []

    def iter(self, tag: str | None = None):
        for child in self.children:
            if isinstance(child, Element):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set:
        return set((self.attrs.get("class") or "").split())

    def by_id(self, wanted: str):
        return next((e for e in self.iter() if e.attrs.get("id") == wanted), None)


class TreeBuilder(HTMLParser):
    """A strict enough HTML tree: every non-void element must be closed by its own end tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.problems = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.stack[-1].tag != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(page: str) -> tuple[Element, list[str]]:
    """The page's tree and what was not well formed (unclosed or mismatched elements)."""
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    problems = builder.problems + [f"<{e.tag}> is not closed" for e in builder.stack[1:]]
    return builder.root, problems
