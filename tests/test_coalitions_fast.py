"""The fast paths of coalition discovery against their references, on the real graph (issue 15).

- The member graph's weights, summed in numpy (kg.coalitions.pairs), against a plain Python
  walk over every pair and shared item, as the member graph was built before: the same bits.
- What binds each community, summed from the arrays, against the same sums over the ties'
  reasons one by one.
- igraph (the optional ``kg[fast]`` extra, in the ``test`` extra so CI runs this): its Leiden
  communities against networkx's Louvain on the real graph (the same partition at the default
  resolution; at others a modularity at least networkx's less 0.005), its betweenness against
  networkx's (exact and sampled), and ``kg coalitions`` with and without igraph: the same bytes.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from kg.coalitions import build_member_graph, find_coalitions, resolve_on
from kg.coalitions import fast
from kg.coalitions.tied import Tied
from kg.coalitions.ties import TIE_KINDS
from kg.project import Project
from kg.store import Store

ON = [None, "D.1", "capacity-building", "D.3"]


@pytest.fixture(scope="module")
def real(built_store: Store, project: Project) -> Callable[..., nx.Graph]:
    cache: dict[str | None, nx.Graph] = {}

    def graph(on: str | None = None) -> nx.Graph:
        if on not in cache:
            iri = resolve_on(built_store, on, project=project) if on else None
            cache[on] = build_member_graph(built_store, on=iri, project=project)
        return cache[on]

    return graph


def _python_weights(g: nx.Graph) -> dict[tuple[str, str], tuple[float, float]]:
    """Every pair's own and group weight, as a Python loop over pairs and items (the reference)."""
    ties = g.graph["_ties"]
    contributions: dict[tuple[str, str], list[tuple[str, str, str, float, bool]]] = {}
    for kind, iri, _, what, share, _, holdings in ties.items:
        present = sorted(m for m in holdings if m in g)
        for a, b in itertools.combinations(present, 2):
            contributions.setdefault((a, b), []).append((kind, iri, what, share, holdings[a].own and holdings[b].own))
    scheme = ties.ancestors
    order = {k: i for i, k in enumerate(TIE_KINDS)}
    out = {}
    for pair, entries in sorted(contributions.items()):
        shared = {iri for kind, iri, *_ in entries if kind == "issue"}
        entries = [e for e in entries if e[0] != "issue" or not any(
            other != e[1] and e[1] in scheme.get(other, ()) for other in shared)]
        entries.sort(key=lambda e: (-e[3], order[e[0]], e[2]))
        own = grp = 0.0
        for e in entries:
            if e[4]:
                own += e[3]
            else:
                grp += e[3]
        out[pair] = (own, grp)
    return out


@pytest.mark.parametrize("on", ON)
def test_numpy_weights_are_the_python_sums(real: Callable[..., nx.Graph], on: str | None) -> None:
    g = real(on)
    expected = _python_weights(g)
    got = {(min(a, b), max(a, b)): (d["own_weight"], d["group_weight"]) for a, b, d in g.edges(data=True)}
    assert got == expected  # the same bits, not approximately
    assert all(d["weight"] == d["own_weight"] + d["group_weight"] for _, _, d in g.edges(data=True))


@pytest.mark.parametrize("on", ON)
def test_binding_reasons_from_the_arrays_are_those_of_the_ties(real: Callable[..., nx.Graph], on: str | None) -> None:
    g = real(on)
    plain = nx.Graph(g)  # the same nodes, edges and reasons, without the arrays
    plain.graph = {k: v for k, v in g.graph.items() if k != "_ties"}
    for edge in plain.edges:
        plain.edges[edge]["reasons"] = list(g.edges[edge]["reasons"])
    fast_report, slow_report = find_coalitions(g), find_coalitions(plain)
    assert fast_report.to_dict() == slow_report.to_dict()
    assert any(c.reasons for c in fast_report.communities)


