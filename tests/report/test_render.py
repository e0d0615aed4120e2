"""Pages drawn beside this process are the pages drawn here, in order and byte for byte; a
failing child leaves the work to the parent; an error in the parent stops the child; the
embedded fonts leave out the tables a PDF never reads; footers of pages drawn elsewhere are
laid over them without painting anything else."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from fontTools.subset import Options
from fontTools.ttLib import TTFont
from matplotlib.figure import Figure
from pypdf import PdfReader
from pypdf.generic import ContentStream

from capacity_model.report.files import save_pdf
from capacity_model.report.render import (
    LAYOUT_TABLES,
    Background,
    lean_font_subsets,
    render,
    render_figures,
)

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="drawing beside this process forks")


def pages(count: int, first: int = 1, size: tuple[float, float] = (4, 3)) -> list[Figure]:
    figures = []
    for k in range(first, first + count):
        figure = Figure(figsize=size)
        figure.text(0.1, 0.5, f"page number {k}")
        figures.append(figure)
    return figures


#: PDF operators that paint: fill, stroke, both, shading, images and forms.
PAINT = (b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*", b"sh", b"Do", b"BI")


def operators(reader: PdfReader, number: int) -> list[bytes]:
    page = reader.pages[number]
    return [op for _, op in ContentStream(page.get_contents(), reader).operations]


def texts(pdf: bytes | Path) -> list[str]:
    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf
    return [page.extract_text().strip() for page in PdfReader(source).pages]


@needs_fork
def test_two_parts_drawn_beside_or_here_are_the_same_bytes_in_order() -> None:
    beside = render_figures(pages(11), half=6, fork=True)
    here = render_figures(pages(11), half=6, fork=False)
    assert [r.pdf for r in beside] == [r.pdf for r in here]
    assert [t for r in beside for t in texts(r.pdf)] == [f"page number {k}" for k in range(1, 12)]
    assert [len(r.headings) for r in beside] == [6, 5]


@needs_fork
def test_background_pages_tell_their_headings_and_sizes_before_they_are_drawn() -> None:
    def build() -> list[Figure]:
        figures = pages(3, size=(5, 2))
        figures[1].suptitle("The second page")
        return figures

    group = Background(build, fork=True)
    assert group.headings() == ["", "The second page", ""]
    assert group.sizes_in() == [(5.0, 2.0)] * 3
    result = group.result()
    assert "The second page" in texts(result.pdf)[1]
    assert result.pdf == Background(build, fork=False).result().pdf  # drawn here: the same bytes


@needs_fork
def test_a_child_that_fails_leaves_the_work_to_the_parent() -> None:
    parent = os.getpid()

    def fail_in_the_child(figure: Figure) -> None:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")

    parts = render_figures(pages(9), fail_in_the_child, half=5, fork=True)
    assert [t for r in parts for t in texts(r.pdf)] == [f"page number {k}" for k in range(1, 10)]

    def build_fails_in_the_child() -> list[Figure]:
        if os.getpid() != parent:
            os._exit(3)  # as if killed: nothing sent
        return pages(2)

    group = Background(build_fails_in_the_child, fork=True)
    assert group.headings() == ["", ""]  # built here instead
    assert texts(group.result().pdf) == ["page number 1", "page number 2"]


@needs_fork
def test_an_error_in_the_parent_stops_the_child() -> None:
    parent = os.getpid()

    def fail_in_the_parent(figure: Figure) -> None:
        if os.getpid() == parent:
            raise KeyboardInterrupt
        time.sleep(60)  # a slow child, stopped by the parent's error

    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        render_figures(pages(9), fail_in_the_parent, half=5, fork=True)
    assert time.monotonic() - start < 30  # the sleeping child was stopped, not waited for


def test_embedded_fonts_leave_out_layout_tables_and_the_defaults_come_back() -> None:
    before = list(Options._drop_tables_default)
    figure = Figure(figsize=(3, 2))
    figure.text(0.1, 0.5, "Fonts: ≤ 4 Tbps", fontsize=12)
    with pytest.MonkeyPatch.context() as patch:
        import matplotlib

        patch.setitem(matplotlib.rcParams, "pdf.fonttype", 42)
        pdf = render([figure])
    assert Options._drop_tables_default == before
    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    tables = set()
    for font in fonts.values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        tables |= set(TTFont(io.BytesIO(descriptor["/FontFile2"].get_data())).keys())
    assert "glyf" in tables and "cmap" in tables
    assert not tables & set(LAYOUT_TABLES)
    with lean_font_subsets():
        assert set(LAYOUT_TABLES) <= set(Options._drop_tables_default)
    assert Options._drop_tables_default == before


@pytest.mark.parametrize("fork", [False, pytest.param(True, marks=needs_fork)])
def test_pages_drawn_elsewhere_are_numbered_in_place_and_their_footers_paint_only_text(
    tmp_path: Path, fork: bool
) -> None:
    def dark_pages() -> list[Figure]:
        figures = pages(2, first=3)
        for figure in figures:
            figure.patch.set_facecolor("black")
        return figures

    middle = Background(dark_pages, fork=fork)
    save_pdf([*pages(2), middle, *pages(1, first=5)], tmp_path / "r.pdf", "Five pages", "name")
    assert [text.splitlines() for text in texts(tmp_path / "r.pdf")] == [
        [f"page number {k}", f"name \u00b7 page {k} of 5"] for k in range(1, 6)
    ]
    reader = PdfReader(tmp_path / "r.pdf")
    alone = PdfReader(io.BytesIO(middle.result().pdf))
    for number in (2, 3):  # the background pages: as drawn, with one more text and nothing painted
        merged, own = operators(reader, number), operators(alone, number - 2)
        assert {op: merged.count(op) for op in PAINT} == {op: own.count(op) for op in PAINT}
        assert merged.count(b"TJ") + merged.count(b"Tj") == own.count(b"TJ") + own.count(b"Tj") + 1
    assert [item.title for item in reader.outline] == ["Page 1", "Page 2", "Page 3", "Page 4", "Page 5"]


def test_the_same_pages_give_the_same_bytes_whether_drawn_beside_or_here(tmp_path: Path) -> None:
    for name, fork in (("here.pdf", False), ("beside.pdf", hasattr(os, "fork"))):
        group = Background(lambda: pages(3, first=13), fork=fork)
        save_pdf([*pages(12), group], tmp_path / name, "Fifteen pages", "name")
    assert (tmp_path / "here.pdf").read_bytes() == (tmp_path / "beside.pdf").read_bytes()
    assert len(texts(tmp_path / "here.pdf")) == 15


def test_progress_counts_every_page_once_and_ends_at_the_total(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    group = Background(lambda: pages(4, first=11), fork=hasattr(os, "fork"))
    save_pdf([*pages(10), group], tmp_path / "r.pdf", "t", "name", progress=lambda d, t: seen.append((d, t)))
    assert [d for d, _ in seen] == sorted(set(d for d, _ in seen))  # never backwards, never twice
    assert {t for _, t in seen} == {14} and seen[-1] == (14, 14)
    assert [d for d, _ in seen][:5] == [1, 2, 3, 4, 5]  # page by page while drawn here


def _reachable(reader: PdfReader) -> set[int]:
    """Object numbers reachable from the trailer (the document's pages, outline, metadata)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[int] = set()
    stack: list[object] = [reader.trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            stack.append(item.get_object())
        elif isinstance(item, DictionaryObject):
            stack += list(item.values())
        elif isinstance(item, ArrayObject):
            stack += list(item)
    return seen


def test_the_assembled_pdf_holds_no_object_its_pages_do_not_use(tmp_path: Path) -> None:
    """pypdf before 4.3 kept the content streams a footer merge replaced: 3.5 times the size."""
    save_pdf([*pages(3), Background(lambda: pages(4, first=4), fork=False)], tmp_path / "r.pdf", "t", "n")
    reader = PdfReader(tmp_path / "r.pdf")
    written = {number for generation in reader.xref.values() for number in generation}
    written |= {number for number in reader.xref_objStm}
    assert written - {0} <= _reachable(reader)  # 0: the head of the free list, no object


def test_a_group_without_pages_is_left_out(tmp_path: Path) -> None:
    save_pdf(
        [*pages(2), Background(lambda: [], fork=False), *pages(1, first=3)], tmp_path / "r.pdf", "t", "n"
    )
    assert [text.splitlines()[0] for text in texts(tmp_path / "r.pdf")] == [
        f"page number {k}" for k in (1, 2, 3)
    ]


def test_progress_without_groups_reports_each_page_once(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    save_pdf(pages(3), tmp_path / "r.pdf", "t", "name", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_pages_are_drawn_here_when_no_child_can_be_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    save_pdf([*pages(12), Background(lambda: pages(3, first=13))], tmp_path / "one.pdf", "t", "n")
    monkeypatch.setattr(os, "fork", no_fork)
    save_pdf([*pages(12), Background(lambda: pages(3, first=13), fork=True)], tmp_path / "two.pdf", "t", "n")
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()
