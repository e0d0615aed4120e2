"""The report's monthly charts of one run, built from a Projection.

Each function returns a figure and never shows, saves or keeps global state.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from ..engine import Projection
from ..units import format_bit_rate, format_month, format_percent
from .axes import (
    chart_page,
    extend_last,
    legend_below,
    mark_target,
    month_edges,
    point_marker,
    rate_axis,
    shade_months,
    threshold_axis,
)
from .outage_figures import outage_figures
from .plan_figures import carried_figure, plan_figure
from .resilience_figures import n_minus_1_figure
from .style import (
    DEMAND_COLOUR,
    OKABE_ITO,
    REQUIRED_COLOUR,
    SHORTFALL_COLOUR,
    month_middles,
    spans_decades,
)

__all__ = [
    "capacity_demand_figure",
    "chart_figures",
    "demand_streams_figure",
    "gap_figure",
    "utilisation_figure",
]


def chart_figures(projection: Projection) -> list[Figure]:
    """The monthly chart pages of a run, in report order (they need no Monte Carlo result)."""
    return [
        capacity_demand_figure(projection),
        utilisation_figure(projection),
        gap_figure(projection),
        demand_streams_figure(projection),
        carried_figure(projection),
        plan_figure(projection),
        *([n_minus_1_figure(projection)] if projection.resilience_applies else []),
        *outage_figures(projection),
    ]


def capacity_demand_figure(projection: Projection) -> Figure:
    """Page: capacity as stacked steps per link, demand, required capacity, targets."""
    scenario = projection.scenario
    months = projection.months
    every = [projection.capacity_gbps, projection.demand_gbps, projection.required_capacity_gbps]
    every.append(np.array([t.capacity_gbps for t in projection.targets]))
    installed = projection.installed_gbps if projection.installed_given else None
    if installed is not None:
        every.append(installed)
    logarithmic = spans_decades(np.concatenate(every))
    # Stacked bands on a log axis would draw each link's share by the log of a sum: a 12 Tbps
    # band on top of 4 Tbps looks thinner than the 4 Tbps one. There, each link is a line.
    links = (
        "Grey steps: capacity in service, all links; coloured steps: each link's own capacity (on a "
        "log scale, bands stacked on each other would misstate their sizes)."
        if logarithmic
        else "Filled steps: capacity in service on each link, stacked."
    )
    figure, axes = chart_page(
        "Capacity against demand",
        f"{links} "
        + (
            "Dotted grey steps: capacity installed, lit and dark (the dark part can be switched on in days). "
            if installed is not None
            else ""
        )
        + "Solid line: total peak demand. "
        f"Dashed: capacity required to keep utilisation at {format_percent(projection.max_utilisation)} "
        "(demand / threshold). Diamonds: targets at their deadlines; filled if reached on time, "
        "hollow if late or not reached.",
        projection.months,
    )
    divisor = rate_axis(axes, np.concatenate(every), "Peak rate")
    edges = month_edges(months)
    if logarithmic:
        axes.fill_between(
            edges,
            0,
            extend_last(projection.capacity_gbps) / divisor,
            step="post",
            color="#BBBBBB",
            alpha=0.5,
            linewidth=0,
            label="Capacity: all links",
        )
        for i, link in enumerate(scenario.links):
            capacity = projection.link_capacity_gbps[link.id]
            axes.stairs(
                np.where(capacity > 0, capacity, np.nan) / divisor,
                edges,
                baseline=None,
                color=OKABE_ITO[i % 6],
                lw=2.2,
                label=f"Capacity: {link.display_name}",
            )
    lower = np.zeros_like(projection.capacity_gbps)
    for i, link in enumerate(scenario.links if not logarithmic else []):
        upper = lower + projection.link_capacity_gbps[link.id]
        axes.fill_between(
            edges,
            extend_last(lower) / divisor,
            extend_last(upper) / divisor,
            step="post",
            color=OKABE_ITO[i % 6],
            alpha=0.55,
            linewidth=0,
            label=f"Capacity: {link.display_name}",
        )
        lower = upper
    if installed is not None:
        axes.stairs(
            np.where(installed > 0, installed, np.nan) / divisor,
            edges,
            baseline=None,
            color="#555555",
            lw=1.4,
            ls=":",
            label="Capacity installed (lit and dark)",
        )
    dates = month_middles(months)
    marker = point_marker(months)
    axes.plot(
        dates,
        projection.demand_gbps / divisor,
        color=DEMAND_COLOUR,
        lw=2,
        marker=marker,
        label="Total demand (peak)",
    )
    axes.plot(
        dates,
        projection.required_capacity_gbps / divisor,
        color=REQUIRED_COLOUR,
        lw=1.6,
        ls="--",
        marker=marker,
        label=f"Required capacity (demand / {format_percent(projection.max_utilisation)})",
    )
    for k, target in enumerate(projection.targets):
        if scenario.period.start <= target.by <= scenario.period.end:
            mark_target(
                axes, target.by, target.capacity_gbps / divisor, target.name, target.on_time, first=k == 0
            )
    legend_below(figure, axes)
    return figure


def utilisation_figure(projection: Projection) -> Figure:
    """Page: corridor utilisation against the threshold."""
    threshold = projection.max_utilisation
    figure, axes = chart_page(
        "Utilisation of corridor capacity",
        f"Peak demand divided by capacity in service. Above the {format_percent(threshold)} threshold "
        "(dashed) capacity counts as exhausted; shaded months are shortfalls. Months with no capacity "
        "in service are left blank.",
        projection.months,
    )
    utilisation = np.where(np.isfinite(projection.utilisation), projection.utilisation, np.nan)
    dates = month_middles(projection.months)
    shade_months(axes, projection.months, projection.headroom_gbps < 0, "Months of shortfall")
    axes.plot(
        dates,
        utilisation * 100,
        color=OKABE_ITO[0],
        lw=2,
        marker=point_marker(projection.months),
        label="Utilisation (demand / capacity)",
    )
    threshold_axis(axes, threshold, float(np.nanmax(np.append(utilisation, 0.0))) * 100)
    legend_below(figure, axes)
    return figure


def gap_figure(projection: Projection) -> Figure:
    """Page: capacity missing to stay at the threshold, over time."""
    threshold = format_percent(projection.max_utilisation)
    figure, axes = chart_page(
        "Gap: capacity missing to stay at the threshold",
        f"Gap = max(0, demand / {threshold} - capacity in service): what would have to be added in "
        "each month to bring utilisation back to the threshold.",
        projection.months,
    )
    gap = projection.gap_gbps
    if not np.any(gap > 0):
        axes.set_ylim(0, 1)
        axes.set_ylabel("Gap [Gbps]")
        axes.text(
            0.5,
            0.5,
            f"No gap: capacity stays above demand / {threshold} in every month of the period.",
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=12,
        )
        return figure
    divisor = rate_axis(axes, gap, "Gap")
    if axes.get_yscale() == "linear":
        axes.set_ylim(0, float(gap.max()) / divisor * 1.25)  # room for the label above the curve
    edges = month_edges(projection.months)
    axes.fill_between(
        edges, extend_last(gap) / divisor, step="post", color=SHORTFALL_COLOUR, alpha=0.35, lw=0, label="Gap"
    )
    axes.step(edges, extend_last(gap) / divisor, where="post", color=SHORTFALL_COLOUR, lw=1.2)
    largest, month = projection.largest_gap
    if month is not None:
        axes.plot(
            month_middles([month]),
            [largest / divisor],
            marker="o",
            color=SHORTFALL_COLOUR,
            ls="none",
            label="Largest gap",
        )
        axes.text(
            0.02,
            0.95,
            f"Largest gap: {format_bit_rate(largest, 3)} in {format_month(month)}",
            transform=axes.transAxes,
            ha="left",
            va="top",
            fontsize=10,
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "#999999"},
        )
    legend_below(figure, axes)
    return figure


def demand_streams_figure(projection: Projection) -> Figure:
    """Page: demand of each stream and, in a panel below, each share's ramp."""
    scenario = projection.scenario
    shares = [(i, s) for i, s in enumerate(scenario.demand) if projection.stream_share[s.id] is not None]
    figure, axes = chart_page(
        "Demand by stream",
        "Solid lines: peak demand of each stream after its share; black: their sum."
        + (" Lower panel, dotted: the share applied to a stream." if shares else ""),
        projection.months,
    )
    dates = month_middles(projection.months)
    streams = [projection.stream_demand_gbps[s.id] for s in scenario.demand]
    divisor = rate_axis(axes, np.concatenate([*streams, projection.demand_gbps]), "Peak demand")
    for i, stream in enumerate(scenario.demand):
        axes.plot(
            dates,
            projection.stream_demand_gbps[stream.id] / divisor,
            color=OKABE_ITO[(i + 1) % 6],
            lw=2,
            marker=point_marker(projection.months),
            label=stream.display_name,
        )
    if len(scenario.demand) > 1:
        axes.plot(dates, projection.demand_gbps / divisor, color=DEMAND_COLOUR, lw=1.2, label="Total demand")
    extra = []
    if shares:
        # A panel of its own rather than a second y axis, whose ticks could not meet the grid.
        axes.set_position((0.08, 0.5, 0.86, 0.4))
        below = figure.add_axes((0.08, 0.27, 0.86, 0.17), sharex=axes)
        axes.tick_params(labelbottom=False)
        axes.set_xlabel("")
        below.set_xlabel("Month")
        top = 0.0
        for i, stream in shares:
            share = projection.stream_share[stream.id]
            assert share is not None
            top = max(top, float(share.max()))
            below.plot(
                dates,
                share * 100,
                color=OKABE_ITO[(i + 1) % 6],
                lw=1.8,
                ls=":",
                label=f"Share: {stream.display_name}",
            )
        below.set_ylim(0, max(top * 100 * 1.15, 1.0))
        below.yaxis.set_major_locator(
            MaxNLocator(4, steps=[1, 2, 5, 10])
        )  # 0%, 5%, 10%: never 2.5% shown as 2%
        below.yaxis.set_major_formatter(PercentFormatter(decimals=None))
        below.set_ylabel("Share [%]")
        extra.append(below)
    legend_below(figure, axes, extra)
    return figure
