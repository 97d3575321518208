"""The hostile password set of issue 10 ("Passwords"), shared by the unit and end-to-end tests.

``DELIVERED``: every one must reach the Windows program exactly (docs/dev/remote-execution.md,
"Passing a value to a Windows program"). ``REFUSED``: values no form delivers through Windows
PowerShell 5.1, each with a fragment of the reason the refusal gives (never the value).
"""

from __future__ import annotations

_LONG = ('Pa$$w0rd "quoted part" it\'s `tick` ;&| %PATH% --% \\\\server\\share\\ '
         'pässwörd€ 密码 \u201ctypo\u201d \u2018x\u2019 $(calc) @{a=1} end\\')
LONG_127 = (_LONG * 2)[:126] + "\\"

DELIVERED = {
    "empty": "",
    "space": " ",
    "leading-and-trailing-spaces": "  lead and trail  ",
    "space-then-trailing-backslash": "a b\\",
    "doubled-backslashes-before-spaces": "a\\\\ b\\\\",
    "double-quote": '"',
    "quote-then-space": 'a"b c',
    "quoted-space": '" "',
    "two-spaces-after-a-cut": 'x y"z  w',
    "escaped-looking-quote": 'a\\"b c',
    "single-quote": "'",
    "dollar-variable": "$x",
    "subexpression": "$(calc)",
    "backtick": "`",
    "semicolon": ";",
    "ampersand": "&",
    "pipe": "|",
    "stop-parsing": "--%",
    "typographic-quotes": "\u201cq\u201d \u2018s\u2019",
    "latin-and-euro": "pässwörd€",
    "chinese": "密码",
    "no-break-space": "a\u00a0b",
    "no-break-space-after-a-quote": 'Pa"ss\u00a0word\\',
    "127-characters": LONG_127,
    "percent-path": "%PATH%",
    "powershell-injection": "S3cret-Pa55; $(Stop-Computer) 'x'",
}

REFUSED = {
    "two-spaces-after-a-quote": ('Pa"ss  word!', "two or more spaces in a row"),
    "no-break-space-after-a-quote-and-a-space": ('Pa"ss\u00a0wo rd!', "a space other than the ordinary one"),
    "tab": ("Pass\tword!", "control characters"),
    "line-break": ("Pass\nword!", "line breaks"),
}
