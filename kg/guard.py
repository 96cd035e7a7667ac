"""The one decision on what a SPARQL query may do: read the local graph, nothing else.

:func:`check_read_only_query` is called by ``kg sparql``, ``kg query`` (both engines) and
the endpoint before a query runs. It returns the query's form (``select``, ``ask``,
``construct``, ``describe``) and raises :class:`kg.errors.QueryError` for anything else.

What can make Oxigraph (pyoxigraph 0.5) open a connection or a file
---------------------------------------------------------------------
Measured with a listener on a loopback port (``tests/test_safety.py``):

* ``SERVICE`` (and ``SERVICE SILENT``): an HTTP request. pyoxigraph has no switch to turn
  the service handler off, and does not expose its parser, so the refusal is decided here.
* ``FROM`` / ``FROM NAMED``: Oxigraph only selects graphs of the store (no connection);
  rdflib fetches them, so :mod:`kg.rdflib_store` refuses a dataset clause, decided from
  rdflib's own parse of the query.
* ``LOAD`` and every other update: ``Store.query`` parses a query, never an update; an
  update is refused here as "not a query" before it gets there.

Why the refusal of SERVICE is sound (fails closed)
--------------------------------------------------
Oxigraph's parser (spargebra 0.4, a PEG) recognises the keyword with an ASCII
case-insensitive match of the seven letters ``SERVICE`` at the start of a token, with
nothing required after them (``SERVICESILENT`` is accepted) and no escape processing
(``\\u0053ERVICE`` is not a keyword; both readings are checked anyway).

1. If the query text does not contain ``service`` in any ASCII case, no parse can hold
   the keyword: accepted at once (the common case, a few microseconds).
2. Otherwise the text is scanned with the grammar's terminals as Oxigraph lexes them
   (IRIREF, the four string forms with ECHAR/UCHAR, ``#`` comments to the end of the
   line, variables, prefixed names, blank node labels) and the set of every position at
   which *some* reading can start a token is computed, exploring every reading where the
   grammar is ambiguous without context: ``<`` is both an IRI opening and the operator
   (the attack of issue 9: ``FILTER(1<2)SERVICE#>``), a prefixed name may end at any of
   its dots (Oxigraph stops at the second dot group, the W3C grammar does not), ``\"\"\"``
   may open a long string or an empty short one, and every letter inside a bare word
   counts as a token start (Oxigraph's keywords need no word boundary). A reading that
   reaches an unterminated string dies; any other character is a one-character token.
   Oxigraph's own parse is one of these readings, so if no reachable position starts
   with ``service`` there is no SERVICE keyword. If one does, or no reading reaches the
   end, the query is refused. Only the prologue (``BASE``/``PREFIX`` declarations) is
   read without that ambiguity, because the grammar allows only IRIs there. The scan has
   a budget of 2 s; past it the query is refused.
3. The scan reads the text with every code point above U+00FF replaced by a Latin-1
   representative of its class (same length, ASCII untouched): ``À`` for PN_CHARS_BASE,
   ``·`` for the rest of PN_CHARS (U+0300–U+036F, U+203F–U+2040), ``×`` for any other. The
   terminals above tell such a code point from another only by these classes (the string
   and IRI forms exclude ASCII characters alone), so the folded text has exactly the
   readings of the original, position for position, and ``service`` at the same places.
   This lets the patterns use classes over Latin-1, which ``re`` compiles in about 1 ms
   (the grammar's Unicode classes took 0.02–0.09 s on every such query, issue 11).
   ``tests/test_guard_reference.py`` checks it against the scanner as first written
   (every code point; the same verdict on the catalogue, hostile and random texts).

The price of failing closed: the word "service" inside an IRI written in full
(``<http://x/service>``) is refused; declare a prefix for it in the prologue
(``PREFIX svc: <http://x/service/>``) or use a string. In strings, variables and
prefixed names the word is fine.
"""

from __future__ import annotations

import re
import time

from kg.errors import QueryError

__all__ = ["QUERY_FORMS", "check_read_only_query"]

