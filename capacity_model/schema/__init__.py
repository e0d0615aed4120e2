"""Pydantic models of one scenario: types, units, bounds and cross-field rules.

No I/O happens here: :class:`Scenario` is built from a plain dict (see
``scenario_files`` for reading YAML). Values are held in the package's base
units: bit rates in Gbps (float), dates as month indices (int, see
:mod:`capacity_model.units`), durations in months (int), percentages as
fractions. They are written back in readable units when dumped in JSON mode.

A rule that involves several fields is a named validator whose message names
the fields and the values found. When such a rule points at a field deeper
than the model it is checked on, the error carries that relative path in its
context under ``"at"``, so that the loader can name the exact line.

The models are split by domain: :mod:`.planning` (period, planning rules),
:mod:`.links` (corridors, links, targets), :mod:`.failures` (faults, risk groups,
outages), :mod:`.demand` (streams, growth, shares), :mod:`.scenario` (the whole
file), with the rules spanning it in :mod:`.checks` and :mod:`.workload`, and the most
entries of a list in :mod:`.limits`.
"""

from __future__ import annotations

from ..quantities import BitRate, Duration, Fraction, GrowthRate, Month, did_you_mean, problem
from .demand import (
    FEWEST_FITTED_POINTS,
    FIT_FORMS,
    MAX_FITTED_POINTS,
    MODEL_TAGS,
    MOST_GIVEN_BREAKS,
    Base,
    BassShare,
    CagrGrowth,
    ConstantShare,
    DemandStream,
    FittedGrowth,
    FittedPoint,
    Growth,
    LinearShare,
    LogisticShare,
    PiecewiseGrowth,
    RateFrom,
    SeriesGrowth,
    SeriesPoint,
    Share,
)
from .failures import Z_90, Faults, FaultSource, Outage, Repair, RiskGroup
from .limits import MAX_ENTRIES, MAX_POINTS, MAX_RATES, MAX_SOURCES
from .links import Corridor, Link, Phase, Potential, Target
from .planning import DEFAULT_UPGRADE, MAX_PLAN_MONTHS, MIN_UTILISATION, Period, Planning, UpgradeRule
from .scenario import Scenario
from .workload import network_work, workload_findings

__all__ = [
    "DEFAULT_UPGRADE",
    "FEWEST_FITTED_POINTS",
    "FIT_FORMS",
    "MAX_ENTRIES",
    "MAX_FITTED_POINTS",
    "MAX_PLAN_MONTHS",
    "MAX_POINTS",
    "MAX_RATES",
    "MAX_SOURCES",
    "MIN_UTILISATION",
    "MODEL_TAGS",
    "MOST_GIVEN_BREAKS",
    "Z_90",
    "Base",
    "BassShare",
    "BitRate",
    "CagrGrowth",
    "ConstantShare",
    "Corridor",
    "DemandStream",
    "Duration",
    "FaultSource",
    "Faults",
    "FittedGrowth",
    "FittedPoint",
    "Fraction",
    "Growth",
    "GrowthRate",
    "LinearShare",
    "Link",
    "LogisticShare",
    "Month",
    "Outage",
    "Period",
    "Phase",
    "PiecewiseGrowth",
    "Planning",
    "Potential",
    "RateFrom",
    "Repair",
    "RiskGroup",
    "Scenario",
    "SeriesGrowth",
    "SeriesPoint",
    "Share",
    "Target",
    "UpgradeRule",
    "did_you_mean",
    "network_work",
    "problem",
    "workload_findings",
]
