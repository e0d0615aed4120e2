"""Fault risk of a scenario: its fault sources resolved for a chunk of samples, their faults
drawn and costed (see :mod:`.faults`). The only place of the fault code that knows the
scenario's shape, as :mod:`.evaluation` is for the monthly quantities.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..schema import Z_90, Scenario
from .evaluation import Evaluation, Values, link_capacity_gbps
from .faults import DAYS_PER_YEAR, FaultDraws, FaultLosses, draw_faults, fault_losses
from .outages import month_start_days
from .readiness import link_installed_gbps

__all__ = [
    "FAULT_CELLS",
    "SourceValues",
    "drawn_in_chunks",
    "fault_risk",
    "installed_gbps",
    "rows_at_once",
    "source_values",
    "written_dark_gbps",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Values a call of :func:`~.faults.fault_losses` holds per array (samples x links x cuts):
#: about 16 MB per float array. Chunks of samples are cut smaller to stay within it.
FAULT_CELLS = 2_000_000


def _column(value: object, rows: int) -> FloatArray:
    """A field's value for each sample, ``(rows,)``: a sampled ``(rows, 1)`` array or a scalar."""
    return np.broadcast_to(np.asarray(value, dtype=float).reshape(-1), (rows,))


@dataclass(frozen=True)
class SourceValues:
    """Each fault source's rate and repair time in each sample, and the links it takes."""

    rate_per_year: FloatArray
    """``λ`` [faults per year], ``(rows, sources)``."""
    repair_median_days: FloatArray
    """``m`` [days], ``(rows, sources)``."""
    repair_sigma: FloatArray
    """``σ`` of the lognormal repair time, ``(rows, sources)``."""
    members: NDArray[np.bool_]
    """Links each source takes down, ``(sources, links)`` in the scenario's link order."""


def source_values(scenario: Scenario, values: Values, rows: int) -> SourceValues:
    """The scenario's fault sources (:meth:`~capacity_model.schema.Scenario.fault_sources`)
    resolved for ``rows`` samples of its uncertain inputs."""
    sources = scenario.fault_sources()
    link_ids = [link.id for link in scenario.links]
    links = {link.id: link for link in scenario.links}
    members = np.array([[i in s.links for i in link_ids] for s in sources], dtype=bool).reshape(
        len(sources), len(link_ids)
    )
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
    return SourceValues(rate, median, sigma, members)


def written_dark_gbps(scenario: Scenario, months: NDArray[np.int64]) -> FloatArray:
    """Unlit capacity of each link as the file writes it (installed less lit, both as written),
    ``(links, months)`` [Gbps]: a sampled date or capacity moves no equipment."""
    return np.stack(
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
    )


def rows_at_once(rate_per_year: FloatArray, horizon_days: float, links: int, months: int) -> int:
    """Samples whose faults are costed at once, so that an array of samples x links x cuts
    holds at most :data:`FAULT_CELLS` values (cuts: the months, and three per fault at most
    the most faults a sample is likely to draw)."""
    expected = (
        float((rate_per_year.sum(axis=1) * horizon_days / DAYS_PER_YEAR).max()) if len(rate_per_year) else 0.0
    )
    cuts = months + 1 + 3 * int(expected + 6 * np.sqrt(expected) + 6)
    return max(1, FAULT_CELLS // (max(links, 1) * cuts))


def drawn_in_chunks(
    sources: SourceValues, horizon_days: float, months: int, seed: int, positions: IntArray
) -> Iterator[tuple[slice, FaultDraws]]:
    """The faults of the samples at ``positions`` over ``[0, horizon_days)``, drawn
    :func:`rows_at_once` samples at a time: each chunk's rows (a slice of the samples) and its
    draws (:func:`~.faults.draw_faults`; a sample's faults do not depend on the chunking)."""
    step = rows_at_once(sources.rate_per_year, horizon_days, sources.members.shape[1], months)
    for start in range(0, len(positions), step):
        part = slice(start, start + step)
        yield (
            part,
            draw_faults(
                sources.rate_per_year[part],
                sources.repair_median_days[part],
                sources.repair_sigma[part],
                horizon_days,
                seed,
                positions[part],
            ),
        )


def installed_gbps(scenario: Scenario, months: IntArray, lit_gbps: FloatArray) -> FloatArray:
    """Capacity installed on each link in each sample [Gbps], ``(rows, links, months)``: the lit
    capacity ``lit_gbps`` (same shape) plus the unlit capacity written for the link, counted only
    while the link is in service in the sample (lit above 0)."""
    return lit_gbps + np.where(lit_gbps > 0, written_dark_gbps(scenario, months)[None], 0.0)


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
    sources = source_values(scenario, values, rows)
    link_ids = [link.id for link in scenario.links]
    starts = month_start_days(months)
    year_of_month = np.searchsorted(np.unique(months // 12), months // 12)
    lit = np.stack(
        [np.broadcast_to(result.link_capacity_gbps[i], (rows, len(months))) for i in link_ids], axis=1
    )
    installed = installed_gbps(scenario, months, lit)
    demand = np.broadcast_to(result.demand_gbps, (rows, len(months)))
    planning = scenario.planning
    return FaultLosses.joined(
        [
            fault_losses(
                draws,
                sources.members,
                lit[part],
                installed[part],
                demand[part],
                starts,
                year_of_month,
                planning.emergency_utilisation,
                planning.activation_delay,
            )
            for part, draws in drawn_in_chunks(sources, float(starts[-1]), len(months), seed, positions)
        ]
    )
