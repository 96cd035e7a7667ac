"""Parse the ontology (Turtle) and the curated facts (TriG) into quads.

Parsing uses Oxigraph's RDF 1.1 Turtle/TriG parsers, which report errors with line and
column; :func:`to_rdflib` hands the same statements to pySHACL and owlrl. The ontology's
``owl:imports`` (OWL 2 Structural Specification, 3.4) are read from local files named by
the OASIS XML catalog ``catalog-v001.xml`` beside it, as Protégé and the ODK resolve them:
nothing is ever fetched.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import __version__, iris
from kg.errors import DataError

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "LoadedSources",
    "parse_file",
    "load_sources",
    "ontology_files",
    "CATALOG",
    "fingerprint_files",
    "to_rdflib",
    "to_rdflib_term",
    "from_rdflib_term",
]


@dataclass
class LoadedSources:
    """The parsed statements of a project.

    Attributes
    ----------
    ontology : list of pyoxigraph.Quad
        The ontology's triples, placed in the ontology graph.
    data : list of pyoxigraph.Quad
        The curated facts, each in its citation graph.
    origin : dict
        For each subject IRI, the first file (relative path) that states something
        about it, so that validation errors can name a file.
    files : list of Path
        Every file read, in order.
    """

    ontology: list[ox.Quad] = field(default_factory=list)
    data: list[ox.Quad] = field(default_factory=list)
    origin: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def quads(self) -> list[ox.Quad]:
        """Ontology and data together."""
        return self.ontology + self.data


_POSITION = re.compile(r"^Parser error (at|between) [^:]*: ")


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, RuntimeError, OSError):  # outside the project, or a symlink loop
            try:
                return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
            except ValueError:
                pass
    return str(path)


_XSD = "http://www.w3.org/2001/XMLSchema#"
_TZ = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
#: Lexical forms of the XSD datatypes the data uses (XML Schema 1.1 Part 2), checked on load.
_LEXICAL = {
    "date": (re.compile(r"-?\d{4,}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])" + _TZ), "YYYY-MM-DD"),
    "dateTime": (re.compile(r"-?\d{4,}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-4]):[0-5]\d:[0-5]\d(?:\.\d+)?" + _TZ), "YYYY-MM-DDThh:mm:ss"),
    "gYear": (re.compile(r"-?\d{4,}" + _TZ), "YYYY"),
    "gYearMonth": (re.compile(r"-?\d{4,}-(?:0[1-9]|1[0-2])" + _TZ), "YYYY-MM"),
    "integer": (re.compile(r"[+-]?\d+"), "a whole number"),
    "nonNegativeInteger": (re.compile(r"\+?\d+|-0+"), "a whole number ≥ 0"),
    "positiveInteger": (re.compile(r"\+?0*[1-9]\d*"), "a whole number > 0"),
    "decimal": (re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"), "a decimal number"),
    "double": (re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN"), "a number"),
    "boolean": (re.compile(r"true|false|1|0"), "true or false"),
}


def _check_literals(quads: list[ox.Quad], data: bytes, shown: str) -> None:
    """Refuse a typed literal whose text is not of its datatype (e.g. "abc"^^xsd:date), naming its line."""
    for quad in quads:
        obj = quad.object
        if not isinstance(obj, ox.Literal) or not obj.datatype.value.startswith(_XSD):
            continue
        rule = _LEXICAL.get(obj.datatype.value[len(_XSD):])
        if rule is None or rule[0].fullmatch(obj.value):
            continue
        needle = obj.value.encode("utf-8")
        offset = data.find(b'"' + needle + b'"')
        line = data.count(b"\n", 0, offset) + 1 if offset >= 0 else None
        raise DataError(
            f"{obj.value!r} is not a valid xsd:{obj.datatype.value[len(_XSD):]} (expected {rule[1]}); fix the value",
            shown,
            line,
        )


def parse_file(path: Path, *, root: Path | None = None) -> list[ox.Quad]:
    """Parse one Turtle (``.ttl``) or TriG (``.trig``) file.

    Raises
    ------
    DataError
        With file, line and column when the syntax is wrong, or when the file is missing.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> p = Path(d) / "x.trig"
    >>> _ = p.write_text('<http://e/g> { <http://e/a> <http://e/b> "c" . }')
    >>> len(parse_file(p))
    1
    >>> _ = p.write_text('<http://e/g> { <http://e/a> <http://e/b> "c }')
    >>> parse_file(p, root=Path(d))
    Traceback (most recent call last):
    ...
    kg.errors.DataError: x.trig:1:42: syntax error: Unexpected end of file
    """
    shown = _display(path, root)
    suffix = path.suffix.lower()
    stem = re.sub(r"[^A-Za-z0-9]", "", path.stem) or "f"
    fmt = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG}.get(suffix)
    if fmt is None:
        raise DataError(f"unsupported file type {suffix!r}; use .ttl or .trig", shown)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror}", shown) from exc
    try:
        quads = list(ox.parse(data, format=fmt, base_iri=None))
    except SyntaxError as exc:
        # Oxigraph repeats the position in its message; the DataError shows it once.
        message = _POSITION.sub("", str(exc.msg))
        raise DataError(f"syntax error: {message}", shown, exc.lineno, exc.offset) from exc
    except MemoryError as exc:  # Oxigraph's parser holds one token in at most 16 MB
        long_line = next((i for i, text in enumerate(data.split(b"\n"), 1) if len(text) > 1 << 24), None)
        raise DataError(
            f"a value is too long to parse ({exc}); keep literals and IRIs under 16 MB", shown, long_line
        ) from exc
    except (ValueError, OSError) as exc:
        raise DataError(f"cannot parse the file: {exc}", shown) from exc
    _check_literals(quads, data, shown)
    return _relabel_blank_nodes(quads, stem)


def _relabel_blank_nodes(quads: list[ox.Quad], stem: str) -> list[ox.Quad]:
    """Name blank nodes by file and order of appearance.

    The parser draws random blank-node identifiers; renaming them in document order makes
    the same sources give the same built bytes.
    """
    names: dict[str, ox.BlankNode] = {}

    def fix(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            if term.value not in names:
                names[term.value] = ox.BlankNode(f"{stem}b{len(names)}")
            return names[term.value]
        return term

    return [ox.Quad(fix(q.subject), q.predicate, fix(q.object), fix(q.graph_name)) for q in quads]


#: The OASIS XML catalog that maps each imported ontology IRI to a file beside the ontology.
CATALOG = "catalog-v001.xml"
_OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
_CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"


def _catalog(directory: Path) -> dict[str, Path]:
    """The ``<uri name=… uri=…/>`` entries of the catalog of ``directory`` (none when absent)."""
    import xml.etree.ElementTree as ET

    path = directory / CATALOG
    if not path.exists():
        return {}
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise DataError(f"cannot read the import catalog: {exc}", str(path)) from exc
    return {
        entry.attrib["name"]: directory / entry.attrib["uri"]
        for entry in root.iter(f"{_CATALOG_NS}uri")
        if "name" in entry.attrib and "uri" in entry.attrib
    }


def ontology_files(ontology_file: Path) -> list[Path]:
    """The ontology file, then the local files of its ``owl:imports``, transitively.

    Raises
    ------
    DataError
        When an import is not mapped to a local file by ``catalog-v001.xml`` (it is never
        fetched), or a file cannot be parsed.
    """
    catalog = _catalog(ontology_file.parent)
    files = [ontology_file]
    todo = [ontology_file]
    while todo:
        current = todo.pop(0)
        imported = sorted(
            quad.object.value
            for quad in parse_file(current)
            if quad.predicate.value == _OWL_IMPORTS and isinstance(quad.object, ox.NamedNode)
        )
        for iri in imported:
            local = catalog.get(iri)
            if local is None:
                raise DataError(
                    f"owl:imports <{iri}> has no local file; map it in {CATALOG} beside the ontology "
                    "(nothing is fetched from the web)", str(current))
            if local not in files:
                files.append(local)
                todo.append(local)
    return files


def load_sources(ontology_file: Path, data_files: Sequence[Path], *, root: Path | None = None) -> LoadedSources:
    """Parse the ontology and every data file.

    The ontology's triples go to the ontology graph. A data statement outside a named
    graph has no source and is refused.
    """
    loaded = LoadedSources()
    onto_graph = ox.NamedNode(iris.ONTOLOGY_GRAPH)
    for path in ontology_files(ontology_file):
        for quad in parse_file(path, root=root):
            loaded.ontology.append(ox.Quad(quad.subject, quad.predicate, quad.object, onto_graph))
        loaded.files.append(path)
    for path in data_files:
        shown = _display(path, root)
        for quad in parse_file(path, root=root):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                raise DataError(
                    f"statement {quad.subject} {quad.predicate} {quad.object} is outside any "
                    "named graph; put it inside the GRAPH block of the citation it comes from",
                    shown,
                )
            loaded.data.append(quad)
            if isinstance(quad.subject, ox.NamedNode):
                loaded.origin.setdefault(quad.subject.value, shown)
        loaded.files.append(path)
    return loaded


def fingerprint_files(paths: Iterable[Path]) -> str:
    """A SHA-256 over the package version and the names and bytes of the files.

    The build is skipped when the fingerprint is unchanged.
    """
    digest = hashlib.sha256(__version__.encode())
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes() if path.exists() else b"<missing>")
        except OSError as exc:  # a folder named *.trig, a symlink loop, no permission
            raise DataError(f"cannot read the file: {exc.strerror}", str(path)) from exc
        digest.update(b"\0")
    return digest.hexdigest()


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib_term(term: object, *, plain_strings: bool = False) -> Any:
    """An Oxigraph term as the equal rdflib term.

    Parameters
    ----------
    term : pyoxigraph term
        A named node, blank node or literal (``DefaultGraph`` gives ``None``).
    plain_strings : bool
        Give ``xsd:string`` literals without a datatype, as rdflib's SPARQL engine
        compares them (RDF 1.1 makes the two the same; rdflib does not).

    Examples
    --------
    >>> to_rdflib_term(ox.NamedNode("https://w3id.org/jsi-ecom/id/member/CIV"))
    rdflib.term.URIRef('https://w3id.org/jsi-ecom/id/member/CIV')
    >>> to_rdflib_term(ox.Literal("fr"), plain_strings=True)
    rdflib.term.Literal('fr')
    """
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if plain_strings and term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise DataError(f"unsupported RDF term {term!r} (RDF-star is not used here)")


def from_rdflib_term(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the equal Oxigraph term.

    Examples
    --------
    >>> from rdflib import Literal
    >>> from_rdflib_term(Literal("Kenya", lang="en"))
    <Literal value=Kenya language=en>
    """
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unexpected term {term!r}")


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """The union of the quads' triples as one rdflib graph (for pySHACL and owlrl)."""
    import logging

    import rdflib

    # rdflib logs a traceback for a literal it cannot convert; parse_file reports bad literals itself.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)

    graph = rdflib.Graph()
    for q in quads:
        graph.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object)))
    return graph
