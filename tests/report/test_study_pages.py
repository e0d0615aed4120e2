"""Study pages read back as a reader sees them: tick labels in the axis's unit, no axis that
counts thousands of ticks, no scale below zero for quantities that never are, no colour scale
for one value. Figures are drawn (Agg) with warnings as errors, so a matplotlib warning such
as "Locator attempting to generate 2677 ticks" fails the test."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from capacity_model.report.comparison import comparison_figures
from capacity_model.report.studies import solution_figure, sweep_figures
from capacity_model.report.style import report_style
from capacity_model.studies.outcomes import run
from capacity_model.studies.solve import solve
from capacity_model.studies.sweep import axis, sweep
from tests.scenario_data import build, one_link

#: Capacity far above demand: no shortfall at any value, every outcome 0 or "never".
NEVER_SHORT = one_link(
    capacity="100 Tbps", end="2030-12", targets=[{"name": "T", "capacity": "1 Tbps", "by": "2027-01"}]
)


def drawn(figures: list[Figure]) -> list[Figure]:
    for figure in figures:
        FigureCanvasAgg(figure).draw()
    return figures


def panels(figure: Figure) -> list[Axes]:
    """The figure's panels, colour bars left out."""
    return [a for a in figure.axes if a.get_label() != "<colorbar>"]


def labels(axes: Axes, which: str) -> list[str]:
    """The tick labels a reader sees: those within the axis's limits."""
    axis = axes.xaxis if which == "x" else axes.yaxis
    low, high = sorted(axis.get_view_interval())
    return [
        t.get_text()
        for t in axis.get_ticklabels()
        if t.get_text() and low <= axis.convert_units(t.get_position()[0 if which == "x" else 1]) <= high
    ]


def test_a_sweep_where_nothing_runs_short_has_readable_axes() -> None:
    scenario = build(NEVER_SHORT)
    result = sweep(scenario, [axis(scenario, "demand.domestic.growth.rate", "10%,20%,30%")], jobs=1)
    with report_style():
        figures = drawn(sweep_figures(result))
    for figure in figures:
        for panel in panels(figure):
            assert len(panel.get_yticks()) < 30 and len(panel.get_xticks()) < 30
            # the swept values span the x axis, with or without data
            assert labels(panel, "x")[0] == "10.0%" and labels(panel, "x")[-1] == "30.0%"
            title = panel.get_title(loc="left")
            if title.startswith("First shortfall"):  # never: no y scale at all
                assert labels(panel, "y") == []
                assert any(t.get_text() == "none at any value" for t in panel.texts)
            elif title.startswith(("Months short", "Unserved", "Gap", "Upgrades", "Months late")):
                assert panel.get_ylim()[0] == 0  # never negative: the scale starts at 0
                assert not any(label.startswith(("-", "\u2212")) for label in labels(panel, "y"))
            if title.startswith(("Months short", "Unserved", "Gap")):  # 0 everywhere: a flat line, said so
                assert [t.get_text() for t in panel.texts] == ["the same at every point swept"]
            if title.startswith("Carried share"):  # changes with the growth rate: no such note
                assert panel.texts == []


def test_a_two_field_sweep_gives_one_value_one_tick_and_nothing_no_colour_bar() -> None:
    scenario = build(NEVER_SHORT)
    axes = [
        axis(scenario, "demand.domestic.growth.rate", "10%,20%,30%"),
        axis(scenario, "demand.domestic.base.value", "100 Gbps,200 Gbps"),
    ]
    with report_style():
        (first, *_) = drawn(sweep_figures(sweep(scenario, axes, jobs=1)))
    bars = [a for a in first.axes if a.get_label() == "<colorbar>"]
    shortfall, *others = panels(first)
    assert shortfall.get_title(loc="left").startswith("First shortfall")
    assert len(bars) == len(others) == 3  # none for the panel with no value
    for bar in bars:  # months short, unserved, gap: 0 everywhere, one tick reading 0
        assert labels(bar, "y") == ["0"]
    for panel in others:
        assert [t.get_text() for t in panel.texts] == ["the same at every point swept"]
    # two field paths in the title: on two lines, neither cut
    title = next(t.get_text() for t in first.texts if "outcomes against" in t.get_text())
    assert "demand.domestic.growth.rate" in title and title.endswith("demand.domestic.base.value")


def test_solve_over_decades_labels_ticks_in_the_axis_unit() -> None:
    """40 Gbps to 400 Tbps on a log axis labelled Tbps: each tick label is its value in Tbps."""
    data = one_link(
        capacity="1 Tbps", end="2030-12", targets=[{"name": "T", "capacity": "2 Tbps", "by": "2029-12"}]
    )
    solution = solve(build(data), "targets[T].capacity", "utilisation at 2029-12 <= 70%", grid_points=40)
    with report_style():
        (figure,) = drawn([solution_figure(solution, "Test")])
    (panel,) = panels(figure)
    assert panel.get_xscale() == "log"
    assert panel.get_xlabel().endswith("[Tbps, log scale]")
    low, high = panel.get_xlim()
    shown = [
        (v, t.get_text())
        for v, t in zip(panel.get_xticks(), panel.get_xticklabels(), strict=True)
        if low <= v <= high
    ]
    assert len(shown) >= 5
    for value_gbps, text in shown:
        assert float(text.replace(",", "")) == pytest.approx(value_gbps / 1000, rel=1e-3), (value_gbps, text)
        assert "$" not in text
    # the answer (D(2029-12) / 70%, D = 200 Gbps x 1.25^(47/12)) lies inside the axis, not at its edge
    answer = 200 * 1.25 ** (47 / 12) / 0.7
    position = (np.log10(answer) - np.log10(low)) / (np.log10(high) - np.log10(low))
    assert 0.1 < position < 0.9


def test_the_comparison_draws_each_scenario_in_its_own_panel_on_shared_axes() -> None:
    """Two scenarios of equal capacity stay visible, periods that differ and demand that is a
    median beside demand that is written are said in the caption, and the legend draws each
    line as the panels do (the required capacity dashed)."""
    short = one_link(capacity="1 Tbps", end="2030-12")
    longer = one_link(capacity="1 Tbps", end="2035-12")
    longer["uncertainty"] = {
        "samples": 500,
        "parameters": {"demand.domestic.growth.rate": {"dist": "uniform", "low": "20%", "high": "30%"}},
    }
    runs = [run(build(short)), run(build(short)), run(build(longer))]
    names = ["Short", "Same capacity", "Longer"]
    with report_style():
        (chart, *_) = drawn(comparison_figures(names, runs, "Comparison"))
    shown = panels(chart)
    assert [a.get_title(loc="left") for a in shown] == names
    assert len({a.get_ylim() for a in shown}) == 1 and len({a.get_xlim() for a in shown}) == 1
    (legend,) = chart.legends
    styles = {
        text.get_text(): line.get_linestyle()
        for text, line in zip(legend.texts, legend.get_lines(), strict=False)
    }
    assert styles["Capacity required at the utilisation threshold"] == "--"
    assert styles["Capacity in service"] == "-"
    assert "Demand, P10-P90 of the samples" in [t.get_text() for t in legend.texts]
    caption = " ".join(t.get_text().replace("\n", " ") for t in chart.texts)
    assert (
        "The periods differ (Short: 2026-01 to 2030-12; Same capacity: 2026-01 to 2030-12; Longer: 2026-01 to 2035-12)"
        in caption
    )
    assert "Demand of Longer: the median of its samples" in caption
    assert "of Short, Same capacity: the values written" in caption
