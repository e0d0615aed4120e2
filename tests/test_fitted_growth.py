"""growth: {model: fitted} in a scenario: the curve fitted when the file is loaded (in the data's
bit rate, or scaled to a base), its parameters drawn jointly with an uncertainty section, the
data file's problems named by file and line, and the resolved file that needs no data file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from capacity_model.engine import project
from capacity_model.engine.fitting import fitted_curve
from capacity_model.engine.montecarlo import run_monte_carlo
from capacity_model.errors import ScenarioError
from capacity_model.scenario_files import load
from capacity_model.schema import FittedGrowth
from tests.cli_helpers import cli

ROOT = Path(__file__).resolve().parents[1]

#: 1 Tbps in 2020-01 growing exactly 30% a year, half-yearly to 2024-07.
EXACT = "date,traffic_gbps\n" + "".join(
    f"{2020 + k // 2}-{1 + 6 * (k % 2):02d},{1000 * 1.3 ** (k / 2)!r}\n" for k in range(10)
)
#: The same with 4% noise, for the uncertainty.
NOISY = "date,traffic_gbps\n" + "".join(
    f"{2020 + k // 2}-{1 + 6 * (k % 2):02d},{1000 * 1.3 ** (k / 2) * n:.3f}\n"
    for k, n in enumerate(np.exp(np.random.default_rng(2).normal(0, 0.04, 10)))
)
SCENARIO = """\
name: Fitted
period: {start: 2026-01, end: 2030-12}
links:
  - {id: l, phases: [{capacity: 100 Tbps, in_service: 2025-01}]}
demand:
  - id: national
    growth: {model: fitted, data: data/traffic.csv, form: cagr}
