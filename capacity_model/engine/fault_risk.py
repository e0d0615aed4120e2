"""Fault risk of a scenario: its fault sources resolved for a chunk of samples, their faults
drawn and costed (see :mod:`.faults`). The only place of the fault code that knows the
scenario's shape, as :mod:`.evaluation` is for the monthly quantities.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..schema import Z_90, Scenario
from .evaluation import Evaluation, Values, link_capacity_gbps
from .faults import DAYS_PER_YEAR, FaultLosses, draw_faults, fault_losses
from .outages import month_start_days
from .readiness import link_installed_gbps

__all__ = ["FAULT_CELLS", "fault_risk"]

FloatArray = NDArray[np.float64]

#: Values a call of :func:`~.faults.fault_losses` holds per array (samples x links x cuts):
#: about 16 MB per float array. Chunks of samples are cut smaller to stay within it.
FAULT_CELLS = 2_000_000


def _column(value: object, rows: int) -> FloatArray:
    """A field's value for each sample, ``(rows,)``: a sampled ``(rows, 1)`` array or a scalar."""
    return np.broadcast_to(np.asarray(value, dtype=float).reshape(-1), (rows,))


def fault_risk(
    scenario: Scenario,
    months: NDArray[np.int64],
    result: Evaluation,
    values: Values,
    positions: NDArray[np.int64],
    seed: int,
) -> FaultLosses:
    """Draw and cost the faults of the samples at ``positions`` of the run's random streams.

    Parameters
    ----------
    scenario, months
        The scenario and its period's months.
    result, values
        The samples' monthly quantities and their uncertain inputs (rows in the same order).
    positions
        Position of each sample among the fault streams, ``(rows,)``: its index in a Monte
        Carlo run; its base row in the Sobol' matrices (common random numbers).
    seed
        The run's seed.
    """
    rows = len(positions)
    sources = scenario.fault_sources()
    link_ids = [link.id for link in scenario.links]
    links = {link.id: link for link in scenario.links}
    members = np.array([[i in s.links for i in link_ids] for s in sources], dtype=bool)
    rate = np.empty((rows, len(sources)))
    median = np.empty((rows, len(sources)))
    sigma = np.empty((rows, len(sources)))
    for k, source in enumerate(sources):
        faults = source.faults
        if faults.rate is not None:
            rate[:, k] = _column(values(faults, "rate"), rows)
        else:
            link = links[source.id]
            length = _column(values(link, "length"), rows)
            rate[:, k] = _column(values(faults, "rate_per_1000_km"), rows) * length / 1000
        median[:, k] = _column(values(faults.repair, "median"), rows)
        if faults.repair.p90 is None:
            sigma[:, k] = 0.0
        else:
            p90 = _column(values(faults.repair, "p90"), rows)
            sigma[:, k] = np.maximum(0.0, np.log(p90 / median[:, k])) / Z_90
    starts = month_start_days(months)
    year_of_month = np.searchsorted(np.unique(months // 12), months // 12)
    lit = np.stack(
        [np.broadcast_to(result.link_capacity_gbps[i], (rows, len(months))) for i in link_ids], axis=1
    )
    # Unlit capacity as the file writes it (installed less lit, both as written), and only
    # while the link is in service in the sample: a sampled date or capacity moves no equipment.
    written_dark = np.stack(
        [
            np.maximum(
                0.0,
                link_installed_gbps(
                    months, link.installed_gbps, [p.in_service for p in link.phases], link.retire
                )
                - link_capacity_gbps(link, months),
            )
            for link in scenario.links
        ]
    )[None]
    installed = lit + np.where(lit > 0, written_dark, 0.0)
    demand = np.broadcast_to(result.demand_gbps, (rows, len(months)))
    expected = float((rate.sum(axis=1) * starts[-1] / DAYS_PER_YEAR).max()) if rows else 0.0
    cuts = len(months) + 1 + 3 * int(expected + 6 * np.sqrt(expected) + 6)
    step = max(1, FAULT_CELLS // (len(link_ids) * cuts))
    parts: list[FaultLosses] = []
    planning = scenario.planning
    for start in range(0, rows, step):
        part = slice(start, start + step)
        draws = draw_faults(rate[part], median[part], sigma[part], float(starts[-1]), seed, positions[part])
        parts.append(
            fault_losses(
                draws,
                members,
                lit[part],
                installed[part],
                demand[part],
                starts,
                year_of_month,
                planning.emergency_utilisation,
                planning.activation_delay,
            )
        )
    if len(parts) == 1:
        return parts[0]
    return FaultLosses(
        lost_tbps_days=np.concatenate([p.lost_tbps_days for p in parts]),
        demand_tbps_days=np.concatenate([p.demand_tbps_days for p in parts]),
        losing_days=np.concatenate([p.losing_days for p in parts]),
        days=parts[0].days,
        faults=np.concatenate([p.faults for p in parts]),
    )
