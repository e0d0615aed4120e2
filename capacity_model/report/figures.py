"""The report's pages as matplotlib figures, built from a Projection.

Each function returns figures and never shows, saves or keeps global state.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Mapping
from typing import Any

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..engine import Projection
from ..quantities import entry_label
from ..schema import Scenario
from ..uncertainty import describe
from ..units import format_bit_rate, format_duration, format_month, format_percent
from .layout import TextFlow
from .style import (
    DEMAND_COLOUR,
    OKABE_ITO,
    PAGE_SIZE,
    REQUIRED_COLOUR,
    SHORTFALL_COLOUR,
    THRESHOLD_COLOUR,
    month_dates,
    month_middles,
    rate_unit,
    spans_decades,
)

__all__ = [
    "assumption_pages",
    "capacity_demand_figure",
    "demand_streams_figure",
    "gap_figure",
    "report_figures",
    "summary_pages",
    "utilisation_figure",
]


def report_figures(
    projection: Projection,
    provenance: str,
    extra_headlines: list[str] | None = None,
    overrides: Mapping[Location, str] | None = None,
) -> list[Figure]:
    """The pages of a deterministic run, in order (a Monte Carlo run appends its own).

    ``overrides`` are values set on the command line, by field location, as written."""
    return [
        *summary_pages(projection, provenance, extra_headlines),
        *assumption_pages(projection.scenario, overrides),
        capacity_demand_figure(projection),
        utilisation_figure(projection),
        gap_figure(projection),
        demand_streams_figure(projection),
    ]


# --- summary -------------------------------------------------------------------------------


def _headlines(projection: Projection) -> list[str]:
    scenario = projection.scenario
    threshold = format_percent(projection.max_utilisation)
    start = format_month(scenario.period.start)
    lines = []
    if projection.exhaustions:
        first = projection.exhaustions[0]
        passed = (
            " (already past at the start of the period)" if first.order_by < scenario.period.start else ""
        )
        lines.append(
            f"Corridor demand first exceeds {threshold} of capacity in {format_month(first.month)}; "
            f"the fix had to be ordered by {format_month(first.order_by)}{passed}."
        )
        if len(projection.exhaustions) > 1:
            again = ", ".join(format_month(e.month) for e in projection.exhaustions[1:])
            lines.append(f"Shortfalls begin again in {again}.")
    else:
        lines.append(f"Demand stays within {threshold} of capacity in every month of the period.")
    if projection.targets:
        on_time = sum(t.on_time for t in projection.targets)
        lines.append(f"{on_time} of {len(projection.targets)} capacity targets are reached on time.")
    gap, gap_month = projection.largest_gap
    if gap_month is not None:
        lines.append(
            f"Largest gap: {format_bit_rate(gap, 3)} of capacity missing in {format_month(gap_month)}."
        )
    end = format_month(scenario.period.end)
    lines.append(
        f"At the horizon ({end}) demand needs {format_bit_rate(projection.required_capacity_gbps[-1], 3)} "
        f"of capacity; {format_bit_rate(projection.capacity_gbps[-1], 3)} is in service "
        f"(utilisation {format_percent(round(float(projection.utilisation[-1]), 3))})."
    )
    lines.append(f"Months run from {start} to {end}; utilisation threshold {threshold}.")
    return lines


def _target_status(met: int | None, late: int | None) -> str:
    if met is None:
        return "not met in period"
    return "on time" if late == 0 else f"late by {format_duration(late or 0)}"


def summary_pages(
    projection: Projection, provenance: str, extra_headlines: list[str] | None = None
) -> list[Figure]:
    """Page 1: title, description, headline results and the results tables.

    ``extra_headlines`` (a Monte Carlo run's probabilities) follow the headlines of the
    central case, whose inputs are the values written in the scenario.
    """
    scenario = projection.scenario
    flow = TextFlow(f"{scenario.name}: capacity targets against demand")
    if scenario.description:
        flow.paragraph(scenario.description, size=10.5)
    if extra_headlines:
        flow.heading("With the uncertain inputs")
        flow.bullets(extra_headlines)
        flow.heading("Central case: the values written in the scenario")
    flow.bullets(_headlines(projection))

    if projection.targets:
        flow.heading("Capacity targets")
        flow.table(
            [
                "Target",
                "Capacity",
                "Due by",
                "First reached",
                "Status",
                "Demand / target capacity at due date",
            ],
            [
                [
                    t.name,
                    format_bit_rate(t.capacity_gbps),
                    format_month(t.by),
                    format_month(t.met_month) if t.met_month is not None else "not in period",
                    _target_status(t.met_month, t.months_late),
                    format_percent(round(t.utilisation_at_by, 3)),
                ]
                for t in projection.targets
            ],
            [2.2, 1.3, 1.2, 1.4, 1.9, 2.6],
        )
    flow.heading("Shortfalls (demand above the utilisation threshold)")
    if projection.exhaustions:
        start = scenario.period.start
        flow.table(
            ["Shortfall starts", "Order the fix by", "Lead time", "Next planned phase", "Order-by month"],
            [
                [
                    format_month(e.month),
                    format_month(e.order_by),
                    format_duration(e.lead_time_months),
                    e.next_phase or "none planned (default lead time)",
                    "already passed" if e.order_by < start else "ahead",
                ]
                for e in projection.exhaustions
            ],
            [1.5, 1.5, 1.2, 2.8, 1.6],
        )
    else:
        flow.paragraph("None within the period.")
    flow.heading("When each phase must be ordered")
    flow.table(
        ["Link", "Phase", "Capacity", "In service", "Lead time", "Order by", "At period start"],
        [
            [
                p.link,
                str(p.phase),
                format_bit_rate(p.capacity_gbps),
                format_month(p.in_service),
                format_duration(p.lead_time_months),
                format_month(p.order_by),
                "order-by month passed" if p.order_by_passed else "still ahead",
            ]
            for p in projection.phases
        ],
        [1.8, 0.7, 1.1, 1.1, 1.1, 1.1, 1.7],
    )
    if projection.steps:
        flow.heading("Growth each step implies, beside demand's growth")
        flow.table(
            ["Step", "From", "To", "Capacity growth (per year)", "Demand growth (per year)"],
            [
                [
                    f"{s.from_label} to {s.to_label}",
                    format_month(s.from_month),
                    format_month(s.to_month),
                    format_percent(round(s.capacity_cagr, 3)),
                    format_percent(round(s.demand_cagr, 3)),
                ]
                for s in projection.steps
            ],
            [2.6, 1.0, 1.0, 1.8, 1.8],
        )
    flow.heading("Provenance")
    flow.paragraph(provenance, size=9)
    return flow.pages


# --- assumptions ---------------------------------------------------------------------------


Location = tuple[str | int, ...]


def _leaves(
    node: Any, path: str = "", source: str = "", list_key: str | int | None = None, at: Location = ()
) -> Iterator[tuple[str, str, str, Location]]:
    """``(field path, value, source key of the nearest entry that has one, location)`` of dumped data."""
    if isinstance(node, dict):
        own = node.get("source", source)
        for key, value in node.items():
            if key not in ("source", "sources"):
                yield from _leaves(value, f"{path}.{key}" if path else str(key), own, key, (*at, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _leaves(item, f"{path}[{entry_label(list_key, item, i)}]", source, i, (*at, i))
    else:
        yield path, str(node), source, at


def _input_rows(
    scenario: Scenario, overrides: Mapping[Location, str] | None = None
) -> Iterator[tuple[str, str, str]]:
    """``(field, value with unit, source)`` for every input, defaults and values set on the
    command line included and marked.

    The uncertainty section has a table of its own (:func:`_uncertain_rows`)."""
    user = scenario.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude={"uncertainty"})
    given = {path for path, _, _, _ in _leaves(user)}
    resolved = scenario.resolved().model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude={"uncertainty"}
    )
    planning_source = scenario.planning.source
    overrides = overrides or {}
    for path, value, source, at in _leaves(resolved):
        if at in overrides:
            yield path, value, "command line (--set)"
        elif path in given:
            yield path, value, source
        elif path.endswith(".lead_time"):
            yield (
                path,
                value,
                f"default lead time ({planning_source})" if planning_source else "default lead time",
            )
        else:
            yield path, value, "default"


def _uncertain_rows(scenario: Scenario) -> list[list[str]]:
    """``(field, distribution with units, source)`` of each uncertain input."""
    spec = scenario.uncertainty
    if spec is None:
        return []
    rows = []
    for parameter in scenario.parameters():
        written = spec.parameters[parameter.path]
        rows.append([parameter.path, describe(written), written.source or ""])
    return rows


def assumption_pages(scenario: Scenario, overrides: Mapping[Location, str] | None = None) -> list[Figure]:
    """Page 2 onwards: every input with its unit and its source; values set on the command line marked."""
    flow = TextFlow("Assumptions: every input, with its unit and source")
    flow.paragraph(
        "Values as run. The source column names a key of the citations below; a value without a "
        "source of its own takes that of the entry containing it. Values the file leaves out are "
        "marked 'default'"
        + (
            "; values set on the command line with --set are marked 'command line (--set)'."
            if overrides
            else "."
        ),
        size=9.5,
    )
    flow.table(["Field", "Value", "Source"], list(_input_rows(scenario, overrides)), [3.0, 3.6, 2.2])
    if scenario.uncertainty is not None:
        spec = scenario.uncertainty
        flow.heading("Uncertain inputs")
        flow.paragraph(
            f"{spec.samples:,} samples ({spec.method}, seed {spec.seed}); Sobol' indices from "
            f"{spec.sobol_samples:,} base samples. Each input below replaces the value above by draws "
            "from its distribution; the central case keeps the value above.",
            size=9.5,
        )
        flow.table(["Field", "Distribution", "Source"], _uncertain_rows(scenario), [3.0, 3.6, 2.2])
        if spec.correlations:
            flow.table(
                ["Correlated inputs", "", "Rank correlation"],
                [[c.between[0], c.between[1], f"{c.rho:g}"] for c in spec.correlations],
                [3.0, 3.6, 2.2],
            )
    if scenario.sources:
        flow.heading("Sources")
        flow.table(["Key", "Citation"], [[k, v] for k, v in scenario.sources.items()], [1.4, 7.4])
    return flow.pages


# --- charts --------------------------------------------------------------------------------


def _chart(title: str, caption: str, months: np.ndarray) -> tuple[Figure, Axes]:
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
    edges = _edges(months)
    axes.set_xlim(edges[0], edges[-1])
    axes.set_xlabel("Month")
    return figure, axes


def _marker(months: np.ndarray) -> str | None:
    """A point marker when a line would have a single point (and so be invisible)."""
    return "o" if len(months) < 2 else None


def _legend_below(figure: Figure, axes: Axes, extra: list[Any] | None = None) -> None:
    handles, labels = axes.get_legend_handles_labels()
    for other in extra or []:
        more_handles, more_labels = other.get_legend_handles_labels()
        handles += more_handles
        labels += more_labels
    figure.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.08, 0.1), ncol=2, fontsize=9)


def _edges(months: np.ndarray) -> np.ndarray:
    """Dates of month starts plus the end of the last month, for step plots."""
    return month_dates(np.append(months, months[-1] + 1))


def _extend(values: np.ndarray) -> np.ndarray:
    return np.append(values, values[-1])


def _rate_axis(axes: Axes, values: np.ndarray, label: str) -> float:
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


def capacity_demand_figure(projection: Projection) -> Figure:
    """Page: capacity as stacked steps per link, demand, required capacity, targets."""
    scenario = projection.scenario
    months = projection.months
    figure, axes = _chart(
        "Capacity against demand",
        "Filled steps: capacity in service on each link, stacked. Solid line: total peak demand. "
        f"Dashed: capacity required to keep utilisation at {format_percent(projection.max_utilisation)} "
        "(demand / threshold). Diamonds: targets at their deadlines; filled if reached on time, "
        "hollow if late or not reached.",
        projection.months,
    )
    every = [projection.capacity_gbps, projection.demand_gbps, projection.required_capacity_gbps]
    every.append(np.array([t.capacity_gbps for t in projection.targets]))
    divisor = _rate_axis(axes, np.concatenate(every), "Peak rate")
    edges = _edges(months)
    lower = np.zeros_like(projection.capacity_gbps)
    for i, link in enumerate(scenario.links):
        upper = lower + projection.link_capacity_gbps[link.id]
        axes.fill_between(
            edges,
            _extend(lower) / divisor,
            _extend(upper) / divisor,
            step="post",
            color=OKABE_ITO[i % 6],
            alpha=0.55,
            linewidth=0,
            label=f"Capacity: {link.display_name}",
        )
        lower = upper
    dates = month_middles(months)
    marker = _marker(months)
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
    _legend_below(figure, axes)
    return figure


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
        label,
        where,
        xytext=(8, 8) if near_left_edge else (-8, 8),
        textcoords="offset points",
        ha="left" if near_left_edge else "right",
        fontsize=9,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
    )


def threshold_axis(axes: Axes, threshold: float, highest_percent: float) -> None:
    """The utilisation threshold as a dashed line, on a percent axis reaching at least 100%."""
    axes.axhline(
        threshold * 100,
        color=THRESHOLD_COLOUR,
        ls="--",
        lw=1.5,
        label=f"Threshold {format_percent(threshold)}",
    )
    axes.set_ylim(0, max(100.0, threshold * 100 * 1.08, highest_percent * 1.08))
    axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    axes.set_ylabel("Peak utilisation [%]")


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(first, last + 1)`` index pairs of each run of True values."""
    padded = np.concatenate([[False], mask, [False]])
    changes = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(changes[::2].tolist(), changes[1::2].tolist(), strict=True))


