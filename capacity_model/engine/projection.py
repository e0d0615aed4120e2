"""The orchestrator: a scenario in, a :class:`Projection` of arrays and events out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..errors import Problem, ScenarioError
from ..schema import (
    BassShare,
    CagrGrowth,
    ConstantShare,
    DemandStream,
    LinearShare,
    Link,
    LogisticShare,
    PiecewiseGrowth,
    Scenario,
)
from . import capacity as cap
from . import demand as dem
from . import planning as plan

__all__ = [
    "Exhaustion",
    "PhaseOrder",
    "Projection",
    "TargetOutcome",
    "TargetStep",
    "link_capacity_gbps",
    "project",
    "stream_demand_gbps",
    "stream_share",
]

if TYPE_CHECKING:
    from pydantic import BaseModel

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


@dataclass(frozen=True)
class Projection:
    """Monthly capacity, demand and planning quantities of one scenario.

    Every array has one value per month of ``months``.
    """

    scenario: Scenario
    months: NDArray[np.int64]
    """Month indices of the period [month index]."""
    link_capacity_gbps: dict[str, FloatArray]
    """Capacity of each link, by link id [Gbps]."""
    capacity_gbps: FloatArray
    """Corridor capacity: sum over links [Gbps]."""
    stream_demand_gbps: dict[str, FloatArray]
    """Demand of each stream after its share, by stream id [Gbps]."""
    stream_share: dict[str, FloatArray | None]
    """Share applied to each stream, or None for streams without one [fraction]."""
    demand_gbps: FloatArray
    """Corridor demand: sum over streams [Gbps]."""
    utilisation: FloatArray
    """``demand / capacity`` [fraction]."""
    headroom_gbps: FloatArray
    """``capacity * max_utilisation - demand`` [Gbps]."""
    required_capacity_gbps: FloatArray
    """``demand / max_utilisation`` [Gbps]."""
    gap_gbps: FloatArray
    """``max(0, required - capacity)`` [Gbps]."""
    exhaustions: tuple[Exhaustion, ...]
    phases: tuple[PhaseOrder, ...]
    targets: tuple[TargetOutcome, ...]
    steps: tuple[TargetStep, ...]

    @property
    def max_utilisation(self) -> float:
        """Utilisation threshold [fraction]."""
        return self.scenario.planning.max_utilisation

    @property
    def largest_gap(self) -> tuple[float, int | None]:
        """Largest gap [Gbps] and its first month, or ``(0.0, None)`` when there is none."""
        index = int(np.argmax(self.gap_gbps))
        gap = float(self.gap_gbps[index])
        return (gap, int(self.months[index])) if gap > 0 else (0.0, None)


class Values:
    """The value of each scenario field, or of its samples where it is uncertain.

    ``values(owner, "field")`` is ``owner.field`` unless an override for that field
    of that model is given: an array of shape ``(samples, 1)`` that broadcasts against
    the months axis, giving ``(samples, months)`` results. With no overrides every
    function below works on scalars and gives ``(months,)`` arrays: the deterministic
    run is the no-override case of the same code.
    """

    def __init__(self, overrides: Mapping[tuple[int, str], FloatArray] | None = None) -> None:
        self._overrides = dict(overrides or {})

    def __call__(self, owner: BaseModel, field: str) -> Any:
        return self._overrides.get((id(owner), field), getattr(owner, field))


NO_OVERRIDES = Values()


def link_capacity_gbps(link: Link, months: NDArray[np.int64], values: Values = NO_OVERRIDES) -> FloatArray:
    """Capacity of one link in each month [Gbps] (see :func:`capacity.link_capacity_gbps`)."""
    return cap.link_capacity_gbps(
        months,
        [values(p, "capacity") for p in link.phases],
        [values(p, "in_service") for p in link.phases],
        [values(p, "ramp") for p in link.phases],
        None if link.retire is None else values(link, "retire"),
    )


def stream_share(
    stream: DemandStream, months: NDArray[np.int64], values: Values = NO_OVERRIDES
) -> FloatArray | None:
    """Share applied to a stream in each month [fraction], or None."""
    share = stream.share
    if share is None:
        return None

    def v(field: str) -> Any:
        return values(share, field)

    if isinstance(share, ConstantShare):
        return dem.constant_share(months, v("value"))
    if isinstance(share, BassShare):
        return dem.bass_share(months, v("start"), v("end"), v("from_"), v("p"), v("q"))
    if isinstance(share, LinearShare):
        return dem.linear_share(months, v("start"), v("end"), v("from_"), v("to"))
    assert isinstance(share, LogisticShare)
    return dem.logistic_share(months, v("start"), v("end"), v("midpoint"), v("ramp"))


def _grown_gbps(stream: DemandStream, months: NDArray[np.int64], values: Values) -> FloatArray:
    """The stream's growth model evaluated over ``months``, before its share [Gbps]."""
    growth, base = stream.growth, stream.base
    base_value = None if base is None else values(base, "value")
    base_month = None if base is None else values(base, "at")
    if isinstance(growth, CagrGrowth):
        assert base_value is not None and base_month is not None  # the schema requires a base
        return dem.cagr_growth(months, base_value, base_month, values(growth, "rate"))
    if isinstance(growth, PiecewiseGrowth):
        assert base_value is not None and base_month is not None
        return dem.piecewise_growth(
            months,
            base_value,
            base_month,
            [values(r, "from_") for r in growth.rates],
            [values(r, "rate") for r in growth.rates],
        )
    return dem.series_growth(
        months,
        [values(p, "at") for p in growth.points],
        [values(p, "value") for p in growth.points],
        base_value,
        base_month,
    )


