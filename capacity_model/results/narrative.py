"""The results of a run in words: the verdict, the headlines, target statuses.

Every sentence is built from the figures of a :class:`~capacity_model.engine.Projection`
(and, with uncertain inputs, a :class:`~capacity_model.engine.montecarlo.MonteCarlo`);
the same sentences open the report's summary page and the command line's summary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..engine import Episode, Projection, TargetNeed, TargetOutcome
from ..engine.resilience import Loss
from ..schema import Scenario
from ..units import format_bit_rate, format_days, format_duration, format_month
from .outages import outage_lines
from .uncertainty_text import central_case_differences, uncertain_answer
from .words import names as _names
from .words import percent, plural, volume
from .words import rate as _rate

if TYPE_CHECKING:  # the Monte Carlo modules load scipy.stats: only runs with uncertainty need them
    from ..engine.montecarlo import MonteCarlo

__all__ = [
    "NEED_LABELS",
    "carried_lines",
    "headlines",
    "n_minus_1_line",
    "need_text",
    "needs_line",
    "percent",
    "plan_rule_text",
    "shortfall_line",
    "target_status_text",
    "verdict",
    "volume",
]


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

    def span(episode: Episode) -> str:
        if episode.months == 1:
            return f"in {format_month(episode.start)} only"
        end = "the end of the period" if episode.ongoing else format_month(episode.end)
        return f"from {format_month(episode.start)} to {end}"

    episodes = len(projection.episodes)
    return (
        f"Demand exceeds {threshold} of capacity in {projection.months_short:,} of {total:,} months"
        + (
            f", first from {format_month(first.start)}, in {episodes} episodes; the longest runs "
            f"{span(longest)} ({plural(longest.months, 'month')})."
            if episodes > 1
            else f", {span(first)}."
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
            if share[i] <= 0 or demand <= 0:
                parts.append(f"nothing at {format_month(month)} (none is invited yet)")
                continue
            fraction = projection.stream_carried_gbps[stream.id][i] / demand
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
    defaults = [{"step": "step", "horizon": "horizon", "lead_time": "lead time"}[n] for n in plan.defaults]
    return text + (f" ({_names(defaults)}: default{'s' if len(defaults) > 1 else ''})" if defaults else "")


def _plan_line(projection: Projection) -> str:
    plan = projection.plan
    threshold = percent(projection.max_utilisation)
    if plan.problem:
        return f"Capacity plan: none could be made: {plan.problem}."
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


#: What meeting a target takes, in a table cell.
NEED_LABELS = {
    "nothing": "nothing: within lit",
    "activation": "switching on installed",
    "upgrade": "new equipment, same fibre",
    "new_system": "a new system",
    "beyond_installed": "upgrade or new system",
}


def need_text(need: TargetNeed, scenario: Scenario, brief: bool = False) -> str:
    """What meeting a target takes, in words, with the capacity in place it is judged from
    (left out when ``brief``: said once before a list of targets)."""
    place = need.in_place
    at = format_month(place.at)
    lit, installed = _rate(place.lit_gbps), _rate(place.installed_gbps)
    ceiling = _rate(place.potential_gbps or 0.0)
    if need.need == "nothing":
        return "nothing: within the lit capacity" if brief else f"nothing: within the {lit} lit at {at}"
    if need.need == "activation":
        return "switching on installed capacity (days to weeks)" + (
            "" if brief else f": within the {installed} installed at {at}"
        )
    if need.need == "upgrade":
        return "new equipment on the existing fibre (months)" + (
            f", within the links' potential of {ceiling}"
            if brief
            else f": beyond the {installed} installed at {at}, within the links' potential of {ceiling}"
        )
    if need.need == "new_system":
        if not place.in_service:
            return f"a new system (years): no link is in service at {at}"
        return f"a new system (years): beyond the links' potential of {ceiling}"
    names = {link.id: link.display_name for link in scenario.links}
    return (
        ("more than is installed" if brief else f"more than the {installed} installed at {at}")
        + ": new equipment or a new system (no potential is given for "
        + ", ".join(names[i] for i in place.without_potential)
        + ")"
    )


def needs_line(projection: Projection) -> str | None:
    """What meeting the targets takes, one sentence (None without targets)."""
    needs = projection.needs
    if not needs:
        return None
    first = needs[0].in_place
    groups: dict[str, list[str]] = {}
    for need in needs:
        groups.setdefault(need_text(need, projection.scenario, brief=True), []).append(need.name)
    parts = [f"{_names(names)}: {text}" for text, names in groups.items()]
    return (
        f"What meeting the targets takes, from what is in place at {format_month(first.at)} "
        f"({_rate(first.lit_gbps)} lit, {_rate(first.installed_gbps)} installed): " + "; ".join(parts) + "."
    )


def n_minus_1_line(projection: Projection) -> str | None:
    """N-1 in one sentence: when losing the largest link (then each risk group) first leaves
    too little for demand, or that it never does (None with one link and no risk groups); with
    an activation delay, the same with the survivors' unlit capacity switched on."""
    if not projection.resilience_applies:
        return None
    scenario = projection.scenario
    emergency = percent(scenario.planning.emergency_utilisation)
    line = (
        f"N-1 (links run at up to {emergency} while one is down): "
        + "; ".join(_loss_parts(projection, projection.n_minus_1, projection.group_losses))
        + "."
    )
    after = projection.n_minus_1_activated
    if after is not None:
        delay = format_days(scenario.planning.activation_delay or 0.0)
        line += (
            f" With the survivors' unlit capacity switched on (after {delay}): "
            + "; ".join(_loss_parts(projection, after, projection.group_losses_activated))
            + "."
        )
    return line


