"""extends/remove: merge semantics, chains, cycles, and problems placed in the right file."""

from __future__ import annotations

from pathlib import Path

import pytest

from capacity_model.errors import ScenarioError
from capacity_model.inheritance import merge
from capacity_model.scenario_files import load
from capacity_model.units import parse_month

PARENT = """\
name: Parent
period: {start: 2026-01, end: 2030-12}
links:
  - id: ofc
    phases:
      - {capacity: 450 Gbps, in_service: 2025-01}
      - {id: p2, capacity: 1 Tbps, in_service: 2027-01}
  - id: new-cable
    phases:
      - {capacity: 12 Tbps, in_service: 2029-01}
targets:
  - {name: Phase 2, capacity: 1 Tbps, by: 2027-06}
  - {name: New cable, capacity: 12 Tbps, by: 2029-06}
demand:
  - id: domestic
    base: {value: 200 Gbps, at: 2026-01}
    growth: {model: cagr, rate: 25%}
uncertainty:
  samples: 100
  parameters:
    links.new-cable.phases[0].in_service: {dist: delay, low: 0 months, mode: 6 months, high: 12 months}
    demand.domestic.growth.rate: {dist: uniform, low: 20%, high: 30%}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def problems(path: Path, *overrides: str) -> list[str]:
    with pytest.raises(ScenarioError) as error:
        load(path, overrides)
    return [str(p) for p in error.value.problems]


def test_lists_merge_by_id_and_name_and_phases_by_position_or_id(tmp_path: Path) -> None:
    write(tmp_path, "parent.yaml", PARENT)
    child = write(
        tmp_path,
        "child.yaml",
        """\
extends: parent.yaml
name: Child
links:
  - id: ofc
    phases:
      - {capacity: 500 Gbps}        # by position: the first phase
      - {id: p2, ramp: 6 months}    # by id
      - {capacity: 4 Tbps, in_service: 2029-01}   # new: appended
  - id: extra
    phases: [{capacity: 100 Gbps, in_service: 2026-06}]
targets:
  - {name: Phase 2, by: 2027-12}
demand:
  - id: domestic
    growth: {rate: 30%}
