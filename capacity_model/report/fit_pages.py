"""The pages and files of ``capacity-model fit``: the summary (the data, the model chosen and
why, its parameters, its backtest, the models compared, the YAML to paste), the data against
the fitted curves with the prediction interval, the residuals and the backtest errors by
horizon (README, "Calibrating demand").

Each function returns figures and never shows, saves or keeps global state, but
:func:`write_fit`, which writes the files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from ..engine.calibration import Calibration
from ..results.fit import CSV_YEARS_AHEAD, FORM_NAMES, fit_columns, fit_lines, fit_summary, model_rows
from ..results.words import percent
from ..series import Series
from .axes import CAPTION_WIDTH_IN, chart_page, legend_below
from .files import csv_text, save_pdf, write_atomically
from .layout import TextFlow
from .style import OKABE_ITO, PAGE_SIZE, month_middles, report_style, spans_decades
from .text import fill

__all__ = ["fit_pages", "write_fit"]

#: One colour a model on every page.
COLOURS = dict(zip(("cagr", "piecewise", "logistic", "gompertz", "bass"), OKABE_ITO[1:6], strict=True))
#: E.507's steps, as the report's first paragraph says them.
STEPS = (
    "ITU-T E.507's steps: a class of models (log-linear growth, with breakpoints, and the S-curves "
    "logistic, Gompertz and Bass), each fitted to the series in log space (errors proportional to the "
    "level), checked on the data it did not see (a rolling-origin backtest: fitted to the first points "
    "only, it forecasts the later ones up to {h} years ahead), and the model chosen by that forecast "
    "error, not by its fit in sample."
)


def _months(times: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(times) * 12).astype(np.int64)


def _value_axis(series: Series) -> tuple[float, str]:
    """Divisor and label of the values' axis: bit rates in Gbps or Tbps, other series as written."""
    per = series.gbps_per_unit
    top = float(np.max(series.values)) * (per or 1.0)
    if per is None:
        return 1.0, series.column
    return (1000.0 / per, "Tbps") if top >= 1000 else (1.0 / per, "Gbps")


def fit_pages(calibration: Calibration, series: Series, yaml: str) -> list[Figure]:
    """The report's pages, in order: summary, data and curves, residuals and backtest."""
    flow = TextFlow(f"Fit of {Path(series.file).name}: {series.column}")
    flow.paragraph(STEPS.format(h=calibration.horizon_years))
    flow.bullets(fit_lines(calibration, series))
    flow.heading("Models compared")
    rows = []
    for row in model_rows(calibration):
        if not row["fitted"]:
            rows.append([row["model"], "not fitted", row["reason"], "", "", "", ""])
            continue
        count = row["backtest_forecasts"]
        rows.append(
            [
                row["model"] + (" (chosen)" if row["chosen"] else ""),
                str(row["parameters"]),
                percent(float(np.expm1(row["residual_sd_log"]))),
                f"{row['bic']:.1f}",
                "–" if not count else percent(row["backtest_mdape"]),
                "–"
                if not count
                else f"{'+' if row['backtest_bias'] > 0 else ''}{percent(row['backtest_bias'])}",
                "–" if not count else f"{percent(row['backtest_coverage_p10_p90'])} of {count}",
            ]
        )
    flow.table(
        ["Model", "Parameters", "Residual spread", "BIC", "Backtest error", "Bias", "Inside P10-P90"],
        rows,
        [1.6, 1.0, 1.2, 0.8, 1.2, 0.9, 1.3],
        keep_together=False,
    )
    flow.paragraph(
        "Residual spread: one standard deviation of the log residuals, as a share. Backtest error: the median "
        "absolute percentage error of every backtest forecast; bias: their median percentage error (above 0, "
        "the model overshoots); inside P10-P90: the share of the points forecast that fall in the model's "
        "80% prediction interval (80% when the intervals are right).",
        size=9,
    )
    flow.heading("To paste into a scenario (also in fit.yaml)")
    flow.lines(yaml.splitlines())
    return [*flow.pages, _curves_figure(calibration, series), _checks_figure(calibration, series)]


