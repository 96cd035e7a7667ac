"""kg.guard decides as it did before its scanner was made cheap to compile (issue 11).

The reference is the guard as first written (``tests/guard_reference.py``: the grammar's
Unicode classes in its regular expressions, 0.02–0.09 s to compile on every ``kg query`` whose
text holds the word "service"). kg.guard now folds every code point above U+00FF onto a
Latin-1 representative of its class and scans with classes over Latin-1. Checked here: every
code point is in the same classes as its representative; the scanner finds the same token
ends at every position of random texts; and the verdict (the form, or the refusal's message)
is the same on every catalogue query, on the hostile queries of the safety tests and on
thousands of random and mutated texts.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import guard_reference as ref
import pytest
from hostile_queries import ALLOWED, REFUSED, SERVICE_CALLS

from kg import guard
from kg.errors import QueryError

ROOT = Path(__file__).resolve().parent.parent

#: (class as the reference writes it, the same class as kg.guard writes it)
CLASSES = [
    (f"[{ref._BASE}]", f"[{guard._BASE}]"),
    (f"[{ref._BASE}_0-9]", f"[{guard._BASE}_0-9]"),
    (f"[{ref._BASE}_0-9\u00b7\u0300-\u036f\u203f-\u2040]", f"[{guard._BASE}_0-9\u00b7]"),
    (f"[{ref._CHARS}]", f"[{guard._CHARS}]"),
    (f"[{ref._CHARS}.]", f"[{guard._CHARS}.]"),
    (f"[{ref._CHARS}:]", f"[{guard._CHARS}:]"),
    (f"[{ref._CHARS}:.]", f"[{guard._CHARS}:.]"),
    (f"[{ref._BASE}_:0-9]", f"[{guard._BASE}_:0-9]"),
]

#: Code points at the edges of the grammar's classes, and others a query may hold.
EDGES = [chr(c) for c in (
    0xAA, 0xB5, 0xB7, 0xBF, 0xC0, 0xD6, 0xD7, 0xD8, 0xF6, 0xF7, 0xF8, 0xFF, 0x100, 0x130, 0x2FF, 0x300, 0x36F,
    0x370, 0x37D, 0x37E, 0x37F, 0x1FFF, 0x2000, 0x200B, 0x200C, 0x200D, 0x200E, 0x2026, 0x203F, 0x2040, 0x2041,
    0x206F, 0x2070, 0x218F, 0x2190, 0x2BFF, 0x2C00, 0x2FEF, 0x2FF0, 0x3000, 0x3001, 0xD7FF, 0xD800, 0xDFFF,
    0xE000, 0xF8FF, 0xF900, 0xFDCF, 0xFDD0, 0xFDEF, 0xFDF0, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x1F600, 0xEFFFF,
    0xF0000, 0x10FFFF,
)]

#: Pieces of random texts: the keyword in several spellings and escapes, and every character
#: the scanner treats apart.
PIECES = [
    "service", "SERVICE", "SeRvIcE", "servicesilent", "\\u0053ERVICE", "\\u0073", "\\U00000053", "serv", "ice",
    "<", ">", "<http://x/>", "#", "\n", "\r", " ", "\t", "'", '"', "'''", '"""', "\\", "\\'", '\\"', "\\n",
    ":", ".", "..", "_:", "_", "?", "$", "-", "%2F", "%", "\\.", "\\-", "{", "}", "(", ")", ";", ",", "*", "=",
    "ex", "ex:", "a", "Z", "0", "9", "1<2", "FILTER", "SELECT", "PREFIX", "GRAPH",
] + EDGES

