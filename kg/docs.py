"""A human-readable page of the ontology, written with pyLODE 3.3.4 (OntPub profile), offline.

pyLODE reads its background vocabularies (RDFS, OWL, SKOS …) from its own package and
inlines its stylesheet; the page loads nothing from the network (its links to term IRIs
are links a reader may follow, not resources). pyLODE 3.4.1 fails at import from its
wheel, hence the pin.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

from kg.errors import DataError, DependencyError, OutputError, UsageError
from kg.loading import CATALOG, ontology_files

__all__ = ["MARKER", "render_ontology_docs", "write_ontology_docs"]

log = logging.getLogger(__name__)

#: The file that marks a folder as written by :func:`write_ontology_docs` (so it may be replaced).
MARKER = ".kg-docs"


def _in_language(ontology_file: Path, lang: str) -> Any:
    """The ontology as an rdflib graph, keeping one language where a text exists in several.

    pyLODE shows whichever label or title it meets first; the terms carry them in English,
    French and Spanish. A text in another language is dropped only when the same subject
    and property have one in ``lang`` (or untagged), so nothing is lost.
    """
    import rdflib

    graph = rdflib.Graph()
    try:
        graph.parse(ontology_file, format="turtle")
        for path in ontology_files(ontology_file)[1:]:  # its imports module, without its header
            module = rdflib.Graph().parse(path, format="turtle")
            headers = set(module.subjects(rdflib.RDF.type, rdflib.OWL.Ontology))
            for triple in module:
                if triple[0] not in headers:
                    graph.add(triple)
    except (OSError, SyntaxError, ValueError) as exc:
        raise DataError(f"cannot read the ontology {str(ontology_file)!r}: {exc}") from exc
    # pyLODE documents a graph with a skos:ConceptScheme as a SKOS vocabulary (its VocPub
    # profile) and takes that scheme's label as the page title: the schemes of controlled
    # values are documented as the named individuals they also are.
    graph.remove((None, rdflib.RDF.type, rdflib.SKOS.ConceptScheme))
    has_lang = {(s, p) for s, p, o in graph if isinstance(o, rdflib.Literal) and o.language in (lang, None)}
    drop = [(s, p, o) for s, p, o in graph
            if isinstance(o, rdflib.Literal) and o.language not in (lang, None) and (s, p) in has_lang]
    for triple in drop:
        graph.remove(triple)
    return graph


def render_ontology_docs(ontology_file: Path, lang: str = "en") -> str:
    """The HTML page of an ontology file, in one of its languages.

    Raises
    ------
    DependencyError
        pyLODE is missing.
    DataError
        pyLODE cannot document the file (e.g. no ``dcterms:title``).
    """
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        # pyLODE's supermodel module calls logging.basicConfig(level=DEBUG) when imported:
        # undo it, so that a library user's logging is left as it was.
        from pylode import OntPub, PylodeError
    except ImportError as exc:
        raise DependencyError("pyLODE is not installed; install the project again ('pip install -e .') "
                      "or 'pip install pylode==3.3.4'") from exc
    finally:
        root.setLevel(level)
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
    graph = _in_language(ontology_file, lang)
    with warnings.catch_warnings():
        # pyLODE 3.3.4 reads its stylesheet with open(...).read() and never closes the file.
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return str(OntPub(graph, sort_subjects=True).make_html())
        except PylodeError as exc:
            raise DataError(f"pyLODE cannot document {str(ontology_file)!r}: {exc}") from exc


def write_ontology_docs(ontology_file: Path, directory: Path, lang: str = "en") -> Path:
    """Write ``index.html`` (the page) and a copy of the ontology into ``directory``.

    The folder is written beside its final place and renamed into it, so a reader never
    sees half of it. An existing folder is replaced only if it is empty or was written by
    this function (it holds :data:`MARKER`).

    Returns
    -------
    Path
        The page, ``directory / "index.html"``.

    Raises
    ------
    UsageError
        The folder is a file, or holds something 'kg docs' did not write (exit 2).
    OutputError
        The folder cannot be written.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{str(directory)!r} is a file; give a folder for the documentation")
    if directory.is_dir() and any(directory.iterdir()) and not (directory / MARKER).exists():
        raise UsageError(f"{str(directory)!r} is not empty and was not written by 'kg docs'; "
                      "choose another folder or empty it")
    html = render_ontology_docs(ontology_file, lang)
    parent = directory.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{directory.name}.", suffix=".tmp"))
    old: Path | None = None
    try:
        (tmp / "index.html").write_text(html, encoding="utf-8")
        for path in ontology_files(ontology_file):
            shutil.copyfile(path, tmp / path.name)
        if (ontology_file.parent / CATALOG).exists():
            shutil.copyfile(ontology_file.parent / CATALOG, tmp / CATALOG)
        (tmp / MARKER).write_text("written by 'kg docs'; the folder is replaced by the next run\n", encoding="utf-8")
        os.chmod(tmp, 0o755)
        if directory.exists():
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{directory.name}.", suffix=".old"))
            os.replace(directory, old / "previous")
        os.replace(tmp, directory)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not directory.exists() and (old / "previous").exists():
            os.replace(old / "previous", directory)
        raise OutputError(f"cannot write the documentation in {str(directory)!r}: {exc}") from exc
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    log.info("wrote %s", directory / "index.html")
    return directory / "index.html"
