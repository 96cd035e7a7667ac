"""The pages of the web app: search, the catalogue as forms, entity pages, briefings, charts, views.

Each handler takes a Werkzeug request and returns a response; every value reaches HTML
through a Jinja2 template that escapes it. Questions run through the catalogue
(:func:`kg.catalogue.run_query`: values resolved by name and bound as terms); entity pages
answer Turtle or JSON-LD to a client that asks for them (HTTP content negotiation).
"""

from __future__ import annotations

import difflib
import json
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.wrappers import Request, Response

from kg import iris
from kg.catalogue import KIND_HELP, find_query, list_queries, normalise, run_query
from kg.choices import LANGS, VIEWS
from kg.corrections import names_of, resolve_noting
from kg.errors import KGError, ParameterError
from kg.web.graphdata import Names, describe, rdf_of, short, types_of
from kg.words import words

if TYPE_CHECKING:
    from kg.web.app import WebApp

__all__ = ["Pages"]

_STATIC = Path(__file__).parent / "templates"
_STATIC_TYPES = {"app.css": "text/css", "app.js": "text/javascript", "brief.css": "text/css"}
_SOURCE_COLUMNS = ("source", "citation", "judged_by", "basis")
_RDF_TYPES = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/json": "jsonld"}


class Pages:
    """The handlers; each returns a :class:`werkzeug.wrappers.Response`."""

    def __init__(self, app: WebApp) -> None:
        self.app = app
        self.store = app.store
        self.project = app.project
        self.names = Names(app.store, app.project.queries_dir)
        self._types: dict[str, list[str]] | None = None
        self._cache: dict[tuple[str, ...], Any] = {}
        self._jobs: dict[tuple[str, ...], threading.Event] = {}
        self._errors: dict[tuple[str, ...], BaseException] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ helpers

    def _lang(self, request: Request) -> str:
        lang = request.args.get("lang", "en")
        return lang if lang in LANGS else "en"

    def _page(self, request: Request, template: str, status: int = 200, **values: Any) -> Response:
        lang = self._lang(request)
        html = self.app.render(template, w=words(lang), lang=lang, link=self._linker(lang), path=request.path,
                               version=self.app.version, other_langs=[x for x in LANGS if x != lang], **values)
        return Response(html, status=status, mimetype="text/html")

    @staticmethod
    def _linker(lang: str) -> Any:
        def link(path: str, **params: Any) -> str:
            query = {k: v for k, v in params.items() if v not in (None, "")}
            if lang != "en":
                query["lang"] = lang
            return path + ("?" + urlencode(query) if query else "")

        return link

    def types(self) -> dict[str, list[str]]:
        with self._lock:
            if self._types is None:
                self._types = types_of(self.store, self.project.queries_dir)
            return self._types

    def kind_of(self, iri: str, lang: str) -> str:
        """The most telling class of a thing, named in ``lang``."""
        classes = [c for c in self.types().get(iri, []) if c.startswith(iris.JSI)]
        preferred = ("LeastDevelopedMember", "Member", "Group", "Proposal", "Communication", "Provision", "Issue",
                     "DevelopmentConcern", "SDTModel")
        for name in preferred:
            if iris.JSI + name in classes:
                return self.names.label(iris.JSI + name, lang)
        return self.names.label(classes[0], lang) if classes else ""

    def property_name(self, iri: str, lang: str) -> str:
        """The name of a property; the W3C ones the ontology does not label, in words."""
        w = words(lang)
        plain = {iris.PREFIXES["rdf"] + "type": w["kind"], iris.PREFIXES["rdfs"] + "label": w["name"],
                 iris.PREFIXES["rdfs"] + "comment": w["comment"], iris.PREFIXES["skos"] + "notation": "code"}
        return plain.get(iri) or self.names.label(iri, lang)

    def href(self, iri: str, lang: str) -> str | None:
        """The app's page of an IRI of the graph (``/id/…``), or None for any other IRI."""
        if iri.startswith(iris.ID):
            return self._linker(lang)("/id/" + iri[len(iris.ID):])
        if iri.startswith(iris.JSI) or iri == iris.ONTOLOGY_IRI:
            return self._linker(lang)("/ontology") + "#" + iris.local_name(iri)
        return None

    def _slow(self, key: tuple[str, ...], make: Any) -> Any:
        """What ``make()`` gives, made once in a thread of its own and kept.

        A request waits at most ``LIMITS["page_seconds"]``; past that it gets 503 with
        Retry-After while the work goes on, so no request runs longer than the limit.
        """
        from werkzeug.exceptions import ServiceUnavailable

        from kg.web.app import LIMITS

        with self._lock:
            if key in self._cache:
                return self._cache[key]
            job = self._jobs.get(key)
            if job is None:
                job = self._jobs[key] = threading.Event()
                threading.Thread(target=self._run, args=(key, make, job), daemon=True).start()
        if not job.wait(LIMITS["page_seconds"]):
            raise ServiceUnavailable("this page is still being prepared: reload it in a few seconds", retry_after=5)
        with self._lock:
            if key in self._errors:
                raise self._errors.pop(key)
            return self._cache[key]

    def _run(self, key: tuple[str, ...], make: Any, job: threading.Event) -> None:
        try:
            value = make()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting request
            with self._lock:
                self._errors[key] = exc
        else:
            with self._lock:
                self._cache[key] = value
        finally:
            with self._lock:
                self._jobs.pop(key, None)
            job.set()

    # ------------------------------------------------------------------ home and search

    def home(self, request: Request) -> Response:
        lang = self._lang(request)
        queries = list_queries(self.project)
        return self._page(request, "home.html", queries=queries[:8], n_queries=len(queries),
                          charts=("participation", "documents", "outcomes"), title=words(lang)["app_title"])

    def search(self, request: Request) -> Response:
        lang = self._lang(request)
        text = request.args.get("q", "").strip()[:200]
        hits, note, close, total = self._search(text, lang) if text else ([], None, [], 0)
        return self._page(request, "search.html", q=text, hits=hits, note=note, close=close, total=total,
                          title=f"{words(lang)['results_for']} {text}")

    def _search(self, text: str, lang: str) -> tuple[list[dict[str, str]], str | None, list[dict[str, str]], int]:
        everything = names_of(self.store, "entity", self.project)
        wanted = normalise(text)
        scored: list[tuple[int, str, str]] = []
        for named in everything:
            if not named.iri.startswith(iris.ID):
                continue
            best = None
            for name, _ in named.names:
                n = normalise(name)
                rank = 0 if n == wanted else 1 if n.startswith(wanted) else 2 if wanted in n else None
                if rank is not None and (best is None or rank < best):
                    best = rank
            if best is not None:
                label = self.names.label(named.iri, lang)
                citation = named.iri.startswith(iris.ID + "graph/")  # the sources come after the things
                scored.append((best + 3 * citation, label.casefold(), named.iri))
        scored.sort()
        hits = [self._hit(iri, lang) for _, _, iri in scored[:50]]
        note = None
        close: list[dict[str, str]] = []
        if not hits:
            try:
                term, note = resolve_noting(self.store, "entity", text, lang, project=self.project)
                hits = [self._hit(term.value, lang)]
            except ParameterError:
                folded = {normalise(n): named.iri for named in everything for n, _ in named.names
                          if named.iri.startswith(iris.ID)}
                for name in difflib.get_close_matches(wanted, list(folded), n=6, cutoff=0.6):
                    if all(c["iri"] != folded[name] for c in close):
                        close.append(self._hit(folded[name], lang))
        return hits, note, close, max(len(scored), len(hits))

    def _hit(self, iri: str, lang: str) -> dict[str, str]:
        return {"iri": iri, "label": self.names.label(iri, lang), "key": short(iri), "kind": self.kind_of(iri, lang),
                "href": self.href(iri, lang) or "", "brief": self._linker(lang)("/brief/" + short(iri))
                if "/member/" in iri or "/group/" in iri else ""}

    def suggest(self, request: Request, kind: str) -> Response:
        """Names of things of ``kind`` that start with (or contain) what is typed, as JSON."""
        if kind not in KIND_HELP:
            raise NotFound(f"no kind {kind!r}")
        lang = self._lang(request)
        wanted = normalise(request.args.get("q", ""))[:100]
        out: list[str] = []
        for named in names_of(self.store, kind, self.project):
            label = self.names.label(named.iri, lang)
            if not wanted or any(normalise(n).startswith(wanted) or wanted in normalise(n) for n, _ in named.names):
                out.append(label)
            if len(out) >= 20:
                break
        return Response(json.dumps(sorted(set(out)), ensure_ascii=False), mimetype="application/json")

    # ------------------------------------------------------------------ catalogue

    def catalogue(self, request: Request) -> Response:
        lang = self._lang(request)
        return self._page(request, "catalogue.html", queries=list_queries(self.project), title=words(lang)["catalogue"])

    def question(self, request: Request, name: str) -> Response:
        lang = self._lang(request)
        try:
            query = find_query(name, self.project)
        except KGError as exc:
            raise NotFound(str(exc)) from None
        values = {p.name: request.args[p.name] for p in query.parameters
                  if p.kind != "lang" and request.args.get(p.name, "").strip()}
        fmt = request.args.get("format", "html")
        asked = "run" in request.args or bool(values) or not any(p.required for p in query.parameters)
        table, error, notes, command = None, None, [], ""
        if asked:
            try:
                bound = {}
                for key, value in values.items():
                    p = query.parameter(key)
                    assert p is not None
                    term, note = resolve_noting(self.store, p.kind, value, lang, project=self.project)
                    bound[key] = f"<{term.value}>" if hasattr(term, "value") and p.kind not in ("text",) else value
                    if note:
                        notes.append(f"{key}: {note}")
                table = run_query(self.store, query, bound, lang, project=self.project)
                command = _command(query.name, values, lang, fmt if fmt in ("csv", "xlsx") else "")
            except ParameterError as exc:
                error = str(exc)
        if table is not None and fmt in ("csv", "xlsx"):
            return self._download(query, table, fmt, lang, command)
        if fmt not in ("html", "csv", "xlsx"):
            raise BadRequest(f"unknown format {fmt!r}: html, csv or xlsx")
        rows = self._cells(table, lang) if table is not None else []
        from kg.words import header

        return self._page(request, "question.html", query=query, values=values, table=table, rows=rows, header=header,
                          error=error, notes=notes, command=command, sources=_sources(table),
                          kind_help=KIND_HELP, datalists=self._datalists(query, lang), limit=self.app_limit,
                          download=lambda f: self._linker(lang)(request.path, **values, format=f),
                          title=query.summary)

    @property
    def app_limit(self) -> int:
        from kg.web.app import LIMITS

        return LIMITS["rows_html"]

    def _cells(self, table: Any, lang: str) -> list[list[dict[str, str | None]]]:
        out = []
        for row in table.rows[: self.app_limit]:
            cells: list[dict[str, str | None]] = []
            for cell in row:
                if cell is None:
                    cells.append({"text": "", "href": None})
                elif cell.kind == "iri":
                    cells.append({"text": self.names.label(cell.value, lang), "href": self.href(cell.value, lang)})
                else:
                    cells.append({"text": cell.value, "href": None})
            out.append(cells)
        return out

    def _datalists(self, query: Any, lang: str) -> dict[str, list[str]]:
        lists: dict[str, list[str]] = {}
        for p in query.parameters:
            if p.kind in ("lang", "text", "entity") or p.kind in lists:
                continue
            key = ("datalist", p.kind, lang)
            if key not in self._cache:
                self._cache[key] = sorted({self.names.label(n.iri, lang) for n in names_of(self.store, p.kind, self.project)})
            lists[p.kind] = self._cache[key]
        return lists

    def _download(self, query: Any, table: Any, fmt: str, lang: str, command: str) -> Response:
        from kg.output import render_table, render_xlsx

        notes = (f"question: {query.summary}", f"command: {command}", "source: the JSI knowledge graph (kg)")
        if fmt == "xlsx":
            data = render_xlsx(table, lang=lang, title=query.name, notes=notes)
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            data = render_table(table, "csv", bom=True).encode("utf-8")
            mimetype = "text/csv"
        response = Response(data, mimetype=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{query.name}.{fmt}"'
        return response

    # ------------------------------------------------------------------ entities

    def entity(self, request: Request, key: str) -> Response:
        lang = self._lang(request)
        if not re.match(r"^[\w.()/%:@+-]+$", key):
            raise NotFound(f"no entity {key!r}")
        iri = iris.ID + key
        wanted = request.args.get("format") or _RDF_TYPES.get(
            request.accept_mimetypes.best_match(["text/html", *_RDF_TYPES], default="text/html") or "", "html")
        description = describe(self.store, iri, self.project.queries_dir)
        if not description.exists:
            raise NotFound(f"the graph holds nothing about {key!r}")
        if wanted in ("ttl", "jsonld"):
            mimetype = "text/turtle" if wanted == "ttl" else "application/ld+json"
            response = Response(rdf_of(self.store, iri, wanted, self.project.queries_dir), mimetype=mimetype)
            response.headers["Vary"] = "Accept"
            return response
        if wanted != "html":
            raise BadRequest(f"unknown format {wanted!r}: html, ttl or jsonld")
        cite: dict[str, int] = {}
        certainty: dict[str, list[str]] = {}
        for st in [*description.out, *description.incoming]:
            if st.citation and st.citation not in cite:
                cite[st.citation] = len(cite) + 1
            if st.citation and st.certainty and st.certainty not in certainty.setdefault(st.citation, []):
                certainty[st.citation].append(st.certainty)
        response = self._page(request, "entity.html", d=description, iri=iri, key=key, names=self.names, cite=cite,
                              certainty=certainty, prop=lambda p: self.property_name(p, lang),
                              kind=self.kind_of(iri, lang), href=self.href, short=short,
                              labels=sorted(self.names.all_labels(iri).items()),
                              is_actor="/member/" in iri or "/group/" in iri, is_member="/member/" in iri,
                              title=self.names.label(iri, lang))
        response.headers["Vary"] = "Accept"
        return response

    def brief(self, request: Request, key: str) -> Response:
        from kg.brief import brief_data

        lang = self._lang(request)
        who = iris.ID + key if "/" in key else key
        data = dict(self._slow(("brief", who, lang), lambda: brief_data(self.store, who, lang, project=self.project)))
        data["built"] = self.app.version[:12]
        html = self.app.render("brief.html", b=data, w=words(lang), lang=lang, css=None, link=self._linker(lang),
                               in_app=True, other_langs=[x for x in LANGS if x != lang], path=request.path)
        return Response(html, mimetype="text/html")

    # ------------------------------------------------------------------ charts, views, docs, files

    def charts(self, request: Request) -> Response:
        lang = self._lang(request)
        return self._page(request, "charts.html", charts=("participation", "documents", "outcomes"),
                          title=words(lang)["charts"])

    def chart(self, request: Request, name: str) -> Response:
        from kg.web.charts import CHARTS, chart_data

        if name not in CHARTS:
            raise NotFound(f"no chart {name!r}: {', '.join(CHARTS)}")
        lang = self._lang(request)
        table = run_query(self.store, find_query(CHARTS[name], self.project), {}, lang, project=self.project)
        chart = chart_data(name, table, words(lang))
        svg = self.app.render("chart.svg", c=chart)
        return Response(svg, mimetype="image/svg+xml")

    def view(self, request: Request, view: str) -> Response:
        from kg.viz import draw_view

        if view not in VIEWS:
            raise NotFound(f"no view {view!r}: {', '.join(VIEWS)}")
        lang = self._lang(request)
        member = request.args.get("member") if view == "member" else None
        if view == "member" and not member:
            raise BadRequest("the member view needs ?member=NAME")
        page = self._slow(("view", view, lang, member or ""),
                          lambda: draw_view(self.store, view, lang=lang, member=member, project=self.project,
                                            version=self.app.version[:12]))
        response = Response(page.html, mimetype="text/html")
        csp = re.search(r'http-equiv="Content-Security-Policy"\s+content="([^"]+)"', page.html)
        response.headers["Content-Security-Policy"] = csp.group(1) if csp else "default-src 'none'"
        return response

    def ontology(self, request: Request) -> Response:
        from kg.docs import render_ontology_docs

        lang = self._lang(request)
        html = self._slow(("ontology", lang), lambda: render_ontology_docs(self.project.ontology_file, lang))
        response = Response(html, mimetype="text/html")
        response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                                       "base-uri 'none'; form-action 'none'")
        return response

    def static(self, request: Request, name: str) -> Response:
        if name not in _STATIC_TYPES:
            raise NotFound(f"no file {name!r}")
        response = Response((_STATIC / name).read_bytes(), mimetype=_STATIC_TYPES[name])
        response.headers["Cache-Control"] = "max-age=3600"
        return response

    def favicon(self, request: Request) -> Response:
        return Response(status=204)

    def error(self, request: Request, status: int, message: str) -> Response:
        lang = self._lang(request)
        try:
            return self._page(request, "error.html", status=status, status_code=status, message=message,
                              title=words(lang)["error"])
        except Exception:  # noqa: BLE001 - the error page must not fail
            return Response(f"Error {status}: {message}", status=status, mimetype="text/plain")


def _command(name: str, values: Mapping[str, str], lang: str, fmt: str) -> str:
    """The ``kg query`` command line that gives the same answer."""
    from kg.catalogue import shell_quote

    parts = ["kg", "query", name]
    for key, value in values.items():
        parts += ["-p", f"{key}={shell_quote(value)}"]
    if lang != "en":
        parts += ["--lang", lang]
    if fmt:
        parts += ["--format", fmt, "-o", f"{name}.{fmt}"]
    return " ".join(parts)


def _sources(table: Any) -> list[str]:
    """The distinct sources an answer names (its source-like columns), in order."""
    if table is None:
        return []
    found: list[str] = []
    for column in _SOURCE_COLUMNS:
        if column in table.columns:
            for value in table.column(column):
                if value and value not in found:
                    found.append(value)
    return found[:40]
