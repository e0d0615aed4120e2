"""Faults drawn at random: Poisson arrivals, repair times, and the traffic lost because of them.

Each **fault source** (a link, or a risk group whose links fail together) fails at the times
of a Poisson process of rate ``λ`` [faults per year], and each fault lasts a repair time drawn
from a lognormal distribution given by its median ``m`` and log-spread ``σ``
(``σ = ln(P90 / m) / z₀.₉``; ``σ = 0``: every repair takes ``m``) [days]. A link is down while
any fault that takes it is unrepaired.

The time of the period is cut into segments at every month's first day, every fault's start
and end, and each fault's start plus the activation delay ``a``; inside a segment only demand
changes, linearly (see :mod:`.outages`). In a segment, with ``e`` the emergency utilisation,
lit capacity ``C_l`` and installed ``I_l``:

- what can be carried without faults is ``U₀ = e·Σ_l C_l``;
- with faults, ``U = e·(Σ_{l up} C_l + A)``, where ``A = Σ_{l up} (I_l − C_l)`` once some
  unrepaired fault began at least ``a`` days before (never when ``a`` is not given);
- the traffic lost **because of the faults** is
  ``∫ max(0, D − U) dt − ∫ max(0, D − U₀) dt`` (at least 0), each integral exact for ``D``
  linear in the segment.

Random numbers come in blocks of :data:`BLOCK` samples, each block from its own generator
seeded by ``(seed, block)``; inter-arrival times and repair quantiles are laid out fault by
fault, so a sample's faults depend on the seed, its position and its parameters only: not on
the chunking, nor on how many faults other samples draw. The same sample position in the Sobol'
matrices gets the same random numbers (common random numbers), so the faults change with the
rates and repair medians smoothly.

All functions work on ``(rows, ...)`` arrays of a chunk of samples, with no loop over months,
days or faults (only over fault sources, and blocks of samples).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .shortfalls import positive_part_integral, positive_part_time

__all__ = [
    "BLOCK",
    "DAYS_PER_YEAR",
    "FAULT_LOSS_LEVELS",
    "FaultDraws",
    "FaultLosses",
    "FaultPieces",
    "demand_at",
    "draw_faults",
    "fault_losses",
    "fault_pieces",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Samples that share one random generator.
BLOCK = 256
#: Days in a year, for rates per year [days]: the mean Gregorian year.
DAYS_PER_YEAR = 365.2425
#: Shares of a year's demand whose loss to faults the summary gives the chance of [fraction].
FAULT_LOSS_LEVELS = (0.0001, 0.001, 0.01, 0.1)
#: Tag of the faults' random streams, apart from the uncertain inputs' (which use the bare seed).
_FAULT_STREAM = 0x6661756C74  # "fault"


@dataclass(frozen=True)
class FaultDraws:
    """The faults of a chunk of samples, padded to the most any sample has."""

    start_days: FloatArray
    """Start of each fault, in days from the period's first day, ``(rows, faults)``; padding
    faults start and end at the period's end."""
    end_days: FloatArray
    """End of each fault (at most the period's end) [days], ``(rows, faults)``."""
    source: IntArray
    """Fault source of each fault, ``(rows, faults)``; -1 for padding."""

    @property
    def counts(self) -> IntArray:
        """Faults of each sample, ``(rows,)``."""
        return np.sum(self.source >= 0, axis=1)


