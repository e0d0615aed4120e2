"""Growth curves fitted to an observed series, with the uncertainty of the fit.

An observed series is ``(tᵢ, yᵢ)``, ``t`` in years (a month index / 12) and ``y > 0``. Every
form is fitted in **log space**: the residuals are ``eᵢ = ln yᵢ − ln f(tᵢ; θ)`` (errors
proportional to the level, as for traffic and adoption over orders of magnitude), and ``θ``
minimises ``Σ eᵢ²``. The forms (ITU-T E.507's model classes for trend and saturation):

- ``cagr`` (log-linear): ``ln f = a + b·(t − t̄)``; the growth rate is ``g = e^b − 1`` a year
  and ``A = e^a`` the level at ``t̄``, the mean of the ``tᵢ``.
- ``piecewise`` (log-linear with breakpoints ``τ₁ < … < τ_k``, continuous):
  ``ln f = a + b₀·(t − t̄) + Σⱼ (bⱼ − bⱼ₋₁)·max(0, t − τⱼ)``; segment ``j`` grows at
  ``gⱼ = e^{bⱼ} − 1``. Breakpoints are given, or chosen by the data (:func:`choose_breaks`).
- ``logistic``: ``f = K / (1 + e^{−r(t − t_m)})``: saturation ``K``, rate ``r`` a year,
  midpoint ``t_m``.
- ``gompertz``: ``f = K·exp(−e^{−c(t − t_m)})``: saturation ``K``, rate ``c``, inflection ``t_m``.
- ``bass``: ``f = m·F(t − t_s)``, ``F(τ) = (1 − e^{−(p+q)τ}) / (1 + (q/p)·e^{−(p+q)τ})`` for
  ``τ > 0`` (Bass, 1969): market size ``m``, innovation ``p`` and imitation ``q`` a year, start
  ``t_s``, before the first observation by at most :data:`.growth_curves.BASS_MAX_LEAD` years, and ``p`` at
  least :data:`.growth_curves.BASS_MIN_P` (below it the curve is a logistic one started long before).

The two log-linear forms are linear in their parameters: ordinary least squares, with the
exact covariance ``s²(XᵀX)⁻¹`` (``s² = Σeᵢ²/(n − p)``) and Student-t intervals. The three
saturating forms are fitted by Levenberg–Marquardt from several starts (the best kept), and
their intervals come from a **residual bootstrap**: ``B`` series ``f(tᵢ; θ̂)·e^{e*ᵢ}``, with
``e*`` drawn with replacement from the residuals (centred, scaled by ``√(n/(n − p))``), each
refitted from ``θ̂``.

**Prediction intervals** at a time ``t`` add the residual noise to the parameters'
uncertainty: for the linear forms ``ln f̂(t) ± t_{n−p}·s·√(1 + x(t)ᵀ(XᵀX)⁻¹x(t))``; for the
saturating ones the quantiles over the bootstrap draws of ``ln f(t; θ*_b) + e*_b``.

All functions are pure numpy/scipy on arrays; the loops are over starting points, breakpoint
choices and Gauss–Newton iterations, never over time points or bootstrap draws.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..quantities import SEGMENT_POINTS, breaks_problem
from ..schema import FIT_FORMS
from .growth_curves import FloatArray, log_curve_of, natural_parameters, parameter_count
from .least_squares import FitError, jacobian, least_squares_theta, refit_all

__all__ = [
    "FORMS",
    "LINEAR_FORMS",
    "Fit",
    "FitError",
    "choose_breaks",
    "fit",
    "fitted_curve",
    "joint_draws",
    "log_level_each",
    "log_levels",
    "reported_rows",
]


#: The forms, in the order the report compares them.
FORMS = FIT_FORMS
#: Forms linear in their parameters (in log space).
LINEAR_FORMS = ("cagr", "piecewise")
#: Joint draws of a log-linear fit's coefficients (no refit needed: many are cheap).
LINEAR_DRAWS = 10_000
#: Bootstrap draws of a saturating form's fit.
BOOTSTRAP = 400
#: Bootstrap draws of a saturating form's fit at each origin of a backtest (for the coverage
#: of its prediction intervals).
BACKTEST_BOOTSTRAP = 100
#: Most points a saturating form is fitted to (a month a point for 83 years): its bootstrap
#: refits it :data:`BOOTSTRAP` times, each over every point.
MOST_SATURATING_POINTS = 1000
#: Most breakpoints the data may choose for a piecewise fit (each segment holding at least
#: :data:`~capacity_model.quantities.SEGMENT_POINTS` points).
MOST_BREAKS = 3
#: Candidate breakpoints the data may choose among, at most (evenly spread over the points):
#: with three breakpoints at most, 1,350 least-squares fits.
MOST_CANDIDATES = 20
#: A log residual this small is rounding: fits closer than it count as exact when breakpoints
#: are chosen (so a series without noise gets no spurious breakpoint).
SSE_FLOOR = 1e-9


@dataclass(frozen=True)
class Fit:
    """One form fitted to a series: its parameters, their uncertainty, and the residuals.

    Times are in years (a month index / 12). For ``cagr`` the parameters are the level at
    ``centre`` and the annual rate; for ``piecewise`` the level at ``centre`` then each
    segment's annual rate, from the first to the last (``breaks`` between them); for the
    saturating forms those of :data:`.growth_curves.PARAMETER_NAMES` (a midpoint or start as a time in years).
    """

    form: str
    times: FloatArray
    """The observations' times [years], ``(n,)``."""
    values: FloatArray
    """The observations, ``(n,)``."""
    estimates: FloatArray
    """The natural parameters (see the class)."""
    low: FloatArray
    """The P10 of each parameter: the interval the fit gives it."""
    high: FloatArray
    """The P90 of each parameter."""
    residual_sd: float
    """``s``: the standard deviation of the log residuals, ``√(Σeᵢ²/(n − p))``."""
    intervals: str
    """How the intervals are made: ``'covariance'`` (exact, linear forms) or ``'residual bootstrap'``."""
    centre: float = 0.0
    """``t̄`` of the log-linear forms, the mean time of the points [years]."""
    reference: float = 0.0
    """The whole month nearest ``t̄``, at which a log-linear fit's level is reported [years]."""
    breaks: tuple[float, ...] = ()
    """Breakpoints of a piecewise fit [years]."""
    breaks_given: bool = False
    """Whether the breakpoints were given (not estimated: they are no parameters then)."""
    coefficients: FloatArray = field(default_factory=lambda: np.zeros(0))
    """The log-linear forms' coefficients ``(a, b₀, Δb₁, …)``; the saturating forms' θ."""
    covariance: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """Covariance of ``coefficients`` (exact for the linear forms; ``s²(JᵀJ)⁻¹`` otherwise)."""
    draws: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """Bootstrap draws of θ, ``(B, p)`` (saturating forms)."""
    noise: FloatArray = field(default_factory=lambda: np.zeros(0))
    """The residual noise paired with each draw, ``(B,)`` (saturating forms)."""

    @property
    def parameters(self) -> int:
        """Parameters estimated, breakpoints chosen by the data included (given ones are not)."""
        chosen = self.form == "piecewise" and not self.breaks_given
        return len(self.coefficients) + (len(self.breaks) if chosen else 0)

    @property
    def residuals(self) -> FloatArray:
        """``eᵢ = ln yᵢ − ln f̂(tᵢ)``."""
        return np.log(self.values) - self.log_level(self.times)

    def log_level(self, t: FloatArray) -> FloatArray:
        """``ln f̂(t)`` at the estimates."""
        t = np.asarray(t, dtype=float)
        if self.form in LINEAR_FORMS:
            return _design(t, self.centre, self.breaks) @ self.coefficients
        return log_curve_of(self.form, float(self.times[0]))(self.coefficients, t)

    def level(self, t: FloatArray) -> FloatArray:
        """``f̂(t)``."""
        return np.exp(self.log_level(t))

    def quantiles(self, t: FloatArray, levels: Sequence[float]) -> FloatArray:
        """Prediction quantiles of an observation at times ``t`` (see the module),
        ``(len(levels), len(t))``."""
        from scipy import stats

        t = np.asarray(t, dtype=float)
        if self.form in LINEAR_FORMS:
            x = _design(t, self.centre, self.breaks)
            unscaled = self.covariance / self.residual_sd**2 if self.residual_sd > 0 else self.covariance
            spread = self.residual_sd * np.sqrt(1.0 + np.einsum("ij,jk,ik->i", x, unscaled, x))
            dof = max(len(self.times) - self.parameters, 1)
            z = stats.t.ppf(np.asarray(levels), dof)
            return np.exp(self.log_level(t)[None, :] + z[:, None] * spread[None, :])
        curves = log_curve_of(self.form, float(self.times[0]))(self.draws, t) + self.noise[:, None]
        return np.exp(np.quantile(curves, levels, axis=0))

    def bic(self) -> float:
        """Bayesian information criterion of the log-space fit, ``n·ln(SSE/n) + p·ln n``."""
        n = len(self.times)
        sse = max(float(np.sum(self.residuals**2)), 1e-300)
        return n * np.log(sse / n) + self.parameters * np.log(n)


