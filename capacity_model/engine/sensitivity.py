"""Which uncertain input matters most: tornado swings and Sobol' indices.

Both use :func:`~capacity_model.engine.montecarlo.outcomes`, per-sample results of the
same engine: the first shortfall month, the gap at the horizon, the months short, the
unserved traffic, the carried share of each stream with a share at the horizon, and
each year's peak utilisation (for Sobol' indices over time).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..schema import Scenario
from .evaluation import period_months
from .montecarlo import chunk_rows, distribution, outcomes, sample_outcome_names, to_field_values

__all__ = ["OUTCOMES", "Sensitivity", "SobolIndices", "TornadoBar", "outcome_label", "sobol", "tornado"]

FloatArray = NDArray[np.float64]

#: Scalar outcomes of the tornado and the Sobol' bars, with their labels and units; each stream
#: with a share adds ``carried_share:<id>`` (see :func:`outcome_label`).
OUTCOMES = {
    "first_exhaustion_months": "months to the first shortfall",
    "gap_at_horizon_gbps": "gap at the horizon [Gbps]",
    "months_short": "months short in the period",
    "unserved_tbps_months": "unserved traffic [Tbps·months]",
    "fault_loss_tbps_days_per_year": "traffic lost to faults [Tbps·days a year]",
    "fault_availability": "time with nothing lost to faults [fraction]",
}
#: Fault streams the tornado averages fault outcomes over, at each of its rows (the same
#: streams at every row, so that a bar shows the input's effect, not the faults' chance).
TORNADO_FAULT_STREAMS = 256


def outcome_label(name: str, scenario: Scenario) -> str:
    """A reader's label of an outcome, with its unit."""
    if name.startswith("carried_share:"):
        stream = next(s for s in scenario.demand if s.id == name.split(":", 1)[1])
        return f"carried share of {stream.display_name} at the horizon [fraction]"
    return OUTCOMES[name]


@dataclass(frozen=True)
class TornadoBar:
    """One parameter at its P10 and P90, every other at its median."""

    path: str
    low_value: float
    """The parameter at its P10 [field's base unit; dates as month index]."""
    high_value: float
    """The parameter at its P90."""
    outcome_at_low: dict[str, float]
    outcome_at_high: dict[str, float]


@dataclass(frozen=True)
class SobolIndices:
    """First-order and total Sobol' indices of one outcome, with bootstrap intervals."""

    outcome: str
    first_order: FloatArray
    """One per parameter (NaN when the outcome does not vary)."""
    total: FloatArray
    first_order_interval: FloatArray
    """Shape ``(2, parameters)``: low and high ends of the confidence interval."""
    total_interval: FloatArray


@dataclass(frozen=True)
class Sensitivity:
    """Tornado, Sobol' indices of the scalar outcomes, and Sobol' indices per year."""

    paths: tuple[str, ...]
    outcomes: tuple[str, ...]
    """Names of the scalar outcomes (:func:`~capacity_model.engine.montecarlo.sample_outcome_names`)."""
    baseline: dict[str, float]
    """Outcomes with every parameter at its median."""
    bars: tuple[TornadoBar, ...]
    sobol: tuple[SobolIndices, ...]
    years: NDArray[np.int64]
    utilisation_first_order: FloatArray
    """First-order index of each year's peak utilisation, ``(years, parameters)``."""
    utilisation_total: FloatArray
    base_samples: int
    confidence_level: float


def _field_table(scenario: Scenario, quantiles: FloatArray) -> FloatArray:
    """Field values of each parameter at given cumulative probabilities ``(rows, parameters)``."""
    parameters = scenario.parameters()
    return np.column_stack(
        [to_field_values(p, distribution(p).ppf(quantiles[:, k])) for k, p in enumerate(parameters)]
    )


def tornado(scenario: Scenario, seed: int | None = None) -> tuple[dict[str, float], tuple[TornadoBar, ...]]:
    """Outcomes at the medians, and with each parameter alone at its P10 and at its P90."""
    count = len(scenario.parameters())
    probabilities = np.full((2 * count + 1, count), 0.5)
    for k in range(count):
        probabilities[1 + 2 * k, k] = 0.1
        probabilities[2 + 2 * k, k] = 0.9
    table = _field_table(scenario, probabilities)
    names = sample_outcome_names(scenario)
    if scenario.fault_sources():  # each row's fault outcomes: a mean over the same streams
        streams = TORNADO_FAULT_STREAMS
        repeated = outcomes(
            scenario,
            np.repeat(table, streams, axis=0),
            positions=np.tile(np.arange(streams), len(table)),
            seed=seed if seed is not None else scenario.uncertainty.seed if scenario.uncertainty else 0,
        )
        results = {name: repeated[name].reshape(len(table), streams).mean(axis=1) for name in names}
    else:
        results = outcomes(scenario, table)
    baseline = {name: float(results[name][0]) for name in names}
    bars = tuple(
        TornadoBar(
            path=p.path,
            low_value=float(table[1 + 2 * k, k]),
            high_value=float(table[2 + 2 * k, k]),
            outcome_at_low={name: float(results[name][1 + 2 * k]) for name in names},
            outcome_at_high={name: float(results[name][2 + 2 * k]) for name in names},
        )
        for k, p in enumerate(scenario.parameters())
    )
    return baseline, bars


