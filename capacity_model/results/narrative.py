"""The results of a run in words: the verdict, the headlines, target statuses.

Every sentence is built from the figures of a :class:`~capacity_model.engine.Projection`
(and, with uncertain inputs, a :class:`~capacity_model.engine.montecarlo.MonteCarlo`);
the same sentences open the report's summary page and the command line's summary.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..engine import Projection, TargetOutcome
from ..paths import format_value
from ..schema import Link, Phase, Scenario
from ..uncertainty import Parameter
from ..units import format_bit_rate, format_duration, format_month

if TYPE_CHECKING:  # the Monte Carlo modules load scipy.stats: only runs with uncertainty need them
    from ..engine.montecarlo import MonteCarlo

__all__ = [
    "carried_lines",
    "headlines",
    "percent",
    "plan_rule_text",
    "shortfall_line",
    "target_status_text",
    "uncertain_headlines",
    "verdict",
    "volume",
]


# --- numbers in words ----------------------------------------------------------------------


def percent(fraction: float) -> str:
    """A fraction as a readable percentage: whole percents from 10%, one decimal from 1%,
    two significant digits below (``'77%'``, ``'2.3%'``, ``'0.78%'``); never rounds a part
    up to ``'100%'`` or down to ``'0%'``."""
    value = float(fraction) * 100
    if value in (0.0, 100.0) or not np.isfinite(value):
        return f"{value:.0f}%"
    if 99.5 <= value < 100:
        return f"{math.floor(value * 10) / 10:.1f}%"
    if value >= 9.95:
        return f"{value:.0f}%"
    if value >= 0.995:
        return f"{value:.1f}%"
    if value < 0.01:
        return "<0.01%"
    return f"{value:.2g}%"


def volume(tbps_months: float) -> str:
    """Unserved traffic in Tbps·months, to three significant digits (``'4,788 Tbps·months'``)."""
    if tbps_months >= 100:
        return f"{tbps_months:,.0f} Tbps·months"
    if tbps_months == 0:
        return "0 Tbps·months"
    return f"{tbps_months:.3g} Tbps·months"


def _rate(gbps: float) -> str:
    return format_bit_rate(gbps, 3)


def _names(items: list[str]) -> str:
    """``'a'``, ``'a and b'``, ``'a, b and c'``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


# --- targets, shortfalls, carried traffic, plan ----------------------------------------------


def target_status_text(target: TargetOutcome) -> str:
    """``'on time, sufficient'``, ``'on time, short by 7.3 Tbps'``, ``'late by 18 months'`` or ``'not met'``."""
    if target.status == "sufficient":
        return "on time, sufficient"
    if target.status == "short":
        return f"on time, short by {_rate(target.short_by_gbps)}"
    if target.status == "late":
        return f"late by {format_duration(target.months_late or 0)}"
    return "not met"


def shortfall_line(projection: Projection) -> str:
    """Months short, episodes and unserved traffic in one sentence."""
    total = len(projection.months)
    threshold = percent(projection.max_utilisation)
    if not projection.episodes:
        return f"Demand stays within {threshold} of capacity in all {total:,} months: no shortfall."
    first = projection.episodes[0]
    longest = max(projection.episodes, key=lambda e: e.months)
    longest_text = (
        f"from {format_month(longest.start)} to the end of the period ({_count(longest.months, 'month')})"
        if longest.ongoing
        else f"from {format_month(longest.start)} to {format_month(longest.end)} ({_count(longest.months, 'month')})"
    )
    episodes = len(projection.episodes)
    return (
        f"Demand exceeds {threshold} of capacity in {projection.months_short:,} of {total:,} months, "
        f"first from {format_month(first.start)}"
        + (
            f", in {episodes} episodes; the longest runs {longest_text}."
            if episodes > 1
            else f", {longest_text}."
        )
        + f" Traffic unserved (demand above {threshold} of capacity): {volume(projection.unserved_tbps_months)}, "
        f"{percent(projection.unserved_share)} of all demand over the period."
    )


