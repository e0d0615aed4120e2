"""Growth curves fitted to series: each form's parameters recovered from data it generated,
the coverage of its intervals over many noisy series, the breakpoints chosen by the data,
and the closed forms of the log-linear fit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from capacity_model.engine.fitting import FitError, choose_breaks, fit

#: 25 half-yearly points, 2010 to 2022.
TIMES = 2010 + np.arange(25) * 0.5
#: Natural parameters of each saturating form (saturation or market, rates, a date in years).
TRUE = {
    "logistic": [150.0, 0.6, 2016.3],
    "gompertz": [150.0, 0.4, 2015.0],
    "bass": [120.0, 0.02, 0.5, 2008.5],
}


def generated(form: str, natural: list[float], times: np.ndarray = TIMES) -> np.ndarray:
    """The form's curve at ``times`` for the natural parameters (by its closed form)."""
    if form == "logistic":
        k, r, tm = natural
        return k / (1 + np.exp(-r * (times - tm)))
    if form == "gompertz":
        k, c, tm = natural
        return k * np.exp(-np.exp(-c * (times - tm)))
    m, p, q, start = natural
    tau = times - start
    return m * (1 - np.exp(-(p + q) * tau)) / (1 + q / p * np.exp(-(p + q) * tau))


@pytest.mark.parametrize("form", sorted(TRUE))
def test_a_saturating_form_recovers_the_parameters_that_generated_the_data(form: str) -> None:
    fitted = fit(TIMES, generated(form, TRUE[form]), form)
    np.testing.assert_allclose(fitted.estimates, TRUE[form], rtol=1e-6)
    assert fitted.residual_sd < 1e-8


def test_the_log_linear_form_recovers_its_rate_and_level() -> None:
    # 300 Gbps in 2010 growing 25% a year: the level at the mean time t̄ = 2016 is 300 x 1.25^6.
    values = 300 * 1.25 ** (TIMES - 2010)
    fitted = fit(TIMES, values, "cagr")
    assert fitted.centre == pytest.approx(2016.0)
    np.testing.assert_allclose(fitted.estimates, [300 * 1.25**6, 0.25], rtol=1e-9)


def test_the_piecewise_form_finds_the_breakpoint_and_both_rates() -> None:
    # 60% a year to 2016, 10% after: the data choose the one breakpoint (no spurious second).
    values = np.where(TIMES < 2016, 300 * 1.6 ** (TIMES - 2010), 300 * 1.6**6 * 1.1 ** (TIMES - 2016))
    fitted = fit(TIMES, values, "piecewise")
    assert fitted.breaks == (2016.0,)
    np.testing.assert_allclose(fitted.estimates[1:], [0.6, 0.1], rtol=1e-6)
    given = fit(TIMES, values, "piecewise", breaks=[2016.0])
    np.testing.assert_allclose(given.estimates, fitted.estimates, rtol=1e-9)


def test_ordinary_least_squares_by_hand() -> None:
    # ln y = 0, ln 2, ln 3 at t = 0, 1, 2: slope (ln 3)/2 through the mean; residuals ±e, ∓2e...
    t = np.array([0.0, 1.0, 2.0])
    y = np.array([1.0, 2.0, 3.0])
    fitted = fit(t, y, "cagr")
    log_y = np.log(y)
    slope = (log_y[2] - log_y[0]) / 2
    intercept = log_y.mean()
    assert fitted.estimates[1] == pytest.approx(np.expm1(slope))
    assert fitted.estimates[0] == pytest.approx(np.exp(intercept))
    residuals = log_y - (intercept + slope * (t - 1))
    s = np.sqrt(np.sum(residuals**2) / (3 - 2))
    assert fitted.residual_sd == pytest.approx(s)
    # the rate's P10-P90: b ± t_{0.9,1} s / √Σ(t - t̄)²
    half = stats.t.ppf(0.9, 1) * s / np.sqrt(2.0)
    assert fitted.low[1] == pytest.approx(np.expm1(slope - half))
    assert fitted.high[1] == pytest.approx(np.expm1(slope + half))


def coverage(form: str, natural: list[float], seeds: int, sigma: float = 0.05) -> np.ndarray:
    """Share of ``seeds`` noisy series (20 half-yearly points, log-normal noise of ``sigma``)
    whose P10-P90 intervals hold each true parameter."""
    times = 2010 + np.arange(20) * 0.5
    if form == "cagr":
        curve = natural[0] * (1 + natural[1]) ** (times - times.mean())
    else:
        curve = generated(form, natural, times)
    hits = np.zeros(len(natural))
    for seed in range(seeds):
        noisy = curve * np.exp(np.random.default_rng(seed).normal(0, sigma, len(times)))
        fitted = fit(times, noisy, form, seed=seed)
        hits += (fitted.low <= natural) & (np.asarray(natural) <= fitted.high)
    return hits / seeds


def test_the_log_linear_intervals_cover_the_true_parameters_eight_times_in_ten() -> None:
    # Exact Student-t intervals: over 400 series each P10-P90 covers 80% of the time; tolerance
    # 0.06, three standard errors of a share of 400 (√(0.8·0.2/400) = 0.02).
    assert coverage("cagr", [1000.0, 0.3], 400) == pytest.approx([0.8, 0.8], abs=0.06)


