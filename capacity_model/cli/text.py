"""The plain-text summaries printed on stdout: a run, its capacity plan, a network."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..units import format_bit_rate, format_duration, format_month, format_percent
from .console import wrapped

if TYPE_CHECKING:
    from ..engine import Projection
    from ..engine.montecarlo import MonteCarlo
    from ..engine.network import Network


def summary_text(projection: Projection, file: Path, folder: Path, mc: MonteCarlo | None = None) -> str:
    """A plain-text summary of one run for stdout: the verdict, then the figures behind it."""
    from ..results.narrative import (
        carried_lines,
        n_minus_1_line,
        need_text,
        percent,
        target_status_text,
        verdict,
        volume,
    )
    from ..results.outages import outage_lines
    from ..results.uncertainty_text import faults_not_drawn, samples_phrase, uncertain_headlines

    scenario = projection.scenario
    lines = [f"{scenario.name} ({file}) -> {folder}/"]
    lines += [wrapped(sentence, 2) for sentence in verdict(projection, mc)]
    if projection.targets:
        lines.append("  targets:")
        for target, need in zip(projection.targets, projection.needs, strict=True):
            reached = (
                f"reached {format_month(target.met_month)}" if target.met_month is not None else "not reached"
            )
            lines.append(
                f"    {target.name} ({format_bit_rate(target.capacity_gbps)} by {format_month(target.by)}): "
                f"{reached}; {target_status_text(target)} (demand then needs {format_bit_rate(target.needed_gbps, 3)}); "
                f"takes {need_text(need, scenario)}"
            )
    threshold = format_percent(projection.max_utilisation)
    if projection.episodes:
        lines.append(
            f"  shortfalls (demand above {threshold} of capacity): {projection.months_short:,} of "
            f"{len(projection.months):,} months; {volume(projection.unserved_tbps_months)} unserved, "
            f"{percent(projection.unserved_share)} of demand"
        )
        for e in projection.episodes:
            end = "end of period, still short" if e.ongoing else format_month(e.end)
            lines.append(
                f"    {format_month(e.start)} to {end} ({format_duration(e.months)}): peak gap "
                f"{format_bit_rate(e.peak_gap_gbps, 3)}, {volume(e.unserved_tbps_months)} unserved"
            )
    else:
        lines.append(f"  no shortfall: demand stays within {threshold} of capacity")
    lines += [wrapped(line, 2, "carried: ") for line in carried_lines(projection)]
    resilience = n_minus_1_line(projection)
    if resilience:
        lines.append(wrapped(resilience, 2))
    outages = outage_lines(projection)
    lines += [wrapped(line, 2 if k == 0 else 4) for k, line in enumerate(outages)]
    lines += plan_lines(projection, indent=2)
    lines.append(
        f"  at {format_month(scenario.period.end)}: needs {format_bit_rate(projection.required_capacity_gbps[-1], 3)}, "
        f"{format_bit_rate(projection.capacity_gbps[-1], 3)} in service"
    )
    if mc is not None:
        lines.append(f"  over {samples_phrase(mc)}:")
        lines += [wrapped(line, 4) for line in uncertain_headlines(mc)]
    elif (missing := faults_not_drawn(projection)) is not None:
        lines.append(wrapped(missing, 2))
    return "\n".join(lines)


def plan_lines(projection: Projection, indent: int) -> list[str]:
    """The capacity plan as text lines: the rule, one line per upgrade, the total."""
    from ..results.narrative import plan_rule_text

    plan = projection.plan
    pad = " " * indent
    lines = [wrapped(f"capacity plan: {plan_rule_text(projection)}", indent)]
    if plan.problem:
        lines.append(wrapped(f"no plan could be made: {plan.problem}", indent + 2))
        return lines
    if not plan.upgrades:
        lines.append(f"{pad}  no upgrade needed: the capacity planned is enough in every month")
        return lines
    start = projection.scenario.period.start
    for k, u in enumerate(plan.upgrades, start=1):
        passed = ", already passed" if u.order_by < start else ""
        lines.append(
            f"{pad}  {k}. in service {format_month(u.in_service)}: +{format_bit_rate(u.size_gbps, 3)} "
            f"({u.steps:,} x {format_bit_rate(plan.step_gbps)}), capacity then "
            f"{format_bit_rate(u.capacity_after_gbps, 3)}; order by {format_month(u.order_by)}{passed}"
        )
    lines.append(
        f"{pad}  {len(plan.upgrades)} upgrade{'s add' if len(plan.upgrades) != 1 else ' adds'} "
        f"{format_bit_rate(plan.total_added_gbps, 3)}; capacity at {format_month(projection.scenario.period.end)} "
        f"with the plan: {format_bit_rate(float(plan.capacity_gbps[-1]), 3)}"
    )
    return lines


def network_text(network: Network, file: Path, folder: Path) -> str:
    """The network's summary for stdout: each corridor's folder, then each stream end to end."""
    from ..results.network import network_lines

    return "\n".join(
        [f"{network.scenario.name} ({file}) -> {folder}/ (network)"]
        + [wrapped(line, 2) for line in network_lines(network)]
    )
