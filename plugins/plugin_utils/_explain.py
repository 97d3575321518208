# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Explain error text: find the catalog entries whose documented error signatures it contains.

Text and signatures are compared as sequences of normalised words, so punctuation, quoting
(ASCII or typographic), line breaks, case and accents do not matter. A signature's
placeholders (``[Machine Name]``, ``{GUID}``, ``<certificate name>``, ``'...'``, ``***``,
``X`` repeated five times) stand for up to ``GAP`` words of a real value: a host and port, a GUID, a path.

- A signature found whole, in order, scores 1.0.
- A long signature (``MIN_PARTIAL_WORDS`` words or more) found in part, in order, in one
  place of the text (a message that was truncated, wrapped with other text in between, or
  worded slightly differently) scores ``PARTIAL_WEIGHT`` x the share of its words found, when
  that share is at least ``MIN_COVERAGE``. Only runs of three words or more, or whole
  fragments between placeholders, count, so that scattered common words never add up.
- A text that is only an error code (``2906``, ``ErrorCode: 2010``, ``-1073741819``) returns
  the entries that document that code, with ``CODE_SCORE``.

Standard library only; the catalog comes from ``_catalog``.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog

GAP = 12                   # words a placeholder may stand for
MIN_PARTIAL_WORDS = 8      # shorter signatures must be found whole
MIN_COVERAGE = 0.6         # share of a long signature's words a partial match must find
PARTIAL_WEIGHT = 0.9       # a partial match never ranks with a whole one
MIN_BLOCK = 3              # shortest run of words that counts in a partial match
CODE_SCORE = 0.5
MAX_TEXT = 2_000_000       # characters; a longer text is explained by its end (the newest lines)
_MAX_WINDOWS = 32
_EXCERPT = 400

_PLACEHOLDER = re.compile(
    r"\[[^\[\]]*\]"                       # [Machine Name], [Port], [...]
    r"|\{[A-Za-z][A-Za-z0-9 _-]*\}"       # {GUID}, {Master port}
    r"|<[A-Za-z][^<>]*>"                  # <certificate name>
    r"|\.\.\.|\u2026"                     # ... (an elided value)
    r"|\*{3,}"                            # *** (the article's "Load file "***" failed")
    r"|\bX{3,}\b"                         # a run of capital X letters (an activity id, a token)
)
_WORD = re.compile(r"[^\W_]+")
_CODE = re.compile(r"\d{3,}|0x[0-9a-f]+")             # error codes, HTTP statuses, ports
_CLOSING = ".)]}'\"\u2019\u201d\u00bb"
_APOSTROPHES = "'\u2018\u2019\u02bc"
_QUOTES = "'\"`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u00ab\u00bb"
_LIGATURES = {"\u0153": "oe", "\u00e6": "ae"}
_SYNONYMS = {"adonet": ("ado", "net")}    # the article writes both "ADO NET Source" and "ADONET Source"
_CODE_WORDS = frozenset({"error", "code", "errorcode", "exit", "hresult", "http", "status", "ssis", "executor"})
_STOPWORDS = frozenset(
    "the a an and or of to in on at for with by from is are was were be been not no this that it its as if "
    "you your can could may has have had will error exception system failed fail "
    "de la le les des du un une et ou en sur pour avec par est pas ne au aux d l s n qu que il erreur".split())


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Pattern:
    """A signature compiled to words: literal fragments separated by placeholders."""

    text: str
    lang: str
    fragments: tuple          # tuple of tuples of words
    gaps: tuple               # words allowed between fragment i and i+1
    quoted: tuple = ()        # per gap: the placeholder is quoted ('...'), so the value must be too

    @property
    def words(self) -> tuple:
        return tuple(word for fragment in self.fragments for word in fragment)


@dataclass(frozen=True)
class Match:
    score: float
    words: int                # how many of the signature's words were found
    start: int                # character span of the (most recent) match in the text
    end: int
    occurrences: int


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    for ligature, letters in _LIGATURES.items():
        folded = folded.replace(ligature, letters)
    return folded