def saltelli_2010(f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray) -> tuple[FloatArray, FloatArray]:
    """First-order and total Sobol' indices, shapes ``(outputs, parameters)``.

    ``S_i = mean(f_B (f_ABi - f_A)) / V`` and ``S_Ti = mean((f_A - f_ABi)^2) / (2 V)``
    with ``V`` the variance of ``f_A`` and ``f_B`` together (Saltelli et al. 2010, Table 2
    (b) and (f); the estimator ``scipy.stats.sobol_indices`` uses by default).
    ``f_a``, ``f_b``: outputs at the A and B matrices, ``(outputs, n)``; ``f_ab``: at each
    AB matrix, ``(parameters, outputs, n)``.
    """
    variance = np.var([f_a, f_b], axis=(0, -1))
    first = np.mean(f_b * (f_ab - f_a), axis=-1) / variance
    total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=-1) / variance
    return first.T, total.T


def bootstrap_intervals(
    f_a: FloatArray,
    f_b: FloatArray,
    f_ab: FloatArray,
    confidence_level: float,
    seed: int,
    resamples: int = 200,
) -> tuple[FloatArray, FloatArray]:
    """Percentile bootstrap intervals of :func:`saltelli_2010`, resampling the ``n`` base rows.

    Returns ``low, high``, each ``(2, outputs, parameters)`` (first-order, then total).
    scipy's own ``SobolResult.bootstrap`` uses BCa intervals, whose jackknife re-estimates
    the indices once per base sample: O(n^2), minutes at n = 8192. Percentile intervals
    of ``resamples`` bootstrap estimates cost O(resamples n).

    A resample of the rows is a vector of counts ``w`` (how often each row is drawn, summing
    to ``n``), and every mean in the estimators is ``x @ w / n``: the resamples are evaluated
    together as matrix products against the ``(resamples, n)`` counts, rather than by
    gathering each resample's rows (the same estimates; 10-20 times faster).
    """
    rng = np.random.default_rng(seed)
    n = f_a.shape[-1]
    rows = rng.integers(0, n, (resamples, n))
    flat = (np.arange(resamples)[:, None] * n + rows).ravel()
    counts = np.bincount(flat, minlength=resamples * n).reshape(resamples, n).astype(float)
    weights = counts.T / n  # (n, resamples): each column averages one resample

    # Variance of f_A and f_B together (population variance of the 2n values), centred first.
    centre = 0.5 * (f_a.mean(axis=-1) + f_b.mean(axis=-1))[:, None]
    a, b = f_a - centre, f_b - centre
    mean = 0.5 * (a @ weights + b @ weights)  # (outputs, resamples)
    variance = 0.5 * ((a * a) @ weights + (b * b) @ weights) - mean**2
    first = (f_b * (f_ab - f_a)) @ weights / variance  # (parameters, outputs, resamples)
    total = 0.5 * ((f_a - f_ab) ** 2) @ weights / variance
    stacked = np.stack([first, total]).transpose(3, 0, 2, 1)  # (resamples, 2, outputs, parameters)
    tail = (1 - confidence_level) / 2
    return np.nanquantile(stacked, tail, axis=0), np.nanquantile(stacked, 1 - tail, axis=0)


class _FieldDistribution:
    """A parameter's distribution as scipy's ``sobol_indices`` wants it: an object with ``ppf``."""

    def __init__(self, scenario: Scenario, index: int) -> None:
        self.parameter = scenario.parameters()[index]
        self.inner = distribution(self.parameter)

    def ppf(self, u: FloatArray) -> FloatArray:
        return to_field_values(self.parameter, self.inner.ppf(u))


def sample_a_b(n: int, dists: list[_FieldDistribution], rng: np.random.Generator) -> FloatArray:
    """The A and B matrices of ``scipy.stats.sobol_indices``, ``(2, parameters, n)``.

    The same numbers as scipy's own (``sample_A_B``): one scrambled Sobol' sequence of
    ``2 d`` dimensions, its first ``d`` columns A and the others B, through each ppf.
    """
    d = len(dists)
    from scipy.stats import qmc  # imported when used: scipy.stats takes half a second to load

    a_b = qmc.Sobol(d=2 * d, rng=rng, bits=64).random(n).T.reshape(2, d, -1)
    for k, dist in enumerate(dists):
        a_b[:, k] = dist.ppf(a_b[:, k])
    return a_b


