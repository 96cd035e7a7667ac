"""kg.prebind's lexer lexes as the SPARQL character classes it was first written with (issue 11:
its classes are written so that ``re`` compiles them in 1 ms instead of 23 ms)."""

from __future__ import annotations

import random
import re
from pathlib import Path

from kg import prebind

ROOT = Path(__file__).resolve().parent.parent

#: The classes as first written (``\u00C0-\uFFFF`` inside), and as kg.prebind writes them now.
CLASSES = [
    (r"[A-Za-z0-9_\u00B7\u00C0-\uFFFF]", r"(?:[A-Za-z0-9_\u00B7]|" + prebind._U + ")"),
    (r"[A-Za-z\u00C0-\uFFFF]", r"(?:[A-Za-z]|" + prebind._U + ")"),
    (r"[\w\-.\u00B7\u00C0-\uFFFF]", r"(?:[\w\-.\u00B7]|" + prebind._U + ")"),
    (r"[\w\-.:%\u00B7\u00C0-\uFFFF]", r"(?:[\w\-.:%\u00B7]|" + prebind._U + ")"),
    (r"[A-Za-z_\u00C0-\uFFFF]", r"(?:[A-Za-z_]|" + prebind._U + ")"),
    (r"[\w\-\u00C0-\uFFFF]", r"(?:[\w\-]|" + prebind._U + ")"),
]

#: The lexer as first written.
FIRST = re.compile("|".join(f"(?P<{k}>{p})" for k, p in (
    ("comment", r"#[^\n\r]*"),
    ("string", r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
               r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\''),
    ("iri", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    ("var", r"[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+"),
    ("name", r"(?:[A-Za-z\u00C0-\uFFFF][\w\-.\u00B7\u00C0-\uFFFF]*)?:(?:[\w\-.:%\u00B7\u00C0-\uFFFF]|\\.)*"
             r"|[A-Za-z_\u00C0-\uFFFF][\w\-\u00C0-\uFFFF]*"),
    ("space", r"\s+"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*=<>!+\-/|^@a-zA-Z0-9]"),
    ("other", r"."),
)), re.DOTALL)


def _first_tokens(text: str) -> list[tuple[str, str, int]]:
    return [(m.lastgroup or "other", m.group(), m.start()) for m in FIRST.finditer(text)
            if m.lastgroup not in ("space", "comment")]


def test_every_code_point_is_in_the_same_classes() -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    for first, now in CLASSES:
        assert re.findall(first, every) == re.findall(now, every), first


def test_queries_and_random_texts_are_lexed_the_same() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("queries/**/*.r[qu]"))]
    assert len(texts) > 50
    rng = random.Random(11)
    alphabet = list("?$:_-.%\\#<>\"'{}()[];,*=!+/|^@ \n\taZ09") + [
        "\u00aa", "\u00b5", "\u00b7", "\u00bf", "\u00c0", "\u00e9", "\u0300", "\u2040", "\ufffd", "\uffff",
        "\U00010000", "\U0001d400", "\U0001f600", "\U000effff", "\u00d7", "\u037e",
    ]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(20000)]
    for text in texts:
        assert [(t.kind, t.text, t.start) for t in prebind.tokenize(text)] == _first_tokens(text), text
