"""What meeting a capacity target takes, from what is in place when the period starts.

Capacity comes in three layers. **Lit** capacity carries traffic today. **Installed**
capacity is equipped but partly dark: the rest can be switched on in days to weeks (the PTA
reports the Pak-China OFC as 1 Tbps installed, 0.45 Tbps lit). A link's **potential** is its
physical ceiling (fibre pairs x wavelengths x rate, or a stated figure): beyond installed
capacity and within the potential, new equipment on the same fibre takes months; beyond the
potential it takes a new system, which takes years.

A target of capacity ``T`` is classified against the links in service at the start of the
period (lit ``L``, installed ``I``, potential ``P``, each summed over them):

* ``nothing``: ``T <= L``;
* ``activation``: ``L < T <= I``;
* ``upgrade``: ``I < T <= P``;
* ``new_system``: ``T > P``;
* ``beyond_installed``: ``T > I`` when a link in service has no potential given, so that an
  upgrade and a new system cannot be told apart.

With no link in service at the start, every target takes a new system.

Comparisons allow :data:`~.planning.CAPACITY_RTOL` for rounding, as the targets' status does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..schema import Scenario
from . import capacity as cap
from .planning import CAPACITY_RTOL

__all__ = [
    "InPlace",
    "Need",
    "TargetNeed",
    "capacity_in_place",
    "classify",
    "link_installed_gbps",
    "target_needs",
]

Need = Literal["nothing", "activation", "upgrade", "new_system", "beyond_installed"]


@dataclass(frozen=True)
class InPlace:
    """The capacity in place at the start of the period, over the links then in service."""

    at: int
    """The start of the period [month index]."""
    lit_gbps: float
    """Capacity in service [Gbps]."""
    installed_gbps: float
    """Capacity installed, lit and dark [Gbps]."""
    potential_gbps: float | None
    """Potential of the links, or None when one of them has none given [Gbps]."""
    without_potential: tuple[str, ...]
    """Ids of the links in service without a potential."""
    in_service: tuple[str, ...]
    """Ids of the links in service (none: every target takes a new system)."""


@dataclass(frozen=True)
class TargetNeed:
    """What meeting one target takes, from the capacity in place (``in_place``)."""

    name: str
    capacity_gbps: float
    """The target [Gbps]."""
    need: Need
    in_place: InPlace


def classify(
    target_gbps: float, lit_gbps: float, installed_gbps: float, potential_gbps: float | None
) -> Need:
    """The layer a target of ``target_gbps`` reaches into (see the module's description).

    >>> classify(1000, 450, 1000, None), classify(4000, 450, 1000, None), classify(4000, 450, 1000, 51200)
    ('activation', 'beyond_installed', 'upgrade')
    """
    within = 1.0 + CAPACITY_RTOL
    if target_gbps <= lit_gbps * within:
        return "nothing"
    if target_gbps <= installed_gbps * within:
        return "activation"
    if potential_gbps is None:
        return "beyond_installed"
    return "upgrade" if target_gbps <= potential_gbps * within else "new_system"


def link_installed_gbps(
    months: Sequence[int] | np.ndarray,
    installed_gbps: Sequence[float],
    in_service_month: Sequence[int],
    retire_month: int | None = None,
) -> np.ndarray:
    """Installed capacity of one link in each month [Gbps]: each phase's installed capacity
    from its ``in_service`` on (equipment is in place when the phase starts, whatever the ramp
    of its lit capacity), 0 before the first phase and from ``retire_month`` on."""
    return cap.link_capacity_gbps(
        months, list(installed_gbps), list(in_service_month), [0] * len(installed_gbps), retire_month
    )


def capacity_in_place(scenario: Scenario) -> InPlace:
    """Lit, installed and potential capacity at the start of the period, summed over the links
    in service then (first phase in service, not retired; a link still to come is no layer of
    today's), from the values written."""
    start = scenario.period.start
    month = np.array([start], dtype=np.int64)
    lit = installed = potential = 0.0
    without: list[str] = []
    serving: list[str] = []
    for link in scenario.links:
        phases = link.phases
        if phases[0].in_service > start or (link.retire is not None and link.retire <= start):
            continue
        serving.append(link.id)
        dates = [p.in_service for p in phases]
        lit += float(
            cap.link_capacity_gbps(
                month, [p.capacity for p in phases], dates, [p.ramp for p in phases], link.retire
            )[0]
        )
        installed += float(link_installed_gbps(month, link.installed_gbps, dates, link.retire)[0])
        if link.potential_gbps is None:
            without.append(link.id)
        else:
            potential += link.potential_gbps
    return InPlace(start, lit, installed, None if without else potential, tuple(without), tuple(serving))


def target_needs(scenario: Scenario, in_place: InPlace | None = None) -> tuple[TargetNeed, ...]:
    """What meeting each target of ``scenario`` takes, from the capacity in place
    (:func:`capacity_in_place`, computed if not given)."""
    place = in_place or capacity_in_place(scenario)
    return tuple(
        TargetNeed(
            name=t.name,
            capacity_gbps=t.capacity,
            need=classify(t.capacity, place.lit_gbps, place.installed_gbps, place.potential_gbps),
            in_place=place,
        )
        for t in scenario.targets
    )
