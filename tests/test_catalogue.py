"""The query catalogue (kg.catalogue, kg query): headers, parameter resolution, errors a
person can act on, injection-proof binding, the README table, the new violation checks and
the start-up cost of the query path."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.catalogue import (
    README_END,
    README_START,
    find_query,
    list_queries,
    normalise,
    parse_header,
    read_query,
    readme_block,
    resolve_parameter,
    run_query,
    update_readme,
)
from kg.errors import ParameterError, QueryError
from kg.project import Project
from kg.loading import load_sources
from kg.store import Store
from kg.validation import run_checks

ROOT = Path(__file__).resolve().parent.parent
PROJECT = Project(ROOT)
ID = "https://w3id.org/jsi-ecom/id/"


# ----------------------------------------------------------------------------- headers


def test_header_fields_and_continuations() -> None:
    text = (
        "#+ summary: Proposals of\n#+   a member?\n#+ description: One.\n#+\n#+   Two.\n"
        "# a plain comment\n#+ param: member | member | CIV | who\n#+ param: lang? | lang | fr | names\n"
        "#+ column: document | its symbol\n#+ reasoning: yes\nSELECT ?member ?lang ?document WHERE {} ORDER BY ?document\n"
    )
    header = parse_header(text)
    assert header["summary"] == ["Proposals of a member?"]
    assert header["description"] == ["One.\n\nTwo."]
    assert header["param"] == ["member | member | CIV | who", "lang? | lang | fr | names"]


def test_read_query_gives_parameters_columns_and_reasoning() -> None:
    q = read_query(ROOT / "queries" / "proposals-of-member.rq")
    assert [(p.name, p.kind, p.required) for p in q.parameters] == [("member", "actor", True), ("lang", "lang", False)]
    assert q.columns[0].name == "document" and q.columns[0].description
    assert q.reasoning is False
    assert q.example_command() == "kg query proposals-of-member -p member=\"Côte d'Ivoire\""
    assert read_query(ROOT / "queries" / "members-sharing-interests.rq").reasoning is True


def test_malformed_headers_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.rq").write_text("SELECT * WHERE {}", encoding="utf-8")
    with pytest.raises(QueryError, match=r"a\.rq: the header needs a '#\+ summary:' line"):
        read_query(tmp_path / "a.rq")
    (tmp_path / "b.rq").write_text("#+ summary: x?\n#+ param: m | country | CIV | who\nSELECT", encoding="utf-8")
    with pytest.raises(QueryError, match=r"b\.rq: parameter 'm' has unknown kind 'country'; known: member"):
        read_query(tmp_path / "b.rq")


def test_catalogue_lists_every_file_by_name() -> None:
    names = [q.name for q in list_queries(PROJECT)]
    assert names == sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert len(names) >= 20


def test_unknown_query_names_the_known_ones_and_the_closest() -> None:
    with pytest.raises(QueryError, match=r"Unknown query 'proposals-of-membre'\. Did you mean 'proposals-of-member'.*Known: "):
        find_query("proposals-of-membre", PROJECT)
    with pytest.raises(QueryError, match=r"Unknown query '\.\./x'"):
        find_query("../x", PROJECT)


# ----------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("kind", "value", "iri"),
    [
        pytest.param("member", "Côte d'Ivoire", "member/CIV", id="english"),
        pytest.param("member", "cote d’ivoire", "member/CIV", id="no-accent-curly-apostrophe"),
        pytest.param("member", "  CÔTE   D'IVOIRE ", "member/CIV", id="case-spacing"),
        pytest.param("member", "Costa de Marfil", "member/CIV", id="spanish"),
        pytest.param("member", "Union européenne", "member/EUN", id="french"),
        pytest.param("member", "civ", "member/CIV", id="iso-code"),
        pytest.param("member", "Korea", "member/KOR", id="word-of-the-name"),
        pytest.param("member", "Republic of Korea", "member/KOR", id="brief-name"),
        pytest.param("member", "member:CIV", "member/CIV", id="prefixed-iri"),
        pytest.param("member", "id:member/CIV", "member/CIV", id="id-iri"),
        pytest.param("member", "member/CIV", "member/CIV", id="as-tables-print-it"),
        pytest.param("member", f"<{ID}member/CIV>", "member/CIV", id="bracketed-iri"),
        pytest.param("member", f"{ID}member/CIV", "member/CIV", id="full-iri"),
        pytest.param("issue", "A.1.(2)", "issue/A.1.2", id="brief-issue-code"),
        pytest.param("issue", "a.1.2", "issue/A.1.2", id="issue-code"),
        pytest.param("issue", "Electronic invoicing", "issue/A.1.4", id="issue-name"),
        pytest.param("issue", "Facturation électronique", "issue/A.1.4", id="issue-name-fr"),
        pytest.param("document", "INF/ECOM/62/Rev.2", "doc/INF-ECOM-62-Rev.2", id="symbol"),
        pytest.param("proposal", "inf ecom 49", "doc/INF-ECOM-49", id="symbol-loosely"),
        pytest.param("group", "FED", "group/FED", id="group-key"),
        pytest.param("group", "Groupe des PMA", "group/LDC", id="group-fr"),
        pytest.param("actor", "LDC", "group/LDC", id="actor-group"),
        pytest.param("concern-category", "lack-of-capacity", "concern-category/lack-of-capacity", id="key"),
        pytest.param("sdt-model", "TFA", "sdt/tfa", id="model-code"),
        pytest.param("column", "capacity-building", None, id="column-code"),
        pytest.param("entity", "INF/ECOM/49", "doc/INF-ECOM-49", id="entity"),
    ],
)
def test_resolve_parameter(built_store: Store, kind: str, value: str, iri: str | None) -> None:
    term = resolve_parameter(built_store, kind, value)
    assert isinstance(term, ox.NamedNode)
    if iri is not None:
        assert term.value == ID + iri
    else:
        assert term.value == "https://w3id.org/jsi-ecom/ontology#CapacityBuildingColumn"


def test_literal_kinds() -> None:
    assert resolve_parameter(None, "lang", " FR ") == ox.Literal("fr")  # type: ignore[arg-type]
    assert resolve_parameter(None, "text", '"} UNION {') == ox.Literal('"} UNION {')  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"unknown language 'de'; use one of en, fr, es"):
        resolve_parameter(None, "lang", "de")  # type: ignore[arg-type]


def test_unknown_value_says_did_you_mean(built_store: Store) -> None:
    with pytest.raises(ParameterError, match=r"unknown member 'Cote dIvoir'\. Did you mean: Côte d'Ivoire \(member:CIV\)"):
        resolve_parameter(built_store, "member", "Cote dIvoir")
    with pytest.raises(ParameterError, match=r"unknown issue 'Z\.9'\..*Expected an issue of INF/ECOM/62/Rev\.2"):
        resolve_parameter(built_store, "issue", "Z.9")


def test_suggestions_are_in_the_asked_language(built_store: Store) -> None:
    with pytest.raises(ParameterError, match=r"Did you mean: Côte d'Ivoire"):
        resolve_parameter(built_store, "member", "Cote dIvoir", "fr")
    with pytest.raises(ParameterError, match=r"Did you mean: Estados Unidos"):
        resolve_parameter(built_store, "member", "Estados Unido", "es")


def test_ambiguous_value_lists_the_candidates(built_store: Store) -> None:
    # "Costa" is Costa Rica, and Côte d'Ivoire in Spanish (Costa de Marfil)
    with pytest.raises(ParameterError, match=r"ambiguous member 'Costa': it names .*Côte d'Ivoire \(member:CIV\).*Costa Rica \(member:CRI\)"):
        resolve_parameter(built_store, "member", "Costa")


def test_an_iri_of_another_kind_is_not_accepted(built_store: Store) -> None:
    with pytest.raises(ParameterError, match=r"unknown member 'group:FED'"):
        resolve_parameter(built_store, "member", "group:FED")


def test_unknown_kind_and_missing_or_unknown_parameters(built_store: Store) -> None:
    with pytest.raises(ParameterError, match=r"unknown parameter kind 'country'"):
        resolve_parameter(built_store, "country", "CIV")
    q = find_query("proposals-of-member", PROJECT)
    with pytest.raises(ParameterError, match=r"query 'proposals-of-member' needs the parameter 'member'.*-p member="):
        run_query(built_store, q, {}, project=PROJECT)
    with pytest.raises(ParameterError, match=r"has no parameter 'membre'\. Did you mean 'member'\?"):
        run_query(built_store, q, {"membre": "CIV"}, project=PROJECT)


def test_bound_parameter_columns_are_hidden_unless_asked(built_store: Store) -> None:
    q = find_query("group-members", PROJECT)
    assert "group" not in run_query(built_store, q, {"group": "FED"}, project=PROJECT).columns
    shown = run_query(built_store, q, {"group": "FED"}, project=PROJECT, show_parameters=True)
    assert set(shown.column("group")) == {ID + "group/FED"}


# ----------------------------------------------------------------------------- injection


FRAGMENTS = ['"', "'", "}", "{", "} UNION {", "#", "\n", "\\", "<", ">", ")", "?x", ";", "'''", '"""',
             " . ?s ?p ?o", "FILTER(true)", "é", "Ω", "中文", "\u202e", "\x00"]
