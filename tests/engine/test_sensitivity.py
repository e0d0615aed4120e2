"""Tornado and Sobol' indices against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats._sensitivity_analysis import sample_A_B as scipy_sample_a_b

from capacity_model.engine.sensitivity import (
    _FieldDistribution,
    bootstrap_intervals,
    saltelli_2010,
    saltelli_rows,
    sample_a_b,
    sobol,
    tornado,
)
from tests.engine.test_projection import exhaustion_month_by_formula
from tests.scenario_data import build, one_link


def additive_scenario() -> dict[str, object]:
    """Gap at the horizon = (b1 g1 + b2 g2) / u - C: additive in the two uniform base values."""
    data = one_link(capacity="1 Gbps", rate="0%", end="2030-12")
    data["demand"].append(
        {
            "id": "transit",
            "base": {"value": "1 Tbps", "at": "2026-01"},
            "growth": {"model": "cagr", "rate": "20%"},
        }
    )
    data["uncertainty"] = {
        "seed": 5,
        "sobol_samples": 4096,
        "parameters": {
            "demand.domestic.base.value": {"dist": "uniform", "low": "100 Gbps", "high": "300 Gbps"},
            "demand.transit.base.value": {"dist": "uniform", "low": "900 Gbps", "high": "1100 Gbps"},
        },
    }
    return data


def test_sobol_indices_of_an_additive_model_match_their_analytical_values() -> None:
    result = sobol(build(additive_scenario()))
    # Var(g_i b_i) = g_i^2 w_i^2 / 12 for b_i uniform of width w_i; growth to 2030-12 (59 months).
    growth = np.array([1.0, 1.2 ** (59 / 12)])
    widths = np.array([200.0, 200.0])
    variances = growth**2 * widths**2
    expected = variances / variances.sum()
    (gap,) = [s for s in result.sobol if s.outcome == "gap_at_horizon_gbps"]
    for index, interval in ((gap.first_order, gap.first_order_interval), (gap.total, gap.total_interval)):
        assert np.all(interval[0] <= expected) and np.all(expected <= interval[1]), (
            index,
            interval,
            expected,
        )
        assert index == pytest.approx(expected, abs=0.05)


def test_tornado_puts_each_input_at_its_p10_and_p90() -> None:
    data = one_link(capacity="1 Tbps", end="2060-12")
    data["uncertainty"] = {
        "parameters": {"demand.domestic.growth.rate": {"dist": "uniform", "low": "10%", "high": "30%"}}
    }
    baseline, (bar,) = tornado(build(data))
    assert (bar.low_value, bar.high_value) == (pytest.approx(0.12), pytest.approx(0.28))
    for rate, outcome in ((0.12, bar.outcome_at_low), (0.28, bar.outcome_at_high), (0.20, baseline)):
        # months to the first shortfall = (first month with D > uC) - start
        assert outcome["first_exhaustion_months"] == exhaustion_month_by_formula(1000.0, 200.0, rate, 0.7)
        demand = 200.0 * (1 + rate) ** (419 / 12)  # horizon: 2060-12, month 419
        assert outcome["gap_at_horizon_gbps"] == pytest.approx(demand / 0.7 - 1000.0, rel=1e-12)


def test_sobol_over_time_has_one_row_per_year() -> None:
    result = sobol(build(additive_scenario()), base_samples=256)
    assert result.utilisation_first_order.shape == (5, 2)
    assert list(result.years) == [2026, 2027, 2028, 2029, 2030]
    assert math.isclose(result.base_samples, 256)


def test_sobol_does_not_depend_on_the_chunk_size() -> None:
    scenario = build(additive_scenario())
    whole, parts = sobol(scenario, base_samples=64), sobol(scenario, base_samples=64, chunk_size=7)
    for a, b in zip(whole.sobol, parts.sobol, strict=True):
        assert np.array_equal(a.first_order, b.first_order) and np.array_equal(a.total, b.total)
    assert np.array_equal(whole.utilisation_total, parts.utilisation_total, equal_nan=True)


def test_inputs_are_scipys_a_b_and_ab_matrices() -> None:
    """Rows are A, then B, then each AB_i (A with column i from B), as in Saltelli (2010)."""
    a = np.arange(6.0).reshape(2, 3)  # (parameters, n): 2 inputs, 3 base samples
    b = -np.arange(6.0).reshape(2, 3) - 10
    expected = np.vstack([a.T, b.T, np.column_stack([b[0], a[1]]), np.column_stack([a[0], b[1]])])
    assert np.array_equal(saltelli_rows(a, b, 0, 12), expected)
    assert np.array_equal(np.vstack([saltelli_rows(a, b, s, min(s + 5, 12)) for s in (0, 5, 10)]), expected)


def test_a_and_b_are_scipys_own_for_the_same_seed() -> None:
    scenario = build(additive_scenario())
    dists = [_FieldDistribution(scenario, k) for k in range(2)]
    ours = sample_a_b(16, dists, np.random.default_rng(3))
    theirs = np.stack(scipy_sample_a_b(n=16, dists=dists, rng=np.random.default_rng(3)))
    assert np.array_equal(ours, theirs)


def test_bootstrap_intervals_are_those_of_resampling_the_rows_one_resample_at_a_time() -> None:
    """The matrix form equals the plain loop: draw n rows with replacement, re-estimate."""
    rng = np.random.default_rng(0)
    n, outputs, parameters = 300, 3, 4
    f_a, f_b = rng.normal(5, 2, (outputs, n)), rng.normal(5, 2, (outputs, n))
    f_ab = f_a + rng.normal(0, 1, (parameters, outputs, n))
    draws = np.random.default_rng(9).integers(0, n, (50, n))
    loop = np.stack([np.stack(saltelli_2010(f_a[:, r], f_b[:, r], f_ab[..., r])) for r in draws])
    low, high = bootstrap_intervals(f_a, f_b, f_ab, 0.9, seed=9, resamples=50)
    np.testing.assert_allclose(low, np.quantile(loop, 0.05, axis=0), rtol=1e-10)
    np.testing.assert_allclose(high, np.quantile(loop, 0.95, axis=0), rtol=1e-10)


def test_sobol_reports_its_progress_after_each_chunk() -> None:
    seen: list[tuple[int, int]] = []
    sobol(
        build(additive_scenario()), base_samples=64, chunk_size=100, progress=lambda d, t: seen.append((d, t))
    )
    runs = 64 * (2 + 2)  # n (d + 2) with two inputs
    assert seen == [(min(k + 100, runs), runs) for k in range(0, runs, 100)]