@pytest.fixture()
def with_igraph(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("igraph")
    monkeypatch.delenv(fast.NO_IGRAPH_ENV, raising=False)
    monkeypatch.setattr(fast, "LEIDEN_MIN_TIES", 0)  # igraph even on the real graph


@pytest.mark.parametrize("on", ON)
def test_leiden_finds_networkx_communities_on_the_real_graph(real: Callable[..., nx.Graph], on: str | None,
                                                             with_igraph: None) -> None:
    tied = Tied.of(real(on))
    louvain = sorted(sorted(c) for c in nx.community.louvain_communities(tied.to_networkx(), weight="weight", seed=0))
    leiden = fast.communities(tied, seed=0, resolution=1.0)
    assert leiden is not None and sorted(leiden) == louvain


@pytest.mark.parametrize("resolution", [0.5, 1.5, 2.0])
def test_leiden_modularity_at_other_resolutions(real: Callable[..., nx.Graph], resolution: float,
                                                with_igraph: None) -> None:
    """Where the partitions differ, Leiden's is no worse than networkx's by more than 0.005."""
    tied = Tied.of(real())
    graph = tied.to_networkx()
    louvain = nx.community.louvain_communities(graph, weight="weight", seed=0, resolution=resolution)
    leiden = fast.communities(tied, seed=0, resolution=resolution)
    assert leiden is not None and sorted(m for c in leiden for m in c) == sorted(graph)

    def q(parts: list) -> float:
        return nx.community.modularity(graph, [set(c) for c in parts], weight="weight", resolution=resolution)

    assert q(leiden) >= q(louvain) - 0.005


@pytest.mark.parametrize("sample", [None, 20])
def test_igraph_betweenness_is_networkx_betweenness(real: Callable[..., nx.Graph], sample: int | None,
                                                    with_igraph: None) -> None:
    tied = Tied.of(real())
    expected = nx.betweenness_centrality(tied.to_networkx(), weight="distance", normalized=True, k=sample,
                                         seed=None if sample is None else 7)
    got = fast.betweenness(tied, sample=sample, seed=7)
    assert got is not None and set(got) == set(expected)
    assert all(got[v] == pytest.approx(expected[v], rel=1e-9, abs=1e-15) for v in expected)
    assert sum(1 for v in expected if expected[v] > 0) > 10


def test_tied_arrays_are_the_graph_s_ties(real: Callable[..., nx.Graph]) -> None:
    """The arrays of the member graph and a walk over its networkx edges give the same tied graph."""
    g = real()
    plain = nx.Graph(g)
    plain.graph = {}
    fast_tied, slow_tied = Tied.of(g), Tied.of(plain)
    assert fast_tied.nodes == slow_tied.nodes
    for name in ("a", "b", "weight", "own"):
        assert getattr(fast_tied, name).tolist() == getattr(slow_tied, name).tolist()


def test_report_is_the_same_with_igraph_forced(real: Callable[..., nx.Graph], with_igraph: None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    g = real()
    with_ig = find_coalitions(g).to_dict()
    monkeypatch.setenv(fast.NO_IGRAPH_ENV, "1")
    assert not fast.available()
    assert find_coalitions(g).to_dict() == with_ig


def test_kg_coalitions_same_bytes_with_and_without_igraph(built_dir: Path) -> None:
    pytest.importorskip("igraph")

    def run(no_igraph: str) -> str:
        env = {**os.environ, fast.NO_IGRAPH_ENV: no_igraph}
        cmd = [sys.executable, "-m", "kg", "--build-dir", str(built_dir), "coalitions", "--format", "json"]
        return subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout

    assert run("1") == run("0")


def test_a_member_graph_too_large_to_pair_is_refused_with_what_to_narrow(built_store: Store, project: Project,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.coalitions import pairs
    from kg.errors import ParameterError

    monkeypatch.setattr(pairs, "MAX_PAIR_ROWS", 1000)
    with pytest.raises(ParameterError, match=r"would pair members [\d,]+ times \(at most 1,000;.*--on ISSUE"):
        build_member_graph(built_store, project=project)
    assert build_member_graph(built_store, project=project, ties="cosponsor").number_of_edges() > 0


@pytest.mark.parametrize("on", ON)
def test_member_graph_arrays_answer_as_the_networkx_graph(built_store: Store, project: Project,
                                                          real: Callable[..., nx.Graph], on: str | None) -> None:
    """What ``kg coalitions`` and ``kg partners`` read (MemberGraph) is the networkx graph, tie for tie and reason for reason."""
    from kg.coalitions import member_graph, rank_partners

    g = real(on)
    iri = resolve_on(built_store, on, project=project) if on else None
    arrays = member_graph(built_store, on=iri, project=project)
    assert list(arrays.nodes.items()) == list(g.nodes(data=True))
    assert {k: v for k, v in arrays.graph.items() if k != "_ties"} == {k: v for k, v in g.graph.items() if k != "_ties"}
    assert arrays.number_of_nodes() == g.number_of_nodes() and arrays.number_of_edges() == g.number_of_edges() > 0
    for a, b, data in g.edges(data=True):
        got = arrays.tie(b, a)
        assert (got["weight"], got["own_weight"], got["group_weight"]) == (
            data["weight"], data["own_weight"], data["group_weight"])
        assert list(got["reasons"]) == list(data["reasons"])
    for m in g.nodes:
        assert arrays.degree(m) == g.degree(m)
        assert sorted(arrays.neighbors(m)) == sorted(g.neighbors(m))
        if g.degree(m):
            assert rank_partners(arrays, m, top=None) == rank_partners(g, m, top=None)
    lonely = [m for m in g.nodes if g.degree(m) == 0]
    if lonely:
        with pytest.raises(KeyError):
            arrays.tie(lonely[0], next(iter(g.nodes - {lonely[0]})))
    assert find_coalitions(arrays).to_dict() == find_coalitions(g).to_dict()
    same = arrays.to_networkx()
    assert list(same.edges) == list(g.edges) and list(same.nodes(data=True)) == list(g.nodes(data=True))


def test_the_stance_properties_named_in_reasons_are_declared_by_the_ontology(built_store: Store) -> None:
    from kg.coalitions.reasons import _stances

    for iri in _stances():
        assert built_store.query(f"ASK {{ <{iri}> a <http://www.w3.org/2002/07/owl#ObjectProperty> }}") is True, iri


def test_report_to_dict_is_dataclasses_asdict(real: Callable[..., nx.Graph]) -> None:
    import dataclasses

    report = find_coalitions(real())
    assert report.to_dict() == dataclasses.asdict(report) and report.communities


#: issue.rq before the broader issues moved into the code: the join in SPARQL, the reference.
_ISSUE_JOIN = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX jsi:  <https://w3id.org/jsi-ecom/ontology#>
SELECT DISTINCT ?holder ?item ?from ?evidence ?citation ?certainty ?topic
WHERE {
  { SELECT DISTINCT ?holder ?evidence ?via ?from
    WHERE { ?evidence jsi:sponsoredBy ?holder .
            { ?evidence jsi:addressesIssue ?from . BIND (?evidence AS ?via) }
            UNION { ?evidence jsi:hasElement ?via . ?via jsi:addressesIssue ?from } } }
  ?from skos:broaderTransitive? ?item .
  ?holder jsi:hasInterestIn ?item .
  GRAPH ?citation { { ?evidence jsi:sponsoredBy ?holder } UNION { ?holder jsi:sponsors ?evidence } }
  FILTER EXISTS { ?citation a jsi:Citation }
  OPTIONAL { ?citation jsi:certainty ?certainty }
  OPTIONAL { ?via jsi:inColumn ?topic }
}"""


def _issue_rows_are_the_join(store: Store, project: Project) -> int:
    from kg.coalitions.rows import issue_rows as _issue_rows

    columns, rows = _issue_rows(store, project.queries_dir / "coalitions")
    joined = store.select(_ISSUE_JOIN)
    assert set(columns) == set(joined.columns)
    order = [joined.columns.index(c) for c in columns]
    expected = {tuple(None if row[i] is None else row[i].value for i in order) for row in joined.rows}
    assert set(rows) == expected
    return len(expected)


def test_issue_rows_are_the_sparql_join_on_the_real_graph(built_store: Store, project: Project) -> None:
    """The interests in issues, broader issues added in the code, are the rows the join in SPARQL gave."""
    assert _issue_rows_are_the_join(built_store, project) > 50


def test_issue_rows_are_the_sparql_join_on_a_fixture(build_fixture_project: Callable[..., tuple[Store, Project]]) -> None:
    """The same on the made-up miniature of tests/test_coalitions.py, whose issues nest three deep."""
    store, project = build_fixture_project("coalitions.trig")
    assert _issue_rows_are_the_join(store, project) > 0


def test_unique_ints_is_numpy_unique() -> None:
    import numpy as np

    from kg.coalitions.pairs import unique_ints

    rng = np.random.default_rng(0)
    for size in (0, 1, 2, 1000):
        values = rng.integers(0, 50, size)
        assert np.array_equal(unique_ints(values), np.unique(values))
