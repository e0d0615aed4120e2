"""Traffic carried over corridors in series: each stream's route crosses one corridor or
more, and what it carries is limited by the tightest corridor on its route.

The usable capacity of each corridor (``u·C`` of its links) is given out by priority, lower
first, as in :mod:`.allocation`. Within a priority the streams are filled progressively:
every stream still growing carries the same fraction ``θ`` of its demand, ``θ`` rises from 0
until a corridor on some stream's route has no usable capacity left, the streams crossing
that corridor stop there, and the others go on, until each stream carries its whole demand
or is stopped. On a single corridor this is the pro-rata rule of
:func:`~capacity_model.engine.allocation.allocate`; for one stream over two corridors it
carries ``min(D, A_1, A_2)``, the spare capacity of the tighter leg.

Backup routes then take what a stream could not carry on its route, from the usable
capacity left unused on the backup's corridors once every stream has been given its own
route (spare capacity below the threshold only): a backup never displaces traffic on its
own route, whatever the priorities. Every stream's first backup is filled (by priority,
progressively) before any second backup, and so on.

All functions broadcast over leading (sample) axes, with no loop over months: the loops are
over priorities, corridors and filling rounds (at most one per corridor and priority).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .allocation import priority_levels

__all__ = ["Routed", "fill", "route"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Routed:
    """What each stream carries, on its route and on its backups [Gbps]."""

    on_route_gbps: list[FloatArray]
    """Carried on the stream's own route, one array per stream."""
    on_backup_gbps: list[list[FloatArray]]
    """Carried on each of the stream's backup routes, in their order."""
    left_gbps: list[FloatArray]
    """Usable capacity left on each corridor after all streams."""
    limited_by: list[IntArray] | None = None
    """For each stream, the corridor of its route at which it stopped growing (index into the
    corridors), -1 where it carries its whole demand on its route."""
    backup_limited_by: list[list[IntArray]] | None = None
    """The same on each of its backup routes."""

    @property
    def regime(self) -> IntArray:
        """Where each stream stopped, on its route and each backup, stacked on a first axis:
        the routing is a smooth function of the demands and capacities while this stays the
        same (its kinks are where it changes)."""
        assert self.limited_by is not None and self.backup_limited_by is not None
        parts = [*self.limited_by, *(b for backups in self.backup_limited_by for b in backups)]
        shape = np.broadcast_shapes(*(np.shape(p) for p in parts))
        return np.stack([np.broadcast_to(p, shape) for p in parts])

    @property
    def carried_gbps(self) -> list[FloatArray]:
        """Carried in all, on the route and the backups."""
        return [
            sum(backups, start=own)
            for own, backups in zip(self.on_route_gbps, self.on_backup_gbps, strict=True)
        ]


def fill(
    demands_gbps: Sequence[FloatArray], routes: Sequence[Sequence[int]], left_gbps: list[FloatArray]
) -> tuple[list[FloatArray], list[IntArray]]:
    """Progressive filling of one priority level (see the module's description) [Gbps].

    ``demands_gbps[i]`` travels over the corridors ``routes[i]`` (indices into
    ``left_gbps``, the usable capacity not yet given out on each corridor, negative values
    counting as 0; the list is updated in place with what is left).
    Returns what each stream carries: ``θ_i·D_i`` with ``θ_i`` in [0, 1] the fraction at which
    stream ``i`` stopped (1 if it was never stopped); and the corridor at which it stopped (the
    first of its route found full in that round; -1 if it was never stopped).

    Each round raises the common fraction by ``δ = min(1 − θ, min_c A_c / L_c)`` over the
    corridors ``c`` that a growing stream crosses, with ``L_c`` the demand of the growing
    streams crossing ``c`` and ``A_c`` what is left on it; the corridors reaching the minimum
    are then full (set to exactly 0) and the streams crossing them stop.
    """
    shape = np.broadcast_shapes(*(np.shape(d) for d in demands_gbps), *(np.shape(a) for a in left_gbps))
    demands = [np.broadcast_to(np.asarray(d, dtype=float), shape) for d in demands_gbps]
    corridors = sorted({c for r in routes for c in r})
    left = {
        c: np.maximum(0.0, np.broadcast_to(np.asarray(left_gbps[c], dtype=float), shape)) for c in corridors
    }
    theta = np.zeros(shape)  # the fraction the growing streams have reached
    stopped_at = [np.where(d > 0, np.nan, 0.0) for d in demands]  # NaN: still growing
    limited_by = [np.full(shape, -1, dtype=np.int64) for _ in demands]
    # Each round ends with theta at 1 or at least one more corridor full: at most one round
    # per corridor, and one more.
    for _ in range(len(corridors) + 1):
        growing = [np.isnan(s) & (theta < 1.0) for s in stopped_at]
        if not any(g.any() for g in growing):
            break
        load = {
            c: sum(
                (np.where(g, d, 0.0) for g, d, r in zip(growing, demands, routes, strict=True) if c in r),
                start=np.zeros(shape),
            )
            for c in corridors
        }
        step = 1.0 - theta
        for c in corridors:
            with np.errstate(over="ignore"):  # a vanishing load leaves infinite room: no limit
                room = np.divide(left[c], load[c], out=np.full(shape, np.inf), where=load[c] > 0)
            step = np.minimum(step, room)
        theta = theta + step
        for c in corridors:
            remaining = left[c] - step * load[c]
            full = (load[c] > 0) & (remaining <= 1e-12 * load[c])  # reached, up to rounding
            left[c] = np.where(full, 0.0, remaining)
            for i, r in enumerate(routes):
                if c in r:
                    stops = growing[i] & full
                    limited_by[i] = np.where(stops & (limited_by[i] < 0), c, limited_by[i])
                    stopped_at[i] = np.where(stops, theta, stopped_at[i])
    for c in corridors:
        left_gbps[c] = left[c]
    carried = [
        d * np.where(np.isnan(s), np.minimum(theta, 1.0), s) for d, s in zip(demands, stopped_at, strict=True)
    ]
    return carried, limited_by


