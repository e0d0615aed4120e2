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
from .engine.montecarlo import QUANTILES, QUANTITIES, MonteCarlo
from .engine.sensitivity import Sensitivity
from .units import format_month

__all__ = ["IAMC_REGION", "SUMMARY_KEYS", "iamc_columns", "quantile_columns", "summary", "timeline_columns"]

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


#: IAMC region of every row: the model describes one corridor.
IAMC_REGION = "Corridor"


def iamc_columns(projection: Projection, model: str) -> dict[str, list[Any]]:
    """The monthly timeline as an IAMC-style long table, one row per variable and month.

    Columns ``model, scenario, region, variable, unit, time, value``, the layout
    ``pyam.IamDataFrame`` reads (``time`` is the first day of the month, ISO 8601).
    Variables: ``Capacity`` and ``Capacity|<link id>`` [Gbps], ``Demand`` and
    ``Demand|<stream id>`` [Gbps], ``Utilisation`` [%], ``Headroom``,
    ``Required Capacity`` and ``Capacity Gap`` [Gbps].
    """
    series: list[tuple[str, str, NDArray[Any]]] = [("Capacity", "Gbps", projection.capacity_gbps)]
    series += [(f"Capacity|{k}", "Gbps", v) for k, v in projection.link_capacity_gbps.items()]
    series.append(("Demand", "Gbps", projection.demand_gbps))
    series += [(f"Demand|{k}", "Gbps", v) for k, v in projection.stream_demand_gbps.items()]
    series += [
        ("Utilisation", "%", projection.utilisation * 100.0),
        ("Headroom", "Gbps", projection.headroom_gbps),
        ("Required Capacity", "Gbps", projection.required_capacity_gbps),
        ("Capacity Gap", "Gbps", projection.gap_gbps),
    ]
    times = [f"{format_month(int(m))}-01" for m in projection.months]
    columns: dict[str, list[Any]] = {
        name: [] for name in ("model", "scenario", "region", "variable", "unit", "time", "value")
    }
    for variable, unit, values in series:
        columns["variable"] += [variable] * len(times)
        columns["unit"] += [unit] * len(times)
        columns["time"] += times
        columns["value"] += [float(v) for v in values]
    rows = len(columns["value"])
    columns["model"] = [model] * rows
    columns["scenario"] = [projection.scenario.name] * rows
    columns["region"] = [IAMC_REGION] * rows
    return columns


def _month(month: int | None) -> str | None:
    return None if month is None else format_month(month)


def _finite(value: float) -> float | None:
    """The value, or None when it is infinite or NaN (JSON has neither)."""
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


def quantile_columns(mc: MonteCarlo) -> dict[str, NDArray[Any]]:
    """The monthly quantile table: ``date`` then ``<quantity>_p5`` ... ``<quantity>_p95``.

    Quantities: ``demand_gbps``, ``capacity_gbps``, ``utilisation`` (fraction),
    ``headroom_gbps`` and ``gap_gbps``; quantiles within a relative 0.1% (see
    :class:`capacity_model.engine.aggregate.QuantileHistogram`).
    """
    columns: dict[str, NDArray[Any]] = {"date": np.array([format_month(m) for m in mc.months])}
    for quantity in QUANTITIES:
        for level, values in zip(QUANTILES, mc.quantiles[quantity], strict=True):
            name = quantity.removesuffix("_gbps")
            unit = "_gbps" if quantity.endswith("_gbps") else ""
            columns[f"{name}_p{round(level * 100)}{unit}"] = values
    return columns


def uncertainty_summary(mc: MonteCarlo, sensitivity: Sensitivity | None) -> dict[str, Any]:
    """The ``uncertainty`` entry of ``summary.json`` (keys documented in README)."""
    spec = mc.scenario.uncertainty
    first = {f"p{round(q * 100)}": _month(mc.first_exhaustion_quantile(q)) for q in (0.1, 0.5, 0.9)}
    result: dict[str, Any] = {
        "samples": mc.samples,
        "method": spec.method if spec else "random",
        "parameters": [p.path for p in mc.scenario.parameters()],
        "p_no_shortfall": mc.p_no_shortfall,
        "first_exhaustion": first,
        "p_shortfall_by_year": {
            str(int(y)): float(p) for y, p in zip(mc.years, mc.p_shortfall_in_year, strict=True)
        },
        "targets": [
            {
                "name": t.name,
                "p_on_time": t.p_on_time,
                "p_not_met": t.not_met / mc.samples,
                "months_late": {str(k): n / mc.samples for k, n in t.months_late.items()},
            }
            for t in mc.targets
        ],
    }
    if sensitivity is not None:
        result["tornado"] = [
            {"parameter": b.path, "at_p10": b.outcome_at_low, "at_p90": b.outcome_at_high}
            for b in sensitivity.bars
        ]
        result["tornado_baseline"] = sensitivity.baseline
        result["sobol"] = {
            s.outcome: {
                "first_order": dict(zip(sensitivity.paths, s.first_order.tolist(), strict=True)),
                "total": dict(zip(sensitivity.paths, s.total.tolist(), strict=True)),
                "first_order_interval": dict(
                    zip(sensitivity.paths, s.first_order_interval.T.tolist(), strict=True)
                ),
                "total_interval": dict(zip(sensitivity.paths, s.total_interval.T.tolist(), strict=True)),
            }
            for s in sensitivity.sobol
        }
        result["sobol_utilisation_by_year"] = {
            str(int(y)): dict(zip(sensitivity.paths, row.tolist(), strict=True))
            for y, row in zip(sensitivity.years, sensitivity.utilisation_first_order, strict=True)
        }
        result["sobol_base_samples"] = sensitivity.base_samples
        result["sobol_confidence_level"] = sensitivity.confidence_level
    return _json_safe(result)
