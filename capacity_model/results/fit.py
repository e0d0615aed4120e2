"""A calibration (:mod:`capacity_model.engine.calibration`) in words, tables and files:
``fit.json``, ``fit.csv``, the ready-to-paste YAML block and the sentences of stdout and the
report (README, "Calibrating demand").
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .. import __version__
from ..engine.backtest import backtest
from ..engine.calibration import Calibration
from ..engine.fitting import BASS_MAX_LEAD, BASS_MIN_P, PARAMETER_NAMES, Fit, fitted_curve, reported_rows
from ..schema import DemandStream, FittedGrowth
from ..series import Series
from ..units import format_bit_rate, format_month
from .words import percent
from .words import rate as _rate

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
    "cagr": "constant growth, log-linear",
    "piecewise": "log-linear with breakpoints",
    "logistic": "S-curve",
    "gompertz": "asymmetric S-curve",
    "bass": "Bass diffusion curve",
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
    at_bound: bool = False
    """Whether the fit holds it at a bound of the form (Bass's least ``p``, latest start)."""


def _month(years: float) -> int:
    """The month index of a time in years (a month index / 12), rounded to a whole month."""
    return round(float(years) * 12)


def parameters(fitted: Fit) -> list[Parameter]:
    """The fitted parameters in the order reported, with their kinds (see :class:`Parameter`)."""
    est, low, high = fitted.estimates, fitted.low, fitted.high
    if fitted.form in ("cagr", "piecewise"):
        out = [
            Parameter(f"level at {format_month(_month(fitted.reference))}", est[0], low[0], high[0], "value")
        ]
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


def plural(count: int, word: str) -> str:
    """``'1 forecast'``, ``'3 forecasts'``."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


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
    return format_month(_month(value))


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
    return f"{value * 100:.6g}%"


def _exact(series: Series, value: float) -> str:
    per = series.gbps_per_unit
    assert per is not None
    return format_bit_rate(value * per)


def yaml_block(
    calibration: Calibration, series: Series, data: str, stream: str = "ID", scenario: str | None = None
) -> str:
    """The ready-to-paste YAML: a demand stream's ``base`` and ``growth`` for the chosen form,
    its ``uncertainty`` entries, and the ``sources`` entry citing the data file. ``data`` is its
    path relative to ``scenario`` (the file the block is for, ``--for``), or as the user wrote
    it when None."""
    fitted = calibration.fit
    form = calibration.chosen
    key = "fit-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in series.column)[:50]
    test = calibration.backtests.get(form)
    every = None if test is None else test.errors()
    check = (
        f"backtest median error {every.mdape:.1%} over {plural(every.count, 'forecast')} up to "
        f"{calibration.horizon_years} years ahead"
        if every is not None
        else "not backtested: too few points"
    )
    lines = [
        f"# Fitted by capacity-model fit to {data} (column {series.column}"
        + (f", metric {series.metric}" if series.metric else "")
        + f", {len(series.values)} points {format_month(int(series.months[0]))} to {format_month(int(series.months[-1]))}):",
        f"# {form} ({FORM_NAMES[form]}); {check}. Paste into a demand stream; ID is its id.",
    ]
    rate_column = series.gbps_per_unit is not None
    if form in ("cagr", "piecewise"):
        centre = _month(fitted.reference)
        level = fitted.estimates[0]
        if rate_column:
            lines.append(
                f"base: {{value: {_exact(series, level)}, at: {format_month(centre)}, source: {key}}}"
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
        fields = [
            "model: fitted",
            f"data: {_quoted(data)}",
            f"form: {form}",
            f"column: {_quoted(series.column)}",
        ]
        if series.metric:
            fields.append(f"metric: {_quoted(series.metric)}")
        if series.since is not None:
            fields.append(f"since: {format_month(series.since)}")
        if series.until is not None:
            fields.append(f"until: {format_month(series.until)}")
        lines.append(
            "# The curve is fitted again from the data when the scenario is loaded; with an uncertainty"
        )
        lines.append(
            "# section its parameters are drawn jointly from the fit. data: is relative to the scenario"
        )
        lines.append(
            f"# file: written here for {scenario}."
            if scenario is not None
            else "# file: written here as typed; give --for SCENARIO.yaml to write it for the file you paste into."
        )
        if not rate_column:
            lines.append(
                f"# base: the series is {series.column}, not a bit rate: the fitted curve is scaled to pass"
            )
            lines.append("# through the stream's base, e.g. base: {value: ... Gbps, at: ...}")
        lines.append("growth: {" + ", ".join(fields) + f", source: {key}}}")
        lines += _share_lines(fitted, series, stream, key)
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
    segments = reported_rows(fitted)  # the log level at the reference month, b0, b0 + Δb1, …
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
            f'    "{paths[-1]}": {{dist: lognormal, median: {_exact(series, median)}, p90: {_exact(series, p90)}}}'
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
            f'    "{path}": {{dist: normal, mean: {_percent(mean)}, sd: {_percent(spread)}, low: -99%, high: 1000%}}'
        )
    correlation = transformed / np.outer(np.maximum(sd, 1e-300), np.maximum(sd, 1e-300))
    kept = [i for i in range(k) if paths[i]]
    rho = written_correlations(correlation[np.ix_(kept, kept)])
    pairs = [
        (paths[kept[a]], paths[kept[b]], rho[a, b])
        for a in range(len(kept))
        for b in range(a + 1, len(kept))
        if rho[a, b] != 0.0
    ]
    if pairs:
        lines.append("  correlations:")
        lines += [f'    - {{between: ["{a}", "{b}"], rho: {r:.3f}}}' for a, b, r in pairs]
    return lines


def written_correlations(matrix: np.ndarray) -> np.ndarray:
    """A correlation matrix as written to paste: rounded to three decimals (``|ρ| < 0.0005``
    left out), its off-diagonal shrunk by 1% at a time until, as written, it is positive
    semi-definite as the uncertainty section requires."""
    n = len(matrix)
    shrink = 1.0
    for _ in range(200):
        written = np.round(matrix * shrink, 3)
        np.fill_diagonal(written, 1.0)
        if n < 2 or float(np.linalg.eigvalsh(written).min()) >= 1e-9:
            return written
        shrink *= 0.99
    return np.eye(n)


def _quoted(text: str) -> str:
    """A YAML scalar in double quotes (a file name or column with ``:``, ``#``, ``,`` or brackets)."""
    return json.dumps(text, ensure_ascii=False)


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


def _share_lines(fitted: Fit, series: Series, stream: str, key: str) -> list[str]:
    """For a series of fractions (every value at most 1) fitted by a logistic or Bass curve,
    the ``share:`` mapping the curve gives instead, commented out, with its uncertainty entries
    (each parameter normal with the fit's P10 and P90, and their correlations from the
    bootstrap's draws); empty otherwise."""
    if fitted.form not in ("logistic", "bass") or float(np.max(fitted.values)) > 1.0:
        return []
    est, low, high = fitted.estimates, fitted.low, fitted.high
    draws = _natural_draws(fitted)
    if fitted.form == "logistic":
        # share(t) = end / (1 + e^{-(t - midpoint)/tau}), ramp = 2 ln 9 · tau = 2 ln 9 / r years
        ramp = [2 * math.log(9) / r * 12 for r in (est[1], high[1], low[1])]
        mapping = (
            f"share: {{model: logistic, start: 0%, end: {_percent(min(est[0], 1.0))}, midpoint: "
            f"{format_month(_month(est[2]))}, ramp: {round(ramp[0])} months, source: {key}}}"
        )
        fields = {
            "end": (min(est[0], 1.0), low[0], min(high[0], 1.0), "%"),
            "ramp": (ramp[0], ramp[1], ramp[2], "months"),
        }
        columns = {"end": draws[:, 0], "ramp": -draws[:, 1]}  # a faster rate is a shorter ramp
    else:
        if max(high[1], high[2]) > 1.0:
            return [
                "# (A bass share takes p and q of at most 1 a year: this fit's reach above, so no share: is given.)"
            ]
        mapping = (
            f"share: {{model: bass, start: 0%, end: {_percent(min(est[0], 1.0))}, from: "
            f"{format_month(_month(est[3]))}, p: {est[1]:.4g}, q: {est[2]:.4g}, source: {key}}}"
        )
        fields = {
            "end": (min(est[0], 1.0), low[0], min(high[0], 1.0), "%"),
            "p": (est[1], low[1], high[1], ""),
            "q": (est[2], low[2], high[2], ""),
        }
        columns = {"end": draws[:, 0], "p": draws[:, 1], "q": draws[:, 2]}
    lines = [
        "# The series is a share (every value at most 1): instead of growth:, a stream's share may",
        "# follow the curve; remove the leading '# ' of the share: line into the stream, and of the",
        "# uncertainty: lines into the scenario's uncertainty section:",
        f"# {mapping}",
        "# uncertainty:",
        "#   parameters:",
    ]
    for name, (mean, p10, p90, unit) in list(fields.items()):
        if unit == "months":  # a duration is whole months: a triangle over the P10-P90, rounded out
            low_m, mode_m, high_m = math.floor(p10), round(mean), math.ceil(p90)
            if low_m == high_m:
                lines.append(
                    f"#     # demand.{stream}.share.{name}: P10 to P90 within one month, {mode_m} months"
                )
                del columns[name]
                continue
            lines.append(
                f"#     demand.{stream}.share.{name}: {{dist: triangular, low: {max(low_m, 1)} months, "
                f"mode: {min(max(mode_m, low_m, 1), high_m)} months, high: {high_m} months}}"
            )
            continue
        sd = (p90 - p10) / (2 * Z_90)
        if sd <= 1e-9 * abs(mean):
            lines.append(f"#     # demand.{stream}.share.{name}: at its bound, {_in(mean, unit)}, not varied")
            del columns[name]
            continue
        bounds = ", low: 0%, high: 100%" if unit == "%" else ", low: 0.0001, high: 1"
        lines.append(
            f"#     demand.{stream}.share.{name}: {{dist: normal, mean: {_in(mean, unit)}, sd: {_in(sd, unit)}{bounds}}}"
        )
    names = list(columns)
    if len(draws) > 2 and len(names) > 1:
        rho = written_correlations(np.corrcoef(np.column_stack([columns[n] for n in names]), rowvar=False))
        pairs = [
            (names[i], names[j], float(rho[i, j]))
            for i in range(len(names))
            for j in range(i + 1, len(names))
            if rho[i, j] != 0.0
        ]
        if pairs:
            lines.append("#   correlations:")
            lines += [
                f"#     - {{between: [demand.{stream}.share.{a}, demand.{stream}.share.{b}], rho: {r:.3f}}}"
                for a, b, r in pairs
            ]
    return lines


def _in(value: float, unit: str) -> str:
    """A share parameter in its unit: ``'12.5%'``, ``'48 months'``, ``'0.03'``."""
    if unit == "%":
        return _percent(value)
    return f"{value:.4g}" + (f" {unit}" if unit else "")


def _natural_draws(fitted: Fit) -> np.ndarray:
    """The bootstrap's draws as the reported parameters, ``(B, p)``."""
    from ..engine.fitting import _natural

    return _natural(fitted.form, fitted.draws, float(fitted.times[0]))
