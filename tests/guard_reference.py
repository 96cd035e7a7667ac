"""kg.guard as it was before issue 11's change (commit cdd3de3): the reference of
tests/test_guard_reference.py. Its terminals use the grammar's Unicode classes as written;
kg.guard now folds the text onto Latin-1 first. Kept unchanged below this docstring (its own
docstring, the soundness argument, is kg.guard's).
"""

from __future__ import annotations

import re
import time

from kg.errors import QueryError  # the same errors, so messages compare

__all__ = ["QUERY_FORMS", "check_read_only_query"]

#: Oxigraph compares keywords ASCII-only; lowering other letters could change the length.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
#: Wall-clock budget of the scan (it is linear in practice; a crafted query cannot make it hang).
_BUDGET_SECONDS = 2.0

_UPDATES = {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}

#: The query forms that may run.
QUERY_FORMS = ("select", "ask", "construct", "describe")

_REFUSED = "SERVICE (a federated query) is refused: kg answers from the local graph only, offline"
_WS = " \t\r\n"
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SPACE = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)*")
_IRIREF = re.compile(r"<[^>]*>")
_ECHAR = r"""\\[tbnrf"'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"""
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS = _BASE + "_0-9\u00b7\u0300-\u036f\u203f-\u2040-"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# In the prologue a prefix name is followed by ':' and then an IRI: a looser pattern is enough.
_PROLOGUE_PREFIX = re.compile(r"[^\s:<>#]*:")


class _Terminals:
    """The grammar's terminals with Unicode classes, compiled on first use only (compiling
    them costs about 0.1 s, which a query without the word "service" never pays)."""

    def __init__(self) -> None:
        self.comment = re.compile(r"#[^\r\n]*")
        self.full_iri_with_service = re.compile(
            r"<[a-z][a-z0-9+.-]*:[^<>\"{}|^`\\\s]*service[^<>\"{}|^`\\\s]*>", re.IGNORECASE
        )
        self.strings = (
            re.compile(r"'''(?:(?:''|')?(?:[^'\\]|" + _ECHAR + r"))*'''"),
            re.compile(r'"""(?:(?:""|")?(?:[^"\\]|' + _ECHAR + r'))*"""'),
            re.compile(r"'(?:[^'\\\n\r]|" + _ECHAR + r")*'"),
            re.compile(r'"(?:[^"\\\n\r]|' + _ECHAR + r')*"'),
        )
        self.varname = re.compile(f"[{_BASE}_0-9][{_BASE}_0-9\u00b7\u0300-\u036f\u203f-\u2040]*")
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
            if _t().full_iri_with_service.search(version):
                raise QueryError(
                    _REFUSED + "; the word 'service' inside a full IRI <...> cannot be told from the keyword: "
                    "declare a PREFIX for that IRI in the prologue and write it as prefix:name"
                )
            raise QueryError(_REFUSED)
    return form