def stream_demand_gbps(
    stream: DemandStream,
    months: NDArray[np.int64],
    share: FloatArray | None = None,
    values: Values = NO_OVERRIDES,
) -> FloatArray:
    """Demand of one stream in each month, share applied [Gbps].

    ``share`` is :func:`stream_share` of the same months when already computed.

    Raises
    ------
    ScenarioError
        When the growth overflows (e.g. a steep decline carried back over centuries).
    """
    with np.errstate(over="ignore"):  # overflow is checked here and reported by stream
        demand = _grown_gbps(stream, months, values)
    if not np.all(np.isfinite(demand)):
        raise ScenarioError(
            Problem(
                "growth from the base overflows within the period; check the growth rates and how "
                "far base.at is from the period",
                field=f"demand[{stream.id}]",
            )
        )
    if share is None:
        share = stream_share(stream, months, values)
    return demand if share is None else demand * share


def corridor_demand_gbps(
    scenario: Scenario, months: NDArray[np.int64], values: Values = NO_OVERRIDES
) -> FloatArray:
    """Corridor demand: the sum of the streams [Gbps]."""
    return _total([stream_demand_gbps(s, months, values=values) for s in scenario.demand])


def corridor_capacity_gbps(
    scenario: Scenario, months: NDArray[np.int64], values: Values = NO_OVERRIDES
) -> FloatArray:
    """Corridor capacity: the sum of the links [Gbps]."""
    return _total([link_capacity_gbps(link, months, values) for link in scenario.links])


def _total(parts: list[FloatArray]) -> FloatArray:
    """Sum of arrays that broadcast together: ``(months,)`` parts beside ``(samples, months)`` ones."""
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


@dataclass(frozen=True)
class Evaluation:
    """Every monthly quantity of a scenario; arrays ``(months,)``, or ``(samples, months)``."""

    link_capacity_gbps: dict[str, FloatArray]
    capacity_gbps: FloatArray
    stream_demand_gbps: dict[str, FloatArray]
    stream_share: dict[str, FloatArray | None]
    demand_gbps: FloatArray
    max_utilisation: Any
    utilisation: FloatArray
    headroom_gbps: FloatArray
    required_capacity_gbps: FloatArray
    gap_gbps: FloatArray


