"""The JSON Schema of a scenario file: what users write, the shipped files, the committed copy."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from capacity_model import inheritance, units
from capacity_model.json_schema import MERGED_LISTS, scenario_json_schema
from capacity_model.scenario_files import read_yaml
from capacity_model.starter import starter_text

from .cli_helpers import cli

ROOT = Path(__file__).parent.parent
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
COMMITTED = ROOT / "schema" / "scenario.schema.json"
MODELINE = "# yaml-language-server: $schema=../schema/scenario.schema.json"

MINIMAL = {
    "name": "Minimal",
    "period": {"start": "2026-01", "end": "2030-12"},
    "links": [{"id": "ofc", "phases": [{"capacity": "450 Gbps", "in_service": "2025-01"}]}],
    "demand": [
        {
            "id": "d",
            "base": {"value": "200 Gbps", "at": "2026-01"},
            "growth": {"model": "cagr", "rate": "25%"},
        }
    ],
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return scenario_json_schema()


@pytest.fixture(
    scope="module",
    params=[jsonschema.Draft202012Validator, jsonschema.Draft7Validator],
    ids=["2020-12", "draft-07"],
)
def validator(request: pytest.FixtureRequest, schema: dict[str, Any]) -> Any:
    """The schema's own dialect, and draft-07, which editors (VS Code's YAML extension) implement."""
    return request.param(schema)


def errors(validator: Any, data: Any) -> list[str]:
    """Every error as ``path: message``, with those under anyOf/oneOf branches."""

    def flat(error: Any) -> Iterator[str]:
        yield f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
        for inner in error.context or ():
            yield from flat(inner)

    return [line for e in validator.iter_errors(data) for line in flat(e)]


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] and schema["description"]
    jsonschema.Draft202012Validator.check_schema(schema)


def test_committed_copy_is_current(schema: dict[str, Any]) -> None:
    expected = json.dumps(schema, indent=2) + "\n"
    assert COMMITTED.read_text(encoding="utf-8") == expected, (
        "schema/scenario.schema.json is out of date; regenerate it with "
        "`capacity-model schema > schema/scenario.schema.json`"
    )


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_points_at_the_schema(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == MODELINE
    assert (path.parent / MODELINE.split("$schema=")[1]).resolve() == COMMITTED.resolve()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_satisfies_the_schema(validator: Any, path: Path) -> None:
    data = read_yaml(path.read_text(encoding="utf-8"))[0]  # dates stay text, as the loader reads them
    assert errors(validator, data) == []


def test_starter_satisfies_the_schema(validator: Any) -> None:
    """What `capacity-model init` writes."""
    data = read_yaml(starter_text("my-study"))[0]
    assert errors(validator, data) == []


def with_change(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """MINIMAL with the value at ``path`` set (or removed, for ``...``)."""
    data = copy.deepcopy(MINIMAL)
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


def test_minimal_scenario_is_valid(validator: Any) -> None:
    assert errors(validator, MINIMAL) == []


@pytest.mark.parametrize(
    ("path", "value", "error"),
    [
        (("peroid",), {"start": "2026-01", "end": "2030-12"}, "'peroid' was unexpected"),
        (("links", 0, "phases", 0, "lead_tim"), "6 months", "'lead_tim' was unexpected"),
        (("links",), {"id": "ofc"}, "is not of type 'array'"),
        (("demand",), "d", "is not of type 'array'"),
        (("links", 0, "phases"), [], "should be non-empty"),
        (("name",), ..., "'name' is a required property"),
        (("links", 0, "phases", 0, "capacity"), "450 GB", "does not match"),
        (("links", 0, "phases", 0, "capacity"), 450, "is not of type 'string'"),
        (("links", 0, "phases", 0, "capacity"), "0.45 TB/s", "does not match"),
        (("links", 0, "phases", 0, "in_service"), "June 2029", "does not match"),
        (("links", 0, "phases", 0, "in_service"), "2029-13", "does not match"),
        (("links", 0, "phases", 0, "lead_time"), 18, "is not of type 'string'"),
        (("links", 0, "phases", 0, "lead_time"), "18 weeks", "does not match"),
        (("demand", 0, "growth", "rate"), 25, "is greater than the maximum of 1"),
        (("demand", 0, "growth", "model"), "linear", "is not valid under any of the given schemas"),
        (("planning",), {"max_utilisation": "70 percent"}, "does not match"),
        (("planning",), {"max_utilisation": 70}, "is greater than the maximum of 1"),
        (("links", 0, "id"), "ofc cable", "does not match"),
        (("remove",), ["links.ofc"], "'remove' was unexpected"),
    ],
)
def test_bad_file_fails(validator: Any, path: tuple[str | int, ...], value: Any, error: str) -> None:
    found = errors(validator, with_change(path, value))
    assert any(error in e for e in found), found


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("links", 0, "phases", 0, "capacity"), "1.5 Tb/s"),
        (("links", 0, "phases", 0, "in_service"), 2025),
        (("links", 0, "phases", 0, "in_service"), "2025-Q3"),
        (("links", 0, "phases", 0, "in_service"), "2025-06-30"),
        (("links", 0, "phases", 0, "lead_time"), "1.5 years"),
        (("demand", 0, "growth", "rate"), 0.25),
        (("demand", 0, "growth", "rate"), "-5%"),
        (("demand", 0, "share"), {"model": "constant", "value": "12.5%"}),
        (("planning",), {"max_utilisation": 0.7, "default_lead_time": "2 years"}),
        (("sources",), {"paper": "Shafqat & Siddique (2026)"}),
    ],
)
def test_written_forms_are_valid(validator: Any, path: tuple[str | int, ...], value: Any) -> None:
    assert errors(validator, with_change(path, value)) == []


def test_uncertainty_values_are_numbers_or_text_in_the_fields_unit(validator: Any) -> None:
    data = copy.deepcopy(MINIMAL) | {
        "uncertainty": {
            "parameters": {
                "demand.d.growth.rate": {"dist": "triangular", "low": "15%", "mode": 0.22, "high": "30%"},
                "demand.d.base.value": {"dist": "lognormal", "median": "200 Gbps", "p90": "300 Gbps"},
                "links.ofc.phases[0].in_service": {
                    "dist": "delay",
                    "low": "0 months",
                    "mode": "6 months",
                    "high": "2 years",
                },
            }
        }
    }
    assert errors(validator, data) == []
    data["uncertainty"]["parameters"]["demand.d.growth.rate"]["mode"] = [0.22]
    data["uncertainty"]["parameters"]["links.ofc.phases[0].in_service"]["low"] = 0
    data["uncertainty"]["parameters"]["demand.d.base.value"]["dist"] = "gamma"
    found = "\n".join(errors(validator, data))
    assert all(f"uncertainty.parameters.{path}" in found for path in data["uncertainty"]["parameters"]), found


def test_a_file_that_extends_another_needs_only_what_it_changes(validator: Any) -> None:
    child = {
        "extends": "baseline.yaml",
        "remove": ["links.new-cable", "targets[New cable]"],
        "name": "Transit at 15%",
        "links": [{"id": "ofc", "phases": [{}, {}, {"in_service": "2030-07"}]}],
        "demand": [{"id": "chinese-transit", "share": {"end": "15%"}}],
        "uncertainty": {"parameters": {"demand.chinese-transit.share.end": {"high": "20%"}}},
    }
    assert errors(validator, child) == []
    assert any(
        "'lead_tim' was unexpected" in e
        for e in errors(validator, child | {"planning": {"lead_tim": "1 month"}})
    )
    assert any("does not match" in e for e in errors(validator, child | {"period": {"end": "soon"}}))
    assert any("is not of type 'string'" in e for e in errors(validator, child | {"extends": 3}))
    # Lists that replace the parent's whole keep complete entries.
    piecewise = {"id": "chinese-transit", "growth": {"rates": [{"from": "2022-06"}]}}
    assert any(
        "'rate' is a required property" in e for e in errors(validator, child | {"demand": [piecewise]})
    )


def test_merged_lists_are_the_loaders() -> None:
    assert set(inheritance.MERGE_KEYS) == MERGED_LISTS


def walk(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}/{i}")


def test_every_default_and_example_is_valid_for_its_own_field(schema: dict[str, Any]) -> None:
    """Defaults are written as a user writes them ('24 months', not 24 months held inside)."""
    checked = 0
    for where, node in walk(schema["$defs"]):
        own = {k: v for k, v in node.items() if k not in ("default", "examples")}
        if "type" not in own and "anyOf" not in own:
            continue
        resolver = {"$defs": schema["$defs"], **own}
        for value in ([node["default"]] if "default" in node else []) + node.get("examples", []):
            assert not list(jsonschema.Draft202012Validator(resolver).iter_errors(value)), (where, value)
            checked += 1
    assert checked > 50
    planning = schema["$defs"]["Planning"]["properties"]
    assert planning["default_lead_time"]["default"] == "24 months"
    assert planning["max_utilisation"]["default"] == "70%"


def test_fields_are_described_in_the_units_a_user_writes(schema: dict[str, Any]) -> None:
    capacity = schema["$defs"]["Phase"]["properties"]["capacity"]
    assert capacity["description"].startswith("Total capacity of the link once this phase is in service. ")
    assert "'450 Gbps'" in capacity["description"] and "[Gbps]" not in capacity["description"]
    lead_time = schema["$defs"]["Phase"]["properties"]["lead_time"]
    assert "'18 months'" in lead_time["description"]
    for where, node in walk(schema):
        if isinstance(node.get("description"), str):
            assert "``" not in node["description"], where
        assert "x-written-as" not in node, where
        if "properties" in node and where not in ("#", "#/if"):  # the if only asks for `extends`
            assert node.get("additionalProperties") is False, where


NUMBER_CASES = ["450 Gbps", "1.5 Tbps", "100 Gb/s", " 4Tbps ", "800 Mbps", "1e3 Gbps", ".5 Tbps", "+2 Tbps"]
BAD_CASES = ["450 GB", "4 TB/s", "450", "4 tbps", "Gbps", "1,000 Gbps", "4 Tbps!", "-1 Gbps", "0x10 Gbps"]


@pytest.mark.parametrize(
    ("definition", "parse", "texts"),
    [
        ("Phase.capacity", units.parse_bit_rate_gbps, NUMBER_CASES + BAD_CASES),
        (
            "Phase.in_service",
            units.parse_month,
            [
                "2029",
                "2029-06",
                "2029-6",
                "2029-Q3",
                "2029-q1",
                "2029-06-30",
                "2029-13",
                "2029-00",
                "2029-Q5",
                "29-06",
                "June",
            ],
        ),
        (
            "Phase.ramp",
            units.parse_duration_months,
            ["18 months", "1 month", "2 years", "1.5 years", "6 mo", "1 yr", "18", "18 weeks", "months"],
        ),
        (
            "Planning.max_utilisation",
            units.parse_fraction,
            ["70%", "12.5 %", "0.7", "70 percent", "%", "seventy"],
        ),
    ],
)
def test_patterns_accept_what_the_parsers_read(
    schema: dict[str, Any], definition: str, parse: Any, texts: list[str]
) -> None:
    """For these forms, the schema's pattern and the unit parser agree."""
    model, field = definition.split(".")
    pattern = written_form(schema["$defs"][model]["properties"][field])["pattern"]
    for text in texts:
        try:
            parsed = parse(text)
            reads = not (definition == "Phase.capacity" and parsed <= 0)
        except units.UnitError:
            reads = False
        assert bool(re.search(pattern, text)) == reads, text


