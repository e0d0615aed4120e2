"""The comparison report: each scenario's capacity against its demand, then tables of outcomes.

The chart draws one panel per scenario (small multiples) on shared axes rather than every
scenario on one plot: scenarios with the same capacity would hide each other there, and a
colour per scenario could not also tell capacity from demand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..results.narrative import percent, volume
from ..studies.outcomes import Outcome, Run, outcome
from ..studies.tables import compare_columns
from ..units import format_bit_rate, format_duration, format_month, format_percent
from .axes import month_axis, rate_axis
from .files import csv_text, save_pdf, write_atomically
from .layout import TextFlow
from .style import OKABE_ITO, PAGE_SIZE, month_dates, month_middles, report_style
from .text import fill, shorten

__all__ = ["chart_pages", "comparison_figures", "write_comparison"]

#: Panels on one page of the chart: three rows of two.
PANELS_PER_PAGE = 6
CAPACITY_COLOUR, DEMAND_COLOUR, REQUIRED_COLOUR = "#000000", OKABE_ITO[4], OKABE_ITO[5]


def chart_pages(names: Sequence[str], runs: Sequence[Run]) -> list[Figure]:
    """Each scenario's capacity in service (steps), demand (line; with uncertain inputs its
    median and P10-P90 band) and the capacity its threshold requires (dashed), one panel per
    scenario, every panel on the same month and rate axes, :data:`PANELS_PER_PAGE` per page."""
    months = np.unique(np.concatenate([r.projection.months for r in runs]))
    every = np.concatenate(
        [np.concatenate([r.projection.capacity_gbps, r.projection.required_capacity_gbps]) for r in runs]
    )
    pages = []
    for first in range(0, len(runs), PANELS_PER_PAGE):
        chunk = list(zip(names, runs, strict=True))[first : first + PANELS_PER_PAGE]
        rows = (len(chunk) + 1) // 2
        figure = Figure(figsize=PAGE_SIZE)
        figure.suptitle(
            "Capacity against demand, scenario by scenario"
            + (f" ({first // PANELS_PER_PAGE + 1})" if len(runs) > PANELS_PER_PAGE else ""),
            x=0.06,
            ha="left",
            fontweight="bold",
            fontsize=13,
        )
        grid = figure.add_gridspec(
            rows, 2, left=0.07, right=0.97, top=0.9, bottom=0.26, hspace=0.45, wspace=0.15
        )
        for k, (name, run) in enumerate(chunk):
            axes = figure.add_subplot(grid[k // 2, k % 2])
            divisor = rate_axis(axes, every, "Peak rate")
            label = axes.get_ylabel()
            axes.set_ylabel("")  # one label for every panel, beside the page
            month_axis(axes, months, most_ticks=8)
            axes.set_title(shorten(name, 5.0, 10.5), loc="left", fontsize=10.5)
            _panel(axes, run, divisor)
        figure.supylabel(label, x=0.015, fontsize=10)
        figure.legend(
            handles=_legend(runs), loc="lower left", bbox_to_anchor=(0.06, 0.13), ncol=2, fontsize=9
        )
        figure.text(
            0.06, 0.03, fill(_caption(names, runs), 0.9 * PAGE_SIZE[0], 9), fontsize=9, color="#333333"
        )
        pages.append(figure)
    return pages


def _panel(axes: Axes, run: Run, divisor: float) -> None:
    p = run.projection
    edges = month_dates(np.append(p.months, p.months[-1] + 1))
    axes.stairs(p.capacity_gbps / divisor, edges, baseline=None, color=CAPACITY_COLOUR, lw=2.0)
    dates = month_middles(p.months)
    if run.mc is not None:
        low, high = run.mc.quantile("demand_gbps", 0.1), run.mc.quantile("demand_gbps", 0.9)
        axes.fill_between(dates, low / divisor, high / divisor, color=DEMAND_COLOUR, alpha=0.25, lw=0)
    demand = p.demand_gbps if run.mc is None else run.mc.quantile("demand_gbps", 0.5)
    axes.plot(dates, demand / divisor, color=DEMAND_COLOUR, lw=1.6)
    axes.plot(dates, p.required_capacity_gbps / divisor, color=REQUIRED_COLOUR, lw=1.2, ls="--")


def _legend(runs: Sequence[Run]) -> list[Line2D | Patch]:
    """The legend, drawn as the panels draw each line."""
    uncertain = [r.mc is not None for r in runs]
    demand = (
        "Demand"
        if not any(uncertain)
        else (
            "Demand: median of the samples"
            if all(uncertain)
            else "Demand: median of the samples, or the values written"
        )
    )
    handles: list[Line2D | Patch] = [
        Line2D([], [], color=CAPACITY_COLOUR, lw=2.0, label="Capacity in service"),
        Line2D([], [], color=DEMAND_COLOUR, lw=1.6, label=demand),
        Line2D(
            [],
            [],
            color=REQUIRED_COLOUR,
            lw=1.2,
            ls="--",
            label="Capacity required at the utilisation threshold",
        ),
    ]
    if any(uncertain):
        handles.append(Patch(color=DEMAND_COLOUR, alpha=0.25, lw=0, label="Demand, P10-P90 of the samples"))
    return handles


def _caption(names: Sequence[str], runs: Sequence[Run]) -> str:
    """What the panels show, and what differs between them that a reader could miss."""
    text = "Every panel has the same axes. Demand runs short where the line rises above the steps; the dashed line is what the steps must reach to keep utilisation at the scenario's threshold."
    periods = {(r.projection.months[0], r.projection.months[-1]) for r in runs}
    if len(periods) > 1:
        spans = "; ".join(
            f"{name}: {format_month(int(r.projection.months[0]))} to {format_month(int(r.projection.months[-1]))}"
            for name, r in zip(names, runs, strict=True)
        )
        text += f" The periods differ ({spans}): each panel draws its own, and totals over the period (months short, unserved traffic) cover different spans."
    sampled = [name for name, r in zip(names, runs, strict=True) if r.mc is not None]
    if sampled and len(sampled) < len(runs):
        written = [name for name, r in zip(names, runs, strict=True) if r.mc is None]
        text += f" Demand of {', '.join(sampled)}: the median of its samples, with the P10-P90 band; of {', '.join(written)}: the values written (no uncertain inputs), which are not comparable medians."
    return text


def _status(late: int | None, p: float | None, too_small: bool = False) -> str:
    text = "not reached" if late is None else ("on time" if late == 0 else f"{format_duration(late)} late")
    if too_small:
        text += ", too small"
    return text if p is None else f"{text} (P on time {format_percent(round(p, 3))})"


def comparison_figures(
    names: Sequence[str], runs: Sequence[Run], title: str, carried_at: int | None = None
) -> list[Figure]:
    """Capacity and demand, one panel per scenario on shared axes, then tables of outcomes."""
    charts = chart_pages(names, runs)
    outcomes = [outcome(r, carried_at) for r in runs]
    flow = TextFlow(title)
    flow.paragraph(
        "Targets, first shortfall and what to order, scenario by scenario; the last columns give the "
        f"difference against the first scenario, {names[0]!r}.",
        size=9.5,
    )
    target_names = list(dict.fromkeys(n for o in outcomes for n in o.months_late))
    rows = []
    for name, o in zip(names, outcomes, strict=True):
        rows.append([name, *_outcome_cells(o, target_names), *_difference_cells(o, outcomes[0])])
    header = [
        "Scenario",
        *target_names,
        "First shortfall",
        "Order by",
        "Gap at end",
        "Shortfall vs first",
        "Gap vs first",
    ]
    flow.table(header, rows, [1.6] + [1.3] * len(target_names) + [1.2, 1.0, 1.0, 1.1, 1.0])
    _cost_table(flow, names, outcomes)
    return [*charts, *flow.pages]


def _spread(o: Outcome, key: str, show: Callable[[float], str]) -> str:
    """`` (P10-P90)`` of an outcome over the uncertain inputs, or ``''`` without them."""
    q = o.quantiles or {}
    return f" ({show(q[key][0])}-{show(q[key][2])})" if key in q else ""


def _cost_table(flow: TextFlow, names: Sequence[str], outcomes: Sequence[Outcome]) -> None:
    """How long and how badly each scenario runs short, what it carries, and what it takes to fix."""
    flow.heading("How long, how much, and what fixes it")
    streams = list(dict.fromkeys(k for o in outcomes for k in o.carried_share))
    uncertain = any(o.quantiles is not None for o in outcomes)
    flow.paragraph(
        "Months short: months with demand above the utilisation threshold. Unserved: traffic above the usable "
        "capacity, summed over the period's months. Carried share: the part of the stream's base traffic the "
        "corridor carries"
        + (
            f" in {format_month(outcomes[0].carried_at)}"
            if len({o.carried_at for o in outcomes}) == 1
            else ""
        )
        + ". Upgrades: the capacity plan's upgrades that keep utilisation at or below the threshold"
        + (
            "; in brackets, the P10-P90 range over the uncertain inputs (the figure before it is the run "
            "with the values written, which may lie outside that range)."
            if uncertain
            else "."
        ),
        size=9,
    )
    first = outcomes[0]
    rows = []
    for name, o in zip(names, outcomes, strict=True):
        months = f"{o.months_short:,}" + _spread(o, "months_short", lambda v: f"{v:,.0f}")
        lost = volume(o.unserved_tbps_months) + _spread(
            o, "unserved_tbps_months", lambda v: volume(v).removesuffix(" Tbps·months")
        )
        shares = [
            (percent(o.carried_share[k]) + _spread(o, f"carried_share:{k}", percent))
            if k in o.carried_share
            else "-"
            for k in streams
        ]
        if o is first:
            diff = ["-", "-"]
        else:
            extra = o.months_short - first.months_short
            more = o.unserved_tbps_months - first.unserved_tbps_months
            diff = [
                f"{extra:+,} months" if extra else "same",
                ("+" if more > 0 else "-") + volume(abs(more)) if more else "same",
            ]
        rows.append(
            [
                name,
                months,
                lost,
                percent(o.unserved_share),
                *shares,
                "no plan"
                if o.upgrades_needed is None or o.plan_added_gbps is None
                else f"{o.upgrades_needed} ({format_bit_rate(o.plan_added_gbps, 3)})",
                *diff,
            ]
        )
    header = [
        "Scenario",
        "Months short",
        "Unserved",
        "Share unserved",
        *[f"Carried share: {k}" for k in streams],
        "Upgrades (capacity added)",
        "Months short vs first",
        "Unserved vs first",
    ]
    flow.table(header, rows, [1.6, 1.0, 1.5, 0.9] + [1.2] * len(streams) + [1.4, 1.3, 1.5])


def _outcome_cells(o: Outcome, target_names: Sequence[str]) -> list[str]:
    cells = [
        _status(o.months_late.get(t), None if o.p_on_time is None else o.p_on_time.get(t), t in o.too_small)
        if t in o.months_late
        else "-"
        for t in target_names
    ]
    first = format_month(o.first_shortfall) if o.first_shortfall is not None else "none"
    if o.p_no_shortfall is not None and o.first_shortfall_p50 is not None:
        first += f" (median {format_month(o.first_shortfall_p50)})"
    order = format_month(o.order_by) if o.order_by is not None else "-"
    return [*cells, first, order, format_bit_rate(o.gap_at_horizon_gbps, 3)]


def _difference_cells(o: Outcome, first: Outcome) -> list[str]:
    if o is first:
        return ["-", "-"]
    if o.first_shortfall is None or first.first_shortfall is None:
        shift = (
            "-"
            if o.first_shortfall == first.first_shortfall
            else ("none now" if o.first_shortfall is None else "new")
        )
    else:
        months = o.first_shortfall - first.first_shortfall
        shift = (
            "same month"
            if months == 0
            else f"{format_duration(abs(months))} {'later' if months > 0 else 'earlier'}"
        )
    gap = o.gap_at_horizon_gbps - first.gap_at_horizon_gbps
    return [shift, ("+" if gap > 0 else "-" if gap < 0 else "") + format_bit_rate(abs(gap), 3)]


def write_comparison(
    folder: Path,
    names: Sequence[str],
    files: Sequence[str],
    runs: Sequence[Run],
    carried_at: int | None = None,
) -> list[Path]:
    """Write ``comparison.pdf`` and ``comparison.csv`` into ``folder``: both, or neither.

    Carried shares are taken at ``carried_at`` (default: the end of each scenario's period)."""
    title = "Comparison: " + ", ".join(names)
    columns = compare_columns(names, files, [outcome(r, carried_at) for r in runs])

    def pdf(path: Path) -> None:
        with report_style():
            save_pdf(comparison_figures(names, runs, title, carried_at), path, title, "comparison")

    return write_atomically(folder, {"comparison.csv": csv_text(columns), "comparison.pdf": pdf})