def _curves_figure(calibration: Calibration, series: Series) -> Figure:
    fitted = calibration.fit
    last = int(series.months[-1])
    months = np.arange(int(series.months[0]), last + 12 * CSV_YEARS_AHEAD + 1)
    t = months / 12.0
    divisor, unit = _value_axis(series)
    held = calibration.holdout
    figure, axes = chart_page(
        f"Data and fitted curves: {series.column}",
        f"Dots: the series ({series.describe()}). Thick line: the chosen model, {calibration.chosen} "
        f"({FORM_NAMES[calibration.chosen]}), carried {CSV_YEARS_AHEAD} years past the last point; band: its "
        "80% prediction interval (P10-P90, "
        + ("the covariance of the estimates" if fitted.intervals == "covariance" else "a residual bootstrap")
        + ", and the residual noise)."
        + (" Thin lines: the other models fitted." if len(calibration.fits) > 1 else "")
        + (
            f" Crosses: the last {len(held.times)} points held out; dashed: the chosen model fitted without them."
            if held is not None
            else ""
        ),
        months,
    )
    low, high = fitted.quantiles(t, [0.1, 0.9])
    middles = month_middles(months)
    others = [f for f in calibration.fits if f != calibration.chosen]
    every = np.concatenate([series.values, low, high])
    if spans_decades(every, 1.5):
        axes.set_yscale("log")
    colour = COLOURS[calibration.chosen]  # one colour a model, as on the diagnostics page
    axes.fill_between(middles, low / divisor, high / divisor, color=colour, alpha=0.18, lw=0, label="P10-P90")
    for form in others:
        axes.plot(middles, calibration.fits[form].level(t) / divisor, color=COLOURS[form], lw=1, label=form)
    axes.plot(
        middles, fitted.level(t) / divisor, color=colour, lw=2.6, label=f"{calibration.chosen} (chosen)"
    )
    kept = np.ones(len(series.values), dtype=bool)
    if held is not None:
        kept[-len(held.times) :] = False
        axes.plot(
            middles,
            held.fit.level(t) / divisor,
            color="#000000",
            lw=1.2,
            ls="--",
            label="Fitted without the holdout",
        )
        axes.scatter(
            month_middles(_months(held.times)),
            held.values / divisor,
            marker="x",
            s=50,
            color="#000000",
            zorder=5,
            label="Held out",
        )
    axes.scatter(
        month_middles(series.months[kept]),
        series.values[kept] / divisor,
        s=28,
        color="#000000",
        zorder=5,
        label="Data",
    )
    name = series.column
    for suffix in ("_bps", "_kbps", "_mbps", "_gbps", "_tbps", "_pbps"):
        name = name.removesuffix(suffix).removesuffix(suffix.upper())
    axes.set_ylabel(f"{name} [{unit}]" if series.gbps_per_unit else series.column)
    if axes.get_yscale() == "log":
        axes.set_ylabel(axes.get_ylabel() + ", log scale")
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    legend_below(figure, axes)
    return figure


def _checks_figure(calibration: Calibration, series: Series) -> Figure:
    figure = Figure(figsize=PAGE_SIZE)
    left = figure.add_axes((0.08, 0.24, 0.38, 0.64))
    right = figure.add_axes((0.58, 0.24, 0.38, 0.64))
    figure.suptitle(
        "Diagnostics: residuals and backtest errors", x=0.08, ha="left", fontweight="bold", fontsize=13
    )
    figure.text(
        0.08,
        0.035,
        fill(
            f"Left: the chosen model's residuals, ln(observed / fitted) as a share, at each point: a pattern over "
            "time (a run above or below 0) says the model misses the shape. Right: the median absolute percentage "
            f"error of the backtest forecasts of each model by how far ahead they reach (1 to "
            f"{calibration.horizon_years} years); markers sized by the forecasts behind them.",
            CAPTION_WIDTH_IN,
            9,
        ),
        ha="left",
        va="bottom",
        fontsize=9,
        color="#333333",
    )
    residuals = np.expm1(calibration.fit.residuals) * 100
    years = series.months / 12.0
    left.axhline(0, color="#000000", lw=0.8)
    left.vlines(years, 0, residuals, color=COLOURS[calibration.chosen], lw=2)
    left.scatter(years, residuals, color=COLOURS[calibration.chosen], s=20, zorder=3)
    left.set_xlabel("Year")
    left.set_ylabel(f"Residual of {calibration.chosen} [%]")
    left.yaxis.set_major_formatter(PercentFormatter(decimals=None))
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    drawn = False
    for form in calibration.asked:
        test = calibration.backtests.get(form)
        rows = [] if test is None else test.by_horizon()
        if not rows:
            continue
        drawn = True
        colour = COLOURS[form]
        h = [int(r.horizon or 0) for r in rows]
        error = [r.mdape * 100 for r in rows]
        width = 2.4 if form == calibration.chosen else 1.2
        right.plot(
            h, error, color=colour, lw=width, label=form + (" (chosen)" if form == calibration.chosen else "")
        )
        right.scatter(h, error, s=[12 + 8 * r.count for r in rows], color=colour, zorder=3)
    if drawn:
        right.legend(loc="best", fontsize=9)
    else:
        right.text(
            0.5, 0.5, "Too few points to backtest", ha="center", va="center", transform=right.transAxes
        )
    right.set_xlabel("Years ahead")
    right.set_ylabel("Median absolute error of the forecasts [%]")
    right.set_xticks(range(1, calibration.horizon_years + 1))
    right.set_xlim(0.5, calibration.horizon_years + 0.5)
    right.set_ylim(bottom=0)
    right.yaxis.set_major_formatter(PercentFormatter(decimals=None))
    return figure


def write_fit(folder: Path, calibration: Calibration, series: Series, yaml: str) -> list[Path]:
    """Write ``fit.pdf``, ``fit.csv``, ``fit.json`` and ``fit.yaml`` into ``folder``: all, or none."""
    import json

    def pdf(path: Path) -> None:
        with report_style():
            pages = fit_pages(calibration, series, yaml)
            save_pdf(pages, path, f"Fit of {Path(series.file).name}", f"Fit of {Path(series.file).name}")

    summary = fit_summary(calibration, series, yaml)
    return write_atomically(
        folder,
        {
            "fit.json": json.dumps(summary, indent=2, allow_nan=False) + "\n",
            "fit.csv": csv_text(fit_columns(calibration, series)),
            "fit.yaml": yaml,
            "fit.pdf": pdf,
        },
    )