def test_cli_prints_the_schema(tmp_path: Path, schema: dict[str, Any]) -> None:
    result = cli("schema", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == json.dumps(schema, indent=2) + "\n"
    assert json.loads(result.stdout) == schema
    assert result.stderr == ""


def written_form(field: dict[str, Any]) -> dict[str, Any]:
    """The schema of a field's text form: the field's own, or the string member of its ``anyOf``."""
    if field.get("type") == "string":
        return field
    (member,) = [m for m in field.get("anyOf", ()) if m.get("type") == "string"]
    return member


#: Keywords whose value is a schema, a list of schemas, or a mapping of names to schemas.
SCHEMA_KEYS = {"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"}
SCHEMA_LISTS = {"anyOf", "oneOf", "allOf", "prefixItems"}
SCHEMA_MAPS = {"$defs", "properties", "patternProperties", "dependentSchemas"}


def subschemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object in ``node`` (not defaults, examples or property names), with where it is."""
    if not isinstance(node, dict):  # a boolean schema
        return
    yield where, node
    for key, value in node.items():
        if key in SCHEMA_KEYS:
            yield from subschemas(value, f"{where}/{key}")
        elif key in SCHEMA_LISTS:
            for i, item in enumerate(value):
                yield from subschemas(item, f"{where}/{key}/{i}")
        elif key in SCHEMA_MAPS:
            for name, item in value.items():
                yield from subschemas(item, f"{where}/{key}/{name}")


#: Keywords of JSON Schema 2020-12's vocabularies (core, applicator, validation, unevaluated,
#: meta-data, format, content): ajv in strict mode refuses any other unless it is registered.
KNOWN_KEYWORDS = {
    *("$schema", "$id", "$ref", "$defs", "$comment", "$anchor", "$dynamicRef", "$dynamicAnchor"),
    *("$vocabulary", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"),
    *("prefixItems", "items", "contains", "properties", "patternProperties", "additionalProperties"),
    *("propertyNames", "unevaluatedItems", "unevaluatedProperties", "type", "const", "enum"),
    *("multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength"),
    *("minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains"),
    *("maxProperties", "minProperties", "required", "dependentRequired", "title", "description"),
    *("default", "deprecated", "readOnly", "writeOnly", "examples", "format", "contentEncoding"),
    *("contentMediaType", "contentSchema"),
}
#: The editors' keywords (yaml-language-server) the schema uses; ajv must be told of them
#: (``ajv.addKeyword("patternErrorMessage")``).
EDITOR_KEYWORDS = {"patternErrorMessage"}

#: Keywords that apply to one type of value, and the types they apply to (ajv's strictTypes).
TYPED_KEYWORDS = {
    keyword: types
    for keywords, types in [
        ("pattern patternErrorMessage minLength maxLength format", {"string"}),
        ("minimum maximum exclusiveMinimum exclusiveMaximum multipleOf", {"number", "integer"}),
        ("items prefixItems contains minItems maxItems uniqueItems", {"array"}),
        (
            "properties required additionalProperties patternProperties propertyNames minProperties "
            "maxProperties dependentRequired dependentSchemas",
            {"object"},
        ),
    ]
    for keyword in keywords.split()
}


def test_no_keyword_outside_json_schema_but_the_editors(schema: dict[str, Any]) -> None:
    """ajv's strict mode refuses unknown keywords, such as the ``discriminator`` pydantic writes."""
    assert not any("discriminator" in node for _, node in walk(schema))
    for where, node in subschemas(schema):
        assert node.keys() <= KNOWN_KEYWORDS | EDITOR_KEYWORDS, (where, node.keys() - KNOWN_KEYWORDS)
    # Tagged unions stay a oneOf of models, each with its tag as a constant.
    growth = schema["$defs"]["DemandStream"]["properties"]["growth"]
    assert [m["$ref"] for m in growth["oneOf"]] == [
        "#/$defs/CagrGrowth",
        "#/$defs/PiecewiseGrowth",
        "#/$defs/SeriesGrowth",
        "#/$defs/FittedGrowth",
    ]


def test_every_keyword_is_beside_one_type_it_applies_to(schema: dict[str, Any]) -> None:
    """ajv's strictTypes: no union types, and a type beside each keyword that applies to one."""
    checked = 0
    for where, node in subschemas(schema):
        assert not isinstance(node.get("type"), list), where
        types = {node.get("type")} | ({"string"} if where.endswith("/propertyNames") else set())
        for keyword in TYPED_KEYWORDS.keys() & node.keys():
            assert types & TYPED_KEYWORDS[keyword], (where, keyword, node.get("type"))
            checked += 1
    assert checked > 200


def test_if_and_then_state_their_type(schema: dict[str, Any]) -> None:
    """The ``if`` (with ``required``) says it is about objects; ``then``/``else`` refer to objects."""
    found = 0
    for where, node in subschemas(schema):
        for key in ("if", "then", "else"):
            if key in node:
                branch = node[key]
                if "$ref" in branch:
                    branch = schema["$defs"][branch["$ref"].removeprefix("#/$defs/")]
                assert branch.get("type") == "object", (where, key)
                found += 1
    assert found >= 3
    # ajv's strictRequired: a required property is one the same schema names.
    assert schema["if"]["required"] == ["extends"] and "extends" in schema["if"]["properties"]


def test_every_pattern_has_a_message_for_editors(schema: dict[str, Any]) -> None:
    """yaml-language-server shows ``patternErrorMessage`` instead of the regular expression."""
    patterns = [(where, node) for where, node in subschemas(schema) if "pattern" in node]
    assert len(patterns) > 50
    for where, node in patterns:
        message = node.get("patternErrorMessage")
        assert isinstance(message, str) and message.startswith("Write "), where
        example = re.search(r"e\.g\. '([^']*)'", message)
        assert example and re.search(node["pattern"], example[1]), (where, message)
    assert not any("patternErrorMessage" in node and "pattern" not in node for _, node in subschemas(schema))
    phase = schema["$defs"]["Phase"]["properties"]
    assert "'450 Gbps'" in written_form(phase["capacity"])["patternErrorMessage"]
    assert "'2029-06'" in written_form(phase["in_service"])["patternErrorMessage"]
    assert "'18 months'" in written_form(phase["lead_time"])["patternErrorMessage"]
