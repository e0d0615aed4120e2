"""The results of a Monte Carlo run in words: how many samples, what each uncertain input
is, how the central case differs from the median, and the headlines over the samples."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..engine import Projection
from ..paths import format_value
from ..schema import PiecewiseGrowth, Scenario
from ..uncertainty import Parameter
from ..units import format_bit_rate, format_days, format_duration, format_fault_rate, format_month
from .faults import fault_line
from .words import names as _names
from .words import percent, volume
from .words import rate as _rate

if TYPE_CHECKING:  # the Monte Carlo modules load scipy.stats: only runs with uncertainty need them
    from ..engine.montecarlo import MonteCarlo

__all__ = [
    "central_case_differences",
    "faults_not_drawn",
    "parameter_label",
    "samples_phrase",
    "scenario_samples_phrase",
    "uncertain_answer",
    "uncertain_headlines",
]


def samples_phrase(mc: MonteCarlo) -> str:
    """``'10,000 samples of the uncertain inputs'``, or of the faults when nothing else is drawn."""
    return scenario_samples_phrase(mc.scenario, mc.samples)


def scenario_samples_phrase(scenario: Scenario, samples: int) -> str:
    """:func:`samples_phrase` of ``samples`` of a scenario's uncertain inputs."""
    drawn = "the uncertain inputs" if scenario.parameters() else "the faults drawn at random"
    return f"{samples:,} samples of {drawn}"


def faults_not_drawn(projection: Projection) -> str | None:
    """What a run without samples says of its fault rates, or None without any."""
    if not projection.scenario.fault_sources():
        return None
    return (
        "Faults at random are drawn only in Monte Carlo runs: the fault rates are not used here "
        "(run without --deterministic)."
    )


def uncertain_answer(mc: MonteCarlo) -> str:
    """The verdict's first sentence over the samples: how often and how long the corridor runs
    short, and the targets' chances of being on time."""
    short = mc.per_sample["months_short"]
    p_short = float(np.mean(short > 0))
    answer = "Yes" if p_short == 0 else ("Probably" if p_short < 0.5 else "No")
    text = f"{answer}. Over {samples_phrase(mc)}, the corridor "
    if p_short == 0:
        text += "never runs short"
    else:
        months = short[short > 0]  # the typical length of a shortfall, among the samples that have one
        p10, p50, p90 = (int(np.quantile(months, q, method="inverted_cdf")) for q in (0.1, 0.5, 0.9))
        text += f"runs short in {percent(p_short)} of them, for a median of {p50:,} months when it does " + (
            f"(80% of those between {p10:,} and {p90:,})"
            if p10 != p90
            else f"({p50:,} in at least 80% of those)"
        )
    chances = [t for t in mc.targets if t.p_on_time < 1.0]
    if chances:
        worst = sorted(chances, key=lambda t: t.p_on_time)[:3]
        text += "; " + _names([f"{t.name} is on time in {percent(t.p_on_time)} of them" for t in worst])
    return text + "."


def parameter_label(scenario: Scenario, parameter: Parameter) -> str:
    """A reader's name of an uncertain input: ``'ofc phase 3 (4 Tbps) in service'`` (a phase with
    its capacity, not to be taken for a target of the same number), ``'the growth rate of
    <stream>'``; its path when nothing better is known."""
    owner, field = parameter.ref.owner, parameter.ref.field
    for link in scenario.links:
        for k, phase in enumerate(link.phases):
            if phase is owner:
                return f"{link.id} phase {k + 1} ({format_bit_rate(phase.capacity)}) " + (
                    "in service" if field == "in_service" else field.replace("_", " ")
                )
        if link is owner:
            return f"{link.id} {field}"
    for stream in scenario.demand:
        name = stream.display_name
        if owner is stream.base:
            return f"the base value of {name}"
        if owner is stream.growth and field == "draw":
            return f"the fitted growth of {name}"
        if owner is stream.growth:
            return f"the growth rate of {name}"
        rates = stream.growth.rates if isinstance(stream.growth, PiecewiseGrowth) else []
        for rate in rates:
            if owner is rate:
                return f"the growth rate of {name} from {format_month(rate.from_)}"
        if owner is stream.share:
            words = {
                "end": "final share",
                "start": "starting share",
                "value": "share",
                "p": "Bass p",
                "q": "Bass q",
            }
            return f"the {words.get(field, 'share ' + field.rstrip('_'))} of {name}"
    for target in scenario.targets:
        if owner is target:
            return f"the {field} of target {target.name}"
    names = {link.id: link.display_name for link in scenario.links} | {
        g.id: g.display_name for g in scenario.risk_groups
    }
    for source in scenario.fault_sources():
        name = names[source.id]
        if owner is source.faults:
            return f"the fault rate of {name}" + (" per 1,000 km" if field == "rate_per_1000_km" else "")
        if owner is source.faults.repair:
            return f"the {'median' if field == 'median' else 'P90'} repair time of {name}"
    return parameter.path


