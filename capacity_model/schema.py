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
"""

from __future__ import annotations

import math
import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, field_validator, model_validator

from . import units
from .paths import FieldRef
from .quantities import (
    MAX_FIBRE_COUNT,
    POSITIVE_BIT_RATE_SCHEMA,
    BassCoefficient,
    BitRate,
    CapacityLost,
    CapacityLostField,
    ColumnName,
    DataMonth,
    DataPath,
    Day,
    DelayDays,
    Duration,
    DurationDays,
    FaultRate,
    FaultRatePer1000Km,
    FibreCount,
    Finding,
    Fraction,
    GrowthRate,
    Id,
    LengthKm,
    Month,
    Name,
    ObservedValue,
    PositiveBitRate,
    Priority,
    RepairDays,
    SourceKey,
    StrictModel,
    Text,
    breaks_problem,
    did_you_mean,
    problem,
    raise_all,
    same_name_key,
)
from .uncertainty import Parameter, Uncertainty, reach, resolve_parameters, workload_problems

__all__ = [
    "Base",
    "BassShare",
    "BitRate",
    "CagrGrowth",
    "ConstantShare",
    "Corridor",
    "DemandStream",
    "Duration",
    "Faults",
    "FittedGrowth",
    "FittedPoint",
    "Fraction",
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
    "Repair",
    "RiskGroup",
    "Scenario",
    "SeriesGrowth",
    "Target",
    "UpgradeRule",
    "did_you_mean",
    "problem",
]


#: Most links, demand streams, targets, and phases of one link: each has its own lines, table
#: rows and chart series in the report (50 of each take about 15 s to draw).
MAX_ENTRIES = 50
#: Most rates of a piecewise growth, and points of a series (one a month for 200 years).
MAX_RATES, MAX_POINTS = 200, 2400
#: The forms a growth curve is fitted with (``capacity-model fit``, ``growth: {model: fitted}``).
FIT_FORMS = ("cagr", "piecewise", "logistic", "gompertz", "bass")
#: Most breakpoints given to a piecewise fit.
MOST_GIVEN_BREAKS = 10
#: The standard normal's 90th percentile, for lognormal repair times given by their P90.
Z_90 = 1.2815515655446004
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
#: Most entries of ``sources``.
MAX_SOURCES = 200
#: Most fibre pairs and wavelengths per pair of a link's potential: far above any system built
#: (the largest submarine systems have 24 pairs; a C+L grid holds a few hundred wavelengths).
MAX_FIBRE_PAIRS = MAX_WAVELENGTHS = MAX_FIBRE_COUNT


class Period(StrictModel):
    """The months the model steps through, both ends included."""

    start: Month
    """First month of the projection, e.g. ``2026-01``."""
    end: Month
    """Last month of the projection (included), e.g. ``2040-12``."""

    @model_validator(mode="after")
    def check_end_after_start(self) -> Period:
        if self.end < self.start:
            raise problem(
                f"{units.format_month(self.end)} is before start "
                f"{units.format_month(self.start)}; the period must run forwards",
                "end",
            )
        if self.end - self.start >= 12 * 200:
            raise problem("the period is longer than 200 years; shorten it", "end")
        return self


#: Longest ``planning.upgrade.horizon`` and ``planning.upgrade.lead_time`` [months]: 50 years.
MAX_PLAN_MONTHS = 600


class UpgradeRule(StrictModel):
    """How the capacity plan adds capacity: whole modules of ``step``, each upgrade sized so
    that capacity lasts ``horizon`` at the projected demand."""

    step: PositiveBitRate = 100.0
    """Module size: every upgrade is a whole number of steps [Gbps]. Default 100 Gbps."""
    horizon: Duration = 24
    """Each upgrade keeps utilisation at or below the threshold for this long after it enters
    service, at the projected demand [months]. Default 24 months."""
    lead_time: Duration | None = None
    """Time from ordering an upgrade to having it in service [months];
    ``planning.default_lead_time`` if left out."""
    source: SourceKey | None = None
    """Key in ``sources`` for the upgrade rule."""

    @field_validator("horizon")
    @classmethod
    def check_horizon(cls, value: int) -> int:
        if not 1 <= value <= MAX_PLAN_MONTHS:
            raise problem(
                f"must be from 1 month to {MAX_PLAN_MONTHS // 12} years, found {units.format_duration(value)}"
            )
        return value

    @field_validator("lead_time")
    @classmethod
    def check_lead_time(cls, value: int | None) -> int | None:
        if value is not None and value > MAX_PLAN_MONTHS:
            raise problem(
                f"must be at most {MAX_PLAN_MONTHS // 12} years, found {units.format_duration(value)}"
            )
        return value


#: The upgrade rule used when a scenario gives none.
DEFAULT_UPGRADE = UpgradeRule()


#: Lowest ``planning.max_utilisation``: below 1% a link is not planned to carry traffic.
MIN_UTILISATION = 0.01


class Planning(StrictModel):
    """Planning rules applied to the whole corridor."""

    max_utilisation: Fraction = 0.7
    """Peak utilisation above which capacity counts as exhausted [fraction]. Default 70%
    (operators "work toward completing the upgrade by 70%": NANOG, 2020)."""
    default_lead_time: Duration = 24
    """Time from ordering capacity to having it in service, for phases that give
    no ``lead_time`` and for shortfalls with no later phase [months]."""
    upgrade: UpgradeRule = Field(default_factory=UpgradeRule)
    """How the capacity plan sizes upgrades (default: steps of 100 Gbps lasting 24 months)."""
    emergency_utilisation: Fraction = 1.0
    """Utilisation accepted while a system is down (N-1): at most this share of the surviving
    capacity carries traffic [fraction]. Default 100%."""
    activation_delay: DelayDays | None = None
    """Time to switch on installed but unlit capacity of the surviving links once an outage
    starts [days]. If left out, unlit capacity stays off during outages."""
    source: SourceKey | None = None
    """Key in ``sources`` for these planning values."""

    @model_validator(mode="after")
    def check_emergency_at_least_normal(self) -> Planning:
        if self.emergency_utilisation < self.max_utilisation:
            raise problem(
                f"{units.format_percent(self.emergency_utilisation)} is below max_utilisation "
                f"{units.format_percent(self.max_utilisation)}; in an emergency links run fuller, not emptier",
                "emergency_utilisation",
            )
        return self

    @field_validator("max_utilisation")
    @classmethod
    def check_threshold_positive(cls, value: float) -> float:
        if value < MIN_UTILISATION:
            raise problem(f"must be at least {MIN_UTILISATION:.0%}, e.g. '70%'")
        return value


class Phase(StrictModel):
    """A step of a link's capacity: the link's total capacity from ``in_service`` on."""

    capacity: PositiveBitRate
    """Total capacity of the link once this phase is in service [Gbps]."""
    in_service: Month
    """Month the phase's capacity is in service (fully, unless ``ramp`` is set)."""
    lead_time: Duration | None = None
    """Time from order to service [months]; ``planning.default_lead_time`` if left out."""
    ramp: Duration = 0
    """Months over which capacity grows linearly from the previous phase's capacity,
    reaching this phase's capacity ``ramp`` months after ``in_service``."""
    installed: PositiveBitRate | None = None
    """Capacity installed (equipped) from ``in_service`` on, of which ``capacity`` is lit
    [Gbps]; the rest can be switched on in days to weeks. If left out, the larger of
    ``capacity`` and the previous phase's installed capacity (equipment stays in place)."""
    id: Id | None = None
    """Optional name of the phase, used in messages."""
    source: SourceKey | None = None
    """Key in ``sources`` for this phase's figures."""

    @model_validator(mode="after")
    def check_installed_holds_the_lit_capacity(self) -> Phase:
        if self.installed is not None and self.installed < self.capacity:
            raise problem(
                f"{units.format_bit_rate(self.installed)} installed is less than the "
                f"{units.format_bit_rate(self.capacity)} lit (capacity); installed capacity "
                "includes the lit capacity",
                "installed",
            )
        return self


