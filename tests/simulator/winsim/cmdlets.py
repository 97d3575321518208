"""The PowerShell cmdlets and .NET calls the simulated node runs, with their semantics.

Cmdlets (Windows PowerShell 5.1, Microsoft.PowerShell.Management / NetTCPIP):
``Test-Path``, ``Get-ChildItem`` (``dir``, ``ls``, ``gci``), ``Get-Content`` (``type``,
``gc``, ``cat``), ``Copy-Item`` (``copy``, ``cp``, ``cpi``), ``Move-Item`` (``move``,
``mv``, ``mi``), ``Test-NetConnection`` (``tnc``), ``Get-CimInstance`` (read-only, winsim/cim.py) and
the pipeline stages ``Sort-Object`` and ``Select-Object``.  Parameters are bound by their full names or the listed aliases
(PowerShell's prefix matching is not emulated: anything else is refused).
Path parameters take absolute drive paths only; ``-Path`` with wildcard characters is
refused (``-LiteralPath`` never expands them).

.NET static methods: ``[Convert]::ToBase64String``, ``[Convert]::FromBase64String``,
``[IO.File]::ReadAllBytes``, ``[IO.File]::WriteAllBytes``, ``[IO.File]::Exists``,
``[IO.File]::Copy`` (the two-argument form, which never overwrites), ``[IO.File]::Delete``,
``[BitConverter]::ToString``, ``[Environment]::ExpandEnvironmentVariables``,
``[System.Net.Dns]::GetHostAddresses`` (the scenario network's resolver) and
``[Console]::In.ReadLine()`` (the command's standard input, one line per call).  Their
documented behaviour (learn.microsoft.com, .NET Framework 4.8 API reference):
``File.Copy(String, String)`` "Overwriting a file of the same name is not allowed": IOException
when the destination exists; ``File.Delete`` "If the file to be deleted does not exist, no
exception is thrown", DirectoryNotFoundException when its folder does not exist;
``BitConverter.ToString(Byte[])`` "hexadecimal pairs separated by hyphens ... for example,
"7F-2C-4A-00"", String.Empty for an empty array.  Injected faults apply to these calls as to
cmdlets (first word ``[IO.File]::WriteAllBytes``, ...): ``fail`` makes the call throw with
the fault's text instead of running.

Errors: a cmdlet's non-terminating error becomes an ErrorRecord whose text is the
exception message (``'E ' + $_``); a .NET method exception is a statement-terminating
error ``Exception calling "M" with "N" argument(s): "<message>"``.  The messages are
those of Windows PowerShell 5.1 / .NET Framework as commonly seen in transcripts; none is
in a reference file, so all are assumed (MESSAGES).  Warnings (Test-NetConnection) are
written by powershell.exe's console host as ``WARNING: <text>`` on stdout (assumed).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import fnmatch
import re
from dataclasses import dataclass

from winsim import cim, winpath
from winsim.filesystem import PathError

MESSAGES = {
    "not_found": "Cannot find path '{path}' because it does not exist.",  # assumed (PS 5.1 ItemNotFound)
    "empty_path": "Cannot bind argument to parameter '{param}' because it is an empty string.",  # assumed
    "part_missing": "Could not find a part of the path '{path}'.",  # assumed (.NET DirectoryNotFoundException)
    "file_missing": "Could not find file '{path}'.",  # assumed (.NET FileNotFoundException)
    "denied": "Access to the path '{path}' is denied.",  # assumed (.NET UnauthorizedAccessException)
    "exists": "Cannot create a file when that file already exists.",  # assumed (Win32 183 via Move-Item)
    "dir_over_file": "Cannot overwrite the item {path} with itself.",  # assumed
    "base64": ("The input is not a valid Base-64 string as it contains a non-base 64 character, more than "
               "two padding characters, or an illegal character among the padding characters. "),  # assumed
    "method": 'Exception calling "{method}" with "{count}" argument(s): "{message}"',  # assumed
    "tnc_resolve": "Name resolution of {name} failed",  # assumed (Test-NetConnection warning)
    "tnc_tcp": "TCP connect to ({address} : {port}) failed",  # assumed (Test-NetConnection warning)
    "null_argument": "Value cannot be null.\r\nParameter name: {name}",  # assumed
    "no_host": "No such host is known",  # .NET SocketException 11001 (SHIR seed: "No such host is known")
    # SHIR seed, "Unable to register the self-hosted IR because of localhost"
    "no_recovery": "A non-recoverable error occurred during a database lookup",
    "convert": 'Cannot convert argument "{name}", with value: "{value}", for "{method}" to type "{type}"',  # assumed
    "file_exists": "The file '{path}' already exists.",  # assumed (.NET IOException for ERROR_FILE_EXISTS)
}


class CmdletRefused(Exception):
    """The cmdlet call is outside what is emulated (the interpreter records a refusal)."""


class TerminatingError(Exception):
    """A statement-terminating error (parameter binding, .NET exception)."""


@dataclass
class NonTerminating:
    """A non-terminating error record produced by a cmdlet."""

    message: str


@dataclass
class Warning:  # noqa: A001 - PowerShell's name for the stream
    message: str


@dataclass
class FileItem:
    """A FileInfo/DirectoryInfo as Get-ChildItem emits it (the properties the subset reads)."""

    full_name: str
    is_dir: bool
    length: int
    mtime: float

    def property(self, name: str) -> object:
        key = name.lower()
        if key == "fullname":
            return self.full_name
        if key == "name":
            return winpath.name(self.full_name)
        if key == "lastwritetime" or key == "lastwritetimeutc":
            return dt.datetime.fromtimestamp(self.mtime, dt.timezone.utc).replace(tzinfo=None)
        if key == "length" and not self.is_dir:
            return self.length
        if key == "extension":
            base = winpath.name(self.full_name)
            return base[base.rfind("."):] if "." in base else ""
        if key == "directoryname" and not self.is_dir:
            return winpath.parent(self.full_name)
        if key == "psiscontainer":
            return self.is_dir
        raise CmdletRefused(f"property {name!r} of a file item is not emulated")

    def __str__(self) -> str:
        # assumed: Windows PowerShell 5.1 converts a FileInfo from a directory listing to its name
        return winpath.name(self.full_name)


ALIASES = {
    "dir": "get-childitem", "ls": "get-childitem", "gci": "get-childitem",
    "type": "get-content", "gc": "get-content", "cat": "get-content",
    "copy": "copy-item", "cp": "copy-item", "cpi": "copy-item",
    "move": "move-item", "mv": "move-item", "mi": "move-item",
    "tnc": "test-netconnection", "sort": "sort-object", "select": "select-object",
}
COMMON = {"erroraction": "value", "ea": "value", "warningaction": "value", "wa": "value"}
ERROR_ACTIONS = {"silentlycontinue": "SilentlyContinue", "stop": "Stop", "continue": "Continue",
                 "ignore": "Ignore"}


@dataclass
class Spec:
    name: str
    params: dict  # lower name -> "switch" | "value" | "int"
    positional: tuple = ()
    aliases: dict = None  # lower alias -> lower name


SPECS = {
    "test-path": Spec("Test-Path", {"literalpath": "value", "path": "value", "pathtype": "value"}, ("path",),
                      {"lp": "literalpath", "pspath": "literalpath"}),
    "get-childitem": Spec("Get-ChildItem", {"literalpath": "value", "path": "value", "file": "switch",
                                            "directory": "switch", "recurse": "switch", "name": "switch",
                                            "force": "switch", "filter": "value"}, ("path", "filter"),
                          {"lp": "literalpath", "pspath": "literalpath"}),
    "get-content": Spec("Get-Content", {"literalpath": "value", "path": "value", "tail": "int", "raw": "switch",
                                        "totalcount": "int"}, ("path",),
                        {"lp": "literalpath", "pspath": "literalpath", "last": "tail", "head": "totalcount",
                         "first": "totalcount"}),
    "copy-item": Spec("Copy-Item", {"literalpath": "value", "path": "value", "destination": "value",
                                    "force": "switch", "recurse": "switch"}, ("path", "destination"),
                      {"lp": "literalpath", "pspath": "literalpath"}),
    "move-item": Spec("Move-Item", {"literalpath": "value", "path": "value", "destination": "value",
                                    "force": "switch"}, ("path", "destination"),
                      {"lp": "literalpath", "pspath": "literalpath"}),
    "test-netconnection": Spec("Test-NetConnection", {"computername": "value", "port": "int",
                                                      "informationlevel": "value"}, ("computername",),
                               {"cn": "computername", "remoteaddress": "computername", "remoteport": "port"}),
    "sort-object": Spec("Sort-Object", {"property": "value", "descending": "switch"}, ("property",)),
    "select-object": Spec("Select-Object", {"first": "int", "last": "int", "skip": "int",
                                            "expandproperty": "value"}, ()),
    "get-ciminstance": Spec("Get-CimInstance", {"classname": "value", "filter": "value"}, ("classname",),
                            {"class": "classname"}),
}


def canonical(name: str) -> str | None:
    lowered = name.lower()
    lowered = ALIASES.get(lowered, lowered)
    return lowered if lowered in SPECS else None


def bind(spec: Spec, words: list) -> dict:
    """Bind argument words (objects with .value, .parameter) to a spec; CmdletRefused if unknown."""
    bound: dict = {}
    positional = list(spec.positional)
    aliases = spec.aliases or {}
    k = 0
    while k < len(words):
        word = words[k]
        if word.parameter:
            raw = word.value[1:]
            explicit = None
            if ":" in raw:
                raw, _sep, explicit = raw.partition(":")
            name = raw.lower()
            name = aliases.get(name, name)
            kind = spec.params.get(name) or COMMON.get(name)
            if kind is None:
                raise CmdletRefused(f"parameter -{raw} of {spec.name} is not emulated")
            name = {"ea": "erroraction", "wa": "warningaction"}.get(name, name)
            if name in bound:
                raise TerminatingError(f"Cannot bind parameter because parameter '{raw}' is specified more "
                                       "than once.")  # assumed text
            if kind == "switch":
                if explicit is not None and explicit.lower() not in ("$true", "$false"):
                    raise CmdletRefused(f"switch -{raw}:{explicit} is not emulated")
                bound[name] = explicit is None or explicit.lower() == "$true"
                k += 1
                continue
            if explicit is not None:
                value = explicit
                k += 1
            else:
                if k + 1 >= len(words) or words[k + 1].parameter:
                    raise TerminatingError(f"Missing an argument for parameter '{raw}'. Specify a parameter of "
                                           "the type required and try again.")  # assumed text
                value = words[k + 1].value
                k += 2
            bound[name] = _typed(kind, value, raw)
            continue
        while positional and positional[0] in bound:
            positional.pop(0)
        if not positional:
            raise CmdletRefused(f"positional argument {word.value!r} of {spec.name} is not emulated")
        name = positional.pop(0)
        bound[name] = _typed(spec.params[name], word.value, name)
        k += 1
    if "erroraction" in bound and str(bound["erroraction"]).lower() not in ERROR_ACTIONS:
        raise CmdletRefused(f"-ErrorAction {bound['erroraction']} is not emulated")
    if "warningaction" in bound and str(bound["warningaction"]).lower() not in ERROR_ACTIONS:
        raise CmdletRefused(f"-WarningAction {bound['warningaction']} is not emulated")
    return bound


def _typed(kind: str, value: str, name: str) -> object:
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            raise TerminatingError(f'Cannot process argument transformation on parameter \'{name}\'. Cannot '
                                   f'convert value "{value}" to type "System.Int32".') from None  # assumed
    return value


# --------------------------------------------------------------------------- path helpers
def path_argument(bound: dict, cmdlet: str, required: bool = True) -> tuple[str, str] | None:
    """(raw, normalized) of -LiteralPath / -Path; refuses wildcards in -Path and relative paths."""
    if "literalpath" in bound and "path" in bound:
        raise TerminatingError("Parameter set cannot be resolved using the specified named parameters.")  # assumed
    param = "literalpath" if "literalpath" in bound else "path"
    if param not in bound:
        if required:
            raise CmdletRefused(f"{cmdlet} without a path is not emulated (it would use the current location)")
        return None
    raw = str(bound[param])
    if raw == "":
        raise TerminatingError(MESSAGES["empty_path"].format(param="LiteralPath" if param == "literalpath" else "Path"))
    if param == "path" and any(ch in raw for ch in "*?[]"):
        raise CmdletRefused(f"{cmdlet} -Path with wildcard characters is not emulated; use -LiteralPath")
    try:
        return raw, winpath.normalize(raw)
    except ValueError as exc:
        raise CmdletRefused(f"{cmdlet} path not emulated: {exc}") from None


def _file_item(state, path: str) -> FileItem:
    entry = state.fs.get(path)
    return FileItem(entry.path, entry.is_dir, len(entry.content), entry.mtime)


# --------------------------------------------------------------------------- cmdlets
def test_path(bound: dict, host) -> list:
    raw = bound.get("literalpath", bound.get("path"))
    if raw is None:
        raise CmdletRefused("Test-Path without a path is not emulated")
    if raw == "":
        raise TerminatingError(MESSAGES["empty_path"].format(param="LiteralPath" if "literalpath" in bound else "Path"))
    kind = str(bound.get("pathtype", "Any")).lower()
    if kind not in ("any", "leaf", "container"):
        raise TerminatingError(f'Cannot bind parameter \'PathType\'. Cannot convert value "{bound["pathtype"]}" '
                               'to type "Microsoft.PowerShell.Commands.TestPathType".')  # assumed text
    if "path" in bound and any(ch in raw for ch in "*?[]"):
        raise CmdletRefused("Test-Path -Path with wildcard characters is not emulated; use -LiteralPath")
    try:
        path = winpath.normalize(raw)
    except ValueError:
        if re.match(r"^[A-Za-z]:[\\/]", raw):
            return [False]  # assumed: illegal characters in an absolute path: False
        raise CmdletRefused(f"Test-Path of a relative or non-drive path {raw!r} is not emulated") from None
    entry = host.state.fs.get(path)
    if entry is None:
        return [False]
    return [kind == "any" or (kind == "leaf") == (not entry.is_dir)]


def get_child_item(bound: dict, host) -> list:
    raw, path = path_argument(bound, "Get-ChildItem")
    state = host.state
    entry = state.fs.get(path)
    if entry is None:
        return [NonTerminating(MESSAGES["not_found"].format(path=raw))]
    if not entry.is_dir:
        items = [entry]
    else:
        items = []
        pending = [path]
        while pending:
            current = pending.pop(0)
            children = sorted(state.fs.children(current), key=lambda e: e.path.lower())
            items.extend(children)
            if bound.get("recurse"):
                pending.extend(c.path for c in children if c.is_dir)
    if bound.get("file"):
        items = [e for e in items if not e.is_dir]
    if bound.get("directory"):
        items = [e for e in items if e.is_dir]
    if "filter" in bound:
        pattern = str(bound["filter"]).lower()
        items = [e for e in items if fnmatch.fnmatchcase(winpath.name(e.path).lower(), pattern)]
    if not entry.is_dir:
        items.sort(key=lambda e: e.path.lower())
    elif not bound.get("recurse"):
        items.sort(key=lambda e: (not e.is_dir, e.path.lower()))  # directories first, as Get-ChildItem lists
    if bound.get("name"):
        prefix = len(path) if path.endswith("\\") else len(path) + 1
        return [e.path[prefix:] if entry.is_dir else winpath.name(e.path) for e in items]
    return [FileItem(e.path, e.is_dir, len(e.content), e.mtime) for e in items]


def decode_text(content: bytes) -> str:
    """Get-Content's decoding in Windows PowerShell 5.1: a BOM decides, else the ANSI code page
    (Windows-1252 for en-US, fr-FR and de-DE)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", "replace")
    if content.startswith(b"\xff\xfe"):
        return content[2:].decode("utf-16-le", "replace")
    if content.startswith(b"\xfe\xff"):
        return content[2:].decode("utf-16-be", "replace")
    return content.decode("cp1252", "replace")


