"""Shortfalls: how long the corridor runs short, how deep, and how much traffic is lost.

A month is short when headroom ``u·C − D`` is negative (demand above the usable
capacity ``u·C``). The traffic lost in it, **unserved**, is ``max(0, D − u·C)``: what
demand asks beyond the usable capacity. Summed over months it is a volume in
Tbps·months (a month at 1 Tbps above usable capacity counts 1 Tbps·month).

The summary functions act along the last (months) axis, so they work unchanged on
``(samples, months)`` arrays; :func:`episodes` describes one run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .planning import headroom_gbps

__all__ = [
    "Episode",
    "episodes",
    "months_short",
    "positive_part_integral",
    "positive_part_time",
    "runs",
    "unserved_gbps",
    "unserved_share",
    "unserved_tbps_months",
]

FloatArray = NDArray[np.float64]

#: Gbps in one Tbps.
GBPS_PER_TBPS = 1000.0


def unserved_gbps(demand_gbps: ArrayLike, capacity_gbps: ArrayLike, max_utilisation: ArrayLike) -> FloatArray:
    """Traffic above the usable capacity: ``max(0, D − u·C)`` [Gbps].

    Computed as ``max(0, −headroom)`` with :func:`planning.headroom_gbps`, so that a
    month has unserved traffic exactly when it is a shortfall month (headroom < 0).
    """
    return np.maximum(0.0, -headroom_gbps(demand_gbps, capacity_gbps, max_utilisation))


def months_short(headroom: ArrayLike) -> NDArray[np.int64]:
    """Number of months with headroom < 0, along the last axis."""
    return np.count_nonzero(np.asarray(headroom) < 0, axis=-1)


def unserved_tbps_months(unserved: ArrayLike) -> FloatArray:
    """Unserved traffic summed over months: ``Σ_t max(0, D − u·C) / 1000`` [Tbps·months]."""
    return np.sum(unserved, axis=-1) / GBPS_PER_TBPS


def unserved_share(unserved: ArrayLike, demand_gbps: ArrayLike) -> FloatArray:
    """Share of all demand over the months that is unserved: ``Σ_t unserved / Σ_t D`` [fraction].

    0 when there is no demand at all.
    """
    lost = np.sum(unserved, axis=-1)
    asked = np.sum(np.broadcast_to(demand_gbps, np.shape(unserved)), axis=-1)
    return np.divide(lost, asked, out=np.zeros(np.shape(lost)), where=asked > 0)


def positive_part_integral(f0: FloatArray, f1: FloatArray, length: FloatArray) -> FloatArray:
    """``∫ max(0, f) dt`` over a segment of ``length`` where ``f`` runs linearly from ``f0`` to
    ``f1``: ``length·(f0 + f1)/2`` when both are ≥ 0, ``length·max(f0, f1)²/(2|f1 − f0|)`` when
    the line crosses 0, 0 when both are ≤ 0."""
    both = (f0 >= 0) & (f1 >= 0)
    crossing = (f0 > 0) != (f1 > 0)
    top = np.maximum(f0, f1)
    with np.errstate(divide="ignore", invalid="ignore"):
        crossed = length * top * top / (2 * np.abs(f1 - f0))
    return np.where(both, length * (f0 + f1) / 2, np.where(crossing & ~both, crossed, 0.0))


def positive_part_time(f0: FloatArray, f1: FloatArray, length: FloatArray) -> FloatArray:
    """Time of a segment of ``length`` where ``f``, linear from ``f0`` to ``f1``, is above 0."""
    both = (f0 > 0) & (f1 > 0)
    crossing = (f0 > 0) != (f1 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        part = length * np.maximum(f0, f1) / np.abs(f1 - f0)
    return np.where(both, length, np.where(crossing, part, 0.0))


def runs(mask: ArrayLike) -> list[tuple[int, int]]:
    """``(first, last + 1)`` index pairs of each run of True values in a 1-D mask."""
    padded = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    changes = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(changes[::2].tolist(), changes[1::2].tolist(), strict=True))


@dataclass(frozen=True)
class Episode:
    """A run of consecutive shortfall months."""

    start: int
    """First month short [month index]."""
    end: int
    """Last month short [month index] (the period's last month if it is still short then)."""
    peak_gap_gbps: float
    """Largest gap ``D/u − C`` in the episode [Gbps]."""
    peak_month: int
    """First month of that largest gap [month index]."""
    unserved_tbps_months: float
    """Unserved traffic summed over the episode's months [Tbps·months]."""
    ongoing: bool
    """Whether the episode runs to the end of the period (its true end is not known)."""

    @property
    def months(self) -> int:
        """Length of the episode [months], both ends included."""
        return self.end - self.start + 1


def episodes(
    months: NDArray[np.int64], headroom: FloatArray, gap_gbps: FloatArray, unserved: FloatArray
) -> tuple[Episode, ...]:
    """Every episode of consecutive shortfall months of one run.

    Parameters
    ----------
    months
        Month indices of the period, ``(M,)``.
    headroom, gap_gbps, unserved
        Headroom, gap and unserved traffic in each month [Gbps], ``(M,)``.
    """
    result = []
    for first, stop in runs(headroom < 0):
        peak = first + int(np.argmax(gap_gbps[first:stop]))
        result.append(
            Episode(
                start=int(months[first]),
                end=int(months[stop - 1]),
                peak_gap_gbps=float(gap_gbps[peak]),
                peak_month=int(months[peak]),
                unserved_tbps_months=float(unserved_tbps_months(unserved[first:stop])),
                ongoing=stop == len(months),
            )
        )
    return tuple(result)
