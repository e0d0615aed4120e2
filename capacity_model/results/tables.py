"""Tables of a run as columns (name -> one value per row), ready to write as CSV.

Column names carry their units (``_gbps``; fractions have none); months are
written ``YYYY-MM``. Documented in README, "Outputs".

Names built from ids can clash (a link ``with_plan`` gives ``capacity_with_plan_gbps``, the
name of the capacity with the plan), so every table whose names come from the scenario is
built through :class:`Columns`, which refuses a name given twice instead of letting one
column replace another.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from ..engine import Projection
from ..errors import CapacityModelError
from ..units import format_month

if TYPE_CHECKING:  # the Monte Carlo modules load scipy.stats: only runs with uncertainty need them
    from ..engine.montecarlo import MonteCarlo

__all__ = [
    "IAMC_REGION",
    "Columns",
    "Origin",
    "announced_vs_needed",
    "csv_text",
    "iamc_columns",
    "plan_columns",
    "quantile_columns",
    "timeline_columns",
]


@dataclass(frozen=True)
class Origin:
    """What gives a column its name: something the scenario's author named, or the table itself."""

    what: str
    """For a name built from an id: the id and the column's role, e.g. ``stream id 'x'
    (its carried share)``; for a column every such table has: what it holds, e.g.
    ``the capacity with the plan``."""
    rename: str | None = None
    """What the author renames to end a clash (``link``, ``stream``, ``target``); None for a
    column of the table's own."""


_V = TypeVar("_V")


class Columns(Generic[_V]):
    """A table under construction: column name -> values, in the order added, each name once.

    :meth:`add` refuses a name already in the table with a :class:`CapacityModelError` that
    says, for the scenario's author, which two things give that name and what to rename.

    >>> table = Columns[list[int]]("timeline.csv")
    >>> table.add("capacity_with_plan_gbps", [7], Origin("link id 'with_plan'", "link"))
    >>> table.add("capacity_with_plan_gbps", [1007], Origin("the capacity with the plan"))
    Traceback (most recent call last):
    ...
    capacity_model.errors.CapacityModelError: link id 'with_plan' gives the column \
'capacity_with_plan_gbps' of timeline.csv, which the table also uses for the capacity with the \
plan; rename the link
    """

    def __init__(self, file: str) -> None:
        self.file = file
        """Name of the table in messages, e.g. ``timeline.csv``."""
        self.columns: dict[str, _V] = {}
        """The table built so far."""
        self._origins: dict[str, Origin] = {}

    def add(self, name: str, values: _V, origin: Origin | str) -> None:
        """Add the column ``name``; ``origin`` is an :class:`Origin` or, for a column of the
        table's own, what it holds."""
        if isinstance(origin, str):
            origin = Origin(origin)
        if name in self.columns:
            raise CapacityModelError(_clash(name, self.file, self._origins[name], origin))
        self.columns[name] = values
        self._origins[name] = origin


def _clash(name: str, file: str, first: Origin, second: Origin) -> str:
    """The message for two things that give ``file`` the same column ``name``."""
    column = f"the column '{name}' of {file}"
    if first.rename is None and second.rename is not None:
        first, second = second, first
    if second.rename is None:
        if first.rename is None:  # two of the table's own columns: a mistake in this module
            return f"{first.what} and {second.what} both give {column}"
        return f"{first.what} gives {column}, which the table also uses for {second.what}; rename the {first.rename}"
    if first.rename == second.rename:
        remedy = f"rename one of the two {first.rename}s"
    else:
        remedy = f"rename the {first.rename} or the {second.rename}"
    return f"{first.what} and {second.what} both give {column}; {remedy}"


def _dates(months: NDArray[np.int64]) -> NDArray[Any]:
    return np.array([format_month(int(m)) for m in months])


