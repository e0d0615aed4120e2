"""Growth and share models against their closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from capacity_model.engine import demand as dem

MONTHS = np.arange(-24, 121)


def test_cagr_compounds_monthly_from_the_base() -> None:
    demand = dem.cagr_growth(MONTHS, 200.0, 0, 0.25)
    assert_allclose(demand, 200.0 * 1.25 ** (MONTHS / 12), rtol=1e-13)
    assert demand[MONTHS == 12][0] == pytest.approx(250.0, rel=1e-14)
    assert demand[MONTHS == -12][0] == pytest.approx(160.0, rel=1e-14)  # carried back


def test_piecewise_rates_hold_until_the_next_from() -> None:
    # 30% from month 0, 10% from month 24; base 100 Gbps at month 12.
    demand = dem.piecewise_growth(MONTHS, 100.0, 12, [0, 24], [0.30, 0.10])
    at = {int(m): float(d) for m, d in zip(MONTHS, demand, strict=True)}
    assert at[24] == pytest.approx(130.0, rel=1e-13)  # one year at 30%
    assert at[48] == pytest.approx(130.0 * 1.1**2, rel=1e-13)  # then two at 10%
    assert at[0] == pytest.approx(100.0 / 1.3, rel=1e-13)
    assert at[-24] == pytest.approx(100.0 / 1.3**3, rel=1e-13)  # first rate carried back


def test_piecewise_with_one_rate_is_cagr() -> None:
    assert_allclose(
        dem.piecewise_growth(MONTHS, 50.0, 7, [30], [0.2]), dem.cagr_growth(MONTHS, 50.0, 7, 0.2), rtol=1e-13
    )


def test_series_passes_through_points_log_linearly() -> None:
    points, values = [0, 12, 36], [100.0, 200.0, 250.0]
    demand = dem.series_growth(MONTHS, points, values)
    at = {int(m): float(d) for m, d in zip(MONTHS, demand, strict=True)}
    for month, value in zip(points, values, strict=True):
        assert at[month] == pytest.approx(value, rel=1e-13)
    assert at[6] == pytest.approx(math.sqrt(100.0 * 200.0), rel=1e-13)  # geometric midpoint
    assert at[-12] == pytest.approx(50.0, rel=1e-13)  # first segment (x2 per year) carried back
    assert at[60] == pytest.approx(250.0 * 1.25, rel=1e-13)  # last (x1.25 in 2 years) carried on


def test_series_with_a_base_is_rescaled_through_it() -> None:
    demand = dem.series_growth(MONTHS, [0, 12], [100.0, 200.0], base_value_gbps=300.0, base_month=12)
    assert_allclose(demand, 1.5 * dem.series_growth(MONTHS, [0, 12], [100.0, 200.0]), rtol=1e-13)


def test_constant_and_linear_shares() -> None:
    assert_allclose(dem.constant_share(MONTHS, 0.1), 0.1)
    share = dem.linear_share(np.array([0, 10, 15, 20, 30]), 0.0, 0.2, 10, 20)
    assert_allclose(share, [0.0, 0.0, 0.1, 0.2, 0.2], rtol=1e-15)


def test_logistic_share_is_half_at_midpoint_and_10_90_over_ramp() -> None:
    # ramp 48 months: 10% of the way at midpoint - 24, 90% at midpoint + 24.
    share = dem.logistic_share(np.array([36, 60, 84]), 0.0, 0.125, 60, 48)
    assert_allclose(share, [0.0125, 0.0625, 0.1125], rtol=1e-12)


def test_logistic_share_between_nonzero_levels() -> None:
    share = dem.logistic_share(np.array([-1000, 0, 1000]), 0.05, 0.15, 0, 12)
    assert_allclose(share, [0.05, 0.10, 0.15], rtol=1e-12)


# Bass F(t) check values computed independently in ../shared/reference/facts.md, section 7.
@pytest.mark.parametrize(("years", "adopted"), [(5, 0.33120), (10, 0.81280), (20, 0.99626)])
def test_bass_share_matches_published_check_values(years: int, adopted: float) -> None:
    share = dem.bass_share(np.array([12 * years]), 0.0, 1.0, 0, 0.03, 0.38)
    assert share[0] == pytest.approx(adopted, abs=5e-6)  # the table gives 5 decimals


def test_bass_share_peak_and_start() -> None:
    p, q = 0.03, 0.38
    peak_years = math.log(q / p) / (p + q)  # t* = ln(q/p)/(p+q), F(t*) = 1/2 - p/(2q)
    assert peak_years == pytest.approx(6.1926, abs=1e-4)
    at_peak = dem.bass_share(np.array([12 * peak_years]), 0.0, 1.0, 0, p, q)
    assert at_peak[0] == pytest.approx(0.5 - p / (2 * q), rel=1e-12)
    before = dem.bass_share(np.array([-10, 0]), 0.02, 0.1, 0, p, q)
    assert_allclose(before, [0.02, 0.02], rtol=1e-15)
