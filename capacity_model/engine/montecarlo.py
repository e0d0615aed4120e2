"""Monte Carlo over a scenario's uncertain inputs, evaluated in chunks of samples.

All uniforms are drawn up front (``(samples, parameters)``, small), so a sample's
inputs do not depend on the chunking. Each chunk is evaluated by the same
:func:`~capacity_model.engine.evaluation.evaluate` as a deterministic run, as
``(chunk, months)`` arrays; its results are folded into exact counts and
:class:`~capacity_model.engine.aggregate.QuantileHistogram` s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..schema import Scenario
from ..uncertainty import Parameter, correlation_matrix
from . import planning as plan
from . import shortfalls
from .aggregate import QuantileHistogram
from .allocation import allocate, carried_share
from .evaluation import Evaluation, Values, corridor_capacity_gbps, evaluate, period_months
from .fault_risk import fault_risk
from .faults import FAULT_LOSS_LEVELS, FaultLosses
from .sampling import (
    Choice,
    Distribution,
    Fixed,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
    correlate,
    ppf_columns,
    uniforms,
)

__all__ = [
    "FAULT_LOSS_LEVELS",
    "FAULT_OUTCOMES",
    "QUANTILES",
    "QUANTITIES",
    "SCALAR_OUTCOMES",
    "MonteCarlo",
    "TargetChances",
    "chunk_rows",
    "distribution",
    "draw",
    "outcomes",
    "run_monte_carlo",
    "values_for",
]

FloatArray = NDArray[np.float64]
Progress = Callable[[int, int], None]

#: Quantile levels reported per month.
QUANTILES = (0.05, 0.10, 0.50, 0.90, 0.95)
#: Monthly quantities whose quantiles are reported.
QUANTITIES = ("demand_gbps", "capacity_gbps", "utilisation", "headroom_gbps", "gap_gbps")
#: Per-sample outcomes of a run, beside ``carried_share:<stream id>`` for each stream with a share.
SCALAR_OUTCOMES = ("first_exhaustion_months", "gap_at_horizon_gbps", "months_short", "unserved_tbps_months")
#: Per-sample outcomes of the faults drawn at random, in scenarios that give fault rates.
FAULT_OUTCOMES = ("fault_loss_tbps_days_per_year", "fault_availability")
#: Values per ``(samples, months)`` array in one chunk (about 16 MB per float array), for a
#: scenario whose links, streams and targets hold at most :data:`ENTRY_ARRAYS` such arrays.
CHUNK_VALUES = 2_000_000
#: ``(samples, months)`` arrays a chunk holds at once besides those of its links, streams and
#: targets: corridor demand and capacity, the planning quantities, the per-sample outcomes,
#: the histograms' keys and the temporaries of the growth and capacity models.
SHARED_ARRAYS = 10
#: Arrays of the links, streams and targets a chunk of :data:`CHUNK_VALUES` samples-months can
#: hold (the baseline's 8 uncertain inputs touch 2 links and 2 streams and it has 3 targets:
#: 11); beyond, chunks get fewer samples, so a chunk holds at most ``CHUNK_VALUES *
#: (SHARED_ARRAYS + ENTRY_ARRAYS)`` values (about 350 MB) however many there are.
ENTRY_ARRAYS = 12


def distribution(parameter: Parameter) -> Distribution:
    """The sampler of a parameter, in the field's base unit (for ``delay``: the delay in months)."""
    v, dist = parameter.values, parameter.dist
    if dist == "fixed":
        return Fixed(v["value"])
    if dist == "uniform":
        return Uniform(v["low"], v["high"])
    if dist in ("triangular", "delay"):
        return Triangular(v["low"], v["mode"], v["high"])
    if dist == "pert":
        return Pert(v["low"], v["mode"], v["high"], v.get("shape", 4.0))
    if dist == "normal":
        return Normal(v["mean"], v["sd"], v.get("low", -np.inf), v.get("high", np.inf))
    if dist == "lognormal":
        if "mu" in v:
            return LogNormal(v["mu"], v["sigma"])
        return LogNormal.from_median_and_percentile(v["median"], v["value"], v["percentile"])
    assert dist == "choice"
    return Choice(tuple(v["values"]), tuple(v["weights"]))