def joint_draws(fitted: Fit) -> FloatArray:
    """Draws of the fit's coefficients, jointly (their correlation kept), ``(B, p)``: for the
    log-linear forms :data:`LINEAR_DRAWS` from the normal distribution whose P10-P90 is the
    fit's Student-t interval (``β̂ + (t_{0.9,ν}/z_{0.9})·L·z``, ``LLᵀ`` the covariance,
    ``ν = n − p``: the same distribution as the entries ``capacity-model fit`` writes to paste,
    with light tails even when ``ν`` is 1 or 2), for the saturating forms the
    :data:`BOOTSTRAP` refits of the residual bootstrap. Seeded: the same fit gives the same draws."""
    if fitted.form not in LINEAR_FORMS:
        return fitted.draws
    from scipy import stats

    rng = np.random.default_rng([0x666974, len(fitted.times)])
    dof = max(len(fitted.times) - fitted.parameters, 1)
    values, vectors = np.linalg.eigh(fitted.covariance)
    factor = vectors * np.sqrt(np.clip(values, 0.0, None))
    z = rng.standard_normal((LINEAR_DRAWS, len(fitted.coefficients)))
    widen = float(stats.t.ppf(0.9, dof) / stats.norm.ppf(0.9))
    return fitted.coefficients[None, :] + widen * (z @ factor.T)


