"""Axes shared by the report's charts: a page with a month axis, rate axes in Gbps or Tbps,
a utilisation axis with its threshold, target markers and a legend below the plot.

Every function works on the figure or axes it is given (matplotlib's object API).
"""

from __future__ import annotations

from typing import Any

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..engine.shortfalls import runs
from ..units import format_percent
from .style import (
    PAGE_SIZE,
    SHORTFALL_COLOUR,
    THRESHOLD_COLOUR,
    month_dates,
    month_middles,
    rate_unit,
    spans_decades,
)
from .text import fill, shorten, wrap

#: Width of a caption under a chart, from the left margin to the right one [inches].
CAPTION_WIDTH_IN = 0.86 * PAGE_SIZE[0]
#: Width of a label in a two-column legend under a chart [inches].
LEGEND_LABEL_WIDTH_IN = 4.6
#: Longest label of a target's marker on a chart [inches]; a longer name is cut with "…".
TARGET_LABEL_WIDTH_IN = 2.4

__all__ = [
    "CAPTION_WIDTH_IN",
    "chart_page",
    "extend_last",
    "legend_below",
    "mark_target",
    "month_axis",
    "month_edges",
    "point_marker",
    "rate_axis",
    "threshold_axis",
]


def chart_page(title: str, caption: str, months: np.ndarray) -> tuple[Figure, Axes]:
    """A page with one date axis spanning ``months`` and a caption under the plot."""
    figure = Figure(figsize=PAGE_SIZE)
    axes = figure.add_axes((0.08, 0.27, 0.86, 0.63))
    axes.set_title(title, loc="left", fontweight="bold", pad=12)
    figure.text(
        0.08, 0.035, fill(caption, CAPTION_WIDTH_IN, 9), ha="left", va="bottom", fontsize=9, color="#333333"
    )
    month_axis(axes, months)
    axes.set_xlabel("Month")
    return figure, axes


def month_axis(axes: Axes, months: np.ndarray, most_ticks: int = 16) -> None:
    """An x axis spanning ``months``: ticks on months over three years or less (never days),
    on years beyond, at most about ``most_ticks`` of them."""
    span = len(months)
    if span <= 36:
        axes.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, -(-span // most_ticks))))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    else:
        axes.xaxis.set_major_locator(mdates.YearLocator(base=max(1, span // 12 // most_ticks + 1)))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    edges = month_edges(months)
    axes.set_xlim(edges[0], edges[-1])


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
    wrapped = ["\n".join(wrap(label, LEGEND_LABEL_WIDTH_IN, 9)[:2]) for label in labels]  # two lines at most
    figure.legend(handles, wrapped, loc="lower left", bbox_to_anchor=(0.08, 0.1), ncol=2, fontsize=9)


def month_edges(months: np.ndarray) -> np.ndarray:
    """Dates of month starts plus the end of the last month, for step plots."""
    return month_dates(np.append(months, months[-1] + 1))


def shade_months(axes: Axes, months: np.ndarray, mask: np.ndarray, label: str) -> None:
    """Shade the runs of months where ``mask`` holds, in the shortfall colour, labelled once."""
    edges = month_edges(months)
    for k, (first, stop) in enumerate(runs(mask)):
        axes.axvspan(
            edges[first], edges[stop], color=SHORTFALL_COLOUR, alpha=0.1, lw=0, label=None if k else label
        )


def extend_last(values: np.ndarray) -> np.ndarray:
    """The values with the last repeated, to pair with :func:`month_edges` in step plots."""
    return np.append(values, values[-1])


def rate_axis(axes: Axes, values: np.ndarray, label: str, decades: float = 2.0) -> float:
    """Set a Gbps/Tbps unit (and a log scale if values span more than ``decades`` powers of
    ten); return the divisor."""
    finite = values[np.isfinite(values)]
    unit, divisor = rate_unit(float(finite.max()) if finite.size else 1.0)
    if spans_decades(finite, decades):
        axes.set_yscale("log", nonpositive="clip")
        positive = finite[finite > 0]
        axes.set_ylim(positive.min() / divisor / 1.5, positive.max() / divisor * 1.5)
        label += ", log scale"
    else:
        axes.set_ylim(0, float(finite.max()) / divisor * 1.08 if finite.size and finite.max() > 0 else 1)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axes.set_ylabel(f"{label} [{unit}]")
    return divisor


def mark_target(axes: Axes, month: int, level: float, label: str, filled: bool, first: bool) -> None:
    """A target's diamond at its deadline, labelled; filled when reached on time."""
    where = (month_middles([month])[0], level)
    axes.plot(
        *where,
        marker="D",
        ms=9,
        mec="#000000",
        mfc="#009E73" if filled else "white",
        ls="none",
        label="Targets at their deadlines" if first else None,
    )
    left, right = axes.get_xlim()
    near_left_edge = (mdates.date2num(where[0]) - left) / (right - left) < 0.25
    axes.annotate(
        shorten(label, TARGET_LABEL_WIDTH_IN, 9),
        where,
        xytext=(8, 8) if near_left_edge else (-8, 8),
        textcoords="offset points",
        ha="left" if near_left_edge else "right",
        fontsize=9,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
    )


#: Highest utilisation a chart's axis shows [%]: beyond, the threshold's line would be squeezed
#: against the bottom of the chart (a reader wants to see it against the curve).
TOP_UTILISATION_PERCENT = 300.0


def threshold_axis(axes: Axes, threshold: float, highest_percent: float) -> None:
    """The utilisation threshold as a dashed line, on a percent axis reaching at least 100% and at
    most :data:`TOP_UTILISATION_PERCENT`; a note inside the chart gives the highest value when
    the curve leaves the axis."""
    axes.axhline(
        threshold * 100,
        color=THRESHOLD_COLOUR,
        ls="--",
        lw=1.5,
        label=f"Threshold {format_percent(threshold)}",
    )
    top = max(100.0, threshold * 100 * 1.08, highest_percent * 1.08)
    if top > TOP_UTILISATION_PERCENT:
        top = TOP_UTILISATION_PERCENT
        axes.text(
            0.01,
            0.97,
            f"Off the scale above {TOP_UTILISATION_PERCENT:.0f}%: utilisation reaches {highest_percent:,.0f}%",
            transform=axes.transAxes,
            va="top",
            fontsize=9,
            color="#333333",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )
    axes.set_ylim(0, top)
    axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    axes.set_ylabel("Peak utilisation [%]")