#: The hostile queries of the safety tests and their look-alikes (tests/hostile_queries.py), and
#: more that test the classes of code points the guard folds.
HOSTILE = [
    *REFUSED,
    *(query for query, _ in ALLOWED),
    *(call.replace("{port}", "9") for call in SERVICE_CALLS),
    "SELECT * WHERE { ?s ?p ex:\u00e9\u0300service <http://x/> {} }",
    "SELECT * WHERE { ?s ?p ex:a\u00d7SERVICE <http://x/> {} }",
    "SELECT * WHERE { ?s ?p ex:a\u2190SERVICE <http://x/> {} }",
    "SELECT * WHERE { ?\u4e2d\u00b7SERVICE ?p ?o }",
    "SELECT * WHERE { ?s ?p _:b\u203f.SERVICE <http://x/> {} }",
    "SELECT * WHERE { ?s ?p '''x''''SERVICE <http://x/> {} }",
    'SELECT * WHERE { ?s ?p """x"""" SERVICE <http://x/> {} }',
    "SELECT * WHERE { ?s ?p 'x\\'SERVICE' }",
    "SELECT * WHERE { ?s ?p ex:\u00e9service }",
    "SELECT * WHERE { ?s ?p \"\u4e2d\u6587 service\" }",
]


def _verdict(check: object, text: str) -> str:
    try:
        return check(text)  # type: ignore[operator, no-any-return]
    except QueryError as exc:
        return f"refused: {exc}"


def _catalogue() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").rglob("*.rq"))]
    assert len(texts) > 50
    return texts


def test_every_code_point_is_in_the_same_classes_as_its_representative() -> None:
    every = "".join(chr(c) for c in range(0x110000))  # lone surrogates included: a str may hold them
    folded = guard._representatives(every)
    assert len(folded) == len(every) and folded[:0x100] == every[:0x100]
    assert set(folded[0x100:]) == {guard._IN_BASE, guard._IN_EXTRA, guard._IN_NONE}
    for first, now in CLASSES:
        assert [m.start() for m in re.finditer(first, every)] == [m.start() for m in re.finditer(now, folded)], first


def test_the_remembered_code_points_stay_few() -> None:
    guard._representatives("".join(chr(c) for c in range(0x4E00, 0x4E00 + 3 * guard._KEPT)))
    assert len(guard._REPRESENTATIVES) <= guard._KEPT


def test_the_scanner_finds_the_same_token_ends_everywhere() -> None:
    rng = random.Random(15)
    for _ in range(1500):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30))) + " "
        folded = guard._representatives(text)
        for pos in range(len(text)):
            assert guard._token_ends(folded, pos) == ref._token_ends(text, pos), (text, pos)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_get_the_same_verdict(text: str) -> None:
    assert _verdict(guard.check_read_only_query, text) == _verdict(ref.check_read_only_query, text)


def test_catalogue_queries_get_the_same_verdict() -> None:
    for text in _catalogue():
        assert _verdict(guard.check_read_only_query, text) == _verdict(ref.check_read_only_query, text), text[:200]


def test_random_texts_get_the_same_verdict() -> None:
    rng = random.Random(9)
    refused = 0
    for _ in range(4000):
        head = rng.choice(["", "", "PREFIX ex: <http://e/>\n", "BASE <http://e/> ", "# c\n"])
        form = rng.choice(["SELECT * WHERE { ", "ASK { ", "CONSTRUCT { ?s ?p ?o } WHERE { ", "select*{", ""])
        text = head + form + "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        verdict = _verdict(guard.check_read_only_query, text)
        assert verdict == _verdict(ref.check_read_only_query, text), text
        refused += verdict.startswith("refused: SERVICE")
    assert refused > 200  # the texts do reach the scanner's refusals, not only the form check


def test_mutated_catalogue_queries_get_the_same_verdict() -> None:
    texts = [t for t in _catalogue() if len(t) < 4000]
    rng = random.Random(17)
    verdicts = set()
    for _ in range(600):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.3:
                text = text[:at] + text[at + rng.randint(1, 8):]  # cut
            else:
                text = text[:at] + rng.choice(PIECES) + text[at:]  # insert
        verdict = _verdict(guard.check_read_only_query, text)
        assert verdict == _verdict(ref.check_read_only_query, text), text
        verdicts.add(verdict.split(",")[0][:40])
    assert len(verdicts) >= 4  # allowed forms and several kinds of refusal were met
