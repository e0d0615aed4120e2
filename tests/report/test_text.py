"""Text from scenario files on report pages: literal, readable, wrapped within the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from capacity_model.engine import project
from capacity_model.report import files
from capacity_model.report.text import REPLACEMENT, fonts, readable, shorten, text_width_in, wrap
from capacity_model.scenario_files import dump_scenario_yaml, read_yaml, scenario_from_data

NAME = "$\\frac{a}{b}$ ^_^ \\alpha 中巴光缆 Ünïcødé"
DESCRIPTION = ("A long description with a $math$ fragment and carets ^ and backslashes \\ " * 25)[:1950]
HOSTILE = f"""\
name: '{NAME}'
description: '{DESCRIPTION}'
period: {{start: 2026-01, end: 2040-12}}
links:
  - id: ofc
    name: '{"W" * 180}'
    phases:
      - {{capacity: 450 Gbps, in_service: 2025-01, source: ref}}
      - {{capacity: 4 Tbps, in_service: 2029-01}}
targets:
  - {{name: '{"T" * 150}', capacity: 4 Tbps, by: 2029-01}}
  - {{name: '{"T" * 149} 2', capacity: 8 Tbps, by: 2035-01}}
demand:
  - id: domestic
    name: '{"中" * 50 + " $x^2$ " + "M" * 120}'
    base: {{value: 200 Gbps, at: 2026-01}}
    growth: {{model: cagr, rate: 25%}}
  - id: transit
    name: '{"W" * 200}'
    base: {{value: 3 Tbps, at: 2026-01}}
    growth: {{model: cagr, rate: 20%}}
    share: {{model: constant, value: 10%}}
sources:
  ref: '{"https://example.org/" + "a" * 1950}'
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data, lines = read_yaml(HOSTILE, "hostile.yaml")
    scenario = scenario_from_data(data, lines, "hostile.yaml")
    folder = tmp_path_factory.mktemp("hostile") / "hostile"
    # Warnings are errors in this test suite: a glyph the font lacks, or mathtext, would fail here.
    files.write_outputs(
        project(scenario),
        folder,
        scenario_file="hostile.yaml",
        scenario_sha256="0" * 64,
        resolved_yaml=dump_scenario_yaml(scenario),
    )
    return folder / "report.pdf"


def test_names_are_shown_literally(report: Path) -> None:
    first = PdfReader(report).pages[0].extract_text()
    shown = readable(NAME)
    assert shown.startswith("$\\frac{a}{b}$ ^_^ \\alpha ")  # no mathtext
    assert first.splitlines()[0].startswith(shown)


def _overflow_finder(number: int, width: float, found: list[tuple[int, str, int, int]]) -> Any:
    """A pypdf text visitor noting ``(page, text, start, end)`` of each line that leaves the page [pt]."""

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if (
            not text.strip() or cm[1] or cm[2] or tm[1] or tm[2]
        ):  # rotated text (y labels) is checked by its height
            return
        bold = "Bold" in str((font or {}).get("/BaseFont", ""))
        x = cm[4] + tm[4] * cm[0]
        end = x + text_width_in(text, size, bold) * 72
        if x < -1 or end > width + 1:
            found.append((number, text[:40], round(x), round(end)))

    return visit


def test_text_stays_within_the_page(report: Path) -> None:
    """Every line of text drawn, measured with the report's font, ends inside the page."""
    reader = PdfReader(report)
    overflowing: list[tuple[int, str, int, int]] = []
    for number, page in enumerate(reader.pages, start=1):
        page.extract_text(visitor_text=_overflow_finder(number, float(page.mediabox.width), overflowing))
    assert overflowing == []


def test_characters_no_font_has_are_replaced() -> None:
    if len(fonts()) > 1:
        pytest.skip("a fallback font is installed: Chinese is drawn, not replaced")
    assert readable("中巴 OFC") == f"{REPLACEMENT * 2} OFC"
    assert readable("Ünïcødé – 😀"[:-1]) == "Ünïcødé – "  # what DejaVu Sans has stays


@given(
    st.text(alphabet=st.characters(codec="latin-1", exclude_categories=("Cc",)), max_size=300),
    st.floats(min_value=0.5, max_value=10),
    st.sampled_from([8.0, 9.0, 10.5, 16.0]),
)
def test_wrapped_lines_fit_and_keep_every_character(text: str, width_in: float, size: float) -> None:
    lines = wrap(text, width_in, size)
    for line in lines:
        assert text_width_in(line, size) <= width_in or len(line) == 1
    assert "".join("".join(lines).split()) == "".join(readable(text).split())


def test_shorten_cuts_with_an_ellipsis() -> None:
    assert shorten("Phase 2", 3.0, 9) == "Phase 2"
    cut = shorten("T" * 300, 2.0, 9)
    assert cut.endswith("…") and text_width_in(cut, 9) <= 2.0
