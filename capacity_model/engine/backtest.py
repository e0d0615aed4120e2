"""Rolling-origin backtests of the fitted forms: how each would have forecast the points it
did not see (ITU-T E.507's check of a model on data outside its fit).

For every **origin** ``k`` (from the fewest points the form can be fitted to, up to the
second-last point; at most :data:`MOST_ORIGINS` of them, spread evenly over a long series),
the form is fitted to the first ``k`` points only (breakpoints of a
piecewise fit chosen anew, unless given) and forecasts each later point ``j`` at most ``H``
years ahead of the origin's last point ``t_{k−1}``. The point's **horizon** is
``h = ⌈t_j − t_{k−1}⌉`` years (1 … H). For each forecast ``ŷ`` of an actual ``y``:

- the percentage error ``PE = (ŷ − y) / y``, and its absolute value ``APE``;
- whether ``y`` lies in the fit's P10–P90 prediction interval at ``t_j``.

By horizon, and over all forecasts: the **median absolute percentage error** (MdAPE),
the **bias** (the median PE: above 0, the form overshoots) and the **coverage** of the
P10–P90 interval (80% when the intervals are right). ``--model auto`` chooses the form with the
lowest MdAPE over all forecasts, not the best fit in sample.

A **holdout** fits all but the last ``N`` points and forecasts those (:func:`holdout`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .fitting import BACKTEST_BOOTSTRAP, Fit, FitError, fit
from .growth_curves import parameter_count

__all__ = ["MOST_ORIGINS", "Backtest", "HorizonErrors", "backtest", "fewest_points", "holdout", "origins"]

#: Most origins a backtest refits from (spread evenly over a long series).
MOST_ORIGINS = 20

FloatArray = NDArray[np.float64]


def origins(first: int, points: int) -> list[int]:
    """The origins backtested: every ``k`` from ``first`` to ``points − 1``, or, when there are
    more than :data:`MOST_ORIGINS`, that many spread evenly over them (the last included).

    >>> origins(3, 6), len(origins(3, 1000)), origins(3, 1000)[-1]
    ([3, 4, 5], 20, 999)
    """
    every = list(range(first, points))
    if len(every) <= MOST_ORIGINS:
        return every
    picks = np.unique(np.round(np.linspace(0, len(every) - 1, MOST_ORIGINS)).astype(int))
    return [every[i] for i in picks]


def fewest_points(form: str, breaks: Sequence[float] | None = None) -> int:
    """The fewest points a form is fitted to: one more than its parameters (a piecewise fit
    with breakpoints chosen by the data: two points on each side of one breakpoint, and one
    more than its four parameters)."""
    if form == "piecewise":
        return 5 if breaks is None else parameter_count("cagr") + len(breaks) + 1
    return parameter_count(form) + 1


@dataclass(frozen=True)
class HorizonErrors:
    """The forecast errors of one horizon (or of all horizons together)."""

    horizon: int | None
    """Years ahead (1 … H); None for all forecasts together."""
    count: int
    """Forecasts."""
    mdape: float
    """Median absolute percentage error [fraction]."""
    bias: float
    """Median percentage error [fraction]: above 0, the form overshoots."""
    coverage: float
    """Share of the actual points inside the P10–P90 prediction interval [fraction]."""


@dataclass(frozen=True)
class Backtest:
    """Every forecast of a rolling-origin backtest of one form."""

    form: str
    horizon_years: int
    origin: FloatArray
    """Time of each forecast's origin, the last point fitted [years]."""
    time: FloatArray
    """Time of the point forecast [years]."""
    actual: FloatArray
    forecast: FloatArray
    low: FloatArray
    """P10 of the prediction at ``time``."""
    high: FloatArray
    """P90 of the prediction at ``time``."""
    failed: int
    """Origins at which the form could not be fitted."""

    @property
    def horizon(self) -> NDArray[np.int64]:
        """``⌈t_j − t_{k−1}⌉`` of each forecast [years]."""
        return np.ceil(np.round(self.time - self.origin, 9)).astype(np.int64)

    @property
    def error(self) -> FloatArray:
        """``PE = (ŷ − y) / y`` of each forecast."""
        return (self.forecast - self.actual) / self.actual

    def errors(self, horizon: int | None = None) -> HorizonErrors | None:
        """The errors of one horizon, or of all forecasts (None: no forecast)."""
        chosen = np.ones(len(self.time), dtype=bool) if horizon is None else self.horizon == horizon
        if not chosen.any():
            return None
        error = self.error[chosen]
        inside = (self.low[chosen] <= self.actual[chosen]) & (self.actual[chosen] <= self.high[chosen])
        return HorizonErrors(
            horizon=horizon,
            count=int(chosen.sum()),
            mdape=float(np.median(np.abs(error))),
            bias=float(np.median(error)),
            coverage=float(np.mean(inside)),
        )

    def by_horizon(self) -> list[HorizonErrors]:
        """The errors of each horizon with forecasts, 1 … H."""
        found = (self.errors(h) for h in range(1, self.horizon_years + 1))
        return [e for e in found if e is not None]

    @property
    def score(self) -> float | None:
        """MdAPE over all forecasts, or None without any: what ``--model auto`` compares."""
        every = self.errors()
        return None if every is None else every.mdape


