"""Events in a projection: shortfalls beginning, phases to order, targets met, target steps.

Each builder takes the scenario (and the monthly arrays it needs) and returns frozen
records; months are month indices, rates Gbps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..schema import Scenario
from . import planning as plan
from .evaluation import corridor_capacity_gbps, corridor_demand_gbps

__all__ = [
    "Exhaustion",
    "PhaseOrder",
    "TargetOutcome",
    "TargetStep",
    "exhaustions",
    "phase_orders",
    "target_outcomes",
    "target_steps",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Exhaustion:
    """A month in which a shortfall begins, and when its fix must be ordered."""

    month: int
    """First month of the shortfall (headroom < 0) [month index]."""
    order_by: int
    """``month - lead_time_months`` [month index]."""
    lead_time_months: int
    """Lead time of the next planned phase, or the default lead time [months]."""
    next_phase: str | None
    """The next phase entering service after ``month``, as ``'<link id> phase <n>'`` (1-based)."""
    next_phase_enough: bool | None
    """Whether that phase ends the shortfall: headroom >= 0 in the month it enters service.
    None when no phase is planned, or it enters service after the period."""


@dataclass(frozen=True)
class PhaseOrder:
    """When a planned phase must be ordered."""

    link: str
    """Link id."""
    phase: int
    """Phase number within the link, from 1."""
    capacity_gbps: float
    """Link capacity once the phase is in service [Gbps]."""
    in_service: int
    """[month index]"""
    lead_time_months: int
    """Effective lead time [months]."""
    order_by: int
    """``in_service - lead_time_months`` [month index]."""
    order_by_passed: bool
    """Whether ``order_by`` is before the start of the period."""


TargetStatus = Literal["sufficient", "short", "late", "not_met"]


@dataclass(frozen=True)
class TargetOutcome:
    """Whether corridor capacity reaches a target, and when."""

    name: str
    capacity_gbps: float
    """Target capacity [Gbps]."""
    by: int
    """Deadline [month index]."""
    met_month: int | None
    """First month with corridor capacity at or above the target (looking back to the first
    phase, so it may precede the period), or None if not reached by the end of the period."""
    on_time: bool
    """``met_month <= by``."""
    months_late: int | None
    """``max(0, met_month - by)``, or None when not met within the period [months]."""
    utilisation_at_by: float
    """Corridor demand at ``by`` divided by the target capacity [fraction]."""
    needed_gbps: float
    """Capacity demand needs at ``by`` to stay at the utilisation threshold: ``D(by) / u`` [Gbps]."""
    status: TargetStatus
    """``sufficient`` (on time and at least ``needed_gbps``), ``short`` (on time, below it),
    ``late`` or ``not_met`` (not reached within the period)."""

    @property
    def short_by_gbps(self) -> float:
        """How far the target falls below what demand needs at its deadline: ``max(0, needed - capacity)`` [Gbps]."""
        return max(0.0, self.needed_gbps - self.capacity_gbps)


@dataclass(frozen=True)
class TargetStep:
    """The growth a step between targets implies, beside demand's growth."""

    from_label: str
    to_label: str
    from_month: int
    to_month: int
    capacity_cagr: float
    """``(C_to / C_from) ** (12 / months) - 1`` [fraction per year]."""
    demand_cagr: float
    """Same for corridor demand over the same months [fraction per year]."""


def exhaustions(
    scenario: Scenario, months: NDArray[np.int64], headroom_gbps: FloatArray
) -> tuple[Exhaustion, ...]:
    """Each month a shortfall begins (see :func:`planning.shortfall_starts`), with the order-by
    month of its fix: the month minus the lead time of the next phase planned after it (of any
    link), or minus the default lead time when none is.

    Parameters
    ----------
    months, headroom_gbps
        The period's months [month index] and the headroom in each [Gbps], ``(months,)``.
    """
    start_months = months[plan.shortfall_starts(headroom_gbps)]
    planned = sorted(
        (phase.in_service, link.id, k + 1, scenario.lead_time_months(phase))
        for link in scenario.links
        for k, phase in enumerate(link.phases)
    )
    result = []
    for month in start_months.tolist():
        later = [p for p in planned if p[0] > month]
        enough: bool | None = None
        if later:
            in_service, link_id, number, lead = later[0]
            label: str | None = f"{link_id} phase {number}"
            if in_service <= months[-1]:
                enough = bool(headroom_gbps[in_service - months[0]] >= 0)
        else:
            lead, label = scenario.planning.default_lead_time, None
        result.append(
            Exhaustion(
                month=month,
                order_by=month - lead,
                lead_time_months=lead,
                next_phase=label,
                next_phase_enough=enough,
            )
        )
    return tuple(result)