def to_field_values(parameter: Parameter, drawn: FloatArray) -> FloatArray:
    """Drawn numbers as values of the field: a delay is added to the date; dates and durations
    are rounded to whole months (the model steps by month)."""
    if parameter.dist == "delay":
        drawn = parameter.ref.value + drawn
    if parameter.ref.kind in ("date", "duration"):
        drawn = np.round(drawn)
    return np.asarray(drawn, dtype=float)


def draw(scenario: Scenario, samples: int, seed: int, method: str = "random") -> FloatArray:
    """Every sample's value of every parameter, ``(samples, parameters)``, in base units.

    Uniforms (random or Latin hypercube), then the correlations through a Gaussian
    copula, then each parameter's inverse CDF.
    """
    parameters = scenario.parameters()
    u = uniforms(samples, len(parameters), seed, method)
    assert scenario.uncertainty is not None or not parameters
    if scenario.uncertainty is not None and scenario.uncertainty.correlations:
        u = correlate(u, correlation_matrix(scenario.uncertainty, [p.path for p in parameters]))
    drawn = ppf_columns([distribution(p) for p in parameters], u)
    return (
        np.column_stack([to_field_values(p, drawn[:, k]) for k, p in enumerate(parameters)])
        if parameters
        else drawn
    )


def values_for(parameters: list[Parameter], table: FloatArray) -> Values:
    """Overrides putting column ``k`` of ``table`` (``(samples, parameters)``) into parameter ``k``'s field."""
    return Values({(id(p.ref.owner), p.ref.field): table[:, k : k + 1] for k, p in enumerate(parameters)})


@dataclass(frozen=True)
class TargetChances:
    """How likely a target is met on time, and how late it is otherwise."""

    name: str
    capacity_gbps: float
    by: int
    """Deadline [month index]."""
    p_on_time: float
    """Share of samples reaching the target by its deadline."""
    months_late: dict[int, int]
    """Samples by months late (0 = on time), among samples that reach the target in the period."""
    not_met: int
    """Samples that do not reach the target within the period."""


@dataclass(frozen=True)
class MonteCarlo:
    """Distributions of a scenario's results over its uncertain inputs."""

    scenario: Scenario
    samples: int
    months: NDArray[np.int64]
    quantiles: dict[str, FloatArray]
    """By quantity (see :data:`QUANTITIES`): shape ``(len(QUANTILES), months)``."""
    first_exhaustion: NDArray[np.int64]
    """Samples whose first shortfall starts in each month; a last entry for none in the period."""
    years: NDArray[np.int64]
    """Calendar years of the period."""
    p_shortfall_in_year: FloatArray
    """Share of samples with a shortfall in some month of each year."""
    targets: tuple[TargetChances, ...]
    per_sample: dict[str, FloatArray]
    """Each sample's value of the outcomes of :func:`sample_outcomes` (months short, unserved
    Tbps·months, carried share of each stream with a share at ``carried_at``), ``(samples,)``."""
    carried_at: int
    """Month of the carried shares in ``per_sample`` [month index]."""
    faults: FaultLosses | None = None
    """The faults drawn at random, by sample and calendar year; None without fault rates."""

    def outcome_quantile(self, name: str, q: float) -> float:
        """The ``q`` quantile over samples of a per-sample outcome (inverted CDF: a value some
        sample has)."""
        return float(np.quantile(self.per_sample[name], q, method="inverted_cdf"))

    @property
    def p_no_shortfall(self) -> float:
        """Share of samples with no shortfall in the whole period."""
        return float(self.first_exhaustion[-1] / self.samples)

    def quantile(self, quantity: str, q: float) -> FloatArray:
        """Monthly ``q`` quantile (one of :data:`QUANTILES`) of a quantity."""
        return self.quantiles[quantity][QUANTILES.index(q)]

    def first_exhaustion_quantile(self, q: float) -> int | None:
        """Month by which a share ``q`` of samples has had its first shortfall, or None."""
        cumulative = np.cumsum(self.first_exhaustion[:-1])
        reached = np.flatnonzero(cumulative >= q * self.samples)
        return int(self.months[reached[0]]) if reached.size else None


