"""Link capacity from phases: steps, ramps, retirement, broadcasting over samples."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from capacity_model.engine.capacity import link_capacity_gbps, ramp_fraction
from capacity_model.engine.evaluation import total

MONTHS = np.arange(0, 40)


def test_steps_give_the_latest_phase_exactly() -> None:
    capacity = link_capacity_gbps(MONTHS, [450.0, 1000.0, 4000.0], [5, 10, 20], [0, 0, 0])
    expected = np.select([MONTHS >= 20, MONTHS >= 10, MONTHS >= 5], [4000.0, 1000.0, 450.0], 0.0)
    assert_array_equal(capacity, expected)


def test_ramp_grows_linearly_from_the_previous_phase() -> None:
    # 1000 -> 4000 Gbps over 6 months from month 10: 1000 + 3000 * (t - 10) / 6.
    capacity = link_capacity_gbps(MONTHS, [1000.0, 4000.0], [0, 10], [0, 6])
    assert capacity[9] == 1000.0
    assert capacity[10] == 1000.0
    assert_allclose(capacity[11:16], 1000.0 + 3000.0 * np.arange(1, 6) / 6, rtol=1e-15)
    assert_array_equal(capacity[16:], 4000.0)


def test_first_phase_ramps_from_zero() -> None:
    capacity = link_capacity_gbps(MONTHS, [1200.0], [4], [4])
    assert_allclose(capacity[3:9], [0.0, 0.0, 300.0, 600.0, 900.0, 1200.0], rtol=1e-15)


def test_new_phase_takes_over_an_unfinished_ramp() -> None:
    # Phase 2 ramps 100 -> 1000 over 10 months from month 5; phase 3 (2000, step) at month 8.
    capacity = link_capacity_gbps(MONTHS, [100.0, 1000.0, 2000.0], [0, 5, 8], [0, 10, 0])
    assert_allclose(capacity[5:8], [100.0, 190.0, 280.0], rtol=1e-15)
    assert_array_equal(capacity[8:], 2000.0)


def test_retired_link_carries_nothing() -> None:
    capacity = link_capacity_gbps(MONTHS, [450.0], [0], [0], retire_month=12)
    assert_array_equal(capacity[:12], 450.0)
    assert_array_equal(capacity[12:], 0.0)


def test_ramp_fraction_of_a_step_and_a_ramp() -> None:
    assert_array_equal(ramp_fraction([2, 3, 4], 3, 0), [0.0, 1.0, 1.0])
    assert_allclose(ramp_fraction([3, 4, 5, 6, 7], 3, 4), [0.0, 0.25, 0.5, 0.75, 1.0], rtol=1e-15)


def test_parameters_broadcast_over_samples() -> None:
    # Three samples of the second phase's month and capacity: shape (3, 1) against (40,).
    starts = np.array([[10], [15], [30]])
    sizes = np.array([[2000.0], [3000.0], [4000.0]])
    batched = link_capacity_gbps(MONTHS, [450.0, sizes], [0, starts], [0, 3])
    assert batched.shape == (3, 40)
    for k in range(3):
        single = link_capacity_gbps(MONTHS, [450.0, float(sizes[k, 0])], [0, int(starts[k, 0])], [0, 3])
        assert_array_equal(batched[k], single)


def test_a_ramp_starting_during_an_unfinished_ramp_starts_from_the_previous_phase() -> None:
    # 1000 -> 4000 over 24 months from month 0; 5000 from month 12 over 12 months. The new
    # phase ramps from the previous phase's full 4000 (a step up from the 2500 reached).
    capacity = link_capacity_gbps(MONTHS, [1000.0, 4000.0, 5000.0], [-1, 0, 12], [0, 24, 12])
    assert capacity[11] == pytest.approx(1000 + 3000 * 11 / 24, rel=1e-15)
    assert capacity[12] == 4000.0
    assert capacity[18] == pytest.approx(4500.0, rel=1e-15)
    assert_array_equal(capacity[24:], 5000.0)


def test_total_sums_fixed_parts_first_and_never_changes_its_inputs() -> None:
    rng = np.random.default_rng(1)
    fixed = [rng.random(6) for _ in range(3)]
    sampled = [rng.random((4, 6)) for _ in range(2)]
    column = rng.random((4, 1))
    parts = [fixed[0], sampled[0], fixed[1], column, sampled[1], fixed[2]]
    copies = [p.copy() for p in parts]
    np.testing.assert_allclose(total(parts), sum(copies), rtol=1e-14)
    assert all(np.array_equal(p, c) for p, c in zip(parts, copies, strict=True))
    assert total([fixed[0]]) is fixed[0] and total([sampled[0]]) is sampled[0]
    np.testing.assert_allclose(total([column, sampled[0]]), column + sampled[0], rtol=1e-14)