HOSTILE = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), min_size=1, max_size=8).map("".join)


_HARMLESS: dict[str, list[object]] = {}


# find-entity scans every name of the graph (~0.5 s a run): 30 examples keep the suite short.
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=HOSTILE)
def test_a_hostile_text_value_never_changes_the_query(built_store: Store, value: str) -> None:
    """A text parameter full of quotes, braces and '} UNION {' finds what a harmless unknown
    word finds (nothing), or an error — never other rows, never a SPARQL error."""
    q = find_query("find-entity", PROJECT)
    value = value + "} UNION {"  # no name contains this, so the only right answer is no row
    if "harmless" not in _HARMLESS:
        _HARMLESS["harmless"] = list(run_query(built_store, q, {"text": "zzzz-no-such-name"}, project=PROJECT).rows)
    assert run_query(built_store, q, {"text": value}, project=PROJECT).rows == _HARMLESS["harmless"] == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=HOSTILE, name=st.sampled_from(["proposals-of-member", "issue-overview", "sources-of", "group-members"]))
def test_a_hostile_entity_value_is_refused_or_bound_as_one_term(built_store: Store, value: str, name: str) -> None:
    """A value either resolves to one thing of the graph (and the query then gives exactly the
    rows of that thing's IRI) or raises ParameterError; it never reaches the query text."""
    q = find_query(name, PROJECT)
    param = next(p for p in q.parameters if p.required)
    try:
        term = resolve_parameter(built_store, param.kind, value)
    except ParameterError:
        return
    assert isinstance(term, ox.NamedNode) and term.value.startswith(ID)
    rows = run_query(built_store, q, {param.name: value}, project=PROJECT).rows
    assert rows == run_query(built_store, q, {param.name: f"<{term.value}>"}, project=PROJECT).rows