def chunk_rows(scenario: Scenario, months: int) -> int:
    """Samples to evaluate at once over ``months`` months, so that a chunk's working set stays
    within ``CHUNK_VALUES * (SHARED_ARRAYS + ENTRY_ARRAYS)`` values whatever the number of
    links, streams, targets and uncertain inputs.

    Each link or stream an uncertain input touches holds ``(samples, months)`` arrays of its own
    while a chunk is evaluated: a link its capacity, twice over in a Monte Carlo run with targets
    (the corridor capacity over the targets' months sums the links again); a stream its traffic,
    and with a share also the share and the demand. Each target holds ``(samples, months)``
    booleans, a few at once (:func:`~capacity_model.engine.planning.target_reached`); each
    sample also holds one value per uncertain input. Links and streams no input touches are
    ``(months,)`` arrays and do not count.
    """
    parameters = scenario.parameters()
    touched = {(p.ref.location[0], p.ref.location[1]) for p in parameters if len(p.ref.location) > 2}
    arrays = (
        sum(2 for k in range(len(scenario.links)) if ("links", k) in touched)
        + sum(1 if s.share is None else 3 for k, s in enumerate(scenario.demand) if ("demand", k) in touched)
        + len(scenario.targets)
    )
    per_sample = months * (SHARED_ARRAYS + max(arrays, ENTRY_ARRAYS)) + len(parameters)
    return max(1, CHUNK_VALUES * (SHARED_ARRAYS + ENTRY_ARRAYS) // per_sample)


def _full(array: FloatArray, rows: int) -> FloatArray:
    """A quantity as ``(rows, months)``: arrays that no sampled input touches are ``(months,)``."""
    return np.broadcast_to(array, (rows, array.shape[-1]))


def _target_months(scenario: Scenario, parameters: list[Parameter], table: FloatArray) -> NDArray[np.int64]:
    """Months from the earliest possible first phase to the end, to date targets reached early."""
    earliest = scenario.period.start
    for link in scenario.links:
        first = link.phases[0]
        sampled = [
            k for k, p in enumerate(parameters) if p.ref.owner is first and p.ref.field == "in_service"
        ]
        earliest = min(earliest, int(table[:, sampled[0]].min()) if sampled else first.in_service)
    return np.arange(earliest, scenario.period.end + 1, dtype=np.int64)


def run_monte_carlo(
    scenario: Scenario,
    samples: int | None = None,
    seed: int | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
    carried_at: int | None = None,
) -> MonteCarlo:
    """Evaluate every sample of the scenario's uncertainty section and summarise.

    Parameters
    ----------
    scenario
        A scenario with an ``uncertainty`` section (without one, a single sample).
    samples, seed
        Override the section's ``samples`` and ``seed``.
    chunk_size
        Samples evaluated at once (default :func:`chunk_rows`); results do not depend on it.
    progress
        Called with ``(samples done, samples)`` after each chunk.
    carried_at
        Month at which each sample's carried shares are taken [month index]; default the
        period's last month.
    """
    spec = scenario.uncertainty
    samples = samples or (spec.samples if spec else 1)
    seed = seed if seed is not None else (spec.seed if spec else 0)
    parameters = scenario.parameters()
    table = draw(scenario, samples, seed, spec.method if spec else "random")
    months = period_months(scenario)
    target_months = _target_months(scenario, parameters, table)
    chunk = chunk_size or chunk_rows(scenario, len(target_months))

    histograms = {name: QuantileHistogram(len(months)) for name in QUANTITIES}
    first = np.zeros(len(months) + 1, dtype=np.int64)
    years = np.unique(months // 12)
    in_year = np.zeros(len(years), dtype=np.int64)
    year_starts = np.searchsorted(months // 12, years)  # first month of each year in the period
    # Per target: samples reaching it after its deadline, by month (the last entry: never).
    reached_at = [np.zeros(len(target_months) + 1, dtype=np.int64) for _ in scenario.targets]
    levels = np.array([t.capacity for t in scenario.targets])
    deadlines = np.array([t.by for t in scenario.targets], dtype=np.int64)
    on_time_count = [0 for _ in scenario.targets]
    per_sample = {name: np.empty(samples) for name in sample_outcome_names(scenario)}
    has_faults = bool(scenario.fault_sources())
    fault_parts: list[FaultLosses] = []
    if carried_at is not None and not scenario.period.start <= carried_at <= scenario.period.end:
        raise ValueError(f"carried_at {carried_at} is outside the period")
    carried_index = -1 if carried_at is None else carried_at - scenario.period.start

    for start in range(0, samples, chunk):
        rows = table[start : start + chunk]
        values = values_for(parameters, rows)
        result = evaluate(scenario, months, values)
        for name in QUANTITIES:
            histograms[name].add(_full(getattr(result, name), len(rows)))
        faults = (
            fault_risk(scenario, months, result, values, np.arange(start, start + len(rows)), seed)
            if has_faults
            else None
        )
        if faults is not None:
            fault_parts.append(faults)
        chunk_outcomes = sample_outcomes(scenario, result, len(rows), carried_index, faults)
        for name, chunk_values in chunk_outcomes.items():
            per_sample[name][start : start + len(rows)] = chunk_values
        first_index = chunk_outcomes["first_exhaustion_months"].astype(np.int64)
        first += np.bincount(first_index, minlength=len(months) + 1)
        short = _full(result.headroom_gbps, len(rows)) < 0
        in_year += np.logical_or.reduceat(short, year_starts, axis=1).sum(axis=0)
        if len(levels):
            capacity = _full(corridor_capacity_gbps(scenario, target_months, values), len(rows))
            met, in_time = plan.target_reached(
                capacity, levels, deadlines - target_months[0]
            )  # (rows, targets)
            for k in range(len(levels)):
                on_time_count[k] += int(in_time[:, k].sum())
                late_at = met[:, k][~in_time[:, k]]
                reached_at[k] += np.bincount(
                    np.where(late_at < 0, len(target_months), late_at), minlength=len(target_months) + 1
                )
        if progress is not None:
            progress(min(start + chunk, samples), samples)

    targets = []
    for k, target in enumerate(scenario.targets):
        counts = reached_at[k]  # samples late, by the month they reach the target
        late: dict[int, int] = {0: on_time_count[k]} if on_time_count[k] else {}
        for index in np.flatnonzero(counts[:-1]):
            months_late = int(target_months[index]) - target.by
            late[months_late] = late.get(months_late, 0) + int(counts[index])
        targets.append(
            TargetChances(
                name=target.name,
                capacity_gbps=target.capacity,
                by=target.by,
                p_on_time=late.get(0, 0) / samples,
                months_late=dict(sorted(late.items())),
                not_met=int(counts[-1]),
            )
        )
    return MonteCarlo(
        scenario=scenario,
        samples=samples,
        months=months,
        quantiles={name: h.quantiles(QUANTILES) for name, h in histograms.items()},
        first_exhaustion=first,
        years=years,
        p_shortfall_in_year=in_year / samples,
        targets=tuple(targets),
        per_sample=per_sample,
        carried_at=int(months[carried_index]),
        faults=FaultLosses.joined(fault_parts) if fault_parts else None,
    )


def sample_outcome_names(scenario: Scenario) -> tuple[str, ...]:
    """Names of :func:`sample_outcomes`: :data:`SCALAR_OUTCOMES`, ``carried_share:<id>`` for each
    stream with a share, and :data:`FAULT_OUTCOMES` when the scenario gives fault rates."""
    return (
        SCALAR_OUTCOMES
        + tuple(f"carried_share:{s.id}" for s in scenario.demand if s.share is not None)
        + (FAULT_OUTCOMES if scenario.fault_sources() else ())
    )


def sample_outcomes(
    scenario: Scenario, result: Evaluation, rows: int, carried_at: int = -1, faults: FaultLosses | None = None
) -> dict[str, FloatArray]:
    """Each sample's scalar outcomes, ``(rows,)`` each (names: :func:`sample_outcome_names`).

    - ``first_exhaustion_months``: months from the period start to the first shortfall (the
      period's length when there is none);
    - ``gap_at_horizon_gbps``: the gap in the period's last month [Gbps];
    - ``months_short``: months with headroom < 0;
    - ``unserved_tbps_months``: ``Σ_t max(0, D − u·C) / 1000`` [Tbps·months];
    - ``carried_share:<id>``: the stream's carried traffic over its traffic before the share,
      in the month at position ``carried_at`` of the period (default the last; :mod:`.allocation`)
      [fraction];
    - with ``faults`` (:mod:`.faults`), ``fault_loss_tbps_days_per_year``: traffic lost because
      of faults over the period, per year of 365.2425 days [Tbps·days/year]; and
      ``fault_availability``: the share of the period's time with nothing lost to faults
      [fraction].
    """
    headroom = _full(result.headroom_gbps, rows)
    short = headroom < 0
    months = headroom.shape[-1]
    out = {
        "first_exhaustion_months": np.where(short.any(axis=1), np.argmax(short, axis=1), months).astype(
            float
        ),
        "gap_at_horizon_gbps": _full(result.gap_gbps, rows)[:, -1].copy(),
        "months_short": shortfalls.months_short(headroom).astype(float),
        "unserved_tbps_months": shortfalls.unserved_tbps_months(np.maximum(0.0, -headroom)),
    }
    with_share = [s for s in scenario.demand if s.share is not None]
    if with_share:
        threshold = np.broadcast_to(np.asarray(result.max_utilisation, dtype=float), (rows, 1))[:, 0]
        at = {s.id: _full(result.stream_demand_gbps[s.id], rows)[:, carried_at] for s in scenario.demand}
        carried = allocate(
            list(at.values()),
            [s.priority for s in scenario.demand],
            _full(result.capacity_gbps, rows)[:, carried_at] * threshold,
        )
        by_id = dict(zip(at, carried, strict=True))
        for stream in with_share:
            base = _full(result.stream_base_gbps[stream.id], rows)[:, carried_at]
            out[f"carried_share:{stream.id}"] = carried_share(by_id[stream.id], base)
    if faults is not None:
        out["fault_loss_tbps_days_per_year"] = faults.loss_tbps_days_per_year
        out["fault_availability"] = faults.availability
    return out


def outcomes(
    scenario: Scenario,
    table: FloatArray,
    years: NDArray[np.int64] | None = None,
    chunk_size: int | None = None,
    positions: NDArray[np.int64] | None = None,
    seed: int = 0,
) -> dict[str, FloatArray]:
    """Per-sample outcomes for sensitivity analysis, from a ``(samples, parameters)`` table.

    Those of :func:`sample_outcomes`, and, per calendar year of ``years``, the year's peak
    utilisation (``utilisation_peak``, ``(samples, years)``). Evaluated ``chunk_size``
    samples at a time (default :func:`chunk_rows`); the results do not depend on it. In a
    scenario with fault rates, row ``k`` draws the faults of stream ``positions[k]`` of
    ``seed`` (default: the rows' own positions).
    """
    parameters = scenario.parameters()
    months = period_months(scenario)
    rows = chunk_size or chunk_rows(scenario, len(months))
    where = np.arange(len(table)) if positions is None else np.asarray(positions, dtype=np.int64)
    parts = [
        _chunk_outcomes(
            scenario,
            parameters,
            months,
            table[start : start + rows],
            years,
            where[start : start + rows],
            seed,
        )
        for start in range(0, max(len(table), 1), rows)
    ]
    if len(parts) == 1:
        return parts[0]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def _chunk_outcomes(
    scenario: Scenario,
    parameters: list[Parameter],
    months: NDArray[np.int64],
    table: FloatArray,
    years: NDArray[np.int64] | None,
    positions: NDArray[np.int64],
    seed: int,
) -> dict[str, FloatArray]:
    """:func:`outcomes` of one chunk of samples, evaluated at once."""
    values = values_for(parameters, table)
    result: Evaluation = evaluate(scenario, months, values)
    rows = len(table)
    faults = (
        fault_risk(scenario, months, result, values, positions, seed) if scenario.fault_sources() else None
    )
    out = sample_outcomes(scenario, result, rows, faults=faults)
    if years is not None:
        utilisation = np.minimum(
            _full(result.utilisation, rows), 1e6
        )  # inf (no capacity) capped for variances
        peaks = np.stack([utilisation[:, months // 12 == y].max(axis=1) for y in years], axis=1)
        out["utilisation_peak"] = peaks
    return out
