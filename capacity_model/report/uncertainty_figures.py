"""Report pages of a Monte Carlo run: fan charts, exhaustion dates, target chances, sensitivity."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from ..engine import Projection
from ..engine.faults import FaultLosses
from ..engine.montecarlo import FAULT_OUTCOMES, MonteCarlo
from ..engine.sensitivity import TORNADO_FAULT_STREAMS, Sensitivity, outcome_label
from ..results.uncertainty_text import parameter_label
from ..schema import Scenario
from ..units import format_month, format_percent
from .axes import CAPTION_WIDTH_IN, chart_page, legend_below, mark_target, rate_axis, threshold_axis
from .style import DEMAND_COLOUR, OKABE_ITO, PAGE_SIZE, month_middles
from .text import fill, shorten, wrap

__all__ = [
    "exhaustion_figure",
    "fan_chart_figure",
    "sobol_figures",
    "sobol_over_time_figure",
    "sobol_pages",
    "targets_figure",
    "tornado_figures",
    "uncertainty_figures",
    "utilisation_fan_figure",
]


def _fan(
    axes: Axes, dates: np.ndarray, bands: np.ndarray, colour: str, label: str, divisor: float = 1.0
) -> None:
    """P5-P95 and P10-P90 bands and the median line, from quantiles ``(5, months)``."""
    for low, high, alpha, name in ((0, 4, 0.15, "P5-P95"), (1, 3, 0.3, "P10-P90")):
        axes.fill_between(
            dates,
            bands[low] / divisor,
            bands[high] / divisor,
            color=colour,
            alpha=alpha,
            lw=0,
            label=f"{label}: {name}",
        )
    axes.plot(dates, bands[2] / divisor, color=colour, lw=2, label=f"{label}: median")


def fan_chart_figure(mc: MonteCarlo, projection: Projection) -> Figure:
    """Capacity and demand as fans of their quantiles, with the targets."""
    figure, axes = chart_page(
        "Capacity against demand: range over the uncertain inputs",
        f"Bands: 80% (P10-P90) and 90% (P5-P95) of {mc.samples:,} samples in each month; lines: medians. "
        "Diamonds: targets at their deadlines, labelled with the probability of being reached on time; "
        "filled when on time in at least half the samples, hollow otherwise.",
        mc.months,
    )
    demand, capacity = mc.quantiles["demand_gbps"], mc.quantiles["capacity_gbps"]
    every = np.concatenate([demand.ravel(), capacity.ravel(), [t.capacity_gbps for t in mc.targets]])
    divisor = rate_axis(axes, every, "Peak rate")
    dates = month_middles(mc.months)
    _fan(axes, dates, capacity, OKABE_ITO[0], "Capacity", divisor)
    _fan(axes, dates, demand, DEMAND_COLOUR, "Demand", divisor)
    period = projection.scenario.period
    for k, target in enumerate(mc.targets):
        if period.start <= target.by <= period.end:
            label = f"{target.name}: {format_percent(round(target.p_on_time, 3))} on time"
            filled = target.p_on_time >= 0.5
            mark_target(axes, target.by, target.capacity_gbps / divisor, label, filled=filled, first=k == 0)
    legend_below(figure, axes)
    return figure


def utilisation_fan_figure(mc: MonteCarlo, threshold: float) -> Figure:
    """Utilisation as a fan, against the threshold."""
    figure, axes = chart_page(
        "Utilisation: range over the uncertain inputs",
        f"Bands: 80% and 90% of samples in each month; line: median. Dashed: the {format_percent(threshold)} "
        "threshold. Months with no capacity in service are left blank.",
        mc.months,
    )
    bands = np.where(np.isfinite(mc.quantiles["utilisation"]), mc.quantiles["utilisation"], np.nan) * 100
    _fan(axes, month_middles(mc.months), bands, OKABE_ITO[0], "Utilisation")
    threshold_axis(axes, threshold, float(np.nanmax(np.append(bands[3], 0.0))))
    legend_below(figure, axes)
    return figure


def _two_panels(title: str, caption: str) -> tuple[Figure, Axes, Axes]:
    figure = Figure(figsize=PAGE_SIZE)
    left = figure.add_axes((0.08, 0.2, 0.38, 0.68))
    right = figure.add_axes((0.58, 0.2, 0.38, 0.68))
    figure.suptitle(title, x=0.08, ha="left", fontweight="bold", fontsize=13)
    figure.text(
        0.08, 0.035, fill(caption, CAPTION_WIDTH_IN, 9), ha="left", va="bottom", fontsize=9, color="#333333"
    )
    return figure, left, right


def exhaustion_figure(mc: MonteCarlo) -> Figure:
    """When the first shortfall comes: histogram by year with its CDF, and the chance of a shortfall per year."""
    end = format_month(int(mc.months[-1]))
    figure, left, right = _two_panels(
        "When the corridor first runs short",
        f"Left: share of samples whose first shortfall falls in each year (bars) and by each year (line); "
        f"{format_percent(round(mc.p_no_shortfall, 3))} have none before {end}. Right: share of samples "
        "with a shortfall in some month of each year.",
    )
    years = mc.years
    first_by_year = (
        np.array([mc.first_exhaustion[:-1][mc.months // 12 == y].sum() for y in years]) / mc.samples
    )
    left.bar(years, first_by_year * 100, color=OKABE_ITO[5], alpha=0.8, label="First shortfall in the year")
    left.plot(
        years,
        np.cumsum(first_by_year) * 100,
        color="#000000",
        marker="o",
        ms=3,
        label="By the end of the year",
    )
    left.set_ylim(0, 105)
    left.set_ylabel("Share of samples [%]")
    left.set_xlabel("Year")
    left.legend(loc="center right", fontsize=9, framealpha=0.9, frameon=True)
    right.bar(years, mc.p_shortfall_in_year * 100, color=OKABE_ITO[1], alpha=0.85)
    right.set_ylim(0, 105)
    right.set_ylabel("Probability of a shortfall in the year [%]")
    right.set_xlabel("Year")
    for axes in (left, right):
        axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        axes.set_xticks(years[:: max(1, math.ceil(len(years) / 7))])
        axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    return figure


def targets_figure(mc: MonteCarlo) -> Figure:
    """Probability of each target being met on time, and how late otherwise."""
    figure, left, right = _two_panels(
        "Capacity targets: chance of being on time",
        "Left: share of samples in which corridor capacity reaches each target by its deadline. Right, in "
        "the same colours: "
        "share reached within a given delay after the deadline (samples not reaching it within the period "
        "never count).",
    )
    names = [shorten(t.name, 1.6, 10) for t in mc.targets][::-1]
    chances = [t.p_on_time * 100 for t in mc.targets][::-1]
    # One colour per target, the same in both panels; by position: names may repeat.
    colours = [OKABE_ITO[k % 6] for k in range(len(mc.targets))][::-1]
    bars = left.barh(range(len(names)), chances, color=colours)
    left.set_yticks(range(len(names)), names)
    left.bar_label(bars, labels=[f"{c:.1f}%" for c in chances], padding=3, fontsize=9)
    left.set_xlim(0, 115)
    left.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    left.set_xlabel("Probability on time [%]")
    for k, target in enumerate(mc.targets):
        late = np.array(sorted(target.months_late.items()), dtype=float).reshape(-1, 2)
        steps = np.concatenate([[0.0], late[:, 0]])
        share = np.concatenate([[0.0], np.cumsum(late[:, 1]) / mc.samples]) * 100
        right.step(
            steps, share, where="post", color=OKABE_ITO[k % 6], lw=2, label=shorten(target.name, 2.2, 9)
        )
    right.set_ylim(0, 105)
    right.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    right.set_xlabel("Months late (at most)")
    right.set_ylabel("Share of samples reaching the target [%]")
    right.legend(loc="lower right", fontsize=9)
    return figure


def _labels(sensitivity: Sensitivity, scenario: Scenario, width_in: float = 2.1) -> dict[str, str]:
    """Each uncertain input's name in words (``'The growth rate of ...'``), in lines of
    ``width_in`` inches at 8 pt: three where the bars leave room for them (up to 12 inputs on
    a panel 0.68 of the page high), two otherwise, the last cut with "…" if the name runs
    longer; the field's path when no name is known."""
    named = {p.path: parameter_label(scenario, p) for p in scenario.parameters()}
    most = 3 if len(sensitivity.paths) <= 12 else 2
    labels = {}
    for path in sensitivity.paths:
        text = named.get(path, path)
        lines = wrap("T" + text[1:] if text.startswith("the ") else text, width_in, 8)
        if len(lines) > most:
            lines = [*lines[: most - 1], shorten(" ".join(lines[most - 1 :]), width_in, 8)]
        labels[path] = "\n".join(lines)
    return labels