def _readable(parameter: Parameter, value: float) -> str:
    """A value of an uncertain input in its unit, to three significant digits."""
    kind = parameter.ref.kind
    if kind == "bit rate":
        return _rate(value)
    if kind in ("percentage", "growth rate"):
        return percent(value)
    if kind == "date":
        return format_month(round(value))
    if kind == "duration":
        return format_duration(round(value))
    if kind == "repair time":
        return format_days(value)
    if kind in ("fault rate", "fault rate per 1000 km"):
        return format_fault_rate(value, per_1000_km=kind != "fault rate")
    if kind == "length":
        return f"{value:,.0f} km" if value >= 999.5 else f"{value:.3g} km"
    return f"{value:.3g}"


def central_case_differences(scenario: Scenario, most: int = 3) -> list[str]:
    """How the written values differ from the medians of their ranges, in words.

    Delays: the written dates assume none, the range's median is N months. Other inputs:
    named when their median differs from the written value by more than 1%.
    """
    from ..engine.montecarlo import distribution

    delays, others = [], []
    for parameter in scenario.parameters():
        median = float(distribution(parameter).ppf(np.array([0.5]))[0])
        label = parameter_label(scenario, parameter)
        if parameter.dist == "delay":
            if round(median) > 0:
                delays.append(f"{label.removesuffix(' in service')} at {format_duration(round(median))}")
            continue
        written = float(parameter.ref.value)
        if parameter.ref.kind in ("date", "duration"):
            median, tolerance = round(median), 0.5  # whole months
        else:
            tolerance = 0.01 * max(abs(written), 1e-12)
        if abs(median - written) > tolerance:
            others.append(
                (
                    f"the range of {label} has its median at"
                    if label.startswith("the median")
                    else f"the median of {label} is"
                )
                + f" {_readable(parameter, median)}, "
                f"not the {format_value(parameter.ref, written)} written"
            )
    parts = []
    if delays:
        parts.append(
            "the written dates assume no delay, while the ranges put the median delay of " + _names(delays)
        )
    parts += others
    if len(parts) > most:
        rest = len(parts) - most + 1
        parts = [*parts[: most - 1], f"{rest} more inputs differ (see the assumptions)"]
    return parts


def uncertain_headlines(mc: MonteCarlo) -> list[str]:
    """Headline results with their probabilities, over the samples, for the summary page."""
    lines = []
    for target in mc.targets:
        lines.append(f"{target.name} on time: {percent(target.p_on_time)}.")
    end = format_month(int(mc.months[-1]))
    lines.append(f"No shortfall through {end}: {percent(mc.p_no_shortfall)}.")
    p10, p50, p90 = (mc.first_exhaustion_quantile(q) for q in (0.1, 0.5, 0.9))
    if p50 is not None:
        show = [format_month(m) if m is not None else f"after {end}" for m in (p10, p50, p90)]
        spread = (
            f"80% of samples between {show[0]} and {show[2]}"
            if show[0] != show[2]
            else f"at least 80% of samples in {show[0]}"
        )
        lines.append(f"First shortfall: median {show[1]}; {spread}.")
    q = {name: [mc.outcome_quantile(name, p) for p in (0.1, 0.5, 0.9)] for name in mc.per_sample}
    months = q["months_short"]
    lines.append(
        f"Months short: median {months[1]:,.0f} of {len(mc.months):,} (P10 {months[0]:,.0f}, P90 {months[2]:,.0f})."
    )
    lost = q["unserved_tbps_months"]
    lines.append(
        f"Unserved traffic: median {volume(lost[1])} (P10 {volume(lost[0])}, P90 {volume(lost[2])})."
    )
    for stream in mc.scenario.demand:
        name = f"carried_share:{stream.id}"
        if name in q:
            low, mid, high = q[name]
            lines.append(
                f"{stream.display_name}, carried share at {end}: median {percent(mid)} "
                f"(P10 {percent(low)}, P90 {percent(high)})."
            )
    faults = fault_line(mc.faults)
    if faults is not None:
        lines.append(faults)
    return lines
