"""Report pages and files of the sweep and solve studies (the comparison: :mod:`.comparison`)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import (
    FuncFormatter,
    LogLocator,
    MaxNLocator,
    MultipleLocator,
    NullFormatter,
    NullLocator,
    PercentFormatter,
)

from ..engine.shortfalls import runs
from ..studies.solve import Solution, shown
from ..studies.sweep import Sweep, as_array, format_value
from ..studies.tables import solve_columns, sweep_columns
from ..units import format_month
from .files import csv_text, save_pdf, write_atomically
from .style import OKABE_ITO, PAGE_SIZE, report_style
from .text import fill, shorten, wrap

__all__ = ["write_solution", "write_sweep"]


# --- sweep ---------------------------------------------------------------------------------


def _series(sweep: Sweep) -> list[tuple[str, np.ndarray, str]]:
    """``(title, values, kind)`` of each outcome plotted; kind is month, months, gbps or probability."""
    out = [
        ("First shortfall", as_array([o.first_shortfall for o in sweep.outcomes]), "month"),
        ("Months short in the period", as_array([o.months_short for o in sweep.outcomes]), "months"),
        ("Unserved traffic", as_array([o.unserved_tbps_months for o in sweep.outcomes]), "tbps_months"),
        ("Gap at the end of the period", as_array([o.gap_at_horizon_gbps for o in sweep.outcomes]), "gbps"),
        ("Upgrades in the capacity plan", as_array([o.upgrades_needed for o in sweep.outcomes]), "count"),
    ]
    streams = list(dict.fromkeys(k for o in sweep.outcomes for k in o.carried_share))
    months = {o.carried_at for o in sweep.outcomes}
    at = f"in {format_month(months.pop())}" if len(months) == 1 else "at the end of each period"
    for stream in streams:
        values = as_array([o.carried_share.get(stream) for o in sweep.outcomes])
        out.append((f"Carried share of {stream} {at}", values, "share"))
    names = list(dict.fromkeys(n for o in sweep.outcomes for n in o.months_late))
    for name in names:
        out.append(
            (f"{name}: months late", as_array([o.months_late.get(name) for o in sweep.outcomes]), "months")
        )
    if any(o.p_on_time is not None for o in sweep.outcomes):
        for name in names:
            p = as_array([(o.p_on_time or {}).get(name) for o in sweep.outcomes])
            out.append((f"{name}: probability on time", p, "probability"))
        out.append(
            (
                "Probability of no shortfall",
                as_array([o.p_no_shortfall for o in sweep.outcomes]),
                "probability",
            )
        )
    return out


def _month_ticks(axis: Any, values: np.ndarray) -> None:
    """Ticks on whole months: Januaries over long spans, every k months over short ones; a
    year around the value when every value is the same month."""
    finite = values[np.isfinite(values)]
    span = float(finite.max() - finite.min()) if finite.size else 0.0
    if finite.size and span == 0:
        axis.set_view_interval(finite[0] - 6, finite[0] + 6, ignore=True)
        axis.set_major_locator(MultipleLocator(3))
        axis.set_major_formatter(FuncFormatter(lambda v, _: format_month(round(v))))
        return
    step = 12 * max(1, math.ceil(span / 12 / 8)) if span > 24 else max(1, math.ceil(span / 8))
    axis.set_major_locator(MultipleLocator(step))
    axis.set_major_formatter(FuncFormatter(lambda v, _: format_month(round(v))))


def _format_axis(axes: Axes, kind: str, values: np.ndarray, which: str = "y") -> str:
    axis = axes.yaxis if which == "y" else axes.xaxis
    if kind == "month":
        _month_ticks(axis, values)
        return "month"
    if kind == "probability":
        axis.set_major_formatter(PercentFormatter(1.0))
        if which == "y":
            axes.set_ylim(-0.03, 1.03)
        return "%"
    if kind == "share":  # a fraction on a scale that fits it, from 0
        axis.set_major_formatter(PercentFormatter(1.0, decimals=None))
        if which == "y":
            top = float(np.nanmax(values)) if np.isfinite(values).any() else 0.0
            axes.set_ylim(0, top * 1.15 if top > 0 else 0.01)
        return "%"
    if kind == "gbps":
        top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
        unit, divisor = ("Tbps", 1e3) if top >= 1e3 else ("Gbps", 1.0)
        if axis.get_scale() == "log":  # ticks at 1, 2 and 5 of each decade, in the axis's unit
            axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            axis.set_minor_formatter(NullFormatter())
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / divisor:,.4g}"))
        _from_zero(axes, kind, values, which)
        return unit
    if kind in ("months", "count", "tbps_months"):
        _from_zero(axes, kind, values, which)
    if kind == "tbps_months":
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.4g}"))
        return "Tbps·months"
    axis.set_major_locator(MaxNLocator(integer=True))
    return "upgrades" if kind == "count" else "months"


def _from_zero(axes: Axes, kind: str, values: np.ndarray, which: str) -> None:
    """A y axis of a quantity that is never negative (months, upgrades, Gbps, Tbps·months)
    from 0, with room above the largest value; 0 to 1 when every value is 0."""
    finite = values[np.isfinite(values)]
    if which != "y" or not finite.size or finite.min() < 0:
        return
    top = float(finite.max())
    axes.set_ylim(0, top * 1.15 if top > 0 else 1.0)


def _axis_kind(ref_kind: str) -> str:
    return {
        "date": "month",
        "percentage": "probability",
        "growth rate": "probability",
        "bit rate": "gbps",
    }.get(ref_kind, "months")


def sweep_figures(sweep: Sweep) -> list[Figure]:
    """One panel per outcome against the swept field (a heat map per outcome for two fields)."""
    series = _series(sweep)
    pages = []
    per_page = 4
    for start in range(0, len(series), per_page):
        chunk = series[start : start + per_page]
        figure = Figure(figsize=PAGE_SIZE)
        figure.suptitle(
            _two_lines(_sweep_title(sweep), 0.9 * PAGE_SIZE[0], 13),
            x=0.06,
            ha="left",
            fontweight="bold",
            fontsize=13,
        )
        heat = len(sweep.axes) > 1  # colour bars need room before the next panel's labels
        grid = figure.add_gridspec(
            2, 2, left=0.09, right=0.95, top=0.88, bottom=0.14, hspace=0.5, wspace=0.5 if heat else 0.3
        )
        for k, (title, values, kind) in enumerate(chunk):
            axes = figure.add_subplot(grid[k // 2, k % 2])
            if len(sweep.axes) == 1:
                _line_panel(axes, sweep, title, values, kind)
            else:
                _heat_panel(figure, axes, sweep, title, values, kind)
        figure.text(
            0.06,
            0.03,
            fill(_sweep_caption(sweep), 0.9 * PAGE_SIZE[0], 8.5),
            fontsize=8.5,
            color="#333333",
        )
        pages.append(figure)
    return pages


def _two_lines(text: str, width_in: float, size: float) -> str:
    """A bold title on two lines at most (two field paths rarely fit on one), the rest cut with '...'."""
    lines = wrap(text, width_in, size, bold=True) or [""]
    if len(lines) > 2:
        lines = [lines[0], shorten(" ".join(lines[1:]), width_in, size, bold=True)]
    return "\n".join(lines)


#: Written in a panel whose outcome is the same at every point swept (a flat line on an axis,
#: or one colour), so that it is not taken for an empty chart.
_SAME_EVERYWHERE = "the same at every point swept"


def _same_everywhere(values: np.ndarray) -> bool:
    """Whether every point has a value, and the same one (two points or more)."""
    return values.size > 1 and bool(np.isfinite(values).all()) and bool(np.all(values == values.flat[0]))


def _sweep_title(sweep: Sweep) -> str:
    return f"{sweep.scenario.name}: outcomes against " + " and ".join(a.path for a in sweep.axes)


def _sweep_caption(sweep: Sweep) -> str:
    text = (
        "Each point is a full run of the scenario with the swept field(s) set to that value, everything else "
        "as in the file. A gap in a line (a white cell) means none: no shortfall in the period, or a target "
        "not reached within it."
    )
    if any(o.p_on_time is not None for o in sweep.outcomes):
        samples = sweep.scenario.uncertainty.samples if sweep.scenario.uncertainty else 0
        text += (
            f" Probabilities come from the uncertainty section ({samples:,} samples by default, the same seed at every "
            "point, so differences between points are not sampling noise); the swept field is fixed, not sampled."
        )
    return text


def _line_panel(axes: Axes, sweep: Sweep, title: str, values: np.ndarray, kind: str) -> None:
    axis = sweep.axes[0]
    x = np.array([p[0] for p in sweep.points])
    axes.plot(x, values, marker="o", ms=3.5, color=OKABE_ITO[0], lw=1.6, clip_on=False, zorder=3)
    unit = _format_axis(axes, kind, values)
    axes.set_title(f"{title} [{unit}]", loc="left", fontsize=10.5)
    x_unit = _format_axis(axes, _axis_kind(axis.ref.kind), x, "x")
    if axis.ref.kind == "percentage" or axis.ref.kind == "growth rate":
        axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_xlabel(f"{axis.path} [{_unit_word(axis.ref.kind, x_unit)}]", fontsize=9)
    span = float(x.max() - x.min())
    pad = 0.05 * span if span > 0 else max(abs(float(x[0])) * 0.05, 1.0)
    axes.set_xlim(float(x.min()) - pad, float(x.max()) + pad)  # the swept values, with or without data
    if not np.isfinite(values).any():
        axes.set_yticks([])
        axes.text(
            0.5, 0.5, "none at any value", transform=axes.transAxes, ha="center", va="center", color="#666666"
        )
    elif _same_everywhere(values):
        axes.text(
            0.5, 0.5, _SAME_EVERYWHERE, transform=axes.transAxes, ha="center", va="center", color="#666666"
        )


def _unit_word(ref_kind: str, unit: str) -> str:
    return {"percentage": "%", "growth rate": "% a year", "date": "month", "duration": "months"}.get(
        ref_kind, unit
    )


def _heat_panel(figure: Figure, axes: Axes, sweep: Sweep, title: str, values: np.ndarray, kind: str) -> None:
    first, second = sweep.axes
    unit, divisor = (
        {
            "month": "month",
            "probability": "%",
            "share": "%",
            "months": "months",
            "gbps": "Gbps",
            "tbps_months": "Tbps·months",
            "count": "upgrades",
        }[kind],
        1.0,
    )
    if kind == "gbps" and np.isfinite(values).any() and np.nanmax(values) >= 1e3:
        unit, divisor = "Tbps", 1e3
    grid = values.reshape(len(first.values), len(second.values)) / divisor
    finite = grid[np.isfinite(grid)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    constant = kind != "probability" and finite.size > 0 and high == low
    if kind == "probability":
        low, high = 0.0, 1.0
    elif constant:  # one colour for all: the colour bar shows that one value and no scale
        low, high = low - 0.5, high + 0.5
    image = axes.imshow(
        grid.T, origin="lower", aspect="auto", cmap="viridis", interpolation="nearest", vmin=low, vmax=high
    )
    axes.grid(False)
    axes.set_title(f"{title} [{unit}]", loc="left", fontsize=10.5)
    for which, axis, count in (("x", first, len(first.values)), ("y", second, len(second.values))):
        step = max(1, math.ceil(count / 8))
        ticks = list(range(0, count, step))
        labels = [axis.label(axis.values[i]) for i in ticks]
        if which == "x":
            axes.set_xticks(ticks, labels, rotation=30, ha="right", fontsize=8)
            axes.set_xlabel(axis.path, fontsize=9)
        else:
            axes.set_yticks(ticks, labels, fontsize=8)
            axes.set_ylabel(axis.path, fontsize=9)
    if not finite.size:  # no colour bar: no value has a colour
        axes.text(
            0.5, 0.5, "none at any value", transform=axes.transAxes, ha="center", va="center", color="#666666"
        )
        return
    if _same_everywhere(grid):
        axes.text(
            0.5, 0.5, _SAME_EVERYWHERE, transform=axes.transAxes, ha="center", va="center", color="white"
        )
    bar = figure.colorbar(image, ax=axes, fraction=0.05, pad=0.02)
    if constant:  # one tick, at the one value
        bar.set_ticks([(low + high) / 2])
        bar.ax.yaxis.set_minor_locator(NullLocator())
    elif kind == "month":
        _month_ticks(bar.ax.yaxis, values)
    elif kind in ("months", "count"):
        bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if kind == "month":
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_month(round(v))))
    elif kind in ("probability", "share"):
        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))


def write_sweep(folder: Path, sweep: Sweep) -> list[Path]:
    """Write ``sweep.pdf`` and ``sweep.csv`` into ``folder``: both, or neither."""
    title = _sweep_title(sweep)

    def pdf(path: Path) -> None:
        with report_style():
            save_pdf(sweep_figures(sweep), path, title, sweep.scenario.name)

    return write_atomically(folder, {"sweep.csv": csv_text(sweep_columns(sweep)), "sweep.pdf": pdf})


# --- solve ---------------------------------------------------------------------------------


def solution_figure(solution: Solution, scenario_name: str) -> Figure:
    """One page: the condition's quantity across the searched range, the answer marked."""
    ref, condition = solution.ref, solution.condition
    figure = Figure(figsize=PAGE_SIZE)
    axes = figure.add_axes((0.09, 0.3, 0.86, 0.56))
    figure.text(
        0.06,
        0.97,
        fill(f"{scenario_name}: {solution.answer}", 0.9 * PAGE_SIZE[0], 13, bold=True),
        fontsize=13,
        fontweight="bold",
        va="top",
    )
    x = np.array(solution.grid)
    quantity = np.array(solution.quantity)
    threshold = np.array(solution.threshold)
    kind = condition.axis_kind
    clipped = np.clip(quantity, -1e12, 1e12)
    axes.plot(x, clipped, color=OKABE_ITO[0], lw=2, marker="o", ms=3, label=condition.quantity_label())
    axes.plot(x, threshold, color=OKABE_ITO[5], lw=1.4, ls="--", label="Threshold of the condition")
    holds = np.array(solution.holds)
    for k, (a, end) in enumerate(runs(holds)):
        axes.axvspan(
            x[a],
            x[end - 1],
            color=OKABE_ITO[2],
            alpha=0.12,
            lw=0,
            label="Condition holds" if k == 0 else None,
        )
    for value, side in solution.switches:
        axes.axvline(value, color="#000000", lw=1.2)
        words = {"at most": "latest", "at least": "earliest"} if ref.kind == "date" else {}
        axes.annotate(
            f"{words.get(side, side)} {format_value(solution.ref, shown(value, side, solution.ref))}",
            (value, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -14),
            textcoords="offset points",
            fontsize=9.5,
        )
    unit = _format_axis(axes, kind, np.concatenate([clipped, threshold]))
    axes.set_ylabel(f"{condition.quantity_label().rsplit(' [', 1)[0]} [{unit}]")
    logarithmic = ref.kind == "bit rate" and x[0] > 0 and x[-1] / x[0] > 100
    if logarithmic:  # before the ticks are set: a scale brings its own
        axes.set_xscale("log")
    x_unit = _format_axis(axes, _axis_kind(ref.kind), x, "x")
    scale = ", log scale" if logarithmic else ""
    axes.set_xlabel(f"{ref.path} [{_unit_word(ref.kind, x_unit)}{scale}]")
    figure.legend(loc="lower left", bbox_to_anchor=(0.08, 0.13), ncol=3, fontsize=9)
    caption = (
        f"Condition: {condition.text!r}. Each point is a full run of the scenario with {ref.path} set to that "
        f"value (searched from {format_value(solution.ref, solution.low)} to {format_value(solution.ref, solution.high)}, "
        "values the scenario does not allow left out). Where the condition switches, the value is refined by "
        "root finding (Brent's method; whole months by bisection). Shaded: values where the condition holds."
    )
    figure.text(0.06, 0.03, fill(caption, 0.9 * PAGE_SIZE[0], 8.5), fontsize=8.5, color="#333333")
    return figure


def write_solution(folder: Path, solution: Solution, scenario_name: str) -> list[Path]:
    """Write ``solve.pdf`` (one page) and ``solve.csv`` into ``folder``: both, or neither."""

    def pdf(path: Path) -> None:
        with report_style():
            save_pdf([solution_figure(solution, scenario_name)], path, solution.answer, scenario_name)

    return write_atomically(folder, {"solve.csv": csv_text(solve_columns(solution)), "solve.pdf": pdf})
