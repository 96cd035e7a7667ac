"""Where the project's sources and the built graph live on disk.

The sources (``ontology/``, ``graph_data/``, ``queries/``) sit beside the package in a
clone. Run in another project's folder (or below it), ``kg`` works on that project, as git
finds its repository; ``KG_HOME`` names one outright and ``KG_BUILD_DIR`` moves the built
store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Project", "default_project", "enclosing_project", "is_project"]


@dataclass(frozen=True)
class Project:
    """The folders of one project.

    Examples
    --------
    >>> project = Project(Path("/p"))
    >>> project.ontology_file.as_posix()
    '/p/ontology/jsi.ttl'
    >>> project.build_dir.as_posix()
    '/p/build'
    """

    root: Path
    build_override: Path | None = None

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def ontology_file(self) -> Path:
        return self.ontology_dir / "jsi.ttl"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def data_dir(self) -> Path:
        return self.root / "graph_data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def checks_dir(self) -> Path:
        return self.queries_dir / "checks"

    @property
    def build_dir(self) -> Path:
        return self.build_override or self.root / "build"

    def data_files(self) -> list[Path]:
        """The TriG files of ``graph_data/``, sorted so that builds are deterministic."""
        return sorted(self.data_dir.glob("*.trig"))


def is_project(folder: Path) -> bool:
    """Whether ``folder`` holds a project's sources: an ontology and a ``graph_data/``."""
    return (folder / "ontology" / "jsi.ttl").is_file() and (folder / "graph_data").is_dir()


def enclosing_project(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a project, if any."""
    for folder in (start, *start.parents):
        if is_project(folder):
            return folder
    return None


def default_project() -> Project:
    """The project of ``$KG_HOME``, else the one the working folder is in, else this clone's.

    ``$KG_BUILD_DIR`` moves the store.
    """
    home = os.environ.get("KG_HOME")
    if home:
        root = Path(home)
    else:
        try:
            here = enclosing_project(Path.cwd())
        except OSError:  # the working folder was removed
            here = None
        root = here or Path(__file__).resolve().parent.parent
    build = os.environ.get("KG_BUILD_DIR")
    return Project(root=root, build_override=Path(build) if build else None)
