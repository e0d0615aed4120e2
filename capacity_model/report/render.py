"""Render figures into PDF pages, on two cores when the machine has them.

Drawing text is most of a report's time (about 0.08 s a page). Two things run beside this
process when the machine has a second core:

* :class:`Background` pages: the process forks, and the child builds a group of pages (the
  ones that need no Monte Carlo result can be drawn while the samples are computed), renders
  them, and sends their headings, page sizes and PDF bytes back through a pipe;
* the second half of the pages built here (:func:`render_figures`), the same way.

The children are :class:`~capacity_model.forking.Forked`. If a child fails, the parent
builds and renders its pages itself; an interruption stops the child. Nothing is written to a
file until the pages are assembled (:func:`~capacity_model.report.outline.assemble`).

Embedding a font subset costs about 0.07 s a font, most of it spent subsetting the OpenType
layout tables (GSUB, GPOS, GDEF, MATH), which a PDF never reads: matplotlib places every glyph
itself. They are left out of the subsets (:func:`lean_font_subsets`): 0.02 s a font, and
smaller files.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ..forking import ChildFailedError, Forked, Send, can_fork
from .outline import heading_of

__all__ = [
    "LAYOUT_TABLES",
    "PARALLEL_FROM_PAGES",
    "Background",
    "Rendered",
    "can_fork",
    "lean_font_subsets",
    "render",
    "render_figures",
]

#: Fewer pages drawn in one process are drawn in one part: forking and joining cost more
#: than they save.
PARALLEL_FROM_PAGES = 10

#: OpenType tables that only text shaping reads; a PDF viewer draws the glyphs it is given.
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH")

Prepare = Callable[[Figure], None]
Context = Callable[[], contextlib.AbstractContextManager[object]]


Drawn = Callable[[], None]


def _nothing(figure: Figure) -> None:
    """The default ``prepare``: leave the figure as it is."""


def _no_count() -> None:
    """The default ``drawn``: nobody counts the pages."""


@contextlib.contextmanager
def lean_font_subsets() -> Iterator[None]:
    """Leave :data:`LAYOUT_TABLES` out of the font subsets embedded while the block runs.

    matplotlib subsets fonts with fontTools' default options plus its own list of tables to
    drop; this adds the layout tables to fontTools' defaults for the duration, and restores
    them after. Without that class attribute (a fontTools that no longer has it), the fonts
    are embedded as they would be anyway."""
    from fontTools.subset import Options

    defaults = getattr(Options, "_drop_tables_default", None)
    if not isinstance(defaults, list):
        yield
        return
    Options._drop_tables_default = defaults + [t for t in LAYOUT_TABLES if t not in defaults]
    try:
        yield
    finally:
        Options._drop_tables_default = defaults


@dataclass(frozen=True)
class Rendered:
    """Pages rendered into one PDF, with what the assembly needs to know of each page."""

    pdf: bytes
    headings: list[str]
    """The heading a reader sees first on each page (see :func:`~.outline.heading_of`)."""
    sizes_in: list[tuple[float, float]]
    """Width and height of each page [inches]."""


def render(figures: Sequence[Figure], prepare: Prepare = _nothing, drawn: Drawn = _no_count) -> bytes:
    """``figures`` as the pages of one PDF, each passed to ``prepare`` first, and ``drawn()``
    called after each (the PDF bytes)."""
    buffer = io.BytesIO()
    with lean_font_subsets(), PdfPages(buffer, metadata={"CreationDate": None}) as pdf:
        for figure in figures:
            prepare(figure)
            pdf.savefig(figure)
            drawn()
    return buffer.getvalue()


def _rendered(figures: Sequence[Figure], prepare: Prepare, drawn: Drawn = _no_count) -> Rendered:
    headings = [heading_of(figure) for figure in figures]  # before prepare: as built
    return Rendered(render(figures, prepare, drawn), headings, [_size_in(f) for f in figures])


def _size_in(figure: Figure) -> tuple[float, float]:
    width, height = figure.get_size_inches()
    return float(width), float(height)


class Background:
    """Pages built by ``build`` and rendered in a child process while this one goes on.

    ``context`` is entered around building and rendering (the report's style, say), in the
    child or, when there is no child, here. Without a second core (or with ``fork=False``)
    the pages are built and rendered here, when first asked for. A child that fails leaves the
    work to this process; :meth:`cancel` stops it.

    The child sends the pages' headings and sizes as soon as they are built (what the parent
    needs to number the pages), then the rendered PDF.
    """

    def __init__(
        self,
        build: Callable[[], Sequence[Figure]],
        prepare: Prepare = _nothing,
        context: Context = contextlib.nullcontext,
        fork: bool | None = None,
    ) -> None:
        self._build, self._prepare, self._context = build, prepare, context
        self._header: tuple[list[str], list[tuple[float, float]]] | None = None
        self._result: Rendered | None = None
        self._child: Forked | None = None
        if can_fork() if fork is None else fork:
            with contextlib.suppress(ChildFailedError):  # no child to be had: drawn here
                self._child = Forked(self._work)

    def _work(self, send: Send) -> None:
        """In the child: build, send the headings and sizes, render, send the PDF."""
        with self._context():
            figures = self._build()
            send(([heading_of(f) for f in figures], [_size_in(f) for f in figures]))
            send(render(figures, self._prepare))

    def _here(self) -> Rendered:
        """Build and render the pages in this process (no child, or a child that failed)."""
        self.cancel()
        with self._context():
            self._result = _rendered(self._build(), self._prepare)
        self._header = (self._result.headings, self._result.sizes_in)
        return self._result

    def _read_header(self) -> tuple[list[str], list[tuple[float, float]]]:
        if self._header is None:
            if self._child is None:
                self._here()
            else:
                try:
                    self._header = self._child.receive()
                except ChildFailedError:
                    self._here()
        assert self._header is not None
        return self._header

    def headings(self) -> list[str]:
        """The heading of each page; waits until the pages are built."""
        return self._read_header()[0]

    def sizes_in(self) -> list[tuple[float, float]]:
        """The size of each page [inches]; waits until the pages are built."""
        return self._read_header()[1]

    def ready(self) -> bool:
        """Whether :meth:`result` would not wait for the pages to be drawn."""
        self._read_header()
        return self._child is None or self._child.waiting()

    def result(self) -> Rendered:
        """The rendered pages; waits for the child, or renders them here if it failed."""
        headings, sizes = self._read_header()
        if self._result is None:
            assert self._child is not None
            try:
                pdf = self._child.receive()
            except ChildFailedError:
                return self._here()
            if not self._child.finish():
                return self._here()
            self._child = None
            self._result = Rendered(pdf, headings, sizes)
        return self._result

    def cancel(self) -> None:
        """Stop the child, if it still runs (its pages are then built here if asked for)."""
        if self._child is not None:
            self._child.cancel()
            self._child = None


def render_figures(
    figures: Sequence[Figure],
    prepare: Prepare = _nothing,
    half: int | None = None,
    fork: bool | None = None,
    drawn: Drawn = _no_count,
) -> list[Rendered]:
    """Render ``figures`` (already built) into one part or, with ``half``, two: the first
    ``half`` figures and the rest. The second part is drawn in a child process when ``fork``
    (default: :func:`~capacity_model.forking.can_fork`), else after the first; the parts, and
    so the bytes of the document, are the same either way. ``drawn()`` is called after each
    page drawn in this process. Returns the parts in page order."""
    if half is None or not 0 < half < len(figures):
        return [_rendered(figures, prepare, drawn)]
    second = Background(lambda: figures[half:], prepare, fork=can_fork() if fork is None else fork)
    try:
        first = _rendered(figures[:half], prepare, drawn)
        return [first, second.result()]
    except BaseException:
        second.cancel()
        raise
