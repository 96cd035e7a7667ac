"""Graphs in the shapes of graph_data/ at any size, seeded and deterministic, as a kg project.

Run: ``python benchmarks/generate.py --statements 100000 --out /tmp/kg-100k [--seed 0]``.

The project gets the real ontology, shapes and checks (copied) and a ``graph_data/`` of
TriG files that pass them: members (countries, separate customs territories, LDCs, with
ISO-like codes and labels in English, French and Spanish), groups with dated memberships,
a six-section issue scheme (sections, subsections, specific issues, with codes), proposals
with sponsors and elements in the four Table 5 columns, development concerns raised by
members, and, for the bulk of a large graph, provision-level trade-agreement text
(articles and paragraphs with their wording, strength and place). Every statement sits in
the named graph of a citation that describes itself, as in the real files. The same seed
and size give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import shutil
import string
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PREFIXES = """@prefix jsi: <https://w3id.org/jsi-ecom/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix g: <https://w3id.org/jsi-ecom/id/graph/> .
@prefix src: <https://w3id.org/jsi-ecom/id/source/> .
@prefix doc: <https://w3id.org/jsi-ecom/id/doc/> .
@prefix member: <https://w3id.org/jsi-ecom/id/member/> .
@prefix group: <https://w3id.org/jsi-ecom/id/group/> .
@prefix membership: <https://w3id.org/jsi-ecom/id/membership/> .
@prefix period: <https://w3id.org/jsi-ecom/id/period/> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix role: <https://w3id.org/jsi-ecom/id/role/> .
@prefix issue: <https://w3id.org/jsi-ecom/id/issue/> .
@prefix scheme: <https://w3id.org/jsi-ecom/id/scheme/> .
@prefix element: <https://w3id.org/jsi-ecom/id/element/> .
@prefix concern: <https://w3id.org/jsi-ecom/id/concern/> .
@prefix ccat: <https://w3id.org/jsi-ecom/id/concern-category/> .
@prefix provision: <https://w3id.org/jsi-ecom/id/provision/> .

"""

COLUMNS = ["CooperationColumn", "CooperationMechanismsColumn", "CapacityBuildingColumn", "ImplementationPeriodsColumn"]
STRENGTHS = ["Binding", "BestEndeavour", "Hortatory", "Encouraged", "Voluntary", "Recognition"]
WORDS = "trade data digital consumer protection electronic transfer customs duties cooperation capacity support party measure".split()


class _Writer:
    """Counts the statements it writes, graph by graph."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.parts: list[str] = []
        self.count = 0

    def graph(self, name: str, source: str, certainty: str = "HighCertainty") -> None:
        if self.parts:
            self.parts.append("}\n\n")
        self.parts.append(f"g:{name} {{\n    g:{name} a jsi:Citation ;\n"
                          f'        dcterms:bibliographicCitation "Synthetic source {name}" ;\n'
                          f"        dcterms:source src:{source} ;\n        jsi:certainty jsi:{certainty} .\n")
        self.count += 4
        if certainty != "HighCertainty":
            self.parts.append(f'    g:{name} jsi:certaintyNote "generated"@en .\n')
            self.count += 1

    def add(self, subject: str, *pairs: tuple[str, str]) -> None:
        body = " ;\n        ".join(f"{p} {o}" for p, o in pairs)
        self.parts.append(f"    {subject} {body} .\n")
        self.count += len(pairs)

    def text(self) -> str:
        return PREFIXES + "".join(self.parts) + ("}\n" if self.parts else "")


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _labels(name: str) -> tuple[tuple[str, str], ...]:
    return (("rdfs:label", f'"{name}"@en'), ("rdfs:label", f'"{name} (fr)"@fr'), ("rdfs:label", f'"{name} (es)"@es'))


def _codes(n: int) -> list[str]:
    letters = string.ascii_uppercase
    codes = [a + b + c for a in letters for b in letters for c in letters]
    return codes[:n]