def saltelli_rows(a: FloatArray, b: FloatArray, start: int, stop: int) -> FloatArray:
    """Rows ``start:stop`` of the inputs the model is evaluated at, ``(rows, parameters)``.

    The rows are those of A, then of B, then of each ``AB_i`` (A with parameter ``i`` taken
    from B): ``n (d + 2)`` in all. They are built a chunk at a time: scipy builds all the
    ``AB_i`` at once, ``d^2 n`` values (840 MB for 80 inputs at n = 8192, twice over).
    ``a``, ``b``: ``(parameters, n)``.
    """
    n = a.shape[1]
    block, column = np.divmod(np.arange(start, stop), n)  # block 0: A, 1: B, 2 + i: AB_i
    table = np.where((block == 1)[:, None], b.T[column], a.T[column])
    mixed = np.flatnonzero(block >= 2)
    table[mixed, block[mixed] - 2] = b[block[mixed] - 2, column[mixed]]
    return table


def _fault_streams(start: int, stop: int, n: int) -> NDArray[np.int64]:
    """The fault stream of rows ``start:stop`` of the Sobol' runs: the faults are one more input,
    drawn like the others: row ``j`` of A and of every ``AB_i`` (which take it from A) stream
    ``j``, row ``j`` of B stream ``n + j``."""
    block, column = np.divmod(np.arange(start, stop), n)
    return np.where(block == 1, n + column, column).astype(np.int64)


def sobol(
    scenario: Scenario,
    base_samples: int | None = None,
    seed: int | None = None,
    confidence_level: float = 0.95,
    chunk_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Sensitivity:
    """Tornado and Sobol' indices (``scipy.stats.sobol_indices``, Saltelli 2010 / Jansen).

    The model is evaluated ``base_samples * (parameters + 2)`` times, in chunks of
    ``chunk_size`` rows (default :func:`~capacity_model.engine.montecarlo.chunk_rows`; the
    results do not depend on it), calling ``progress(runs done, runs)`` after each chunk. Sobol'
    indices assume independent inputs: correlations of
    the uncertainty section are left out here. Intervals: :func:`bootstrap_intervals`.
    """
    from scipy.stats import sobol_indices  # imported when used, as in sample_a_b

    spec = scenario.uncertainty
    assert spec is not None, "sensitivity needs an uncertainty section"
    parameters = scenario.parameters()
    n = base_samples or spec.sobol_samples
    seed = spec.seed if seed is None else seed
    months = period_months(scenario)
    years = np.unique(months // 12)
    names = list(sample_outcome_names(scenario))

    # The model's outputs at A, B and each AB_i, row by row; inputs are built a chunk at a time.
    dists = [_FieldDistribution(scenario, k) for k in range(len(parameters))]
    a, b = sample_a_b(n, dists, np.random.default_rng(seed))
    d, runs = len(parameters), n * (len(parameters) + 2)
    rows = chunk_size or chunk_rows(scenario, len(months))
    outputs = np.empty((len(names) + len(years), runs))
    for start in range(0, runs, rows):
        stop = min(start + rows, runs)
        result = outcomes(
            scenario,
            saltelli_rows(a, b, start, stop),
            years,
            chunk_size=stop - start,
            positions=_fault_streams(start, stop, n),
            seed=seed,
        )
        outputs[:, start:stop] = np.vstack([result[name] for name in names] + [result["utilisation_peak"].T])
        if progress is not None:
            progress(stop, runs)
    f_ab = np.moveaxis(outputs[:, 2 * n :].reshape(-1, d, n), 1, 0)  # (parameters, outputs, n)
    evaluations: dict[str, FloatArray] = {}

    # scipy checks that a custom method has exactly these parameter names.
    def indices_method(f_A: FloatArray, f_B: FloatArray, f_AB: FloatArray) -> tuple[FloatArray, FloatArray]:  # noqa: N803
        evaluations.update(f_a=f_A, f_b=f_B, f_ab=f_AB)  # kept for our own bootstrap
        return saltelli_2010(f_A, f_B, f_AB)

    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # outcomes that do not vary give NaN indices
        indices_result = sobol_indices(
            func={"f_A": outputs[:, :n], "f_B": outputs[:, n : 2 * n], "f_AB": f_ab},
            n=n,
            method=indices_method,
        )
        low, high = bootstrap_intervals(
            evaluations["f_a"],
            evaluations["f_b"],
            evaluations["f_ab"],
            confidence_level=confidence_level,
            seed=seed,
        )
    # scipy squeezes the parameters axis away when there is one parameter: restore (outputs, parameters).
    shape = (len(names) + len(years), len(parameters))
    first, total = (
        np.reshape(indices_result.first_order, shape),
        np.reshape(indices_result.total_order, shape),
    )
    low, high = np.reshape(low, (2, *shape)), np.reshape(high, (2, *shape))
    indices = tuple(
        SobolIndices(
            outcome=name,
            first_order=first[k],
            total=total[k],
            first_order_interval=np.stack([low[0][k], high[0][k]]),
            total_interval=np.stack([low[1][k], high[1][k]]),
        )
        for k, name in enumerate(names)
    )
    baseline, bars = tornado(scenario, seed)
    return Sensitivity(
        paths=tuple(p.path for p in parameters),
        outcomes=tuple(names),
        baseline=baseline,
        bars=bars,
        sobol=indices,
        years=years,
        utilisation_first_order=first[len(names) :],
        utilisation_total=total[len(names) :],
        base_samples=n,
        confidence_level=confidence_level,
    )