def draw_faults(
    rate_per_year: FloatArray,
    repair_median_days: FloatArray,
    repair_sigma: FloatArray,
    horizon_days: float,
    seed: int,
    rows_at: int | IntArray,
) -> FaultDraws:
    """Draw the faults of some samples over ``[0, horizon_days)``.

    Parameters
    ----------
    rate_per_year, repair_median_days
        ``λ`` [faults per year] and ``m`` [days] of each source, ``(rows, sources)``.
    repair_sigma
        ``σ`` of each source's lognormal repair time, ``(sources,)`` or ``(rows, sources)``; 0
        for a fixed time.
    horizon_days
        Length of the period [days].
    seed, rows_at
        The run's seed, and the position of each sample among the run's random streams
        (``(rows,)``), or of the first when the positions follow on from it.
    """
    rate = np.asarray(rate_per_year, dtype=float)
    median = np.asarray(repair_median_days, dtype=float)
    rows, sources = rate.shape
    positions = np.arange(rows) + rows_at if np.ndim(rows_at) == 0 else np.asarray(rows_at, dtype=np.int64)
    if rows == 0:
        empty = np.zeros((0, 1))
        return FaultDraws(empty, empty.copy(), np.zeros((0, 1), dtype=np.int64))
    sigma = np.broadcast_to(np.asarray(repair_sigma, dtype=float), (rows, sources))
    expected = rate * horizon_days / DAYS_PER_YEAR  # λ·T per sample and source
    most = float(expected.max()) if expected.size else 0.0
    events = int(np.ceil(most + 6 * np.sqrt(most) + 6))
    while True:  # more faults than the margin allows: rare, and draws are the same prefix
        gaps, quantiles = _noise(seed, positions, sources, events)
        arrivals = np.cumsum(gaps, axis=0)  # in units of mean inter-arrival times
        if np.all((arrivals[-1] >= expected) | (expected == 0)):
            break
        events *= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        start = arrivals * (DAYS_PER_YEAR / rate)[None]  # (events, rows, sources) [days]
    start = np.where(rate[None] > 0, start, np.inf)
    repair = median[None] * np.exp(sigma[None] * quantiles)
    real = start < horizon_days
    start_days = np.where(real, start, horizon_days)
    end_days = np.where(real, np.minimum(start + repair, horizon_days), horizon_days)
    source = np.where(real, np.arange(sources)[None, None, :], -1)
    # (events, rows, sources) -> (rows, events x sources), real faults first
    flat = [np.moveaxis(a, 1, 0).reshape(rows, -1) for a in (start_days, end_days, source)]
    order = np.argsort(flat[2] < 0, axis=1, kind="stable")
    keep = max(1, int(np.max(np.sum(real, axis=(0, 2)))) if rows else 1)
    start_days, end_days, source = (np.take_along_axis(a, order, axis=1)[:, :keep] for a in flat)
    return FaultDraws(start_days, end_days, source.astype(np.int64))


