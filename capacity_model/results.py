"""Results of a projection as plain tables and mappings, ready to write.

Nothing here touches files: :func:`timeline_columns` gives the monthly table
and :func:`summary` the headline results with stable keys (documented in
README, "Outputs"). Months are written ``YYYY-MM``, rates in Gbps, fractions
as fractions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import __version__
from .engine import Projection
from .units import format_month

__all__ = ["SUMMARY_KEYS", "summary", "timeline_columns"]

#: Top-level keys of ``summary.json``, in order.
SUMMARY_KEYS = (
    "scenario",
    "description",
    "period",
    "max_utilisation",
    "exhaustions",
    "phases",
    "targets",
    "target_steps",
    "largest_gap",
    "horizon",
    "scenario_sha256",
    "version",
)


def timeline_columns(projection: Projection) -> dict[str, NDArray[Any]]:
    """The monthly table: column name -> values, one row per month.

    Columns: ``date``, ``capacity_<link>_gbps`` per link,
    ``total_capacity_gbps``, ``demand_<stream>_gbps`` per stream,
    ``share_<stream>`` per stream with a share, ``total_demand_gbps``,
    ``utilisation``, ``headroom_gbps``, ``required_capacity_gbps``, ``gap_gbps``.
    """
    columns: dict[str, NDArray[Any]] = {"date": np.array([format_month(m) for m in projection.months])}
    for link_id, values in projection.link_capacity_gbps.items():
        columns[f"capacity_{link_id}_gbps"] = values
    columns["total_capacity_gbps"] = projection.capacity_gbps
    for stream_id, values in projection.stream_demand_gbps.items():
        columns[f"demand_{stream_id}_gbps"] = values
    for stream_id, share in projection.stream_share.items():
        if share is not None:
            columns[f"share_{stream_id}"] = share
    columns["total_demand_gbps"] = projection.demand_gbps
    columns["utilisation"] = projection.utilisation
    columns["headroom_gbps"] = projection.headroom_gbps
    columns["required_capacity_gbps"] = projection.required_capacity_gbps
    columns["gap_gbps"] = projection.gap_gbps
    return columns


def _month(month: int | None) -> str | None:
    return None if month is None else format_month(month)


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _json_safe(value: Any) -> Any:
    """Replace non-finite floats (e.g. utilisation with no capacity) by None, recursively."""
    if isinstance(value, float):
        return _finite(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def summary(projection: Projection, scenario_sha256: str | None = None) -> dict[str, Any]:
    """Headline results as JSON-ready data with the keys of :data:`SUMMARY_KEYS`.

    Non-finite numbers (a utilisation with no capacity in service) are written as null.
    """
    return _json_safe(_summary(projection, scenario_sha256))


def _summary(projection: Projection, scenario_sha256: str | None) -> dict[str, Any]:
    scenario = projection.scenario
    gap, gap_month = projection.largest_gap
    last = -1
    return {
        "scenario": scenario.name,
        "description": scenario.description,
        "period": {"start": format_month(scenario.period.start), "end": format_month(scenario.period.end)},
        "max_utilisation": scenario.planning.max_utilisation,
        "exhaustions": [
            {
                "month": format_month(e.month),
                "order_by": format_month(e.order_by),
                "lead_time_months": e.lead_time_months,
                "next_phase": e.next_phase,
            }
            for e in projection.exhaustions
        ],
        "phases": [
            {
                "link": p.link,
                "phase": p.phase,
                "capacity_gbps": p.capacity_gbps,
                "in_service": format_month(p.in_service),
                "lead_time_months": p.lead_time_months,
                "order_by": format_month(p.order_by),
                "order_by_passed": p.order_by_passed,
            }
            for p in projection.phases
        ],
        "targets": [
            {
                "name": t.name,
                "capacity_gbps": t.capacity_gbps,
                "by": format_month(t.by),
                "met_month": _month(t.met_month),
                "on_time": t.on_time,
                "months_late": t.months_late,
                "utilisation_at_by": t.utilisation_at_by,
            }
            for t in projection.targets
        ],
        "target_steps": [
            {
                "from": s.from_label,
                "to": s.to_label,
                "from_month": format_month(s.from_month),
                "to_month": format_month(s.to_month),
                "capacity_cagr": s.capacity_cagr,
                "demand_cagr": s.demand_cagr,
            }
            for s in projection.steps
        ],
        "largest_gap": {"gap_gbps": gap, "month": _month(gap_month)},
        "horizon": {
            "month": format_month(int(projection.months[last])),
            "capacity_gbps": float(projection.capacity_gbps[last]),
            "demand_gbps": float(projection.demand_gbps[last]),
            "required_capacity_gbps": float(projection.required_capacity_gbps[last]),
            "utilisation": float(projection.utilisation[last]),
            "gap_gbps": float(projection.gap_gbps[last]),
        },
        "scenario_sha256": scenario_sha256,
        "version": __version__,
    }
