"""Levenberg–Marquardt for the saturating forms: starting points, the best fit from them,
and damped Gauss–Newton refits of many series at once (the bootstrap's), all rows together."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from .growth_curves import BASS_MAX_LEAD, BASS_MIN_P, FloatArray, log_bass, log_curve_of

__all__ = ["FitError", "jacobian", "least_squares_theta", "refit_all"]


class FitError(ValueError):
    """A series that a form cannot be fitted to (too few points, or no fit converges)."""


def _starts(form: str, times: FloatArray, values: FloatArray) -> list[FloatArray]:
    """Starting points θ₀ for the saturating forms: a grid of saturation levels (and, for
    Bass, of p, q and start), each with the rate and midpoint of a straight line through the
    transformed data."""
    first, top = float(times[0]), float(np.max(values))
    starts = []
    if form in ("logistic", "gompertz"):
        for ratio in (1.05, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0):
            k = ratio * top
            share = np.clip(values / k, 1e-9, 1 - 1e-9)
            z = np.log(share / (1 - share)) if form == "logistic" else -np.log(-np.log(share))
            slope, intercept = np.polyfit(times, z, 1)
            rate = max(float(slope), 1e-3)
            starts.append(np.array([np.log(k), np.log(rate), -intercept / rate]))
        return starts
    span = max(float(times[-1] - times[0]), 1.0)
    leads = sorted({min(x, 0.9 * BASS_MAX_LEAD) for x in (0.5, 2.0, 0.5 * span, span, 10.0)})
    for p, q, lead in itertools.product((0.003, 0.01, 0.03), (0.1, 0.3, 0.6, 1.0), leads):
        theta = np.array([0.0, np.log(p - BASS_MIN_P), np.log(q), np.log(lead / (BASS_MAX_LEAD - lead))])
        shape = log_bass(theta, times, first)
        if not np.all(np.isfinite(shape)):
            continue
        theta[0] = float(np.mean(np.log(values) - shape))
        starts.append(theta)
    return starts


def least_squares_theta(form: str, times: FloatArray, values: FloatArray) -> FloatArray:
    """θ̂ of a saturating form: Levenberg–Marquardt from every start, the lowest SSE kept."""
    from scipy.optimize import least_squares

    log_curve = log_curve_of(form, float(times[0]))
    y = np.log(values)
    best: tuple[float, FloatArray] | None = None

    def residuals(theta: FloatArray) -> FloatArray:
        r = y - log_curve(theta, times)
        return np.where(np.isfinite(r), r, 1e6)

    # A quick descent from every start at once, then the best one to the arithmetic's precision.
    starts = np.array(_starts(form, times, values))
    descended = refit_all(form, times, np.broadcast_to(y, (len(starts), len(y))), starts)
    for row in descended:
        cost = float(np.sum(residuals(row) ** 2))
        if np.isfinite(cost) and (best is None or cost < best[0]):
            best = (cost, row)
    if best is None or best[0] >= 1e6:
        raise FitError(f"no {form} curve could be fitted to the series")
    # then the best one to the precision of the arithmetic
    polished = least_squares(
        residuals, best[1], method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=5000
    )
    return polished.x if float(np.sum(residuals(polished.x) ** 2)) <= best[0] else best[1]


def jacobian(
    log_curve: Callable[[FloatArray, FloatArray], FloatArray], theta: FloatArray, t: FloatArray
) -> FloatArray:
    """``∂ ln f(tᵢ)/∂θⱼ`` by central differences, for rows of θ: ``(..., n, p)``."""
    p = theta.shape[-1]
    steps = 1e-6 * np.maximum(1.0, np.abs(theta))
    columns = []
    for j in range(p):
        shift = np.zeros(p)
        shift[j] = 1.0
        h = steps[..., j, None]
        up = log_curve(theta + shift * steps[..., j : j + 1], t)
        down = log_curve(theta - shift * steps[..., j : j + 1], t)
        columns.append((up - down) / (2 * h))
    return np.stack(columns, axis=-1)


def refit_all(
    form: str, times: FloatArray, series: FloatArray, theta: FloatArray, iterations: int = 40
) -> FloatArray:
    """θ of every row of ``series`` (``(B, n)``, log values) by damped Gauss–Newton
    (Levenberg–Marquardt) from ``theta`` (one θ for all rows, or a row each), all rows at once:
    the descents from the starting points, and the bootstrap's refits."""
    log_curve = log_curve_of(form, float(times[0]))
    rows = np.array(np.broadcast_to(theta, (len(series), theta.shape[-1])), dtype=float)
    damping = np.full(len(series), 1e-3)
    eye = np.eye(theta.shape[-1])
    with np.errstate(all="ignore"):  # parameters far out give inf or nan: rejected, not warned
        cost = np.sum((series - log_curve(rows, times)) ** 2, axis=1)
        for _ in range(iterations):
            before = cost
            rows, cost, damping = _damped_step(log_curve, times, series, rows, cost, damping, eye)
            gained = np.where(np.isfinite(before), before - cost, 0.0)
            if np.all(gained <= 1e-14 * np.maximum(before, 1e-300)) and np.all(damping > 1e3):
                break  # no row moves any more
    return rows


def _damped_step(
    log_curve: Callable[[FloatArray, FloatArray], FloatArray],
    times: FloatArray,
    series: FloatArray,
    rows: FloatArray,
    cost: FloatArray,
    damping: FloatArray,
    eye: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One Levenberg–Marquardt step of every row: kept where it lowers the row's cost (a
    singular system leaves the rows as they are)."""
    residual = series - log_curve(rows, times)
    jac = jacobian(log_curve, rows, times)
    normal = np.einsum("bni,bnj->bij", jac, jac)
    gradient = np.einsum("bni,bn->bi", jac, residual)
    scaled = normal + damping[:, None, None] * (np.einsum("bii->bi", normal)[:, :, None] * eye + 1e-12 * eye)
    try:
        step = np.linalg.solve(scaled, gradient[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return rows, cost, damping * 4
    trial = rows + step
    new_cost = np.sum((series - log_curve(trial, times)) ** 2, axis=1)
    better = np.isfinite(new_cost) & (new_cost < cost)
    return (
        np.where(better[:, None], trial, rows),
        np.where(better, new_cost, cost),
        np.where(better, damping / 3, damping * 4),
    )
