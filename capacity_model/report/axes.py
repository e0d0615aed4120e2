"""Axes shared by the report's charts: a page with a month axis, rate axes in Gbps or Tbps,
and a legend below the plot.

Every function works on the figure or axes it is given (matplotlib's object API).
"""

from __future__ import annotations

import textwrap
from typing import Any

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .style import PAGE_SIZE, month_dates, rate_unit, spans_decades

__all__ = ["chart_page", "extend_last", "legend_below", "month_edges", "point_marker", "rate_axis"]


def chart_page(title: str, caption: str, months: np.ndarray) -> tuple[Figure, Axes]:
    """A page with one date axis spanning ``months`` and a caption under the plot."""
    figure = Figure(figsize=PAGE_SIZE)
    axes = figure.add_axes((0.08, 0.27, 0.86, 0.63))
    axes.set_title(title, loc="left", fontweight="bold", pad=12)
    figure.text(0.08, 0.035, textwrap.fill(caption, 150), ha="left", va="bottom", fontsize=9, color="#333333")
    span = len(months)
    if span <= 36:  # months on the axis; never days
        axes.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, span // 12)))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    else:
        axes.xaxis.set_major_locator(mdates.YearLocator(base=max(1, span // 12 // 16 + 1)))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    edges = month_edges(months)
    axes.set_xlim(edges[0], edges[-1])
    axes.set_xlabel("Month")
    return figure, axes


def point_marker(months: np.ndarray) -> str | None:
    """A point marker when a line would have a single point (and so be invisible)."""
    return "o" if len(months) < 2 else None


def legend_below(figure: Figure, axes: Axes, extra: list[Any] | None = None) -> None:
    """The legend of ``axes`` (and of ``extra`` axes sharing the plot) under the plot, in two columns."""
    handles, labels = axes.get_legend_handles_labels()
    for other in extra or []:
        more_handles, more_labels = other.get_legend_handles_labels()
        handles += more_handles
        labels += more_labels
    figure.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.08, 0.1), ncol=2, fontsize=9)


def month_edges(months: np.ndarray) -> np.ndarray:
    """Dates of month starts plus the end of the last month, for step plots."""
    return month_dates(np.append(months, months[-1] + 1))


def extend_last(values: np.ndarray) -> np.ndarray:
    """The values with the last repeated, to pair with :func:`month_edges` in step plots."""
    return np.append(values, values[-1])


def rate_axis(axes: Axes, values: np.ndarray, label: str) -> float:
    """Set a Gbps/Tbps unit (and a log scale if values span decades); return the divisor."""
    finite = values[np.isfinite(values)]
    unit, divisor = rate_unit(float(finite.max()) if finite.size else 1.0)
    if spans_decades(finite):
        axes.set_yscale("log", nonpositive="clip")
        positive = finite[finite > 0]
        axes.set_ylim(positive.min() / divisor / 1.5, positive.max() / divisor * 1.5)
        label += ", log scale"
    else:
        axes.set_ylim(0, float(finite.max()) / divisor * 1.08 if finite.size and finite.max() > 0 else 1)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axes.set_ylabel(f"{label} [{unit}]")
    return divisor
