"""Data entry from spreadsheets: ``kg add KIND FILE`` and ``kg add --template KIND``.

Modules: :mod:`~kg.dataentry.kinds` (the kinds and their documented columns),
:mod:`~kg.dataentry.sheets` (CSV/XLSX reading, templates), :mod:`~kg.dataentry.facts`
(rows → RDF in citation graphs), :mod:`~kg.dataentry.trig` (deterministic TriG),
:mod:`~kg.dataentry.importer` (checks against the whole graph, atomic write).
"""

from kg.dataentry.kinds import KINDS, kind_spec

__all__ = ["KINDS", "kind_spec"]
