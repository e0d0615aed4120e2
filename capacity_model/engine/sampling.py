"""Draw uncertain inputs: distributions as inverse CDFs, copulas and Latin hypercubes.

Every distribution is a :class:`Distribution` with a vectorised ``ppf`` (inverse CDF,
quantile function). Samples are ``ppf(u)`` of uniforms ``u`` in (0, 1), so one
mechanism serves plain random sampling, Latin hypercube sampling, correlation through a
Gaussian copula, tornado points (``ppf(0.1)``, ``ppf(0.9)``) and Sobol' indices
(``scipy.stats.sobol_indices`` takes objects with a ``ppf``).

scipy.stats is imported where it is used: it takes half a second to load, and a run
without uncertain inputs never needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "Choice",
    "Distribution",
    "Fixed",
    "LogNormal",
    "Normal",
    "Pert",
    "Triangular",
    "Uniform",
    "correlate",
    "ppf_columns",
    "uniforms",
]

FloatArray = NDArray[np.float64]


class Distribution:
    """A one-dimensional distribution known by its inverse CDF."""

    def ppf(self, u: ArrayLike) -> FloatArray:
        """Value at cumulative probability ``u`` in (0, 1)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Fixed(Distribution):
    """Always ``value``."""

    value: float

    def ppf(self, u: ArrayLike) -> FloatArray:
        return np.full(np.shape(u), self.value, dtype=float)


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on ``[low, high]``: ``low + u (high - low)``."""

    low: float
    high: float

    def ppf(self, u: ArrayLike) -> FloatArray:
        return self.low + np.asarray(u, dtype=float) * (self.high - self.low)


@dataclass(frozen=True)
class Triangular(Distribution):
    """Triangular on ``[low, high]`` with its peak at ``mode``."""

    low: float
    mode: float
    high: float

    def ppf(self, u: ArrayLike) -> FloatArray:
        if self.high == self.low:
            return np.full(np.shape(u), self.low, dtype=float)
        c = (self.mode - self.low) / (self.high - self.low)
        from scipy import stats

        return stats.triang.ppf(u, c, loc=self.low, scale=self.high - self.low)


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal with ``mean`` and ``sd``, truncated to ``[low, high]`` when given."""

    mean: float
    sd: float
    low: float = -np.inf
    high: float = np.inf

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy import stats

        if self.high <= self.low:  # truncated to a single value
            return np.full(np.shape(u), self.low, dtype=float)
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        if np.isinf(a) and np.isinf(b):
            return stats.norm.ppf(u, loc=self.mean, scale=self.sd)
        return stats.truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd)


@dataclass(frozen=True)
class LogNormal(Distribution):
    """``exp(mu + sigma Z)``: median ``exp(mu)``."""

    mu: float
    sigma: float

    @classmethod
    def from_median_and_percentile(cls, median: float, value: float, percentile: float) -> LogNormal:
        """The lognormal with this median whose ``percentile`` (in (0, 100)) is ``value``."""
        from scipy import stats

        z = stats.norm.ppf(percentile / 100.0)
        return cls(mu=float(np.log(median)), sigma=float(np.log(value / median) / z))

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy import stats

        return np.exp(self.mu + self.sigma * stats.norm.ppf(u))


@dataclass(frozen=True)
class Pert(Distribution):
    """PERT: a Beta on ``[low, high]`` with its mode at ``mode``.

    ``alpha = 1 + shape (mode - low) / (high - low)``,
    ``beta = 1 + shape (high - mode) / (high - low)``; ``shape = 4`` is the classic PERT.
    """

    low: float
    mode: float
    high: float
    shape: float = 4.0

    def ppf(self, u: ArrayLike) -> FloatArray:
        span = self.high - self.low
        if span == 0:
            return np.full(np.shape(u), self.low, dtype=float)
        alpha = 1 + self.shape * (self.mode - self.low) / span
        beta = 1 + self.shape * (self.high - self.mode) / span
        from scipy import stats

        return self.low + span * stats.beta.ppf(u, alpha, beta)


@dataclass(frozen=True)
class Choice(Distribution):
    """One of ``values`` with probabilities proportional to ``weights``."""

    values: tuple[float, ...]
    weights: tuple[float, ...]

    def ppf(self, u: ArrayLike) -> FloatArray:
        cumulative = np.cumsum(self.weights) / np.sum(self.weights)
        index = np.searchsorted(cumulative, np.asarray(u, dtype=float), side="left")
        return np.asarray(self.values, dtype=float)[np.minimum(index, len(self.values) - 1)]


def uniforms(samples: int, dimensions: int, seed: int, method: str = "random") -> FloatArray:
    """Uniforms in (0, 1), shape ``(samples, dimensions)``, the same for the same arguments.

    ``method`` is ``"random"`` (independent draws from PCG64) or ``"latin-hypercube"``
    (``scipy.stats.qmc.LatinHypercube``: each dimension has exactly one draw in each of
    ``samples`` equal strata).
    """
    if method == "latin-hypercube":
        from scipy.stats import qmc

        draws = qmc.LatinHypercube(d=dimensions, rng=np.random.default_rng(seed)).random(samples)
    else:
        draws = np.random.default_rng(seed).random((samples, dimensions))
    # Keep away from exactly 0 and 1, where unbounded inverse CDFs are infinite.
    tiny = np.finfo(float).eps
    return np.clip(draws, tiny, 1.0 - tiny)


def correlate(u: ArrayLike, correlation: ArrayLike) -> FloatArray:
    """Impose a rank correlation on independent uniforms with a Gaussian copula.

    ``z = Phi^-1(u)``; ``z' = z L^T`` with ``L L^T = correlation``; ``u' = Phi(z')``.
    Marginals stay uniform, so ``ppf(u')`` keeps each parameter's distribution.

    Parameters
    ----------
    u
        Independent uniforms, shape ``(samples, dimensions)``.
    correlation
        Symmetric positive semi-definite matrix with a unit diagonal,
        ``(dimensions, dimensions)``.
    """
    matrix = np.asarray(correlation, dtype=float)
    # Cholesky of a semi-definite matrix: eigen-decomposition with negative rounding clipped.
    values, vectors = np.linalg.eigh(matrix)
    factor = vectors * np.sqrt(np.clip(values, 0.0, None))
    from scipy import stats

    z = stats.norm.ppf(np.asarray(u, dtype=float)) @ factor.T
    tiny = np.finfo(float).eps
    return np.clip(stats.norm.cdf(z), tiny, 1.0 - tiny)


def ppf_columns(distributions: Sequence[Distribution], u: FloatArray) -> FloatArray:
    """Apply each distribution's ppf to its column of ``u``: shape ``(samples, len(distributions))``."""
    return (
        np.column_stack([d.ppf(u[:, k]) for k, d in enumerate(distributions)]) if distributions else u[:, :0]
    )
