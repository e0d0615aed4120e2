"""The scenario schema: the v1 contract, defaults, cross-field rules and the resolved dump."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from capacity_model.engine import project
from capacity_model.scenario_files import dump_scenario_yaml, read_yaml, scenario_from_data
from capacity_model.schema import BassShare, LogisticShare, Scenario
from capacity_model.units import parse_month
from tests.scenario_data import CONTRACT_YAML, build, one_link


def contract() -> Scenario:
    data, lines = read_yaml(CONTRACT_YAML, "contract.yaml")
    return scenario_from_data(data, lines, "contract.yaml")


def test_contract_file_validates_with_units_converted() -> None:
    scenario = contract()
    assert scenario.period.start == parse_month("2026-01")
    assert scenario.period.end == parse_month("2040-12")
    assert scenario.planning.max_utilisation == pytest.approx(0.7)
    assert scenario.planning.default_lead_time == 24
    ofc = scenario.links[0]
    assert [p.capacity for p in ofc.phases] == [450.0, 1000.0, 4000.0]
    assert [p.lead_time for p in ofc.phases] == [None, 12, 18]
    assert ofc.phases[2].ramp == 6
    share = scenario.demand[1].share
    assert isinstance(share, LogisticShare)
    assert (share.end, share.ramp) == (pytest.approx(0.125), 48)
    assert scenario.sources["ofc-450g"].startswith("Shafqat & Siddique")


def test_contract_file_runs() -> None:
    projection = project(contract())
    assert projection.months.size == 180
    assert [t.name for t in projection.targets] == ["Phase 1", "Phase 2", "New cable"]


def test_defaults() -> None:
    data = one_link()
    del data["planning"]
    scenario = build(data)
    assert scenario.planning.max_utilisation == 0.7
    assert scenario.planning.default_lead_time == 24
    assert scenario.targets == []
    assert scenario.links[0].display_name == "ofc"
    assert scenario.lead_time_months(scenario.links[0].phases[0]) == 24


def test_bass_share_model() -> None:
    data = one_link()
    data["demand"][0]["share"] = {"model": "bass", "end": "10%", "from": "2026-01", "p": 0.03, "q": 0.38}
    share = build(data).demand[0].share
    assert isinstance(share, BassShare)
    assert (share.start, share.end, share.p, share.q) == (0.0, pytest.approx(0.1), 0.03, 0.38)


def test_series_growth_needs_no_base_but_others_do() -> None:
    data = one_link()
    data["demand"][0] = {
        "id": "observed",
        "growth": {
            "model": "series",
            "points": [{"at": "2020", "value": "1 Tbps"}, {"at": "2024", "value": "2 Tbps"}],
        },
    }
    assert build(data).demand[0].base is None
    data["demand"][0]["growth"] = {"model": "cagr", "rate": "10%"}
    with pytest.raises(ValidationError, match="base is missing"):
        build(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"period": {"start": "2030-01", "end": "2029-12"}}, "2029-12 is before start 2030-01"),
        (
            {
                "links": [
                    {
                        "id": "a",
                        "phases": [
                            {"capacity": "1 Tbps", "in_service": "2027"},
                            {"capacity": "2 Tbps", "in_service": "2026"},
                        ],
                    }
                ]
            },
            "2026-01 is not after the previous phase's in_service 2027-01",
        ),
        (
            {"links": [{"id": "a", "phases": [{"capacity": "0 Gbps", "in_service": "2027"}]}]},
            "must be more than 0 bps",
        ),
        (
            {"links": [{"id": "a", "phases": [{"capacity": "-1 Tbps", "in_service": "2027"}]}]},
            "must be more than 0 bps",
        ),
        (
            {
                "links": [
                    {"id": "a", "retire": "2020", "phases": [{"capacity": "1 Tbps", "in_service": "2027"}]}
                ]
            },
            "2020-01 is not after the first phase's in_service 2027-01",
        ),
        (
            {"links": [{"id": "a", "phases": [{"capacity": "1 Tbps", "in_service": "2027"}]}] * 2},
            "'a' is already the id of entry 1 of this list; each id must be unique",
        ),
        (
            {"targets": [{"name": "T", "capacity": "1 Tbps", "by": "2030"}] * 2},
            "'T' is already the name of entry 1 of this list",
        ),
        ({"planning": {"max_utilisation": "0%"}}, "must be at least 1%"),
        ({"planning": {"max_utilisation": "0.5%"}}, "must be at least 1%"),
        (
            {"targets": [{"name": "T", "capacity": "1 Tbps", "by": "2030", "source": "nope"}]},
            "'nope' is not defined under sources; the file has no sources",
        ),
    ],
)
def test_cross_field_rules(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build(one_link(**change))


def test_undefined_source_suggests_the_closest_key() -> None:
    data = one_link(sources={"ofc-450g": "a paper"})
    data["links"][0]["phases"][0]["source"] = "ofc-45g"
    with pytest.raises(
        ValidationError, match=r"'ofc-45g' is not defined under sources; did you mean 'ofc-450g'\?"
    ):
        build(data)


def test_scenario_is_frozen() -> None:
    scenario = build(one_link())
    with pytest.raises(ValidationError):
        scenario.name = "changed"  # type: ignore[misc]


def test_resolved_dump_fills_defaults_and_reproduces_the_run() -> None:
    scenario = contract()
    text = dump_scenario_yaml(scenario)
    assert "lead_time: 24 months" in text  # the default written out for the first phase
    assert "capacity: 450 Gbps" in text and "max_utilisation: 70%" in text
    data, lines = read_yaml(text, "resolved.yaml")
    again = scenario_from_data(data, lines, "resolved.yaml")
    first, second = project(scenario), project(again)
    assert second.exhaustions == first.exhaustions
    assert second.targets == first.targets
    assert second.demand_gbps == pytest.approx(first.demand_gbps, rel=1e-12)


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        (
            25,
            r"25 is outside -100-100% as a fraction; write '25%' for a percentage, or a fraction between -1 and 1",
        ),
        ("25", r"'25' is outside -100-100% as a fraction"),
        ("1001%", r"a growth rate must be above -100% and at most 1000% a year, found 1001%"),
        ("-100%", r"must be above -100%"),
    ],
)
def test_growth_rate_bounds(rate: object, message: str) -> None:
    data = one_link()
    data["demand"][0]["growth"]["rate"] = rate
    with pytest.raises(ValidationError, match=message):
        build(data)


def test_growth_rate_as_a_fraction() -> None:
    data = one_link()
    data["demand"][0]["growth"]["rate"] = 0.25
    assert build(data).demand[0].growth.rate == 0.25  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("p", "message"),
    [(0, r"0 is outside \(0, 1\]"), (2, r"2 is outside \(0, 1\]"), ("fast", r"'fast' is not a number")],
)
def test_bass_coefficients(p: object, message: str) -> None:
    data = one_link()
    data["demand"][0]["share"] = {"model": "bass", "end": "10%", "from": "2026-01", "p": p, "q": 0.38}
    with pytest.raises(ValidationError, match=message):
        build(data)


def test_every_finding_of_a_rule_is_reported() -> None:
    data = one_link(sources={"a": "x"})
    data["links"][0]["phases"] = [
        {"capacity": "1 Tbps", "in_service": "2027", "source": "b"},
        {"capacity": "2 Tbps", "in_service": "2026", "source": "c"},
        {"capacity": "3 Tbps", "in_service": "2025"},
    ]
    with pytest.raises(ValidationError) as caught:
        build(data)
    (error,) = caught.value.errors()
    assert error["ctx"]["at"] == ("phases", 1, "in_service")
    assert [at for _, at in error["ctx"]["more"]] == [("phases", 2, "in_service")]
    data["links"][0]["phases"] = sorted(data["links"][0]["phases"], key=lambda p: p["in_service"])
    with pytest.raises(ValidationError) as caught:
        build(data)
    (error,) = caught.value.errors()
    assert len(error["ctx"]["more"]) == 1  # sources 'b' and 'c' both reported
