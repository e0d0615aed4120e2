"""Demand streams over time: growth models and share models.

Growth is expressed as a cumulative log-growth ``G(t)`` so that every model
is ``D(t) = D(t0) * exp(G(t) - G(t0))``. Rates are annual; a rate ``r``
compounds monthly as ``(1 + r) ** (months / 12)``. All functions broadcast
their parameters against ``months`` (see :mod:`capacity_model.engine.capacity`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "LOGISTIC_10_90_WIDTH",
    "bass_share",
    "cagr_growth",
    "constant_share",
    "cumulative_log_growth",
    "linear_share",
    "logistic",
    "logistic_share",
    "piecewise_growth",
    "series_growth",
]

#: Width of a unit logistic from 10% to 90%: ``2 ln 9`` [time constants].
LOGISTIC_10_90_WIDTH = 2.0 * np.log(9.0)


def cumulative_log_growth(
    months: ArrayLike, break_months: Sequence[ArrayLike], monthly_log_rates: Sequence[ArrayLike]
) -> NDArray[np.float64]:
    """Integral of a piecewise-constant log growth rate, zero at the first break.

    Segment ``i`` runs from ``break_months[i]`` to ``break_months[i + 1]``
    with log growth ``monthly_log_rates[i]`` per month; the first segment's
    rate also applies before the first break and the last one's after the
    last break:

    ``G(t) = sum_i g_i * (clip(t, f_i, f_{i+1}) - f_i)``, with ``f_0 = -inf``
    for the clip and ``f_K = +inf``.

    Parameters
    ----------
    months
        Month indices [month].
    break_months
        Start month of each segment, increasing [month].
    monthly_log_rates
        ``ln(1 + growth)`` per month of each segment [1/month].

    Returns
    -------
    numpy.ndarray
        ``G(t)`` [1, natural log of the growth factor].
    """
    t = np.asarray(months, dtype=float)
    total = np.zeros(np.broadcast_shapes(t.shape, *(np.shape(g) for g in monthly_log_rates)))
    count = len(break_months)
    for i in range(count):
        start = np.asarray(break_months[i], dtype=float)
        low = -np.inf if i == 0 else start
        high = np.inf if i == count - 1 else np.asarray(break_months[i + 1], dtype=float)
        total = total + np.asarray(monthly_log_rates[i]) * (np.clip(t, low, high) - start)
    return total


def _monthly_log_rate(annual_rate: ArrayLike) -> NDArray[np.float64]:
    return np.log1p(np.asarray(annual_rate, dtype=float)) / 12.0


def cagr_growth(
    months: ArrayLike, base_value_gbps: ArrayLike, base_month: ArrayLike, annual_rate: ArrayLike
) -> NDArray[np.float64]:
    """Demand growing at a constant compound annual rate.

    ``D(t) = D0 * (1 + r) ** ((t - t0) / 12)``

    Parameters
    ----------
    months
        Month indices [month].
    base_value_gbps
        ``D0``, demand at ``base_month`` [Gbps].
    base_month
        ``t0`` [month].
    annual_rate
        ``r`` [fraction per year], above -1.

    Returns
    -------
    numpy.ndarray
        Demand [Gbps].
    """
    t = np.asarray(months, dtype=float)
    return np.asarray(base_value_gbps) * np.exp(
        _monthly_log_rate(annual_rate) * (t - np.asarray(base_month, dtype=float))
    )


def piecewise_growth(
    months: ArrayLike,
    base_value_gbps: ArrayLike,
    base_month: ArrayLike,
    from_months: Sequence[ArrayLike],
    annual_rates: Sequence[ArrayLike],
) -> NDArray[np.float64]:
    """Demand whose annual growth rate changes at given months.

    Rate ``r_i`` holds from ``from_months[i]`` until the next ``from``; the
    first rate also applies before its ``from``.
    ``D(t) = D0 * exp(G(t) - G(t0))`` with ``g_i = ln(1 + r_i) / 12``
    (see :func:`cumulative_log_growth`).

    Returns
    -------
    numpy.ndarray
        Demand [Gbps].
    """
    rates = [_monthly_log_rate(r) for r in annual_rates]
    growth = cumulative_log_growth(months, from_months, rates)
    at_base = cumulative_log_growth(base_month, from_months, rates)
    return np.asarray(base_value_gbps) * np.exp(growth - at_base)


def series_growth(
    months: ArrayLike,
    point_months: Sequence[ArrayLike],
    point_values_gbps: Sequence[ArrayLike],
    base_value_gbps: ArrayLike | None = None,
    base_month: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Demand through observed points, log-linear between them.

    Between points ``(a_j, v_j)`` and ``(a_{j+1}, v_{j+1})`` the log of
    demand is linear; before the first point the first segment's growth is
    carried back, after the last the last segment's is carried on. With a
    base, the curve is scaled to pass through ``base_value_gbps`` at
    ``base_month``.

    Returns
    -------
    numpy.ndarray
        Demand [Gbps].
    """
    logs = [np.log(np.asarray(v, dtype=float)) for v in point_values_gbps]
    spans = [
        np.asarray(point_months[j + 1], float) - np.asarray(point_months[j], float)
        for j in range(len(logs) - 1)
    ]
    rates = [(logs[j + 1] - logs[j]) / spans[j] for j in range(len(logs) - 1)]
    breaks = list(point_months[:-1])
    growth = cumulative_log_growth(months, breaks, rates)
    if base_value_gbps is None or base_month is None:
        return np.exp(logs[0] + growth)
    at_base = cumulative_log_growth(base_month, breaks, rates)
    return np.asarray(base_value_gbps) * np.exp(growth - at_base)


