"""``kg add``: check the rows of a sheet against the whole graph, then write them to graph_data/.

Order of work: read the sheet; resolve names as ``kg query`` does (kg.catalogue, over the
built graph); make each row's statements (kg.dataentry.facts); compare them with what
graph_data/ already says (nothing new → reported and skipped; a different value of a
single-valued fact → refused unless ``replace``); validate the would-be graph with the same
SHACL shapes and violation checks as ``kg build`` (kg.validation); only then write ONE file,
``graph_data/added-<kind>.trig``, atomically. Any problem leaves graph_data/ untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import iris
from kg.dataentry import facts as F
from kg.dataentry.kinds import KINDS, kind_spec
from kg.dataentry.sheets import Sheet, read_sheet
from kg.dataentry.trig import serialize_trig
from kg.errors import KGError, ParameterError
from kg.project import Project

__all__ = ["AddFailed", "AddReport", "add_sheet", "output_file", "SINGLE_VALUED"]

#: Facts that hold one value: a row giving another value conflicts with the graph.
SINGLE_VALUED = {F.DCT + "date", F.J + "inColumn", F.J + "inCategory", F.TIME + "hasEnd", F.J + "symbol"}
#: The beginning of a membership: a row's earlier date conflicts, a later one adds nothing.
BEGINNING = F.TIME + "hasBeginning"

#: A statement as compared: (subject, predicate, object), with a blank node's description
#: folded in (period hasBeginning [ inXSDDate D ] → (period, hasBeginning, D)).
Flat = tuple[str, str, Any]


def _flatten(quads: Iterable[ox.Quad]) -> list[tuple[Flat, list[ox.Quad]]]:
    """Each statement as compared, with the quads that state it."""
    quads = list(quads)
    described: dict[str, list[ox.Quad]] = {}
    for q in quads:
        if isinstance(q.subject, ox.BlankNode):
            described.setdefault(q.subject.value, []).append(q)
    out: list[tuple[Flat, list[ox.Quad]]] = []
    for q in quads:
        if isinstance(q.subject, ox.BlankNode):
            continue
        if isinstance(q.object, ox.BlankNode):
            out += [((_sv(q.subject), _sv(q.predicate), d.object), [q, d]) for d in described.get(q.object.value, [])]
        else:
            out.append(((_sv(q.subject), _sv(q.predicate), q.object), [q]))
    return out
_OPPOSITE = {F.J + "supportedText": F.J + "didNotSupportText", F.J + "didNotSupportText": F.J + "supportedText"}
_DOC_CLASSES = {F.J + c for c in F.DOC_KINDS.values()}


class AddFailed(KGError):
    """The sheet was not imported; ``problems`` holds one message per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if problems else "the sheet was not imported")
        self.problems = problems


@dataclass
class AddReport:
    """What an import did (or would do, with dry_run)."""

    file: Path
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    statements: int = 0
    written: bool = False


def output_file(project: Project, kind: str) -> Path:
    """Where the rows of a kind go: graph_data/added-<kind>.trig."""
    return project.data_dir / f"added-{kind}.trig"


class _Graph:
    """What graph_data/ says, with the file and citation of each statement."""

    def __init__(self, files: Iterable[Path], root: Path) -> None:
        from kg.loading import parse_file

        self.where: dict[tuple[str, str, Any], list[tuple[str, str]]] = {}
        self.by_sp: dict[tuple[str, str], set[Any]] = {}
        self.subjects: set[str] = set()
        self.citations: dict[str, str] = {}
        self.elements: dict[str, dict[str, str]] = {}
        self.roles: set[str] = set()
        labels: dict[str, str] = {}
        has_element: list[tuple[str, str]] = []
        for path in files:
            shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
            for (s, p, o), origins in _flatten(parse_file(path, root=root)):
                q = origins[0]
                g = _sv(q.graph_name) if isinstance(q.graph_name, ox.NamedNode) else ""
                self.where.setdefault((s, p, o), []).append((shown, g))
                self.by_sp.setdefault((s, p), set()).add(o)
                if p == F.RDF_TYPE.value:
                    self.subjects.add(s)
                    if _sv(o) == F.ORG + "Role":
                        self.roles.add(iris.local_name(s))
                elif p == F.DCT + "bibliographicCitation":
                    self.citations[s] = _sv(o)
                elif p == F.J + "hasElement":
                    has_element.append((s, _sv(o)))
                elif p == F.RDFS + "label" and getattr(o, "language", None) == "en":
                    labels[s] = _sv(o)
        # An element is matched within its document by its English label (the language a sheet's
        # element column is written in, facts.Builder), folded as names compare in kg.catalogue.
        from kg.catalogue.index import normalise

        for doc, el in has_element:
            if el in labels:
                self.elements.setdefault(doc, {})[normalise(labels[el])] = el

    def source_of(self, s: str, p: str, o: Any) -> str:
        file, g = self.where[(s, p, o)][0]
        return f"{self.citations.get(g, g)} (in {file})"