def backtest(
    times: Sequence[float] | FloatArray,
    values: Sequence[float] | FloatArray,
    form: str,
    horizon_years: int = 5,
    breaks: Sequence[float] | None = None,
    seed: int = 0,
) -> Backtest:
    """Rolling-origin backtest of one form (see the module).

    Parameters
    ----------
    times, values
        The series [years], increasing, and its values (above 0).
    form, breaks, seed
        As for :func:`~.fitting.fit`.
    horizon_years
        ``H``: the farthest a forecast reaches [years].
    """
    t = np.asarray(times, dtype=float)
    y = np.asarray(values, dtype=float)
    rows: list[tuple[float, float, float, float, float, float]] = []
    failed = 0
    for k in origins(fewest_points(form, breaks), len(t)):
        ahead = np.flatnonzero((t > t[k - 1]) & (t - t[k - 1] <= horizon_years + 1e-9))
        ahead = ahead[ahead >= k]
        if not ahead.size:
            continue
        kept = None if breaks is None else [b for b in breaks if b < t[k - 1]]
        try:
            fitted = fit(t[:k], y[:k], form, breaks=kept, seed=seed, draws=BACKTEST_BOOTSTRAP)
        except FitError:
            failed += 1
            continue
        low, high = fitted.quantiles(t[ahead], [0.1, 0.9])
        forecast = fitted.level(t[ahead])
        for j, f, lo, hi in zip(ahead, forecast, low, high, strict=True):
            rows.append((float(t[k - 1]), float(t[j]), float(y[j]), float(f), float(lo), float(hi)))
    origin, time, actual, forecast, low, high = np.array(rows, dtype=float).reshape(-1, 6).T
    return Backtest(form, horizon_years, origin, time, actual, forecast, low, high, failed)


def holdout(
    times: Sequence[float] | FloatArray,
    values: Sequence[float] | FloatArray,
    form: str,
    points: int,
    breaks: Sequence[float] | None = None,
    seed: int = 0,
) -> tuple[Fit, FloatArray, FloatArray]:
    """Fit all but the last ``points`` points; return the fit, and the held-out times and
    values it forecasts (:class:`~.fitting.FitError` when too few are left)."""
    t = np.asarray(times, dtype=float)
    y = np.asarray(values, dtype=float)
    k = len(t) - points
    kept = None if breaks is None else [b for b in breaks if b < t[k - 1]]
    return fit(t[:k], y[:k], form, breaks=kept, seed=seed), t[k:], y[k:]
