"""Turn the rows of a sheet into RDF statements, each in the citation graph of its source.

The shapes follow ``graph_data/README.md``: one named graph per source, place and certainty,
described inside itself as a ``jsi:Citation``; IRIs by the README's patterns, so the same row
always gives the same statements. Memberships (group rosters and participation in the JSI)
are made by :func:`membership_quads` alone, so that a change of the membership model is a
change in one place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg import iris
from kg.catalogue.index import normalise
from kg.dataentry.kinds import CERTAINTIES
from kg.dataentry.sheets import Row, Sheet, split_list

__all__ = ["RowError", "RowErrors", "RowFacts", "Builder", "membership_quads", "parse_date", "slug"]

J = iris.JSI
ID = iris.ID
RDF_TYPE = ox.NamedNode(iris.PREFIXES["rdf"] + "type")
RDFS = iris.PREFIXES["rdfs"]
DCT = iris.PREFIXES["dcterms"]
ORG = iris.PREFIXES["org"]
XSD = iris.PREFIXES["xsd"]

DOC_KINDS = {
    "proposal": "Proposal", "communication": "Communication", "negotiating-text": "NegotiatingText",
    "joint-statement": "JointStatement", "agreement-text": "AgreementText",
}
STANCES = ("supported", "did-not-support", "position")


class RowErrors(Exception):
    """Every problem found in one row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class RowError(Exception):
    """A problem with one cell: the column, the value, what is allowed."""

    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column


@dataclass
class RowFacts:
    """What one row states: its quads, its main subject, and a short summary for the report."""

    row: Row
    quads: list[ox.Quad] = field(default_factory=list)
    summary: str = ""
    citation_nodes: set[str] = field(default_factory=set)


