"""sweep: values in the field's unit, ranges, grids, and outcomes equal to single runs."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from capacity_model.engine import project
from capacity_model.errors import ScenarioError
from capacity_model.results import iamc_columns
from capacity_model.scenario_files import variant
from capacity_model.studies.sweep import axis, sweep
from capacity_model.studies.tables import sweep_columns
from capacity_model.units import parse_month
from tests.scenario_data import build, one_link


def scenario():
    data = one_link(capacity="1 Tbps", base="300 Gbps", rate="25%")
    data["targets"] = [{"name": "Next", "capacity": "4 Tbps", "by": "2030-01"}]
    data["links"].append({"id": "new", "phases": [{"capacity": "4 Tbps", "in_service": "2030-01"}]})
    return build(data)


def test_values_and_ranges_are_read_in_the_fields_unit() -> None:
    s = scenario()
    assert axis(s, "demand.domestic.growth.rate", values="5%, 7.5%,10%").values == pytest.approx(
        (0.05, 0.075, 0.1)
    )
    assert axis(s, "demand.domestic.growth.rate", span="5%:20%:5%").values == pytest.approx(
        (0.05, 0.1, 0.15, 0.2)
    )
    months = axis(s, "links.new.phases[0].in_service", span="2029-01:2030-01:6 months").values
    assert months == (parse_month("2029-01"), parse_month("2029-07"), parse_month("2030-01"))
    assert axis(s, "links.new.phases[0].capacity", values="2 Tbps,500 Gbps").values == (2000.0, 500.0)


@pytest.mark.parametrize(
    ("values", "span", "message"),
    [
        ("abc", None, "not a percentage"),
        (None, "20%:5%:1%", "high is below low"),
        (None, "5%:20%", "write low:high:step"),
        (None, "5%:20%:0%", "step must be more than 0"),
        ("5%", "5%:20%:1%", "give either --values"),
    ],
)
def test_bad_values_are_clear_errors(values: str | None, span: str | None, message: str) -> None:
    with pytest.raises(ScenarioError) as error:
        axis(scenario(), "demand.domestic.growth.rate", values=values, span=span)
    assert message in str(error.value)
    assert str(error.value).startswith("--param demand.domestic.growth.rate: ")


def test_outcomes_equal_separate_single_runs_on_a_product_grid() -> None:
    s = scenario()
    rates = axis(s, "demand.domestic.growth.rate", values="20%,30%")
    dates = axis(s, "links.new.phases[0].in_service", values="2029-01,2031-01")
    result = sweep(s, [rates, dates], uncertain=False, jobs=1)
    assert len(result.points) == 4
    for point, outcome in zip(result.points, result.outcomes, strict=True):
        single = project(
            variant(
                s,
                {
                    ("demand", 0, "growth", "rate"): point[0],
                    ("links", 1, "phases", 0, "in_service"): point[1],
                },
                "t",
            )
        )
        first = single.exhaustions[0].month if single.exhaustions else None
        assert outcome.first_shortfall == first
        assert outcome.gap_at_horizon_gbps == single.gap_gbps[-1]
        assert outcome.months_late == {t.name: t.months_late for t in single.targets}
        assert outcome.months_short == single.months_short
        assert outcome.unserved_tbps_months == single.unserved_tbps_months
        assert outcome.upgrades_needed == len(single.plan.upgrades)
        assert outcome.plan_added_gbps == single.plan.total_added_gbps
    late = {p: o.months_late["Next"] for p, o in zip(result.points, result.outcomes, strict=True)}
    assert late[(0.2, parse_month("2029-01"))] == 0 and late[(0.2, parse_month("2031-01"))] == 12


def test_a_later_new_link_costs_months_short_and_unserved_traffic() -> None:
    s = scenario()
    dates = axis(s, "links.new.phases[0].in_service", span="2028-01:2034-01:12 months")
    outcomes = sweep(s, [dates], uncertain=False, jobs=1).outcomes
    short = [o.months_short for o in outcomes]
    lost = [o.unserved_tbps_months for o in outcomes]
    assert short == sorted(short) and lost == sorted(lost)  # later never costs less
    assert short[-1] > short[0] and lost[-1] > lost[0]  # and here it costs more


def test_results_do_not_depend_on_the_number_of_processes() -> None:
    s = scenario()
    rates = axis(s, "demand.domestic.growth.rate", span="10%:40%:5%")
    assert (
        sweep(s, [rates], uncertain=False, jobs=1).outcomes
        == sweep(s, [rates], uncertain=False, jobs=2).outcomes
    )


def test_values_the_scenario_does_not_allow_are_all_reported_before_running() -> None:
    s = build(
        {
            **one_link(),
            "links": [
                {
                    "id": "a",
                    "phases": [
                        {"capacity": "1 Tbps", "in_service": "2020-01"},
                        {"capacity": "2 Tbps", "in_service": "2030-01"},
                    ],
                }
            ],
        }
    )
    dates = axis(s, "links.a.phases[1].in_service", values="2019-01,2018-01,2031-01")
    with pytest.raises(ScenarioError) as error:
        sweep(s, [dates], uncertain=False)
    found = [str(p) for p in error.value.problems]
    assert len(found) == 2
    assert found[0].startswith("--param links.a.phases[1].in_service = 2019-01: ")


def test_iamc_table_is_long_and_matches_the_timeline() -> None:
    p = project(scenario())
    columns = iamc_columns(p, "capacity_model test")
    months = len(p.months)
    variables = list(dict.fromkeys(columns["variable"]))
    assert variables[:3] == ["Capacity", "Capacity|ofc", "Capacity|new"]
    assert len(columns["value"]) == months * len(variables)
    assert columns["value"][:months] == list(p.capacity_gbps)
    start = columns["variable"].index("Utilisation")
    assert columns["value"][start : start + months] == pytest.approx(list(p.utilisation * 100))
    assert set(columns["unit"]) == {"Gbps", "%"} and columns["time"][0] == "2026-01-01"
    assert set(columns["region"]) == {"Corridor"} and set(columns["scenario"]) == {"Test"}


def test_priorities_sweep_as_whole_numbers() -> None:
    data = one_link(capacity="1 Tbps", base="300 Gbps", rate="25%")
    data["demand"].append(
        {
            "id": "transit",
            "base": {"value": "3 Tbps", "at": "2026-01"},
            "growth": {"model": "cagr", "rate": "0%"},
            "share": {"model": "constant", "value": "10%"},
        }
    )
    data["demand"][0]["priority"] = 1
    s = build(data)
    priorities = axis(s, "demand.transit.priority", values="0,2")
    assert priorities.values == (0, 2) and [priorities.label(v) for v in priorities.values] == ["0", "2"]
    first, last = sweep(s, [priorities], uncertain=False, jobs=1).outcomes
    # Served first, transit carries min(300, 700) of its 3 Tbps base; served second, what domestic
    # leaves: 700 - 300 x 1.25^15 is below 0 by 2040-12, so nothing.
    assert first.carried_share["transit"] == pytest.approx(0.1)
    assert last.carried_share["transit"] == 0.0


def test_a_carried_share_month_outside_a_variants_period_is_left_blank() -> None:
    data = one_link(capacity="1 Tbps", base="300 Gbps", rate="25%", end="2030-12")
    data["demand"][0]["share"] = {"model": "constant", "value": "50%"}
    s = build(data)
    ends = axis(s, "period.end", values="2028-12,2030-12")
    short, long = sweep(s, [ends], uncertain=False, jobs=1, carried_at=parse_month("2030-06")).outcomes
    assert short.carried_share == {}  # 2030-06 is after this variant's period
    # 1 Tbps at 70% against 150 Gbps x 1.25^(53/12) in 2030-06: all carried, a share of 50%.
    assert long.carried_share == {"domestic": pytest.approx(0.5)}
    assert sweep_columns(sweep(s, [ends], uncertain=False, jobs=1, carried_at=parse_month("2030-06")))[
        "carried_share_domestic"
    ] == ["", pytest.approx(0.5)]


def test_outcomes_name_targets_on_time_but_too_small() -> None:
    from capacity_model.scenario_files import load_scenario
    from capacity_model.studies.outcomes import outcome, run

    transit = load_scenario(Path(__file__).parent.parent.parent / "scenarios" / "transit-15.yaml")
    result = outcome(run(transit, uncertain=False))
    (phase2,) = [t for t in project(transit).targets if t.name == "Phase 2"]
    assert phase2.status == "short" and result.too_small == ("Phase 2",)
    assert result.months_late["Phase 2"] == 0


def test_iamc_table_leaves_out_values_that_are_not_finite() -> None:
    # No capacity before 2028-01: utilisation is infinite there, which pyam refuses.
    data = one_link(end="2030-12")
    data["links"][0]["phases"][0]["in_service"] = "2028-01"
    columns = iamc_columns(project(build(data)), "capacity_model test")
    utilisation = [t for v, t in zip(columns["variable"], columns["time"], strict=True) if v == "Utilisation"]
    assert utilisation[0] == "2028-01-01" and len(utilisation) == 36
    assert all(math.isfinite(v) for v in columns["value"])
