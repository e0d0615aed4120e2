"""A scenario of several corridors: each corridor projected alone, then every stream routed
over its corridors in series and its backups (see :mod:`.routing`).

Each corridor's :class:`~.projection.Projection` is that of the corridor's own scenario
(:func:`capacity_model.corridors.corridor_scenario`): its capacity, the demand routed over it,
utilisation, headroom, gap, shortfalls, targets, plan, N-1 and outages, as for a single
corridor. What a stream carries end to end is limited by the tightest corridor on its route:
the usable capacity ``u·C`` of each corridor is given out by priority, with progressive
filling over the corridors in series, then backups take what is left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..corridors import corridor_ids, corridor_scenario
from ..schema import Scenario
from .faults import FaultLosses
from .network_events import (
    NetworkLoss,
    NetworkOutages,
    network_fault_risk,
    network_n_minus_1,
    network_outages,
)
from .projection import Projection, project
from .routing import Routed, route

__all__ = ["Network", "NetworkMonteCarlo", "network_monte_carlo", "project_network"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Network:
    """The corridors' projections and the streams' traffic over their routes."""

    scenario: Scenario
    corridors: dict[str, Projection]
    """Each corridor's projection, by corridor id, in the scenario's order."""
    routed: Routed
    """Carried on each stream's route and backups, in the scenario's stream order [Gbps]."""
    mc: NetworkMonteCarlo | None = None
    """Each stream end to end over the samples of the uncertain inputs, when they were run."""
    outages: NetworkOutages | None = None
    """The scripted outages, each stream end to end while links are down; None without outages."""
    n_minus_1: tuple[NetworkLoss, ...] = ()
    """N-1 end to end: losing the largest link of each corridor in turn, then each risk group."""
    n_minus_1_activated: tuple[NetworkLoss, ...] = ()
    """The same with the survivors' unlit capacity switched on (with ``planning.activation_delay``)."""

    @property
    def months(self) -> NDArray[np.int64]:
        """Month indices of the period [month index]."""
        return next(iter(self.corridors.values())).months

    def demand_gbps(self, stream_id: str) -> FloatArray:
        """A stream's demand [Gbps] (the same on each corridor of its route)."""
        route = self.route_of(stream_id)
        return self.corridors[route[0]].stream_demand_gbps[stream_id]

    def route_of(self, stream_id: str) -> list[str]:
        """The corridors a stream crosses, in order."""
        stream = next(s for s in self.scenario.demand if s.id == stream_id)
        return list(stream.route or corridor_ids(self.scenario)[:1])

    def carried_gbps(self, stream_id: str) -> FloatArray:
        """What a stream carries end to end, on its route and backups [Gbps]."""
        k = [s.id for s in self.scenario.demand].index(stream_id)
        return np.broadcast_to(self.routed.carried_gbps[k], self.months.shape)

    def unserved_gbps(self, stream_id: str) -> FloatArray:
        """A stream's demand it does not carry end to end [Gbps]."""
        return np.maximum(0.0, self.demand_gbps(stream_id) - self.carried_gbps(stream_id))

    def tightest(self, stream_id: str, month: int) -> str | None:
        """The corridor of a stream's route that limits it in a month, or None when it carries
        all its demand then: of the corridors of its route that are full, the one whose usable
        capacity is smallest against the demand routed over it (the first to fill as the
        streams grow together)."""
        if self.unserved_gbps(stream_id)[month] <= 1e-9 * max(1.0, float(self.demand_gbps(stream_id)[month])):
            return None
        route = self.route_of(stream_id)
        full = [
            c
            for c in route
            if self.spare_gbps(c)[month] <= 1e-9 * max(1.0, float(self.usable_gbps(c)[month]))
        ]
        ratio = {
            c: float(self.usable_gbps(c)[month]) / max(float(self.routed_demand_gbps(c)[month]), 1e-12)
            for c in full or route
        }
        return min(ratio, key=ratio.__getitem__)

    def routed_demand_gbps(self, corridor_id: str) -> FloatArray:
        """Demand of the streams whose own route crosses a corridor [Gbps]."""
        return self.corridors[corridor_id].demand_gbps

    def spare_gbps(self, corridor_id: str) -> FloatArray:
        """Usable capacity of a corridor left after every stream [Gbps]."""
        return np.broadcast_to(
            np.maximum(0.0, self.routed.left_gbps[self._index(corridor_id)]), self.months.shape
        )

    def usable_gbps(self, corridor_id: str) -> FloatArray:
        """A corridor's usable capacity ``u·C`` [Gbps]."""
        projection = self.corridors[corridor_id]
        return projection.capacity_gbps * projection.max_utilisation

    def used_gbps(self, corridor_id: str) -> FloatArray:
        """Traffic carried over a corridor, on routes and backups [Gbps]."""
        return np.broadcast_to(
            self.usable_gbps(corridor_id) - self.routed.left_gbps[self._index(corridor_id)], self.months.shape
        )

    def _index(self, corridor_id: str) -> int:
        return list(self.corridors).index(corridor_id)


