# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``winhttpcertcfg``: commands and output parsing.

Format (W32 desktop-src/WinHttp/winhttpcertcfg-exe--a-certificate-configuration-tool.md and
docs/reference/windows-tools.md "winhttpcertcfg"): a banner, ``Matching certificate:`` and
the subject, then for ``-l`` the line ``Additional accounts and groups with access to the
private key include:`` and one indented account a line; ``-g`` prints ``Granting private key
access for account:`` or ``Private key access has already been granted for account:``.
Errors start with ``Error:``. The tool is a resource-kit tool printing English; it is not
installed by default and opens keys through CryptoAPI only, so it cannot handle CNG keys.

Assumed: the account lines are the indented lines after the last line ending in ``:``.

Which certificate ``-s`` picks: the first of the store whose subject *contains* the string,
compared without regard to case (the CryptoAPI search ``CertFindCertificateInStore`` with
``CERT_FIND_SUBJECT_STR``, "a certificate that contains the specified subject name string";
the simulator's winhttpcertcfg does the same). The tool has no option to name a certificate
by thumbprint, so with ``-s SSISWORKER01`` a store that also holds ``CN=SSISWORKER01-OLD``
may have the old certificate's key changed. :func:`also_matched` finds such certificates in
what ``certutil -store`` printed, so the action can refuse before running the tool.
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils._certutil import common_name
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command

TOOL = "winhttpcertcfg"


def _location(store: str) -> str:
    return "LOCAL_MACHINE\\" + store


def list_command(store: str, subject: str) -> Command:
    return Command(TOOL, (Param("-l"), Param("-c"), _location(store), Param("-s"), subject))


def grant_command(store: str, subject: str, account: str) -> Command:
    return Command(TOOL, (Param("-g"), Param("-c"), _location(store), Param("-s"), subject, Param("-a"), account),
                   read_only=False)


def remove_command(store: str, subject: str, account: str) -> Command:
    return Command(TOOL, (Param("-r"), Param("-c"), _location(store), Param("-s"), subject, Param("-a"), account),
                   read_only=False)


def subject_argument(subject: str) -> str:
    """What ``-s`` is given for a certificate of this subject: its CN (the documented use,
    ``-s <subject CN>``), or the whole subject when it has no CN."""
    return common_name(subject) or subject


def matches(argument: str, subject: str | None) -> bool:
    """Whether ``-s <argument>`` matches a certificate of this subject: a case-insensitive substring."""
    return bool(subject) and argument.casefold() in subject.casefold()


def also_matched(argument: str, certificates: list, thumbprint: str) -> list:
    """The certificates (``certutil`` facts of the whole store) other than ``thumbprint`` that
    ``-s <argument>`` matches too: when there is any, the tool may act on one of them."""
    return [doc for doc in certificates
            if doc["thumbprint"].upper() != thumbprint.upper() and matches(argument, doc["subject"])]


def matched_subject(text: str) -> str | None:
    """The subject printed under ``Matching certificate:``: the certificate the tool acted on."""
    lines = [line.strip() for line in text.splitlines()]
    for index, line in enumerate(lines[:-1]):
        if line == "Matching certificate:" and lines[index + 1]:
            return lines[index + 1]
    return None


def parse_accounts(text: str) -> list[str]:
    """The accounts ``winhttpcertcfg -l`` lists (the indented lines after the last header line)."""
    accounts: list[str] = []
    for line in text.splitlines():
        if line.rstrip().endswith(":") and not line.startswith(" "):
            accounts = []
        elif line.startswith(" ") and line.strip():
            accounts.append(line.strip())
    return accounts


def error(result) -> str | None:
    """The ``Error:`` line, or a sentence when the tool is not installed, or None."""
    for line in result.output.splitlines():
        if line.strip().startswith("Error:"):
            return " ".join(line.split())
    if result.rc == -1:
        return ("winhttpcertcfg is not installed on the node (it is not part of Windows; it came with the "
                "Windows Server 2003 Resource Kit). Use method=acl, which needs no extra tool")
    if not result.ok:
        return f"exit code {result.rc}: {result.output.strip()[:300]}"
    return None
