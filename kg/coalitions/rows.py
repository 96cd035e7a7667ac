"""The rows of the coalition queries (``queries/coalitions/*.rq``) as plain values, and the interests in issues.

:func:`run` reads a query's rows without a :class:`kg.store.Cell` per value on the embedded
Oxigraph store (any other engine, such as a SPARQL endpoint given with ``--store``, answers
through its table); :func:`issue_rows` adds to the rows of ``issue.rq`` the broader issues of
the issue addressed, as the SPARQL property path ``skos:broaderTransitive?`` would, kept where
the graph states the interest (``jsi:hasInterestIn``).
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import QueryError
from kg.queryfiles import read_rq, run_rq
from kg.store import QueryEngine, Store

__all__ = ["Rows", "run", "records", "issue_rows"]

#: A query's columns and its rows of plain values (IRIs, lexical forms; ``None`` where unbound).
Rows = tuple[list[str], list[tuple[str | None, ...]]]


def run(store: QueryEngine, queries_dir: Path, name: str) -> Rows:
    """The rows of ``queries/coalitions/<name>.rq`` as plain values.

    On the embedded Oxigraph store they come straight from its terms (a :class:`~kg.store.Cell`
    per value added about 15% to reading the rows at 5,000 members); any other engine (a remote
    SPARQL endpoint, rdflib) answers through its table.
    """
    path = queries_dir / f"{name}.rq"
    if isinstance(store, Store):
        return store.select_values(read_rq(path, "coalition query"))
    table = run_rq(store, path, what="coalition query")
    return table.columns, [tuple([None if c is None else c.value for c in row]) for row in table.rows]


def records(rows: Rows) -> list[dict[str, str | None]]:
    columns, values = rows
    return [dict(zip(columns, row)) for row in values]


def issue_rows(store: QueryEngine, queries_dir: Path) -> Rows:
    """The rows of an interest in an issue: ``holder``, ``item``, ``from``, ``evidence``, ``citation``,
    ``certainty``, ``topic``.

    ``issue.rq`` gives the issue a sponsored document (or its element) addresses (``from``); the
    items are that issue and each broader one (``broader.rq``: the path ``?from
    skos:broaderTransitive? ?item``), kept where the graph states the interest (``interest.rq``,
    jsi:hasInterestIn). The same rows as that join in SPARQL, which tripled the rows before the
    sponsorship's citation was looked up.
    """
    columns, found = run(store, queries_dir, "issue")
    cols = {c: i for i, c in enumerate(columns)}
    for needed in ("holder", "from", "citation"):
        if needed not in cols:
            raise QueryError(f"the coalition query issue.rq must select ?{needed}")
    b_columns, b_rows = run(store, queries_dir, "broader")
    i_columns, i_rows = run(store, queries_dir, "interest")
    bi, bb = b_columns.index("issue"), b_columns.index("broader")
    ih, ii = i_columns.index("holder"), i_columns.index("item")
    broader: dict[str, set[str]] = {}
    for row in b_rows:
        if row[bi] is not None and row[bb] is not None:
            broader.setdefault(row[bi], set()).add(row[bb])  # type: ignore[arg-type]
    interests = {(row[ih], row[ii]) for row in i_rows}
    out_columns = ["holder", "item", *[c for c in columns if c != "holder"]]
    rest = [cols[c] for c in columns if c != "holder"]
    i_holder, i_from = cols["holder"], cols["from"]
    out: list[tuple[str | None, ...]] = []
    for row in found:
        holder, issue = row[i_holder], row[i_from]
        if holder is None or issue is None:
            continue
        others = tuple([row[i] for i in rest])
        for item in (issue, *sorted(broader.get(issue, ()))):
            if (holder, item) in interests:
                out.append((holder, item, *others))
    return out_columns, out