def project_network(scenario: Scenario, projections: dict[str, Projection] | None = None) -> Network:
    """Project each corridor of a scenario with corridors (or take ``projections``, those of
    its corridors' scenarios, already made), and route the streams over them."""
    ids = corridor_ids(scenario)
    corridors = {c: projections[c] if projections else project(corridor_scenario(scenario, c)) for c in ids}
    position = {c: k for k, c in enumerate(ids)}
    demands, priorities, routes, backups = [], [], [], []
    for stream in scenario.demand:
        path = list(stream.route or ids[:1])
        demands.append(corridors[path[0]].stream_demand_gbps[stream.id])
        priorities.append(stream.priority)
        routes.append([position[c] for c in path])
        backups.append([[position[c] for c in b] for b in stream.backup])
    usable = [p.capacity_gbps * p.max_utilisation for p in corridors.values()]
    routed = route(demands, priorities, routes, usable, backups)
    return Network(
        scenario,
        corridors,
        routed,
        outages=network_outages(scenario, corridors),
        n_minus_1=tuple(network_n_minus_1(scenario, corridors)),
        n_minus_1_activated=()
        if scenario.planning.activation_delay is None
        else tuple(network_n_minus_1(scenario, corridors, activation=True)),
    )


#: Values of the ``(samples, months)`` arrays a chunk of the network's run routes at once: the
#: routing holds about eight such arrays a stream, four a corridor and two a crossing of a
#: corridor (on routes and backups) at a time, so a chunk holds at most about this many values
#: (16,000,000: 128 MB).
ROUTING_VALUES = 16_000_000


@dataclass(frozen=True)
class NetworkMonteCarlo:
    """Each stream end to end over the samples of the scenario's uncertain inputs."""

    samples: int
    per_stream: dict[str, dict[str, FloatArray]]
    """By stream id: each sample's ``months_short`` (months the stream is not carried in full),
    ``unserved_tbps_months`` (its demand not carried, summed over the months / 1000) and
    ``carried_fraction_at_horizon`` (carried over demand in the period's last month); with
    fault rates also ``fault_loss_tbps_days_per_year`` (its traffic lost end to end because of
    the faults, per year of 365.2425 days) and
    ``fault_moved_tbps_days_per_year`` (what its backups carry because of them), ``(samples,)``."""
    faults: FaultLosses | None = None
    """The faults drawn at random over the whole network and their cost end to end, by sample
    and calendar year; None without fault rates."""

    def quantiles(self, stream_id: str, name: str) -> tuple[float, float, float]:
        """P10, P50 and P90 of one outcome of a stream (inverted CDF: values some sample has)."""
        values = self.per_stream[stream_id][name]
        low, mid, high = (float(np.quantile(values, q, method="inverted_cdf")) for q in (0.1, 0.5, 0.9))
        return low, mid, high

    def p_short(self, stream_id: str) -> float:
        """Share of samples in which a stream is not carried in full in some month."""
        return float(np.mean(self.per_stream[stream_id]["months_short"] > 0))