def _shade_shortfalls(axes: Axes, projection: Projection) -> None:
    edges = _edges(projection.months)
    for k, (first, stop) in enumerate(_runs(projection.headroom_gbps < 0)):
        axes.axvspan(
            edges[first],
            edges[stop],
            color=SHORTFALL_COLOUR,
            alpha=0.1,
            lw=0,
            label="Months of shortfall" if k == 0 else None,
        )


def utilisation_figure(projection: Projection) -> Figure:
    """Page: corridor utilisation against the threshold."""
    threshold = projection.max_utilisation
    figure, axes = _chart(
        "Utilisation of corridor capacity",
        f"Peak demand divided by capacity in service. Above the {format_percent(threshold)} threshold "
        "(dashed) capacity counts as exhausted; shaded months are shortfalls. Months with no capacity "
        "in service are left blank.",
        projection.months,
    )
    utilisation = np.where(np.isfinite(projection.utilisation), projection.utilisation, np.nan)
    dates = month_middles(projection.months)
    _shade_shortfalls(axes, projection)
    axes.plot(
        dates,
        utilisation * 100,
        color=OKABE_ITO[0],
        lw=2,
        marker=_marker(projection.months),
        label="Utilisation (demand / capacity)",
    )
    threshold_axis(axes, threshold, float(np.nanmax(np.append(utilisation, 0.0))) * 100)
    _legend_below(figure, axes)
    return figure


