"""The lazy ``kg`` group: help without importing the commands, each command loaded when called."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

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


def test_help_imports_no_command_module() -> None:
    code = (
        "import sys\nfrom kg.cli import main\nsys.argv = ['kg', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith('kg.cli.') or m.split('.')[0] in ('rdflib', 'networkx', 'pyoxigraph', 'kg.coalitions')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "Commands:" in out and "sparql" in out and "Run a SPARQL query" in out
    assert out.strip().splitlines()[-1] == "LOADED ['kg.cli._common']"


def test_a_command_is_loaded_when_called() -> None:
    ctx = click.Context(cli)
    command = cli.get_command(ctx, "stats")
    assert command is not None and command.name == "stats"
    assert cli.get_command(ctx, "no-such-command") is None
