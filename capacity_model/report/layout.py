"""Flow headings, paragraphs and tables of text onto A4 pages of matplotlib figures.

Text is drawn as text (not images), so the PDF stays searchable. Tables wrap
their cells to the column widths and continue on a new page, header
repeated, when a page is full.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .style import PAGE_SIZE
from .text import shorten, wrap

__all__ = ["TextFlow"]

_MARGIN_IN = 0.6
_TOP_IN = 0.55
_BOTTOM_IN = 0.75
_LINE_IN = 0.185
_HEADING_IN = 0.42
#: Longest paragraph under a heading that is kept on one page with the block after it [lines].
_INTRO_LINES = 6


class TextFlow:
    """Pages of flowing text, each a Figure, with the same title on every page.

    Parameters
    ----------
    title
        Page title, drawn at the top of each page.
    """

    def __init__(self, title: str) -> None:
        self.title = title
        self._pages: list[Figure] = []
        self._y = 0.0
        self._heading: str | None = None
        self._intro: tuple[list[str], float, float, str, str] | None = None
        self._new_page()

    @property
    def pages(self) -> list[Figure]:
        """The pages drawn so far (a heading and its paragraph still waiting for what follows
        them are drawn first)."""
        if self._heading is not None:
            self._place_heading(0.0)
        return self._pages

    @property
    def _width_in(self) -> float:
        return PAGE_SIZE[0] - 2 * _MARGIN_IN

    def _new_page(self) -> None:
        figure = Figure(figsize=PAGE_SIZE)
        self._pages.append(figure)
        self._y = _TOP_IN
        for line in wrap(self.title, self._width_in, 16, bold=True)[:3]:  # a long name: three lines at most
            self._text(_MARGIN_IN, line, size=16, weight="bold")
            self._y += 0.3
        self._y += 0.15

    def _text(self, x_in: float, text: str, **style: object) -> None:
        width, height = PAGE_SIZE
        self._pages[-1].text(x_in / width, 1 - self._y / height, text, va="top", ha="left", **style)  # type: ignore[arg-type]

    def _room(self, height_in: float) -> None:
        if self._y + height_in > PAGE_SIZE[1] - _BOTTOM_IN:
            self._new_page()

    def _rule(self, strong: bool) -> None:
        """A horizontal line under the current row."""
        width, height = PAGE_SIZE
        y = 1 - (self._y - 0.03) / height
        self._pages[-1].add_artist(
            Line2D(
                [_MARGIN_IN / width, 1 - _MARGIN_IN / width],
                [y, y],
                color="#333333" if strong else "#cccccc",
                linewidth=0.8 if strong else 0.5,
            )
        )

    def heading(self, text: str) -> None:
        """A section heading, placed on the same page as the block that follows it (a heading
        still waiting, with its paragraph, is drawn first)."""
        if self._heading is not None:
            self._place_heading(0.0)
        self._heading = text

    def _place_heading(self, room_below_in: float) -> None:
        """Draw a pending heading (and the short paragraph that introduces what follows it),
        first moving to a new page unless they fit with ``room_below_in`` of the following block."""
        if self._heading is None:
            self._room(room_below_in)
            return
        intro, self._intro = self._intro, None
        intro_in = 0.0 if intro is None else len(intro[0]) * _LINE_IN * intro[1] / 9 + 0.06
        self._room(_HEADING_IN + intro_in + room_below_in)
        self._y += 0.12
        heading = shorten(self._heading, self._width_in, 12.5, bold=True)  # a long name cut with '...'
        self._text(_MARGIN_IN, heading, size=12.5, weight="bold", color="#0072B2")
        self._y += _HEADING_IN - 0.12
        self._heading = None
        if intro is not None:
            self._draw_lines(*intro)

    def paragraph(
        self,
        text: str,
        size: float = 10,
        indent_in: float = 0.0,
        weight: str = "normal",
        color: str = "#000000",
    ) -> None:
        """Wrapped text across the page width (measured, see :func:`~capacity_model.report.text.wrap`)."""
        lines = wrap(text, self._width_in - indent_in, size, bold=weight == "bold") or [""]
        if self._heading is not None and self._intro is None and len(lines) <= _INTRO_LINES:
            # A short paragraph under a heading introduces the next block: it waits for it, so
            # that the three go to the page where the block's start fits.
            self._intro = (lines, size, indent_in, weight, color)
            return
        self._place_heading(min(len(lines), 3) * _LINE_IN * size / 9)
        self._draw_lines(lines, size, indent_in, weight, color)

    def _draw_lines(self, lines: list[str], size: float, indent_in: float, weight: str, color: str) -> None:
        for line in lines:
            self._room(_LINE_IN * size / 9)
            self._text(_MARGIN_IN + indent_in, line, size=size, weight=weight, color=color)
            self._y += _LINE_IN * size / 9
        self._y += 0.06

    def lines(self, lines: Sequence[str], size: float = 8.5) -> None:
        """Lines kept as written (a block of YAML): each line's leading spaces kept as an indent,
        a line too long wrapped under itself, the block on one page when it fits on one."""
        step = _LINE_IN * size / 9
        wrapped = []
        for line in lines:
            text = line.lstrip(" ")
            indent = 0.08 * size / 8.5 * (len(line) - len(text))
            for k, part in enumerate(wrap(text, self._width_in - indent - 0.3, size) or [""]):
                wrapped.append((indent + (0.3 if k else 0.0), part))
        height = len(wrapped) * step
        if height <= PAGE_SIZE[1] - _BOTTOM_IN - _TOP_IN - 1.0:  # fits on a page: keep it whole
            self._place_heading(height)
        else:
            self._place_heading(3 * step)
        for indent, part in wrapped:
            self._room(step)
            self._text(_MARGIN_IN + indent, part, size=size, color="#333333")
            self._y += step
        self._y += 0.08

    def bullets(self, items: Sequence[str]) -> None:
        """A list of wrapped items, each with a bullet."""
        self._place_heading(2 * _LINE_IN * 1.15)
        for item in items:
            lines = wrap(item, self._width_in - 0.25, 10.5)
            for k, line in enumerate(lines):
                self._room(_LINE_IN * 1.15)
                if k == 0:
                    self._text(_MARGIN_IN + 0.05, "\u2022", size=10.5)
                self._text(_MARGIN_IN + 0.25, line, size=10.5)
                self._y += _LINE_IN * 1.15
        self._y += 0.08

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        keep_together: bool = True,
    ) -> None:
        """A table; ``widths`` are relative column widths, scaled to the page width. A table
        that fits on a page starts on a new page rather than split, unless ``keep_together``
        is false (then it starts wherever its heading and first row fit)."""
        scale = self._width_in / sum(widths)
        columns_in = [w * scale for w in widths]

        def wrapped(cells: Sequence[str], bold: bool = False) -> list[list[str]]:
            return [
                wrap(str(cell), max(0.2, w - 0.1), 8.5, bold=bold) or [""]
                for cell, w in zip(cells, columns_in, strict=True)
            ]

        def draw(cells: list[list[str]], bold: bool) -> None:
            height = max(len(c) for c in cells) * _LINE_IN
            x = _MARGIN_IN
            top = self._y
            for lines, w in zip(cells, columns_in, strict=True):
                self._y = top
                for line in lines:
                    self._text(x, line, size=8.5, weight="bold" if bold else "normal")
                    self._y += _LINE_IN
                x += w
            self._y = top + height + 0.05
            self._rule(strong=bold)

        head = wrapped(header, bold=True)
        bodies = [wrapped(row) for row in rows]
        heights = [max(len(c) for c in cells) * _LINE_IN + 0.05 for cells in [head, *bodies]]
        whole = sum(heights)
        fits_on_a_page = keep_together and whole < PAGE_SIZE[1] - _BOTTOM_IN - _TOP_IN - 0.5
        # A table that fits on one page is not split; a longer one starts wherever its header
        # and first row fit, and never leaves its last row alone on a page.
        self._place_heading(whole if fits_on_a_page else sum(heights[:2]))
        draw(head, bold=True)
        rows_in = heights[1:]
        for k, cells in enumerate(bodies):
            together = k + 2 if k and k == len(bodies) - 2 else k + 1  # the last two rows together
            if self._y + sum(rows_in[k:together]) > PAGE_SIZE[1] - _BOTTOM_IN:
                self._new_page()
                draw(head, bold=True)
            draw(cells, bold=False)
        self._y += 0.12