def _moving(sensitivity: Sensitivity) -> tuple[list[str], list[str]]:
    """The outcomes some input moves in the tornado, and those none does (their panels would be empty)."""
    moving: list[str] = []
    still: list[str] = []
    for name in sensitivity.outcomes:
        swings = [b.outcome_at_high[name] - b.outcome_at_low[name] for b in sensitivity.bars]
        (moving if any(np.isfinite(swings)) and np.nanmax(np.abs(swings)) > 0 else still).append(name)
    return moving, still


def _outcome_names(names: list[str], scenario: Scenario) -> str:
    """Outcomes by their labels without units, separated by semicolons."""
    return "; ".join(_outcome_scale(n, scenario)[1].split(" [")[0] for n in names)


def _not_shown(names: list[str], scenario: Scenario, why: str) -> str:
    return f" Not shown, as {why}: {_outcome_names(names, scenario)}." if names else ""


def _outcome_scale(name: str, scenario: Scenario) -> tuple[float, str]:
    """Divisor and axis label (with unit) of an outcome."""
    label = outcome_label(name, scenario)
    if name.endswith("_gbps"):
        return 1e3, label.replace("[Gbps]", "[Tbps]")
    if name.startswith("carried_share:"):
        return 0.01, label.replace("[fraction]", "[%]")
    if name == "first_exhaustion_months" or name == "months_short":
        return 1.0, f"{label} [months]"
    return 1.0, label


