"""Planning quantities and events along the months axis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from capacity_model.engine import planning as plan


def test_derived_quantities_by_hand() -> None:
    demand = np.array([350.0, 700.0, 100.0, 0.0])
    capacity = np.array([1000.0, 1000.0, 0.0, 0.0])
    assert_allclose(plan.utilisation(demand, capacity), [0.35, 0.7, np.inf, 0.0])
    assert_allclose(plan.headroom_gbps(demand, capacity, 0.7), [350.0, 0.0, -100.0, 0.0], atol=1e-12)
    assert_allclose(plan.required_capacity_gbps(demand, 0.7), [500.0, 1000.0, 100 / 0.7, 0.0], rtol=1e-15)
    assert_allclose(plan.gap_gbps(demand, capacity, 0.7), [0.0, 0.0, 100 / 0.7, 0.0], atol=1e-12)


def test_shortfall_starts_mark_the_first_month_of_each_run() -> None:
    headroom = np.array([-1.0, -2.0, 3.0, 0.0, -1.0, 5.0, -0.5, -0.5])
    assert_array_equal(np.flatnonzero(plan.shortfall_starts(headroom)), [0, 4, 6])
    batched = plan.shortfall_starts(np.stack([headroom, -headroom]))
    assert_array_equal(np.flatnonzero(batched[1]), [2, 5])


def test_first_index_reaching_allows_rounding_of_sums() -> None:
    capacity = np.array([450.0, 999.9999999999, 4000.0])
    assert_array_equal(plan.first_index_reaching(capacity, np.array([1000.0, 4000.0, 5000.0])), [1, 2, -1])


def test_implied_cagr() -> None:
    assert plan.implied_cagr(1000.0, 4000.0, 24) == pytest.approx(1.0, rel=1e-14)
    assert plan.implied_cagr(450.0, 1000.0, 12) == pytest.approx(1000 / 450 - 1, rel=1e-14)


def test_target_reached_is_judged_at_the_deadline() -> None:
    capacity = np.array([0.0, 1.0, 1.0, 0.0, 0.0, 2.0, 2.0, 1.0])
    levels = np.array([1.0, 1.0, 2.0, 1.0, 3.0, 1.0])
    deadlines = np.array([2, 4, 6, 7, 7, -1])
    reached, on_time = plan.target_reached(capacity, levels, deadlines)
    # 1 by month 2: in service since month 1. 1 by month 4: it was reached in month 1 but the
    # link fell to 0 before the deadline, so it is late, reached again in month 5.
    # 2 by month 6: since month 5. 1 by month 7: the stretch from month 5. 3: never. A deadline
    # before the first month is never on time; the level is then reached in month 1.
    assert_array_equal(reached, [1, 5, 5, 5, -1, 1])
    assert_array_equal(on_time, [True, False, True, True, False, False])
    # Deadlines past the last month are judged at the last month.
    assert_array_equal(plan.target_reached(capacity, np.array([1.0]), np.array([99]))[0], [5])


@given(
    st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=30).map(
        lambda v: np.maximum.accumulate(v)
    ),
    st.floats(min_value=0.1, max_value=120),
    st.integers(-2, 40),
)
def test_target_reached_agrees_with_the_first_month_when_capacity_never_falls(
    capacity: np.ndarray, level: float, deadline: int
) -> None:
    reached, on_time = plan.target_reached(capacity[None, :], np.array([level]), np.array([deadline]))
    first = int(plan.first_index_reaching(capacity, np.array(level)))
    assert int(reached[0, 0]) == first
    assert bool(on_time[0, 0]) == (0 <= first <= min(deadline, len(capacity) - 1) and deadline >= 0)
