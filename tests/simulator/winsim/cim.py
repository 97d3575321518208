"""``Get-CimInstance`` over the node's hardware: memory, logical processors and fixed drives.

Sources (Microsoft Learn, Win32 provider classes and the Get-CimInstance reference):
  [WIN32-OS]  Win32_OperatingSystem: TotalVisibleMemorySize and FreePhysicalMemory, in kilobytes (uint64)
  [WIN32-CS]  Win32_ComputerSystem: NumberOfLogicalProcessors (uint32), TotalPhysicalMemory in bytes (uint64)
  [WIN32-LD]  Win32_LogicalDisk: DeviceID ("C:"), DriveType (3 = Local Disk), Size and FreeSpace in bytes (uint64)
  [GET-CIM]   Get-CimInstance -ClassName <class> [-Filter <WQL where clause>]
Emulated: the three classes, one instance each of the first two and one per drive of the third (by DeviceID),
``-Filter`` only as ``DriveType=3`` (every drive here is a fixed drive); anything else is refused. The objects'
properties are read with ``Select-Object -ExpandProperty`` (numbers printed as decimal digits: assumed).

The JSON form (``hardware:`` of the node state; every key optional, the defaults below)::

    hardware:
      memory_kb: 16776740           # TotalVisibleMemorySize: 16 GiB installed, a little reserved (assumed)
      free_memory_kb: 9437184       # FreePhysicalMemory
      logical_processors: 8
      drives: [{drive: 'C:', size: 136365211648, free: 58993041408}]   # a 127 GiB OS disk, ~55 GiB free
"""

from __future__ import annotations

import copy
import re

DEFAULT_HARDWARE = {"memory_kb": 16776740, "free_memory_kb": 9437184, "logical_processors": 8,
                    "drives": [{"drive": "C:", "size": 136365211648, "free": 58993041408}]}
_KEYS = set(DEFAULT_HARDWARE)


def load(doc) -> dict:
    """The hardware section merged over the defaults; ValueError on bad input."""
    if doc is None:
        doc = {}
    if not isinstance(doc, dict) or not set(doc) <= _KEYS:
        raise ValueError(f"hardware takes {sorted(_KEYS)}, got {doc!r}")
    merged = dict(copy.deepcopy(DEFAULT_HARDWARE), **copy.deepcopy(doc))
    for name in ("memory_kb", "free_memory_kb", "logical_processors"):
        value = merged[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"hardware.{name} must be a whole number, got {value!r}")
    if merged["free_memory_kb"] > merged["memory_kb"]:
        raise ValueError("hardware.free_memory_kb cannot exceed memory_kb")
    drives = merged["drives"]
    if not isinstance(drives, list):
        raise ValueError("hardware.drives must be a list of {drive, size, free}")
    for drive in drives:
        if (not isinstance(drive, dict) or set(drive) != {"drive", "size", "free"}
                or not re.fullmatch(r"[A-Z]:", str(drive["drive"]))
                or not all(isinstance(drive[k], int) and not isinstance(drive[k], bool) and drive[k] >= 0
                           for k in ("size", "free")) or drive["free"] > drive["size"]):
            raise ValueError(f"hardware.drives: give {{drive: 'C:', size: bytes, free: bytes <= size}}, got {drive!r}")
    return merged


class CimInstance:
    """A CIM instance as Get-CimInstance emits it (the properties the subset reads)."""

    def __init__(self, class_name: str, properties: dict) -> None:
        self.class_name = class_name
        self.properties = properties

    def property(self, name: str) -> object:
        for key, value in self.properties.items():
            if key.lower() == name.lower():
                return value
        raise LookupError(f"property {name!r} of {self.class_name} is not emulated")

    def __str__(self) -> str:
        # PowerShell prints a CimInstance as a formatted table or list: not emulated
        raise LookupError(f"printing a {self.class_name} instance whole is not emulated; select a property")


def instances(hardware: dict, class_name: str, wql: str | None) -> list[CimInstance]:
    """The instances of a class; LookupError for a class or filter that is not emulated."""
    name = class_name.lower()
    if wql is not None and (name != "win32_logicaldisk" or wql.replace(" ", "").lower() != "drivetype=3"):
        raise LookupError(f"Get-CimInstance -Filter {wql!r} on {class_name} is not emulated (only DriveType=3 "
                          "on Win32_LogicalDisk)")
    if name == "win32_operatingsystem":
        return [CimInstance("Win32_OperatingSystem", {"TotalVisibleMemorySize": hardware["memory_kb"],
                                                      "FreePhysicalMemory": hardware["free_memory_kb"]})]
    if name == "win32_computersystem":
        return [CimInstance("Win32_ComputerSystem", {"NumberOfLogicalProcessors": hardware["logical_processors"],
                                                     "TotalPhysicalMemory": hardware["memory_kb"] * 1024})]
    if name == "win32_logicaldisk":
        return [CimInstance("Win32_LogicalDisk", {"DeviceID": d["drive"], "DriveType": 3, "Size": d["size"],
                                                  "FreeSpace": d["free"]})
                for d in sorted(hardware["drives"], key=lambda d: d["drive"])]
    raise LookupError(f"Get-CimInstance -ClassName {class_name} is not emulated")
