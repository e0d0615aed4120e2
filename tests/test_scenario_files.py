"""Reading scenario files: safe YAML, line numbers and field paths in every message."""

from __future__ import annotations

from pathlib import Path

import pytest

from capacity_model.errors import ScenarioError
from capacity_model.scenario_files import load_scenario, read_yaml
from tests.scenario_data import CONTRACT_YAML


def problems(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "x.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [str(p).replace(str(path), "x.yaml") for p in caught.value.problems]


def test_line_marks_follow_keys_and_list_items() -> None:
    data, lines = read_yaml(CONTRACT_YAML)
    assert data["links"][0]["phases"][1]["capacity"] == "1 Tbps"
    assert lines[("links", 0, "phases", 1)] == 12
    assert lines[("links", 0, "phases", 1, "capacity")] == 12
    assert lines[("demand", 1, "share")] == 31


def test_dates_stay_text_for_the_schema() -> None:
    data, _ = read_yaml("a: 2026-01-15\nb: 2026-01\nc: 2026\n")
    assert data == {"a": "2026-01-15", "b": "2026-01", "c": 2026}


def test_error_names_file_line_and_path_with_ids(tmp_path: Path) -> None:
    text = CONTRACT_YAML.replace(
        "{capacity: 4 Tbps, in_service: 2029-01", "{capacity: 4 TB, in_service: 2029-01"
    )
    assert problems(tmp_path, text) == [
        "x.yaml:13: links[ofc].phases[2].capacity: '4 TB' is not a bit rate; write e.g. '4 Tbps' "
        "(units: bps, kbps, Mbps, Gbps, Tbps, Pbps)"
    ]


def test_targets_are_named_by_name_and_tags_are_not_in_paths(tmp_path: Path) -> None:
    text = CONTRACT_YAML.replace("{name: Phase 2, capacity: 4 Tbps", "{name: Phase 2, capacity: 4").replace(
        "growth: {model: cagr, rate: 22%}", "growth: {model: cagr, rate: fast}"
    )
    assert problems(tmp_path, text) == [
        "x.yaml:20: targets[Phase 2].capacity: 4 has no unit; write e.g. '4 Gbps' or '4 Tbps'",
        "x.yaml:30: demand[chinese-transit].growth.rate: 'fast' is not a percentage; write e.g. '12.5%' or 0.125",
    ]


def test_every_problem_in_a_file_is_reported(tmp_path: Path) -> None:
    text = (
        CONTRACT_YAML.replace("end: 2040-12}", "end: 2040-13}")
        .replace("ramp: 4 years", "ramp: 4")
        .replace("  default_lead_time: 24 months", "  default_lead_tim: 24 months")
    )
    found = problems(tmp_path, text)
    assert found == [
        "x.yaml:3: period.end: '2040-13' has no month 13; months are 01 to 12",
        "x.yaml:6: planning.default_lead_tim: unknown field 'default_lead_tim'; did you mean 'default_lead_time'?",
        "x.yaml:31: demand[chinese-transit].share.ramp: 4 has no unit; write e.g. '4 months' or '4 years'",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "x.yaml:1: the file is empty; a scenario needs at least name, period, links and demand"),
        ("# only a comment\n", "x.yaml:1: the file is empty"),
        (
            "- a\n- b\n",
            "x.yaml:1: the top level must be a mapping of fields such as 'name:' and 'period:', found a list",
        ),
        (
            "name: [unclosed\n",
            "x.yaml:1: YAML syntax error: expected ',' or ']', but got '<stream end>' at the end",
        ),
        (b"name: Caf\xe9\n", "x.yaml:1: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"),
        (
            "name: !!python/object:os.system x\n",
            "x.yaml:1: name: YAML tag '!!python/object:os.system' is not allowed",
        ),
        ("name: a\nname: b\n", "x.yaml:2: name: key 'name' appears twice in the same mapping; keep one"),
        ("name: a\nperoid: b\n", "x.yaml:2: peroid: unknown field 'peroid'; did you mean 'period'?"),
    ],
)
def test_file_level_problems(tmp_path: Path, text: str | bytes, expected: str) -> None:
    found = problems(tmp_path, text)
    assert any(p.startswith(expected) for p in found), found


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nothing\.yaml: file not found"):
        load_scenario(tmp_path / "nothing.yaml")
    with pytest.raises(ScenarioError, match="is a folder, not a scenario file"):
        load_scenario(tmp_path)


