"""The life of the build folder: one build at a time, a new store folder per build, one
atomic switch, and old folders removed only when no reader holds them.

The files of ``build/``::

    CURRENT                        JSON naming the store to read (replaced atomically)
    build.lock                     held (flock) by the running build; holds its pid
    store-<fingerprint>-<stamp>/   one complete Oxigraph store per build
    store-<...>.tmp/               a store being written (removed by the next build if left)

At every instant ``CURRENT`` names a complete store: a build writes its store under a new
name, renames it into place, then replaces ``CURRENT``, and only then removes older
folders, skipping any that a reader holds (:func:`kg.store.hold_for_reading`). A kill -9
at any point leaves the previous graph usable; the next build removes the leftovers.
For tests, ``KG_TEST_PAUSE=STEP:SECONDS`` sleeps at a step (``writing``,
``before-switch``) so that a test can kill the build there.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import StoreError
from kg.output import write_text_atomic
from kg.store import MANIFEST, STORE_NAME

__all__ = ["build_lock", "new_store_name", "is_usable", "write_store", "switch_current", "remove_old_stores"]

log = logging.getLogger(__name__)

LOCK = "build.lock"
_TMP = re.compile(r"store-[0-9a-f-]+\..*\.tmp")
#: the quads of a store being written, spilled to a file by the build (``.store-….nq``)
_SPILLED = re.compile(r"\.store-[0-9a-f]{16}(?:-[0-9a-f]+)?\.nq")


def _pause(step: str) -> None:
    """Sleep at a step when ``KG_TEST_PAUSE`` asks for it (tests kill the build there)."""
    wanted = os.environ.get("KG_TEST_PAUSE", "")
    name, _, seconds = wanted.partition(":")
    if name == step:
        time.sleep(float(seconds or 60))


def _unwritable(build_dir: Path, exc: OSError) -> StoreError:
    return StoreError(
        f"cannot write in the build folder {str(build_dir)!r} ({exc.strerror or exc}); "
        "make it writable, or choose another with --build-dir or KG_BUILD_DIR"
    )


@contextmanager
def build_lock(build_dir: Path) -> Iterator[None]:
    """Hold the build lock of ``build_dir`` (one build at a time).

    The lock is an ``flock`` on ``build.lock``: the kernel releases it when the holder
    dies, so the lock of a killed build is simply taken over.

    Raises
    ------
    StoreError
        Another build holds the lock ("a build is running (pid N)"), or the folder is not writable.
    """
    import fcntl

    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(build_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _unwritable(build_dir, exc) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise _unwritable(build_dir, exc) from exc
            pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise StoreError(
                f"a build is running (pid {pid}) in {str(build_dir)!r}; wait for it to finish, then run 'kg build' again"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)


def new_store_name(fingerprint: str) -> str:
    """A folder name no earlier build used: the sources' fingerprint and a time stamp."""
    return f"store-{fingerprint[:16]}-{time.time_ns():x}"


def is_usable(build_dir: Path, manifest: dict[str, Any]) -> bool:
    """Whether the store ``manifest`` names opens and holds the statements it should."""
    location = build_dir / manifest["store"]
    if not location.is_dir():
        return False
    try:
        store = ox.Store.read_only(str(location))
        count = len(store)
    except (OSError, RuntimeError, ValueError) as exc:
        log.warning("the built graph %s is damaged (%s); rebuilding", location, exc)
        return False
    expected = manifest.get("statements", manifest.get("asserted", 0) + manifest.get("inferred", 0))
    if count != expected:
        log.warning("the built graph %s holds %d statements, not %d; rebuilding", location, count, expected)
        return False
    return True


def write_store(build_dir: Path, name: str, quads: Iterable[ox.Quad], *, nquads: Path | None = None) -> int:
    """Write a complete store into ``build_dir/name`` (through a temporary folder); return
    how many statements it holds (for ``CURRENT``'s ``statements``, checked by :func:`is_usable`).

    ``nquads`` is an N-Quads file bulk-loaded first (one statement a line; its blank nodes
    would be renamed, so quads with blank nodes go in ``quads``).
    """
    try:
        tmp_dir = Path(tempfile.mkdtemp(dir=build_dir, prefix=name + ".", suffix=".tmp"))
    except OSError as exc:
        raise _unwritable(build_dir, exc) from exc
    try:
        store = ox.Store(str(tmp_dir))
        _pause("writing")
        count = 0
        if nquads is not None:
            store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
            with nquads.open("rb") as lines:
                count = sum(chunk.count(b"\n") for chunk in iter(lambda: lines.read(1 << 20), b""))

        def counted() -> Iterator[ox.Quad]:
            nonlocal count
            for quad in quads:
                count += 1
                yield quad

        store.bulk_extend(counted())  # streamed: a list of a million quads would double the memory
        store.flush()
        store.optimize()
        del store  # closes the database before the folder is renamed
        final = build_dir / name
        os.replace(tmp_dir, final)  # a new name: nothing is deleted to make room
    except OSError as exc:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise StoreError(f"cannot write the built graph in {str(build_dir)!r}: {exc}") from exc
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    return count


def switch_current(build_dir: Path, manifest_text: str) -> None:
    """Point ``CURRENT`` at the new store, atomically."""
    _pause("before-switch")
    try:
        write_text_atomic(build_dir / MANIFEST, manifest_text)
    except OSError as exc:
        raise _unwritable(build_dir, exc) from exc


def remove_old_stores(build_dir: Path, keep: str | None, *, leftovers_only: bool = False) -> list[str]:
    """Remove store folders other than ``keep`` that no reader holds, and leftover
    temporary folders and spilled quad files (call it with the build lock held). Returns the
    names removed.

    With ``leftovers_only``, complete stores are kept (the temporary folders go).
    """
    import fcntl

    removed = []
    for path in sorted(build_dir.iterdir()):
        if _SPILLED.fullmatch(path.name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)  # a store's quads spilled to a file by a build that was killed
            removed.append(path.name)
            continue
        if path.name == keep or not path.is_dir() or path.is_symlink():
            continue
        if _TMP.fullmatch(path.name):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
        elif STORE_NAME.fullmatch(path.name) and not leftovers_only:
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                log.info("keeping %s: a reader holds it", path.name)
                os.close(fd)
                continue
            try:
                shutil.rmtree(path, ignore_errors=True)
            finally:
                os.close(fd)
            removed.append(path.name)
    return removed
