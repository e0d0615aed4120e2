"""The YAML block a calibration writes for a scenario: a demand stream's ``base`` and
``growth`` (or a ``share:`` sketch) for the chosen form, and the matching ``uncertainty:``
entries, each parsing as written (README, "Calibrating demand")."""

from __future__ import annotations

import json
import math

import numpy as np

from ..engine.calibration import Calibration
from ..engine.fitting import Fit, reported_rows
from ..engine.growth_curves import natural_parameters
from ..schema import Z_90
from ..series import Series
from ..units import format_bit_rate, format_month
from .fit import FORM_NAMES, month_of
from .words import plural

__all__ = ["written_correlations", "yaml_block"]


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
        f"backtest median error {every.mdape:.1%} over this model's {plural(every.count, 'forecast')} up to "
        f"{calibration.horizon_years} years ahead"
        if every is not None
        else "not backtested: too few points"
    )
    lines = [
        f"# Fitted by capacity-model fit to {data} (column {series.column}"
        + (f", metric {series.metric}" if series.metric else "")
        + f", {len(series.values)} points {format_month(int(series.months[0]))} to {format_month(int(series.months[-1]))}):",
        f"# {form} ({FORM_NAMES[form]}); {check}.",
        "# Paste base: and growth: (or share:) into a demand stream, and the entries of uncertainty:",
        "# and sources: into those sections of the scenario; ID is the stream's id.",
    ]
    rate_column = series.gbps_per_unit is not None
    if form in ("cagr", "piecewise"):
        centre = month_of(fitted.reference)
        level = fitted.estimates[0]
        if rate_column:
            lines.append(
                f"base: {{value: {_exact_bit_rate(series, level)}, at: {format_month(centre)}, source: {key}}}"
            )
        else:
            lines.append(
                f"# base: the series is {series.column}, not a bit rate: give the stream's own value, e.g."
            )
            lines.append(f"# base: {{value: ... Gbps, at: {format_month(centre)}}}")
        if form == "cagr":
            lines.append(
                f"growth: {{model: cagr, rate: {_full_percent(fitted.estimates[1])}, source: {key}}}"
            )
        else:
            starts = [fitted.times[0], *fitted.breaks]
            rates = ", ".join(
                f"{{from: {format_month(month_of(s))}, rate: {_full_percent(r)}}}"
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
            f'    "{paths[-1]}": {{dist: lognormal, median: {_exact_bit_rate(series, median)}, p90: {_exact_bit_rate(series, p90)}}}'
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
            f'    "{path}": {{dist: normal, mean: {_full_percent(mean)}, sd: {_full_percent(spread)}, low: -99%, high: 1000%}}'
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
            f"share: {{model: logistic, start: 0%, end: {_full_percent(min(est[0], 1.0))}, midpoint: "
            f"{format_month(month_of(est[2]))}, ramp: {round(ramp[0])} months, source: {key}}}"
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
            f"share: {{model: bass, start: 0%, end: {_full_percent(min(est[0], 1.0))}, from: "
            f"{format_month(month_of(est[3]))}, p: {est[1]:.4g}, q: {est[2]:.4g}, source: {key}}}"
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
        return _full_percent(value)
    return f"{value:.4g}" + (f" {unit}" if unit else "")


def _natural_draws(fitted: Fit) -> np.ndarray:
    """The bootstrap's draws as the reported parameters, ``(B, p)``."""
    return natural_parameters(fitted.form, fitted.draws, float(fitted.times[0]))


def _full_percent(value: float) -> str:
    """A share in percent, to six significant digits (``23.4117%``)."""
    return f"{value * 100:.6g}%"


def _exact_bit_rate(series: Series, value: float) -> str:
    """A value of a bit-rate series as a bit rate, exactly as fitted."""
    per = series.gbps_per_unit
    assert per is not None
    return format_bit_rate(value * per)
