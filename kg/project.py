"""Where the project's sources and the built graph live on disk.

The sources (``ontology/``, ``graph_data/``, ``queries/``) sit beside the package in a
clone; ``KG_HOME`` points elsewhere and ``KG_BUILD_DIR`` moves the built store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Project", "default_project"]


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


def default_project() -> Project:
    """The project of this clone, or of ``$KG_HOME``; ``$KG_BUILD_DIR`` moves the store."""
    home = os.environ.get("KG_HOME")
    root = Path(home) if home else Path(__file__).resolve().parent.parent
    build = os.environ.get("KG_BUILD_DIR")
    return Project(root=root, build_override=Path(build) if build else None)
