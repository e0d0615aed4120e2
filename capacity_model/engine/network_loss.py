"""Traffic lost in a network of corridors while capacity is down: each stream routed over its
corridors in series and its backups (:mod:`.routing`), integrated over pieces of time.

Over a **piece** of time (at most a day inside an outage or a fault) each corridor's usable
capacity is constant and each stream's demand runs linearly from ``D_i(t₀)`` to ``D_i(t₁)``.
Two usable capacities are given per corridor and piece: ``U_c`` with the events (the capacity
left, and the unlit capacity switched on, at the emergency utilisation) and ``U₀_c`` without
them. The streams are routed against each, and a stream's traffic lost **because of the
events** is

    L_i = ∫ (D_i − R_i(U)) dt − ∫ (D_i − R_i(U₀)) dt

over the piece, where ``R_i`` is what the stream carries end to end (route and backups). On
one corridor without priorities ``Σ_i (D_i − R_i(U)) = max(0, ΣD − U)``, as in :mod:`.outages`.

A stream's unserved traffic is a continuous function of ``t`` in a piece, smooth except where
the routing changes (a corridor fills, a stream is carried in full). The integrals use the
three-point Gauss–Legendre rule (nodes ``t₀ + Δ·(1 ∓ √(3/5))/2`` and the midpoint, weights
``5/18, 8/18, 5/18`` of the piece's length ``Δ``): exact for constant demand; in a piece in
which the routing does not change, exact up to terms of order ``Δ·D·ε⁶``, ``ε`` the relative
change of demand over the piece (about ``10⁻¹⁹`` of a day's traffic for a day at 30% a year).
In a piece where it changes, the error is at most ``½·Δ²·G``, ``G`` the fastest rate at which
the stream's unserved traffic changes in the piece (for one stream on one corridor, demand's
slope): for a day of 10 Tbps growing 30% a year, under 4 Gbps·days, against losses counted in
Tbps·days.

A stream can **gain** from the events: when one corridor of another stream's route loses
capacity, that stream carries less, and what it no longer takes on a shared corridor goes to
the others. ``L_i`` is then negative; the network's loss is ``Σ_i L_i``.

All functions broadcast over leading (sample) axes, with no loop over pieces or samples: the
loops are the routing's (priorities, corridors, filling rounds) and the three nodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .routing import route

__all__ = ["GAUSS_NODES", "GAUSS_WEIGHTS", "RoutedLoss", "routed_loss"]

FloatArray = NDArray[np.float64]

#: Nodes of the three-point Gauss–Legendre rule on [0, 1].
GAUSS_NODES = (0.5 - np.sqrt(15.0) / 10.0, 0.5, 0.5 + np.sqrt(15.0) / 10.0)
#: Its weights on [0, 1] (they sum to 1).
GAUSS_WEIGHTS = (5.0 / 18.0, 8.0 / 18.0, 5.0 / 18.0)


@dataclass(frozen=True)
class RoutedLoss:
    """Each stream's traffic over the pieces, with and without the events [Gbps·days].

    Every array has the shape of the pieces, ``(..., n)``.
    """

    demand_gbps_days: list[FloatArray]
    """``∫ D_i dt`` per stream."""
    unserved_gbps_days: list[FloatArray]
    """``∫ (D_i − R_i(U)) dt`` per stream: not carried, with the events."""
    unserved_anyway_gbps_days: list[FloatArray]
    """``∫ (D_i − R_i(U₀)) dt`` per stream: not carried without them."""
    on_backup_gbps_days: list[FloatArray]
    """Carried on the stream's backup routes, with the events."""
    on_backup_anyway_gbps_days: list[FloatArray]
    """Carried on its backup routes without them."""

    def lost_gbps_days(self, stream: int) -> FloatArray:
        """``L_i``: the stream's traffic lost because of the events (negative: gained)."""
        return self._difference(
            self.unserved_gbps_days[stream], self.unserved_anyway_gbps_days[stream], stream
        )

    def moved_to_backup_gbps_days(self, stream: int) -> FloatArray:
        """What the stream's backups carry because of the events (more than without them)."""
        return self._difference(
            self.on_backup_gbps_days[stream], self.on_backup_anyway_gbps_days[stream], stream
        )

    def _difference(self, a: FloatArray, b: FloatArray, stream: int) -> FloatArray:
        """``a − b``, 0 where it is within rounding of the stream's traffic (relative 1e-9)."""
        difference = a - b
        scale = np.maximum(1.0, self.demand_gbps_days[stream])
        return np.where(np.abs(difference) <= 1e-9 * scale, 0.0, difference)

    @property
    def total_lost_gbps_days(self) -> FloatArray:
        """``Σ_i L_i``: the network's traffic lost because of the events."""
        return sum((self.lost_gbps_days(i) for i in range(len(self.demand_gbps_days))), start=np.zeros(()))

    @property
    def total_demand_gbps_days(self) -> FloatArray:
        """``Σ_i ∫ D_i dt``."""
        return sum(self.demand_gbps_days, start=np.zeros(()))


def routed_loss(
    demand_start_gbps: Sequence[ArrayLike],
    demand_end_gbps: Sequence[ArrayLike],
    length_days: ArrayLike,
    usable_gbps: Sequence[ArrayLike],
    usable_anyway_gbps: Sequence[ArrayLike],
    priorities: Sequence[int | None],
    routes: Sequence[Sequence[int]],
    backups: Sequence[Sequence[Sequence[int]]] | None = None,
) -> RoutedLoss:
    """Each stream's traffic routed over the pieces, with and without the events (see the module).

    Parameters
    ----------
    demand_start_gbps, demand_end_gbps
        Demand of each stream at the start and the end of each piece [Gbps], ``(..., n)``.
    length_days
        Length of each piece [days], ``(..., n)``.
    usable_gbps, usable_anyway_gbps
        Usable capacity of each corridor in each piece, with and without the events [Gbps].
    priorities, routes, backups
        As for :func:`~.routing.route`.

    Returns
    -------
    RoutedLoss
        The integrals of each stream's demand, unserved traffic and traffic on its backups.
    """
    d0 = [np.asarray(d, dtype=float) for d in demand_start_gbps]
    d1 = [np.asarray(d, dtype=float) for d in demand_end_gbps]
    length = np.asarray(length_days, dtype=float)
    streams = len(d0)
    unserved = {key: [np.zeros(())] * streams for key in ("with", "anyway")}
    backup = {key: [np.zeros(())] * streams for key in ("with", "anyway")}
    for x, w in zip(GAUSS_NODES, GAUSS_WEIGHTS, strict=True):
        demand = [a + (b - a) * x for a, b in zip(d0, d1, strict=True)]
        for key, usable in (("with", usable_gbps), ("anyway", usable_anyway_gbps)):
            routed = route(demand, priorities, routes, usable, backups)
            for i in range(streams):
                carried = routed.carried_gbps[i]
                unserved[key][i] = unserved[key][i] + w * np.maximum(0.0, demand[i] - carried)
                on_backup = sum(routed.on_backup_gbps[i], start=np.zeros(()))
                backup[key][i] = backup[key][i] + w * on_backup
    return RoutedLoss(
        demand_gbps_days=[length * (a + b) / 2 for a, b in zip(d0, d1, strict=True)],
        unserved_gbps_days=[length * u for u in unserved["with"]],
        unserved_anyway_gbps_days=[length * u for u in unserved["anyway"]],
        on_backup_gbps_days=[length * b for b in backup["with"]],
        on_backup_anyway_gbps_days=[length * b for b in backup["anyway"]],
    )