def _labelled_panels(left: Axes, right: Axes, used: int) -> None:
    """Two bar panels with room for long input names on their left; one alone (the last of an
    odd number of outcomes) takes the page's width rather than leave half of it empty."""
    if used > 1:
        left.set_position((0.25, 0.2, 0.22, 0.68))
        right.set_position((0.74, 0.2, 0.22, 0.68))
    else:
        left.set_position((0.25, 0.2, 0.71, 0.68))
        right.remove()


def _panel_width_in(pair: tuple[str, ...]) -> float:
    """Width [inches] a panel's title or axis label may take: a half-page panel's, or the whole
    panel's where one outcome takes the page (see :func:`_labelled_panels`)."""
    return 2.8 if len(pair) > 1 else 7.5


def _pairs(names: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [names[k : k + 2] for k in range(0, len(names), 2)]


def _nothing_page(title: str, text: str) -> Figure:
    """A page that says, in place of its charts, why there are none."""
    figure = Figure(figsize=PAGE_SIZE)
    figure.suptitle(title, x=0.08, ha="left", fontweight="bold", fontsize=13)
    figure.text(0.08, 0.85, fill(text, CAPTION_WIDTH_IN, 10.5), fontsize=10.5, va="top")
    return figure


def tornado_figures(sensitivity: Sensitivity, scenario: Scenario) -> list[Figure]:
    """Each parameter alone at its P10 and P90, the others at their medians; two outcomes a page."""
    pages = []
    labels = _labels(sensitivity, scenario)
    moving, still = _moving(sensitivity)
    if not moving:
        return [
            _nothing_page(
                "Tornado: which input moves each outcome, one at a time",
                "No input alone, from its 10th to its 90th percentile, moves any outcome: "
                + _outcome_names(still, scenario)
                + ". The uncertain inputs do not change the answers of this scenario.",
            )
        ]
    for pair in _pairs(tuple(moving)):
        figure, left, right = _two_panels(
            "Tornado: which input moves each outcome, one at a time",
            "How far each outcome moves when one input alone goes from a low to a high value while every other "
            "input stays at its median: light, the input at its 10th percentile; dark, at its 90th. The line "
            "marks every input at its median. The longest bars, at the top, are the assumptions worth pinning "
            "down first."
            + (
                f" Faults at random: each point is the mean over the same {TORNADO_FAULT_STREAMS} draws of faults."
                if any(p in FAULT_OUTCOMES for p in pair)
                else ""
            )
            + _not_shown(still, scenario, "no input alone moves them"),
        )
        for axes, outcome in zip((left, right), pair, strict=False):
            divisor, title = _outcome_scale(outcome, scenario)
            middle = sensitivity.baseline[outcome]
            swing = [abs(b.outcome_at_high[outcome] - b.outcome_at_low[outcome]) for b in sensitivity.bars]
            order = np.argsort(swing)
            for row, k in enumerate(order):
                bar = sensitivity.bars[k]
                for value, colour in (
                    (bar.outcome_at_low[outcome], "#9ecae1"),
                    (bar.outcome_at_high[outcome], "#08519c"),
                ):
                    axes.barh(
                        row, (value - middle) / divisor, left=middle / divisor, color=colour, height=0.6
                    )
            axes.axvline(middle / divisor, color="#000000", lw=1)
            axes.set_yticks(range(len(order)), [labels[sensitivity.bars[k].path] for k in order], fontsize=8)
            axes.set_xlabel(fill(title, _panel_width_in(pair), 10.5))
            axes.xaxis.set_major_locator(MaxNLocator(5))  # long tick labels must not run together
        _labelled_panels(left, right, len(pair))
        pages.append(figure)
    return pages


def sobol_figures(sensitivity: Sensitivity, scenario: Scenario) -> list[Figure]:
    """First-order and total Sobol' indices of the outcomes, with their intervals; two outcomes a page."""
    level = format_percent(sensitivity.confidence_level)
    rows = np.arange(len(sensitivity.paths))
    pages = []
    by_name = {s.outcome: s for s in sensitivity.sobol}
    labels = _labels(sensitivity, scenario)
    varying = [n for n in sensitivity.outcomes if np.nan_to_num(by_name[n].total).max(initial=0.0) > 0]
    still = [n for n in sensitivity.outcomes if n not in varying]
    if not varying:
        return [
            _nothing_page(
                "Which input matters most: Sobol' indices",
                "No outcome varies over the samples, so no input explains any of its spread: "
                + _outcome_names(still, scenario)
                + ".",
            )
        ]
    for pair in _pairs(tuple(varying)):
        figure, left, right = _two_panels(
            "Which input matters most: Sobol' indices",
            "What share of each outcome's spread over the samples comes from each input: 0.6 means 60% of "
            "the variance. First-order: the input alone; total: the input with its interactions with the "
            f"others. Whiskers: {level} bootstrap intervals from {sensitivity.base_samples:,} base samples "
            "(Saltelli's method, scipy.stats.sobol_indices). Inputs are taken as independent here."
            + (
                " Faults at random: each base sample draws its own faults, so the spread the inputs leave "
                "unexplained is the faults' own chance."
                if any(p in FAULT_OUTCOMES for p in pair)
                else ""
            )
            + _not_shown(still, scenario, "they do not vary over the samples"),
        )
        for axes, name in zip((left, right), pair, strict=False):
            indices = by_name[name]
            for offset, values, interval, colour, label in (
                (-0.18, indices.first_order, indices.first_order_interval, OKABE_ITO[0], "first-order"),
                (0.18, indices.total, indices.total_interval, OKABE_ITO[1], "total"),
            ):
                shown = np.nan_to_num(values)
                error = np.abs(np.nan_to_num(interval) - shown)
                axes.barh(rows + offset, shown, height=0.35, color=colour, xerr=error, capsize=2, label=label)
            axes.set_yticks(rows, [labels[p] for p in sensitivity.paths], fontsize=8)
            axes.invert_yaxis()
            axes.set_xlim(0, 1.05)
            title = _outcome_scale(name, scenario)[1].split(" [")[0]
            axes.set_title(
                fill(title[0].upper() + title[1:], _panel_width_in(pair), 10.5), fontsize=10.5, loc="left"
            )
            axes.set_xlabel("Sobol' index [fraction of variance]")
            axes.legend(loc="lower right", fontsize=9)
            if name in FAULT_OUTCOMES:
                explained = float(np.clip(np.nansum(np.clip(indices.first_order, 0, None)), 0, 1))
                axes.text(
                    0.98,
                    0.97,
                    fill(
                        f"The inputs alone explain about {format_percent(round(explained, 2))} of the spread; "
                        "the rest is the faults' own chance.",
                        2.2,
                        9,
                    ),
                    transform=axes.transAxes,
                    ha="right",
                    va="top",
                    fontsize=9,
                    bbox={"facecolor": "white", "edgecolor": "#999999", "boxstyle": "round,pad=0.3"},
                )
        _labelled_panels(left, right, len(pair))
        pages.append(figure)
    return pages


#: Inputs drawn on the Sobol'-by-year page: those that matter most (more lines are unreadable).
MOST_LINES = 5
#: Colours of those lines: Okabe-Ito without its yellow, which is unreadable on white.
_LINE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7")


def sobol_over_time_figure(sensitivity: Sensitivity, scenario: Scenario) -> Figure:
    """First-order Sobol' index of each year's peak utilisation, for the :data:`MOST_LINES`
    inputs with the largest index in any year."""
    figure = Figure(figsize=PAGE_SIZE)
    axes = figure.add_axes((0.08, 0.3, 0.86, 0.6))
    axes.set_title(
        "Which input matters when: Sobol' indices of utilisation by year",
        loc="left",
        fontweight="bold",
        pad=12,
    )
    indices = np.nan_to_num(sensitivity.utilisation_first_order)  # (years, inputs)
    largest = indices.max(axis=0) if indices.size else np.zeros(len(sensitivity.paths))
    order = [int(k) for k in np.argsort(-largest, kind="stable")[:MOST_LINES]]
    left_out = len(sensitivity.paths) - len(order)
    caption = (
        "For each year, the share of the spread of that year's peak utilisation that comes from each input "
        "alone (first-order Sobol' index): which assumption drives the uncertainty early in the period and "
        "which late."
    )
    if left_out > 0:
        rest = float(np.delete(largest, order).max())
        caption += (
            f" The {MOST_LINES} inputs with the largest index are drawn; the other {left_out} stay at or below "
            f"{rest:.2f} in every year."
        )
    figure.text(0.08, 0.035, fill(caption, CAPTION_WIDTH_IN, 9), fontsize=9, color="#333333")
    labels = _labels(sensitivity, scenario, width_in=4.4)
    markers = "osD^v"
    for line, k in enumerate(order):
        axes.plot(
            sensitivity.years,
            indices[:, k],
            color=_LINE_COLOURS[line],
            marker=markers[line],
            ms=4,
            lw=1.6,
            label=labels[sensitivity.paths[k]].replace("\n", " "),
        )
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("First-order Sobol' index [fraction of variance]")
    axes.set_xlabel("Year")
    legend_below(figure, axes)
    return figure


def uncertainty_figures(mc: MonteCarlo, projection: Projection) -> list[Figure]:
    """The pages of the Monte Carlo run, in order: fan charts, first shortfall, targets."""
    pages = [
        fan_chart_figure(mc, projection),
        utilisation_fan_figure(mc, projection.max_utilisation),
        exhaustion_figure(mc),
    ]
    if mc.targets:
        pages.append(targets_figure(mc))
    if mc.faults is not None:
        pages.append(fault_figure(mc.faults, len(mc.years), mc.samples))
    return pages


def fault_figure(faults: FaultLosses, years: int, samples: int, subject: str = "") -> Figure:
    """Faults at random: how much traffic they cost in a year, and how likely a bad year is;
    over ``years`` calendar years and ``samples`` samples. ``subject`` (e.g. ``' end to end'``)
    follows the title."""
    whole = faults.whole_years  # a part year would look safer
    figure, left, right = _two_panels(
        f"Faults at random{subject}: traffic lost in a year",
        "Traffic lost because of faults drawn at random (Poisson arrivals, lognormal repair times), beyond what "
        "is lost anyway at the emergency utilisation. Left: how the traffic lost in a year spreads over the "
        f"samples and the years the period covers whole ({int(whole.sum())} of {years}); the line marks "
        "the mean. Right: the chance that faults take more than a given share of a year's demand. "
        f"{samples:,} samples; each draws its own faults.",
    )
    share = faults.in_whole_years(faults.share)
    values = faults.in_whole_years(faults.lost_tbps_days)
    top = float(np.quantile(values, 0.995)) if values.size else 0.0
    unit, scale = ("Gbps·days", 1000.0) if top < 1 else ("Tbps·days", 1.0)
    shown = np.minimum(values, top) * scale
    left.hist(
        shown, bins=40, color=OKABE_ITO[5], alpha=0.85, weights=np.full(shown.size, 100 / max(shown.size, 1))
    )
    left.axvline(float(values.mean()) * scale, color="#000000", lw=1.2, label="Mean")
    left.set_xlabel(
        f"Traffic lost to faults in a year [{unit}]"
        + (" (the top 0.5% at the right edge)" if top < values.max() else "")
    )
    left.set_ylabel("Share of sample-years [%]")
    left.legend(loc="upper right", fontsize=9)
    levels = np.logspace(-5, 0, 60)
    chance = [(share > level).mean() * 100 for level in levels]
    right.plot(levels * 100, chance, color=OKABE_ITO[0], lw=2)
    right.set_xscale("log")
    right.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}%"))
    right.set_ylim(0, 105)
    right.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    right.set_xlabel("Share of the year's demand lost to faults, more than [%, log scale]")
    right.set_ylabel("Chance in a year [%]")
    return figure


def sobol_pages(sensitivity: Sensitivity, scenario: Scenario) -> list[Figure]:
    """The Sobol' pages, in order: the indices of each outcome, then those of utilisation by year."""
    return [*sobol_figures(sensitivity, scenario), sobol_over_time_figure(sensitivity, scenario)]