def tokenize(text: str) -> list[Token]:
    """Normalised words of ``text`` with their character spans.

    Case, accents and punctuation are dropped; English contractions are expanded
    (``isn't`` -> ``is not``, ``can't`` -> ``cannot``) because the articles contract what the
    products print in full; the letter of an escape sequence (``\\n`` in JSON output) is no word.
    """
    tokens: list[Token] = []
    for found in _WORD.finditer(text):
        word, start, end = _fold(found.group()), found.start(), found.end()
        if word in ("n", "r", "t") and start > 0 and text[start - 1] == "\\":
            continue
        previous = tokens[-1] if tokens else None
        if (word == "t" and previous is not None and previous.text.endswith("n") and previous.end == start - 1
                and text[start - 1] in _APOSTROPHES):
            tokens.pop()
            if previous.text == "can":
                tokens.append(Token("cannot", previous.start, end))
                continue
            stem = "will" if previous.text == "won" else previous.text[:-1]
            tokens += [Token(stem, previous.start, previous.end - 1), Token("not", previous.end - 1, end)]
            continue
        if word in _SYNONYMS:
            tokens += [Token(part, start, end) for part in _SYNONYMS[word]]
            continue
        tokens.append(Token(word, start, end))
    return tokens


def words(text: str) -> list[str]:
    return [token.text for token in tokenize(text)]


def compile_signature(text: str, lang: str = "en") -> Pattern:
    """Split a catalog signature into literal fragments and placeholder gaps."""
    fragments: list[tuple] = []
    gaps: list[int] = []
    quoted: list[bool] = []
    pending = 0
    opened = False            # the pending placeholder(s) follow a quote character
    position = 0
    for placeholder in [*_PLACEHOLDER.finditer(text), None]:
        piece = text[position:placeholder.start() if placeholder else len(text)]
        piece_words = tuple(words(piece))
        if piece_words:
            if fragments:
                gaps.append(pending)
                quoted.append(opened and piece.lstrip()[:1] in _QUOTES)
            fragments.append(piece_words)
            pending = 0
        if placeholder is not None:
            if not pending:
                opened = placeholder.start() > 0 and text[placeholder.start() - 1] in _QUOTES
            pending += GAP
            position = placeholder.end()
    if not fragments:
        raise ValueError(f"signature {text!r} has no words outside its placeholders")
    return Pattern(" ".join(text.split()), lang, tuple(fragments), tuple(gaps), tuple(quoted))


_COMPILED: dict = {}
_WEIGHTS: dict = {}


def _pattern(signature: dict) -> Pattern:
    key = (signature["text"], signature.get("lang", "en"))
    if key not in _COMPILED:
        _COMPILED[key] = compile_signature(*key)
    return _COMPILED[key]


def _weights_of(entries) -> dict:
    signatures = tuple((s["text"], s.get("lang", "en")) for e in entries for s in e.signatures)
    if signatures not in _WEIGHTS:
        _WEIGHTS.clear()
        _WEIGHTS[signatures] = weights(_pattern({"text": text, "lang": lang}) for text, lang in signatures)
    return _WEIGHTS[signatures]


class _Text:
    """The text being explained, as words with an index of where each word occurs."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.words = [token.text for token in self.tokens]
        self.index: dict[str, list[int]] = defaultdict(list)
        for position, word in enumerate(self.words):
            self.index[word].append(position)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Character span of words first..last-1, with the punctuation that closes the last one."""
        end = self.tokens[last - 1].end
        while end < len(self.text) and self.text[end] in _CLOSING:
            end += 1
        return self.tokens[first].start, end

    def quoted_between(self, end: int, start: int) -> bool:
        """Whether the text between word end-1 and word start is one quoted value."""
        between = self.text[self.tokens[end - 1].end:self.tokens[start].start].strip(" \t\r\n\\")
        return len(between) >= 2 and between[0] in _QUOTES and between.rstrip(".,;:")[-1:] in _QUOTES


