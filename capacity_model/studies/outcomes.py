"""One run of a scenario, and the handful of figures studies compare across runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine import Projection, project
from ..engine.montecarlo import FAULT_OUTCOMES, MonteCarlo, run_monte_carlo
from ..schema import Scenario

__all__ = ["Outcome", "Run", "outcome", "run"]


@dataclass(frozen=True)
class Run:
    """A scenario's deterministic projection and, with uncertain inputs, its Monte Carlo run."""

    projection: Projection
    mc: MonteCarlo | None = None


def run(
    scenario: Scenario,
    uncertain: bool = True,
    samples: int | None = None,
    seed: int | None = None,
    carried_at: int | None = None,
) -> Run:
    """Project a scenario; also sample its uncertainty section when ``uncertain`` and it has one.

    The Monte Carlo run uses the section's seed (or ``seed``), so runs of variants of one
    scenario share their random numbers, and differences between them are not noise.
    ``carried_at`` is the month of the carried shares of the Monte Carlo run (default, and for a
    month outside the period: the period's last month; :func:`outcome` then leaves them out).
    """
    projection = project(scenario)
    if uncertain and scenario.uncertainty is not None:
        inside = carried_at is not None and scenario.period.start <= carried_at <= scenario.period.end
        return Run(
            projection, run_monte_carlo(scenario, samples, seed, carried_at=carried_at if inside else None)
        )
    return Run(projection)


@dataclass(frozen=True)
class Outcome:
    """The figures of one run that studies set side by side.

    Months are month indices (see :mod:`capacity_model.units`); ``None`` means "not in
    the period" (no shortfall, target not reached).
    """

    first_shortfall: int | None
    """First month with demand above the utilisation threshold."""
    order_by: int | None
    """When the fix for that first shortfall must be ordered: the order-by month of the capacity
    plan's first upgrade, which enters service in that month (None without a plan)."""
    capacity_at_horizon_gbps: float
    demand_at_horizon_gbps: float
    gap_at_horizon_gbps: float
    """``max(0, demand / threshold - capacity)`` in the last month [Gbps]."""
    months_late: dict[str, int | None]
    """Months late (0 = on time) of each target, by name; None if not reached in the period."""
    too_small: tuple[str, ...]
    """Targets reached on time but below what demand needs at their deadline (status ``short``)."""
    months_short: int
    """Months with demand above the utilisation threshold."""
    unserved_tbps_months: float
    """Traffic above the usable capacity, summed over the period [Tbps·months]."""
    unserved_share: float
    """Unserved share of the period's demand [fraction]."""
    carried_at: int
    """Month of ``carried_share`` [month index]."""
    carried_share: dict[str, float]
    """Each stream with a share: its carried traffic over its traffic before the share, at
    ``carried_at`` [fraction], by stream id."""
    upgrades_needed: int | None
    """Upgrades in the capacity plan; None when no plan could be made."""
    plan_added_gbps: float | None
    """Capacity the plan adds over the period [Gbps]; None when no plan could be made."""
    p_on_time: dict[str, float] | None = None
    """With uncertain inputs: probability each target is reached by its deadline."""
    p_no_shortfall: float | None = None
    """With uncertain inputs: probability of no shortfall in the period."""
    first_shortfall_p10: int | None = None
    first_shortfall_p50: int | None = None
    first_shortfall_p90: int | None = None
    """With uncertain inputs: months by which 10%, 50%, 90% of samples have had a shortfall."""
    quantiles: dict[str, tuple[float, float, float]] | None = None
    """With uncertain inputs: P10, P50, P90 over samples of ``months_short``,
    ``unserved_tbps_months``, ``carried_share:<id>`` (at ``carried_at``) and, with fault rates,
    ``fault_loss_tbps_days_per_year`` and ``fault_availability``."""
    n1_first_failure: int | None = None
    """With two links or more (or risk groups): the first month losing the largest link leaves
    too little; None if never, or without N-1."""
    n1_months_failing: int | None = None
    """With N-1: the months losing the largest link leaves too little."""
    outages_lost_tbps_days: float | None = None
    """With outages: traffic they lose because of them, all together [Tbps·days]."""