class Potential(StrictModel):
    """A link's physical ceiling: stated (``value``), or from its fibre as
    ``fibre_pairs x wavelengths x rate``. Written as a bit rate, it is the stated value."""

    value: PositiveBitRate | None = None
    """The ceiling as stated [Gbps]."""
    fibre_pairs: FibreCount | None = None
    """Fibre pairs that can carry traffic."""
    wavelengths: FibreCount | None = None
    """Wavelengths per fibre pair (e.g. 64 at 75 GHz on a 4.8 THz grid)."""
    rate: PositiveBitRate | None = None
    """Rate of each wavelength (e.g. ``400 Gbps``)."""
    source: SourceKey | None = None
    """Key in ``sources`` for the figures."""

    @model_validator(mode="after")
    def check_stated_or_from_fibre(self) -> Potential:
        fibre = (self.fibre_pairs, self.wavelengths, self.rate)
        if self.value is None and None in fibre:
            missing = [
                k for k, v in zip(("fibre_pairs", "wavelengths", "rate"), fibre, strict=True) if v is None
            ]
            raise problem(
                "give the ceiling as a bit rate (e.g. '51.2 Tbps'), or fibre_pairs, wavelengths and rate "
                f"together; {', '.join(missing)} missing"
            )
        if self.value is not None and any(v is not None for v in fibre):
            raise problem("give either value or fibre_pairs, wavelengths and rate, not both")
        if self.gbps > units.MAX_BIT_RATE_GBPS:
            raise problem(
                f"{self.fibre_pairs} x {self.wavelengths} x {units.format_bit_rate(self.rate or 0.0)} is more "
                "than 1 Ebps (1,000,000 Tbps); check the figures"
            )
        return self

    @property
    def gbps(self) -> float:
        """The ceiling [Gbps]: ``value``, or ``fibre_pairs x wavelengths x rate``."""
        if self.value is not None:
            return self.value
        assert self.fibre_pairs is not None and self.wavelengths is not None and self.rate is not None
        return self.fibre_pairs * self.wavelengths * self.rate


def _also_a_bit_rate(schema: dict[str, Any]) -> None:
    """JSON Schema of ``potential``: a bit rate is accepted as well as the mapping."""
    schema.setdefault("anyOf", []).insert(0, POSITIVE_BIT_RATE_SCHEMA)


def _stated_potential(value: object) -> object:
    """``potential: 51.2 Tbps`` is ``potential: {value: 51.2 Tbps}``."""
    return {"value": value} if isinstance(value, (str, int, float)) else value


class Repair(StrictModel):
    """How long a fault takes to repair: lognormal by median and P90, or always the median."""

    median: RepairDays
    """Median repair time [days]."""
    p90: RepairDays | None = None
    """Repair time nine faults in ten are repaired within [days]; if left out, every repair
    takes the median."""

    @model_validator(mode="after")
    def check_p90_above_median(self) -> Repair:
        if self.p90 is not None and self.p90 < self.median:
            raise problem(
                f"{units.format_days(self.p90)} is below the median {units.format_days(self.median)}; "
                "the P90 of a repair time is at least its median",
                "p90",
            )
        return self

    @property
    def sigma(self) -> float:
        """Log-spread of the lognormal repair time: ``ln(P90 / median) / z₀.₉`` (0: fixed)."""
        return 0.0 if self.p90 is None else math.log(self.p90 / self.median) / Z_90


class Faults(StrictModel):
    """Faults at random: a Poisson rate and a repair time."""

    rate: FaultRate | None = None
    """Faults per year [1/year]."""
    rate_per_1000_km: FaultRatePer1000Km | None = None
    """Faults per 1,000 km per year, with the link's ``length`` [1/(1000 km·year)]."""
    repair: Repair
    """Repair time of each fault."""
    source: SourceKey | None = None
    """Key in ``sources`` for the rate and repair time."""

    @model_validator(mode="after")
    def check_one_rate(self) -> Faults:
        if (self.rate is None) == (self.rate_per_1000_km is None):
            raise problem(
                "give rate ('0.6 per year') or rate_per_1000_km ('0.1 per 1000 km per year', with the "
                "link's length), one of the two"
            )
        return self


