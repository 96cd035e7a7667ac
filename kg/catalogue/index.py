"""The name index: every name of every candidate of a parameter kind, built once per store.

Resolving what a person typed must cost what the answer costs, not what the graph holds. So
the names that ``queries/lookup/<kind>.rq`` lists are read once per built store and kept in
an SQLite file beside it (``build/index/<store>.<lookup>.<hash>.<version>.sqlite``, keyed by
the store's folder name and the lookup query's text, written atomically, so a rebuilt store
or a changed lookup query gets a new one). A lookup is then an indexed search on the
normalised name, its letters and digits, or its words; a search for names containing a text
(``find-entity``) uses an FTS5 trigram table of the case-folded names. A store that is not a built folder (in memory, rdflib, a
remote endpoint) keeps its index in memory for the life of the process.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import unicodedata
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kg.errors import QueryError
from kg.iris import local_name
from kg.project import Project
from kg.queryfiles import read_rq
from kg.store import Cell, QueryEngine

__all__ = ["NameIndex", "name_index", "lookup_names", "write_indexes", "read_lookups", "fill_indexes", "remove_stale_indexes", "normalise", "compact_text", "tokens"]


def _log_info(message: str, *args: object) -> None:
    """Log at INFO (``kg -v``); logging is imported only then: not at the start of every question."""
    import logging

    logging.getLogger(__name__).info(message, *args)


def normalise(text: str) -> str:
    """Fold case, accents, apostrophes and spacing so that names compare as a person would.

    Examples
    --------
    >>> normalise("  CÔTE  D’IVOIRE ")
    "cote d'ivoire"
    """
    if text.isascii():  # no decomposition, no combining mark: most names (the index normalises every one)
        stripped = text.replace("`", "'")
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        stripped = stripped.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(stripped.casefold().split())


def compact_text(text: str) -> str:
    """Only letters and digits: 'INF/ECOM/49' and 'inf-ecom-49' meet, 'A.1.(2)' and 'a12' too.

    Examples
    --------
    >>> compact_text("A.1.(2)") == compact_text("a12")
    True
    """
    return "".join(ch for ch in normalise(text) if ch.isalnum())


def tokens(text: str) -> frozenset[str]:
    """The words of a name, normalised.

    Examples
    --------
    >>> sorted(tokens("Korea, Republic of"))
    ['korea', 'of', 'republic']
    """
    return _words(normalise(text))


#: What str.isalnum() rejects in an ASCII text (the compact form of a name, :func:`compact_text`).
_ASCII_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")


#: What separates the words of a normalised name.
_NON_WORD = re.compile(r"[^\w]+")


def _words(normalised: str) -> frozenset[str]:
    return frozenset(_NON_WORD.split(normalised)) - _NO_WORD


_NO_WORD = frozenset([""])


#: The format of the index files; a new one gets new files (the version is in their name).
_VERSION = "v2"

_SCHEMA = """
CREATE TABLE names (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, name TEXT NOT NULL, lang TEXT,
                    norm TEXT NOT NULL, compact TEXT NOT NULL, long INTEGER NOT NULL,
                    fold TEXT NOT NULL);
