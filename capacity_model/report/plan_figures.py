"""Report pages on what the corridor carries and on the capacity plan.

Each function returns figures and never shows, saves or keeps global state.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ..engine import Projection
from ..results.narrative import carried_lines, percent, plan_rule_text
from ..units import format_bit_rate, format_month
from .axes import CAPTION_WIDTH_IN, extend_last, mark_target, month_axis, month_edges, rate_axis
from .style import DEMAND_COLOUR, OKABE_ITO, PAGE_SIZE, REQUIRED_COLOUR, month_middles
from .text import fill, wrap

__all__ = ["carried_figure", "plan_figure"]

#: Colour of the capacity plan's added capacity.
PLAN_COLOUR = "#009E73"


def _page(title: str, caption: str) -> Figure:
    figure = Figure(figsize=PAGE_SIZE)
    figure.suptitle(title, x=0.08, y=0.96, ha="left", fontweight="bold", fontsize=13)
    figure.text(
        0.08, 0.03, fill(caption, CAPTION_WIDTH_IN, 9), ha="left", va="bottom", fontsize=9, color="#333333"
    )
    return figure


def _legend_right(figure: Figure, axes: Axes, top: float) -> None:
    """The legend of ``axes`` right of the plots, its top at figure height ``top``."""
    handles, labels = axes.get_legend_handles_labels()
    wrapped = ["\n".join(wrap(label, 2.3, 8.5)[:3]) for label in labels]  # three lines at most
    figure.legend(handles, wrapped, loc="upper left", bbox_to_anchor=(0.74, top), fontsize=8.5)


def carried_figure(projection: Projection) -> Figure:
    """Page: traffic carried and unserved by stream; carried share against the share invited.

    Top: each stream's demand (dashed) and carried traffic (solid), with the usable capacity.
    Bottom: for streams with a share, the carried share against the share invited (of the
    stream's traffic before the share); for the others, the part of their demand carried.
    """
    scenario = projection.scenario
    months = projection.months
    threshold = percent(projection.max_utilisation)
    lines = carried_lines(projection)
    figure = _page(
        "Traffic carried, by stream",
        "Usable capacity is capacity x "
        f"{threshold}; when demand exceeds it, streams are served in order of priority (lower first), pro "
        "rata within a priority, and what is left over is unserved. "
        + " ".join(lines)
        + (
            " Priorities: "
            + ", ".join(f"{s.display_name} {s.priority}" for s in scenario.demand if s.priority is not None)
            + "; streams without one come last."
            if any(s.priority is not None for s in scenario.demand)
            else " No stream has a priority: all share the usable capacity pro rata to their demand."
        ),
    )
    top = figure.add_axes((0.08, 0.56, 0.62, 0.34))
    bottom = figure.add_axes((0.08, 0.2, 0.62, 0.27), sharex=top)
    dates = month_middles(months)
    usable = projection.capacity_gbps * projection.max_utilisation
    every = [usable, *projection.stream_demand_gbps.values(), *projection.stream_carried_gbps.values()]
    divisor = rate_axis(top, np.concatenate(every), "Peak traffic")
    edges = month_edges(months)
    top.stairs(
        usable / divisor,
        edges,
        baseline=None,
        color="#777777",
        lw=1.4,
        ls=":",
        label=f"Usable capacity ({threshold})",
    )
    for i, stream in enumerate(scenario.demand):
        colour = OKABE_ITO[(i + 1) % 6]
        top.plot(
            dates,
            projection.stream_demand_gbps[stream.id] / divisor,
            color=colour,
            lw=1.2,
            ls="--",
            label=f"{stream.display_name}: demand",
        )
        top.plot(
            dates,
            projection.stream_carried_gbps[stream.id] / divisor,
            color=colour,
            lw=2.2,
            label=f"{stream.display_name}: carried",
        )
    top.tick_params(labelbottom=False)
    _legend_right(figure, top, 0.91)

    with_share = [(i, s) for i, s in enumerate(scenario.demand) if projection.stream_share[s.id] is not None]
    highest = 0.0
    if with_share:
        for i, stream in with_share:
            colour = OKABE_ITO[(i + 1) % 6]
            invited = projection.stream_share[stream.id]
            carried = projection.carried_share(stream.id)
            assert invited is not None and carried is not None
            highest = max(highest, float(invited.max()))
            bottom.plot(
                dates, invited * 100, color=colour, lw=1.2, ls="--", label=f"{stream.display_name}: invited"
            )
            bottom.plot(dates, carried * 100, color=colour, lw=2.2, label=f"{stream.display_name}: carried")
        bottom.set_ylabel("Share of the stream's\nbase traffic [%]")
        bottom.set_title("Share invited against share carried", loc="left", fontsize=10.5)
    else:
        for i, stream in enumerate(scenario.demand):
            demand = projection.stream_demand_gbps[stream.id]
            fraction = np.divide(
                projection.stream_carried_gbps[stream.id], demand, out=np.ones_like(demand), where=demand > 0
            )
            bottom.plot(
                dates, fraction * 100, color=OKABE_ITO[(i + 1) % 6], lw=2.2, label=stream.display_name
            )
        highest = 1.0
        bottom.set_ylabel("Demand carried [%]")
        bottom.set_title("Part of each stream's demand carried", loc="left", fontsize=10.5)
    bottom.set_ylim(0, max(highest * 100 * 1.12, 1e-3))
    bottom.yaxis.set_major_formatter(PercentFormatter(decimals=1 if highest < 0.05 else 0))
    bottom.set_xlabel("Month")
    month_axis(bottom, months)
    _legend_right(figure, bottom, 0.47)
    return figure


#: Most upgrades listed beside the plan chart; the summary pages list them all.
LISTED_UPGRADES = 14


def plan_figure(projection: Projection) -> Figure:
    """Page: the announced phases against the capacity plan on one chart, with required capacity.

    Upgrades are numbered on the chart and listed beside it (size, in service, order by).
    """
    plan = projection.plan
    months = projection.months
    threshold = percent(projection.max_utilisation)
    upgrades = plan.upgrades
    figure = _page(
        "Announced phases against the capacity plan",
        f"Blue: corridor capacity as announced. Green: with the capacity plan's upgrades on top, the fewest and "
        f"latest that keep utilisation at or below {threshold}: {plan_rule_text(projection)}. Dashed: capacity "
        f"required (demand / {threshold}); black: peak demand. Numbered triangles: upgrades, in the month they "
        "must be in service. Diamonds: targets at their deadlines.",
    )
    axes = figure.add_axes((0.08, 0.2, 0.62, 0.68))
    every = [
        projection.capacity_gbps,
        plan.capacity_gbps,
        projection.required_capacity_gbps,
        projection.demand_gbps,
    ]
    every.append(np.array([t.capacity_gbps for t in projection.targets]))
    divisor = rate_axis(axes, np.concatenate(every), "Capacity")
    edges = month_edges(months)
    dates = month_middles(months)
    axes.fill_between(
        edges,
        extend_last(projection.capacity_gbps) / divisor,
        step="post",
        color=OKABE_ITO[0],
        alpha=0.2,
        lw=0,
    )
    axes.stairs(
        projection.capacity_gbps / divisor,
        edges,
        baseline=None,
        color=OKABE_ITO[0],
        lw=2,
        label="Announced capacity",
    )
    if upgrades:
        axes.stairs(
            plan.capacity_gbps / divisor,
            edges,
            baseline=None,
            color=PLAN_COLOUR,
            lw=2.2,
            label="With the capacity plan",
        )
    axes.plot(
        dates,
        projection.required_capacity_gbps / divisor,
        color=REQUIRED_COLOUR,
        lw=1.6,
        ls="--",
        label=f"Required (demand / {threshold})",
    )
    axes.plot(dates, projection.demand_gbps / divisor, color=DEMAND_COLOUR, lw=1.4, label="Peak demand")
    numbered = len(upgrades) <= 3 * LISTED_UPGRADES
    for k, upgrade in enumerate(upgrades, start=1):
        where = (month_middles([upgrade.in_service])[0], upgrade.capacity_after_gbps / divisor)
        axes.plot(
            *where,
            marker="^",
            ms=8,
            color=PLAN_COLOUR,
            mec="#000000",
            ls="none",
            label="Upgrades" if k == 1 else None,
        )
        if numbered:
            axes.annotate(
                str(k), where, xytext=(0, 7), textcoords="offset points", ha="center", va="bottom", fontsize=8
            )
    period = projection.scenario.period
    for k, target in enumerate(projection.targets):
        if period.start <= target.by <= period.end:
            mark_target(
                axes, target.by, target.capacity_gbps / divisor, target.name, target.on_time, first=k == 0
            )
    axes.set_xlabel("Month")
    axes.set_title(
        f"{len(upgrades)} upgrade{'s add' if len(upgrades) != 1 else ' adds'} "
        f"{format_bit_rate(plan.total_added_gbps, 3)} by {format_month(period.end)}"
        if upgrades
        else f"No plan could be made: {plan.problem}"
        if plan.problem
        else "No upgrade needed: the announced capacity is enough",
        loc="left",
        fontsize=10.5,
    )
    month_axis(axes, months)
    _legend_right(figure, axes, 0.88)
    if upgrades:
        listed = [
            f"{k}. +{format_bit_rate(u.size_gbps, 3)} from {format_month(u.in_service)} "
            f"(order by {format_month(u.order_by)})"
            for k, u in enumerate(upgrades[:LISTED_UPGRADES], start=1)
        ]
        if len(upgrades) > LISTED_UPGRADES:
            listed.append(f"... and {len(upgrades) - LISTED_UPGRADES} more (see the summary pages)")
        figure.text(
            0.745, 0.6, "Upgrades\n" + "\n".join(listed), ha="left", va="top", fontsize=7.5, linespacing=1.5
        )
    return figure
