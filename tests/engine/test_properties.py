"""Invariants of the engine, checked with hypothesis."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from capacity_model.engine import planning as plan
from capacity_model.engine import project
from tests.scenario_data import build, one_link

rates_gbps = st.floats(min_value=1.0, max_value=1e5, allow_nan=False, allow_infinity=False)
thresholds = st.floats(min_value=0.05, max_value=1.0)
growth = st.floats(min_value=-0.5, max_value=2.0)
years = st.integers(min_value=2020, max_value=2035)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """One link with up to four increasing phases (some ramped), one or two streams."""
    count = draw(st.integers(1, 4))
    capacities = sorted(draw(st.lists(rates_gbps, min_size=count, max_size=count)))
    starts = sorted(draw(st.lists(years, min_size=count, max_size=count, unique=True)))
    ramps = draw(st.lists(st.integers(0, 24), min_size=count, max_size=count))
    data = one_link(
        base=f"{draw(rates_gbps)} Gbps",
        rate=f"{draw(growth) * 100}%",
        threshold=f"{draw(thresholds) * 100}%",
        end="2040-12",
    )
    data["links"][0]["phases"] = [
        {"capacity": f"{c} Gbps", "in_service": str(y), "ramp": f"{r} months"}
        for c, y, r in zip(capacities, starts, ramps, strict=True)
    ]
    priorities = st.one_of(st.none(), st.integers(0, 3))
    if draw(st.booleans()):
        data["demand"].append(
            {
                "id": "transit",
                "base": {"value": f"{draw(rates_gbps)} Gbps", "at": "2026-01"},
                "growth": {"model": "cagr", "rate": f"{draw(growth) * 100}%"},
                "share": {
                    "model": "logistic",
                    "start": "0%",
                    "end": "15%",
                    "midpoint": "2030-01",
                    "ramp": "4 years",
                },
            }
        )
    for stream in data["demand"]:
        priority = draw(priorities)
        if priority is not None:
            stream["priority"] = priority
    return data


def away_from_ties(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Months where a and b differ by more than rounding (relative 1e-12)."""
    return np.abs(a - b) > 1e-12 * np.maximum(np.abs(a), np.abs(b))


@settings(deadline=None)
@given(scenarios())
def test_headroom_nonnegative_exactly_when_utilisation_within_threshold(data: dict[str, Any]) -> None:
    projection = project(build(data))
    threshold = projection.max_utilisation
    usable = projection.capacity_gbps * threshold
    # Where demand equals usable capacity to rounding, the two sides may round differently.
    clear = away_from_ties(projection.demand_gbps, usable)
    within = projection.utilisation <= threshold
    assert np.array_equal((projection.headroom_gbps >= 0)[clear], within[clear])
    assert np.array_equal((projection.gap_gbps > 0)[clear], (projection.headroom_gbps < 0)[clear])


@settings(deadline=None)
@given(scenarios(), st.floats(min_value=0.01, max_value=100.0))
def test_scaling_all_demand_scales_required_capacity(data: dict[str, Any], k: float) -> None:
    scaled = build(data).model_copy(deep=True)
    streams = [
        s.model_copy(update={"base": s.base.model_copy(update={"value": s.base.value * k})})  # type: ignore[union-attr]
        for s in scaled.demand
    ]
    scaled = scaled.model_copy(update={"demand": streams})
    base_run, scaled_run = project(build(data)), project(scaled)
    assert_allclose(scaled_run.required_capacity_gbps, k * base_run.required_capacity_gbps, rtol=1e-12)
    assert_allclose(scaled_run.demand_gbps, k * base_run.demand_gbps, rtol=1e-12)


@settings(deadline=None)
@given(scenarios(), rates_gbps, st.integers(2020, 2045), st.integers(0, 36))
def test_adding_a_phase_never_lowers_capacity(
    data: dict[str, Any], extra: float, year: int, ramp: int
) -> None:
    phases = data["links"][0]["phases"]
    last_year = int(phases[-1]["in_service"])
    last_capacity = float(phases[-1]["capacity"].split()[0])
    bigger = dict(data, links=[dict(data["links"][0], phases=[*phases])])
    bigger["links"][0]["phases"].append(
        {
            "capacity": f"{last_capacity + extra} Gbps",
            "in_service": str(max(year, last_year + 1)),
            "ramp": f"{ramp} months",
        }
    )
    before, after = project(build(data)), project(build(bigger))
    assert np.all(after.capacity_gbps >= before.capacity_gbps)