def _sv(term: Any) -> str:
    """The value of a term (IRI, literal, blank node) as a string."""
    return str(getattr(term, "value", term))


def _earlier(a: str, b: str) -> bool:
    """Whether date a is earlier than date b at the precision both share ('2019' vs '2019-11': no)."""
    n = min(len(a), len(b))
    return a[:n] < b[:n]


def _resolver(store: Any, project: Project) -> F.Resolve:
    from kg.catalogue import resolve_parameter

    def resolve(kind: str, value: str, column: str) -> str:
        if not value.strip():
            raise F.RowError(column, f"empty; give {kind_help(kind)}")
        try:
            term = resolve_parameter(store, kind, value.strip(), project=project)
        except ParameterError as exc:
            raise F.RowError(column, f"{value.strip()!r}: {exc}") from None
        return str(term.value)

    return resolve


def kind_help(kind: str) -> str:
    from kg.catalogue import KIND_HELP

    return KIND_HELP.get(kind, kind)


def add_sheet(project: Project, kind: str, path: Path, store: Any, *, dry_run: bool = False,
              replace: bool = False) -> AddReport:
    """Import the sheet at ``path`` as facts of ``kind`` into ``project``'s graph_data/.

    Raises
    ------
    AddFailed
        With one message per problem (file, row, column, value, what is allowed); nothing written.
    """
    spec = kind_spec(kind)
    if spec is None:
        raise AddFailed([f"unknown kind {kind!r}; use one of {', '.join(KINDS)}"])
    sheet = read_sheet(path, spec)
    target = output_file(project, spec.name)
    graph = _Graph(project.data_files(), project.root)
    known_subjects = graph.subjects
    builder = F.Builder(sheet, _resolver(store, project), lambda iri: iri in known_subjects, graph.roles,
                        graph.elements)
    problems: list[str] = []
    rows: list[F.RowFacts] = []
    for row in sheet.rows:
        try:
            rows.append(builder.build(spec.name, row))
        except F.RowErrors as exc:
            problems += [f"{sheet.where(row.number, e.column)}: {e}" for e in exc.errors]
    if problems:
        raise AddFailed(problems)

    report = AddReport(target)
    new_quads: list[ox.Quad] = []
    removed: set[Flat] = set()
    seen: dict[Flat, int] = {}
    row_of: dict[str, int] = {}
    for rf in rows:
        facts = _flatten(q for q in rf.quads if _sv(q.subject) not in rf.citation_nodes)
        fresh: list[tuple[Flat, list[ox.Quad]]] = []
        for key, origins in facts:
            if key in graph.where or key in seen:
                continue
            if key[1] == BEGINNING:
                older = [o for o in graph.by_sp.get(key[:2], ()) if o != key[2]]
                if older and not _earlier(_sv(key[2]), min(_sv(o) for o in older)):
                    continue  # known to have begun earlier (or at the same date): nothing new
            fresh.append((key, origins))
        conflicts = _conflicts([key for key, _ in fresh], graph)
        for s, p, old, new in conflicts:
            files = {f for f, _ in graph.where[(s, p, old)]}
            if replace and files == {target.relative_to(project.root).as_posix()}:
                removed.add((s, p, old))
                continue
            hint = ("re-run with --replace to replace it" if files == {target.relative_to(project.root).as_posix()}
                    else f"kg add did not write {', '.join(sorted(files))}: correct the sheet, or edit that file by hand")
            problems.append(f"{sheet.where(rf.row.number, _column_of(p, spec.name))}: {_show(new)!r} conflicts with "
                            f"{_show(old)!r} for {iris.compact(s)}, stated by {graph.source_of(s, p, old)}; the sheet may be "
                            f"older than the graph: check the sources, then {hint}")
        if not fresh:
            first = next((seen[key] for key, _ in facts if key in seen), None)
            where = f"repeats row {first} of the sheet" if first else "already in the graph"
            report.unchanged.append(f"{sheet.where(rf.row.number)}: nothing new ({rf.summary}: {where})")
            continue
        for key, _ in facts:
            seen.setdefault(key, rf.row.number)
        for q in rf.quads:
            row_of.setdefault(_sv(q.subject), rf.row.number)
            row_of.setdefault(_sv(q.graph_name), rf.row.number)
        new_quads += [q for q in rf.quads if _sv(q.subject) in rf.citation_nodes]
        new_quads += [q for _, origins in fresh for q in origins]
        report.added.append(f"{sheet.where(rf.row.number)}: {rf.summary}")
    if problems:
        raise AddFailed(problems)
    if not new_quads and not removed:
        return report

    from kg.loading import parse_file

    old_file = parse_file(target, root=project.root) if target.exists() else []
    dropped = {q for key, origins in _flatten(old_file) if key in removed for q in origins}
    kept = [q for q in old_file if q not in dropped]
    combined = sorted(set(kept) | set(new_quads), key=str)
    report.statements = len(set(combined) - set(old_file))
    header = (f"{target.name}: facts added with 'kg add {spec.name}' from filled-in sheets (see README, 'Adding facts').\n"
              "Written by kg add: do not edit by hand; each statement sits in the citation graph of its source.")
    text = serialize_trig(combined, header)
    _validate(project, target, text, row_of, sheet)
    if not dry_run:
        from kg.output import write_text_atomic

        write_text_atomic(target, text)
        report.written = True
    return report


