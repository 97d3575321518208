# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Key edits in JSON and XML settings files that keep everything else as it was.

The SSIS Scale Out settings files (``MasterSettings.config``, ``WorkerSettings.config``) hold
flat key/value settings; Microsoft's pages name the keys and defaults but not the file
format (docs/reference/products.md: JSON is widely reported; detect, don't assume). So
the format is detected from the first character (``{`` JSON, ``<`` XML), and an edit
replaces only the text span of one value: the document is never re-serialised, so key
order, spacing, line endings and every other key stay byte for byte.

Keys match case-insensitively, and through an alias table the caller supplies
(``{canonical: [other spellings]}``), because the documentation misspells some of them
(``HeartbeatErrorTollerance``, ``LeaseInternval``): an existing key keeps the spelling the
file has; a key that is added gets the canonical spelling.

JSON: the top-level object's members (nested objects are values). A value is written with
the JSON type of the value it replaces (``"10"`` given for ``MaxTaskCount: 10`` stays a
number), and values compare by type (``70`` equals ``70.0``).
XML: ``<add key="K" value="V"/>`` elements (the .NET appSettings layout) anywhere, and leaf
elements ``<K>V</K>`` directly under the root element.
"""

from __future__ import annotations

import json
import math
import re
import xml.parsers.expat
from collections import Counter
from dataclasses import dataclass
from xml.sax.saxutils import escape

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError

_JSON_WS = " \t\r\n"


def detect_format(text: str) -> str | None:
    stripped = text.lstrip("\ufeff" + _JSON_WS)
    return {"{": "json", "<": "xml"}.get(stripped[:1])


# A setting's name: what the Scale Out files use (MasterEndpoint, HeartbeatErrorTollerance), and
# a valid XML element name and plain JSON key, so a key can never add markup or members.
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,127}")
_KEY_FIX = ("a key is a setting name: a letter or '_' first, then letters, digits, '_', '.' or '-', at most 128 "
            "characters (MasterEndpoint, HeartbeatErrorTolerance)")
# Characters XML 1.0 cannot carry at all, even as character references (its Char production);
# tab, line feed and carriage return are allowed and written as references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMATS = ("auto", "json", "xml")


def validate_key(value, what: str = "settings") -> str:
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        raise InvalidValue(what, value, _KEY_FIX)
    return value


def validate_format(value, what: str = "format") -> str:
    if value not in FORMATS:
        raise InvalidValue(what, value, "give auto, json or xml")
    return value


def validate_value(key: str, value, what: str = "settings"):
    """A value to write under ``key``: a string, number, boolean or null, or (for JSON) a list or
    an object of those. Strings may hold any text XML can carry; it is escaped when written.
    Refused: characters XML 1.0 cannot carry (other control characters, U+FFFE, U+FFFF, lone
    surrogates), numbers that are not finite, object keys that are not strings."""
    def check(item, depth: int) -> None:
        if depth > 32:
            raise InvalidValue(what, {key: value}, f"the value of {key} is nested more than 32 levels deep")
        if isinstance(item, str):
            bad = _NOT_XML.search(item)
            if bad:
                raise InvalidValue(what, {key: value}, f"the value of {key} holds the control character "
                                   f"U+{ord(bad.group()):04X}, which a settings file cannot carry; remove it")
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise InvalidValue(what, {key: value}, f"the value of {key} is not a finite number, which JSON and "
                                   "XML settings cannot hold")
        elif isinstance(item, list):
            for element in item:
                check(element, depth + 1)
        elif isinstance(item, dict):
            for name, element in item.items():
                if not isinstance(name, str):
                    raise InvalidValue(what, {key: value}, f"the object given for {key} has a key that is not a string")
                check(name, depth + 1)
                check(element, depth + 1)
        elif not isinstance(item, (bool, int, type(None))):
            raise InvalidValue(what, {key: value}, f"the value of {key} must be a string, a number, a boolean or null")

    check(value, 0)
    return value


def validate_aliases(aliases, what: str = "aliases") -> dict:
    """``{canonical: [spelling, ...]}`` -> ``{canonical lower: {every spelling lower}}``."""
    if not isinstance(aliases, dict):
        raise InvalidValue(what, aliases, "map each key to a list of other spellings, e.g. "
                           "{HeartbeatErrorTolerance: [HeartbeatErrorTollerance]}")
    table = {}
    for key, found in aliases.items():
        found = [found] if isinstance(found, str) else found
        if not isinstance(key, str) or not key or not isinstance(found, list) \
                or not all(isinstance(s, str) and s for s in found):
            raise InvalidValue(what, {key: found}, "each key maps to a list of non-empty spellings")
        for name in (key, *found):
            validate_key(name, what)
        table[key.lower()] = {key.lower(), *(s.lower() for s in found)}
    return table


def spellings(key: str, aliases: dict) -> set:
    return aliases.get(key.lower(), {key.lower()})


@dataclass(frozen=True)
class Change:
    key: str            # the key as requested
    written: str        # the key as the file spells it (or will)
    action: str         # set | add | remove
    before: object
    after: object

    def result(self) -> dict:
        return {"key": self.key, "file_key": self.written, "action": self.action, "before": self.before, "after": self.after}

    def lines(self) -> tuple[str, str]:
        """This change as diff lines: (before, after)."""
        before = "" if self.action == "add" else f"{self.written}: {render(self.before)}\n"
        after = "" if self.action == "remove" else f"{self.written}: {render(self.after)}\n"
        return before, after


def render(value) -> str:
    """A value as the diff and messages show it (JSON text)."""
    return json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------------- JSON

@dataclass(frozen=True)
class _Member:
    key: str
    key_start: int
    key_end: int
    value_start: int
    value_end: int
    value: object


class JsonSettings:
    """The top-level members of a JSON object, with the text spans of keys and values."""

    format = "json"

    def __init__(self, text: str):
        self.text = text
        self.members, self.open, self.close = self._scan(text)

    @staticmethod
    def _scan(text: str):
        decoder = json.JSONDecoder()
        i = _skip(text, 0, _JSON_WS + "\ufeff")
        if text[i:i + 1] != "{":
            raise RemediationError("the file is not a JSON object (it does not start with '{')")
        open_index, i = i, i + 1
        members = []
        try:
            while True:
                i = _skip(text, i, _JSON_WS)
                if text[i:i + 1] == "}" and not members:
                    break
                if text[i:i + 1] != '"':
                    raise ValueError(f"expected a key at character {i}")
                key, key_end = json.decoder.scanstring(text, i + 1)
                colon = _skip(text, key_end, _JSON_WS)
                if text[colon:colon + 1] != ":":
                    raise ValueError(f"expected ':' at character {colon}")
                value_start = _skip(text, colon + 1, _JSON_WS)
                value, value_end = decoder.raw_decode(text, value_start)
                members.append(_Member(key, i, key_end, value_start, value_end, value))
                i = _skip(text, value_end, _JSON_WS)
                if text[i:i + 1] == ",":
                    i += 1
                    continue
                if text[i:i + 1] == "}":
                    break
                raise ValueError(f"expected ',' or '}}' at character {i}")
        except ValueError as exc:
            raise RemediationError(f"the file is not valid JSON: {exc}") from None
        if text[_skip(text, i + 1, _JSON_WS):].strip():
            raise RemediationError("the file holds text after its JSON object")
        return members, open_index, i

    def values(self) -> dict:
        return {m.key: m.value for m in self.members}

    def find(self, names: set) -> list[_Member]:
        return [m for m in self.members if m.key.lower() in names]

    def set(self, key: str, value, names: set, ascii_only: bool) -> tuple[str, list[Change]]:
        matches = self.find(names)
        if not matches:
            return self._add(key, value, ascii_only)
        changes, text = [], self.text
        for member in reversed(matches):
            new = coerce_json(value, member.value, member.key)
            if same_value(member.value, new):
                continue
            text = text[:member.value_start] + _json(new, key, ascii_only) + text[member.value_end:]
            changes.insert(0, Change(key, member.key, "set", member.value, new))
        return text, changes

    def _add(self, key, value, ascii_only) -> tuple[str, list[Change]]:
        rendered = json.dumps(key, ensure_ascii=ascii_only)
        newline = "\r\n" if "\r\n" in self.text else "\n"
        if not self.members:
            inner = self.text[self.open + 1:self.close]
            indent = "  "
            addition = f"{newline}{indent}{rendered}: {_json(value, key, ascii_only)}{newline}"
            text = self.text[:self.open + 1] + addition + (inner.strip(_JSON_WS) and inner) + self.text[self.close:]
            return text, [Change(key, key, "add", None, value)]
        last = self.members[-1]
        separator = self.text[last.key_end:last.value_start]  # ': ' or ':' as the file writes it
        if len(self.members) > 1:
            previous = self.members[-2]
            between = self.text[previous.value_end:last.key_start]  # ',\n    ' or ', '
        else:
            between = self.text[self.open + 1:last.key_start]
            between = "," + between if "\n" in between else ", "
        if not between.lstrip(_JSON_WS).startswith(","):
            between = "," + between
        entry = between + rendered + separator + _json(value, key, ascii_only)
        return self.text[:last.value_end] + entry + self.text[last.value_end:], [Change(key, key, "add", None, value)]

    def remove(self, key: str, names: set) -> tuple[str, list[Change]]:
        text, changes = self.text, []
        doc = self
        while True:
            matches = doc.find(names)
            if not matches:
                return text, changes
            member = matches[-1]
            index = doc.members.index(member)
            if index + 1 < len(doc.members):
                text = text[:member.key_start] + text[doc.members[index + 1].key_start:]
            elif index > 0:
                text = text[:doc.members[index - 1].value_end] + text[member.value_end:]
            else:
                text = text[:doc.open + 1] + text[doc.close:]
            changes.insert(0, Change(key, member.key, "remove", member.value, None))
            doc = JsonSettings(text)


def _json(value, key: str, ascii_only: bool) -> str:
    """``value`` as JSON text, escaped by the json library (strict: no NaN or Infinity)."""
    try:
        return json.dumps(value, ensure_ascii=ascii_only, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidValue("settings", {key: value}, f"the value of {key} cannot be written as JSON ({exc})") from None


def _skip(text: str, i: int, chars: str) -> int:
    while i < len(text) and text[i] in chars:
        i += 1
    return i


def coerce_json(value, current, key: str):
    """``value`` in the JSON type of ``current`` (the value it replaces), when it converts cleanly."""
    if current is None or value is None:
        return value
    if isinstance(current, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise InvalidValue("settings", {key: value}, f"{key} is true or false in the file; give a boolean")
    if isinstance(current, (int, float)):
        number = _number(value)
        if number is None:
            raise InvalidValue("settings", {key: value}, f"{key} is a number in the file; give a number")
        if isinstance(current, int) and float(number).is_integer():
            return int(number)
        return float(number)
    if isinstance(current, str):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float, str)):
            return str(value)
        raise InvalidValue("settings", {key: value}, f"{key} is a string in the file; give a string")
    if isinstance(value, type(current)):
        return value
    raise InvalidValue("settings", {key: value}, f"{key} is a JSON {type(current).__name__} in the file")


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            try:
                return float(value.strip())
            except ValueError:
                return None
    return None


def same_value(current, wanted) -> bool:
    """Typed comparison: 70 == 70.0, but True is not 1 and "10" is not 10."""
    if isinstance(current, bool) or isinstance(wanted, bool):
        return type(current) is type(wanted) and current == wanted
    if isinstance(current, (int, float)) and isinstance(wanted, (int, float)):
        return float(current) == float(wanted)
    return type(current) is type(wanted) and current == wanted


# --------------------------------------------------------------------------- XML

@dataclass(frozen=True)
class _XmlSetting:
    key: str
    value: str
    kind: str            # "add" (attribute value) | "element" (text content)
    start: int           # the element's first character
    end: int             # after the element's last character
    value_start: int     # the value's span (for "add": inside the quotes; None when absent)
    value_end: int
    self_closing: bool
    name: str = ""       # the element's name as written (with its prefix, if any)


class XmlSettings:
    """``<add key= value=/>`` elements and leaf children of the root element."""

    format = "xml"

    def __init__(self, text: str):
        self.text = text
        self.settings = self._scan(text)

    @staticmethod
    def _scan(text: str) -> list[_XmlSetting]:
        data = text.encode("utf-8")
        offsets = _char_offsets(text)
        parser = xml.parsers.expat.ParserCreate(encoding="UTF-8")
        found, stack = [], []

        def start(name, attrs):
            begin = parser.CurrentByteIndex
            tag_end = _tag_end(data, begin)
            stack.append({"name": name, "attrs": attrs, "begin": begin, "tag_end": tag_end, "children": 0, "text": []})
            if len(stack) > 1:
                stack[-2]["children"] += 1

        def end(_name):
            element = stack.pop()
            close_begin = parser.CurrentByteIndex
            self_closing = data[element["tag_end"] - 2:element["tag_end"]] == b"/>"
            close_end = element["tag_end"] if self_closing else _tag_end(data, close_begin)
            local = element["name"].rsplit(":", 1)[-1]
            attrs = element["attrs"]
            if local.lower() == "add" and "key" in attrs:
                span = _attribute_span(data, element["begin"], element["tag_end"], "value")
                found.append(_XmlSetting(attrs["key"], attrs.get("value"), "add", offsets[element["begin"]], offsets[close_end],
                                         offsets[span[0]] if span else None, offsets[span[1]] if span else None, self_closing))
            elif len(stack) == 1 and element["children"] == 0:
                value_start = element["tag_end"] if not self_closing else element["begin"]
                value_end = close_begin if not self_closing else element["begin"]
                found.append(_XmlSetting(local, "".join(element["text"]), "element", offsets[element["begin"]],
                                         offsets[close_end], offsets[value_start], offsets[value_end], self_closing,
                                         element["name"]))

        def characters(chunk):
            if stack:
                stack[-1]["text"].append(chunk)

        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, characters
        try:
            parser.Parse(data, True)
        except xml.parsers.expat.ExpatError as exc:
            raise RemediationError(f"the file is not well-formed XML: {exc}") from None
        return found

    def values(self) -> dict:
        return {s.key: s.value for s in self.settings}

    def find(self, names: set) -> list[_XmlSetting]:
        return [s for s in self.settings if s.key.lower() in names]

    def set(self, key: str, value, names: set, ascii_only: bool) -> tuple[str, list[Change]]:
        wanted = _xml_text(value, key)
        matches = self.find(names)
        if not matches:
            return self._add(key, wanted, ascii_only)
        text, changes = self.text, []
        for setting in reversed(matches):
            if setting.value is not None and same_text(setting.value, wanted):
                continue
            if setting.kind == "add" and setting.value_start is None:
                tag_close = self.text.rfind("/>" if setting.self_closing else ">", setting.start, setting.end)
                text = text[:tag_close].rstrip() + f' value="{_attr(wanted, ascii_only=ascii_only)}"' \
                    + (" " if setting.self_closing else "") + text[tag_close:]
            elif setting.kind == "add":
                text = text[:setting.value_start] + _attr(wanted, self.text[setting.value_start - 1], ascii_only) \
                    + text[setting.value_end:]
            elif setting.self_closing:
                name = setting.name or setting.key
                text = text[:setting.start] + f"<{name}>{_content(wanted, ascii_only)}</{name}>" + text[setting.end:]
            else:
                text = text[:setting.value_start] + _content(wanted, ascii_only) + text[setting.value_end:]
            changes.insert(0, Change(key, setting.key, "set", setting.value, wanted))
        return text, changes

    def _add(self, key: str, value: str, ascii_only: bool) -> tuple[str, list[Change]]:
        adds = [s for s in self.settings if s.kind == "add"]
        siblings = adds or [s for s in self.settings if s.kind == "element"]
        if not siblings:
            raise RemediationError(f"cannot add {key}: the XML file has neither <add key=... value=.../> elements nor "
                                   "leaf elements under its root to add a setting beside")
        last = siblings[-1]
        line_start = self.text.rfind("\n", 0, last.start) + 1
        indent = self.text[line_start:last.start]
        newline = "\r\n" if "\r\n" in self.text else "\n"
        prefix = newline + indent if not indent.strip() else " "
        if adds:
            element = f'<add key="{_attr(key, ascii_only=ascii_only)}" value="{_attr(value, ascii_only=ascii_only)}" />'
        else:
            element = f"<{validate_key(key)}>{_content(value, ascii_only)}</{key}>"
        return self.text[:last.end] + prefix + element + self.text[last.end:], [Change(key, key, "add", None, value)]

    def remove(self, key: str, names: set) -> tuple[str, list[Change]]:
        text, changes = self.text, []
        for setting in reversed(self.find(names)):
            start, end = setting.start, setting.end
            line_start = text.rfind("\n", 0, start) + 1
            if not text[line_start:start].strip():
                line_end = text.find("\n", end)
                if line_end != -1 and not text[end:line_end].strip():
                    start, end = line_start, line_end + 1
            text = text[:start] + text[end:]
            changes.insert(0, Change(key, setting.key, "remove", setting.value, None))
        return text, changes


def _char_offsets(text: str) -> dict:
    """UTF-8 byte offset -> character offset, for every character boundary."""
    offsets, position = {}, 0
    for index, char in enumerate(text):
        offsets[position] = index
        position += len(char.encode("utf-8"))
    offsets[position] = len(text)
    return offsets


def _tag_end(data: bytes, begin: int) -> int:
    """The offset after the '>' that ends the tag starting at ``begin`` (quotes respected)."""
    quote = None
    for i in range(begin, len(data)):
        char = data[i:i + 1]
        if quote:
            if char == quote:
                quote = None
        elif char in (b'"', b"'"):
            quote = char
        elif char == b">":
            return i + 1
    return len(data)


def _attribute_span(data: bytes, begin: int, end: int, name: str):
    match = re.compile(rb"\s" + name.encode() + rb"\s*=\s*([\"'])(.*?)\1", re.S | re.I).search(data, begin, end)
    return (match.start(2), match.end(2)) if match else None


def _attr(value: str, quote: str = '"', ascii_only: bool = False) -> str:
    """An attribute value's text, escaped: markup, the quote, and tab / line breaks as character
    references (a parser would turn them into spaces)."""
    text = escape(value, {quote: "&quot;" if quote == '"' else "&apos;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})
    return _ascii(text) if ascii_only else text


def _content(value: str, ascii_only: bool = False) -> str:
    """An element's text, escaped: & < > (so ``]]>`` too), and CR as a reference (a parser would drop it)."""
    text = escape(value, {"\r": "&#13;"})
    return _ascii(text) if ascii_only else text


def _ascii(text: str) -> str:
    """Non-ASCII characters as references, for a file in the Windows ANSI code page."""
    return "".join(ch if ord(ch) < 128 else f"&#x{ord(ch):X};" for ch in text)


def _xml_text(value, key: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        validate_value(key, value)
        return str(value)
    raise InvalidValue("settings", {key: value}, f"{key} is an XML setting: give a string, a number or a boolean")


def same_text(current: str, wanted: str) -> bool:
    """XML values are text: equal as text, as numbers (70 and 70.0) or as booleans (True, true)."""
    if current == wanted:
        return True
    if current.strip().lower() in ("true", "false") and wanted.lower() in ("true", "false"):
        return current.strip().lower() == wanted.lower()
    first, second = _number(current), _number(wanted)
    return first is not None and second is not None and float(first) == float(second)


# --------------------------------------------------------------------------- the edit

def load(text: str, wanted: str = "auto"):
    found = detect_format(text)
    kind = found if wanted == "auto" else wanted
    if kind is None:
        raise RemediationError("the file is neither JSON (starting with '{') nor XML (starting with '<'); "
                               "give format to say which it is")
    if wanted != "auto" and found not in (None, wanted):
        raise RemediationError(f"format is {wanted}, but the file looks like {found}")
    return JsonSettings(text) if kind == "json" else XmlSettings(text)


def edit(text: str, settings: dict, remove: list, aliases: dict, wanted_format: str = "auto",
         ascii_only: bool = False) -> tuple[str, list[Change], str]:
    """Apply every setting and removal; return the new text, the changes and the format."""
    doc = original = load(text, validate_format(wanted_format))
    changes: list[Change] = []
    for key, value in settings.items():
        new_text, made = doc.set(key, value, spellings(key, aliases), ascii_only)
        changes += made
        doc = load(new_text, doc.format)
    for key in remove:
        new_text, made = doc.remove(key, spellings(key, aliases))
        changes += made
        doc = load(new_text, doc.format)
    check_structure(original, doc, changes)
    return doc.text, changes, doc.format


def _canonical(value) -> str:
    """A JSON value as comparable text (Ansible hands over str subclasses, JSON reads plain str)."""
    return json.dumps(value, sort_keys=True)


def _entries(doc) -> list:
    return doc.members if doc.format == "json" else doc.settings


def check_structure(before, after, changes: list[Change]) -> None:
    """Defence in depth: the edited file holds the same settings as before but for the changes
    made, and each written value reads back as written; else nothing may be written."""
    expected = Counter(entry.key for entry in _entries(before))
    for change in changes:
        if change.action == "add":
            expected[change.written] += 1
        elif change.action == "remove":
            expected[change.written] -= 1
    found = Counter(entry.key for entry in _entries(after))
    wrong = [c.written for c in changes if c.action != "remove" and not all(
        (_canonical(e.value) == _canonical(c.after) if after.format == "json" else e.value == c.after)
        for e in _entries(after) if e.key == c.written)]
    if +expected != found or wrong:
        raise RemediationError(f"the edit would change the file's structure (settings {dict(+expected)} expected, "
                               f"{dict(found)} found; values not as written: {wrong}); nothing was written. This is a "
                               "bug of the collection: please report it.")
