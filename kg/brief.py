"""A one-page briefing on a member or a group (``kg brief``, and ``/brief/…`` in the web app).

What a delegate needs before a meeting, every line with its source, gathered from the
catalogue's own questions with bound parameters (``groups-of-member``, ``group-members``,
``proposals-of-member``, ``agreement-proposal-outcomes``, ``sdt-models-for-member-concerns``,
``ldc-concern-gap``, ``agreement-implementation-periods``, ``agreement-support``) and from
:mod:`kg.coalitions` for partners. What the graph does not hold is said to be unknown;
facts of medium or low certainty are marked. The page is the Jinja2 template
``kg/web/templates/brief.html`` (autoescaped), with a print stylesheet for A4.
"""

from __future__ import annotations

import re
from typing import Any

from kg import iris
from kg.catalogue import find_query, run_query
from kg.corrections import label_of, resolve_noting
from kg.project import Project, default_project
from kg.queryfiles import read_rq, run_rq

__all__ = ["brief_data", "render_brief"]



def _ask(store: Any, name: str, values: dict[str, str], lang: str, project: Project) -> list[dict[str, str | None]]:
    """The rows of a catalogue question, values bound (IRIs in angle brackets)."""
    table = run_query(store, find_query(name, project), values, lang, project=project)
    return table.records()


def _citation_map(store: Any, project: Project) -> dict[str, str]:
    table = run_rq(store, project.queries_dir / "brief" / "citations.rq", what="briefing query")
    return {g.value: c.value for g, c in table.rows if g is not None and c is not None}


def _src(value: str | None, citations: dict[str, str]) -> str:
    """A source as a person reads it: a graph IRI becomes its citation."""
    if not value:
        return ""
    return citations.get(value, value)


def brief_data(store: Any, who: str, lang: str = "en", *, project: Project | None = None,
               partners: int = 5) -> dict[str, Any]:
    """Everything the briefing shows about ``who`` (a member or a group: name, code or IRI)."""
    import pyoxigraph as ox

    project = project or default_project()
    term, note = resolve_noting(store, "actor", who, lang, project=project)
    iri = str(term.value)
    is_group = "/group/" in iri
    key = iri[len(iris.ID):] if iri.startswith(iris.ID) else iri
    bound = {"member": f"<{iri}>"}
    citations = _citation_map(store, project)
    name = label_of(store, "actor", iri, lang, project)
    data: dict[str, Any] = {
        "iri": iri, "key": key, "name": name, "is_group": is_group, "note": note, "lang": lang,
        "ldc": (not is_group) and bool(store.query(
            read_rq(project.queries_dir / "brief" / "is-ldc.rq", "briefing query"), {"m": ox.NamedNode(iri)})),
    }

    # groups and roles (a member), or the members (a group)
    if is_group:
        rows = _ask(store, "group-members", {"group": f"<{iri}>"}, lang, project)
        data["members"] = [{"name": r["member"], "role": r["role"], "as_of": r["as_of"],
                            "source": _src(r["source"], citations), "certainty": r["certainty"]} for r in rows]
        data["groups"] = []
    else:
        rows = _ask(store, "groups-of-member", bound, lang, project)
        data["groups"] = [{"name": r["group"], "role": r["role"], "since": r["since"], "as_of": r["as_of"],
                           "source": _src(r["source"], citations), "certainty": r["certainty"]} for r in rows]
        data["members"] = []

    # its documents and what became of them
    documents: dict[str, dict[str, Any]] = {}
    for r in _ask(store, "proposals-of-member", bound, lang, project):
        doc = documents.setdefault(str(r["document"]), {
            "symbol": r["document"], "kind": r["kind"], "date": r["date"] or r["date_note"] or "",
            "sponsors": r["sponsors"], "elements": [], "outcomes": [], "doubts": []})
        if r["element"] and r["element"] not in doc["elements"]:
            doc["elements"].append(r["element"])
        if r["certainty"] and r["certainty"] != "high" and r["certainty"] not in doc["doubts"]:
            doc["doubts"].append(r["certainty"])  # what of it is less than certain (sponsorship, date, element)
    for r in _ask(store, "agreement-proposal-outcomes", bound, lang, project):
        doc = documents.setdefault(str(r["proposal"]), {
            "symbol": r["proposal"], "kind": "", "date": r["date"] or "", "sponsors": r["sponsors"],
            "elements": [], "outcomes": [], "doubts": []})
        doc["outcomes"].append({"element": r["element"], "outcome": r["outcome"], "statement": r["statement"],
                                "paragraphs": r["paragraphs"], "certainty": r["certainty"],
                                "source": _src(r["source"], citations)})
    if not is_group:  # what its groups put forward (the LDC Group's WT/GC/W/787 …), marked as theirs
        from kg.coalitions.groups import groups_of

        for group in groups_of(store, iri, project):
            for r in _ask(store, "proposals-of-member", {"member": f"<{group}>"}, lang, project):
                if str(r["document"]) in documents or r["kind"] is None:
                    continue
                documents[str(r["document"])] = {
                    "symbol": r["document"], "kind": r["kind"], "date": r["date"] or r["date_note"] or "",
                    "sponsors": r["sponsors"], "elements": [], "outcomes": [], "doubts": [],
                    "via": label_of(store, "actor", group, lang, project)}
    data["documents"] = sorted(documents.values(), key=lambda d: (str(d["date"]), str(d["symbol"])))

    # concerns and the SDT models that fit them: the fit is per category (IISD 2022, Table 3)
    concerns: dict[str, dict[str, Any]] = {}
    categories: dict[str, dict[str, Any]] = {}
    for r in _ask(store, "sdt-models-for-member-concerns", bound, lang, project):
        concerns.setdefault(str(r["concern"]), {"name": r["concern"], "category": r["category"]})
        cat = categories.setdefault(str(r["category"]), {"name": r["category"], "concerns": [], "models": [],
                                                         "raised_by": r["raised_by"]})
        if r["concern"] not in cat["concerns"]:
            cat["concerns"].append(r["concern"])
        model = {"model": r["model"], "fit": r["fit"], "recommended": r["recommended"]}
        if r["model"] and (r["fit"] or r["recommended"] == "yes") and model not in cat["models"]:
            cat["models"].append(model)
    data["concerns"] = list(concerns.values())
    data["categories"] = list(categories.values())
    gaps = _ask(store, "ldc-concern-gap", {}, lang, project)
    data["gaps"] = [g for g in gaps if g["concern"] in concerns]

    # Article 20
    data["art20"] = _article_20(_ask(store, "agreement-implementation-periods", {}, lang, project))

    # stance on the 2024 text
    support = _ask(store, "agreement-support", {}, lang, project)
    if is_group:
        inside = {m["name"] for m in data["members"]}
        counts: dict[str, int] = {}
        for r in support:
            if r["member_name"] in inside:
                counts[str(r["stance"])] = counts.get(str(r["stance"]), 0) + 1
        data["stances"] = sorted(counts.items())
        data["stance_rows"] = []
        data["stance_source"] = _src(support[0]["source"], citations) if support else ""
    else:
        mine = [r for r in support if r["member"] == iri]
        data["stance_rows"] = [{"stance": r["stance"], "date": r["date"], "basis": r["basis"],
                                "source": r["citation"] or _src(r["source"], citations)} for r in mine]
        data["stances"] = []
        data["stance_source"] = ""

    data["partners"] = _partners(store, iri, is_group, lang, project, partners)
    data["command"] = f"kg brief {iris.local_name(key)}" + (f" --lang {lang}" if lang != "en" else "")
    return data


