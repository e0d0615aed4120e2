"""The report's summary pages: the verdict, headlines and result tables (the assumptions:
:mod:`.assumptions`).

Each function returns figures (pages of :class:`~capacity_model.report.layout.TextFlow`)
and never shows, saves or keeps global state.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from ..engine import Projection
from ..engine.montecarlo import MonteCarlo
from ..results.narrative import (
    NEED_LABELS,
    headlines,
    percent,
    plan_rule_text,
    target_status_text,
    verdict,
    volume,
)
from ..results.tables import announced_vs_needed
from ..results.uncertainty_text import faults_not_drawn, samples_phrase, uncertain_headlines
from ..units import format_bit_rate, format_duration, format_month, format_percent
from .layout import TextFlow

__all__ = ["summary_pages"]


# --- summary -------------------------------------------------------------------------------


def _rate(gbps: float | None) -> str:
    return "-" if gbps is None else format_bit_rate(gbps, 3)


def summary_pages(projection: Projection, provenance: str, mc: MonteCarlo | None = None) -> list[Figure]:
    """Pages 1 and on: the verdict, the headline results and the results tables.

    With a Monte Carlo run, its probabilities come first; the central case (the values
    written in the scenario) follows.
    """
    scenario = projection.scenario
    threshold = percent(projection.max_utilisation)
    flow = TextFlow(f"{scenario.name}: capacity targets against demand")
    for sentence in verdict(projection, mc):
        flow.paragraph(sentence, size=11.5, weight="bold" if sentence[:3] in ("Yes", "No.") else "normal")
    if scenario.description:
        flow.paragraph(scenario.description, size=9.5, color="#444444")
    if mc is not None:
        flow.heading(f"Over {samples_phrase(mc)}")
        flow.bullets(uncertain_headlines(mc))
        flow.heading("Central case: the values written in the scenario")
    else:
        flow.heading("Headline results")
    missing = faults_not_drawn(projection) if mc is None else None
    flow.bullets(headlines(projection) + ([missing] if missing else []))

    if projection.targets:
        flow.heading("Capacity targets")
        flow.paragraph(
            f"Needed: the capacity demand needs at the due date to stay at {threshold} utilisation "
            f"(demand / {threshold}). A target on time but below it is 'short'. Takes: what meeting the "
            "target takes from the capacity in place at the start (see the headline above).",
            size=9,
        )
        flow.table(
            [
                "Target",
                "Capacity",
                "Due by",
                "First reached",
                "Status",
                "Needed at due date",
                "Demand / target",
                "Takes",
            ],
            [
                [
                    t.name,
                    format_bit_rate(t.capacity_gbps),
                    format_month(t.by),
                    format_month(t.met_month) if t.met_month is not None else "not in period",
                    target_status_text(t),
                    _rate(t.needed_gbps),
                    percent(t.utilisation_at_by),
                    NEED_LABELS[need.need],
                ]
                for t, need in zip(projection.targets, projection.needs, strict=True)
            ],
            [1.7, 1.0, 0.9, 1.1, 2.0, 1.4, 1.1, 1.6],
        )
    flow.heading("Shortfalls: months with demand above the utilisation threshold")
    if projection.episodes:
        flow.paragraph(
            f"Unserved: traffic above {threshold} of capacity, max(0, demand - {threshold} x capacity), "
            "summed over the episode's months (1 Tbps for a month is 1 Tbps·month). Next planned phase: the "
            "first phase entering service after the shortfall begins, and whether it ends the shortfall.",
            size=9,
        )
        next_phase = {e.month: e for e in projection.exhaustions}
        rows = []
        for episode in projection.episodes:
            e = next_phase[episode.start]
            phase = e.next_phase or "none planned"
            if e.next_phase_enough is not None:
                phase += " (ends it)" if e.next_phase_enough else " (not enough)"
            rows.append(
                [
                    format_month(episode.start),
                    "end of period (still short)" if episode.ongoing else format_month(episode.end),
                    f"{episode.months:,}",
                    f"{_rate(episode.peak_gap_gbps)} ({format_month(episode.peak_month)})",
                    volume(episode.unserved_tbps_months),
                    phase,
                ]
            )
        flow.table(
            ["Starts", "Ends", "Months", "Peak gap (month)", "Unserved", "Next planned phase"],
            rows,
            [1.0, 1.6, 0.8, 1.8, 1.7, 2.6],
        )
        flow.paragraph(
            f"In all: {projection.months_short:,} of {len(projection.months):,} months short; "
            f"{volume(projection.unserved_tbps_months)} unserved, {percent(projection.unserved_share)} of all "
            "demand over the period.",
            size=9.5,
        )
    else:
        flow.paragraph("None within the period.")

    _plan_tables(flow, projection)

    flow.heading("When each announced phase must be ordered")
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


def _plan_tables(flow: TextFlow, projection: Projection) -> None:
    """The capacity plan's upgrades, and announced against needed capacity at each target date."""
    plan = projection.plan
    threshold = percent(projection.max_utilisation)
    flow.heading("Capacity plan: what to order, how much, by when")
    flow.paragraph(
        f"The fewest, latest upgrades that keep utilisation at or below {threshold} in every month, on top "
        f"of the capacity already planned: {plan_rule_text(projection)}. Each upgrade enters service in the "
        "first month the corridor would otherwise be short; the last is sized only to the end of the period.",
        size=9,
    )
    if plan.problem:
        flow.paragraph(f"No plan could be made: {plan.problem}.")
    elif plan.upgrades:
        flow.table(
            ["Upgrade", "In service by", "Size", "Capacity after", "Order by", "Order-by month"],
            [
                [
                    str(k),
                    format_month(u.in_service),
                    f"+{_rate(u.size_gbps)} ({u.steps:,} x {_rate(plan.step_gbps)})",
                    _rate(u.capacity_after_gbps),
                    format_month(u.order_by),
                    "passed before the period" if u.order_by_passed else "ahead",
                ]
                for k, u in enumerate(plan.upgrades, start=1)
            ],
            [0.8, 1.2, 2.4, 1.4, 1.1, 1.8],
        )
    else:
        flow.paragraph("No upgrade needed: the capacity planned is enough in every month.")
    if projection.targets:
        flow.heading("Announced against needed, at each target date")
        flow.table(
            ["Target", "Due by", "Announced", "In service then", "Needed", "With the plan"],
            [
                [
                    row["target"],
                    format_month(row["by"]),
                    _rate(row["announced_gbps"]),
                    _rate(row["in_service_gbps"]),
                    _rate(row["needed_gbps"]),
                    _rate(row["with_plan_gbps"]),
                ]
                for row in announced_vs_needed(projection)
            ],
            [1.9, 1.0, 1.2, 1.3, 1.2, 1.3],
        )
