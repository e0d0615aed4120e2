"""N-1: what is left of the corridor when its largest link, or a group of links that fail
together, is lost, and whether demand still fits.

In each month the **largest link** is the one with the most capacity in service then (the
first of the scenario's order on a tie). Losing it leaves ``C − max_l C_l``; losing a risk
group ``G`` leaves ``C − Σ_{l∈G} C_l``. During an emergency links may run at the emergency
utilisation ``e`` (``planning.emergency_utilisation``, default 100%), so what is left carries
``e·left``: the **N-1 headroom** is ``e·left − D`` and the **traffic at risk**
``max(0, D − e·left)``. N-1 **fails** in the months where the traffic at risk is above 0.

**After activation** (``planning.activation_delay`` given): the survivors' installed but unlit
capacity ``Σ_{l survives} (I_l − C_l)`` is switched on and added to what is left.

All functions broadcast over leading (sample) axes, with no loop over months.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Loss", "activated", "group_loss", "largest_link_loss"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Loss:
    """One kind of loss (the largest link, or a risk group) month by month."""

    left_gbps: FloatArray
    """Capacity left after the loss [Gbps]."""
    headroom_gbps: FloatArray
    """``e·left − D`` [Gbps]; negative where demand does not fit."""
    at_risk_gbps: FloatArray
    """``max(0, D − e·left)`` [Gbps]."""
    names: tuple[str, ...]
    """What can be lost: the links' ids (largest link), or the group's id."""
    which: NDArray[np.int64]
    """What is lost in each month, as a position in ``names``; -1 in a month with no capacity
    in service, where nothing can be lost."""

    def lost_at(self, position: int) -> str | None:
        """What is lost in the month at ``position``, or None when no capacity is in service."""
        index = int(self.which[position])
        return None if index < 0 else self.names[index]

    @property
    def failing(self) -> NDArray[np.bool_]:
        """Months where demand does not fit in what is left."""
        return self.at_risk_gbps > 0

    def first_failure(self) -> int | None:
        """Position of the first month N-1 fails, or None."""
        failing = np.flatnonzero(self.failing)
        return int(failing[0]) if failing.size else None


def _loss(
    total_gbps: FloatArray,
    lost_gbps: FloatArray,
    demand_gbps: FloatArray,
    emergency: float,
    names: tuple[str, ...],
    which: NDArray[np.int64],
) -> Loss:
    left = np.maximum(0.0, total_gbps - lost_gbps)  # no negative capacity from rounding
    usable = emergency * left
    return Loss(left, usable - demand_gbps, np.maximum(0.0, demand_gbps - usable), names, which)


def largest_link_loss(
    link_capacity_gbps: Mapping[str, FloatArray], demand_gbps: FloatArray, emergency_utilisation: float
) -> Loss:
    """Losing, in each month, the link with the most capacity in service then (see the module).

    Parameters
    ----------
    link_capacity_gbps
        Capacity of each link by id, in the scenario's order [Gbps], ``(months,)`` arrays.
    demand_gbps
        Corridor demand [Gbps].
    emergency_utilisation
        Utilisation accepted during the loss, ``e`` [fraction].
    """
    ids = list(link_capacity_gbps)
    stacked = np.stack([np.asarray(link_capacity_gbps[i], dtype=float) for i in ids])
    largest = np.argmax(stacked, axis=0)  # the first on a tie
    lost = np.take_along_axis(stacked, largest[None, ...], axis=0)[0]
    total = stacked.sum(axis=0)
    largest = np.where(total > 0, largest, -1)  # nothing in service: nothing to lose
    return _loss(
        total, lost, np.asarray(demand_gbps, dtype=float), emergency_utilisation, tuple(ids), largest
    )


def group_loss(
    link_capacity_gbps: Mapping[str, FloatArray],
    demand_gbps: FloatArray,
    emergency_utilisation: float,
    group_id: str,
    members: Sequence[str],
) -> Loss:
    """Losing every link of a risk group at once (see :func:`largest_link_loss`)."""
    stacked = np.stack([np.asarray(v, dtype=float) for v in link_capacity_gbps.values()])
    lost = np.sum([np.asarray(link_capacity_gbps[m], dtype=float) for m in members], axis=0)
    demand = np.asarray(demand_gbps, dtype=float)
    which = np.zeros(np.shape(demand), dtype=np.int64)
    return _loss(stacked.sum(axis=0), lost, demand, emergency_utilisation, (group_id,), which)


def activated(
    loss: Loss,
    link_capacity_gbps: Mapping[str, FloatArray],
    link_installed_gbps: Mapping[str, FloatArray],
    demand_gbps: FloatArray,
    emergency_utilisation: float,
    members: Mapping[str, Sequence[str]] | None = None,
) -> Loss:
    """The same loss with the survivors' unlit capacity switched on (see the module).

    Parameters
    ----------
    loss
        A loss of :func:`largest_link_loss` (``members`` None: each name is one link) or of
        :func:`group_loss` (``members``: the group's links by its id).
    link_installed_gbps
        Installed capacity of each link, lit and dark [Gbps].
    """
    ids = list(link_capacity_gbps)
    dark = np.stack(
        [
            np.maximum(
                0.0,
                np.asarray(link_installed_gbps[i], dtype=float)
                - np.asarray(link_capacity_gbps[i], dtype=float),
            )
            for i in ids
        ]
    )
    lost_dark = np.zeros(dark.shape[1:])
    for k, name in enumerate(loss.names):
        taken = [ids.index(i) for i in (members[name] if members else [name])]
        lost_dark = np.where(loss.which == k, dark[taken].sum(axis=0), lost_dark)
    switched_on = np.where(loss.which >= 0, dark.sum(axis=0) - lost_dark, 0.0)
    left = loss.left_gbps + switched_on
    usable = emergency_utilisation * left
    demand = np.asarray(demand_gbps, dtype=float)
    return Loss(left, usable - demand, np.maximum(0.0, demand - usable), loss.names, loss.which)
