"""Report pages read back as a reader sees them: honest scales, one colour per thing."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex

from capacity_model.engine import project
from capacity_model.engine.montecarlo import run_monte_carlo
from capacity_model.report.axes import TOP_UTILISATION_PERCENT
from capacity_model.report.figures import capacity_demand_figure, demand_streams_figure, utilisation_figure
from capacity_model.report.style import report_style
from capacity_model.report.uncertainty_figures import fan_chart_figure, targets_figure
from tests.scenario_data import CONTRACT_YAML
from tests.test_starter import load

SECTION = """\
uncertainty:
  samples: 2000
  seed: 3
  parameters:
    links.ofc.phases[2].in_service: {dist: delay, low: 0 months, mode: 12 months, high: 24 months}
"""


def test_utilisation_beyond_300_percent_is_off_the_scale_and_said() -> None:
    projection = project(load(CONTRACT_YAML))  # utilisation reaches several hundred percent
    highest = float(np.nanmax(projection.utilisation[np.isfinite(projection.utilisation)])) * 100
    assert highest > TOP_UTILISATION_PERCENT
    with report_style():
        figure = utilisation_figure(projection)
    (axes,) = figure.axes
    assert axes.get_ylim()[1] == TOP_UTILISATION_PERCENT
    notes = [t.get_text() for t in axes.texts]
    assert notes == [f"Off the scale above 300%: utilisation reaches {highest:,.0f}%"]


def test_capacity_on_a_log_scale_is_not_stacked() -> None:
    """Stacked bands misstate sizes on a log axis: the total is one grey area, each link a line."""
    projection = project(load(CONTRACT_YAML))
    with report_style():
        figure = capacity_demand_figure(projection)
    (axes,) = figure.axes
    assert axes.get_yscale() == "log"
    areas = [c for c in axes.collections if isinstance(c, PolyCollection)]
    assert [a.get_label() for a in areas] == ["Capacity: all links"]
    labels = [line.get_label() for line in axes.get_lines()] + [p.get_label() for p in axes.patches]
    assert "Capacity: Pak-China OFC (Rawalpindi-Khunjerab)" in labels
    assert "Capacity: New China-Pakistan cable system" in labels


def test_a_target_unlikely_on_time_is_hollow_on_the_fan_chart_and_one_colour_on_its_page() -> None:
    scenario = load(CONTRACT_YAML + SECTION)
    projection, mc = project(scenario), run_monte_carlo(scenario)
    with report_style():
        fan = fan_chart_figure(mc, projection)
        page = targets_figure(mc)
        FigureCanvasAgg(page).draw()
    diamonds = [line for line in fan.axes[0].get_lines() if line.get_marker() == "D"]
    for target, diamond in zip(mc.targets, diamonds, strict=True):
        filled = to_hex(diamond.get_markerfacecolor()) != "#ffffff"
        assert filled == (target.p_on_time >= 0.5), (target.name, target.p_on_time)
    assert any(not t.p_on_time >= 0.5 for t in mc.targets)  # the case the caption talks about
    left, right = page.axes
    bar_colours = [to_hex(bar.get_facecolor()) for bar in left.patches][::-1]  # bars run bottom-up
    line_colours = [to_hex(line.get_color()) for line in right.get_lines()]
    assert bar_colours == line_colours


def test_shares_get_a_panel_of_their_own_instead_of_a_second_axis() -> None:
    with report_style():
        figure = demand_streams_figure(project(load(CONTRACT_YAML)))
        FigureCanvasAgg(figure).draw()
    top, below = figure.axes
    assert below.get_shared_x_axes().joined(top, below)
    assert below.get_ylabel() == "Share [%]"
    shown = [t.get_text() for t in below.get_yticklabels() if t.get_text()]
    assert shown[:3] == ["0.0%", "5.0%", "10.0%"]  # whole steps: never 2.5% shown as 2%
