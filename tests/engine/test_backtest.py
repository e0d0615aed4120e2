"""Rolling-origin backtests by hand on a short series, the holdout, and the choice of a model
by its forecast error rather than its fit in sample."""

from __future__ import annotations

import math

import numpy as np
import pytest

from capacity_model.engine.backtest import Backtest, backtest, fewest_points, holdout
from capacity_model.engine.calibration import calibrate, common_scores
from capacity_model.engine.fitting import FitError

#: Five yearly points.
TIMES = np.array([2020.0, 2021.0, 2022.0, 2023.0, 2024.0])
VALUES = np.array([100.0, 200.0, 300.0, 500.0, 600.0])


def straight_line_forecast(t: list[float], y: list[float], at: float) -> float:
    """exp of the least-squares line through (t, ln y), at ``at``: by hand."""
    n = len(t)
    mean_t = sum(t) / n
    logs = [math.log(v) for v in y]
    mean_y = sum(logs) / n
    slope = sum((a - mean_t) * (b - mean_y) for a, b in zip(t, logs, strict=True)) / sum(
        (a - mean_t) ** 2 for a in t
    )
    return math.exp(mean_y + slope * (at - mean_t))


def test_a_log_linear_backtest_by_hand() -> None:
    # cagr is fitted to 3 points at least. Origin 2022 (points 2020-22) forecasts 2023 (1 year
    # ahead) and 2024 (2 years); origin 2023 (points 2020-23) forecasts 2024 (1 year).
    test = backtest(TIMES, VALUES, "cagr", horizon_years=5)
    t, y = TIMES.tolist(), VALUES.tolist()
    f23 = straight_line_forecast(t[:3], y[:3], 2023)
    f24_from_22 = straight_line_forecast(t[:3], y[:3], 2024)
    f24 = straight_line_forecast(t[:4], y[:4], 2024)
    np.testing.assert_allclose(test.forecast, [f23, f24_from_22, f24], rtol=1e-12)
    assert test.horizon.tolist() == [1, 2, 1]
    one, two = test.by_horizon()
    errors_one = [(f23 - 500) / 500, (f24 - 600) / 600]
    assert one.count == 2 and one.mdape == pytest.approx(np.median(np.abs(errors_one)))
    assert one.bias == pytest.approx(np.median(errors_one))
    assert two.count == 1 and two.mdape == pytest.approx(abs(f24_from_22 - 600) / 600)
    every = test.errors()
    assert every is not None and every.count == 3
    assert test.score == pytest.approx(np.median(np.abs([*errors_one, (f24_from_22 - 600) / 600])))
    inside = (test.low <= test.actual) & (test.actual <= test.high)
    assert every.coverage == pytest.approx(inside.mean())


def test_the_horizon_limits_how_far_a_forecast_reaches() -> None:
    test = backtest(TIMES, VALUES, "cagr", horizon_years=1)
    assert test.horizon.tolist() == [1, 1]
    assert [e.horizon for e in test.by_horizon()] == [1]


def test_a_holdout_fits_without_the_last_points() -> None:
    fitted, times, values = holdout(TIMES, VALUES, "cagr", 2)
    assert times.tolist() == [2023.0, 2024.0] and values.tolist() == [500.0, 600.0]
    assert float(fitted.level(np.array([2024.0]))[0]) == pytest.approx(
        straight_line_forecast(TIMES[:3].tolist(), VALUES[:3].tolist(), 2024)
    )


def test_the_model_is_chosen_by_forecast_error_not_by_fit_in_sample() -> None:
    # A logistic curve with noise: in sample the piecewise fit (more parameters) may fit as
    # well, but the choice is the lowest backtest error, and the reason says so.
    times = 2010 + np.arange(16) * 0.75
    values = 150 / (1 + np.exp(-0.5 * (times - 2016))) * np.exp(np.random.default_rng(3).normal(0, 0.02, 16))
    calibration = calibrate(times, values, horizon_years=3)
    scores, shared = common_scores(calibration.backtests)
    lowest = min(scores.values())
    near = [f for f in scores if scores[f] <= lowest * 1.05]
    assert calibration.chosen == min(near, key=lambda f: (calibration.fits[f].parameters, scores[f]))
    assert f"over the {shared} backtest forecasts every model made" in calibration.reason
    assert calibration.fits["cagr"].bic() > calibration.fits[calibration.chosen].bic()