@settings(deadline=None)
@given(scenarios(), rates_gbps, years)
def test_adding_a_link_never_lowers_capacity(data: dict[str, Any], capacity: float, year: int) -> None:
    more = dict(
        data,
        links=[
            *data["links"],
            {"id": "extra", "phases": [{"capacity": f"{capacity} Gbps", "in_service": str(year)}]},
        ],
    )
    before, after = project(build(data)), project(build(more))
    assert np.all(after.capacity_gbps >= before.capacity_gbps)


@settings(deadline=None)
@given(scenarios())
def test_exhaustions_are_the_starts_of_negative_headroom(data: dict[str, Any]) -> None:
    projection = project(build(data))
    short = projection.headroom_gbps < 0
    starts = [e.month for e in projection.exhaustions]
    expected = [int(m) for i, m in enumerate(projection.months) if short[i] and (i == 0 or not short[i - 1])]
    assert starts == expected
    assert all(e.order_by == e.month - e.lead_time_months for e in projection.exhaustions)


@given(st.lists(st.floats(min_value=-1e3, max_value=1e3), min_size=1, max_size=50))
def test_shortfall_starts_count_runs(headroom: list[float]) -> None:
    values = np.array(headroom)
    runs = sum(1 for i, h in enumerate(values) if h < 0 and (i == 0 or values[i - 1] >= 0))
    assert plan.shortfall_starts(values).sum() == runs


@settings(deadline=None)
@given(scenarios(), rates_gbps, years)
def test_adding_capacity_never_increases_months_short_or_unserved(
    data: dict[str, Any], capacity: float, year: int
) -> None:
    more = dict(
        data,
        links=[
            *data["links"],
            {"id": "extra", "phases": [{"capacity": f"{capacity} Gbps", "in_service": str(year)}]},
        ],
    )
    before, after = project(build(data)), project(build(more))
    assert after.months_short <= before.months_short
    assert after.unserved_tbps_months <= before.unserved_tbps_months
    assert np.all(after.unserved_gbps <= before.unserved_gbps)


@settings(deadline=None)
@given(scenarios())
def test_carried_traffic_within_demand_and_usable_capacity(data: dict[str, Any]) -> None:
    projection = project(build(data))
    usable = projection.capacity_gbps * projection.max_utilisation
    rounding = 1e-12 * np.maximum(usable, projection.demand_gbps)  # sums of products round
    total = np.zeros_like(usable)
    for stream_id, carried in projection.stream_carried_gbps.items():
        demand = projection.stream_demand_gbps[stream_id]
        assert np.all(carried >= 0)
        assert np.all(carried <= demand)
        assert np.all(carried <= usable + rounding)
        total = total + carried
    assert np.all(total <= usable + rounding)
    # What is not carried is the unserved traffic: max(0, D - u C).
    assert_allclose(projection.demand_gbps - total, projection.unserved_gbps, rtol=1e-9, atol=1e-9)
    # A stream's carried share never exceeds its share.
    for stream_id, share in projection.stream_share.items():
        carried_share = projection.carried_share(stream_id)
        if share is not None and carried_share is not None:
            assert np.all(carried_share <= share * (1 + 1e-12))


@settings(deadline=None)
@given(scenarios())
def test_the_plan_keeps_utilisation_within_the_threshold(data: dict[str, Any]) -> None:
    projection = project(build(data))
    with_plan = projection.plan.capacity_gbps
    assert np.all(plan.headroom_gbps(projection.demand_gbps, with_plan, projection.max_utilisation) >= 0)
    assert np.all(with_plan >= projection.capacity_gbps)
    if projection.months_short == 0:
        assert projection.plan.upgrades == ()