def _report_months(projection: Projection) -> list[int]:
    """Months at which carried shares are reported: the last target deadline inside the
    period (before its end), and the period's last month."""
    end = int(projection.months[-1])
    inside = [t.by for t in projection.targets if projection.months[0] <= t.by < end]
    return ([max(inside)] if inside else []) + [end]


def carried_lines(projection: Projection) -> list[str]:
    """For each stream with a share: the part of its base traffic the corridor carries, against
    the share invited, at the last target deadline and at the end of the period."""
    lines = []
    for stream in projection.scenario.demand:
        carried_share = projection.carried_share(stream.id)
        share = projection.stream_share[stream.id]
        if carried_share is None or share is None:
            continue
        parts = []
        for month in _report_months(projection):
            i = projection.index(month)
            demand = projection.stream_demand_gbps[stream.id][i]
            fraction = projection.stream_carried_gbps[stream.id][i] / demand if demand > 0 else 1.0
            of = "all" if fraction >= 1.0 - 1e-9 else percent(fraction)
            parts.append(
                f"{percent(carried_share[i])} at {format_month(month)} ({of} of the {percent(share[i])} invited)"
            )
        lines.append(
            f"{stream.display_name}: of its base traffic, the corridor carries " + " and ".join(parts) + "."
        )
    return lines


def plan_rule_text(projection: Projection) -> str:
    """The upgrade rule in words, saying which parts are defaults."""
    plan = projection.plan
    text = (
        f"upgrades in steps of {_rate(plan.step_gbps)}, each sized to last "
        f"{format_duration(plan.horizon_months)}, ordered {format_duration(plan.lead_time_months)} ahead"
    )
    notes = []
    rule = [name for name in ("step", "horizon") if name in plan.defaults]
    if rule:
        notes.append(
            f"{_names(['the ' + n for n in rule])} {'is the default' if len(rule) == 1 else 'are the defaults'}"
        )
    if "lead_time" in plan.defaults:
        notes.append("the lead time is planning.default_lead_time")
    return text + (f" ({'; '.join(notes)}: set planning.upgrade to change)" if notes else "")


def _plan_line(projection: Projection) -> str:
    plan = projection.plan
    threshold = percent(projection.max_utilisation)
    if not plan.upgrades:
        return (
            f"Capacity plan: no upgrade needed; the capacity planned keeps utilisation at or below "
            f"{threshold} in every month. Rule: {plan_rule_text(projection)}."
        )
    first = plan.upgrades[0]
    when = "had to be ordered by" if first.order_by_passed else "must be ordered by"
    if len(plan.upgrades) == 1:
        what = (
            f"one upgrade of {_rate(first.size_gbps)}, in service by {format_month(first.in_service)}, keeps "
            f"utilisation at or below {threshold}; it {when} {format_month(first.order_by)}"
        )
    else:
        what = (
            f"{len(plan.upgrades):,} upgrades adding {_rate(plan.total_added_gbps)} keep utilisation at or "
            f"below {threshold}; the first, +{_rate(first.size_gbps)} in service by "
            f"{format_month(first.in_service)}, {when} {format_month(first.order_by)}"
        )
    return f"Capacity plan: {what}. Rule: {plan_rule_text(projection)}."


def _targets_line(projection: Projection) -> str | None:
    targets = projection.targets
    if not targets:
        return None
    good = sum(t.status == "sufficient" for t in targets)
    if good == len(targets):
        return (
            f"{_count_targets(len(targets))} reached on time, each enough for demand at its due date "
            f"(demand / {percent(projection.max_utilisation)})."
        )
    details = [f"{t.name}: {target_status_text(t)}" for t in targets if t.status != "sufficient"]
    on_time = sum(t.status in ("sufficient", "short") for t in targets)
    return f"{on_time} of {len(targets)} targets reached on time; " + "; ".join(details) + "."


def _count_targets(n: int) -> str:
    return "The capacity target is" if n == 1 else f"All {n} capacity targets are"


