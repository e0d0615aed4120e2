"""The network's systems: corridors, links and their phases and ceilings, announced targets."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from .. import units
from ..quantities import (
    POSITIVE_BIT_RATE_SCHEMA,
    Duration,
    FibreCount,
    Id,
    LengthKm,
    Month,
    Name,
    PositiveBitRate,
    SourceKey,
    StrictModel,
    problem,
    raise_all,
)
from .failures import Faults
from .limits import MAX_ENTRIES


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
