"""A scenario with several corridors, seen one corridor at a time.

Each corridor is projected as a scenario of its own (the single-corridor model of the rest of
the package): its links, the streams whose route crosses it, its targets, the part of each
risk group and outage on its links, and the uncertain inputs that name what it keeps. What
each stream carries end to end, over every corridor of its route and its backups, is the
network's (:mod:`capacity_model.engine.network`).
"""

from __future__ import annotations

from typing import Any

from .paths import resolve
from .schema import Scenario

__all__ = ["corridor_ids", "corridor_scenario"]


def corridor_ids(scenario: Scenario) -> list[str]:
    """Ids of the scenario's corridors; empty for a scenario of one implicit corridor."""
    return [c.id for c in scenario.corridors]


def corridor_scenario(scenario: Scenario, corridor_id: str) -> Scenario:
    """The scenario as one corridor sees it, validated (see the module).

    Streams keep their growth, share and priority; their route becomes this corridor alone
    and their backups are dropped (spill-over is the network's). A risk group or an outage
    keeps the links it has in this corridor (and is dropped if it has none); a fault of a risk
    group then takes those links.
    """
    data: dict[str, Any] = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
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


def _uncertainty_for(scenario: Scenario, data: dict[str, Any]) -> dict[str, Any] | None:
    """The uncertainty section with the parameters (and correlations) that name what the
    corridor keeps; None when none is left and no fault is drawn."""
    section = data.get("uncertainty")
    if section is None:
        return None
    lists = {
        name: {entry.get("id", entry.get("name")) for entry in data.get(name, [])}
        for name in ("links", "demand", "targets", "risk_groups", "outages")
    }
    parameters = {}
    for path, spec in section.get("parameters", {}).items():
        location = resolve(scenario, path).location
        if location[0] in lists:
            entry = getattr(scenario, str(location[0]))[int(location[1])]
            if (
                getattr(entry, "id", None) not in lists[str(location[0])]
                and getattr(entry, "name", None) not in lists[str(location[0])]
            ):
                continue
        parameters[path] = spec
    faults = any("faults" in link for link in data["links"]) or any(
        "faults" in g for g in data.get("risk_groups", [])
    )
    if not parameters and not faults:
        return None
    correlations = [c for c in section.get("correlations", []) if all(p in parameters for p in c["between"])]
    return {**section, "parameters": parameters, "correlations": correlations}