class Corridor(StrictModel):
    """A set of links that carry traffic between the same two places (one leg of a route)."""

    id: Id
    """Short identifier, used in routes, folders and CSV columns."""
    name: Name | None = None
    """Readable name for the report; the ``id`` if left out."""
    source: SourceKey | None = None
    """Key in ``sources`` for the corridor."""

    @property
    def display_name(self) -> str:
        """The name to show a reader."""
        return self.name or self.id


@dataclass(frozen=True)
class FaultSource:
    """One source of faults at random: a link, or a risk group that fails whole."""

    id: str
    faults: Faults
    links: tuple[str, ...]
    """Ids of the links each fault takes down."""
    rate_per_year: float
    """Faults per year as written [1/year] (a rate per 1,000 km times the link's length)."""
    at: tuple[str | int, ...]
    """Location of the ``faults`` field, for messages."""


class Link(StrictModel):
    """One physical system (a cable or route) whose capacity grows in phases."""

    id: Id
    """Short identifier, used in field paths and CSV columns (``capacity_<id>_gbps``)."""
    name: Name | None = None
    """Readable name for the report; the ``id`` if left out."""
    phases: Annotated[list[Phase], Field(min_length=1, max_length=MAX_ENTRIES)]
    """Capacity steps, in date order."""
    retire: Month | None = None
    """Month from which the link carries nothing; never, if left out."""
    potential: Annotated[
        Potential | None,
        BeforeValidator(_stated_potential),
        Field(json_schema_extra=_also_a_bit_rate),
    ] = None
    """The link's physical ceiling (see :class:`Potential`): capacity beyond it needs a new
    system. Unknown if left out."""
    corridor: Id | None = None
    """Id of the corridor the link belongs to; with several corridors, required."""
    length: LengthKm | None = None
    """Route length [km], for a fault rate per 1,000 km."""
    faults: Faults | None = None
    """Faults at random on this link (drawn in Monte Carlo runs)."""
    source: SourceKey | None = None
    """Key in ``sources`` for the link as a whole."""

    @property
    def faults_per_year(self) -> float | None:
        """Fault rate [1/year]: ``rate``, or ``rate_per_1000_km · length / 1000``; None without faults."""
        if self.faults is None:
            return None
        if self.faults.rate is not None:
            return self.faults.rate
        return float(self.faults.rate_per_1000_km or 0.0) * float(self.length or 0.0) / 1000

    @model_validator(mode="after")
    def check_length_for_a_rate_per_km(self) -> Link:
        if self.faults is not None and self.faults.rate_per_1000_km is not None:
            if self.length is None:
                raise problem(
                    "a rate per 1,000 km needs the link's length; add e.g. 'length: 820 km' to the link",
                    "faults",
                    "rate_per_1000_km",
                )
            if (self.faults_per_year or 0.0) > units.MAX_FAULTS_PER_YEAR:
                raise problem(
                    f"{self.faults.rate_per_1000_km:g} per 1000 km per year over {self.length:g} km is "
                    f"{self.faults_per_year:g} faults a year, more than {units.MAX_FAULTS_PER_YEAR:g}; check the figures",
                    "faults",
                    "rate_per_1000_km",
                )
        return self

    @property
    def installed_gbps(self) -> list[float]:
        """Installed capacity of each phase [Gbps]: its ``installed``, or the larger of its
        capacity and the previous phase's installed capacity."""
        levels: list[float] = []
        for phase in self.phases:
            default = max(phase.capacity, levels[-1] if levels else 0.0)
            levels.append(default if phase.installed is None else phase.installed)
        return levels

    @property
    def potential_gbps(self) -> float | None:
        """The physical ceiling [Gbps], or None when not given."""
        return None if self.potential is None else self.potential.gbps

    @model_validator(mode="after")
    def check_potential_holds_the_installed_capacity(self) -> Link:
        ceiling = self.potential_gbps
        if ceiling is None:
            return self
        installed = self.installed_gbps
        most = max(range(len(installed)), key=installed.__getitem__)
        if installed[most] > ceiling * (1 + 1e-12):
            raise problem(
                f"{units.format_bit_rate(ceiling)} is less than the {units.format_bit_rate(installed[most])} "
                f"installed by phase {most + 1}; a link's potential is its ceiling",
                "potential",
            )
        return self

    @model_validator(mode="after")
    def check_phases_in_date_order(self) -> Link:
        raise_all(
            [
                (
                    f"{units.format_month(after.in_service)} is not after the previous phase's "
                    f"in_service {units.format_month(before.in_service)}; "
                    "list phases in date order, at most one per month",
                    ("phases", i, "in_service"),
                )
                for i, (before, after) in enumerate(zip(self.phases, self.phases[1:], strict=False), start=1)
                if after.in_service <= before.in_service
            ]
        )
        return self

    @model_validator(mode="after")
    def check_retire_after_first_phase(self) -> Link:
        if self.retire is not None and self.retire <= self.phases[0].in_service:
            raise problem(
                f"{units.format_month(self.retire)} is not after the first phase's "
                f"in_service {units.format_month(self.phases[0].in_service)}",
                "retire",
            )
        return self

    @property
    def display_name(self) -> str:
        """The name to show a reader."""
        return self.name or self.id


class RiskGroup(StrictModel):
    """Links that fail together (one trench, one landing, one road): lost at once in N-1."""

    id: Id
    """Short identifier, used in CSV columns (``n1_<id>_...``)."""
    name: Name | None = None
    """Readable name for the report; the ``id`` if left out."""
    links: Annotated[list[Id], Field(min_length=1, max_length=MAX_ENTRIES)]
    """Ids of the links in the group."""
    faults: Faults | None = None
    """Faults at random that take all the group's links at once (drawn in Monte Carlo runs)."""
    source: SourceKey | None = None
    """Key in ``sources`` for the grouping."""

    @model_validator(mode="after")
    def check_rate_per_year(self) -> RiskGroup:
        if self.faults is not None and self.faults.rate is None:
            raise problem(
                "a risk group has no length: give its faults as 'rate: 0.2 per year'",
                "faults",
                "rate_per_1000_km",
            )
        return self

    @property
    def display_name(self) -> str:
        """The name to show a reader."""
        return self.name or self.id


