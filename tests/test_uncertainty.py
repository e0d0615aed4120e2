"""The uncertainty section: paths, units, ranges and correlations, with file and line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from capacity_model.errors import ScenarioError
from capacity_model.scenario_files import load_scenario
from capacity_model.uncertainty import Z_MAX
from tests.scenario_data import CONTRACT_YAML

SECTION = """\
uncertainty:
  samples: 1000
  seed: 7
  parameters:
{parameters}
"""


def problems(tmp_path: Path, parameters: str, extra: str = "") -> list[str]:
    path = tmp_path / "x.yaml"
    path.write_text(CONTRACT_YAML + SECTION.format(parameters=parameters) + extra, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [str(p).replace(str(path), "x.yaml") for p in caught.value.problems]


# The contract ends on line 33; the section's parameters start on line 38.
@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        (
            "    demand.chinese-transit.growth.rat: {dist: uniform, low: 10%, high: 20%}",
            "x.yaml:38: uncertainty.parameters.demand.chinese-transit.growth.rat: "
            "'demand.chinese-transit.growth.rat': no field 'rat' in demand.chinese-transit.growth; did you mean 'rate'?",
        ),
        (
            "    links.ofx.phases[2].in_service: {dist: delay, low: 0 months, mode: 6 months, high: 2 years}",
            "x.yaml:38: uncertainty.parameters.links.ofx.phases[2].in_service: "
            "'links.ofx.phases[2].in_service': no entry 'ofx' in links; did you mean 'ofc'?",
        ),
        (
            "    demand.pakistan-china.base.value: {dist: lognormal, median: 200, p90: 300 Gbps}",
            "x.yaml:38: uncertainty.parameters.demand.pakistan-china.base.value.median: 200 has no unit; write e.g. '200 Gbps'",
        ),
        (
            "    demand.chinese-transit.share.end: {dist: uniform, low: 10%, high: 120%}",
            "x.yaml:38: uncertainty.parameters.demand.chinese-transit.share.end.high: '120%' is outside 0-100%",
        ),
        (
            "    demand.chinese-transit.share.end: {dist: triangular, low: 15%, mode: 12%, high: 20%}",
            "x.yaml:38: uncertainty.parameters.demand.chinese-transit.share.end.low: needs low <= mode <= high",
        ),
        (
            "    demand.chinese-transit.share.end: {dist: normal, mean: 12%, sd: 2%}",
            "x.yaml:38: uncertainty.parameters.demand.chinese-transit.share.end.dist: can reach",
        ),
        (
            "    demand.pakistan-china.growth.rate: {dist: delay, low: 0 months, mode: 1 month, high: 2 months}",
            "x.yaml:38: uncertainty.parameters.demand.pakistan-china.growth.rate.dist: 'delay' moves a date; "
            "demand.pakistan-china.growth.rate is a growth rate",
        ),
        (
            "    demand.pakistan-china.growth.rate: {dist: unifrom, low: 1%, high: 2%}",
            "x.yaml:38: uncertainty.parameters.demand.pakistan-china.growth.rate.dist: unknown dist 'unifrom'; did you mean 'uniform'?",
        ),
        (
            "    name: {dist: fixed, value: 3}",
            "x.yaml:38: uncertainty.parameters.name: 'name' names name, which is not a number",
        ),
    ],
)
def test_bad_parameters_are_reported_by_line_and_field(
    tmp_path: Path, parameters: str, expected: str
) -> None:
    found = problems(tmp_path, parameters)
    assert any(p.startswith(expected) for p in found), found


def test_correlations_must_name_parameters_and_be_consistent(tmp_path: Path) -> None:
    parameters = "\n".join(
        f"    {path}: {{dist: uniform, low: 10%, high: 20%}}"
        for path in (
            "demand.pakistan-china.growth.rate",
            "demand.chinese-transit.growth.rate",
            "demand.chinese-transit.share.end",
        )
    )
    a, b, c = (
        "demand.pakistan-china.growth.rate",
        "demand.chinese-transit.growth.rate",
        "demand.chinese-transit.share.end",
    )
    unknown = f"  correlations:\n    - {{between: [{a}, demand.nope], rho: 0.5}}\n"
    assert problems(tmp_path, parameters, unknown) == [
        "x.yaml:42: uncertainty.correlations[0].between: 'demand.nope' is not one of the parameters above; "
        "correlate parameters by their paths"
    ]
    impossible = (
        f"  correlations:\n    - {{between: [{a}, {b}], rho: 0.9}}\n    - {{between: [{b}, {c}], rho: 0.9}}\n"
        f"    - {{between: [{a}, {c}], rho: -0.9}}\n"
    )
    (message,) = problems(tmp_path, parameters, impossible)
    assert message.startswith("x.yaml:41: uncertainty.correlations: these correlations cannot hold together")


def test_sobol_samples_must_be_a_power_of_two(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "    demand.pakistan-china.growth.rate: {dist: fixed, value: 20%}",
        "  sobol_samples: 1000\n",
    )
    assert any("1000 is not a power of 2" in p for p in found), found


def test_the_sampler_reaches_exactly_z_max() -> None:
    assert pytest.approx(float(stats.norm.ppf(1 - np.finfo(float).eps)), rel=1e-12) == Z_MAX


def test_issue_example_section_validates_on_the_contract(tmp_path: Path) -> None:
    section = """\
