"""The words around the names, in English, French and Spanish: one home for every page and table kg writes.

Names of members, groups, issues … come from the graph (its display labels, :mod:`kg.labels`);
these are the words around them, in ``kg/words.json``:

* ``words``: language → key → text, for the ``kg viz`` pages, the web app (``kg app``) and the
  briefing (``kg brief``); a key missing in French or Spanish, or a language not offered,
  falls back to English;
* ``columns``: language → column → header, the column headers of answers in French and
  Spanish (``--lang fr|es``). The SPARQL variable names stay the headers in English and the
  keys of JSON; a column with no translation is shown as it is. The words follow the WTO's
  own French and Spanish usage (Membre/Miembro, Groupe/Grupo, disposition/disposición …).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

__all__ = ["words", "header"]


@lru_cache(maxsize=None)
def _all() -> dict[str, dict[str, dict[str, str]]]:
    data: dict[str, dict[str, dict[str, str]]] = json.loads(
        (Path(__file__).resolve().parent / "words.json").read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=None)
def _in(lang: str) -> dict[str, str]:
    every = _all()["words"]
    return {**every["en"], **every.get(lang, {})}


def words(lang: str) -> dict[str, str]:
    """Every word in ``lang`` (en, fr, es), English where a translation is missing.

    Examples
    --------
    >>> words("fr")["search"], words("es")["legend"], words("xx")["search"]
    ('Rechercher', 'Leyenda', 'Search')
    """
    return dict(_in(lang))


def header(column: str, lang: str) -> str:
    """The header of ``column`` in ``lang`` (en, fr, es): itself in English or when untranslated.

    Examples
    --------
    >>> header("sponsors", "fr"), header("sponsors", "es"), header("sponsors", "en"), header("xyz", "fr")
    ('auteurs', 'patrocinadores', 'sponsors', 'xyz')
    """
    if lang == "en":  # the columns are named in English: words.json is not read
        return column
    return _all()["columns"].get(lang, {}).get(column, column)