# ----------------------------------------------------------------------------- command line


def test_cli_list_shows_every_question(invoke: Callable[..., object]) -> None:
    result = invoke("query", "--list", "--format", "json")
    rows = json.loads(result.output)  # type: ignore[attr-defined]
    assert {r["query"] for r in rows} == {q.name for q in list_queries(PROJECT)}
    assert all(r["question"] for r in rows)


def test_cli_runs_a_question_with_a_name_in_any_language(invoke: Callable[..., object]) -> None:
    result = invoke("query", "proposals-of-member", "-p", "member=Costa de Marfil", "--format", "csv", "--lang", "fr")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    lines = result.stdout.splitlines()  # type: ignore[attr-defined]
    assert "'Costa de Marfil' → Côte d'Ivoire (member:CIV)" in result.stderr  # type: ignore[attr-defined]
    assert lines[0] == "document,kind,date,date_note,sponsors,element,column,certainty"
    assert any(line.startswith("INF/ECOM/66,proposition,2021-07,") for line in lines)


def test_cli_backends_give_the_same_output(invoke: Callable[..., object]) -> None:
    args = ("query", "cooperation-without-capacity-building", "-p", "text=INF/ECOM/62/Rev.2", "--format", "tsv")
    assert invoke(*args).output == invoke(*args, "--backend", "rdflib").output  # type: ignore[attr-defined]


