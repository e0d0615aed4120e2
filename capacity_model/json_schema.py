"""JSON Schema of a scenario file, as a user writes it, for editors and other tools.

The schema comes from the pydantic models of :mod:`capacity_model.schema`, in
validation mode, with the quantities (bit rates, dates, durations, percentages)
described as they are written (``'450 Gbps'``, ``'2029-06'``), not as they are held
inside. It checks the shape of a file: field names, types, the form of each
quantity and the required fields. Rules that compare fields, ranges such as
0–100%, calendar dates and the ``uncertainty`` paths are left to
``capacity-model validate``.

A file with ``extends:`` names a parent scenario and holds only what it changes
(see :mod:`capacity_model.inheritance`), so it is checked against a loose variant:
no field is required in what is merged over the parent, and ``remove:`` is allowed.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import SchemaSerializer, core_schema

from .schema import Scenario

__all__ = ["MERGED_LISTS", "scenario_json_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: Lists that a child scenario merges entry by entry into its parent's (by ``id`` or
#: ``name``); any other list replaces the parent's whole. The same as the keys of
#: ``capacity_model.inheritance.MERGE_KEYS`` (a test checks it).
MERGED_LISTS = frozenset({"links", "demand", "targets", "phases"})

#: Where the note on how to write a quantity waits, during generation, for the field's own
#: description to be known (pydantic puts a field's docstring over its type's description).
_NOTE = "x-written-as"

#: Base units named in field docstrings: true inside the package, misleading beside a
#: note that says how the value is written.
_BASE_UNIT = re.compile(r"\s*\[(?:Gbps|fraction|fraction per year|months)\]")

_EXTENDS = {
    "type": "string",
    "minLength": 1,
    "description": "Path of the scenario this one extends, relative to this file, e.g. "
    "'baseline.yaml'. This file then holds only what it changes: mappings merge key by key; "
    "links, demand streams and phases merge by id, targets by name; other lists replace the "
    "parent's.",
    "examples": ["baseline.yaml"],
}
_REMOVE = {
    "type": "array",
    "items": {"type": "string", "minLength": 1},
    "description": "Field paths of inherited entries to drop, e.g. 'links.new-cable', "
    "'targets[New cable]' or 'links.ofc.phases[2]'. Uncertainty parameters inside a removed "
    "entry are dropped with it.",
    "examples": [["links.new-cable"]],
}


class _AsWritten(GenerateJsonSchema):
    """Validation-mode schema whose defaults and type notes are in the units a user writes."""

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if json_schema.get("default") is not None and "default" in schema:
            # The type's serializer writes 24 (months) as '24 months' and 0.7 as '70%'.
            json_schema["default"] = SchemaSerializer(schema["schema"]).to_python(
                schema["default"], mode="json"
            )
        return json_schema

    def model_field_schema(self, schema: core_schema.ModelField) -> JsonSchemaValue:
        json_schema = super().model_field_schema(schema)
        notes = _pop_notes(json_schema)
        if notes:
            json_schema[_NOTE] = " ".join(notes)
        return json_schema


def _pop_notes(json_schema: JsonSchemaValue) -> list[str]:
    """Take the descriptions of a field's type (or of the members of an optional type)."""
    if "description" in json_schema:
        return [json_schema.pop("description")]
    return [note for member in json_schema.get("anyOf", ()) if (note := member.pop("description", None))]


def scenario_json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a scenario file.

    Returns
    -------
    dict
        The schema: a file with ``extends:`` is checked against ``$defs/PartialScenario``,
        any other against ``$defs/Scenario``.
    """
    generated = copy.deepcopy(Scenario.model_json_schema(mode="validation", schema_generator=_AsWritten))
    defs = generated.pop("$defs")
    defs["Scenario"] = generated
    _describe(defs)
    partial = _Loosen(defs)
    partial.ref("Scenario")
    loose = defs["PartialScenario"]
    loose["properties"] = {"extends": _EXTENDS, "remove": _REMOVE, **loose["properties"]}
    loose["description"] = (
        "A scenario that extends another: every field is optional and merged over the parent's."
    )
    return {
        "$schema": DIALECT,
        "title": "capacity_model scenario",
        "description": (
            "A scenario of connectivity capacity (links and their phases, targets) against "
            "demand, for `capacity-model run`. Bit rates are written '450 Gbps', percentages "
            "'12.5%', dates '2029-06', durations '18 months'. `capacity-model validate` "
            "checks more than this schema: ranges, date order, sources and uncertainty paths."
        ),
        "if": {"required": ["extends"]},
        "then": {"$ref": "#/$defs/PartialScenario"},
        "else": {"$ref": "#/$defs/Scenario"},
        "$defs": dict(sorted(defs.items())),
    }


def _describe(node: Any) -> None:
    """Join each field's description and its type's note on how to write it.

    Docstring line breaks are joined within paragraphs, and RST literals (````x````)
    become Markdown ones (```x```), as editors show descriptions as Markdown.
    """
    if isinstance(node, list):
        for item in node:
            _describe(item)
        return
    if not isinstance(node, dict):
        return
    note = node.pop(_NOTE, None)
    if note:
        own = _BASE_UNIT.sub("", node.get("description", "")).strip()
        node["description"] = f"{own} {note}" if own else note
    if isinstance(node.get("description"), str):
        paragraphs = node["description"].replace("``", "`").split("\n\n")
        node["description"] = "\n\n".join(" ".join(p.split()) for p in paragraphs)
    for key, value in node.items():
        if key not in ("default", "examples", "const", "enum"):
            _describe(value)


class _Loosen:
    """Add ``Partial<Name>`` copies of definitions, for files that extend another.

    A copy requires no field and states no defaults (a value left out is the parent's), and
    a choice among models (``oneOf``) becomes ``anyOf``, since ``model:`` or ``dist:`` may be
    inherited. Lists outside
    :data:`MERGED_LISTS` replace the parent's whole, so their entries stay complete.
    """

    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs

    def ref(self, name: str) -> str:
        loose = f"Partial{name}"
        if loose not in self.defs:
            self.defs[loose] = {}  # placed first: definitions may refer to themselves
            self.defs[loose] = self.node(copy.deepcopy(self.defs[name]))
        return f"#/$defs/{loose}"

    def node(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.node(item) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("required", "discriminator", "default"):  # a value left out is the parent's
                continue
            if key == "$ref":
                out[key] = self.ref(value.removeprefix("#/$defs/"))
            elif key == "oneOf":
                out["anyOf"] = self.node(value)
            elif key == "properties":
                out[key] = {
                    name: field if _is_list(field) and name not in MERGED_LISTS else self.node(field)
                    for name, field in value.items()
                }
            elif key in ("default", "examples", "const", "enum", "pattern"):
                out[key] = value
            else:
                out[key] = self.node(value)
        return out


def _is_list(field: dict[str, Any]) -> bool:
    return field.get("type") == "array" or any(m.get("type") == "array" for m in field.get("anyOf", ()))