"""


def setup(tmp_path: Path, data: str = EXACT, scenario: str = SCENARIO) -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "traffic.csv").write_text(data, encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(scenario, encoding="utf-8")
    return path


def test_the_curve_is_fitted_when_the_file_is_loaded_in_the_datas_bit_rate(tmp_path: Path) -> None:
    scenario = load(setup(tmp_path)).scenario
    growth = scenario.demand[0].growth
    assert isinstance(growth, FittedGrowth) and len(growth.points) == 10 and growth.column == "traffic_gbps"
    projection = project(scenario)
    # exact data: 1 Tbps at 2020-01 growing 30% a year, so 1000 x 1.3^((m - 2020-01)/12) Gbps
    m = projection.months - (2020 * 12)
    np.testing.assert_allclose(projection.demand_gbps, 1000 * 1.3 ** (m / 12), rtol=1e-9)


def test_a_base_scales_the_fitted_curve_through_it(tmp_path: Path) -> None:
    text = SCENARIO.replace(
        "  - id: national\n", "  - id: national\n    base: {value: 7500 Gbps, at: 2024-12}\n"
    )
    projection = project(load(setup(tmp_path, scenario=text)).scenario)
    m = projection.months - (2024 * 12 + 11)
    np.testing.assert_allclose(projection.demand_gbps, 7500 * 1.3 ** (m / 12), rtol=1e-9)


def test_a_column_that_is_not_a_bit_rate_needs_a_base(tmp_path: Path) -> None:
    path = setup(tmp_path, EXACT.replace("traffic_gbps", "subscribers"))
    with pytest.raises(ScenarioError) as error:
        load(path)
    (problem,) = error.value.problems
    assert "s.yaml:6: demand[national].base: base is missing; the data's column subscribers is not" in str(
        problem
    )


def test_the_data_files_problems_are_named_by_its_file_and_line(tmp_path: Path) -> None:
    path = setup(tmp_path, EXACT.replace("2021-07,", "2021-07,x", 1))
    with pytest.raises(ScenarioError) as error:
        load(path)
    assert [str(p) for p in error.value.problems] == [
        f"{tmp_path / 'data' / 'traffic.csv'}:5: traffic_gbps: 'x{1000 * 1.3**1.5!r}' is not a number: write "
        "plain numbers (1835, 3.79)",
        f"{path}:7: demand[national].growth.data: the data file data/traffic.csv has the problems above",
    ]
    path.write_text(SCENARIO.replace("data/traffic.csv", "data/none.csv"), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"s\.yaml:7: demand\[national\]\.growth\.data: file not found"):
        load(path)


def test_too_few_points_for_the_form(tmp_path: Path) -> None:
    text = SCENARIO.replace("form: cagr}", "form: logistic, until: 2021-01}")
    with pytest.raises(
        ScenarioError, match="the logistic form is fitted to at least 4 points, and 3 are left"
    ):
        load(setup(tmp_path, scenario=text))


def test_the_fits_parameters_are_drawn_jointly_and_in_order(tmp_path: Path) -> None:
    text = SCENARIO + "uncertainty: {samples: 4000, seed: 3}\n"
    scenario = load(setup(tmp_path, NOISY, text)).scenario
    (parameter,) = scenario.parameters()
    assert parameter.path == "demand.national.growth.draw" and parameter.dist == "uniform"
    mc = run_monte_carlo(scenario)
    # each sample's demand is one joint draw of (level, rate) from the Student-t distribution
    # of the estimates: at the period's last month its log has the spread x'Cov x of the
    # fitted line there, so its P10-P90 is exp(±t_{0.9,n-2}·√(x'Cov x)), within the sampling
    # error of 4,000 samples (about 3%)
    growth = scenario.demand[0].growth
    assert isinstance(growth, FittedGrowth)
    fitted = fitted_curve(
        "cagr", tuple(p.at for p in growth.points), tuple(p.value for p in growth.points), None
    )
    first, last = mc.quantile("demand_gbps", 0.1), mc.quantile("demand_gbps", 0.9)
    assert np.all(first < last)
    x = np.array([1.0, mc.months[-1] / 12 - fitted.centre])
    half = stats.t.ppf(0.9, 10 - 2) * np.sqrt(x @ fitted.covariance @ x)
    assert np.log(last[-1] / first[-1]) == pytest.approx(2 * half, rel=0.06)
    # a higher draw is a higher curve: the median sample is the curve at about the estimates
    central = project(scenario).demand_gbps
    assert mc.quantile("demand_gbps", 0.5)[-1] == pytest.approx(central[-1], rel=0.02)


def test_the_resolved_file_runs_without_the_data_file(tmp_path: Path) -> None:
    setup(tmp_path)
    ran = cli("run", "s.yaml", "-o", "out", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    shutil.rmtree(tmp_path / "data")
    resolved = tmp_path / "out" / "s" / "scenario.resolved.yaml"
    again = cli("run", resolved, "-o", "again", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    first = json.loads((tmp_path / "out" / "s" / "summary.json").read_text())
    second = json.loads((tmp_path / "again" / "scenario.resolved" / "summary.json").read_text())
    assert first["unserved_tbps_months"] == second["unserved_tbps_months"]


def test_the_data_window_is_set_not_sampled(tmp_path: Path) -> None:
    text = SCENARIO + (
        "uncertainty:\n  samples: 100\n  parameters:\n"
        "    demand.national.growth.since: {dist: uniform, low: 2020-01, high: 2021-01}\n"
    )
    with pytest.raises(ScenarioError, match="the data a growth curve is fitted to is chosen, not sampled"):
        load(setup(tmp_path, scenario=text))
    path = setup(tmp_path)
    later = load(path, ["demand.national.growth.since=2022-01"]).scenario.demand[0].growth
    assert isinstance(later, FittedGrowth) and later.points[0].at == 2022 * 12


def test_the_shipped_calibrated_scenario() -> None:
    scenario = load(ROOT / "scenarios" / "calibrated.yaml").scenario
    national = next(s for s in scenario.demand if s.id == "national")
    growth = national.growth
    assert isinstance(growth, FittedGrowth) and growth.form == "cagr"
    assert [p.value for p in growth.points] == [786, 997, 1217, 1835]
    # 7.5 Tbps at 2024-12 (the base), growing at the fitted 23.4% a year
    projection = project(scenario)
    rate = (projection.demand_gbps[12] / projection.demand_gbps[0]) - 1
    assert rate == pytest.approx(0.234, abs=0.001)
    assert any(p.path == "demand.national.growth.draw" for p in scenario.parameters())


#: A logistic curve (150, rate 0.6, midpoint 2016) with 4% noise, half-yearly 2010-2021.
LOGISTIC = "date,subscribers\n" + "".join(
    f"{2010 + k // 2}-{1 + 6 * (k % 2):02d},{150 / (1 + np.exp(-0.6 * (2010 + k / 2 - 2016))) * n:.4f}\n"
    for k, n in enumerate(np.exp(np.random.default_rng(6).normal(0, 0.04, 24)))
)


def test_with_a_base_a_higher_draw_is_more_demand_at_the_end(tmp_path: Path) -> None:
    # The draws are ordered by the demand they give at the end once scaled through the base:
    # uniforms in increasing order give increasing demand in the period's last month.
    from capacity_model.engine.evaluation import evaluate, period_months
    from capacity_model.engine.montecarlo import values_for

    text = (
        SCENARIO.replace("form: cagr}", "form: logistic}").replace(
            "  - id: national\n", "  - id: national\n    base: {value: 1 Tbps, at: 2024-01}\n"
        )
        + "uncertainty: {samples: 10}\n"
    )
    scenario = load(setup(tmp_path, LOGISTIC, text)).scenario
    (parameter,) = scenario.parameters()
    draws = np.linspace(0.001, 0.999, 200)[:, None]
    result = evaluate(scenario, period_months(scenario), values_for([parameter], draws))
    end = result.demand_gbps[:, -1]
    assert np.all(np.diff(end) >= -1e-9 * end[1:])
    assert end[-1] > end[0]


def test_points_given_outside_since_are_refused_not_silently_kept(tmp_path: Path) -> None:
    setup(tmp_path)
    ran = cli("run", "s.yaml", "--deterministic", "-o", "out", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    resolved = tmp_path / "out" / "s" / "scenario.resolved.yaml"
    again = cli("validate", resolved, "--set", "demand.national.growth.since=2022-01", cwd=tmp_path)
    assert again.returncode == 2
    assert "growth.since: the points start at 2020-01, before since" in again.stderr
    assert "remove points: to read the data anew" in again.stderr


def test_a_base_before_a_bass_curve_starts_is_named(tmp_path: Path) -> None:
    # Bass starting in 2008: a base in 1990 lies before the curve has begun.
    data = "date,subscribers\n" + "".join(
        f"{2010 + k},{120 * (1 - np.exp(-0.52 * (k + 1.5))) / (1 + 25 * np.exp(-0.52 * (k + 1.5))):.5f}\n"
        for k in range(12)
    )
    text = SCENARIO.replace("form: cagr}", "form: bass}").replace(
        "  - id: national\n", "  - id: national\n    base: {value: 1 Tbps, at: 1990-01}\n"
    )
    with pytest.raises(
        ScenarioError, match=r"demand\[national\]\.base\.at: the bass curve fitted to .* has not started"
    ):
        project(load(setup(tmp_path, data, text)).scenario)


def test_an_s_curve_is_fitted_to_at_most_a_thousand_points(tmp_path: Path) -> None:
    from capacity_model.engine.fitting import FitError, fit

    times = 1900 + np.arange(1001) / 12
    with pytest.raises(FitError, match="fitted to at most 1,000 points"):
        fit(times, 1 + times - 1899, "logistic")
