"""Capacity of links over time.

Months are month indices (``12 * year + month - 1``). Every function
broadcasts its parameters against ``months``: scalars give arrays shaped like
``months``; parameters of shape ``(samples, 1)`` give ``(samples, months)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["link_capacity_gbps", "ramp_fraction"]


def ramp_fraction(
    months: ArrayLike, in_service_month: ArrayLike, ramp_months: ArrayLike
) -> NDArray[np.float64]:
    """Fraction of a phase's step that is in service in each month.

    Parameters
    ----------
    months
        Month indices to evaluate [month].
    in_service_month
        Month the phase enters service [month].
    ramp_months
        Months over which the step grows linearly; 0 for a step [months].

    Returns
    -------
    numpy.ndarray
        ``clip((t - in_service) / ramp, 0, 1)``, or ``t >= in_service`` where
        ``ramp == 0`` [fraction].
    """
    t = np.asarray(months, dtype=float)
    start = np.asarray(in_service_month, dtype=float)
    ramp = np.asarray(ramp_months, dtype=float)
    if ramp.ndim == 0 and ramp == 0:  # a step: the common case, without the unused ramp
        return (t >= start).astype(float)
    linear = np.clip((t - start) / np.maximum(ramp, 1.0), 0.0, 1.0)
    return np.where(ramp > 0, linear, (t >= start).astype(float))


def link_capacity_gbps(
    months: ArrayLike,
    phase_capacity_gbps: Sequence[ArrayLike],
    in_service_month: Sequence[ArrayLike],
    ramp_months: Sequence[ArrayLike],
    retire_month: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Capacity of one link in each month, from its phases.

    Each phase gives the link's total capacity from ``in_service`` on; the
    latest phase in service wins. A phase with a ramp grows linearly from the
    previous phase's capacity ``C[k-1]`` to its own ``C[k]``:
    ``C[k-1] + (C[k] - C[k-1]) * ramp_fraction``, exactly ``C[k]`` once the
    ramp is over. Before the first phase, and from ``retire_month`` on, the
    link carries 0.

    Parameters
    ----------
    months
        Month indices [month], shape ``(M,)``.
    phase_capacity_gbps, in_service_month, ramp_months
        One entry per phase, in date order [Gbps], [month], [months].
    retire_month
        First month with no capacity, or ``None``.

    Returns
    -------
    numpy.ndarray
        Capacity [Gbps], shape of ``months`` broadcast with the parameters.
    """
    t = np.asarray(months, dtype=float)
    capacity = np.zeros(np.broadcast_shapes(t.shape, *(np.shape(c) for c in phase_capacity_gbps)))
    previous = np.zeros(())
    for capacity_k, start_k, ramp_k in zip(phase_capacity_gbps, in_service_month, ramp_months, strict=True):
        size = np.asarray(capacity_k, dtype=float)
        if np.ndim(ramp_k) == 0 and ramp_k == 0:  # a step: latest phase in service wins
            capacity = np.where(t >= np.asarray(start_k), size, capacity)
            previous = size
            continue
        fraction = ramp_fraction(t, start_k, ramp_k)
        ramping = previous + (size - previous) * fraction
        value = np.where(fraction >= 1.0, size, ramping)
        capacity = np.where(t >= np.asarray(start_k), value, capacity)
        previous = size
    if retire_month is not None:
        capacity = np.where(t >= np.asarray(retire_month), 0.0, capacity)
    return capacity