def headlines(projection: Projection) -> list[str]:
    """The central case's headline results, one bullet each."""
    scenario = projection.scenario
    lines = [shortfall_line(projection)]
    target_line = _targets_line(projection)
    if target_line:
        lines.append(target_line)
    lines += carried_lines(projection)
    lines.append(_plan_line(projection))
    gap, gap_month = projection.largest_gap
    if gap_month is not None:
        lines.append(f"Largest gap: {_rate(gap)} of capacity missing in {format_month(gap_month)}.")
    end = format_month(scenario.period.end)
    lines.append(
        f"At the horizon ({end}) demand needs {_rate(projection.required_capacity_gbps[-1])} of capacity; "
        f"{_rate(projection.capacity_gbps[-1])} is in service "
        f"(utilisation {percent(float(projection.utilisation[-1]))})."
    )
    lines.append(
        f"Months run from {format_month(scenario.period.start)} to {end}; utilisation threshold "
        f"{percent(projection.max_utilisation)}."
    )
    return lines


# --- the verdict ---------------------------------------------------------------------------


def _targets_clause(targets: tuple[TargetOutcome, ...]) -> tuple[str | None, bool]:
    """What the targets say, and whether that is good news."""
    if not targets:
        return None, True
    late = [t for t in targets if t.status == "late"]
    missed = [t for t in targets if t.status == "not_met"]
    short = [t for t in targets if t.status == "short"]
    if not (late or missed or short):
        one = len(targets) == 1
        return (
            "the announced target is met on time" if one else "every announced target is met on time"
        ), True
    parts = [f"{t.name} is {format_duration(t.months_late or 0)} late" for t in late]
    parts += [f"{t.name} is not reached within the period" for t in missed]
    if short:
        verb = "is" if len(short) == 1 else "are"
        whose = "its" if len(short) == 1 else "their"
        parts.append(
            f"{_names([t.name for t in short])} {verb} too small for demand at {whose} due date"
            + ("" if len(short) > 1 else f" (short by {_rate(short[0].short_by_gbps)})")
        )
        if not (late or missed):
            one = len(targets) == 1
            lead = "the announced target is met on time" if one else "every announced target is met on time"
            return f"{lead}, but {parts[-1]}", False
    return _names(parts), False


def _carried_clause(projection: Projection) -> str:
    """``'carries 8% of <stream> invited at <end>'`` for the first stream with a share, or ``''``."""
    for stream in projection.scenario.demand:
        if projection.stream_share[stream.id] is None:
            continue
        demand = float(projection.stream_demand_gbps[stream.id][-1])
        if demand <= 0:
            return ""
        fraction = float(projection.stream_carried_gbps[stream.id][-1]) / demand
        return (
            f"; at {format_month(int(projection.months[-1]))} it carries {percent(fraction)} of the "
            f"invited {stream.display_name}"
        )
    return ""


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def verdict(projection: Projection, mc: MonteCarlo | None = None) -> list[str]:
    """The answer to the scenario's question in plain sentences, built from the figures.

    Do the announced phases keep up with demand? The first sentence answers yes or no with
    the targets, when and for how long demand outgrows capacity, and how much of the traffic
    invited is carried; the second says what meeting demand needs and what the capacity plan
    adds. With uncertain inputs two more give the probabilities and how the values written
    (the central case) differ from the ranges.
    """
    scenario = projection.scenario
    end = format_month(scenario.period.end)
    threshold = percent(projection.max_utilisation)
    targets, targets_good = _targets_clause(projection.targets)
    sentences = []
    if not projection.episodes:
        first = f"Yes. Demand stays within {threshold} of capacity in every month to {end}"
        if targets:
            first += f", and {targets}" if targets_good else f", though {targets}"
        sentences.append(first + ".")
        sentences.append(
            f"At {end} demand uses {percent(float(projection.utilisation[-1]))} of the "
            f"{_rate(projection.capacity_gbps[-1])} in service."
        )
    else:
        start = format_month(projection.episodes[0].start)
        outgrows = (
            f"demand outgrows capacity from {start}: the corridor is short for "
            f"{projection.months_short:,} of {len(projection.months):,} months{_carried_clause(projection)}"
        )
        if targets is None:
            sentences.append(f"No. {_sentence(outgrows)}.")
        else:
            sentences.append(f"No. {_sentence(targets)}, {'but' if targets_good else 'and'} {outgrows}.")
        plan = projection.plan
        second = (
            f"Meeting demand at {end} needs {_rate(projection.required_capacity_gbps[-1])} of capacity, "
            f"not the {_rate(projection.capacity_gbps[-1])} planned"
        )
        if plan.upgrades:
            first_up = plan.upgrades[0]
            when = "had to be ordered by" if first_up.order_by_passed else "must be ordered by"
            if len(plan.upgrades) == 1:
                second += (
                    f": the capacity plan adds one upgrade of {_rate(first_up.size_gbps)}, in service by "
                )
            else:
                second += (
                    f": the capacity plan adds {len(plan.upgrades):,} upgrades "
                    f"({_rate(plan.total_added_gbps)} in all), the first in service by "
                )
            second += f"{format_month(first_up.in_service)}, which {when} {format_month(first_up.order_by)}"
        sentences.append(second + ".")
    if mc is not None:
        sentences += _uncertain_verdict(projection, mc)
    return sentences


