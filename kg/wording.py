"""Grade how strongly a treaty provision commits, from its wording alone.

Used to give every paragraph of the Agreement on Electronic Commerce (INF/ECOM/87) its
``jsi:commitmentStrength`` and ``jsi:qualifier`` values; stdlib only, no I/O. A grade says
what a Party commits to do; a text that commits no Party to anything grades
'no-commitment' (``jsi:NoCommitment``), so that 'binding' lists real obligations only.
docs/agreement.md explains the rule with its hard cases.

The rule
--------
1. A definition commits no Party: a text that opens with "For the purposes of …" and then
   defines a quoted term ("…" means / include(s) / has the meaning) grades 'no-commitment'.
2. Some words are set aside before looking for the operative verb phrase, because they
   commit no Party to do anything:

   * saving clauses, which say what the text does *not* require: "Nothing in this
     Agreement shall prevent / preclude / be construed …", "No Party shall be
     required …", "… shall not be construed …";
   * what the parties recognise: the clause after "recognize that" / "acknowledge
     that" / "affirm that" (to the end of the sentence), and after a leading
     "Recognizing that" / "Noting that" (up to the main clause's ", each Party" or
     ", the Parties"), so that "recognize that developing … Parties may require …"
     is a recognition, not a permission;
   * "as may be available to it", a qualifier, not a permission;
   * lists of possibilities: "… may include / may involve / may take the form of";
   * rights that the treaty gives, which a Party may use or not: "may" after a single
     Party ("a Party may", "any Party may", "each … Party may"), and "may accept / accede /
     withdraw / amend / request" after any subject;
   * legal effects, which happen to the text or to a Party without anyone acting:
     "shall take effect", "shall enter into force", "shall cease to be a Party", "shall
     take place";
   * a "shall", "will", "may not" or "agree to" whose subject (the words before it, back to
     the last punctuation) is the text itself or a part of it (this Agreement, this
     Article, Article 27, paragraph 3, the Annex, the Dispute Settlement Understanding),
     a legal act or event (an amendment, the withdrawal, acceptance, reservations, the
     interpretation, such obligations, a decision by the Committee), or a body or person
     that is not a Party (the Committee, subsidiary bodies, the Director-General, the WTO
     Secretariat, the General Council, any Member of the WTO or WTO observer): scope
     ("This Agreement shall apply to …"), application of other rules ("Article XX of the
     GATT 1994 … shall apply"), institutional and final clauses.
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
   best-endeavour. A text with none of these phrases left grades 'no-commitment'
   (definitions, saving clauses, scope, rights, legal effects, institutional clauses).
   Only an empty text grades None.
5. Qualifiers are the softening phrases of ``QUALIFIERS`` found in the text, kept
   verbatim (case as written), in order of appearance, the longest one where two
   overlap. They are collected only when the text commits a Party.

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

#: Strength keys, strongest first: the order (``jsi:rank``) and the ``jsi:code`` of the
#: concepts of ``jsi:CommitmentStrengthScheme`` in ontology/jsi.ttl (tests/test_wording.py
#: checks that both say the same).
STRENGTHS: tuple[str, ...] = (
    "binding",
    "best-endeavour",
    "hortatory",
    "encouraged",
    "voluntary",
    "recognition",
    "no-commitment",
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
    "no-commitment": "NoCommitment",
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
        'voluntary', 'recognition', 'no-commitment'), or None for an empty text.
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
    # lists of possibilities
    _rx(r"\bmay (?:include|involve|comprise|take the form)\b"),
    # rights the treaty gives, under any subject
    _rx(r"\bmay,?(?:\s*[^,;.]{1,80},)?\s*(?:accept|accede|withdraw|amend|request)\b"),
    # legal effects
    _rx(r"\b(?:shall|will)\s+(?:take effect|enter into force|cease to be a Party|take place)\b"),
)

#: Subjects of a modal that are not a Party: the text or its parts, legal acts and events,
#: bodies and persons that are not Parties (anchored at the start of the subject).
_NOT_A_PARTY = _rx(
    r"^(?:(?:this|the|that|such)\s+)?(?:Agreement|Articles?|Annex|Sections?|paragraphs?|sub-?paragraphs?)\b"
    r"|^(?:the\s+)?(?:Articles?|paragraphs?|sub-?paragraphs?|Sections?)\s+[0-9IVXL]"
    r"|^(?:the\s+)?Dispute Settlement Understanding\b"
    r"|^(?:an?\s+|any\s+|the\s+|such\s+)?(?:amendments?|withdrawal|acceptance|reservations?|interpretation|obligations)\b"
    r"|^a decision by the Committee\b"
    r"|^(?:the\s+|all\s+|an?\s+)?(?:Committee|subsidiary bodies|Director-General|(?:WTO\s+)?Secretariat|General Council)\b"
    r"|^any (?:Member of the WTO|WTO observer)\b"
)
#: A single Party as the subject of "may": a right it may use, not a commitment.
_ONE_PARTY = _rx(r"^(?:a|any|each|the|that|such)\b[^,;:.]{0,80}?\bParty\s*$")
_A_PARTY = _rx(r"\bPart(?:y|ies)\b|^(?:it|they)\b")
_MODAL = _rx(r"\b(?:shall|will|may not|agrees? to|may)\b")
_CONJUNCTION = _rx(r"^(?:and|or|but|then|thereafter|further|also|in this regard|to this end)\b\s*")

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


def _subject(text: str, at: int) -> str:
    """The words before position ``at``, back to the last punctuation, skipping empty pieces.

    >>> text = "In establishing its single window, each Party: (a) shall endeavour"
    >>> _subject(text, text.index("shall"))
    'each Party'
    """
    for piece in reversed(re.split(r"\.(?=\s)|[;:,]|\([a-z]{1,4}\)", text[:at])):
        piece = _CONJUNCTION.sub("", " ".join(piece.split()))
        if re.search(r"[A-Za-z]", piece) and not re.match(r"(?:as|including)\b", piece):  # "as appropriate", "including as to …"
            return piece
    return ""


def _set_aside(text: str) -> str:
    """Blank out what commits no Party (rule step 2)."""
    for rx in _SAVING:
        for m in list(rx.finditer(text)):
            text = _blank(text, m.start(), m.end())
    for rx in (_FINITE_THAT, _PARTICIPLE_THAT):
        for m in list(rx.finditer(text)):
            text = _blank(text, m.start(1), m.end(1))
    for m in list(_MODAL.finditer(text)):
        subject = _subject(text, m.start())
        # the sentence's first words, for a subject broken by commas ("The interpretation of a
        # Party's legal, constitutional, or treaty arrangements …, shall not be subject …")
        opening = " ".join(re.split(r"\.(?=\s)|[;:]", text[:m.start()])[-1].split())
        not_a_party = _NOT_A_PARTY.search(subject) or (
            not _A_PARTY.search(subject) and _NOT_A_PARTY.search(opening))
        if not_a_party or (m.group(0).lower() == "may" and _ONE_PARTY.search(subject)):
            text = _blank(text, m.start(), m.end())
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
        'recognition' for "recognize"/"acknowledge"), or 'no-commitment' for a text
        that commits no Party (definition, saving clause, scope, right, legal effect,
        institutional clause, or no operative phrase); ``qualifiers`` are the
        softening phrases of ``QUALIFIERS`` found verbatim; ``phrase`` is the
        governing phrase as written.

    Examples
    --------
    >>> grade_commitment("Each Party shall, within its available resources, establish or "
    ...                  "maintain an enquiry point or points").strength
    'binding'
    >>> grade_commitment('For the purposes of this Article, "personal data" means any '
    ...                  'information relating to an identified or identifiable natural person.')
    Grading(strength='no-commitment', qualifiers=(), phrase=None)
    >>> grade_commitment("This Agreement shall apply to measures adopted or maintained by a "
    ...                  "Party affecting trade by electronic means.").strength
    'no-commitment'
    """
    if not text.strip():
        return Grading(None)
    if _DEFINITION.search(text):
        return Grading("no-commitment")
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
    return Grading("no-commitment")
