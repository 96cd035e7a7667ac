"""The kinds of fact ``kg add`` takes from a sheet, and the documented columns of each.

Every kind ends with the same source columns (citation, locator, certainty, certainty_note):
each row carries its source, as ``graph_data/README.md`` requires of every statement.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ColumnSpec", "KindSpec", "KINDS", "KIND_ALIASES", "kind_spec", "SOURCE_COLUMNS", "CERTAINTIES"]


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a sheet: its name, whether a row must fill it, what it takes, an example."""

    name: str
    required: bool
    help: str
    example: str = ""


@dataclass(frozen=True)
class KindSpec:
    """One kind of fact: its name, what a row says, its columns (source columns last)."""

    name: str
    summary: str
    columns: tuple[ColumnSpec, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


#: certainty value of a sheet → the ontology's individual (local name)
CERTAINTIES = {"high": "HighCertainty", "medium": "MediumCertainty", "low": "LowCertainty"}

SOURCE_COLUMNS = (
    ColumnSpec("citation", True, "the source as a reader finds it: a WTO document symbol, a title, or a URL",
               "INF/ECOM/99 (made-up example)"),
    ColumnSpec("locator", True, "where in the source: page, paragraph, table, list entry", "cover page"),
    ColumnSpec("certainty", True, "high, medium or low", "high"),
    ColumnSpec("certainty_note", False, "why the certainty is medium or low (required then): e.g. 'news report of "
               "a restricted document'", ""),
)

_DATE = "a date as precise as the source: 2019, 2019-04 or 2019-04-23"

KINDS: dict[str, KindSpec] = {
    "document": KindSpec(
        "document",
        "a WTO document (proposal, communication …) with its sponsors and, one per row, its elements: "
        "repeat the symbol on each row of the same document (its other cells may then stay empty)",
        (
            ColumnSpec("symbol", True, "the WTO document symbol", "INF/ECOM/99"),
            ColumnSpec("kind", True, "proposal, communication, negotiating-text, joint-statement or agreement-text "
                       "(may stay empty for a document already in the graph)",
                       "communication"),
            ColumnSpec("date", False, _DATE + " (a proposal needs a date or a date_note)", "2024-03-01"),
            ColumnSpec("date_note", False, "what is known of the date when the source gives none, e.g. "
                       "'2019 or 2020 (not found)'", ""),
            ColumnSpec("title", False, "the title or topic, in the words of the source", "Capacity building"),
            ColumnSpec("sponsors", False, "the sponsoring members or groups, separated by ';' (name in English, "
                       "French or Spanish, ISO code or group key); a proposal needs one", "Kenya; Côte d'Ivoire"),
            ColumnSpec("element", False, "one thing the document proposes (one per row)", "Needs assessment"),
            ColumnSpec("column", False, "the IISD 2022 Table 5 column of the element (required with an element): "
                       "cooperation, cooperation-mechanisms, capacity-building, implementation-periods",
                       "capacity-building"),
            ColumnSpec("issues", False, "issues of INF/ECOM/62/Rev.2 the element addresses, separated by ';' "
                       "(codes such as D.3.1 or names)", "D.3.1"),
        ) + SOURCE_COLUMNS,
    ),
    "stance": KindSpec(
        "stance",
        "a member's stance on a text (supported, did-not-support) or its position on a text or an issue",
        (
            ColumnSpec("member", True, "the member or group (name, ISO code or group key)", "Kenya"),
            ColumnSpec("target", True, "the text (document symbol) the stance is on; a position may also be on an issue "
                       "(code or name) or on the initiative (JSI)",
                       "INF/ECOM/87"),
            ColumnSpec("stance", True, "supported, did-not-support (both: on a text) or position (on a text or "
                       "an issue: give the statement)", "supported"),
            ColumnSpec("statement", False, "what the member said or held, in the source's words (required for a "
                       "position); rows with the same words, target and date make one position of all their members "
                       "(a joint paper, a source naming them together)", "welcomed the stabilised text"),
            ColumnSpec("date", False, _DATE, "2024-07-26"),
        ) + SOURCE_COLUMNS,
    ),
    "membership": KindSpec(
        "membership",
        "a member's membership of a group or coalition, with its dates",
        (
            ColumnSpec("member", True, "the member (name, ISO code)", "Kenya"),
            ColumnSpec("group", True, "the group (name or key: LDC, AFRICAN, ACP, FED, JSI-CONVENORS)", "FED"),
            ColumnSpec("role", False, "the role (default: member); one of the roles the graph knows", "member"),
            ColumnSpec("since", False, "first known date of the membership: " + _DATE, "2017-12"),
            ColumnSpec("until", False, "when it ended, if it did: " + _DATE, ""),
        ) + SOURCE_COLUMNS,
    ),
    "participation": KindSpec(
        "participation",
        "evidence that a member took part in the initiative (the JSI): its role and the date",
        (
            ColumnSpec("member", True, "the member (name, ISO code)", "Kenya"),
            ColumnSpec("role", True, "signatory-2017, signatory-2019, later-joiner, participant or co-convenor",
                       "later-joiner"),
            ColumnSpec("date", True, "the date of the evidence (first known date of the participation): " + _DATE,
                       "2024-05"),
            ColumnSpec("initiative", False, "the initiative (default: JSI)", "JSI"),
            ColumnSpec("note", False, "what the source says, in its words", "announced it joins"),
        ) + SOURCE_COLUMNS,
    ),
    "concern": KindSpec(
        "concern",
        "a development concern a member or group raised",
        (
            ColumnSpec("concern", True, "the concern: the name of a known one, or a new one (then give a category)",
                       "Limited digital skills of MSMEs"),
            ColumnSpec("category", False, "concern category (required for a new concern): lack-of-capacity, "
                       "market-access-flexibility, infant-industry-policy-space", "lack-of-capacity"),
            ColumnSpec("raised_by", True, "the member or group that raised it", "Kenya"),
            ColumnSpec("raised_in", False, "the document it was raised in (symbol)", "INF/ECOM/99"),
            ColumnSpec("issues", False, "related issues of INF/ECOM/62/Rev.2, separated by ';'", "D.3.1"),
        ) + SOURCE_COLUMNS,
    ),
}

#: Other names a person may type for a kind.
KIND_ALIASES = {"position": "stance", "stances": "stance", "documents": "document", "memberships": "membership",
                "group-membership": "membership", "participation-event": "participation",
                "development-concern": "concern", "concerns": "concern"}


def kind_spec(name: str) -> KindSpec | None:
    """The spec of a kind, by its name or an alias (case ignored)."""
    key = name.strip().lower()
    return KINDS.get(KIND_ALIASES.get(key, key))