def test_cli_errors_are_one_clean_line(invoke: Callable[..., object]) -> None:
    unknown = invoke("query", "proposals-of-membre")
    assert unknown.exit_code == 1  # type: ignore[attr-defined]
    assert "Error: Unknown query 'proposals-of-membre'. Did you mean 'proposals-of-member'" in unknown.output  # type: ignore[attr-defined]
    bad_value = invoke("query", "group-members", "-p", "group=Friends of E-comerce")
    assert bad_value.exit_code == 1  # type: ignore[attr-defined]
    assert "Friends of E-commerce for Development (group:FED)" in bad_value.output  # type: ignore[attr-defined]
    usage = invoke("query", "group-members", "-p", "FED")
    assert usage.exit_code == 2 and "is not NAME=VALUE" in usage.output  # type: ignore[attr-defined]
    assert "Traceback" not in unknown.output + bad_value.output  # type: ignore[attr-defined]


def test_cli_describe_and_output_file(invoke: Callable[..., object], tmp_path: Path) -> None:
    described = invoke("query", "--describe", "sdt-models-for-concern-category").output  # type: ignore[attr-defined]
    assert "Parameters (-p NAME=VALUE):" in described and "category (concern-category)" in described
    assert "Example: kg query sdt-models-for-concern-category -p category=lack-of-capacity" in described
    out = tmp_path / "t5.md"
    result = invoke("query", "horizontal-map", "--format", "markdown", "-o", str(out))
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("| document | sponsors |")  # type: ignore[attr-defined]


