"""A calibration (:mod:`capacity_model.engine.calibration`) in words, tables and files:
``fit.json``, ``fit.csv``, and the sentences of stdout and the report (README, "Calibrating
demand"); the ready-to-paste YAML block is :mod:`.fit_yaml`'s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .. import __version__
from ..engine.backtest import backtest
from ..engine.calibration import Calibration
from ..engine.fitting import Fit, fitted_curve
from ..engine.growth_curves import BASS_MAX_LEAD, BASS_MIN_P, PARAMETER_NAMES
from ..schema import DemandStream, FittedGrowth
from ..series import Series
from ..units import format_bit_rate, format_month
from .words import percent, plural
from .words import rate as _rate

__all__ = [
    "FORM_NAMES",
    "Parameter",
    "fit_columns",
    "fit_lines",
    "fit_summary",
    "fitted_growth_line",
    "parameters",
]


#: Each form in words.
FORM_NAMES = {
    "cagr": "constant growth, log-linear",
    "piecewise": "log-linear with breakpoints",
    "logistic": "S-curve",
    "gompertz": "asymmetric S-curve",
    "bass": "Bass diffusion curve",
}


#: Years the fitted curve and its prediction interval are carried past the last point in fit.csv.
CSV_YEARS_AHEAD = 5


@dataclass(frozen=True)
class Parameter:
    """One fitted parameter, as reported."""

    name: str
    estimate: float
    low: float
    """P10."""
    high: float
    """P90."""
    kind: str
    """``'value'`` (in the series' unit), ``'rate'`` (a year, as a fraction), ``'per_year'``
    (a rate constant) or ``'date'`` (a time in years)."""
    at_bound: bool = False
    """Whether the fit holds it at a bound of the form (Bass's least ``p``, latest start)."""


def month_of(years: float) -> int:
    """The month index of a time in years (a month index / 12), rounded to a whole month."""
    return round(float(years) * 12)


def parameters(fitted: Fit) -> list[Parameter]:
    """The fitted parameters in the order reported, with their kinds (see :class:`Parameter`)."""
    est, low, high = fitted.estimates, fitted.low, fitted.high
    if fitted.form in ("cagr", "piecewise"):
        out = [
            Parameter(
                f"level at {format_month(month_of(fitted.reference))}", est[0], low[0], high[0], "value"
            )
        ]
        starts = [fitted.times[0], *fitted.breaks]
        for k in range(1, len(est)):
            label = (
                "growth rate"
                if fitted.form == "cagr"
                else f"growth rate from {format_month(month_of(starts[k - 1]))}"
            )
            out.append(Parameter(label, est[k], low[k], high[k], "rate"))
        return out
    kinds = {"saturation": "value", "market": "value", "rate": "per_year", "p": "per_year", "q": "per_year"}
    bounds = (
        {
            "p": est[1] <= BASS_MIN_P * (1 + 1e-6),
            "start": est[3] <= fitted.times[0] - BASS_MAX_LEAD * (1 - 1e-6),
        }
        if fitted.form == "bass"
        else {}
    )
    return [
        Parameter(name, est[k], low[k], high[k], kinds.get(name, "date"), bool(bounds.get(name, False)))
        for k, name in enumerate(PARAMETER_NAMES[fitted.form])
    ]


class Unit(Protocol):
    """What the values of a series are: its column, and Gbps per unit when it is a bit rate."""

    @property
    def column(self) -> str | None: ...

    @property
    def gbps_per_unit(self) -> float | None: ...


def _value(series: Unit, value: float, unit: bool = True) -> str:
    """A value of the series in its unit, to three significant digits: a bit rate when the
    column names one; otherwise the number, then the column's name unless ``unit`` is false."""
    per = series.gbps_per_unit
    if per is not None:
        return _rate(value * per)
    return f"{value:,.3g}" + (f" ({series.column})" if unit else "")


def _shown(series: Unit, parameter: Parameter, value: float) -> str:
    if parameter.kind == "value":
        return _value(series, value)
    if parameter.kind == "rate":
        return f"{percent(value)} a year"
    if parameter.kind == "per_year":
        return f"{value:.3g} a year"
    return format_month(month_of(value))


def parameter_text(series: Unit, parameter: Parameter) -> str:
    """``'growth rate 39% a year (P10 31%, P90 48%)'``, ``'market 170 (P10 161, P90 180)
    subscribers_millions'``; a parameter held at a bound of its form says so."""
    plain = parameter.kind == "value" and series.gbps_per_unit is None
    shown = [
        _value(series, v, unit=False) if plain else _shown(series, parameter, v)
        for v in (parameter.estimate, parameter.low, parameter.high)
    ]
    if parameter.kind in ("rate", "per_year"):  # the unit once, after the estimate
        shown[1:] = [v.removesuffix(" a year") for v in shown[1:]]
    bound = " (at its lower bound: the data do not pin it down)" if parameter.at_bound else ""
    return (
        f"{parameter.name} {shown[0]} (P10 {shown[1]}, P90 {shown[2]})"
        + (f" {series.column}" if plain else "")
        + bound
    )


def fit_lines(calibration: Calibration, series: Series) -> list[str]:
    """The calibration in sentences: the data, the model chosen and why, its parameters, its
    backtest by horizon and the holdout."""
    fitted = calibration.fit
    lines = [
        f"Data: {series.describe()}.",
        f"Model: {calibration.chosen} ({FORM_NAMES[calibration.chosen]})"
        + (", as asked." if calibration.reason == "asked for" else f"; chosen by {calibration.reason}."),
        "Parameters (P10-P90 from the "
        + ("covariance of the estimates" if fitted.intervals == "covariance" else "residual bootstrap")
        + "): "
        + "; ".join(parameter_text(series, p) for p in parameters(fitted))
        + f". Residual spread: {percent(math.expm1(fitted.residual_sd))} (one standard deviation, in log).",
    ]
    test = calibration.backtests.get(calibration.chosen)
    rows = test.by_horizon() if test is not None else []
    every = test.errors() if test is not None else None
    if rows and every is not None:
        lines.append(
            f"Backtest (rolling origin), this model's {plural(every.count, 'forecast')} up to "
            f"{calibration.horizon_years} years ahead: median error {percent(every.mdape)}, bias "
            f"{'+' if every.bias > 0 else ''}{percent(every.bias)}, {percent(every.coverage)} inside P10-P90; "
            + "by horizon: "
            + "; ".join(
                f"{r.horizon} year{'s' if r.horizon != 1 else ''} ahead: median error {percent(r.mdape)}, "
                f"bias {'+' if r.bias > 0 else ''}{percent(r.bias)}, {percent(r.coverage)} inside P10-P90 "
                f"({plural(r.count, 'forecast')})"
                for r in rows
            )
            + "."
        )
    else:
        lines.append("Backtest: too few points to forecast any point the fit did not see.")
    held = calibration.holdout
    if held is not None:
        forecast = held.fit.level(held.times)
        lines.append(
            "Holdout: fitted without the last "
            + (f"{len(held.times)} points" if len(held.times) > 1 else "point")
            + ", the model forecasts "
            + "; ".join(
                f"{format_month(month_of(t))} {_value(series, f)} against {_value(series, v)} ({'+' if f > v else ''}"
                f"{percent(f / v - 1)})"
                for t, f, v in zip(held.times, forecast, held.values, strict=True)
            )
            + "."
        )
    return lines


def model_rows(calibration: Calibration) -> list[dict[str, Any]]:
    """One row per form compared: parameters, residual spread, BIC, backtest errors, or why it
    could not be fitted."""
    rows = []
    for form in calibration.asked:
        if form in calibration.failures:
            rows.append({"model": form, "fitted": False, "reason": calibration.failures[form]})
            continue
        fitted = calibration.fits[form]
        every = calibration.backtests[form].errors()
        rows.append(
            {
                "model": form,
                "fitted": True,
                "parameters": fitted.parameters,
                "residual_sd_log": fitted.residual_sd,
                "bic": fitted.bic(),
                "backtest_forecasts": 0 if every is None else every.count,
                "backtest_mdape": None if every is None else every.mdape,
                "backtest_bias": None if every is None else every.bias,
                "backtest_coverage_p10_p90": None if every is None else every.coverage,
                "backtest_origins_failed": calibration.backtests[form].failed,
                "chosen": form == calibration.chosen,
            }
        )
    return rows


def fit_summary(calibration: Calibration, series: Series, yaml: str) -> dict[str, Any]:
    """``fit.json``."""
    fitted = calibration.fit
    test = calibration.backtests.get(calibration.chosen)
    held = calibration.holdout
    return {
        "data": {
            "file": series.file,
            "column": series.column,
            "date_column": series.date_column,
            "metric": series.metric,
            "points": len(series.values),
            "first": format_month(int(series.months[0])),
            "last": format_month(int(series.months[-1])),
            "gbps_per_unit": series.gbps_per_unit,
        },
        "model": calibration.chosen,
        "chosen_by": calibration.reason,
        "intervals": fitted.intervals,
        "parameters": [
            {
                "name": p.name,
                "kind": p.kind,
                "estimate": p.estimate,
                "p10": p.low,
                "p90": p.high,
                **({"estimate_month": format_month(month_of(p.estimate))} if p.kind == "date" else {}),
            }
            for p in parameters(fitted)
        ],
        "breaks": [format_month(month_of(b)) for b in fitted.breaks],
        "residual_sd_log": fitted.residual_sd,
        "backtest": {
            "horizon_years": calibration.horizon_years,
            "by_horizon": []
            if test is None
            else [
                {
                    "horizon_years": r.horizon,
                    "forecasts": r.count,
                    "mdape": r.mdape,
                    "bias": r.bias,
                    "coverage_p10_p90": r.coverage,
                }
                for r in test.by_horizon()
            ],
        },
        "models": model_rows(calibration),
        "holdout": None
        if held is None
        else [
            {
                "date": format_month(month_of(t)),
                "actual": float(v),
                "forecast": float(f),
                "p10": float(lo),
                "p90": float(hi),
            }
            for t, v, f, lo, hi in zip(
                held.times,
                held.values,
                held.fit.level(held.times),
                *held.fit.quantiles(held.times, [0.1, 0.9]),
                strict=True,
            )
        ],
        "yaml": yaml,
        "version": __version__,
    }


def fit_columns(calibration: Calibration, series: Series) -> dict[str, Any]:
    """``fit.csv``: one row a month from the first point to :data:`CSV_YEARS_AHEAD` years past
    the last: ``date``, ``observed_<column>`` (empty where no point), ``fitted_<column>`` and
    the prediction quantiles ``p10_<column>``, ``p50_<column>``, ``p90_<column>``, in the
    column's unit."""
    months = np.arange(int(series.months[0]), int(series.months[-1]) + 12 * CSV_YEARS_AHEAD + 1)
    t = months / 12.0
    fitted = calibration.fit
    quantiles = fitted.quantiles(t, [0.1, 0.5, 0.9])
    observed: dict[int, float] = {int(m): float(v) for m, v in zip(series.months, series.values, strict=True)}
    name = series.column
    return {
        "date": [format_month(int(m)) for m in months],
        f"observed_{name}": [observed.get(int(m), "") for m in months],
        f"fitted_{name}": fitted.level(t),
        f"p10_{name}": quantiles[0],
        f"p50_{name}": quantiles[1],
        f"p90_{name}": quantiles[2],
    }


def fitted_growth_line(stream: DemandStream, horizon_years: int = 5) -> str:
    """A fitted growth in one sentence, for the assumptions page: the data, the form, its
    parameters with P10-P90 and how, and its backtest error (README, "Calibrating demand")."""
    growth = stream.growth
    assert isinstance(growth, FittedGrowth)
    fitted = fitted_curve(
        growth.form,
        tuple(p.at for p in growth.points),
        tuple(p.value for p in growth.points),
        None if growth.breaks is None else tuple(growth.breaks),
    )
    test = backtest(
        fitted.times,
        fitted.values,
        growth.form,
        horizon_years,
        None if growth.breaks is None else fitted.breaks,
    )
    every = test.errors()
    points = growth.points
    data = (
        f"{growth.data}, column {growth.column}"
        + (f", metric {growth.metric}" if growth.metric else "")
        + f", {len(points)} points {format_month(points[0].at)} to {format_month(points[-1].at)}"
    )
    scaled = (
        f"; the stream follows its shape, scaled to pass through the base, {format_bit_rate(stream.base.value)} "
        f"at {format_month(stream.base.at)}"
        if stream.base is not None
        else ""
    )
    check = (
        f"backtest median error {percent(every.mdape)} over {plural(every.count, 'forecast')} up to {horizon_years} years "
        f"ahead, bias {'+' if every.bias > 0 else ''}{percent(every.bias)}, {percent(every.coverage)} inside P10-P90"
        if every is not None
        else "too few points to backtest"
    )
    return (
        f"{stream.display_name}: {growth.form} ({FORM_NAMES[growth.form]}) fitted to {data}{scaled}. "
        + "The fit to the data, in the data's own level: "
        + "; ".join(parameter_text(growth, p) for p in parameters(fitted))
        + f" (P10-P90 from the {'covariance of the estimates' if fitted.intervals == 'covariance' else 'residual bootstrap'}). "
        + f"{check[0].upper()}{check[1:]}."
    )