def _loss_parts(projection: Projection, largest: Loss, groups: dict[str, Loss]) -> list[str]:
    """Each loss (the largest link, then each risk group) in words."""
    scenario = projection.scenario
    names = {link.id: link.display_name for link in scenario.links}
    parts = []
    for label, loss in [
        ("the largest link", largest),
        *((f"risk group {g.display_name}", groups[g.id]) for g in scenario.risk_groups),
    ]:
        first = loss.first_failure()
        if first is None:
            least = float(np.min(loss.headroom_gbps))
            parts.append(f"losing {label} never leaves too little (at least {_rate(least)} to spare)")
            continue
        months = int(np.count_nonzero(loss.failing))
        lost = loss.lost_at(first)
        left, demand = _apart(float(loss.left_gbps[first]), float(projection.demand_gbps[first]))
        if lost is None:
            then = "no capacity is in service then"
        elif loss is largest:
            then = f"losing {names[lost]} then leaves {left}"
        else:
            then = f"that leaves {left}"
        parts.append(
            f"losing {label} leaves too little from {format_month(int(projection.months[first]))}: {then} for "
            f"{demand} of demand; short in {months:,} of {len(projection.months):,} months"
        )
    return parts


def _apart(low: float, high: float) -> tuple[str, str]:
    """Two rates written with enough digits to tell them apart (3 at least, 6 at most)."""
    for digits in range(3, 7):
        a, b = format_bit_rate(low, digits), format_bit_rate(high, digits)
        if a != b:
            return a, b
    return a, b


def _count_targets(n: int) -> str:
    return "The capacity target is" if n == 1 else f"All {n} capacity targets are"


def headlines(projection: Projection) -> list[str]:
    """The central case's headline results, one bullet each."""
    scenario = projection.scenario
    lines = [shortfall_line(projection)]
    target_line = _targets_line(projection)
    if target_line:
        lines.append(target_line)
    takes = needs_line(projection)
    if takes:
        lines.append(takes)
    resilience = n_minus_1_line(projection)
    if resilience:
        lines.append(resilience)
    lines += outage_lines(projection, brief=True)
    lines += carried_lines(projection)
    lines.append(_plan_line(projection))
    gap, gap_month = projection.largest_gap
    if gap_month is not None:
        lines.append(f"Largest gap: {_rate(gap)} of capacity missing in {format_month(gap_month)}.")
    end = format_month(scenario.period.end)
    utilisation = float(projection.utilisation[-1])
    lines.append(
        f"At the horizon ({end}) demand needs {_rate(projection.required_capacity_gbps[-1])} of capacity; "
        + (
            f"{_rate(projection.capacity_gbps[-1])} is in service (utilisation {percent(utilisation)})."
            if np.isfinite(utilisation)
            else "no capacity is in service."
        )
    )
    lines.append(
        f"Months run from {format_month(scenario.period.start)} to {end}; utilisation threshold "
        f"{percent(projection.max_utilisation)}."
    )
    return lines


# --- the verdict ---------------------------------------------------------------------------


def _targets_clause(targets: tuple[TargetOutcome, ...]) -> tuple[str | None, str | None]:
    """What the targets say, and what of that is bad news (None when every target is on time
    and enough)."""
    if not targets:
        return None, None
    late = [t for t in targets if t.status == "late"]
    missed = [t for t in targets if t.status == "not_met"]
    short = [t for t in targets if t.status == "short"]
    every = (
        "the announced target is met on time"
        if len(targets) == 1
        else "every announced target is met on time"
    )
    if not (late or missed or short):
        return every, None
    parts = [f"{t.name} is {format_duration(t.months_late or 0)} late" for t in late]
    parts += [f"{t.name} is not reached within the period" for t in missed]
    if short:
        one = len(short) == 1
        parts.append(
            f"{_names([t.name for t in short])} {'is' if one else 'are'} too small for demand at "
            + (f"its due date (short by {_rate(short[0].short_by_gbps)})" if one else "their due dates")
        )
    bad = _names(parts)
    return (f"{every}, but {bad}" if not (late or missed) else bad), bad


