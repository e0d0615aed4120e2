"""Outages over a network of corridors: each stream followed end to end while links are down.

The scripted outages of a scenario with corridors are cut into the segments of
:mod:`.outages` (at most a day, at each outage's end and when unlit capacity comes on). In each
segment every link has its lit capacity less what the active outages take, plus its unlit
capacity once switched on (:func:`~.outages.link_states`: unlit capacity comes on for the links
no active outage hits, in every corridor, ``a`` days after an outage's start). Each corridor's
usable capacity is ``U_c = e·Σ_{l∈c} (C_l − lost_l + activated_l)`` at the emergency utilisation
``e``, against ``U₀_c = e·Σ_{l∈c} C_l`` without the outages; the streams are routed over their
routes and backups against both (:mod:`.network_loss`), so what an outage costs end to end is
what it adds to the traffic not carried anyway, with spill-over onto the surviving links of the
corridor and onto backup routes.

Faults at random are drawn once for the whole network (:func:`network_fault_risk`): a risk
group that spans corridors takes all its links at once, and each stream is routed end to end
while they are down (:func:`~.network_loss.network_fault_losses`).

N-1 end to end (:func:`network_n_minus_1`): in each month, losing the largest link of each
corridor in turn, or each risk group (whose links may lie in several corridors), leaves corridor
``c`` usable capacity ``e·left_c``; the streams are routed over their routes and backups
against it, and what they cannot carry is the **traffic at risk** end to end,
``Σ_i (D_i − R_i)``, as ``max(0, D − e·left)`` is for one corridor.

This module is the only place of the network's event code that knows the scenario's shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..schema import Scenario
from .evaluation import Evaluation, Values
from .fault_risk import drawn_in_chunks, installed_gbps, source_values
from .faults import FaultLosses
from .network_loss import NetworkFaultLosses, RoutedLoss, network_fault_losses, routed_loss
from .outages import (
    OutageLosses,
    OutageWindow,
    demand_at_ends,
    link_states,
    month_start_days,
    segment_months,
    segments,
)
from .projection import Projection, outage_windows
from .routing import route

__all__ = [
    "NetworkLoss",
    "NetworkOutageLosses",
    "NetworkOutages",
    "network_fault_risk",
    "network_n_minus_1",
    "network_outages",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class NetworkOutageLosses:
    """Outages over the network: its totals as for one corridor, and each stream's part."""

    totals: OutageLosses
    """Over the whole network, by segment: demand (all streams), lit capacity, capacity lost,
    switched on, usable (summed over the corridors) and traffic lost because of the outages
    (``Σ_i L_i``, see :mod:`.network_loss`)."""
    streams: RoutedLoss
    """Each stream's traffic by segment, with and without the outages [Gbps·days]."""
    usable_gbps: FloatArray
    """Usable capacity of each corridor with the outages, ``(corridors, n)`` [Gbps]."""
    usable_anyway_gbps: FloatArray
    """Usable capacity of each corridor without them, ``(corridors, n)`` [Gbps]."""

    def stream_lost_tbps_days(self, stream: int, outage: int | None = None) -> float:
        """A stream's traffic lost because of the outages (all of them, or while one is
        active) [Tbps·days]."""
        mask = self._mask(outage)
        return float(np.sum(self.streams.lost_gbps_days[stream] * mask)) / 1000.0

    def stream_moved_tbps_days(self, stream: int, outage: int | None = None) -> float:
        """What a stream's backups carry because of the outages [Tbps·days]."""
        mask = self._mask(outage)
        return float(np.sum(self.streams.moved_gbps_days[stream] * mask)) / 1000.0

    def _mask(self, outage: int | None) -> NDArray[np.bool_]:
        active = self.totals.segments.active
        return np.ones(active.shape[1], dtype=bool) if outage is None else active[outage]


