"""Planning quantities derived from capacity and demand, and the events in them.

All functions are elementwise or act along the last (months) axis, so they
work unchanged on ``(samples, months)`` arrays.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CAPACITY_RTOL",
    "first_index_reaching",
    "gap_gbps",
    "headroom_gbps",
    "implied_cagr",
    "required_capacity_gbps",
    "shortfall_starts",
    "target_reached",
    "utilisation",
]

#: Relative tolerance when asking whether a capacity reaches a target, so that
#: sums of phases such as 0.45 + 0.55 Tbps count as reaching 1 Tbps.
CAPACITY_RTOL = 1e-9


def utilisation(demand_gbps: ArrayLike, capacity_gbps: ArrayLike) -> NDArray[np.float64]:
    """Peak utilisation ``demand / capacity`` [fraction].

    Where capacity is 0 the utilisation is ``inf`` if there is demand and 0
    if there is none.
    """
    demand = np.asarray(demand_gbps, dtype=float)
    capacity = np.asarray(capacity_gbps, dtype=float)
    shape = np.broadcast_shapes(demand.shape, capacity.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.divide(demand, capacity, out=np.zeros(shape), where=capacity > 0)
    return np.where((capacity <= 0) & (demand > 0), np.inf, ratio)


def headroom_gbps(
    demand_gbps: ArrayLike, capacity_gbps: ArrayLike, max_utilisation: ArrayLike
) -> NDArray[np.float64]:
    """Usable capacity left over: ``capacity * max_utilisation - demand`` [Gbps].

    Negative headroom is a shortfall: the threshold is exceeded.
    """
    return np.asarray(capacity_gbps, dtype=float) * np.asarray(max_utilisation) - np.asarray(demand_gbps)


def required_capacity_gbps(demand_gbps: ArrayLike, max_utilisation: ArrayLike) -> NDArray[np.float64]:
    """Capacity at which demand sits exactly at the threshold: ``demand / max_utilisation`` [Gbps]."""
    return np.asarray(demand_gbps, dtype=float) / np.asarray(max_utilisation)


def gap_gbps(
    demand_gbps: ArrayLike, capacity_gbps: ArrayLike, max_utilisation: ArrayLike
) -> NDArray[np.float64]:
    """Capacity missing to stay at the threshold: ``max(0, required - capacity)`` [Gbps]."""
    required = required_capacity_gbps(demand_gbps, max_utilisation)
    return np.maximum(0.0, required - np.asarray(capacity_gbps, dtype=float))


def shortfall_starts(headroom: ArrayLike) -> NDArray[np.bool_]:
    """Months where a shortfall (headroom < 0) begins.

    True in the first month of each run of negative headroom, including the
    first month of the period if it already falls short.
    """
    short = np.asarray(headroom) < 0
    before = np.zeros_like(short)
    before[..., 1:] = short[..., :-1]
    return short & ~before


def first_index_reaching(values: ArrayLike, level: ArrayLike) -> NDArray[np.int64]:
    """Index along the last axis of the first value ``>= level``, or -1 if none.

    The comparison allows a relative shortfall of :data:`CAPACITY_RTOL`.
    """
    reached = np.asarray(values) >= np.asarray(level)[..., None] * (1.0 - CAPACITY_RTOL)
    index = np.argmax(reached, axis=-1)
    return np.where(reached.any(axis=-1), index, -1)


def implied_cagr(start_value: ArrayLike, end_value: ArrayLike, months: ArrayLike) -> NDArray[np.float64]:
    """Compound annual growth rate taking ``start_value`` to ``end_value`` in ``months``.

    ``(end / start) ** (12 / months) - 1`` [fraction per year].
    """
    ratio = np.asarray(end_value, dtype=float) / np.asarray(start_value, dtype=float)
    return ratio ** (12.0 / np.asarray(months, dtype=float)) - 1.0


def target_reached(
    capacity_gbps: ArrayLike, levels_gbps: ArrayLike, deadline_index: ArrayLike
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """When capacity reaches each target level, judged at the target's deadline.

    A target is **on time** when capacity in its deadline month is at or above its level
    (relative tolerance :data:`CAPACITY_RTOL`); it is then reached in the first month of the
    unbroken stretch at or above the level that contains the deadline. Otherwise it is reached
    in the first month after the deadline at or above the level (late), or never (-1). A
    capacity that reached the level once and fell below it again (a link retired) before the
    deadline does not count.

    Parameters
    ----------
    capacity_gbps
        Capacity [Gbps], shape ``(..., M)``.
    levels_gbps
        Target levels [Gbps], shape ``(T,)``.
    deadline_index
        Index along the months axis of each deadline, shape ``(T,)``; below 0 for a deadline
        before the first month (never on time), at most ``M - 1`` (a later deadline is judged
        at the last month).

    Returns
    -------
    reached, on_time
        Index of the month each target is reached (-1 if never), and whether that is on time,
        each of shape ``(..., T)``.
    """
    capacity = np.asarray(capacity_gbps, dtype=float)
    levels = np.asarray(levels_gbps, dtype=float)
    months = capacity.shape[-1]
    by = np.minimum(np.asarray(deadline_index, dtype=np.int64), months - 1)
    above = capacity[..., None, :] >= levels[:, None] * (1.0 - CAPACITY_RTOL)  # (..., T, M)
    index = np.arange(months)
    at_deadline = np.broadcast_to(np.maximum(by, 0)[:, None], (*above.shape[:-1], 1))
    on_time = np.take_along_axis(above, at_deadline, axis=-1)[..., 0] & (by >= 0)
    below_up_to_by = ~above & (index <= by[:, None])
    last_below = np.where(
        below_up_to_by.any(axis=-1), months - 1 - np.argmax(below_up_to_by[..., ::-1], axis=-1), -1
    )
    after = above & (index > by[:, None])
    first_after = np.where(after.any(axis=-1), np.argmax(after, axis=-1), -1)
    return np.where(on_time, last_below + 1, first_after), on_time
