"""A calibration (:mod:`capacity_model.engine.calibration`) in words, tables and files:
``fit.json``, ``fit.csv``, the ready-to-paste YAML block and the sentences of stdout and the
report (README, "Calibrating demand").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .. import __version__
from ..engine.backtest import backtest
from ..engine.calibration import Calibration
from ..engine.fitting import PARAMETER_NAMES, Fit, fitted_curve
from ..schema import DemandStream, FittedGrowth
from ..series import Series
from ..units import format_bit_rate, format_month
from .words import percent

__all__ = [
    "FORM_NAMES",
    "Parameter",
    "fit_columns",
    "fit_lines",
    "fit_summary",
    "fitted_growth_line",
    "parameters",
    "yaml_block",
]

#: Each form in words.
FORM_NAMES = {
    "cagr": "log-linear (constant growth)",
    "piecewise": "log-linear with breakpoints",
    "logistic": "logistic (S-curve)",
    "gompertz": "Gompertz (S-curve)",
    "bass": "Bass diffusion",
}
#: Years the fitted curve and its prediction interval are carried past the last point in fit.csv.
CSV_YEARS_AHEAD = 5
#: ``z`` of the standard normal's 90th percentile.
Z_90 = 1.2815515655446004


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


def _month(years: float) -> int:
    """The month index of a time in years (a month index / 12), rounded to a whole month."""
    return round(float(years) * 12)


def parameters(fitted: Fit) -> list[Parameter]:
    """The fitted parameters in the order reported, with their kinds (see :class:`Parameter`)."""
    est, low, high = fitted.estimates, fitted.low, fitted.high
    if fitted.form in ("cagr", "piecewise"):
        out = [Parameter(f"level at {format_month(_month(fitted.centre))}", est[0], low[0], high[0], "value")]
        starts = [fitted.times[0], *fitted.breaks]
        for k in range(1, len(est)):
            label = (
                "growth rate"
                if fitted.form == "cagr"
                else f"growth rate from {format_month(_month(starts[k - 1]))}"
            )
            out.append(Parameter(label, est[k], low[k], high[k], "rate"))
        return out
    kinds = {"saturation": "value", "market": "value", "rate": "per_year", "p": "per_year", "q": "per_year"}
    return [
        Parameter(name, est[k], low[k], high[k], kinds.get(name, "date"))
        for k, name in enumerate(PARAMETER_NAMES[fitted.form])
    ]


class Unit(Protocol):
    """What the values of a series are: its column, and Gbps per unit when it is a bit rate."""

    @property
    def column(self) -> str | None: ...

    @property
    def gbps_per_unit(self) -> float | None: ...


def _value(series: Unit, value: float) -> str:
    """A value of the series in its unit: a bit rate when the column names one."""
    per = series.gbps_per_unit
    if per is not None:
        return format_bit_rate(value * per)
    return f"{value:,.4g} ({series.column})"


def _shown(series: Unit, parameter: Parameter, value: float) -> str:
    if parameter.kind == "value":
        return _value(series, value)
    if parameter.kind == "rate":
        return f"{percent(value)} a year"
    if parameter.kind == "per_year":
        return f"{value:.3g} a year"
    return format_month(_month(value))


def parameter_text(series: Unit, parameter: Parameter) -> str:
    """``'growth rate 39% a year (P10 31% a year, P90 48% a year)'``."""
    return (
        f"{parameter.name} {_shown(series, parameter, parameter.estimate)} (P10 "
        f"{_shown(series, parameter, parameter.low)}, P90 {_shown(series, parameter, parameter.high)})"
    )


def fit_lines(calibration: Calibration, series: Series) -> list[str]:
    """The calibration in sentences: the data, the model chosen and why, its parameters, its
    backtest by horizon and the holdout."""
    fitted = calibration.fit
    lines = [
        f"Data: {series.describe()}.",
        f"Model: {calibration.chosen}, {FORM_NAMES[calibration.chosen]}; chosen by {calibration.reason}.",
        "Parameters (P10-P90 from the "
        + ("covariance of the estimates" if fitted.intervals == "covariance" else "residual bootstrap")
        + "): "
        + "; ".join(parameter_text(series, p) for p in parameters(fitted))
        + f". Residual spread: {percent(math.expm1(fitted.residual_sd))} (one standard deviation, in log).",
    ]
    test = calibration.backtests.get(calibration.chosen)
    rows = test.by_horizon() if test is not None else []
    if rows:
        lines.append(
            "Backtest (rolling origin): "
            + "; ".join(
                f"{r.horizon} year{'s' if r.horizon != 1 else ''} ahead: median error {percent(r.mdape)}, "
                f"bias {'+' if r.bias > 0 else ''}{percent(r.bias)}, {percent(r.coverage)} inside P10-P90 "
                f"({r.count} forecast{'s' if r.count != 1 else ''})"
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
                f"{format_month(_month(t))} {_value(series, f)} against {_value(series, v)} ({'+' if f > v else ''}"
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
                **({"estimate_month": format_month(_month(p.estimate))} if p.kind == "date" else {}),
            }
            for p in parameters(fitted)
        ],
        "breaks": [format_month(_month(b)) for b in fitted.breaks],
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
                "date": format_month(_month(t)),
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


def _percent(value: float) -> str:
    return f"{value * 100:.4g}%"


def _rate(series: Series, value: float) -> str:
    per = series.gbps_per_unit
    assert per is not None
    return format_bit_rate(value * per)


def yaml_block(calibration: Calibration, series: Series, data: str, stream: str = "ID") -> str:
    """The ready-to-paste YAML: a demand stream's ``base`` and ``growth`` for the chosen form,
    its ``uncertainty`` entries, and the ``sources`` entry citing the data file (``data``: its
    path as the user wrote it)."""
    fitted = calibration.fit
    form = calibration.chosen
    key = "fit-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in series.column)[:50]
    test = calibration.backtests.get(form)
    every = None if test is None else test.errors()
    check = (
        f"backtest median error {every.mdape:.1%} over {every.count} forecasts up to {calibration.horizon_years} years ahead"
        if every is not None
        else "not backtested: too few points"
    )
    lines = [
        f"# Fitted by capacity-model fit to {data} (column {series.column}"
        + (f", metric {series.metric}" if series.metric else "")
        + f", {len(series.values)} points {format_month(int(series.months[0]))} to {format_month(int(series.months[-1]))}):",
        f"# {form}, {FORM_NAMES[form]}; {check}. Paste into a demand stream; ID is its id.",
    ]
    rate_column = series.gbps_per_unit is not None
    if form in ("cagr", "piecewise"):
        centre = _month(fitted.centre)
        level = fitted.estimates[0]
        if rate_column:
            lines.append(
                f"base: {{value: {_rate(series, level)}, at: {format_month(centre)}, source: {key}}}"
            )
        else:
            lines.append(
                f"# base: the series is {series.column}, not a bit rate: give the stream's own value, e.g."
            )
            lines.append(f"# base: {{value: ... Gbps, at: {format_month(centre)}}}")
        if form == "cagr":
            lines.append(f"growth: {{model: cagr, rate: {_percent(fitted.estimates[1])}, source: {key}}}")
        else:
            starts = [fitted.times[0], *fitted.breaks]
            rates = ", ".join(
                f"{{from: {format_month(_month(s))}, rate: {_percent(r)}}}"
                for s, r in zip(starts, fitted.estimates[1:], strict=True)
            )
            lines.append(f"growth: {{model: piecewise, rates: [{rates}], source: {key}}}")
        lines += _linear_uncertainty(fitted, series, stream, rate_column)
    else:
        fields = ["model: fitted", f"data: {data}", f"form: {form}", f"column: {series.column}"]
        if series.metric:
            fields.append(f"metric: {series.metric}")
        if series.since is not None:
            fields.append(f"since: {format_month(series.since)}")
        if series.until is not None:
            fields.append(f"until: {format_month(series.until)}")
        lines.append(
            "# The curve is fitted again from the data when the scenario is loaded (data: is relative to"
        )
        lines.append(
            "# the scenario file); with an uncertainty section its parameters are drawn jointly from the fit."
        )
        if not rate_column:
            lines.append(
                f"# base: the series is {series.column}, not a bit rate: the fitted curve is scaled to pass"
            )
            lines.append("# through the stream's base, e.g. base: {value: ... Gbps, at: ...}")
        lines.append("growth: {" + ", ".join(fields) + f", source: {key}}}")
    lines += [
        "sources:",
        f"  {key}: >-",
        f"    capacity-model fit of {data} (column {series.column}"
        + (f", metric {series.metric}" if series.metric else "")
        + f"), {form}; cite the data file's own sources",
    ]
    return "\n".join(lines) + "\n"


def _linear_uncertainty(fitted: Fit, series: Series, stream: str, rate_column: bool) -> list[str]:
    """The ``uncertainty:`` entries of a log-linear fit: the base level lognormal and each
    rate normal with the fit's P10 and P90 (the Student-t interval of the log coefficients,
    carried to the rate by ``g = e^b − 1``: a normal whose P10-P90 is the fit's), and the
    correlations between them, from the covariance of the estimates."""
    from scipy import stats

    dof = max(len(fitted.times) - fitted.parameters, 1)
    widen = float(stats.t.ppf(0.9, dof)) / Z_90
    cov = fitted.covariance
    k = len(fitted.coefficients)
    segments = np.vstack([np.eye(k)[:1], np.cumsum(np.eye(k)[1:], axis=0)])  # a, b0, b0 + Δb1, …
    transformed = segments @ cov @ segments.T
    sd = np.sqrt(np.maximum(np.diag(transformed), 0.0))
    log_params = segments @ fitted.coefficients
    lines = ["uncertainty:", "  parameters:"]
    paths = []
    if rate_column:
        median = math.exp(log_params[0])
        p90 = math.exp(log_params[0] + Z_90 * sd[0] * widen)
        paths.append(f"demand.{stream}.base.value")
        lines.append(
            f"    {paths[-1]}: {{dist: lognormal, median: {_rate(series, median)}, p90: {_rate(series, p90)}}}"
        )
    else:
        paths.append("")
    for j in range(1, k):
        mean = math.expm1(log_params[j])
        spread = math.exp(log_params[j]) * sd[j] * widen
        path = (
            f"demand.{stream}.growth.rate"
            if fitted.form == "cagr"
            else f"demand.{stream}.growth.rates[{j - 1}].rate"
        )
        paths.append(path)
        lines.append(
            f"    {path}: {{dist: normal, mean: {_percent(mean)}, sd: {_percent(spread)}, low: -99%, high: 1000%}}"
        )
    correlation = transformed / np.outer(np.maximum(sd, 1e-300), np.maximum(sd, 1e-300))
    pairs = [
        (paths[i], paths[j], float(correlation[i, j]))
        for i in range(k)
        for j in range(i + 1, k)
        if paths[i] and paths[j] and abs(correlation[i, j]) >= 0.05
    ]
    if pairs:
        lines.append("  correlations:")
        lines += [f"    - {{between: [{a}, {b}], rho: {rho:.2f}}}" for a, b, rho in pairs]
    return lines


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
        f"; scaled to pass through the base, {format_bit_rate(stream.base.value)} at {format_month(stream.base.at)}"
        if stream.base is not None
        else ""
    )
    check = (
        f"backtest median error {percent(every.mdape)} over {every.count} forecasts up to {horizon_years} years "
        f"ahead, bias {'+' if every.bias > 0 else ''}{percent(every.bias)}, {percent(every.coverage)} inside P10-P90"
        if every is not None
        else "too few points to backtest"
    )
    return (
        f"{stream.display_name}: {growth.form}, {FORM_NAMES[growth.form]}, fitted to {data}{scaled}. "
        + "; ".join(parameter_text(growth, p) for p in parameters(fitted))
        + f" (P10-P90 from the {'covariance of the estimates' if fitted.intervals == 'covariance' else 'residual bootstrap'}). "
        + f"{check[0].upper()}{check[1:]}."
    )
