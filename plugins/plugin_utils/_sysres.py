# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A node's memory, logical processors and fixed drives, read through CIM (``Get-CimInstance``).

Why CIM: its class and property names are the same in every display language, and each property is printed
alone (``Select-Object -ExpandProperty``) as the number it is; ``systeminfo`` prints localised labels and
localised number formats ("Total Physical Memory: 16,383 MB", "Mémoire physique totale: 16 383 Mo").

Sources (Microsoft Learn, Win32 provider classes):
  [WIN32-OS]   Win32_OperatingSystem: TotalVisibleMemorySize "Total amount, in kilobytes, of physical memory
               available to the operating system"; FreePhysicalMemory "Number, in kilobytes, of physical memory
               currently unused and available" (both uint64).
  [WIN32-CS]   Win32_ComputerSystem: NumberOfLogicalProcessors (uint32).
  [WIN32-LD]   Win32_LogicalDisk: DeviceID ("C:"), Size and FreeSpace in bytes (uint64), DriveType 3 = "Local Disk"
               (the fixed drives; the WQL filter ``DriveType=3``).
  [GET-CIM]    PowerShell reference, Get-CimInstance: ``-ClassName``, ``-Filter`` (a WQL where clause).
The printed form (one decimal number, or the DeviceID, per line and per instance, instances in the order CIM
returns them, the same for the three reads of Win32_LogicalDisk) is PowerShell's rendering of a number or a
string: ASSUMED, no published transcript of these exact commands was found (tests/unit/test_data/sysres/*_assumed.txt).
"""

from __future__ import annotations

import re

from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command, CommandResult, Expression

_READS = (("Win32_OperatingSystem", None, "TotalVisibleMemorySize"), ("Win32_OperatingSystem", None, "FreePhysicalMemory"),
          ("Win32_ComputerSystem", None, "NumberOfLogicalProcessors"), ("Win32_LogicalDisk", "DriveType=3", "DeviceID"),
          ("Win32_LogicalDisk", "DriveType=3", "Size"), ("Win32_LogicalDisk", "DriveType=3", "FreeSpace"))
_NUMBER = re.compile(r"^\d+$")
_DRIVE = re.compile(r"^[A-Za-z]:$")
# The folder the self-hosted IR keeps its data in is under %ProgramData% (products.md); its drive is reported.
PROGRAM_DATA = "%ProgramData%"


def commands() -> list[Command]:
    reads = [Command("Get-CimInstance", (Param("-ClassName"), cim_class) + ((Param("-Filter"), wql) if wql else ()),
                     pipeline=(f"Select-Object -ExpandProperty {prop}",))
             for cim_class, wql, prop in _READS]
    return reads + [Expression("[Environment]::ExpandEnvironmentVariables({0})", (PROGRAM_DATA,))]


def _lines(result: CommandResult) -> list[str]:
    if not result.ok:
        raise ValueError(f"'{result.command}' exited {result.rc}: {result.output.strip()[:300]}")
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def _number(result: CommandResult) -> int:
    lines = _lines(result)
    if len(lines) != 1 or not _NUMBER.match(lines[0]):
        raise ValueError(f"'{result.command}' printed no single whole number: {result.output.strip()[:300]!r}")
    return int(lines[0])


def _numbers(result: CommandResult) -> list[int]:
    lines = _lines(result)
    if not all(_NUMBER.match(line) for line in lines):
        raise ValueError(f"'{result.command}' printed something else than whole numbers: {result.output.strip()[:300]!r}")
    return [int(line) for line in lines]


def parse(results: list[CommandResult]) -> dict:
    """Memory in bytes, logical processors, each fixed drive's size and free space in bytes, and %ProgramData%."""
    total_kb, free_kb, processors = (_number(r) for r in results[:3])
    drives, sizes, free = _lines(results[3]), _numbers(results[4]), _numbers(results[5])
    if not all(_DRIVE.match(d) for d in drives) or not len(drives) == len(sizes) == len(free):
        raise ValueError(f"the fixed drives ('{results[3].command}') do not line up with their sizes and free space: "
                         f"{drives!r}, {sizes!r}, {free!r}")
    program_data = _lines(results[6])
    folder = program_data[0] if len(program_data) == 1 and not program_data[0].startswith("%") else None
    return {"memory": {"total_bytes": total_kb * 1024, "available_bytes": free_kb * 1024},
            "logical_processors": processors,
            "drives": [{"drive": d.upper(), "total_bytes": s, "free_bytes": f} for d, s, f in zip(drives, sizes, free)],
            "program_data": folder, "program_data_drive": drive_of(folder)}


_DRIVE_PATH = re.compile(r"^[A-Za-z]:(\\|$)")


def drive_of(path) -> str | None:
    """``C:`` of ``C:\\ProgramData`` (None for anything else, such as a UNC path)."""
    return path[:2].upper() if isinstance(path, str) and _DRIVE_PATH.match(path) else None


def gib(count: int) -> str:
    return f"{count / 1024 ** 3:.1f} GiB"


def describe(found: dict, install_folder: str | None = None) -> str:
    """One line for an operator: memory, processors, each fixed drive, and the drives of the data and install folders."""
    memory = found["memory"]
    share = f" ({100 * memory['available_bytes'] // memory['total_bytes']}%)" if memory["total_bytes"] else ""
    parts = [f"memory {gib(memory['total_bytes'])}, {gib(memory['available_bytes'])} available{share}",
             f"{found['logical_processors']} logical processors"]
    drives = [f"{d['drive']} {gib(d['free_bytes'])} free of {gib(d['total_bytes'])}"
              + (f" ({100 * d['free_bytes'] // d['total_bytes']}%)" if d["total_bytes"] else "") for d in found["drives"]]
    parts.append("fixed drives: " + (", ".join(drives) if drives else "none reported"))
    where = []
    if found.get("program_data"):
        where.append(f"%ProgramData% ({found['program_data']}) is on {found['program_data_drive'] or 'no local drive'}")
    if install_folder:
        where.append(f"the self-hosted IR ({install_folder}) is on {drive_of(install_folder) or 'no local drive'}")
    return "; ".join(parts + where)