def _carried_clause(projection: Projection) -> str:
    """What the corridor carries of each stream at the end of the period, when not all of it."""
    end = format_month(int(projection.months[-1]))
    parts, fractions = [], []
    for stream in projection.scenario.demand:
        demand = float(projection.stream_demand_gbps[stream.id][-1])
        if demand <= 0:
            continue
        fraction = float(projection.stream_carried_gbps[stream.id][-1]) / demand
        fractions.append(fraction)
        invited = "the invited " if projection.stream_share[stream.id] is not None else ""
        parts.append(f"{percent(fraction)} of {invited}{stream.display_name}")
    if not fractions or min(fractions) >= 1.0 - 1e-9:
        return ""
    if max(fractions) - min(fractions) <= 1e-9 * max(fractions):  # shared pro rata
        alike = " (every stream alike)" if len(fractions) > 1 else ""
        return f"; at {end} it carries {percent(fractions[0])} of demand{alike}"
    return f"; at {end} it carries {_names(parts[:3])}"


def _when_short(projection: Projection) -> str:
    """The months short, split at the last announced phase when there are some on both sides."""
    total = f"{projection.months_short:,} of {len(projection.months):,} months"
    last = max(phase.in_service for link in projection.scenario.links for phase in link.phases)
    if not projection.months[0] < last <= projection.months[-1]:
        return total
    short = projection.headroom_gbps < 0
    before = int(np.count_nonzero(short[projection.months < last]))
    after = projection.months_short - before
    if before and after:
        return (
            f"{total}, {before:,} before the last announced phase enters service ({format_month(last)}) "
            f"and {after:,} after it"
        )
    if after:
        return f"{total}, all after the last announced phase enters service ({format_month(last)})"
    return total


def _needs_sentence(projection: Projection) -> str:
    """What meeting demand at the end of the period takes, and what the capacity plan adds."""
    end = format_month(int(projection.months[-1]))
    required, capacity = float(projection.required_capacity_gbps[-1]), float(projection.capacity_gbps[-1])
    if required > capacity:
        text = (
            f"Meeting demand at {end} needs {_rate(required)} of capacity, not the {_rate(capacity)} planned"
        )
    else:
        text = (
            f"The last shortfall ends in {format_month(projection.episodes[-1].end)}; the {_rate(capacity)} "
            f"planned by {end} is enough then"
        )
    plan = projection.plan
    if plan.problem:
        return text + "; no capacity plan could be made (see the summary)."
    if not plan.upgrades:
        return text + "."
    first = plan.upgrades[0]
    when = "had to be ordered by" if first.order_by_passed else "must be ordered by"
    if len(plan.upgrades) == 1:
        text += f": the capacity plan adds one upgrade of {_rate(first.size_gbps)}, in service by "
    else:
        text += (
            f": the capacity plan adds {len(plan.upgrades):,} upgrades ({_rate(plan.total_added_gbps)} in all), "
            "the first in service by "
        )
    return text + f"{format_month(first.in_service)}, which {when} {format_month(first.order_by)}."


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def _central_verdict(projection: Projection) -> tuple[str, str, str]:
    """``(answer, rest of the first sentence, second sentence)`` for the values written."""
    end = format_month(int(projection.months[-1]))
    threshold = percent(projection.max_utilisation)
    targets, bad = _targets_clause(projection.targets)
    if not projection.episodes:
        first = f"demand stays within {threshold} of capacity in every month to {end}"
        if targets:
            first += f", though {bad}" if bad else f", and {targets}"
        utilisation = float(projection.utilisation[-1])
        second = (
            f"At {end} demand uses {percent(utilisation)} of the {_rate(projection.capacity_gbps[-1])} in service."
            if np.isfinite(utilisation)
            else f"At {end} no capacity is in service, and no demand either."
        )
        return "Yes", first + ".", second
    outgrows = (
        f"demand outgrows capacity from {format_month(projection.episodes[0].start)}: the corridor is short "
        f"for {_when_short(projection)}{_carried_clause(projection)}"
    )
    first = outgrows if targets is None else f"{targets}, {'and' if bad else 'but'} {outgrows}"
    return "No", first + ".", _needs_sentence(projection)


def verdict(projection: Projection, mc: MonteCarlo | None = None) -> list[str]:
    """The answer to the scenario's question in plain sentences, built from the figures.

    Do the announced phases keep up with demand? Without uncertain inputs the first sentence
    answers yes or no with the targets, when and for how long demand outgrows capacity (before
    and after the last announced phase) and how much of each stream is carried; the second
    says what meeting demand needs and what the capacity plan adds. With uncertain inputs the
    answer comes first from the samples (how likely a shortfall is, how long, the targets
    least likely on time), then the same two sentences for the values written (the central
    case), then how those values differ from the ranges.
    """
    answer, first, second = _central_verdict(projection)
    if mc is None:
        return [f"{answer}. {_sentence(first)}", second]
    sentences = [uncertain_answer(mc), f"With the values written (the central case): {first}", second]
    differences = central_case_differences(projection.scenario)
    if differences:
        sentences.append("The central case uses the values written; " + _names(differences) + ".")
    return sentences
