"""What fails and how: fault rates and repair times, links that fail together, scripted outages."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field, model_validator

from .. import units
from ..quantities import (
    CapacityLost,
    CapacityLostField,
    Day,
    DurationDays,
    FaultRate,
    FaultRatePer1000Km,
    Id,
    Name,
    RepairDays,
    SourceKey,
    StrictModel,
    problem,
)
from .limits import MAX_ENTRIES

#: The standard normal's 90th percentile: lognormal repair times given by their P90, and the
#: P10-P90 of a fitted growth's parameters.
Z_90 = 1.2815515655446004


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
