"""The projection engine: pure numpy functions over months, no I/O.

``project(scenario)`` is the one entry point; the submodules hold the
formulas by topic (capacity, demand, planning quantities).
"""

from .projection import (
    Exhaustion,
    PhaseOrder,
    Projection,
    TargetOutcome,
    TargetStep,
    project,
)

__all__ = ["Exhaustion", "PhaseOrder", "Projection", "TargetOutcome", "TargetStep", "project"]