def test_unknown_keys_inside_union_members_list_allowed_names(tmp_path: Path) -> None:
    text = CONTRACT_YAML.replace(
        "growth: {model: cagr, rate: 25%}", "growth: {model: cagr, rate: 25%, zz: 1}"
    )
    assert problems(tmp_path, text) == [
        "x.yaml:26: demand[pakistan-china].growth.zz: unknown field 'zz'; allowed here: model, rate, source"
    ]


def test_aliases_that_multiply_are_refused_quickly(tmp_path: Path) -> None:
    # Eight levels of ten aliases each would expand to 10^8 values.
    rows = ["a0: &a0 [" + ", ".join(["x"] * 10) + "]"]
    rows += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
    found = problems(tmp_path, "\n".join(rows) + "\n")
    assert found == [
        "x.yaml:1: the file holds more than 100,000 values (counting each use of a YAML alias *name); "
        "a scenario holds a few hundred"
    ]


def test_problems_are_listed_in_line_order(tmp_path: Path) -> None:
    found = problems(tmp_path, "name: x\nperoid: {start: 2026-01, end: 2030-12}\nlinks: 5\n")
    assert [p.split(":")[1] for p in found] == sorted((p.split(":")[1] for p in found), key=int)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: x\n123: y\n",
            "x.yaml:2: key '123' is not text: YAML reads 123 as a number; put it in quotes: '123'",
        ),
        (
            "name: x\ntrue: y\n",
            "x.yaml:2: key 'true' is not text: YAML reads true as true/false; put it in quotes: 'true'",
        ),
    ],
)
def test_keys_must_be_text(tmp_path: Path, text: str, expected: str) -> None:
    assert problems(tmp_path, text) == [expected]


def test_true_false_values_get_a_quoting_hint(tmp_path: Path) -> None:
    text = CONTRACT_YAML.replace("  - id: new-cable", "  - id: false")
    assert problems(tmp_path, text) == [
        "x.yaml:14: links[1].id: expected text, found false; YAML reads true and false as booleans "
        "and digits as numbers: put the value in quotes"
    ]


@pytest.mark.parametrize(
    ("written", "read"),
    [("No", "No"), ("yes", "yes"), ("on", "on"), ("Off", "Off"), ("y", "y"), ("012", 12), ("0o17", 15)],
)
def test_plain_values_are_read_as_yaml_1_2_reads_them(written: str, read: object) -> None:
    # As editors (yaml-language-server, YAML 1.2) read them: YAML 1.1's yes/no/on/off are text,
    # and a leading 0 is not octal.
    assert read_yaml(f"value: {written}\n")[0] == {"value": read}


def test_bit_rate_typos_suggest_the_likely_unit(tmp_path: Path) -> None:
    text = CONTRACT_YAML.replace(
        "{capacity: 1 Tbps, in_service: 2027-01", "{capacity: 1 tbs, in_service: 2027-01"
    )
    assert problems(tmp_path, text) == [
        "x.yaml:12: links[ofc].phases[1].capacity: '1 tbs' is not a bit rate; write e.g. '1 Tbps' "
        "(units: bps, kbps, Mbps, Gbps, Tbps, Pbps)"
    ]


def test_a_missing_field_says_what_it_holds(tmp_path: Path) -> None:
    text = (
        "period: {start: 2026-01, end: 2027-12}\n"
        "links:\n"
        "  - id: a\n"
        "    phases: [{in_service: 2025-01}]\n"
        "demand:\n"
        "  - {id: d, base: {value: 1 Gbps, at: 2026-01}, growth: {model: cagr, rate: 5%}}\n"
        "uncertainty:\n"
        "  parameters:\n"
        '    "demand.d.growth.rate": {dist: uniform, low: 1%}\n'
    )
    found = problems(tmp_path, text)
    assert "x.yaml:1: name: required field is missing: title of the scenario, shown on the report" in found
    assert (
        "x.yaml:4: links[a].phases[0].capacity: required field is missing: total capacity of the link "
        "once this phase is in service [Gbps]"
    ) in found
    # a field inside a mapping of distributions: the plain message
    assert any(p.startswith("x.yaml:9: ") and p.endswith("high: required field is missing") for p in found), (
        found
    )