#: Oxigraph compares keywords ASCII-only; lowering other letters could change the length.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
#: Wall-clock budget of the scan (it is linear in practice; a crafted query cannot make it hang).
_BUDGET_SECONDS = 2.0

_UPDATES = {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}

#: The query forms that may run.
QUERY_FORMS = ("select", "ask", "construct", "describe")

#: Only for the message of a refusal, so compiled only then.
_FULL_IRI_WITH_SERVICE = r"<[a-z][a-z0-9+.-]*:[^<>\"{}|^`\\\s]*service[^<>\"{}|^`\\\s]*>"
_REFUSED = "SERVICE (a federated query) is refused: kg answers from the local graph only, offline"
_WS = " \t\r\n"
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SPACE = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)*")
_IRIREF = re.compile(r"<[^>]*>")
_ECHAR = r"""\\[tbnrf"'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"""
#: PN_CHARS_BASE (SPARQL 1.1 §19.8) as the grammar writes it, read by :func:`_representatives`.
_BASE_RANGES = (
    (0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2FF), (0x370, 0x37D), (0x37F, 0x1FFF),
    (0x200C, 0x200D), (0x2070, 0x218F), (0x2C00, 0x2FEF), (0x3001, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFFD),
    (0x10000, 0xEFFFF),
)
#: What PN_CHARS adds to PN_CHARS_BASE beyond ASCII: U+00B7, U+0300–U+036F, U+203F–U+2040.
_EXTRA_RANGES = ((0xB7, 0xB7), (0x300, 0x36F), (0x203F, 0x2040))
#: The representatives, in Latin-1: of PN_CHARS_BASE, of the rest of PN_CHARS, of neither.
_IN_BASE, _IN_EXTRA, _IN_NONE = "\u00c0", "\u00b7", "\u00d7"
# The terminals' classes restricted to Latin-1 (the scanned text is folded onto it first):
# re compiles a class of code points below 256 as a 256-bit map at once, whereas the grammar's
# classes, with their BMP ranges, made it fill a map of all 65,536 BMP code points in Python
# (about 0.06 s for the scanner's patterns).
_BASE = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
_CHARS = _BASE + "_0-9\u00b7\\-"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# In the prologue a prefix name is followed by ':' and then an IRI: a looser pattern is enough.
_PROLOGUE_PREFIX = re.compile(r"[^\s:<>#]*:")


#: How many code points :data:`_REPRESENTATIVES` remembers (a long-lived endpoint worker
#: must not keep one entry per code point a client ever sent).
_KEPT = 4096


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= code <= hi for lo, hi in ranges)


class _Representatives(dict[int, str]):
    """For :meth:`str.translate`: each code point above U+00FF to the representative of its
    class; Latin-1 stays as it is. The first :data:`_KEPT` code points met are remembered."""

    def __missing__(self, code: int) -> str:
        if code < 0x100:
            rep = chr(code)
        elif _in(code, _BASE_RANGES):
            rep = _IN_BASE
        elif _in(code, _EXTRA_RANGES):
            rep = _IN_EXTRA
        else:
            rep = _IN_NONE
        if len(self) < _KEPT:
            self[code] = rep
        return rep


_REPRESENTATIVES = _Representatives()


def _representatives(text: str) -> str:
    """``text`` with each code point above U+00FF replaced by its class's representative (same
    length). Each class of the terminals holds a code point if and only if it holds the
    code point's representative (``tests/test_guard_reference.py`` checks every code point),
    so the scanner reads both texts alike, position for position."""
    return text if text.isascii() else text.translate(_REPRESENTATIVES)


