"""The lazy ``kg`` group: help without importing the commands, each command loaded when called."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import click

import kg.cli
from kg.cli import LAZY_COMMANDS, cli


def test_every_command_is_registered_lazily_with_its_own_short_help() -> None:
    found = {}
    for info in pkgutil.iter_modules(kg.cli.__path__):
        module = importlib.import_module(f"kg.cli.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            found[command.name] = (module.__name__, command)
    assert set(found) == set(LAZY_COMMANDS)
    for name, (module, attribute, short_help) in LAZY_COMMANDS.items():
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command) and command is found[name][1]
        assert command.get_short_help_str(limit=1000) == short_help, f"update LAZY_COMMANDS[{name!r}]"


def _modules_after(*args: str) -> tuple[str, set[str]]:
    """What ``kg ARGS`` prints, and every module it imported, run in a fresh Python process."""
    code = (
        f"import sys\nfrom kg.cli import main\nsys.argv = ['kg', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED', ' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    *printed, loaded = out.strip().splitlines()
    assert loaded.startswith("LOADED ")
    return "\n".join(printed), set(loaded.split()[1:])


def test_help_imports_no_command_module() -> None:
    out, modules = _modules_after("--help")
    assert "Commands:" in out and "sparql" in out and "Run a SPARQL query" in out
    assert sorted(m for m in modules if m.split(".")[0] == "kg") == ["kg", "kg.cli", "kg.cli._common", "kg.errors"]
    assert not modules & {"rdflib", "networkx", "pyoxigraph", "logging"}


def test_sparql_imports_only_what_a_query_needs(built_dir: Path) -> None:
    """``kg sparql`` answers without the heavy libraries of other commands, nor the modules
    that only writing a file, a CSV or to a terminal needs (issue 11: a start that costs nothing)."""
    query = "SELECT ?l WHERE { ?m a jsi:LeastDevelopedMember ; rdfs:label ?l FILTER(LANG(?l)='en') } ORDER BY ?l"
    out, modules = _modules_after("--build-dir", str(built_dir), "sparql", query)
    assert "Afghanistan" in out.splitlines() and "pyoxigraph" in modules
    never = {
        "rdflib", "networkx", "pyvis", "jinja2", "openpyxl", "pyshacl", "owlrl",  # other commands' libraries
        "kg.coalitions", "kg.catalogue", "kg.viz", "kg.build", "kg.reasoning", "kg.shacl",  # other commands' code
        "secrets", "hmac", "csv", "shutil",  # a temporary file, CSV, a terminal's width
        "logging", "pickle", "select", "resource",  # not configured for it; no forked child; memory read from /proc
    }
    assert not modules & never, sorted(modules & never)


def test_a_command_is_loaded_when_called() -> None:
    ctx = click.Context(cli)
    command = cli.get_command(ctx, "stats")
    assert command is not None and command.name == "stats"
    assert cli.get_command(ctx, "no-such-command") is None


def test_a_question_imports_only_what_it_needs(built_dir: Path) -> None:
    """``kg query`` with a name to resolve: no logging (unless -v), no temporary-file machinery
    when the name index exists, no other command's libraries (issue 11: the fixed cost of a question)."""
    args = ("--build-dir", str(built_dir), "query", "sdt-models-for-concern-category", "-p", "category=lack of capacity")
    _modules_after(*args)  # the first question after a build may write the name index
    out, modules = _modules_after(*args)
    assert out.startswith("model") and "TFA SDT" in out, out
    never = {"rdflib", "networkx", "pyvis", "jinja2", "openpyxl", "pyshacl", "owlrl", "kg.coalitions", "kg.viz",
             "kg.build", "logging", "tempfile", "shutil", "pickle", "select"}
    assert not modules & never, sorted(modules & never)
    _, verbose = _modules_after("-v", *args)
    assert "logging" in verbose


def test_the_catalogue_list_imports_no_terminal_machinery_when_piped() -> None:
    out, modules = _modules_after("query", "--list")
    assert "sdt-models-for-concern-category" in out
    assert not modules & {"shutil", "logging", "tempfile", "rdflib"}, sorted(modules & {"shutil", "logging", "tempfile", "rdflib"})
