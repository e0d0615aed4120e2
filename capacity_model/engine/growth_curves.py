"""The saturating growth curves in an unconstrained parameterisation ``θ``, and the
parameters each form reports (see :mod:`.fitting` for the forms and the method).

Each curve gives ``ln f(t)`` for ``θ`` of shape ``(p,)`` -> ``(n,)`` or ``(B, p)`` -> ``(B, n)``
(rows broadcast). Parameters far out (tried by the optimiser) give inf or nan, never a
warning: the fit rejects them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "BASS_MAX_LEAD",
    "BASS_MIN_P",
    "PARAMETER_NAMES",
    "FloatArray",
    "log_bass",
    "log_curve_of",
    "log_gompertz",
    "log_logistic",
    "natural_parameters",
    "parameter_count",
    "theta_of",
]


FloatArray = NDArray[np.float64]
#: The natural parameters of each form, as reported (piecewise: per segment, see :class:`.fitting.Fit`).
PARAMETER_NAMES = {
    "cagr": ("level", "rate"),
    "logistic": ("saturation", "rate", "midpoint"),
    "gompertz": ("saturation", "rate", "midpoint"),
    "bass": ("market", "p", "q", "start"),
}
#: Bounds of a Bass fit: innovation ``p`` at least this a year (below it Bass is a logistic
#: curve started long ago), and a start at most this many years before the first point.
BASS_MIN_P, BASS_MAX_LEAD = 1e-4, 30.0


def parameter_count(form: str, breaks: int = 0) -> int:
    """Parameters a form estimates (a piecewise fit's chosen breakpoints count as parameters)."""
    if form == "piecewise":
        return 2 + 2 * breaks
    return len(PARAMETER_NAMES[form])


def log_logistic(theta: FloatArray, t: FloatArray) -> FloatArray:
    """``ln f`` of the logistic curve, ``θ = (ln K, ln r, t_m)``."""
    log_k, log_r, tm = (theta[..., k, None] for k in range(3))
    with np.errstate(all="ignore"):
        return log_k - np.logaddexp(0.0, -np.exp(log_r) * (t - tm))


def log_gompertz(theta: FloatArray, t: FloatArray) -> FloatArray:
    """``ln f`` of the Gompertz curve, ``θ = (ln K, ln c, t_m)``."""
    log_k, log_c, tm = (theta[..., k, None] for k in range(3))
    with np.errstate(all="ignore"):
        return log_k - np.exp(np.clip(-np.exp(log_c) * (t - tm), -700, 700))


def log_bass(theta: FloatArray, t: FloatArray, first: float) -> FloatArray:
    """``ln f`` of the Bass curve, ``θ = (ln m, ln(p − p_min), ln q, lead)``, the start
    ``first − BASS_MAX_LEAD / (1 + e^{−lead})``."""
    log_m, log_p, log_q, lead = (theta[..., k, None] for k in range(4))
    with np.errstate(all="ignore"):
        p, q = BASS_MIN_P + np.exp(log_p), np.exp(log_q)
        tau = t - (first - BASS_MAX_LEAD / (1.0 + np.exp(-lead)))
        decay = np.exp(np.clip(-(p + q) * tau, -700, 700))
        log_f = np.log(-np.expm1(-(p + q) * tau)) - np.log1p(q / p * decay)
        return log_m + log_f


def natural_parameters(form: str, theta: FloatArray, first: float) -> FloatArray:
    """The reported parameters from θ (rows broadcast; θ far out gives inf, not a warning)."""
    with np.errstate(all="ignore"):
        return _natural_of(form, np.asarray(theta, dtype=float), first)


def _natural_of(form: str, theta: FloatArray, first: float) -> FloatArray:
    if form in ("logistic", "gompertz"):
        return np.stack([np.exp(theta[..., 0]), np.exp(theta[..., 1]), theta[..., 2]], axis=-1)
    return np.stack(
        [
            np.exp(theta[..., 0]),
            BASS_MIN_P + np.exp(theta[..., 1]),
            np.exp(theta[..., 2]),
            first - BASS_MAX_LEAD / (1.0 + np.exp(-theta[..., 3])),
        ],
        axis=-1,
    )


def theta_of(form: str, natural: Sequence[float], first: float) -> FloatArray:
    """θ from the reported parameters (the inverse of :func:`natural_parameters`)."""
    if form in ("logistic", "gompertz"):
        return np.array([np.log(natural[0]), np.log(natural[1]), natural[2]])
    lead = first - natural[3]
    return np.array(
        [
            np.log(natural[0]),
            np.log(natural[1] - BASS_MIN_P),
            np.log(natural[2]),
            np.log(lead / (BASS_MAX_LEAD - lead)),
        ]
    )


def log_curve_of(form: str, first: float) -> Callable[[FloatArray, FloatArray], FloatArray]:
    """``ln f(θ, t)`` of a saturating form, for series whose first point is at ``first`` [years]."""
    if form == "logistic":
        return log_logistic
    if form == "gompertz":
        return log_gompertz
    return lambda theta, t: log_bass(theta, t, first)
