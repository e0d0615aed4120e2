"""A capacity plan: the upgrades that keep utilisation at or below the threshold.

On top of the capacity already planned, the plan adds upgrades of whole modules
(``step``). Walking forward through the period, each upgrade enters service in the
first month utilisation would exceed the threshold, and is the smallest whole number
of steps that keeps it at or below the threshold for ``horizon`` months from then, at
the projected demand. The result is the latest and smallest schedule under that rule:
no upgrade could come later, and none could be smaller without falling short within
its horizon.

:func:`plan_steps` works on ``(samples, months)`` arrays: it loops over upgrades (each
one moves every sample at least one month on, typically ``horizon`` months), never over
months or samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import Problem, ScenarioError
from ..schema import DEFAULT_UPGRADE, Scenario

__all__ = ["MAX_STEPS", "CapacityPlan", "Upgrade", "capacity_plan", "plan_steps"]

FloatArray = NDArray[np.float64]

#: Most steps the plan counts in one run: beyond 2**53 whole numbers are no longer exact
#: in floating point, and a step that small for the demand is a mistake.
MAX_STEPS = 2.0**53


def plan_steps(
    demand_gbps: ArrayLike,
    capacity_gbps: ArrayLike,
    max_utilisation: ArrayLike,
    step_gbps: ArrayLike,
    horizon_months: int,
) -> FloatArray:
    """Steps added in each month by the plan, ``(..., months)``; 0 where nothing is added.

    With ``n(t)`` the steps added up to month ``t`` and ``step`` the module size, the
    capacity with the plan is ``C(t) + n(t)·step``. A month ``t1`` falls short when
    ``(C(t1) + n·step)·u − D(t1) < 0`` (the engine's headroom); the upgrade placed there
    brings ``n`` to ``ceil(max_{t1 ≤ t < t1 + horizon} (D(t)/u − C(t)) / step)``, checked
    against the headroom itself so that rounding never leaves a month short.

    Parameters
    ----------
    demand_gbps, capacity_gbps
        Demand and planned capacity in each month [Gbps], ``(months,)`` or
        ``(samples, months)``.
    max_utilisation
        Threshold ``u`` [fraction], scalar or ``(samples, 1)``.
    step_gbps
        Module size [Gbps], scalar or ``(samples, 1)``.
    horizon_months
        Months each upgrade must last, at least 1.

    Returns
    -------
    numpy.ndarray
        Whole numbers of steps (as floats) entering service in each month.

    Raises
    ------
    ScenarioError
        When the plan would need more than :data:`MAX_STEPS` steps.
    """
    demand = np.asarray(demand_gbps, dtype=float)
    capacity = np.asarray(capacity_gbps, dtype=float)
    shape = np.broadcast_shapes(demand.shape, capacity.shape)
    flat = (1, shape[-1]) if len(shape) == 1 else (int(np.prod(shape[:-1])), shape[-1])
    demand = np.broadcast_to(demand, shape).reshape(flat)
    capacity = np.broadcast_to(capacity, shape).reshape(flat)
    u = np.broadcast_to(np.asarray(max_utilisation, dtype=float), (*shape[:-1], 1)).reshape(flat[0], 1)
    step = np.broadcast_to(np.asarray(step_gbps, dtype=float), (*shape[:-1], 1)).reshape(flat[0], 1)
    rows, months = flat
    # Steps needed in each month for the threshold to hold there: (D/u - C) / step.
    needed = (demand / u - capacity) / step
    if not np.nanmax(needed, initial=0.0) <= MAX_STEPS:  # also catches inf and NaN
        raise ScenarioError(
            Problem(
                f"the capacity plan would need more than {MAX_STEPS:.3g} steps: the step is too small for "
                "the demand projected (or the utilisation threshold too low); choose a larger step",
                "planning.upgrade.step",
            )
        )
    added = np.zeros(rows)  # steps added so far, by row
    start = np.zeros(rows, dtype=np.int64)  # each row's search for its next shortfall starts here
    steps = np.zeros(flat)
    active = np.arange(rows)  # rows that may still fall short; a row with none left is done
    while active.size:
        lo = int(start[active].min())  # months before every active row's start are settled
        index = np.arange(lo, months)
        demand_, capacity_ = demand[active, lo:], capacity[active, lo:]
        u_, step_ = u[active], step[active]
        short = ((capacity_ + added[active, None] * step_) * u_ - demand_ < 0) & (
            index >= start[active, None]
        )
        pending = short.any(axis=1)
        active, short = active[pending], short[pending]
        if not active.size:
            break
        demand_, capacity_, u_, step_ = demand_[pending], capacity_[pending], u_[pending], step_[pending]
        first = lo + np.argmax(short, axis=1)
        window = (index >= first[:, None]) & (index < first[:, None] + horizon_months)
        total = np.ceil(np.max(np.where(window, needed[active, lo:], -np.inf), axis=1))
        total = np.maximum(total, added[active] + 1)
        # Rounding of (D/u - C)/step can leave a month a hair short: add a step until none is;
        # or round an exact whole number of steps up by one: take that step back.
        for _ in range(4):
            still = (((capacity_ + total[:, None] * step_) * u_ - demand_ < 0) & window).any(axis=1)
            if not still.any():
                break
            total = total + still
        fewer = total - 1
        enough = ~(((capacity_ + fewer[:, None] * step_) * u_ - demand_ < 0) & window).any(axis=1)
        total = np.where(enough & (fewer > added[active]), fewer, total)
        steps[active, first] = total - added[active]
        added[active] = total
        start[active] = first + 1
    return steps.reshape(shape)


@dataclass(frozen=True)
class Upgrade:
    """One upgrade of the capacity plan."""

    in_service: int
    """Month it must be in service: the first month the corridor would otherwise be short [month index]."""
    steps: int
    """Its size in modules of ``step_gbps``."""
    size_gbps: float
    """``steps · step_gbps`` [Gbps]."""
    capacity_after_gbps: float
    """Corridor capacity once it is in service: planned capacity plus every upgrade so far [Gbps]."""
    order_by: int
    """``in_service − lead_time_months`` [month index]."""
    order_by_passed: bool
    """Whether ``order_by`` is before the start of the period."""


@dataclass(frozen=True)
class CapacityPlan:
    """The upgrades that keep utilisation at or below the threshold in every month of the period."""

    step_gbps: float
    """Module size [Gbps]."""
    horizon_months: int
    """Months each upgrade is sized to last."""
    lead_time_months: int
    """Order-to-service time of an upgrade [months]."""
    defaults: tuple[str, ...]
    """Which of ``step``, ``horizon`` and ``lead_time`` equal their defaults (100 Gbps, 24 months,
    ``planning.default_lead_time``), so that the report can say so."""
    upgrades: tuple[Upgrade, ...]
    added_gbps: FloatArray
    """Capacity the plan has added by each month [Gbps], ``(months,)``."""
    capacity_gbps: FloatArray
    """Planned capacity plus the plan's upgrades in each month [Gbps], ``(months,)``."""
    problem: str | None = None
    """Why no plan could be made (then there are no upgrades), or None."""

    @property
    def total_added_gbps(self) -> float:
        """Capacity the plan adds over the period [Gbps]."""
        return float(self.added_gbps[-1]) if self.added_gbps.size else 0.0


def capacity_plan(
    scenario: Scenario, months: NDArray[np.int64], demand_gbps: FloatArray, capacity_gbps: FloatArray
) -> CapacityPlan:
    """The plan of one run, under the scenario's ``planning.upgrade`` rule (see :func:`plan_steps`).

    Parameters
    ----------
    scenario
        Gives the threshold, the upgrade rule and the period.
    months, demand_gbps, capacity_gbps
        The period's months [month index], demand and planned capacity [Gbps], ``(months,)``.
    """
    rule = scenario.planning.upgrade
    lead = scenario.plan_lead_time_months
    defaults = tuple(
        name
        for name, value, default in (
            ("step", rule.step, DEFAULT_UPGRADE.step),
            ("horizon", rule.horizon, DEFAULT_UPGRADE.horizon),
            ("lead_time", lead, scenario.planning.default_lead_time),
        )
        if value == default
    )
    try:
        steps = plan_steps(
            demand_gbps, capacity_gbps, scenario.planning.max_utilisation, rule.step, rule.horizon
        )
    except ScenarioError as error:  # the rest of the run stands without a plan
        return CapacityPlan(
            step_gbps=rule.step,
            horizon_months=rule.horizon,
            lead_time_months=lead,
            defaults=defaults,
            upgrades=(),
            added_gbps=np.zeros_like(capacity_gbps),
            capacity_gbps=capacity_gbps,
            problem=error.problems[0].message,
        )
    added = np.cumsum(steps) * rule.step
    upgrades = tuple(
        Upgrade(
            in_service=int(months[t]),
            steps=int(steps[t]),
            size_gbps=float(steps[t] * rule.step),
            capacity_after_gbps=float(capacity_gbps[t] + added[t]),
            order_by=int(months[t]) - lead,
            order_by_passed=int(months[t]) - lead < scenario.period.start,
        )
        for t in np.flatnonzero(steps).tolist()
    )
    return CapacityPlan(
        step_gbps=rule.step,
        horizon_months=rule.horizon,
        lead_time_months=lead,
        defaults=defaults,
        upgrades=upgrades,
        added_gbps=added,
        capacity_gbps=capacity_gbps + added,
    )