def _uncertain_verdict(projection: Projection, mc: MonteCarlo) -> list[str]:
    short = mc.per_sample["months_short"]
    p_short = float(np.mean(short > 0))
    text = f"Over {mc.samples:,} samples of the uncertain inputs, the corridor runs short in {percent(p_short)} of them"
    if p_short > 0:
        p10, p50, p90 = (int(mc.outcome_quantile("months_short", q)) for q in (0.1, 0.5, 0.9))
        text += f", for a median of {p50:,} months (80% of samples between {p10:,} and {p90:,})"
    chances = [t for t in mc.targets if t.p_on_time < 1.0]
    if chances:
        worst = sorted(chances, key=lambda t: t.p_on_time)[:3]
        text += "; " + _names([f"{t.name} is on time in {percent(t.p_on_time)}" for t in worst])
    sentences = [text + "."]
    differences = central_case_differences(projection.scenario)
    if differences:
        sentences.append(
            "The central case above uses the values written in the scenario; " + _names(differences) + "."
        )
    return sentences


def parameter_label(scenario: Scenario, parameter: Parameter) -> str:
    """A short name of an uncertain input: ``'ofc phase 3 in service'``, else its path."""
    owner = parameter.ref.owner
    if isinstance(owner, Phase):
        for link in scenario.links:
            for k, phase in enumerate(link.phases):
                if phase is owner:
                    return f"{link.id} phase {k + 1} {parameter.ref.field.replace('_', ' ')}"
    if isinstance(owner, Link):
        return f"{owner.id} {parameter.ref.field}"
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
            median = round(median)
        if abs(median - written) > 0.01 * max(abs(written), 1e-12):
            others.append(
                f"the median of {label} is {_readable(parameter, median)}, "
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
    """Headline results with their probabilities, for the summary page."""
    lines = [f"Over {mc.samples:,} samples of the uncertain inputs:"]
    for target in mc.targets:
        lines.append(f"{target.name} on time: {percent(target.p_on_time)}.")
    end = format_month(int(mc.months[-1]))
    lines.append(f"No shortfall before {end}: {percent(mc.p_no_shortfall)}.")
    p10, p50, p90 = (mc.first_exhaustion_quantile(q) for q in (0.1, 0.5, 0.9))
    if p50 is not None:
        show = [format_month(m) if m is not None else f"after {end}" for m in (p10, p50, p90)]
        lines.append(f"First shortfall: median {show[1]}; 80% of samples between {show[0]} and {show[2]}.")
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
    return lines
