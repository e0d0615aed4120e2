"""Study results as tables of columns (no I/O): one row per scenario, per grid point, per value tried.

Column names carry units; months are written ``YYYY-MM``; an empty cell means "none"
(no shortfall in the period, target not reached).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import units
from .outcomes import Outcome
from .solve import Solution
from .sweep import Sweep, format_value

__all__ = ["compare_columns", "outcome_columns", "solve_columns", "sweep_columns"]


def _month(month: int | None) -> str:
    return "" if month is None else units.format_month(month)


def _number(value: float | int | None) -> Any:
    return "" if value is None else value


def outcome_columns(outcomes: Sequence[Outcome]) -> dict[str, list[Any]]:
    """The :class:`Outcome` fields of each run as columns.

    Targets get ``months_late_<name>`` (and, with uncertain inputs,
    ``p_on_time_<name>``); streams with a share ``carried_share_<id>`` (at
    ``carried_share_month``); with uncertain inputs, ``months_short_p10`` ... and the like
    give quantiles over the samples. Targets or streams missing from some runs have empty
    cells there.
    """
    names = list(dict.fromkeys(n for o in outcomes for n in o.months_late))
    streams = list(dict.fromkeys(k for o in outcomes for k in o.carried_share))
    columns: dict[str, list[Any]] = {
        "first_shortfall_month": [_month(o.first_shortfall) for o in outcomes],
        "order_by_month": [_month(o.order_by) for o in outcomes],
        "capacity_at_horizon_gbps": [o.capacity_at_horizon_gbps for o in outcomes],
        "demand_at_horizon_gbps": [o.demand_at_horizon_gbps for o in outcomes],
        "gap_at_horizon_gbps": [o.gap_at_horizon_gbps for o in outcomes],
        "months_short": [o.months_short for o in outcomes],
        "unserved_tbps_months": [o.unserved_tbps_months for o in outcomes],
        "unserved_share": [o.unserved_share for o in outcomes],
        "upgrades_needed": [_number(o.upgrades_needed) for o in outcomes],
        "plan_added_gbps": [_number(o.plan_added_gbps) for o in outcomes],
    }
    for name in names:
        columns[f"months_late_{name}"] = [_number(o.months_late.get(name)) for o in outcomes]
    for name in names:
        columns[f"too_small_{name}"] = [
            "" if name not in o.months_late else str(name in o.too_small).lower() for o in outcomes
        ]
    if streams:
        columns["carried_share_month"] = [_month(o.carried_at) for o in outcomes]
    for stream in streams:
        columns[f"carried_share_{stream}"] = [_number(o.carried_share.get(stream)) for o in outcomes]
    if any(o.quantiles is not None for o in outcomes):
        quantities = list(dict.fromkeys(k for o in outcomes for k in (o.quantiles or {})))
        for quantity in quantities:
            column = quantity.replace("carried_share:", "carried_share_")
            for k, level in enumerate(("p10", "p50", "p90")):
                columns[f"{column}_{level}"] = [
                    _number((o.quantiles or {}).get(quantity, (None, None, None))[k]) for o in outcomes
                ]
    if any(o.p_on_time is not None for o in outcomes):
        columns["p_no_shortfall"] = [_number(o.p_no_shortfall) for o in outcomes]
        for q in ("p10", "p50", "p90"):
            columns[f"first_shortfall_{q}_month"] = [
                _month(getattr(o, f"first_shortfall_{q}")) for o in outcomes
            ]
        for name in names:
            columns[f"p_on_time_{name}"] = [_number((o.p_on_time or {}).get(name)) for o in outcomes]
    return columns


def compare_columns(
    names: Sequence[str], files: Sequence[str], outcomes: Sequence[Outcome]
) -> dict[str, list[Any]]:
    """One row per scenario, then differences against the first: months of first shortfall
    (positive = later), gap at the horizon [Gbps], months short and unserved traffic [Tbps·months]."""
    first = outcomes[0]
    columns: dict[str, list[Any]] = {
        "scenario": list(names),
        "file": list(files),
        **outcome_columns(outcomes),
    }
    columns["first_shortfall_vs_first_months"] = [
        ""
        if o.first_shortfall is None or first.first_shortfall is None
        else o.first_shortfall - first.first_shortfall
        for o in outcomes
    ]
    columns["gap_at_horizon_vs_first_gbps"] = [
        o.gap_at_horizon_gbps - first.gap_at_horizon_gbps for o in outcomes
    ]
    columns["months_short_vs_first"] = [o.months_short - first.months_short for o in outcomes]
    columns["unserved_tbps_months_vs_first"] = [
        o.unserved_tbps_months - first.unserved_tbps_months for o in outcomes
    ]
    return columns


def sweep_columns(sweep: Sweep) -> dict[str, list[Any]]:
    """One row per grid point: each swept field (as written, in its unit), then the outcomes."""
    columns: dict[str, list[Any]] = {}
    for k, axis in enumerate(sweep.axes):
        columns[axis.path] = [axis.label(point[k]) for point in sweep.points]
    return {**columns, **outcome_columns(sweep.outcomes)}


def solve_columns(solution: Solution) -> dict[str, list[Any]]:
    """One row per value tried on the grid: the value, the condition's quantity and threshold, and
    whether it holds."""
    ref = solution.ref

    return {
        ref.path: [format_value(ref, v) for v in solution.grid],
        "quantity": list(solution.quantity),
        "threshold": list(solution.threshold),
        "holds": [str(h).lower() for h in solution.holds],
    }
