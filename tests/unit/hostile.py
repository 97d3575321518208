"""The hostile values every free-text field is tested with (not a test module).

The same kinds of value that test ``quote_argument`` for command lines (tests/unit/plugins/
plugin_utils/test_quoting.py), plus what matters inside a file: line breaks of every kind,
the hosts file's comment sign and separators, XML markup and CDATA ends. Each test uses a
value alone and inside an otherwise valid value (``embedded``): a field must either refuse it
(InvalidValue naming the field, the value and the fix) or carry it without changing the
structure of what it lands in.
"""

from __future__ import annotations

HOSTILE = {
    "single quote": "a'b",
    "double quote": 'a"b',
    "semicolon": "a;b",
    "subexpression": "$(Remove-Item C:\\)",
    "variable": "$env:TEMP",
    "backtick": "a`nb",
    "pipe": "a|b",
    "ampersand": "a&b",
    "line feed": "a\nb",
    "trailing line feed": "a\n",
    "CRLF": "a\r\nb",
    "carriage return": "a\rb",
    "line separator": "a\u2028b",
    "next line": "a\x85b",
    "vertical tab": "a\x0bb",
    "tab": "a\tb",
    "NUL": "a\x00b",
    "stop parsing": "--%",
    "typographic single quotes": "\u2018a\u2019",
    "typographic low quotes": "\u201aa\u201b",
    "typographic double quotes": "\u201ca\u201d",
    "10 KB": "a" * 10240,
    "leading dash": "-f",
    "wildcard star": "a*b",
    "wildcard question mark": "a?b",
    "wildcard brackets": "a[b]",
    "UNC": "\\\\server\\share\\x",
    "parent folder": "..\\..\\x",
    "comment sign": "a#b",
    "space": "a b",
    "markup": "a<b>c</b>",
    "entity": "a&amp;b",
    "CDATA end": "]]>",
    "percent": "a%b",
    "empty": "",
}


def embedded(prefix: str, suffix: str) -> dict:
    """Every hostile value alone, and between ``prefix`` and ``suffix``: {label: value}."""
    values = {f"{name} alone": value for name, value in HOSTILE.items()}
    values.update({f"{name} inside": prefix + value + suffix for name, value in HOSTILE.items()})
    return values