CREATE TABLE words (word TEXT NOT NULL, name_id INTEGER NOT NULL);
"""
#: Made after the rows are in: SQLite sorts once instead of updating four B-trees per row
#: (the entity index at 100k: 1.36 s of inserts before).
_INDEXES = """
CREATE INDEX names_iri ON names (iri);
CREATE INDEX names_norm ON names (norm);
CREATE INDEX names_compact ON names (compact);
CREATE INDEX words_word ON words (word, name_id);
"""

#: Substring search over the case-folded names (SQLite's FTS5 trigram tokenizer), when
#: this SQLite has FTS5; without it, a search reads the names table.
_SEARCH = """
CREATE VIRTUAL TABLE names_fold USING fts5(fold, content='names', content_rowid='id', tokenize='trigram');
INSERT INTO names_fold (names_fold) VALUES ('rebuild');
"""


class NameIndex:
    """The names of the candidates of one lookup query, searchable without reading them all."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._size: int | None = None

    # building ---------------------------------------------------------------------
    @staticmethod
    def _fill(db: sqlite3.Connection, rows: Iterable[tuple[str, str, str | None]]) -> None:
        db.executescript(_SCHEMA)
        names: list[tuple[int, str, str, str | None, str, str, int, str]] = []
        words: list[tuple[str, int]] = []
        for number, (iri, name, lang) in enumerate(rows, 1):
            norm = normalise(name)  # once: compact_text and tokens normalise first
            compact = _ASCII_NON_ALNUM.sub("", norm) if norm.isascii() else "".join(ch for ch in norm if ch.isalnum())
            names.append((number, iri, name, lang, norm, compact, int(len(name) > 3), name.casefold()))
            words += [(w, number) for w in sorted(_words(norm))]  # sorted: the same file bytes in every run
        db.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?, ?, ?)", names)
        db.executemany("INSERT INTO words VALUES (?, ?)", words)
        db.executescript(_INDEXES)
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER)")
        db.execute("INSERT INTO meta VALUES ('things', (SELECT COUNT(DISTINCT iri) FROM names))")
        try:
            db.executescript(_SEARCH)
        except sqlite3.OperationalError as exc:  # an SQLite built without FTS5
            _log_info("no full-text table in the name index (%s); a search reads every name", exc)
        db.commit()

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str | None]], path: Path | None = None) -> NameIndex:
        """An index of (IRI, name, language) rows, in memory or written atomically to ``path``."""
        if path is None:
            db = sqlite3.connect(":memory:", check_same_thread=False)
            cls._fill(db, rows)
            return cls(db)
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when an index is written

        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
        os.close(fd)
        try:
            db = sqlite3.connect(tmp)
            # a private temporary file, renamed into place when whole: no journal, no fsync
            # (a file damaged by a crash fails to open and is rebuilt, see name_index)
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            cls._fill(db, rows)
            db.close()
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return cls.open(path)

    @classmethod
    def open(cls, path: Path) -> NameIndex:
        """An index written earlier, opened read-only."""
        return cls(sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False))

    # searching --------------------------------------------------------------------
    def _iris(self, sql: str, args: Sequence[Any]) -> list[str]:
        return [row[0] for row in self._db.execute(sql, args)]

    def is_empty(self) -> bool:
        """True when the lookup found no candidate at all (nothing built?)."""
        return self._db.execute("SELECT 1 FROM names LIMIT 1").fetchone() is None

    def has(self, iri: str) -> bool:
        """Whether ``iri`` is a candidate."""
        return self._db.execute("SELECT 1 FROM names WHERE iri = ? LIMIT 1", (iri,)).fetchone() is not None

    def by_name(self, value: str) -> list[str]:
        """Candidates with a name equal to ``value`` once normalised."""
        return self._iris("SELECT DISTINCT iri FROM names WHERE norm = ? ORDER BY iri", (normalise(value),))

    def by_compact(self, value: str) -> list[str]:
        """Candidates with a name of the same letters and digits."""
        key = compact_text(value)
        return self._iris("SELECT DISTINCT iri FROM names WHERE compact = ? ORDER BY iri", (key,)) if key else []

    def by_words(self, value: str) -> list[str]:
        """Candidates with a name (longer than three characters) holding every word of ``value``."""
        wanted = sorted(tokens(value))
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        return self._iris(
            f"SELECT DISTINCT n.iri FROM names n JOIN ("
            f"  SELECT name_id FROM words WHERE word IN ({marks}) GROUP BY name_id HAVING COUNT(DISTINCT word) = ?"
            f") w ON w.name_id = n.id WHERE n.long = 1 ORDER BY n.iri",
            [*wanted, len(wanted)],
        )

    def containing(self, text: str) -> list[str]:
        """Candidates with a name that contains ``text``, case folded (accents are kept).

        Whatever ``LCASE(STR(?name))`` contains ``LCASE(?text)`` for in SPARQL is among
        them (case folding keeps a substring a substring); a query narrowed to them keeps
        its own test, so the folding may find more, never fewer. Three characters or more
        are looked up in the trigram table; shorter text reads the names.
        """
        needle = text.casefold()
        rows: Iterable[tuple[str, str]] = []
        if "\x00" in needle:  # SQLite's text functions stop at NUL: compare in Python
            rows = self._db.execute("SELECT iri, fold FROM names")
        elif len(needle) >= 3 and self._has_search():
            phrase = '"' + needle.replace('"', '""') + '"'
            rows = self._db.execute(
                "SELECT n.iri, n.fold FROM names_fold JOIN names n ON n.id = names_fold.rowid WHERE names_fold MATCH ?",
                (phrase,))
        else:
            rows = self._db.execute("SELECT iri, fold FROM names WHERE instr(fold, ?) > 0", (needle,))
        return sorted({iri for iri, fold in rows if needle in fold})

    def size(self) -> int:
        """How many candidates the index holds."""
        if self._size is None:
            try:
                self._size = int(self._db.execute("SELECT value FROM meta WHERE key = 'things'").fetchone()[0])
            except (sqlite3.Error, TypeError):  # written before the count was kept
                self._size = int(self._db.execute("SELECT COUNT(DISTINCT iri) FROM names").fetchone()[0])
        return self._size

    def _has_search(self) -> bool:
        found = self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'names_fold'").fetchone()
        return found is not None

    def names_of(self, iri: str) -> list[tuple[str, str | None]]:
        """The names of one candidate, in the lookup query's order."""
        return [(r[0], r[1]) for r in self._db.execute("SELECT name, lang FROM names WHERE iri = ? ORDER BY id", (iri,))]

    def everything(self) -> dict[str, list[tuple[str, str | None]]]:
        """Every candidate with its names (for "did you mean" when nothing matched)."""
        found: dict[str, list[tuple[str, str | None]]] = {}
        for iri, name, lang in self._db.execute("SELECT iri, name, lang FROM names ORDER BY iri, id"):
            found.setdefault(iri, []).append((name, lang))
        return found