def outcome(result: Run, carried_at: int | None = None) -> Outcome:
    """Reduce a run to its :class:`Outcome`; carried shares at ``carried_at`` (default the
    period's last month; none for a month outside the run's period, as when a sweep moves the
    period's end). The Monte Carlo run must have been made by :func:`run` with the same month."""
    p = result.projection
    first = p.exhaustions[0] if p.exhaustions else None
    mc = result.mc
    at = int(p.months[-1]) if carried_at is None else carried_at
    inside = bool(p.months[0] <= at <= p.months[-1])
    shares = {s.id: p.carried_share(s.id) for s in p.scenario.demand} if inside else {}
    if mc is not None and inside:
        assert mc.carried_at == at, "the Monte Carlo run took its carried shares at another month"
    return Outcome(
        first_shortfall=first.month if first else None,
        order_by=p.plan.upgrades[0].order_by if p.plan.upgrades else None,
        capacity_at_horizon_gbps=float(p.capacity_gbps[-1]),
        demand_at_horizon_gbps=float(p.demand_gbps[-1]),
        gap_at_horizon_gbps=float(p.gap_gbps[-1]),
        months_late={t.name: t.months_late for t in p.targets},
        too_small=tuple(t.name for t in p.targets if t.status == "short"),
        months_short=p.months_short,
        unserved_tbps_months=p.unserved_tbps_months,
        unserved_share=p.unserved_share,
        carried_at=at,
        carried_share={k: float(v[p.index(at)]) for k, v in shares.items() if v is not None},
        upgrades_needed=None if p.plan.problem else len(p.plan.upgrades),
        plan_added_gbps=None if p.plan.problem else p.plan.total_added_gbps,
        p_on_time=None if mc is None else {t.name: t.p_on_time for t in mc.targets},
        p_no_shortfall=None if mc is None else mc.p_no_shortfall,
        first_shortfall_p10=None if mc is None else mc.first_exhaustion_quantile(0.1),
        first_shortfall_p50=None if mc is None else mc.first_exhaustion_quantile(0.5),
        first_shortfall_p90=None if mc is None else mc.first_exhaustion_quantile(0.9),
        quantiles=None
        if mc is None
        else {
            name: (
                mc.outcome_quantile(name, 0.1),
                mc.outcome_quantile(name, 0.5),
                mc.outcome_quantile(name, 0.9),
            )
            for name in mc.per_sample
            if name in ("months_short", "unserved_tbps_months", *FAULT_OUTCOMES)
            or (inside and name.startswith("carried_share:"))
        },
        n1_first_failure=_month_of(p, p.n_minus_1.first_failure()) if p.resilience_applies else None,
        n1_months_failing=int(np.count_nonzero(p.n_minus_1.failing)) if p.resilience_applies else None,
        outages_lost_tbps_days=None if p.outages is None else float(p.outages.lost_tbps_days()),
    )


def _month_of(projection: Projection, position: int | None) -> int | None:
    return None if position is None else int(projection.months[position])


def p_no_shortfall_before(mc: MonteCarlo, month: int) -> float:
    """Share of samples whose first shortfall, if any, starts in ``month`` or later."""
    before = mc.first_exhaustion[:-1][mc.months < month].sum()
    return float(1.0 - before / mc.samples)


def lowest_headroom_before(projection: Projection, month: int | None) -> float:
    """Smallest headroom over the period's months before ``month`` (all, if None) [Gbps]."""
    keep = projection.months < month if month is not None else np.ones(len(projection.months), bool)
    if not keep.any():
        return float("inf")
    return float(projection.headroom_gbps[keep].min())
