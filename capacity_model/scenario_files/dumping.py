"""A scenario written back as YAML, in readable units, with every default filled in."""

from __future__ import annotations

import yaml

from ..schema import Scenario


def dump_scenario_yaml(scenario: Scenario) -> str:
    """Write a scenario as YAML in readable units, every default filled in."""
    data = scenario.resolved().model_dump(mode="json", by_alias=True, exclude_none=True)
    # as before outages and corridors existed: a file without them dumps unchanged
    for key in ("outages", "corridors"):
        if not data.get(key):
            data.pop(key, None)
    for stream in data.get("demand", []):
        if not stream.get("backup"):
            stream.pop("backup", None)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
