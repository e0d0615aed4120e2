"""The scripted outages' results: one row per outage, the sentences, and ``outages.csv``.

Documented in README, "Outages". Per outage: capacity lost at its start, traffic lost on its
first day and on the day one week after its start (means over the hours of that day the outage
lasts, Gbps), traffic lost
in all (Tbps·days) and as a share of the demand in its window.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import Projection
from ..engine.outages import WEEK_DAYS, OutageLosses, OutageWindow
from ..schema import Planning, Scenario
from ..units import first_day_of_month, format_day, format_days, format_percent
from .words import names as _names
from .words import percent, tbps_days
from .words import rate as _rate

__all__ = [
    "OutageResult",
    "activation_words",
    "conditions",
    "outage_columns",
    "outage_lines",
    "outage_results",
    "outage_rows",
    "outages_summary",
    "segment_columns",
]

#: Outages listed one by one in the headline; with more, the headline gives the worst and the total.
HEADLINE_OUTAGES = 3


@dataclass(frozen=True)
class OutageResult:
    """What one outage costs."""

    id: str
    name: str
    hit: str
    """What it hits, in words: the links' names, or the risk group's."""
    start_day: int
    """Day it starts [day number]."""
    duration_days: float
    capacity_lost_gbps: float
    """Capacity lost at its start [Gbps]."""
    lost_first_day_gbps: float
    """Traffic lost on its first day, mean over the hours of it the outage lasts [Gbps]."""
    lost_after_week_gbps: float | None
    """Traffic lost on the day one week after its start [Gbps]; None when it is shorter."""
    lost_tbps_days: float
    """Traffic lost because of it, evaluated alone, in all [Tbps·days]."""
    lost_share: float
    """Traffic lost over demand during the outage [fraction]."""
    overlaps: tuple[str, ...]
    """Ids of the other outages active on some of its days."""


def outage_rows(projection: Projection) -> list[OutageResult]:
    """One :class:`OutageResult` per outage of the scenario, in its order (empty without)."""
    if projection.outages is None:
        return []
    return outage_results(
        projection.scenario, projection.outage_windows, projection.outages, projection.outages_alone
    )


def outage_results(
    scenario: Scenario,
    windows: tuple[OutageWindow, ...],
    together: OutageLosses,
    alone: tuple[OutageLosses, ...],
) -> list[OutageResult]:
    """One :class:`OutageResult` per outage: from the losses of all outages ``together`` (for the
    overlaps) and of each ``alone`` (its own cost), in the scenario's order."""
    names = {link.id: link.display_name for link in scenario.links}
    groups = {g.id: g.display_name for g in scenario.risk_groups}
    ids = [o.id for o in scenario.outages]
    active = together.segments.active
    rows = []
    for k, (outage, window) in enumerate(zip(scenario.outages, windows, strict=True)):
        losses = alone[k]
        hit = (
            f"risk group {groups[outage.group]}"
            if outage.group is not None
            else _names([names[i] for i in outage.links or []])
        )
        rows.append(
            OutageResult(
                id=outage.id,
                name=outage.display_name,
                hit=hit,
                start_day=outage.start,
                duration_days=outage.duration,
                capacity_lost_gbps=float(losses.outage_capacity_lost_gbps[0, 0]),
                lost_first_day_gbps=float(losses.lost_on_day_gbps(0, 0, window)),
                lost_after_week_gbps=float(losses.lost_on_day_gbps(0, WEEK_DAYS, window))
                if outage.duration > WEEK_DAYS
                else None,
                lost_tbps_days=float(losses.lost_tbps_days(0)),
                lost_share=float(losses.lost_share(0)),
                overlaps=tuple(ids[j] for j in range(len(ids)) if j != k and np.any(active[j] & active[k])),
            )
        )
    return rows


def _cost(row: OutageResult) -> str:
    if row.lost_tbps_days == 0:
        return "no traffic lost because of it: the rest carries it"
    parts = [f"{_rate(row.lost_first_day_gbps)} of traffic lost on its first day"]
    if row.lost_after_week_gbps is not None:
        after = row.lost_after_week_gbps
        parts.append(f"{_rate(after)} a week later" if after > 0 else "none a week later")
    return (
        ", ".join(parts)
        + f"; {tbps_days(row.lost_tbps_days)} in all, {percent(row.lost_share)} of the demand in that time, "
        "beyond what is lost anyway"
    )


def outage_text(row: OutageResult) -> str:
    """One outage in a sentence (without the closing full stop)."""
    return (
        f"{row.name} ({row.hit}, {_rate(row.capacity_lost_gbps)} lost from {format_day(row.start_day)} "
        f"for {format_days(row.duration_days)}): {_cost(row)}"
        + (f"; counted alone, as it overlaps {', '.join(row.overlaps)}" if row.overlaps else "")
    )


def activation_words(delay_days: float | None) -> str:
    """What becomes of the unlit capacity of the links an outage does not hit: ``'unlit capacity
    stays off'``, ``'... switched on at once'`` or ``'... switched on after 2 days'``."""
    if delay_days is None:
        return "unlit capacity stays off"
    if delay_days == 0:
        return "unlit capacity switched on at once"
    return f"unlit capacity switched on after {format_days(delay_days)}"