@dataclass(frozen=True)
class NetworkOutages:
    """The outages of a network, all together (overlaps counted once) and each alone."""

    windows: tuple[OutageWindow, ...]
    """The outages in resolved form, links as positions in the scenario's link order."""
    together: NetworkOutageLosses
    alone: tuple[NetworkOutageLosses, ...]
    """Each outage evaluated alone, in the scenario's order: its own cost."""


def network_outages(scenario: Scenario, corridors: dict[str, Projection]) -> NetworkOutages | None:
    """The scenario's outages over its network (see the module), or None without outages.

    Parameters
    ----------
    scenario
        A scenario with several corridors.
    corridors
        Each corridor's projection (:func:`~.network.project_network`), by corridor id.
    """
    windows = outage_windows(scenario)
    if not windows:
        return None
    ids = list(corridors)
    first = ids[0]
    link_corridor = [ids.index(link.corridor or first) for link in scenario.links]
    lit = np.stack(
        [
            corridors[ids[c]].link_capacity_gbps[link.id]
            for link, c in zip(scenario.links, link_corridor, strict=True)
        ]
    )
    installed = np.stack(
        [
            corridors[ids[c]].link_installed_gbps[link.id]
            for link, c in zip(scenario.links, link_corridor, strict=True)
        ]
    )
    months = next(iter(corridors.values())).months
    starts = month_start_days(months)
    demand = []
    for stream in scenario.demand:
        route = list(stream.route or ids[:1])
        demand.append(corridors[route[0]].stream_demand_gbps[stream.id])
    position = {c: k for k, c in enumerate(ids)}
    routes = [[position[c] for c in (s.route or ids[:1])] for s in scenario.demand]
    backups = [[[position[c] for c in b] for b in s.backup] for s in scenario.demand]
    priorities = [s.priority for s in scenario.demand]
    planning = scenario.planning
    emergency = planning.emergency_utilisation
    membership = np.zeros((len(ids), len(scenario.links)))
    membership[link_corridor, np.arange(len(scenario.links))] = 1.0

    def losses(chosen: list[OutageWindow]) -> NetworkOutageLosses:
        seg = segments(chosen, planning.activation_delay)
        month = segment_months(seg, starts)
        states = link_states(chosen, seg, lit, installed, month)
        ends = [demand_at_ends(d, starts, seg, month) for d in demand]
        usable = emergency * (membership @ states.up_gbps)  # (corridors, n)
        anyway = emergency * (membership @ states.lit_gbps)
        streams = routed_loss(
            [e[0] for e in ends],
            [e[1] for e in ends],
            seg.length_days,
            list(usable),
            list(anyway),
            priorities,
            routes,
            backups,
        )
        length = seg.length_days
        totals = OutageLosses(
            segments=seg,
            demand_gbps=streams.total_demand_gbps_days / length,
            capacity_gbps=states.lit_gbps.sum(axis=0),
            capacity_lost_gbps=states.outage_lost_gbps.sum(axis=0),
            outage_capacity_lost_gbps=states.outage_lost_gbps,
            activated_gbps=states.activated_gbps.sum(axis=0),
            usable_gbps=usable.sum(axis=0),
            lost_gbps=streams.total_lost_gbps_days / length,
        )
        return NetworkOutageLosses(totals, streams, usable, anyway)

    return NetworkOutages(windows, losses(list(windows)), tuple(losses([w]) for w in windows))


