"""The scripted outages over a network of corridors: what each costs end to end, stream by
stream, and what the backup routes carry because of it (README, "Corridors and routes").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engine.network import Network
from ..engine.network_events import NetworkOutages
from ..units import first_day_of_month, format_day
from .outages import OutageResult, conditions, outage_results, outage_text, segment_columns
from .words import tbps_days

__all__ = [
    "NetworkOutageRow",
    "StreamCost",
    "network_outage_columns",
    "network_outage_lines",
    "network_outage_rows",
    "network_outages_summary",
    "stream_cost_words",
]


@dataclass(frozen=True)
class StreamCost:
    """What one outage costs one stream end to end."""

    stream: str
    """The stream's id."""
    lost_tbps_days: float
    """Traffic lost because of the outage [Tbps·days]."""
    moved_tbps_days: float
    """Traffic its backup routes carry because of the outage [Tbps·days]."""


@dataclass(frozen=True)
class NetworkOutageRow:
    """One outage over the network: its cost in all (as for one corridor), and per stream."""

    outage: OutageResult
    streams: tuple[StreamCost, ...]
    """Streams that lose traffic or move some onto backups because of it, in the scenario's order."""

    @property
    def moved_tbps_days(self) -> float:
        """Traffic moved onto backup routes because of the outage, all streams [Tbps·days]."""
        return sum(s.moved_tbps_days for s in self.streams)


def _outages(network: Network) -> NetworkOutages:
    assert network.outages is not None
    return network.outages


def network_outage_rows(network: Network) -> list[NetworkOutageRow]:
    """One row per outage, each evaluated alone (empty without outages)."""
    if network.outages is None:
        return []
    outages = network.outages
    totals = outage_results(
        network.scenario, outages.windows, outages.together.totals, tuple(a.totals for a in outages.alone)
    )
    rows = []
    for total, alone in zip(totals, outages.alone, strict=True):
        costs = []
        for i, stream in enumerate(network.scenario.demand):
            cost = StreamCost(
                stream.id, alone.stream_lost_tbps_days(i, 0), alone.stream_moved_tbps_days(i, 0)
            )
            if cost.lost_tbps_days or cost.moved_tbps_days:
                costs.append(cost)
        rows.append(NetworkOutageRow(total, tuple(costs)))
    return rows


def stream_cost_words(network: Network, cost: StreamCost) -> str:
    """What an outage costs one stream, in words: ``'national: 8 Tbps·days lost, 7 Tbps·days
    carried on its backup routes instead'``."""
    stream = next(s for s in network.scenario.demand if s.id == cost.stream)
    parts = []
    if cost.lost_tbps_days > 0:
        parts.append(f"{tbps_days(cost.lost_tbps_days)} lost")
    if cost.moved_tbps_days > 0:
        parts.append(f"{tbps_days(cost.moved_tbps_days)} carried on its backup routes instead")
    return f"{stream.display_name}: " + ", ".join(parts)


def network_outage_lines(network: Network) -> list[str]:
    """The outages end to end in sentences: the conditions, then one line per outage with what
    each stream loses and moves onto backups; empty without outages."""
    rows = network_outage_rows(network)
    if not rows:
        return []
    lines = [
        f"Outages end to end ({conditions(network.scenario.planning)}; traffic spills onto the "
        "surviving links of each corridor and onto backup routes):"
    ]
    for row in rows:
        text = outage_text(row.outage)
        if row.streams:
            text += "; " + "; ".join(stream_cost_words(network, c) for c in row.streams)
        lines.append(text + ".")
    if any(r.outage.overlaps for r in rows):
        total = float(_outages(network).together.totals.lost_tbps_days())
        lines.append(f"All outages together lose {tbps_days(total)} end to end, overlaps counted once.")
    return lines


def network_outages_summary(network: Network) -> dict[str, Any] | None:
    """The ``outages`` block of the network's ``summary.json``, or None without outages."""
    if network.outages is None:
        return None
    together = network.outages.together
    planning = network.scenario.planning
    return {
        "emergency_utilisation": planning.emergency_utilisation,
        "activation_delay_days": planning.activation_delay,
        "lost_tbps_days": float(together.totals.lost_tbps_days()),
        "lost_share": float(together.totals.lost_share()),
        "events": [
            {
                "id": r.outage.id,
                "name": r.outage.name,
                "hit": r.outage.hit,
                "start": format_day(r.outage.start_day),
                "duration_days": r.outage.duration_days,
                "capacity_lost_gbps": r.outage.capacity_lost_gbps,
                "lost_first_day_gbps": r.outage.lost_first_day_gbps,
                "lost_after_week_gbps": r.outage.lost_after_week_gbps,
                "lost_tbps_days": r.outage.lost_tbps_days,
                "lost_share": r.outage.lost_share,
                "moved_to_backup_tbps_days": r.moved_tbps_days,
                "overlaps": list(r.outage.overlaps),
                "streams": [
                    {
                        "stream": c.stream,
                        "lost_tbps_days": c.lost_tbps_days,
                        "moved_to_backup_tbps_days": c.moved_tbps_days,
                    }
                    for c in r.streams
                ],
            }
            for r in network_outage_rows(network)
        ],
    }


def network_outage_columns(network: Network) -> dict[str, list[Any]]:
    """The network's ``outages.csv``: one row per segment of the outage windows, all outages
    together.

    Columns: those of the corridor's ``outages.csv`` over the whole network (``demand_gbps``
    of all streams, capacities summed over the links, ``usable_gbps`` over the corridors,
    ``lost_gbps`` and ``lost_tbps_days`` end to end), then per corridor ``usable_<id>_gbps``
    (with the outages), and per stream ``lost_<id>_gbps`` and ``moved_to_backup_<id>_gbps``
    (means over the segment).
    """
    if network.outages is None:
        return {}
    together = network.outages.together
    first = first_day_of_month(int(network.months[0]))
    columns = segment_columns(together.totals, first, [o.id for o in network.scenario.outages])
    length = together.totals.segments.length_days
    for k, corridor in enumerate(network.corridors):
        columns[f"usable_{corridor}_gbps"] = together.usable_gbps[k].tolist()
    for i, stream in enumerate(network.scenario.demand):
        columns[f"lost_{stream.id}_gbps"] = (together.streams.lost_gbps_days[i] / length).tolist()
        columns[f"moved_to_backup_{stream.id}_gbps"] = (together.streams.moved_gbps_days[i] / length).tolist()
    return columns
