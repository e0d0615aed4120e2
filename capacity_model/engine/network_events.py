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

This module is the only place of the network's event code that knows the scenario's shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..schema import Scenario
from .network_loss import RoutedLoss, routed_loss
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

__all__ = ["NetworkOutageLosses", "NetworkOutages", "network_outages"]

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
        active) [Tbps·days]; negative when it gains."""
        mask = self._mask(outage)
        return float(np.sum(self.streams.lost_gbps_days(stream) * mask)) / 1000.0

    def stream_moved_tbps_days(self, stream: int, outage: int | None = None) -> float:
        """What a stream's backups carry because of the outages [Tbps·days]."""
        mask = self._mask(outage)
        return float(np.sum(self.streams.moved_to_backup_gbps_days(stream) * mask)) / 1000.0

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