def N(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def slug(text: str, limit: int = 48) -> str:
    """'WT/MIN(17)/60, list' → 'wt-min-17-60-list' (lower case, ASCII letters and digits)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return s[:limit].rstrip("-") or "x"


def _hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:8]


def _short_citation(citation: str) -> str:
    """URLs shortened to their sites: 'https://gov.uk/x ; https://www.ft.com/y' → 'gov.uk, ft.com'."""
    short = re.sub(r"https?://(?:www\.)?([^/\s]+)\S*", r"\1", citation)
    return re.sub(r"\s*;\s*", ", ", short).strip()


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date(value: str, column: str) -> ox.Literal:
    """'2019' → xsd:gYear, '2019-04' → xsd:gYearMonth, '2019-04-23' → xsd:date."""
    m = _DATE.match(value.strip())
    try:
        if m and m.group(3):
            dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return ox.Literal(value.strip(), datatype=N(XSD + "date"))
        if m and m.group(2):
            dt.date(int(m.group(1)), int(m.group(2)), 1)
            return ox.Literal(value.strip(), datatype=N(XSD + "gYearMonth"))
        if m:
            return ox.Literal(value.strip(), datatype=N(XSD + "gYear"))
    except ValueError:
        pass
    hint = " and say what is known in date_note" if column == "date" else ""
    raise RowError(column, f"{value!r} is not a date; write 2019, 2019-04 or 2019-04-23{hint}")


def doc_iri(symbol: str) -> str:
    """The IRI of a WTO document: doc/{symbol with / → - and spaces → _}."""
    return ID + "doc/" + symbol.strip().replace("/", "-").replace(" ", "_")


TIME = iris.PREFIXES.get("time", "http://www.w3.org/2006/time#")
#: xsd datatype of a date → the OWL-Time property that holds it
_IN_XSD = {XSD + "date": "inXSDDate", XSD + "gYearMonth": "inXSDgYearMonth", XSD + "gYear": "inXSDgYear"}


def _instant(graph: ox.NamedNode, period: ox.NamedNode, prop: str, date: ox.Literal, key: str) -> list[ox.Quad]:
    node = ox.BlankNode("b" + hashlib.sha1(f"{key}-{prop}".encode()).hexdigest()[:16])
    return [ox.Quad(period, N(TIME + prop), node, graph),
            ox.Quad(node, N(TIME + _IN_XSD[date.datatype.value]), date, graph)]


def membership_quads(graph: ox.NamedNode, member: str, group: str, role: str, since: ox.Literal | None,
                     until: ox.Literal | None, comment: str = "") -> list[ox.Quad]:
    """The statements of one membership (the one place that knows the membership model).

    W3C ORG with an OWL-Time interval (graph_data/README.md): ``membership/{GROUP}-{ISO}[-{role}]``
    ``org:memberDuring period/{same key}``, whose ``time:hasBeginning`` and ``time:hasEnd`` hold
    the dates as precise as the source; ``role/member`` adds no suffix to the key.
    """
    group_key, member_key, role_key = (iris.local_name(x) for x in (group, member, role))
    key = f"{group_key}-{member_key}" + ("" if role_key == "member" else f"-{role_key}")
    node, period = N(f"{ID}membership/{key}"), N(f"{ID}period/{key}")
    quads = [
        ox.Quad(node, RDF_TYPE, N(ORG + "Membership"), graph),
        ox.Quad(node, N(ORG + "member"), N(member), graph),
        ox.Quad(node, N(ORG + "organization"), N(group), graph),
        ox.Quad(node, N(ORG + "role"), N(role), graph),
        ox.Quad(node, N(ORG + "memberDuring"), period, graph),
        ox.Quad(period, RDF_TYPE, N(TIME + "Interval"), graph),
    ]
    if since is not None:
        quads += _instant(graph, period, "hasBeginning", since, key)
    if until is not None:
        quads += _instant(graph, period, "hasEnd", until, key)
    if comment:
        quads.append(ox.Quad(node, N(RDFS + "comment"), en(comment), graph))
    return quads


#: resolve(kind, value, column) → IRI; raises RowError with the catalogue's "did you mean".
Resolve = Callable[[str, str, str], str]


class Builder:
    """Builds the statements of the rows of one sheet.

    ``resolve`` turns names into IRIs (kg.catalogue's resolution over the built graph);
    ``known`` answers whether an IRI is described in graph_data (e.g. a document added by an
    earlier, not yet built, import); ``roles`` are the known role keys; ``elements`` maps a
    document IRI to its existing elements ``{label: iri}``, the English label folded as names
    compare everywhere (:func:`kg.catalogue.index.normalise`).
    """

    def __init__(self, sheet: Sheet, resolve: Resolve, known: Callable[[str], bool], roles: set[str],
                 elements: dict[str, dict[str, str]]) -> None:
        self.sheet = sheet
        self._resolve = resolve
        self.errors: list[RowError] = []
        self.known = known
        self.roles = roles
        self.elements = {d: dict(e) for d, e in elements.items()}
        self.documents: dict[str, tuple[Row, dict[str, str]]] = {}

    # ------------------------------------------------------------------ shared parts

    def citation(self, row: Row, facts: RowFacts, cites: list[str] | None = None) -> ox.NamedNode:
        c = row.cells
        citation, locator = c.get("citation", "").strip(), c.get("locator", "").strip()
        certainty, note = c.get("certainty", "").strip().lower(), c.get("certainty_note", "").strip()
        for column, value in (("citation", citation), ("locator", locator)):
            if not value:
                raise RowError(column, f"empty; every row needs its source ({column})")
        if certainty not in CERTAINTIES:
            raise RowError("certainty", f"{c.get('certainty', '')!r} is not a certainty; write high, medium or low")
        if certainty != "high" and not note:
            raise RowError("certainty_note", f"empty; a {certainty} certainty needs a note saying why")
        graph = N(f"{ID}graph/{slug(citation, 32)}-{slug(locator, 24)}-{_hash(citation, locator, certainty, note)}")
        facts.citation_nodes.add(graph.value)
        q = facts.quads
        q += [ox.Quad(graph, RDF_TYPE, N(J + "Citation"), graph),
              ox.Quad(graph, N(RDFS + "label"), en(f"{_short_citation(citation)}: {locator}"), graph),
              ox.Quad(graph, N(DCT + "bibliographicCitation"), ox.Literal(citation), graph),
              ox.Quad(graph, N(J + "locator"), ox.Literal(locator), graph),
              ox.Quad(graph, N(J + "certainty"), N(J + CERTAINTIES[certainty]), graph)]
        if note:
            q.append(ox.Quad(graph, N(J + "certaintyNote"), en(note), graph))
        as_doc = doc_iri(citation) if re.fullmatch(r"[A-Z]+(/[\w().]+)+", citation) else None
        if as_doc and (self.known(as_doc) or as_doc in (cites or [])):
            source = N(as_doc)
        else:
            source = N(f"{ID}source/{slug(citation)}-{_hash(citation)}")
            facts.citation_nodes.add(source.value)
            q += [ox.Quad(source, RDF_TYPE, N(J + "Source"), graph),
                  ox.Quad(source, N(DCT + "title"), ox.Literal(citation), graph)]
            if re.fullmatch(r"https?://\S+", citation):
                q.append(ox.Quad(source, N(DCT + "identifier"), ox.Literal(citation), graph))
        q.append(ox.Quad(graph, N(DCT + "source"), source, graph))
        for doc in cites or []:
            q.append(ox.Quad(graph, N(J + "citesDocument"), N(doc), graph))
        return graph

    def _doc_lookup(self, value: str, column: str) -> str:
        """A document by symbol or name: in the built graph, or added to graph_data since."""
        if self.known(doc_iri(value)):
            return doc_iri(value)
        return self._resolve("document", value, column)

    def _issues(self, row: Row, column: str) -> list[str]:
        return [self.resolve("issue", v, column) for v in split_list(row.cells.get(column, ""))]

    # ------------------------------------------------------------------ kinds

    def build(self, kind: str, row: Row) -> RowFacts:
        """The statements of one row; raises :class:`RowErrors` with every problem of its cells."""
        facts = RowFacts(row)
        self.errors = []
        try:
            getattr(self, "_kind_" + kind)(row, facts)
        except RowError as exc:
            self.errors.append(exc)
        if self.errors:
            raise RowErrors(self.errors)
        return facts

    def resolve(self, kind: str, value: str, column: str) -> str:
        """A name's IRI; a miss is recorded (the row goes on, so every bad cell is reported)."""
        try:
            return self._resolve(kind, value, column)
        except RowError as exc:
            self.errors.append(exc)
            return f"{ID}unresolved/{kind}"

    def date(self, value: str, column: str) -> ox.Literal:
        try:
            return parse_date(value, column)
        except RowError as exc:
            self.errors.append(exc)
            return ox.Literal("0001", datatype=N(XSD + "gYear"))

    def _kind_stance(self, row: Row, facts: RowFacts) -> None:
        c = row.cells
        stance = c["stance"].strip().lower()
        if stance not in STANCES:
            raise RowError("stance", f"{c['stance']!r} is not a stance; write {', '.join(STANCES)}")
        member = self.resolve("actor", c["member"], "member")
        target_text = c["target"].strip()
        if not target_text:
            raise RowError("target", "empty; name the text (document symbol) or the issue (code)")
        try:
            target, is_doc = self._doc_lookup(target_text, "target"), True
        except RowError as doc_error:
            if stance != "position":
                raise RowError("target", f"{doc_error}; a {stance} stance is on a text (a document symbol)") from None
            target, is_doc = "", False
            for kind in ("issue", "group"):  # a position on an issue, or on the initiative itself (JSI)
                try:
                    target = self._resolve(kind, target_text, "target")
                    break
                except RowError:
                    continue
            if not target:
                raise RowError("target", f"{doc_error}; a position may also be on an issue (code such as D.3.1) "
                               "or on the initiative (JSI)") from None
        statement = c.get("statement", "").strip()
        if stance == "position" and not statement:
            raise RowError("statement", "empty; a position needs the member's words (statement)")
        date = self.date(c["date"], "date") if c.get("date", "").strip() else None
        graph = self.citation(row, facts, [target] if is_doc else [])
        if stance != "position":
            prop = "supportedText" if stance == "supported" else "didNotSupportText"
            facts.quads.append(ox.Quad(N(member), N(J + prop), N(target), graph))
        if statement:
            # One position per text, stance, date and words: rows that give the same words for several
            # members (a joint paper, a source naming them together) make one position they all raised.
            node = N(f"{ID}position/{slug(iris.local_name(target), 40)}-{stance}"
                     + (f"-{date.value}" if date is not None else "") + f"-{_hash(statement)[:8]}")
            label = statement if len(statement) <= 120 else statement[:120].rsplit(" ", 1)[0] + " …"
            facts.quads += [ox.Quad(node, RDF_TYPE, N(J + "Position"), graph),
                            ox.Quad(node, N(RDFS + "label"), en(label), graph),
                            ox.Quad(node, N(J + "statement"), en(statement), graph),
                            ox.Quad(node, N(J + "raisedBy"), N(member), graph),
                            ox.Quad(node, N(J + "about"), N(target), graph)]
            if date is not None:
                facts.quads.append(ox.Quad(node, N(DCT + "date"), date, graph))
        facts.summary = f"{stance} on {target_text}"

    def _role(self, value: str, column: str) -> str:
        key = slug(value or "member", 60)
        if key not in self.roles:
            raise RowError(column, f"{value!r} is not a role the graph knows; use one of {', '.join(sorted(self.roles))}")
        return f"{ID}role/{key}"

    def _kind_membership(self, row: Row, facts: RowFacts) -> None:
        c = row.cells
        member = self.resolve("member", c["member"], "member")
        group = self.resolve("group", c["group"], "group")
        role = self._role(c.get("role", "").strip() or "member", "role")
        since = self.date(c["since"], "since") if c.get("since", "").strip() else None
        until = self.date(c["until"], "until") if c.get("until", "").strip() else None
        graph = self.citation(row, facts)
        facts.quads += membership_quads(graph, member, group, role, since, until)
        facts.summary = f"{c['member']} in {c['group']}"

    def _kind_participation(self, row: Row, facts: RowFacts) -> None:
        c = row.cells
        member = self.resolve("member", c["member"], "member")
        initiative = self.resolve("group", c.get("initiative", "").strip() or "JSI", "initiative")
        role = self._role(c["role"].strip(), "role")
        if not c["date"].strip():
            raise RowError("date", "empty; give the date of the evidence (2019, 2019-11 or 2019-11-19)")
        since = self.date(c["date"], "date")
        graph = self.citation(row, facts)
        facts.quads += membership_quads(graph, member, initiative, role, since, None, c.get("note", "").strip())
        facts.summary = f"{c['member']}: {c['role'].strip()} ({since.value})"

    def _kind_concern(self, row: Row, facts: RowFacts) -> None:
        c = row.cells
        name = c["concern"].strip()
        if not name:
            raise RowError("concern", "empty; name the concern")
        category_text = c.get("category", "").strip()
        graph_quads: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = []
        try:
            concern = self._resolve("concern", name, "concern")
        except RowError as unknown:
            if not category_text:
                raise RowError("concern", f"{unknown}; or give a category to add it as a new concern") from None
            concern = f"{ID}concern/{slug(name, 60)}"
            category = self.resolve("concern-category", category_text, "category")
            graph_quads += [(N(concern), RDF_TYPE, N(J + "DevelopmentConcern")),
                            (N(concern), N(RDFS + "label"), en(name)),
                            (N(concern), N(J + "inCategory"), N(category))]
        actor = self.resolve("actor", c["raised_by"], "raised_by")
        graph_quads.append((N(concern), N(J + "raisedBy"), N(actor)))
        cites = []
        if c.get("raised_in", "").strip():
            try:
                doc = self._doc_lookup(c["raised_in"].strip(), "raised_in")
            except RowError as exc:
                self.errors.append(exc)
                doc = f"{ID}unresolved/document"
            cites.append(doc)
            graph_quads.append((N(concern), N(J + "raisedIn"), N(doc)))
        for issue in self._issues(row, "issues"):
            graph_quads.append((N(concern), N(J + "relatedIssue"), N(issue)))
        graph = self.citation(row, facts, cites)
        facts.quads += [ox.Quad(s, p, o, graph) for s, p, o in graph_quads]
        facts.summary = f"{c['raised_by']} raises {name!r}"

    def _kind_document(self, row: Row, facts: RowFacts) -> None:
        c = row.cells
        symbol = c["symbol"].strip()
        if not symbol:
            raise RowError("symbol", "empty; give the WTO document symbol (INF/ECOM/99)")
        if re.search(r'[\s<>"{}|^`\\]', symbol.replace(" ", "")) or symbol.startswith("#"):
            raise RowError("symbol", f"{symbol!r} is not a document symbol (letters, digits, / . ( ) -)")
        doc = doc_iri(symbol)
        doc_cells = ("kind", "date", "date_note", "title", "sponsors")
        first = self.documents.get(doc)
        if first is not None:  # a further row of the same document: its document cells repeat or stay empty
            first_row, cells = first
            for col in doc_cells:
                value = c.get(col, "").strip()
                if value and value != cells.get(col, ""):
                    raise RowError(col, f"{value!r} differs from {cells.get(col, '') or 'the empty cell'!r} on row "
                                   f"{first_row.number} of the same document {symbol}; leave it empty or repeat it")
            cells = dict(cells)
        else:
            cells = {col: c.get(col, "").strip() for col in doc_cells}
        kind = cells["kind"].lower()
        exists = self.known(doc)  # a document of the graph: a row may just add elements or a source
        if kind not in DOC_KINDS and not (exists and not kind):
            raise RowError("kind", f"{c.get('kind', '')!r} is not a kind of document; write {', '.join(DOC_KINDS)}"
                           + (" (or leave it empty: the document is in the graph)" if exists else ""))
        date = self.date(cells["date"], "date") if cells["date"] and not first else None
        sponsors = [] if first else [self.resolve("actor", s, "sponsors") for s in split_list(cells["sponsors"])]
        if kind == "proposal" and first is None and not exists and not sponsors:
            raise RowError("sponsors", "empty; a proposal needs at least one sponsor")
        if kind == "proposal" and first is None and not exists and date is None and not cells["date_note"]:
            raise RowError("date", "empty, and so is date_note; a proposal needs a date or a note on its date")
        element, column = c.get("element", "").strip(), c.get("column", "").strip()
        if column and not element:
            raise RowError("element", f"empty, but the column is {column!r}; name the element it places")
        issues = self._issues(row, "issues")
        if issues and not element:
            raise RowError("element", "empty, but issues are given; name the element that addresses them")
        col_iri = self.resolve("column", column, "column") if element and column else None
        if element and col_iri is None:
            raise RowError("column", "empty; an element needs its Table 5 column (cooperation, "
                           "cooperation-mechanisms, capacity-building, implementation-periods)")
        graph = self.citation(row, facts, [doc])
        q = facts.quads
        d = N(doc)
        if first is None:
            self.documents[doc] = (row, cells)
            if kind:
                q.append(ox.Quad(d, RDF_TYPE, N(J + DOC_KINDS[kind]), graph))
            q += [ox.Quad(d, N(RDFS + "label"), en(symbol), graph),
                  ox.Quad(d, N(J + "symbol"), ox.Literal(symbol), graph)]
            if date is not None:
                q.append(ox.Quad(d, N(DCT + "date"), date, graph))
            if cells["date_note"]:
                q.append(ox.Quad(d, N(J + "dateNote"), en(cells["date_note"]), graph))
            if cells["title"]:
                q.append(ox.Quad(d, N(DCT + "description"), en(cells["title"]), graph))
            q += [ox.Quad(d, N(J + "sponsoredBy"), N(s), graph) for s in sponsors]
        parts = [f"{symbol}" + (f" ({len(sponsors)} sponsor{'s' if len(sponsors) != 1 else ''})" if sponsors else "")]
        if element and col_iri is not None:
            known = self.elements.setdefault(doc, {})
            el_iri = known.get(normalise(element))
            if el_iri is None:
                used = [int(m.group(1)) for v in known.values() if (m := re.search(r"-(\d+)$", v))]
                el_iri = f"{ID}element/{iris.local_name(doc)}-{max(used, default=0) + 1}"
                known[normalise(element)] = el_iri
            el = N(el_iri)
            q += [ox.Quad(d, N(J + "hasElement"), el, graph),
                  ox.Quad(el, RDF_TYPE, N(J + "ProposalElement"), graph),
                  ox.Quad(el, N(RDFS + "label"), en(element), graph),
                  ox.Quad(el, N(J + "inColumn"), N(col_iri), graph)]
            q += [ox.Quad(el, N(J + "addressesIssue"), N(i), graph) for i in issues]
            parts.append(f"element {element!r}")
        facts.summary = ", ".join(parts)
