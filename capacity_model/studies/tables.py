"""Study results as tables of columns (no I/O): one row per scenario, per grid point, per value tried.

Column names carry units; months are written ``YYYY-MM``; an empty cell means "none"
(no shortfall in the period, target not reached). Tables are built through
:class:`~capacity_model.results.tables.Columns`: ids that would give two columns one name stop
the study with a message instead of losing a column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import units
from ..results.tables import Columns, Origin
from .outcomes import Outcome
from .solve import Solution
from .sweep import Sweep, format_value

__all__ = ["compare_columns", "outcome_columns", "solve_columns", "sweep_columns"]


def _month(month: int | None) -> str:
    return "" if month is None else units.format_month(month)


def _number(value: float | int | None) -> Any:
    return "" if value is None else value


def outcome_columns(outcomes: Sequence[Outcome], file: str = "the table of outcomes") -> dict[str, list[Any]]:
    """The :class:`Outcome` fields of each run as columns.

    Targets get ``months_late_<name>`` (and, with uncertain inputs,
    ``p_on_time_<name>``); streams with a share ``carried_share_<id>`` (at
    ``carried_share_month``); with uncertain inputs, ``months_short_p10`` ... and the like
    give quantiles over the samples. Targets or streams missing from some runs have empty
    cells there. Raises :class:`~capacity_model.errors.CapacityModelError` when names give
    two columns one name (a stream ``month``; streams ``a`` and ``a_p10`` with uncertain
    inputs); ``file`` names the table in that message.
    """
    table = Columns[list[Any]](file)
    _add_outcomes(table, outcomes)
    return table.columns


def _add_outcomes(table: Columns[list[Any]], outcomes: Sequence[Outcome]) -> None:
    """Add the columns of :func:`outcome_columns` to ``table``."""
    names = list(dict.fromkeys(n for o in outcomes for n in o.months_late))
    streams = list(dict.fromkeys(k for o in outcomes for k in o.carried_share))
    add = table.add
    add("first_shortfall_month", [_month(o.first_shortfall) for o in outcomes], "the first shortfall")
    add("order_by_month", [_month(o.order_by) for o in outcomes], "the order-by month")
    add(
        "capacity_at_horizon_gbps",
        [o.capacity_at_horizon_gbps for o in outcomes],
        "the capacity at the horizon",
    )
    add("demand_at_horizon_gbps", [o.demand_at_horizon_gbps for o in outcomes], "the demand at the horizon")
    add("gap_at_horizon_gbps", [o.gap_at_horizon_gbps for o in outcomes], "the gap at the horizon")
    add("months_short", [o.months_short for o in outcomes], "the months short")
    add("unserved_tbps_months", [o.unserved_tbps_months for o in outcomes], "the unserved traffic")
    add("unserved_share", [o.unserved_share for o in outcomes], "the unserved share")
    add("upgrades_needed", [_number(o.upgrades_needed) for o in outcomes], "the upgrades needed")
    add("plan_added_gbps", [_number(o.plan_added_gbps) for o in outcomes], "the capacity the plan adds")
    for name in names:
        add(
            f"months_late_{name}",
            [_number(o.months_late.get(name)) for o in outcomes],
            _target(name, "its months late"),
        )
    for name in names:
        add(
            f"too_small_{name}",
            ["" if name not in o.months_late else str(name in o.too_small).lower() for o in outcomes],
            _target(name, "whether it is too small"),
        )
    if streams:
        add(
            "carried_share_month", [_month(o.carried_at) for o in outcomes], "the month of the carried shares"
        )
    for stream in streams:
        add(
            f"carried_share_{stream}",
            [_number(o.carried_share.get(stream)) for o in outcomes],
            _stream(stream, "its carried share"),
        )
    if any(o.quantiles is not None for o in outcomes):
        quantities = list(dict.fromkeys(k for o in outcomes for k in (o.quantiles or {})))
        for quantity in quantities:
            column = quantity.replace("carried_share:", "carried_share_")
            for k, level in enumerate(("p10", "p50", "p90")):
                if quantity.startswith("carried_share:"):
                    origin: Origin | str = _stream(
                        quantity.removeprefix("carried_share:"), f"{level.upper()} of its carried share"
                    )
                else:
                    origin = f"the {level.upper()} of {quantity}"
                add(
                    f"{column}_{level}",
                    [_number((o.quantiles or {}).get(quantity, (None, None, None))[k]) for o in outcomes],
                    origin,
                )
    if any(o.n1_months_failing is not None for o in outcomes):
        add("n1_first_failure_month", [_month(o.n1_first_failure) for o in outcomes], "the first N-1 failure")
        add("n1_months_failing", [_number(o.n1_months_failing) for o in outcomes], "the months N-1 fails")
    if any(o.outages_lost_tbps_days is not None for o in outcomes):
        add(
            "outages_lost_tbps_days",
            [_number(o.outages_lost_tbps_days) for o in outcomes],
            "the traffic the outages lose",
        )
    if any(o.p_on_time is not None for o in outcomes):
        add(
            "p_no_shortfall", [_number(o.p_no_shortfall) for o in outcomes], "the probability of no shortfall"
        )
        for q in ("p10", "p50", "p90"):
            add(
                f"first_shortfall_{q}_month",
                [_month(getattr(o, f"first_shortfall_{q}")) for o in outcomes],
                f"the {q.upper()} of the first shortfall",
            )
        for name in names:
            add(
                f"p_on_time_{name}",
                [_number((o.p_on_time or {}).get(name)) for o in outcomes],
                _target(name, "its probability of being on time"),
            )


def _stream(stream_id: str, role: str) -> Origin:
    return Origin(f"stream id '{stream_id}' ({role})", "stream")


def _target(name: str, role: str) -> Origin:
    return Origin(f"target '{name}' ({role})", "target")


def compare_columns(
    names: Sequence[str], files: Sequence[str], outcomes: Sequence[Outcome]
) -> dict[str, list[Any]]:
    """One row per scenario, then differences against the first: months of first shortfall
    (positive = later), gap at the horizon [Gbps], months short and unserved traffic [Tbps·months].
    Raises :class:`~capacity_model.errors.CapacityModelError` as :func:`outcome_columns` does."""
    first = outcomes[0]
    table = Columns[list[Any]]("comparison.csv")
    table.add("scenario", list(names), "the scenario's name")
    table.add("file", list(files), "the scenario's file")
    _add_outcomes(table, outcomes)
    table.add(
        "first_shortfall_vs_first_months",
        [
            ""
            if o.first_shortfall is None or first.first_shortfall is None
            else o.first_shortfall - first.first_shortfall
            for o in outcomes
        ],
        "the first shortfall against the first scenario's",
    )
    table.add(
        "gap_at_horizon_vs_first_gbps",
        [o.gap_at_horizon_gbps - first.gap_at_horizon_gbps for o in outcomes],
        "the gap at the horizon against the first scenario's",
    )
    table.add(
        "months_short_vs_first",
        [o.months_short - first.months_short for o in outcomes],
        "the months short against the first scenario's",
    )
    table.add(
        "unserved_tbps_months_vs_first",
        [o.unserved_tbps_months - first.unserved_tbps_months for o in outcomes],
        "the unserved traffic against the first scenario's",
    )
    return table.columns


def sweep_columns(sweep: Sweep) -> dict[str, list[Any]]:
    """One row per grid point: each swept field (as written, in its unit), then the outcomes.
    Raises :class:`~capacity_model.errors.CapacityModelError` as :func:`outcome_columns` does."""
    table = Columns[list[Any]]("sweep.csv")
    for k, axis in enumerate(sweep.axes):
        table.add(axis.path, [axis.label(point[k]) for point in sweep.points], f"the swept field {axis.path}")
    _add_outcomes(table, sweep.outcomes)
    return table.columns


def solve_columns(solution: Solution) -> dict[str, list[Any]]:
    """One row per value tried on the grid: the value, the condition's quantity and threshold, and
    whether it holds."""
    ref = solution.ref
    table = Columns[list[Any]]("solve.csv")
    table.add(ref.path, [format_value(ref, v) for v in solution.grid], f"the field {ref.path}")
    table.add("quantity", list(solution.quantity), "the condition's quantity")
    table.add("threshold", list(solution.threshold), "the condition's threshold")
    table.add("holds", [str(h).lower() for h in solution.holds], "whether the condition holds")
    return table.columns
