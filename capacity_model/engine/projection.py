"""The orchestrator: a scenario in, a :class:`Projection` of arrays and events out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .. import units
from ..schema import Scenario
from . import shortfalls
from .allocation import allocate, carried_share
from .evaluation import evaluate, period_months, total
from .events import (
    Exhaustion,
    PhaseOrder,
    TargetOutcome,
    TargetStep,
    exhaustions,
    phase_orders,
    target_outcomes,
    target_steps,
)
from .outages import OutageLosses, OutageWindow, month_start_days, outage_losses
from .readiness import InPlace, TargetNeed, capacity_in_place, link_installed_gbps, target_needs
from .resilience import Loss, activated, group_loss, largest_link_loss
from .shortfalls import Episode
from .upgrades import CapacityPlan, capacity_plan

__all__ = ["Projection", "project"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Projection:
    """Monthly capacity, demand and planning quantities of one scenario.

    Every array has one value per month of ``months``.
    """

    scenario: Scenario
    months: NDArray[np.int64]
    """Month indices of the period [month index]."""
    link_capacity_gbps: dict[str, FloatArray]
    """Capacity of each link, by link id [Gbps]."""
    capacity_gbps: FloatArray
    """Corridor capacity: sum over links [Gbps]."""
    stream_base_gbps: dict[str, FloatArray]
    """Traffic of each stream before its share, by stream id [Gbps]."""
    stream_demand_gbps: dict[str, FloatArray]
    """Demand of each stream after its share, by stream id [Gbps]."""
    stream_share: dict[str, FloatArray | None]
    """Share applied to each stream, or None for streams without one [fraction]."""
    stream_carried_gbps: dict[str, FloatArray]
    """Traffic of each stream the usable capacity carries, by priority (see :mod:`.allocation`) [Gbps]."""
    demand_gbps: FloatArray
    """Corridor demand: sum over streams [Gbps]."""
    utilisation: FloatArray
    """``demand / capacity`` [fraction]."""
    headroom_gbps: FloatArray
    """``capacity * max_utilisation - demand`` [Gbps]."""
    required_capacity_gbps: FloatArray
    """``demand / max_utilisation`` [Gbps]."""
    gap_gbps: FloatArray
    """``max(0, required - capacity)`` [Gbps]."""
    unserved_gbps: FloatArray
    """``max(0, demand - max_utilisation * capacity)``: traffic above the usable capacity [Gbps]."""
    episodes: tuple[Episode, ...]
    """Runs of consecutive shortfall months."""
    exhaustions: tuple[Exhaustion, ...]
    phases: tuple[PhaseOrder, ...]
    targets: tuple[TargetOutcome, ...]
    steps: tuple[TargetStep, ...]
    plan: CapacityPlan
    """Upgrades that would keep utilisation at or below the threshold in every month."""
    link_installed_gbps: dict[str, FloatArray]
    """Installed capacity of each link (lit and dark), by link id [Gbps]."""
    in_place: InPlace
    """Lit, installed and potential capacity at the start of the period (see :mod:`.readiness`)."""
    needs: tuple[TargetNeed, ...]
    """What meeting each target takes, from ``in_place``."""
    n_minus_1: Loss
    """Losing the largest link in each month (see :mod:`.resilience`)."""
    group_losses: dict[str, Loss]
    """Losing each risk group, by group id."""
    n_minus_1_activated: Loss | None
    """Losing the largest link with the survivors' unlit capacity switched on, when
    ``planning.activation_delay`` is given (else None)."""
    group_losses_activated: dict[str, Loss]
    """Losing each risk group, the survivors' unlit capacity on (empty without an activation delay)."""
    outage_windows: tuple[OutageWindow, ...]
    """The scenario's outages in resolved form, in its order."""
    outages: OutageLosses | None
    """Capacity and traffic lost inside the outage windows, all outages together (see
    :mod:`.outages`), or None without outages."""
    outages_alone: tuple[OutageLosses, ...]
    """Each outage evaluated alone, in the scenario's order: its own cost."""

    @property
    def resilience_applies(self) -> bool:
        """Whether N-1 says more than "losing the only link loses everything": two links or
        more, or risk groups."""
        return len(self.scenario.links) > 1 or bool(self.scenario.risk_groups)

    @property
    def installed_given(self) -> bool:
        """Whether any phase gives an installed capacity beside its lit one."""
        return any(p.installed is not None for link in self.scenario.links for p in link.phases)

    @property
    def installed_gbps(self) -> FloatArray:
        """Installed capacity of all links, lit and dark [Gbps]."""
        return total(list(self.link_installed_gbps.values()))

    @property
    def max_utilisation(self) -> float:
        """Utilisation threshold [fraction]."""
        return self.scenario.planning.max_utilisation

    @property
    def largest_gap(self) -> tuple[float, int | None]:
        """Largest gap [Gbps] and its first month, or ``(0.0, None)`` when there is none."""
        index = int(np.argmax(self.gap_gbps))
        gap = float(self.gap_gbps[index])
        return (gap, int(self.months[index])) if gap > 0 else (0.0, None)

    @property
    def months_short(self) -> int:
        """Months with demand above the usable capacity."""
        return int(shortfalls.months_short(self.headroom_gbps))

    @property
    def unserved_tbps_months(self) -> float:
        """Unserved traffic summed over the period [Tbps·months]."""
        return float(shortfalls.unserved_tbps_months(self.unserved_gbps))

    @property
    def unserved_share(self) -> float:
        """Share of the period's demand that is unserved [fraction]."""
        return float(shortfalls.unserved_share(self.unserved_gbps, self.demand_gbps))

    def stream_unserved_gbps(self, stream_id: str) -> FloatArray:
        """A stream's demand the corridor does not carry [Gbps]."""
        return np.maximum(0.0, self.stream_demand_gbps[stream_id] - self.stream_carried_gbps[stream_id])

    def carried_share(self, stream_id: str) -> FloatArray | None:
        """A stream's carried traffic over its traffic before the share [fraction], or None
        for a stream without a share."""
        if self.stream_share[stream_id] is None:
            return None
        return carried_share(self.stream_carried_gbps[stream_id], self.stream_base_gbps[stream_id])

    def index(self, month: int) -> int:
        """Position of a month of the period in the arrays.

        Raises
        ------
        IndexError
            For a month outside the period.
        """
        position = month - int(self.months[0])
        if not 0 <= position < len(self.months):
            raise IndexError(month)
        return position


