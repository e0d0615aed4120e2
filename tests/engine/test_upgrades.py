"""The capacity plan: hand-built schedules, closed forms and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from capacity_model.engine import planning as plan
from capacity_model.engine import project
from capacity_model.engine.upgrades import plan_steps
from capacity_model.errors import ScenarioError
from capacity_model.units import parse_month
from tests.scenario_data import build, one_link


def test_schedule_by_hand() -> None:
    # C = 1000, u = 0.5 (500 usable), steps of 100 (50 usable each), each upgrade lasting 3 months.
    demand = np.array([400.0, 450.0, 500.0, 550.0, 600.0, 650.0, 700.0, 750.0])
    # Month 3 (550) is the first short. Needed over months 3-5: (D/u - C)/step = 1, 2, 3 -> 3 steps.
    # Capacity 1300 (650 usable) holds until month 6 (700): over months 6-7, 4 and 5 -> 5 steps, 2 more.
    steps = plan_steps(demand, 1000.0, 0.5, 100.0, 3)
    assert_array_equal(steps, [0, 0, 0, 3, 0, 0, 2, 0])


def test_schedule_by_hand_with_planned_phases_in_the_window() -> None:
    # A planned step up to 1400 in month 2 counts within the window of an upgrade in month 1.
    demand = np.array([500.0, 560.0, 600.0, 650.0, 700.0])
    capacity = np.array([1000.0, 1000.0, 1400.0, 1400.0, 1400.0])
    # Month 1 short (560 > 500). Window months 1-3 needs (1120 - 1000)/100 = 1.2, (1200 - 1400)/100 < 0,
    # (1300 - 1400)/100 < 0: 2 steps. Then 1600 (800 usable) covers the rest.
    assert_array_equal(plan_steps(demand, capacity, 0.5, 100.0, 3), [0, 2, 0, 0, 0])


def test_adequate_capacity_gives_an_empty_plan() -> None:
    projection = project(build(one_link(capacity="100 Tbps", end="2030-12")))
    assert projection.plan.upgrades == ()
    assert projection.plan.total_added_gbps == 0.0
    assert np.array_equal(projection.plan.capacity_gbps, projection.capacity_gbps)


@pytest.mark.parametrize(("step_gbps", "horizon"), [(100.0, 24), (400.0, 12), (1000.0, 36), (25.0, 1)])
def test_plan_for_constant_capacity_matches_closed_form(step_gbps: float, horizon: int) -> None:
    """Constant capacity C, demand D0 q^t, threshold u, steps s, horizon H.

    With n steps in service the capacity lasts while D0 q^t <= u (C + n s); the first short month
    is T(n) = floor(ln(u (C + n s) / D0) / ln q) + 1. Each upgrade enters service at T(n) and
    brings n to ceil((D0 q^(T + H - 1) / u - C) / s), the need at the end of its window (demand
    grows, so the window's last month needs most), cut at the period's last month.
    """
    capacity, base, rate, u = 1000.0, 200.0, 0.25, 0.7
    scenario = build(
        one_link(
            capacity=f"{capacity} Gbps",
            base=f"{base} Gbps",
            rate=f"{rate * 100}%",
            threshold=f"{u * 100}%",
            end="2045-12",
            planning={
                "max_utilisation": "70%",
                "upgrade": {
                    "step": f"{step_gbps} Gbps",
                    "horizon": f"{horizon} months",
                    "lead_time": "9 months",
                },
            },
        )
    )
    projection = project(scenario)
    months = len(projection.months)
    q_log = math.log1p(rate) / 12
    expected, n = [], 0
    while True:
        first = math.floor(math.log(u * (capacity + n * step_gbps) / base) / q_log) + 1
        if first >= months:
            break
        last = min(first + horizon, months) - 1
        total = math.ceil((base * math.exp(q_log * last) / u - capacity) / step_gbps)
        expected.append((first, total - n))
        n = total
    start = parse_month("2026-01")
    got = [(u_.in_service - start, u_.steps) for u_ in projection.plan.upgrades]
    assert got == expected
    assert all(u_.order_by == u_.in_service - 9 for u_ in projection.plan.upgrades)
    assert projection.plan.total_added_gbps == n * step_gbps
    # The plan never lets utilisation exceed the threshold.
    assert np.all(plan.headroom_gbps(projection.demand_gbps, projection.plan.capacity_gbps, u) >= 0)


def test_plan_defaults_are_reported() -> None:
    default = project(build(one_link())).plan
    assert (default.step_gbps, default.horizon_months, default.lead_time_months) == (100.0, 24, 24)
    assert default.defaults == ("step", "horizon", "lead_time")
    data = one_link(planning={"upgrade": {"step": "400 Gbps"}, "default_lead_time": "18 months"})
    given_step = project(build(data)).plan
    assert (given_step.step_gbps, given_step.lead_time_months) == (400.0, 18)
    assert given_step.defaults == ("horizon", "lead_time")


def test_a_step_far_too_small_for_the_demand_is_refused() -> None:
    with pytest.raises(ScenarioError, match="choose a larger step"):
        plan_steps(np.array([1e9]), 0.0, 0.01, 1e-9, 12)


def test_rows_are_planned_independently() -> None:
    rng = np.random.default_rng(7)
    demand = np.cumsum(rng.uniform(0, 50, size=(5, 40)), axis=1) + 100
    capacity = np.where(np.arange(40) >= 20, 800.0, 300.0)
    u = np.array([[0.5], [0.6], [0.7], [0.8], [0.9]])
    together = plan_steps(demand, capacity, u, 40.0, 6)
    for row in range(5):
        assert_array_equal(together[row], plan_steps(demand[row], capacity, float(u[row, 0]), 40.0, 6))


growing_demand = st.lists(st.floats(min_value=0.0, max_value=500.0), min_size=1, max_size=60).map(
    lambda steps: 100.0 + np.cumsum(steps)
)


@settings(deadline=None)
@given(
    growing_demand,
    st.floats(min_value=0.0, max_value=5000.0),
    st.floats(min_value=0.05, max_value=1.0),
    st.floats(min_value=1.0, max_value=2000.0),
    st.integers(min_value=1, max_value=36),
)
def test_plan_is_enough_latest_and_smallest(
    demand: np.ndarray, capacity: float, u: float, step: float, horizon: int
) -> None:
    steps = plan_steps(demand, capacity, u, step, horizon)
    added = np.cumsum(steps) * step
    # Enough: utilisation never above the threshold, whatever the plan.
    assert np.all(plan.headroom_gbps(demand, capacity + added, u) >= 0)
    assert np.all(steps == np.round(steps)) and np.all(steps >= 0)
    for t in np.flatnonzero(steps):
        before = added[t] - steps[t] * step
        # Latest: without it the month it enters service would be short.
        assert plan.headroom_gbps(demand[t], capacity + before, u) < 0
        # Smallest: one step fewer leaves a month of its horizon short (or it is a single step).
        window = slice(t, min(t + horizon, len(demand)))
        fewer = capacity + added[t] - step
        assert steps[t] == 1 or np.any(plan.headroom_gbps(demand[window], fewer, u) < 0)


def test_an_exact_whole_number_of_steps_is_not_rounded_up() -> None:
    # 900 Gbps at 70% against 700 Gbps: (700 / 0.7 - 900) / 100 is 1 up to rounding
    # (1.0000000000000002 in floating point), and one step gives headroom 0.7 x 1000 - 700 = 0.
    assert (700 / 0.7 - 900) / 100 > 1
    assert plan.headroom_gbps(700.0, 1000.0, 0.7) >= 0
    assert_array_equal(plan_steps(np.array([700.0]), 900.0, 0.7, 100.0, 1), [1.0])
    # Ten steps of 100 from nothing: (700 / 0.7) / 100 = 10.000000000000002.
    assert_array_equal(plan_steps(np.array([700.0]), 0.0, 0.7, 100.0, 1), [10.0])


def test_a_plan_that_cannot_be_made_leaves_the_rest_of_the_run_standing() -> None:
    # 200 Gbps growing 35% a year for 125 years: far beyond 2**53 steps of 100 Gbps.
    data = one_link(end="2150-12", rate="35%")
    projection = project(build(data))
    assert projection.plan.upgrades == () and projection.plan.problem is not None
    assert "choose a larger step" in projection.plan.problem
    assert projection.months_short > 0  # the run itself stands
    assert np.array_equal(projection.plan.capacity_gbps, projection.capacity_gbps)