_MEMORY: weakref.WeakKeyDictionary[Any, dict[str, NameIndex]] = weakref.WeakKeyDictionary()


def lookup_names(result: object, path: Path, kind: str = "") -> tuple[list[str], list[tuple[str, str, str | None]]]:
    """The candidates (IRIs) of a lookup query's answer and their names, in the lookup order.

    The one home of that order: by IRI, then ``?rank`` (a number; unbound or not a number:
    after the numbers), then the name, its language and datatype, each (IRI, rank, name) once.
    The lookup queries do not sort: at 1M statements the entity lookup took 12 s of CPU with
    Oxigraph's ``ORDER BY`` over half a million names and 4 s without; Python sorts them in a
    fraction of that (the twelve lookups at 300k: 2.35 s of CPU before, 1.0 s after). Callers that show one name of a candidate first (:func:`kg.corrections.names_of`,
    :meth:`NameIndex.names_of`) rely on this order. ``result`` is a :class:`kg.store.Table`
    or the columns and Oxigraph's own solutions (:meth:`kg.store.Store.solutions`: no :class:`kg.store.Cell` made per value).
    Returns the IRIs (sorted, those without a name included) and the (IRI, name, language) rows.
    """
    import pyoxigraph as ox

    from kg.store import Table

    rows: Iterable[Any] = []
    columns: list[str] = []
    if isinstance(result, tuple):  # kg.store.Store.solutions: the columns, Oxigraph's solutions
        columns, rows = result
    elif isinstance(result, Table):
        rows, columns = result.rows, result.columns
    if "entity" not in columns or "name" not in columns:
        raise QueryError(f"{path.name}: a lookup query must be a select query of ?entity ?name (kind {kind or path.stem!r})")
    ie, iname = columns.index("entity"), columns.index("name")
    irank = columns.index("rank") if "rank" in columns else None
    ranks: dict[str | None, float] = {None: float("inf")}
    seen: set[str] = set()
    keyed: set[tuple[str, float, str, str, str]] = set()
    for row in rows:
        entity, name = row[ie], row[iname]
        if entity is None or (entity.kind != "iri" if isinstance(entity, Cell) else not isinstance(entity, ox.NamedNode)):
            continue
        seen.add(entity.value)
        if name is None or not name.value:
            continue
        if isinstance(name, ox.Literal):
            lang, datatype = name.language or "", name.datatype.value
        else:  # a Cell, or an IRI or blank node as a name
            lang, datatype = getattr(name, "lang", None) or "", getattr(name, "datatype", None) or ""
        rank = None if irank is None or row[irank] is None else row[irank].value
        if rank not in ranks:
            ranks[rank] = _number(rank)
        keyed.add((entity.value, ranks[rank], name.value, lang, datatype))
    return sorted(seen), [(iri, name, lang or None) for iri, _, name, lang, _ in sorted(keyed)]


def _number(value: str | None) -> float:
    """A ``?rank`` as a number (unbound or not a number: after every number)."""
    try:
        return int(value) if value is not None else float("inf")
    except ValueError:
        return float("inf")


def _lookup_rows(store: QueryEngine, path: Path, text: str, kind: str) -> list[tuple[str, str, str | None]]:
    """The rows of a lookup query's index: its names in the lookup order, then each candidate's key."""
    from kg.store import Store

    try:
        # an Oxigraph store (built, or the build's working store) gives its own terms: no Cell per value
        result = store.solutions(text) if isinstance(store, Store) else store.query(text)
    except QueryError as exc:
        raise QueryError(f"{path.name}: {exc}") from exc
    iris, rows = lookup_names(result, path, kind)
    # the key of an IRI is a name too: member/CIV → CIV, doc/INF-ECOM-49 → INF-ECOM-49
    return rows + [(iri, local_name(iri), None) for iri in iris]