def phase_orders(scenario: Scenario) -> tuple[PhaseOrder, ...]:
    """Order-by month of every planned phase: ``in_service - lead_time``."""
    orders = []
    for link in scenario.links:
        for k, phase in enumerate(link.phases):
            lead = scenario.lead_time_months(phase)
            order_by = phase.in_service - lead
            orders.append(
                PhaseOrder(
                    link=link.id,
                    phase=k + 1,
                    capacity_gbps=phase.capacity,
                    in_service=phase.in_service,
                    lead_time_months=lead,
                    order_by=order_by,
                    order_by_passed=order_by < scenario.period.start,
                )
            )
    return tuple(orders)


def target_outcomes(scenario: Scenario) -> tuple[TargetOutcome, ...]:
    """Outcome of each target: when corridor capacity reaches it, and whether it is enough for
    demand at its deadline.

    On time when capacity in the deadline month reaches the target (see
    :func:`planning.target_reached`); capacity is followed from the first phase in service,
    so a target already reached before the period starts is dated when it was reached. The
    capacity needed at the deadline is ``D(by) / u``; an on-time target is ``sufficient``
    when its capacity is at least that (allowing :data:`planning.CAPACITY_RTOL` for
    rounding), else ``short``.
    """
    if not scenario.targets:
        return ()
    first_phase = min(link.phases[0].in_service for link in scenario.links)
    months = np.arange(min(first_phase, scenario.period.start), scenario.period.end + 1, dtype=np.int64)
    capacity = corridor_capacity_gbps(scenario, months)
    levels = np.array([t.capacity for t in scenario.targets])
    deadlines = np.array([t.by for t in scenario.targets], dtype=np.int64)
    first, in_time = plan.target_reached(capacity, levels, deadlines - months[0])
    demand_at_by = corridor_demand_gbps(scenario, deadlines)
    outcomes = []
    threshold = scenario.planning.max_utilisation
    for target, index, on_time, at_by in zip(
        scenario.targets, first.tolist(), in_time.tolist(), demand_at_by.tolist(), strict=True
    ):
        met = None if index < 0 else int(months[index])
        needed = float(plan.required_capacity_gbps(at_by, threshold))
        status: TargetStatus
        if met is None:
            status = "not_met"
        elif not on_time:
            status = "late"
        elif target.capacity >= needed * (1.0 - plan.CAPACITY_RTOL):
            status = "sufficient"
        else:
            status = "short"
        outcomes.append(
            TargetOutcome(
                name=target.name,
                capacity_gbps=target.capacity,
                by=target.by,
                met_month=met,
                on_time=bool(on_time),
                months_late=None if met is None else (0 if on_time else met - target.by),
                utilisation_at_by=at_by / target.capacity,
                needed_gbps=needed,
                status=status,
            )
        )
    return tuple(outcomes)


def target_steps(scenario: Scenario, capacity: FloatArray) -> tuple[TargetStep, ...]:
    """Steps from the capacity at the start of the period through each target, in deadline order,
    each with the annual growth it implies (:func:`planning.implied_cagr`) beside demand's."""
    start = scenario.period.start
    points = [("Start", start, float(capacity[0]))]
    points += [(t.name, t.by, t.capacity) for t in sorted(scenario.targets, key=lambda t: t.by)]
    points = [points[0]] + [p for p in points[1:] if p[1] > start]
    months = np.array([p[1] for p in points], dtype=np.int64)
    demand = corridor_demand_gbps(scenario, months)
    steps = []
    for i in range(1, len(points)):
        (a_label, a_month, a_cap), (b_label, b_month, b_cap) = points[i - 1], points[i]
        if b_month <= a_month or a_cap <= 0:
            continue
        span = b_month - a_month
        steps.append(
            TargetStep(
                from_label=a_label,
                to_label=b_label,
                from_month=a_month,
                to_month=b_month,
                capacity_cagr=float(plan.implied_cagr(a_cap, b_cap, span)),
                demand_cagr=float(plan.implied_cagr(demand[i - 1], demand[i], span)),
            )
        )
    return tuple(steps)