def _match_from(pattern: Pattern, text: _Text, fragment: int, position: int) -> int | None:
    """End position of the pattern matched from ``fragment`` at ``position``, or None."""
    expected = pattern.fragments[fragment]
    if tuple(text.words[position:position + len(expected)]) != expected:
        return None
    end = position + len(expected)
    if fragment + 1 == len(pattern.fragments):
        return end
    following = pattern.fragments[fragment + 1]
    last_start = min(end + pattern.gaps[fragment], len(text.words) - len(following))
    for candidate in range(end, last_start + 1):
        if text.words[candidate] != following[0]:
            continue
        if pattern.quoted[fragment] and not text.quoted_between(end, candidate):
            continue
        matched = _match_from(pattern, text, fragment + 1, candidate)
        if matched is not None:
            return matched
    return None


def _whole(pattern: Pattern, text: _Text) -> Match | None:
    found = []
    after = -1
    for position in text.index.get(pattern.fragments[0][0], ()):
        if position < after:
            continue
        end = _match_from(pattern, text, 0, position)
        if end is not None:
            found.append((position, end))
            after = end
    if not found:
        return None
    start, end = text.span(*found[-1])
    return Match(1.0, len(pattern.words), start, end, len(found))


def _fragment_spans(pattern: Pattern) -> set:
    spans, offset = set(), 0
    for fragment in pattern.fragments:
        spans.add((offset, offset + len(fragment)))
        offset += len(fragment)
    return spans


def weights(patterns) -> dict:
    """How much finding each word says: rare across the catalog's signatures weighs more (idf)."""
    patterns = list(patterns)
    frequency: dict = defaultdict(int)
    for pattern in patterns:
        for word in set(pattern.words):
            frequency[word] += 1
    return {word: math.log(1 + len(patterns) / count) for word, count in frequency.items()}


def _partial(pattern: Pattern, text: _Text, weight: dict) -> Match | None:
    expected = pattern.words
    if len(expected) < MIN_PARTIAL_WORDS:
        return None
    distinct = set(expected)
    present = [word for word in distinct if word in text.index]
    if len(present) < 0.5 * len(distinct):
        return None
    anchors = sorted((len(text.index[word]), word) for word in present if word not in _STOPWORDS and len(word) > 2)
    if not anchors:
        return None
    reach = sum(pattern.gaps) + 4
    windows: dict = {}
    for _count, anchor in anchors[:3]:
        offsets = [i for i, word in enumerate(expected) if word == anchor][:3]
        for position in reversed(text.index[anchor][-_MAX_WINDOWS:]):
            for offset in offsets:
                first = max(0, position - offset - reach)
                last = min(len(text.words), position + len(expected) - offset + reach)
                windows.setdefault(tuple(text.words[first:last]), first)
            if len(windows) >= _MAX_WINDOWS:
                break
    fragments = _fragment_spans(pattern)
    value = [weight.get(word, 1.0) for word in expected]
    codes = {i for i, word in enumerate(expected) if _CODE.fullmatch(word)}
    best = None
    for window, first in windows.items():
        blocks = difflib.SequenceMatcher(None, expected, window, autojunk=False).get_matching_blocks()
        counted = [b for b in blocks if b.size and (b.size >= MIN_BLOCK or (b.a, b.a + b.size) in fragments)]
        if codes - {i for b in counted for i in range(b.a, b.a + b.size)}:
            continue          # a (403) is no (404): every error code of the signature must be there
        found = sum(sum(value[b.a:b.a + b.size]) for b in counted)
        if counted and (best is None or found > best[0] or (found == best[0] and first > best[1])):
            best = (found, first, counted, sum(b.size for b in counted))
    if best is None:
        return None
    coverage = best[0] / sum(value)
    if coverage < MIN_COVERAGE:
        return None
    counted = best[2]
    start, end = text.span(counted[0].b + best[1], counted[-1].b + counted[-1].size + best[1])
    return Match(round(PARTIAL_WEIGHT * coverage, 3), best[3], start, end, 1)


