# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documented log folders (Scale Out, and the self-hosted IR that proxies for the Azure-SSIS IR), and the
read-only commands that list and read them.

Shared by the recent_logs action (any folders, any number of files) and the ``scaleout_logs`` and ``shir_logs``
fact subsets (the newest logs, so that diagnose can explain their errors). Only the cmdlet forms of
docs/dev/remote-execution.md are used.
"""

from __future__ import annotations

import re

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param, quote_argument
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command

ROLES = ("scaleout_master", "scaleout_worker", "shir_node")
SCALEOUT_ROLES = ("scaleout_master", "scaleout_worker")   # recent_logs' default: the Scale Out folders
VERSIONS = (140, 150, 160)   # SQL Server 2017, 2019, 2022: SSISScaleOutMaster140, ...
MAX_NEWEST = 100
MAX_LINES = 10000
# docs/reference/products.md, "Logs": the master logs under SSIS\ScaleOut\Master; the worker under
# SSIS\Cluster\Agent or SSIS\ScaleOut\Agent (the documentation disagrees: both are read).
_LOG_FOLDERS = {
    "scaleout_master": ("Master", ("SSIS\\ScaleOut\\Master",)),
    "scaleout_worker": ("Worker", ("SSIS\\Cluster\\Agent", "SSIS\\ScaleOut\\Agent")),
}
# The self-hosted IR that proxies for the Azure-SSIS IR (docs/reference/products.md, "Logs"; the Azure-SSIS IR article,
# "Timeout when reading from staging"): runtime logs in C:\ProgramData\SSISTelemetry, execution logs of the on-premises
# staging tasks and Execute SQL/Process Tasks in C:\ProgramData\SSISTelemetry\ExecutionLog (the proxy article, "Debug
# the on-premises tasks and cloud staging tasks"). Fixed paths: no service profile. That the log files lie directly in
# these folders (not in subfolders) is ASSUMED: no public sample of their layout was found.
SHIR_PROXY_FOLDERS = ("C:\\ProgramData\\SSISTelemetry", "C:\\ProgramData\\SSISTelemetry\\ExecutionLog")
# The catalog products whose entries a role's documented folders can show (explain's ``products``).
ROLE_PRODUCTS = {"scaleout_master": ("scale-out",), "scaleout_worker": ("scale-out",),
                 "shir_node": ("azure-ssis-ir", "shir")}
# The worker's task logs ("Error messages aren't helpful"): TasksRootFolder of WorkerSettings.config, by default
# <profile>\AppData\Local\SSIS\ScaleOut\Tasks (the article); products.md also names SSIS\Cluster\Tasks.
_TASK_FOLDERS = ("SSIS\\ScaleOut\\Tasks", "SSIS\\Cluster\\Tasks")
_GUID = re.compile(r"^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$")
_ABSOLUTE = re.compile(r"^([A-Za-z]:\\|\\\\[^\\]+\\[^\\]+)")
_ACCOUNT = re.compile(r"^(?:[^\\/:*?\"<>|]+\\)?([^\\/:*?\"<>|]+)$")


def profile_folders(account: str) -> list[str]:
    """The local application data folders of an account's profile.

    A virtual account (``NT Service\\<service>``) has its profile under
    ``C:\\Windows\\ServiceProfiles``; any other account under ``C:\\Users\\<name>``.
    """
    match = _ACCOUNT.match(account.strip())
    if not match or match.group(1) in (".", ".."):
        raise InvalidValue("accounts", account, "give an account name such as SSISScaleOutWorker140, "
                           "CONTOSO\\svc_ssis or NT Service\\SSISScaleOutWorker140")
    name = match.group(1)
    if account.strip().lower().startswith("nt service\\"):
        return [f"C:\\Windows\\ServiceProfiles\\{name}\\AppData\\Local"]
    return [f"C:\\Users\\{name}\\AppData\\Local"]


def _service_profiles(kind: str, accounts: list[str] | None, versions: list[int] | None) -> list[str]:
    """The profiles a Scale Out ``kind`` (Master, Worker) service may write under: each version's virtual
    account, then the documented default "[account]" profile, then the ``accounts`` given."""
    profiles: list[str] = []
    for version in versions or VERSIONS:
        service = f"SSISScaleOut{kind}{version}"
        profiles += profile_folders(f"NT Service\\{service}") + profile_folders(service)
    for account in accounts or ():
        profiles += profile_folders(account)
    return profiles


def default_folders(roles: list[str], accounts: list[str] | None = None, versions: list[int] | None = None) -> list[str]:
    """The documented log folders of ``roles``: for Scale Out, under the services' accounts and any ``accounts``
    given; for ``shir_node``, the two SSISTelemetry folders of the Azure-SSIS IR proxy (no account involved)."""
    folders: list[str] = []
    for role in roles:
        if role == "shir_node":
            folders += SHIR_PROXY_FOLDERS
            continue
        kind, relative = _LOG_FOLDERS[role]
        folders += [f"{profile}\\{sub}" for profile in _service_profiles(kind, accounts, versions) for sub in relative]
    return list(dict.fromkeys(folders))


def products_for(roles: list[str]) -> list[str]:
    """The catalog products whose entries the documented folders of ``roles`` can show."""
    return list(dict.fromkeys(product for role in roles for product in ROLE_PRODUCTS[role]))


def task_folders(accounts: list[str] | None = None, versions: list[int] | None = None) -> list[str]:
    """The documented default TasksRootFolder of the Scale Out Worker, for its accounts."""
    return list(dict.fromkeys(f"{profile}\\{sub}" for profile in _service_profiles("Worker", accounts, versions)
                              for sub in _TASK_FOLDERS))


def validate_task_id(value: str) -> str:
    match = _GUID.match(str(value).strip())
    if not match:
        raise InvalidValue("task_id", value, "give the task id (a GUID) that irops.remediation.ssisdb execution_id returns")
    return match.group(1).upper()


def task_folder_commands(root: str, task_id: str) -> list[Command]:
    """The subfolders of a TasksRootFolder whose name contains the task id (the article: "find the
    subfolder name that contains [task ID]"); -Filter takes the wildcard, -LiteralPath the folder."""
    return [Command("Get-ChildItem", (Param("-LiteralPath"), root, Param("-Directory"), Param("-Filter"), f"*{task_id}*",
                                      Param("-ErrorAction"), "SilentlyContinue"),
                    pipeline=("Select-Object -ExpandProperty FullName",))]


def find_task_folders(runner, roots: list[str], task_id: str) -> tuple[list[str], list[str]]:
    """``(task folders found, roots searched)``: one round trip over every root."""
    results = runner.run([command for root in roots for command in task_folder_commands(root, task_id)])
    found = []
    for root, result in zip(roots, results):
        found += [line.strip() for line in result.stdout.splitlines()
                  if line.strip() and _within(line.strip(), root) and task_id.lower() in line.lower()]
    return list(dict.fromkeys(found)), roots


def validate_folder(path: str) -> str:
    folder = path.rstrip("\\") if len(path) > 3 else path
    if not _ABSOLUTE.match(folder):
        raise InvalidValue("folders", path, "give absolute Windows paths such as C:\\Logs or \\\\server\\share\\logs")
    quote_argument(folder, what="folders")   # refuses line breaks and double quotes before anything runs
    return folder


def listing_commands(folder: str, newest: int) -> list[Command]:
    """Does the folder exist; its newest files, newest first (docs/dev/remote-execution.md)."""
    return [
        Command("Test-Path", (Param("-LiteralPath"), folder, Param("-PathType"), "Container")),
        Command("Get-ChildItem", (Param("-LiteralPath"), folder, Param("-File"), Param("-ErrorAction"), "SilentlyContinue"),
                pipeline=("Sort-Object LastWriteTime -Descending", f"Select-Object -First {int(newest)} -ExpandProperty FullName")),
    ]


def tail_command(path: str, lines: int) -> Command:
    return Command("Get-Content", (Param("-LiteralPath"), path, Param("-Tail"), str(int(lines)),
                                   Param("-ErrorAction"), "SilentlyContinue"))


def _within(path: str, folder: str) -> bool:
    return path.lower().startswith(folder.rstrip("\\").lower() + "\\")


def parse_listing(folder: str, exists, listing) -> dict:
    """One folder's entry of the result from its Test-Path and Get-ChildItem results."""
    entry = {"path": folder, "exists": exists.ok and exists.stdout.strip().lower() == "true", "files": []}
    if not exists.ok:
        entry["error"] = f"Test-Path failed: {exists.output}"
    if entry["exists"]:
        names = [line.strip() for line in listing.stdout.splitlines() if line.strip()]
        entry["files"] = [{"path": name, "lines": []} for name in names if _within(name, folder)]
        if listing.stderr.strip():
            entry["error"] = f"Get-ChildItem: {listing.stderr.strip()}"
    return entry


def collect(runner, folders: list[str], newest: int, lines: int) -> list[dict]:
    """Read the folders in two round trips at most; return one entry per folder."""
    results = runner.run([command for folder in folders for command in listing_commands(folder, newest)])
    entries = [parse_listing(folder, results[2 * i], results[2 * i + 1]) for i, folder in enumerate(folders)]
    readable = []
    for entry in entries:
        for item in entry["files"]:
            try:
                readable.append((item, tail_command(item["path"], lines)))
            except InvalidValue as exc:
                item["error"] = f"not read: {exc}"
    for (item, _command), result in zip(readable, runner.run([command for _item, command in readable])):
        item["lines"] = result.stdout.splitlines()
        if not result.ok:
            item["error"] = f"Get-Content failed (exit code {result.rc}): {result.output}"
    return entries
