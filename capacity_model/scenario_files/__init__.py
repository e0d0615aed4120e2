"""Read scenario files: safe YAML with line marks, then validation.

``load_scenario(path)`` is the only entry point most callers need. Reading
keeps the line of every value, so that each problem pydantic finds is
reported as ``file:line: field.path: message``. Loading is safe: only plain
mappings, lists, strings, numbers, booleans and nulls are built; any YAML tag
that would construct an object is an error.

By step: :mod:`.yaml_text` (safe YAML with lines), :mod:`.loading` (a file and the files
it extends, ``--set``), :mod:`.validation` (plain data to a scenario), :mod:`.messages`
(pydantic's errors in the YAML's words), :mod:`.locations` (fields as written, and their
lines), :mod:`.variants` (fields changed by location), :mod:`.dumping` (the resolved YAML).
"""

from __future__ import annotations

from .dumping import dump_scenario_yaml
from .loading import LoadedScenario, Override, load, load_scenario
from .locations import LineMap
from .messages import unique
from .validation import scenario_from_data
from .variants import variant
from .yaml_text import read_yaml

__all__ = [
    "LineMap",
    "LoadedScenario",
    "Override",
    "dump_scenario_yaml",
    "load",
    "load_scenario",
    "read_yaml",
    "scenario_from_data",
    "unique",
    "variant",
]
