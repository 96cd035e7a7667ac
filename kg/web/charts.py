"""Charts drawn on the server as SVG (W3C SVG 1.1), from the catalogue's own questions.

* participation over time: ``participation-over-time`` (a step line of the number of
  participants, approximate counts hollow);
* documents per year: ``documents-by-year`` (bars stacked by kind);
* issue outcomes per section: ``agreement-issue-outcome`` (bars of issues by what
  became of them in INF/ECOM/87, per section A–F).

The numbers are computed here; the SVG is a Jinja2 template with autoescaping, so no
label can inject markup. Each chart names its question, so its source can be opened.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CHARTS", "Chart", "chart_data"]

#: chart name → the catalogue question it draws
CHARTS = {
    "participation": "participation-over-time",
    "documents": "documents-by-year",
    "outcomes": "agreement-issue-outcome",
}

_PALETTE = ("#1b6ca8", "#e07b00", "#3a9a4b", "#b8325a", "#7a5fb0", "#6b6b6b", "#c9a400")


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    colour: str
    title: str


@dataclass
class Chart:
    """A chart ready for the SVG template: marks in pixels, axis ticks, a legend."""

    name: str
    title: str
    question: str
    width: int = 720
    height: int = 290
    bars: list[Bar] = field(default_factory=list)
    points: list[tuple[float, float, bool, str]] = field(default_factory=list)  # x, y, approximate, title
    path: str = ""
    xticks: list[tuple[float, str]] = field(default_factory=list)
    yticks: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""
    left: int = 48
    top: int = 16
    bottom: int = 250


def _yticks(top_value: float, chart: Chart) -> float:
    """Ticks at round numbers; returns the pixels per unit."""
    step = 1
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        step = candidate
        if top_value / candidate <= 6:
            break
    top = max(step, -(-int(top_value) // step) * step)
    scale = (chart.bottom - chart.top) / top
    chart.yticks = [(chart.bottom - v * scale, str(v)) for v in range(0, top + 1, step)]
    return scale


def participation(table: Any, title: str, words: dict[str, str]) -> Chart:
    chart = Chart("participation", title, CHARTS["participation"])
    rows = [r for r in table.records() if r.get("count") and r.get("date") and r.get("participants", "").startswith(("All", "Tous", "Todos"))]
    if not rows:
        rows = [r for r in table.records() if r.get("count") and r.get("date")]
    rows.sort(key=lambda r: str(r["date"]))
    if not rows:
        chart.note = words["no_rows"]
        return chart
    years = [int(str(r["date"])[:4]) + (int(str(r["date"])[5:7] or 1) - 1) / 12 for r in rows]
    lo, hi = int(min(years)), int(max(years)) + 1
    span = max(1, hi - lo)
    right = chart.width - 16
    scale = _yticks(max(float(str(r["count"])) for r in rows), chart)
    xs = [chart.left + (y - lo) / span * (right - chart.left) for y in years]
    ys = [chart.bottom - float(str(r["count"])) * scale for r in rows]
    steps = [f"M{xs[0]:.1f},{ys[0]:.1f}"]
    for i in range(1, len(xs)):
        steps.append(f"H{xs[i]:.1f}V{ys[i]:.1f}")
    chart.path = "".join(steps)
    chart.points = [(x, y, r.get("approximate") == "true", f"{r['date']}: {r['count']} — {r.get('event') or ''}")
                    for x, y, r in zip(xs, ys, rows)]
    chart.xticks = [(chart.left + (y - lo) / span * (right - chart.left), str(y)) for y in range(lo, hi + 1)]
    chart.legend = [(_PALETTE[0], words["participants"]), ("#ffffff", words["approximate"])]
    return chart


def documents(table: Any, title: str, words: dict[str, str]) -> Chart:
    chart = Chart("documents", title, CHARTS["documents"])
    per: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: list[str] = []
    for r in table.records():
        if not r.get("year"):
            continue
        kind = str(r.get("kind") or "?")
        per[str(r["year"])][kind] += int(str(r.get("documents") or 0))
        if kind not in kinds:
            kinds.append(kind)
    if not per:
        chart.note = words["no_rows"]
        return chart
    years = sorted(per)
    scale = _yticks(max(sum(c.values()) for c in per.values()), chart)
    slot = (chart.width - 16 - chart.left) / len(years)
    colour = {k: _PALETTE[i % len(_PALETTE)] for i, k in enumerate(kinds)}
    for i, year in enumerate(years):
        y = float(chart.bottom)
        for kind in kinds:
            n = per[year][kind]
            if not n:
                continue
            h = n * scale
            y -= h
            chart.bars.append(Bar(chart.left + i * slot + slot * 0.15, y, slot * 0.7, h, colour[kind], f"{year}: {n} {kind}"))
        chart.xticks.append((chart.left + i * slot + slot / 2, year))
    chart.legend = [(colour[k], k) for k in kinds]
    return chart


def outcomes(table: Any, title: str, words: dict[str, str]) -> Chart:
    chart = Chart("outcomes", title, CHARTS["outcomes"])
    seen: set[tuple[str, str]] = set()
    per: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: list[str] = []
    for r in table.records():
        code, outcome = str(r.get("code") or ""), str(r.get("outcome") or "")
        if not code or not outcome or (code, outcome) in seen:
            continue
        seen.add((code, outcome))
        section = code.split(".")[0]
        per[section][outcome] += 1
        if outcome not in kinds:
            kinds.append(outcome)
    if not per:
        chart.note = words["no_rows"]
        return chart
    sections = sorted(per)
    scale = _yticks(max(max(c.values()) for c in per.values()), chart)
    slot = (chart.width - 16 - chart.left) / len(sections)
    colour = {k: _PALETTE[i % len(_PALETTE)] for i, k in enumerate(kinds)}
    bw = slot * 0.8 / max(1, len(kinds))
    for i, section in enumerate(sections):
        for j, kind in enumerate(kinds):
            n = per[section][kind]
            if n:
                x = chart.left + i * slot + slot * 0.1 + j * bw
                chart.bars.append(Bar(x, chart.bottom - n * scale, bw, n * scale, colour[kind], f"{section}: {n} {words['issues']} {kind}"))
        chart.xticks.append((chart.left + i * slot + slot / 2, section))
    chart.legend = [(colour[k], k) for k in kinds]
    return chart


def chart_data(name: str, table: Any, words: dict[str, str]) -> Chart:
    """The chart ``name`` (a key of :data:`CHARTS`) of the rows of its question."""
    title = words[{"participation": "participation_chart", "documents": "documents_chart",
                   "outcomes": "outcomes_chart"}[name]]
    return {"participation": participation, "documents": documents, "outcomes": outcomes}[name](table, title, words)
