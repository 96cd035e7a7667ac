"""The Agreement on Electronic Commerce (INF/ECOM/87) in the built graph, through the six
catalogue questions of issue 6 (queries/agreement-*.rq) and the issue map's outcome query
(queries/viz/issue-outcomes.rq): real rows, checked against the text of INF/ECOM/87 and the
brief (IISD 2022).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from kg.catalogue import find_query, run_query
from kg.iris import JSI
from kg.project import Project
from kg.store import Store
from kg.wording import STRENGTH_TERMS, grade_commitment

ROOT = Path(__file__).resolve().parent.parent
PROJECT = Project(ROOT)

Rows = list[dict[str, str | None]]

#: INF/ECOM/87, footnote 1: the participants on whose behalf the text was not circulated.
FOOTNOTE_1 = {
    "Brazil", "Colombia", "El Salvador", "Guatemala", "Indonesia", "Paraguay",
    "Chinese Taipei", "Türkiye", "United States",
}

#: The cooperation provisions of the 2021 cleaned texts quoted in IISD 2022, Table 4.
TABLE_4 = {"A.1.2", "A.1.4", "A.2.1", "A.2.8", "B.4.1", "B.4.3", "C.1.2"}


def ask(store: Store, name: str, lang: str = "en", **values: str) -> Rows:
    """Run a catalogue question as ``kg query`` does; its rows as dicts."""
    return run_query(store, find_query(name, PROJECT), values, lang, project=PROJECT).records()


def ask_cli(invoke: Callable[..., Result], name: str, *params: str) -> Rows:
    """Run ``kg query NAME -p … --format json``; its rows."""
    args = ["query", name]
    for param in params:
        args += ["-p", param]
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    rows: Rows = json.loads(result.stdout)
    return rows


def by(rows: Rows, key: str) -> dict[str | None, Rows]:
    grouped: dict[str | None, Rows] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


# ------------------------------------------------------------------ 1. what became of an issue


@pytest.mark.query("agreement-issue-outcome")
def test_capacity_building_d31_is_taken_up_in_article_20(built_store: Store) -> None:
    rows = ask(built_store, "agreement-issue-outcome", issue="D.3.(1)")
    assert {r["code"] for r in rows} == {"D.3.1"}
    assert {r["outcome"] for r in rows} == {"taken up"}
    assert {r["article"] for r in rows} == {"Article 20: Development"}
    strength = {r["paragraph"]: r["strength"] for r in rows}
    assert strength["Article 20.4"] == "hortatory"  # "should be provided"
    assert strength["Article 20.8"] == "encouraged"
    assert strength["Article 20.11"] == "best endeavour"
    assert strength["Article 20.17"] == "commits no Party"  # "The Committee shall make available online"
    # traced at paragraph level: the paragraphs the editors name, not the dispute-settlement ones
    assert {r["trace"] for r in rows} == {"paragraph"}
    assert not {"Article 20.6", "Article 20.12", "Article 20.13", "Article 20.14"} & set(strength)
    # the paragraphs in the order of the Article, lettered sub-paragraphs after their paragraph
    paragraphs = [r["paragraph"] for r in rows]
    assert paragraphs.index("Article 20.4") < paragraphs.index("Article 20.10") < paragraphs.index("Article 20.11(d)(i)")
    assert all(r["source"] and r["source"].endswith("/graph/kg-inf-ecom-87-issue-trace") for r in rows)


def test_market_access_f_is_not_in_the_agreement(built_store: Store) -> None:
    rows = ask(built_store, "agreement-issue-outcome", issue="F")
    assert len(rows) == 1
    (row,) = rows
    assert row["outcome"] == "not taken up"
    assert (row["article"], row["paragraph"]) == ("Article 35: Review", "Article 35.2")
    assert row["wording"] is not None and "outstanding issues in document INF/ECOM/62/Rev.5" in row["wording"]
    assert row["note"] is not None and row["note"].startswith("Not in INF/ECOM/87: No market access commitments")


def test_every_table_a1_issue_is_taken_up_or_not_in_the_agreement(built_store: Store) -> None:
    """82 issues: 6 sections, 14 subsections, 50 specific issues, Annex 1 and its 11 items."""
    rows = ask(built_store, "agreement-issue-outcome")
    outcomes = {code: {r["outcome"] for r in group} for code, group in by(rows, "code").items()}
    assert len(outcomes) == 82
    assert all(len(o) == 1 for o in outcomes.values()), "one outcome per issue"
    tally = Counter(o.pop() for o in outcomes.values())
    assert tally == {"taken up": 37, "partly taken up": 19, "not taken up": 26}
    # asked for all, the issues not in the Agreement come first
    first = [r["code"] for r in rows[:26]]
    assert set(first) >= {"B.1", "B.2.1", "C.3.1", "E.2", "F", "F.1", "ANNEX1.9"}
    assert all(r["outcome"] == "not taken up" for r in rows[:26])
    # and every row rests on an article and a paragraph
    assert all(r["article"] and r["paragraph"] for r in rows)


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        pytest.param("A.1", "taken up", id="A.1-all-five-issues-have-an-article"),
        pytest.param("A.2.3", "partly taken up", id="A.2.3-only-9.3(c)"),
        pytest.param("A.2.7", "partly taken up", id="A.2.7-only-an-area-of-cooperation"),
        pytest.param("B", "partly taken up", id="B-nothing-of-B.1-or-B.2"),
        pytest.param("B.3", "taken up", id="B.3-customs-duties-article-11"),
        pytest.param("D.1.3", "not taken up", id="D.1.3-domestic-regulation"),
        pytest.param("ANNEX1.9", "not taken up", id="ANNEX1.9-taxation"),
    ],
)
def test_issue_outcomes(built_store: Store, code: str, outcome: str) -> None:
    rows = ask(built_store, "agreement-issue-outcome", issue=code)
    assert rows and {r["outcome"] for r in rows} == {outcome}


def test_issue_outcome_in_french(built_store: Store) -> None:
    rows = ask(built_store, "agreement-issue-outcome", lang="fr", issue="A.1.2")
    assert {r["issue_name"] for r in rows} == {"Authentification électronique et signatures électroniques"}
    assert {r["paragraph"]: r["strength"] for r in rows}["Article 5.2"] == "contraignant"


def test_issue_map_outcomes_agree_with_the_catalogue(built_store: Store) -> None:
    text = (ROOT / "queries" / "viz" / "issue-outcomes.rq").read_text(encoding="utf-8")
    viz = {r["issue"]: r["outcome"] for r in built_store.select(text).records()}
    assert len(viz) == 82
    code = {"taken up": "taken-up", "partly taken up": "partly", "not taken up": "not-taken-up"}
    catalogue = {r["issue"]: code[r["outcome"] or ""] for r in ask(built_store, "agreement-issue-outcome")}
    assert catalogue == viz
    assert viz["https://w3id.org/jsi-ecom/id/issue/D.3.1"] == "taken-up"
    assert viz["https://w3id.org/jsi-ecom/id/issue/F"] == "not-taken-up"


# ------------------------------------------------------------------ 2. a member's proposals


@pytest.mark.query("agreement-proposal-outcomes")
def test_cote_d_ivoire_proposals_are_weakened(invoke: Callable[..., Result]) -> None:
    rows = ask_cli(invoke, "agreement-proposal-outcomes", "member=Côte d'Ivoire")
    assert {r["proposal"] for r in rows} == {"INF/ECOM/49", "INF/ECOM/66"}
    assert {r["outcome"] for r in rows} == {"weakened"}
    inf66 = by(rows, "proposal")["INF/ECOM/66"]
    assert len(inf66) == 1 and inf66[0]["element"] is None
    paragraphs = inf66[0]["paragraphs"] or ""
    assert "Article 20.4 (hortatory)" in paragraphs and "Article 20.10 (binding)" in paragraphs
    assert "'should be provided'" in (inf66[0]["statement"] or "")
    inf49 = by(rows, "proposal")["INF/ECOM/49"]
    assert [r["element"] for r in inf49] == [
        None,
        "Multilateral cooperation forum",
        "Support during the negotiations, situation analysis and needs assessment, and accessible urgent WTO funding",
        "TFA model",
    ]
    tfa = inf49[-1]
    assert "Article 20.6 (no-commitment)" in (tfa["paragraphs"] or "") and "Article 20.7 (binding)" in (tfa["paragraphs"] or "")
    assert all(r["certainty"] == "medium" and (r["source"] or "").endswith("/graph/kg-inf-ecom-87-proposals") for r in rows)


def test_implementation_periods_of_ecuador_guatemala_paraguay_are_taken_up(invoke: Callable[..., Result]) -> None:
    rows = ask_cli(invoke, "agreement-proposal-outcomes", "member=Ecuador")
    assert [(r["proposal"], r["outcome"], r["paragraphs"]) for r in rows] == [
        ("INF/ECOM/68", "taken up", "Article 20.6 (no-commitment); Article 20.7 (binding)")
    ]
    assert rows[0]["sponsors"] == "Ecuador, Guatemala, Paraguay"
    assert "no more than five years" in (rows[0]["reasoning"] or "")


# ------------------------------------------------------------------ 3. the SDT model of Article 20


@pytest.mark.query("agreement-sdt-model")
def test_article_20_follows_the_tfa_model_in_part(invoke: Callable[..., Result]) -> None:
    rows = ask_cli(invoke, "agreement-sdt-model", "model=tfa")
    assert len(rows) == 1
    (tfa,) = rows
    assert tfa["article_20"] == "follows in part"
    assert tfa["recommended_for"] == "lack-of-capacity"
    assert "lack-of-capacity: appropriate" in (tfa["table_3_fit"] or "")
    for ref in ("Article 20.6 (no-commitment)", "Article 20.7 (binding)", "Article 20.12 (no-commitment)",
                "Article 28.5 (no-commitment)"):
        assert ref in (tfa["paragraphs"] or "")
    assert "self-designated transitional implementation periods" in (tfa["brief_advice"] or "")


def test_sdt_models_compared(built_store: Store) -> None:
    rows = {r["model_name"]: r for r in ask(built_store, "agreement-sdt-model")}
    assert {name: r["article_20"] for name, r in rows.items()} == {
        "Hybrid TFA/traditional SDT": "follows in part",
        "TFA SDT": "follows in part",
        "Traditional SDT": "follows in part",
        "GATS SDT": "does not follow",
        "Hybrid TFA/GATS SDT": "does not follow",
    }
    hybrid = rows["Hybrid TFA/traditional SDT"]
    assert hybrid["combines"] == "tfa + traditional"
    assert hybrid["recommended_for"] == "infant-industry-policy-space"
    assert rows["Traditional SDT"]["paragraphs"] == "Article 20.12 (no-commitment); Article 20.14 (binding)"
    assert rows["GATS SDT"]["paragraphs"] == "Article 20 as a whole"
    assert all(r["certainty"] == "medium" for r in rows.values())


# ------------------------------------------------------------------ 4. self-designation


@pytest.mark.query("agreement-implementation-periods")
def test_every_provision_may_be_self_designated(built_store: Store) -> None:
    rows = ask(built_store, "agreement-implementation-periods")
    assert len(rows) == 166
    assert len({r["paragraph"] for r in rows}) == len(rows)
    # the 38 articles, section by section, then the Annex
    articles = list(dict.fromkeys(r["article"] for r in rows if (r["article"] or "").startswith("Article ")))
    assert len(articles) == 38
    assert [int((a or "").split()[1].rstrip(":")) for a in articles] == list(range(1, 39))
    sections = list(dict.fromkeys(r["section"] for r in rows))
    assert [s[0] for s in sections if s] == ["A", "B", "C", "D", "E", "F", "G", "H", "A"]
    assert sections[-1] == "Annex: basic telecommunications services"
    assert {(r["max_years"], r["max_extension_years"]) for r in rows} == {("5", "2")}
    periods = {r["paragraph"]: r for r in rows if (r["article"] or "").startswith("Article 20:")}
    assert periods["Article 20.6"]["strength_name"] == "commits no Party"  # a right to self-designate
    assert "self-designate any provision of this Agreement" in (periods["Article 20.6"]["wording"] or "")
    assert periods["Article 20.7"]["strength_name"] == "binding"  # the notification, 120 days before expiry
    assert periods["Article 20.13"]["strength_name"] == "commits no Party"  # Article 27 does not apply


def test_only_binding_provisions(built_store: Store) -> None:
    rows = ask(built_store, "agreement-implementation-periods", strength="binding")
    assert len(rows) == 46  # real obligations only: scope, final and institutional clauses commit no Party
    assert {r["strength_name"] for r in rows} == {"binding"}
    paragraphs = {r["paragraph"] for r in rows}
    assert {"Article 11.3", "Article 18", "Article 19.3", "Annex 2.2"} <= paragraphs
    assert "Article 2" not in paragraphs  # definitions oblige nothing
    assert not {"Article 1.1", "Article 12.2", "Article 29.2", "Article 33.1", "Article 38"} & paragraphs


@pytest.mark.parametrize(
    ("paragraph", "strength", "phrase"),
    [
        pytest.param("Article 5.7", "voluntary", "may work together, on a voluntary basis", id="5.7-may"),
        pytest.param("Article 9.2", "hortatory", "should", id="9.2-should"),
        pytest.param("Article 9.3(c)", "encouraged", "is encouraged", id="9.3(c)-encouraged"),
        pytest.param("Article 11.3", "binding", "No Party shall impose customs duties", id="11.3-no-party-shall"),
        pytest.param("Article 17.1", "recognition", "recognize", id="17.1-recognize"),
        pytest.param("Article 19.1", "best-endeavour", "shall endeavour", id="19.1-shall-endeavour"),
        pytest.param("Article 20.5", "recognition", "recognize that", id="20.5-recognize-that-may"),
        pytest.param("Article 20.10", "binding", "agree to facilitate", id="20.10-agree-to"),
        pytest.param("Annex 2.3", "binding", "will be made publicly available", id="annex-2.3-will"),
    ],
)
def test_paragraph_strength_follows_its_wording(built_store: Store, paragraph: str, strength: str, phrase: str) -> None:
    """A sample of paragraphs: the stored strength is the one kg.wording's rule reads in the wording."""
    rows = {r["paragraph"]: r for r in ask(built_store, "agreement-implementation-periods")}
    row = rows[paragraph]
    wording = row["wording"] or ""
    assert phrase.lower() in wording.lower()
    assert row["strength"] == JSI + STRENGTH_TERMS[strength]
    assert grade_commitment(wording).strength == strength


