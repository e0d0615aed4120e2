"""Tables of a run as columns (name -> one value per row), ready to write as CSV.

Column names carry their units (``_gbps``; fractions have none); months are
written ``YYYY-MM``. Documented in README, "Outputs".
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..engine import Projection
from ..units import format_month

if TYPE_CHECKING:  # the Monte Carlo modules load scipy.stats: only runs with uncertainty need them
    from ..engine.montecarlo import MonteCarlo

__all__ = [
    "IAMC_REGION",
    "announced_vs_needed",
    "csv_text",
    "iamc_columns",
    "plan_columns",
    "quantile_columns",
    "timeline_columns",
]


def _dates(months: NDArray[np.int64]) -> NDArray[Any]:
    return np.array([format_month(int(m)) for m in months])


def timeline_columns(projection: Projection) -> dict[str, NDArray[Any]]:
    """The monthly table: column name -> values, one row per month.

    Columns: ``date``, ``capacity_<link>_gbps`` per link, ``total_capacity_gbps``,
    ``demand_<stream>_gbps`` per stream, ``share_<stream>`` per stream with a share,
    ``total_demand_gbps``, ``utilisation``, ``headroom_gbps``, ``required_capacity_gbps``,
    ``gap_gbps``, ``unserved_gbps``; per stream ``carried_<stream>_gbps`` and
    ``unserved_<stream>_gbps``, and ``carried_share_<stream>`` for streams with a share;
    then ``plan_added_gbps`` and ``capacity_with_plan_gbps``.
    """
    columns: dict[str, NDArray[Any]] = {"date": _dates(projection.months)}
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
    columns["unserved_gbps"] = projection.unserved_gbps
    for stream_id, carried in projection.stream_carried_gbps.items():
        columns[f"carried_{stream_id}_gbps"] = carried
        columns[f"unserved_{stream_id}_gbps"] = projection.stream_unserved_gbps(stream_id)
    for stream_id in projection.stream_share:
        share = projection.carried_share(stream_id)
        if share is not None:
            columns[f"carried_share_{stream_id}"] = share
    columns["plan_added_gbps"] = projection.plan.added_gbps
    columns["capacity_with_plan_gbps"] = projection.plan.capacity_gbps
    return columns


#: IAMC region of every row: the model describes one corridor.
IAMC_REGION = "Corridor"


#: Quantities of the quantile table and their IAMC variables and units (with the factor to them).
_IAMC_QUANTILES = {
    "demand_gbps": ("Demand", "Gbps", 1.0),
    "capacity_gbps": ("Capacity", "Gbps", 1.0),
    "utilisation": ("Utilisation", "%", 100.0),
    "headroom_gbps": ("Headroom", "Gbps", 1.0),
    "gap_gbps": ("Capacity Gap", "Gbps", 1.0),
}


def iamc_columns(projection: Projection, model: str, mc: MonteCarlo | None = None) -> dict[str, list[Any]]:
    """The monthly timeline as an IAMC-style long table, one row per variable and month.

    Columns ``model, scenario, region, variable, unit, time, value``, the layout
    ``pyam.IamDataFrame`` reads (``time`` is the first day of the month, ISO 8601).
    Variables: ``Capacity`` and ``Capacity|<link id>`` [Gbps], ``Demand`` and
    ``Demand|<stream id>`` [Gbps], ``Utilisation`` [%], ``Headroom``,
    ``Required Capacity``, ``Capacity Gap``, ``Unserved Traffic``,
    ``Carried Traffic`` and ``Carried Traffic|<stream id>``, ``Capacity Added by Plan`` [Gbps].
    Sub-variables (``|``) add up to their parent, as pyam's aggregation checks expect.

    With a Monte Carlo run, the quantiles of ``Demand``, ``Capacity``, ``Utilisation``,
    ``Headroom`` and ``Capacity Gap`` follow as scenarios ``<name>|P5`` ... ``<name>|P95``, so
    that pyam can draw bands. Non-finite values (utilisation with no capacity in service) are
    left out: pyam refuses a file that has them.
    """
    carried = list(projection.stream_carried_gbps.values())
    series: list[tuple[str, str, str, NDArray[Any]]] = []
    name = projection.scenario.name

    def add(variable: str, unit: str, values: NDArray[Any], scenario: str = name) -> None:
        series.append((scenario, variable, unit, np.asarray(values, dtype=float)))

    add("Capacity", "Gbps", projection.capacity_gbps)
    for k, v in projection.link_capacity_gbps.items():
        add(f"Capacity|{k}", "Gbps", v)
    add("Demand", "Gbps", projection.demand_gbps)
    for k, v in projection.stream_demand_gbps.items():
        add(f"Demand|{k}", "Gbps", v)
    add("Utilisation", "%", projection.utilisation * 100.0)
    add("Headroom", "Gbps", projection.headroom_gbps)
    add("Required Capacity", "Gbps", projection.required_capacity_gbps)
    add("Capacity Gap", "Gbps", projection.gap_gbps)
    add("Unserved Traffic", "Gbps", projection.unserved_gbps)
    add("Carried Traffic", "Gbps", np.sum(carried, axis=0))
    for k, v in projection.stream_carried_gbps.items():
        add(f"Carried Traffic|{k}", "Gbps", v)
    add("Capacity Added by Plan", "Gbps", projection.plan.added_gbps)
    if mc is not None:
        from ..engine.montecarlo import QUANTILES

        for level, q in enumerate(QUANTILES):
            for quantity, (variable, unit, factor) in _IAMC_QUANTILES.items():
                add(variable, unit, mc.quantiles[quantity][level] * factor, f"{name}|P{round(q * 100)}")
    times = np.array([f"{format_month(int(m))}-01" for m in projection.months])
    columns: dict[str, list[Any]] = {
        column: [] for column in ("model", "scenario", "region", "variable", "unit", "time", "value")
    }
    for scenario, variable, unit, values in series:
        finite = np.isfinite(values)
        count = int(finite.sum())
        columns["scenario"] += [scenario] * count
        columns["variable"] += [variable] * count
        columns["unit"] += [unit] * count
        columns["time"] += times[finite].tolist()
        columns["value"] += values[finite].tolist()
    rows = len(columns["value"])
    columns["model"] = [model] * rows
    columns["region"] = [IAMC_REGION] * rows
    return {
        column: columns[column]
        for column in ("model", "scenario", "region", "variable", "unit", "time", "value")
    }


def quantile_columns(mc: MonteCarlo) -> dict[str, NDArray[Any]]:
    """The monthly quantile table: ``date`` then ``<quantity>_p5`` ... ``<quantity>_p95``.

    Quantities: ``demand_gbps``, ``capacity_gbps``, ``utilisation`` (fraction),
    ``headroom_gbps`` and ``gap_gbps``; quantiles within a relative 0.1% (see
    :class:`capacity_model.engine.aggregate.QuantileHistogram`).
    """
    from ..engine.montecarlo import QUANTILES, QUANTITIES

    columns: dict[str, NDArray[Any]] = {"date": _dates(mc.months)}
    for quantity in QUANTITIES:
        for level, values in zip(QUANTILES, mc.quantiles[quantity], strict=True):
            name = quantity.removesuffix("_gbps")
            unit = "_gbps" if quantity.endswith("_gbps") else ""
            columns[f"{name}_p{round(level * 100)}{unit}"] = values
    return columns


def plan_columns(projection: Projection) -> dict[str, list[Any]]:
    """The capacity plan, one row per upgrade (``capacity_plan.csv``).

    Columns: ``upgrade`` (from 1), ``in_service``, ``order_by``, ``order_by_passed``,
    ``steps``, ``step_gbps``, ``size_gbps``, ``capacity_after_gbps`` (planned capacity plus
    every upgrade so far), ``lead_time_months``.
    """
    plan = projection.plan
    ups = plan.upgrades
    return {
        "upgrade": list(range(1, len(ups) + 1)),
        "in_service": [format_month(u.in_service) for u in ups],
        "order_by": [format_month(u.order_by) for u in ups],
        "order_by_passed": [str(u.order_by_passed).lower() for u in ups],
        "steps": [u.steps for u in ups],
        "step_gbps": [plan.step_gbps] * len(ups),
        "size_gbps": [u.size_gbps for u in ups],
        "capacity_after_gbps": [u.capacity_after_gbps for u in ups],
        "lead_time_months": [plan.lead_time_months] * len(ups),
    }


def announced_vs_needed(projection: Projection) -> list[dict[str, Any]]:
    """At each target's deadline: the capacity announced, in service, needed, and with the plan.

    Each row: ``target``, ``by`` (month index), ``announced_gbps`` (the target),
    ``in_service_gbps`` (planned capacity then), ``needed_gbps`` (``D(by)/u``) and
    ``with_plan_gbps`` (planned capacity plus the plan's upgrades). The last two are None
    for a deadline outside the period, where the projection has no value.
    """
    rows = []
    for target in projection.targets:
        try:
            i = projection.index(target.by)
        except IndexError:
            in_service = with_plan = None
        else:
            in_service = float(projection.capacity_gbps[i])
            with_plan = float(projection.plan.capacity_gbps[i])
        rows.append(
            {
                "target": target.name,
                "by": target.by,
                "announced_gbps": target.capacity_gbps,
                "in_service_gbps": in_service,
                "needed_gbps": target.needed_gbps,
                "with_plan_gbps": with_plan,
            }
        )
    return rows


#: First characters that make a spreadsheet read a cell as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A signed number, with a unit as the model writes them ('-50%', '-5 Gbps'): a value, not a formula.
_SIGNED_VALUE = re.compile(r"[-+]?[0-9][0-9.,]*(?:[eE][-+]?[0-9]+)?\s*(?:%|[kMGTP]?bps|months?)?")


def _cell(value: Any) -> str:
    """A cell's text: floats at full precision; text that a spreadsheet would take for a formula
    (a name starting with ``=``, ``+``, ``-`` or ``@``) behind a ``'``, as OWASP advises."""
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (bool, int, np.integer)):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_STARTS) and not _SIGNED_VALUE.fullmatch(text):
        return "'" + text
    return text


def csv_text(columns: Mapping[str, Any]) -> str:
    """Columns (name -> equal-length sequence) as CSV text, floats at full precision, text that
    could be read as a spreadsheet formula neutralised (see :func:`_cell`); the header too."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_cell(name) for name in columns])
    for row in zip(*columns.values(), strict=True):
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()