def route(
    demands_gbps: Sequence[ArrayLike],
    priorities: Sequence[int | None],
    routes: Sequence[Sequence[int]],
    usable_gbps: Sequence[ArrayLike],
    backups: Sequence[Sequence[Sequence[int]]] | None = None,
) -> Routed:
    """Traffic carried by each stream over corridors in series, by priority [Gbps].

    Parameters
    ----------
    demands_gbps
        Demand of each stream [Gbps], arrays that broadcast together.
    priorities
        Priority of each stream, or None (see
        :func:`~capacity_model.engine.allocation.priority_levels`).
    routes
        The corridors each stream crosses (indices into ``usable_gbps``), in order.
    usable_gbps
        Usable capacity ``u·C`` of each corridor [Gbps]; negative values count as 0.
    backups
        For each stream, its backup routes in order of use (default: none).

    Returns
    -------
    Routed
        Carried on each route and backup, and the usable capacity left per corridor. Each
        stream carries at most its demand, and the streams crossing a corridor at most its
        usable capacity (up to rounding).
    """
    demands = [np.asarray(d, dtype=float) for d in demands_gbps]
    left = [np.maximum(0.0, np.asarray(a, dtype=float)) for a in usable_gbps]
    on_route: list[FloatArray] = [np.zeros(())] * len(demands)
    limited_by: list[IntArray] = [np.full((), -1, dtype=np.int64)] * len(demands)
    for level in priority_levels(priorities):
        carried, limits = fill([demands[i] for i in level], [routes[i] for i in level], left)
        for i, value, limit in zip(level, carried, limits, strict=True):
            on_route[i] = value
            limited_by[i] = limit
    backups = backups or [[] for _ in demands]
    on_backup: list[list[FloatArray]] = [[] for _ in demands]
    backup_limited_by: list[list[IntArray]] = [[] for _ in demands]
    most = max((len(b) for b in backups), default=0)
    for k in range(most):  # first backups first, then second ones, each by priority
        for level in priority_levels(priorities):
            using = [i for i in level if k < len(backups[i])]
            if not using:
                continue
            still = [demands[i] - on_route[i] - sum(on_backup[i], start=np.zeros(())) for i in using]
            carried, limits = fill([np.maximum(s, 0.0) for s in still], [backups[i][k] for i in using], left)
            for i, value, limit in zip(using, carried, limits, strict=True):
                on_backup[i].append(value)
                backup_limited_by[i].append(limit)
    for i in range(len(demands)):  # streams with fewer backups: nothing on the ones they lack
        on_backup[i] += [np.zeros(())] * (len(backups[i]) - len(on_backup[i]))
        backup_limited_by[i] += [np.full((), -1, dtype=np.int64)] * (
            len(backups[i]) - len(backup_limited_by[i])
        )
    return Routed(on_route, on_backup, left, limited_by, backup_limited_by)