def log_levels(fitted: Fit, theta: FloatArray, t: FloatArray) -> FloatArray:
    """``ln f(t; θ)`` for rows of θ (coefficients of the log-linear forms, θ of the saturating
    ones), ``(rows, len(t))``."""
    t = np.asarray(t, dtype=float)
    theta = np.atleast_2d(theta)
    if fitted.form in LINEAR_FORMS:
        return theta @ _design(t, fitted.centre, fitted.breaks).T
    return np.atleast_2d(log_curve_of(fitted.form, float(fitted.times[0]))(theta, t))


def log_level_each(fitted: Fit, theta: FloatArray, t: FloatArray) -> FloatArray:
    """``ln f(tᵢ; θᵢ)``: row ``i`` of θ at its own time ``tᵢ``, ``(rows,)``."""
    t = np.asarray(t, dtype=float)
    if fitted.form in LINEAR_FORMS:
        return np.sum(theta * _design(t, fitted.centre, fitted.breaks), axis=1)
    return log_curve_of(fitted.form, float(fitted.times[0]))(theta, t[:, None])[:, 0]


@functools.lru_cache(maxsize=32)
def fitted_curve(
    form: str, months: tuple[int, ...], values: tuple[float, ...], breaks: tuple[int, ...] | None
) -> Fit:
    """The fit of a scenario's fitted growth (points as month indices and values, breakpoints
    as month indices or None), computed once for each set of points (the fit is seeded)."""
    return fit(
        np.asarray(months, dtype=float) / 12.0,
        np.asarray(values, dtype=float),
        form,
        None if breaks is None else [b / 12.0 for b in breaks],
    )


def _design(t: FloatArray, centre: float, breaks: Sequence[float]) -> FloatArray:
    """Columns ``1, t − t̄, max(0, t − τⱼ)…``."""
    t = np.asarray(t, dtype=float)
    return np.column_stack([np.ones_like(t), t - centre, *(np.maximum(0.0, t - b) for b in breaks)])