def network_monte_carlo(
    scenario: Scenario, samples: int | None = None, seed: int | None = None, chunk_size: int | None = None
) -> NetworkMonteCarlo:
    """Route every sample of the scenario's uncertain inputs over the corridors.

    The inputs are drawn once for the whole scenario (as :func:`~.montecarlo.draw` does for
    one corridor); each corridor evaluates the columns of the inputs it keeps, and the streams
    are routed sample by sample at once (:func:`.routing.route` broadcasts over samples). With
    fault rates, the faults of each sample are drawn once for the whole network and costed end
    to end (:func:`~.network_events.network_fault_risk`). Chunks of ``chunk_size`` samples (default
    :func:`~.montecarlo.chunk_rows` of the largest corridor); the results do not depend on it.
    """
    from ..corridors import id_path
    from .evaluation import evaluate, period_months
    from .montecarlo import chunk_rows, draw, values_for

    spec = scenario.uncertainty
    assert spec is not None, "a network Monte Carlo run needs an uncertainty section"
    samples = samples or spec.samples
    seed = spec.seed if seed is None else seed
    table = draw(scenario, samples, seed, spec.method)
    paths = [id_path(scenario, p.ref.location) for p in scenario.parameters()]
    ids = corridor_ids(scenario)
    parts = {c: corridor_scenario(scenario, c) for c in ids}
    columns = {c: [paths.index(p.path) for p in parts[c].parameters()] for c in ids}
    months = period_months(scenario)
    crossings = sum(len(s.route or ids[:1]) + sum(len(b) for b in s.backup) for s in scenario.demand)
    routing_rows = ROUTING_VALUES // (len(months) * (8 * len(scenario.demand) + 4 * len(ids) + 2 * crossings))
    rows_per_chunk = chunk_size or max(
        1, min(routing_rows, *(chunk_rows(part, len(months)) for part in parts.values()))
    )
    position = {c: k for k, c in enumerate(ids)}
    streams = scenario.demand
    routes = [[position[c] for c in (s.route or ids[:1])] for s in streams]
    backups = [[[position[c] for c in b] for b in s.backup] for s in streams]
    has_faults = bool(scenario.fault_sources())
    names = ("months_short", "unserved_tbps_months", "carried_fraction_at_horizon") + (
        ("fault_loss_tbps_days_per_year", "fault_moved_tbps_days_per_year") if has_faults else ()
    )
    out = {s.id: {n: np.empty(samples) for n in names} for s in streams}
    parameters = scenario.parameters()
    fault_parts: list[FaultLosses] = []
    for start in range(0, samples, rows_per_chunk):
        rows = table[start : start + rows_per_chunk]
        n = len(rows)
        evaluated = {
            c: evaluate(parts[c], months, values_for(parts[c].parameters(), rows[:, columns[c]])) for c in ids
        }
        demands = [
            np.broadcast_to(evaluated[ids[r[0]]].stream_demand_gbps[s.id], (n, len(months)))
            for s, r in zip(streams, routes, strict=True)
        ]
        usable = [
            np.broadcast_to(evaluated[c].capacity_gbps * evaluated[c].max_utilisation, (n, len(months)))
            for c in ids
        ]
        routed = route(demands, [s.priority for s in streams], routes, usable, backups)
        for s, demand, carried in zip(streams, demands, routed.carried_gbps, strict=True):
            unserved = np.maximum(0.0, demand - np.broadcast_to(carried, demand.shape))
            short = unserved > 1e-9 * np.maximum(1.0, demand)
            last = demand[:, -1]
            out[s.id]["months_short"][start : start + n] = short.sum(axis=1)
            out[s.id]["unserved_tbps_months"][start : start + n] = unserved.sum(axis=1) / 1000
            out[s.id]["carried_fraction_at_horizon"][start : start + n] = np.divide(
                np.broadcast_to(carried, demand.shape)[:, -1], last, out=np.ones(n), where=last > 0
            )
        if has_faults:
            values = values_for(parameters, rows)
            faults = network_fault_risk(scenario, evaluated, values, np.arange(start, start + n), seed)
            years = faults.totals.years
            for k, s in enumerate(streams):
                out[s.id]["fault_loss_tbps_days_per_year"][start : start + n] = (
                    faults.stream_lost_tbps_days[k] / years
                )
                out[s.id]["fault_moved_tbps_days_per_year"][start : start + n] = (
                    faults.stream_moved_tbps_days[k] / years
                )
            fault_parts.append(faults.totals)
    return NetworkMonteCarlo(samples, out, FaultLosses.joined(fault_parts) if fault_parts else None)