def timeline_columns(projection: Projection) -> dict[str, NDArray[Any]]:
    """The monthly table: column name -> values, one row per month.

    Columns: ``date``, ``capacity_<link>_gbps`` per link, ``total_capacity_gbps``, (when a
    phase gives ``installed``) ``installed_<link>_gbps`` per link and ``total_installed_gbps``,
    ``demand_<stream>_gbps`` per stream, ``share_<stream>`` per stream with a share,
    ``total_demand_gbps``, ``utilisation``, ``headroom_gbps``, ``required_capacity_gbps``,
    ``gap_gbps``, ``unserved_gbps``; with two links or more (or risk groups)
    ``n1_capacity_gbps``, ``n1_headroom_gbps``, ``n1_at_risk_gbps`` and, per risk group,
    ``n1_<group>_capacity_gbps`` and so on; with an activation delay, the same with the
    survivors' unlit capacity on, ``n1_activated_capacity_gbps``, ``n1_activated_at_risk_gbps``
    (and per group); per stream ``carried_<stream>_gbps`` and
    ``unserved_<stream>_gbps``, and ``carried_share_<stream>`` for streams with a share;
    then ``plan_added_gbps`` and ``capacity_with_plan_gbps``.

    Raises :class:`CapacityModelError` when ids give two columns one name (a link ``with_plan``,
    streams ``share_x`` and ``x_gbps`` with shares), naming what to rename.
    """
    table = Columns[NDArray[Any]]("timeline.csv")
    table.add("date", _dates(projection.months), "the month")
    for link_id, values in projection.link_capacity_gbps.items():
        table.add(f"capacity_{link_id}_gbps", values, Origin(f"link id '{link_id}'", "link"))
    table.add("total_capacity_gbps", projection.capacity_gbps, "the corridor's capacity")
    if projection.installed_given:  # only when a phase gives it: otherwise the capacity columns again
        for link_id, values in projection.link_installed_gbps.items():
            table.add(f"installed_{link_id}_gbps", values, Origin(f"link id '{link_id}'", "link"))
        table.add("total_installed_gbps", projection.installed_gbps, "the installed capacity")
    for stream_id, values in projection.stream_demand_gbps.items():
        table.add(f"demand_{stream_id}_gbps", values, _stream(stream_id, "its demand"))
    for stream_id, share in projection.stream_share.items():
        if share is not None:
            table.add(f"share_{stream_id}", share, _stream(stream_id, "its share"))
    table.add("total_demand_gbps", projection.demand_gbps, "the corridor's demand")
    table.add("utilisation", projection.utilisation, "the utilisation")
    table.add("headroom_gbps", projection.headroom_gbps, "the headroom")
    table.add("required_capacity_gbps", projection.required_capacity_gbps, "the capacity required")
    table.add("gap_gbps", projection.gap_gbps, "the gap")
    table.add("unserved_gbps", projection.unserved_gbps, "the unserved traffic")
    if projection.resilience_applies:
        losses = {"": projection.n_minus_1} | {f"{g}_": loss for g, loss in projection.group_losses.items()}
        for prefix, loss in losses.items():
            origin = Origin(f"risk group id '{prefix[:-1]}'", "risk group") if prefix else "the N-1 analysis"
            table.add(f"n1_{prefix}capacity_gbps", loss.left_gbps, origin)
            table.add(f"n1_{prefix}headroom_gbps", loss.headroom_gbps, origin)
            table.add(f"n1_{prefix}at_risk_gbps", loss.at_risk_gbps, origin)
        if projection.n_minus_1_activated is not None:
            after = {"": projection.n_minus_1_activated} | {
                f"{g}_": loss for g, loss in projection.group_losses_activated.items()
            }
            for prefix, loss in after.items():
                origin = (
                    Origin(f"risk group id '{prefix[:-1]}'", "risk group") if prefix else "the N-1 analysis"
                )
                table.add(f"n1_activated_{prefix}capacity_gbps", loss.left_gbps, origin)
                table.add(f"n1_activated_{prefix}at_risk_gbps", loss.at_risk_gbps, origin)
    for stream_id, carried in projection.stream_carried_gbps.items():
        table.add(f"carried_{stream_id}_gbps", carried, _stream(stream_id, "its carried traffic"))
        table.add(
            f"unserved_{stream_id}_gbps",
            projection.stream_unserved_gbps(stream_id),
            _stream(stream_id, "its unserved traffic"),
        )
    for stream_id in projection.stream_share:
        share = projection.carried_share(stream_id)
        if share is not None:
            table.add(f"carried_share_{stream_id}", share, _stream(stream_id, "its carried share"))
    table.add("plan_added_gbps", projection.plan.added_gbps, "the capacity the plan adds")
    table.add("capacity_with_plan_gbps", projection.plan.capacity_gbps, "the capacity with the plan")
    return table.columns


def _stream(stream_id: str, role: str) -> Origin:
    return Origin(f"stream id '{stream_id}' ({role})", "stream")


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
