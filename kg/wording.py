"""Grade how strongly a treaty provision commits, from its wording alone.

Used to give every paragraph of the Agreement on Electronic Commerce (INF/ECOM/87) its
``jsi:commitmentStrength`` and ``jsi:qualifier`` values; stdlib only, no I/O.

The rule
--------
1. A definition carries no commitment: a text that opens with "For the purposes of …"
   and then defines a quoted term ("…" means / include(s) / has the meaning) grades None.
2. Some words are set aside before looking for the operative verb phrase, because they
   do not commit anyone:

   * saving clauses, which say what the text does *not* require: "Nothing in this
     Agreement shall prevent / preclude / be construed …", "No Party shall be
     required …", "… shall not be construed …";
   * what the parties recognise: the clause after "recognize that" / "acknowledge
     that" / "affirm that" (to the end of the sentence), and after a leading
     "Recognizing that" / "Noting that" (up to the main clause's ", each Party" or
     ", the Parties"), so that "recognize that developing … Parties may require …"
     is a recognition, not a permission;
   * "as may be available to it", a qualifier, not a permission.
3. The operative verb phrases of the parties are, from strongest to weakest:

   * binding: "shall" and "shall not", "may not" (a prohibition), "agree(s) to", and
     "will" (the Annex keeps the WTO Reference Paper's "will be ensured" wording, and
     Article 21.2 makes it an obligation);
   * best-endeavour: "shall endeavour", "shall seek to", "shall make (every) effort(s)",
     also with a comma-enclosed phrase after "shall" ("shall, as appropriate,
     endeavour") -- never binding;
   * hortatory: "should";
   * encouraged: "is encouraged" / "are encouraged";
   * voluntary: "may", "on a voluntary basis";
   * recognition: "recognize/recognise", "acknowledge", "affirm/reaffirm" and their
     -s/-ing forms.
4. The strongest operative phrase found anywhere in the text governs it: a paragraph
   that recognises something and then says "each Party shall endeavour" is
   best-endeavour. A text with none of these phrases grades None.
5. Qualifiers are the softening phrases of ``QUALIFIERS`` found in the text, kept
   verbatim (case as written), in order of appearance, the longest one where two
   overlap. They are collected only when the text carries a commitment.

Example
-------
>>> g = grade_commitment("Each Party shall endeavour, as appropriate, to share best "
...                      "practices relating to electronic invoicing.")
>>> g.strength, g.qualifiers, g.phrase
('best-endeavour', ('as appropriate',), 'shall endeavour')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Grading", "grade_commitment", "STRENGTHS", "RANK", "STRENGTH_TERMS", "QUALIFIERS"]

#: Strength keys, strongest first.
STRENGTHS: tuple[str, ...] = (
    "binding",
    "best-endeavour",
    "hortatory",
    "encouraged",
    "voluntary",
    "recognition",
)

#: The rank of each strength (``jsi:rank`` of the ontology's value; higher is stronger).
RANK: dict[str, int] = {key: len(STRENGTHS) - 1 - i for i, key in enumerate(STRENGTHS)}

#: The local name, in the ``jsi:`` namespace, of each strength's individual.
STRENGTH_TERMS: dict[str, str] = {
    "binding": "Binding",
    "best-endeavour": "BestEndeavour",
    "hortatory": "Hortatory",
    "encouraged": "Encouraged",
    "voluntary": "Voluntary",
    "recognition": "Recognition",
}

#: Softening phrases looked for in a text (matched case-insensitively, any whitespace).
QUALIFIERS: tuple[str, ...] = (
    "except in circumstances otherwise provided for under its laws or regulations",
    "except in circumstances otherwise provided for under its laws",
    "to the extent provided for under its laws or regulations",
    "in accordance with its laws and regulations",
    "in accordance with its laws or regulations",
    "subject to its laws and regulations",
    "subject to its laws or regulations",
    "to the extent practicable",
    "to the extent possible",
    "to the extent applicable",
    "within its available resources",
    "such reasonable measures as may be available to it",
    "where relevant and appropriate",
    "where appropriate",
    "as appropriate",
    "as it considers appropriate",
    "where possible",
    "in appropriate cases",
    "on a voluntary basis",
    "where mutually decided",
    "on mutually agreed terms",
    "in a position to do so",
)


@dataclass(frozen=True)
class Grading:
    """The commitment strength of a text and the qualifiers that soften it.

    Attributes
    ----------
    strength : str or None
        One of ``STRENGTHS`` ('binding', 'best-endeavour', 'hortatory', 'encouraged',
        'voluntary', 'recognition'), or None when the text carries no commitment.
    qualifiers : tuple of str
        The qualifiers found, verbatim, in order of appearance (empty when none, and
        always empty when ``strength`` is None).
    phrase : str or None
        The operative phrase that governs, as written (first occurrence of the
        strongest kind), or None.
    """

    strength: str | None
    qualifiers: tuple[str, ...] = ()
    phrase: str | None = None


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.DOTALL)


_DEFINITION = _rx(r"^\s*For the purposes of [^:,]*[:,]\s*(?:\([a-z]\)\s*)?[\"\u201c][^\"\u201d]+[\"\u201d]\s+"
                  r"(?:means|includes?|has the meaning)\b")

_SAVING = (
    _rx(r"\bnothing in [^.;]*?\bshall (?:be construed|prevent|preclude|prohibit)\b"),
    _rx(r"\bno Party shall be required\b"),
    _rx(r"\bshall not be construed\b"),
    _rx(r"\bas may be available\b"),
)

# Only the content of the that-clause is set aside; the verb itself still counts.
_FINITE_THAT = _rx(r"\b(?:recogni[sz]es?|acknowledges?|affirms?|reaffirms?)\s+that\b(.*?)(?:\.(?=\s+[A-Z])|$)")
_PARTICIPLE_THAT = _rx(
    r"\b(?:Recogni[sz]ing|Acknowledging|Noting)\s+that\b(.*?)(?=,\s+(?:each |every |no |a |the |any )?Part(?:y|ies)\b)"
)

# (strength, patterns) strongest first; best endeavour is looked for before "shall".
_BEST_ENDEAVOUR = _rx(r"\bshall\s*(?:,[^,;.]{1,60},\s*)?(?:endeavou?r|seek to|make (?:every )?efforts?)\b")
_LEVELS: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    ("binding", (_rx(r"\bshall\b"), _rx(r"\bmay not\b"), _rx(r"\bagrees? to\b"), _rx(r"\bwill\b"))),
    ("best-endeavour", (_BEST_ENDEAVOUR,)),
    ("hortatory", (_rx(r"\bshould\b"),)),
    ("encouraged", (_rx(r"\b(?:is|are)\s+(?:also\s+)?encouraged\b"),)),
    ("voluntary", (_rx(r"\bmay\b"), _rx(r"\bon a voluntary basis\b"))),
    ("recognition", (_rx(r"\b(?:re)?(?:recogni[sz](?:e|es|ing)|acknowledg(?:e|es|ing)|affirm(?:s|ing)?)\b"),)),
)

_QUALIFIER_RX = tuple(_rx(r"\b" + r"\s+".join(re.escape(w) for w in q.split()) + r"\b") for q in QUALIFIERS)


def _blank(text: str, start: int, end: int) -> str:
    """Replace ``text[start:end]`` by spaces (positions are kept)."""
    return text[:start] + " " * (end - start) + text[end:]


def _set_aside(text: str) -> str:
    """Blank out saving clauses and recognised that-clauses (rule step 2)."""
    for rx in _SAVING:
        for m in list(rx.finditer(text)):
            text = _blank(text, m.start(), m.end())
    for rx in (_FINITE_THAT, _PARTICIPLE_THAT):
        for m in list(rx.finditer(text)):
            text = _blank(text, m.start(1), m.end(1))
    return text


def _qualifiers(text: str) -> tuple[str, ...]:
    spans: list[tuple[int, int]] = []
    for rx in _QUALIFIER_RX:
        for m in rx.finditer(text):
            spans.append((m.start(), m.end()))
    # keep the longest of overlapping spans, then report them in text order
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    kept: list[tuple[int, int]] = []
    for s in spans:
        if all(s[1] <= k[0] or s[0] >= k[1] for k in kept):
            kept.append(s)
    found: list[str] = []
    for start, end in sorted(kept):
        words = " ".join(text[start:end].split())
        if words not in found:
            found.append(words)
    return tuple(found)


def grade_commitment(text: str) -> Grading:
    """Grade the commitment of a provision's wording by the rule of this module.

    Parameters
    ----------
    text : str
        The wording of a paragraph, sub-paragraph or article, verbatim.

    Returns
    -------
    Grading
        ``strength`` is the strongest operative verb phrase found ('binding' for
        "shall"/"shall not", 'best-endeavour' for "shall endeavour", 'hortatory' for
        "should", 'encouraged' for "is/are encouraged", 'voluntary' for "may",
        'recognition' for "recognize"/"acknowledge"), or None for a definition, a
        saving clause or any text without an operative phrase; ``qualifiers`` are the
        softening phrases of ``QUALIFIERS`` found verbatim; ``phrase`` is the
        governing phrase as written.

    Examples
    --------
    >>> grade_commitment("Each Party shall, within its available resources, establish or "
    ...                  "maintain an enquiry point or points").strength
    'binding'
    >>> grade_commitment('For the purposes of this Article, "personal data" means any '
    ...                  'information relating to an identified or identifiable natural person.')
    Grading(strength=None, qualifiers=(), phrase=None)
    """
    if _DEFINITION.search(text):
        return Grading(None)
    work = _set_aside(text)
    # "shall endeavour" must not be read as "shall": find it, then blank it out.
    endeavours = list(_BEST_ENDEAVOUR.finditer(work))
    for m in endeavours:
        work = _blank(work, m.start(), m.end())
    for strength, patterns in _LEVELS:
        if strength == "best-endeavour":
            hits = [(m.start(), m.group(0)) for m in endeavours]
        else:
            hits = [(m.start(), m.group(0)) for rx in patterns for m in rx.finditer(work)]
        if hits:
            phrase = " ".join(min(hits)[1].split())
            return Grading(strength, _qualifiers(text), phrase)
    return Grading(None)