def match_signature(signature: dict, text: _Text, weight: dict | None = None) -> Match | None:
    """Whole match of one catalog signature in the text, else a partial one, else None."""
    pattern = _pattern(signature)
    return _whole(pattern, text) or _partial(pattern, text, weight or {})


def _code_query(text: str, entries) -> list | None:
    """Entries documenting the error code that ``text`` consists of, or None."""
    found = words(text)
    rest = [word for word in found if word not in _CODE_WORDS]
    if not found or len(found) > 4 or len(rest) != 1:
        return None
    hits = [e for e in entries if any(words(code) == rest for code in e.error_codes)]
    return hits or None


def _excerpt(text: str, start: int, end: int) -> str:
    shown = " ".join(text[start:end].split())
    return shown if len(shown) <= _EXCERPT else shown[:_EXCERPT - 3] + "..."


def _result(entry, score: float, signature: str, lang: str, matched_text: str, occurrences: int) -> dict:
    result = {
        "id": entry.id,
        "title": entry.title,
        "product": entry.product,
        "node_roles": list(entry.node_roles),
        "automation": entry.automation,
        "score": score,
        "matched_signature": signature,
        "matched_lang": lang,
        "matched_text": matched_text,
        "occurrences": occurrences,
        "cause": " ".join(entry.cause.split()),
        "resolution": [" ".join(step.split()) for step in entry.resolution],
        "runbook": entry.runbook,
    }
    if entry.fix:
        result["fix"] = {key: entry.fix[key] for key in ("module", "playbook") if key in entry.fix}
    return result


def select(entries=None, products=None) -> tuple:
    """The catalog entries, restricted to ``products`` (a name or a list of names)."""
    entries = _catalog.load() if entries is None else entries
    if products in (None, "", []):
        return tuple(entries)
    wanted = [products] if isinstance(products, str) else list(products)
    unknown = [p for p in wanted if p not in _catalog.PRODUCTS]
    if unknown:
        raise ValueError(f"unknown product(s) {unknown}: choose from {', '.join(_catalog.PRODUCTS)}")
    return tuple(e for e in entries if e.product in wanted)


def explain(text, entries=None, products=None, limit: int | None = None, min_score: float = 0.0) -> list[dict]:
    """Return the entries whose signatures ``text`` contains, best first.

    ``text`` is a string or a list of lines. Each result names the entry, its score, the
    signature that matched (as the catalog writes it), the matched part of the text (its most
    recent occurrence), how often it occurred, the documented cause and resolution, and the
    runbook. Ties go to the entry with more of its documented words found.
    """
    if text is None:
        return []
    if isinstance(text, (list, tuple)):
        text = "\n".join(str(line) for line in text)
    if not isinstance(text, str):
        raise TypeError(f"explain expects text or a list of lines, got {type(text).__name__}")
    text = text[-MAX_TEXT:]
    everything = _catalog.load() if entries is None else tuple(entries)
    chosen = select(everything, products)

    coded = _code_query(text, chosen)
    if coded is not None:
        results = [_result(e, CODE_SCORE, f"error code {' '.join(words(text))}", "en", " ".join(text.split()), 1)
                   for e in coded]
        return [r for r in results if r["score"] >= min_score][:limit]

    prepared = _Text(text)
    weight = _weights_of(everything)
    ranked = []
    for entry in chosen:
        matches = []
        for signature in entry.signatures:
            found = match_signature(signature, prepared, weight)
            if found is not None:
                matches.append((found, signature))
        if not matches:
            continue
        best, signature = max(matches, key=lambda pair: (pair[0].score, pair[0].words, pair[0].end))
        total = sum(found.words for found, _signature in matches)
        result = _result(entry, best.score, " ".join(signature["text"].split()), signature.get("lang", "en"),
                         _excerpt(text, best.start, best.end), best.occurrences)
        ranked.append(((-best.score, -best.words, -total, -best.end, entry.id), result))
    ranked.sort(key=lambda pair: pair[0])
    results = [result for _key, result in ranked if result["score"] >= min_score]
    return results[:limit] if limit else results
