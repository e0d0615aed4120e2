"""The report's outage pages: demand against what the rest can carry, day by day, inside each
scripted outage (see :mod:`capacity_model.engine.outages`).

Each function returns figures and never shows, saves or keeps global state.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..engine import Projection
from ..results.outages import activation_words, outage_rows
from ..results.words import tbps_days
from ..units import format_day, format_days, format_percent
from .axes import CAPTION_WIDTH_IN
from .style import DEMAND_COLOUR, OKABE_ITO, PAGE_SIZE, SHORTFALL_COLOUR, rate_unit
from .text import fill, shorten

__all__ = ["outage_figures"]

#: Outages drawn on one page, as a 2 x 2 grid.
PER_PAGE = 4
#: Width of a panel's title [inches].
PANEL_TITLE_WIDTH_IN = 4.8


def outage_figures(projection: Projection) -> list[Figure]:
    """Pages of outage panels, four to a page (none without outages)."""
    losses = projection.outages
    if losses is None:
        return []
    rows = outage_rows(projection)
    planning = projection.scenario.planning
    activation = (
        "Unlit capacity stays off (planning.activation_delay is not given)."
        if planning.activation_delay is None
        else f"Of the links not hit, {activation_words(planning.activation_delay)} from an outage's start."
    )
    caption = (
        f"Each outage alone. Steps: what the links can carry during the outage, their capacity left times "
        f"the emergency utilisation of {format_percent(planning.emergency_utilisation)}. Dashed: what they "
        f"carry without it. Line: total peak demand, interpolated between months. Shaded: traffic lost "
        f"because of the outage (beyond what is lost anyway). {activation} Time is counted from each "
        "outage's start (00:00), in hours for outages of two days or less."
    )
    figures = []
    for first in range(0, len(rows), PER_PAGE):
        group = list(range(first, min(first + PER_PAGE, len(rows))))
        figure = Figure(figsize=PAGE_SIZE)
        title = "Outages" + (
            f" ({first // PER_PAGE + 1} of {-(-len(rows) // PER_PAGE)})" if len(rows) > PER_PAGE else ""
        )
        figure.text(0.08, 0.95, title, ha="left", va="top", fontsize=12, fontweight="bold")
        figure.text(
            0.08,
            0.035,
            fill(caption, CAPTION_WIDTH_IN, 9),
            ha="left",
            va="bottom",
            fontsize=9,
            color="#333333",
        )
        one = len(group) == 1

        for slot, k in enumerate(group):
            row = rows[k]
            if one:
                box = (0.08, 0.22, 0.86, 0.63)
            else:  # two stacked full width; three or four in a 2 x 2 grid
                wide = len(group) <= 2
                column, line = (0, slot) if wide else (slot % 2, slot // 2)
                box = (0.08 + 0.46 * column, 0.6 - 0.38 * line, 0.86 if wide else 0.4, 0.25)
            axes = figure.add_axes(box)
            alone = projection.outages_alone[k]
            seg = alone.segments
            top = max(
                float(np.max(alone.demand_gbps)),
                float(np.max(alone.capacity_gbps)) * planning.emergency_utilisation,
            )
            unit, divisor = rate_unit(top)
            hours = row.duration_days <= 2
            scale = 24.0 if hours else 1.0
            start = (seg.start_days - projection.outage_windows[k].start_day) * scale
            length = seg.length_days * scale
            edges = np.append(start, start[-1] + length[-1])
            usable = alone.usable_gbps / divisor
            anyway = alone.capacity_gbps * planning.emergency_utilisation / divisor
            demand = alone.demand_gbps / divisor
            axes.stairs(
                usable, edges, baseline=None, color=OKABE_ITO[0], lw=2, label="What the rest can carry"
            )
            axes.stairs(
                anyway, edges, baseline=None, color=OKABE_ITO[0], lw=1, ls="--", label="What all links carry"
            )
            mid = start + length / 2
            axes.plot(
                np.concatenate([[edges[0]], mid, [edges[-1]]]),
                np.concatenate([[demand[0]], demand, [demand[-1]]]),
                color=DEMAND_COLOUR,
                lw=1.6,
                label="Total demand (peak)",
            )
            axes.stairs(
                np.minimum(demand, anyway),
                edges,
                baseline=np.minimum(usable, np.minimum(demand, anyway)),
                fill=True,
                color=SHORTFALL_COLOUR,
                alpha=0.5,
                lw=0,
                label="Traffic lost because of the outage",
            )
            axes.set_xlim(edges[0], edges[-1])
            axes.set_ylim(0, max(float(usable.max()), float(anyway.max()), float(demand.max())) * 1.12 or 1.0)
            axes.set_xlabel("Hours from the outage's start" if hours else "Days from the outage's start")
            axes.set_ylabel(f"Peak rate [{unit}]")
            heading = shorten(
                f"{row.name}: {row.hit}", PANEL_TITLE_WIDTH_IN * (2 if len(group) <= 2 else 1), 10
            )
            axes.set_title(
                f"{heading}\n{format_day(row.start_day)}, {format_days(row.duration_days)}, "
                f"{tbps_days(row.lost_tbps_days)} lost",
                loc="left",
                fontsize=10,
            )
            if slot == 0:
                handles, labels = axes.get_legend_handles_labels()
                figure.legend(
                    handles,
                    labels,
                    loc="lower left",
                    bbox_to_anchor=(0.08, 0.11 if one else 0.095),
                    ncol=4,
                    fontsize=9,
                )
        figures.append(figure)
    return figures