def project(scenario: Scenario) -> Projection:
    """Project capacity against demand, month by month, and find the events.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    Projection
        Arrays over the period's months, the events derived from them, and the capacity plan.
    """
    months = period_months(scenario)
    result = evaluate(scenario, months)
    installed = {
        link.id: link_installed_gbps(
            months, link.installed_gbps, [p.in_service for p in link.phases], link.retire
        )
        for link in scenario.links
    }
    windows = outage_windows(scenario)

    def losses(chosen: list[OutageWindow]) -> OutageLosses:
        return outage_losses(
            chosen,
            np.stack(list(result.link_capacity_gbps.values())),
            np.stack(list(installed.values())),
            result.demand_gbps,
            month_start_days(months),
            emergency,
            scenario.planning.activation_delay,
        )

    threshold = scenario.planning.max_utilisation
    emergency = scenario.planning.emergency_utilisation
    n_minus_1 = largest_link_loss(result.link_capacity_gbps, result.demand_gbps, emergency)
    group_losses = {
        g.id: group_loss(result.link_capacity_gbps, result.demand_gbps, emergency, g.id, g.links)
        for g in scenario.risk_groups
    }
    ids = [s.id for s in scenario.demand]
    carried = allocate(
        [result.stream_demand_gbps[i] for i in ids],
        [s.priority for s in scenario.demand],
        result.capacity_gbps * threshold,
    )
    unserved = shortfalls.unserved_gbps(result.demand_gbps, result.capacity_gbps, threshold)
    return Projection(
        scenario=scenario,
        months=months,
        link_capacity_gbps=result.link_capacity_gbps,
        capacity_gbps=result.capacity_gbps,
        stream_base_gbps=result.stream_base_gbps,
        stream_demand_gbps=result.stream_demand_gbps,
        stream_share=result.stream_share,
        stream_carried_gbps=dict(zip(ids, carried, strict=True)),
        demand_gbps=result.demand_gbps,
        utilisation=result.utilisation,
        headroom_gbps=result.headroom_gbps,
        required_capacity_gbps=result.required_capacity_gbps,
        gap_gbps=result.gap_gbps,
        unserved_gbps=unserved,
        episodes=shortfalls.episodes(months, result.headroom_gbps, result.gap_gbps, unserved),
        exhaustions=exhaustions(scenario, months, result.headroom_gbps),
        phases=phase_orders(scenario),
        targets=target_outcomes(scenario),
        steps=target_steps(scenario, result.capacity_gbps),
        plan=capacity_plan(scenario, months, result.demand_gbps, result.capacity_gbps),
        link_installed_gbps=installed,
        in_place=(in_place := capacity_in_place(scenario)),
        needs=target_needs(scenario, in_place),
        n_minus_1=n_minus_1,
        group_losses=group_losses,
        n_minus_1_activated=None
        if scenario.planning.activation_delay is None
        else activated(n_minus_1, result.link_capacity_gbps, installed, result.demand_gbps, emergency),
        group_losses_activated={}
        if scenario.planning.activation_delay is None
        else {
            g.id: activated(
                group_losses[g.id],
                result.link_capacity_gbps,
                installed,
                result.demand_gbps,
                emergency,
                {g.id: g.links},
            )
            for g in scenario.risk_groups
        },
        outage_windows=windows,
        outages=losses(list(windows)) if windows else None,
        outages_alone=tuple(losses([w]) for w in windows),
    )


def outage_windows(scenario: Scenario) -> tuple[OutageWindow, ...]:
    """The scenario's outages with days counted from the period's first day and links as
    positions in the scenario's order."""
    first = units.first_day_of_month(scenario.period.start)
    position = {link.id: i for i, link in enumerate(scenario.links)}
    return tuple(
        OutageWindow(
            start_day=float(o.start - first),
            duration_days=o.duration,
            links=tuple(position[i] for i in scenario.outage_links(o)),
            lost_share=o.lost.share,
            lost_gbps=o.lost.gbps,
        )
        for o in scenario.outages
    )
