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

The schema is written for strict validators as well as editors. It compiles in ajv's strict
mode: no ``discriminator`` (an OpenAPI keyword pydantic emits for tagged unions), no union
types (``type: [string, number]`` becomes an ``anyOf`` of one type each, every keyword beside
the type it applies to), and ``type`` and ``properties`` beside ``required`` in the ``if``.
The one keyword outside the JSON Schema vocabularies is ``patternErrorMessage``, beside every
``pattern``: the message editors using yaml-language-server (VS Code's YAML extension) show
when a value is written wrongly, instead of the bare regular expression. Validators ignore it,
except ajv in strict mode, which must be told of it: ``ajv.addKeyword("patternErrorMessage")``.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import SchemaSerializer, core_schema

from .quantities import (
    BitRate,
    Day,
    Duration,
    DurationDays,
    FaultRate,
    FaultRatePer1000Km,
    Fraction,
    GrowthRate,
    Id,
    LengthKm,
    Month,
    PositiveBitRate,
)
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
    return _for_strict_validators(
        {
            "$schema": DIALECT,
            "title": "capacity_model scenario",
            "description": (
                "A scenario of connectivity capacity (links and their phases, targets) against "
                "demand, for `capacity-model run`. Bit rates are written '450 Gbps', percentages "
                "'12.5%', dates '2029-06', durations '18 months'. `capacity-model validate` "
                "checks more than this schema: ranges, date order, sources and uncertainty paths."
            ),
            "if": {"type": "object", "properties": {"extends": True}, "required": ["extends"]},
            "then": {"$ref": "#/$defs/PartialScenario"},
            "else": {"$ref": "#/$defs/Scenario"},
            "$defs": dict(sorted(defs.items())),
        }
    )


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


#: What an editor says when a quantity does not match its pattern (yaml-language-server's
#: ``patternErrorMessage``), by the type whose pattern it explains.
_PATTERN_MESSAGES: tuple[tuple[Any, str], ...] = (
    (
        BitRate,
        "Write a bit rate with its unit, e.g. '450 Gbps' or '1.5 Tbps' (bps, kbps, Mbps, Gbps, Tbps, "
        "Pbps or b/s; bits, not bytes).",
    ),
    (
        PositiveBitRate,
        "Write a bit rate above 0 with its unit, e.g. '450 Gbps' or '1.5 Tbps' (bps, kbps, Mbps, Gbps, "
        "Tbps, Pbps or b/s; bits, not bytes).",
    ),
    (Month, "Write a date as year and month, e.g. '2029-06'; '2029', '2029-Q3' and '2029-06-30' also work."),
    (Duration, "Write a duration with its unit, e.g. '18 months' or '2 years'."),
    (Day, "Write a day as year-month-day, e.g. '2025-01-02'."),
    (DurationDays, "Write a duration in days or hours, e.g. '14 days' or '38 hours'."),
    (FaultRate, "Write faults per year, e.g. '0.6 per year'."),
    (FaultRatePer1000Km, "Write faults per 1,000 km per year, e.g. '0.1 per 1000 km per year'."),
    (LengthKm, "Write a length in km, e.g. '820 km'."),
    (Fraction, "Write a percentage with its % sign, e.g. '12.5%', or a fraction such as 0.125."),
    (GrowthRate, "Write a percentage with its % sign, e.g. '12.5%', or a fraction such as 0.125."),
    (
        Id,
        "Write an id of letters, digits, '-' and '_', starting with a letter or digit, e.g. 'ofc-phase-2' "
        "(no spaces or dots).",
    ),
)


@cache
def _pattern_messages() -> dict[str, str]:
    messages: dict[str, str] = {}
    for written, message in _PATTERN_MESSAGES:
        pattern = TypeAdapter(written).json_schema()["pattern"]
        if messages.setdefault(pattern, message) != message:
            raise AssertionError(f"two messages for the pattern {pattern!r}")
    return messages


#: Keywords that apply to one type of value (JSON Schema's validation vocabulary), by type.
_FOR_TYPE: dict[str, frozenset[str]] = {
    "string": frozenset({"pattern", "patternErrorMessage", "minLength", "maxLength", "format"}),
    "number": frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}),
    "array": frozenset(
        {
            "items",
            "prefixItems",
            "contains",
            "minItems",
            "maxItems",
            "uniqueItems",
            "minContains",
            "maxContains",
        }
    ),
    "object": frozenset(
        {
            "properties",
            "patternProperties",
            "additionalProperties",
            "propertyNames",
            "required",
            "dependentRequired",
            "dependentSchemas",
            "minProperties",
            "maxProperties",
        }
    ),
}
_FOR_TYPE["integer"] = _FOR_TYPE["number"]
_TYPED = frozenset().union(*_FOR_TYPE.values())

#: Keywords whose value is a schema, a list of schemas or a mapping of names to schemas.
_SCHEMA = frozenset(
    {"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"}
)
_SCHEMAS = frozenset({"anyOf", "oneOf", "allOf", "prefixItems"})
_NAMED_SCHEMAS = frozenset({"$defs", "properties", "patternProperties", "dependentSchemas"})


def _for_strict_validators(node: Any) -> Any:
    """Make a schema compile in ajv's strict mode, and give each pattern its message for editors.

    Drops ``discriminator``, adds ``patternErrorMessage`` beside each ``pattern`` and turns a
    union type into an ``anyOf`` of one type each (ajv's strictTypes), each with the keywords
    that apply to it; titles, descriptions, defaults and examples stay on the whole.
    """
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "discriminator":
            continue
        if key in _SCHEMA:
            out[key] = _for_strict_validators(value)
        elif key in _SCHEMAS:
            out[key] = [_for_strict_validators(item) for item in value]
        elif key in _NAMED_SCHEMAS:
            out[key] = {name: _for_strict_validators(item) for name, item in value.items()}
        else:
            out[key] = value
        if key == "pattern" and value in _pattern_messages():
            out["patternErrorMessage"] = _pattern_messages()[value]
    if not isinstance(out.get("type"), list):
        return out
    if "anyOf" in out:  # both choices must hold
        out["allOf"] = [*out.get("allOf", ()), {"anyOf": out.pop("anyOf")}]
    typed = {key: out.pop(key) for key in list(out) if key in _TYPED}
    split = [{"type": t} | {k: v for k, v in typed.items() if k in _FOR_TYPE.get(t, ())} for t in out["type"]]
    return dict(("anyOf", split) if key == "type" else (key, value) for key, value in out.items())


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