def _conditions(projection: Projection) -> str:
    return conditions(projection.scenario.planning)


def conditions(planning: Planning) -> str:
    """The conditions during an outage in words: the emergency utilisation and what becomes of
    unlit capacity."""
    activation = activation_words(planning.activation_delay)
    return f"links run at up to {format_percent(planning.emergency_utilisation)}, {activation}"


def outage_lines(projection: Projection, brief: bool = False) -> list[str]:
    """The outages in sentences: one headline (``brief``), or one line each with a first line
    on the conditions. Empty without outages."""
    rows = outage_rows(projection)
    if not rows:
        return []
    assert projection.outages is not None
    together = float(projection.outages.lost_tbps_days())
    overlapping = any(r.overlaps for r in rows)
    total = f"All outages together lose {tbps_days(together)}, overlaps counted once." if overlapping else ""
    if not brief:
        return (
            [f"Outages ({_conditions(projection)}):"]
            + [outage_text(r) + "." for r in rows]
            + ([total] if total else [])
        )
    if len(rows) <= HEADLINE_OUTAGES:
        return [
            f"Outages ({_conditions(projection)}): "
            + "; ".join(outage_text(r) for r in rows)
            + "."
            + (f" {total}" if total else "")
        ]
    worst = max(rows, key=lambda r: r.lost_tbps_days)
    return [
        f"Outages ({_conditions(projection)}): {len(rows)} outages lose {tbps_days(together)} of traffic "
        "in all"
        + (" (overlaps counted once)" if overlapping else "")
        + (f"; the worst, {outage_text(worst)}." if worst.lost_tbps_days > 0 else ".")
    ]


def outages_summary(projection: Projection) -> dict[str, Any]:
    """The ``outages`` block of ``summary.json``."""
    assert projection.outages is not None
    planning = projection.scenario.planning
    return {
        "emergency_utilisation": planning.emergency_utilisation,
        "activation_delay_days": planning.activation_delay,
        "lost_tbps_days": float(projection.outages.lost_tbps_days()),
        "lost_share": float(projection.outages.lost_share()),
        "events": [
            {
                "id": r.id,
                "name": r.name,
                "hit": r.hit,
                "start": format_day(r.start_day),
                "duration_days": r.duration_days,
                "capacity_lost_gbps": r.capacity_lost_gbps,
                "lost_first_day_gbps": r.lost_first_day_gbps,
                "lost_after_week_gbps": r.lost_after_week_gbps,
                "lost_tbps_days": r.lost_tbps_days,
                "lost_share": r.lost_share,
                "overlaps": list(r.overlaps),
            }
            for r in outage_rows(projection)
        ],
    }


def _moment(first_day: int, days: float) -> str:
    """A time as ``YYYY-MM-DDTHH:MM`` (minutes rounded)."""
    moment = datetime.datetime.fromordinal(first_day) + datetime.timedelta(minutes=round(days * 1440))
    return moment.strftime("%Y-%m-%dT%H:%M")


def outage_columns(projection: Projection) -> dict[str, list[Any]]:
    """``outages.csv``: one row per segment of the outage windows (see
    :mod:`~capacity_model.engine.outages`).

    Columns: ``start`` and ``end`` (``YYYY-MM-DDTHH:MM``), ``days``, ``outages`` (ids of the
    active outages, ``;``-separated), ``demand_gbps``, ``capacity_gbps`` (lit, without the
    outages), ``capacity_lost_gbps``, ``activated_gbps``, ``usable_gbps``, ``lost_gbps`` and
    ``lost_tbps_days``.
    """
    losses = projection.outages
    if losses is None:
        return {}
    return segment_columns(
        losses, first_day_of_month(int(projection.months[0])), [o.id for o in projection.scenario.outages]
    )


def segment_columns(losses: OutageLosses, first_day: int, ids: list[str]) -> dict[str, list[Any]]:
    """The columns of :func:`outage_columns` for ``losses``, the period starting on ``first_day``
    [day number], with the outages' ``ids``."""
    seg = losses.segments
    return {
        "start": [_moment(first_day, float(t)) for t in seg.start_days],
        "end": [
            _moment(first_day, float(t + d)) for t, d in zip(seg.start_days, seg.length_days, strict=True)
        ],
        "days": [float(d) for d in seg.length_days],
        "outages": [
            ";".join(ids[j] for j in np.flatnonzero(seg.active[:, k])) for k in range(seg.active.shape[1])
        ],
        "demand_gbps": losses.demand_gbps.tolist(),
        "capacity_gbps": losses.capacity_gbps.tolist(),
        "capacity_lost_gbps": losses.capacity_lost_gbps.tolist(),
        "activated_gbps": losses.activated_gbps.tolist(),
        "usable_gbps": losses.usable_gbps.tolist(),
        "lost_gbps": losses.lost_gbps.tolist(),
        "lost_tbps_days": (losses.lost_gbps * seg.length_days / 1000).tolist(),
    }