class Outage(StrictModel):
    """A scripted loss of capacity: some links (or a risk group) lose capacity for some days."""

    id: Id
    """Short identifier, used in outputs (``outages.csv``)."""
    name: Name | None = None
    """Readable name for the report; the ``id`` if left out."""
    links: Annotated[list[Id], Field(min_length=1, max_length=MAX_ENTRIES)] | None = None
    """Ids of the links hit; give these or ``group``."""
    group: Id | None = None
    """Id of the risk group hit (all its links); give this or ``links``."""
    start: Day
    """Day the outage starts (at 00:00), e.g. ``2025-01-02``."""
    duration: DurationDays
    """Time until the capacity is back, e.g. ``14 days`` or ``38 hours``."""
    lost: CapacityLostField = CapacityLost(share=1.0)
    """Capacity lost: a share of each hit link's capacity (default 100%), or a bit rate over
    the hit links together, shared in proportion to their capacity and at most what they have."""
    source: SourceKey | None = None
    """Key in ``sources`` for the event."""

    @model_validator(mode="after")
    def check_links_or_group(self) -> Outage:
        if (self.links is None) == (self.group is None):
            raise problem(
                "give the links hit ('links: [aae-1]') or a risk group ('group: jeddah'), one of the two",
                *(("group",) if self.links is not None else ()),
            )
        return self

    @property
    def display_name(self) -> str:
        """The name to show a reader."""
        return self.name or self.id

    @property
    def end_day(self) -> float:
        """Day number at which capacity is back (``start + duration``) [day number]."""
        return self.start + self.duration


class Target(StrictModel):
    """An announced corridor capacity and the month it should be reached by."""

    name: Name
    """Name shown in the report, e.g. ``Phase 2``."""
    capacity: PositiveBitRate
    """Total corridor capacity aimed for [Gbps]."""
    by: Month
    """Deadline month: the target is on time if reached in this month or before."""
    corridor: Id | None = None
    """Id of the corridor whose capacity the target is; with several corridors, required."""
    source: SourceKey | None = None
    """Key in ``sources`` for the target."""


class Base(StrictModel):
    """The demand stream's value at one month, from which growth is applied."""

    value: PositiveBitRate
    """Peak traffic at ``at`` [Gbps]."""
    at: Month
    """Month of ``value``."""
    source: SourceKey | None = None
    """Key in ``sources`` for the base value."""


def _check_growth_rate(value: float) -> float:
    if not -1.0 < value <= 10.0:
        raise problem(
            f"a growth rate must be above -100% and at most 1000% a year, found {units.format_percent(value, digits=15)}"
        )
    return value


class CagrGrowth(StrictModel):
    """Constant compound annual growth: ``D(t) = D0 * (1 + rate) ** ((t - t0) / 12)``."""

    model: Literal["cagr"]
    rate: GrowthRate
    """Annual growth rate [fraction per year], e.g. ``25%``."""
    source: SourceKey | None = None
    """Key in ``sources`` for the rate."""

    _rate_above_minus_one = field_validator("rate")(_check_growth_rate)


class RateFrom(StrictModel):
    """An annual growth rate holding from one month until the next ``from``."""

    from_: Month = Field(alias="from")
    """First month the rate applies to."""
    rate: GrowthRate
    """Annual growth rate [fraction per year]."""

    _rate_above_minus_one = field_validator("rate")(_check_growth_rate)


class PiecewiseGrowth(StrictModel):
    """Annual growth rates that change at given months."""

    model: Literal["piecewise"]
    rates: Annotated[list[RateFrom], Field(min_length=1, max_length=MAX_RATES)]
    """Rates in date order; the first also applies before its ``from``."""
    source: SourceKey | None = None
    """Key in ``sources`` for the rates."""

    @field_validator("rates")
    @classmethod
    def check_rates_in_date_order(cls, rates: list[RateFrom]) -> list[RateFrom]:
        _check_increasing((r.from_ for r in rates), "rates", "from")
        return rates


class SeriesPoint(StrictModel):
    """One observed value of a demand stream."""

    at: Month
    """Month of the observation."""
    value: PositiveBitRate
    """Observed peak traffic [Gbps]."""


class SeriesGrowth(StrictModel):
    """Observed points, joined log-linearly; the end segments' growth carries on outside them."""

    model: Literal["series"]
    points: Annotated[list[SeriesPoint], Field(min_length=2, max_length=MAX_POINTS)]
    """At least two observations, in date order."""
    source: SourceKey | None = None
    """Key in ``sources`` for the observations."""

    @field_validator("points")
    @classmethod
    def check_points_in_date_order(cls, points: list[SeriesPoint]) -> list[SeriesPoint]:
        _check_increasing((p.at for p in points), "points", "at")
        return points


class FittedPoint(StrictModel):
    """One point of the data a growth curve is fitted to, as read from the data file."""

    at: Month
    """Month of the observation."""
    value: ObservedValue
    """The observed value, in the data column's unit."""


#: Most points of the data a growth curve is fitted to (the rows a data file may hold).
MAX_FITTED_POINTS = 10_000
#: The fewest points each form is fitted to (one more than its parameters; a piecewise fit with
#: breakpoints chosen by the data: two points each side of one, one more than its four
#: parameters).
FEWEST_FITTED_POINTS = {"cagr": 3, "piecewise": 5, "logistic": 4, "gompertz": 4, "bass": 5}