def generate(statements: int, out: Path, seed: int = 0) -> int:
    """Write a project of about ``statements`` asserted statements into ``out``; return the count."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    for folder in ("ontology", "queries/checks", "queries/rules", "queries/labels", "queries/lookup", "queries/narrow"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    for name in ("jsi.ttl", "imports.ttl", "catalog-v001.xml", "shapes.ttl"):
        shutil.copyfile(ROOT / "ontology" / name, out / "ontology" / name)
    for check in sorted((ROOT / "queries" / "checks").glob("*-violation.rq")):
        shutil.copyfile(check, out / "queries" / "checks" / check.name)
    for rule in sorted((ROOT / "queries" / "rules").glob("*.r[qu]")):  # read by the compiled rules
        shutil.copyfile(rule, out / "queries" / "rules" / rule.name)
    for query in sorted((ROOT / "queries" / "labels").glob("*.rq")):  # the display labels every name shown reads
        shutil.copyfile(query, out / "queries" / "labels" / query.name)
    for query in sorted((ROOT / "queries" / "lookup").glob("*.rq")):  # the name indexes the build writes beside the store
        shutil.copyfile(query, out / "queries" / "lookup" / query.name)
    for query in sorted((ROOT / "queries" / "narrow").glob("*.rq")):  # what the catalogue's '#+ below:' questions read
        shutil.copyfile(query, out / "queries" / "narrow" / query.name)
    data = out / "graph_data"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir()

    n_members = max(30, min(5000, statements // 200))
    n_groups = max(3, n_members // 30)
    n_proposals = max(10, statements // 150)
    files: dict[str, _Writer] = {}

    w = files.setdefault("sources", _Writer(rng))
    w.graph("synthetic-sources", "synthetic-study")
    w.add("src:synthetic-study", ("a", "jsi:Study"), ("dcterms:title", '"A synthetic study"'))
    w.add("role:member", ("a", "org:Role"), *_labels("member"))

    # members (one graph per 500), their kinds and labels in three languages
    w = files.setdefault("members", _Writer(rng))
    codes = _codes(n_members)
    for i, code in enumerate(codes):
        if i % 500 == 0:
            w.graph(f"members-{i // 500}", "synthetic-study")
        kind = "jsi:SeparateCustomsTerritory" if i % 40 == 7 else "jsi:Country"
        extra = [("a", "jsi:LeastDevelopedMember")] if i % 5 == 0 else []
        w.add(f"member:{code}", ("a", kind), *extra, ("jsi:isoCode", f'"{code}"'), *_labels(f"Member {code}"),
              ("jsi:wtoMemberSince", f'"{1995 + i % 30}-01-01"^^xsd:date'))

    # groups and dated memberships
    w = files.setdefault("groups", _Writer(rng))
    for gi in range(n_groups):
        w.graph(f"group-{gi}", "synthetic-study", "MediumCertainty" if gi % 3 == 0 else "HighCertainty")
        w.add(f"group:G{gi}", ("a", "jsi:Coalition"), *_labels(f"Group {gi}"))
        for code in sorted(rng.sample(codes, min(len(codes), rng.randint(5, 60)))):
            w.add(f"membership:G{gi}-{code}", ("a", "org:Membership"), ("org:member", f"member:{code}"),
                  ("org:organization", f"group:G{gi}"), ("org:role", "role:member"), ("org:memberDuring", f"period:G{gi}-{code}"))
            w.add(f"period:G{gi}-{code}", ("a", "time:Interval"),
                  ("time:hasBeginning", f'[ time:inXSDDate "20{10 + gi % 10}-01-01"^^xsd:date ]'))

    # the issue scheme: 6 sections, 4 subsections each, 3 specific issues each
    w = files.setdefault("scheme", _Writer(rng))
    w.graph("synthetic-scheme", "synthetic-study")
    w.add("scheme:synthetic", ("a", "skos:ConceptScheme"), *_labels("Synthetic scheme"))
    issues: list[str] = []
    for s in "ABCDEF":
        w.add(f"issue:{s}", ("a", "jsi:Section"), ("jsi:code", f'"{s}"'), ("skos:inScheme", "scheme:synthetic"), *_labels(f"Section {s}"))
        for j in range(1, 5):
            sub = f"{s}.{j}"
            w.add(f"<https://w3id.org/jsi-ecom/id/issue/{sub}>", ("a", "jsi:Subsection"), ("jsi:code", f'"{sub}"'),
                  ("skos:inScheme", "scheme:synthetic"), ("skos:broader", f"issue:{s}"), *_labels(f"Subsection {sub}"))
            for k in range(1, 4):
                spec = f"{sub}.{k}"
                w.add(f"<https://w3id.org/jsi-ecom/id/issue/{spec}>", ("a", "jsi:SpecificIssue"), ("jsi:code", f'"{spec}"'),
                      ("skos:inScheme", "scheme:synthetic"), ("skos:broader", f"<https://w3id.org/jsi-ecom/id/issue/{sub}>"),
                      *_labels(f"Issue {spec}"))
                issues.append(spec)
    for col, target in zip(COLUMNS, ("D.1.1", "D.1.2", "D.3.1", "D")):
        w.add(f"jsi:{col}", ("jsi:correspondsToIssue", f"<https://w3id.org/jsi-ecom/id/issue/{target}>"))

    # proposals, sponsors and elements
    w = files.setdefault("proposals", _Writer(rng))
    for pi in range(n_proposals):
        if pi % 200 == 0:
            w.graph(f"proposals-{pi // 200}", "synthetic-study")
        sponsors = ", ".join(f"member:{c}" for c in sorted(rng.sample(codes, rng.randint(1, 4))))
        w.add(f"doc:P-{pi}", ("a", "jsi:Proposal"), ("jsi:symbol", f'"INF/ECOM/S/{pi}"'), ("dcterms:date", f'"{2018 + pi % 7}-0{1 + pi % 9}-01"^^xsd:date'),
              ("jsi:sponsoredBy", sponsors), ("dcterms:title", f'"Proposal {pi}: {_words(rng, 4)}"@en'))
        for ei in range(rng.randint(1, 3)):
            w.add(f"doc:P-{pi}", ("jsi:hasElement", f"element:P-{pi}-{ei}"))
            issue = rng.choice(issues)
            w.add(f"element:P-{pi}-{ei}", ("a", "jsi:ProposalElement"), ("rdfs:label", f'"{_words(rng, 5)}"@en'),
                  ("jsi:inColumn", f"jsi:{rng.choice(COLUMNS)}"), ("jsi:addressesIssue", f"<https://w3id.org/jsi-ecom/id/issue/{issue}>"))

    # development concerns
    w = files.setdefault("concerns", _Writer(rng))
    w.graph("concerns", "synthetic-study")
    for ci in range(4):
        w.add(f"ccat:C{ci}", ("a", "jsi:ConcernCategory"), *_labels(f"Category {ci}"))
    for ci in range(max(10, n_members // 4)):
        w.add(f"concern:K{ci}", ("a", "jsi:DevelopmentConcern"), ("jsi:inCategory", f"ccat:C{ci % 4}"),
              ("rdfs:label", f'"{_words(rng, 6)}"@en'), ("jsi:raisedBy", f"member:{rng.choice(codes)}"))

    # provision-level agreement text fills the rest
    used = sum(x.count for x in files.values())
    w = files.setdefault("provisions", _Writer(rng))
    ai = 0
    while used + w.count < statements:
        if ai % 50 == 0:
            w.graph(f"agreement-{ai // 50}", "synthetic-study")
        text = f"doc:A-{ai // 50}"
        if ai % 50 == 0:
            w.add(text, ("a", "jsi:AgreementText"), ("jsi:symbol", f'"AGR/{ai // 50}"'), ("dcterms:date", '"2024-07-26"^^xsd:date'))
        article = f"provision:A-{ai}"
        w.add(article, ("a", "jsi:Article"), ("rdfs:label", f'"Article {ai}"@en'), ("jsi:inText", text), ("jsi:articleNumber", f'"{ai % 50 + 1}"'),
              ("jsi:heading", f'"{_words(rng, 3)}"@en'))
        for pj in range(rng.randint(2, 6)):
            para = f"provision:A-{ai}.{pj}"
            kind = "jsi:CooperationProvision" if pj == 0 else "jsi:Paragraph"
            extra = [("a", "jsi:Paragraph")] if pj == 0 else []
            w.add(para, ("a", kind), *extra, ("rdfs:label", f'"Article {ai}.{pj}"@en'), ("jsi:paragraphNumber", f'"{pj + 1}"'),
                  ("dcterms:isPartOf", article), ("jsi:inText", text), ("jsi:commitmentStrength", f"jsi:{rng.choice(STRENGTHS)}"),
                  ("jsi:wording", f'"{_words(rng, 12)}"'))
        ai += 1

    total = 0
    for name, writer in sorted(files.items()):
        (data / f"synthetic-{name}.trig").write_text(writer.text(), encoding="utf-8")
        total += writer.count
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    total = generate(args.statements, args.out, args.seed)
    print(f"{total} statements in {args.out / 'graph_data'}")


if __name__ == "__main__":
    main()
