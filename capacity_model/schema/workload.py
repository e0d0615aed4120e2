"""What a run costs: faults expected, and the work of routing a network; runs the machine
cannot bear in about a minute are refused."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ..quantities import Finding
from ..uncertainty import reach, resolve_parameters

if TYPE_CHECKING:
    from .scenario import Scenario

#: Most faults expected in one sample over the period (the sum over fault sources of rate x
#: years): each is a pair of cuts of the period in every sample.
MAX_FAULTS_PER_SAMPLE = 2000
#: Most fault-source values per Monte Carlo run: samples x links x (months + 3 x faults
#: expected), about a minute of drawing and evaluating faults.
MAX_FAULT_WORK = 3e9
#: Routings of a piece of time while links are down: the three nodes of the rule and the two
#: ends, with and without the events, and halvings where the routing changes inside it.
ROUTINGS_PER_PIECE = 20
#: Routings of one integration of pieces at most: the two ends and three nodes, with and without
#: the events, and three nodes on either side of each of 20 halvings.
ROUTINGS_PER_CALL = 2 * (2 + 3 * (1 + 20))
#: Cost of one numpy operation on a small array, in units of work (about 2 µs).
OPERATION_NS = 2000
#: Most work of routing a network over the samples, outage windows and faults (about a
#: nanosecond a unit on the slowest routing measured: about a minute).
MAX_NETWORK_WORK = 6e10


def _expected_faults(scenario: Scenario) -> tuple[float, bool]:
    """The most faults a sample can be expected to draw over the period, each rate (and
    length) at the highest value the uncertainty section can give it; and whether a sampled
    value raised it."""
    sources = scenario.fault_sources()
    if not sources or scenario.uncertainty is None:
        return 0.0, False
    months = scenario.period.end - scenario.period.start + 1
    parameters = resolve_parameters(scenario, scenario.uncertainty)[0]
    highest = {(id(p.ref.owner), p.ref.field): reach(p)[1] for p in parameters}

    def top(owner: BaseModel, field: str) -> float:
        return max(float(getattr(owner, field) or 0.0), highest.get((id(owner), field), 0.0))

    rates = []
    for source in sources:
        faults = source.faults
        if faults.rate is not None:
            rates.append(top(faults, "rate"))
        else:
            link = next(link for link in scenario.links if link.id == source.id)
            rates.append(top(faults, "rate_per_1000_km") * top(link, "length") / 1000)
    return months / 12 * sum(rates), bool(highest)


def fault_findings(scenario: Scenario) -> list[Finding]:
    """Faults need a Monte Carlo run (an uncertainty section), and a workload the machine can bear."""
    sources = scenario.fault_sources()
    if not sources:
        return []
    if scenario.uncertainty is None:
        return [
            (
                "faults are drawn at random in a Monte Carlo run; add an uncertainty section, e.g. "
                "'uncertainty: {samples: 10000}' (parameters are optional)",
                sources[0].at,
            )
        ]
    expected, sampled = _expected_faults(scenario)
    if expected > MAX_FAULTS_PER_SAMPLE:
        with_highest = (
            " (with the highest rates and lengths the uncertainty section can draw)" if sampled else ""
        )
        return [
            (
                f"the fault rates expect {expected:,.0f} faults in each sample over the period{with_highest}, "
                f"more than {MAX_FAULTS_PER_SAMPLE:,}; lower the rates or shorten the period",
                sources[0].at,
            )
        ]
    return []


def workload_findings(scenario: Scenario, samples: int | None = None) -> list[Finding]:
    """Runs the machine cannot bear in about a minute: the faults drawn over the samples (and
    the Sobol' and tornado runs), and a network of corridors routed over the samples, the
    outage windows and the faults. ``samples`` overrides ``uncertainty.samples`` (``--samples``)."""
    spec = scenario.uncertainty
    months = scenario.period.end - scenario.period.start + 1
    d = len(spec.parameters) if spec is not None else 0
    drawn = (samples or spec.samples) if spec is not None else 0
    expected = _expected_faults(scenario)[0]
    findings: list[Finding] = []
    if scenario.fault_sources() and spec is not None:
        # Samples, and with uncertain inputs the Sobol' runs and the tornado's 256 draws a row.
        runs = drawn + (spec.sobol_samples * (d + 2) + 256 * (2 * d + 1) if d else 0)
        work = runs * len(scenario.links) * (months + 3 * (expected + 6 * math.sqrt(expected) + 6))
        if work > MAX_FAULT_WORK:
            findings.append(
                (
                    f"{runs:,} runs of faults (samples"
                    + (", Sobol' runs and tornado" if d else "")
                    + f") over {len(scenario.links)} links and {months:,} months would take too long (about "
                    f"{work / MAX_FAULT_WORK:.1f} times the most allowed, about a minute); use fewer samples"
                    + (" or sobol_samples" if d else "")
                    + ", links or months",
                    ("uncertainty", "samples"),
                )
            )
    if len(scenario.corridors) > 1:
        work = network_work(scenario, drawn, expected)
        if work > MAX_NETWORK_WORK:
            crossed = _crossings(scenario)
            findings.append(
                (
                    f"routing {len(scenario.demand)} streams over {len(scenario.corridors)} corridors "
                    f"({crossed:,} crossings of a corridor on routes and backups) over "
                    + " and ".join(
                        [f"{drawn:,} samples of {months:,} months" if drawn else f"{months:,} months"]
                        + (["the outage windows"] if scenario.outages else [])
                        + (["the faults"] if expected else [])
                    )
                    + f" would take too long (about {work / MAX_NETWORK_WORK:.1f} times the most allowed, "
                    "about a minute); use "
                    + ("fewer samples, " if drawn else "")
                    + ("fewer or shorter outages, " if scenario.outages else "")
                    + "shorter routes or fewer corridors",
                    ("uncertainty", "samples")
                    if drawn
                    else ("outages",)
                    if scenario.outages
                    else ("corridors",),
                )
            )
    return findings


def _crossings(scenario: Scenario) -> int:
    """Corridors crossed on every stream's route and backups, counted each time."""
    return sum(len(s.route or [""]) + sum(len(b) for b in s.backup) for s in scenario.demand)


def network_work(scenario: Scenario, samples: int, expected_faults: float) -> float:
    """Work of routing a network (in units of about a nanosecond on the slowest routing measured).

    A routing of ``m`` values takes at most ``(corridors + 1) × crossings`` numpy operations (a
    filling round per corridor, each over every crossing of a corridor by a stream's route or
    backup), each costing about :data:`OPERATION_NS` plus a unit a value. The network is routed
    for every month of each sample; in the outage windows (all outages together, then each
    alone) on about :data:`ROUTINGS_PER_PIECE` values a day; in each sample, with faults, as
    many a month and a fault event (three a fault, expected faults with six standard
    deviations); and each integration of pieces routes :data:`ROUTINGS_PER_CALL` times at most,
    once for the outages together, once for each alone, and about once for each chunk of
    samples (at most 2,000,000 values of links × cuts, or 16,000,000 of routed months)."""
    months = scenario.period.end - scenario.period.start + 1
    per_routing = (len(scenario.corridors) + 1) * _crossings(scenario)
    outage_days = 2 * sum(math.ceil(o.duration) + 1 for o in scenario.outages)
    cuts = months + 3 * (expected_faults + 6 * math.sqrt(expected_faults) + 6)
    fault_pieces = cuts if expected_faults else 0
    values = (
        months + samples * (months + ROUTINGS_PER_PIECE * fault_pieces) + ROUTINGS_PER_PIECE * outage_days
    )
    calls = (1 + len(scenario.outages)) if scenario.outages else 0
    if expected_faults and samples:
        streams = 8 * len(scenario.demand) + 4 * len(scenario.corridors) + 2 * _crossings(scenario)
        calls += math.ceil(samples * len(scenario.links) * cuts / 2e6) + math.ceil(
            samples * months * streams / 16e6
        )
    return float(per_routing * (values + OPERATION_NS * ROUTINGS_PER_CALL * calls))