class FittedGrowth(StrictModel):
    """A growth curve fitted to observed data when the scenario is loaded (README,
    "Calibrating demand"): the stream's demand follows the fitted curve, in the data's unit
    when its column names a bit rate, or scaled to pass through ``base``."""

    model: Literal["fitted"]
    data: DataPath
    """The data file (CSV), relative to the scenario file that names it."""
    form: Literal["cagr", "piecewise", "logistic", "gompertz", "bass"]
    """The curve fitted: cagr, piecewise, logistic, gompertz or bass."""
    column: ColumnName | None = None
    """The values' column; by default the file's only column of numbers."""
    date_column: ColumnName | None = None
    """The dates' column; by default the one named date, year or month."""
    metric: ColumnName | None = None
    """Keep the rows whose ``metric`` column holds this (a file that mixes definitions)."""
    since: DataMonth | None = None
    """Fit the points from this date on."""
    until: DataMonth | None = None
    """Fit the points up to this date."""
    breaks: Annotated[list[DataMonth], Field(min_length=1, max_length=MOST_GIVEN_BREAKS)] | None = None
    """Breakpoints of a piecewise fit; by default chosen by the data."""
    points: Annotated[list[FittedPoint], Field(max_length=MAX_FITTED_POINTS)] = Field(default_factory=list)
    """The points fitted, filled from ``data`` when the scenario file is loaded (a file that
    gives them, such as a resolved scenario, is not read again)."""
    source: SourceKey | None = None
    """Key in ``sources`` for the data."""

    @field_validator("points")
    @classmethod
    def check_points_in_date_order(cls, points: list[FittedPoint]) -> list[FittedPoint]:
        _check_increasing((p.at for p in points), "points", "at")
        return points

    @model_validator(mode="after")
    def check_fit(self) -> FittedGrowth:
        findings: list[Finding] = []
        if self.breaks is not None and self.form != "piecewise":
            findings.append((f"breaks are for the piecewise form, not {self.form}", ("breaks",)))
        if self.since is not None and self.until is not None and self.until <= self.since:
            findings.append((f"{units.format_month(self.until)} is not after since", ("until",)))
        fewest = FEWEST_FITTED_POINTS[self.form] if self.breaks is None else 3 + len(self.breaks)
        if len(self.points) < fewest:
            findings.append(
                (
                    f"the {self.form} form is fitted to at least {fewest} points, and "
                    + (
                        f"{len(self.points)} {'is' if len(self.points) == 1 else 'are'} left from {self.data}"
                        if self.points
                        else f"none were read: points are filled from {self.data} when the scenario file is loaded"
                    ),
                    ("points",) if self.points else ("data",),
                )
            )
        months = [p.at for p in self.points]
        if months and self.since is not None and months[0] < self.since:
            findings.append(
                (
                    f"the points start at {units.format_month(months[0])}, before since: points given in the "
                    "file (a resolved scenario) are not read again; remove points: to read the data anew, or "
                    "drop the points before since",
                    ("since",),
                )
            )
        if months and self.until is not None and months[-1] > self.until:
            findings.append(
                (
                    f"the points end at {units.format_month(months[-1])}, after until: points given in the "
                    "file are not read again; remove points: to read the data anew, or drop the points after "
                    "until",
                    ("until",),
                )
            )
        if self.breaks is not None and len(months) >= 2:
            problem_text = breaks_problem(months, self.breaks, 2)
            if problem_text is not None:
                findings.append((problem_text, ("breaks",)))
        raise_all(findings)
        return self

    @property
    def draw(self) -> float:
        """The central draw of the fit's joint uncertainty (the curve at the estimates): the
        value the uncertainty section's draw of the fit stands for when nothing is sampled."""
        return 0.5

    @property
    def gbps_per_unit(self) -> float | None:
        """Gbps per unit of the data when its column names a bit rate; else None."""
        return None if self.column is None else units.rate_unit_of(self.column)


def _check_increasing(months_in_order: Iterable[int], list_name: str, field: str) -> None:
    months = list(months_in_order)
    raise_all(
        [
            (
                f"{units.format_month(months[i])} is not after the previous entry's {field} "
                f"{units.format_month(months[i - 1])}; list {list_name} in date order",
                (i, field),
            )
            for i in range(1, len(months))
            if months[i] <= months[i - 1]
        ]
    )


class ConstantShare(StrictModel):
    """A constant share of the stream."""

    model: Literal["constant"]
    value: Fraction
    """Share [fraction]."""
    source: SourceKey | None = None
    """Key in ``sources`` for the share."""


class LinearShare(StrictModel):
    """A share moving linearly from ``start`` to ``end`` between two months, flat outside."""

    model: Literal["linear"]
    start: Fraction
    """Share up to ``from`` [fraction]."""
    end: Fraction
    """Share from ``to`` on [fraction]."""
    from_: Month = Field(alias="from")
    """Month the change begins."""
    to: Month
    """Month the change is complete."""
    source: SourceKey | None = None
    """Key in ``sources`` for the share."""

    @model_validator(mode="after")
    def check_to_after_from(self) -> LinearShare:
        if self.to <= self.from_:
            raise problem(
                f"{units.format_month(self.to)} is not after from {units.format_month(self.from_)}",
                "to",
            )
        return self


class LogisticShare(StrictModel):
    """An S-curve from ``start`` to ``end`` centred on ``midpoint``.

    ``share(t) = start + (end - start) / (1 + exp(-(t - midpoint) / tau))``
    with ``tau = ramp / (2 ln 9)``, so that ``ramp`` is the time from 10% to
    90% of the transition.
    """

    model: Literal["logistic"]
    start: Fraction
    """Share long before the midpoint [fraction]."""
    end: Fraction
    """Share long after the midpoint [fraction]."""
    midpoint: Month
    """Month at which the share is halfway from ``start`` to ``end``."""
    ramp: Duration
    """Time from 10% to 90% of the transition [months]."""
    source: SourceKey | None = None
    """Key in ``sources`` for the share."""

    @field_validator("ramp")
    @classmethod
    def check_ramp_positive(cls, value: int) -> int:
        if value <= 0:
            raise problem("must be at least 1 month, e.g. '4 years'")
        return value


class BassShare(StrictModel):
    """A share following the Bass diffusion curve from ``start`` to ``end``.

    ``share(t) = start + (end - start) * F(y)``, ``y`` = years since ``from``
    (0 before it), ``F(y) = (1 - exp(-(p + q) y)) / (1 + (q / p) exp(-(p + q) y))``
    (Bass, 1969).
    """

    model: Literal["bass"]
    start: Fraction = 0.0
    """Share up to ``from`` [fraction]."""
    end: Fraction
    """Share once adoption is complete [fraction]."""
    from_: Month = Field(alias="from")
    """Month adoption starts."""
    p: BassCoefficient
    """Coefficient of innovation [1/year], above 0 and at most 1, e.g. 0.03."""
    q: BassCoefficient
    """Coefficient of imitation [1/year], above 0 and at most 1, e.g. 0.38."""
    source: SourceKey | None = None
    """Key in ``sources`` for the share and the coefficients."""