def evaluate(scenario: Scenario, months: NDArray[np.int64], values: Values = NO_OVERRIDES) -> Evaluation:
    """Capacity, demand and the planning quantities in each month, for one or many samples."""
    threshold = values(scenario.planning, "max_utilisation")
    links = {link.id: link_capacity_gbps(link, months, values) for link in scenario.links}
    capacity = _total(list(links.values()))
    shares = {s.id: stream_share(s, months, values) for s in scenario.demand}
    streams = {s.id: stream_demand_gbps(s, months, shares[s.id], values) for s in scenario.demand}
    demand = _total(list(streams.values()))
    return Evaluation(
        link_capacity_gbps=links,
        capacity_gbps=capacity,
        stream_demand_gbps=streams,
        stream_share=shares,
        demand_gbps=demand,
        max_utilisation=threshold,
        utilisation=plan.utilisation(demand, capacity),
        headroom_gbps=plan.headroom_gbps(demand, capacity, threshold),
        required_capacity_gbps=plan.required_capacity_gbps(demand, threshold),
        gap_gbps=plan.gap_gbps(demand, capacity, threshold),
    )


def project(scenario: Scenario) -> Projection:
    """Project capacity against demand, month by month, and find the events.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    Projection
        Arrays over the period's months and the events derived from them.
    """
    months = period_months(scenario)
    result = evaluate(scenario, months)
    return Projection(
        scenario=scenario,
        months=months,
        link_capacity_gbps=result.link_capacity_gbps,
        capacity_gbps=result.capacity_gbps,
        stream_demand_gbps=result.stream_demand_gbps,
        stream_share=result.stream_share,
        demand_gbps=result.demand_gbps,
        utilisation=result.utilisation,
        headroom_gbps=result.headroom_gbps,
        required_capacity_gbps=result.required_capacity_gbps,
        gap_gbps=result.gap_gbps,
        exhaustions=_exhaustions(scenario, months[plan.shortfall_starts(result.headroom_gbps)]),
        phases=_phase_orders(scenario),
        targets=_target_outcomes(scenario),
        steps=_target_steps(scenario, result.capacity_gbps),
    )


def period_months(scenario: Scenario) -> NDArray[np.int64]:
    """Month indices of the period, both ends included."""
    return np.arange(scenario.period.start, scenario.period.end + 1, dtype=np.int64)


def _exhaustions(scenario: Scenario, start_months: NDArray[np.int64]) -> tuple[Exhaustion, ...]:
    planned = sorted(
        (phase.in_service, link.id, k + 1, scenario.lead_time_months(phase))
        for link in scenario.links
        for k, phase in enumerate(link.phases)
    )
    result = []
    for month in start_months.tolist():
        later = [p for p in planned if p[0] > month]
        if later:
            _, link_id, number, lead = later[0]
            label: str | None = f"{link_id} phase {number}"
        else:
            lead, label = scenario.planning.default_lead_time, None
        result.append(Exhaustion(month=month, order_by=month - lead, lead_time_months=lead, next_phase=label))
    return tuple(result)


def _phase_orders(scenario: Scenario) -> tuple[PhaseOrder, ...]:
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


def _target_outcomes(scenario: Scenario) -> tuple[TargetOutcome, ...]:
    """Outcome of each target. Capacity is followed from the first phase in service, so a
    target already reached before the period starts is dated when it was reached."""
    if not scenario.targets:
        return ()
    first_phase = min(link.phases[0].in_service for link in scenario.links)
    months = np.arange(min(first_phase, scenario.period.start), scenario.period.end + 1, dtype=np.int64)
    capacity = corridor_capacity_gbps(scenario, months)
    levels = np.array([t.capacity for t in scenario.targets])
    first = plan.first_index_reaching(capacity[None, :], levels)
    deadlines = np.array([t.by for t in scenario.targets], dtype=np.int64)
    demand_at_by = corridor_demand_gbps(scenario, deadlines)
    outcomes = []
    for target, index, at_by in zip(scenario.targets, first.tolist(), demand_at_by.tolist(), strict=True):
        met = None if index < 0 else int(months[index])
        outcomes.append(
            TargetOutcome(
                name=target.name,
                capacity_gbps=target.capacity,
                by=target.by,
                met_month=met,
                on_time=met is not None and met <= target.by,
                months_late=None if met is None else max(0, met - target.by),
                utilisation_at_by=at_by / target.capacity,
            )
        )
    return tuple(outcomes)


def _target_steps(scenario: Scenario, capacity: FloatArray) -> tuple[TargetStep, ...]:
    """Steps from the capacity at the start of the period through each target, in deadline order."""
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
