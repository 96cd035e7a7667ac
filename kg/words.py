"""The words around the names, in English, French and Spanish: one home for every page kg writes.

Names of members, groups, issues … come from the graph (its display labels, :mod:`kg.labels`);
these are the words around them, for the ``kg viz`` pages, the web app (``kg app``) and the
briefing (``kg brief``). They live in ``kg/words.json`` (language → key → text); a key missing
in French or Spanish, or a language not offered, falls back to English.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

__all__ = ["words"]


@lru_cache(maxsize=None)
def _all_words() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads((Path(__file__).resolve().parent / "words.json").read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=None)
def _in(lang: str) -> dict[str, str]:
    every = _all_words()
    return {**every["en"], **every.get(lang, {})}


def words(lang: str) -> dict[str, str]:
    """Every word in ``lang`` (en, fr, es), English where a translation is missing.

    Examples
    --------
    >>> words("fr")["search"], words("es")["legend"], words("xx")["search"]
    ('Rechercher', 'Leyenda', 'Search')
    """
    return dict(_in(lang))
