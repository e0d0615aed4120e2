"""Sensitivity pages read back: inputs named in words, no empty panel, few readable lines."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from capacity_model.engine.sensitivity import sobol
from capacity_model.report.style import report_style
from capacity_model.report.uncertainty_figures import (
    MOST_LINES,
    sobol_figures,
    sobol_over_time_figure,
    tornado_figures,
)
from capacity_model.schema import Scenario
from tests.scenario_data import build, one_link


def scenario_with_seven_inputs(capacity: str = "1 Gbps") -> Scenario:
    """With 1 Gbps, demand is above it from the first month in every sample: the first shortfall
    and the months short do not vary; the gap at the end and the unserved traffic do. With
    100 Tbps, nothing runs short and no outcome varies."""
    data = one_link(capacity=capacity, end="2030-12")
    uniform = {"dist": "uniform", "low": "100 Gbps", "high": "300 Gbps"}
    data["demand"] = [
        {
            "id": f"s{k}",
            "base": {"value": "200 Gbps", "at": "2026-01"},
            "growth": {"model": "cagr", "rate": "20%"},
        }
        for k in range(7)
    ]
    data["uncertainty"] = {
        "sobol_samples": 64,
        "parameters": {f"demand.s{k}.base.value": uniform for k in range(7)},
    }
    return build(data)


def test_outcomes_no_input_moves_get_no_panel_and_are_named_in_the_caption() -> None:
    scenario = scenario_with_seven_inputs()
    sensitivity = sobol(scenario)
    with report_style():
        for pages in (tornado_figures(sensitivity, scenario), sobol_figures(sensitivity, scenario)):
            panels = [a for page in pages for a in page.axes if a.get_visible()]
            assert len(panels) == 2  # the gap at the end and the unserved traffic
            ticks = [t.get_text() for t in panels[0].get_yticklabels()]
            assert sorted(ticks) == sorted(f"The base value of s{k}" for k in range(7))
            caption = " ".join(t.get_text().replace("\n", " ") for t in pages[0].texts)
            assert "Not shown, as" in caption
            assert "months short" in caption.lower() and "first shortfall" in caption.lower()


def test_when_nothing_varies_a_page_says_so_instead_of_empty_charts() -> None:
    scenario = scenario_with_seven_inputs("100 Tbps")
    sensitivity = sobol(scenario)
    with report_style():
        for pages in (tornado_figures(sensitivity, scenario), sobol_figures(sensitivity, scenario)):
            (page,) = pages
            assert page.axes == []
            text = " ".join(t.get_text().replace("\n", " ") for t in page.texts)
            assert "months short" in text.lower()


def test_sobol_by_year_draws_the_inputs_that_matter_most_in_readable_colours() -> None:
    scenario = scenario_with_seven_inputs()
    sensitivity = sobol(scenario)
    with report_style():
        figure = sobol_over_time_figure(sensitivity, scenario)
        FigureCanvasAgg(figure).draw()
    (axes,) = figure.axes
    assert len(axes.lines) == MOST_LINES
    assert "#f0e442" not in {to_hex(line.get_color()) for line in axes.lines}  # no yellow on white
    caption = " ".join(t.get_text().replace("\n", " ") for t in figure.texts)
    assert f"the other {7 - MOST_LINES} stay at or below" in caption


def test_the_last_of_an_odd_number_of_outcomes_takes_the_page_width() -> None:
    scenario = scenario_with_seven_inputs("1 Gbps")
    sensitivity = sobol(scenario)
    # Two outcomes vary here (see above): the gap at the end and the unserved traffic; keep one.
    kept = tuple(n for n in sensitivity.outcomes if n != "unserved_tbps_months")
    with report_style():
        pages = sobol_figures(replace(sensitivity, outcomes=kept), scenario)
        (page,) = pages
        FigureCanvasAgg(page).draw()
    (panel,) = page.axes  # no hidden second panel left on the page
    assert panel.get_position().width > 0.6  # across the page, not its left half


def test_long_input_names_are_written_whole_on_three_lines_that_do_not_touch() -> None:
    # Seven inputs named by streams with names of about 80 characters: more than two lines of
    # 2.1 inches at 8 pt, which were cut with "…"; three lines fit in each bar's slot.
    data = scenario_with_seven_inputs().model_dump(mode="json", exclude_none=True)
    long = "Chinese operators' traffic routed via Pakistan to the landing stations, stream"
    for k, stream in enumerate(data["demand"]):
        stream["name"] = f"{long} {k}"
    scenario = build(data)
    sensitivity = sobol(scenario)
    with report_style():
        (page, *_) = tornado_figures(sensitivity, scenario)
        canvas = FigureCanvasAgg(page)
        canvas.draw()
    ticks = page.axes[0].get_yticklabels()
    texts = sorted(t.get_text() for t in ticks)
    assert all(t.count("\n") == 2 for t in texts)
    assert sorted(" ".join(t.split("\n")) for t in texts) == sorted(
        f"The base value of {long} {k}" for k in range(7)
    )
    boxes = sorted((t.get_window_extent(canvas.get_renderer()) for t in ticks), key=lambda b: b.y0)
    assert all(low.y1 < high.y0 for low, high in pairwise(boxes))