def _noise(seed: int, positions: IntArray, sources: int, events: int) -> tuple[FloatArray, FloatArray]:
    """Standard exponential gaps and standard normal repair quantiles, ``(events, rows, sources)``,
    for the samples at ``positions``; each block of :data:`BLOCK` positions has its own generators."""
    blocks, where = np.unique(positions // BLOCK, return_inverse=True)
    gaps = np.empty((events, len(blocks), BLOCK, sources))
    normals = np.empty_like(gaps)
    for k, block in enumerate(blocks):
        # filled fault by fault: a sample's k-th draws do not depend on ``events``
        gaps[:, k] = np.random.default_rng([seed, _FAULT_STREAM, int(block), 0]).standard_exponential(
            (events, BLOCK, sources)
        )
        normals[:, k] = np.random.default_rng([seed, _FAULT_STREAM, int(block), 1]).standard_normal(
            (events, BLOCK, sources)
        )
    offset = positions % BLOCK
    return gaps[:, where, offset], normals[:, where, offset]


@dataclass(frozen=True)
class FaultLosses:
    """What the faults of a chunk of samples cost, by sample and calendar year."""

    lost_tbps_days: FloatArray
    """Traffic lost because of the faults in each year [Tbps·days], ``(rows, years)``."""
    demand_tbps_days: FloatArray
    """Demand in each year [Tbps·days], ``(rows, years)``."""
    losing_days: FloatArray
    """Days of each year with traffic lost because of the faults [days], ``(rows, years)``."""
    days: FloatArray
    """Days of each year inside the period [days], ``(years,)``."""
    faults: IntArray
    """Faults of each sample in the period, ``(rows,)``."""

    @property
    def share(self) -> FloatArray:
        """Traffic lost over the year's demand [fraction], ``(rows, years)``."""
        demand = self.demand_tbps_days
        return np.divide(
            self.lost_tbps_days, demand, out=np.zeros_like(self.lost_tbps_days), where=demand > 0
        )

    @property
    def loss_tbps_days_per_year(self) -> FloatArray:
        """Traffic lost over the period, per year of 365.2425 days [Tbps·days/year], ``(rows,)``."""
        return self.lost_tbps_days.sum(axis=1) / (float(self.days.sum()) / DAYS_PER_YEAR)

    @property
    def availability(self) -> FloatArray:
        """Share of the period's time with nothing lost to faults [fraction], ``(rows,)``."""
        return 1.0 - self.losing_days.sum(axis=1) / float(self.days.sum())

    @property
    def years(self) -> float:
        """Length of the period [years of 365.2425 days]."""
        return float(self.days.sum()) / DAYS_PER_YEAR

    @property
    def whole_years(self) -> NDArray[np.bool_]:
        """The calendar years the period covers whole (all of them when it covers none whole):
        a part year would look safer than a whole one."""
        whole = self.days >= 365
        return whole if whole.any() else np.ones_like(whole)

    def in_whole_years(self, per_year: FloatArray) -> FloatArray:
        """A ``(rows, years)`` figure over the whole years only, flattened."""
        return per_year[:, self.whole_years].ravel()

    def p_loss_above(self, level: float) -> float:
        """Chance that faults take more than ``level`` of a year's demand, over the samples and
        the years the period covers whole."""
        return float(np.mean(self.in_whole_years(self.share) > level))

    @staticmethod
    def joined(parts: list[FaultLosses]) -> FaultLosses:
        """The losses of consecutive chunks of samples as one."""
        if len(parts) == 1:
            return parts[0]
        return FaultLosses(
            lost_tbps_days=np.concatenate([p.lost_tbps_days for p in parts]),
            demand_tbps_days=np.concatenate([p.demand_tbps_days for p in parts]),
            losing_days=np.concatenate([p.losing_days for p in parts]),
            days=parts[0].days,
            faults=np.concatenate([p.faults for p in parts]),
        )


@dataclass(frozen=True)
class FaultPieces:
    """The period of each sample cut at month starts and fault events: in each piece which
    links are down and whether unlit capacity is on. Arrays ``(rows, n)`` over the pieces."""

    start_days: FloatArray
    """Start of each piece [days from the period's first day]."""
    length_days: FloatArray
    """Length of each piece [days] (0 for cuts at the same time)."""
    month: IntArray
    """Position in the period of each piece's month."""
    down: NDArray[np.bool_]
    """Whether each link is down, ``(rows, links, n)``."""
    activated: NDArray[np.bool_]
    """Whether unlit capacity is switched on: some unrepaired fault began at least ``a`` days before."""

    @property
    def end_days(self) -> FloatArray:
        """End of each piece [days]."""
        return self.start_days + self.length_days


def fault_pieces(
    draws: FaultDraws,
    members: NDArray[np.bool_],
    month_start_days: FloatArray,
    activation_delay_days: float | None,
) -> FaultPieces:
    """Cut each sample's period at every month's first day and every fault's start, end and
    start plus the activation delay (see the module).

    Parameters
    ----------
    draws
        The faults (:func:`draw_faults`).
    members
        Links each source takes down, ``(sources, links)``.
    month_start_days
        First day of each month and of the month after the last [days], ``(months + 1,)``.
    activation_delay_days
        ``a`` [days], or None when unlit capacity stays off.
    """
    rows, faults = draws.start_days.shape
    links = members.shape[1]
    months = len(month_start_days) - 1
    delay = np.inf if activation_delay_days is None else activation_delay_days
    switch_on = np.minimum(draws.start_days + delay, draws.end_days)

    # The cuts, in order, and the rank of each fault's start, end and switch-on among them.
    months_start = np.broadcast_to(month_start_days, (rows, months + 1))
    points = np.concatenate([months_start, draws.start_days, draws.end_days, switch_on], axis=1)
    order = np.argsort(points, axis=1, kind="stable")
    cuts = np.take_along_axis(points, order, axis=1)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(points.shape[1])[None, :], axis=1)
    first = months + 1
    rank_start, rank_end = rank[:, first : first + faults], rank[:, first + faults : first + 2 * faults]
    rank_on = rank[:, first + 2 * faults :]
    n = points.shape[1]

    real = draws.source >= 0
    row = np.arange(rows)[:, None]
    # Links down: +1 at each fault's start and -1 at its end, for each link it takes.
    hits = members[np.where(real, draws.source, 0)] & real[..., None]  # (rows, faults, links)
    r, f, link = np.nonzero(hits)
    index = np.concatenate(
        [(r * links + link) * n + rank_start[r, f], (r * links + link) * n + rank_end[r, f]]
    )
    weight = np.concatenate([np.ones(len(r)), -np.ones(len(r))])
    down = (
        np.cumsum(np.bincount(index, weight, minlength=rows * links * n).reshape(rows, links, n), axis=2)
        > 0.5
    )
    # Unlit capacity on: some unrepaired fault began at least ``a`` days before.
    on_index = np.concatenate([(row * n + rank_on)[real], (row * n + rank_end)[real]])
    on_weight = np.concatenate([np.ones(int(real.sum())), -np.ones(int(real.sum()))])
    activated = np.cumsum(np.bincount(on_index, on_weight, minlength=rows * n).reshape(rows, n), axis=1) > 0.5

    seg_start, seg_end = cuts[:, :-1], cuts[:, 1:]
    month = np.clip(
        np.searchsorted(month_start_days, seg_start.ravel(), side="right").reshape(seg_start.shape) - 1,
        0,
        months - 1,
    )
    return FaultPieces(
        start_days=seg_start,
        length_days=seg_end - seg_start,
        month=month,
        down=down[:, :, :-1],
        activated=activated[:, :-1],
    )