# ------------------------------------------------------------------ 5. cooperation, 2021 against 2024


@pytest.mark.query("agreement-cooperation-2021-vs-2024")
def test_every_table_4_provision_is_traced(built_store: Store) -> None:
    rows = ask(built_store, "agreement-cooperation-2021-vs-2024")
    table_4 = {r["code"]: r for r in rows if r["provision_2021"]}
    listed = {r["code"] for r in ask(built_store, "cooperation-without-capacity-building")}
    assert set(table_4) == listed == TABLE_4
    assert all(r["paragraph_2024"] and r["wording_changed"] in ("yes", "no") for r in table_4.values())
    assert {code: (r["paragraph_2024"], r["outcome"], r["wording_changed"]) for code, r in table_4.items()} == {
        "A.1.2": ("Article 5.7", "taken up", "no"),
        "A.1.4": ("Article 7.5", "taken up", "yes"),
        "A.2.1": ("Article 8.11", "taken up", "no"),
        "A.2.8": ("Article 19.2", "weakened", "yes"),
        "B.4.1": ("Article 12.7", "taken up", "no"),
        "B.4.3": ("Article 19.2", "weakened", "yes"),
        "C.1.2": ("Article 15.5", "taken up", "no"),
    }
    a28 = table_4["A.2.8"]
    assert (a28["strength_2021"], a28["strength_2024"]) == ("binding", "no-commitment")
    assert a28["wording_2021"] == "shall commit to enhancing international cooperation on regulation"
    assert table_4["B.4.3"]["wording_2021"] == "Recognising that [Members/Parties] can benefit by sharing their experience … shall endeavour to…"