def network_fault_risk(
    scenario: Scenario,
    corridors: dict[str, Evaluation],
    values: Values,
    positions: NDArray[np.int64],
    seed: int,
) -> NetworkFaultLosses:
    """Draw the faults of the samples at ``positions`` over the whole network and cost them end
    to end.

    Parameters
    ----------
    scenario
        A scenario with several corridors and fault rates.
    corridors
        Each corridor's monthly quantities for these samples, by corridor id in the scenario's
        order (their links' capacity and streams' demand).
    values
        The samples' uncertain inputs, as fields of ``scenario`` (rows in the same order).
    positions, seed
        Position of each sample among the fault streams, and the run's seed (as
        :func:`~.fault_risk.fault_risk`).
    """
    rows = len(positions)
    ids = list(corridors)
    first = ids[0]
    months = np.arange(scenario.period.start, scenario.period.end + 1, dtype=np.int64)
    link_corridor = np.array([ids.index(link.corridor or first) for link in scenario.links], dtype=np.int64)
    lit = np.stack(
        [
            np.broadcast_to(corridors[ids[c]].link_capacity_gbps[link.id], (rows, len(months)))
            for link, c in zip(scenario.links, link_corridor, strict=True)
        ],
        axis=1,
    )
    installed = installed_gbps(scenario, months, lit)
    demands = [corridors[(s.route or ids[:1])[0]].stream_demand_gbps[s.id] for s in scenario.demand]
    demands = [np.broadcast_to(d, (rows, len(months))) for d in demands]
    position = {c: k for k, c in enumerate(ids)}
    routes = [[position[c] for c in (s.route or ids[:1])] for s in scenario.demand]
    backups = [[[position[c] for c in b] for b in s.backup] for s in scenario.demand]
    sources = source_values(scenario, values, rows)
    starts = month_start_days(months)
    year_of_month = np.searchsorted(np.unique(months // 12), months // 12)
    planning = scenario.planning
    parts = [
        network_fault_losses(
            draws,
            sources.members,
            link_corridor,
            lit[part],
            installed[part],
            [d[part] for d in demands],
            [s.priority for s in scenario.demand],
            routes,
            backups,
            starts,
            year_of_month,
            planning.emergency_utilisation,
            planning.activation_delay,
        )
        for part, draws in drawn_in_chunks(sources, float(starts[-1]), len(months), seed, positions)
    ]
    return NetworkFaultLosses(
        FaultLosses.joined([p.totals for p in parts]),
        np.concatenate([p.stream_lost_tbps_days for p in parts], axis=1),
        np.concatenate([p.stream_moved_tbps_days for p in parts], axis=1),
    )


@dataclass(frozen=True)
class NetworkLoss:
    """Losing one link (the largest of a corridor, month by month) or a risk group, end to end."""

    corridor: str | None
    """The corridor whose largest link is lost; None for a risk group."""
    group: str | None
    """The risk group lost; None for a corridor's largest link."""
    lost: tuple[str | None, ...]
    """The link lost in each month (the group's id for a group); None where the corridor has no
    capacity in service."""
    usable_gbps: FloatArray
    """Usable capacity of each corridor after the loss, ``e·left`` [Gbps], ``(corridors, months)``."""
    stream_at_risk_gbps: FloatArray
    """Each stream's demand not carried end to end after the loss [Gbps], ``(streams, months)``
    (0 within rounding: a relative 1e-9 of its demand)."""
    stream_short_anyway_gbps: FloatArray
    """Each stream's demand not carried end to end at the emergency utilisation without any
    loss [Gbps], ``(streams, months)``."""

    @property
    def at_risk_gbps(self) -> FloatArray:
        """Traffic at risk end to end, ``Σ_i (D_i − R_i)`` [Gbps], ``(months,)``."""
        return self.stream_at_risk_gbps.sum(axis=0)

    @property
    def short_anyway_gbps(self) -> FloatArray:
        """The part of the traffic at risk that is short even without a loss,
        ``Σ_i min(at risk_i, short without a loss_i)`` [Gbps], ``(months,)`` (after activation a
        stream may be short less than without a loss)."""
        return np.minimum(self.stream_at_risk_gbps, self.stream_short_anyway_gbps).sum(axis=0)

    @property
    def failing(self) -> NDArray[np.bool_]:
        """Months where some stream is not carried in full after the loss."""
        return self.at_risk_gbps > 0

    def first_failure(self) -> int | None:
        """Position of the first month N-1 fails end to end, or None."""
        failing = np.flatnonzero(self.failing)
        return int(failing[0]) if failing.size else None


def network_n_minus_1(
    scenario: Scenario, corridors: dict[str, Projection], activation: bool = False
) -> list[NetworkLoss]:
    """N-1 end to end (see the module): losing the largest link of each corridor in turn, then
    each risk group; with ``activation``, the survivors' unlit capacity in every corridor is
    switched on (as :func:`~.resilience.activated` does in one corridor).

    Parameters
    ----------
    scenario
        A scenario with several corridors.
    corridors
        Each corridor's projection, by corridor id in the scenario's order.
    """
    ids = list(corridors)
    first = ids[0]
    emergency = scenario.planning.emergency_utilisation
    position = {c: k for k, c in enumerate(ids)}
    routes = [[position[c] for c in (s.route or ids[:1])] for s in scenario.demand]
    backups = [[[position[c] for c in b] for b in s.backup] for s in scenario.demand]
    priorities = [s.priority for s in scenario.demand]
    demands = [corridors[(s.route or ids[:1])[0]].stream_demand_gbps[s.id] for s in scenario.demand]
    capacity = np.stack([corridors[c].capacity_gbps for c in ids])
    months = len(next(iter(corridors.values())).months)

    def dark(c: str) -> FloatArray:
        """Unlit capacity of each link of a corridor, ``(links, months)``."""
        projection = corridors[c]
        return np.stack(
            [
                np.maximum(0.0, projection.link_installed_gbps[i] - projection.link_capacity_gbps[i])
                for i in projection.link_capacity_gbps
            ]
        )

    def at_risk(usable: FloatArray) -> FloatArray:
        """Each stream's demand not carried end to end, 0 within rounding (relative 1e-9)."""
        carried = route(demands, priorities, routes, list(usable), backups).carried_gbps
        short = [d - np.broadcast_to(r, d.shape) for d, r in zip(demands, carried, strict=True)]
        return np.stack(
            [np.where(u > 1e-9 * np.maximum(1.0, d), u, 0.0) for u, d in zip(short, demands, strict=True)]
        )

    anyway = at_risk(emergency * capacity)
    dark_total = np.stack([dark(c).sum(axis=0) for c in ids]) if activation else np.zeros_like(capacity)
    losses = []
    for k, c in enumerate(ids):
        projection = corridors[c]
        link_ids = list(projection.link_capacity_gbps)
        stacked = np.stack([projection.link_capacity_gbps[i] for i in link_ids])
        largest = np.argmax(stacked, axis=0)  # the first on a tie, as for one corridor
        lost_gbps = np.take_along_axis(stacked, largest[None], axis=0)[0]
        in_service = stacked.sum(axis=0) > 0
        left = capacity.copy()
        left[k] = np.maximum(0.0, capacity[k] - lost_gbps)
        on = dark_total.copy()
        if activation:  # the lost link's own unlit capacity stays off
            on[k] -= np.take_along_axis(dark(c), largest[None], axis=0)[0]
        on = np.where(in_service, on, 0.0)  # nothing in service: nothing lost, nothing switched on
        usable = emergency * (left + on)
        names = tuple(link_ids[j] if here else None for j, here in zip(largest, in_service, strict=True))
        losses.append(NetworkLoss(c, None, names, usable, at_risk(usable), anyway))
    link_corridor = {link.id: link.corridor or first for link in scenario.links}
    for group in scenario.risk_groups:
        left = capacity.copy()
        on = dark_total.copy()
        taken = np.zeros(months)
        for member in group.links:
            c = link_corridor[member]
            projection = corridors[c]
            left[position[c]] -= projection.link_capacity_gbps[member]
            taken += projection.link_capacity_gbps[member]
            if activation:
                on[position[c]] -= np.maximum(
                    0.0, projection.link_installed_gbps[member] - projection.link_capacity_gbps[member]
                )
        on = np.where(taken > 0, on, 0.0)  # nothing in service in the group: nothing switched on
        usable = emergency * (np.maximum(0.0, left) + on)
        losses.append(NetworkLoss(None, group.id, (group.id,) * months, usable, at_risk(usable), anyway))
    return losses
