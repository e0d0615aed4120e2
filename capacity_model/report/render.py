"""Render figures into PDF pages, on two cores when the machine has them.

Drawing text is most of a report's time (about 0.1 s a page). With a second core, the
figures already built are rendered in two halves at once: the process forks, the child
renders the second half into a file of its own and exits, the parent renders the first half,
and the halves are joined with pypdf. The child only draws and writes a file: it holds no
lock the parent could need, and numpy's thread pool is idle, so forking is safe here
(Python 3.12 warns about forking any process with threads; that warning is silenced for
this one call). If the child fails, the parent renders every page itself; an interruption
stops the child and leaves no file of its own behind.
"""

from __future__ import annotations

import io
import os
import signal
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ..studies.executors import cores

__all__ = ["PARALLEL_FROM_PAGES", "render_pages"]

#: Fewer pages are rendered in one process: forking and joining cost more than they save.
PARALLEL_FROM_PAGES = 8


def _save(
    figures: Sequence[Figure], path: Path, metadata: Mapping[str, object], prepare: Callable[[Figure], None]
) -> None:
    with PdfPages(path, metadata=dict(metadata)) as pdf:
        for figure in figures:
            prepare(figure)
            pdf.savefig(figure)


def render_pages(
    figures: Sequence[Figure],
    path: Path,
    metadata: Mapping[str, object],
    prepare: Callable[[Figure], None] = lambda figure: None,
    parallel: bool | None = None,
) -> None:
    """Write ``figures`` as the pages of the PDF ``path`` with ``metadata`` (PdfPages keys),
    calling ``prepare`` on each figure first. ``parallel`` (default: with two cores or more, a
    fork, and at least :data:`PARALLEL_FROM_PAGES` pages) renders the second half in a child
    process; the pages and their order are the same either way."""
    if parallel is None:
        parallel = cores() >= 2 and hasattr(os, "fork") and len(figures) >= PARALLEL_FROM_PAGES
    if not parallel:
        _save(figures, path, metadata, prepare)
        return
    half = (len(figures) + 1) // 2
    second = path.with_name(f"{path.name}.second-half")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*multi-threaded.*fork", category=DeprecationWarning)
        child = os.fork()
    if child == 0:  # the child: render the second half, then leave without running any cleanup
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            _save(figures[half:], second, metadata, prepare)
            code = 0
        finally:
            os._exit(code)
    try:
        _save(figures[:half], path, metadata, prepare)
        _, status = os.waitpid(child, 0)
    except BaseException:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        second.unlink(missing_ok=True)
        raise
    if os.waitstatus_to_exitcode(status) != 0:  # render it all here rather than fail the run
        second.unlink(missing_ok=True)
        _save(figures, path, metadata, prepare)
        return
    _join(path, second)


def _join(first: Path, second: Path) -> None:
    """Append the pages of ``second`` to ``first`` (keeping ``first``'s document information),
    then remove ``second``."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(first.read_bytes()))
    writer.append(io.BytesIO(second.read_bytes()))
    buffer = io.BytesIO()
    writer.write(buffer)
    first.write_bytes(buffer.getvalue())
    second.unlink()