def test_capacity_building_exists_only_in_2024(built_store: Store) -> None:
    rows = ask(built_store, "agreement-cooperation-2021-vs-2024", issue="D.3.1")
    assert {r["outcome"] for r in rows} == {"2024 only"}
    assert {r["kind_2024"] for r in rows} == {"capacity building"}
    assert not any(r["provision_2021"] for r in rows)
    strengths = {r["paragraph_2024"]: r["strength_2024"] for r in rows}
    assert strengths["Article 20.4"] == "hortatory"
    assert strengths["Article 20.10"] == "binding"
    assert strengths["Article 20.15"] == "binding"


# ------------------------------------------------------------------ 6. support for the text


@pytest.mark.query("agreement-support")
def test_the_nine_of_footnote_1_did_not_support_the_text(built_store: Store) -> None:
    rows = ask(built_store, "agreement-support")
    stance = by(rows, "stance")
    footnote = [r for r in stance["did not support"] if r["basis"] == "INF/ECOM/87, footnote 1"]
    assert {r["member_name"] for r in footnote} == FOOTNOTE_1
    assert {r["date"] for r in footnote} == {"2024-07-26"}
    assert {r["citation"] for r in footnote} == {"INF/ECOM/87 (26 July 2024), footnote 1"}
    # the co-convenors asked for the text to be circulated (p. 1); every other member is unknown
    assert set(stance) == {"did not support", "supported", "unknown"}
    # the co-convenors asked for it on p. 1 of the text itself; others are named by later
    # sources (data_entry/stances-2024.csv), each row with its source and its certainty
    supported = {r["member_name"] for r in stance["supported"]}
    first_paragraph = {r["member_name"] for r in stance["supported"] if r["basis"] == "INF/ECOM/87, first paragraph"}
    assert first_paragraph == {"Australia", "Japan", "Singapore"}
    assert {"European Union", "United Kingdom", "China"} <= supported
    assert not supported & FOOTNOTE_1
    assert all(r["citation"] and r["certainty"] in {"high", "medium", "low"} for r in stance["supported"])
    # a news or think-tank source is not the WTO's own text: the answer says so
    assert {r["certainty"] for r in stance["supported"] if r["member_name"] == "China"} == {"medium"}
    assert {r["certainty"] for r in footnote} == {"high"}
    assert len({r["member_name"] for r in rows}) == 166
    assert len({r["member_name"] for r in stance["unknown"]}) == 166 - 9 - len(supported)


def test_support_of_one_member(invoke: Callable[..., Result]) -> None:
    (indonesia,) = ask_cli(invoke, "agreement-support", "member=Indonesia")
    assert (indonesia["stance"], indonesia["basis"]) == ("did not support", "INF/ECOM/87, footnote 1")
    (kenya,) = ask_cli(invoke, "agreement-support", "member=KEN")
    assert kenya["stance"] == "unknown"
    assert "does not record whether it was a JSI participant on 26 July 2024" in (kenya["basis"] or "")
    assert kenya["jsi_participation"] == "participant since 2019-07"


# ------------------------------------------------------------------ the catalogue lists them


def test_the_six_questions_are_in_the_catalogue(invoke: Callable[..., Result]) -> None:
    result = invoke("query", "--list", "--format", "csv")
    assert result.exit_code == 0, result.output
    for name in (
        "agreement-issue-outcome",
        "agreement-proposal-outcomes",
        "agreement-sdt-model",
        "agreement-implementation-periods",
        "agreement-cooperation-2021-vs-2024",
        "agreement-support",
    ):
        assert f"\n{name}," in result.stdout