def split_text_lines(text: str) -> list[str]:
    lines = re.split(r"\r\n|\n|\r", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def get_content(bound: dict, host) -> list:
    raw, path = path_argument(bound, "Get-Content")
    state = host.state
    entry = state.fs.get(path)
    if entry is None:
        return [NonTerminating(MESSAGES["not_found"].format(path=raw))]
    if entry.is_dir:
        # assumed text (PS 5.1: "Access to the path ... is denied.")
        return [NonTerminating(MESSAGES["denied"].format(path=path))]
    if not state.caller_may(path, "r"):
        return [NonTerminating(MESSAGES["denied"].format(path=path))]
    text = decode_text(entry.content)
    if bound.get("raw"):
        if "tail" in bound or "totalcount" in bound:
            raise CmdletRefused("Get-Content -Raw with -Tail/-TotalCount is not emulated")
        return [text] if text else []
    lines = split_text_lines(text)
    if "totalcount" in bound and bound["totalcount"] >= 0:
        lines = lines[:bound["totalcount"]]
    if "tail" in bound and bound["tail"] >= 0:
        lines = lines[len(lines) - bound["tail"]:] if bound["tail"] else []
    return lines


def _destination(bound: dict, cmdlet: str) -> tuple[str, str]:
    if "destination" not in bound:
        raise CmdletRefused(f"{cmdlet} without -Destination is not emulated")
    raw = str(bound["destination"])
    try:
        return raw, winpath.normalize(raw)
    except ValueError as exc:
        raise CmdletRefused(f"{cmdlet} destination not emulated: {exc}") from None


def _fs_error(exc: PathError, raw_source: str) -> NonTerminating:
    if exc.kind == "not_found":
        return NonTerminating(MESSAGES["not_found"].format(path=raw_source))
    if exc.kind == "parent_missing":
        return NonTerminating(MESSAGES["part_missing"].format(path=exc.path))
    if exc.kind == "exists":
        return NonTerminating(MESSAGES["exists"])
    return NonTerminating(MESSAGES["denied"].format(path=exc.path))


def _writable(state, target: str) -> bool:
    existing = state.fs.get(target)
    if existing is not None:
        return state.caller_may(target, "w")
    parent = winpath.parent(target)
    return parent is None or not state.fs.is_dir(parent) or state.caller_may(parent, "w")


def copy_item(bound: dict, host) -> list:
    raw, source = path_argument(bound, "Copy-Item")
    _raw_dest, destination = _destination(bound, "Copy-Item")
    state = host.state
    entry = state.fs.get(source)
    if entry is None:
        return [NonTerminating(MESSAGES["not_found"].format(path=raw))]
    if entry.is_dir and not bound.get("recurse"):
        raise CmdletRefused("Copy-Item of a directory without -Recurse is not emulated")
    target = winpath.join(destination, winpath.name(source)) if state.fs.is_dir(destination) else destination
    if winpath.key(target) == winpath.key(source):
        return [NonTerminating(MESSAGES["dir_over_file"].format(path=source))]
    if not state.caller_may(source, "r") or not _writable(state, target):
        return [NonTerminating(MESSAGES["denied"].format(path=target if state.caller_may(source, "r") else source))]
    # Copy-Item overwrites an existing file even without -Force (only read-only files need it)
    try:
        if entry.is_dir:
            state.fs.copy_tree(source, destination)
        else:
            state.fs.copy_file(source, destination)
    except PathError as exc:
        return [_fs_error(exc, raw)]
    return []


def move_item(bound: dict, host) -> list:
    raw, source = path_argument(bound, "Move-Item")
    _raw_dest, destination = _destination(bound, "Move-Item")
    state = host.state
    if state.fs.get(source) is None:
        return [NonTerminating(MESSAGES["not_found"].format(path=raw))]
    target = winpath.join(destination, winpath.name(source)) if state.fs.is_dir(destination) else destination
    if not state.caller_may(source, "d") or not _writable(state, target):
        return [NonTerminating(MESSAGES["denied"].format(path=source))]
    try:
        state.fs.move(source, destination, overwrite=bool(bound.get("force")))
    except PathError as exc:
        return [_fs_error(exc, raw)]
    return []


def test_net_connection(bound: dict, host) -> list:
    if "computername" not in bound or "port" not in bound:
        raise CmdletRefused("Test-NetConnection is emulated only as -ComputerName <host> -Port <port> "
                            "-InformationLevel Quiet (no ping, no detailed object)")
    if str(bound.get("informationlevel", "")).lower() != "quiet":
        raise CmdletRefused("Test-NetConnection without -InformationLevel Quiet prints a formatted object, "
                            "which is not emulated")
    name = str(bound["computername"])
    port = bound["port"]
    if not 0 < port < 65536:
        raise TerminatingError(f"Cannot validate argument on parameter 'Port'. The {port} argument is "
                               "greater than the maximum allowed range of 65535.")  # assumed text
    fabric = host.fabric
    state = host.state
    address = fabric.resolve(state, name) if fabric is not None else None
    if address is None:
        return [Warning(MESSAGES["tnc_resolve"].format(name=name)), False]
    if fabric.reachable(state, address, port):
        return [True]
    return [Warning(MESSAGES["tnc_tcp"].format(address=address, port=port)), False]


def get_cim_instance(bound: dict, host) -> list:
    """Get-CimInstance over the node's hardware (winsim/cim.py): read-only."""
    if "classname" not in bound:
        raise CmdletRefused("Get-CimInstance is emulated only with -ClassName")
    try:
        return cim.instances(host.state.hardware, str(bound["classname"]), bound.get("filter"))
    except LookupError as exc:
        raise CmdletRefused(str(exc)) from None


RUNNERS = {
    "get-ciminstance": get_cim_instance,
    "test-path": test_path,
    "get-childitem": get_child_item,
    "get-content": get_content,
    "copy-item": copy_item,
    "move-item": move_item,
    "test-netconnection": test_net_connection,
}


# --------------------------------------------------------------------------- pipeline stages
def sort_items(bound: dict, items: list) -> list:
    prop = bound.get("property")
    if prop is None:
        raise CmdletRefused("Sort-Object without a property is not emulated")
    keyed = []
    for item in items:
        if not isinstance(item, FileItem):
            raise CmdletRefused("Sort-Object is emulated only on file items")
        keyed.append((item.property(str(prop)), item))
    keyed.sort(key=lambda pair: pair[0], reverse=bool(bound.get("descending")))
    return [item for _key, item in keyed]


def select_items(bound: dict, items: list) -> list:
    if "skip" in bound:
        items = items[bound["skip"]:]
    if "first" in bound and "last" in bound:
        items = items[:bound["first"]] + items[max(bound["first"], len(items) - bound["last"]):]
    elif "first" in bound:
        items = items[:max(bound["first"], 0)]
    elif "last" in bound:
        items = items[len(items) - bound["last"]:] if bound["last"] > 0 else []
    if "expandproperty" in bound:
        out = []
        for item in items:
            if not isinstance(item, (FileItem, cim.CimInstance)):
                raise CmdletRefused("Select-Object -ExpandProperty is emulated only on file items and CIM instances")
            try:
                out.append(item.property(str(bound["expandproperty"])))
            except LookupError as exc:
                raise CmdletRefused(str(exc)) from None
        items = out
    return items


# --------------------------------------------------------------------------- .NET
STATIC_TYPES = {"convert": "Convert", "system.convert": "Convert", "io.file": "IO.File", "system.io.file": "IO.File",
                "environment": "Environment", "system.environment": "Environment", "console": "Console",
                "system.console": "Console", "net.dns": "Net.Dns", "system.net.dns": "Net.Dns",
                "scriptblock": "ScriptBlock", "system.management.automation.scriptblock": "ScriptBlock",
                "text.encoding": "Text.Encoding", "system.text.encoding": "Text.Encoding",
                "bitconverter": "BitConverter", "system.bitconverter": "BitConverter"}
STATIC_METHODS = {("Convert", "tobase64string"): 1, ("Convert", "frombase64string"): 1,
                  ("IO.File", "readallbytes"): 1, ("IO.File", "writeallbytes"): 2, ("IO.File", "exists"): 1,
                  ("Environment", "expandenvironmentvariables"): 1, ("Console", "in.readline"): 0,
                  ("Net.Dns", "gethostaddresses"): 1, ("ScriptBlock", "create"): 1,
                  ("Text.Encoding", "utf8.getstring"): 1, ("IO.File", "copy"): 2, ("IO.File", "delete"): 1,
                  ("BitConverter", "tostring"): 1}
# The calls that read the script and its standard input: an injected fault never applies to them.
_BOOTSTRAP_CALLS = {("ScriptBlock", "create"), ("Text.Encoding", "utf8.getstring"), ("Console", "in.readline")}


class Secret(str):
    """A string read from standard input: passed to programs, never written to the node log."""


class ScriptBlockText(str):
    """What ``[ScriptBlock]::Create(text)`` returns: the text, parsed when it is invoked."""


def _method_error(method: str, count: int, message: str) -> TerminatingError:
    return TerminatingError(MESSAGES["method"].format(method=method, count=count, message=message))


def _net_path(state, raw: object, method: str, count: int) -> str:
    if raw is None:
        raise _method_error(method, count, MESSAGES["null_argument"].format(name="path"))
    text = str(raw)
    try:
        return winpath.normalize(text)
    except ValueError:
        raise CmdletRefused(f"[IO.File]::{method} of a relative or non-drive path {text!r} is not emulated") from None


def _injected_fault(host, name: str, args: list, method: str, count: int) -> None:
    """Apply an injected fault to a .NET call, as to a cmdlet: ``fail`` throws the fault's text."""
    check = getattr(host, "cmdlet_fault", None)
    if check is None:
        return
    argv = [name, *(_logged(a) for a in args)]
    fault = check(argv)
    if fault is not None:
        raise _method_error(method, count, (fault.stderr or fault.stdout or "winsim: injected fault").strip())


def _logged(value: object) -> str:
    """An argument as the node log shows it (secrets masked, byte arrays by length)."""
    if isinstance(value, Secret):
        return "***"
    if isinstance(value, (bytes, bytearray)):
        return "<%d bytes>" % len(value)
    return str(value)


def _file_copy(state, args: list, display: str, count: int) -> None:
    """``[IO.File]::Copy(source, destination)``: never overwrites (IOException when the destination exists)."""
    source = _net_path(state, args[0], display, count)
    destination = _net_path(state, args[1], display, count)
    entry = state.fs.get(source)
    if entry is None:
        parent = winpath.parent(source)
        missing = "part_missing" if parent is not None and not state.fs.is_dir(parent) else "file_missing"
        raise _method_error(display, count, MESSAGES[missing].format(path=source))
    if entry.is_dir or not state.caller_may(source, "r"):
        raise _method_error(display, count, MESSAGES["denied"].format(path=source))
    if state.fs.get(destination) is not None:
        raise _method_error(display, count, MESSAGES["file_exists"].format(path=destination))
    parent = winpath.parent(destination)
    if parent is None or not state.fs.is_dir(parent):
        raise _method_error(display, count, MESSAGES["part_missing"].format(path=destination))
    if not _writable(state, destination):
        raise _method_error(display, count, MESSAGES["denied"].format(path=destination))
    state.fs.copy_file(source, destination)
    return None


def call_static(type_name: str, method: str, args: list, host) -> object:
    """Run a whitelisted static .NET method; TerminatingError carries the PowerShell text."""
    state = host.state
    key = (type_name, method.lower())
    display = {"tobase64string": "ToBase64String", "frombase64string": "FromBase64String",
               "readallbytes": "ReadAllBytes", "writeallbytes": "WriteAllBytes", "exists": "Exists",
               "expandenvironmentvariables": "ExpandEnvironmentVariables", "in.readline": "ReadLine",
               "gethostaddresses": "GetHostAddresses", "create": "Create", "utf8.getstring": "GetString",
               "copy": "Copy", "delete": "Delete", "tostring": "ToString"}[method.lower()]
    count = len(args)
    if key not in _BOOTSTRAP_CALLS:
        _injected_fault(host, f"[{type_name}]::{display}", args, display, count)
    if key == ("ScriptBlock", "create"):
        if args[0] is None:
            raise _method_error(display, count, MESSAGES["null_argument"].format(name="script"))
        return ScriptBlockText(str(args[0]))
    if key == ("Text.Encoding", "utf8.getstring"):
        if not isinstance(args[0], (bytes, bytearray)):
            raise CmdletRefused("[Text.Encoding]::UTF8.GetString is emulated on byte arrays only")
        return bytes(args[0]).decode("utf-8", "replace")  # invalid sequences become U+FFFD, as in .NET
    if key == ("Convert", "tobase64string"):
        if not isinstance(args[0], (bytes, bytearray)):
            raise CmdletRefused("[Convert]::ToBase64String is emulated on byte arrays only")
        return base64.b64encode(args[0]).decode("ascii")
    if key == ("Convert", "frombase64string"):
        if args[0] is None:
            raise _method_error(display, count, MESSAGES["null_argument"].format(name="s"))
        try:
            return base64.b64decode("".join(str(args[0]).split()), validate=True)
        except (binascii.Error, ValueError):
            raise _method_error(display, count, MESSAGES["base64"]) from None
    if key == ("IO.File", "exists"):
        try:
            path = winpath.normalize(str(args[0]))
        except ValueError:
            return False
        return state.fs.is_file(path)
    if key == ("IO.File", "readallbytes"):
        path = _net_path(state, args[0], display, count)
        entry = state.fs.get(path)
        if entry is None:
            parent = winpath.parent(path)
            missing = "part_missing" if parent is not None and not state.fs.is_dir(parent) else "file_missing"
            raise _method_error(display, count, MESSAGES[missing].format(path=path))
        if entry.is_dir or not state.caller_may(path, "r"):
            raise _method_error(display, count, MESSAGES["denied"].format(path=path))
        return entry.content
    if key == ("IO.File", "writeallbytes"):
        path = _net_path(state, args[0], display, count)
        data = args[1]
        if not isinstance(data, (bytes, bytearray)):
            raise CmdletRefused("[IO.File]::WriteAllBytes is emulated with a byte array only")
        entry = state.fs.get(path)
        if (entry is not None and entry.is_dir) or not _writable(state, path):
            raise _method_error(display, count, MESSAGES["denied"].format(path=path))
        try:
            state.fs.write(path, bytes(data))
        except PathError:
            raise _method_error(display, count, MESSAGES["part_missing"].format(path=path)) from None
        return None
    if key == ("IO.File", "copy"):
        return _file_copy(state, args, display, count)
    if key == ("IO.File", "delete"):
        path = _net_path(state, args[0], display, count)
        parent = winpath.parent(path)
        if parent is None or not state.fs.is_dir(parent):
            raise _method_error(display, count, MESSAGES["part_missing"].format(path=path))
        entry = state.fs.get(path)
        if entry is None:
            return None  # documented: no exception when the file does not exist
        if entry.is_dir or not state.caller_may(path, "d"):
            raise _method_error(display, count, MESSAGES["denied"].format(path=path))
        state.fs.remove(path, recurse=False)
        return None
    if key == ("BitConverter", "tostring"):
        if args[0] is None:
            raise _method_error(display, count, MESSAGES["null_argument"].format(name="value"))
        if not isinstance(args[0], (bytes, bytearray)):
            raise CmdletRefused("[BitConverter]::ToString is emulated on byte arrays only")
        return "-".join(f"{byte:02X}" for byte in args[0])
    if key == ("Environment", "expandenvironmentvariables"):
        if args[0] is None:
            raise _method_error(display, count, MESSAGES["null_argument"].format(name="name"))
        return state.expand_environment(str(args[0]))
    if key == ("Net.Dns", "gethostaddresses"):
        if args[0] is None:
            raise _method_error(display, count, MESSAGES["null_argument"].format(name="hostNameOrAddress"))
        name = str(args[0])
        fabric = host.fabric
        address = fabric.resolve(state, name) if fabric is not None else None
        if address is None:
            localhost = name.strip().rstrip(".").lower() == "localhost"
            raise _method_error(display, count, MESSAGES["no_recovery" if localhost else "no_host"])
        return [address]
    if key == ("Console", "in.readline"):
        line = host.read_stdin_line()
        return None if line is None else Secret(line)
    raise CmdletRefused(f"[{type_name}]::{method} is not emulated")
