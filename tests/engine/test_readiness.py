"""What meeting a target takes: lit, installed and potential capacity in place at the start,
summed by hand, and each class of target at and beyond its boundary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from capacity_model.engine import project
from capacity_model.engine.readiness import capacity_in_place, classify, link_installed_gbps, target_needs
from capacity_model.errors import ScenarioError
from capacity_model.results.tables import timeline_columns
from capacity_model.scenario_files import load
from tests.scenario_data import build, one_link


def network() -> dict[str, object]:
    """Four links at the start, 2026-01:
    a: 450 Gbps lit, 1 Tbps installed, potential 2 pairs x 64 x 400 Gbps = 51.2 Tbps;
    b: ramping from 100 Gbps to 300 Gbps over 2025-07..2026-07 (half way at 2026-01: 200 Gbps
       lit), 500 Gbps installed from 2025-07, potential stated as 2 Tbps;
    c: not in service until 2027-01 (a new system: left out);
    d: retired in 2025-12 (left out)."""
    return one_link(
        links=[
            {
                "id": "a",
                "potential": {"fibre_pairs": 2, "wavelengths": 64, "rate": "400 Gbps"},
                "phases": [{"capacity": "450 Gbps", "installed": "1 Tbps", "in_service": "2025-01"}],
            },
            {
                "id": "b",
                "potential": "2 Tbps",
                "phases": [
                    {"capacity": "100 Gbps", "in_service": "2024-01"},
                    {
                        "capacity": "300 Gbps",
                        "installed": "500 Gbps",
                        "in_service": "2025-07",
                        "ramp": "12 months",
                    },
                ],
            },
            {"id": "c", "phases": [{"capacity": "12 Tbps", "in_service": "2027-01"}]},
            {"id": "d", "retire": "2025-12", "phases": [{"capacity": "5 Tbps", "in_service": "2020-01"}]},
        ],
    )


def test_layers_in_place_are_summed_over_the_links_in_service_at_the_start() -> None:
    place = capacity_in_place(build(network()))
    assert place.at == 12 * 2026
    assert place.lit_gbps == pytest.approx(450 + 200)  # b half way up its ramp
    assert place.installed_gbps == pytest.approx(1000 + 500)  # b's equipment is all there
    assert place.potential_gbps == pytest.approx(2 * 64 * 400 + 2000)
    assert place.without_potential == ()


@pytest.mark.parametrize(
    ("target", "need"),
    [
        ("650 Gbps", "nothing"),  # exactly the lit capacity
        ("651 Gbps", "activation"),
        ("1.5 Tbps", "activation"),  # exactly the installed capacity
        ("1.6 Tbps", "upgrade"),
        ("53.2 Tbps", "upgrade"),  # exactly the potential
        ("54 Tbps", "new_system"),
    ],
)
def test_each_target_is_classed_by_the_layer_it_reaches_into(target: str, need: str) -> None:
    data = network()
    data["targets"] = [{"name": "T", "capacity": target, "by": "2030-01"}]
    (found,) = target_needs(build(data))
    assert found.need == need


def test_without_a_potential_an_upgrade_and_a_new_system_are_not_told_apart() -> None:
    data = network()
    del data["links"][1]["potential"]  # type: ignore[index]
    data["targets"] = [
        {"name": "Activation", "capacity": "1 Tbps", "by": "2030-01"},
        {"name": "Far", "capacity": "100 Tbps", "by": "2030-01"},
    ]
    activation, far = target_needs(build(data))
    assert (activation.need, far.need) == ("activation", "beyond_installed")
    assert far.in_place.potential_gbps is None and far.in_place.without_potential == ("b",)


def test_classify_allows_for_rounding_only() -> None:
    assert classify(450 * (1 + 1e-12), 450, 1000, None) == "nothing"
    assert classify(451, 450, 1000, None) == "activation"
    assert classify(1000, 450, 1000, 900) == "activation"  # installed wins over a lower potential
    assert classify(0.5, 0.0, 0.0, 0.0) == "new_system"  # nothing in place at all


def test_installed_capacity_arrives_with_its_phase_whatever_the_ramp_and_ends_at_retirement() -> None:
    months = np.arange(12 * 2025, 12 * 2025 + 12)
    installed = link_installed_gbps(months, [100.0, 500.0], [12 * 2025 + 2, 12 * 2025 + 6], 12 * 2025 + 10)
    assert_array_equal(installed, [0, 0, 100, 100, 100, 100, 500, 500, 500, 500, 0, 0])


def test_installed_columns_appear_only_when_a_phase_gives_installed() -> None:
    plain = timeline_columns(project(build(one_link(end="2026-12"))))
    assert not [c for c in plain if "installed" in c]  # scenarios without it: the same table as before
    data = network()
    data["period"] = {"start": "2026-01", "end": "2026-12"}
    columns = timeline_columns(project(build(data)))
    assert columns["installed_a_gbps"][0] == 1000.0 and columns["installed_b_gbps"][0] == 500.0
    assert columns["total_installed_gbps"][0] == 1500.0 and columns["total_installed_gbps"][-1] == 1500.0


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            {"installed": "400 Gbps"},
            "links[ofc].phases[0].installed: 400 Gbps installed is less than the 1 Tbps lit (capacity)",
        ),
        (
            {"potential": "500 Gbps"},
            "links[ofc].potential: 500 Gbps is less than the 1 Tbps installed by phase 1",
        ),
        ({"potential": {"fibre_pairs": 2, "rate": "400 Gbps"}}, "links[ofc].potential: give the ceiling"),
        (
            {"potential": {"value": "5 Tbps", "fibre_pairs": 2}},
            "links[ofc].potential: give either value or fibre_pairs, wavelengths and rate, not both",
        ),
        (
            {"potential": {"fibre_pairs": 1001, "wavelengths": 64, "rate": "400 Gbps"}},
            "links[ofc].potential.fibre_pairs: must be at most 1,000, found 1,001",
        ),
        ({"potential": "lots"}, "links[ofc].potential.value: 'lots' is not a bit rate"),
    ],
)
def test_layers_that_contradict_each_other_are_refused_with_the_field(
    edit: dict[str, object], message: str, tmp_path: object
) -> None:
    import yaml

    data = one_link()
    link = data["links"][0]
    if "installed" in edit:
        link["phases"][0]["installed"] = edit["installed"]
    else:
        link["potential"] = edit["potential"]
    path = tmp_path / "x.yaml"  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load(path)
    assert message in str(caught.value)


def test_installed_capacity_is_not_an_uncertain_input(tmp_path: object) -> None:
    import yaml

    data = one_link()
    data["links"][0]["phases"][0]["installed"] = "2 Tbps"
    data["uncertainty"] = {
        "parameters": {
            "links.ofc.phases[0].installed": {"dist": "uniform", "low": "1 Tbps", "high": "3 Tbps"}
        }
    }
    path = tmp_path / "x.yaml"  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError, match="judged from the values written"):
        load(path)


def test_a_link_whose_first_phase_ramps_up_from_the_start_is_in_place() -> None:
    # newc enters service at the start with a 12-month ramp: 0 lit yet, 12 Tbps installed.
    data = one_link(capacity="450 Gbps")
    data["links"].append(
        {
            "id": "newc",
            "potential": "24 Tbps",
            "phases": [
                {"capacity": "4 Tbps", "installed": "12 Tbps", "in_service": "2026-01", "ramp": "12 months"}
            ],
        }
    )
    data["links"][0]["potential"] = "1 Tbps"
    data["targets"] = [{"name": "T", "capacity": "10 Tbps", "by": "2027-01"}]
    (need,) = target_needs(build(data))
    assert need.in_place.in_service == ("ofc", "newc")
    assert (need.in_place.lit_gbps, need.in_place.installed_gbps) == (450.0, 12450.0)
    assert need.need == "activation"


def test_a_later_phase_without_installed_keeps_the_equipment_already_there() -> None:
    data = one_link(capacity="450 Gbps")
    data["links"][0]["phases"][0]["installed"] = "1 Tbps"
    data["links"][0]["phases"].append({"capacity": "700 Gbps", "in_service": "2027-01"})
    data["links"][0]["phases"].append({"capacity": "2 Tbps", "in_service": "2028-01"})
    assert build(data).links[0].installed_gbps == [1000.0, 1000.0, 2000.0]


def test_with_no_link_in_service_every_target_takes_a_new_system() -> None:
    from capacity_model.results.narrative import need_text

    data = one_link()
    data["links"][0]["phases"][0]["in_service"] = "2027-01"
    data["targets"] = [{"name": "T", "capacity": "1 Tbps", "by": "2028-01"}]
    scenario = build(data)
    (need,) = target_needs(scenario)
    assert need.need == "new_system" and need.in_place.in_service == ()
    assert need_text(need, scenario) == "a new system (years): no link is in service at 2026-01"


def test_a_potential_beyond_1_ebps_is_refused(tmp_path: object) -> None:
    import yaml

    data = one_link()
    data["links"][0]["potential"] = {"fibre_pairs": 1000, "wavelengths": 1000, "rate": "1000 Pbps"}
    path = tmp_path / "x.yaml"  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(
        ScenarioError, match=r"links\[ofc\]\.potential: 1000 x 1000 x 1000 Pbps is more than 1 Ebps"
    ):
        load(path)


def test_the_json_schema_takes_a_potential_written_as_a_bit_rate_or_from_fibre() -> None:
    import jsonschema

    from capacity_model.json_schema import scenario_json_schema

    schema = scenario_json_schema()
    for potential in ("24 Tbps", {"fibre_pairs": 2, "wavelengths": 64, "rate": "400 Gbps"}):
        data = one_link()
        data["links"][0]["potential"] = potential
        jsonschema.validate(data, schema)
    data["links"][0]["potential"] = "lots"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_set_changes_a_links_fibre_counts(tmp_path: Path) -> None:
    text = """\
name: P
period: {start: 2026-01, end: 2026-12}
links:
  - id: ofc
    potential: {fibre_pairs: 2, wavelengths: 64, rate: 400 Gbps}
    phases: [{capacity: 450 Gbps, in_service: 2025-01}]
demand:
  - id: d
    base: {value: 100 Gbps, at: 2026-01}
    growth: {model: cagr, rate: 0%}
"""
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    assert load(path, ["links.ofc.potential.fibre_pairs=4"]).scenario.links[0].potential_gbps == 4 * 64 * 400
    with pytest.raises(
        ScenarioError,
        match=r"--set links.ofc.potential.wavelengths=2.5: .* is not a whole number; write a count",
    ):
        load(path, ["links.ofc.potential.wavelengths=2.5"])
