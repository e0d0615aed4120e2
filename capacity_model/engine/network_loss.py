"""Traffic lost in a network of corridors while capacity is down: each stream routed over its
corridors in series and its backups (:mod:`.routing`), integrated over pieces of time.

Over a **piece** of time (a segment of an outage window, or the time between two fault
events or month starts) each corridor's usable
capacity is constant and each stream's demand runs linearly from ``D_i(t₀)`` to ``D_i(t₁)``.
Two usable capacities are given per corridor and piece: ``U_c`` with the events (the capacity
left, and the unlit capacity switched on, at the emergency utilisation) and ``U₀_c`` without
them. The streams are routed against each, and a stream's traffic lost **because of the
events** is

    L_i = ∫ (D_i − R_i(U)) dt − ∫ (D_i − R_i(U₀)) dt

over the piece, where ``R_i`` is what the stream carries end to end (route and backups), and
what its backups carry because of them ``∫ B_i(U) dt − ∫ B_i(U₀) dt`` (both above 0, below).
On one corridor without priorities ``Σ_i (D_i − R_i(U)) = max(0, ΣD − U)``, as in
:mod:`.outages`.

A stream's unserved traffic is a continuous function of ``t`` in a piece, smooth except where
the routing changes **regime**: where a stream stops growing at another corridor, or is
carried in full (:attr:`~.routing.Routed.regime`). Inside one regime each is a ratio of
linear functions of ``t``, which the three-point Gauss–Legendre rule (nodes ``(1 ∓ √(3/5))/2``
and ``1/2`` of the interval, weights ``5/18, 8/18, 5/18``; exact for polynomials of degree 5)
integrates exactly up to terms of order ``Δ·D·ε⁶`` (``ε`` the relative change of demand over
the piece, about 0.02 for a month at 30% a year: some ``10⁻¹⁴`` of the piece's traffic).
So the integrals are **adaptive**: the regime is found at both ends of a piece and at the
rule's three nodes; where it is the same at all five, and no stream's demand changes by more
than :data:`MAX_CHANGE` of itself over the piece, the rule is kept; elsewhere the piece is
halved (its midpoint is the middle node) and each half treated alike, at most
:data:`MAX_HALVINGS` times, which pins a change of regime to ``2⁻²⁰`` of the piece (about a
tenth of a second in a day). Constant demand is integrated exactly.

What a stream may **gain** from the events is not counted: unlit capacity switched on may let
it carry more than without the events, and when a corridor of another stream's route loses
capacity, that stream carries less and leaves room to the others on a shared corridor. So
``L_i`` is the part above 0, in each part of a piece the rule is kept on, of
``∫ (D_i − R_i(U)) dt − ∫ (D_i − R_i(U₀)) dt``, as an outage's loss on one corridor is at
least 0 (:mod:`.outages`); the network's loss is ``Σ_i L_i``. On one corridor without
priorities every stream carries the same fraction of its demand, so all gain or all lose at
once and ``Σ_i L_i`` is the corridor's loss.

All functions broadcast over leading (sample) axes, with no loop over pieces or samples: the
loops are the routing's (priorities, corridors, filling rounds), the three nodes and the
halvings (each on the parts not yet settled).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .faults import FaultDraws, FaultLosses, demand_at, fault_pieces
from .routing import route

__all__ = [
    "GAUSS_NODES",
    "GAUSS_WEIGHTS",
    "MAX_CHANGE",
    "MAX_HALVINGS",
    "NetworkFaultLosses",
    "RoutedLoss",
    "network_fault_losses",
    "routed_loss",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Nodes of the three-point Gauss–Legendre rule on [0, 1].
GAUSS_NODES = (0.5 - np.sqrt(15.0) / 10.0, 0.5, 0.5 + np.sqrt(15.0) / 10.0)
#: Its weights on [0, 1] (they sum to 1).
GAUSS_WEIGHTS = (5.0 / 18.0, 8.0 / 18.0, 5.0 / 18.0)
#: The largest relative change of a stream's demand over a part the rule is kept on: above
#: it the part is halved (0.1: the rule's error is then of order 10⁻¹⁰ of the part's traffic).
MAX_CHANGE = 0.1
#: Halvings at most of a piece (2⁻²⁰ of a day is about 0.08 s).
MAX_HALVINGS = 20
#: The quantities integrated per stream: unserved with and without the events, on backups
#: with and without them.
_QUANTITIES = 4


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
    lost_gbps_days: list[FloatArray]
    """``L_i`` per stream: its traffic lost because of the events, the part of each piece's
    ``∫ (D_i − R_i(U)) dt − ∫ (D_i − R_i(U₀)) dt`` above 0 (see the module)."""
    moved_gbps_days: list[FloatArray]
    """What each stream's backups carry because of the events, the part of each piece's
    ``∫ B_i(U) dt − ∫ B_i(U₀) dt`` above 0."""
    losing_days: FloatArray
    """Time of each piece in which the network loses traffic because of the events,
    ``Σ_i L_i > 0`` [days] (exact to the resolution of the halvings: inside one regime the
    loss is either 0 throughout or above 0 but at isolated moments)."""

    @property
    def total_lost_gbps_days(self) -> FloatArray:
        """``Σ_i L_i``: the network's traffic lost because of the events."""
        return sum(self.lost_gbps_days, start=np.zeros(()))

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
        The integrals of each stream's demand, unserved traffic and traffic on its backups,
        each of the pieces' shape.
    """
    everything = [*demand_start_gbps, *demand_end_gbps, length_days, *usable_gbps, *usable_anyway_gbps]
    shape = np.broadcast_shapes(*(np.shape(a) for a in everything))

    def flat(values: Sequence[ArrayLike]) -> FloatArray:
        return np.stack([np.broadcast_to(np.asarray(v, dtype=float), shape).reshape(-1) for v in values])

    d0, d1 = flat(demand_start_gbps), flat(demand_end_gbps)  # (streams, pieces)
    length = np.broadcast_to(np.asarray(length_days, dtype=float), shape).reshape(-1)
    usable = (flat(usable_gbps), flat(usable_anyway_gbps))  # each (corridors, pieces)
    demand = length * (d0 + d1) / 2  # (streams, pieces) [Gbps·days]

    def at(piece: IntArray, f: FloatArray) -> tuple[FloatArray, IntArray]:
        """The four quantities of each stream at fraction ``f`` of the pieces ``piece`` [Gbps],
        ``(quantities, streams, parts)``, and the routing's regime there (with and without the
        events, stacked)."""
        asked = d0[:, piece] + (d1[:, piece] - d0[:, piece]) * f
        values = np.empty((_QUANTITIES, len(d0), len(piece)))
        regimes = []
        for k, capacity in enumerate(usable):
            routed = route(list(asked), priorities, routes, list(capacity[:, piece]), backups)
            for i, carried in enumerate(routed.carried_gbps):
                values[k, i] = np.maximum(0.0, asked[i] - carried)
                values[2 + k, i] = sum(routed.on_backup_gbps[i], start=np.zeros(len(piece)))
            regimes.append(routed.regime.reshape(-1, len(piece)))
        return values, np.concatenate(regimes)

    if length.size == 0:  # no piece (a chunk of samples without a fault): nothing to route
        nothing = [np.zeros(shape) for _ in d0]
        return RoutedLoss(nothing, nothing, nothing, nothing, nothing, nothing, nothing, np.zeros(shape))

    def part_demand(piece: IntArray, a: FloatArray, b: FloatArray) -> FloatArray:
        """``∫ D_i dt`` over the parts ``[a, b]`` of the pieces [Gbps·days], ``(streams, parts)``."""
        middle = d0[:, piece] + (d1[:, piece] - d0[:, piece]) * (a + b) / 2
        return middle * (b - a) * length[piece]

    total = np.zeros((length.size, _QUANTITIES, len(d0)))  # pieces first, for np.add.at
    lost_total = np.zeros((length.size, len(d0)))
    moved_total = np.zeros((length.size, len(d0)))
    losing_days = np.zeros(length.size)
    piece = np.arange(length.size)
    a, b = np.zeros(length.size), np.ones(length.size)
    regime_a, regime_b = at(piece, a)[1], at(piece, b)[1]
    for halvings in range(MAX_HALVINGS + 1):
        integral = np.zeros((_QUANTITIES, len(d0), len(piece)))
        da, db = d0[:, piece] + (d1 - d0)[:, piece] * a, d0[:, piece] + (d1 - d0)[:, piece] * b
        gentle = np.all(np.abs(db - da) <= MAX_CHANGE * np.maximum(np.abs(da), np.abs(db)), axis=0)
        same = gentle & np.all(regime_a == regime_b, axis=0)
        nodes = []
        for x, w in zip(GAUSS_NODES, GAUSS_WEIGHTS, strict=True):
            values, regime = at(piece, a + (b - a) * x)
            integral += w * values
            same &= np.all(regime == regime_a, axis=0)
            nodes.append(regime)
        integral *= (b - a) * length[piece]
        done = same | (halvings == MAX_HALVINGS)
        np.add.at(total, piece[done], np.moveaxis(integral[..., done], -1, 0))
        # What each stream loses, and its backups carry, because of the events: above 0 only,
        # and 0 within rounding of the stream's traffic.
        floor = 1e-9 * np.maximum(part_demand(piece, a, b), 1e-9)
        lost, moved = (
            np.where(d > floor, d, 0.0) for d in (integral[0] - integral[1], integral[2] - integral[3])
        )
        np.add.at(lost_total, piece[done], lost[:, done].T)
        np.add.at(moved_total, piece[done], moved[:, done].T)
        losing = done & (lost.sum(axis=0) > 0)
        np.add.at(losing_days, piece[losing], ((b - a) * length[piece])[losing])
        again = ~done
        if not again.any():
            break
        middle, regime_middle = (a + b) / 2, nodes[1]  # the middle node is the midpoint
        piece = np.concatenate([piece[again], piece[again]])
        a, b = np.concatenate([a[again], middle[again]]), np.concatenate([middle[again], b[again]])
        regime_a, regime_b = (
            np.concatenate([regime_a[:, again], regime_middle[:, again]], axis=1),
            np.concatenate([regime_middle[:, again], regime_b[:, again]], axis=1),
        )

    total = np.moveaxis(total, 0, -1)  # (quantities, streams, pieces)

    def shaped(values: FloatArray) -> list[FloatArray]:
        return [v.reshape(shape) for v in values]

    return RoutedLoss(
        demand_gbps_days=shaped(demand),
        unserved_gbps_days=shaped(total[0]),
        unserved_anyway_gbps_days=shaped(total[1]),
        on_backup_gbps_days=shaped(total[2]),
        on_backup_anyway_gbps_days=shaped(total[3]),
        lost_gbps_days=shaped(lost_total.T),
        moved_gbps_days=shaped(moved_total.T),
        losing_days=losing_days.reshape(shape),
    )


@dataclass(frozen=True)
class NetworkFaultLosses:
    """What the faults of a chunk of samples cost end to end: the network's totals by sample
    and calendar year (as for one corridor), and each stream's over the period."""

    totals: FaultLosses
    """The network's traffic lost because of the faults, its demand and its losing time by
    year, and the faults drawn."""
    stream_lost_tbps_days: FloatArray
    """Each stream's traffic lost because of the faults over the period [Tbps·days],
    ``(streams, rows)``."""
    stream_moved_tbps_days: FloatArray
    """What each stream's backups carry because of the faults over the period [Tbps·days],
    ``(streams, rows)``."""