def gap_figure(projection: Projection) -> Figure:
    """Page: capacity missing to stay at the threshold, over time."""
    threshold = format_percent(projection.max_utilisation)
    figure, axes = _chart(
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
    divisor = _rate_axis(axes, gap, "Gap")
    if axes.get_yscale() == "linear":
        axes.set_ylim(0, float(gap.max()) / divisor * 1.25)  # room for the label above the curve
    edges = _edges(projection.months)
    axes.fill_between(
        edges, _extend(gap) / divisor, step="post", color=SHORTFALL_COLOUR, alpha=0.35, lw=0, label="Gap"
    )
    axes.step(edges, _extend(gap) / divisor, where="post", color=SHORTFALL_COLOUR, lw=1.2)
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
    _legend_below(figure, axes)
    return figure


def demand_streams_figure(projection: Projection) -> Figure:
    """Page: demand of each stream, with each share's ramp on a second axis."""
    scenario = projection.scenario
    figure, axes = _chart(
        "Demand by stream",
        "Solid lines: peak demand of each stream after its share (left axis); black: their sum. "
        "Dotted lines: the share applied to a stream (right axis).",
        projection.months,
    )
    dates = month_middles(projection.months)
    streams = [projection.stream_demand_gbps[s.id] for s in scenario.demand]
    divisor = _rate_axis(axes, np.concatenate([*streams, projection.demand_gbps]), "Peak demand")
    for i, stream in enumerate(scenario.demand):
        axes.plot(
            dates,
            projection.stream_demand_gbps[stream.id] / divisor,
            color=OKABE_ITO[(i + 1) % 6],
            lw=2,
            marker=_marker(projection.months),
            label=stream.display_name,
        )
    if len(scenario.demand) > 1:
        axes.plot(dates, projection.demand_gbps / divisor, color=DEMAND_COLOUR, lw=1.2, label="Total demand")
    shares = [(i, s) for i, s in enumerate(scenario.demand) if projection.stream_share[s.id] is not None]
    extra = []
    if shares:
        right = axes.twinx()
        right.grid(False)
        right.spines["right"].set_visible(True)
        top = 0.0
        for i, stream in shares:
            share = projection.stream_share[stream.id]
            assert share is not None
            top = max(top, float(share.max()))
            right.plot(
                dates,
                share * 100,
                color=OKABE_ITO[(i + 1) % 6],
                lw=1.8,
                ls=":",
                label=f"Share: {stream.display_name}",
            )
        right.set_ylim(0, max(top * 100 * 1.15, 1.0))
        right.yaxis.set_major_formatter(PercentFormatter(decimals=1 if top < 0.05 else 0))
        right.set_ylabel("Share of the stream's base traffic [%]")
        extra.append(right)
    _legend_below(figure, axes, extra)
    return figure