Growth = Annotated[CagrGrowth | PiecewiseGrowth | SeriesGrowth | FittedGrowth, Field(discriminator="model")]
Share = Annotated[ConstantShare | LinearShare | LogisticShare | BassShare, Field(discriminator="model")]


class DemandStream(StrictModel):
    """One stream of peak traffic, grown from a base, optionally times a share."""

    id: Id
    """Short identifier, used in field paths and CSV columns (``demand_<id>_gbps``)."""
    name: Name | None = None
    """Readable name for the report; the ``id`` if left out."""
    base: Base | None = None
    """Value and month growth starts from; may be left out with ``growth.model: series``, and with
    ``fitted`` when the data's column is a bit rate."""
    growth: Growth
    """How the stream grows: ``cagr``, ``piecewise``, ``series`` or ``fitted``."""
    share: Share | None = None
    """Optional share multiplying the stream: ``constant``, ``linear``, ``logistic`` or ``bass``."""
    priority: Priority | None = None
    """Order in which usable capacity serves the streams: lower first, pro rata within a
    priority. Streams without one share what is left after every stream that has one, pro rata."""
    route: Annotated[list[Id], Field(min_length=1, max_length=MAX_ENTRIES)] | None = None
    """Ids of the corridors the stream crosses, in order; with several corridors, required."""
    backup: Annotated[
        list[Annotated[list[Id], Field(min_length=1, max_length=MAX_ENTRIES)]], Field(max_length=MAX_ENTRIES)
    ] = Field(default_factory=list)
    """Backup routes, in order of use: each takes spill-over from spare capacity only."""
    source: SourceKey | None = None
    """Key in ``sources`` for the stream as a whole."""

    @model_validator(mode="after")
    def check_base_given(self) -> DemandStream:
        growth = self.growth
        if self.base is None and isinstance(growth, FittedGrowth) and growth.gbps_per_unit is None:
            raise problem(
                f"base is missing; the data's column {growth.column or '(not named)'} is not a bit rate (a "
                "name ending _gbps, _tbps, ...), so the fitted curve is scaled to pass through a base, "
                "e.g. base: {value: 7500 Gbps, at: 2024-12}",
                "base",
            )
        if self.base is None and not isinstance(growth, SeriesGrowth | FittedGrowth):
            raise problem(
                f"base is missing; growth model {self.growth.model!r} grows from a base, "
                "e.g. base: {value: 200 Gbps, at: 2026-01}",
                "base",
            )
        return self

    @property
    def display_name(self) -> str:
        """The name to show a reader."""
        return self.name or self.id


