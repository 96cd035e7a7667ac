"""Where the project's sources and the built graph live on disk.

The sources (``ontology/``, ``graph_data/``, ``queries/``) sit beside the package in a
clone. Run in another project's folder (or below it), ``kg`` works on that project, as git
finds its repository; ``KG_HOME`` names one outright and ``KG_BUILD_DIR`` moves the built
store.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["Project", "default_project", "enclosing_project", "is_project"]


class Project:
    """The folders of one project (immutable; equal when root and build folder are).

    Written out rather than ``@dataclass(frozen=True)``, whose methods are compiled at import:
    every command that reads the graph imports this module.

    Examples
    --------
    >>> project = Project(Path("/p"))
    >>> project.ontology_file.as_posix()
    '/p/ontology/jsi.ttl'
    >>> project.build_dir.as_posix()
    '/p/build'
    """

    root: Path
    build_override: Path | None

    def __init__(self, root: Path, build_override: Path | None = None) -> None:
        object.__setattr__(self, "root", root)
        object.__setattr__(self, "build_override", build_override)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a Project is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a Project is immutable")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.root, self.build_override) == (other.root, other.build_override)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.root, self.build_override))

    def __repr__(self) -> str:
        return f"Project(root={self.root!r}, build_override={self.build_override!r})"

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