def _store_folder(store: QueryEngine) -> Path | None:
    """The folder of a built on-disk store, or None (memory, rdflib, a remote endpoint)."""
    location = getattr(store, "location", "")
    folder = Path(location) if isinstance(location, str) and location else None
    if folder is None or not folder.is_absolute() or not folder.is_dir():
        return None
    return folder


def name_index(store: QueryEngine, lookup: str, project: Project, kind: str = "") -> NameIndex:
    """The index of ``queries/lookup/<lookup>.rq`` on ``store``: read from beside the store, or
    built once (and written there when the build folder can be written)."""
    path, text, key = _lookup_file(project, lookup, kind)
    try:
        cache = _MEMORY.setdefault(store, {})
    except TypeError:  # an engine that cannot be weakly referenced: no process cache
        cache = {}
    if key in cache:
        return cache[key]
    folder = _store_folder(store)
    index: NameIndex | None = None
    if folder is not None:
        file = folder.parent / "index" / f"{folder.name}.{key}.sqlite"
        if file.is_file():
            try:
                index = NameIndex.open(file)
                index.is_empty()
            except sqlite3.Error:
                index = None
        if index is None:
            try:
                index = NameIndex.from_rows(_lookup_rows(store, path, text, kind), file)
                _remove_stale(file.parent, folder.name)
            except (OSError, sqlite3.Error) as exc:  # a read-only build folder: keep it in memory
                _log_info("name index not written beside the store (%s); kept in memory", exc)
                index = None
    if index is None:
        index = NameIndex.from_rows(_lookup_rows(store, path, text, kind))
    cache[key] = index
    return index


def _lookup_file(project: Project, lookup: str, kind: str = "") -> tuple[Path, str, str]:
    """The lookup query's path, its text and the key of its index files."""
    path = project.queries_dir / "lookup" / f"{lookup}.rq"
    text = read_rq(path, f"lookup query of the parameters of kind {kind or lookup!r}")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return path, text, f"{lookup}.{digest}.{_VERSION}"


def write_indexes(project: Project, location: Path, engine: QueryEngine | None = None) -> int:
    """Write the index of every lookup query (``queries/lookup/*.rq``) beside a store just
    built at ``location``, before it becomes the current one: the first question after a
    build then costs what the others cost. Returns how many were written.

    ``engine`` holds the same statements as the store at ``location`` (the build's working
    store, in memory, before the store is written) and is queried instead
    (:func:`read_lookups`, then :func:`fill_indexes`).
    """
    import pyoxigraph as ox

    from kg.store import Store

    if engine is not None:
        return fill_indexes(read_lookups(project, location, engine))
    lookups = sorted((project.queries_dir / "lookup").glob("*.rq"))
    store = Store(ox.Store.read_only(str(location)), location=str(location))
    for path in lookups:
        name_index(store, path.stem, project)
    return len(lookups)


def read_lookups(project: Project, location: Path, engine: QueryEngine) -> list[tuple[Path, list[tuple[str, str, str | None]]]]:
    """The rows of every lookup query, read from ``engine`` (the same statements as the store
    to be written at ``location``), each with the index file it goes to.

    The build reads them from its in-memory working store (a :class:`kg.store.Store` over it,
    read through :meth:`~kg.store.Store.solutions`, without a :class:`kg.store.Cell` per value):
    reading there is faster than from the store on disk, and the build can then free the
    working store before it fills the files (:func:`fill_indexes`).
    """
    found = []
    for path in sorted((project.queries_dir / "lookup").glob("*.rq")):
        path, text, key = _lookup_file(project, path.stem)
        found.append((location.parent / "index" / f"{location.name}.{key}.sqlite", _lookup_rows(engine, path, text, path.stem)))
    return found


def fill_indexes(lookups: list[tuple[Path, list[tuple[str, str, str | None]]]]) -> int:
    """Write each index file of :func:`read_lookups`; return how many."""
    for file, rows in lookups:
        NameIndex.from_rows(rows, file)
    return len(lookups)


def remove_stale_indexes(build_dir: Path, current: str) -> None:
    """After a build has switched to the store ``current``: remove the indexes of the stores gone."""
    _remove_stale(build_dir / "index", current)


def _remove_stale(index_dir: Path, store_name: str) -> None:
    """Remove the indexes of stores that are gone (their folder no longer exists) and those
    of an older format."""
    for file in index_dir.glob("*.sqlite"):
        owner = file.name.split(".", 1)[0]
        outdated = owner == store_name and not file.name.endswith(f".{_VERSION}.sqlite")
        if outdated or (owner != store_name and not (index_dir.parent / owner).is_dir()):
            file.unlink(missing_ok=True)