class Scenario(StrictModel):
    """A whole scenario: the corridor's links, targets, demand and planning rules."""

    name: Name
    """Title of the scenario, shown on the report."""
    description: Text = ""
    """One or two sentences shown under the title."""
    period: Period
    """Months to project, both ends included."""
    planning: Planning = Field(default_factory=Planning)
    """Utilisation threshold and default lead time."""
    links: Annotated[list[Link], Field(min_length=1, max_length=MAX_ENTRIES)]
    """The corridor's links; corridor capacity is their sum."""
    targets: list[Target] = Field(default_factory=list, max_length=MAX_ENTRIES)
    """Announced capacity targets."""
    demand: Annotated[list[DemandStream], Field(min_length=1, max_length=MAX_ENTRIES)]
    """Demand streams; corridor demand is their sum."""
    corridors: list[Corridor] = Field(default_factory=list, max_length=MAX_ENTRIES)
    """Corridors in series or side by side; without, all links form one corridor."""
    risk_groups: list[RiskGroup] = Field(default_factory=list, max_length=MAX_ENTRIES)
    """Links that fail together, each lost at once in the N-1 analysis."""
    outages: list[Outage] = Field(default_factory=list, max_length=MAX_ENTRIES)
    """Scripted outages, evaluated day by day inside their windows."""
    sources: dict[SourceKey, Text] = Field(default_factory=dict, max_length=MAX_SOURCES)
    """Citations, by key: the ``source`` fields elsewhere name these keys."""
    uncertainty: Uncertainty | None = None
    """Optional distributions of inputs for Monte Carlo runs and sensitivity analysis."""

    @field_validator("links", "demand", "risk_groups", "outages", "corridors")
    @classmethod
    def check_ids_unique(
        cls, items: list[Link] | list[DemandStream] | list[RiskGroup] | list[Outage] | list[Corridor]
    ) -> Any:
        _check_unique([item.id for item in items], "id")
        return items

    @field_validator("targets")
    @classmethod
    def check_target_names_unique(cls, targets: list[Target]) -> list[Target]:
        _check_unique([t.name for t in targets], "name")
        return targets

    @model_validator(mode="after")
    def check_sources_defined(self) -> Scenario:
        defined = (
            "sources defines " + ", ".join(repr(k) for k in self.sources)
            if self.sources
            else "the file has no sources: section"
        )
        raise_all(
            [
                (
                    f"{key!r} is not defined under sources"
                    + (did_you_mean(key, self.sources) or f"; {defined}"),
                    path,
                )
                for path, key in _source_references(self)
                if key not in self.sources
            ]
        )
        return self

    @model_validator(mode="after")
    def check_risk_groups_name_links(self) -> Scenario:
        ids = [link.id for link in self.links]
        findings: list[tuple[str, tuple[str | int, ...]]] = []
        for g, group in enumerate(self.risk_groups):
            if group.id in ids:
                findings.append(
                    (
                        f"{group.id!r} is also a link's id; give the group an id of its own, so that "
                        "what is lost is never in doubt",
                        ("risk_groups", g, "id"),
                    )
                )
            for k, link in enumerate(group.links):
                if link not in ids:
                    findings.append(
                        (
                            f"no link {link!r}"
                            + (did_you_mean(link, ids) or f"; the links are {', '.join(ids)}"),
                            ("risk_groups", g, "links", k),
                        )
                    )
                elif link in group.links[:k]:
                    findings.append((f"{link!r} is listed twice", ("risk_groups", g, "links", k)))
        raise_all(findings)
        return self

    @model_validator(mode="after")
    def check_corridors(self) -> Scenario:
        raise_all(_corridor_findings(self))
        return self

    @model_validator(mode="after")
    def check_faults(self) -> Scenario:
        raise_all(_fault_findings(self))
        raise_all(workload_findings(self))
        return self

    def fault_sources(self) -> list[FaultSource]:
        """Each source of faults at random: links with faults, then risk groups with faults."""
        return [
            FaultSource(link.id, link.faults, (link.id,), link.faults_per_year or 0.0, ("links", k, "faults"))
            for k, link in enumerate(self.links)
            if link.faults is not None
        ] + [
            FaultSource(g.id, g.faults, tuple(g.links), g.faults.rate or 0.0, ("risk_groups", k, "faults"))
            for k, g in enumerate(self.risk_groups)
            if g.faults is not None
        ]

    @model_validator(mode="after")
    def check_outages(self) -> Scenario:
        raise_all(_outage_findings(self))
        return self

    def outage_links(self, outage: Outage) -> list[str]:
        """Ids of the links an outage hits: its ``links``, or its group's."""
        if outage.links is not None:
            return list(outage.links)
        return next((list(g.links) for g in self.risk_groups if g.id == outage.group), [])

    @model_validator(mode="after")
    def check_uncertainty(self) -> Scenario:
        fitted = any(isinstance(s.growth, FittedGrowth) for s in self.demand)
        if (
            self.uncertainty is not None
            and not self.uncertainty.parameters
            and not self.fault_sources()
            and not fitted
        ):
            raise problem(
                "the uncertainty section has no parameters: give at least one distribution, e.g. "
                "'demand.<stream>.growth.rate: {dist: uniform, low: 20%, high: 30%}', or fault rates "
                "to draw faults at random",
                "uncertainty",
                "parameters",
            )
        if self.uncertainty is not None:
            months = self.period.end - self.period.start + 1
            raise_all(
                resolve_parameters(self, self.uncertainty)[1]
                + [
                    (message, ("uncertainty", field))
                    for field, message in workload_problems(self.uncertainty, months)
                ]
            )
        return self

    def parameters(self) -> list[Parameter]:
        """The uncertain inputs, resolved to fields and base units (empty without uncertainty):
        those of the uncertainty section, then one for each fitted growth, the draw of its
        fit's joint uncertainty (``demand.<id>.growth.draw``, uniform on 0-1: see
        :func:`~capacity_model.engine.evaluation.fitted_growth_gbps`)."""
        if self.uncertainty is None:
            return []
        fitted = [
            Parameter(
                FieldRef(
                    f"demand.{s.id}.growth.draw", s.growth, "draw", Fraction, ("demand", k, "growth", "draw")
                ),
                "uniform",
                {"low": 0.0, "high": 1.0},
            )
            for k, s in enumerate(self.demand)
            if isinstance(s.growth, FittedGrowth)
        ]
        return resolve_parameters(self, self.uncertainty)[0] + fitted

    def resolved(self) -> Scenario:
        """Return the scenario with every default written out.

        Each phase gets its effective lead time and each link and stream its
        display name, so that the dumped file reproduces the run even if a
        default changes.
        """
        lead = self.planning.default_lead_time
        upgrade = self.planning.upgrade
        planning = self.planning.model_copy(
            update={"upgrade": upgrade.model_copy(update={"lead_time": self.plan_lead_time_months})}
        )
        links = [
            link.model_copy(
                update={
                    "name": link.display_name,
                    "phases": [
                        p.model_copy(update={"lead_time": lead if p.lead_time is None else p.lead_time})
                        for p in link.phases
                    ],
                }
            )
            for link in self.links
        ]
        demand = [s.model_copy(update={"name": s.display_name}) for s in self.demand]
        return self.model_copy(update={"planning": planning, "links": links, "demand": demand})

    @property
    def plan_lead_time_months(self) -> int:
        """Lead time of the capacity plan's upgrades [months]."""
        lead = self.planning.upgrade.lead_time
        return self.planning.default_lead_time if lead is None else lead

    def lead_time_months(self, phase: Phase) -> int:
        """Effective lead time of a phase [months]."""
        return self.planning.default_lead_time if phase.lead_time is None else phase.lead_time


def _corridor_findings(scenario: Scenario) -> list[Finding]:
    """Corridors named must exist; with several, every link, stream and target names its own;
    a route crosses each corridor once; every corridor has a link."""
    ids = [c.id for c in scenario.corridors]
    findings: list[Finding] = []
    several = len(ids) > 1
    known = f"; the corridors are {', '.join(ids)}" if ids else "; the file has no corridors: section"

    def check(value: str | None, at: tuple[str | int, ...], what: str) -> None:
        if value is None:
            if several:
                findings.append(
                    (f"{what} must name its corridor when there are several ({', '.join(ids)})", at)
                )
        elif value not in ids:
            findings.append((f"no corridor {value!r}" + (did_you_mean(value, ids) or known), at))

    for k, link in enumerate(scenario.links):
        check(
            link.corridor, ("links", k, "corridor") if link.corridor else ("links", k), "a link (corridor:)"
        )
    for k, target in enumerate(scenario.targets):
        check(
            target.corridor,
            ("targets", k, "corridor") if target.corridor else ("targets", k),
            "a target (corridor:)",
        )
    for k, stream in enumerate(scenario.demand):
        paths: list[tuple[tuple[str | int, ...], list[str]]] = [(("demand", k, "route"), stream.route or [])]
        paths += [(("demand", k, "backup", b), r) for b, r in enumerate(stream.backup)]
        if stream.route is None:
            check(None, ("demand", k), "a stream (route:)")
        for at, path in paths:
            for j, corridor in enumerate(path):
                check(corridor, (*at, j), "")
                if corridor in path[:j]:
                    findings.append(
                        (
                            f"{corridor!r} is crossed twice: a route crosses each corridor once, in order",
                            (*at, j),
                        )
                    )
        if stream.route is not None and stream.route in stream.backup:
            findings.append(
                ("a backup route is the stream's own route; give another", ("demand", k, "backup"))
            )
    if ids:
        crossed = {c for stream in scenario.demand for c in (stream.route or ids[:1])}
        for k, entry in enumerate(scenario.corridors):
            if entry.id not in crossed:
                findings.append(
                    (
                        f"no stream's route crosses corridor {entry.id!r}; each corridor is reported with "
                        "the demand routed over it, so give it a stream (a corridor only as a backup is not "
                        "supported yet)",
                        ("corridors", k),
                    )
                )
        used = {link.corridor or ids[0] for link in scenario.links}
        for k, entry in enumerate(scenario.corridors):
            if entry.id not in used:
                findings.append(
                    (
                        f"no link is in corridor {entry.id!r}; give it a link, or remove it",
                        ("corridors", k),
                    )
                )
    return findings


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


