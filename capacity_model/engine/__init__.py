"""The projection engine: pure numpy functions over months, no I/O.

``project(scenario)`` is the one entry point for a single run; the submodules hold
the formulas by topic: ``capacity`` and ``demand`` (the models), ``planning``
(utilisation, headroom, gap), ``shortfalls`` (episodes, unserved traffic),
``allocation`` (carried traffic by priority), ``upgrades`` (the capacity plan),
``events`` (exhaustions, phases, targets), ``readiness`` (what meeting a target takes:
activation, an upgrade or a new system), ``routing`` (traffic over corridors in series),
``network``, ``network_loss`` and ``network_events`` (streams end to end over the corridors,
and while links are down),
``evaluation`` (every monthly quantity, for
one run or many samples), ``montecarlo`` and ``sensitivity``.
"""

from .events import Exhaustion, PhaseOrder, TargetOutcome, TargetStep
from .projection import Projection, project
from .readiness import TargetNeed
from .shortfalls import Episode
from .upgrades import CapacityPlan, Upgrade

__all__ = [
    "CapacityPlan",
    "Episode",
    "Exhaustion",
    "PhaseOrder",
    "Projection",
    "TargetNeed",
    "TargetOutcome",
    "TargetStep",
    "Upgrade",
    "project",
]
