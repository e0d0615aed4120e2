"""A scenario with fields changed by location (``--set``, sweeps, solve), checked again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..paths import FieldRef, resolve, written_value
from ..schema import Scenario
from .validation import scenario_from_data


def set_value(data: Any, location: tuple[str | int, ...], value: Any) -> None:
    """Set the value at ``location`` in plain data, creating missing mappings on the way."""
    node = data
    for step in location[:-1]:
        if isinstance(step, str) and node.get(step) is None:
            node[step] = {}
        node = node[step]
    node[location[-1]] = value


def unvary(data: Any, scenario: Scenario, ref: FieldRef) -> None:
    """Remove the uncertainty section's distribution of the field ``ref`` names, if any."""
    section = data.get("uncertainty") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        return
    fixed = {p.path for p in scenario.parameters() if p.ref.location == ref.location}
    parameters = section.get("parameters") or {}
    for path in fixed:
        parameters.pop(path, None)
    section["correlations"] = [
        c for c in section.get("correlations") or [] if not fixed.intersection(c.get("between") or ())
    ]
    faults = any(
        isinstance(e, dict) and e.get("faults")
        for e in (data.get("links") or []) + (data.get("risk_groups") or [])
    )
    if not parameters and not faults:  # faults are drawn in a Monte Carlo run: the section stays
        data.pop("uncertainty")


def variant(scenario: Scenario, changes: Mapping[tuple[str | int, ...], Any], label: str) -> Scenario:
    """The scenario with some fields changed, validated again.

    Parameters
    ----------
    scenario
        The scenario to start from.
    changes
        New values in the fields' base units (Gbps, month index, months, fraction),
        by the field's location (see :attr:`capacity_model.paths.FieldRef.location`).
        A field the uncertainty section varies is fixed at the value given.
    label
        Names the change in problems, e.g. ``"share.end = 15%"``.

    Raises
    ------
    ScenarioError
        When the changed scenario is not valid (e.g. a phase moved past the next one).
    """
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    for location, value in changes.items():
        ref = _ref_at(scenario, location)
        set_value(data, location, written_value(ref, value))
        unvary(data, scenario, ref)
    return scenario_from_data(data, file=label)


def _ref_at(scenario: Scenario, location: tuple[str | int, ...]) -> FieldRef:
    path = "".join(f"[{s}]" if isinstance(s, int) else (f".{s}" if i else s) for i, s in enumerate(location))
    return resolve(scenario, path)