def _conflicts(fresh: list[Flat], graph: _Graph) -> list[tuple[str, str, Any, Any]]:
    found = []
    for s, p, o in fresh:
        if p in SINGLE_VALUED:
            found += [(s, p, old, o) for old in sorted(graph.by_sp.get((s, p), ()), key=str) if old != o]
        elif p == BEGINNING:
            found += [(s, p, old, o) for old in sorted(graph.by_sp.get((s, p), ()), key=str) if old != o]
        elif p == F.RDF_TYPE.value and _sv(o) in _DOC_CLASSES:
            found += [(s, p, old, o) for old in graph.by_sp.get((s, p), ()) if _sv(old) in _DOC_CLASSES and old != o]
        elif p in _OPPOSITE and o in graph.by_sp.get((s, _OPPOSITE[p]), ()):
            found.append((s, _OPPOSITE[p], o, ox.NamedNode(p)))
    return found


_COLUMNS = {F.DCT + "date": {"document": "date", "stance": "date"}, F.J + "inColumn": {"document": "column"},
            F.J + "inCategory": {"concern": "category"}, BEGINNING: {"membership": "since", "participation": "date"},
            F.TIME + "hasEnd": {"membership": "until"}, F.RDF_TYPE.value: {"document": "kind"},
            F.J + "supportedText": {"stance": "stance"}, F.J + "didNotSupportText": {"stance": "stance"}}


def _column_of(predicate: str, kind: str) -> str | None:
    return _COLUMNS.get(predicate, {}).get(kind)


def _show(term: Any) -> str:
    return iris.compact(term.value) if isinstance(term, ox.NamedNode) else str(term.value)


def _validate(project: Project, target: Path, text: str, row_of: dict[str, int], sheet: Sheet) -> None:
    """The SHACL shapes and violation checks of 'kg build', on graph_data/ with the new file."""
    from kg.loading import load_sources
    from kg.validation import validate_sources

    others = [f for f in project.data_files() if f.resolve() != target.resolve()]
    loaded = load_sources(project.ontology_file, others, root=project.root)
    new = list(ox.parse(text.encode("utf-8"), ox.RdfFormat.TRIG))
    loaded.data += new
    shown = target.relative_to(project.root).as_posix()
    mine = {_sv(q.subject) for q in new} | {_sv(q.graph_name) for q in new if isinstance(q.graph_name, ox.NamedNode)}
    for q in new:
        loaded.origin.setdefault(_sv(q.subject), shown)
    checks = sorted(project.checks_dir.glob("*-violation.rq"))
    problems = []
    for v in validate_sources(loaded, project.shapes_file, checks):
        if v.severity != "Violation" or v.focus not in mine:
            continue
        row = row_of.get(v.focus)
        where = sheet.where(row) if row is not None else f"{sheet.path} (earlier rows in {shown})"
        path = f", property {iris.compact(v.path)}" if v.path else ""
        problems.append(f"{where}: the graph would not validate: {iris.compact(v.focus)}{path}: {v.message} ({v.check})")
    if problems:
        raise AddFailed(problems)
