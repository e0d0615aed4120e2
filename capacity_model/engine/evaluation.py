"""Every monthly quantity of a scenario, for one run or many samples at once.

:func:`evaluate` computes capacity, demand and the planning quantities over the
months, as ``(months,)`` arrays for the values written in the scenario, or as
``(samples, months)`` arrays when :class:`Values` overrides some fields with
``(samples, 1)`` columns of samples. There is no loop over months or samples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .. import units
from ..errors import Problem, ScenarioError
from ..schema import (
    BassShare,
    CagrGrowth,
    ConstantShare,
    DemandStream,
    FittedGrowth,
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
    "NO_OVERRIDES",
    "Evaluation",
    "Values",
    "corridor_capacity_gbps",
    "corridor_demand_gbps",
    "evaluate",
    "link_capacity_gbps",
    "period_months",
    "stream_base_gbps",
    "stream_demand_gbps",
    "stream_share",
    "total",
]

if TYPE_CHECKING:
    from pydantic import BaseModel

FloatArray = NDArray[np.float64]


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
    if isinstance(growth, FittedGrowth):
        written = None if base is None else base.at
        return _fitted_gbps(
            stream.id, growth, months, values(growth, "draw"), base_value, base_month, written
        )
    return dem.series_growth(
        months,
        [values(p, "at") for p in growth.points],
        [values(p, "value") for p in growth.points],
        base_value,
        base_month,
    )


def _fitted_gbps(
    stream_id: str,
    growth: FittedGrowth,
    months: NDArray[np.int64],
    draw: Any,
    base_value: Any,
    base_month: Any,
    written_base_month: int | None = None,
) -> FloatArray:
    """A fitted growth over ``months`` [Gbps] (README, "Calibrating demand").

    The curve ``f`` fitted to the growth's points (:func:`~.fitting.fitted_curve`), in the
    data's unit; with a ``base`` it is scaled to pass through it, ``D(t) = value · f(t) /
    f(at)``, otherwise converted from the data's bit rate. ``draw`` is the growth's value of the
    uncertainty section's draw of the fit: a ``(samples, 1)`` column of uniforms picks, for each
    sample, one of the fit's joint draws of its parameters (:func:`~.fitting.joint_draws`),
    ordered by the demand they give at the period's last month (with a base, scaled through it
    at ``written_base_month``, the base month as written), so that a higher draw is higher
    demand at the end; a scalar (nothing sampled) gives the curve at the estimates. The curve at the
    estimates may not pass 1 Ebps within the period (a :class:`ScenarioError` naming the
    stream); a draw beyond it is held at it.
    """
    from .fitting import fitted_curve, joint_draws, log_level_each, log_levels

    fitted = fitted_curve(
        growth.form,
        tuple(p.at for p in growth.points),
        tuple(p.value for p in growth.points),
        None if growth.breaks is None else tuple(growth.breaks),
    )
    t = months / 12.0
    if isinstance(draw, np.ndarray):
        theta = joint_draws(fitted)
        # Ordered by the demand each draw gives at the period's end: the curve there, or with a
        # base its ratio to the curve at the base month as written (draws whose curve has not
        # started by then cannot pass through the base, and are left out).
        key = log_levels(fitted, theta, np.array([t[-1]]))[:, 0]
        if written_base_month is not None:
            key = key - log_levels(fitted, theta, np.array([written_base_month / 12.0]))[:, 0]
        usable = np.isfinite(key)
        if not usable.any():
            raise ScenarioError(
                Problem(
                    f"no draw of the {growth.form} curve fitted to {growth.data} is defined at the base "
                    "month; move base.at into the data's period",
                    field=f"demand[{stream_id}].base.at",
                )
            )
        theta, key = theta[usable], key[usable]
        order = np.argsort(key, kind="stable")
        index = np.minimum(
            (np.asarray(draw, dtype=float)[:, 0] * len(order)).astype(np.int64), len(order) - 1
        )
        chosen = theta[order[index]]
        log_f = log_levels(fitted, chosen, t)  # (samples, months)
        at_base = None
        if base_month is not None:  # each sample's curve at its base month (which may be sampled)
            base_t = np.broadcast_to(np.asarray(base_month, dtype=float).reshape(-1) / 12.0, (len(chosen),))
            at_base = log_level_each(fitted, chosen, base_t)[:, None]
    else:
        log_f = fitted.log_level(t)
        at_base = None if base_month is None else fitted.log_level(np.asarray(base_month, dtype=float) / 12.0)
        if at_base is not None and not np.all(np.isfinite(at_base)):
            raise ScenarioError(
                Problem(
                    f"the {growth.form} curve fitted to {growth.data} has not started at the base month "
                    f"(it starts at {units.format_month(round(float(fitted.estimates[-1]) * 12))}); move "
                    "base.at into the data's period",
                    field=f"demand[{stream_id}].base.at",
                )
            )
    if base_value is None:
        per = growth.gbps_per_unit
        assert per is not None  # the schema requires a base otherwise
        level = np.log(per) + log_f
    else:
        level = np.log(np.asarray(base_value, dtype=float)) + log_f - np.asarray(at_base)
    top = np.log(units.MAX_BIT_RATE_GBPS)
    if not isinstance(draw, np.ndarray) and np.max(level) > top:
        raise ScenarioError(
            Problem(
                f"the {growth.form} curve fitted to {growth.data} reaches "
                f"{units.format_bit_rate(float(np.exp(np.max(level))))} within the period, above the "
                f"{units.format_bit_rate(units.MAX_BIT_RATE_GBPS)} any bit rate may reach; fit another form, "
                "choose the points (since, until) or shorten the period",
                field=f"demand[{stream_id}].growth",
            )
        )
    return np.exp(np.minimum(level, top))  # a draw beyond the bound is held at it


def stream_base_gbps(
    stream: DemandStream, months: NDArray[np.int64], values: Values = NO_OVERRIDES
) -> FloatArray:
    """A stream's traffic before its share: the growth model alone [Gbps].

    For a stream with a share this is the traffic the share is a share of (e.g. Chinese
    operators' international traffic); without a share it is the stream's demand.

    Raises
    ------
    ScenarioError
        When the growth overflows (e.g. a steep decline carried back over centuries).
    """
    with np.errstate(over="ignore"):  # overflow is checked here and reported by stream
        base = _grown_gbps(stream, months, values)
    if not np.all(np.isfinite(base)):
        raise ScenarioError(
            Problem(
                (
                    "growth between the series' points, carried across the period, overflows; check "
                    "the points' values and dates"
                    if stream.base is None
                    else "growth from the base overflows within the period; check the growth rates "
                    "and how far base.at is from the period"
                ),
                field=f"demand[{stream.id}].growth",
            )
        )
    return base


def stream_demand_gbps(
    stream: DemandStream,
    months: NDArray[np.int64],
    share: FloatArray | None = None,
    values: Values = NO_OVERRIDES,
    base: FloatArray | None = None,
) -> FloatArray:
    """Demand of one stream in each month, share applied: ``base(t) * share(t)`` [Gbps].

    ``share`` (:func:`stream_share`) and ``base`` (:func:`stream_base_gbps`) of the same
    months are used when already computed.
    """
    if base is None:
        base = stream_base_gbps(stream, months, values)
    if share is None:
        share = stream_share(stream, months, values)
    return base if share is None else base * share


def corridor_demand_gbps(
    scenario: Scenario, months: NDArray[np.int64], values: Values = NO_OVERRIDES
) -> FloatArray:
    """Corridor demand: the sum of the streams [Gbps]."""
    return total([stream_demand_gbps(s, months, values=values) for s in scenario.demand])


def corridor_capacity_gbps(
    scenario: Scenario, months: NDArray[np.int64], values: Values = NO_OVERRIDES
) -> FloatArray:
    """Corridor capacity: the sum of the links [Gbps]."""
    return total([link_capacity_gbps(link, months, values) for link in scenario.links])


def total(parts: list[FloatArray]) -> FloatArray:
    """Sum of arrays that broadcast together: ``(months,)`` parts beside ``(samples, months)`` ones.

    The ``(months,)`` parts (links and streams no sampled input touches) are summed first, in
    one dimension, and the ``(samples, months)`` ones then added in place into one new array:
    with many streams, broadcasting each fixed stream to every sample would cost a pass over
    ``samples x months`` values per stream. The sum is in the order of ``parts`` within each
    kind; the inputs are never changed.
    """
    fixed = [p for p in parts if np.ndim(p) <= 1]
    sampled = [p for p in parts if np.ndim(p) > 1]
    result = fixed[0] if fixed else sampled.pop(0)
    for part in fixed[1:]:
        result = result + part
    if sampled:
        result = result + sampled[0]  # a new (samples, months) array: safe to add into
        for part in sampled[1:]:
            if np.broadcast_shapes(result.shape, part.shape) == result.shape:
                result += part
            else:  # a (samples, 1) part before a (samples, months) one
                result = result + part
    return result


@dataclass(frozen=True)
class Evaluation:
    """Every monthly quantity of a scenario; arrays ``(months,)``, or ``(samples, months)``."""

    link_capacity_gbps: dict[str, FloatArray]
    capacity_gbps: FloatArray
    stream_base_gbps: dict[str, FloatArray]
    """Each stream's traffic before its share [Gbps]."""
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
    capacity = total(list(links.values()))
    shares = {s.id: stream_share(s, months, values) for s in scenario.demand}
    bases = {s.id: stream_base_gbps(s, months, values) for s in scenario.demand}
    streams = {
        s.id: stream_demand_gbps(s, months, shares[s.id], values, bases[s.id]) for s in scenario.demand
    }
    demand = total(list(streams.values()))
    return Evaluation(
        link_capacity_gbps=links,
        capacity_gbps=capacity,
        stream_base_gbps=bases,
        stream_demand_gbps=streams,
        stream_share=shares,
        demand_gbps=demand,
        max_utilisation=threshold,
        utilisation=plan.utilisation(demand, capacity),
        headroom_gbps=plan.headroom_gbps(demand, capacity, threshold),
        required_capacity_gbps=plan.required_capacity_gbps(demand, threshold),
        gap_gbps=plan.gap_gbps(demand, capacity, threshold),
    )


def period_months(scenario: Scenario) -> NDArray[np.int64]:
    """Month indices of the period, both ends included."""
    return np.arange(scenario.period.start, scenario.period.end + 1, dtype=np.int64)
