"""Tornado and Sobol' indices against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from capacity_model.engine.sensitivity import sobol, tornado
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