""",
    )
    loaded = load(child)
    s = loaded.scenario
    assert loaded.files == (str(child), str(tmp_path / "parent.yaml"))
    assert s.name == "Child" and s.period.end == parse_month("2030-12")
    assert [link.id for link in s.links] == ["ofc", "new-cable", "extra"]
    ofc = s.links[0]
    assert [p.capacity for p in ofc.phases] == [500.0, 1000.0, 4000.0]
    assert ofc.phases[0].in_service == parse_month("2025-01")  # kept from the parent
    assert (ofc.phases[1].id, ofc.phases[1].ramp, ofc.phases[1].in_service) == (
        "p2",
        6,
        parse_month("2027-01"),
    )
    assert next((t.name, t.capacity, t.by) for t in s.targets) == ("Phase 2", 1000.0, parse_month("2027-12"))
    assert s.demand[0].growth.rate == 0.3 and s.demand[0].base.value == 200.0


def test_another_model_replaces_the_parents_mapping_whole(tmp_path: Path) -> None:
    write(tmp_path, "parent.yaml", PARENT)
    child = write(
        tmp_path,
        "child.yaml",
        "extends: parent.yaml\n"
        "remove: [uncertainty.parameters.demand.domestic.growth.rate]\n"
        "demand:\n  - id: domestic\n    growth: {model: piecewise, rates: [{from: 2026-01, rate: 10%}]}\n",
    )
    scenario = load(child).scenario
    growth = scenario.demand[0].growth
    assert growth.model == "piecewise" and [r.rate for r in growth.rates] == [0.1]
    assert list(scenario.uncertainty.parameters) == ["links.new-cable.phases[0].in_service"]


def test_remove_drops_entries_and_the_uncertainty_that_addressed_them(tmp_path: Path) -> None:
    write(tmp_path, "parent.yaml", PARENT)
    child = write(
        tmp_path, "child.yaml", "extends: parent.yaml\nremove: [links.new-cable, 'targets[New cable]']\n"
    )
    s = load(child).scenario
    assert [link.id for link in s.links] == ["ofc"]
    assert [t.name for t in s.targets] == ["Phase 2"]
    assert list(s.uncertainty.parameters) == ["demand.domestic.growth.rate"]


def test_chains_of_extends_apply_nearest_last(tmp_path: Path) -> None:
    write(tmp_path, "parent.yaml", PARENT)
    (tmp_path / "sub").mkdir()
    write(
        tmp_path / "sub",
        "middle.yaml",
        "extends: ../parent.yaml\nname: Middle\nplanning: {max_utilisation: 80%}\n",
    )
    child = write(
        tmp_path, "child.yaml", "extends: sub/middle.yaml\nplanning: {default_lead_time: 12 months}\n"
    )
    loaded = load(child)
    assert loaded.scenario.name == "Middle"
    assert (loaded.scenario.planning.max_utilisation, loaded.scenario.planning.default_lead_time) == (0.8, 12)
    assert len(loaded.files) == 3


def test_a_cycle_is_an_error_naming_the_files(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    (message,) = problems(a)
    assert "goes round in a circle" in message
    assert f"{tmp_path / 'a.yaml'} extends {tmp_path / 'b.yaml'} extends {tmp_path / 'a.yaml'}" in message


def test_problems_point_at_the_file_and_line_that_wrote_the_value(tmp_path: Path) -> None:
    parent = write(tmp_path, "parent.yaml", PARENT.replace("rate: 25%", "rate: 25 percent"))
    child = write(tmp_path, "child.yaml", "extends: parent.yaml\n\nperiod: {end: 2020-01}\n")
    found = problems(child)
    assert any(p.startswith(f"{child}:3: period.end:") for p in found), found
    line = PARENT.splitlines().index("    growth: {model: cagr, rate: 25%}") + 1
    assert any(p.startswith(f"{parent}:{line}: demand[domestic].growth.rate:") for p in found), found


def test_a_missing_parent_or_bad_remove_is_reported_at_the_child(tmp_path: Path) -> None:
    child = write(tmp_path, "child.yaml", "name: x\nextends: nothere.yaml\n")
    (message,) = problems(child)
    assert message.startswith(f"{child}:2: extends: file not found: {tmp_path / 'nothere.yaml'}")
    write(tmp_path, "parent.yaml", PARENT)
    child = write(tmp_path, "child2.yaml", "extends: parent.yaml\nremove: [links.new-cabel]\n")
    (message,) = problems(child)
    assert message.startswith(f"{child}:2: remove: 'links.new-cabel': no entry 'new-cabel'")
    assert "did you mean 'new-cable'?" in message
    orphan = write(tmp_path, "orphan.yaml", PARENT + "remove: [links.ofc]\n")
    assert "this file extends nothing" in problems(orphan)[0]


def test_merge_leaves_its_inputs_alone_and_carries_marks() -> None:
    parent = {"links": [{"id": "a", "x": 1}], "name": "P"}
    child = {"links": [{"id": "a", "y": 2}]}
    merged, marks = merge(parent, {("links", 0, "x"): ("p", 3)}, child, {("links", 0, "y"): ("c", 5)})
    assert merged == {"links": [{"id": "a", "x": 1, "y": 2}], "name": "P"}
    assert parent == {"links": [{"id": "a", "x": 1}], "name": "P"} and child == {
        "links": [{"id": "a", "y": 2}]
    }
    assert marks[("links", 0, "x")] == ("p", 3) and marks[("links", 0, "y")] == ("c", 5)


# --- --set -------------------------------------------------------------------------------


def test_set_changes_a_value_and_fixes_a_varied_one(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", PARENT)
    loaded = load(path, ["demand.domestic.growth.rate=27.5%", "planning.max_utilisation=80%"])
    s = loaded.scenario
    assert s.demand[0].growth.rate == pytest.approx(0.275) and s.planning.max_utilisation == 0.8
    assert list(s.uncertainty.parameters) == ["links.new-cable.phases[0].in_service"]
    assert next((o.path, o.text, o.location) for o in loaded.overrides) == (
        "demand.domestic.growth.rate",
        "27.5%",
        ("demand", 0, "growth", "rate"),
    )


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("demand.domestic.growth.rate", "write --set PATH=VALUE"),
        ("demand.domestic.growth.rat=5%", "no field 'rat'"),
        ("links.ofc.phases[1].in_service=2020-01", "is not after the previous phase's in_service"),
        ("links.ofc.phases[0].capacity=4 TB", "'4 TB' is not a bit rate"),
    ],
)
def test_set_problems_name_the_option(tmp_path: Path, override: str, message: str) -> None:
    path = write(tmp_path, "s.yaml", PARENT)
    (found,) = problems(path, override)
    assert found.startswith(f"--set {override}: ")
    assert message in found