def _check(times: FloatArray, values: FloatArray, parameters: int, form: str) -> None:
    if len(times) < parameters + 1:
        raise FitError(
            f"the {form} model has {parameters} parameters: it needs at least {parameters + 1} points, "
            f"and the series has {len(times)}"
        )


def reported_rows(fitted: Fit) -> FloatArray:
    """The rows taking a log-linear fit's coefficients to its reported parameters in log: the
    log level at ``reference`` (a whole month near the points' mean date), then each segment's
    slope ``b₀, b₀ + Δb₁, …`` (``g = e^b − 1``), ``(k, k)``."""
    k = len(fitted.coefficients)
    level = _design(np.array([fitted.reference]), fitted.centre, fitted.breaks)[0]
    return np.vstack([level, np.cumsum(np.eye(k)[1:], axis=0)])


def _linear(times: FloatArray, values: FloatArray, form: str, breaks: Sequence[float], given: bool) -> Fit:
    from scipy import stats

    centre = float(np.mean(times))
    x = _design(times, centre, breaks)
    y = np.log(values)
    coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
    residuals = y - x @ coefficients
    n, p = x.shape
    dof = n - p - (0 if given else len(breaks))  # breakpoints the data chose count as parameters
    s2 = float(residuals @ residuals) / dof if dof > 0 else 0.0
    covariance = s2 * np.linalg.inv(x.T @ x)
    fitted = Fit(
        form=form,
        times=times,
        values=values,
        estimates=np.zeros(p),
        low=np.zeros(p),
        high=np.zeros(p),
        residual_sd=float(np.sqrt(s2)),
        intervals="covariance",
        centre=centre,
        reference=round(centre * 12) / 12,
        breaks=tuple(float(b) for b in breaks),
        breaks_given=given,
        coefficients=np.asarray(coefficients, dtype=float),
        covariance=np.asarray(covariance, dtype=float),
    )
    # reported: the level at the reference month, then the rate of each segment
    rows = reported_rows(fitted)
    log_params = rows @ fitted.coefficients
    sd = np.sqrt(np.maximum(0.0, np.einsum("ij,jk,ik->i", rows, fitted.covariance, rows)))
    z = stats.t.ppf(0.9, max(dof, 1))
    to_natural = [np.exp] + [np.expm1] * (p - 1)
    return dataclasses.replace(
        fitted,
        estimates=np.array([f(v) for f, v in zip(to_natural, log_params, strict=True)]),
        low=np.array([f(v - z * d) for f, v, d in zip(to_natural, log_params, sd, strict=True)]),
        high=np.array([f(v + z * d) for f, v, d in zip(to_natural, log_params, sd, strict=True)]),
    )


def choose_breaks(times: FloatArray, values: FloatArray, most: int = MOST_BREAKS) -> tuple[float, ...]:
    """Breakpoints of a piecewise log-linear fit chosen by the data: among the observation
    times (at most :data:`MOST_CANDIDATES`, evenly spread) leaving at least
    :data:`SEGMENT_POINTS` points in every segment, the set of 1 to ``most`` breakpoints with
    the lowest BIC (each breakpoint counted as a parameter). Raises :class:`FitError` when no
    breakpoint leaves enough points on both sides."""
    n = len(times)
    inner = np.arange(SEGMENT_POINTS, n - SEGMENT_POINTS + 1)
    if len(inner) > MOST_CANDIDATES:
        inner = inner[np.linspace(0, len(inner) - 1, MOST_CANDIDATES).round().astype(int)]
    best: tuple[float, tuple[float, ...]] | None = None
    y = np.log(values)
    centre = float(np.mean(times))
    floor = n * SSE_FLOOR**2  # a fit closer than rounding: fewer breakpoints win the tie
    for k in range(1, most + 1):
        for combination in itertools.combinations(inner.tolist(), k):
            edges = (0, *combination, n)
            if min(b - a for a, b in itertools.pairwise(edges)) < SEGMENT_POINTS:
                continue
            breaks = tuple(float(times[i]) for i in combination)
            if len(set(breaks)) < k or n <= 2 + 2 * k:
                continue
            x = _design(times, centre, breaks)
            coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
            sse = max(float(np.sum((y - x @ coefficients) ** 2)), floor)
            bic = n * np.log(sse / n) + (2 + 2 * k) * np.log(n)
            if best is None or bic < best[0] - 1e-9:
                best = (bic, breaks)
    if best is None:
        raise FitError(
            f"a piecewise fit needs at least {2 * SEGMENT_POINTS + 1} points ({SEGMENT_POINTS} on each side "
            f"of a breakpoint, and one more than its 4 parameters), and the series has {n}"
        )
    return best[1]


