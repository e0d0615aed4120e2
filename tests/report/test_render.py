"""Pages rendered on two cores are the pages rendered on one, in order; a failing child
falls back to rendering here; nothing of the child is left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader

from capacity_model.report.render import render_pages


def pages(count: int) -> list[Figure]:
    figures = []
    for k in range(count):
        figure = Figure(figsize=(4, 3))
        figure.text(0.1, 0.5, f"page number {k + 1}")
        figures.append(figure)
    return figures


def texts(path: Path) -> list[str]:
    return [page.extract_text().strip() for page in PdfReader(path).pages]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="rendering on two cores forks")
def test_two_halves_give_the_pages_of_one_process_in_order(tmp_path: Path) -> None:
    render_pages(pages(11), tmp_path / "one.pdf", {"Title": "t"}, parallel=False)
    render_pages(pages(11), tmp_path / "two.pdf", {"Title": "t"}, parallel=True)
    assert (
        texts(tmp_path / "two.pdf")
        == texts(tmp_path / "one.pdf")
        == [f"page number {k}" for k in range(1, 12)]
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.pdf", "two.pdf"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="rendering on two cores forks")
def test_a_child_that_fails_leaves_the_work_to_the_parent(tmp_path: Path) -> None:
    parent = os.getpid()

    def fail_in_the_child(figure: Figure) -> None:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")

    render_pages(pages(9), tmp_path / "r.pdf", {}, prepare=fail_in_the_child, parallel=True)
    assert texts(tmp_path / "r.pdf") == [f"page number {k}" for k in range(1, 10)]
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_an_error_in_the_parent_stops_the_child_and_leaves_nothing_of_it(tmp_path: Path) -> None:
    parent = os.getpid()

    def fail_in_the_parent(figure: Figure) -> None:
        if os.getpid() == parent:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        render_pages(
            pages(9), tmp_path / "r.pdf", {}, prepare=fail_in_the_parent, parallel=hasattr(os, "fork")
        )
    assert not (tmp_path / "r.pdf.second-half").exists()
