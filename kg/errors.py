"""Errors a person can act on: one hierarchy under :class:`KGError`.

Each message names the problem, the bad value (``!r``) and what to do next; the CLI
prints it on one line and exits with the class's :attr:`KGError.exit_code` (1 for the data,
a query or the store; 2 for a wrong use of a command, as click's own usage errors).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "KGError",
    "DataError",
    "ValidationFailed",
    "InconsistencyError",
    "StoreError",
    "QueryError",
    "ParameterError",
    "UsageError",
    "OutputError",
    "CheckFailedToRun",
    "DependencyError",
]


class KGError(Exception):
    """Base of every error this package raises on purpose."""

    #: The exit status of the command line for this kind of error.
    exit_code = 1


class DataError(KGError):
    """A source file cannot be read or parsed.

    Parameters
    ----------
    message : str
        What is wrong.
    path : str, optional
        The file, shown first.
    line, column : int, optional
        Where in the file (1-based).
    """

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        where = ""
        if path is not None:
            where = path
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(where + message)


class ValidationFailed(KGError):
    """SHACL or a violation check found problems in the data."""

    def __init__(self, message: str, violations: Sequence[Any]) -> None:
        super().__init__(message)
        #: The :class:`kg.validation.Violation` objects found.
        self.violations = list(violations)


class InconsistencyError(KGError):
    """OWL-RL reasoning found the data inconsistent with the ontology's axioms."""


class StoreError(KGError):
    """The built store is missing, locked or unreadable."""


class QueryError(KGError):
    """A SPARQL query is malformed, unknown or failed."""


class ParameterError(KGError):
    """A query parameter is missing, unknown or ambiguous."""


class UsageError(KGError):
    """A value given to a function or option is not one it accepts (an unknown format …)."""

    exit_code = 2


class OutputError(KGError):
    """A result cannot be written where it was asked to go (a file, a folder, standard output)."""


class CheckFailedToRun(KGError):
    """``kg validate`` could not check the data (unreadable file, syntax error): exit 2,
    which tells it apart from violations found (exit 1)."""

    exit_code = 2


class DependencyError(KGError):
    """A library a command needs is not installed (install the project again)."""


class ServeError(KGError):
    """A server (``kg serve``, ``kg app``) cannot listen: a port in use, an unknown host.

    ``usage`` is true when the option given is wrong (exit 2) rather than the machine's
    state (a port in use: exit 1).
    """

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage
        self.exit_code = 2 if usage else 1

    @classmethod
    def cannot_listen(cls, host: str, port: int, exc: OSError) -> ServeError:
        """The one wording of why ``host:port`` cannot be listened on, and what to do."""
        import errno

        if exc.errno == errno.EADDRINUSE:
            return cls(f"port {port} on {host} is already in use (another server of kg?); stop it or pick another "
                       "with --port")
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
            return cls(f"cannot listen on --host {host!r}: not an address of this machine; try 127.0.0.1 or ::1",
                       usage=True)
        if exc.errno == errno.EACCES:
            return cls(f"not allowed to listen on port {port}; ports below 1024 need privileges, pick another with "
                       "--port", usage=True)
        return cls(f"cannot listen on {host}:{port}: {exc.strerror or exc}", usage=True)