def fault_losses(
    draws: FaultDraws,
    members: NDArray[np.bool_],
    link_capacity_gbps: FloatArray,
    link_installed_gbps: FloatArray,
    demand_gbps: FloatArray,
    month_start_days: FloatArray,
    year_of_month: IntArray,
    emergency_utilisation: float,
    activation_delay_days: float | None,
) -> FaultLosses:
    """Traffic lost because of the faults (see the module for the formulas).

    Parameters
    ----------
    draws
        The faults (:func:`draw_faults`).
    members
        Links each source takes down, ``(sources, links)``.
    link_capacity_gbps, link_installed_gbps
        Lit and installed capacity by month [Gbps], ``(rows or 1, links, months)``.
    demand_gbps
        Corridor demand by month [Gbps], ``(rows or 1, months)``.
    month_start_days
        First day of each month and of the month after the last [days], ``(months + 1,)``.
    year_of_month
        Position of each month's calendar year among the period's years, ``(months,)``.
    emergency_utilisation, activation_delay_days
        ``e`` [fraction] and ``a`` [days], or None when unlit capacity stays off.
    """
    rows, _ = draws.start_days.shape
    lit = np.asarray(link_capacity_gbps, dtype=float)
    links, months = lit.shape[-2:]
    lit = np.broadcast_to(lit, (rows, links, months))
    dark = np.maximum(0.0, np.broadcast_to(np.asarray(link_installed_gbps, dtype=float), lit.shape) - lit)
    demand = np.broadcast_to(np.asarray(demand_gbps, dtype=float), (rows, months))
    pieces = fault_pieces(draws, members, month_start_days, activation_delay_days)
    month, length = pieces.month, pieces.length_days
    row = np.arange(rows)[:, None]

    # In each piece: its month's capacity, and demand at both ends.
    n = month.shape[1]
    lit_now = np.take_along_axis(lit, np.broadcast_to(month[:, None, :], (rows, links, n)), axis=2)
    dark_now = np.take_along_axis(dark, np.broadcast_to(month[:, None, :], (rows, links, n)), axis=2)
    capacity = lit_now.sum(axis=1)
    up_lit = np.where(pieces.down, 0.0, lit_now).sum(axis=1)
    up_dark = np.where(pieces.down, 0.0, dark_now).sum(axis=1) * pieces.activated
    usable = emergency_utilisation * (up_lit + up_dark)
    usable_anyway = emergency_utilisation * capacity
    d0, d1 = (demand_at(demand, month_start_days, month, t) for t in (pieces.start_days, pieces.end_days))
    lost = np.maximum(
        0.0,
        positive_part_integral(d0 - usable, d1 - usable, length)
        - positive_part_integral(d0 - usable_anyway, d1 - usable_anyway, length),
    )
    year = year_of_month[month]
    years = int(year_of_month.max()) + 1
    flat_year = (row * years + year).ravel()
    lost_by_year = np.bincount(flat_year, lost.ravel(), minlength=rows * years).reshape(rows, years) / 1000
    demand_by_year = np.bincount(flat_year, (length * (d0 + d1) / 2).ravel(), minlength=rows * years)
    losing_time = np.where(usable < usable_anyway, positive_part_time(d0 - usable, d1 - usable, length), 0.0)
    losing = np.bincount(flat_year, losing_time.ravel(), minlength=rows * years)
    days = np.bincount(year_of_month, np.diff(month_start_days), minlength=years)
    return FaultLosses(
        lost_tbps_days=lost_by_year,
        demand_tbps_days=demand_by_year.reshape(rows, years) / 1000,
        losing_days=losing.reshape(rows, years).astype(float),
        days=days.astype(float),
        faults=draws.counts,
    )


def demand_at(demand: FloatArray, month_start_days: FloatArray, month: IntArray, t: FloatArray) -> FloatArray:
    """Demand at times ``t`` inside months ``month``, linear between the months' first days
    (the last month holds its value) [Gbps]."""
    months = demand.shape[1]
    fraction = (t - month_start_days[month]) / np.diff(month_start_days)[month]
    after = np.minimum(month + 1, months - 1)
    here = np.take_along_axis(demand, month, axis=1)
    there = np.take_along_axis(demand, after, axis=1)
    return here + (there - here) * fraction