def network_fault_losses(
    draws: FaultDraws,
    members: NDArray[np.bool_],
    link_corridor: IntArray,
    link_capacity_gbps: FloatArray,
    link_installed_gbps: FloatArray,
    stream_demand_gbps: Sequence[FloatArray],
    priorities: Sequence[int | None],
    routes: Sequence[Sequence[int]],
    backups: Sequence[Sequence[Sequence[int]]],
    month_start_days: FloatArray,
    year_of_month: IntArray,
    emergency_utilisation: float,
    activation_delay_days: float | None,
) -> NetworkFaultLosses:
    """Traffic lost end to end because of the faults (:mod:`.faults`, and the module above).

    The period of each sample is cut at month starts and fault events
    (:func:`~.faults.fault_pieces`); in the pieces where some link is down, corridor ``c`` can
    carry ``U_c = e·Σ_{l∈c} (C_l·[l up] + (I_l − C_l)·[l up]·[unlit on])`` against
    ``U₀_c = e·Σ_{l∈c} C_l``, and the streams are routed against both (:func:`routed_loss`).
    Elsewhere nothing differs and nothing is lost.

    Parameters
    ----------
    draws, members
        The faults and the links each source takes down, ``(sources, links)``.
    link_corridor
        The corridor of each link (index into the corridors), ``(links,)``.
    link_capacity_gbps, link_installed_gbps
        Lit and installed capacity by month [Gbps], ``(rows or 1, links, months)``.
    stream_demand_gbps
        Each stream's demand by month [Gbps], ``(rows or 1, months)``.
    priorities, routes, backups
        As for :func:`~.routing.route`.
    month_start_days, year_of_month, emergency_utilisation, activation_delay_days
        As for :func:`~.faults.fault_losses`.
    """
    rows = draws.start_days.shape[0]
    lit = np.asarray(link_capacity_gbps, dtype=float)
    links, months = lit.shape[-2:]
    lit = np.broadcast_to(lit, (rows, links, months))
    dark = np.maximum(0.0, np.broadcast_to(np.asarray(link_installed_gbps, dtype=float), lit.shape) - lit)
    demands = [np.broadcast_to(np.asarray(d, dtype=float), (rows, months)) for d in stream_demand_gbps]
    pieces = fault_pieces(draws, members, month_start_days, activation_delay_days)
    row, piece = np.nonzero(pieces.down.any(axis=1) & (pieces.length_days > 0))
    month = pieces.month[row, piece]
    up = ~pieces.down[row, :, piece]  # (active pieces, links)
    lit_now, dark_now = lit[row, :, month], dark[row, :, month]
    switched_on = pieces.activated[row, piece][:, None]
    corridors = int(link_corridor.max()) + 1 if links else 0
    membership = np.zeros((corridors, links))
    membership[link_corridor, np.arange(links)] = 1.0
    usable = emergency_utilisation * (membership @ (np.where(up, lit_now + dark_now * switched_on, 0.0)).T)
    anyway = emergency_utilisation * (membership @ lit_now.T)
    start, length = pieces.start_days[row, piece], pieces.length_days[row, piece]
    ends = [
        [demand_at(d[row], month_start_days, month[:, None], t[:, None])[:, 0] for d in demands]
        for t in (start, start + length)
    ]
    loss = routed_loss(ends[0], ends[1], length, list(usable), list(anyway), priorities, routes, backups)

    years = int(year_of_month.max()) + 1
    year = (row * years + year_of_month[month]) if len(row) else np.zeros(0, dtype=np.int64)
    lost = np.bincount(year, loss.total_lost_gbps_days, minlength=rows * years).reshape(rows, years)
    losing = np.bincount(year, loss.losing_days, minlength=rows * years).reshape(rows, years).astype(float)
    month_days = np.diff(month_start_days)
    total = sum(demands, start=np.zeros((rows, months)))
    following = np.concatenate([total[:, 1:], total[:, -1:]], axis=1)  # the last month holds
    by_month = month_days * (total + following) / 2  # linear between months' first days
    demand_by_year = np.stack([np.bincount(year_of_month, r, minlength=years) for r in by_month]).reshape(
        rows, years
    )
    per_stream = [np.bincount(row, loss.lost_gbps_days[i], minlength=rows) for i in range(len(demands))]
    moved = [np.bincount(row, loss.moved_gbps_days[i], minlength=rows) for i in range(len(demands))]
    totals = FaultLosses(
        lost_tbps_days=lost / 1000,
        demand_tbps_days=demand_by_year / 1000,
        losing_days=losing,
        days=np.bincount(year_of_month, month_days, minlength=years).astype(float),
        faults=draws.counts,
    )
    return NetworkFaultLosses(
        totals,
        np.stack(per_stream).reshape(len(demands), rows) / 1000,
        np.stack(moved).reshape(len(demands), rows) / 1000,
    )