def logistic(x: ArrayLike) -> NDArray[np.float64]:
    """The logistic function ``1 / (1 + exp(-x))``, without overflow for any ``x``.

    ``e = exp(-|x|)`` never overflows; ``1 / (1 + e)`` for ``x >= 0`` and ``e / (1 + e)``
    below, each within a few ulps (as ``scipy.special.expit``, without importing scipy).
    """
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def constant_share(months: ArrayLike, value: ArrayLike) -> NDArray[np.float64]:
    """A share that does not change [fraction]."""
    t = np.asarray(months, dtype=float)
    return np.broadcast_to(
        np.asarray(value, dtype=float), np.broadcast_shapes(t.shape, np.shape(value))
    ).copy()


def linear_share(
    months: ArrayLike, start: ArrayLike, end: ArrayLike, from_month: ArrayLike, to_month: ArrayLike
) -> NDArray[np.float64]:
    """A share moving linearly from ``start`` to ``end``, flat outside.

    ``s(t) = start + (end - start) * clip((t - from) / (to - from), 0, 1)`` [fraction].
    """
    t = np.asarray(months, dtype=float)
    span = np.asarray(to_month, dtype=float) - np.asarray(from_month, dtype=float)
    progress = np.clip((t - np.asarray(from_month, dtype=float)) / span, 0.0, 1.0)
    return np.asarray(start) + (np.asarray(end) - np.asarray(start)) * progress


def logistic_share(
    months: ArrayLike, start: ArrayLike, end: ArrayLike, midpoint_month: ArrayLike, ramp_months: ArrayLike
) -> NDArray[np.float64]:
    """An S-curve share from ``start`` to ``end``, centred on ``midpoint_month``.

    ``s(t) = start + (end - start) * logistic((t - midpoint) / tau)`` with
    ``tau = ramp / (2 ln 9)``, so that the share moves from 10% to 90% of the
    way in ``ramp_months`` [fraction].
    """
    t = np.asarray(months, dtype=float)
    tau = np.asarray(ramp_months, dtype=float) / LOGISTIC_10_90_WIDTH
    progress = logistic((t - np.asarray(midpoint_month, dtype=float)) / tau)
    return np.asarray(start) + (np.asarray(end) - np.asarray(start)) * progress


def bass_share(
    months: ArrayLike, start: ArrayLike, end: ArrayLike, from_month: ArrayLike, p: ArrayLike, q: ArrayLike
) -> NDArray[np.float64]:
    """A share following the Bass (1969) diffusion curve [fraction].

    ``s(t) = start + (end - start) * F(y)`` with ``y = max(0, t - from) / 12``
    years and ``F(y) = (1 - e^{-(p+q) y}) / (1 + (q/p) e^{-(p+q) y})``.

    Parameters
    ----------
    p, q
        Coefficients of innovation and imitation [1/year].

    References
    ----------
    F. M. Bass, "A New Product Growth for Model Consumer Durables",
    Management Science 15(5), 1969.
    """
    t = np.asarray(months, dtype=float)
    years = np.maximum(0.0, t - np.asarray(from_month, dtype=float)) / 12.0
    p_ = np.asarray(p, dtype=float)
    q_ = np.asarray(q, dtype=float)
    decay = np.exp(-(p_ + q_) * years)
    adopted = (1.0 - decay) / (1.0 + (q_ / p_) * decay)
    return np.asarray(start) + (np.asarray(end) - np.asarray(start)) * adopted
