"""Reading and running the project's SPARQL files (``queries/**/*.rq``): one way for every module.

The catalogue, the lookups, the views, the coalitions, the statistics and the violation
checks all read their ``.rq`` files here, so that a missing or unreadable file and a query
that does not give rows fail with the same one-line :class:`~kg.errors.QueryError` naming the
file. Parameters are bound as RDF terms by the engine (SEP-0007), never pasted.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import QueryError

if TYPE_CHECKING:
    from kg.store import QueryEngine, Table

__all__ = ["read_rq", "run_rq"]


def read_rq(path: Path, what: str = "query") -> str:
    """The text of a ``.rq`` file.

    Parameters
    ----------
    path : Path
        The file.
    what : str
        What the file is, for the message ("view query", "lookup query" …).

    Raises
    ------
    QueryError
        ``cannot read the view query '…/x.rq' (No such file or directory); is this a full clone?``

    Examples
    --------
    >>> read_rq(Path("/nonexistent/x.rq"), "view query")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: cannot read the view query '/nonexistent/x.rq' (No such file or directory); is this a full clone?
    """
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise QueryError(f"cannot read the {what} {str(path)!r} ({reason}); is this a full clone?") from exc
    except UnicodeDecodeError as exc:
        raise QueryError(f"the {what} {str(path)!r} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc


def run_rq(
    store: QueryEngine, path: Path, bindings: Mapping[str, Any] | None = None, *, what: str = "query"
) -> Table:
    """Run a SELECT ``.rq`` file on a store with the given terms bound, and return its rows.

    Raises
    ------
    QueryError
        When the file cannot be read, is not valid SPARQL, or is not a SELECT query.
    """
    from kg.store import Table

    result = store.query(read_rq(path, what), bindings or None)
    if not isinstance(result, Table):
        raise QueryError(f"{path.name}: the {what} must be a select query (rows), not a graph or a boolean")
    return result