@pytest.mark.parametrize(("form", "seeds"), [("logistic", 80), ("gompertz", 80), ("bass", 50)])
def test_the_bootstrap_intervals_cover_the_true_parameters_about_eight_times_in_ten(
    form: str, seeds: int
) -> None:
    # The residual bootstrap is approximate: with 20 points and 5% noise its P10-P90 covers the
    # true parameters 70-80% of the time (measured over 100 series). Tolerance: 0.62 to 0.95,
    # about three standard errors of a share of 50-80 series below 0.75 and above 0.85.
    shares = coverage(form, TRUE[form], seeds)
    assert np.all(shares >= 0.62) and np.all(shares <= 0.95), shares


def test_prediction_intervals_widen_with_the_distance_from_the_data() -> None:
    values = 300 * 1.25 ** (TIMES - 2010) * np.exp(np.random.default_rng(1).normal(0, 0.05, len(TIMES)))
    fitted = fit(TIMES, values, "cagr")
    low, mid, high = fitted.quantiles(np.array([2016.0, 2030.0]), [0.1, 0.5, 0.9])
    assert np.all(low < mid) and np.all(mid < high)
    assert (high[1] / low[1]) > (high[0] / low[0])
    np.testing.assert_allclose(mid, fitted.level(np.array([2016.0, 2030.0])), rtol=1e-12)


@pytest.mark.parametrize(
    ("form", "points"), [("cagr", 2), ("logistic", 3), ("gompertz", 3), ("bass", 4), ("piecewise", 4)]
)
def test_fewer_points_than_the_form_needs_is_an_error(form: str, points: int) -> None:
    with pytest.raises(FitError, match="needs at least"):
        fit(TIMES[:points], np.arange(1.0, points + 1), form)


def test_breakpoints_need_two_points_on_each_side() -> None:
    # five points, ln y rising by 1, 1, then 0.5, 0.5: the breakpoint at the third point
    values = np.exp([0.0, 1.0, 2.0, 2.5, 3.0])
    assert choose_breaks(np.arange(5.0), values) == (2.0,)
    with pytest.raises(FitError, match="needs at least 5 points"):
        choose_breaks(np.arange(4.0), values[:4])


def test_the_piecewise_level_is_the_curve_at_the_reported_month() -> None:
    # 50% a year to 2013, 10% after, yearly 2010-2020: the mean date is 2015, after the
    # breakpoint; the level reported at 2015-01 is the curve there, 100 x 1.5^3 x 1.1^2.
    times = np.arange(2010.0, 2021.0)
    values = np.where(times < 2013, 100 * 1.5 ** (times - 2010), 100 * 1.5**3 * 1.1 ** (times - 2013))
    fitted = fit(times, values, "piecewise", breaks=[2013.0])
    assert fitted.reference == 2015.0
    np.testing.assert_allclose(fitted.estimates, [100 * 1.5**3 * 1.1**2, 0.5, 0.1], rtol=1e-9)
    assert fitted.level(np.array([2015.0]))[0] == pytest.approx(fitted.estimates[0], rel=1e-12)


def test_the_level_is_reported_at_a_whole_month() -> None:
    # points at 2020-01 and 2021-01 ... mean 2020-07.5: reported at the whole month 2020-08
    # (rounded), the curve's value there, which a base at that month reproduces exactly.
    times = np.array([2020.0, 2020.5, 2021.0, 2021.25]) + np.array([0, 0, 0, 0])
    values = 100 * 2.0 ** (times - 2020)
    fitted = fit(times, values, "cagr")
    assert fitted.reference * 12 == round(fitted.reference * 12)
    assert fitted.estimates[0] == pytest.approx(100 * 2.0 ** (fitted.reference - 2020), rel=1e-12)


def test_given_breakpoints_are_no_parameters() -> None:
    # four points, one breakpoint given: three coefficients, one degree of freedom, and an
    # interval of some width (a breakpoint counted as a parameter would leave none).
    times = np.array([2015.0, 2016.0, 2017.0, 2018.0])
    fitted = fit(times, np.array([100.0, 150.0, 160.0, 175.0]), "piecewise", breaks=[2016.5])
    assert fitted.parameters == 3 and fitted.residual_sd > 0
    assert np.all(fitted.high > fitted.low)


@pytest.mark.parametrize(
    ("breaks", "message"),
    [
        ([2016.0, 2016.0], "two breakpoints are the same date"),
        ([2030.0], "after the first point and before the last"),
        ([2009.0], "after the first point and before the last"),
        ([2013.2, 2013.3], "each segment between breakpoints needs at least 2 points"),
    ],
)
def test_given_breakpoints_that_cannot_be_fitted_are_refused(breaks: list[float], message: str) -> None:
    with pytest.raises(FitError, match=message):
        fit(TIMES, 300 * 1.25 ** (TIMES - 2010), "piecewise", breaks=breaks)