def test_a_series_too_short_to_backtest_falls_back_on_bic_and_says_so() -> None:
    calibration = calibrate(TIMES[:3], VALUES[:3], horizon_years=5)
    assert calibration.chosen == "cagr" and "too short to backtest" in calibration.reason
    assert set(calibration.failures) == {"piecewise", "logistic", "gompertz", "bass"}


def test_one_form_asked_is_the_choice() -> None:
    calibration = calibrate(TIMES, VALUES, ["cagr"], holdout_points=1)
    assert calibration.chosen == "cagr" and calibration.reason == "asked for"
    assert calibration.holdout is not None and calibration.holdout.times.tolist() == [2024.0]
    with pytest.raises(FitError, match="leaves too few"):
        calibrate(TIMES, VALUES, ["cagr"], holdout_points=3)


def test_fewest_points() -> None:
    assert [fewest_points(f) for f in ("cagr", "piecewise", "logistic", "gompertz", "bass")] == [
        3,
        5,
        4,
        4,
        5,
    ]
    assert fewest_points("piecewise", [2022.0]) == 4


def made(origins: list[float], times: list[float], errors: list[float]) -> Backtest:
    """A backtest with the given forecasts (actual 100, forecast 100 x (1 + error))."""
    n = len(origins)
    actual = np.full(n, 100.0)
    forecast = actual * (1 + np.array(errors))
    return Backtest("cagr", 5, np.array(origins), np.array(times), actual, forecast, forecast, forecast, 0)


def test_models_are_compared_on_the_forecasts_they_all_made() -> None:
    # a: fitted to fewer points, forecasts from 2021 too (error 50%); from 2022 both forecast
    # 2023 and 2024: a errs 10% and 30%, b 20% and 20%. On the common pair set a scores 20%,
    # b 20%: not a's own 30% (its median with the early forecast).
    a = made([2021.0, 2022.0, 2022.0], [2023.0, 2023.0, 2024.0], [0.5, 0.1, -0.3])
    b = made([2022.0, 2022.0], [2023.0, 2024.0], [0.2, 0.2])
    scores, shared = common_scores({"a": a, "b": b})
    assert shared == 2
    assert scores == pytest.approx({"a": 0.2, "b": 0.2})
    assert a.score == pytest.approx(0.3)


def test_the_choice_prefers_fewer_parameters_within_five_per_cent() -> None:
    # common errors (median of |PE|): cagr 10%, logistic 9.7% (within 5%: cagr, 2 parameters,
    # is chosen), bass 8% (more than 5% lower: chosen though it has 4).
    from types import SimpleNamespace

    from capacity_model.engine.calibration import _choose

    def one(error: float) -> Backtest:
        return made([2020.0, 2020.0, 2021.0], [2021.0, 2022.0, 2022.0], [error, -error, error])

    fits = {f: SimpleNamespace(breaks=()) for f in ("cagr", "logistic", "bass")}
    chosen, reason = _choose(fits, {"cagr": one(0.10), "logistic": one(0.097)}, ["cagr", "logistic"], 5, None)  # type: ignore[arg-type]
    assert chosen == "cagr" and "the fewest parameters of the models within 5% of the lowest" in reason
    tests = {"cagr": one(0.10), "logistic": one(0.097), "bass": one(0.08)}
    chosen, reason = _choose(fits, tests, ["cagr", "logistic", "bass"], 5, None)  # type: ignore[arg-type]
    assert chosen == "bass" and "(8.0%; next logistic at 9.7%)" in reason