_ART20_KEEP = re.compile(r"implementation period|self-designat|Article 27", re.IGNORECASE)


def _article_20(rows: list[dict[str, str | None]]) -> list[dict[str, Any]]:
    """The paragraphs of Article 20 on implementation periods, with whom each is for (from their wording).

    ``for_whom`` is ``ldc`` (least-developed country Parties only), ``developing`` (developing
    country Parties, the LDCs among them) or ``both`` (developing and least-developed).
    """
    out = []
    for r in rows:
        paragraph, wording = str(r.get("paragraph") or ""), str(r.get("wording") or "")
        if not paragraph.startswith("Article 20.") or not _ART20_KEEP.search(wording):
            continue
        both = re.search(r"developing (and|or) least[- ]developed", wording, re.IGNORECASE)
        ldc = re.search(r"least[- ]developed country Part", wording, re.IGNORECASE)
        developing = re.search(r"(?<!least-)(?<!least )developing country Part", wording, re.IGNORECASE)
        for_whom = "both" if both or (ldc and developing) else "ldc" if ldc else "developing" if developing else "both"
        out.append({"paragraph": paragraph, "strength": r.get("strength_name") or "", "wording": wording,
                    "for_whom": for_whom, "max_years": r.get("max_years"), "extension": r.get("max_extension_years")})
    return out


def _partners(store: Any, iri: str, is_group: bool, lang: str, project: Project, top: int) -> list[dict[str, Any]]:
    from kg.coalitions import describe_reason, member_graph, rank_partners

    graph = member_graph(store, lang=lang, project=project)  # the arrays, as kg partners reads them: no networkx
    if is_group:
        from kg.coalitions.groups import group_members, rank_group_partners

        ranked = rank_group_partners(graph, group_members(store, iri, project), top=top)
    elif iri in graph and graph.degree(iri) > 0:
        ranked = rank_partners(graph, iri, top=top)
    else:
        ranked = []
    out = []
    for p in ranked:
        reasons: list[str] = []
        for r in p.reasons:
            text = describe_reason(r)
            if text not in reasons:
                reasons.append(text)
        out.append({"name": p.label, "score": f"{p.score:.2f}", "own": p.own_score > 0, "reasons": reasons[:1],
                    "more": max(0, len(reasons) - 1)})
    return out


def render_brief(store: Any, who: str, lang: str = "en", *, project: Project | None = None, version: str = "") -> str:
    """The briefing as one self-contained HTML page (its print stylesheet inside)."""
    from kg.choices import checked_lang
    from kg.web import TEMPLATES, template_environment
    from kg.words import words

    checked_lang(lang)
    data = brief_data(store, who, lang, project=project)
    data["built"] = version[:12]
    env = template_environment()
    css = (TEMPLATES / "brief.css").read_text(encoding="utf-8")
    return env.get_template("brief.html").render(b=data, w=words(lang), lang=lang, css=css, in_app=False,
                                                 link=lambda path, **_: path, other_langs=[], path="")