def _saturating(times: FloatArray, values: FloatArray, form: str, seed: int, draws: int = BOOTSTRAP) -> Fit:
    theta = least_squares_theta(form, times, values)
    first = float(times[0])
    log_curve = log_curve_of(form, first)
    y = np.log(values)
    residuals = y - log_curve(theta, times)
    n, p = len(times), theta.size
    s2 = float(residuals @ residuals) / (n - p) if n > p else 0.0
    with np.errstate(all="ignore"):
        jac = jacobian(log_curve, theta[None, :], times)[0]
        try:
            covariance = s2 * np.linalg.inv(jac.T @ jac)
        except np.linalg.LinAlgError:
            covariance = np.full((p, p), np.nan)
    rng = np.random.default_rng([seed, 0x666974])  # "fit"
    centred = (residuals - residuals.mean()) * np.sqrt(n / (n - p)) if n > p else residuals * 0.0
    picks = rng.integers(0, n, size=(draws, n))
    fitted = log_curve(theta, times)
    refits = refit_all(form, times, fitted[None, :] + centred[picks], theta)
    noise = centred[rng.integers(0, n, size=draws)]
    natural = natural_parameters(form, refits, first)
    with np.errstate(all="ignore"):
        ok = np.all(np.isfinite(natural), axis=1) & np.all(np.isfinite(log_curve(refits, times)), axis=1)
    if ok.sum() < draws // 2:
        raise FitError(
            f"the {form} curve's intervals cannot be made: most refits of its residual bootstrap fail (values "
            "spanning too many orders of magnitude, or a curve the data hardly constrain); try another model"
        )
    low, high = np.quantile(natural[ok], [0.1, 0.9], axis=0)
    return Fit(
        form=form,
        times=times,
        values=values,
        estimates=natural_parameters(form, theta, first),
        low=np.asarray(low),
        high=np.asarray(high),
        residual_sd=float(np.sqrt(s2)),
        intervals="residual bootstrap",
        coefficients=theta,
        covariance=covariance,
        draws=refits[ok],
        noise=noise[ok],
    )


def fit(
    times: Sequence[float] | FloatArray,
    values: Sequence[float] | FloatArray,
    form: str,
    breaks: Sequence[float] | None = None,
    seed: int = 0,
    draws: int = BOOTSTRAP,
) -> Fit:
    """Fit one form to a series (see the module).

    Parameters
    ----------
    times
        Times of the observations [years], increasing.
    values
        The observations, all above 0.
    form
        One of :data:`FORMS`.
    breaks
        Breakpoints of a piecewise fit [years]; None lets the data choose (:func:`choose_breaks`).
    seed, draws
        Seed and size of the residual bootstrap (saturating forms).

    Raises
    ------
    FitError
        Too few points for the form, or no fit converges.
    """
    t = np.asarray(times, dtype=float)
    y = np.asarray(values, dtype=float)
    if form == "cagr":
        _check(t, y, 2, form)
        return _linear(t, y, form, (), given=False)
    if form == "piecewise":
        if breaks is None:
            _check(t, y, 4, form)
            return _linear(t, y, form, choose_breaks(t, y), given=False)
        _check(t, y, 2 + len(breaks), form)
        problem = breaks_problem(t.tolist(), list(breaks))
        if problem is not None:
            raise FitError(problem)
        return _linear(t, y, form, tuple(sorted(breaks)), given=True)
    _check(t, y, parameter_count(form), form)
    if len(t) > MOST_SATURATING_POINTS:
        raise FitError(
            f"the {form} model is fitted to at most {MOST_SATURATING_POINTS:,} points (its residual bootstrap "
            f"refits it {BOOTSTRAP} times), and the series has {len(t):,}: keep fewer (since, until, or yearly "
            "or quarterly values)"
        )
    return _saturating(t, y, form, seed, draws)
