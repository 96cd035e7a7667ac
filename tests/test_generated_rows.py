"""Every catalogue question on a generated graph (benchmarks/generate.py, the shapes of
graph_data/ at 3,000 statements): Oxigraph and rdflib, its referee, give the same rows.

The questions are written for Oxigraph's planner (issue 15: OPTIONALs looked up per row,
anchors on what is asked about, sub-selects last); this checks on data other than the real
graph that those rewrites keep the meaning SPARQL gives them, with the parameters the
benchmark picks (the busiest thing of each kind) rather than the header's examples.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.catalogue import bind_parameters, list_queries, run_query
from kg.project import Project
from kg.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
#: Divergences this test found on the generated graph, each the same with the query's text of
#: before issue 15's rewrites (commit cbab450): not caused by them, not examined further yet.
#: strict: a divergence that goes away fails here until it is taken off.
DIVERGENCES = {
    "cooperation-without-capacity-building": "rdflib 7 answers 3,162 rows whose 'text' is unbound although the "
                                             "pattern binds it; Oxigraph answers none",
    # the generated graph has no membership of the JSI: the sub-select grouped by ?labels ?m has
    # no rows, so no groups (SPARQL 1.1 §18.5.1); rdflib 7 makes one group of unbound keys out of
    # nothing (SELECT ?m (COUNT(?o) AS ?c) WHERE { ?m <urn:none> ?o } GROUP BY ?m gives one row)
    # and joins it with every member: Oxigraph's empty answer is the right one
    "participants-without-proposals": "rdflib 7 groups an empty sub-select into one row of unbound keys "
                                      "(5 rows, Member AAB …); Oxigraph's none is right",
    "find-entity": "rdflib fails on the narrowed text ('list' object has no attribute 'name') with the "
                   "benchmark's text",
}
CATALOGUE = [pytest.param(p.stem, marks=pytest.mark.xfail(reason=DIVERGENCES[p.stem], strict=True))
             if p.stem in DIVERGENCES else p.stem for p in sorted((ROOT / "queries").glob("*.rq"))]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, Store, Any, dict[str, dict[str, str]]]]:
    """A generated project with this clone's catalogue, built; its store, rdflib's copy, and
    each question's parameters as the benchmark picks them."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate
    from query_bench import _busiest, _values

    from kg.build import build_graph
    from kg.rdflib_store import rdflib_store

    root = tmp_path_factory.mktemp("generated") / "project"
    generate(3000, root, seed=7)
    for path in (ROOT / "queries").glob("*.rq"):
        shutil.copyfile(path, root / "queries" / path.name)
    project = Project(root)
    build_graph(project)
    store = open_store(project.build_dir)
    counts = _busiest(store)
    values = {q.name: _values(store, q, project, counts) for q in list_queries(project)}
    yield project, store, rdflib_store(store), values
    store.close()


@pytest.mark.parametrize("name", CATALOGUE)
def test_same_rows_on_a_generated_graph(name: str, generated: tuple[Project, Store, Any, dict[str, dict[str, str]]]) -> None:
    project, store, referee, values = generated
    query = next(q for q in list_queries(project) if q.name == name)
    given = values[name]
    bind_parameters(store, query, given, "en", project=project)  # every parameter resolves
    expected = run_query(store, query, given, "en", project=project, show_parameters=True)
    actual = run_query(referee, query, given, "en", project=project, show_parameters=True)
    assert actual.columns == expected.columns
    assert sorted(actual.rows, key=repr) == sorted(expected.rows, key=repr)