uncertainty:
  samples: 10000
  seed: 2026
  method: random
  parameters:
    demand.chinese-transit.growth.rate: {dist: triangular, low: 15%, mode: 22%, high: 30%}
    demand.chinese-transit.share.end:   {dist: uniform, low: 10%, high: 15%}
    demand.pakistan-china.base.value:   {dist: lognormal, median: 200 Gbps, p90: 300 Gbps}
    links.ofc.phases[2].in_service:     {dist: delay, low: 0 months, mode: 6 months, high: 24 months}
  correlations:
    - {between: [demand.chinese-transit.growth.rate, demand.pakistan-china.growth.rate], rho: 0.6}
"""
    path = tmp_path / "ok.yaml"
    path.write_text(
        CONTRACT_YAML
        + section.replace("demand.pakistan-china.growth.rate]", "demand.chinese-transit.share.end]")
    )
    scenario = load_scenario(path)
    assert [p.dist for p in scenario.parameters()] == ["triangular", "uniform", "lognormal", "delay"]
    assert scenario.parameters()[3].values == {"low": 0.0, "mode": 6.0, "high": 24.0}


def test_a_range_cites_a_defined_source(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "    demand.chinese-transit.share.end: {dist: uniform, low: 10%, high: 15%, source: ofc-450x}",
    )
    assert found == [
        "x.yaml:38: uncertainty.parameters.demand.chinese-transit.share.end.source: 'ofc-450x' is not defined "
        "under sources; did you mean 'ofc-450g'?"
    ]


def test_bounds_and_choices_are_worded_for_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "u.yaml"
    path.write_text(
        CONTRACT_YAML
        + "uncertainty:\n  samples: -5\n  method: latin-hypercub\n  parameters:\n"
        + "    demand.pakistan-china.growth.rate: {dist: fixed, value: 20%}\n"
        + "  correlations:\n    - {between: [demand.pakistan-china.growth.rate, demand.pakistan-china.growth.rate], rho: 2}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert [str(p).replace(str(path), "u.yaml") for p in caught.value.problems] == [
        "u.yaml:35: uncertainty.samples: must be at least 1, found -5",
        "u.yaml:36: uncertainty.method: 'latin-hypercub' is not allowed; did you mean 'latin-hypercube'?",
        "u.yaml:40: uncertainty.correlations[0].rho: must be at most 1, found 2",
    ]


def test_the_plan_rule_is_not_an_uncertain_input(tmp_path: Path) -> None:
    found = problems(tmp_path, "    planning.upgrade.step: {dist: uniform, low: 100 Gbps, high: 400 Gbps}")
    assert found == [
        "x.yaml:38: uncertainty.parameters.planning.upgrade.step: planning.upgrade is the rule of the capacity "
        "plan, which uses the values written, not an uncertain input; compare rules with 'capacity-model "
        "sweep --param planning.upgrade.step' instead"
    ]


def test_a_priority_is_not_an_uncertain_input(tmp_path: Path) -> None:
    found = problems(tmp_path, "    demand.chinese-transit.priority: {dist: choice, values: [0, 1]}")
    assert (
        len(found) == 1
        and "a whole number (a priority, a number of samples) is a choice, not an uncertain input" in found[0]
    )
