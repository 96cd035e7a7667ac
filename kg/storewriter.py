"""The on-disk store of a full build, written while the stages still run.

The asserted statements are known once they are parsed; validation and reasoning only read
them (and add graphs of their own). So while the parse stage loads each data file into the
in-memory working store, Oxigraph's bulk loader (``pyoxigraph.Store.bulk_load``, which runs in
threads of its own without holding the GIL) loads the same file into the new store's folder
in a background thread (:meth:`StoreWriter.feed`); it compacts them there while validation
and reasoning run, on half of the cores (the main thread keeps the others). At the store stage
only the graphs the stages added (the inferred statements, the display labels) are dumped and
bulk-loaded after them: the asserted million statements are no longer dumped, parsed and
loaded after the reasoning, on the critical path.
(A build whose parse stage feeds nothing, the referees', dumps the working store once parsed.)

Quads with blank nodes are kept out of the bulk loads (a parser would rename their blank
nodes) and added at the end as they are, as :meth:`kg.pipeline.Staged.spill` does. The store
is complete only if the stages left the asserted graphs as parsed; :meth:`StoreWriter.add_derived`
checks it by counting (asserted + added = the working store's size) and otherwise returns
False, and the caller writes the store the old way (everything dumped after the stages).

Everything is written under one temporary folder of the build folder
(``store-….tmp``, removed by the next build if a kill leaves it); the store folder inside it
is renamed into place when whole.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError

__all__ = ["StoreWriter", "split_dump", "split_lines"]


def split_dump(store: ox.Store, path: Path, graph: ox.NamedNode | None = None) -> tuple[list[ox.Quad], int]:
    """Dump ``store`` (or only its ``graph``) to N-Quads at ``path`` (appended to) without the
    lines that may hold a blank node (``_:`` anywhere); return their quads and how many lines
    went to ``path``. One graph is dumped as N-Triples (Oxigraph writes no graph name then) and
    each line gets the graph's name (:func:`split_lines`).
    """
    raw = path.with_name(path.name + ".all")
    try:
        if graph is None:
            store.dump(str(raw), ox.RdfFormat.N_QUADS)
        else:
            store.dump(str(raw), ox.RdfFormat.N_TRIPLES, from_graph=graph)
        return split_lines(raw, path, graph)
    finally:
        raw.unlink(missing_ok=True)


def split_lines(raw: Path, path: Path, graph: ox.NamedNode | None = None) -> tuple[list[ox.Quad], int]:
    """Append the lines of the dump ``raw`` (N-Quads, or N-Triples of ``graph``) to ``path``,
    except those that may hold a blank node (``_:`` anywhere: a bulk load would rename it);
    return their quads and how many lines went to ``path``. The one home of reading a dump
    back for a bulk load: :func:`split_dump` and the full build's spill
    (:meth:`kg.pipeline.Staged.spill`) use it.

    The dump is read back 8 MB at a time; most blocks hold no ``_:`` and are copied as they are.
    With ``graph``, each line gets the graph's name before its final `` .``: in N-Triples a line
    break ends a statement and nothing else (those of literals are escaped), and Oxigraph ends
    each statement with `` .``.
    """
    end = b" .\n"
    named = b" " + str(graph).encode("utf-8") + end if graph is not None else end
    kept: list[bytes] = []
    lines = 0
    with raw.open("rb") as source, path.open("ab") as out:
        rest = b""
        while block := source.read(1 << 23):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            block, rest = block[:cut], block[cut:]
            if b"_:" not in block:
                out.write(block if graph is None else block.replace(end, named))
                lines += block.count(b"\n")
                continue
            for line in block.splitlines(keepends=True):
                if b"_:" in line:
                    kept.append(line)
                else:
                    out.write(line if graph is None else line.replace(end, named))
                    lines += 1
        if rest:  # a last line without its end of line (Oxigraph ends each one)
            line = rest + b"\n"
            if b"_:" in line:
                kept.append(line)
            else:
                out.write(line if graph is None else line.replace(end, named))
                lines += 1
    if not kept:
        return [], lines
    if graph is None:
        return list(ox.parse(b"".join(kept), format=ox.RdfFormat.N_QUADS)), lines
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(b"".join(kept), format=ox.RdfFormat.N_TRIPLES)], lines  # type: ignore[union-attr]


def _leave_a_core_to_the_main_thread() -> None:
    """Confine the calling thread, and the threads it starts (Oxigraph's bulk loader's), to the
    last half of the CPUs this process may use (Linux; with one CPU nothing changes).

    The main thread's stages (validation, reasoning) are the build's critical path; the loads
    beside them only have to be done by the store stage. Left free, the loader's threads took
    both cores and the main thread got about half of one (1M statements: validation 12.1 s of
    wall-clock time for 6.1 s of CPU). Confined, they leave it a core and still run at their
    normal priority (a lower one, tried at 300k under load, starved them behind other programs:
    the store stage then waited for them). The store stage's loads, which the build waits for,
    are not confined.
    """
    import os

    try:
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) > 1:
            os.sched_setaffinity(0, cpus[len(cpus) // 2:])  # 0: the calling thread
    except (AttributeError, OSError):  # not Linux, or not allowed: the loads run as before
        pass


#: Files smaller than this (bytes of TriG) are not bulk-loaded on their own: their quads are
#: gathered into N-Quads files of about this size, one load each (the real graph's 29 files,
#: each its own load, made the store stage 2.5-3.2 s instead of 1.4 s).
_SMALL = 1 << 20


class StoreWriter:
    """Bulk-loads N-Quads files into a new on-disk store in a background thread, in order.

    Parameters
    ----------
    build_dir : Path
        The build folder; the work goes to a temporary folder in it.
    name : str
        The store's final folder name (``build_dir/name``).
    """

    def __init__(self, build_dir: Path, name: str) -> None:
        self.build_dir, self.name = build_dir, name
        try:
            self.tmp = Path(tempfile.mkdtemp(dir=build_dir, prefix=name + ".", suffix=".tmp"))
        except OSError as exc:
            raise StoreError(f"cannot write the built graph in {str(build_dir)!r}: {exc}") from exc
        self.kept: list[ox.Quad] = []
        self.total = 0
        self._fed = False
        self._loads = 0
        self._asserted = 0
        self._asserted_graphs: set[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = set()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        try:  # opened by the main thread: RocksDB's own threads (flush, compaction) may use every core
            self._store: ox.Store | None = ox.Store(str(self.tmp / "store"))
        except OSError as exc:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise StoreError(f"cannot write the built graph in {str(build_dir)!r}: {exc}") from exc

    # the background loader ----------------------------------------------------------
    def _enqueue(self, job: Callable[[ox.Store], None], done: Path | None = None, *, beside: bool = False) -> None:
        """Run ``job`` on the store after the jobs queued before it, in a thread (then remove ``done``);
        ``beside``: a load beside the stages, confined to fewer cores (:func:`_leave_a_core_to_the_main_thread`)."""
        previous = self._thread

        def run() -> None:
            if beside:
                _leave_a_core_to_the_main_thread()
            if previous is not None:
                previous.join()
            try:
                if self._error is None:
                    if self._store is None:
                        self._store = ox.Store(str(self.tmp / "store"))
                    job(self._store)
            except BaseException as exc:  # noqa: BLE001 - re-raised by wait()
                self._error = exc
            finally:
                if done is not None:
                    done.unlink(missing_ok=True)

        self._thread = threading.Thread(target=run, name="kg-bulk-load")
        self._thread.start()

    def _enqueue_file(self, path: Path, *, beside: bool = False) -> None:
        self._enqueue(lambda store: store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS), done=path, beside=beside)

    def wait(self) -> None:
        """Wait for the loads started so far; raise what one of them raised."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            if isinstance(error, OSError):
                raise StoreError(f"cannot write the built graph in {str(self.build_dir)!r}: {error}") from error
            raise error

    # the build's steps ----------------------------------------------------------------
    def feed(self, source: bytes | list[ox.Quad]) -> None:
        """One source as the parse stage loads it into the working store: the TriG text of a file
        without blank nodes (bulk-loaded by Oxigraph's own parser, the one that loaded it into the
        working store), or the quads :func:`kg.loading.parse_file` made (added at the end)."""
        self._fed = True
        if isinstance(source, bytes) and len(source) >= _SMALL:
            self._loads += 1
            self._enqueue(lambda store: store.bulk_load(source, format=ox.RdfFormat.TRIG), beside=True)
        elif isinstance(source, bytes):  # a small file: its quads join others' in one load (each load costs a fixed ~0.1 s)
            small = self.tmp / "small.nq"
            with small.open("ab") as out:
                ox.serialize(ox.parse(source, format=ox.RdfFormat.TRIG), out, ox.RdfFormat.N_QUADS)
            if small.stat().st_size >= _SMALL:
                self._load_small()
        else:
            self.kept += source

    def _load_small(self) -> None:
        """Queue the load of the small files' quads gathered so far."""
        small = self.tmp / "small.nq"
        if small.exists():
            self._loads += 1
            batch = small.rename(self.tmp / f"small-{self._loads}.nq")
            self._enqueue_file(batch, beside=True)

    def start(self, work: ox.Store) -> None:
        """The working store just after parsing: what :meth:`feed` got, or (nothing fed) the
        store dumped and loaded. Then Oxigraph compacts what the loads wrote, still in the
        background, while the stages run (the store stage compacts again after one more load)."""
        self._asserted = len(work)
        self._asserted_graphs = set(work.named_graphs())
        if not self._fed:
            path = self.tmp / "asserted.nq"
            kept, _ = split_dump(work, path)
            self.kept += kept
            self._enqueue_file(path, beside=True)
        else:
            self._load_small()
            if self._loads > 1:
                self._enqueue(lambda store: store.optimize(), beside=True)

    def add_derived(self, work: ox.Store) -> bool:
        """The graphs the stages added to the working store: dump them (:meth:`load_derived` loads them).

        Returns False when the asserted graphs are not as parsed (the count does not add up):
        the store being loaded is then not the working store's, and the caller writes it another way.
        """
        added = sorted((g for g in work.named_graphs() if g not in self._asserted_graphs), key=str)
        path = self.tmp / "derived.nq"  # one file, one bulk load: each load more makes optimize() work
        kept: list[ox.Quad] = []
        lines = 0
        for graph in added:
            if not isinstance(graph, ox.NamedNode):
                lines = -1  # not a graph a stage adds
                break
            found, count = split_dump(work, path, graph)
            kept += found
            lines += count
        if self._asserted + lines + len(kept) != len(work):
            path.unlink(missing_ok=True)
            return False
        self.kept += kept
        self.total = len(work)
        return True

    def load_derived(self) -> None:
        """Queue the load of what :meth:`add_derived` dumped, then the quads with blank nodes, flush
        and compaction. Call it once the working store is freed: at 300k statements, a loader
        started beside it took the peak from 553 to 795 MB."""
        path = self.tmp / "derived.nq"
        if path.exists():
            self._enqueue_file(path)
        self._enqueue(self._seal)

    def _seal(self, store: ox.Store) -> None:
        """After the loads: the quads with blank nodes, then flush and compact (``optimize``:
        without it, 2,000 subject look-ups on a 100k store took 25–40% longer), still in the
        background, while the build writes its name indexes."""
        store.bulk_extend(self.kept)
        store.flush()
        store.optimize()

    def finish(self, pause: Callable[[str], None] | None = None) -> int:
        """Wait for the loads (after :meth:`add_derived`), close the store and move it into
        place as ``build_dir/name``; return how many statements it holds."""
        self.wait()
        if pause is not None:
            pause("writing")
        self._store = None  # closes the database before the folder is renamed
        try:
            (self.tmp / "store").replace(self.build_dir / self.name)  # a new name: nothing is deleted to make room
        except OSError as exc:
            raise StoreError(f"cannot write the built graph in {str(self.build_dir)!r}: {exc}") from exc
        shutil.rmtree(self.tmp, ignore_errors=True)
        return self.total

    def abandon(self) -> None:
        """Stop using the folder: wait for a load still running (it cannot be stopped), remove it all."""
        if self._thread is not None:
            self._thread.join()
        self._error = None
        self._store = None
        shutil.rmtree(self.tmp, ignore_errors=True)
