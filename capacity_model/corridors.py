"""A scenario with several corridors, seen one corridor at a time.

Each corridor is projected as a scenario of its own (the single-corridor model of the rest of
the package): its links, the streams whose route crosses it, its targets, the part of each
risk group and outage on its links, and the uncertain inputs that name what it keeps. What
each stream carries end to end, over every corridor of its route and its backups, is the
network's (:mod:`capacity_model.engine.network`).
"""

from __future__ import annotations

from typing import Any

from .paths import PathError, resolve
from .schema import Scenario

__all__ = ["corridor_ids", "corridor_location", "corridor_scenario", "id_path"]


def corridor_ids(scenario: Scenario) -> list[str]:
    """Ids of the scenario's corridors when it has several; empty for one corridor, listed
    or not (a scenario of one corridor is the single-corridor model itself)."""
    return [c.id for c in scenario.corridors] if len(scenario.corridors) > 1 else []


def corridor_scenario(scenario: Scenario, corridor_id: str) -> Scenario:
    """The scenario as one corridor sees it, validated (see the module).

    Streams keep their growth, share and priority; their route becomes this corridor alone
    and their backups are dropped (spill-over is the network's). A risk group or an outage
    keeps the links it has in this corridor (and is dropped if it has none); a fault of a risk
    group then takes those links.
    """
    # Only what the file wrote: the corridor keeps the "default" marks of what it left out.
    data: dict[str, Any] = scenario.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude_unset=True
    )
    first = scenario.corridors[0].id
    corridor = next(c for c in scenario.corridors if c.id == corridor_id)
    links = [link for link in data["links"] if link.get("corridor", first) == corridor_id]
    kept = {link["id"] for link in links}
    data["name"] = f"{scenario.name}: {corridor.display_name}"
    data["corridors"] = [c for c in data["corridors"] if c["id"] == corridor_id]
    data["links"] = links
    data["demand"] = [
        {**{k: v for k, v in s.items() if k != "backup"}, "route": [corridor_id]}
        for s in data["demand"]
        if corridor_id in s.get("route", [first])
    ]
    data["targets"] = [t for t in data.get("targets", []) if t.get("corridor", first) == corridor_id]
    groups = []
    for group in data.get("risk_groups", []):
        members = [i for i in group["links"] if i in kept]
        if members:
            groups.append({**group, "links": members})
    data["risk_groups"] = groups
    group_links = {g["id"]: g["links"] for g in groups}
    outages = []
    for outage in data.get("outages", []):
        if "group" in outage:
            if outage["group"] in group_links:
                outages.append(outage)
        else:
            hit = [i for i in outage["links"] if i in kept]
            if hit:
                outages.append({**outage, "links": hit})
    data["outages"] = outages
    data["uncertainty"] = _uncertainty_for(scenario, data)
    if data["uncertainty"] is None:
        data.pop("uncertainty")
    return Scenario.model_validate(data)


#: Lists whose entries a corridor keeps or drops, each named by its id (targets by name).
_FILTERED = ("links", "demand", "targets", "risk_groups", "outages", "corridors")


def _entry(scenario: Scenario, location: tuple[str | int, ...]) -> Any:
    """The entry of a filtered list that a location is in, or None for other fields."""
    if len(location) >= 2 and location[0] in _FILTERED and isinstance(location[1], int):
        return getattr(scenario, str(location[0]))[location[1]]
    return None


def _key(entry: Any) -> Any:
    return (
        entry.get("id", entry.get("name"))
        if isinstance(entry, dict)
        else getattr(entry, "id", None) or getattr(entry, "name", None)
    )


def corridor_location(
    scenario: Scenario, part: Scenario, location: tuple[str | int, ...]
) -> tuple[str | int, ...] | None:
    """Where a field of ``scenario`` is in its corridor scenario ``part`` (positions in the
    lists a corridor filters change), or None when the corridor drops it. An uncertain input's
    path becomes the path :func:`corridor_scenario` gives it."""
    if len(location) >= 2 and location[0] in _FILTERED and isinstance(location[1], int):
        entries = getattr(scenario, str(location[0]))
        if location[1] >= len(entries):
            return None
        key = _key(entries[location[1]])
        kept = [_key(e) for e in getattr(part, str(location[0]))]
        if key not in kept:
            return None
        return (location[0], kept.index(key), *location[2:])
    if location[:2] == ("uncertainty", "parameters") and len(location) >= 3:
        try:
            path = id_path(scenario, resolve(scenario, str(location[2])).location)
        except PathError:
            return None
        if part.uncertainty is None or path not in part.uncertainty.parameters:
            return None
        return ("uncertainty", "parameters", path, *location[3:])
    return location


def id_path(scenario: Scenario, location: tuple[str | int, ...]) -> str:
    """A field path naming list entries by id (``links.ofc.phases[2].in_service``), from a
    location of keys and positions: the form that stays right when a corridor drops entries."""
    text = ""
    node: Any = scenario
    for k, step in enumerate(location):
        if isinstance(step, int):
            entry = node[step]
            ident = getattr(entry, "id", None)
            top = k == 1 and location[0] in _FILTERED
            text += f".{ident}" if top and ident else f"[{step}]"
            node = entry
        else:
            text += f".{step}" if text else str(step)
            node = getattr(node, step) if not isinstance(node, dict) else node[step]
    return text


def _uncertainty_for(scenario: Scenario, data: dict[str, Any]) -> dict[str, Any] | None:
    """The uncertainty section with the parameters (and correlations) that name what the
    corridor keeps, each path rewritten to name entries by id; None when none is left and no
    fault is drawn."""
    section = data.get("uncertainty")
    if section is None:
        return None
    kept = {name: {_key(entry) for entry in data.get(name, [])} for name in _FILTERED}
    parameters = {}
    renamed: dict[str, str] = {}
    for path, spec in section.get("parameters", {}).items():
        location = resolve(scenario, path).location
        entry = _entry(scenario, location)
        if entry is not None and _key(entry) not in kept[str(location[0])]:
            continue
        renamed[path] = id_path(scenario, location)
        parameters[renamed[path]] = spec
    faults = any("faults" in link for link in data["links"]) or any(
        "faults" in g for g in data.get("risk_groups", [])
    )
    if not parameters and not faults:
        return None
    correlations = [
        {**c, "between": [renamed[p] for p in c["between"]]}
        for c in section.get("correlations", [])
        if all(p in renamed for p in c["between"])
    ]
    return {**section, "parameters": parameters, "correlations": correlations}
