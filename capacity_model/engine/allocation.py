"""Which traffic the corridor carries when demand exceeds its usable capacity.

The usable capacity ``u·C`` is given to the streams in order of priority (lower
first); streams of one priority share what is left pro rata to their demand. A
stream's **carried** traffic is what it gets, its **unserved** traffic the rest.
For a stream with a share, the **carried share** is its carried traffic over its
traffic before the share: of the 10% of Chinese international traffic invited, the
part the corridor actually carries.

All functions broadcast over leading (sample) axes, with no loop over months.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["allocate", "carried_share", "priority_levels"]

FloatArray = NDArray[np.float64]


def priority_levels(priorities: Sequence[int | None]) -> list[list[int]]:
    """Stream indices grouped by priority, served first to last.

    Lower priorities come first; streams without a priority (``None``) come after every
    stream with one, and share among themselves.

    >>> priority_levels([None, 2, 1, 2])
    [[2], [1, 3], [0]]
    """
    order = sorted({p for p in priorities if p is not None})
    levels = [[i for i, p in enumerate(priorities) if p == level] for level in order]
    unranked = [i for i, p in enumerate(priorities) if p is None]
    return levels + ([unranked] if unranked else [])


def allocate(
    demands_gbps: Sequence[ArrayLike], priorities: Sequence[int | None], usable_gbps: ArrayLike
) -> list[FloatArray]:
    """Traffic carried of each stream, by priority, pro rata within a priority [Gbps].

    For the levels in order (:func:`priority_levels`), with ``A`` the usable capacity
    not yet given out (at first ``max(0, u·C)``) and ``L`` the level's total demand:
    the level is served ``s = min(L, A)``, each stream ``i`` in it carries
    ``D_i · s / L`` (0 when ``L = 0``), and ``A`` falls by ``s``.

    Parameters
    ----------
    demands_gbps
        Demand of each stream [Gbps], arrays that broadcast together.
    priorities
        Priority of each stream, or None (see :func:`priority_levels`).
    usable_gbps
        Usable capacity ``u·C`` [Gbps].

    Returns
    -------
    list of numpy.ndarray
        Carried traffic of each stream, in the order given [Gbps]. Each is at most its
        demand, and their sum at most ``usable_gbps`` (up to rounding of the products).
    """
    demands = [np.asarray(d, dtype=float) for d in demands_gbps]
    left = np.maximum(0.0, np.asarray(usable_gbps, dtype=float))
    carried: list[FloatArray] = [np.zeros(())] * len(demands)
    for level in priority_levels(priorities):
        asked = demands[level[0]]
        for i in level[1:]:
            asked = asked + demands[i]
        served = np.minimum(asked, left)
        ratio = np.divide(served, asked, out=np.zeros(np.shape(served)), where=asked > 0)
        for i in level:
            carried[i] = demands[i] * ratio
        left = left - served
    return carried


def carried_share(carried_gbps: ArrayLike, base_gbps: ArrayLike) -> FloatArray:
    """A stream's carried traffic over its traffic before the share [fraction].

    ``carried / base``, 0 where the base is 0. For a stream with share ``s`` fully
    carried this is ``s``.
    """
    carried = np.asarray(carried_gbps, dtype=float)
    base = np.asarray(base_gbps, dtype=float)
    shape = np.broadcast_shapes(carried.shape, base.shape)
    return np.divide(
        np.broadcast_to(carried, shape), base, out=np.zeros(shape), where=np.broadcast_to(base > 0, shape)
    )
