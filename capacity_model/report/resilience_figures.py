"""The report's N-1 page: what is left of the corridor when its largest link, or a group of
links that fail together, is lost (see :mod:`capacity_model.engine.resilience`).

Each function returns a figure and never shows, saves or keeps global state.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..engine import Projection
from ..units import format_percent
from .axes import chart_page, extend_last, legend_below, month_edges, point_marker, rate_axis, shade_months
from .style import DEMAND_COLOUR, OKABE_ITO, month_middles

__all__ = ["n_minus_1_figure"]


def n_minus_1_figure(projection: Projection) -> Figure:
    """Page: capacity left at the emergency utilisation when the largest link (and each risk
    group) is lost, against demand; months where losing the largest link leaves too little shaded."""
    scenario = projection.scenario
    emergency = scenario.planning.emergency_utilisation
    losses = [("Largest link lost", projection.n_minus_1)] + [
        (f"Risk group lost: {g.display_name}", projection.group_losses[g.id]) for g in scenario.risk_groups
    ]
    figure, axes = chart_page(
        "Losing the largest link (N-1)",
        f"Steps: the capacity left when the largest link in service is lost (or each risk group, whose "
        f"links fail together), times the emergency utilisation of {format_percent(emergency)}: what can "
        "still be carried"
        + (
            "; dotted, with the survivors' installed but unlit capacity switched on"
            if projection.n_minus_1_activated is not None
            else ""
        )
        + ". Solid line: total peak demand. Shaded: months when losing the largest link "
        "leaves too little for demand; steps at zero are not drawn on a log scale.",
        projection.months,
    )
    left = [emergency * loss.left_gbps for _, loss in losses]
    if projection.n_minus_1_activated is not None:
        left.append(emergency * projection.n_minus_1_activated.left_gbps)
    # A log scale from one decade on: where demand crosses what is left is the story, and a
    # linear axis squashes it under the demand of the last years.
    divisor = rate_axis(axes, np.concatenate([projection.demand_gbps, *left]), "Peak rate", decades=1.0)
    shade_months(axes, projection.months, projection.n_minus_1.failing, "Months N-1 fails")
    edges = month_edges(projection.months)
    for i, ((label, _), usable) in enumerate(zip(losses, left[: len(losses)], strict=True)):
        shown = np.where(usable > 0, usable, np.nan) if axes.get_yscale() == "log" else usable
        axes.stairs(
            extend_last(shown)[:-1] / divisor,
            edges,
            baseline=None,
            color=OKABE_ITO[i % 6],
            lw=2.0 if i == 0 else 1.6,
            ls="-" if i == 0 else "--",
            label=f"{label}: capacity left x {format_percent(emergency)}",
        )
    after = projection.n_minus_1_activated
    if after is not None:
        shown = (
            np.where(after.left_gbps > 0, emergency * after.left_gbps, np.nan)
            if axes.get_yscale() == "log"
            else emergency * after.left_gbps
        )
        axes.stairs(
            extend_last(shown)[:-1] / divisor,
            edges,
            baseline=None,
            color=OKABE_ITO[0],
            lw=1.4,
            ls=":",
            label=f"Largest link lost, unlit capacity on: capacity left x {format_percent(emergency)}",
        )
    axes.plot(
        month_middles(projection.months),
        projection.demand_gbps / divisor,
        color=DEMAND_COLOUR,
        lw=2,
        marker=point_marker(projection.months),
        label="Total demand (peak)",
    )
    legend_below(figure, axes)
    return figure