def test_query_path_imports_no_heavy_library(built_dir: Path) -> None:
    """'kg query' loads pyoxigraph, click and kg only: never rdflib, owlrl, pyshacl, networkx, pyvis."""
    script = (
        "import sys\n"
        "from kg.cli import cli\n"
        "try:\n"
        "    cli(['query', 'proposals-of-member', '-p', 'member=CIV', '--format', 'json'], prog_name='kg')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "heavy = sorted(m for m in ('rdflib', 'owlrl', 'pyshacl', 'networkx', 'pyvis') if m in sys.modules)\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    env = {"KG_BUILD_DIR": str(built_dir), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert "HEAVY []" in done.stderr, done.stderr
    assert "INF/ECOM/49" in done.stdout


# ----------------------------------------------------------------------------- README


def test_readme_carries_the_catalogue() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(README_START) + len(README_START), readme.index(README_END)
    assert readme[start:end].strip() == readme_block(list_queries(PROJECT)).strip(), (
        "README.md's catalogue is out of date: run 'kg query --list --update-readme README.md'"
    )


def test_update_readme_replaces_only_the_block() -> None:
    text = f"# kg\n\nintro\n\n{README_START}\nOLD-BLOCK\n{README_END}\n\n## After\n"
    new = update_readme(text, list_queries(PROJECT))
    assert new.startswith("# kg\n\nintro\n\n") and new.endswith(f"{README_END}\n\n## After\n")
    assert "OLD-BLOCK" not in new and update_readme(new, list_queries(PROJECT)) == new


# ----------------------------------------------------------------------------- checks


CHECK_FIXTURE = """
@prefix jsi:     <https://w3id.org/jsi-ecom/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix member:  <https://w3id.org/jsi-ecom/id/member/> .
@prefix issue:   <https://w3id.org/jsi-ecom/id/issue/> .
@prefix t:       <https://w3id.org/jsi-ecom/id/test/> .

# Made up: each statement breaks one of the checks of queries/checks/ added with the catalogue.
t:graph-checks {
  t:graph-checks a jsi:Citation ;
      dcterms:bibliographicCitation "Test fixture, made up" ;
      dcterms:source t:nowhere ;
      jsi:isOwnAssessment true ;
      jsi:certainty jsi:HighCertainty .
  t:doc a jsi:Proposal ; jsi:symbol "INF/ECOM/999" ; jsi:sponsoredBy member:CVI .
  issue:A.9 a jsi:Section ; jsi:code "A.8" .
  t:membership <http://www.w3.org/ns/org#memberDuring> [
      <http://www.w3.org/2006/time#hasBeginning> [ <http://www.w3.org/2006/time#inXSDDate> "2020-05-01"^^xsd:date ] ;
      <http://www.w3.org/2006/time#hasEnd> [ <http://www.w3.org/2006/time#inXSDgYear> "2019"^^xsd:gYear ] ] .
  t:element jsi:answersConcern t:concern .
  t:grace a jsi:ImplementationPeriodProvision ;
      jsi:wording "Article 27 shall not apply to the settlement of disputes against a least-developed country Party." .
  t:dated a jsi:WTODocument ; jsi:symbol "INF/ECOM/998" ;
      dcterms:date "2019"^^xsd:gYear ; jsi:dateNote "2019 or 2020 (not found)" .
}
"""


@pytest.mark.parametrize(
    ("check", "focus", "message"),
    [
        ("member-without-iso-code-violation", ID + "member/CVI", "this member has no jsi:isoCode"),
        ("proposal-without-sponsor-or-date-violation", ID + "test/doc", "neither dcterms:date nor jsi:dateNote"),
        ("own-assessment-without-cited-document-violation", ID + "test/graph-checks", "cites no document"),
        ("issue-code-mismatch-violation", ID + "issue/A.9", "the code 'A.8' does not match the IRI"),
        ("membership-dates-inverted-violation", ID + "test/membership", "ends (2019) before it starts (2020-05-01)"),
        ("citation-source-undescribed-violation", ID + "test/graph-checks", "is not described anywhere as a jsi:Source"),
        ("document-date-conflict-violation", ID + "test/dated", "does not agree with dcterms:date 2019"),
        ("implementation-period-misfit-violation", ID + "test/grace", "grants or governs no period"),
    ],
)
def test_new_checks_find_what_they_look_for(tmp_path: Path, check: str, focus: str, message: str) -> None:
    data = tmp_path / "checks.trig"
    data.write_text(CHECK_FIXTURE, encoding="utf-8")
    loaded = load_sources(PROJECT.ontology_file, [data], root=tmp_path)
    found = run_checks(loaded, [PROJECT.checks_dir / f"{check}.rq"])
    assert [v.focus for v in found] == [focus]
    assert message in found[0].message


def test_normalise_folds_what_a_person_would_not_notice() -> None:
    assert normalise("Türkiye") == normalise("turkiye") == "turkiye"


def test_cli_list_is_readable_in_a_terminal(invoke: Callable[..., object]) -> None:
    """The default --list wraps each question under its name and shows how to pass parameters."""
    out = invoke("query", "--list").output  # type: ignore[attr-defined]
    assert "proposals-of-member  -p member=\"Côte d'Ivoire\"" in out
    assert "agreement-issue-outcome  [-p issue=D.3.1]" in out
    assert max(len(line) for line in out.splitlines()) <= 110
    assert out.rstrip().endswith("kg query --describe NAME")


def test_name_index_is_built_once_per_store_beside_it(built_store: Store, built_dir: Path) -> None:
    """The build writes an index of every lookup query beside the store it builds (keyed by
    the store's folder and the lookup query), so no question reads every name of the graph,
    not even the first after a build; the index answers as a scan of the lookup would."""
    from kg.catalogue import index

    store_name = Path(built_store.location).name
    lookups = sorted(p.stem for p in (ROOT / "queries" / "lookup").glob("*.rq"))
    written = {f.name.split(".")[1]: f.stat().st_mtime_ns for f in (built_dir / "index").glob(f"{store_name}.*.sqlite")}
    assert sorted(written) == lookups and "member" in written
    files = sorted((built_dir / "index").glob("store-*.member.*.sqlite"))
    assert len(files) == 1
    index._MEMORY.clear()  # a new process: the file is opened, not rebuilt
    assert str(resolve_parameter(built_store, "member", "Korea", project=PROJECT).value).endswith("/member/KOR")
    assert str(resolve_parameter(built_store, "member", "cote d ivoire", project=PROJECT).value).endswith("/member/CIV")
    assert files[0].stat().st_mtime_ns == written["member"]
    opened = index.name_index(built_store, "member", PROJECT, "member")
    table = built_store.select((ROOT / "queries" / "lookup" / "member.rq").read_text(encoding="utf-8"))
    scanned = {r["entity"] for r in table.records()}
    assert set(opened.everything()) == scanned
    assert opened.by_words("Korea") == [ID + "member/KOR"]
    assert opened.by_compact("inf ecom 49") == [] and opened.by_name("CIV") == [ID + "member/CIV"]


def test_query_benchmark_runs_on_a_small_graph(tmp_path: Path) -> None:
    """benchmarks/query_bench.py --quick (2,000 statements): a benchmark that no longer runs fails here."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "query_bench.py"), "--quick", "--work", str(tmp_path),
                           "--only", "groups-of-member", "members-sharing-interests"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| groups-of-member") or line.startswith("| members-")]
    assert len(rows) == 2 and all(int(r.split("|")[2]) > 0 for r in rows), done.stdout


# ----------------------------------------------------------------------------- text search


@pytest.mark.query("find-entity")
@pytest.mark.parametrize("text", ["ivoire", "IVOIRE", "Côte", "côte d'", "kor", "inf/ecom/4", "services", "e-commerce",
                                  "iv", "é", "e", "zzzz-no-such-name", "\"} UNION {"])
def test_a_narrowed_search_gives_the_rows_of_the_whole_scan(built_store: Store, text: str) -> None:
    """find-entity narrowed to the things the name index finds (FTS5 trigrams, or a scan of
    the names under three letters) gives exactly the rows of its SPARQL run as written,
    which tests every name of the graph; a selective search is narrowed."""
    from kg.catalogue import bind_parameters, narrowed_text

    q = find_query("find-entity", PROJECT)
    for lang in ("en", "fr"):
        bound = bind_parameters(built_store, q, {"text": text}, lang, project=PROJECT)
        narrowed = narrowed_text(built_store, q, bound, PROJECT)
        assert built_store.select(narrowed, bound).rows == built_store.select(q.text, bound).rows
        if text in ("ivoire", "Côte", "services", "zzzz-no-such-name"):
            assert "UNDEF" not in narrowed.split("WHERE", 1)[1], "a selective search names the things it found"


def test_the_index_finds_every_name_containing_a_text(built_store: Store) -> None:
    """containing() folds case, keeps accents, and the trigram and scan paths agree."""
    from kg.catalogue import index

    entity = index.name_index(built_store, "entity", PROJECT, "entity")
    assert ID + "member/CIV" in entity.containing("IVOIRE") and ID + "member/CIV" in entity.containing("Côte")
    assert ID + "member/CIV" not in entity.containing("cote d'iv")  # accents are not folded, as in SPARQL
    assert set(entity.containing("ivoire")) <= set(entity.containing("iv"))
    assert entity.containing("zzzz-no-such-name") == [] and entity.size() > 100


HEADER_LINES = {
    # '#+ narrow:' must name a text parameter, a kind with a lookup and a VALUES ?x { UNDEF } block
    "narrow": ("#+ summary: Find things?\n#+ param: text | text | x | y\n",
               "SELECT ?text ?x WHERE { VALUES ?x { UNDEF } ?x ?p ?text } ORDER BY ?x\n",
               {"#+ narrow: x | entity | text\n": None,
                "#+ narrow: x | entity\n": "must be",
                "#+ narrow: x | lang | text\n": "no lookup",
                "#+ narrow: x | entity | other\n": "not a text parameter",
                "#+ narrow: y | entity | text\n": "VALUES ?y"}),
    # '#+ below:' must name a parameter naming a thing and a VALUES ?x { UNDEF } block
    "below": ("#+ summary: Under an issue?\n#+ param: issue | issue | D.3 | the issue\n#+ param: text | text | x | y\n",
              "SELECT ?issue ?text ?x WHERE { VALUES ?x { UNDEF } ?x skos:broader* ?issue } ORDER BY ?x\n",
              {"#+ below: x | issue\n": None,
               "#+ below: x\n": "must be",
               "#+ below: x | issue | more\n": "must be",
               "#+ below: x | text\n": "not a parameter naming a thing",
               "#+ below: x | other\n": "not a parameter naming a thing",
               "#+ below: y | issue\n": "VALUES ?y"}),
}


@pytest.mark.parametrize("field", sorted(HEADER_LINES))
def test_a_narrowing_line_is_checked(field: str, tmp_path: Path) -> None:
    """A '#+ narrow:' or '#+ below:' line that the query cannot honour is one clear error."""
    from kg.catalogue.narrowing import below_of, narrowing_of

    read = {"narrow": narrowing_of, "below": below_of}[field]
    head, body, cases = HEADER_LINES[field]
    for line, error in cases.items():
        path = tmp_path / "q.rq"
        path.write_text(head + line + body, encoding="utf-8")
        if error is None:
            assert read(read_query(path)) is not None
        else:
            with pytest.raises(QueryError, match=re.escape(error)):
                read(read_query(path))


# ----------------------------------------------------------------------------- parameters written in


@pytest.mark.parametrize("path", sorted((ROOT / "queries").glob("*.rq")), ids=lambda p: p.stem)
def test_parameters_written_in_give_the_rows_of_substitutions(built_store: Store, path: Path) -> None:
    """On the built graph a catalogue query runs with its parameters written in as terms
    (kg.catalogue.inlining, so that Oxigraph plans from them): every catalogue query is
    written in, and gives exactly the rows of the same query bound by substitutions."""
    from kg.catalogue import bind_parameters, narrowed_text
    from kg.catalogue.inlining import inline_terms

    q = read_query(path)
    values = {p.name: p.example for p in q.parameters if p.required and p.kind != "lang"}
    bound = bind_parameters(built_store, q, values, "fr", project=PROJECT)
    text = narrowed_text(built_store, q, bound, PROJECT)
    inlined = inline_terms(text, bound)
    assert inlined is not None
    from kg.prebind import tokenize

    tokens = tokenize(inlined)
    left = [t.text for i, t in enumerate(tokens) if t.kind == "var" and t.text[1:] in bound and tokens[i - 1].keyword != "AS"]
    assert left == [], "every use of a parameter is its term (it stays a column as '(term AS ?name)')"
    assert built_store.select(inlined).rows == built_store.select(text, bound).rows


def test_free_text_is_never_written_into_the_query(built_store: Store) -> None:
    """What a person types as free text (kind 'text') stays a substitution: the query sent
    holds the resolved terms only, and the rows are those of substitutions throughout."""
    from kg.catalogue import bind_parameters, find_query, narrowed_text, run_catalogue_query
    from kg.catalogue.running import written_in
    from kg.prebind import tokenize

    q = find_query("find-entity", PROJECT)
    found = {}
    for typed in ('ivoire', '"} UNION { ?x ?y ?z }', "Côte"):
        bound = bind_parameters(built_store, q, {"text": typed}, "fr", project=PROJECT)
        text = narrowed_text(built_store, q, bound, PROJECT)
        written = written_in(q, text, bound)
        assert written is not None
        sent, left = written
        assert set(left) == {"text"} and left["text"].value == typed
        strings = [t.text for t in tokenize(sent) if t.kind == "string"]
        assert not any(typed in t for t in strings) and '"fr"' in strings, "the language is written in, the text is not"
        expected = built_store.select(text, bound).rows
        assert run_catalogue_query(built_store, q, {"text": typed}, "fr", project=PROJECT, show_parameters=True).rows == expected
        found[typed] = len(expected)
    assert found["ivoire"] > 0 and found["Côte"] > 0 and found['"} UNION { ?x ?y ?z }'] == 0


def test_writing_a_term_in_keeps_the_query_a_query() -> None:
    """Projection, GROUP BY, ORDER BY, sub-selects and strings are handled; a parameter the
    query assigns or lists in VALUES, or SELECT *, is left to substitutions."""
    from kg.catalogue.inlining import inline_terms

    m = ox.NamedNode(ID + "member/CIV")
    sub = "SELECT ?m ?n WHERE { { SELECT ?m (COUNT(*) AS ?n) WHERE { ?d ?p ?m } GROUP BY ?m } } ORDER BY DESC(?m) ?n"
    assert inline_terms(sub, {"m": m}) == (
        f"SELECT (<{ID}member/CIV> AS ?m) ?n WHERE {{ {{ SELECT  (COUNT(*) AS ?n) WHERE {{ ?d ?p <{ID}member/CIV> }} "
        f"GROUP BY (<{ID}member/CIV>) }} }} ORDER BY DESC(<{ID}member/CIV>) ?n")
    assert inline_terms('SELECT ?m WHERE { ?s ?p "?m" }', {"m": m}) == f'SELECT (<{ID}member/CIV> AS ?m) WHERE {{ ?s ?p "?m" }}'
    for refused in ("SELECT ?m WHERE { BIND (1 AS ?m) }", "SELECT ?m WHERE { VALUES ?m { 1 } }", "SELECT * WHERE { ?s ?p ?m }",
                    "SELECT ?x WHERE { { SELECT ?m WHERE { ?s ?p ?m } } }"):
        assert inline_terms(refused, {"m": m}) is None, refused