class _Terminals:
    """The grammar's terminals over Latin-1 (on a text folded by :func:`_representatives`),
    compiled on first use only: about 1 ms, which a query without the word "service" never
    pays (with the grammar's Unicode classes it was about 0.06 s)."""

    def __init__(self) -> None:
        self.comment = re.compile(r"#[^\r\n]*")
        self.strings = (
            re.compile(r"'''(?:(?:''|')?(?:[^'\\]|" + _ECHAR + r"))*'''"),
            re.compile(r'"""(?:(?:""|")?(?:[^"\\]|' + _ECHAR + r'))*"""'),
            re.compile(r"'(?:[^'\\\n\r]|" + _ECHAR + r")*'"),
            re.compile(r'"(?:[^"\\\n\r]|' + _ECHAR + r')*"'),
        )
        self.varname = re.compile(f"[{_BASE}_0-9][{_BASE}_0-9\u00b7]*")
        self.pn_prefix = re.compile(f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?")
        self.pn_local = re.compile(f"(?:[{_CHARS}:]|{_PLX})(?:[{_CHARS}:.]|{_PLX})*")
        self.local_first = re.compile(f"[{_BASE}_:0-9]|{_PLX}")
        self.blank = re.compile(f"_:[{_CHARS}](?:[{_CHARS}.]*[{_CHARS}])?")


_terminals: _Terminals | None = None


def _t() -> _Terminals:
    global _terminals
    if _terminals is None:
        _terminals = _Terminals()
    return _terminals


def _unescape(text: str) -> str:
    """The text with ``\\uXXXX`` escapes decoded, as SPARQL 1.1 §19.2 would read it."""

    def decode(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)

    return _UCHAR.sub(decode, text)


def _skip_prologue(text: str) -> tuple[int, str]:
    """The position after the prologue, and the lower-cased form keyword that follows."""
    pos = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    while True:
        word = _WORD.match(text, pos)
        keyword = word.group(0).lower() if word else ""
        if keyword == "base":
            after = _SPACE.match(text, word.end()).end()  # type: ignore[union-attr]
            iri = _IRIREF.match(text, after)
            if not iri:
                raise QueryError(f"invalid SPARQL: BASE must be followed by an IRI in <...>, at offset {after}")
            pos = _SPACE.match(text, iri.end()).end()  # type: ignore[union-attr]
        elif keyword == "prefix":
            after = _SPACE.match(text, word.end()).end()  # type: ignore[union-attr]
            name = _PROLOGUE_PREFIX.match(text, after)
            if not name:
                raise QueryError(f"invalid SPARQL: PREFIX must be followed by a name and ':', at offset {after}")
            after = _SPACE.match(text, name.end()).end()  # type: ignore[union-attr]
            iri = _IRIREF.match(text, after)
            if not iri:
                raise QueryError(f"invalid SPARQL: the PREFIX {name.group(0)} must be followed by an IRI in <...>")
            pos = _SPACE.match(text, iri.end()).end()  # type: ignore[union-attr]
        else:
            return pos, keyword


def _token_ends(text: str, pos: int) -> list[int]:
    """Every end of a token that some reading of the grammar can start at ``pos``.

    An empty list means that no reading can go on from here (an unterminated string).
    """
    ch = text[pos]
    if ch in _WS:
        return [pos + 1]
    if ch == "#":
        return [_t().comment.match(text, pos).end()]  # type: ignore[union-attr]
    if ch == "<":
        iri = _IRIREF.match(text, pos)
        return [pos + 1, iri.end()] if iri else [pos + 1]
    if ch in "'\"":
        ends = [m.end() for m in (r.match(text, pos) for r in _t().strings) if m]
        return ends
    if ch in "?$":
        var = _t().varname.match(text, pos + 1)
        return [var.end()] if var else [pos + 1]
    if ch == "_" and text.startswith("_:", pos):
        label = _t().blank.match(text, pos)
        if label:
            return _dot_ends(text, pos + 2, label.end())
    prefix = _t().pn_prefix.match(text, pos)
    if ch == ":" or (prefix and text.startswith(":", prefix.end())):
        colon = pos if ch == ":" else prefix.end()  # type: ignore[union-attr]
        # Keywords need no boundary: every letter of the prefix may also start a token.
        ends = [] if ch == ":" else [pos + 1]
        local = _t().pn_local.match(text, colon + 1)
        if not local or not _t().local_first.match(text, colon + 1):
            return [*ends, colon + 1]  # Oxigraph reads the prefix alone, then goes on
        end = local.end()
        while text[end - 1] == "." and text[end - 2 : end] != "\\.":
            end -= 1  # a local name cannot end with a dot
        return [*ends, *_dot_ends(text, colon + 1, end)]
    # Anything else, a letter of a bare word included (keywords need no boundary), is
    # one character long for this purpose.
    return [pos + 1]


def _dot_ends(text: str, start: int, end: int) -> list[int]:
    """The end of a name, and every place before one of its dots where a reading may stop."""
    ends = {end}
    for i in range(start + 1, end):
        if text[i] == "." and text[i - 1] != "\\":
            ends.add(i)
    return sorted(ends)


def _may_hold_service(text: str, start: int) -> str | None:
    """Why ``text[start:]`` may hold the keyword: ``"service"`` when some reading starts a
    token with it, ``"unreadable"`` when no reading reaches the end; ``None`` when free of it."""
    text = _representatives(text)  # same length, and read alike (see there)
    lowered = text.translate(_ASCII_LOWER)  # same length: positions stay aligned with text
    seen = {start}
    todo = [start]
    reached_end = False
    deadline = time.monotonic() + _BUDGET_SECONDS
    steps = 0
    while todo:
        pos = todo.pop()
        if pos >= len(text):
            reached_end = True
            continue
        steps += 1
        if steps % 4096 == 0 and time.monotonic() > deadline:
            return "too complex"
        if lowered.startswith("service", pos):
            return "service"
        for end in _token_ends(text, pos):
            if end not in seen:
                seen.add(end)
                todo.append(end)
    return None if reached_end else "unreadable"


def check_read_only_query(text: str) -> str:
    """Decide whether a query may run: a read of the local graph only.

    Parameters
    ----------
    text : str
        The SPARQL query.

    Returns
    -------
    str
        The query form: ``select``, ``ask``, ``construct`` or ``describe``.

    Raises
    ------
    QueryError
        An update (``INSERT``, ``LOAD`` …), ``SERVICE`` in any spelling Oxigraph accepts,
        or a query that cannot be shown free of ``SERVICE``.

    Examples
    --------
    >>> check_read_only_query('SELECT * WHERE { ?s ?p "service" } # SERVICE')
    'select'
    >>> check_read_only_query("PREFIX ev: <http://127.0.0.1:9/>\\nSELECT * WHERE { FILTER(1<2)SERVICE#>\\nev:s { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SERVICE (a federated query) is refused: kg answers from the local graph only, offline
    """
    pos, form = _skip_prologue(text)
    if form not in QUERY_FORMS:
        found = form.upper() if form else (text[pos : pos + 20].strip() or "nothing")
        if form not in _UPDATES:
            raise QueryError(
                f"invalid SPARQL: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after any PREFIX "
                f"and BASE), found {found!r}"
            )
        raise QueryError(
            f"only SELECT, ASK, CONSTRUCT and DESCRIBE queries run here, found {found!r}: "
            "updates (INSERT, DELETE, LOAD, CLEAR …) are refused, the graph is read-only"
        )
    for version in {text, _unescape(text)}:
        why = _may_hold_service(version, pos) if "service" in version.translate(_ASCII_LOWER) else None
        if why == "too complex":
            raise QueryError(
                f"the query contains the word 'service' and is too intricate to be shown free of SERVICE within "
                f"{_BUDGET_SECONDS:g} s: refused"
            )
        if why == "unreadable":
            raise QueryError(
                "the query contains the word 'service' and cannot be read to the end (an unterminated "
                "string?), so it cannot be shown free of SERVICE: refused"
            )
        if why:
            if re.search(_FULL_IRI_WITH_SERVICE, version, re.IGNORECASE):
                raise QueryError(
                    _REFUSED + "; the word 'service' inside a full IRI <...> cannot be told from the keyword: "
                    "declare a PREFIX for that IRI in the prologue and write it as prefix:name"
                )
            raise QueryError(_REFUSED)
    return form
