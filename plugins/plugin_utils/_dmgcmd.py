# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``dmgcmd.exe``, the self-hosted integration runtime's command-line tool (``<install folder>\\Shared``).

``-SwitchServiceAccount "<user>" "<password>"`` changes the account DIAHostService logs on as; the SHIR article
("Integration runtime registration error", tests/unit/test_data/seeds/self-hosted-ir-troubleshooting.md) runs it
from the ``Microsoft Integration Runtime\\<version>\\Shared`` folder and says: "If you want to change to the
LocalSystem account, be sure to use the correct format for this account: ``dmgcmd.exe -SwitchServiceAccount "NT
Authority\\System" ""`` Do *not* use this format: ``dmgcmd.exe -SwitchServiceAccount "LocalSystem" ""``".

The empty password is the argument ``'""'`` (docs/dev/remote-execution.md: Windows PowerShell 5.1 drops an empty
argument, so ``''`` would leave dmgcmd one argument); a password travels on standard input (``_quoting.Secret``)
and reaches dmgcmd exactly, never in the script, a log or an error. dmgcmd is not on the PATH: it runs from the
install's Shared folder with PowerShell's call operator (``& '<Shared>\\dmgcmd.exe'``, _quoting.program_path).
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _sc
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param, Secret
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command

SERVICE = "DIAHostService"
# The documented spelling of the LocalSystem account for dmgcmd (the SHIR article).
SYSTEM = "NT Authority\\System"
ARTICLE_QUOTE = ('the SHIR article says: "If you want to change to the LocalSystem account, be sure to use the correct '
                 'format for this account: dmgcmd.exe -SwitchServiceAccount "NT Authority\\System" "" Do not use this '
                 'format: dmgcmd.exe -SwitchServiceAccount "LocalSystem" """')
_REFUSED = {"localsystem", ".\\localsystem"}


def validate_account(value, what: str = "account") -> str:
    """An account dmgcmd accepts; ``LocalSystem`` refused with the article's words (use ``NT Authority\\System``)."""
    if isinstance(value, str) and value.strip().lower() in _REFUSED:
        raise InvalidValue(what, value, f"give NT Authority\\System for the LocalSystem account: {ARTICLE_QUOTE}")
    account = _sc.validate_account(value, what=what)
    return SYSTEM if account.strip().lower() in ("nt authority\\system", "system") else account


def needs_password(account: str) -> bool:
    """LocalSystem, NT AUTHORITY\\LocalService and NetworkService, NT SERVICE\\<service> and group managed service
    accounts have no password to give."""
    return _sc.needs_password(account)


def same_account(a: str, b: str) -> bool:
    """Case-insensitive, ``NT Authority\\System`` being ``LocalSystem`` as sc.exe qc prints it."""
    return _sc.canonical_account(a) == _sc.canonical_account(b)


def switch_command(account: str, password: Secret | None, shared: str) -> Command:
    """``& '<shared>\\dmgcmd.exe' -SwitchServiceAccount <account> <password>``, run from the install's Shared folder
    (dmgcmd is not on the PATH): the password from standard input, or the empty argument (``'""'``) for an account
    without one."""
    return Command("dmgcmd", (Param("-SwitchServiceAccount"), account, password if password is not None else ""),
                   read_only=False, folder=shared)


def restorable(account: str | None) -> str | None:
    """The form to switch back to a previous account without a password, or None when it needs one."""
    if not account or needs_password(account):
        return None
    return SYSTEM if _sc.canonical_account(account) == "localsystem" else account