def _fault_findings(scenario: Scenario) -> list[Finding]:
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


def _outage_findings(scenario: Scenario) -> list[Finding]:
    """Problems of the outages: unknown links or groups, links not in service on the day, an
    outage outside the period, and two outages of one link at once."""
    links = {link.id: link for link in scenario.links}
    groups = [g.id for g in scenario.risk_groups]
    first_day = units.first_day_of_month(scenario.period.start)
    after_last_day = units.first_day_of_month(scenario.period.end + 1)
    findings: list[Finding] = []
    busy: dict[str, list[tuple[float, float, str]]] = {}
    first_corridor = scenario.corridors[0].id if scenario.corridors else None
    for o, outage in enumerate(scenario.outages):
        at: tuple[str | int, ...] = ("outages", o)
        corridors = {links[i].corridor or first_corridor for i in scenario.outage_links(outage) if i in links}
        if outage.lost.gbps is not None and len(corridors) > 1:
            findings.append(
                (
                    f"the outage hits links in {len(corridors)} corridors and gives its loss as a bit rate, "
                    "which cannot be shared between corridors; give a share ('lost: 30%'), or one outage "
                    "per corridor",
                    (*at, "lost"),
                )
            )
        if outage.group is not None and outage.group not in groups:
            known = (
                f"; the risk groups are {', '.join(groups)}" if groups else "; the file has no risk_groups"
            )
            findings.append(
                (
                    f"no risk group {outage.group!r}" + (did_you_mean(outage.group, groups) or known),
                    (*at, "group"),
                )
            )
            continue
        for k, link_id in enumerate(outage.links or []):
            if link_id not in links:
                findings.append(
                    (
                        f"no link {link_id!r}"
                        + (did_you_mean(link_id, links) or f"; the links are {', '.join(links)}"),
                        (*at, "links", k),
                    )
                )
            elif link_id in (outage.links or [])[:k]:
                findings.append((f"{link_id!r} is listed twice", (*at, "links", k)))
        if outage.start < first_day or outage.end_day > after_last_day:
            findings.append(
                (
                    f"the outage runs from {units.format_day(outage.start)} for {units.format_days(outage.duration)}, "
                    f"outside the period {units.format_day(first_day)} to {units.format_day(after_last_day - 1)}; "
                    "move it inside, or widen the period",
                    (*at, "start" if outage.start < first_day else "duration"),
                )
            )
        month = units.month_of_day(outage.start)
        for link_id in dict.fromkeys(scenario.outage_links(outage)):
            link = links.get(link_id)
            if link is None:
                continue
            if month < link.phases[0].in_service or (link.retire is not None and month >= link.retire):
                findings.append(
                    (
                        f"{link.display_name} is not in service on {units.format_day(outage.start)} "
                        f"(in service {units.format_month(link.phases[0].in_service)}"
                        + (f" to {units.format_month(link.retire - 1)}" if link.retire is not None else " on")
                        + "); an outage hits links in service",
                        (*at, "start"),
                    )
                )
            for start, end, other in busy.get(link_id, []):
                if outage.start < end and start < outage.end_day:
                    findings.append(
                        (
                            f"{link.display_name} is already out in outage {other!r} then "
                            f"({units.format_day(int(start))} for {units.format_days(end - start)}); "
                            "one link has one outage at a time: join them, or move one",
                            (*at, "start"),
                        )
                    )
            busy.setdefault(link_id, []).append((outage.start, outage.end_day, outage.id))
    return findings


def _check_unique(keys: Sequence[str], field: str) -> None:
    """Each key once. Names are compared as a reader sees them (:func:`same_name_key`); ids,
    which are plain letters, digits, '-' and '_', exactly."""
    first: dict[str, int] = {}
    findings: list[Finding] = []
    for i, key in enumerate(keys):
        seen = same_name_key(key) if field == "name" else key
        if seen in first:
            earlier = keys[first[seen]]
            alike = (
                ""
                if earlier == key
                else f" ({earlier!r}: names must differ in more than case, spacing or look-alike characters)"
            )
            findings.append(
                (
                    f"{key!r} is already the {field} of entry {first[seen] + 1} of this list{alike}; "
                    f"each {field} must be unique",
                    (i, field),
                )
            )
        first.setdefault(seen, i)
    raise_all(findings)


def _source_references(scenario: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yield ``(path, key)`` for every ``source`` field that is set."""

    def walk(model: BaseModel, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
        for name, field in type(model).model_fields.items():
            value = getattr(model, name)
            key = field.alias or name
            if name == "source" and isinstance(value, str):
                yield (*path, key), value
            elif isinstance(value, BaseModel):
                yield from walk(value, (*path, key))
            elif isinstance(value, (list, dict)):
                entries = value.items() if isinstance(value, dict) else enumerate(value)
                for entry, item in entries:
                    if isinstance(item, BaseModel):
                        yield from walk(item, (*path, key, entry))

    yield from walk(scenario, ())


#: The ``model:`` names each discriminated field accepts, by field name.
MODEL_TAGS: dict[str, tuple[str, ...]] = {
    field: tuple(
        str(typing.get_args(member.model_fields["model"].annotation)[0])
        for member in typing.get_args(typing.get_args(union)[0])
    )
    for field, union in (("growth", Growth), ("share", Share))
}
